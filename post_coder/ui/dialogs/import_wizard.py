"""Import a survey export into the open project, step by step.

File → Preview → Columns → Import. Inspecting the file is quick and runs on the UI thread;
the import itself runs in the background (:func:`~post_coder.ui.tasks.run_task`) with a
progress dialog that can cancel. On success the wizard closes, tells every view what
changed and reports the counts; on an error it shows the core's message and stays open so
the mapping can be fixed; a cancelled import leaves the project as it was.

The main window opens it with ``ImportWizard(session, parent).open()``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow, QWidget, QWizard

from post_coder.errors import DuplicateImportError, PostCoderError
from post_coder.importing import ImportPlan, ImportResult, earlier_import, import_survey
from post_coder.progress import Progress
from post_coder.project import Project
from post_coder.ui.dialogs.import_pages import (
    FilePage, MappingPage, PreviewPage, SummaryPage, plural, set_error, set_message,
)
from post_coder.ui.session import Session
from post_coder.ui.tasks import Task, run_task


def result_message(result: ImportResult, name: str) -> str:
    """``Imported 75 respondents and 120 responses to code into "post_survey".``"""
    return (f'Imported {plural(result.respondents, "respondent")} and '
            f'{plural(result.responses, "response")} to code into "{name}".')


def _default_size(parent: QWidget | None) -> QSize:
    """Roomy, but never larger than the screen it opens on (a 1280×720 laptop too)."""
    screen = parent.screen() if parent is not None else QGuiApplication.primaryScreen()
    room = screen.availableGeometry().size() if screen is not None else QSize(1280, 720)
    return QSize(max(760, min(1000, room.width() - 40)), max(520, min(680, room.height() - 60)))


class ImportWizard(QWizard):
    """The survey import wizard. ``result`` holds the :class:`ImportResult` after success.

    With a parent window the wizard deletes itself once closed (read ``result`` in a slot of
    ``import_did_finish`` or ``finished``); the window's status bar gets the counts.
    """

    #: (ImportResult) after a successful import, before the wizard closes
    import_did_finish = Signal(object)

    FILE, PREVIEW, MAPPING, SUMMARY = range(4)

    def __init__(self, session: Session, parent: QWidget | None = None,
                 path: str | Path | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importWizard")
        self.setWindowTitle("Import survey")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.HaveHelpButton, False)
        self.setMinimumSize(760, 520)
        self.resize(_default_size(parent))
        self.session = session
        #: what the file holds, as inspected (page 1), and with the person's choices (page 3)
        self.plan: ImportPlan | None = None
        self.mapped: ImportPlan | None = None
        self.task: Task | None = None
        #: an import is under way (the wizard cannot close; Cancel cancels the import)
        self.running = False
        #: the message shown after the last import (also in the main window's status bar)
        self.message = ""
        self._result: ImportResult | None = None
        self.file_page = FilePage(self)
        self.preview_page = PreviewPage(self)
        self.mapping_page = MappingPage(self)
        self.summary_page = SummaryPage(self)
        for page_id, page in ((self.FILE, self.file_page), (self.PREVIEW, self.preview_page),
                              (self.MAPPING, self.mapping_page),
                              (self.SUMMARY, self.summary_page)):
            self.setPage(page_id, page)
        self.setButtonText(QWizard.WizardButton.FinishButton, "Import")
        for which, name in ((QWizard.WizardButton.BackButton, "wizardBack"),
                            (QWizard.WizardButton.NextButton, "wizardNext"),
                            (QWizard.WizardButton.FinishButton, "wizardFinish"),
                            (QWizard.WizardButton.CancelButton, "wizardCancel")):
            self.button(which).setObjectName(name)
        if path is not None:
            self.file_page.path_edit.setText(str(path))
        if parent is not None:  # opened from a window: free the file's data once closed
            self.finished.connect(self.deleteLater)

    @property
    def result(self) -> ImportResult | None:  # type: ignore[override]
        """The import's result once it succeeded (``None`` before). Shadows QDialog.result();
        the dialog code is still ``exec()``'s return value."""
        return self._result

    # -- called by the pages ---------------------------------------------------------------

    def set_plan(self, plan: ImportPlan) -> None:
        self.plan = plan
        self.mapped = plan

    def earlier_import(self, plan: ImportPlan) -> str:
        """Why "Import again anyway" is offered, or "" when the file is new to the project."""
        return earlier_import(self.session.project, plan)

    def start_import(self, name: str, allow_duplicate: bool) -> None:
        """Run the import in the background; the wizard stays open until it ends."""
        if self.running or self.mapped is None:
            return
        plan, actor = self.mapped, self.session.coder_id

        def work(project: Project, progress: Progress) -> ImportResult:
            project.actor = actor
            return import_survey(project, plan, name=name, allow_duplicate=allow_duplicate,
                                 progress=progress)

        set_message(self.summary_page.error, "")
        self.summary_page.status.setText("Importing…")
        self._set_running(True)
        self.task = run_task(self, "Importing survey", self.session.project.path, work,
                             on_done=lambda result: self._succeeded(result, name),
                             session=self.session)
        self.task.failed.connect(self._failed)
        self.task.cancelled.connect(self._cancelled)

    # -- the task's outcome --------------------------------------------------------------------

    def _succeeded(self, result: ImportResult, name: str) -> None:
        self._set_running(False)
        self._result = result
        self.message = result_message(result, name)
        self.summary_page.status.setText(self.message)
        window = self.parentWidget()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(self.message, 15_000)
        self.import_did_finish.emit(result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        """The task already showed the message in a box; keep it on the page too."""
        self._set_running(False)
        self.summary_page.status.setText("")
        if isinstance(exc, DuplicateImportError):
            self.summary_page.show_duplicate(exc.message)
        elif isinstance(exc, PostCoderError):
            set_error(self.summary_page.error, exc)
        else:  # a bug, already reported in its own box
            set_message(self.summary_page.error, "the import failed; nothing was imported")

    def _cancelled(self) -> None:
        self._set_running(False)
        self.summary_page.status.setText("Import cancelled: nothing was imported.")

    def _set_running(self, running: bool) -> None:
        self.running = running
        if not running:
            self.task = None
        self.setOption(QWizard.WizardOption.DisabledBackButtonOnLastPage, running)
        for widget in (self.summary_page.name, self.summary_page.again):
            widget.setEnabled(not running)
        self.summary_page.completeChanged.emit()

    # -- closing ---------------------------------------------------------------------------

    def reject(self) -> None:
        """Cancel (or Esc) while importing cancels the import; the wizard then stays open."""
        if self.running:
            if self.task is not None:
                self.task.cancel()
            return
        super().reject()

    def done(self, code: Any) -> None:
        if self.running:  # never close under a running import
            return
        super().done(code)
