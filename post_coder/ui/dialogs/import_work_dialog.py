"""Import a coder's work file (or merge another copy of the project) into this project.

Pick the file → the core's preview (``merge.merge_preview``, read in the background) shows
what would change: codings new / changed / removed, new coders, code proposals and
codebook conflicts → one row per conflict, with the choices the core allows → Import
(enabled once every conflict has a choice) runs ``merge.merge`` in the background with the
decisions and the optional rationale. A merge is one transaction: a refused or failed
file (another project, damaged, from a newer POST Coder) changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox,
                               QFileDialog, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QMessageBox, QPushButton, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from post_coder.coding.merge import MergePlan, MergeResult, merge, merge_preview
from post_coder.coding.merge_codebook import RENAME, Conflict
from post_coder.coding.workfile import EXTENSION as WORK_EXTENSION
from post_coder.errors import ConflictError, PostCoderError
from post_coder.project import EXTENSION
from post_coder.ui.dialogs.rationale_dialog import rationale_field
from post_coder.ui.models.team_reads import DECISION_TEXT, conflict_text, plan_summary
from post_coder.ui.session import Session
from post_coder.ui.tasks import Task, run_task

WORK, PROJECT = "work", "project"
CODE, WHAT, DECISION, NEW_NAME = range(4)
FILTERS = {
    WORK: f"Work files (*{WORK_EXTENSION});;POST Coder projects (*{EXTENSION});;All files (*)",
    PROJECT: f"POST Coder projects (*{EXTENSION});;Work files (*{WORK_EXTENSION});;All files (*)",
}
TITLES = {WORK: "Import coder work", PROJECT: "Merge another project file"}
INTRO = {
    WORK: "Bring a coder's work into this project: their codings, removals, memos and "
          "codebook proposals, from the work file they exported (Team ▸ Export My Work…).",
    PROJECT: "Merge everything another copy of this project holds (a colleague's copy, or "
             "a coder package) into this one. Only copies of the same project can be merged.",
}


class ImportWorkDialog(QDialog):
    """``ImportWorkDialog(session, path=…, kind="work" | "project")``; ``result`` after Import."""

    def __init__(self, session: Session, path: str | Path | None = None,
                 parent: QWidget | None = None, *, kind: str = WORK) -> None:
        super().__init__(parent)
        self.session = session
        self.kind = kind
        self.plan: MergePlan | None = None
        self.result: MergeResult | None = None
        self.task: Task | None = None
        self._path: Path | None = None
        self._generation = 0
        self._choices: dict[tuple[str, str], str] = {}
        self.setObjectName("importWorkDialog")
        self.setWindowTitle(TITLES[kind])
        self.setMinimumSize(640, 460)
        self._build()
        if path is not None:
            self.set_path(path)
        self._update_ok()

    def _build(self) -> None:
        intro = QLabel(INTRO[self.kind], self, objectName="importIntro", wordWrap=True)
        self.file_edit = QLineEdit(self, objectName="importFileEdit", readOnly=True)
        self.file_edit.setPlaceholderText("choose the file to import")
        browse = QPushButton("Choose…", self, objectName="importBrowseButton")
        browse.clicked.connect(self._browse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(browse)
        self.summary_label = QLabel(self, objectName="importSummary", wordWrap=True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label = QLabel(self, objectName="importError", wordWrap=True)
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.hide()
        self.conflicts_label = QLabel("<b>Codebook conflicts</b> — the same code was changed "
                                      "differently on both sides; choose what to keep:",
                                      self, objectName="conflictsHeading", wordWrap=True)
        self.conflicts_table = QTableWidget(0, 4, self, objectName="conflictsTable")
        self.conflicts_table.setHorizontalHeaderLabels(["Code", "What happened", "Decision",
                                                        "New name"])
        self.conflicts_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.conflicts_table.setWordWrap(True)
        self.conflicts_table.verticalHeader().hide()
        header = self.conflicts_table.horizontalHeader()
        header.setSectionResizeMode(WHAT, QHeaderView.ResizeMode.Stretch)
        for column in (CODE, DECISION, NEW_NAME):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.rationale_edit = rationale_field(self, "importRationaleEdit")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.setObjectName("importButtons")
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setObjectName("importOk")
        self.ok_button.setText("Import" if self.kind == WORK else "Merge")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setObjectName("importCancel")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(file_row)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.conflicts_label)
        layout.addWidget(self.conflicts_table, 1)
        layout.addWidget(self.rationale_edit)
        layout.addWidget(self.buttons)
        self._show_conflicts(())

    # -- the file and its preview --------------------------------------------------------------
    def _browse(self) -> None:
        start = str(self._path or self.session.project.path.parent)
        path, _ = QFileDialog.getOpenFileName(self, TITLES[self.kind], start, FILTERS[self.kind])
        if path:
            self.set_path(path)

    def set_path(self, path: str | Path) -> None:
        """Read ``path`` and show what importing it would do (in the background)."""
        self._path = Path(path)
        self.file_edit.setText(str(self._path))
        self._choices.clear()
        self.preview()

    def preview(self) -> Task | None:
        if self._path is None:
            return None
        self._generation += 1
        generation, path, resolutions = self._generation, self._path, self.resolutions()
        self.plan = None
        self.error_label.hide()
        self.summary_label.setText("Reading the file…")
        self.task = run_task(self, "Reading the file…", self.session.project.path,
                             lambda project, progress: merge_preview(
                                 project, path, resolutions=resolutions),
                             lambda plan: self._previewed(generation, plan))
        self.task.failed.connect(lambda exc: self._failed(generation, exc))
        self.task.cancelled.connect(lambda: self._failed(generation, None))
        self._update_ok()
        return self.task

    def _previewed(self, generation: int, plan: MergePlan) -> None:
        if generation != self._generation:
            return  # a newer file or preview replaced this one
        self.plan = plan
        self.summary_label.setText(plan_summary(plan))
        self._show_conflicts(plan.conflicts)
        self._update_ok()

    def _failed(self, generation: int, exc: BaseException | None) -> None:
        if generation != self._generation:
            return
        self.summary_label.clear()
        self._show_conflicts(())
        if exc is None:
            self.summary_label.setText("Cancelled: choose the file again to see the preview.")
        else:
            self.error_label.setText(str(exc) if isinstance(exc, PostCoderError)
                                     else "The file could not be read.")
            self.error_label.show()
        self._update_ok()

    # -- conflicts -------------------------------------------------------------------------------
    def _show_conflicts(self, conflicts: tuple[Conflict, ...]) -> None:
        self._conflicts = tuple(conflicts)
        table = self.conflicts_table
        table.setRowCount(len(conflicts))
        for row, c in enumerate(conflicts):
            table.setItem(row, CODE, QTableWidgetItem(c.name))
            what = QTableWidgetItem(conflict_text(c))
            what.setToolTip(conflict_text(c))
            table.setItem(row, WHAT, what)
            combo = QComboBox(table, objectName="conflictChoice")
            combo.addItem("Choose…", None)
            for option in c.options:
                combo.addItem(DECISION_TEXT.get(option, option), option)
            name = QLineEdit(table, objectName="conflictNewName", enabled=False)
            name.setPlaceholderText("new name")
            earlier = self._choices.get((c.code_id, c.kind)) or c.decision
            if earlier and earlier.startswith(RENAME):
                combo.setCurrentIndex(combo.findData(RENAME))
                name.setText(earlier[len(RENAME):])
            elif earlier:
                combo.setCurrentIndex(max(0, combo.findData(earlier)))
            combo.currentIndexChanged.connect(lambda *_, r=row: self._choice_changed(r))
            name.textChanged.connect(lambda *_, r=row: self._choice_changed(r))
            table.setCellWidget(row, DECISION, combo)
            table.setCellWidget(row, NEW_NAME, name)
            self._choice_changed(row)
        table.resizeRowsToContents()
        self.conflicts_label.setVisible(bool(conflicts))
        self.conflicts_table.setVisible(bool(conflicts))

    def choice_combo(self, row: int) -> QComboBox:
        return self.conflicts_table.cellWidget(row, DECISION)  # type: ignore[return-value]

    def name_edit(self, row: int) -> QLineEdit:
        return self.conflicts_table.cellWidget(row, NEW_NAME)  # type: ignore[return-value]

    def choose(self, row: int, option: str, new_name: str = "") -> None:
        """Pick ``option`` (``keep-mine``… or ``rename:``) for a conflict row."""
        combo = self.choice_combo(row)
        combo.setCurrentIndex(combo.findData(option))
        if new_name:
            self.name_edit(row).setText(new_name)

    def _decision(self, row: int) -> str | None:
        option = self.choice_combo(row).currentData()
        if option == RENAME:
            name = self.name_edit(row).text().strip()
            return RENAME + name if name else None
        return option

    def _choice_changed(self, row: int) -> None:
        if row >= len(self._conflicts):
            return
        self.name_edit(row).setEnabled(self.choice_combo(row).currentData() == RENAME)
        c = self._conflicts[row]
        decision = self._decision(row)
        if decision:
            self._choices[(c.code_id, c.kind)] = decision
        else:
            self._choices.pop((c.code_id, c.kind), None)
        self._update_ok()

    def resolutions(self) -> dict[str, str]:
        """Code id → decision, for every conflict that has one."""
        return {code_id: decision for (code_id, _), decision in self._choices.items()}

    def undecided(self) -> int:
        return sum(1 for row in range(len(self._conflicts)) if self._decision(row) is None)

    # -- import ----------------------------------------------------------------------------------
    def _update_ok(self, *_: object) -> None:
        busy = self.task is not None and self.task.running
        ready = (self.plan is not None and not self.plan.already_merged_at
                 and not self.undecided() and not busy)
        self.ok_button.setEnabled(ready)
        if self.plan is not None and self.undecided():
            self.ok_button.setToolTip("Choose what to do with every conflict first")
        else:
            self.ok_button.setToolTip("")

    def accept(self) -> None:
        self._update_ok()
        if not self.ok_button.isEnabled() or self._path is None:
            return
        path, resolutions = self._path, self.resolutions()
        rationale = self.rationale_edit.text().strip() or None
        actor = self.session.coder_id

        def work(project, progress):
            project.actor = actor
            return merge(project, path, resolutions=resolutions, rationale=rationale,
                         progress=progress)

        self.task = run_task(self, "Importing…", self.session.project.path, work, self._merged)
        self.task.failed.connect(self._merge_failed)
        self._update_ok()

    def _merge_failed(self, exc: BaseException) -> None:
        """Nothing was merged; new conflicts (after these decisions) get their own rows."""
        if isinstance(exc, ConflictError):
            self.preview()
        self._update_ok()

    def _merged(self, result: MergeResult) -> None:
        self.result = result
        self.session.project.clear_history()  # written on another connection
        self.session.notify(result.changes, initiator=self)
        plan = result.plan
        if not result.merged:
            text = f"Nothing changed: {plan.file} was already imported."
        else:
            text = (f"Imported {plan.source}: {plan.new_codings} new codings, "
                    f"{plan.changed_codings} changed, {plan.removed_codings} removed; "
                    f"{plan.new_codes} new codes, {plan.changed_codes} changed; "
                    f"{len(plan.conflicts)} conflicts settled. This cannot be undone with "
                    "Edit ▸ Undo (as with an import).")
        box = QMessageBox(QMessageBox.Icon.Information, TITLES[self.kind], text,
                          QMessageBox.StandardButton.Ok, self.parentWidget())
        self.done_box = box  # without a parent window, Python must keep it alive
        box.setObjectName("importDoneBox")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        super().accept()
