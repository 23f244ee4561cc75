"""The Team menu, and blinding in the coding workspace.

The main window builds one :class:`TeamControls` per open project (parented to the
session, so it goes when the project closes) and lets it fill the Team menu: the rounds
panel toggle, Coders…, Export Coder Package…, Export My Work…, Import Coder Work…,
Merge Another Project File…, Agreement… (:mod:`post_coder.ui.agreement_window`) and
Review Discrepancies… (:mod:`post_coder.ui.review_window`).
Blinding itself is the session's read scope (``Session.scope``), which every view reads
through.

A coder package opened under another name than its coder's (the saved name "Maya C." on
Maya Chen's package) gets a warning that offers to code as the package's coder; Export My
Work says plainly when codings made in the package are recorded under another name and
so are not in the work file.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from post_coder.changes import Changes
from post_coder.coding.coders import list_coders
from post_coder.errors import InputError
from post_coder.ids import CoderId
from post_coder.team.package import (WorkSummary, codings_by_others, export_work,
                                        package_info)
from post_coder.team.workfile import EXTENSION as WORK_EXTENSION
from post_coder.ui import settings as app_settings
from post_coder.ui.agreement_window import AgreementWindow, reveal_response
from post_coder.ui.dialogs.coders_dialog import CodersDialog
from post_coder.ui.dialogs.import_work_dialog import PROJECT, WORK, ImportWorkDialog
from post_coder.ui.errors import show_error
from post_coder.ui.models import reads
from post_coder.ui.review_window import ReviewLauncher
from post_coder.ui.rounds_panel import RoundsPanel
from post_coder.ui.session import Session
from post_coder.ui.tasks import Task, run_task
from post_coder.ui.workspace import CodingWorkspace

NO_CODER = ("choose who is coding first (Edit ▸ Change Coder…): a work file holds one "
            "coder's work")


class TeamControls(QObject):
    """The Team menu's actions for one open project (see the module docstring).

    ``settings``: where the app keeps who is coding; it follows a rename of that coder
    and a switch to a package's coder.
    """

    #: the coder of this window changed (to the package's coder)
    coder_changed = Signal()

    def __init__(self, window: QWidget, session: Session, workspace: CodingWorkspace,
                 rounds: RoundsPanel, settings: QSettings | None = None) -> None:
        super().__init__(session)
        self.setObjectName("teamControls")
        self.window, self.session = window, session
        self.workspace, self.rounds = workspace, rounds
        self.settings = settings
        self.task: Task | None = None
        self.dialog: ImportWorkDialog | None = None
        self.coders_dialog: CodersDialog | None = None
        self.work_summary: WorkSummary | None = None
        self.box: QMessageBox | None = None
        self.agreement: AgreementWindow | None = None
        session.project_did_change.connect(self._changed)
        self.check_package_coder()

    def fill_menu(self, menu: QMenu, rounds_toggle: QAction) -> None:
        menu.addAction(rounds_toggle)
        coders = QAction("&Coders…", menu, objectName="actionCoders",
                         statusTip="Everyone who codes in this project: add a colleague, "
                                   "edit a name, initials or color")
        coders.triggered.connect(lambda: self.show_coders())
        menu.addAction(coders)
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
        menu.addSeparator()
        agreement = QAction("A&greement…", menu, objectName="actionAgreement",
                            statusTip="Agreement per code, disagreements and convergence "
                                      "across rounds")
        agreement.triggered.connect(lambda: self.show_agreement())
        menu.addAction(agreement)
        self.review = ReviewLauncher(self.window, self.session, menu)
        menu.addAction(self.review.action)

    # -- blinding ------------------------------------------------------------------------------
    def refresh_blinding(self) -> None:
        """Re-read whose codings the current coder may see (``Session.refresh_scope``)."""
        self.session.refresh_scope()

    # -- who is coding --------------------------------------------------------------------------
    def check_package_coder(self) -> QMessageBox | None:
        """In a coder package opened under another name: warn, and offer to switch."""
        info = package_info(self.session.project)
        if info is None or self.session.coder_id == info.coder_id:
            return None
        names = {c.id: c.name for c in list_coders(self.session.project)}
        you = names.get(self.session.coder_id or "")
        package_coder = names.get(info.coder_id, info.coder_name)
        others = codings_by_others(self.session.project)
        already = sum(n for _, _, n in others)
        text = (f"This coder package was made for {package_coder}, but you are coding as "
                f"“{you}”." if you else f"This coder package was made for {package_coder}, "
                "and you have not said who is coding.")
        text += (f" Export My Work takes only {package_coder}'s codings, so codings made "
                 f"here under another name would not reach the lead.")
        if already:
            text += (f" {already} coding{'s have' if already != 1 else ' has'} already been "
                     "made here under another name.")
        text += f"\n\nCode as {package_coder}?"
        box = QMessageBox(QMessageBox.Icon.Warning, f"This package is {package_coder}'s", text,
                          QMessageBox.StandardButton.NoButton, self.window)
        box.setObjectName("packageCoderBox")
        switch = box.addButton(f"Code as {package_coder}", QMessageBox.ButtonRole.AcceptRole)
        switch.setObjectName("switchCoderButton")
        keep = box.addButton(f"Keep “{you}”" if you else "Not now",
                             QMessageBox.ButtonRole.RejectRole)
        keep.setObjectName("keepCoderButton")
        box.setDefaultButton(switch)
        switch.clicked.connect(self.switch_to_package_coder)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.box = box
        box.open()
        return box

    def switch_to_package_coder(self) -> None:
        """Code as the package's coder (and remember it as who is coding)."""
        info = package_info(self.session.project)
        if info is None:
            return
        self.session.set_coder(info.coder_id)
        self._remember_identity()
        self.refresh_blinding()
        self.coder_changed.emit()

    def _remember_identity(self) -> None:
        """Keep the saved name and initials equal to the current coder's."""
        coder = next((c for c in list_coders(self.session.project)
                      if c.id == self.session.coder_id), None)
        if self.settings is None or coder is None:
            return
        if app_settings.coder_identity(self.settings) != (coder.name, coder.initials):
            app_settings.set_coder_identity(self.settings, coder.name, coder.initials)

    def _changed(self, changes: Changes, initiator: object) -> None:
        if changes.coders:  # the current coder may have been renamed (or the rename undone)
            self._remember_identity()

    def show_coders(self) -> CodersDialog:
        """Team ▸ Coders…: list, add and edit coders (never changes who is coding)."""
        dialog = CodersDialog(self.session, self.window)
        dialog.finished.connect(dialog.deleteLater)
        self.coders_dialog = dialog
        dialog.open()
        return dialog

    def show_agreement(self) -> AgreementWindow:
        """Team ▸ Agreement…: one window per open project (raised if open already)."""
        if self.agreement is None:
            self.agreement = AgreementWindow(self.session, self.window)
            self.agreement.response_requested.connect(
                lambda response: reveal_response(self.workspace, response))
            self.destroyed.connect(self.agreement.deleteLater)  # the project closed
        self.agreement.show()
        self.agreement.raise_()
        self.agreement.activateWindow()
        return self.agreement

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
        wrote = (f"Wrote {summary.path.name}: {summary.coder}'s {summary.codings} codings, "
                 f"{summary.removals} removals, {summary.memos} memos and {summary.codes} "
                 "codebook proposals.")
        if summary.left_out:
            nothing = summary.codings == 0 and summary.removals == 0
            box = QMessageBox(QMessageBox.Icon.Warning,
                              "No codings exported" if nothing else "Some codings left out",
                              f"{wrote}\n\n{summary.left_out_text()}",
                              QMessageBox.StandardButton.Ok, self.window)
            box.setObjectName("workLeftOutBox")
        else:
            box = QMessageBox(QMessageBox.Icon.Information, "Work exported",
                              f"{wrote} Send this file to the lead, who imports it with "
                              "Team ▸ Import Coder Work….", QMessageBox.StandardButton.Ok,
                              self.window)
            box.setObjectName("workExportedBox")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.box = box
        box.open()
