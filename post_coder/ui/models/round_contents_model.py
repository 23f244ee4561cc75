"""The responses of one round: respondent, question, answer and which coders have coded it.

Rows come from :func:`post_coder.team.rounds.round_contents` (read once when the
dialog opens); the table only shows them.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt

from post_coder.team.rounds import RoundContents, RoundResponse
from post_coder.ui.models import ReadOnlyTableModel

RESPONDENT, QUESTION, ANSWER, CODED_BY = range(4)
HEADERS = ("Respondent", "Question", "Answer", "Coded by")
#: role returning a row's response id
ResponseIdRole = Qt.ItemDataRole.UserRole + 1


class RoundContentsModel(ReadOnlyTableModel[RoundResponse]):
    """Read-only; one row per response of the round, in file order."""

    HEADERS = HEADERS

    def __init__(self, contents: RoundContents, parent: QObject | None = None) -> None:
        super().__init__(parent, rows=contents.responses)
        self._names = dict(contents.info.coders)

    def cell(self, r: RoundResponse, column: int, role: int) -> Any:
        if role == ResponseIdRole:
            return r.id
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(r, column, one_line=True)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._text(r, column, one_line=False)
        return None

    def _text(self, r: RoundResponse, column: int, *, one_line: bool) -> str:
        if column == RESPONDENT:
            return r.respondent
        if column == QUESTION:
            return r.question
        if column == ANSWER:
            return " ".join(r.text.split()) if one_line else r.text
        if not r.coded_by:
            return "nobody yet"
        return ", ".join(self._names.get(c, "?") for c in r.coded_by)
