"""SQL for coding rounds: who codes which responses, blind or not."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlite_utils import Database

from post_coder.store.labels import QUESTION_LABEL


@dataclass(frozen=True)
class Round:
    id: str
    name: str
    blind: bool
    status: str
    #: how the responses were chosen: ``{"questions": …, "fraction": …, "size": …,
    #: "stratify_by": …, "seed": …}``
    sample: dict[str, Any]
    created_at: str
    created_by: str | None
    closed_at: str | None
    closed_by: str | None

    def as_dict(self) -> dict:
        return asdict(self)


_COLUMNS = "id, name, blind, status, sample, created_at, created_by, closed_at, closed_by"


def _round(row: tuple) -> Round:
    return Round(row[0], row[1], bool(row[2]), row[3], json.loads(row[4] or "{}"), *row[5:])


def insert(db: Database, r: Round, coder_ids: Sequence[str], response_ids: Iterable[str]) -> None:
    db.execute(f"INSERT INTO rounds ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
               [r.id, r.name, int(r.blind), r.status,
                json.dumps(r.sample, ensure_ascii=False, sort_keys=True), r.created_at,
                r.created_by, r.closed_at, r.closed_by])
    db.conn.executemany("INSERT OR IGNORE INTO round_coders (round_id, coder_id) VALUES (?, ?)",
                        [(r.id, c) for c in coder_ids])
    db.conn.executemany(
        "INSERT OR IGNORE INTO round_responses (round_id, response_id) VALUES (?, ?)",
        ((r.id, x) for x in response_ids))


def get(db: Database, round_id: str) -> Round | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM rounds WHERE id = ?", [round_id]).fetchone()
    return _round(row) if row else None


def by_name(db: Database, name: str) -> Round | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM rounds WHERE name = ? COLLATE NOCASE",
                     [name.strip()]).fetchone()
    return _round(row) if row else None


def list_(db: Database) -> list[Round]:
    rows = db.execute(f"SELECT {_COLUMNS} FROM rounds ORDER BY created_at, name").fetchall()
    return [_round(r) for r in rows]


def coder_ids(db: Database, round_id: str) -> list[str]:
    rows = db.execute("SELECT c.id FROM round_coders rc JOIN coders c ON c.id = rc.coder_id"
                      " WHERE rc.round_id = ? ORDER BY c.name COLLATE NOCASE, c.id", [round_id])
    return [r[0] for r in rows]


def response_ids(db: Database, round_id: str) -> list[str]:
    """The round's responses in file order (respondent, then question)."""
    rows = db.execute(
        "SELECT r.id FROM round_responses x JOIN responses r ON r.id = x.response_id"
        " JOIN respondents p ON p.id = r.respondent_id JOIN questions q ON q.id = r.question_id"
        " WHERE x.round_id = ? ORDER BY p.dataset_id, p.row_number, q.position", [round_id])
    return [r[0] for r in rows]


def contents(db: Database, round_id: str) -> list[tuple[str, str, str, str, str, list[str]]]:
    """The round's responses in file order: (response id, respondent id, the respondent's
    id in the survey, question, text, ids of the round's coders who marked it done)."""
    rows = db.execute(
        f"SELECT r.id, p.id, p.external_id, {QUESTION_LABEL}, r.text,"
        " (SELECT json_group_array(coder_id) FROM (SELECT d.coder_id FROM done_marks d"
        "   JOIN round_coders rc ON rc.coder_id = d.coder_id AND rc.round_id = x.round_id"
        "   WHERE d.response_id = r.id AND d.deleted_at IS NULL ORDER BY d.coder_id))"
        " FROM round_responses x JOIN responses r ON r.id = x.response_id"
        " JOIN respondents p ON p.id = r.respondent_id JOIN questions q ON q.id = r.question_id"
        " WHERE x.round_id = ? ORDER BY p.dataset_id, p.row_number, q.position", [round_id])
    return [(r[0], r[1], r[2], r[3], r[4], json.loads(r[5])) for r in rows]


def response_count(db: Database, round_id: str) -> int:
    return db.execute("SELECT count(*) FROM round_responses WHERE round_id = ?",
                      [round_id]).fetchone()[0]


def coded_counts(db: Database, round_id: str) -> dict[str, int]:
    """Coder id → how many of the round's responses that coder has marked done (coding a
    response marks it done)."""
    rows = db.execute(
        "SELECT rc.coder_id, (SELECT count(*) FROM done_marks d"
        "  JOIN round_responses x ON x.response_id = d.response_id AND x.round_id = rc.round_id"
        "  WHERE d.coder_id = rc.coder_id AND d.deleted_at IS NULL)"
        " FROM round_coders rc WHERE rc.round_id = ?", [round_id]).fetchall()
    return dict(rows)


def close(db: Database, round_id: str, at: str, by: str | None) -> None:
    db.execute("UPDATE rounds SET status = 'closed', closed_at = ?, closed_by = ? WHERE id = ?",
               [at, by, round_id])


def open_blind_round_ids(db: Database, coder_id: str) -> list[str]:
    """Open blind rounds this coder takes part in."""
    rows = db.execute(
        "SELECT r.id FROM rounds r JOIN round_coders rc ON rc.round_id = r.id"
        " WHERE rc.coder_id = ? AND r.blind = 1 AND r.status = 'open' ORDER BY r.created_at",
        [coder_id])
    return [r[0] for r in rows]


def blind_response_ids(db: Database, coder_id: str) -> set[str]:
    """Responses of the open blind rounds this coder takes part in."""
    rows = db.execute(
        "SELECT DISTINCT x.response_id FROM round_responses x JOIN rounds r ON r.id = x.round_id"
        " JOIN round_coders rc ON rc.round_id = r.id"
        " WHERE rc.coder_id = ? AND r.blind = 1 AND r.status = 'open'", [coder_id])
    return {r[0] for r in rows}


def sampling_frame(db: Database, question_ids: Sequence[str] | None,
                   variable_ids: Sequence[str] | None) -> list[tuple[str, str, str]]:
    """(respondent id, response id, stratum) for every response to these questions.

    In file order. The stratum is the respondent's value(s) of the variables, as a JSON
    list of text (``[]`` when no variable is given or the respondent has no value).
    """
    sql = """
        SELECT r.respondent_id, r.id,
               (SELECT json_group_array(v) FROM (
                    SELECT DISTINCT CAST(x.value AS TEXT) AS v FROM variable_values x
                    WHERE x.respondent_id = r.respondent_id
                      AND x.variable_id IN (SELECT value FROM json_each(?1))
                    ORDER BY v))
        FROM responses r
        JOIN respondents p ON p.id = r.respondent_id
        JOIN questions q ON q.id = r.question_id
        JOIN datasets d ON d.id = p.dataset_id
        WHERE ?2 IS NULL OR r.question_id IN (SELECT value FROM json_each(?2))
        ORDER BY d.imported_at, d.rowid, p.row_number, q.position
    """
    params = [json.dumps(list(variable_ids or [])),
              None if question_ids is None else json.dumps(list(question_ids))]
    return [(r[0], r[1], r[2]) for r in db.execute(sql, params).fetchall()]


def variable_ids_named(db: Database, name: str) -> list[str]:
    rows = db.execute("SELECT id FROM variables WHERE name = ? COLLATE NOCASE OR"
                      " trim(label) = ? COLLATE NOCASE", [name.strip(), name.strip()])
    return [r[0] for r in rows]


def variable_names(db: Database) -> list[str]:
    return [r[0] for r in db.execute("SELECT DISTINCT name FROM variables ORDER BY name")]


# -- whole-project merges ----------------------------------------------------------------------

def all_round_rows(db: Database) -> list[tuple[Round, list[str], list[str]]]:
    """Every round with its coder ids and response ids (for merging whole projects)."""
    out = []
    for r in list_(db):
        coders = [x[0] for x in db.execute(
            "SELECT coder_id FROM round_coders WHERE round_id = ? ORDER BY coder_id", [r.id])]
        responses = [x[0] for x in db.execute(
            "SELECT response_id FROM round_responses WHERE round_id = ? ORDER BY response_id",
            [r.id])]
        out.append((r, coders, responses))
    return out


def set_closed(db: Database, round_id: str, closed_at: str | None, closed_by: str | None) -> None:
    db.execute("UPDATE rounds SET status = 'closed', closed_at = ?, closed_by = ? WHERE id = ?",
               [closed_at, closed_by, round_id])
