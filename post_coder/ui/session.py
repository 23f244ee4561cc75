"""The open project inside the app: runs each user action and tells views what changed.

Widgets never call the core and then refresh by hand. They call ``session.run(...)`` with
a core service; the session shows any error in plain words and, on success, emits
``project_did_change(changes, initiator)`` once. Each view looks at the flags it cares
about (``changes.codings``…) and refreshes itself; the initiator lets a view ignore its
own echo when it already shows the result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from post_coder.changes import Changes
from post_coder.errors import PostCoderError
from post_coder.project import Project
from post_coder.ui.errors import show_error, show_unexpected


class Session(QObject):
    """One open project and the coder working in it."""

    #: (Changes, initiator or None) after every committed action, undo and redo
    project_did_change = Signal(object, object)
    #: undo/redo labels may have changed
    undo_state_did_change = Signal()
    #: whose codings may be shown changed (a blind round opened or closed, another coder)
    visibility_did_change = Signal()

    def __init__(self, project: Project, coder_id: str | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.coder_id = coder_id
        #: coders whose codings views may show (None: everyone); set while blind
        self.visible_coders: tuple[str, ...] | None = None
        project.actor = coder_id  # type: ignore[assignment]

    def set_visible_coders(self, coder_ids: tuple[str, ...] | None) -> None:
        if coder_ids != self.visible_coders:
            self.visible_coders = coder_ids
            self.visibility_did_change.emit()

    def set_coder(self, coder_id: str) -> None:
        self.coder_id = coder_id
        self.project.actor = coder_id  # type: ignore[assignment]

    def run(self, parent: QWidget | None, action: Callable[..., Any], /, *args: Any,
            initiator: object = None, **kwargs: Any) -> Any:
        """Call ``action(project, *args, **kwargs)``; report its Changes or its error.

        Returns what the action returned, or ``None`` if it failed (the error was shown).
        """
        try:
            result = action(self.project, *args, **kwargs)
        except PostCoderError as exc:
            show_error(parent, exc)
            return None
        except Exception as exc:  # a bug: never leave the person with a traceback
            show_unexpected(parent, exc)
            return None
        changes = result if isinstance(result, Changes) else getattr(result, "changes", None)
        if isinstance(changes, Changes):
            self.notify(changes, initiator)
        return result

    def notify(self, changes: Changes, initiator: object = None) -> None:
        """Tell every view what changed (also used after background tasks)."""
        self.project_did_change.emit(changes, initiator)
        self.undo_state_did_change.emit()

    def undo(self, parent: QWidget | None = None) -> None:
        self.run(parent, lambda project: project.undo())
        self.undo_state_did_change.emit()  # a refused undo clears the history

    def redo(self, parent: QWidget | None = None) -> None:
        self.run(parent, lambda project: project.redo())
        self.undo_state_did_change.emit()
