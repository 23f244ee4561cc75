"""SQL for key pins: the code a coder put on each of the keys 1–9 ("Pin to key").

One row per (coder, key); a code sits on at most one key per coder (a unique index).
Unpinning deletes the row: pins are a coder's own preference and do not travel in work
files, so no tombstone is needed.
"""

from __future__ import annotations

from sqlite_utils import Database


def for_coder(db: Database, coder_id: str, *, active_only: bool = True) -> dict[int, str]:
    """key → code id of the coder's pins (only those on active codes, unless told)."""
    status = "AND k.status = 'active'" if active_only else ""
    rows = db.execute(
        "SELECT p.key, p.code_id FROM key_pins p JOIN codes k ON k.id = p.code_id"
        f" WHERE p.coder_id = ? {status} ORDER BY p.key", [coder_id]).fetchall()
    return {int(key): code_id for key, code_id in rows}


def insert(db: Database, coder_id: str, key: int, code_id: str, at: str) -> None:
    db.execute("INSERT INTO key_pins (coder_id, key, code_id, pinned_at) VALUES (?, ?, ?, ?)",
               [coder_id, key, code_id, at])


def delete(db: Database, coder_id: str, key: int) -> None:
    db.execute("DELETE FROM key_pins WHERE coder_id = ? AND key = ?", [coder_id, key])
