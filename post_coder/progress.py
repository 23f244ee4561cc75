"""Progress reporting and cancellation for long work, without Qt.

Long core functions take a ``progress`` argument and call :meth:`Progress.update` at batch
boundaries. The front that started the work may call :meth:`Progress.cancel` from another
thread; the next ``update`` then raises :class:`~post_coder.errors.Cancelled`, which rolls
the action's transaction back.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

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
