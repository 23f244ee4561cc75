"""The append-only audit log (triggers in the schema refuse updates and deletes)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from post_coder.ids import new_id
from post_coder.store.scope import ReadScope, coders_clause
from post_coder.store.db import now
from post_coder.store.labels import QUESTION_LABEL


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


@dataclass(frozen=True)
class NamedEntry:
    """An audit-log entry with the names a person reads: who acted, the code, the response
    (respondent and question) and the coder the entry is about."""

    seq: int
    at: str
    actor_id: str | None
    actor: str | None
    step_label: str
    action: str
    entity: str
    entity_id: str | None
    code: str | None
    respondent: str | None
    question: str | None
    subject: str | None
    entity_name: str | None
    before: Any
    after: Any
    rationale: str | None


# the code, response and coder an entry is about (codings and done marks keep them in their
# before/after images)
_ABOUT = """
SELECT a.*,
  CASE a.entity WHEN 'code' THEN a.entity_id
    WHEN 'coding' THEN coalesce(json_extract(a.after, '$.code_id'),
                                json_extract(a.before, '$.code_id')) END AS code_id,
  CASE a.entity WHEN 'done_mark' THEN a.entity_id
    WHEN 'coding' THEN coalesce(json_extract(a.after, '$.response_id'),
                                json_extract(a.before, '$.response_id')) END AS response_id,
  CASE WHEN a.entity IN ('coding', 'done_mark')
    THEN coalesce(json_extract(a.after, '$.coder_id'), json_extract(a.before, '$.coder_id'))
    WHEN a.entity = 'coder' THEN a.entity_id END AS subject_id
FROM audit_log a
"""


def named_entries(
    db: Database, scope: ReadScope, *, code_ids: list[str] | None = None,
    coder_id: str | None = None, kind: str | None = None, since: str | None = None,
    limit: int | None = None,
) -> list[NamedEntry]:
    """Entries oldest first, filtered: about one of ``code_ids`` (the code itself, or a
    coding of it); made by or about ``coder_id``; whose action or entity is ``kind``;
    at or after ``since`` (ISO text). A blind ``scope`` leaves out the entries about other
    coders' codings (by whoever made them) and the memo entries other coders made — the
    log must not tell what the round hides."""
    where, params = [], []
    if scope.blind:
        visible, visible_params = coders_clause(scope, "v")
        where.append("NOT (x.entity = 'coding' AND NOT EXISTS (SELECT 1 FROM (SELECT "
                     f"coalesce(x.subject_id, x.actor) AS v) WHERE 1{visible}))")
        where.append("NOT (x.entity = 'memo' AND NOT EXISTS (SELECT 1 FROM (SELECT "
                     f"x.actor AS v) WHERE 1{visible}))")
        params += visible_params * 2
    if code_ids is not None:
        where.append(f"x.code_id IN ({', '.join('?' * len(code_ids))})")
        params += code_ids
    if coder_id is not None:
        where.append("(x.actor = ? OR x.subject_id = ?)")
        params += [coder_id, coder_id]
    if kind is not None:
        where.append("(x.action = ? OR x.entity = ?)")
        params += [kind, kind]
    if since is not None:
        where.append("x.at >= ?")
        params.append(since)
    sql = f"""
SELECT x.seq, x.at, x.actor, who.name, x.step_label, x.action, x.entity, x.entity_id,
  k.name, rp.external_id, {QUESTION_LABEL}, subj.name,
  CASE x.entity WHEN 'round' THEN (SELECT name FROM rounds WHERE id = x.entity_id)
    WHEN 'dataset' THEN (SELECT name FROM datasets WHERE id = x.entity_id) END,
  x.before, x.after, x.rationale
FROM ({_ABOUT}) x
LEFT JOIN coders who ON who.id = x.actor
LEFT JOIN codes k ON k.id = x.code_id
LEFT JOIN responses r ON r.id = x.response_id
LEFT JOIN respondents rp ON rp.id = r.respondent_id
LEFT JOIN questions q ON q.id = r.question_id
LEFT JOIN coders subj ON subj.id = x.subject_id
{'WHERE ' + ' AND '.join(where) if where else ''}
ORDER BY x.seq"""
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [NamedEntry(*r[:13], json.loads(r[13]) if r[13] else None,
                       json.loads(r[14]) if r[14] else None, r[15])
            for r in db.execute(sql, params).fetchall()]
