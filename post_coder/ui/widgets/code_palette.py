"""Ctrl+K: find a code by typing and apply it; or create it when it does not exist yet.

The palette only chooses. It emits ``code_chosen(code_id)`` and the workspace applies the
code; for a new name it calls ``create(name)``, which adds and applies the code as one
action (one undo step) and says whether that worked.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QKeyEvent, QPixmap
from PySide6.QtWidgets import (QDialog, QLabel, QLineEdit, QListWidget, QListWidgetItem,
                               QVBoxLayout, QWidget)

from post_coder.ui.models import reads
from post_coder.ui.session import Session

CodeRole = Qt.ItemDataRole.UserRole + 1
CreateRole = Qt.ItemDataRole.UserRole + 2
_MOVES = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1, Qt.Key.Key_PageUp: -8, Qt.Key.Key_PageDown: 8}


class CodePalette(QDialog):
    """Type to filter active codes (name, parent, definition); Enter applies; Esc closes."""

    code_chosen = Signal(str)

    def __init__(self, session: Session, pinned: list[str] | None = None,
                 parent: QWidget | None = None, *, create: Callable[[str], bool]) -> None:
        super().__init__(parent)
        self._create = create
        self.setObjectName("codePalette")
        self.setWindowTitle("Apply a code")
        self.session = session
        self._pins = {code_id: n for n, code_id in enumerate(pinned or [], start=1)}
        self._tree = reads.code_tree(session.project)
        self.filter_edit = QLineEdit(objectName="paletteFilter",
                                     placeholderText="Type to find a code, or a new name…")
        self.list = QListWidget(objectName="paletteList")
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.help = QLabel("↑↓ choose · Enter apply · Esc close", objectName="paletteHelp")
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.list)
        layout.addWidget(self.help)
        self.resize(520, 420)
        self.filter_edit.textChanged.connect(self._refilter)
        self.filter_edit.returnPressed.connect(self.activate_current)
        self.filter_edit.installEventFilter(self)
        self.list.itemActivated.connect(lambda _: self.activate_current())
        self._refilter("")

    # -- filtering ---------------------------------------------------------------------------
    def _refilter(self, text: str) -> None:
        self.list.clear()
        wanted = text.strip()
        for item in self._matches(wanted):
            self.list.addItem(self._item(item))
        if wanted and not any(t.code.name.lower() == wanted.lower() for t in self._tree):
            create = QListWidgetItem(f"Create code “{wanted}”")
            create.setData(CreateRole, wanted)
            create.setToolTip("Add this code to the codebook and apply it")
            self.list.addItem(create)
        if self.list.count():
            self.list.setCurrentRow(0)

    def _matches(self, text: str) -> list[reads.TreeCode]:
        terms = text.lower().split()
        found = []
        for order, item in enumerate(self._tree):
            name = item.code.name.lower()
            haystack = " ".join((name, item.parent_name.lower(), item.code.definition.lower()))
            if all(t in haystack for t in terms):
                rank = 0 if name.startswith(text.lower()) else 1 if text.lower() in name else 2
                found.append((rank, order, item))
        return [item for _, _, item in sorted(found, key=lambda f: (f[0], f[1]))]

    def _item(self, tree_code: reads.TreeCode) -> QListWidgetItem:
        code = tree_code.code
        pin = self._pins.get(code.id)
        text = (f"{pin}  " if pin else "    ") + code.name
        if tree_code.parent_name:
            text += f"   — in {tree_code.parent_name}"
        definition = " ".join(code.definition.split())
        if definition:
            text += "\n       " + (definition if len(definition) <= 90 else definition[:89] + "…")
        item = QListWidgetItem(_swatch(code.color), text)
        item.setData(CodeRole, code.id)
        item.setToolTip(code.definition or code.name)
        return item

    # -- choosing ----------------------------------------------------------------------------
    def activate_current(self) -> None:
        """Apply the highlighted code (creating it too if it is the "Create" entry)."""
        item = self.list.currentItem()
        if item is None:
            return
        name = item.data(CreateRole)
        if name is not None:
            if self._create(name):
                self.accept()
            return  # else the error was shown; let the person edit the name
        self.accept()
        self.code_chosen.emit(item.data(CodeRole))

    def move_highlight(self, steps: int) -> None:
        """Move the highlight by ``steps`` rows (Up/Down/PageUp/PageDown in the box)."""
        if self.list.count():
            row = max(0, min(self.list.count() - 1, self.list.currentRow() + steps))
            self.list.setCurrentRow(row)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.filter_edit and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent) and event.key() in _MOVES):
            self.move_highlight(_MOVES[Qt.Key(event.key())])
            return True
        return super().eventFilter(watched, event)


def _swatch(color: str) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)
