"""A question's or attribute's short label, and an attribute's level order, changed later.

Both are opened from the navigator (right-click ▸ Rename short label… / Edit level order…).
OK runs one core action (``importing.rename_question`` / ``rename_attribute`` /
``set_levels``), so one Undo takes it back; the dialog stays open if the core refuses (a
label another column has), with the message shown.
"""

from __future__ import annotations

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel,
                               QLineEdit, QListWidget, QPushButton, QVBoxLayout, QWidget)

from post_coder import importing
from post_coder.ui.dialogs.rationale_dialog import rationale_field
from post_coder.ui.session import Session


def _buttons(dialog: QDialog, ok_text: str, prefix: str) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel, dialog)
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.setText(ok_text)
    ok.setObjectName(f"{prefix}Ok")
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def _full_text(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent, objectName="fullTextLabel", wordWrap=True)
    label.setToolTip("The full text, as in the survey file (it does not change)")
    return label


class ShortLabelDialog(QDialog):
    """Rename the short label of a question (``kind`` "question") or an attribute."""

    def __init__(self, session: Session, kind: str, item_id: str, current: str,
                 full_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.kind, self.item_id = session, kind, item_id
        self.setObjectName("shortLabelDialog")
        self.setWindowTitle(f"Rename short label of {kind} “{current}”")
        self.setMinimumWidth(460)
        self.label_edit = QLineEdit(current, self, objectName="shortLabelEdit")
        self.label_edit.setToolTip("What every view, the command line and exports show; "
                                   "unique in the survey")
        self.label_edit.selectAll()
        self.rationale_edit = rationale_field(self)
        form = QFormLayout()
        form.addRow("Full text:", _full_text(full_text, self))
        form.addRow("&Short label:", self.label_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.rationale_edit)
        layout.addWidget(_buttons(self, "Rename", "shortLabel"))

    def accept(self) -> None:
        rename = importing.rename_question if self.kind == "question" \
            else importing.rename_attribute
        result = self.session.run(self, rename, self.item_id, self.label_edit.text(),
                                  rationale=self.rationale_edit.text().strip() or None,
                                  initiator=self)
        if result is not None:
            super().accept()


class LevelOrderDialog(QDialog):
    """Put an attribute's levels in order (low → high for a scale) with Move up / down."""

    def __init__(self, session: Session, variable_id: str, name: str, levels: list[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.variable_id = session, variable_id
        self.setObjectName("levelOrderDialog")
        self.setWindowTitle(f"Level order of “{name}”")
        self.list = QListWidget(self, objectName="levelList")
        self.list.addItems(levels)
        self.list.setCurrentRow(0)
        self.up = QPushButton("Move &up", self, objectName="levelUp")
        self.down = QPushButton("Move &down", self, objectName="levelDown")
        self.up.setShortcut("Alt+Up")
        self.down.setShortcut("Alt+Down")
        self.up.clicked.connect(lambda: self.move(-1))
        self.down.clicked.connect(lambda: self.move(1))
        self.rationale_edit = rationale_field(self)
        side = QVBoxLayout()
        side.addWidget(self.up)
        side.addWidget(self.down)
        side.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.list, 1)
        row.addLayout(side)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Lowest first for a scale; this order is used in filters, "
                                "the grid and exports. Alt+Up / Alt+Down move a level.",
                                self, wordWrap=True))
        layout.addLayout(row)
        layout.addWidget(self.rationale_edit)
        layout.addWidget(_buttons(self, "Save order", "levelOrder"))

    def levels(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def move(self, step: int) -> None:
        """Move the current level ``step`` places (−1 up, +1 down)."""
        row = self.list.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.list.count():
            return
        item = self.list.takeItem(row)
        self.list.insertItem(target, item)
        self.list.setCurrentRow(target)

    def accept(self) -> None:
        result = self.session.run(self, importing.set_levels, self.variable_id, self.levels(),
                                  rationale=self.rationale_edit.text().strip() or None,
                                  initiator=self)
        if result is not None:
            super().accept()
