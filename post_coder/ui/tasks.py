"""Long work with a progress dialog that can cancel.

A task is a plain function ``fn(project, progress) -> result`` from the core. Where it runs
depends on whether it writes:

- a task that writes (importing a survey, merging a work file) is a job on the session's
  one database writer (:mod:`post_coder.ui.worker`), in order with every other action;
  the session shows its error and announces its Changes;
- a task that only reads (previewing a work file, exporting a package or work) runs on a
  read-only snapshot through :class:`~post_coder.ui.background.BackgroundReader`, never
  holding the write lock.

The dialog appears only if the work takes longer than half a second. Cancel sets the
progress token; the core raises ``Cancelled`` at its next batch and rolls its transaction
back, so a cancelled task leaves the file as it was.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from post_coder.errors import Cancelled, PostCoderError
from post_coder.progress import Progress
from post_coder.project import Project
from post_coder.ui.background import BackgroundReader
from post_coder.ui.errors import show_error, show_unexpected

if TYPE_CHECKING:
    from post_coder.ui.session import Session

SHOW_AFTER_MS = 500


class Task(QObject):
    """One background task. ``done(result)`` fires on success (on the UI thread)."""

    done = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    _ended = Signal()

    def __init__(self, parent: QWidget | None, title: str, path: Path,
                 fn: Callable[[Project, Progress], Any], *,
                 session: "Session | None" = None) -> None:
        super().__init__(parent)
        self._parent = parent
        self._title, self._path, self._fn, self._session = title, path, fn, session
        self.progress = Progress(self._on_progress)
        self._latest = (0, 0, "")
        self._lock = threading.Lock()
        self.dialog = QProgressDialog(title, "Cancel", 0, 0, parent)
        self.dialog.setObjectName("taskProgress")
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(SHOW_AFTER_MS)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self.cancel)
        self._reader: BackgroundReader | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(100)
        self._timer.timeout.connect(self._show_progress)
        self.running = False

    def start(self) -> "Task":
        self.running = True
        self._timer.start()
        fn, progress = self._fn, self.progress
        if self._session is not None:  # writes: a job on the one writer
            self._session.submit(self._parent, lambda project: fn(project, progress),
                                 label=self._title.rstrip("…. "), progress=progress,
                                 initiator=self._parent,
                                 on_done=lambda result: self._finish(result, None, shown=True),
                                 on_failed=lambda exc: self._finish(None, exc, shown=True))
        else:  # reads: a read-only snapshot
            self._reader = BackgroundReader(self._path, self)
            self._reader.did_finish.connect(lambda result: self._finish(result, None))
            self._reader.did_fail.connect(lambda exc: self._finish(None, exc))
            self._reader.request(lambda project: fn(project, progress))
        return self

    def cancel(self) -> None:
        self.progress.cancel()
        self.dialog.setLabelText("Cancelling…")

    def wait(self, ms: int = 30_000) -> bool:
        """Process events until the task has ended (tests and shutdown only)."""
        if self.running:
            loop = QEventLoop()
            self._ended.connect(loop.quit)
            QTimer.singleShot(ms, loop.quit)
            if self.running:
                loop.exec()
        return not self.running

    def _on_progress(self, done: int, total: int, label: str) -> None:  # worker thread
        with self._lock:
            self._latest = (done, total, label)

    def _show_progress(self) -> None:
        with self._lock:
            done, total, label = self._latest
        if total:
            self.dialog.setMaximum(total)
            self.dialog.setValue(min(done, total))
        if label and not self.progress.cancelled:
            self.dialog.setLabelText(label)

    def _finish(self, result: Any, exc: BaseException | None, shown: bool = False) -> None:
        self._timer.stop()
        self.dialog.reset()
        self.dialog.hide()
        self.running = False
        self._ended.emit()
        if exc is None:
            self.done.emit(result)
        elif isinstance(exc, Cancelled):
            self.cancelled.emit()
        else:
            if shown:
                pass  # the session showed it
            elif isinstance(exc, PostCoderError):
                show_error(self._parent, exc)
            else:
                show_unexpected(self._parent, exc)
            self.failed.emit(exc)
        self.dialog.deleteLater()


def run_task(parent: QWidget | None, title: str, path: Path,
             fn: Callable[[Project, Progress], Any],
             on_done: Callable[[Any], None] | None = None, *,
             session: "Session | None" = None) -> Task:
    """Start ``fn(project, progress)`` in the background; ``on_done(result)`` on success.

    Pass ``session`` for work that writes: it then runs on the session's writer, in order.
    Without it the work gets a read-only snapshot of the file at ``path``.
    """
    task = Task(parent, title, path, fn, session=session)
    if on_done is not None:
        task.done.connect(on_done)
    return task.start()
