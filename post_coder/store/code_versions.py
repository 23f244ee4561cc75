"""SQL for the codebook's history (``code_versions``) and the re-check queue
(``recheck_flags``); see migration ``0006_code_versions``."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields

from sqlite_utils import Database

from post_coder.store.scope import ReadScope, coders_clause

#: a code's fields a version keeps (the code's state after the change)
FIELDS = ("name", "parent_id", "definition", "inclusion", "exclusion", "example", "color",
          "status", "merged_into", "sort_order")


@dataclass(frozen=True)
class Version:
    """A code as it was after one change (``action``) by ``coder_id`` at ``at``."""

    id: str
    code_id: str
    version: int
    at: str
    coder_id: str | None
    action: str
    step_id: str | None
    name: str
    parent_id: str | None
    definition: str
    inclusion: str
    exclusion: str
    example: str
    color: str
    status: str
    merged_into: str | None
    sort_order: int
    #: the other codes a merge or split involved
    related: tuple[str, ...]
    rationale: str | None

    def as_dict(self) -> dict:
        return asdict(self)


_NAMES = [f.name for f in fields(Version)]
_COLUMNS = ", ".join(_NAMES)


def _version(row: tuple) -> Version:
    values = list(row)
    values[_NAMES.index("related")] = tuple(json.loads(values[_NAMES.index("related")] or "[]"))
    return Version(*values)


def insert(db: Database, v: Version) -> None:
    values = [getattr(v, n) for n in _NAMES]
    values[_NAMES.index("related")] = json.dumps(list(v.related))
    db.execute(f"INSERT INTO code_versions ({_COLUMNS}) VALUES ({', '.join('?' for _ in _NAMES)})",
               values)


def replace_(db: Database, v: Version) -> None:
    """Rewrite version ``v.id`` (a second change to the code within the same action)."""
    sets = [n for n in _NAMES if n not in ("id", "code_id", "version")]
    values = [json.dumps(list(v.related)) if n == "related" else getattr(v, n) for n in sets]
    db.execute(f"UPDATE code_versions SET {', '.join(f'{n} = ?' for n in sets)} WHERE id = ?",
               [*values, v.id])


def latest(db: Database, code_id: str) -> Version | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM code_versions WHERE code_id = ?"
                     " ORDER BY version DESC LIMIT 1", [code_id]).fetchone()
    return _version(row) if row else None


def get(db: Database, code_id: str, version: int) -> Version | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM code_versions WHERE code_id = ? AND version = ?",
                     [code_id, version]).fetchone()
    return _version(row) if row else None


def for_code(db: Database, code_id: str) -> list[Version]:
    rows = db.execute(f"SELECT {_COLUMNS} FROM code_versions WHERE code_id = ?"
                      " ORDER BY version", [code_id]).fetchall()
    return [_version(r) for r in rows]


def as_of(db: Database, moment: str) -> list[Version]:
    """Each code's latest version made at or before ``moment`` (codes made later: none)."""
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM code_versions v WHERE at <= ? AND version = ("
        " SELECT max(w.version) FROM code_versions w WHERE w.code_id = v.code_id AND w.at <= ?)"
        " ORDER BY sort_order, name COLLATE NOCASE", [moment, moment]).fetchall()
    return [_version(r) for r in rows]


# -- the re-check queue ---------------------------------------------------------------------

@dataclass(frozen=True)
class Flag:
    id: str
    coding_id: str
    code_id: str
    from_version: int
    version: int
    flagged_at: str
    status: str
    settled_by: str | None
    settled_at: str | None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class FlagRow:
    """An open flag with what its coder needs to re-check it (the coding is live)."""

    id: str
    coding_id: str
    code_id: str
    code: str
    coder_id: str
    coder: str
    respondent: str
    question: str
    response_id: str
    text: str
    span_start: int | None
    span_end: int | None
    from_version: int
    version: int
    flagged_at: str


_FLAG_COLUMNS = ", ".join(f.name for f in fields(Flag))


def open_coding_ids(db: Database, code_id: str) -> set[str]:
    """Codings of ``code_id`` with an open flag."""
    return {r[0] for r in db.execute("SELECT coding_id FROM recheck_flags WHERE code_id = ?"
                                     " AND status = 'open'", [code_id])}


def flag(db: Database, rows: Sequence[tuple[str, str, str, int, int, str]]) -> None:
    """New open flags: (id, coding id, code id, from version, version, flagged at)."""
    db.conn.executemany("INSERT INTO recheck_flags (id, coding_id, code_id, from_version,"
                        " version, flagged_at) VALUES (?, ?, ?, ?, ?, ?)", rows)


def reflag(db: Database, code_id: str, version: int, at: str) -> None:
    """Open flags of ``code_id`` now ask for a re-check under ``version``."""
    db.execute("UPDATE recheck_flags SET version = ?, flagged_at = ? WHERE code_id = ?"
               " AND status = 'open' AND version != ?", [version, at, code_id, version])


def get_flag(db: Database, flag_id: str) -> Flag | None:
    row = db.execute(f"SELECT {_FLAG_COLUMNS} FROM recheck_flags WHERE id = ?",
                     [flag_id]).fetchone()
    return Flag(*row) if row else None


def settle(db: Database, flag_ids: Sequence[str], status: str, by: str | None, at: str) -> None:
    db.execute("UPDATE recheck_flags SET status = ?, settled_by = ?, settled_at = ?"
               " WHERE id IN (SELECT value FROM json_each(?))",
               [status, by, at, json.dumps(list(flag_ids))])


def open_rows(db: Database, scope: ReadScope, *, coder_ids: Sequence[str] | None = None,
              flag_ids: Sequence[str] | None = None) -> list[FlagRow]:
    """Open flags whose coding is live and still of the flagged code, that ``scope`` sees."""
    visible, params = coders_clause(scope, "c.coder_id")
    where = ["f.status = 'open'", "c.deleted_at IS NULL" + visible]
    for column, values in (("c.coder_id", coder_ids), ("f.id", flag_ids)):
        if values is not None:
            where.append(f"{column} IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(list(values)))
    sql = f"""
        SELECT f.id, c.id, f.code_id, k.name, c.coder_id, d.name, p.external_id,
               q.column_name, r.id, r.text, c.span_start, c.span_end, f.from_version,
               f.version, f.flagged_at
        FROM recheck_flags f
        JOIN codings c ON c.id = f.coding_id AND c.code_id = f.code_id
        JOIN codes k ON k.id = f.code_id
        JOIN coders d ON d.id = c.coder_id
        JOIN responses r ON r.id = c.response_id
        JOIN respondents p ON p.id = r.respondent_id
        JOIN questions q ON q.id = r.question_id
        WHERE {' AND '.join(where)}
        ORDER BY d.name, k.name COLLATE NOCASE, q.position, r.seq, c.span_start
    """
    return [FlagRow(*r) for r in db.execute(sql, params).fetchall()]
