"""The open project inside the app: runs each user action and tells views what changed.

Widgets never call the core and then refresh by hand. They hand a core service to the
session; the session queues it on the one database writer (:mod:`post_coder.ui.worker`),
shows any error in plain words and, on success, emits ``project_did_change(changes,
initiator)`` once, on the UI thread. Each view looks at the flags it cares about
(``changes.codings``…) and refreshes itself; the initiator lets a view ignore its own echo.

- ``session.submit(parent, action, ..., on_done=fn)`` queues the action and returns at
  once; ``fn(result)`` runs on the UI thread after success (Anki's ``CollectionOp(...)
  .success(fn).run_in_background()``). Long or frequent actions use it: merge and split of
  codes, moving codes, undo and redo.
- ``session.run(parent, action, ...)`` is the blocking helper for callers that need the
  result before they go on (small dialogs, tests): it queues the action the same way and
  runs a local event loop until it is delivered, so the window keeps repainting and
  scrolling meanwhile.

While an action takes longer than :data:`BUSY_AFTER_MS` the session shows a busy cursor and
emits ``busy_did_change(label)`` (the main window puts it in the status bar).

Two connections: ``session.writer`` is the write handle, used only on the writer thread;
``session.project`` is a read-only handle for every read on the UI thread. A file opened for
viewing only has one handle for both.

The session also holds the read scope (``session.scope``): whose codings and memos the
current coder may see (:func:`post_coder.team.rounds.read_scope`). Views pass it to every
read of codings, memos and counts and reload on ``visibility_did_change``; they never
filter by coder themselves. It is re-read when the coder changes and after every action
(a round opened, closed, merged in or undone).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCursor, QGuiApplication
from PySide6.QtWidgets import QWidget

from post_coder.changes import Changes
from post_coder.errors import Cancelled, PostCoderError
from post_coder.progress import Progress
from post_coder.project import Project
from post_coder.team.rounds import ReadScope, read_scope
from post_coder.ui.errors import show_error, show_unexpected
from post_coder.ui.worker import DbWorker, Job

#: an action still running after this long shows the busy cursor and status text
BUSY_AFTER_MS = 100


class Session(QObject):
    """One open project and the coder working in it."""

    #: (Changes, initiator or None) after every committed action, undo and redo
    project_did_change = Signal(object, object)
    #: undo/redo labels may have changed
    undo_state_did_change = Signal()
    #: ``scope`` changed (a blind round opened or closed, another coder): reload what you show
    visibility_did_change = Signal()
    #: the label of the action the window waits for, or None when the writer is idle again
    busy_did_change = Signal(object)
    #: another coder is coding now (``coder_id``): their own settings, such as keys 1–9
    coder_did_change = Signal()

    def __init__(self, project: Project, coder_id: str | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        #: the write handle: only the writer thread uses its connection
        self.writer = project
        #: the UI thread's own read-only handle (the same one for a file opened for viewing)
        self.project = project if project.readonly else Project.open_readonly(project.path)
        self.coder_id = coder_id
        project.actor = coder_id  # type: ignore[assignment]
        self.worker = DbWorker(project, self)
        self._history: tuple[str | None, str | None] = (project.undo_label(),
                                                        project.redo_label())
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(BUSY_AFTER_MS)
        self._busy_timer.timeout.connect(self._show_busy)
        self._busy_shown = False
        #: whose codings and memos every view may read (see the module docstring)
        self.scope: ReadScope = read_scope(self.project, coder_id)

    # -- state the UI may read --------------------------------------------------------------
    @property
    def readonly(self) -> bool:
        """The file is open for viewing and exporting only (or was found damaged)."""
        return self.writer.readonly

    @property
    def busy(self) -> bool:
        return self.worker.busy

    def undo_label(self) -> str | None:
        return self._history[0]

    def redo_label(self) -> str | None:
        return self._history[1]

    def refresh_scope(self) -> None:
        """Re-read the scope; emits ``visibility_did_change`` if it changed."""
        scope = read_scope(self.project, self.coder_id)
        if scope != self.scope:
            self.scope = scope
            self.visibility_did_change.emit()

    def set_coder(self, coder_id: str) -> None:
        self.coder_id = coder_id
        self.run(None, _set_actor, coder_id)  # in queue order: later actions are theirs
        self.refresh_scope()
        self.coder_did_change.emit()

    # -- actions ------------------------------------------------------------------------------
    def submit(self, parent: QWidget | None, action: Callable[..., Any], /, *args: Any,
               initiator: object = None, label: str = "",
               on_done: Callable[[Any], None] | None = None,
               on_failed: Callable[[BaseException], None] | None = None,
               progress: Progress | None = None, **kwargs: Any) -> Job:
        """Queue ``action(project, *args, **kwargs)`` on the writer; return at once.

        On the UI thread afterwards: an error is shown in plain words (``Cancelled`` is
        silent) and ``on_failed(error)`` called; on success the Changes are announced and
        ``on_done(result)`` is called.
        """
        def deliver(job: Job) -> None:
            self._history = job.history
            self._update_busy()
            if job.error is not None:
                self.undo_state_did_change.emit()  # a refused undo clears the history
                if isinstance(job.error, Cancelled):
                    pass
                elif isinstance(job.error, PostCoderError):
                    show_error(parent, job.error)
                else:  # a bug: never leave the person with a traceback
                    show_unexpected(parent, job.error)
                if on_failed is not None:
                    on_failed(job.error)
                return
            result = job.result
            changes = result if isinstance(result, Changes) else getattr(result, "changes", None)
            if isinstance(changes, Changes):
                self.notify(changes, initiator)
            else:
                self.undo_state_did_change.emit()
            if on_done is not None:
                on_done(result)

        job = self.worker.submit(lambda project: action(project, *args, **kwargs),
                                 label or _label_of(action), deliver, progress)
        if not self._busy_timer.isActive() and not self._busy_shown:
            self._busy_timer.start()
        return job

    def run(self, parent: QWidget | None, action: Callable[..., Any], /, *args: Any,
            initiator: object = None, **kwargs: Any) -> Any:
        """Queue the action and wait for it while the event loop keeps running (see the
        module docstring). Returns what it returned, or ``None`` if it failed (shown)."""
        job = self.submit(parent, action, *args, initiator=initiator, **kwargs)
        self.worker.wait_for(job)
        return job.result if job.ok else None

    def notify(self, changes: Changes, initiator: object = None) -> None:
        """Tell every view what changed (also used after background tasks)."""
        self.refresh_scope()  # views then reload with the scope the change left
        self.project_did_change.emit(changes, initiator)
        self.undo_state_did_change.emit()

    def undo(self, parent: QWidget | None = None,
             on_done: Callable[[Any], None] | None = None) -> Job:
        return self.submit(parent, Project.undo, label="Undo", on_done=on_done)

    def redo(self, parent: QWidget | None = None,
             on_done: Callable[[Any], None] | None = None) -> Job:
        return self.submit(parent, Project.redo, label="Redo", on_done=on_done)

    def clear_history(self) -> Job:
        """Forget undo and redo (after a write on another connection), in queue order."""
        return self.submit(None, Project.clear_history, label="")

    def wait(self, ms: int = 120_000) -> bool:
        """Process events until every queued action is done (tests, closing)."""
        return self.worker.wait_idle(ms)

    def close(self) -> None:
        """Finish the queue, stop the writer thread and close both handles."""
        self.worker.stop()
        self._busy_timer.stop()
        if self._busy_shown:
            self._busy_shown = False
            QGuiApplication.restoreOverrideCursor()
        if self.project is not self.writer:
            self.project.close()
        self.writer.close()

    # -- the busy state -------------------------------------------------------------------------
    def _show_busy(self) -> None:
        job = self.worker.current
        if job is None or self._busy_shown:
            return
        self._busy_shown = True
        QGuiApplication.setOverrideCursor(QCursor(Qt.CursorShape.BusyCursor))
        self.busy_did_change.emit(job.label or "Working")

    def _update_busy(self) -> None:
        if self.worker.busy:
            return  # the next one starts at once: stay busy
        self._busy_timer.stop()
        if self._busy_shown:
            self._busy_shown = False
            QGuiApplication.restoreOverrideCursor()
            self.busy_did_change.emit(None)


def _set_actor(project: Project, coder_id: str | None) -> None:
    project.actor = coder_id  # type: ignore[assignment]


def _label_of(action: Callable[..., Any]) -> str:
    name = getattr(action, "__name__", "")
    return "" if name.startswith("<") else name.replace("_", " ").capitalize()
