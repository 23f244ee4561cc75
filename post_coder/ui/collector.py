"""Python's cyclic garbage collector, run on the UI thread only.

CPython collects cycles in whichever thread happens to allocate when a threshold is
crossed. In the app that can be a worker thread (a merge, an import), and a cycle that
holds a Qt widget is then destroyed off the UI thread, which Qt answers by aborting the
process ("Fatal Python error: Aborted … Garbage-collecting" in a worker). So automatic
collection is switched off and a timer on the UI thread collects instead, generation by
generation, when CPython would have: the allocation counts keep running while it is off.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

#: how often the UI thread looks at the allocation counts
INTERVAL_MS = 250


class MainThreadCollector(QObject):
    """Collects on the UI thread what CPython would have collected wherever it was."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.setObjectName("mainThreadCollector")
        self.thresholds = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.collect_due)
        self._timer.start()

    def collect_due(self) -> int | None:
        """Collect the oldest generation whose count is over its threshold; returns it."""
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self.thresholds[generation]:
                gc.collect(generation)
                return generation
        return None


def install(app: QCoreApplication) -> MainThreadCollector:
    """Collect on ``app``'s thread from now on (idempotent)."""
    found = app.findChild(MainThreadCollector, "mainThreadCollector")
    return found if found is not None else MainThreadCollector(app)
