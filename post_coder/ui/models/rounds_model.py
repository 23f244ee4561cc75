"""The rounds table: one row per coding round (see :mod:`post_coder.team.rounds`)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt

from post_coder.ui.models import Index, read_only_row_flags
from post_coder.ui.models.team_reads import RoundRow

NAME, STATUS, BLIND, CODERS, SAMPLE, RESPONSES, PROGRESS = range(7)
HEADERS = ("Round", "Status", "Blind", "Coders", "Responses chosen", "Responses",
           "Progress (coded)")
TIPS = {
    STATUS: "Open rounds are being coded; closing a round ends its blinding",
    BLIND: "In an open blind round each coder sees only their own codings of its responses",
    SAMPLE: "How the round's responses were drawn (the same seed gives the same sample)",
    PROGRESS: "How many of the round's responses each coder has coded",
}
#: role returning a row's round id
RoundIdRole = Qt.ItemDataRole.UserRole + 1



class RoundsModel(QAbstractTableModel):
    """Read-only; ``set_rows`` replaces every row (a project has a handful of rounds)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[RoundRow] = []

    def set_rows(self, rows: list[RoundRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def round_row(self, row: int) -> RoundRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, round_id: str | None) -> int:
        return next((n for n, r in enumerate(self._rows) if r.id == round_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def flags(self, index: Index) -> Qt.ItemFlag:
        return read_only_row_flags(index)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return TIPS.get(section, HEADERS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not (index.isValid() and index.model() is self and 0 <= index.row() < len(self._rows)
                and 0 <= index.column() < len(HEADERS)):
            return None
        r = self._rows[index.row()]
        column = index.column()
        if role == RoundIdRole:
            return r.id
        if role == Qt.ItemDataRole.TextAlignmentRole and column == RESPONSES:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return _text(r, column)
        return None


def _text(r: RoundRow, column: int) -> str:
    if column == NAME:
        return r.name
    if column == STATUS:
        return "open" if r.open else "closed"
    if column == BLIND:
        return "yes" if r.blind else "no"
    if column == CODERS:
        return r.coders
    if column == SAMPLE:
        return r.sample
    if column == RESPONSES:
        return str(r.responses)
    return r.progress
