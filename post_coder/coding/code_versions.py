"""Writing the codebook's history: a version of a code for every change to it, and the
re-check flags a new definition raises.

Every service that changes a code (:mod:`post_coder.coding.codebook`, and through it the
code editor, the codebook import and review decisions; the team merge) calls
:func:`record` inside its own transaction, so the version is saved, and undone, with the
change. One user action writes at most one version per code: a second change within the
same action (the editor renaming and redefining) rewrites it, its actions listed
("rename, redefine"). Reading the history is :mod:`post_coder.coding.code_history`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from post_coder.ids import new_id
from post_coder.project import Step
from post_coder.store import code_versions as store
from post_coder.store import codings as codings_store
from post_coder.store.codes import Code
from post_coder.store.db import now

#: the fields whose change asks every coder to re-check their codings of the code
CRITERIA = ("definition", "inclusion", "exclusion")


def record(step: Step, code: Code, action: str, rationale: str | None = None, *,
           related: Iterable[str] = ()) -> int:
    """Save ``code`` (its state after the change) as its next version; returns the number.

    If its definition, inclusion or exclusion criteria differ from the version before,
    every live coding of it (all coders) is flagged for re-checking in the same action.
    """
    db = step.db
    last = store.latest(db, code.id)
    rationale = (rationale or "").strip() or None
    related = tuple(dict.fromkeys(related))
    snapshot = {f: getattr(code, f) for f in store.FIELDS}
    at = now()
    if last is not None and last.step_id == step.id:  # the same action changed it again
        actions = last.action.split(", ")
        version = replace(last, **snapshot, at=at,
                          action=", ".join(actions + ([action] if action not in actions else [])),
                          related=tuple(dict.fromkeys(last.related + related)),
                          rationale=rationale or last.rationale)
        store.replace_(db, version)
        before = store.get(db, code.id, last.version - 1)
    else:
        version = store.Version(new_id(), code.id, (last.version + 1) if last else 1, at,
                                step.project.actor, action, step.id, **snapshot,
                                related=related, rationale=rationale)
        store.insert(db, version)
        before = last
    if before is not None and any(getattr(before, f) != getattr(code, f) for f in CRITERIA):
        _flag_codings(step, code.id, before.version, version.version, at)
    step.mark("codes")
    return version.version


def _flag_codings(step: Step, code_id: str, from_version: int, version: int, at: str) -> None:
    """Flag every live coding of the code for re-checking under ``version`` (a coding still
    waiting from an earlier change keeps its flag, which now names the newer version)."""
    db = step.db
    store.reflag(db, code_id, version, at)
    waiting = store.open_coding_ids(db, code_id)
    fresh = [(new_id(), c.id, code_id, from_version, version, at)
             for c in codings_store.live_for_code(db, code_id) if c.id not in waiting]
    store.flag(db, fresh)
    if fresh or waiting:
        step.mark("codings")
