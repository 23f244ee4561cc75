"""Progress reporting and cancellation for long work, without Qt.

Long core functions take a ``progress`` argument and call :meth:`Progress.update` at batch
boundaries (and may run Python work beside their SQLite statements: :func:`alongside`). The front that started the work may call :meth:`Progress.cancel` from another
thread; the next ``update`` then raises :class:`~post_coder.errors.Cancelled`, which rolls
the action's transaction back.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from post_coder.errors import Cancelled

Listener = Callable[[int, int, str], None]


class Progress:
    """A cancellable progress token. ``listener(done, total, label)`` is called on update."""

    def __init__(self, listener: Listener | None = None) -> None:
        self._listener = listener
        self._cancelled = threading.Event()

    def update(self, done: int, total: int, label: str = "") -> None:
        """Report progress; raises :class:`Cancelled` if cancellation was asked for."""
        if self._listener is not None:
            self._listener(done, total, label)
        if self._cancelled.is_set():
            raise Cancelled()

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()


def ensure(progress: Progress | None) -> Progress:
    """The given token, or a fresh silent one."""
    return progress if progress is not None else Progress()


# -- Python beside SQLite ------------------------------------------------------------------

T = TypeVar("T")

#: the interpreter's switch interval (seconds) while work runs beside the caller
#: (:func:`alongside`): the caller's SQLite statements each need Python's lock for a moment
#: between steps, and at the default 5 ms a statement waited that long each time for the
#: other thread's long C-level passes to let go of it
ALONGSIDE_SWITCH_INTERVAL = 0.0005
_switches_lock = threading.Lock()
_switches = {"depth": 0, "before": 0.0}


@contextmanager
def short_switches() -> Iterator[None]:
    """:data:`ALONGSIDE_SWITCH_INTERVAL` while the block runs; the interval before it is
    put back when the last of such blocks (two imports at once) ends."""
    with _switches_lock:
        if _switches["depth"] == 0:
            _switches["before"] = sys.getswitchinterval()
            sys.setswitchinterval(ALONGSIDE_SWITCH_INTERVAL)
        _switches["depth"] += 1
    try:
        yield
    finally:
        with _switches_lock:
            _switches["depth"] -= 1
            if _switches["depth"] == 0:
                sys.setswitchinterval(_switches["before"])


@contextmanager
def alongside(work: Callable[[], T]) -> Iterator[Callable[[], T]]:
    """Run ``work`` in a thread of its own while the block runs in this one, on the other
    core: for Python work beside SQLite statements, which run outside Python's lock.
    ``work`` must not use the block's connection. The block gets ``result``: it waits for
    ``work`` and returns what it returned, or raises what it raised. Whatever happens in
    the block, ``work`` is over when the block is left."""
    outcome: list[tuple[bool, Any]] = []

    def run() -> None:
        try:
            outcome.append((True, work()))
        except BaseException as exc:  # raised by result(), in the caller's thread
            outcome.append((False, exc))

    thread = threading.Thread(target=run, name="alongside", daemon=True)

    def result() -> T:
        thread.join()
        ok, value = outcome[0]
        if not ok:
            raise value
        return value

    with short_switches():
        thread.start()
        try:
            yield result
        finally:
            thread.join()
