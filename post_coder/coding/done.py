"""Done marks: "this coder has read this response" — coded it, or found that nothing applies.

Agreement needs to tell "read it and no code applies" from "has not got to it yet": a
response a coder has not marked done is a *missing* rating for that coder, never a 0.

- :func:`mark_done` marks responses done for a coder (the coding view's Enter, moving on);
- applying a code marks the response done for that coder (in the same action);
- :func:`nothing_applies` is the explicit "no code applies here": done with no codes;
- :func:`unmark_done` takes a mark back (a tombstone, so the un-marking travels too).

Removing a coder's codes from a response leaves it done (they read it; now nothing of
theirs applies). Marks are per (response, coder), not per round: a response in two rounds
is read once. Each action is one transaction and one undo step, audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from post_coder.changes import Changes
from post_coder.coding._common import read_csv_table
from post_coder.coding.coders import ensure_coder
from post_coder.errors import ConflictError, InputError, NotFoundError
from post_coder.ids import CoderId, ResponseId
from post_coder.project import Project, Step
from post_coder.store import coders as coders_store
from post_coder.store import codings as codings_store
from post_coder.store import done as store
from post_coder.store import team as exchange_store
from post_coder.store import responses as responses_store
from post_coder.store.db import now
from post_coder.store.done import DoneMark
from post_coder.store.scope import ReadScope

__all__ = ["DoneMark", "done_by", "is_done", "mark_done", "mark_done_csv", "mark_in_step",
           "nothing_applies", "unmark_done"]


def mark_in_step(step: Step, responses: Sequence[str], coder: str) -> int:
    """Inside an action: mark ``responses`` done for ``coder`` (those not done yet).

    Returns how many marks were added or revived. Used by :func:`mark_done` and by
    applying a code."""
    responses = list(dict.fromkeys(responses))
    found = store.get_many(step.db, [(r, coder) for r in responses])
    at = now()
    new = []
    for r in responses:
        before = found.get((r, coder))
        if before is not None and before.live:
            continue
        mark = DoneMark(r, coder, at, at, None)
        new.append(mark)
        step.audit("mark-done", "done_mark", r, before=before.as_dict() if before else None,
                   after=mark.as_dict())
    if new:
        store.upsert(step.db, new)
        step.mark("codings")
    return len(new)


def _check(project: Project, responses: Sequence[str], coder: str) -> None:
    if not responses:
        raise InputError("say which responses to mark")
    if coders_store.get(project.db, coder) is None:
        raise NotFoundError("that coder does not exist")
    if exchange_store.missing_responses(project.db, dict.fromkeys(responses)):
        raise NotFoundError("that response no longer exists")


def mark_done(project: Project, responses: ResponseId | Sequence[ResponseId],
              coder: CoderId) -> Changes:
    """Mark one response, or several (one action, one undo step), done for ``coder``.

    Responses already done stay as they are (marking twice changes nothing)."""
    responses = [responses] if isinstance(responses, str) else list(responses)
    with project.transact("Mark done") as step:
        _check(project, responses, coder)
        mark_in_step(step, responses, coder)
    return step.changes


def nothing_applies(project: Project, response: ResponseId, coder: CoderId) -> Changes:
    """Record that no code applies to the response for ``coder``: it is done, with no codes.

    Refused while the coder has codes on it (remove them first): "nothing applies" next to
    a code would contradict itself."""
    with project.transact("Nothing applies") as step:
        _check(project, [response], coder)
        mine = [c for c in codings_store.live_for_response(project.db, ReadScope.everyone(),
                                                             response) if c.coder_id == coder]
        if mine:
            n = len(mine)
            raise ConflictError(f"this coder has {n} coding{'s' if n != 1 else ''} on the "
                                "response; remove them first to say that nothing applies")
        mark_in_step(step, [response], coder)
    return step.changes


def unmark_done(project: Project, responses: ResponseId | Sequence[ResponseId],
                coder: CoderId) -> Changes:
    """Take back ``coder``'s done mark on one response or several (one undo step).

    The coder's codings stay; until it is marked again, the response is "not reached" for
    them (a missing rating in agreement). Responses not marked change nothing."""
    responses = [responses] if isinstance(responses, str) else list(responses)
    with project.transact("Unmark done") as step:
        _check(project, responses, coder)
        found = store.get_many(step.db, [(r, coder) for r in responses])
        at = now()
        gone = []
        for r in dict.fromkeys(responses):
            before = found.get((r, coder))
            if before is None or not before.live:
                continue
            after = DoneMark(r, coder, before.done_at, at, at)
            gone.append(after)
            step.audit("unmark-done", "done_mark", r, before=before.as_dict(),
                       after=after.as_dict())
        if gone:
            store.upsert(step.db, gone)
            step.mark("codings")
    return step.changes


def is_done(project: Project, response: ResponseId, coder: CoderId) -> bool:
    mark = store.get_many(project.db, [(response, coder)]).get((response, coder))
    return mark is not None and mark.live


def done_by(project: Project, response: ResponseId) -> list[str]:
    """Ids of the coders who marked the response done (by name)."""
    return store.live_coders(project.db, response)


def mark_done_csv(project: Project, path: str | Path) -> int:
    """Mark responses done from a CSV with columns respondent, question, coder.

    Unknown coders are added. Every row is checked first: one bad row and nothing is
    marked. One action ("Mark done from file"); returns how many marks were added."""
    path = Path(path)
    rows = [row for _, row in read_csv_table(path, ("respondent", "question", "coder"), "file")]
    if not rows:
        raise InputError("the file has a header but no responses to mark", file=path)
    with project.transact("Mark done from file") as step:
        questions: dict[str, dict[str, str]] = {}
        by_coder: dict[str, list[str]] = {}
        for i, row in enumerate(rows, start=2):
            values = {k: (row.get(k) or "").strip() for k in ("respondent", "question", "coder")}
            for col, value in values.items():
                if not value:
                    raise InputError(f"the {col} is empty", file=path, row=i, column=col)
            q = values["question"]
            if q not in questions:
                try:
                    found = responses_store.find_question(project.db, q)
                except NotFoundError as exc:
                    raise InputError(exc.message, file=path, row=i, column="question") from None
                questions[q] = responses_store.by_respondent(project.db, found)
            response = questions[q].get(values["respondent"])
            if response is None:
                raise InputError(f'respondent "{values["respondent"]}" has no answer to "{q}"',
                                 file=path, row=i, column="respondent")
            coder = ensure_coder(project, values["coder"])
            by_coder.setdefault(coder, []).append(response)
        added = sum(mark_in_step(step, responses, coder)
                    for coder, responses in by_coder.items())
    return added
