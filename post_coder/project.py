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
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from post_coder import __version__
from post_coder.changes import KINDS, Changes
from post_coder.errors import (DiskFullError, NothingToUndoError, PostCoderError,
                               ProjectBusyError, ProjectDamagedError, ProjectFileError,
                               ProjectReadOnlyError, StorageError, UndoConflictError)
from post_coder.ids import CoderId, ProjectId, new_id
from post_coder.store import audit, db as store_db, journal, meta, schema
from post_coder.store import team as team_store
from post_coder.store.db import Database

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
        #: open for viewing and exporting only: every write is refused (see :meth:`refusal`)
        self.readonly = False
        #: what SQLite found wrong with the file, once a check or a read found damage
        self.damage: str | None = None
        #: whether the open checked every page (small files); large ones get :meth:`verify`
        self.checked_fully = True
        self._step: Step | None = None
        #: an action committed with its checkpoint deferred (see :meth:`transact`)
        self._checkpoint_due = False
        #: held while the writer thread checkpoints when idle, and while closing: the UI may
        #: close the project the moment an action is reported done, while that runs
        self._idle_lock = threading.Lock()
        self._closed = False
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
            db = store_db.connect(path, new=True)
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
        except BaseException as exc:
            store_db.rollback(db)
            db.close()
            store_db.remove_with_sidecars(path)
            _raise_plain(exc, path)
            raise
        return cls(path, db)

    @classmethod
    def open(cls, path: str | Path) -> "Project":
        """Open an existing project, upgrading its schema if it is from an older version.

        Raises :class:`ProjectFileError` (and changes nothing) when the file is missing,
        is not a POST Coder project, is damaged, or was written by a newer version.
        A file this process may not change (a read-only file or folder) opens for viewing
        and exporting only, with ``readonly`` set.
        """
        path = Path(path)
        checked_fully = _check_openable(path)
        if not store_db.writable(path):
            return cls._open_for_viewing(path, checked_fully)
        try:
            db = store_db.connect(path)
        except sqlite3.Error as exc:
            if store_db.error_kind(exc) == "readonly":
                return cls._open_for_viewing(path, checked_fully)
            _raise_plain(exc, path)
            raise
        try:
            pending = schema.pending_names(db)
            if pending:
                if schema.applied_names(db):
                    store_db.backup_to(db, upgrade_backup(path))
                schema.apply(db)
        except BaseException as exc:
            db.close()
            _raise_plain(exc, path)
            raise
        project = cls(path, db)
        project.checked_fully = checked_fully
        return project

    @classmethod
    def _open_for_viewing(cls, path: Path, checked_fully: bool) -> "Project":
        try:
            db = store_db.connect(path, readonly=True)
        except sqlite3.Error as exc:
            raise ProjectFileError(f"the project file cannot be opened ({exc})",
                                   file=path) from exc
        try:
            if schema.pending_names(db):
                raise ProjectReadOnlyError(
                    "this project was saved by an older version of POST Coder and must be "
                    "upgraded, which needs a file you can change; copy it to a folder of "
                    "yours and open the copy", file=path)
            project = cls(path, db)
        except BaseException:
            db.close()
            raise
        project.readonly = True
        project.checked_fully = checked_fully
        return project

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
        project._checkpoint_due = False
        project._idle_lock, project._closed = threading.Lock(), False
        project.damage, project.checked_fully = None, False
        return project

    def checkpoint_idle(self) -> None:
        """Copy into the main file what an action committed with ``checkpoint_later`` left
        in the write-ahead log (``PASSIVE``: readers are not waited for; what they still
        need stays in the log for the next checkpoint). Nothing to do otherwise."""
        with self._idle_lock:
            if (self._closed or not self._checkpoint_due or self.readonly
                    or self._step is not None):
                return
            self._checkpoint_due = False
            try:
                store_db.checkpoint_passive(self.db)
            except sqlite3.Error:
                pass  # the pages are safe in the log; the next commit or the close copies them

    def close(self) -> None:
        if self._step is not None:
            raise RuntimeError("cannot close a project while an action is in flight")
        with self._idle_lock:  # never under the writer thread's idle checkpoint
            if self._closed:
                return
            try:
                if not self.readonly:
                    store_db.checkpoint(self.db)
            except sqlite3.Error:
                pass  # another reader holds the WAL; the data is safe in it all the same
            self.db.close()
            self._closed = True

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
                 outside_history: bool = False,
                 checkpoint_later: bool = False, new_rows_only: bool = False
                 ) -> Iterator[Step]:
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

        ``checkpoint_later``: for a large action (an import), the commit does not wait while
        SQLite copies the write-ahead log into the main file; the action is as safe once
        committed (the log is replayed after a crash). :meth:`checkpoint_idle` (the app's
        writer, once its queue is empty), the next action's commit or :meth:`close` copies it.
        ``new_rows_only``: the action only inserts rows whose parents it inserted itself (an
        import): SQLite does not look each row's parents up (``foreign_keys`` off for this
        transaction alone, on again after it, as for a merge); nested, the checks stay on.
        """
        if self.readonly:
            raise self.refusal()
        if self._step is not None:
            yield Step(self, label, parent=self._step)
            return
        first = journal.last_seq(self.db) + 1
        with (store_db.checkpoints_deferred(self.db) if checkpoint_later else nullcontext()), \
                (team_store.references_checked_by_caller(self.db) if new_rows_only
                 else nullcontext()), \
                self._transaction(label) as step:
            yield step
            last = journal.last_seq(self.db)
            if undoable and not outside_history:
                self._check_journaled(label)
        self._checkpoint_due = self._checkpoint_due or checkpoint_later
        if outside_history:
            journal.forget(self.db, first, last)
        elif not undoable:
            self._forget_history()
        elif last >= first:
            self._record(_Entry(label, first, last, coalesce))

    @contextmanager
    def _transaction(self, label: str) -> Iterator[Step]:
        if self.readonly:  # undo and redo come here directly
            raise self.refusal()
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
        except sqlite3.Error as exc:  # the disk, a lock or damage: say so in plain words
            self._fault(exc)
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
        """Write a complete, consistent copy of the project to ``target``.

        The copy is written beside ``target`` and moved into place when complete; a failed
        copy leaves nothing behind (no partial file, no journal).
        """
        target = Path(target)
        if target.resolve() == self.path.resolve():
            raise ProjectFileError("a copy cannot overwrite the open project", file=target)
        tmp = target.with_name(target.name + ".partial")
        try:
            store_db.backup_to(self.db, tmp)
            replace_file(tmp, target)
        except sqlite3.Error as exc:
            _raise_plain(exc, target)
            raise
        except OSError as exc:
            raise ProjectFileError(f"the copy cannot be written ({exc.strerror})",
                                   file=target) from exc
        finally:
            store_db.remove_with_sidecars(tmp)

    # -- read-only, damage and faults from outside ------------------------------------
    def refusal(self) -> PostCoderError:
        """The error a write meets while the project is read-only or damaged."""
        if self.damage is not None:
            return _damaged(self.path, self.damage)
        return ProjectReadOnlyError(READONLY_MESSAGE, file=self.path)

    def find_damage(self) -> str | None:
        """SQLite's full integrity check: ``None`` if the file is sound, else what is wrong.

        Reads every page: seconds on a large project (the app runs it in the background).
        """
        try:
            result = store_db.integrity_check(self.db)
        except sqlite3.DatabaseError as exc:
            if store_db.error_kind(exc) != "damaged":
                _raise_plain(exc, self.path)
                raise
            return str(exc)
        return None if result == "ok" else _complaint(result)

    def mark_damaged(self, problem: str) -> ProjectDamagedError:
        """Stop writing to a damaged file; returns the error that says which backup to open."""
        self.damage = problem
        self.readonly = True
        return _damaged(self.path, problem)

    def verify(self) -> None:
        """Check the whole file now (before a merge or a package export).

        On damage the project stops writing and :class:`ProjectDamagedError` names the
        backup to open.
        """
        problem = self.find_damage()
        if problem is not None:
            raise self.mark_damaged(problem)

    def _fault(self, exc: sqlite3.Error) -> None:
        """Raise the plain error for ``exc`` if it is the disk, a lock or damage speaking;
        after damage or a read-only answer, later writes are refused up front."""
        kind = store_db.error_kind(exc)
        if kind == "damaged":
            self.mark_damaged(str(exc))
        elif kind == "readonly":
            self.readonly = True
        _raise_plain(exc, self.path)


READONLY_MESSAGE = ("the project file is read-only here, so it is open for viewing and "
                    "exporting only; nothing was saved. To work in it, copy it to a folder "
                    "of yours (or ask for permission to change it)")


def upgrade_backup(path: Path) -> Path:
    """The copy saved beside ``path`` before its last schema upgrade."""
    return path.with_name(f"{path.stem}.before-upgrade{EXTENSION}")


def _damaged(path: Path | None, problem: str) -> ProjectDamagedError:
    backup = upgrade_backup(path) if path is not None else None
    if backup is not None and backup.exists():
        advice = (f"Open the backup {backup.name} (saved before the last upgrade), or a "
                  "newer copy you saved with File ▸ Save a Copy")
    else:
        advice = "Open your latest backup instead: a copy you saved with File ▸ Save a Copy"
    return ProjectDamagedError(f"the project file is damaged ({problem}); nothing more will be "
                               f"saved in it. {advice}", file=path)


def plain_error(exc: BaseException, path: Path | None = None) -> PostCoderError | None:
    """The plain-words error for a fault from outside (a lock held elsewhere, a read-only
    or full disk, a damaged file), or ``None`` if ``exc`` is not one (then it is a bug).

    The one place that turns SQLite's errors into messages; fronts call it for errors
    that reach them from outside a transaction.
    """
    kind = store_db.error_kind(exc)
    if kind == "busy":
        return ProjectBusyError("the project is busy in another window or program; nothing "
                                "was saved. Try again in a moment", file=path)
    if kind == "readonly":
        return ProjectReadOnlyError(READONLY_MESSAGE, file=path)
    if kind == "full":
        return DiskFullError("the disk is full; nothing was saved. Free some space and try "
                             "again", file=path)
    if kind == "damaged":
        return _damaged(path, str(exc))
    if kind == "io":
        return StorageError(f"the disk or network folder failed to read or write the file "
                            f"({exc}); nothing was saved. Check the disk and try again",
                            file=path)
    if kind == "cantopen":
        return ProjectFileError(f"the project file cannot be opened ({exc})", file=path)
    return None


def _raise_plain(exc: BaseException, path: Path) -> None:
    """Raise :func:`plain_error` for ``exc`` if there is one (callers re-raise otherwise)."""
    plain = plain_error(exc, path)
    if plain is not None:
        raise plain from exc


def _complaint(check: str) -> str:
    """SQLite's check output on one line, without its "*** in database main ***" header."""
    return " ".join(line for line in check.splitlines() if not line.startswith("***"))


def replace_file(new: Path, target: Path) -> None:
    """Move the finished database ``new`` over ``target``; the -wal or -shm of the file
    being replaced must go too, or SQLite would apply them to the new file."""
    for suffix in store_db.SIDECARS:
        store_db.sidecar(target, suffix).unlink(missing_ok=True)
    os.replace(new, target)


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


def _check_openable(path: Path) -> bool:
    """Raise ProjectFileError unless ``path`` looks like a POST Coder project we can open.

    Returns whether every page was checked (small files); large ones get a quick check,
    and :meth:`Project.verify` later.
    """
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
        raise _damaged(path, str(exc)) from exc
    size = path.stat().st_size
    try:
        if store_db.application_id(ro) != store_db.APPLICATION_ID:
            raise ProjectFileError(
                "this is not a POST Coder project (it is a database made by another program)",
                file=path)
        check = store_db.structure_check(ro, size)
        if check != "ok":
            raise _damaged(path, _complaint(check))
        unknown = [n for n in schema.applied_names(ro) if n not in schema.known_names()]
        if unknown:
            raise ProjectFileError(
                "this project was saved by a newer version of POST Coder; "
                "update POST Coder to open it", file=path)
    except sqlite3.DatabaseError as exc:
        if store_db.error_kind(exc) in ("damaged", None):
            raise _damaged(path, str(exc)) from exc
        _raise_plain(exc, path)
        raise
    finally:
        ro.close()
    return size <= store_db.QUICK_CHECK_LIMIT


def copy_file(source: Path, target: Path) -> None:
    """Copy a closed project file (tests and templates)."""
    shutil.copyfile(source, target)
