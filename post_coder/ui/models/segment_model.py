"""Coded segments as a table: the text, the respondent, the coder (and attributes).

Used by the split dialog (with a checkbox per segment) and the compare view (with the
respondent's attributes). Rows are the core's ``CodingRow`` objects; attributes come from
a callable the owner supplies (response id → ``["name: value", …]``), asked only for rows
that are painted. Only the Segment column wraps; the others stay on one line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtWidgets import QStyleOptionViewItem, QStyledItemDelegate

from post_coder.queries import CodingRow

CODING_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SEGMENT, RESPONDENT, CODER, ATTRIBUTES = 0, 1, 2, 3
HEADERS = ("Segment", "Respondent", "Coder", "Attributes")


class SegmentModel(QAbstractTableModel):
    """A flat list of coded segments; optionally checkable in the Segment column."""

    #: the set of checked coding ids changed
    checks_did_change = Signal()

    def __init__(self, *, checkable: bool = False,
                 attributes: Callable[[str], list[str]] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[CodingRow] = []
        self._checkable = checkable
        self._attributes = attributes
        self._attribute_cache: dict[str, list[str]] = {}
        self._checked: set[str] = set()

    # -- content -----------------------------------------------------------------------
    def set_rows(self, rows: Sequence[CodingRow]) -> None:
        """Show these segments; checks survive for segments still listed."""
        self.beginResetModel()
        self._rows = list(rows)
        self._attribute_cache.clear()
        self._checked &= {r.id for r in self._rows}
        self.endResetModel()
        self.checks_did_change.emit()

    def rows(self) -> list[CodingRow]:
        return list(self._rows)

    def row_at(self, row: int) -> CodingRow:
        return self._rows[row]

    def checked_ids(self) -> list[str]:
        """Checked coding ids, in row order."""
        return [r.id for r in self._rows if r.id in self._checked]

    def set_checked(self, coding_ids: Iterable[str], checked: bool = True) -> None:
        ids = set(coding_ids)
        if checked:
            self._checked |= ids & {r.id for r in self._rows}
        else:
            self._checked -= ids
        if self._rows:
            self.dataChanged.emit(self.index(0, SEGMENT), self.index(len(self._rows) - 1, SEGMENT),
                                  [Qt.ItemDataRole.CheckStateRole])
        self.checks_did_change.emit()

    def set_all_checked(self, checked: bool) -> None:
        self.set_checked([r.id for r in self._rows], checked)

    # -- QAbstractTableModel -----------------------------------------------------------
    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        if parent.isValid():
            return 0
        return len(HEADERS) if self._attributes else len(HEADERS) - 1

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return HEADERS[section] if 0 <= section < self.columnCount() else None
        return str(section + 1)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == ATTRIBUTES:
                return "\n".join(self._attribute_lines(row))
            return row.segment if column == SEGMENT else self._text(row, column)
        if role == Qt.ItemDataRole.CheckStateRole and self._checkable and column == SEGMENT:
            return (Qt.CheckState.Checked if row.id in self._checked
                    else Qt.CheckState.Unchecked)
        if role == CODING_ID_ROLE:
            return row.id
        return None

    def _text(self, row: CodingRow, column: int) -> str:
        if column == SEGMENT:
            return " ".join(row.segment.split())
        if column == RESPONDENT:
            return row.respondent
        if column == CODER:
            return row.coder
        return " · ".join(self._attribute_lines(row))

    def _attribute_lines(self, row: CodingRow) -> list[str]:
        if row.response_id not in self._attribute_cache and self._attributes:
            self._attribute_cache[row.response_id] = self._attributes(row.response_id)
        return self._attribute_cache.get(row.response_id, [])

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._checkable and index.column() == SEGMENT:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def setData(self, index: QModelIndex, value: Any,
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not (index.isValid() and self._checkable and index.column() == SEGMENT
                and role == Qt.ItemDataRole.CheckStateRole):
            return False
        state = Qt.CheckState(value) if isinstance(value, int) else value
        row = self._rows[index.row()]
        if state == Qt.CheckState.Checked:
            self._checked.add(row.id)
        else:
            self._checked.discard(row.id)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.checks_did_change.emit()
        return True


class OneLineDelegate(QStyledItemDelegate):
    """Draws and sizes a cell on one line (elided) even when the view wraps text."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        super().initStyleOption(option, index)
        option.features &= ~QStyleOptionViewItem.ViewItemFeature.WrapText
