"""The open project inside the app: runs each user action and tells views what changed.

Widgets never call the core and then refresh by hand. They call ``session.run(...)`` with
a core service; the session shows any error in plain words and, on success, emits
``project_did_change(changes, initiator)`` once. Each view looks at the flags it cares
about (``changes.codings``…) and refreshes itself; the initiator lets a view ignore its
own echo when it already shows the result.

The session also holds the read scope (``session.scope``): whose codings and memos the
current coder may see (:func:`post_coder.team.rounds.read_scope`). Views pass it to every
read of codings, memos and counts and reload on ``visibility_did_change``; they never
filter by coder themselves. It is re-read when the coder changes and after every action
(a round opened, closed, merged in or undone).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from post_coder.changes import Changes
from post_coder.errors import PostCoderError
from post_coder.project import Project
from post_coder.team.rounds import ReadScope, read_scope
from post_coder.ui.errors import show_error, show_unexpected


class Session(QObject):
    """One open project and the coder working in it."""

    #: (Changes, initiator or None) after every committed action, undo and redo
    project_did_change = Signal(object, object)
    #: undo/redo labels may have changed
    undo_state_did_change = Signal()
    #: ``scope`` changed (a blind round opened or closed, another coder): reload what you show
    visibility_did_change = Signal()

    def __init__(self, project: Project, coder_id: str | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.coder_id = coder_id
        project.actor = coder_id  # type: ignore[assignment]
        #: whose codings and memos every view may read (see the module docstring)
        self.scope: ReadScope = read_scope(project, coder_id)

    def refresh_scope(self) -> None:
        """Re-read the scope; emits ``visibility_did_change`` if it changed."""
        scope = read_scope(self.project, self.coder_id)
        if scope != self.scope:
            self.scope = scope
            self.visibility_did_change.emit()

    def set_coder(self, coder_id: str) -> None:
        self.coder_id = coder_id
        self.project.actor = coder_id  # type: ignore[assignment]
        self.refresh_scope()

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
        self.refresh_scope()  # views then reload with the scope the change left
        self.project_did_change.emit(changes, initiator)
        self.undo_state_did_change.emit()

    def undo(self, parent: QWidget | None = None) -> None:
        self.run(parent, lambda project: project.undo())
        self.undo_state_did_change.emit()  # a refused undo clears the history

    def redo(self, parent: QWidget | None = None) -> None:
        self.run(parent, lambda project: project.redo())
        self.undo_state_did_change.emit()
