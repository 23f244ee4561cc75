"""The re-check queue: codings made under an earlier definition of their code.

When a code's definition, inclusion or exclusion criteria change, every live coding of it
is flagged in the same action (:mod:`post_coder.coding.code_versions`). Each coder works
through their own flags: *confirm* (the coding still holds under the new definition) or
*remove* (it does not: the coding is removed through :mod:`post_coder.coding.codings`).
Each is one action and one undo step. A flag whose coding was removed, or moved to another
code (a merge, a split), leaves the queue by itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from post_coder.changes import Changes
from post_coder.coding.codings import remove_codings
from post_coder.errors import ConflictError, InputError, NotFoundError
from post_coder.ids import CoderId, CodingId
from post_coder.project import Project, Step
from post_coder.store import code_versions as store
from post_coder.store.code_versions import FlagRow
from post_coder.store.db import now
from post_coder.store.scope import ReadScope

__all__ = ["RecheckItem", "confirm_recheck", "recheck_queue", "remove_recheck"]

#: the criteria shown side by side (old, new)
CRITERIA = ("definition", "inclusion", "exclusion")


@dataclass(frozen=True)
class RecheckItem:
    """An open flag: the coding (``text`` is the whole response, ``segment`` the coded part),
    the definition it was made or last checked under (``old``, version ``from_version``)
    and the one to check it against (``new``, version ``version``)."""

    id: str
    coding_id: str
    code_id: str
    code: str
    coder_id: str
    coder: str
    respondent: str
    question: str
    response_id: str
    text: str
    segment: str
    span_start: int | None
    span_end: int | None
    from_version: int
    version: int
    flagged_at: str
    old: dict[str, str]
    new: dict[str, str]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _criteria(project: Project, code_id: str, version: int) -> dict[str, str]:
    v = store.get(project.db, code_id, version)
    return {f: (getattr(v, f) if v else "") for f in CRITERIA}


def _item(project: Project, r: FlagRow) -> RecheckItem:
    segment = r.text if r.span_start is None else r.text[r.span_start:r.span_end]
    return RecheckItem(r.id, r.coding_id, r.code_id, r.code, r.coder_id, r.coder, r.respondent,
                       r.question, r.response_id, r.text, segment, r.span_start, r.span_end,
                       r.from_version, r.version, r.flagged_at,
                       _criteria(project, r.code_id, r.from_version),
                       _criteria(project, r.code_id, r.version))


def recheck_queue(project: Project, scope: ReadScope, *,
                  coder: CoderId | None = None) -> list[RecheckItem]:
    """The open flags ``scope`` sees (``coder``: only that coder's), by coder, code and
    response."""
    rows = store.open_rows(project.db, scope, coder_ids=[coder] if coder else None)
    return [_item(project, r) for r in rows]


def _open_flags(step: Step, flag_ids: Sequence[str]) -> list[FlagRow]:
    """The flags, each open, its coding live, and the acting coder's own."""
    wanted = list(dict.fromkeys(flag_ids))
    if not wanted:
        raise InputError("choose at least one flagged coding")
    db = step.db
    # a write: it checks the flags named, whoever's they are, then refuses others' below
    rows = {r.id: r for r in store.open_rows(db, ReadScope.everyone(), flag_ids=wanted)}
    for flag_id in wanted:
        if flag_id in rows:
            continue
        flag = store.get_flag(db, flag_id)
        if flag is None:
            raise NotFoundError(f'there is no re-check flag with the id "{flag_id}"')
        if flag.status != "open":
            raise ConflictError(f'the flag "{flag_id}" was already settled ({flag.status})')
        raise ConflictError(f'the coding of the flag "{flag_id}" was removed or moved to '
                            "another code; there is nothing left to re-check")
    actor = step.project.actor
    if actor is None:
        raise InputError("say who is re-checking: the coder whose codings these are (on the "
                         "command line: --as NAME)")
    others = sorted({r.coder for r in rows.values() if r.coder_id != actor})
    if others:
        raise ConflictError(f"only the coder who made a coding re-checks it; "
                            f"{', '.join(others)} must settle their own")
    return [rows[i] for i in wanted]


def confirm_recheck(project: Project, flag_ids: Sequence[str]) -> Changes:
    """The codings still hold under the new definition: their flags are settled. One
    action ("Confirm re-check"), one undo step."""
    with project.transact("Confirm re-check") as step:
        _settle(step, _open_flags(step, flag_ids), "confirmed")
    return step.changes


def remove_recheck(project: Project, flag_ids: Sequence[str]) -> Changes:
    """The codings do not hold under the new definition: they are removed (kept as
    tombstones, as any removal) and their flags settled. One action ("Remove after
    re-check"), one undo step."""
    with project.transact("Remove after re-check") as step:
        rows = _open_flags(step, flag_ids)
        remove_codings(project, [CodingId(r.coding_id) for r in rows])
        _settle(step, rows, "removed")
    return step.changes


def _settle(step: Step, rows: list[FlagRow], status: str) -> None:
    at = now()
    store.settle(step.db, [r.id for r in rows], status, step.project.actor, at)
    for r in rows:
        step.audit({"confirmed": "recheck-confirm", "removed": "recheck-remove"}[status], "coding",
                   r.coding_id, after={"flag": r.id, "code": r.code_id, "version": r.version,
                                       "status": status})
    step.mark("codings")
