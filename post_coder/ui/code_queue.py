"""The queue of the last Suggest Codes run, one per session (:func:`code_queue`), shared by
the Analysis ▸ Suggest Codes window and the main window's response viewer, so that both show
the same open answers, the same ticks and the same current answer.

Accepting (the ticked codes, applied as the coder: :func:`post_coder.suggest.codes.accept`)
and rejecting (nothing applies: :func:`~post_coder.suggest.codes.reject`) go through here,
one undoable action each, whichever view asks. The queue follows the project
(:meth:`post_coder.suggest.codes.SuggestionQueue.follow`): an answer the coder codes by hand
(or marks done) in the main window leaves it, as an accepted or rejected one does; undoing
whatever took it out puts the answer back, in its place. It is emptied when the coder changes or what the coder may
see changes (a blind round opens or closes): suggestions learned under one read scope are
never shown under another.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from post_coder.changes import Changes
from post_coder.suggest import codes as codes_service
from post_coder.ui.session import Session

SCOPE_CHANGED = ("What you may see changed (a blind round opened or closed), so the "
                 "suggestions were put away: run again to learn from the codings you see now.")
CODER_CHANGED = ("Another coder is coding now, so the suggestions for the previous coder's "
                 "answers were put away: run again for yours.")


class CodeQueue(QObject):
    """``state`` is the run's :class:`~post_coder.suggest.codes.SuggestionQueue` (None
    before a run); ``current`` the answer the views are at."""

    #: what is open changed (a new run, an answer answered, an undo): the ids back in the
    #: queue after an undo, in order (often none)
    changed = Signal(list)
    #: the queue is at another answer (its response id); views showing the queue follow it
    current_changed = Signal(str)
    #: the ticks of this answer's suggested codes changed
    ticks_changed = Signal(str)
    #: the queue was emptied, and why (a sentence)
    cleared = Signal(str)

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.setObjectName("codeQueue")
        self.session = session
        self.state: codes_service.SuggestionQueue | None = None
        self.current: str | None = None
        self._scope = session.scope
        session.project_did_change.connect(self._project_changed)
        session.visibility_did_change.connect(self._coder_changed)
        session.coder_did_change.connect(self._coder_changed)

    # -- state ---------------------------------------------------------------------------------
    def set_result(self, result: codes_service.CodeSuggestions, coder: str | None) -> None:
        """A run's suggestions for ``coder``, learned under the session's read scope as it
        is now: the queue starts at its first answer."""
        self.state = codes_service.SuggestionQueue(result, coder)
        # the main window is usable while a run learns: answers coded meanwhile leave now
        self.state.follow(self.session.project)
        self._scope = self.session.scope
        self.current = None
        self.changed.emit([])
        first = next(iter(self.state.ids()), None)
        if first is not None:
            self.set_current(first)

    def clear(self, why: str) -> None:
        if self.state is None:
            return
        self.state, self.current = None, None
        self.changed.emit([])
        self.cleared.emit(why)

    def suggestions(self, response_id: str | None) -> list[codes_service.CodeSuggestion]:
        """The open suggestions of this answer ([] if none or before a run)."""
        return self.state.suggestions(response_id) if self.state is not None else []

    def set_current(self, response_id: str | None) -> None:
        """The views are at this answer (if it is open)."""
        if (response_id is None or self.state is None or response_id not in self.state
                or response_id == self.current):
            return
        self.current = response_id
        self.current_changed.emit(response_id)

    def tick(self, response_id: str, code_id: str, on: bool) -> None:
        if self.state is None or self.state.is_ticked(response_id, code_id) == on:
            return
        self.state.tick(response_id, code_id, on)
        self.ticks_changed.emit(response_id)

    # -- accepting and rejecting ---------------------------------------------------------------
    def accept(self, parent: QWidget | None, response_id: str,
               then: str | None) -> Changes | None:
        """Apply the answer's ticked codes as the coder (one undoable action); the queue then
        goes on to ``then`` (None: stays nowhere). None if nothing was written."""
        chosen = self.state.ticked(response_id) if self.state is not None else []
        if not chosen:
            return None
        return self._answer(parent, response_id, then, codes_service.accept, chosen)

    def reject(self, parent: QWidget | None, response_id: str,
               then: str | None) -> Changes | None:
        """Nothing applies to the answer (done for the coder with no code; undoable)."""
        if self.state is None or response_id not in self.state:
            return None
        return self._answer(parent, response_id, then, codes_service.reject, response_id)

    def _answer(self, parent: QWidget | None, response_id: str, then: str | None,
                action: Callable[..., Changes], what: object) -> Changes | None:
        """``action(project, what, coder)`` as the coder; on success the answer leaves the
        queue, which goes on to ``then``."""
        coder = self.session.coder_id
        if coder is None:
            return None
        changes = self.session.run(parent, action, what, coder, initiator=self)
        if changes is None or self.state is None:  # refused, or put away while it ran
            return changes
        self.state.answer(response_id, coder)
        self.current = None
        self.changed.emit([])
        self.set_current(then)
        return changes

    # -- following the project -----------------------------------------------------------------
    def _project_changed(self, changes: Changes, _initiator: object) -> None:
        if self.state is None or not (changes.codings or changes.codes):
            return
        back = self.state.follow(self.session.project)
        if back is None:
            return
        if self.current not in self.state:
            self.current = None  # the views stay where they are
        self.changed.emit(back)
        if back:  # an undo: the views go back to the answer, to answer it again
            self.set_current(back[0])

    def _coder_changed(self) -> None:
        """Another coder, or what the coder may see changed (the read scope changes with
        the coder too)."""
        if self.state is None:
            return
        if self.state.coder != self.session.coder_id:
            self.clear(CODER_CHANGED)
        elif self.session.scope != self._scope:
            self.clear(SCOPE_CHANGED)


def code_queue(session: Session) -> CodeQueue:
    """The session's queue (made the first time it is asked for)."""
    queue = session.findChild(CodeQueue, "codeQueue")
    return queue if queue is not None else CodeQueue(session)
