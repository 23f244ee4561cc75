"""The audit log as a person reads it: when, who, what, about which code, response or
coder, and the rationale they gave ("Why this change? (kept in the audit log)").

The command line's ``post-coder log`` and the app's View ▸ History read it through
:func:`audit_entries`, so both show the same rows.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import asdict, dataclass
from typing import Any

from post_coder.coding.codebook import find_code
from post_coder.coding.coders import find_coder
from post_coder.errors import InputError, NotFoundError
from post_coder.project import Project
from post_coder.store import audit as store
from post_coder.store import codes as codes_store
from post_coder.store.scope import ReadScope

__all__ = ["AuditRow", "audit_entries", "parse_since"]


@dataclass(frozen=True)
class AuditRow:
    """One audit-log entry. ``who``: the coder who acted (None: before any coder was set);
    ``action`` (apply, remove, create, rename, mark-done, …) on an ``entity`` (coding, code,
    coder, done_mark, round, memo, dataset, project, action); ``about``: what it concerns in
    words (``"Time" on R1 / feedback (Ana)``); ``code``, ``respondent``, ``question`` and
    ``coder`` the names behind it where there are any; ``step``: the user action's name."""

    seq: int
    at: str
    who: str | None
    action: str
    entity: str
    entity_id: str | None
    about: str
    code: str | None
    respondent: str | None
    question: str | None
    coder: str | None
    step: str
    rationale: str | None
    before: Any
    after: Any

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def parse_since(value: str) -> str:
    """A date (2026-12-07) or date and time (2026-12-07T14:30, with an offset or UTC) as the
    log's UTC text, for comparing; a plain error otherwise."""
    text = value.strip()
    try:
        if len(text) == 10:
            return _dt.date.fromisoformat(text).isoformat()
        moment = _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f'"{value}" is not a date: write it as YYYY-MM-DD (for example '
                         "2026-12-07) or YYYY-MM-DDTHH:MM") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_dt.timezone.utc)
    return moment.astimezone(_dt.timezone.utc).isoformat(timespec="milliseconds")


def _code_ids(project: Project, name: str) -> list[str]:
    """The active code of this name or id, else every merged or retired one of that name."""
    try:
        return [find_code(project, name).id]
    except NotFoundError:
        gone = [c.id for c in codes_store.list_(project.db, include_inactive=True)
                if c.id == name or c.name.casefold() == name.strip().casefold()]
        if gone:
            return gone
        raise


def _about(e: store.NamedEntry) -> str:
    where = f"{e.respondent} / {e.question}" if e.respondent is not None else None
    if e.entity == "coding":
        text = f'"{e.code}"' + (f" on {where}" if where else "")
        return text + (f" ({e.subject})" if e.subject else "")
    if e.entity == "done_mark":
        return (where or "a response") + (f" ({e.subject})" if e.subject else "")
    if e.entity == "code":
        return f'"{e.code}"' if e.code else "a code"
    if e.entity == "coder":
        return e.subject or "a coder"
    if e.entity_name:
        return e.entity_name
    if e.entity == "action" and isinstance(e.after, dict):
        return str(e.after.get("action", ""))
    if e.entity == "project" and isinstance(e.after, dict) and e.after.get("file"):
        return str(e.after["file"])
    return e.entity


def audit_entries(project: Project, scope: ReadScope, *, code: str | None = None, coder: str | None = None,
                  kind: str | None = None, since: str | None = None,
                  limit: int | None = None) -> list[AuditRow]:
    """The audit log, oldest first, with names resolved.

    ``code``: entries about that code (its own changes and codings of it; by name or id,
    merged and retired codes too); ``coder``: entries the coder made or that are about
    them (their codings and done marks, their coder record); ``kind``: an action
    (``apply``, ``mark-done``, ``rename``…) or an entity (``coding``, ``code``…);
    ``since``: a date or date and time (see :func:`parse_since`). ``scope``: the reader's
    (:func:`post_coder.team.rounds.read_scope`); a blind one leaves out the entries about
    other coders' codings and memos."""
    code_ids = _code_ids(project, code) if code is not None else None
    coder_id = find_coder(project, coder).id if coder is not None else None
    rows = store.named_entries(project.db, scope, code_ids=code_ids, coder_id=coder_id,
                               kind=kind.strip().lower() if kind else None,
                               since=parse_since(since) if since is not None else None,
                               limit=limit)
    return [AuditRow(e.seq, e.at, e.actor, e.action, e.entity, e.entity_id, _about(e), e.code,
                     e.respondent, e.question, e.subject, e.step_label, e.rationale, e.before,
                     e.after) for e in rows]
