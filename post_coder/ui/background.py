"""Read-only queries on a second connection in a thread, so big counts never freeze a view.

A view asks for ``reader.request(fn)``; ``fn(project)`` runs in a worker thread on its own
read-only connection to the same file (SQLite's WAL lets it read while the window writes)
and ``did_finish(result)`` arrives on the UI thread. Only the newest request's result is
delivered: an older one that finishes late is dropped.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QObject, Qt, Signal

from post_coder.project import Project

log = logging.getLogger(__name__)

#: below this many live codings, counts are quick enough to compute on the UI thread
SMALL_PROJECT_CODINGS = 20_000


class BackgroundReader(QObject):
    did_finish = Signal(object)
    _delivered = Signal(int, object)

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._path = path
        self._generation = 0
        self._pending = False
        self._delivered.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @property
    def busy(self) -> bool:
        return self._pending

    def request(self, fn: Callable[[Project], Any]) -> None:
        self._generation += 1
        self._pending = True
        threading.Thread(target=self._run, args=(fn, self._generation), daemon=True,
                         name="background-read").start()

    def cancel(self) -> None:
        """Drop whatever is under way (the view is going away)."""
        self._generation += 1
        self._pending = False

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
            try:
                result: Any = fn(reader)
            finally:
                reader.close()
        except Exception as exc:  # logged; the view keeps what it showed
            result = exc
        try:
            self._delivered.emit(generation, result)
        except RuntimeError:
            pass  # the reader was deleted meanwhile

    def _deliver(self, generation: int, result: Any) -> None:
        if generation != self._generation:
            return
        self._pending = False
        if isinstance(result, Exception):
            log.error("background read failed: %r", result)
            return
        self.did_finish.emit(result)
