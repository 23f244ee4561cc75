"""Keys 1–9 in the app: the current coder's key of each code, its badge, "Pin to key ▸".

The rule (default keys, pins per coder) is the core's (:mod:`post_coder.coding.keys`);
this module shapes it for widgets: the codebook tree draws a code's key inside its color
swatch, the Code menu and the code palette name the code on each key, and the codebook's
context menu offers "Pin to key ▸ 1…9 / Unpin" (each one undoable action).
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QMenu, QWidget

from post_coder.coding.keys import KEYS, KeyAssignment, key_table, pin_key, unpin_key
from post_coder.errors import InputError
from post_coder.ids import CodeId, CoderId
from post_coder.ui.errors import show_error
from post_coder.ui.session import Session

NO_CODER = ("no coder is chosen yet; choose who is coding with Edit ▸ Change Coder… "
            "(each coder has their own keys)")


def keys_by_code(session: Session) -> dict[str, KeyAssignment]:
    """code id → its key for the session's coder (codes without a key are left out)."""
    return {k.code_id: k for k in key_table(session.project, session.coder_id) if k.code_id}


def key_tooltip(assignment: KeyAssignment | None) -> str:
    if assignment is None:
        return "No key: right-click ▸ Pin to key to give it one"
    how = "pinned by you" if assignment.pinned else "by default"
    return f"Key {assignment.key} applies or removes this code ({how})"


def _ink(color: QColor) -> QColor:
    """Black or white, whichever reads better on ``color``."""
    light = 0.299 * color.redF() + 0.587 * color.greenF() + 0.114 * color.blueF()
    return QColor("#000000") if light > 0.6 else QColor("#ffffff")


@lru_cache(maxsize=256)
def swatch(color: str, key: int | None = None, size: int = 16) -> QIcon:
    """A code's color swatch; with ``key``, the key's digit drawn on it."""
    fill = QColor(color)
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(fill)
    painter.drawRoundedRect(QRect(0, 0, size, size), 3, 3)
    if key is not None:
        font = QFont()
        font.setBold(True)
        font.setPixelSize(size - 4)
        painter.setFont(font)
        painter.setPen(_ink(fill))
        painter.drawText(QRect(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, str(key))
    painter.end()
    return QIcon(pixmap)


def pin_menu(session: Session, code_id: str, parent: QWidget, owner: QWidget) -> QMenu:
    """"Pin to key ▸" (a child of ``parent``, a menu): keys 1–9 (each naming the code on it
    now; the code's own key ticked) and "Unpin" (enabled when the coder pinned this code).
    ``owner`` shows errors and is the actions' initiator."""
    menu = QMenu("Pin to &key", parent, objectName="pinToKeyMenu")
    table = key_table(session.project, session.coder_id)
    mine = next((k for k in table if k.code_id == code_id), None)
    for assignment in table:
        now = f" (now {assignment.code_name})" if assignment.code_name else ""
        if assignment.code_id == code_id:
            now = ""
        action = menu.addAction(f"&{assignment.key}{now}")
        action.setObjectName(f"pinKey{assignment.key}")
        action.setCheckable(True)
        action.setChecked(assignment.code_id == code_id)
        action.triggered.connect(
            lambda _=False, k=assignment.key: pin(session, code_id, k, owner))
    menu.addSeparator()
    unpin = menu.addAction("&Unpin")
    unpin.setObjectName("unpinKeyAction")
    unpin.setEnabled(bool(mine and mine.pinned))
    unpin.setToolTip("Give the key back its default code")
    unpin.triggered.connect(lambda _=False: unpin_code(session, code_id, owner))
    menu.setToolTipsVisible(True)
    menu.setEnabled(session.coder_id is not None and not session.readonly)
    return menu


def pin(session: Session, code_id: str, key: int, parent: QWidget | None) -> bool:
    """Pin the code to ``key`` for the session's coder (one undo step)."""
    if key not in KEYS:
        return False
    if session.coder_id is None:
        show_error(parent, InputError(NO_CODER))
        return False
    return session.run(parent, pin_key, CodeId(code_id), key, CoderId(session.coder_id),
                       initiator=parent) is not None


def unpin_code(session: Session, code_id: str, parent: QWidget | None) -> bool:
    if session.coder_id is None:
        show_error(parent, InputError(NO_CODER))
        return False
    return session.run(parent, unpin_key, CodeId(code_id), CoderId(session.coder_id),
                       initiator=parent) is not None
