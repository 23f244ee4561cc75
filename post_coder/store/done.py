"""SQL for done marks: a coder has read a response (coded it, or found that nothing applies).

One row per (response, coder). Un-marking sets ``deleted_at`` (a tombstone, so that it
travels in work files); marking again clears it. A mark says nothing about which codes
were applied, so reading them needs no read scope (round progress shows the same).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from sqlite_utils import Database

#: a done mark's columns, in this order (work files and merges use tuples of them)
COLUMNS = ("response_id", "coder_id", "done_at", "updated_at", "deleted_at")
_COLUMNS = ", ".join(COLUMNS)


@dataclass(frozen=True)
class DoneMark:
    response_id: str
    coder_id: str
    done_at: str
    updated_at: str
    deleted_at: str | None

    @property
    def live(self) -> bool:
        return self.deleted_at is None

    def as_dict(self) -> dict:
        return asdict(self)


def get_many(db: Database, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], DoneMark]:
    """The stored marks (live or not) of these (response, coder) keys."""
    keys = list(keys)
    if not keys:
        return {}
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM done_marks WHERE (response_id, coder_id) IN"
        " (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]')"
        "  FROM json_each(?))", [json.dumps([list(k) for k in keys])]).fetchall()
    return {(r[0], r[1]): DoneMark(*r) for r in rows}


def upsert(db: Database, marks: Iterable[DoneMark]) -> None:
    """Write marks whole (insert, or replace the row with the same key)."""
    db.conn.executemany(
        f"INSERT INTO done_marks ({_COLUMNS}) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT(response_id, coder_id) DO UPDATE SET done_at = excluded.done_at,"
        " updated_at = excluded.updated_at, deleted_at = excluded.deleted_at",
        ([m.response_id, m.coder_id, m.done_at, m.updated_at, m.deleted_at] for m in marks))


def upsert_rows(db: Database, rows: Iterable[Sequence]) -> None:
    """Like :func:`upsert`, for tuples in ``COLUMNS`` order (merges)."""
    upsert(db, (DoneMark(*r) for r in rows))


def live_coders(db: Database, response_id: str) -> list[str]:
    """Ids of the coders who marked the response done, by name."""
    rows = db.execute("SELECT d.coder_id FROM done_marks d JOIN coders c ON c.id = d.coder_id"
                      " WHERE d.response_id = ? AND d.deleted_at IS NULL"
                      " ORDER BY c.name COLLATE NOCASE, c.id", [response_id])
    return [r[0] for r in rows]


def all_rows(db: Database, coder_id: str | None = None) -> list[tuple]:
    """Every mark (live and tombstoned) of one coder, or of all, in ``COLUMNS`` order."""
    if coder_id is None:
        return db.execute(f"SELECT {_COLUMNS} FROM done_marks ORDER BY response_id, coder_id"
                          ).fetchall()
    return db.execute(f"SELECT {_COLUMNS} FROM done_marks WHERE coder_id = ?"
                      " ORDER BY response_id", [coder_id]).fetchall()


def rows_of_coders(db: Database, coder_ids: Sequence[str]) -> dict[tuple[str, str], tuple]:
    """(response, coder) → stored mark, for every mark of these coders (merges)."""
    rows = db.execute(f"SELECT {_COLUMNS} FROM done_marks WHERE coder_id IN"
                      " (SELECT value FROM json_each(?))",
                      [json.dumps(list(coder_ids))]).fetchall()
    return {(r[0], r[1]): tuple(r) for r in rows}


def live_for_responses(db: Database, response_ids: Sequence[str]) -> list[tuple[str, str]]:
    """(response id, coder id) of the live marks on these responses (a page of a view)."""
    return db.execute("SELECT response_id, coder_id FROM done_marks WHERE deleted_at IS NULL"
                      " AND response_id IN (SELECT value FROM json_each(?))",
                      [json.dumps(list(response_ids))]).fetchall()
