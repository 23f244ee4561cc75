"""The coding workspace: filters on top, the response grid, the response viewer below.

The main window puts :class:`CodingWorkspace` in its centre and adds ``actions()`` to its
Code menu. Every write goes through ``Session.run``; the grid and the viewer refresh from
``project_did_change`` like any other view, and read through the session's scope
(``session.scope``), reloading on ``visibility_did_change``.

The viewer shows the codes suggested for the response shown, when the last Analysis ▸
Suggest Codes run has some (the session's shared queue: :mod:`post_coder.ui.code_queue`);
Y accepts the ticked ones, N rejects them, S goes to the next response with suggestions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import (QEvent, QItemSelectionModel, QModelIndex, QObject, QSignalBlocker,
                            Qt, Signal)
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QMenu,
                               QPushButton, QSplitter, QStackedWidget, QTableView, QVBoxLayout,
                               QWidget)

from post_coder.changes import Changes
from post_coder.coding import codings, done, keys
from post_coder.errors import InputError, PostCoderError
from post_coder.queries import ResponseQuery, coder_marks, next_uncoded
from post_coder.ui.code_queue import code_queue
from post_coder.ui.errors import show_error
from post_coder.ui.models import reads
from post_coder.ui.models.response_table import (AGREEMENT, CODED, CODES, COLUMNS, DONE, QUESTION,
                                                 RESPONDENT, RESPONSE, ResponseTableModel,
                                                 ResponseTextRole)
from post_coder.ui.session import Session
from post_coder.ui.widgets.code_palette import CodePalette
from post_coder.ui.widgets.filter_bar import FilterBar
from post_coder.ui.widgets.response_delegate import ResponseDelegate
from post_coder.ui.widgets.response_viewer import ResponseViewer

NO_SURVEY = "Import a survey to start coding: File ▸ Import Survey… (Ctrl+I)"
NO_MATCHES = "No responses match these filters."
NO_CODER = ("no coder is chosen yet; choose who is coding with Edit ▸ Change Coder… "
            "(each coder's codes are kept apart)")
PINS = 9
NO_SUGGESTIONS_YET = ("No code suggestions yet: run Analysis ▸ Suggest Codes… to see codes "
                      "suggested for the responses you have not coded.")
# narrow enough that the answer keeps >= 240 px on a 1280 x 720 laptop (tests/ui/test_laptop)
COLUMN_WIDTHS = {RESPONDENT: 90, QUESTION: 108, CODES: 126, CODED: 48, DONE: 46,
                 AGREEMENT: 78}


class CodingWorkspace(QWidget):
    """Find responses, read them and code them (see the module docstring)."""

    #: the response shown in the viewer changed (its id, or None)
    response_selected = Signal(object)
    #: the codes on keys 1–9 changed (list of code ids)
    pinned_codes_changed = Signal(list)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("codingWorkspace")
        self.session = session
        self.palette: CodePalette | None = None
        self._current: str | None = None
        self._pinned: list[str | None] = []  # the code on each key 1–9 (coding.keys)
        self._pin_names: dict[str, str | None] = {}
        self._resetting = False
        self.filter_bar = FilterBar(session, self)
        self.model = ResponseTableModel(session.project, session.scope,
                                        self.filter_bar.current_query(), self)
        self.viewer = ResponseViewer(session, self)
        #: the last Suggest Codes run's queue, shared with its window
        self.code_queue = code_queue(session)
        self._show_suggestions = True
        self._build()
        self._actions = self._make_actions()
        self._connect()
        self._refresh_pins()
        self._show_agreement_column(self.model.agreement_visible)
        self._after_reset()

    # -- building ----------------------------------------------------------------------------
    def _build(self) -> None:
        self.table = self._make_table()
        self.empty_label = QLabel(objectName="emptyStateLabel",
                                  alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        self.empty_clear = QPushButton("Clear filters", objectName="emptyClearButton", flat=True)
        self.empty_clear.setStyleSheet("color: palette(link); text-decoration: underline;")
        self.empty_clear.clicked.connect(self.filter_bar.clear)
        empty = QWidget(objectName="emptyState")
        empty_layout = QVBoxLayout(empty)
        empty_layout.addStretch(1)
        empty_layout.addWidget(self.empty_label)
        empty_layout.addWidget(self.empty_clear, 0, Qt.AlignmentFlag.AlignHCenter)
        empty_layout.addStretch(1)
        self.stack = QStackedWidget(objectName="responseStack")
        self.stack.addWidget(self.table)
        self.stack.addWidget(empty)
        self.splitter = QSplitter(Qt.Orientation.Vertical, objectName="workspaceSplitter")
        self.splitter.addWidget(self.stack)
        self.splitter.addWidget(self.viewer)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.count_label = QLabel(objectName="responseCount")
        self.status = QLabel(objectName="workspaceStatus")
        self.blind_label = QLabel("Blind round: only your own codings and memos are shown",
                                  objectName="blindNotice", visible=self.session.scope.blind)
        status_row = QHBoxLayout()
        status_row.addWidget(self.count_label)
        status_row.addWidget(self.blind_label)
        status_row.addStretch(1)
        status_row.addWidget(self.status)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter_bar)
        layout.addLayout(status_row)
        layout.addWidget(self.splitter, 1)
        self.setFocusProxy(self.table)

    def _make_table(self) -> QTableView:
        table = QTableView(objectName="responseTable")
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setTabKeyNavigation(False)
        table.setWordWrap(False)
        table.setAlternatingRowColors(True)
        rows = table.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(table.fontMetrics().height() + 8)
        # the answer: search hits highlighted, wrapped over taller rows (set_row_lines)
        self.delegate = ResponseDelegate(ResponseTextRole, table)
        table.setItemDelegateForColumn(RESPONSE, self.delegate)
        header = table.horizontalHeader()
        header.setDefaultSectionSize(120)
        for column, width in COLUMN_WIDTHS.items():
            header.resizeSection(column, width)
        header.setSectionResizeMode(RESPONSE, QHeaderView.ResizeMode.Stretch)
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(self.model.sort_column(), Qt.SortOrder.AscendingOrder)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.setToolTip("Click a column to sort; right-click to show attribute columns")
        return table

    def _make_actions(self) -> list[QAction]:
        area, everywhere = self.splitter, self
        specs = [
            ("nextResponseAction", "Next response", "Alt+Down", self.next_response, area),
            ("previousResponseAction", "Previous response", "Alt+Up", self.previous_response,
             area),
            ("nextUncodedAction", "Next uncoded response", "Ctrl+U", self.next_uncoded,
             everywhere),
            ("codePaletteAction", "Code palette…", "Ctrl+K", self.open_palette, everywhere),
        ]
        actions = [self._action(*spec) for spec in specs]
        self._pin_actions = [
            self._action(f"applyPinnedCode{n}", f"Apply or remove code {n}", str(n),
                         lambda n=n: self.apply_pinned(n), area) for n in range(1, PINS + 1)]
        self._suggestion_actions = [
            self._action("acceptSuggestedAction", "Accept suggested codes (the ticked ones)",
                         "Y", self.accept_suggested, area),
            self._action("rejectSuggestedAction", "Reject suggested codes: nothing applies",
                         "N", self.reject_suggested, area),
            self._action("nextSuggestedAction", "Next response with suggested codes", "S",
                         self.next_suggested, area)]
        return (actions + self._pin_actions + self._make_done_actions(area)
                + self._suggestion_actions)

    def _make_done_actions(self, area: QWidget) -> list[QAction]:
        """Enter (mark done, next), 0 (nothing applies), Ctrl+Shift+Enter (mark not done).

        Enter is not a shortcut: a key press the grid or the viewer itself receives runs it
        (:meth:`eventFilter`), so Enter keeps its meaning in every text field, dialog and
        other window; the menu and the shortcuts help still show "Enter"."""
        self.mark_done_action = QAction("Mark done and next response\tEnter", self,
                                        objectName="markDoneAction")
        self.mark_done_action.setToolTip("Mark the response done for you and go to the next "
                                         "(Enter, in the response list or viewer)")
        self.mark_done_action.triggered.connect(lambda _=False: self.mark_done_and_next())
        self.nothing_applies_action = self._action(
            "nothingAppliesAction", "Nothing applies (done, no code)", "0",
            self.nothing_applies, area)
        self.mark_not_done_action = self._action(
            "markNotDoneAction", "Mark not done", "Ctrl+Shift+Return", self.mark_not_done, area)
        self.mark_not_done_action.setShortcuts([QKeySequence("Ctrl+Shift+Return"),
                                                QKeySequence("Ctrl+Shift+Enter")])
        for watched in (self.table, self.viewer.text_edit):
            watched.installEventFilter(self)
        return [self.mark_done_action, self.nothing_applies_action, self.mark_not_done_action]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
                and watched in (self.table, self.viewer.text_edit)):
            self.mark_done_and_next()
            return True
        return super().eventFilter(watched, event)

    def _action(self, name: str, text: str, keys: str, slot: Callable[[], object],
                owner: QWidget) -> QAction:
        action = QAction(text, self, objectName=name)
        action.setShortcut(QKeySequence(keys))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        where = ("the response list or viewer" if owner is self.splitter
                 else "the coding workspace")
        action.setToolTip(f"{text} ({keys.replace('Return', 'Enter')}; works in {where})")
        action.triggered.connect(lambda _=False: slot())
        owner.addAction(action)
        return action

    def _connect(self) -> None:
        self.filter_bar.query_changed.connect(self._on_query_changed)
        self.model.agreement_visibility_did_change.connect(self._show_agreement_column)
        self.model.modelAboutToBeReset.connect(self._before_reset)
        self.model.modelReset.connect(self._after_reset)
        self.model.loading_did_finish.connect(self._update_empty_state)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)
        header = self.table.horizontalHeader()
        header.sortIndicatorChanged.connect(self._on_sort_clicked)
        header.customContextMenuRequested.connect(
            lambda pos: self.attribute_columns_menu().popup(header.mapToGlobal(pos)))
        self.session.project_did_change.connect(self._on_project_changed)
        self.session.visibility_did_change.connect(self._on_scope_changed)
        self.session.coder_did_change.connect(self._refresh_pins)
        queue, strip = self.code_queue, self.viewer.suggestion_strip
        queue.changed.connect(self._update_strip)
        queue.ticks_changed.connect(self._ticks_changed)
        queue.current_changed.connect(self._follow_queue)
        queue.cleared.connect(self._queue_cleared)
        strip.tick_changed.connect(queue.tick)
        strip.accept_clicked.connect(self.accept_suggested)
        strip.reject_clicked.connect(self.reject_suggested)
        strip.next_clicked.connect(self.next_suggested)

    # -- public API --------------------------------------------------------------------------
    def actions(self) -> list[QAction]:  # type: ignore[override]
        """The Code menu's actions (next, next uncoded, palette, pinned codes 1–9)."""
        return list(self._actions)

    def current_response_id(self) -> str | None:
        return self._current

    def set_question(self, question_id: str | None) -> None:
        self.filter_bar.set_question(question_id)

    def set_filter_code(self, code_id: str | None) -> None:
        """Show only responses coded with this code (and its sub-codes)."""
        self.filter_bar.set_code(code_id)

    def select_response(self, response_id: str) -> bool:
        """Select the row of this response if the list holds it."""
        row = self.model.row_of(response_id)
        if row >= 0:
            self._select_row(row)
        return row >= 0

    def apply_code(self, code_id: str) -> None:
        """Code the current response (only the selected span, if text is selected)."""
        target = self._coding_target()
        if target is not None:
            response, coder, start, end = target
            # the selection stays, so the same span can take a second code
            self.session.run(self, codings.apply_code, response, code_id, coder,
                             start=start, end=end, initiator=self)

    def add_and_apply_code(self, name: str) -> bool:
        """Add a code named ``name`` and code the current response with it: one undo step."""
        target = self._coding_target()
        if target is None:
            return False
        response, coder, start, end = target
        return self.session.run(self, codings.add_and_apply_code, name, response, coder,
                                start=start, end=end, initiator=self) is not None

    def _coding_target(self) -> tuple[str, str, int | None, int | None] | None:
        """(response, coder, span start, span end) to code now, or None (the person is told)."""
        response = self._current
        if response is None:
            self.say("Select a response first.")
            return None
        coder = self.session.coder_id
        if coder is None:
            show_error(self, InputError(NO_CODER))
            return None
        span = self.viewer.selected_span() if self.viewer.response_id == response else None
        start, end = span if span else (None, None)
        return response, coder, start, end

    def pinned_codes(self) -> list[str | None]:
        """The code on each key 1–9 for the coder (item 0 is key 1; None: no code there;
        trailing empty keys left off). See :mod:`post_coder.coding.keys`."""
        pins = list(self._pinned)
        while pins and pins[-1] is None:
            pins.pop()
        return pins

    def apply_pinned(self, number: int) -> None:
        """Key ``number``: apply its code to the current response (or the selected span),
        or take it off when you have already applied it there (one undo step either way);
        the note beside the count says which."""
        pins = self._pinned
        code = pins[number - 1] if number <= len(pins) else None
        if code is None:
            self.say(f"No code is on key {number}; right-click a code in the codebook ▸ "
                     "Pin to key.")
            return
        target = self._coding_target()
        if target is None:
            return
        response, coder, start, end = target
        press = self.session.run(self, keys.toggle_code, response, code, coder,
                                 start=start, end=end, initiator=self)
        if press is None:
            return
        name = self._pin_names.get(code, "the code")
        if press.applied:
            self.say(f"Applied “{name}” (key {number}).")
        else:
            what = "" if press.removed == 1 else f" ({press.removed} codings)"
            self.say(f"Removed “{name}”{what}: key {number} again or Ctrl+Z puts it back.")

    def open_palette(self) -> CodePalette | None:
        """Ctrl+K: the type-ahead code palette for the current response."""
        if self.session.coder_id is None:
            show_error(self, InputError(NO_CODER))
            return None
        if self._current is None:
            self.say("Select a response first.")
            return None
        palette = CodePalette(self.session, self.pinned_codes(), self,
                              create=self.add_and_apply_code)
        # queued: the code is applied after the palette's key press has returned. Applying
        # waits for the writer in a local event loop, which would otherwise delete the
        # closing palette under the key handler still running in it (a crash)
        palette.code_chosen.connect(self.apply_code, Qt.ConnectionType.QueuedConnection)
        palette.finished.connect(palette.deleteLater)
        self.palette = palette
        palette.open()
        return palette

    def next_response(self) -> None:
        self._select_row(min(self.model.rowCount() - 1, self._current_row() + 1))

    # -- done marks (Enter, 0, Mark not done) ------------------------------------------------
    def mark_done_and_next(self) -> bool:
        """Enter: the current response is done for you (read and coded, or nothing applies
        — see 0); then the next response. One undo step."""
        return self._mark(done.mark_done, advance=True)

    def nothing_applies(self) -> bool:
        """0: you read the response and no code applies (done, with no codes of yours);
        then the next response. Refused while you have codes on it."""
        response, coder = self._current, self.session.coder_id
        if response is not None and coder is not None:
            mine = coder_marks(self.session.project, self.session.scope,
                               [response])[response].codes.get(coder, ())
            if mine:  # said beside the count, not in a box: the keyboard flow goes on
                self.say(f"Nothing applies? You have applied {', '.join(mine)} here; remove "
                         "your codes first (✕ on the chips).")
                return False
        return self._mark(done.nothing_applies, advance=True)

    def mark_not_done(self) -> bool:
        """Take your done mark back: the response is "not reached" for you again."""
        if self._mark(done.unmark_done, advance=False):
            self.say("Marked not done.")
            return True
        return False

    def _mark(self, action: Callable[..., object], *, advance: bool) -> bool:
        response, coder = self._current, self.session.coder_id
        if response is None:
            self.say("Select a response first.")
            return False
        if coder is None:
            show_error(self, InputError(NO_CODER))
            return False
        if self.session.run(self, action, response, coder, initiator=self) is None:
            return False
        if advance:
            row = self._current_row()
            if row + 1 < self.model.rowCount():
                self._select_row(row + 1)
            else:
                self.say("Done. That was the last response in the list.")
        return True

    def previous_response(self) -> None:
        self._select_row(max(0, self._current_row() - 1))

    def next_uncoded(self) -> None:
        """Jump to the next response in the list (after the current) you have not coded."""
        coder = self.session.coder_id
        if coder is None:
            show_error(self, InputError(NO_CODER))
            return
        start = self._current_row() + 1
        found = next_uncoded(self.session.project, self.session.scope, coder,
                             self.model.response_ids(), start,
                             question_ids=self.model.query.question_ids)
        if found is None:
            self.say("Every response in this list has your codes.")
            return
        self._select_row(found)
        if found < start:
            self.say("Back at the top of the list.")

    def coder_mode(self) -> str:
        return self.model.coder_mode

    def set_coder_mode(self, mode: str) -> None:
        """Codes pooled, with coders' initials, or one column per coder (View menu)."""
        self.model.set_coder_mode(mode)
        self.table.setColumnHidden(CODES, mode == COLUMNS)

    def _show_agreement_column(self, visible: bool) -> None:
        """Only where agreement may be seen (not in a blind round or a coder package)."""
        self.table.setColumnHidden(AGREEMENT, not visible)

    def attribute_columns(self) -> list[str]:
        return self.model.attribute_columns()

    def set_attribute_columns(self, variable_ids: list[str]) -> None:
        """Show these respondent attributes (variable ids) as grid columns."""
        self.model.set_attribute_columns(variable_ids)

    def attribute_columns_menu(self) -> QMenu:
        """A menu of attributes to tick as columns (the header's context menu)."""
        menu = QMenu("Attribute columns", self, objectName="attributeColumnsMenu")
        shown = set(self.model.attribute_columns())
        for variable in reads.variables(self.session.project):
            action = menu.addAction(variable.shown)
            action.setToolTip(variable.label or variable.name)
            action.setCheckable(True)
            action.setChecked(variable.id in shown)
            action.toggled.connect(lambda on, v=variable.id: self._toggle_column(v, on))
        if menu.isEmpty():
            menu.addAction("No attributes imported").setEnabled(False)
        return menu

    def row_lines(self) -> int:
        """Lines of text each row of the grid shows (1: one line per answer)."""
        return self.delegate.lines

    def set_row_lines(self, lines: int) -> None:
        """Show each answer on one line, or wrapped over ``lines`` lines (taller rows)."""
        lines = max(1, int(lines))
        self.delegate.lines = lines
        self.table.setWordWrap(lines > 1)  # the other columns (a long question) wrap too
        metrics = self.table.fontMetrics()
        self.table.verticalHeader().setDefaultSectionSize(
            metrics.height() + 8 if lines == 1 else metrics.lineSpacing() * lines + 8)
        self.table.viewport().update()
        if self._current is not None:
            self.table.scrollTo(self.model.index(self._current_row(), 0))

    def say(self, text: str) -> None:
        """A short note beside the response count (cleared by the next selection)."""
        self.status.setText(text)

    # -- selection ---------------------------------------------------------------------------
    def _current_row(self) -> int:
        return self.model.row_of(self._current)

    def _select_row(self, row: int) -> None:
        if not 0 <= row < self.model.rowCount():
            return
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index)

    def _on_current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if self._resetting:
            return
        response = self.model.response_id(current.row()) if current.isValid() else None
        if response != self._current:
            self._show(response)

    def _show(self, response: str | None) -> None:
        self._current = response
        self.status.clear()
        self.viewer.show_response(response)
        self.code_queue.set_current(response)  # the Suggest Codes window follows
        self._update_strip()
        self.response_selected.emit(response)

    def _before_reset(self) -> None:
        self._resetting = True

    def _after_reset(self) -> None:
        """New id list: keep the same response selected if it is still listed."""
        self._resetting = False
        row = self.model.row_of(self._current)
        if row < 0 and self.model.rowCount():
            row = 0
        if row >= 0:
            self._select_row(row)
        response = self.model.response_id(row)
        if response != self._current:  # the view does not always signal the change
            self._show(response)
        self._update_empty_state()

    def _update_empty_state(self) -> None:
        survey = reads.has_survey(self.session.project)
        rows = self.model.rowCount()
        self.filter_bar.setEnabled(survey)
        self.empty_label.setText(NO_MATCHES if survey else NO_SURVEY)
        self.empty_clear.setVisible(survey)
        self.stack.setCurrentIndex(0 if rows else 1)
        text = f"{rows:,} response{'s' if rows != 1 else ''}"
        if not self.model.complete:
            text = f"{rows:,}+ responses (counting…)"
        self.count_label.setText(text if survey else "")

    # -- reacting ----------------------------------------------------------------------------
    def _on_query_changed(self, query: ResponseQuery) -> None:
        current = self.model.query
        try:
            self.model.set_query(replace(query, sort=current.sort,
                                         descending=current.descending))
        except PostCoderError as exc:
            self.filter_bar.show_hint(str(exc))
            return
        self.delegate.set_search(query.text)  # hits highlighted where the search found them
        self.viewer.set_search(query.text)
        self.table.viewport().update()

    def _on_sort_clicked(self, column: int, order: Qt.SortOrder) -> None:
        before = self.model.query
        self.model.sort(column, order)
        if self.model.query is before and self.model.sort_column() != column:
            header = self.table.horizontalHeader()
            with QSignalBlocker(header):  # not a sortable column: put the arrow back
                header.setSortIndicator(self.model.sort_column(), _order(before.descending))

    def _on_scope_changed(self) -> None:
        """Blinding began or ended: the grid and its coding filters read through the new
        scope (the viewer reloads itself)."""
        self.blind_label.setVisible(self.session.scope.blind)
        self.model.set_scope(self.session.scope)

    def _toggle_column(self, variable_id: str, on: bool) -> None:
        shown = [v for v in self.model.attribute_columns() if v != variable_id]
        self.set_attribute_columns(shown + [variable_id] if on else shown)

    def _on_project_changed(self, changes: Changes, initiator: object) -> None:
        self.model.apply_changes(changes)
        if changes.codes:
            self._refresh_pins()
        if changes.responses or changes.datasets:
            self._update_empty_state()

    def _refresh_pins(self) -> None:
        """Re-read the coder's keys 1–9 (codes, pins or the coder changed)."""
        table = keys.key_table(self.session.project, self.session.coder_id)
        self._pinned = [k.code_id for k in table]
        self._pin_names = {k.code_id: k.code_name for k in table if k.code_id}
        for k, action in zip(table, self._pin_actions):
            action.setText(f"Apply or remove code {k.key}: {k.code_name}" if k.code_name else
                           f"Apply or remove code {k.key} (none)")
        self.pinned_codes_changed.emit(self.pinned_codes())


    # -- suggested codes (Analysis ▸ Suggest Codes): Y, N, S ----------------------------------
    def suggestions_shown(self) -> bool:
        """Whether the viewer shows suggested codes (View ▸ Show Code Suggestions)."""
        return self._show_suggestions

    def set_show_suggestions(self, on: bool) -> None:
        """Show the suggested codes in the viewer, with Y, N and S; or not (keys off)."""
        self._show_suggestions = bool(on)
        for action in self._suggestion_actions:
            action.setEnabled(self._show_suggestions)
        self._update_strip()

    def _update_strip(self, *_: object) -> None:
        """The viewer's line of suggested codes, for the response shown (hidden if none)."""
        queue = self.code_queue
        response = self._current if self._show_suggestions else None
        self.viewer.suggestion_strip.show_suggestions(
            response, queue.suggestions(response),
            lambda code: queue.state is not None and queue.state.is_ticked(response, code),
            writable=not self.session.readonly)

    def _ticks_changed(self, response: str) -> None:
        if response == self._current:
            self._update_strip()

    def _queue_cleared(self, why: str) -> None:
        if self._show_suggestions:
            self.say(why)

    def accept_suggested(self) -> bool:
        """Y: apply the ticked suggested codes to the response shown, as you (one undo
        step, the same as accepting in the Suggest Codes window); then the next response
        with suggestions."""
        response = self._suggested_here()
        if response is None:
            return False
        if not self.code_queue.state.ticked(response):
            self.say("No suggested code is ticked: tick those that apply, or N if none does.")
            return False
        return self._answer(self.code_queue.accept, response)

    def reject_suggested(self) -> bool:
        """N: none of the suggested codes applies (done for you with no code, undoable);
        then the next response with suggestions."""
        response = self._suggested_here()
        return response is not None and self._answer(self.code_queue.reject, response)

    def next_suggested(self) -> bool:
        """S: the next response with suggested codes that the list shows (coming round to
        the first); the note beside the count says when the filters hide some."""
        if self.code_queue.state is None:
            self.say(NO_SUGGESTIONS_YET)
            return False
        target, note = self._next_suggested(self._current, answering=False)
        if target is not None:
            self.select_response(target)
        if note:
            self.say(note)
        return target is not None

    def _suggested_here(self) -> str | None:
        """The response shown, if it has suggested codes to accept or reject now (else the
        person is told why not)."""
        queue = self.code_queue
        if queue.state is None:
            self.say(NO_SUGGESTIONS_YET)
            return None
        if not queue.suggestions(self._current):
            self.say("No suggested codes for this response: S goes to the next one that "
                     "has some.")
            return None
        if self.session.readonly:
            self.say("This project is open for viewing only: suggestions cannot be accepted.")
            return None
        if self.session.coder_id is None:
            show_error(self, InputError(NO_CODER))
            return None
        return self._current

    def _answer(self, action: Callable[..., object], response: str) -> bool:
        """Accept or reject (``action``, the shared queue's) and go on to the next response
        with suggestions: the queue moves there and the list follows (:meth:`_follow_queue`)."""
        target, note = self._next_suggested(response, answering=True)
        if action(self, response, target) is None:
            return False
        if note:
            self.say(note)
        return True

    def _next_suggested(self, after: str | None, *,
                        answering: bool) -> tuple[str | None, str]:
        """The open answer to go to after ``after`` that the list shows, in the queue's
        order (from the list's current row when ``after`` is not in the queue), and a note
        saying what the filters hide or that the queue came round ("" if nothing to say)."""
        state = self.code_queue.state
        candidates = [r for r in state.after(after) if r != after]
        if not candidates:
            again = ("run Analysis ▸ Suggest Codes… again to learn from the codings as they "
                     "are now.")
            if answering:
                return None, f"That was the last response with suggested codes: {again}"
            if after in state:
                return None, "This is the only response with suggested codes left."
            return None, f"No response with suggested codes is left: {again}"
        rows = {r: self.model.row_of(r) for r in candidates}
        start = state.position(after)
        if start is None:  # not in the queue: the next in the list from the current row
            here = self._current_row()
            candidates.sort(key=lambda r: (rows[r] < 0, rows[r] <= here, rows[r]))
        target = next((r for r in candidates if rows[r] >= 0), None)
        hidden = sum(1 for r in candidates if rows[r] < 0)
        if target is None:
            them = "it" if hidden == 1 else "them"
            return None, (f"{_responses(hidden)} with suggested codes "
                          f"{'is' if hidden == 1 else 'are'} left, but the list's filters "
                          f"hide {them}: clear the filters (or choose the question) to see "
                          f"{them}. {self._still_counting()}").rstrip()
        notes = []
        skipped = candidates.index(target)
        if skipped:
            notes += [f"Skipped {_responses(skipped)} with suggested codes that the "
                      "list's filters hide.", self._still_counting()]
        wrapped = (state.position(target) < start if start is not None
                   else rows[target] <= self._current_row())
        if wrapped:
            notes.append("Back at the first response with suggested codes.")
        return target, " ".join(n for n in notes if n)

    def _still_counting(self) -> str:
        """While a large list is still being read, a response not in it yet is not hidden
        by the filters: say so ("" once the list is complete)."""
        return "" if self.model.complete else (
            "(The list is still being read: some may be in it in a moment.)")

    def _follow_queue(self, response: str) -> None:
        """The queue is at this answer (chosen in the Suggest Codes window, the next after
        an answer, or back after an undo): show it, or say why the list cannot."""
        if response == self._current:
            return
        if not self.select_response(response):
            first = self.code_queue.suggestions(response)
            who = f"{first[0].respondent} · {first[0].question}" if first else "That answer"
            self.say(f"{who} has suggested codes, but the list's filters hide it: clear the "
                     f"filters (or choose its question) to see it here. "
                     f"{self._still_counting()}".rstrip())


def _responses(n: int) -> str:
    return f"{n} response{'' if n == 1 else 's'}"


def _order(descending: bool) -> Qt.SortOrder:
    return Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
