"""SQL for coders (the investigators who code)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlite_utils import Database


@dataclass(frozen=True)
class Coder:
    id: str
    name: str
    initials: str
    color: str
    created_at: str

    def as_dict(self) -> dict:
        return asdict(self)


_COLUMNS = "id, name, initials, color, created_at"


def insert(db: Database, coder: Coder) -> None:
    db.execute(f"INSERT INTO coders ({_COLUMNS}) VALUES (?, ?, ?, ?, ?)",
               [coder.id, coder.name, coder.initials, coder.color, coder.created_at])


def get(db: Database, coder_id: str) -> Coder | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM coders WHERE id = ?", [coder_id]).fetchone()
    return Coder(*row) if row else None


def by_name(db: Database, name: str) -> Coder | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM coders WHERE name = ? COLLATE NOCASE",
                     [name.strip()]).fetchone()
    return Coder(*row) if row else None


def by_initials(db: Database, initials: str) -> list[Coder]:
    rows = db.execute(f"SELECT {_COLUMNS} FROM coders WHERE initials = ? COLLATE NOCASE",
                      [initials.strip()]).fetchall()
    return [Coder(*r) for r in rows]


def list_(db: Database) -> list[Coder]:
    rows = db.execute(f"SELECT {_COLUMNS} FROM coders ORDER BY created_at, name").fetchall()
    return [Coder(*r) for r in rows]


def update(db: Database, coder_id: str, **fields: str) -> None:
    sets = ", ".join(f"{k} = ?" for k in fields)
    db.execute(f"UPDATE coders SET {sets} WHERE id = ?", [*fields.values(), coder_id])
