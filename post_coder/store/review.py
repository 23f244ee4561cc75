"""SQL for discrepancy review: sessions, decisions, and the consensus layer (a view over
the latest decision of each response × code; see migration ``0005_review_sessions``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlite_utils import Database

from post_coder.store.labels import QUESTION_LABEL

_SESSION = ("id, round_id, status, participants, opened_at, opened_by, paused_at, closed_at,"
            " closed_by")
_DECISION = ("id, session_id, response_id, code_id, decision, other_code_id, note, redefined,"
             " rationale, decided_by, decided_at")


@dataclass(frozen=True)
class Session:
    id: str
    round_id: str
    status: str
    participants: tuple[str, ...]
    opened_at: str
    opened_by: str | None
    paused_at: str | None
    closed_at: str | None
    closed_by: str | None

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["participants"] = list(self.participants)
        return d


@dataclass(frozen=True)
class Decision:
    id: str
    session_id: str
    response_id: str
    code_id: str
    decision: str
    other_code_id: str | None
    note: str
    redefined: dict[str, str] | None
    rationale: str | None
    decided_by: str | None
    decided_at: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _session(row: Sequence[Any]) -> Session:
    return Session(row[0], row[1], row[2], tuple(json.loads(row[3])), *row[4:])


def _decision(row: Sequence[Any]) -> Decision:
    r = list(row)
    r[7] = json.loads(r[7]) if r[7] else None
    return Decision(*r)


def insert_session(db: Database, s: Session) -> None:
    db.execute(f"INSERT INTO review_sessions ({_SESSION}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
               [s.id, s.round_id, s.status, json.dumps(list(s.participants), ensure_ascii=False),
                s.opened_at, s.opened_by, s.paused_at, s.closed_at, s.closed_by])


def update_session(db: Database, session_id: str, **values: Any) -> None:
    if "participants" in values:
        values["participants"] = json.dumps(list(values["participants"]), ensure_ascii=False)
    sets = ", ".join(f"{k} = ?" for k in values)
    db.execute(f"UPDATE review_sessions SET {sets} WHERE id = ?", [*values.values(), session_id])


def get_session(db: Database, session_id: str) -> Session | None:
    row = db.execute(f"SELECT {_SESSION} FROM review_sessions WHERE id = ?",
                     [session_id]).fetchone()
    return _session(row) if row else None


def sessions(db: Database, round_id: str | None = None) -> list[Session]:
    """Sessions of a round (or all), oldest first."""
    sql = f"SELECT {_SESSION} FROM review_sessions"
    params: list[Any] = []
    if round_id is not None:
        sql += " WHERE round_id = ?"
        params.append(round_id)
    return [_session(r) for r in db.execute(sql + " ORDER BY opened_at, rowid", params)]


def upsert_decision(db: Database, d: Decision) -> None:
    """Write a decision; one for the same session, response and code is replaced (its id
    kept)."""
    db.execute(
        f"INSERT INTO review_decisions ({_DECISION}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT(session_id, response_id, code_id) DO UPDATE SET"
        " decision = excluded.decision, other_code_id = excluded.other_code_id,"
        " note = excluded.note, redefined = excluded.redefined,"
        " rationale = excluded.rationale, decided_by = excluded.decided_by,"
        " decided_at = excluded.decided_at",
        [d.id, d.session_id, d.response_id, d.code_id, d.decision, d.other_code_id, d.note,
         json.dumps(d.redefined, ensure_ascii=False) if d.redefined else None, d.rationale,
         d.decided_by, d.decided_at])


def get_decision(db: Database, session_id: str, response_id: str,
                 code_id: str) -> Decision | None:
    row = db.execute(f"SELECT {_DECISION} FROM review_decisions WHERE session_id = ? AND"
                     " response_id = ? AND code_id = ?",
                     [session_id, response_id, code_id]).fetchone()
    return _decision(row) if row else None


def decisions(db: Database, session_ids: Sequence[str]) -> list[Decision]:
    """The decisions of these sessions, in the order they were made."""
    rows = db.execute(f"SELECT {_DECISION} FROM review_decisions WHERE session_id IN"
                      " (SELECT value FROM json_each(?)) ORDER BY decided_at, rowid",
                      [json.dumps(list(session_ids))])
    return [_decision(r) for r in rows]


def decided_keys(db: Database, response_ids: Sequence[str]) -> set[tuple[str, str]]:
    """(response id, code id) pairs of these responses that have a decision (any session)."""
    rows = db.execute("SELECT DISTINCT response_id, code_id FROM review_decisions"
                      " WHERE response_id IN (SELECT value FROM json_each(?))",
                      [json.dumps(sorted(set(response_ids)))])
    return {(r[0], r[1]) for r in rows}


def consensus_rows(db: Database, round_id: str | None = None,
                   code_ids: Sequence[str] | None = None,
                   question_ids: Sequence[str] | None = None) -> list[tuple]:
    """The consensus layer: (response id, respondent, question column, code name,
    decided code name, decision, note, decider's name, decided_at, session id) in file
    order, then code name; only responses of a round's sessions when ``round_id`` is
    given."""
    sql = (f"SELECT k.response_id, p.external_id, {QUESTION_LABEL}, c.name, dc.name,"
           " k.decision,"
           " k.note, w.name, k.decided_at, k.session_id FROM consensus k"
           " JOIN responses r ON r.id = k.response_id"
           " JOIN respondents p ON p.id = r.respondent_id"
           " JOIN questions q ON q.id = r.question_id"
           " JOIN codes c ON c.id = k.code_id JOIN codes dc ON dc.id = k.decided_code_id"
           " LEFT JOIN coders w ON w.id = k.decided_by WHERE 1")
    params: list[Any] = []
    if round_id is not None:
        sql += (" AND k.session_id IN (SELECT id FROM review_sessions WHERE round_id = ?)")
        params.append(round_id)
    if code_ids is not None:
        sql += " AND k.code_id IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(list(code_ids)))
    if question_ids is not None:
        sql += " AND r.question_id IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(list(question_ids)))
    return db.execute(sql + " ORDER BY r.seq, c.name COLLATE NOCASE", params).fetchall()


def response_in_round(db: Database, round_id: str, response_id: str) -> bool:
    return db.execute("SELECT 1 FROM round_responses WHERE round_id = ? AND response_id = ?",
                      [round_id, response_id]).fetchone() is not None


def describe_responses(db: Database, response_ids: Sequence[str]) -> dict[str, tuple[str, str]]:
    """response id → (respondent's id in the survey, question column name)."""
    rows = db.execute(f"SELECT r.id, p.external_id, {QUESTION_LABEL} FROM responses r"
                      " JOIN respondents p ON p.id = r.respondent_id"
                      " JOIN questions q ON q.id = r.question_id"
                      " WHERE r.id IN (SELECT value FROM json_each(?))",
                      [json.dumps(sorted(set(response_ids)))])
    return {r[0]: (r[1], r[2]) for r in rows}
