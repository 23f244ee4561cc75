"""SQL for memos: free text on the project, a code, a response or a coding."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from sqlite_utils import Database

from post_coder.store.scope import ReadScope, coders_clause


@dataclass(frozen=True)
class Memo:
    id: str
    target_type: str
    target_id: str | None
    author_id: str | None
    body: str
    created_at: str
    updated_at: str
    deleted_at: str | None

    def as_dict(self) -> dict:
        return asdict(self)


_NAMES = [f.name for f in fields(Memo)]
_COLUMNS = ", ".join(_NAMES)


def insert(db: Database, memo: Memo) -> None:
    marks = ", ".join("?" for _ in _NAMES)
    db.execute(f"INSERT INTO memos ({_COLUMNS}) VALUES ({marks})",
               [getattr(memo, n) for n in _NAMES])


def get(db: Database, memo_id: str) -> Memo | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM memos WHERE id = ?", [memo_id]).fetchone()
    return Memo(*row) if row else None


def for_target(db: Database, scope: ReadScope, target_type: str,
               target_id: str | None) -> list[Memo]:
    """The live memos on one target whose authors ``scope`` sees."""
    visible, params = coders_clause(scope, "author_id")
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM memos WHERE target_type = ? AND target_id IS ?"
        f" AND deleted_at IS NULL{visible} ORDER BY created_at",
        [target_type, target_id, *params]).fetchall()
    return [Memo(*r) for r in rows]


def list_(db: Database, scope: ReadScope) -> list[Memo]:
    """Every live memo whose author ``scope`` sees."""
    visible, params = coders_clause(scope, "author_id")
    rows = db.execute(f"SELECT {_COLUMNS} FROM memos WHERE deleted_at IS NULL{visible}"
                      " ORDER BY created_at", params).fetchall()
    return [Memo(*r) for r in rows]


def set_body(db: Database, memo_id: str, body: str, at: str) -> None:
    db.execute("UPDATE memos SET body = ?, updated_at = ? WHERE id = ?", [body, at, memo_id])


def tombstone(db: Database, memo_id: str, at: str) -> None:
    db.execute("UPDATE memos SET deleted_at = ?, updated_at = ? WHERE id = ?", [at, at, memo_id])


def target_exists(db: Database, target_type: str, target_id: str) -> bool:
    table = {"code": "codes", "response": "responses", "coding": "codings"}[target_type]
    return db.execute(f"SELECT 1 FROM {table} WHERE id = ?", [target_id]).fetchone() is not None
