"""SQL for codings: a code applied by a coder to a response, or to a span of it.

A removed coding is kept as a tombstone (``deleted_at`` set) so that removals travel
with a coder's work when projects are merged.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields

from sqlite_utils import Database

from post_coder.store.labels import QUESTION_LABEL
from post_coder.store.scope import ReadScope, coders_clause


@dataclass(frozen=True)
class Coding:
    id: str
    response_id: str
    code_id: str
    coder_id: str
    span_start: int | None
    span_end: int | None
    created_at: str
    updated_at: str
    deleted_at: str | None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class CodingRow:
    """A live coding with what a person needs to read it."""

    id: str
    response_id: str
    respondent: str
    #: the question's short label (its full text: ``question_text``)
    question: str
    code_id: str
    code: str
    coder_id: str
    coder: str
    span_start: int | None
    span_end: int | None
    segment: str
    created_at: str
    question_text: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


_NAMES = [f.name for f in fields(Coding)]
_COLUMNS = ", ".join(_NAMES)


def insert_many(db: Database, codings: Iterable[Coding]) -> None:
    marks = ", ".join("?" for _ in _NAMES)
    db.conn.executemany(f"INSERT INTO codings ({_COLUMNS}) VALUES ({marks})",
                        ([getattr(c, n) for n in _NAMES] for c in codings))


def get(db: Database, coding_id: str) -> Coding | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM codings WHERE id = ?", [coding_id]).fetchone()
    return Coding(*row) if row else None


def find_live(db: Database, response_id: str, code_id: str, coder_id: str,
              start: int | None, end: int | None) -> Coding | None:
    row = db.execute(
        f"SELECT {_COLUMNS} FROM codings WHERE response_id = ? AND code_id = ? AND coder_id = ?"
        " AND span_start IS ? AND span_end IS ? AND deleted_at IS NULL",
        [response_id, code_id, coder_id, start, end]).fetchone()
    return Coding(*row) if row else None


def live_for_response(db: Database, scope: ReadScope, response_id: str) -> list[Coding]:
    """The live codings of one response that ``scope`` sees."""
    where, params = coders_clause(scope, "coder_id")
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM codings WHERE response_id = ? AND deleted_at IS NULL{where}"
        " ORDER BY created_at", [response_id, *params]).fetchall()
    return [Coding(*r) for r in rows]


def live_for_code(db: Database, code_id: str) -> list[Coding]:
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM codings WHERE code_id = ? AND deleted_at IS NULL"
        " ORDER BY created_at", [code_id]).fetchall()
    return [Coding(*r) for r in rows]


def tombstone(db: Database, coding_ids: Sequence[str], at: str) -> None:
    db.conn.executemany("UPDATE codings SET deleted_at = ?, updated_at = ? WHERE id = ?"
                        " AND deleted_at IS NULL", [(at, at, i) for i in coding_ids])


def set_code(db: Database, coding_ids: Sequence[str], code_id: str, at: str) -> None:
    """Give these codings another code (one statement, however many)."""
    db.execute("UPDATE codings SET code_id = ?, updated_at = ?"
               " WHERE id IN (SELECT value FROM json_each(?))",
               [code_id, at, _json_list(coding_ids)])


#: the live coding of code ? that the outer ``codings`` row duplicates (same response,
#: coder and span)
_TWIN = ("SELECT k.id FROM codings k WHERE k.response_id = codings.response_id"
         " AND k.code_id = ? AND k.coder_id = codings.coder_id"
         " AND k.span_start IS codings.span_start AND k.span_end IS codings.span_end"
         " AND k.deleted_at IS NULL")


def move_all(db: Database, source_id: str, target_id: str, at: str) -> tuple[int, int]:
    """Move every live coding of ``source_id`` to ``target_id``, set-based.

    A coding the target already has (same response, coder and span) is hidden as a
    duplicate of it: removed while the kept one is live, back if the kept one is removed
    on another laptop (see the merge rules); the others change code. Returns (moved, hidden).
    """
    hidden = db.execute(
        f"UPDATE codings SET deleted_at = ?, updated_at = ?, duplicate_of = ({_TWIN})"
        f" WHERE code_id = ? AND deleted_at IS NULL AND EXISTS ({_TWIN})",
        [at, at, target_id, source_id, target_id]).rowcount
    moved = db.execute(
        "UPDATE codings SET code_id = ?, updated_at = ? WHERE code_id = ? AND deleted_at IS NULL",
        [target_id, at, source_id]).rowcount
    return moved, hidden


def rows(
    db: Database,
    scope: ReadScope,
    *,
    code_ids: Sequence[str] | None = None,
    coder_ids: Sequence[str] | None = None,
    question_ids: Sequence[str] | None = None,
    response_ids: Sequence[str] | None = None,
    coding_ids: Sequence[str] | None = None,
    respondents: Sequence[str] | None = None,
    limit: int | None = None,
) -> list[CodingRow]:
    """Live codings ``scope`` sees, joined for display, filtered by any of codes, coders,
    questions, responses, coding ids and respondents (their id in the survey)."""
    visible, scoped = coders_clause(scope, "c.coder_id")
    where = ["c.deleted_at IS NULL" + visible]
    params: list[object] = [*scoped]
    for column, values in (("c.code_id", code_ids), ("c.coder_id", coder_ids),
                           ("r.question_id", question_ids), ("c.response_id", response_ids),
                           ("c.id", coding_ids), ("p.external_id", respondents)):
        if values is not None:
            where.append(f"{column} IN (SELECT value FROM json_each(?))")
            params.append(_json_list(values))
    sql = f"""
        SELECT c.id, c.response_id, p.external_id, {QUESTION_LABEL}, c.code_id, k.name,
               c.coder_id, d.name, c.span_start, c.span_end,
               CASE WHEN c.span_start IS NULL THEN r.text
                    ELSE substr(r.text, c.span_start + 1, c.span_end - c.span_start) END,
               c.created_at, q.wording
        FROM codings c
        JOIN responses r ON r.id = c.response_id
        JOIN respondents p ON p.id = r.respondent_id
        JOIN questions q ON q.id = r.question_id
        JOIN codes k ON k.id = c.code_id
        JOIN coders d ON d.id = c.coder_id
        WHERE {' AND '.join(where)}
        ORDER BY q.position, r.seq, k.sort_order, k.name, d.name, c.span_start
    """
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [CodingRow(*r) for r in db.execute(sql, params).fetchall()]


def _json_list(values: Sequence[str]) -> str:
    return json.dumps(list(values))
