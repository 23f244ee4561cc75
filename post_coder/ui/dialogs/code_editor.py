"""Add a code or edit one: name, parent, definition, inclusion, exclusion, example, color.

OK applies only the fields that changed, as one action ("Add code" or "Edit code"), so
one Undo takes it all back. The optional rationale goes to the audit log with it. The
dialog stays open if the core refuses (a duplicate name…), with the message shown.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (QColorDialog, QComboBox, QDialog, QDialogButtonBox, QFormLayout,
                               QLineEdit, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget)

from post_coder.coding import codebook
from post_coder.ids import CodeId
from post_coder.coding import refine
from post_coder.ui.dialogs.rationale_dialog import rationale_field
from post_coder.ui.session import Session

TOP_LEVEL = "(top level)"


class CodeEditorDialog(QDialog):
    """``CodeEditorDialog(session, code_id)`` edits; ``code_id=None`` adds a new code."""

    def __init__(self, session: Session, code_id: str | None = None, *,
                 parent_code_id: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.code_id = code_id
        #: the id of the code added or edited, once OK succeeded
        self.saved_code_id: str | None = None
        project = session.project
        self._code = codebook.get_code(project, code_id) if code_id else None
        codes = codebook.list_codes(project)
        self.setObjectName("codeEditorDialog")
        self.setWindowTitle(f'Edit code "{self._code.name}"' if self._code else "New code")
        self.setMinimumWidth(480)

        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("codeNameEdit")
        self.parent_combo = QComboBox(self)
        self.parent_combo.setObjectName("codeParentCombo")
        self.parent_combo.addItem(TOP_LEVEL, None)
        excluded = ({code_id} | codebook.descendants(codes, code_id)) if code_id else set()
        for c, depth in codebook.tree_order(codes):
            if c.id not in excluded:
                self.parent_combo.addItem("    " * depth + c.name, c.id)
        self.text_edits: dict[str, QPlainTextEdit] = {}
        for name in codebook.TEXT_FIELDS:
            edit = QPlainTextEdit(self)
            edit.setObjectName(f"code{name.capitalize()}Edit")
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(64 if name == "definition" else 48)
            self.text_edits[name] = edit
        self.color_button = QPushButton(self)
        self.color_button.setObjectName("codeColorButton")
        self.color_button.clicked.connect(self.choose_color)
        self.rationale_edit = rationale_field(self, "codeRationaleEdit")

        form = QFormLayout()
        form.addRow("&Name", self.name_edit)
        form.addRow("&Parent", self.parent_combo)
        form.addRow("&Definition", self.text_edits["definition"])
        form.addRow("&Include when", self.text_edits["inclusion"])
        form.addRow("E&xclude when", self.text_edits["exclusion"])
        form.addRow("Exa&mple", self.text_edits["example"])
        form.addRow("&Color", self.color_button)
        form.addRow("&Why", self.rationale_edit)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.setObjectName("codeEditorButtons")
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setObjectName("codeEditorOk")
        self.ok_button.setText("Save" if self._code else "Add code")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setObjectName(
            "codeEditorCancel")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

        self._color: str | None = None
        self._fill(parent_code_id)
        self.name_edit.textChanged.connect(self._update_ok)
        self._update_ok()
        self.name_edit.setFocus()

    def _fill(self, parent_code_id: str | None) -> None:
        code = self._code
        if code:
            self.name_edit.setText(code.name)
            for name, edit in self.text_edits.items():
                edit.setPlainText(getattr(code, name))
            parent_code_id = code.parent_id
        self.set_parent_code(parent_code_id)
        self.set_color(code.color if code else None)

    # -- fields ----------------------------------------------------------------------
    def set_parent_code(self, code_id: str | None) -> None:
        at = self.parent_combo.findData(code_id) if code_id else 0
        self.parent_combo.setCurrentIndex(max(at, 0))

    def color(self) -> str | None:
        """``#rrggbb``, or None for a new code whose color the codebook picks."""
        return self._color

    def set_color(self, color: str | None) -> None:
        self._color = QColor(color).name() if color else None
        if self._color is None:
            self.color_button.setIcon(QIcon())
            self.color_button.setText("Automatic")
            return
        pixmap = QPixmap(16, 16)
        pixmap.fill(QColor(self._color))
        self.color_button.setIcon(QIcon(pixmap))
        self.color_button.setText(self._color)

    def choose_color(self) -> QColorDialog:
        """Open the color picker (non-blocking); picking a color updates the button."""
        dialog = QColorDialog(QColor(self._color or "#1f77b4"), self)
        dialog.setObjectName("codeColorDialog")
        dialog.colorSelected.connect(lambda c: self.set_color(c.name()))
        dialog.open()
        return dialog

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name_edit.text().strip(),
                               "parent_id": self.parent_combo.currentData()}
        if self._color:
            out["color"] = self._color
        out.update({k: e.toPlainText().strip() for k, e in self.text_edits.items()})
        return out

    def rationale(self) -> str | None:
        return self.rationale_edit.text().strip() or None

    def _update_ok(self) -> None:
        self.ok_button.setEnabled(bool(self.name_edit.text().strip()))

    # -- OK ----------------------------------------------------------------------------
    def accept(self) -> None:
        if self._save():
            super().accept()

    def _save(self) -> bool:
        values, rationale = self.values(), self.rationale()
        if self._code is None:
            texts = {k: values[k] for k in codebook.TEXT_FIELDS}
            # a lambda: Session.run's own ``parent`` argument would swallow add_code's
            result = self.session.run(self, lambda project: codebook.add_code(
                project, values["name"], parent=values["parent_id"], color=values.get("color"),
                rationale=rationale, **texts), initiator=self)
            if result is None:
                return False
            self.saved_code_id = result.new_id
            return True
        if not refine.code_edits(self._code, values):
            self.saved_code_id = self._code.id
            return True  # nothing changed: nothing to record
        result = self.session.run(self, refine.edit_code, CodeId(self._code.id), values,
                                  rationale=rationale, initiator=self)
        if result is None:
            return False
        self.saved_code_id = self._code.id
        return True

