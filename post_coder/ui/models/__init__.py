"""Qt item models over core queries (and small Qt-free read helpers for the views)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex


def read_only_row_flags(index: Index) -> Qt.ItemFlag:
    """Flags of a cell in a flat, read-only table: selectable rows, nothing editable."""
    if not index.isValid():
        return Qt.ItemFlag.NoItemFlags
    return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren)
