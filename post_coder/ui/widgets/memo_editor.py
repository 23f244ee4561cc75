"""Edit-in-place memo on one target (the project, a code, a response or a coding).

The text is saved through ``memos.set_memo`` about a second after typing stops, when the
editor loses focus or is hidden, and before it switches to another target, so typing is
never lost. Memos by other coders on the same target are shown read-only above, as far
as the session's read scope shows them (none in an open blind round).
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from post_coder.changes import Changes
from post_coder.coding.coders import list_coders
from post_coder.coding.memos import memos_for, set_memo
from post_coder.ui.session import Session

SAVE_AFTER_MS = 1000


class MemoEditor(QWidget):
    """``set_target(type, id)`` then type; saving is automatic."""

    #: the memo text was written to the project
    memo_did_save = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._target: tuple[str, str | None] | None = None
        self._saved_text = ""
        self._loading = False

        self.others = QLabel(self)
        self.others.setObjectName("memoOthers")
        self.others.setWordWrap(True)
        self.others.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.others.hide()
        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("memoText")
        self.editor.setPlaceholderText("Write a memo: what you notice, questions, decisions…")
        self.editor.setTabChangesFocus(True)
        self.editor.installEventFilter(self)
        self.status = QLabel(self)
        self.status.setObjectName("memoStatus")
        self.status.setEnabled(False)  # drawn in the disabled (muted) color: a quiet hint
        self.status.setAlignment(Qt.AlignmentFlag.AlignRight)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.others)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.status)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_AFTER_MS)
        self._timer.timeout.connect(self.flush)
        self.editor.textChanged.connect(self._on_text_changed)
        session.project_did_change.connect(self._on_project_did_change)
        session.visibility_did_change.connect(self._on_visibility_did_change)
        self.setEnabled(False)

    # -- public ------------------------------------------------------------------------
    def target(self) -> tuple[str, str | None] | None:
        return self._target

    def set_target(self, target_type: str | None, target_id: str | None = None) -> None:
        """Show the memo on this target (``None``: nothing), saving the current one first."""
        self.flush()
        self._target = (target_type, target_id) if target_type else None
        self._load()

    def text(self) -> str:
        return self.editor.toPlainText()

    def is_dirty(self) -> bool:
        return self._target is not None and self.text() != self._saved_text

    def flush(self) -> bool:
        """Save now if there are unsaved changes. False if saving failed (text kept)."""
        self._timer.stop()
        if not self.is_dirty():
            return True
        assert self._target is not None
        body = self.text()
        result = self.session.run(self, set_memo, self._target[0], self._target[1], body,
                                  initiator=self)
        if result is None:
            self.status.setText("Not saved")
            return False
        self._saved_text = body
        self.status.setText("Saved")
        self.memo_did_save.emit()
        return True

    # -- internals ---------------------------------------------------------------------
    def _load(self) -> None:
        self._timer.stop()
        self._loading = True
        try:
            if self._target is None:
                self._saved_text = ""
                self.editor.setPlainText("")
                self.others.hide()
                self.status.setText("")
                self.setEnabled(False)
                return
            memos = memos_for(self.session.project, self.session.scope, *self._target)
            actor = self.session.coder_id
            mine = [m for m in memos if m.author_id == actor]
            self._saved_text = mine[0].body if mine else ""
            self.editor.setPlainText(self._saved_text)
            self._show_others(memos)
            self.status.setText("")
            self.setEnabled(True)
        finally:
            self._loading = False

    def _show_others(self, memos: list) -> None:
        """The other authors' memos among ``memos`` (read through the scope), read-only."""
        actor = self.session.coder_id
        memos = [m for m in memos if m.author_id != actor and m.body.strip()]
        if not memos:
            self.others.hide()
            return
        names = {c.id: c.name for c in list_coders(self.session.project)}
        parts = []
        for m in memos:
            who = names.get(m.author_id or "", "Unknown author")
            parts.append(f"<b>{escape(who, quote=False)}</b> ({m.updated_at[:10]}): "
                         + escape(m.body, quote=False).replace("\n", "<br>"))
        self.others.setText("<br>".join(parts))
        self.others.show()

    def _on_text_changed(self) -> None:
        if self._loading or self._target is None:
            return
        self.status.setText("Editing…" if self.is_dirty() else "Saved")
        self._timer.start()

    def _on_project_did_change(self, changes: Changes, initiator: object) -> None:
        if initiator is self or self._target is None:
            return
        if (changes.memos or changes.codes or changes.coders) and not self.is_dirty():
            self._load()  # e.g. Undo of a memo edit; never over unsaved typing

    def _on_visibility_did_change(self) -> None:
        if self._target is None:
            return
        if self.is_dirty():  # keep the typing; only the others' memos follow the scope
            self._show_others(memos_for(self.session.project, self.session.scope,
                                        *self._target))
        else:
            self._load()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.editor and event.type() == QEvent.Type.FocusOut:
            self.flush()
        return super().eventFilter(watched, event)

    def hideEvent(self, event) -> None:  # noqa: ANN001 - Qt override
        self.flush()
        super().hideEvent(event)

