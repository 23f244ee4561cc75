"""Reading comfort, from the View menu: how tall the grid's rows are, how large the answer.

View ▸ Answer Rows shows each answer on one line or wrapped over three or six lines; View ▸
Larger Text / Smaller Text / Normal Text Size (Ctrl++, Ctrl+-, Ctrl+0) size the answer in
the viewer. Both are remembered for the person (QSettings) and apply to every project.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSettings
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from post_coder.ui.widgets.response_viewer import MAX_POINTS, MIN_POINTS, default_text_size
from post_coder.ui.workspace import CodingWorkspace

#: lines per grid row → the View ▸ Answer Rows item
ROW_LINES = {1: "&One Line per Answer", 3: "&Three Lines (Wrapped)", 6: "&Six Lines (Wrapped)"}
LINES_KEY = "view/row_lines"
SIZE_KEY = "view/text_points"


class ReadingControls(QObject):
    """The View menu's reading actions for one window; ``attach`` a workspace to apply them."""

    def __init__(self, window: QWidget, settings: QSettings) -> None:
        super().__init__(window)
        self.settings = settings
        self.workspace: CodingWorkspace | None = None
        self.rows_menu = QMenu("Answer &Rows", window)
        self.rows_menu.setObjectName("menuAnswerRows")
        group = QActionGroup(self)
        self.line_actions: dict[int, QAction] = {}
        for lines, text in ROW_LINES.items():
            action = QAction(text, self, checkable=True, objectName=f"actionRowLines{lines}")
            action.setStatusTip("Show each answer on one line" if lines == 1 else
                                f"Wrap each answer over {lines} lines (taller rows)")
            action.triggered.connect(lambda _=False, n=lines: self.set_row_lines(n))
            group.addAction(action)
            self.rows_menu.addAction(action)
            self.line_actions[lines] = action
        self.line_actions[self.row_lines()].setChecked(True)
        self.larger = self._action("&Larger Text", "actionLargerText",
                                   [QKeySequence.StandardKey.ZoomIn, "Ctrl+="], lambda: self.zoom(1))
        self.smaller = self._action("&Smaller Text", "actionSmallerText",
                                    [QKeySequence.StandardKey.ZoomOut], lambda: self.zoom(-1))
        self.normal = self._action("&Normal Text Size", "actionNormalText", ["Ctrl+0"],
                                   self.reset_size)
        window.addActions([self.larger, self.smaller, self.normal])  # keys work anywhere
        self._update_enabled()

    def _action(self, text: str, name: str, keys: list, slot) -> QAction:
        action = QAction(text, self, objectName=name)
        shortcuts: list[QKeySequence] = []
        for key in keys:
            shortcuts += (QKeySequence.keyBindings(key) if isinstance(key, QKeySequence.StandardKey)
                          else [QKeySequence(key)])
        action.setShortcuts(shortcuts)
        action.setStatusTip(f"{text.replace('&', '')} for reading answers in the viewer "
                            "(remembered)")
        action.triggered.connect(lambda _=False: slot())
        return action

    def fill_menu(self, menu: QMenu) -> None:
        menu.addMenu(self.rows_menu)
        menu.addActions([self.larger, self.smaller, self.normal])
        menu.addSeparator()

    # -- the workspace shown -----------------------------------------------------------------
    def attach(self, workspace: CodingWorkspace | None) -> None:
        """Apply the remembered row height and text size to this workspace (None: closed)."""
        self.workspace = workspace
        if workspace is not None:
            workspace.set_row_lines(self.row_lines())
            workspace.viewer.set_text_size(self.text_size())
        self._update_enabled()

    def _update_enabled(self) -> None:
        for action in [self.larger, self.smaller, self.normal, *self.line_actions.values()]:
            action.setEnabled(self.workspace is not None)

    # -- row height --------------------------------------------------------------------------
    def row_lines(self) -> int:
        value = _int(self.settings.value(LINES_KEY), 1)
        return value if value in ROW_LINES else 1

    def set_row_lines(self, lines: int) -> None:
        self.settings.setValue(LINES_KEY, lines)
        self.line_actions[lines].setChecked(True)
        if self.workspace is not None:
            self.workspace.set_row_lines(lines)

    # -- text size ---------------------------------------------------------------------------
    def text_size(self) -> int:
        size = _int(self.settings.value(SIZE_KEY), default_text_size())
        return max(MIN_POINTS, min(MAX_POINTS, size))

    def zoom(self, step: int) -> None:
        self._set_size(self.text_size() + step)

    def reset_size(self) -> None:
        self.settings.remove(SIZE_KEY)
        self._set_size(default_text_size())

    def _set_size(self, points: int) -> None:
        if self.workspace is not None:
            points = self.workspace.viewer.set_text_size(points)
        if points != default_text_size():
            self.settings.setValue(SIZE_KEY, points)
        else:
            self.settings.remove(SIZE_KEY)
        if self.workspace is not None:
            self.workspace.say(f"Answer text: {points} pt (Ctrl+0: normal size)")


def _int(value: object, default: int) -> int:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default
