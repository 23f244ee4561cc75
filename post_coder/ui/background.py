"""The one way views read in the background: read-only snapshots with generation tokens.

A view asks for ``reader.request(fn)``; ``fn(project)`` runs in a thread on its own
read-only connection to the same file (SQLite's WAL lets it read while the writer thread
writes, and it never takes the write lock) and ``did_finish(result)`` arrives on the UI
thread. Only the newest request's result is delivered: an older one that finishes late is
dropped (its generation is stale), and ``cancel()`` drops whatever is under way. A read
that fails emits ``did_fail(error)`` (and is logged) instead. ``cancel()`` and the reader's
deletion (its view closed with the project) also interrupt the SQL its reads are running,
so a large project's counts stop at once instead of reading on for nobody.

Every background read uses it: the status-bar and codebook counts, the navigator, the
response grid's full id list (:mod:`post_coder.ui.models.response_table`), the damage check
after opening, and the read-only tasks with a progress dialog (previews of a work file,
exports: :mod:`post_coder.ui.tasks`).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QObject, Qt, Signal

from post_coder.project import Project

log = logging.getLogger(__name__)

#: below this many live codings, counts are quick enough to compute on the UI thread
SMALL_PROJECT_CODINGS = 20_000


class _Threads:
    """Long-lived daemon threads that run background reads.

    Starting a thread per read made the UI thread wait in ``Thread.start()`` until the new
    thread got the GIL (several ms while the writer works); a request now only queues.
    A thread is started only when none is idle.
    """

    def __init__(self) -> None:
        self._tasks: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._idle = 0

    def run(self, task: Callable[[], None]) -> None:
        with self._lock:
            start = self._idle == 0
            if not start:
                self._idle -= 1  # that idle thread takes this task
        self._tasks.put(task)
        if start:
            threading.Thread(target=self._work, daemon=True, name="background-read").start()

    def _work(self) -> None:
        while True:
            task = self._tasks.get()
            try:
                task()
            except BaseException:  # noqa: BLE001 - keep the thread for the next read
                log.exception("background task failed")
            with self._lock:
                self._idle += 1


_THREADS = _Threads()


class _Running:
    """A reader's reads under way, which :meth:`stop` ends: each read's connection has a
    progress handler that looks at its stop every :data:`CHECK_EVERY` steps of a statement,
    so the statement running then, and any later one, ends with "interrupted".
    (``Connection.interrupt`` alone misses a stop that comes between two statements.)"""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._reads: set[threading.Event] = set()

    def watch(self, connection: Any) -> threading.Event:
        stopped = threading.Event()
        connection.set_progress_handler(stopped.is_set, CHECK_EVERY)
        with self._lock:
            self._reads.add(stopped)
        return stopped

    def done(self, stopped: threading.Event) -> None:
        with self._lock:
            self._reads.discard(stopped)

    def stop(self) -> None:
        with self._lock:
            for stopped in self._reads:
                stopped.set()


#: SQLite virtual-machine steps between two looks at whether a read was stopped: some
#: milliseconds of work (the handler needs Python's lock, which the UI thread may hold)
CHECK_EVERY = 1_000_000


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error


class BackgroundReader(QObject):
    did_finish = Signal(object)
    did_fail = Signal(object)
    _delivered = Signal(int, object)

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._path = path
        self._generation = 0
        self._pending = False
        self._running = _Running()
        self._delivered.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        # deleted with its view (a project closed): stop the reads nobody will see
        self.destroyed.connect(self._running.stop)

    @property
    def busy(self) -> bool:
        return self._pending

    @property
    def generation(self) -> int:
        """The newest request's token (a result for any other is dropped)."""
        return self._generation

    def request(self, fn: Callable[[Project], Any]) -> int:
        """Run ``fn(read-only project)`` in the background; returns the request's token."""
        self._generation += 1
        self._pending = True
        generation = self._generation
        _THREADS.run(lambda: self._run(fn, generation))
        return self._generation

    def cancel(self) -> None:
        """Drop whatever is under way (the view is going away, or a newer read replaces it),
        interrupting the SQL it runs."""
        self._generation += 1
        self._pending = False
        self._running.stop()

    def wait(self, ms: int = 30_000) -> bool:
        """Process events until the newest request has delivered (tests, benchmarks)."""
        deadline = QDeadlineTimer(ms)
        while self._pending and not deadline.hasExpired():
            QCoreApplication.processEvents()
            threading.Event().wait(0.005)
        return not self._pending

    def _run(self, fn: Callable[[Project], Any], generation: int) -> None:  # worker thread
        try:
            reader = Project.open_readonly(self._path)
            stopped = self._running.watch(reader.db.conn)
            try:
                result: Any = fn(reader)
            finally:
                self._running.done(stopped)
                reader.close()
        except BaseException as exc:  # handed to the UI thread
            result = _Failure(exc)
        try:
            self._delivered.emit(generation, result)
        except RuntimeError:
            pass  # the reader was deleted meanwhile

    def _deliver(self, generation: int, result: Any) -> None:
        if generation != self._generation:
            return
        self._pending = False
        if isinstance(result, _Failure):
            log.error("background read failed: %r", result.error)
            self.did_fail.emit(result.error)
            return
        self.did_finish.emit(result)
