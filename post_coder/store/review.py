"""SQL for discrepancy review: sessions, decisions, and the consensus layer (a view over
the latest decision of each response × code; see migration ``0005_review_sessions``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlite_utils import Database

from post_coder.store.labels import QUESTION_LABEL
from post_coder.store.scope import ReadScope, coders_clause

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


def consensus_sql(round_id: str | None, question_ids: Sequence[str] | None,
                  scope: ReadScope) -> tuple[str, list[Any]]:
    """The consensus layer as SQL: ``WITH … `` defining ``layer(response_id, code_id,
    source, decision_id)`` and ``unresolved(response_id, code_id)``, and its params.

    Over the responses (a round's, some questions') and their done coders (a round's
    coders): the latest decision about a response × code, where there is one, settles it
    (``settled``); otherwise a code every done coder applied is "agreed" (two or more
    coders) or "single" (one coder), and one only some of them applied is unresolved. A
    decision "another code instead" settles both codes (the one decided about does not
    apply; the other does); when two decisions settle the same response × code, the later
    wins (at the same instant, the one written last), so no row comes twice. Codings by a
    coder who has not marked the response done are left out; so are codes taken out of
    use (as agreement leaves them out). Decisions about the responses count whichever
    session made them. Grouped queries over the whole project, no per-response loop."""
    visible, scoped = coders_clause(scope, "c.coder_id")
    params: list[Any] = []  # in the order their ? appear
    cte, in_resp = "", ""
    if round_id is not None or question_ids is not None:
        if round_id is not None:
            resp = ("SELECT x.response_id FROM round_responses x"
                    " JOIN responses r ON r.id = x.response_id WHERE x.round_id = ?")
            params.append(round_id)
        else:
            resp = "SELECT r.id FROM responses r WHERE 1"
        if question_ids is not None:
            resp += " AND r.question_id IN (SELECT value FROM json_each(?))"
            params.append(json.dumps(list(question_ids)))
        cte = f"resp(id) AS MATERIALIZED ({resp}), "
        in_resp = " AND {0} IN (SELECT id FROM resp)"
    coders = ""
    if round_id is not None:
        coders = " AND d.coder_id IN (SELECT coder_id FROM round_coders WHERE round_id = ?)"
        params.append(round_id)
    params += scoped
    sql = (
        f"WITH {cte}"
        # who marked each response done
        "done(response_id, coder_id) AS MATERIALIZED (SELECT d.response_id, d.coder_id"
        f" FROM done_marks d WHERE d.deleted_at IS NULL{in_resp.format('d.response_id')}"
        f"{coders}),"
        " ndone(response_id, n) AS MATERIALIZED (SELECT response_id, count(*) FROM done"
        " GROUP BY response_id),"
        # how many of them applied each code (a coder's several spans count once)
        " applied(response_id, code_id, n) AS MATERIALIZED (SELECT c.response_id, c.code_id,"
        " count(DISTINCT c.coder_id) FROM codings c"
        " JOIN done d ON d.response_id = c.response_id AND d.coder_id = +c.coder_id"
        " JOIN codes k ON k.id = c.code_id AND k.status = 'active'"
        f" WHERE c.deleted_at IS NULL{visible} GROUP BY c.response_id, c.code_id),"
        # the latest decision about each response x code
        " latest AS (SELECT d.id, d.rowid AS seq, d.response_id, d.code_id, d.decision,"
        " d.other_code_id, d.decided_at, row_number() OVER (PARTITION BY d.response_id,"
        " d.code_id ORDER BY d.decided_at DESC, d.rowid DESC) AS k FROM review_decisions d"
        f" WHERE 1{in_resp.format('d.response_id')}),"
        # what each says of a code: in (applies; the code named instead) or out
        " claims(response_id, code_id, yes, id, seq, decided_at) AS (SELECT response_id,"
        " code_id, decision = 'applies', id, seq, decided_at FROM latest WHERE k = 1"
        " UNION ALL SELECT response_id, other_code_id, 1, id, seq, decided_at FROM latest"
        " WHERE k = 1 AND decision = 'other_code'),"
        " settled(response_id, code_id, yes, id) AS MATERIALIZED (SELECT response_id,"
        " code_id, yes, id FROM (SELECT *, row_number() OVER (PARTITION BY response_id,"
        " code_id ORDER BY decided_at DESC, seq DESC) AS k FROM claims) WHERE k = 1),"
        " pending(response_id, code_id, n, marked) AS (SELECT a.response_id, a.code_id, a.n,"
        " x.n FROM applied a JOIN ndone x ON x.response_id = a.response_id"
        " LEFT JOIN settled s ON s.response_id = a.response_id AND s.code_id = a.code_id"
        " WHERE s.response_id IS NULL),"
        " layer(response_id, code_id, source, decision_id) AS (SELECT response_id, code_id,"
        " 'decided', id FROM settled WHERE yes UNION ALL SELECT response_id, code_id,"
        " CASE WHEN marked = 1 THEN 'single' ELSE 'agreed' END, NULL FROM pending"
        " WHERE n = marked),"
        " unresolved(response_id, code_id) AS (SELECT response_id, code_id FROM pending"
        " WHERE n < marked) ")
    return sql, params


def consensus_rows(db: Database, scope: ReadScope, round_id: str | None = None,
                   code_ids: Sequence[str] | None = None,
                   question_ids: Sequence[str] | None = None) -> list[tuple]:
    """The consensus layer (:func:`consensus_sql`): (response id, respondent, question label,
    code name, source, decided code name, decision, note, decider's name, decided_at,
    session id) in file order, then code name; the last six are None unless the source is
    "decided". ``round_id``: only the round's responses and coders."""
    layer, params = consensus_sql(round_id, question_ids, scope)
    sql = (f"{layer}SELECT k.response_id, p.external_id, {QUESTION_LABEL}, c.name, k.source,"
           " dc.name, e.decision, e.note, w.name, e.decided_at, e.session_id FROM layer k"
           " JOIN responses r ON r.id = k.response_id"
           " JOIN respondents p ON p.id = r.respondent_id"
           " JOIN questions q ON q.id = r.question_id JOIN codes c ON c.id = k.code_id"
           " LEFT JOIN review_decisions e ON e.id = k.decision_id"
           " LEFT JOIN codes dc ON dc.id = e.code_id"
           " LEFT JOIN coders w ON w.id = e.decided_by WHERE 1")
    if code_ids is not None:
        sql += " AND k.code_id IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(list(code_ids)))
    return db.execute(sql + " ORDER BY r.seq, c.name COLLATE NOCASE, c.id", params).fetchall()


def unresolved_rows(db: Database, scope: ReadScope, round_id: str | None = None,
                    code_ids: Sequence[str] | None = None,
                    question_ids: Sequence[str] | None = None) -> list[tuple[str, str]]:
    """(response id, code id) of the disagreements no decision has settled yet — left out
    of the consensus layer (:func:`consensus_sql`) — in file order, then code name."""
    layer, params = consensus_sql(round_id, question_ids, scope)
    sql = (f"{layer}SELECT u.response_id, u.code_id FROM unresolved u"
           " JOIN responses r ON r.id = u.response_id JOIN codes c ON c.id = u.code_id"
           " WHERE 1")
    if code_ids is not None:
        sql += " AND u.code_id IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(list(code_ids)))
    rows = db.execute(sql + " ORDER BY r.seq, c.name COLLATE NOCASE, c.id", params)
    return [(r[0], r[1]) for r in rows]


def unresolved_count(db: Database, scope: ReadScope, round_id: str | None = None,
                     code_ids: Sequence[str] | None = None,
                     question_ids: Sequence[str] | None = None) -> int:
    """How many rows :func:`unresolved_rows` has (without reading them in order)."""
    layer, params = consensus_sql(round_id, question_ids, scope)
    sql = f"{layer}SELECT count(*) FROM unresolved u WHERE 1"
    if code_ids is not None:
        sql += " AND u.code_id IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(list(code_ids)))
    return int(db.execute(sql, params).fetchone()[0])


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
