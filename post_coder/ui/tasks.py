"""Long work off the UI thread, with a progress dialog that can cancel.

A task is a plain function ``fn(project, progress) -> result`` from the core. It runs in a
worker thread on its *own* connection to the project file (SQLite's WAL lets the window
keep reading meanwhile). The dialog appears only if the work takes longer than half a
second. Cancel sets the progress token; the core raises ``Cancelled`` at its next batch
and rolls its transaction back, so a cancelled task leaves the file as it was.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from post_coder.errors import Cancelled, PostCoderError
from post_coder.progress import Progress
from post_coder.project import Project
from post_coder.ui.errors import show_error, show_unexpected

SHOW_AFTER_MS = 500


class _Worker(QObject):
    progressed = Signal(int, int, str)
    finished = Signal(object, object)  # result, exception

    def __init__(self, path: Path, fn: Callable[[Project, Progress], Any],
                 progress: Progress) -> None:
        super().__init__()
        self._path, self._fn, self._progress = path, fn, progress

    def run(self) -> None:
        try:
            with Project.open(self._path) as project:
                result = self._fn(project, self._progress)
        except BaseException as exc:  # handed to the UI thread, shown there
            self.finished.emit(None, exc)
            return
        self.finished.emit(result, None)


class Task(QObject):
    """One background task. ``done(result)`` fires on success (on the UI thread)."""

    done = Signal(object)
    failed = Signal(object)
    cancelled = Signal()

    def __init__(self, parent: QWidget | None, title: str, path: Path,
                 fn: Callable[[Project, Progress], Any]) -> None:
        super().__init__(parent)
        self._parent = parent
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
        self._thread = QThread()
        self._worker = _Worker(path, fn, self.progress)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.finished.connect(self._finish, Qt.ConnectionType.QueuedConnection)
        self._timer = QTimer(self)
        self._timer.setInterval(100)
        self._timer.timeout.connect(self._show_progress)
        self.running = False

    def start(self) -> "Task":
        self.running = True
        self._timer.start()
        self._thread.start()
        return self

    def cancel(self) -> None:
        self.progress.cancel()
        self.dialog.setLabelText("Cancelling…")

    def wait(self, ms: int = 30_000) -> bool:
        """Block until the worker thread ends (tests and shutdown only)."""
        return self._thread.wait(ms)

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

    def _finish(self, result: Any, exc: BaseException | None) -> None:
        self._timer.stop()
        self._thread.quit()
        self._thread.wait()
        self.dialog.reset()
        self.dialog.hide()
        self.running = False
        if exc is None:
            self.done.emit(result)
        elif isinstance(exc, Cancelled):
            self.cancelled.emit()
        else:
            if isinstance(exc, PostCoderError):
                show_error(self._parent, exc)
            else:
                show_unexpected(self._parent, exc)
            self.failed.emit(exc)
        self.dialog.deleteLater()


def run_task(parent: QWidget | None, title: str, path: Path,
             fn: Callable[[Project, Progress], Any],
             on_done: Callable[[Any], None] | None = None) -> Task:
    """Start ``fn(project, progress)`` in the background; ``on_done(result)`` on success."""
    task = Task(parent, title, path, fn)
    if on_done is not None:
        task.done.connect(on_done)
    return task.start()
