"""The codebook and its refinement by the constant comparative method.

Create, rename, redefine, recolor, move, merge, split and retire codes. Each is one
action (one transaction) with an audit-log entry holding the before and after state and
the person's optional rationale. Nothing is ever deleted: merged and retired codes stay
in the file with their status, so every earlier coding can still be traced.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar
from dataclasses import replace

from post_coder.changes import Changes
from post_coder.coding._common import check_color, check_name, did_you_mean, palette_color
from post_coder.coding.code_versions import record as record_version
from post_coder.errors import ConflictError, InputError, NotFoundError
from post_coder.ids import CodeId, CodingId, new_id
from post_coder.project import Project, Step
from post_coder.store import codes as store
from post_coder.store import codings as codings_store
from post_coder.store.codes import Code
from post_coder.store.db import now

TEXT_FIELDS = ("definition", "inclusion", "exclusion", "example")


def list_codes(project: Project, *, include_inactive: bool = False) -> list[Code]:
    """Codes in codebook order (parents and children interleaved by sort order)."""
    return store.list_(project.db, include_inactive=include_inactive)


# -- the code tree (the one walker: the app's lists, the codebook dialogs and the CLI) ----

T = TypeVar("T")


def _code_link(code: Code) -> tuple[str, str | None]:
    return code.id, code.parent_id


def tree_order(codes: Sequence[T], *,
               link: Callable[[T], tuple[str, str | None]] = _code_link,  # type: ignore[assignment]
               orphans_last: bool = False) -> list[tuple[T, int]]:
    """(code, depth) depth first, each code right after its parent, siblings in the order
    given. ``link`` gives an item's (id, parent id) (default: a :class:`Code`'s). A code
    whose parent is not among ``codes`` (a merged or retired parent left out) is a root:
    among the others, or with ``orphans_last`` after them, grouped under that parent."""
    ids = {link(c)[0] for c in codes}
    children: dict[str | None, list[T]] = {}
    for c in codes:
        parent = link(c)[1]
        if parent not in ids and not orphans_last:
            parent = None
        children.setdefault(parent, []).append(c)
    out: list[tuple[T, int]] = []

    def walk(parent: str | None, depth: int) -> None:
        for c in children.get(parent, ()):
            out.append((c, depth))
            walk(link(c)[0], depth + 1)

    walk(None, 0)
    for parent in list(children) if orphans_last else ():
        if parent is not None and parent not in ids:
            walk(parent, 0)
    return out


def descendants(codes: Iterable[Code], code_id: str) -> set[str]:
    """Ids of every code below ``code_id`` (children, grandchildren…)."""
    children: dict[str | None, list[str]] = {}
    for c in codes:
        children.setdefault(c.parent_id, []).append(c.id)
    found: set[str] = set()
    stack = list(children.get(code_id, ()))
    while stack:
        cid = stack.pop()
        if cid not in found:
            found.add(cid)
            stack.extend(children.get(cid, ()))
    return found


def ancestors(codes: Iterable[Code], code_id: str) -> list[str]:
    """Ids of the code's parent, grandparent… (nearest first)."""
    parent_of = {c.id: c.parent_id for c in codes}
    out: list[str] = []
    current = parent_of.get(code_id)
    while current is not None and current not in out:
        out.append(current)
        current = parent_of.get(current)
    return out


def code_and_subcodes(project: Project, code_id: str) -> tuple[str, ...]:
    """What filtering by a code matches: the code and every active code below it (a parent
    stands for its sub-codes), the code first, the rest in codebook order."""
    codes = list_codes(project)
    below = descendants(codes, code_id)
    return (code_id, *(c.id for c, _ in tree_order(codes) if c.id in below))


def get_code(project: Project, code_id: str) -> Code:
    code = store.get(project.db, code_id)
    if code is None:
        raise NotFoundError("that code no longer exists")
    return code


def find_code(project: Project, name_or_id: str) -> Code:
    """The active code with this id or name (any case); a clear error otherwise."""
    db = project.db
    code = store.get(db, name_or_id)
    if code is not None and code.status == "active":
        return code
    code = store.by_name(db, name_or_id)
    if code is not None:
        return code
    names = [c.name for c in store.list_(db)]
    raise NotFoundError(f'there is no code called "{name_or_id}" in the codebook.'
                        + did_you_mean(name_or_id, names))


def _check_unique(project: Project, name: str, *, except_id: str | None = None) -> None:
    other = store.by_name(project.db, name)
    if other is not None and other.id != except_id:
        raise ConflictError(f'there is already a code called "{other.name}"; choose another name')


def _active(project: Project, code_id: str) -> Code:
    code = get_code(project, code_id)
    if code.status != "active":
        raise ConflictError(f'the code "{code.name}" is {code.status}; it can no longer be changed')
    return code


def _save(step: Step, before: Code, action: str, rationale: str | None, *,
          related: Sequence[str] = (), **values: object) -> Code:
    """Change a code's fields, with its audit entry and its new version."""
    values["updated_at"] = now()
    store.update(step.db, before.id, **values)
    after = replace(before, **values)
    step.audit(action, "code", before.id, before=before.as_dict(), after=after.as_dict(),
               rationale=rationale)
    record_version(step, after, action, rationale, related=related)
    step.mark("codes")
    return after


def _children_move_up(step: Step, code: Code, new_parent: str | None, why: str,
                      rationale: str | None) -> None:
    """The active sub-codes of ``code`` go under ``new_parent`` (a merge or a retirement),
    each with its new version."""
    children = store.children(step.db, code.id)
    at = now()
    store.reparent_children(step.db, code.id, new_parent, at)
    for child in children:
        record_version(step, replace(child, parent_id=new_parent, updated_at=at), "move",
                       rationale or why, related=[code.id])


def add_code(
    project: Project,
    name: str,
    *,
    parent: CodeId | None = None,
    definition: str = "",
    inclusion: str = "",
    exclusion: str = "",
    example: str = "",
    color: str | None = None,
    rationale: str | None = None,
) -> Changes:
    """Add a code (under ``parent`` if given). ``changes.new_id`` is the new code's id."""
    name = check_name(name, "code name")
    with project.transact("Add code") as step:
        _check_unique(project, name)
        if parent is not None:
            _active(project, parent)
        count = len(store.list_(project.db, include_inactive=True))
        at = now()
        code = Code(
            id=new_id(), parent_id=parent, name=name, definition=definition.strip(),
            inclusion=inclusion.strip(), exclusion=exclusion.strip(), example=example.strip(),
            color=check_color(color) if color else palette_color(count), status="active",
            merged_into=None, sort_order=store.next_sort_order(project.db, parent),
            created_at=at, updated_at=at, created_by=project.actor,
        )
        store.insert(project.db, code)
        step.audit("create", "code", code.id, after=code.as_dict(), rationale=rationale)
        record_version(step, code, "create", rationale)
        step.mark("codes")
        step.created(code.id)
    return step.changes


def rename_code(project: Project, code_id: CodeId, name: str, *,
                rationale: str | None = None) -> Changes:
    name = check_name(name, "code name")
    with project.transact("Rename code") as step:
        code = _active(project, code_id)
        _check_unique(project, name, except_id=code.id)
        _save(step, code, "rename", rationale, name=name)
    return step.changes


def redefine_code(project: Project, code_id: CodeId, *, rationale: str | None = None,
                  **texts: str) -> Changes:
    """Change any of ``definition``, ``inclusion``, ``exclusion``, ``example``."""
    unknown = set(texts) - set(TEXT_FIELDS)
    if unknown:
        raise InputError(f"a code has no field {', '.join(sorted(unknown))}")
    with project.transact("Redefine code") as step:
        code = _active(project, code_id)
        _save(step, code, "redefine", rationale, **{k: v.strip() for k, v in texts.items()})
    return step.changes


def recolor_code(project: Project, code_id: CodeId, color: str, *,
                 rationale: str | None = None) -> Changes:
    color = check_color(color)
    with project.transact("Recolor code") as step:
        _save(step, _active(project, code_id), "recolor", rationale, color=color)
    return step.changes


def move_code(project: Project, code_id: CodeId, parent: CodeId | None, *,
              rationale: str | None = None) -> Changes:
    """Put the code under another parent (``None``: at the top level)."""
    with project.transact("Move code") as step:
        code = _active(project, code_id)
        if parent is not None:
            target = _active(project, parent)
            if target.id == code.id or code.id in store.ancestors(project.db, target.id):
                raise ConflictError(
                    f'"{code.name}" cannot go under "{target.name}", which is inside it')
        _save(step, code, "move", rationale, parent_id=parent,
              sort_order=store.next_sort_order(project.db, parent))
    return step.changes


def merge_codes(project: Project, sources: Sequence[CodeId], target: CodeId, *,
                rationale: str | None = None) -> Changes:
    """Merge each source code into ``target``.

    The sources' codings move to the target; where a coder already has the target on the
    same response (and span), the moved coding would be a duplicate and is hidden instead
    (``duplicate_of``: it returns if the kept one is later removed on another laptop).
    Sub-codes of a source move under the target. Sources keep their history, marked merged.
    """
    if not sources:
        raise InputError("choose at least one code to merge")
    with project.transact("Merge codes") as step:
        into = _active(project, target)
        for source_id in dict.fromkeys(sources):
            source = _active(project, source_id)
            if source.id == into.id:
                raise InputError(f'"{source.name}" cannot be merged into itself')
            if source.id in store.ancestors(project.db, into.id):
                raise ConflictError(f'"{into.name}" is inside "{source.name}"; '
                                    f'move it out before merging')
            _move_codings(step, source.id, into.id)
            _children_move_up(step, source, into.id, f'"{source.name}" was merged into '
                              f'"{into.name}"', rationale)
            _save(step, source, "merge", rationale, related=[into.id], status="merged",
                  merged_into=into.id)
            record_version(step, into, "merge", rationale, related=[source.id])
        step.mark("codings")
    return step.changes


def _move_codings(step: Step, source_id: str, target_id: str) -> None:
    """Every live coding of the source to the target, in two statements (a coding the
    target already has is hidden as its duplicate)."""
    codings_store.move_all(step.db, source_id, target_id, now())


def split_code(
    project: Project,
    code_id: CodeId,
    new_name: str,
    codings: Sequence[CodingId],
    *,
    definition: str = "",
    rationale: str | None = None,
) -> Changes:
    """Make a new sibling code ``new_name`` and move the chosen codings of ``code_id`` to it.

    ``changes.new_id`` is the new code's id.
    """
    with project.transact("Split code") as step:
        code = _active(project, code_id)
        live = {c.id for c in codings_store.live_for_code(project.db, code.id)}
        foreign = [c for c in codings if c not in live]
        if foreign:
            raise InputError(f'{len(foreign)} of the chosen codings are not codings of '
                             f'"{code.name}"; choose only segments coded with it')
        new_code = add_code(project, new_name, parent=code.parent_id, definition=definition,
                            rationale=rationale).new_id
        codings_store.set_code(project.db, list(dict.fromkeys(codings)), new_code, now())
        step.audit("split", "code", code.id,
                   after={"new_code": new_code, "codings": list(codings)}, rationale=rationale)
        record_version(step, code, "split", rationale, related=[new_code])
        record_version(step, get_code(project, new_code), "split", rationale, related=[code.id])
        step.mark("codes", "codings")
    return step.changes


def retire_code(project: Project, code_id: CodeId, *, rationale: str | None = None) -> Changes:
    """Take a code out of use. Its codings stay (for the record); its sub-codes move up."""
    with project.transact("Retire code") as step:
        code = _active(project, code_id)
        _children_move_up(step, code, code.parent_id, f'"{code.name}" was retired', rationale)
        _save(step, code, "retire", rationale, status="retired")
    return step.changes
