"""Memos: the analyst's running notes on the project, a code, a response or a coding."""

from __future__ import annotations

from post_coder.changes import Changes
from post_coder.errors import InputError, NotFoundError
from post_coder.ids import MemoId, new_id
from post_coder.project import Project
from post_coder.store import memos as store
from post_coder.store.db import now
from post_coder.store.memos import Memo
from post_coder.store.scope import ReadScope

TARGETS = ("project", "code", "response", "coding")


def _check_target(project: Project, target_type: str, target_id: str | None) -> None:
    if target_type not in TARGETS:
        raise InputError(f"a memo can be written on {', '.join(TARGETS)}, not on {target_type}")
    if target_type == "project":
        if target_id is not None:
            raise InputError("a project memo has no target id")
        return
    if not target_id or not store.target_exists(project.db, target_type, target_id):
        raise NotFoundError(f"that {target_type} does not exist")


def add_memo(project: Project, target_type: str, target_id: str | None, body: str) -> Changes:
    """Write a new memo; ``changes.new_id`` is its id. The author is ``project.actor``."""
    with project.transact("Add memo") as step:
        _check_target(project, target_type, target_id)
        at = now()
        memo = Memo(new_id(), target_type, target_id, project.actor, body, at, at, None)
        store.insert(project.db, memo)
        step.audit("create", "memo", memo.id, after=memo.as_dict())
        step.mark("memos")
        step.created(memo.id)
    return step.changes


def edit_memo(project: Project, memo_id: MemoId, body: str) -> Changes:
    with project.transact("Edit memo") as step:
        memo = _live(project, memo_id)
        if memo.body != body:
            store.set_body(project.db, memo.id, body, now())
            step.audit("edit", "memo", memo.id, before={"body": memo.body}, after={"body": body})
            step.mark("memos")
    return step.changes


def delete_memo(project: Project, memo_id: MemoId) -> Changes:
    with project.transact("Delete memo") as step:
        memo = _live(project, memo_id)
        store.tombstone(project.db, memo.id, now())
        step.audit("delete", "memo", memo.id, before=memo.as_dict())
        step.mark("memos")
    return step.changes


def set_memo(project: Project, target_type: str, target_id: str | None, body: str) -> Changes:
    """Edit-in-place: the current author's memo on the target, created if it has none.

    An empty body deletes the memo. Consecutive edits of the same target's memo (the app
    saves as one types) are one undo step.
    """
    key = f"memo {target_type} {target_id} {project.actor}"
    with project.transact("Edit memo", coalesce=key) as step:
        _check_target(project, target_type, target_id)
        mine = [m for m in store.for_target(project.db, ReadScope.everyone(), target_type,
                                            target_id) if m.author_id == project.actor]
        if mine and not body.strip():
            delete_memo(project, MemoId(mine[0].id))
        elif mine:
            edit_memo(project, MemoId(mine[0].id), body)
        elif body.strip():
            add_memo(project, target_type, target_id, body)
    return step.changes


def memos_for(project: Project, scope: ReadScope, target_type: str,
              target_id: str | None = None) -> list[Memo]:
    """The live memos on a target whose authors ``scope`` sees, oldest first."""
    return store.for_target(project.db, scope, target_type, target_id)


def list_memos(project: Project, scope: ReadScope) -> list[Memo]:
    """Every live memo whose author ``scope`` sees, oldest first."""
    return store.list_(project.db, scope)


def _live(project: Project, memo_id: str) -> Memo:
    memo = store.get(project.db, memo_id)
    if memo is None or memo.deleted_at is not None:
        raise NotFoundError("that memo no longer exists")
    return memo
