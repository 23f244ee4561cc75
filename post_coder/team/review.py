"""Discrepancy review: the team settles each disagreement of a round, and the decisions
form the consensus layer.

- :func:`open_session` opens a review session for a round (with who takes part);
  :func:`pause_session`, :func:`resume_session` and :func:`close_session` — a session is
  kept in the file, so a paused one resumes another day.
- :func:`decide` records a decision on one response × code: the code applies, does not
  apply, or another code applies instead, with an optional note; with ``redefine=`` it
  also changes the code's definition (with the rationale) in the same step.
- :func:`next_open` and :func:`progress` drive the one-at-a-time walk ("14 of 57
  resolved"); skipping and going back are the front's business.
- :func:`consensus_codings` lists the consensus layer and :func:`unresolved` the
  disagreements left out of it; :func:`review_minutes` the decisions for the methods
  section (written as a file by :func:`post_coder.export.minutes.write_minutes`).

The consensus layer is what the team holds applies: the latest decision about a
response × code where there is one, else the codes every coder who marked the response
done applied (agreed, or coded by one person only); a disagreement nobody has decided yet
is left out. It is computed from the decisions and the codings whenever it is read, and
kept apart from the coders' codings: nobody's codings are changed or deleted, and
agreement statistics keep using the coders' own codings.

Review needs everyone's codings, like agreement: a blind read scope or a coder package is
refused with :class:`AgreementHidden`. Each action is one transaction and one undo step.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from post_coder.changes import Changes
from post_coder.coding.codebook import TEXT_FIELDS, find_code, get_code, redefine_code
from post_coder.errors import ConflictError, InputError, NotFoundError
from post_coder.ids import new_id
from post_coder.project import Project
from post_coder.store import coders as coders_store
from post_coder.store import responses as responses_store
from post_coder.store import review as store
from post_coder.store.db import now
from post_coder.store.review import Decision, Session
from post_coder.store.scope import ReadScope
from post_coder.team.agreement_report import (AgreementHidden, Disagreement, check_visible,
                                              disagreements)
from post_coder.team.package import package_info
from post_coder.team.rounds import find_round

__all__ = ["CONSENSUS_NOTE", "DECISION_WORDS", "MINUTES_COLUMNS", "SOURCES",
           "AgreementHidden", "ConsensusCoding", "Decision", "MinutesRow", "ReviewProgress",
           "Session", "close_session", "consensus_codings", "current_session", "decide",
           "find_response", "list_sessions", "next_open", "open_session", "pause_session",
           "progress", "resume_session", "review_minutes", "unresolved", "unresolved_count",
           "unresolved_note"]

#: how each decision reads in minutes and listings
DECISION_WORDS = {"applies": "applies", "not_applies": "does not apply",
                  "other_code": "another code applies instead"}


def _check(project: Project, scope: ReadScope) -> None:
    check_visible(project, scope)


def _session(project: Project, session_id: str) -> Session:
    s = store.get_session(project.db, session_id)
    if s is None:
        raise NotFoundError("that review session does not exist")
    return s


def _names(participants: Sequence[str]) -> tuple[str, ...]:
    out: dict[str, str] = {}
    for name in participants:
        name = " ".join(str(name).split())
        if name:
            out.setdefault(name.casefold(), name)
    return tuple(out.values())


# -- sessions -------------------------------------------------------------------------------

def open_session(project: Project, scope: ReadScope, round: str,
                 participants: Sequence[str] = ()) -> Changes:
    """Open a review session for the round (name or id). ``participants``: the names of
    who takes part (free text: the whole team, not only coders). Refused while another
    session of the round is open or paused (resume that one). The new session's id is
    ``changes.new_id``."""
    _check(project, scope)
    r = find_round(project, round)
    with project.transact("Open review session") as step:
        for s in store.sessions(project.db, r.id):
            if s.status != "closed":
                raise ConflictError(f'round "{r.name}" already has a review session that is '
                                    f"{s.status} (opened {s.opened_at[:10]}); "
                                    + ("resume it" if s.status == "paused" else "carry on in it")
                                    + " or close it first")
        s = Session(new_id(), r.id, "open", _names(participants), now(), project.actor,
                    None, None, None)
        store.insert_session(step.db, s)
        step.audit("open", "review_session", s.id, after=s.as_dict())
        step.created(s.id)
        step.mark("project")
    return step.changes


def _set_status(project: Project, scope: ReadScope, step: Any, session_id: str,
                allowed: tuple[str, ...], verb: str, **values: Any) -> None:
    """Inside an action: change a session's status (``values``), audited."""
    _check(project, scope)
    before = _session(project, session_id)
    if before.status not in allowed:
        raise ConflictError(f"the review session is {before.status}; it cannot be {verb}")
    store.update_session(step.db, session_id, **values)
    after = _session(project, session_id)
    step.audit(verb, "review_session", session_id, before=before.as_dict(),
               after=after.as_dict())
    step.mark("project")


def pause_session(project: Project, scope: ReadScope, session_id: str) -> Changes:
    """Pause an open session (it is kept; :func:`resume_session` another day)."""
    with project.transact("Pause review session") as step:
        _set_status(project, scope, step, session_id, ("open",), "paused",
                    status="paused", paused_at=now())
    return step.changes


def resume_session(project: Project, scope: ReadScope, session_id: str,
                   participants: Sequence[str] | None = None) -> Changes:
    """Resume a paused session; ``participants`` replaces the list when given."""
    values: dict[str, Any] = {"status": "open", "paused_at": None}
    if participants is not None:
        values["participants"] = _names(participants)
    with project.transact("Resume review session") as step:
        _set_status(project, scope, step, session_id, ("paused",), "resumed", **values)
    return step.changes


def close_session(project: Project, scope: ReadScope, session_id: str) -> Changes:
    """Close a session (open or paused); its decisions stay."""
    with project.transact("Close review session") as step:
        _set_status(project, scope, step, session_id, ("open", "paused"), "closed",
                    status="closed", closed_at=now(), closed_by=project.actor)
    return step.changes


def list_sessions(project: Project, round: str | None = None) -> list[Session]:
    """The review sessions of a round (name or id), or of every round, oldest first."""
    r = find_round(project, round) if round is not None else None
    return store.sessions(project.db, r.id if r else None)


def current_session(project: Project, round: str) -> Session | None:
    """The round's session that is open or paused (at most one), else None."""
    live = [s for s in list_sessions(project, round) if s.status != "closed"]
    return live[-1] if live else None


# -- decisions ------------------------------------------------------------------------------

def find_response(project: Project, respondent: str, question: str) -> str:
    """The id of a respondent's (their id in the survey) answer to a question (column name
    or wording); a plain error when there is none."""
    question_id = responses_store.find_question(project.db, question)
    response = responses_store.by_respondent(project.db, question_id).get(respondent.strip())
    if response is None:
        raise NotFoundError(f'respondent "{respondent.strip()}" has no answer to "{question}"')
    return response


def decide(project: Project, scope: ReadScope, session_id: str, response_id: str, code: str,
           *, applies: bool | None = None, other_code: str | None = None, note: str = "",
           redefine: Mapping[str, str] | None = None, rationale: str | None = None) -> Changes:
    """Settle one response × code in an open session: ``applies=True`` (the code applies),
    ``applies=False`` (it does not) or ``other_code=`` (name or id: that code applies
    instead). ``note``: why, for the minutes. Deciding again in the same session replaces
    the decision.

    ``redefine``: new texts for the code (``definition``, ``inclusion``, ``exclusion``,
    ``example``) — "refine the code's definition now" — changed in the same step as the
    decision, with ``rationale`` (required then) in the codebook's history."""
    _check(project, scope)
    if (applies is None) == (other_code is None):
        raise InputError("say whether the code applies, does not apply, or which code "
                         "applies instead (one of them)")
    if redefine:
        unknown = set(redefine) - set(TEXT_FIELDS)
        if unknown:
            raise InputError(f"a code has no field {', '.join(sorted(unknown))} (fields: "
                             f"{', '.join(TEXT_FIELDS)})")
        if not (rationale or "").strip():
            raise InputError("say why the definition changes (a rationale): it goes into the "
                             "codebook's history and the minutes")
    with project.transact("Review decision") as step:
        s = _session(project, session_id)
        if s.status != "open":
            raise ConflictError(f"the review session is {s.status}; "
                                + ("resume it first" if s.status == "paused"
                                   else "open a new one"))
        if not store.response_in_round(project.db, s.round_id, response_id):
            raise NotFoundError("that response is not in the session's round")
        decided = find_code(project, code)
        instead = None
        if other_code is not None:
            instead = find_code(project, other_code)
            if instead.id == decided.id:
                raise InputError(f'"{instead.name}" instead of itself: say --applies, or '
                                 "name a different code")
        kind = "other_code" if instead else ("applies" if applies else "not_applies")
        before = store.get_decision(project.db, s.id, response_id, decided.id)
        changed = None
        if redefine:
            changed = {k: str(v).strip() for k, v in redefine.items()}
            redefine_code(project, decided.id, rationale=rationale.strip(), **changed)
        d = Decision(before.id if before else new_id(), s.id, response_id, decided.id, kind,
                     instead.id if instead else None, (note or "").strip(), changed,
                     rationale.strip() if changed and rationale else None, project.actor,
                     now())
        store.upsert_decision(step.db, d)
        step.audit("decide", "review_decision", d.id,
                   before=before.as_dict() if before else None, after=d.as_dict(),
                   rationale=d.note or d.rationale)
        if before is None:
            step.created(d.id)
        step.mark("codings")
    return step.changes


@dataclass(frozen=True)
class ReviewProgress:
    resolved: int
    total: int

    @property
    def open(self) -> int:
        return self.total - self.resolved

    def __str__(self) -> str:
        return f"{self.resolved} of {self.total} resolved"

    def as_dict(self) -> dict[str, Any]:
        return {"resolved": self.resolved, "total": self.total, "open": self.open,
                "text": str(self)}


def _round_rows(project: Project, scope: ReadScope, session_id: str) -> list[Disagreement]:
    s = _session(project, session_id)
    return list(disagreements(project, scope, round=s.round_id).rows)


def progress(project: Project, scope: ReadScope, session_id: str) -> ReviewProgress:
    """How many of the round's disagreements have a decision ("14 of 57 resolved")."""
    rows = _round_rows(project, scope, session_id)
    return ReviewProgress(sum(r.status == "resolved" for r in rows), len(rows))


def next_open(project: Project, scope: ReadScope, session_id: str,
              after: tuple[str, str] | None = None) -> Disagreement | None:
    """The round's next open disagreement in file order (then codebook order), or None
    when every one is resolved. ``after``: a (response id, code id) to start after (skip);
    the walk wraps around to the first open one."""
    _check(project, scope)
    rows = [r for r in _round_rows(project, scope, session_id) if r.status == "open"]
    if not rows:
        return None
    if after is not None:
        all_rows = _round_rows(project, scope, session_id)
        keys = [(r.response_id, r.code_id) for r in all_rows]
        if after in keys:
            later = {(r.response_id, r.code_id) for r in all_rows[keys.index(after) + 1:]}
            for r in rows:
                if (r.response_id, r.code_id) in later:
                    return r
    return rows[0]


# -- the consensus layer --------------------------------------------------------------------

#: where a consensus coding comes from
SOURCES = ("decided", "agreed", "single")


@dataclass(frozen=True)
class ConsensusCoding:
    """A code that applies to a response in the consensus layer, and why (``source``):

    - "decided": the latest review decision says so (``decision`` "applies", or
      "other_code": this code applies instead of ``decided_code``);
    - "agreed": every coder who marked the response done (two or more) applied it;
    - "single": the one coder who marked the response done applied it.

    The decision fields are None unless the source is "decided"."""

    response_id: str
    respondent: str
    question: str
    code: str
    source: str
    #: the code the decision was about ("other code" decisions apply another code)
    decided_code: str | None
    decision: str | None
    note: str | None
    decided_by: str | None
    decided_at: str | None
    session_id: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _layer_args(project: Project, scope: ReadScope, round: str | None,
                codes: Sequence[str] | None,
                questions: Sequence[str] | None) -> tuple[Any, ...]:
    if not isinstance(scope, ReadScope):
        raise TypeError(f"the consensus layer reads codings and needs a ReadScope, not {scope!r}")
    info = package_info(project)
    if info is not None:
        raise AgreementHidden("the consensus layer is made from everyone's codings; only the "
                              f"lead's project has it (this is {info.coder_name}'s coder "
                              "package)")
    if scope.blind:
        raise AgreementHidden("the consensus layer is made from everyone's codings; only the "
                              "lead's project shows it (during an open blind round each coder "
                              "sees only their own codings)")
    r = find_round(project, round) if round is not None else None
    code_ids = [find_code(project, c).id for c in codes] if codes is not None else None
    return (project.db, scope, r.id if r else None, code_ids,
            list(questions) if questions is not None else None)


def consensus_codings(project: Project, scope: ReadScope, round: str | None = None, *,
                      codes: Sequence[str] | None = None,
                      questions: Sequence[str] | None = None) -> list[ConsensusCoding]:
    """The consensus layer, in file order then code name. For each response × code, among
    the coders who marked the response done (a coding without its coder's done mark does
    not count):

    1. the latest review decision about it, in any session, wins (source "decided"): the
       code applies, does not apply (not in the layer), or another code applies instead
       (that code is in the layer, this one not);
    2. else, when two or more coders marked it done and all of them applied the code:
       "agreed";
    3. else, when one coder marked it done and applied the code: "single" (a response only
       one person coded, such as one outside the double-coded sample);
    4. else the done coders disagree and nobody has decided yet: left out (see
       :func:`unresolved`).

    ``round`` (name or id): only the round's responses and coders (decisions about those
    responses from any session count). ``codes`` (names or ids) and ``questions`` (question
    ids) filter. The layer is built from everyone's codings, so like agreement it is
    refused (:class:`AgreementHidden`) in a blind read scope and in a coder package. It
    is computed when asked for; nobody's codings are changed."""
    rows = store.consensus_rows(*_layer_args(project, scope, round, codes, questions))
    return [ConsensusCoding(*row) for row in rows]


def unresolved(project: Project, scope: ReadScope, round: str | None = None, *,
               codes: Sequence[str] | None = None,
               questions: Sequence[str] | None = None) -> list[tuple[str, str]]:
    """(response id, code id) of every disagreement no decision has settled yet: the
    response × codes some but not all of the coders who marked the response done applied.
    They are left out of the consensus layer. Filters as :func:`consensus_codings`."""
    return store.unresolved_rows(*_layer_args(project, scope, round, codes, questions))


def unresolved_count(project: Project, scope: ReadScope, round: str | None = None, *,
                     codes: Sequence[str] | None = None,
                     questions: Sequence[str] | None = None) -> int:
    """How many disagreements :func:`unresolved` lists (counted in SQL: for notes)."""
    return store.unresolved_count(*_layer_args(project, scope, round, codes, questions))


#: how a table's note describes the consensus layer as its source
CONSENSUS_NOTE = ("Source: the consensus layer (the team's review decisions; where there is "
                  "none, the codes all coders who read the response applied, or its only "
                  "coder applied).")


def unresolved_note(count: int) -> str:
    """What a table's note says of the disagreements left out of the consensus layer
    ("" when there are none), without a closing full stop."""
    if not count:
        return ""
    if count == 1:
        return "1 disagreement not yet resolved is left out"
    return f"{count} disagreements not yet resolved are left out"


# -- minutes ----------------------------------------------------------------------------------

#: the minutes' columns, in order
MINUTES_COLUMNS = ("session", "decided_at", "respondent", "question", "code", "decision",
                   "instead", "note", "rationale", "definition_change", "decided_by",
                   "participants")


@dataclass(frozen=True)
class MinutesRow:
    session: str          # the session's opening date and time
    decided_at: str
    respondent: str
    question: str
    code: str
    decision: str         # DECISION_WORDS
    instead: str          # the code applied instead ("" otherwise)
    note: str
    rationale: str        # of a definition change ("" otherwise)
    definition_change: str  # "definition: new text; …" ("" otherwise)
    decided_by: str
    participants: str     # comma-separated

    def values(self) -> list[str]:
        return [getattr(self, c) for c in MINUTES_COLUMNS]


def review_minutes(project: Project, round: str) -> list[MinutesRow]:
    """Every decision of the round's review sessions, in the order made: what was decided,
    why (note; rationale of a definition change), who took part and when."""
    r = find_round(project, round)
    sessions = {s.id: s for s in store.sessions(project.db, r.id)}
    found = store.decisions(project.db, list(sessions))
    where = store.describe_responses(project.db, [d.response_id for d in found])
    names: dict[str | None, str] = {None: ""}
    out = []
    for d in found:
        if d.decided_by not in names:
            who = coders_store.get(project.db, d.decided_by)
            names[d.decided_by] = who.name if who else ""
        s = sessions[d.session_id]
        respondent, question = where[d.response_id]
        change = "; ".join(f"{k}: {v}" for k, v in (d.redefined or {}).items())
        out.append(MinutesRow(
            _minute(s.opened_at), _minute(d.decided_at), respondent, question,
            get_code(project, d.code_id).name, DECISION_WORDS[d.decision],
            get_code(project, d.other_code_id).name if d.other_code_id else "",
            d.note, d.rationale or "", change, names[d.decided_by], ", ".join(s.participants)))
    return out


def _minute(at: str) -> str:
    """'2026-12-07T06:10:33.123+00:00' → '2026-12-07 06:10 UTC'."""
    return f"{at[:10]} {at[11:16]} UTC"
