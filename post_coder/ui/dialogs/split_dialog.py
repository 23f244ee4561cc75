"""Split a code: tick the segments that belong to a new code beside it.

Every segment coded with the code that the session's read scope shows is listed
(respondent, coder, text) with a checkbox; in an open blind round, only the coder's own.
OK runs ``codebook.split_code`` with the ticked codings: one action, one Undo.
"""

from __future__ import annotations

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QHeaderView,
                               QLabel, QLineEdit, QPlainTextEdit, QPushButton, QTableView,
                               QVBoxLayout, QWidget)

from post_coder.coding import codebook
from post_coder.coding.codings import list_codings
from post_coder.ids import CodeId, CodingId
from post_coder.coding import refine
from post_coder.ui.dialogs.rationale_dialog import rationale_field
from post_coder.ui.models.segment_model import SEGMENT, SegmentModel
from post_coder.ui.session import Session

#: in the intro while a blind round hides the other coders' segments
BLIND_NOTE = "Other coders' segments are hidden during your blind round; they stay."


class SplitDialog(QDialog):
    """``SplitDialog(session, code_id)``; ``new_code_id`` is set after a successful OK."""

    def __init__(self, session: Session, code_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.code_id = code_id
        self.new_code_id: str | None = None
        code = codebook.get_code(session.project, code_id)
        self.setObjectName("splitDialog")
        self.setWindowTitle(f'Split code "{code.name}"')
        self.resize(720, 520)

        intro = QLabel(f"Tick the segments of “{code.name}” that belong to the new code. "
                       "The new code sits beside it; unticked segments stay."
                       + (f" {BLIND_NOTE}" if session.scope.blind else ""), self)
        intro.setObjectName("splitIntro")
        intro.setWordWrap(True)
        self.model = SegmentModel(checkable=True, parent=self)
        self.model.set_rows(list_codings(session.project, session.scope,
                                         codes=[CodeId(code_id)]))
        self.view = QTableView(self)
        self.view.setObjectName("splitSegmentTable")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(SEGMENT, QHeaderView.ResizeMode.Stretch)

        self.check_selected_button = QPushButton("Tick selected", self)
        self.check_selected_button.setObjectName("splitCheckSelected")
        self.check_selected_button.clicked.connect(lambda: self._check_selected(True))
        self.uncheck_selected_button = QPushButton("Untick selected", self)
        self.uncheck_selected_button.setObjectName("splitUncheckSelected")
        self.uncheck_selected_button.clicked.connect(lambda: self._check_selected(False))
        self.preview_label = QLabel(self)
        self.preview_label.setObjectName("splitPreview")
        row = QHBoxLayout()
        row.addWidget(self.check_selected_button)
        row.addWidget(self.uncheck_selected_button)
        row.addStretch(1)
        row.addWidget(self.preview_label)

        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("splitNameEdit")
        self.name_edit.setPlaceholderText("Name of the new code")
        self.definition_edit = QPlainTextEdit(self)
        self.definition_edit.setObjectName("splitDefinitionEdit")
        self.definition_edit.setTabChangesFocus(True)
        self.definition_edit.setFixedHeight(56)
        self.rationale_edit = rationale_field(self, "splitRationaleEdit")
        form = QFormLayout()
        form.addRow("&New code", self.name_edit)
        form.addRow("&Definition", self.definition_edit)
        form.addRow("&Why", self.rationale_edit)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.setObjectName("splitButtons")
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setObjectName("splitOk")
        self.ok_button.setText("Split")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setObjectName("splitCancel")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.view, 1)
        layout.addLayout(row)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

        self.model.checks_did_change.connect(self.update_preview)
        self.name_edit.textChanged.connect(self.update_preview)
        self.update_preview()
        self.name_edit.setFocus()

    def checked_ids(self) -> list[str]:
        return self.model.checked_ids()

    def _check_selected(self, checked: bool) -> None:
        rows = {i.row() for i in self.view.selectionModel().selectedRows()}
        self.model.set_checked([self.model.row_at(r).id for r in rows], checked)

    def update_preview(self) -> None:
        p = refine.split_preview(self.model.rows(), self.checked_ids())
        self.preview_label.setText(
            f"{p.moving} segment{'s' if p.moving != 1 else ''} from {p.responses} "
            f"response{'s' if p.responses != 1 else ''} move to the new code; "
            f"{p.staying} stay.")
        self.ok_button.setEnabled(p.moving > 0 and bool(self.name_edit.text().strip()))

    def accept(self) -> None:
        chosen = self.checked_ids()
        name = self.name_edit.text().strip()
        if not chosen or not name or not self.ok_button.isEnabled():
            return  # (disabled while a split is being saved)
        def done(result) -> None:
            self.new_code_id = result.new_id
            super(SplitDialog, self).accept()

        # on the writer, in the background: the dialog closes once the split is saved
        self.ok_button.setEnabled(False)
        self.session.submit(
            self, codebook.split_code, CodeId(self.code_id), name,
            [CodingId(c) for c in chosen], definition=self.definition_edit.toPlainText().strip(),
            rationale=self.rationale_edit.text().strip() or None, initiator=self,
            on_done=done, on_failed=lambda _exc: self.update_preview())
