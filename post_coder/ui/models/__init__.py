"""Qt item models over core queries (and small Qt-free read helpers for the views)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex


def read_only_row_flags(index: Index) -> Qt.ItemFlag:
    """Flags of a cell in a flat, read-only table: selectable rows, nothing editable."""
    if not index.isValid():
        return Qt.ItemFlag.NoItemFlags
    return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren)


R = TypeVar("R")


class ReadOnlyTableModel(QAbstractTableModel, Generic[R]):
    """A flat, read-only table of rows: a subclass names its columns (``HEADERS``, and
    optionally header tooltips ``TIPS``) and says what a cell shows (:meth:`cell`); the
    counts, flags, header and index checks are here."""

    HEADERS: ClassVar[tuple[str, ...]] = ()
    #: header tooltips by column; a table with any falls back to the header's text
    TIPS: ClassVar[dict[int, str]] = {}

    def __init__(self, parent: QObject | None = None, *, rows: Sequence[R] = ()) -> None:
        super().__init__(parent)
        self._rows: list[R] = list(rows)

    def set_rows(self, rows: Sequence[R]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> R | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def cell(self, row: R, column: int, role: int) -> Any:
        """What a valid cell shows for ``role`` (``None``: nothing)."""
        raise NotImplementedError

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def flags(self, index: Index) -> Qt.ItemFlag:
        return read_only_row_flags(index)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole and self.TIPS:
            return self.TIPS.get(section, self.HEADERS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not (index.isValid() and index.model() is self and 0 <= index.row() < len(self._rows)
                and 0 <= index.column() < len(self.HEADERS)):
            return None
        return self.cell(self._rows[index.row()], index.column(), role)
