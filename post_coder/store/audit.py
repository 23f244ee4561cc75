"""The append-only audit log (triggers in the schema refuse updates and deletes)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from post_coder.ids import new_id
from post_coder.store.db import now


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str
    actor: str | None
    step_label: str
    action: str
    entity: str
    entity_id: str | None
    before: Any
    after: Any
    rationale: str | None


def _dump(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def append(
    db: Database,
    *,
    actor: str | None,
    step_id: str,
    step_label: str,
    action: str,
    entity: str,
    entity_id: str | None,
    before: Any = None,
    after: Any = None,
    rationale: str | None = None,
) -> None:
    db.execute(
        "INSERT INTO audit_log (id, at, actor, step_id, step_label, action, entity, entity_id,"
        " before, after, rationale) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [new_id(), now(), actor, step_id, step_label, action, entity, entity_id,
         _dump(before), _dump(after), rationale or None],
    )


def entries(
    db: Database, *, entity: str | None = None, entity_id: str | None = None, limit: int = 1000
) -> list[AuditEntry]:
    where, params = [], []
    if entity is not None:
        where.append("entity = ?")
        params.append(entity)
    if entity_id is not None:
        where.append("entity_id = ?")
        params.append(entity_id)
    sql = ("SELECT seq, at, actor, step_label, action, entity, entity_id, before, after, rationale"
           " FROM audit_log")
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY seq LIMIT ?"
    rows = db.execute(sql, [*params, limit]).fetchall()
    return [
        AuditEntry(r[0], r[1], r[2], r[3], r[4], r[5], r[6],
                   json.loads(r[7]) if r[7] else None, json.loads(r[8]) if r[8] else None, r[9])
        for r in rows
    ]


def count(db: Database) -> int:
    return db.execute("SELECT count(*) FROM audit_log").fetchone()[0]
