"""A short confirmation that asks why (the answer goes to the audit log)."""

from __future__ import annotations

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout,
                               QWidget)

RATIONALE_HINT = "Why this change? (kept in the audit log)"


def rationale_field(parent: QWidget, object_name: str = "rationaleEdit") -> QLineEdit:
    """The optional one-line rationale every codebook dialog offers."""
    edit = QLineEdit(parent)
    edit.setObjectName(object_name)
    edit.setPlaceholderText(RATIONALE_HINT)
    edit.setToolTip("Optional. Saved with this change in the project's audit log.")
    return edit


class RationaleDialog(QDialog):
    """``message`` + an optional rationale; connect to ``accepted`` and read :meth:`rationale`."""

    def __init__(self, title: str, message: str, ok_text: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("rationaleDialog")
        self.setWindowTitle(title)
        label = QLabel(message, self)
        label.setWordWrap(True)
        self.rationale_edit = rationale_field(self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.setObjectName("rationaleButtons")
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(ok_text)
        ok.setObjectName("rationaleOk")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setObjectName("rationaleCancel")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.rationale_edit)
        layout.addWidget(buttons)

    def rationale(self) -> str | None:
        return self.rationale_edit.text().strip() or None
