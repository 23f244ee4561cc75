"""The rounds table: one row per coding round (see :mod:`post_coder.team.rounds`)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from post_coder.ui.models import ReadOnlyTableModel
from post_coder.ui.models.team_reads import RoundRow

NAME, STATUS, BLIND, CODERS, SAMPLE, RESPONSES, PROGRESS = range(7)
HEADERS = ("Round", "Status", "Blind", "Coders", "Responses chosen", "Responses",
           "Progress (done)")
TIPS = {
    STATUS: "Open rounds are being coded; closing a round ends its blinding",
    BLIND: "In an open blind round each coder sees only their own codings of its responses",
    SAMPLE: "How the round's responses were drawn (the same seed gives the same sample)",
    PROGRESS: "How many of the round's responses each coder has marked done (Enter, "
              "Nothing applies, or applying a code)",
}
#: role returning a row's round id
RoundIdRole = Qt.ItemDataRole.UserRole + 1



class RoundsModel(ReadOnlyTableModel[RoundRow]):
    """Read-only; ``set_rows`` replaces every row (a project has a handful of rounds)."""

    HEADERS = HEADERS
    TIPS = TIPS

    def round_row(self, row: int) -> RoundRow | None:
        return self.row_at(row)

    def row_of(self, round_id: str | None) -> int:
        return next((n for n, r in enumerate(self._rows) if r.id == round_id), -1)

    def cell(self, r: RoundRow, column: int, role: int) -> Any:
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
