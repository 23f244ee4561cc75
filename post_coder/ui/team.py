"""The Team menu, and blinding in the coding workspace.

The main window builds one :class:`TeamControls` per open project (parented to the
session, so it goes when the project closes) and lets it fill the Team menu: the rounds
panel toggle, Export Coder Package…, Export My Work…, Import Coder Work… and Merge Another
Project File…. Blinding itself is the session's read scope (``Session.scope``), which
every view reads through.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from post_coder.coding.exchange import WorkSummary, export_work, package_info
from post_coder.coding.workfile import EXTENSION as WORK_EXTENSION
from post_coder.errors import InputError
from post_coder.ids import CoderId
from post_coder.ui.dialogs.import_work_dialog import PROJECT, WORK, ImportWorkDialog
from post_coder.ui.errors import show_error
from post_coder.ui.models import reads
from post_coder.ui.rounds_panel import RoundsPanel
from post_coder.ui.session import Session
from post_coder.ui.tasks import Task, run_task
from post_coder.ui.workspace import CodingWorkspace

NO_CODER = ("choose who is coding first (Edit ▸ Change Coder…): a work file holds one "
            "coder's work")


class TeamControls(QObject):
    """The Team menu's actions for one open project (see the module docstring)."""

    def __init__(self, window: QWidget, session: Session, workspace: CodingWorkspace,
                 rounds: RoundsPanel) -> None:
        super().__init__(session)
        self.setObjectName("teamControls")
        self.window, self.session = window, session
        self.workspace, self.rounds = workspace, rounds
        self.task: Task | None = None
        self.dialog: ImportWorkDialog | None = None
        self.work_summary: WorkSummary | None = None

    def fill_menu(self, menu: QMenu, rounds_toggle: QAction) -> None:
        menu.addAction(rounds_toggle)
        menu.addSeparator()
        specs = [("actionExportPackage", "Export Coder &Package…", self.export_package,
                  "Write a copy of the project for one coder (blind rounds honoured)"),
                 ("actionExportWork", "Export My &Work…", self.export_work,
                  "Write your codings, memos and code proposals for the lead to import"),
                 ("actionImportWork", "&Import Coder Work…", self.import_work,
                  "Bring a coder's work file into this project"),
                 ("actionMergeProject", "&Merge Another Project File…", self.merge_project,
                  "Merge another copy of this project into this one")]
        lead = package_info(self.session.project) is None
        for name, text, slot, tip in specs:
            action = QAction(text, menu, objectName=name, statusTip=tip, toolTip=tip)
            action.triggered.connect(lambda _=False, s=slot: s())
            action.setEnabled(lead or name == "actionExportWork")
            menu.addAction(action)

    # -- blinding ------------------------------------------------------------------------------
    def refresh_blinding(self) -> None:
        """Re-read whose codings the current coder may see (``Session.refresh_scope``)."""
        self.session.refresh_scope()

    # -- actions -------------------------------------------------------------------------------
    def export_package(self) -> QWidget:
        return self.rounds.export_package()

    def import_work(self, path: str | Path | None = None) -> ImportWorkDialog:
        return self._import(path, WORK)

    def merge_project(self, path: str | Path | None = None) -> ImportWorkDialog:
        return self._import(path, PROJECT)

    def _import(self, path: str | Path | None, kind: str) -> ImportWorkDialog:
        dialog = ImportWorkDialog(self.session, None, self.window, kind=kind)
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        if path is not None:
            dialog.set_path(path)
        return dialog

    def export_work(self, target: str | Path | None = None) -> Task | None:
        """Write this coder's work (in a coder package: the package's coder) to a work file."""
        project = self.session.project
        info = package_info(project)
        coder = CoderId(info.coder_id) if info else self.session.coder_id
        if coder is None:
            show_error(self.window, InputError(NO_CODER))
            return None
        if target is None:
            name = next((c.name for c in reads.coders(project) if c.id == coder), "my")
            suggested = project.path.with_name(f"{project.path.stem} - {name} work{WORK_EXTENSION}")
            chosen, _ = QFileDialog.getSaveFileName(self.window, "Export my work", str(suggested),
                                                    f"Work files (*{WORK_EXTENSION})")
            if not chosen:
                return None
            target = chosen
        out = Path(target)
        self.task = run_task(self.window, "Exporting your work…", project.path,
                             lambda p, progress: export_work(p, out, coder_id=coder),
                             self._work_written)
        return self.task

    def _work_written(self, summary: WorkSummary) -> None:
        self.work_summary = summary
        box = QMessageBox(QMessageBox.Icon.Information, "Work exported",
                          f"Wrote {summary.path.name}: {summary.coder}'s {summary.codings} "
                          f"codings, {summary.removals} removals, {summary.memos} memos and "
                          f"{summary.codes} codebook proposals. Send this file to the lead, "
                          "who imports it with Team ▸ Import Coder Work….",
                          QMessageBox.StandardButton.Ok, self.window)
        box.setObjectName("workExportedBox")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
