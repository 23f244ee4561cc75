"""The main window: navigator, coding workspace, codebook and memos around one project."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (QApplication, QDockWidget, QFileDialog, QMainWindow,
                               QMenu, QMessageBox, QTabWidget, QWidget)

from post_coder import __version__
from post_coder.changes import Changes
from post_coder.coding.coders import ensure_coder, list_coders
from post_coder.demo import open_or_build_demo
from post_coder.errors import PostCoderError
from post_coder.project import EXTENSION, Project
from post_coder.queries import project_totals
from post_coder.ui import settings as app_settings
from post_coder.ui.background import SMALL_PROJECT_CODINGS, BackgroundReader
from post_coder.ui.code_suggestions_panel import CodeSuggestionsPanel
from post_coder.ui.codebook_panel import CodebookPanel
from post_coder.ui.dialogs.coder_dialog import CoderDialog
from post_coder.ui.dialogs.history_dialog import HistoryDialog
from post_coder.ui.dialogs.import_wizard import ImportWizard
from post_coder.ui.errors import show_error, show_unexpected
from post_coder.ui.groupings_panel import GroupingsPanel
from post_coder.ui.navigator import QuestionNavigator
from post_coder.ui.reading import ReadingControls
from post_coder.ui.rounds_panel import RoundsPanel
from post_coder.ui.session import Session
from post_coder.ui.start_page import StartPage
from post_coder.ui.team import TeamControls
from post_coder.ui.themes_panel import ThemesPanel
from post_coder.ui.widgets.elided_label import ElidedLabel
from post_coder.ui.widgets.memo_editor import MemoEditor
from post_coder.ui.workspace import CodingWorkspace

if TYPE_CHECKING:
    # File ▸ Export and the RE-AIM editor are imported when first opened: they bring
    # pandas, which took a third of the time to the main window
    from post_coder.ui.dialogs.export_dialog import ExportDialog
    from post_coder.ui.reaim_editor import ReaimEditor

FILE_FILTER = f"POST Coder projects (*{EXTENSION});;All files (*)"


class MainWindow(QMainWindow):
    """One window, one project at a time; the start page when none is open."""

    def __init__(self, settings: QSettings, *, ask_coder: bool = True) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.settings = settings
        self.ask_coder = ask_coder
        self.session: Session | None = None
        self.workspace: CodingWorkspace | None = None
        self.codebook: CodebookPanel | None = None
        self.team: TeamControls | None = None
        self._status_reader: BackgroundReader | None = None
        self._integrity_reader: BackgroundReader | None = None
        self._docks: list[QDockWidget] = []
        self.status = ElidedLabel()  # shortened with "…" on a narrow screen
        self.status.setObjectName("statusCounts")
        self.statusBar().addPermanentWidget(self.status)
        # counts refresh once after a burst of actions, not on every keystroke's coding
        self._status_timer = QTimer(self)
        self._status_timer.setSingleShot(True)
        self._status_timer.setInterval(250)
        self._status_timer.timeout.connect(self._update_status)
        self._build_menus()
        self._show_start_page()
        self.resize(1280, 800)
        geometry = settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)

    # -- menus -------------------------------------------------------------------------
    def _action(self, text: str, name: str, slot, shortcut=None, menu: QMenu | None = None,
                tip: str = "") -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        if menu is not None:
            menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        self._action("&New Project…", "actionNew", self.new_project, QKeySequence.StandardKey.New,
                     file)
        self._action("&Open Project…", "actionOpen", self.choose_project,
                     QKeySequence.StandardKey.Open, file)
        self.recent_menu = file.addMenu("Open &Recent")
        self.recent_menu.setObjectName("menuRecent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self._action("Open &Demo Project", "actionDemo", self.open_demo, None, file)
        file.addSeparator()
        self.import_action = self._action("&Import Survey…", "actionImport", self.import_survey,
                                          "Ctrl+I", file)
        self.copy_action = self._action("Save a &Copy…", "actionSaveCopy", self.save_copy,
                                        "Ctrl+Shift+S", file)
        self.export_action = self._action("&Export…", "actionExport", self.show_export,
                                          "Ctrl+E", file)
        self.close_action = self._action("&Close Project", "actionClose", self.close_project,
                                         QKeySequence.StandardKey.Close, file)
        file.addSeparator()
        self._action("&Quit", "actionQuit", self.close, QKeySequence.StandardKey.Quit, file)

        edit = bar.addMenu("&Edit")
        self.undo_action = self._action("&Undo", "actionUndo", self.undo,
                                        QKeySequence.StandardKey.Undo, edit)
        self.redo_action = self._action("&Redo", "actionRedo", self.redo,
                                        QKeySequence("Ctrl+Shift+Z"), edit)
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        edit.addSeparator()
        self.find_action = self._action("&Find Responses…", "actionFind", self._focus_search,
                                        QKeySequence.StandardKey.Find, edit)
        self.coder_action = self._action("Change &Coder…", "actionCoder", self.change_coder,
                                         None, edit)
        self.code_menu = bar.addMenu("&Code")
        self.codebook_menu = bar.addMenu("Code&book")
        self.team_menu = bar.addMenu("&Team")  # filled by TeamControls while a project is open
        self.team_menu.setObjectName("menuTeam")
        analysis = bar.addMenu("&Analysis")
        analysis.setObjectName("menuAnalysis")
        self.reaim_action = self._action(
            "RE-AIM &Summary…", "actionReaim", self.show_reaim_editor, None, analysis,
            "The RE-AIM measures of the project's data: add, edit and see their numbers")
        self.themes_action = self._action(
            "Suggest &Themes…", "actionSuggestThemes", self.show_themes_panel, None, analysis,
            "Candidate themes found in the answers on this computer, to accept or dismiss")
        self.codes_action = self._action(
            "Suggest &Codes…", "actionSuggestCodes", self.show_code_suggestions, None,
            analysis, "Codes suggested for your uncoded answers: Y accepts, N rejects")
        self.groupings_action = self._action(
            "Suggest Code &Groupings…", "actionSuggestGroupings", self.show_groupings, None,
            analysis, "Parent themes proposed for your codes, with the codes' dendrogram")
        self.view_menu = bar.addMenu("&View")
        self.view_menu.setObjectName("menuView")
        self.history_action = self._action(
            "&History…", "actionHistory", self.show_history, "Ctrl+Shift+H", self.view_menu,
            "Every change made to the project, with the reason given for it")
        self.view_menu.addSeparator()
        self.suggestions_action = QAction("Show Code Su&ggestions", self, checkable=True,
                                          objectName="actionShowCodeSuggestions")
        self.suggestions_action.setStatusTip(
            "Show the codes Analysis ▸ Suggest Codes suggests for the response in the viewer, "
            "with Y to accept, N to reject and S for the next (remembered)")
        self.suggestions_action.setChecked(app_settings.show_code_suggestions(self.settings))
        self.suggestions_action.toggled.connect(self.set_show_code_suggestions)
        self.view_menu.addAction(self.suggestions_action)
        self.reading = ReadingControls(self, self.settings)  # row height, text size
        self.reading.fill_menu(self.view_menu)
        self._build_coder_views()
        help_menu = bar.addMenu("&Help")
        self._action("&Keyboard Shortcuts", "actionShortcuts", self.show_shortcuts,
                     QKeySequence.StandardKey.HelpContents, help_menu)
        self._action("&About POST Coder", "actionAbout", self.show_about, None, help_menu)
        self._update_enabled()

    def _build_coder_views(self) -> None:
        """View ▸ Codes by Coder (pooled, initials, a column each) and the codebook's counts
        per coder; both remembered in the settings."""
        menu = self.view_menu.addMenu("Codes by &Coder")
        menu.setObjectName("menuCodesByCoder")
        group = QActionGroup(self)
        self.coder_mode_actions: dict[str, QAction] = {}
        for mode, text, name in (
                ("pooled", "&Pooled: one list of codes", "actionCodesPooled"),
                ("initials", "With each coder's &initials", "actionCodesInitials"),
                ("columns", "One &column per coder", "actionCodesColumns")):
            action = QAction(text, self, objectName=name, checkable=True)
            action.triggered.connect(lambda _=False, m=mode: self.set_coder_mode(m))
            group.addAction(action)
            menu.addAction(action)
            self.coder_mode_actions[mode] = action
        self.coder_mode_actions[app_settings.grid_coder_mode(self.settings)].setChecked(True)
        self.codebook_by_coder_action = QAction("Codebook Counts per Coder", self,
                                                objectName="actionCodebookByCoder",
                                                checkable=True)
        self.codebook_by_coder_action.setChecked(app_settings.codebook_by_coder(self.settings))
        self.codebook_by_coder_action.toggled.connect(self.set_codebook_by_coder)
        self.view_menu.addAction(self.codebook_by_coder_action)
        self.view_menu.addSeparator()

    def set_coder_mode(self, mode: str) -> None:
        """The grid's codes: pooled, with coders' initials, or one column per coder."""
        app_settings.set_grid_coder_mode(self.settings, mode)
        self.coder_mode_actions[mode].setChecked(True)
        if self.workspace is not None:
            self.workspace.set_coder_mode(mode)

    def set_show_code_suggestions(self, on: bool) -> None:
        """View ▸ Show Code Suggestions: the viewer's line of suggested codes and its keys
        Y, N and S, on or off (remembered)."""
        app_settings.set_show_code_suggestions(self.settings, on)
        if self.suggestions_action.isChecked() != on:
            self.suggestions_action.setChecked(on)
        if self.workspace is None:
            return
        self.workspace.set_show_suggestions(on)
        if on and self.workspace.code_queue.state is None:
            self.statusBar().showMessage(
                "No code suggestions yet: Analysis ▸ Suggest Codes… ▸ Run; they then show "
                "in the viewer.", 8000)

    def set_codebook_by_coder(self, on: bool) -> None:
        app_settings.set_codebook_by_coder(self.settings, on)
        if self.codebook_by_coder_action.isChecked() != on:
            self.codebook_by_coder_action.setChecked(on)
        if self.codebook is not None:
            self.codebook.set_counts_by_coder(on)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        files = app_settings.recent_files(self.settings)
        for path in files:
            action = self.recent_menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.triggered.connect(lambda _=False, p=path: self.open_project(Path(p)))
        if not files:
            self.recent_menu.addAction("(none yet)").setEnabled(False)

    def _update_enabled(self) -> None:
        has = self.session is not None
        for action in (self.import_action, self.copy_action, self.export_action,
                       self.close_action, self.find_action, self.coder_action,
                       self.history_action, self.reaim_action, self.themes_action,
                       self.codes_action, self.groupings_action):
            action.setEnabled(has)
        writable = has and not self.session.readonly
        self.import_action.setEnabled(writable)
        undo = self.session.undo_label() if writable else None
        redo = self.session.redo_label() if writable else None
        self.undo_action.setEnabled(undo is not None)
        self.undo_action.setText(f"&Undo {undo}" if undo else "&Undo")
        self.redo_action.setEnabled(redo is not None)
        self.redo_action.setText(f"&Redo {redo}" if redo else "&Redo")

    # -- opening and closing ----------------------------------------------------------
    def _show_start_page(self) -> None:
        page = StartPage(app_settings.recent_files(self.settings))
        page.new_requested.connect(self.new_project)
        page.open_requested.connect(self.choose_project)
        page.demo_requested.connect(self.open_demo)
        page.recent_requested.connect(lambda p: self.open_project(Path(p)))
        self.setCentralWidget(page)
        self.setWindowTitle("POST Coder")
        self.status.setText("No project open")

    def choose_project(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open project", str(Path.home()), FILE_FILTER)
        if path:
            self.open_project(Path(path))

    def new_project(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "New project", str(Path.home()), FILE_FILTER)
        if not path:
            return
        path = Path(path)
        if path.suffix != EXTENSION:
            path = path.with_name(path.name + EXTENSION)
        self._adopt(lambda: Project.create(path))

    def open_project(self, path: Path) -> bool:
        if not path.exists():
            app_settings.remove_recent_file(self.settings, str(path))
        return self._adopt(lambda: Project.open(path))

    def open_demo(self) -> bool:
        return self._adopt(open_or_build_demo)

    def _adopt(self, make) -> bool:
        if not self.close_project():
            return False
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            project = make()
        except PostCoderError as exc:
            QApplication.restoreOverrideCursor()
            show_error(self, exc)
            return False
        except Exception as exc:
            QApplication.restoreOverrideCursor()
            show_unexpected(self, exc)
            return False
        QApplication.restoreOverrideCursor()
        self.install(project)
        return True

    def install(self, project: Project) -> None:
        """Show ``project`` in the window (the window now owns it and closes it)."""
        self.session = Session(project, parent=self)
        self.session.busy_did_change.connect(self._show_busy)
        self._status_reader: BackgroundReader | None = None
        self._integrity_reader = None
        self._choose_coder()
        self.session.project_did_change.connect(self._changed)
        self.session.visibility_did_change.connect(self._status_timer.start)
        self.session.undo_state_did_change.connect(self._update_enabled)
        self.workspace = CodingWorkspace(self.session)
        self.setCentralWidget(self.workspace)
        self.reading.attach(self.workspace)
        self.navigator = QuestionNavigator(self.session)
        self.navigator.question_selected.connect(self.workspace.set_question)
        self.codebook = CodebookPanel(self.session)
        self.codebook.code_activated.connect(self.workspace.apply_code)
        self.codebook.filter_requested.connect(self.workspace.set_filter_code)
        self.workspace.set_coder_mode(app_settings.grid_coder_mode(self.settings))
        self.workspace.set_show_suggestions(app_settings.show_code_suggestions(self.settings))
        self.codebook.set_counts_by_coder(app_settings.codebook_by_coder(self.settings))
        self.response_memo = MemoEditor(self.session)
        self.code_memo = MemoEditor(self.session)
        self.project_memo = MemoEditor(self.session)
        self.project_memo.set_target("project", None)
        self.workspace.response_selected.connect(self._response_selected)
        self.codebook.tree.selectionModel().currentChanged.connect(self._code_selected)
        memos = QTabWidget()
        memos.setObjectName("memoTabs")
        memos.addTab(self.response_memo, "Response")
        memos.addTab(self.code_memo, "Code")
        memos.addTab(self.project_memo, "Project")
        questions = self._dock("Questions", "dockQuestions", self.navigator,
                               Qt.DockWidgetArea.LeftDockWidgetArea)
        codes = self._dock("Codebook", "dockCodebook", self.codebook,
                           Qt.DockWidgetArea.LeftDockWidgetArea)
        notes = self._dock("Memos", "dockMemos", memos, Qt.DockWidgetArea.RightDockWidgetArea)
        self._default_sizes = (questions, codes, notes)
        # menus only: the actions' shortcuts are scoped to their own panels
        for action in self.workspace.actions():
            self.code_menu.addAction(action)
        for action in self.codebook.actions():
            self.codebook_menu.addAction(action)
        # teamwork: the rounds dock (tabbed with the memos) and the Team menu (ui/team.py)
        self.rounds_panel = RoundsPanel(self.session)
        rounds = self._dock("Rounds", "dockRounds", self.rounds_panel,
                            Qt.DockWidgetArea.RightDockWidgetArea)
        self.tabifyDockWidget(notes, rounds)
        notes.raise_()
        self.team = TeamControls(self, self.session, self.workspace, self.rounds_panel,
                                 settings=self.settings)
        self.team.coder_changed.connect(self._update_status)
        self.team.fill_menu(self.team_menu, rounds.toggleViewAction())
        state = self.settings.value("window/state")
        if state is None or not self.restoreState(state):
            QTimer.singleShot(0, self._size_docks)  # once the window has its size
        app_settings.add_recent_file(self.settings, project.path)
        self._update_title()
        self._update_status()
        self._update_enabled()
        if project.readonly:
            self._show_read_only()
        elif not project.checked_fully:  # a large file: look at every page off the UI thread
            self._integrity_reader = BackgroundReader(project.path, self.session)
            self._integrity_reader.did_finish.connect(
                lambda problem, p=project: self._integrity_checked(p, problem))
            self._integrity_reader.request(Project.find_damage)

    def _update_title(self) -> None:
        if self.session is None:
            return
        project = self.session.writer
        state = (" (damaged — read-only)" if project.damage is not None
                 else " (read-only)" if project.readonly else "")
        self.setWindowTitle(f"{project.name}{state} — POST Coder")

    def _integrity_checked(self, project: Project, problem: str | None) -> None:
        if problem is None or self.session is None or self.session.writer is not project:
            return
        show_error(self, project.mark_damaged(problem), "Damaged project file")
        self._show_read_only()

    def _show_read_only(self) -> None:
        """Viewing and exporting only: say so, and keep people from typing into the void."""
        self._update_title()
        for editor in (self.response_memo, self.code_memo, self.project_memo):
            editor.editor.setReadOnly(True)
        self._update_enabled()
        self.statusBar().showMessage(
            "This project is open for viewing and exporting only; changes cannot be saved.")

    def _size_docks(self) -> None:
        if self.session is None:
            return
        questions, codes, notes = self._default_sizes
        # side panels share the width with the grid: narrower on a laptop screen
        width = self.width()
        self.resizeDocks([questions, notes], [min(360, max(220, width * 20 // 100)),
                                              min(280, max(200, width * 16 // 100))],
                         Qt.Orientation.Horizontal)
        self.resizeDocks([questions, codes], [170, 600], Qt.Orientation.Vertical)

    def _dock(self, title: str, name: str, widget: QWidget,
              area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        self.view_menu.addAction(dock.toggleViewAction())
        self._docks.append(dock)
        return dock

    def _choose_coder(self) -> None:
        identity = app_settings.coder_identity(self.settings)
        if identity is None and self.ask_coder:
            dialog = CoderDialog(self)
            if dialog.exec():
                identity = dialog.identity()
                app_settings.set_coder_identity(self.settings, *identity)
        if identity is not None:
            if self.session.readonly:  # viewing: be yourself if you are known, add nobody
                known = [c.id for c in list_coders(self.session.project)
                         if c.name.casefold() == identity[0].casefold()]
                if known:
                    self.session.set_coder(known[0])
                return
            # adding yourself (if new) is not an undo step and keeps the undo history
            coder = self.session.run(self, ensure_coder, identity[0], initials=identity[1])
            if coder is not None:
                self.session.set_coder(coder)

    def change_coder(self) -> None:
        current = app_settings.coder_identity(self.settings) or ("", "")
        dialog = CoderDialog(self, *current)
        if dialog.exec() and self.session is not None:
            app_settings.set_coder_identity(self.settings, *dialog.identity())
            self._choose_coder()
            if self.team is not None:
                self.team.refresh_blinding()  # the new coder may be in a blind round
            self._update_status()

    def close_project(self) -> bool:
        if self.session is None:
            return True
        for editor in self._reaim_editors():
            if not editor.close():  # unsaved spec edits: Save, Discard or Cancel
                return False
            editor.deleteLater()
        self.settings.setValue("window/state", self.saveState())
        if self.workspace is not None:
            self.workspace.model.detach()
        for dock in self._docks:
            self.removeDockWidget(dock)
            self.view_menu.removeAction(dock.toggleViewAction())
            dock.deleteLater()
        self._docks.clear()
        for menu in (self.code_menu, self.codebook_menu, self.team_menu):
            menu.clear()
        for dialog in self.findChildren(HistoryDialog):
            dialog.close()
        session, self.session = self.session, None
        session.close()  # finishes the queued actions first
        session.deleteLater()
        self.workspace = self.codebook = self.team = None
        self.reading.attach(None)
        self._show_start_page()
        self._update_enabled()
        return True

    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.close_project()
        self.settings.sync()
        event.accept()

    # -- actions ----------------------------------------------------------------------
    def undo(self) -> None:
        if self.session is not None and self.session.undo_label():
            self.session.undo(self)

    def redo(self) -> None:
        if self.session is not None and self.session.redo_label():
            self.session.redo(self)

    def import_survey(self) -> None:
        if self.session is not None:
            wizard = ImportWizard(self.session, self)
            wizard.import_did_finish.connect(lambda _result: self._update_status())
            wizard.open()

    def save_copy(self) -> None:
        if self.session is None:
            return
        suggested = self.session.project.path.with_name(
            self.session.project.path.stem + " copy" + EXTENSION)
        path, _ = QFileDialog.getSaveFileName(self, "Save a copy", str(suggested), FILE_FILTER)
        if path:
            try:
                self.session.project.save_copy(Path(path))
            except PostCoderError as exc:
                show_error(self, exc)
                return
            self.statusBar().showMessage(f"Saved a copy to {path}", 5000)

    def show_export(self) -> ExportDialog | None:
        if self.session is None:
            return None
        from post_coder.ui.dialogs.export_dialog import ExportDialog
        dialog = ExportDialog(self.session, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _focus_search(self) -> None:
        if self.workspace is not None:
            search = self.workspace.findChild(QWidget, "searchBox")
            if search is not None:
                search.setFocus()

    def _response_selected(self, response_id: object) -> None:
        if response_id:
            self.response_memo.set_target("response", str(response_id))

    def _code_selected(self, *_: object) -> None:
        code_id = self.codebook.current_code_id() if self.codebook else None
        if code_id:
            self.code_memo.set_target("code", code_id)

    def _changed(self, changes: Changes, initiator: object) -> None:
        self._status_timer.start()
        self._update_enabled()
        if changes.label:
            self.statusBar().showMessage(changes.label, 3000)

    def _show_busy(self, label: str | None) -> None:
        """While an action runs longer than a moment: say what the window waits for."""
        if label:
            self.statusBar().showMessage(f"{label}…")
        else:
            self.statusBar().clearMessage()

    def _update_status(self) -> None:
        """Counts for the status bar: read now on a small project, in the background on a
        large one (counting every coding takes a while there)."""
        if self.session is None:
            return
        scope = self.session.scope
        if self._status_reader is not None:
            self._status_reader.request(lambda reader: project_totals(reader, scope))
        else:
            totals = project_totals(self.session.project, scope)
            if totals["codings"] > SMALL_PROJECT_CODINGS:
                self._status_reader = BackgroundReader(self.session.project.path, self.session)
                self._status_reader.did_finish.connect(self._show_status)
            self._show_status(totals)

    def _show_status(self, t: dict[str, int]) -> None:
        if self.session is None:
            return
        coder = self.session.coder_id
        name = next((c.name for c in list_coders(self.session.project) if c.id == coder),
                    "nobody yet (Edit ▸ Change Coder…)")
        self.status.setText(f"{t['respondents']} respondents · {t['responses']} responses · "
                            f"{t['codes']} codes · {t['codings']} codings · coding as {name}")

    def show_about(self) -> None:
        QMessageBox.about(self, "About POST Coder",
                          f"<h3>POST Coder {__version__}</h3><p>Team coding of open-ended "
                          "survey responses: codebook refinement, inter-coder agreement, "
                          "discrepancy review and publication-ready theme tables.</p>")

    def _reaim_editors(self) -> list[ReaimEditor]:
        """The RE-AIM editors open (none when the editor's module was never loaded)."""
        module = sys.modules.get("post_coder.ui.reaim_editor")
        return [] if module is None else self.findChildren(module.ReaimEditor)

    def show_reaim_editor(self) -> ReaimEditor | None:
        """Analysis ▸ RE-AIM Summary: the spec editor (one window, raised if open)."""
        if self.session is None:
            return None
        from post_coder.ui.reaim_editor import ReaimEditor
        editor = next((e for e in self.findChildren(ReaimEditor)
                       if e.session is self.session and e.isVisible()), None)
        if editor is None:
            editor = ReaimEditor(self.session, self)
            editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.show()
        editor.raise_()
        editor.activateWindow()
        return editor

    def show_themes_panel(self) -> ThemesPanel | None:
        """Analysis ▸ Suggest Themes (one window per project, raised if open)."""
        return self._suggestions_window(ThemesPanel)

    def show_code_suggestions(self) -> CodeSuggestionsPanel | None:
        """Analysis ▸ Suggest Codes: the Y/N queue (one window per project)."""
        return self._suggestions_window(CodeSuggestionsPanel)

    def show_groupings(self) -> GroupingsPanel | None:
        """Analysis ▸ Suggest Code Groupings (one window per project)."""
        return self._suggestions_window(GroupingsPanel)

    def _suggestions_window(self, kind):
        if self.session is None:
            return None
        panel = next((w for w in self.findChildren(kind)
                      if w.session is self.session and w.isVisible()), None)
        if panel is None:
            panel = kind(self.session, self)
            panel.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            panel.addActions([self.undo_action, self.redo_action])  # Ctrl+Z there too
        panel.show()
        panel.raise_()
        panel.activateWindow()
        return panel

    def show_history(self) -> HistoryDialog | None:
        """View ▸ History: the audit log (one window, raised if already open)."""
        if self.session is None:
            return None
        dialog = self.findChild(HistoryDialog, "historyDialog")
        if dialog is None or dialog.session is not self.session:
            dialog = HistoryDialog(self.session, self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def show_shortcuts(self) -> None:
        rows = []
        for action in self.findChildren(QAction):
            text, _, keys = action.text().partition("\t")  # "…\tEnter": a key, not a shortcut
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText) or keys
            if keys and text:
                rows.append(f"<tr><td>{text.replace('&', '')}</td><td><b>{keys}</b></td></tr>")
        box = QMessageBox(QMessageBox.Icon.NoIcon, "Keyboard shortcuts",
                          "<table>" + "".join(sorted(set(rows))) + "</table>",
                          QMessageBox.StandardButton.Ok, self)
        box.setObjectName("shortcutsBox")
        box.open()


def render_screenshot(window: MainWindow, path: Path) -> None:
    """Lay the window out offscreen and save it as a PNG."""
    window.show()
    app = QApplication.instance()
    for _ in range(5):
        app.processEvents()
    QTimer.singleShot(0, lambda: None)
    app.processEvents()
    if not window.grab().save(str(path)):
        raise PostCoderError(f"could not write the screenshot to {path}")
