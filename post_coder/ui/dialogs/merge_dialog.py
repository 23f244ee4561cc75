"""Merge codes: choose the codes to merge and the code they go into, see what will happen.

The preview (from :func:`post_coder.coding.refine.load_merge_preview`, through the
session's read scope) counts the codings that move, the duplicates that collapse and the
sub-codes that move, before anything is written. OK runs ``codebook.merge_codes`` once:
one action, one Undo.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel,
                               QListWidget, QListWidgetItem, QVBoxLayout, QWidget)

from post_coder.coding import codebook
from post_coder.ids import CodeId
from post_coder.coding import refine
from post_coder.coding.refine import MergePreview
from post_coder.ui.dialogs.rationale_dialog import rationale_field
from post_coder.ui.session import Session

CODE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
#: under the preview while a blind round hides the other coders' codings from the counts
BLIND_NOTE = ("Only your own codings are counted while your blind round is open; the "
              "other coders' codings of these codes are merged too.")


class MergeDialog(QDialog):
    """``MergeDialog(session, sources=[…], target=…)``; both can be changed in the dialog."""

    def __init__(self, session: Session, sources: Sequence[str] = (),
                 target: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("mergeDialog")
        self.setWindowTitle("Merge codes")
        self.setMinimumWidth(460)
        codes = codebook.tree_order(codebook.list_codes(session.project))
        self._names = {c.id: c.name for c, _ in codes}

        self.source_list = QListWidget(self)
        self.source_list.setObjectName("mergeSourceList")
        for code, depth in codes:
            item = QListWidgetItem("    " * depth + code.name, self.source_list)
            item.setData(CODE_ID_ROLE, code.id)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                          | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if code.id in sources
                               else Qt.CheckState.Unchecked)
        self.target_combo = QComboBox(self)
        self.target_combo.setObjectName("mergeTargetCombo")
        for code, depth in codes:
            self.target_combo.addItem("    " * depth + code.name, code.id)
        self.set_target(target)  # none given: the person picks it (no risky default)
        self.preview_label = QLabel(self)
        self.preview_label.setObjectName("mergePreview")
        self.preview_label.setWordWrap(True)
        self.rationale_edit = rationale_field(self, "mergeRationaleEdit")

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.setObjectName("mergeButtons")
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setObjectName("mergeOk")
        self.ok_button.setText("Merge")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setObjectName("mergeCancel")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("&Merge these codes", self.source_list)
        form.addRow("&Into", self.target_combo)
        form.addRow("", self.preview_label)
        form.addRow("&Why", self.rationale_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

        checked = [i for i in range(self.source_list.count())
                   if self.source_list.item(i).checkState() == Qt.CheckState.Checked]
        if checked:
            self.source_list.scrollToItem(self.source_list.item(checked[0]))
        self.source_list.itemChanged.connect(self.update_preview)
        self.target_combo.currentIndexChanged.connect(self.update_preview)
        self._preview = MergePreview(0, 0, ())
        self.update_preview()

    # -- choices -----------------------------------------------------------------------
    def sources(self) -> list[str]:
        """Checked codes, in codebook order."""
        items = (self.source_list.item(i) for i in range(self.source_list.count()))
        return [it.data(CODE_ID_ROLE) for it in items if it.checkState() == Qt.CheckState.Checked]

    def set_sources(self, code_ids: Sequence[str]) -> None:
        wanted = set(code_ids)
        for i in range(self.source_list.count()):
            item = self.source_list.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(CODE_ID_ROLE) in wanted
                               else Qt.CheckState.Unchecked)

    def target(self) -> str | None:
        return self.target_combo.currentData()

    def set_target(self, code_id: str | None) -> None:
        self.target_combo.setCurrentIndex(self.target_combo.findData(code_id) if code_id else -1)

    def rationale(self) -> str | None:
        return self.rationale_edit.text().strip() or None

    # -- preview -----------------------------------------------------------------------
    def preview(self) -> MergePreview:
        return self._preview

    def update_preview(self) -> None:
        self._preview = p = refine.load_merge_preview(self.session.project, self.session.scope,
                                                      self.sources(), self.target())
        self.ok_button.setEnabled(p.problem is None)
        self.preview_label.setText(p.problem or self._describe(p))

    def _describe(self, p: MergePreview) -> str:
        into = f"“{self._names.get(self.target() or '', '')}”"
        n = len(self.sources())
        lines = [f"{n} code{'s' if n != 1 else ''} will be merged into {into}.",
                 f"{p.moving} coding{'s' if p.moving != 1 else ''} move to {into}."]
        if p.duplicates:
            lines.append(f"{p.duplicates} duplicate{'s' if p.duplicates != 1 else ''} collapse "
                         f"(the same coder already has {into} on that segment).")
        if p.subcodes:
            lines.append(f"Sub-codes that move under {into}: {', '.join(p.subcodes)}.")
        lines.append("The merged codes stay in the history; Undo takes the merge back.")
        if self.session.scope.blind:
            lines.append(BLIND_NOTE)
        return "\n".join(lines)

    # -- OK ----------------------------------------------------------------------------
    def accept(self) -> None:
        target = self.target()
        if self._preview.problem or target is None or not self.ok_button.isEnabled():
            return  # (disabled while a merge is being saved)
        # on the writer, in the background: the dialog closes once the merge is saved
        self.ok_button.setEnabled(False)
        self.session.submit(self, codebook.merge_codes, [CodeId(s) for s in self.sources()],
                            CodeId(target), rationale=self.rationale(), initiator=self,
                            on_done=lambda _changes: super(MergeDialog, self).accept(),
                            on_failed=lambda _exc: self.update_preview())
