"""SQL for the codebook."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from sqlite_utils import Database


@dataclass(frozen=True)
class Code:
    id: str
    parent_id: str | None
    name: str
    definition: str
    inclusion: str
    exclusion: str
    example: str
    color: str
    status: str
    merged_into: str | None
    sort_order: int
    created_at: str
    updated_at: str
    created_by: str | None

    def as_dict(self) -> dict:
        return asdict(self)


_NAMES = [f.name for f in fields(Code)]
_COLUMNS = ", ".join(_NAMES)
#: columns a service may change with :func:`update`
EDITABLE = {"parent_id", "name", "definition", "inclusion", "exclusion", "example", "color",
            "status", "merged_into", "sort_order", "updated_at"}


def insert(db: Database, code: Code) -> None:
    marks = ", ".join("?" for _ in _NAMES)
    db.execute(f"INSERT INTO codes ({_COLUMNS}) VALUES ({marks})",
               [getattr(code, n) for n in _NAMES])


def get(db: Database, code_id: str) -> Code | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM codes WHERE id = ?", [code_id]).fetchone()
    return Code(*row) if row else None


def by_name(db: Database, name: str) -> Code | None:
    """The active code with this name (names are unique among active codes, any case)."""
    row = db.execute(
        f"SELECT {_COLUMNS} FROM codes WHERE name = ? COLLATE NOCASE AND status = 'active'",
        [name.strip()]).fetchone()
    return Code(*row) if row else None


def list_(db: Database, *, include_inactive: bool = False) -> list[Code]:
    where = "" if include_inactive else "WHERE status = 'active'"
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM codes {where} ORDER BY sort_order, name COLLATE NOCASE"
    ).fetchall()
    return [Code(*r) for r in rows]


def children(db: Database, code_id: str | None, *, include_inactive: bool = False) -> list[Code]:
    status = "" if include_inactive else "AND status = 'active'"
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM codes WHERE parent_id IS ? {status}"
        " ORDER BY sort_order, name COLLATE NOCASE", [code_id]).fetchall()
    return [Code(*r) for r in rows]


def ancestors(db: Database, code_id: str) -> list[str]:
    """Ids of the code's parent, grandparent… (nearest first)."""
    rows = db.execute(
        """WITH RECURSIVE up(id, parent_id, depth) AS (
               SELECT id, parent_id, 0 FROM codes WHERE id = ?
               UNION ALL
               SELECT c.id, c.parent_id, up.depth + 1 FROM codes c JOIN up ON c.id = up.parent_id
           ) SELECT id FROM up WHERE depth > 0 ORDER BY depth""", [code_id]).fetchall()
    return [r[0] for r in rows]


def next_sort_order(db: Database, parent_id: str | None) -> int:
    row = db.execute("SELECT max(sort_order) FROM codes WHERE parent_id IS ?",
                     [parent_id]).fetchone()
    return (row[0] if row[0] is not None else -1) + 1


def update(db: Database, code_id: str, **values: object) -> None:
    unknown = set(values) - EDITABLE
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    sets = ", ".join(f"{k} = ?" for k in values)
    db.execute(f"UPDATE codes SET {sets} WHERE id = ?", [*values.values(), code_id])


def reparent_children(db: Database, code_id: str, new_parent: str | None, at: str) -> int:
    cur = db.execute("UPDATE codes SET parent_id = ?, updated_at = ? WHERE parent_id = ?"
                     " AND status = 'active'", [new_parent, at, code_id])
    return cur.rowcount
