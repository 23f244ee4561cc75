"""The RE-AIM summary spec stored in the project (``summary_specs``; migration
``0008_summary_spec``): its TOML text, by name."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

#: the name the project's RE-AIM spec is kept under
REAIM = "reaim"


@dataclass(frozen=True)
class StoredSpec:
    id: str
    name: str
    toml: str
    saved_at: str
    saved_by: str | None


def get(db: Database, name: str) -> StoredSpec | None:
    row = db.execute("SELECT id, name, toml, saved_at, saved_by FROM summary_specs"
                     " WHERE name = ?", [name]).fetchone()
    return StoredSpec(*row) if row else None


def put(db: Database, name: str, toml: str, saved_at: str, saved_by: str | None,
        new_id: str) -> tuple[StoredSpec | None, StoredSpec]:
    """Keep ``toml`` as the spec called ``name`` (a new row with ``new_id``, or the row
    before updated); (the spec before or None, the spec now)."""
    before = get(db, name)
    saved = StoredSpec(before.id if before else new_id, name, toml, saved_at, saved_by)
    if before is None:
        db.execute("INSERT INTO summary_specs (id, name, toml, saved_at, saved_by)"
                   " VALUES (?, ?, ?, ?, ?)",
                   [saved.id, saved.name, saved.toml, saved.saved_at, saved.saved_by])
    else:
        db.execute("UPDATE summary_specs SET toml = ?, saved_at = ?, saved_by = ? WHERE id = ?",
                   [saved.toml, saved.saved_at, saved.saved_by, saved.id])
    return before, saved
