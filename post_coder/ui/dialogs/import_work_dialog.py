"""Import a coder's work file (or merge another copy of the project) into this project.

Pick the file → the core's preview (``merge.merge_preview``, read in the background) shows
what would change: codings new / changed / removed, new coders, every code added or
changed, and the codebook conflicts → one row per conflict, with the choices the core
allows, and the selected conflict's competing versions side by side (as the package had
it, this project's, theirs) → each choice previews again, so the list of code changes
shows what the decisions will do → Import (enabled once every conflict has a choice) runs
``merge.merge`` in the background with the decisions and the optional rationale. A merge
is one transaction: a refused or failed file (another project, damaged, from a newer POST
Coder) changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox,
                               QFileDialog, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QListWidget, QMessageBox, QPushButton, QSplitter, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from post_coder.coding.codebook import list_codes
from post_coder.errors import ConflictError, PostCoderError
from post_coder.project import EXTENSION
from post_coder.team.merge import MergePlan, MergeResult, merge, merge_preview
from post_coder.team.merge_codebook import RENAME, Conflict
from post_coder.team.workfile import EXTENSION as WORK_EXTENSION
from post_coder.ui.dialogs.rationale_dialog import rationale_field
from post_coder.ui.models.team_reads import (DECISION_TEXT, conflict_sides, conflict_text,
                                             plan_summary)
from post_coder.ui.session import Session
from post_coder.ui.tasks import Task, run_task

WORK, PROJECT = "work", "project"
CODE, WHAT, DECISION, NEW_NAME = range(4)
#: columns of the side-by-side comparison of the selected conflict
FIELD, BASE, MINE, THEIRS = range(4)
#: after a choice, wait this long for the next one before previewing again
REPREVIEW_MS = 300
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
        self._conflicts: tuple[Conflict, ...] = ()
        self._code_names: dict[str, str] = {}
        self._source = "the file"  # whose work: "Luis Ortega's work"
        self._again = QTimer(self, singleShot=True, interval=REPREVIEW_MS)
        self._again.timeout.connect(lambda: self.preview(decisions_only=True))
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
        self.changes_label = QLabel("<b>Codes this import adds or changes</b>", self,
                                    objectName="codeChangesHeading")
        self.changes_list = QListWidget(self, objectName="codeChangesList")
        self.changes_list.setToolTip("Every code the import adds or changes, with the "
                                     "decisions chosen below")
        self.conflicts_table = QTableWidget(0, 4, self, objectName="conflictsTable")
        self.conflicts_table.setHorizontalHeaderLabels(["Code", "What happened", "Decision",
                                                        "New name"])
        self.conflicts_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.conflicts_table.setWordWrap(True)
        self.conflicts_table.verticalHeader().hide()
        self.conflicts_table.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)  # rows follow the wrapped text
        header = self.conflicts_table.horizontalHeader()
        header.setSectionResizeMode(WHAT, QHeaderView.ResizeMode.Stretch)
        for column in (CODE, DECISION, NEW_NAME):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.conflicts_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.conflicts_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.conflicts_table.currentCellChanged.connect(lambda row, *_: self._show_sides(row))
        self.sides_table = QTableWidget(0, 4, self, objectName="conflictSides")
        self.sides_table.setHorizontalHeaderLabels(["", "When the package was made",
                                                    "This project", "Theirs"])
        self.sides_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.sides_table.setWordWrap(True)
        self.sides_table.verticalHeader().hide()
        self.sides_table.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.sides_table.setToolTip("The selected conflict's code, side by side; the fields "
                                    "that differ are in bold")
        sides_header = self.sides_table.horizontalHeader()
        sides_header.setSectionResizeMode(FIELD, QHeaderView.ResizeMode.ResizeToContents)
        for column in (BASE, MINE, THEIRS):
            sides_header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.conflicts_split = QSplitter(Qt.Orientation.Vertical, self,
                                         objectName="conflictsSplit")
        self.conflicts_split.addWidget(self.conflicts_table)
        self.conflicts_split.addWidget(self.sides_table)
        self.conflicts_split.setStretchFactor(0, 3)
        self.conflicts_split.setStretchFactor(1, 2)
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
        layout.addWidget(self.changes_label)
        layout.addWidget(self.changes_list)
        layout.addWidget(self.conflicts_label)
        layout.addWidget(self.conflicts_split, 1)
        layout.addWidget(self.rationale_edit)
        layout.addWidget(self.buttons)
        self._show_changes(None)
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

    def preview(self, *, decisions_only: bool = False) -> Task | None:
        """Read what importing the file would do, with the decisions chosen so far.

        ``decisions_only``: the same file again after a choice changed; the conflict rows
        stay, and a decision the core refuses is shown under the summary (no message box).
        """
        if self._path is None:
            return None
        self._again.stop()
        self._generation += 1
        generation, path, resolutions = self._generation, self._path, self.resolutions()
        self.plan = None
        self.error_label.hide()
        if not decisions_only:
            self.summary_label.setText("Reading the file…")

        def read(project, progress):
            try:
                return merge_preview(project, path, resolutions=resolutions)
            except PostCoderError as exc:
                if decisions_only:
                    return exc  # shown beside the choices, not as a message box
                raise

        self.task = run_task(self, "Reading the file…", self.session.project.path, read,
                             lambda plan: self._previewed(generation, plan))
        self.task.failed.connect(lambda exc: self._failed(generation, exc))
        self.task.cancelled.connect(lambda: self._failed(generation, None))
        self._update_ok()
        return self.task

    def _previewed(self, generation: int, plan: MergePlan | PostCoderError) -> None:
        if generation != self._generation:
            return  # a newer file or preview replaced this one
        if isinstance(plan, PostCoderError):  # these decisions cannot be applied
            self.error_label.setText(f"{str(plan)[:1].upper()}{str(plan)[1:]}")
            self.error_label.show()
            self._update_ok()
            return
        self.plan = plan
        self._source = plan.source
        self.summary_label.setText(plan_summary(plan))
        self._show_changes(plan)
        same = ([(c.code_id, c.kind) for c in plan.conflicts]
                == [(c.code_id, c.kind) for c in self._conflicts])
        if same and plan.conflicts:
            self._conflicts = tuple(plan.conflicts)  # the rows and their choices stay
            self._show_sides(self.conflicts_table.currentRow())
        else:
            self._show_conflicts(plan.conflicts)
        self._update_ok()

    def _show_changes(self, plan: MergePlan | None) -> None:
        self.changes_list.clear()
        if plan is not None:
            self.changes_list.addItems(list(plan.code_changes))
        count = self.changes_list.count()
        row = (self.changes_list.sizeHintForRow(0) if count
               else self.changes_list.fontMetrics().height())
        self.changes_list.setFixedHeight(max(1, min(count, 5)) * row + 4
                                         + 2 * self.changes_list.frameWidth())
        shown = plan is not None and bool(plan.code_changes)
        self.changes_label.setVisible(shown)
        self.changes_list.setVisible(shown)

    def _failed(self, generation: int, exc: BaseException | None) -> None:
        if generation != self._generation:
            return
        self.summary_label.clear()
        self._show_changes(None)
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
        """One row per conflict; every row's widgets exist before any choice is read."""
        self._conflicts = ()
        table = self.conflicts_table
        table.setRowCount(0)
        table.setRowCount(len(conflicts))
        self._code_names = {c.id: c.name for c in list_codes(self.session.project,
                                                             include_inactive=True)}
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
            table.setCellWidget(row, DECISION, combo)
            table.setCellWidget(row, NEW_NAME, name)
        self._conflicts = tuple(conflicts)
        for row in range(len(conflicts)):
            self.choice_combo(row).currentIndexChanged.connect(
                lambda *_, r=row: self._choice_changed(r))
            self.name_edit(row).textChanged.connect(lambda *_, r=row: self._choice_changed(r))
            self._record_choice(row)
        self.conflicts_label.setVisible(bool(conflicts))
        self.conflicts_split.setVisible(bool(conflicts))
        if conflicts:
            table.setCurrentCell(0, CODE)
        self._show_sides(table.currentRow())
        self._update_ok()

    def _show_sides(self, row: int) -> None:
        """The selected conflict's code as the package had it, here, and in the file."""
        table = self.sides_table
        if not 0 <= row < len(self._conflicts):
            table.setRowCount(0)
            return
        c = self._conflicts[row]
        theirs = self._source
        table.setHorizontalHeaderLabels(["", "When the package was made", "This project",
                                         theirs[:1].upper() + theirs[1:]])
        rows = conflict_sides(c, self._code_names)
        table.setRowCount(len(rows))
        bold = QFont(table.font())
        bold.setBold(True)
        for n, side in enumerate(rows):
            cells = (side.label, side.base or "", side.mine, side.theirs)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if side.differs and column != BASE:
                    item.setFont(bold)
                table.setItem(n, column, item)
        table.setColumnHidden(BASE, all(side.base is None for side in rows))

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
        combo, name = self.choice_combo(row), self.name_edit(row)
        if combo is None or name is None:
            return None
        option = combo.currentData()
        if option == RENAME:
            text = name.text().strip()
            return RENAME + text if text else None
        return option

    def _record_choice(self, row: int) -> bool:
        """Remember the row's decision; whether it changed."""
        if not 0 <= row < len(self._conflicts):
            return False
        self.name_edit(row).setEnabled(self.choice_combo(row).currentData() == RENAME)
        key = (self._conflicts[row].code_id, self._conflicts[row].kind)
        before, decision = self._choices.get(key), self._decision(row)
        if decision:
            self._choices[key] = decision
        else:
            self._choices.pop(key, None)
        return decision != before

    def _choice_changed(self, row: int) -> None:
        if self._record_choice(row):
            self.plan = None  # Import waits for the preview of these decisions
            self._again.start()
        self._update_ok()

    def resolutions(self) -> dict[str, str]:
        """Code id → decision, for every conflict that has one."""
        return {code_id: decision for (code_id, _), decision in self._choices.items()}

    def undecided(self) -> int:
        return sum(1 for row in range(len(self._conflicts)) if self._decision(row) is None)

    def previewing(self) -> bool:
        """A preview is being read (or waits for the next choice)."""
        return self._again.isActive() or (self.task is not None and self.task.running)

    # -- import ----------------------------------------------------------------------------------
    def _update_ok(self, *_: object) -> None:
        busy = self.previewing()
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

        self.task = run_task(self, "Importing…", self.session.project.path, work, self._merged,
                             session=self.session)
        self.task.failed.connect(self._merge_failed)
        self._update_ok()

    def _merge_failed(self, exc: BaseException) -> None:
        """Nothing was merged; new conflicts (after these decisions) get their own rows."""
        if isinstance(exc, ConflictError):
            self.preview(decisions_only=True)
        self._update_ok()

    def _merged(self, result: MergeResult) -> None:
        self.result = result
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
