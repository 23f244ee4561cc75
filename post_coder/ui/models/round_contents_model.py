"""The responses of one round: respondent, question, answer and which coders have coded it.

Rows come from :func:`post_coder.team.rounds.round_contents` (read once when the
dialog opens); the table only shows them.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt

from post_coder.team.rounds import RoundContents
from post_coder.ui.models import Index, read_only_row_flags

RESPONDENT, QUESTION, ANSWER, CODED_BY = range(4)
HEADERS = ("Respondent", "Question", "Answer", "Coded by")
#: role returning a row's response id
ResponseIdRole = Qt.ItemDataRole.UserRole + 1


class RoundContentsModel(QAbstractTableModel):
    """Read-only; one row per response of the round, in file order."""

    def __init__(self, contents: RoundContents, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows = contents.responses
        self._names = dict(contents.info.coders)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def flags(self, index: Index) -> Qt.ItemFlag:
        return read_only_row_flags(index)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(HEADERS)):
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not (index.isValid() and index.model() is self and 0 <= index.row() < len(self._rows)
                and 0 <= index.column() < len(HEADERS)):
            return None
        r = self._rows[index.row()]
        if role == ResponseIdRole:
            return r.id
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(r, index.column(), one_line=True)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._text(r, index.column(), one_line=False)
        return None

    def _text(self, r, column: int, *, one_line: bool) -> str:
        if column == RESPONDENT:
            return r.respondent
        if column == QUESTION:
            return r.question
        if column == ANSWER:
            return " ".join(r.text.split()) if one_line else r.text
        if not r.coded_by:
            return "nobody yet"
        return ", ".join(self._names.get(c, "?") for c in r.coded_by)
