"""Export a coder package: pick the coder (and round) and the file to write.

The package is written in the background (``exchange.export_package`` copies the project
and rewrites it without the codings a blind round hides from that coder), so a large
project does not freeze the window. The open project is not changed.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout,
                               QHBoxLayout, QLabel, QLineEdit, QMessageBox, QPushButton,
                               QVBoxLayout, QWidget)

from post_coder.ids import CoderId
from post_coder.project import EXTENSION
from post_coder.team.package import PackageSummary, export_package
from post_coder.team.rounds import list_rounds
from post_coder.ui.models import reads
from post_coder.ui.session import Session
from post_coder.ui.tasks import Task, run_task

NOTE = ("A coder package is a copy of this project for one coder to code on their own "
        "computer. For each open blind round the coder takes part in, the other coders' "
        "codings of its responses are left out entirely. When they are done, they use "
        "Team ▸ Export My Work… and send you the small work file.")


class PackageDialog(QDialog):
    """``PackageDialog(session, round_id=…)``; ``summary`` is set once the file is written."""

    def __init__(self, session: Session, round_id: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.task: Task | None = None
        self.summary: PackageSummary | None = None
        self.setObjectName("packageDialog")
        self.setWindowTitle("Export coder package")
        self.setMinimumWidth(480)
        project = session.project
        open_rounds = [r for r in list_rounds(project) if r.round.status == "open"]
        self._round_coders = {r.id: [c for c, _ in r.coders] for r in open_rounds}
        self.round_combo = QComboBox(self, objectName="packageRoundCombo")
        self.round_combo.addItem("Every open round the coder takes part in", None)
        for r in open_rounds:
            self.round_combo.addItem(r.name, r.id)
        self.coder_combo = QComboBox(self, objectName="packageCoderCombo")
        for coder in reads.coders(project):
            self.coder_combo.addItem(coder.name, coder.id)
        self.file_edit = QLineEdit(self, objectName="packageFileEdit")
        self.file_edit.setPlaceholderText(f"where to write the package (*{EXTENSION})")
        browse = QPushButton("Choose…", self, objectName="packageBrowseButton")
        browse.clicked.connect(self._browse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(browse)
        note = QLabel(NOTE, self, objectName="packageNote", wordWrap=True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.setObjectName("packageButtons")
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setObjectName("packageOk")
        self.ok_button.setText("Export package")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setObjectName("packageCancel")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&Round", self.round_combo)
        form.addRow("&Coder", self.coder_combo)
        form.addRow("&File", file_row)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.round_combo.currentIndexChanged.connect(self._round_chosen)
        self.coder_combo.currentIndexChanged.connect(self._suggest_file)
        self.file_edit.textChanged.connect(self._update_ok)
        index = self.round_combo.findData(round_id) if round_id else -1
        self.round_combo.setCurrentIndex(max(0, index))
        self._round_chosen()

    def set_coder(self, coder_id: str) -> None:
        self.coder_combo.setCurrentIndex(max(0, self.coder_combo.findData(coder_id)))

    def set_target(self, path: str | Path) -> None:
        self.file_edit.setText(str(path))
        self.file_edit.setModified(True)  # a coder chosen later keeps this file

    def _round_chosen(self, *_: object) -> None:
        """Only the round's coders can be picked when a round is chosen."""
        round_id = self.round_combo.currentData()
        allowed = self._round_coders.get(round_id) if round_id else None
        model = self.coder_combo.model()
        first = -1
        for i in range(self.coder_combo.count()):
            ok = allowed is None or self.coder_combo.itemData(i) in allowed
            model.item(i).setEnabled(ok)
            first = i if ok and first < 0 else first
        current = self.coder_combo.currentIndex()
        if not model.item(current).isEnabled() and first >= 0:
            self.coder_combo.setCurrentIndex(first)
        self._suggest_file()

    def _suggest_file(self, *_: object) -> None:
        if self.file_edit.isModified() or self.coder_combo.currentIndex() < 0:
            return
        project = self.session.project.path
        self.file_edit.setText(str(project.with_name(
            f"{project.stem} - {self.coder_combo.currentText()}{EXTENSION}")))
        self._update_ok()

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export coder package", self.file_edit.text(),
                                              f"POST Coder projects (*{EXTENSION})")
        if path:
            self.file_edit.setText(path)
            self.file_edit.setModified(True)

    def _update_ok(self, *_: object) -> None:
        busy = self.task is not None and self.task.running
        self.ok_button.setEnabled(bool(self.file_edit.text().strip())
                                  and self.coder_combo.currentIndex() >= 0 and not busy)

    def accept(self) -> None:
        if not self.ok_button.isEnabled():
            return
        coder = CoderId(self.coder_combo.currentData())
        round_id = self.round_combo.currentData()
        target = Path(self.file_edit.text().strip())
        actor = self.session.coder_id

        def work(project, progress):
            project.actor = actor
            return export_package(project, coder, target, round_id=round_id)

        self.task = run_task(self, "Exporting the coder package…", self.session.project.path,
                             work, self._done)
        self.task.failed.connect(self._update_ok)
        self._update_ok()

    def _done(self, summary: PackageSummary) -> None:
        self.summary = summary
        rounds = ", ".join(f"“{r}”" for r in summary.rounds) or "no open round"
        withheld = (f" {summary.withheld} codings by other coders were left out (blind)."
                    if summary.withheld else "")
        box = QMessageBox(QMessageBox.Icon.Information, "Coder package written",
                          f"Wrote {summary.path.name} for {summary.coder} ({rounds}).{withheld}",
                          QMessageBox.StandardButton.Ok, self.parentWidget())
        self.done_box = box  # without a parent window, Python must keep it alive
        box.setObjectName("packageDoneBox")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        super().accept()
