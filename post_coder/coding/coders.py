"""Coders: the investigators whose codings are kept apart and compared."""

from __future__ import annotations

from dataclasses import replace

from post_coder.changes import Changes
from post_coder.coding._common import check_color, check_name, did_you_mean, palette_color
from post_coder.errors import ConflictError, NotFoundError
from post_coder.ids import CoderId, new_id
from post_coder.project import Project
from post_coder.store.scope import ReadScope
from post_coder.store import coders as store
from post_coder.store import counts
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
        clash = store.by_name(project.db, name)
        if clash is not None:
            raise ConflictError(f'there is already a coder called "{clash.name}"')
        color = check_color(color) if color else palette_color(len(store.list_(project.db)) + 3)
        coder = Coder(new_id(), name, initials, color, now())
        store.insert(project.db, coder)
        step.audit("create", "coder", coder.id, after=coder.as_dict())
        step.mark("coders")
        step.created(coder.id)
    return step.changes


def update_coder(project: Project, coder_id: CoderId, *, name: str | None = None,
                 initials: str | None = None, color: str | None = None,
                 rationale: str | None = None) -> Changes:
    """Change a coder's name, initials or color (one undoable step, in the audit log).

    The coder keeps their id, so their codings stay theirs; names stay unique (any case).
    Editing a colleague never changes who is coding.
    """
    values: dict[str, str] = {}
    if name is not None:
        values["name"] = check_name(name, "coder's name")
    if initials is not None:
        values["initials"] = check_name(initials, "coder's initials")
    if color is not None:
        values["color"] = check_color(color)
    label = "Rename coder" if "name" in values else "Edit coder"
    with project.transact(label) as step:
        before = store.get(project.db, coder_id)
        if before is None:
            raise NotFoundError("that coder does not exist")
        other = store.by_name(project.db, values["name"]) if "name" in values else None
        if other is not None and other.id != before.id:
            raise ConflictError(f'there is already a coder called "{other.name}"')
        values = {k: v for k, v in values.items() if getattr(before, k) != v}
        if values:
            store.update(project.db, before.id, **values)
            after = replace(before, **values)
            action = "rename" if "name" in values else "edit"
            step.audit(action, "coder", before.id, before=before.as_dict(),
                       after=after.as_dict(), rationale=rationale)
            step.mark("coders")
    return step.changes


def rename_coder(project: Project, coder_id: CoderId, new_name: str, *,
                 initials: str | None = None) -> Changes:
    """Rename a coder (and change their initials, when given). One undoable action; their
    codings, memos and audit entries keep pointing at the same coder."""
    return update_coder(project, coder_id, name=new_name, initials=initials)


def coder_table(project: Project, scope: ReadScope) -> list[dict]:
    """Every coder with their number of live codings (``post-coder coders list``); a coder
    whose codings ``scope`` hides has ``None`` (hidden), never a false 0."""
    per_coder = counts.codings_per_coder(project.db, scope)
    return [{**c.as_dict(), "codings": per_coder.get(c.id, 0) if scope.sees(c.id) else None}
            for c in store.list_(project.db)]


def ensure_coder(project: Project, name: str, *, initials: str | None = None) -> CoderId:
    """The id of the coder with this name, adding the coder if there is none.

    Only for the person acting (their own identity); a read never adds a coder. Adding
    the coder is not an undo step and leaves the undo history as it was: choosing who you
    are is not an edit to take back, and nothing earlier refers to the new coder.
    """
    found = store.by_name(project.db, name)
    if found:
        return CoderId(found.id)
    with project.transact("Add coder", outside_history=True):
        return CoderId(add_coder(project, name, initials=initials).new_id)


def list_coders(project: Project) -> list[Coder]:
    return store.list_(project.db)


class UnknownCoder(NotFoundError):
    """No coder has this name (fronts may add how to add one)."""

    def __init__(self, message: str, name: str) -> None:
        super().__init__(message)
        self.name = name


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
    raise UnknownCoder(f'there is no coder called "{name_or_id}".'
                       + did_you_mean(name_or_id, names), name_or_id)
