"""Coders: the investigators whose codings are kept apart and compared."""

from __future__ import annotations

from post_coder.changes import Changes
from post_coder.coding._common import check_color, check_name, did_you_mean, palette_color
from post_coder.errors import ConflictError, NotFoundError
from post_coder.ids import CoderId, new_id
from post_coder.project import Project
from post_coder.store import coders as store
from post_coder.store.coders import Coder
from post_coder.store.db import now


def default_initials(name: str) -> str:
    parts = [p for p in name.replace("-", " ").split() if p]
    return "".join(p[0] for p in parts[:3]).upper() or name[:2].upper()


def add_coder(project: Project, name: str, *, initials: str | None = None,
              color: str | None = None) -> Changes:
    """Add a coder to the project's list. Names are unique (any case)."""
    name = check_name(name, "coder's name")
    initials = check_name(initials or default_initials(name), "coder's initials")
    with project.transact("Add coder") as step:
        if store.by_name(project.db, name):
            raise ConflictError(f'there is already a coder called "{name}"')
        color = check_color(color) if color else palette_color(len(store.list_(project.db)) + 3)
        coder = Coder(new_id(), name, initials, color, now())
        store.insert(project.db, coder)
        step.audit("create", "coder", coder.id, after=coder.as_dict())
        step.mark("coders")
        step.created(coder.id)
    return step.changes


def ensure_coder(project: Project, name: str, *, initials: str | None = None) -> CoderId:
    """The id of the coder with this name, adding the coder if there is none.

    Adding the coder is not an undo step and leaves the undo history as it was: choosing
    who you are is not an edit to take back, and nothing earlier refers to the new coder.
    """
    found = store.by_name(project.db, name)
    if found:
        return CoderId(found.id)
    with project.transact("Add coder", outside_history=True):
        return CoderId(add_coder(project, name, initials=initials).new_id)


def list_coders(project: Project) -> list[Coder]:
    return store.list_(project.db)


def find_coder(project: Project, name_or_id: str) -> Coder:
    """A coder by id, name or initials; a clear error if there is none or several."""
    db = project.db
    found = store.get(db, name_or_id) or store.by_name(db, name_or_id)
    if found:
        return found
    by_initials = store.by_initials(db, name_or_id)
    if len(by_initials) == 1:
        return by_initials[0]
    names = [c.name for c in store.list_(db)]
    if len(by_initials) > 1:
        raise NotFoundError(f'several coders have the initials "{name_or_id}"; use the full name')
    raise NotFoundError(f'there is no coder called "{name_or_id}".'
                        + did_you_mean(name_or_id, names))
