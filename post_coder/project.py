"""The handle on one project file.

A project is one SQLite file (``*.postcoder``). :class:`Project` opens or creates it, runs
the schema migrations and owns the write connection. Every change a person makes goes
through :meth:`Project.transact`: one ``BEGIN IMMEDIATE`` transaction per action, with
its audit-log entries, rolled back whole if anything fails.

Services live in :mod:`post_coder.coding` and :mod:`post_coder.importing`; they take the
project as their first argument. ``Project`` itself is not a facade over them.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from post_coder import __version__
from post_coder.changes import KINDS, Changes
from post_coder.errors import NothingToUndoError, ProjectFileError, UndoConflictError
from post_coder.ids import CoderId, ProjectId, new_id
from post_coder.store import audit, db as store_db, journal, meta, schema

#: the file name extension of project files
EXTENSION = ".postcoder"
#: how many actions Edit ▸ Undo can take back in one session
UNDO_LIMIT = 50
#: set to "1" (the test suite does) to make an undoable action that writes a table the undo
#: journal does not cover fail loudly instead of becoming a step that cannot be undone whole
CHECK_UNDO_ENV = "POST_CODER_CHECK_UNDO"


@dataclass(frozen=True)
class _Entry:
    """An undoable action: its label and the range of undo-journal rows it wrote."""

    label: str
    first: int
    last: int
    #: consecutive actions with the same key become one step (a memo's autosaves)
    coalesce: str | None = None


class Step:
    """One action in flight: collects what it changes and writes its audit entries."""

    def __init__(self, project: "Project", label: str, parent: "Step | None" = None) -> None:
        self.project = project
        #: a nested action shares its parent's transaction, id and label
        self.parent = parent
        self.label = parent.label if parent else label
        self.id = parent.id if parent else new_id()
        self._flags: set[str] = set()
        self._created: list[str] = []

    @property
    def db(self) -> Database:
        return self.project.db

    def mark(self, *kinds: str) -> None:
        """Record that this action touched these kinds of thing (see ``changes.KINDS``)."""
        unknown = set(kinds) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown change kinds: {sorted(unknown)}")
        self._flags.update(kinds)
        if self.parent is not None:
            self.parent.mark(*kinds)

    def created(self, entity_id: str) -> None:
        self._created.append(entity_id)
        if self.parent is not None:
            self.parent.created(entity_id)

    def audit(
        self,
        action: str,
        entity: str,
        entity_id: str | None,
        *,
        before: Any = None,
        after: Any = None,
        rationale: str | None = None,
    ) -> None:
        """Append an audit-log entry inside this action's transaction."""
        audit.append(
            self.db, actor=self.project.actor, step_id=self.id, step_label=self.label,
            action=action, entity=entity, entity_id=entity_id,
            before=before, after=after, rationale=rationale,
        )

    @property
    def changes(self) -> Changes:
        return Changes(label=self.label, created=tuple(self._created),
                       **{k: k in self._flags for k in KINDS})


class Project:
    """An open project file. Use :meth:`create` or :meth:`open`; close it when done."""

    #: the top undo step the next action with the same coalesce key joins, if any
    _joinable: _Entry | None = None

    def __init__(self, path: Path, db: Database) -> None:
        self.path = path
        self.db = db
        #: the coder on whose behalf actions are taken (audit "who"); ``None`` = system
        self.actor: CoderId | None = None
        self.readonly = False
        self._step: Step | None = None
        self._undo: list[_Entry] = []
        self._redo: list[_Entry] = []
        journal.install(db)
        if os.environ.get(CHECK_UNDO_ENV) == "1":
            journal.install_guard(db)

    # -- opening and closing ---------------------------------------------------------
    @classmethod
    def create(cls, path: str | Path, *, name: str | None = None, overwrite: bool = False) -> "Project":
        """Create a new, empty project file at ``path``."""
        path = Path(path)
        if path.exists():
            if not overwrite:
                raise ProjectFileError("a file with this name already exists; choose another name",
                                       file=path)
            path.unlink()
            for suffix in ("-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
        if not path.parent.exists():
            raise ProjectFileError(f"the folder {path.parent} does not exist", file=path)
        try:
            db = store_db.connect(path)
        except sqlite3.Error as exc:
            raise ProjectFileError(f"cannot create the project file ({exc})", file=path) from exc
        try:
            store_db.set_application_id(db)
            schema.apply(db)
            store_db.begin(db)
            meta.set_(db, "project_id", new_id())
            meta.set_(db, "name", name or path.stem)
            meta.set_(db, "created_at", store_db.now())
            meta.set_(db, "created_with", __version__)
            store_db.commit(db)
        except BaseException:
            store_db.rollback(db)
            db.close()
            path.unlink(missing_ok=True)
            raise
        return cls(path, db)

    @classmethod
    def open(cls, path: str | Path) -> "Project":
        """Open an existing project, upgrading its schema if it is from an older version.

        Raises :class:`ProjectFileError` (and changes nothing) when the file is missing,
        is not a POST Coder project, is damaged, or was written by a newer version.
        """
        path = Path(path)
        _check_openable(path)
        db = store_db.connect(path)
        try:
            pending = schema.pending_names(db)
            if pending:
                if schema.applied_names(db):
                    backup = path.with_name(f"{path.stem}.before-upgrade{EXTENSION}")
                    store_db.backup_to(db, backup)
                schema.apply(db)
        except BaseException:
            db.close()
            raise
        return cls(path, db)

    @classmethod
    def open_readonly(cls, path: str | Path) -> "Project":
        """A second, read-only handle on an open project (background readers, exports)."""
        path = Path(path)
        try:
            db = store_db.connect(path, readonly=True)
        except sqlite3.Error as exc:
            raise ProjectFileError(f"the project file cannot be read ({exc})", file=path) from exc
        project = cls.__new__(cls)
        project.path, project.db, project.actor, project._step = path, db, None, None
        project._undo, project._redo, project.readonly = [], [], True
        return project

    def close(self) -> None:
        if self._step is not None:
            raise RuntimeError("cannot close a project while an action is in flight")
        try:
            if not self.readonly:
                store_db.checkpoint(self.db)
        except sqlite3.Error:
            pass  # another reader holds the WAL; the data is safe in it all the same
        self.db.close()

    def __enter__(self) -> "Project":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- identity --------------------------------------------------------------------
    @property
    def id(self) -> ProjectId:
        return ProjectId(meta.get(self.db, "project_id") or "")

    @property
    def name(self) -> str:
        return meta.get(self.db, "name") or self.path.stem

    # -- writing ---------------------------------------------------------------------
    @contextmanager
    def transact(self, label: str, *, undoable: bool = True, coalesce: str | None = None,
                 outside_history: bool = False) -> Iterator[Step]:
        """One user action: a ``BEGIN IMMEDIATE`` transaction, committed on success.

        Any exception rolls the whole action back and propagates. A ``transact`` inside
        another joins the outer action (one transaction, the outer label); its step still
        reports only its own changes and created ids. An undoable action becomes one
        Edit ▸ Undo step; one that is not (an import, a merge) clears the undo history,
        since earlier steps could no longer be reversed safely.

        ``coalesce``: an action with the same key as the step on top of the undo history,
        when nothing else happened in between, joins that step (a memo's autosaves while
        typing are one step). ``outside_history``: neither a step nor clearing the history,
        for additions nothing in the history can refer to (adding yourself as a coder).
        """
        if self._step is not None:
            yield Step(self, label, parent=self._step)
            return
        first = journal.last_seq(self.db) + 1
        with self._transaction(label) as step:
            yield step
            last = journal.last_seq(self.db)
            if undoable and not outside_history:
                self._check_journaled(label)
        if outside_history:
            journal.forget(self.db, first, last)
        elif not undoable:
            self._forget_history()
        elif last >= first:
            self._record(_Entry(label, first, last, coalesce))

    @contextmanager
    def _transaction(self, label: str) -> Iterator[Step]:
        step = Step(self, label)
        self._step = step
        try:
            store_db.begin(self.db)
            try:
                journal.reset_guard(self.db)
                yield step
            except BaseException:
                store_db.rollback(self.db)
                raise
            try:
                store_db.commit(self.db)
            except BaseException:
                store_db.rollback(self.db)
                raise
        finally:
            self._step = None

    def _check_journaled(self, label: str) -> None:
        """With the test-mode guard on: refuse an undoable action that wrote a table the
        undo journal does not cover (undoing it would take back only part of it)."""
        written = journal.unjournaled_writes(self.db)
        if written:
            raise journal.UnjournaledWriteError(
                f'the undoable action "{label}" wrote to {", ".join(written)}, which the '
                "undo journal does not cover: journal the table or make the action "
                "undoable=False")

    def _record(self, entry: _Entry) -> None:
        top = self._undo[-1] if self._undo else None
        if entry.coalesce and top is not None and top is self._joinable \
                and top.coalesce == entry.coalesce:
            entry = _Entry(top.label, top.first, entry.last, top.coalesce)
            self._undo[-1] = entry
        else:
            self._push(self._undo, entry)
        self._joinable = entry if entry.coalesce else None
        self._forget(self._redo)

    # -- undo and redo -----------------------------------------------------------------
    def undo_label(self) -> str | None:
        """The label of the action Undo would take back ("Merge codes"), if any."""
        return self._undo[-1].label if self._undo else None

    def redo_label(self) -> str | None:
        return self._redo[-1].label if self._redo else None

    def undo(self) -> Changes:
        """Take back the last action; returns what changed, labelled "Undo <action>".

        Raises :class:`UndoConflictError` (and changes nothing) when a row the action
        wrote was changed since by another window or program: undoing it would overwrite
        that change. The undo history is then cleared, since every earlier step lies
        under the refused one.
        """
        return self._replay(self._undo, self._redo, "Undo")

    def redo(self) -> Changes:
        """Do again the last undone action; labelled "Redo <action>". Refused like
        :meth:`undo` when a row it would write was changed since by someone else."""
        return self._replay(self._redo, self._undo, "Redo")

    def _replay(self, source: list[_Entry], target: list[_Entry], verb: str) -> Changes:
        if not source:
            raise NothingToUndoError(f"there is nothing to {verb.lower()}")
        entry = source[-1]
        label = f"{verb} {entry.label}"
        first = journal.last_seq(self.db) + 1
        self._joinable = None
        try:
            with self._transaction(label) as step:
                stale = journal.stale_rows(self.db, entry.first, entry.last)
                if stale:
                    raise UndoConflictError(_changed_since(verb, entry.label, stale))
                kinds = {journal.JOURNALED[t]
                         for t in journal.tables_between(self.db, entry.first, entry.last)}
                journal.replay_backwards(self.db, entry.first, entry.last)
                journal.forget(self.db, entry.first, entry.last)
                step.mark(*kinds)
                step.audit(verb.lower(), "action", None, after={"action": entry.label})
                last = journal.last_seq(self.db)
                self._check_journaled(label)
        except sqlite3.IntegrityError as exc:
            # a row the step did not touch stands in the way (another program added
            # codings of a code that undo would remove, or a code with the old name)
            self._forget(source)
            raise UndoConflictError(_changed_since(verb, entry.label, [])) from exc
        except UndoConflictError:
            self._forget(source)
            raise
        source.pop()
        self._push(target, _Entry(entry.label, first, last))
        return step.changes

    def _push(self, stack: list[_Entry], entry: _Entry) -> None:
        stack.append(entry)
        while len(stack) > UNDO_LIMIT:
            old = stack.pop(0)
            journal.forget(self.db, old.first, old.last)

    def _forget(self, stack: list[_Entry]) -> None:
        for entry in stack:
            journal.forget(self.db, entry.first, entry.last)
        stack.clear()

    def clear_history(self) -> None:
        """Forget every undo and redo step (after another connection wrote to the file)."""
        self._forget_history()

    def _forget_history(self) -> None:
        journal.clear(self.db)
        self._undo.clear()
        self._redo.clear()
        self._joinable = None

    def save_copy(self, target: str | Path) -> None:
        """Write a complete, consistent copy of the project to ``target``."""
        target = Path(target)
        if target.resolve() == self.path.resolve():
            raise ProjectFileError("a copy cannot overwrite the open project", file=target)
        tmp = target.with_name(target.name + ".partial")
        try:
            store_db.backup_to(self.db, tmp)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)


#: verb → (past participle, gerund, which other steps go with a refused one)
_DONE = {"Undo": ("undone", "Undoing", "before"), "Redo": ("redone", "Redoing", "after")}


def _changed_since(verb: str, label: str, what: list[str]) -> str:
    """The refusal of an undo or redo whose rows someone else changed since, in words."""
    done, doing, others = _DONE[verb]
    if what:
        shown = ", ".join(what[:3]) + (f" and {len(what) - 3} more" if len(what) > 3 else "")
        changed = f"{shown} {'was' if len(what) == 1 else 'were'} changed"
        clash = "overwrite that change"
    else:
        changed = "the project was changed"
        clash = "clash with that change (for example, remove a code applied since)"
    return (f'{verb} is not possible: {changed} by another window or program (a merge, '
            f'another copy of POST Coder) after "{label}". {doing} it would {clash}, so '
            f"nothing was {done}; the steps {others} it can no longer be {done} either.")


def _check_openable(path: Path) -> None:
    """Raise ProjectFileError unless ``path`` looks like a POST Coder project we can open."""
    if not path.exists():
        raise ProjectFileError("there is no such file", file=path)
    if path.is_dir():
        raise ProjectFileError("this is a folder, not a project file", file=path)
    try:
        header = store_db.file_header(path)
    except OSError as exc:
        raise ProjectFileError(f"the file cannot be read ({exc.strerror})", file=path) from exc
    if not header.startswith(store_db.SQLITE_MAGIC):
        raise ProjectFileError("this is not a POST Coder project (it is not a database file)",
                               file=path)
    try:
        ro = store_db.connect(path, readonly=True)
    except sqlite3.OperationalError as exc:
        raise ProjectFileError(f"the project file cannot be opened ({exc})", file=path) from exc
    except sqlite3.DatabaseError as exc:
        raise ProjectFileError(f"the project file is damaged ({exc}); open a backup copy",
                               file=path) from exc
    try:
        if store_db.application_id(ro) != store_db.APPLICATION_ID:
            raise ProjectFileError(
                "this is not a POST Coder project (it is a database made by another program)",
                file=path)
        check = store_db.structure_check(ro, path.stat().st_size)
        if check != "ok":
            raise ProjectFileError(f"the project file is damaged ({check}); open a backup copy",
                                   file=path)
        unknown = [n for n in schema.applied_names(ro) if n not in schema.known_names()]
        if unknown:
            raise ProjectFileError(
                "this project was saved by a newer version of POST Coder; "
                "update POST Coder to open it", file=path)
    except sqlite3.DatabaseError as exc:
        raise ProjectFileError(f"the project file is damaged ({exc}); open a backup copy",
                               file=path) from exc
    finally:
        ro.close()


def copy_file(source: Path, target: Path) -> None:
    """Copy a closed project file (tests and templates)."""
    shutil.copyfile(source, target)
