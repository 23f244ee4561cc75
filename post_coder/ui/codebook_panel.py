"""The codebook panel: the code tree, its buttons, context menu and Codebook actions.

Double-click or Enter on a code emits ``code_activated(code_id)`` (the main window applies
it to the current response). Every change goes through a dialog or a drop that calls
``session.run`` once, so each is one Undo step. Expansion and selection survive refreshes.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QLabel, QMenu,
                               QStackedWidget, QToolButton, QTreeView, QVBoxLayout, QWidget)

from post_coder.coding import codebook
from post_coder.coding.themes import DIMENSIONS, dimension_of, set_dimension
from post_coder.ids import CodeId
from post_coder.ui.compare_view import CompareView
from post_coder.ui.dialogs.code_editor import CodeEditorDialog
from post_coder.ui.dialogs.code_history_dialog import CodeHistoryDialog
from post_coder.ui.dialogs.merge_dialog import MergeDialog
from post_coder.ui.dialogs.rationale_dialog import RationaleDialog
from post_coder.ui.dialogs.recheck_dialog import RecheckDialog
from post_coder.ui.dialogs.split_dialog import SplitDialog
from post_coder.ui.key_pins import pin_menu
from post_coder.ui.models.codebook_model import RESPONDENTS, CodebookModel
from post_coder.ui.session import Session
from post_coder.ui.widgets.flow_layout import FlowLayout

EMPTY_TEXT = "No codes yet — add one with +"

#: (attribute, objectName, text, shortcut, needs a current code, tool button text)
_ACTIONS = (
    ("new_action", "actionNewCode", "&New code…", "Ctrl+Shift+N", False, "+"),
    ("new_subcode_action", "actionNewSubcode", "New s&ub-code…", "", True, None),
    ("edit_action", "actionEditCode", "&Edit code…", "F2", True, "Edit"),
    ("merge_action", "actionMergeCodes", "&Merge codes…", "Ctrl+Shift+M", False, "Merge"),
    ("split_action", "actionSplitCode", "&Split code…", "Ctrl+Shift+L", True, "Split"),
    ("retire_action", "actionRetireCode", "&Retire code…", "Del", True, "Retire"),
    ("compare_action", "actionCompareCodes", "&Compare segments…", "Ctrl+Shift+K", False,
     "Compare"),
    ("filter_action", "actionShowCodedResponses", "Show &responses coded with this code", "",
     True, None),
    ("apply_action", "actionApplyCode", "&Apply to current response", "", True, None),
    ("history_action", "actionCodebookHistory", "Code &History…", "Ctrl+Alt+H", False, None),
    ("recheck_action", "actionRecheckQueue", "Re-chec&k Queue…", "Ctrl+Shift+J", False, None),
)


#: actions whose shortcut works anywhere in the window (the others: in the codebook panel)
_WINDOW_WIDE = ("actionNewCode", "actionCodebookHistory", "actionRecheckQueue")


class CodebookPanel(QWidget):
    """``CodebookPanel(session)``: put ``actions()`` in a Codebook menu."""

    #: double-click / Enter / "Apply": apply this code to the current response
    code_activated = Signal(str)
    #: "Show responses coded with this code"
    filter_requested = Signal(str)
    #: the current code changed (a code id, or None)
    current_code_did_change = Signal(object)
    #: a segment was double-clicked in a compare window: show this response
    response_requested = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("codebookPanel")
        self.model = CodebookModel(session, self)
        self.model.error_parent = self
        self._collapsed: set[str] = set()
        self._saved: tuple[str | None, list[str], int] = (None, [], 0)
        self._restoring = False

        self.tree = QTreeView(self)
        self.tree.setObjectName("codebookTree")
        self.tree.setModel(self.model)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setExpandsOnDoubleClick(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setDragEnabled(True)
        self.tree.setAcceptDrops(True)
        self.tree.setDropIndicatorShown(True)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.tree.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(RESPONDENTS, QHeaderView.ResizeMode.ResizeToContents)
        self.empty_label = QLabel(EMPTY_TEXT, self)
        self.empty_label.setObjectName("codebookEmpty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.stack = QStackedWidget(self)
        self.stack.setObjectName("codebookStack")
        self.stack.addWidget(self.tree)
        self.stack.addWidget(self.empty_label)

        self._make_actions()
        buttons = FlowLayout(spacing=2)  # wraps in a narrow dock
        self.buttons: dict[str, QToolButton] = {}
        for attr, name, _text, _keys, _needs, label in _ACTIONS:
            if label is None:
                continue
            button = QToolButton(self)
            button.setObjectName(name.replace("action", "codebook", 1) + "Button")
            action = getattr(self, attr)
            action.setIconText(label)
            button.setDefaultAction(action)
            buttons.addWidget(button)
            self.buttons[name] = button
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.stack, 1)

        self.tree.doubleClicked.connect(self._activate)
        self.tree.installEventFilter(self)
        self.tree.customContextMenuRequested.connect(self._show_menu)
        self.tree.expanded.connect(self._on_expanded)
        self.tree.collapsed.connect(self._on_collapsed)
        self.tree.selectionModel().currentChanged.connect(self._on_current_changed)
        self.tree.selectionModel().selectionChanged.connect(self._update_actions)
        self.model.modelAboutToBeReset.connect(self._save_view_state)
        self.model.modelReset.connect(self._restore_view_state)
        self.model.modelReset.connect(self._size_count_columns)  # a coder column came or went
        self.tree.expandAll()
        self._update_empty()
        self._update_actions()

    # -- actions -----------------------------------------------------------------------
    def _make_actions(self) -> None:
        handlers = {
            "new_action": lambda: self.new_code(),
            "new_subcode_action": lambda: self.new_code(self.current_code_id()),
            "edit_action": lambda: self.edit_code(),
            "merge_action": lambda: self.merge_codes(),
            "split_action": lambda: self.split_code(),
            "retire_action": lambda: self.retire_code(),
            "compare_action": lambda: self.compare_codes(),
            "filter_action": lambda: self._emit_current(self.filter_requested),
            "apply_action": lambda: self._emit_current(self.code_activated),
            "history_action": lambda: self.show_history(),
            "recheck_action": lambda: self.show_recheck_queue(),
        }
        self._actions: list[QAction] = []
        for attr, name, text, keys, _needs, _label in _ACTIONS:
            action = QAction(text, self)
            action.setObjectName(name)
            if keys:
                action.setShortcut(QKeySequence(keys))
            if name not in _WINDOW_WIDE:  # only these work anywhere in the window
                action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(handlers[attr])
            setattr(self, attr, action)
            self.addAction(action)
            self._actions.append(action)
        self.new_action.setToolTip("Add a code (Ctrl+Shift+N, anywhere in the window)")

    def actions(self) -> list[QAction]:  # type: ignore[override]
        """The Codebook menu's actions, in menu order."""
        return list(self._actions)

    def _update_actions(self, *args: object) -> None:
        has_current = self.current_code_id() is not None
        for attr, _name, _text, _keys, needs, _label in _ACTIONS:
            getattr(self, attr).setEnabled(has_current or not needs)
        self.merge_action.setEnabled(len(self.model.code_ids()) > 1)

    # -- current code and selection --------------------------------------------------------
    def current_code_id(self) -> str | None:
        index = self.tree.currentIndex()
        if not index.isValid() or not self.tree.selectionModel().isSelected(index):
            selected = self.selected_code_ids()
            return selected[0] if selected else None
        return self.model.code_id(index)

    def selected_code_ids(self) -> list[str]:
        rows = self.tree.selectionModel().selectedRows(0)
        return [cid for cid in (self.model.code_id(i) for i in rows) if cid]

    def select_code(self, code_id: str | None) -> None:
        index = self.model.index_of(code_id) if code_id else QModelIndex()
        if not index.isValid():
            self.tree.clearSelection()
            return
        self.tree.scrollTo(index)
        self.tree.setCurrentIndex(index)  # selects the row, clears other selection

    def _on_current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        self._update_actions()
        self.current_code_did_change.emit(self.model.code_id(current))

    def _emit_current(self, signal: Signal) -> None:  # type: ignore[type-arg]
        code_id = self.current_code_id()
        if code_id:
            signal.emit(code_id)

    def _activate(self, index: QModelIndex) -> None:
        code_id = self.model.code_id(index)
        if code_id:
            self.code_activated.emit(code_id)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.tree and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            self._emit_current(self.code_activated)
            return True
        return super().eventFilter(watched, event)

    # -- keeping the view across refreshes -----------------------------------------------
    def _save_view_state(self) -> None:
        self._saved = (self.current_code_id(), self.selected_code_ids(),
                       self.tree.verticalScrollBar().value())

    def _on_expanded(self, index: QModelIndex) -> None:
        if not self._restoring:
            self._collapsed.discard(self.model.code_id(index))

    def _on_collapsed(self, index: QModelIndex) -> None:
        if not self._restoring:
            self._collapsed.add(self.model.code_id(index))

    def _restore_view_state(self) -> None:
        """After a reset: everything expanded except what the person collapsed."""
        current, selected, scroll = self._saved
        self._restoring = True
        try:
            self.tree.expandAll()
            for code_id in list(self._collapsed):
                index = self.model.index_of(code_id)
                if index.isValid():
                    self.tree.collapse(index)
                else:
                    self._collapsed.discard(code_id)
        finally:
            self._restoring = False
        model = self.tree.selectionModel()
        if current and self.model.index_of(current).isValid():
            model.setCurrentIndex(self.model.index_of(current),
                                  model.SelectionFlag.NoUpdate)
        for code_id in selected:
            index = self.model.index_of(code_id)
            if index.isValid():
                model.select(index, model.SelectionFlag.Select | model.SelectionFlag.Rows)
        self.tree.verticalScrollBar().setValue(scroll)
        self._update_empty()
        self._update_actions()

    def set_counts_by_coder(self, on: bool) -> None:
        """Show one count column per coder beside the pooled Respondents (View menu)."""
        self.model.set_counts_by_coder(on)
        self._size_count_columns()

    def _size_count_columns(self) -> None:
        header = self.tree.header()
        for column in range(RESPONDENTS, self.model.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

    def _update_empty(self) -> None:
        self.stack.setCurrentWidget(self.tree if self.model.rowCount() else self.empty_label)

    # -- context menu --------------------------------------------------------------------
    def context_menu(self) -> QMenu:
        """The menu for the current code (built fresh; the caller shows it)."""
        menu = QMenu(self)
        menu.setObjectName("codebookMenu")
        on_code = self.current_code_id() is not None
        if on_code:
            menu.addActions([self.apply_action, self.filter_action])
            menu.addMenu(pin_menu(self.session, self.current_code_id(), menu, self))
            menu.addSeparator()
        menu.addActions([self.new_action, self.new_subcode_action] if on_code
                        else [self.new_action])
        if on_code:
            menu.addActions([self.edit_action, self.merge_action, self.split_action,
                             self.retire_action])
            dimensions = self.dimension_menu(menu)
            if dimensions is not None:
                menu.addMenu(dimensions)
        menu.addSeparator()
        menu.addAction(self.compare_action)
        return menu

    def dimension_menu(self, parent: QWidget) -> QMenu | None:
        """"RE-AIM dimension ▸" for a theme (a top-level code): theme tables group themes by
        it; sub-codes go with their theme, so they have none."""
        code_id = self.current_code_id()
        project = self.session.project
        if code_id is None or codebook.get_code(project, code_id).parent_id is not None:
            return None
        menu = QMenu("RE-AIM &dimension", parent, objectName="dimensionMenu")
        group = QActionGroup(menu)
        current = dimension_of(project, code_id)
        for dimension in (*DIMENSIONS, None):
            action = QAction(dimension or "None", group, checkable=True,
                             checked=dimension == current)
            action.triggered.connect(lambda _=False, d=dimension: self.session.run(
                self, set_dimension, code_id, d, initiator=self))
            menu.addAction(action)
        return menu

    def _show_menu(self, pos: QPoint) -> None:
        index = self.tree.indexAt(pos)
        if not index.isValid():
            self.tree.clearSelection()
        elif not self.tree.selectionModel().isSelected(index):
            self.tree.setCurrentIndex(index)
        menu = self.context_menu()
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.tree.viewport().mapToGlobal(pos))

    # -- dialogs (each opened non-blocking; returned for the caller and tests) -------------
    def _open(self, dialog, on_accept=None):  # noqa: ANN001, ANN202
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if on_accept is not None:
            dialog.accepted.connect(on_accept)
        dialog.open()
        return dialog

    def new_code(self, parent_code_id: str | None = None) -> CodeEditorDialog:
        dialog = CodeEditorDialog(self.session, parent_code_id=parent_code_id, parent=self)
        return self._open(dialog, lambda: self.select_code(dialog.saved_code_id))

    def edit_code(self, code_id: str | None = None) -> CodeEditorDialog | None:
        code_id = code_id or self.current_code_id()
        if not code_id:
            return None
        dialog = CodeEditorDialog(self.session, code_id, parent=self)
        return self._open(dialog, lambda: self.select_code(dialog.saved_code_id))

    def merge_codes(self) -> MergeDialog:
        selected, current = self.selected_code_ids(), self.current_code_id()
        if len(selected) > 1 and current in selected:
            sources, target = [c for c in selected if c != current], current
        else:
            sources, target = ([current] if current else []), None
        dialog = MergeDialog(self.session, sources, target, parent=self)
        return self._open(dialog, lambda: self.select_code(dialog.target()))

    def split_code(self, code_id: str | None = None) -> SplitDialog | None:
        code_id = code_id or self.current_code_id()
        if not code_id:
            return None
        dialog = SplitDialog(self.session, code_id, parent=self)
        return self._open(dialog, lambda: self.select_code(dialog.new_code_id))

    def retire_code(self, code_id: str | None = None) -> RationaleDialog | None:
        code_id = code_id or self.current_code_id()
        info = self.model.code_info(code_id) if code_id else None
        if not code_id or info is None:
            return None
        dialog = RationaleDialog(
            "Retire code",
            f"Retire “{info['name']}”? It leaves the codebook, but its {info['codings']} "
            "codings stay in the project's record and its sub-codes move up one level. "
            "Undo takes this back.", "Retire", self)
        return self._open(dialog, lambda: self.session.run(
            self, codebook.retire_code, CodeId(code_id), rationale=dialog.rationale(),
            initiator=self))

    def compare_codes(self) -> CompareView:
        """Open a compare window on the selected code(s) (two selected: side by side)."""
        selected = self.selected_code_ids()
        first = self.current_code_id()
        second = next((c for c in selected if c != first), None)
        view = CompareView(self.session, first, second, parent=self)
        view.setWindowFlag(Qt.WindowType.Window)
        view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        view.response_requested.connect(self.response_requested)
        view.resize(1000, 640)
        view.show()
        return view

    def show_history(self, code_id: str | None = None) -> CodeHistoryDialog:
        """Codebook ▸ Code History… on the current code (any code can be picked in it)."""
        dialog = CodeHistoryDialog(self.session, code_id or self.current_code_id(), parent=self)
        return self._open(dialog)

    def show_recheck_queue(self) -> RecheckDialog:
        """Codebook ▸ Re-check Queue…: this coder's codings flagged by a new definition."""
        dialog = RecheckDialog(self.session, parent=self)
        return self._open(dialog)
