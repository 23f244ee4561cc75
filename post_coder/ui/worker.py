"""The one database writer: a thread that owns the project's write connection.

Every action, undo and redo is a *job* on one queue, run in order on this thread (Anki's
single collection-op queue, datasette's write thread). The UI thread never touches the
write connection: it reads through its own read-only connection (``Session.project``), and
background reads open their own (:mod:`post_coder.ui.background`). A job's outcome comes
back to the UI thread through a queued Qt signal, where the session shows an error or tells
the views what changed and then calls the job's ``on_done``.

Jobs must never touch a widget: they get the write :class:`Project` and return a value.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (QCoreApplication, QDeadlineTimer, QEventLoop, QObject, Qt, QTimer,
                            Signal)

from post_coder.progress import Progress
from post_coder.project import Project


class Job:
    """One queued call ``fn(project)``; its outcome is filled in on the writer thread."""

    def __init__(self, fn: Callable[[Project], Any], label: str,
                 deliver: Callable[["Job"], None] | None, progress: Progress | None) -> None:
        self.fn, self.label, self.progress = fn, label, progress
        self._deliver = deliver
        self.done = False
        self.result: Any = None
        self.error: BaseException | None = None
        #: the undo and redo labels right after the job (read on the writer thread)
        self.history: tuple[str | None, str | None] = (None, None)
        self._loop: QEventLoop | None = None
        #: set on the writer thread when the job has run (delivery may come later)
        self.finished = threading.Event()

    @property
    def ok(self) -> bool:
        return self.done and self.error is None


class DbWorker(QObject):
    """Runs jobs one at a time, in the order they were submitted, on one thread."""

    #: a job ended (on the UI thread, after its own delivery callback)
    job_did_finish = Signal(object)
    _finished = Signal(object)

    def __init__(self, project: Project, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self._queue: queue.Queue[Job | None] = queue.Queue()
        self._pending: list[Job] = []
        self._finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._thread = threading.Thread(target=self._loop, name="db-writer", daemon=True)
        self._thread.start()

    # -- the UI thread ------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        """Whether a job is queued or running (its outcome not yet delivered)."""
        return bool(self._pending)

    @property
    def current(self) -> Job | None:
        return self._pending[0] if self._pending else None

    def submit(self, fn: Callable[[Project], Any], label: str = "",
               deliver: Callable[[Job], None] | None = None,
               progress: Progress | None = None) -> Job:
        job = Job(fn, label, deliver, progress)
        self._pending.append(job)
        self._queue.put(job)
        return job

    def wait_for(self, job: Job, ms: int = 120_000) -> bool:
        """Run the event loop (repaints, scrolling, timers) until ``job`` is delivered.

        The blocking helper behind ``Session.run``: the window keeps painting and the queue
        keeps its order; only the caller's Python frame waits.
        """
        if job.done:
            return True
        if QCoreApplication.instance() is None:  # no event loop at all: wait, then deliver
            if job.finished.wait(ms / 1000):
                self._deliver(job)
            return job.done
        job._loop = loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()
        job._loop = None
        return job.done

    def wait_idle(self, ms: int = 120_000) -> bool:
        """Process events until every submitted job is delivered (tests, closing)."""
        deadline = QDeadlineTimer(ms)
        while self._pending and not deadline.hasExpired():
            if not self.wait_for(self._pending[-1], max(1, deadline.remainingTime())):
                break
        return not self._pending

    def stop(self) -> None:
        """Finish what is queued, then end the thread (the project stays open)."""
        self.wait_idle()
        self._queue.put(None)
        self._thread.join(5)

    def _deliver(self, job: Job) -> None:
        if job.done:
            return  # already delivered by wait_for (no event loop to deliver it)
        job.done = True
        if job in self._pending:
            self._pending.remove(job)
        try:
            if job._deliver is not None:
                job._deliver(job)
        finally:
            self.job_did_finish.emit(job)
            if job._loop is not None:
                job._loop.quit()

    # -- the writer thread --------------------------------------------------------------------
    def _loop(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            try:
                job.result = job.fn(self.project)
            except BaseException as exc:  # handed to the UI thread, shown there
                job.error = exc
            try:
                job.history = (self.project.undo_label(), self.project.redo_label())
            except Exception:
                pass
            job.finished.set()
            try:
                self._finished.emit(job)
            except RuntimeError:
                return  # the session went away meanwhile
            if self._queue.empty():  # idle: copy what an import left in the WAL into the file
                self.project.checkpoint_idle()
