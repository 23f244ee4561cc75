"""A memo on one coding: why this code fits this passage (opened from a code chip)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from post_coder.ui.session import Session
from post_coder.ui.widgets.memo_editor import MemoEditor


class CodingMemoDialog(QDialog):
    """Edits the current coder's memo on a coding; saves as you type and on close."""

    def __init__(self, session: Session, coding_id: str, title: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("codingMemoDialog")
        self.setWindowTitle("Memo on a coding")
        label = QLabel(title)
        label.setWordWrap(True)
        self.editor = MemoEditor(session, self)
        self.editor.set_target("coding", coding_id)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.editor, 1)
        layout.addWidget(buttons)
        self.resize(460, 300)

    def done(self, result: int) -> None:
        self.editor.flush()  # never lose the last words typed
        super().done(result)
