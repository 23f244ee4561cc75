"""The read-only table-model base (``ui.models.ReadOnlyTableModel``) the flat tables share."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt

from post_coder.ui.models import ReadOnlyTableModel

DISPLAY, TOOLTIP = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole
HORIZONTAL, VERTICAL = Qt.Orientation.Horizontal, Qt.Orientation.Vertical

pytestmark = pytest.mark.qt


class Pairs(ReadOnlyTableModel[tuple[str, int]]):
    HEADERS = ("Name", "Count")

    def cell(self, row, column, role):
        return str(row[column]) if role == DISPLAY else None


class Tipped(Pairs):
    TIPS = {1: "How many"}


def test_counts_cells_and_flags(qapp):
    model = Pairs(rows=[("a", 1), ("b", 2)])
    assert (model.rowCount(), model.columnCount()) == (2, 2)
    assert model.rowCount(model.index(0, 0)) == 0 and model.columnCount(model.index(0, 0)) == 0
    assert model.data(model.index(1, 1)) == "2"
    assert model.data(model.index(1, 1), TOOLTIP) is None
    assert model.data(QModelIndex()) is None
    assert model.data(Pairs(rows=[("x", 9)] * 3).index(2, 0)) is None  # another model's index
    assert model.flags(model.index(0, 0)) == (Qt.ItemFlag.ItemIsEnabled
                                              | Qt.ItemFlag.ItemIsSelectable
                                              | Qt.ItemFlag.ItemNeverHasChildren)
    assert model.flags(QModelIndex()) == Qt.ItemFlag.NoItemFlags
    assert model.row_at(1) == ("b", 2) and model.row_at(2) is None and model.row_at(-1) is None


def test_headers_and_tips(qapp):
    plain, tipped = Pairs(), Tipped()
    assert [plain.headerData(i, HORIZONTAL) for i in range(3)] == ["Name", "Count", None]
    assert plain.headerData(0, VERTICAL) is None
    assert plain.headerData(0, HORIZONTAL, TOOLTIP) is None
    assert [tipped.headerData(i, HORIZONTAL, TOOLTIP) for i in range(2)] == ["Name", "How many"]


def test_set_rows_resets(qapp, qtbot):
    model = Pairs(rows=[("a", 1)])
    with qtbot.waitSignals([model.modelAboutToBeReset, model.modelReset]):
        model.set_rows([("c", 3), ("d", 4), ("e", 5)])
    assert model.rowCount() == 3 and model.data(model.index(2, 0)) == "e"
