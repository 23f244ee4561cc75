"""What investigators decide for theme tables: exemplar quotes and RE-AIM dimensions.

- :func:`mark_exemplar` (:func:`mark_exemplars`: several at once) marks a coding as an exemplar quote of its code (``on=False``
  takes the mark away). A theme table quotes the marked codings first; where a code has
  none, it suggests the segments most central to the code (:mod:`.similarity`).
- :func:`set_dimension` puts a theme (a top-level code) in a RE-AIM dimension (Reach,
  Effectiveness, Adoption, Implementation, Maintenance); its sub-codes go with it, so a
  theme table can group themes by dimension (the seed article's Table 2 holds the
  effectiveness themes, Table 3 the implementation ones).

Each is one action (one transaction, one undo step) with an audit-log entry.
"""

from __future__ import annotations

from collections.abc import Sequence

from post_coder.changes import Changes
from post_coder.coding.codebook import get_code
from post_coder.errors import ConflictError, InputError, NotFoundError
from post_coder.ids import CodeId, CodingId
from post_coder.project import Project, Step
from post_coder.store import codings as codings_store
from post_coder.store import themes as store
from post_coder.store.db import now
from post_coder.store.scope import ReadScope
from post_coder.store.themes import DIMENSIONS

__all__ = ["DIMENSIONS", "dimension_of", "dimensions", "find_dimension", "is_exemplar",
           "mark_exemplar", "mark_exemplars", "set_dimension"]


def is_exemplar(project: Project, coding: CodingId) -> bool:
    return store.is_exemplar(project.db, coding)


def mark_exemplar(project: Project, scope: ReadScope, coding: CodingId, *,
                  on: bool = True) -> Changes:
    """Mark a coding as an exemplar quote of its code ("Mark as exemplar quote"), or with
    ``on=False`` take the mark away. Marking a marked coding (or unmarking an unmarked one)
    changes nothing. Only a live coding ``scope`` sees can be marked: a coder in a blind
    round cannot reach others' codings this way."""
    return mark_exemplars(project, scope, [coding], on=on)


def mark_exemplars(project: Project, scope: ReadScope, codings: Sequence[CodingId], *,
                   on: bool = True) -> Changes:
    """:func:`mark_exemplar` for several codings as one action: all of them or none (an
    unknown or removed coding changes nothing)."""
    if on:
        with project.transact("Mark exemplar quote") as step:
            for coding in dict.fromkeys(codings):
                _mark(step, scope, coding, True)
    else:
        with project.transact("Unmark exemplar quote") as step:
            for coding in dict.fromkeys(codings):
                _mark(step, scope, coding, False)
    return step.changes


def _mark(step: Step, scope: ReadScope, coding: CodingId, on: bool) -> None:
    db = step.db
    found = codings_store.get(db, coding)
    if found is None or not scope.sees(found.coder_id):
        raise NotFoundError(f'there is no coding with the id "{coding}" (see its id with: '
                            "post-coder codings PROJECT --json)")
    if found.deleted_at is not None:
        raise ConflictError("that coding has been removed; only a live coding can be an "
                            "exemplar quote")
    marked = store.is_exemplar(db, coding)
    if marked == on:
        return
    if on:
        store.mark_exemplar(db, coding, step.project.actor, now())
    else:
        store.unmark_exemplar(db, coding)
    step.audit("exemplar" if on else "unexemplar", "coding", coding,
               before={"exemplar": marked}, after={"exemplar": on})
    step.mark("codings")


def find_dimension(text: str) -> str:
    """The RE-AIM dimension named ``text`` (any case, or its first letter: "E"); a plain
    error listing them otherwise."""
    wanted = text.strip().lower()
    for dimension in DIMENSIONS:
        if wanted in (dimension.lower(), dimension[0].lower()):
            return dimension
    raise InputError(f'"{text}" is not a RE-AIM dimension; choose one of '
                     f"{', '.join(DIMENSIONS)}")


def dimensions(project: Project) -> dict[str, str]:
    """Theme (code id) → its RE-AIM dimension, for the themes that have one."""
    return store.dimensions(project.db)


def dimension_of(project: Project, code: CodeId) -> str | None:
    return store.dimensions(project.db).get(code)


def set_dimension(project: Project, code: CodeId, dimension: str | None, *,
                  rationale: str | None = None) -> Changes:
    """Put a theme (a top-level code) in a RE-AIM dimension, or with ``None`` in none.
    Sub-codes go with their theme: giving one a dimension is refused, naming the theme."""
    chosen = find_dimension(dimension) if dimension is not None else None
    with project.transact("Set RE-AIM dimension") as step:
        found = get_code(project, code)
        if found.status != "active":
            raise ConflictError(f'the code "{found.name}" is {found.status}; it can no longer '
                                "be changed")
        if found.parent_id is not None:
            theme = get_code(project, found.parent_id)
            while theme.parent_id is not None:
                theme = get_code(project, theme.parent_id)
            raise InputError(f'"{found.name}" is a sub-code: it goes with its theme '
                             f'"{theme.name}"; set the dimension of "{theme.name}" instead')
        before = store.dimensions(project.db).get(found.id)
        if before == chosen:
            return step.changes
        store.set_dimension(project.db, found.id, chosen, project.actor, now())
        step.audit("dimension", "code", found.id, before={"dimension": before},
                   after={"dimension": chosen}, rationale=rationale)
        step.mark("codes")
    return step.changes
