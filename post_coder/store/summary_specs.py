"""The RE-AIM summary spec stored in the project (``summary_specs``; migration
``0008_summary_spec``): its TOML text, by name."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database


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


def insert(db: Database, spec: StoredSpec) -> None:
    db.execute("INSERT INTO summary_specs (id, name, toml, saved_at, saved_by)"
               " VALUES (?, ?, ?, ?, ?)",
               [spec.id, spec.name, spec.toml, spec.saved_at, spec.saved_by])


def update(db: Database, spec: StoredSpec) -> None:
    db.execute("UPDATE summary_specs SET toml = ?, saved_at = ?, saved_by = ? WHERE id = ?",
               [spec.toml, spec.saved_at, spec.saved_by, spec.id])
