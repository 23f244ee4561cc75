"""View ▸ History: the audit log with its rationale, filters and export."""

from __future__ import annotations

import csv

import pytest
from PySide6.QtCore import QDate

from post_coder.coding.codebook import find_code, rename_code
from post_coder.ui.dialogs.history_dialog import ABOUT, ACTION, RATIONALE, WHO, HistoryDialog


@pytest.fixture
def window(demo_window):
    return demo_window


def _texts(dialog: HistoryDialog, column: int) -> list[str]:
    m = dialog.model
    return [m.data(m.index(r, column)) for r in range(m.rowCount())]


def _wait(qtbot, dialog: HistoryDialog) -> None:
    qtbot.waitUntil(lambda: not dialog.reader.busy, timeout=10_000)


def test_history_lists_changes_newest_first_with_the_rationale(window, qtbot, tmp_path):
    stigma = find_code(window.session.project, "Stigma").id
    window.session.run(window, rename_code, stigma, "Stigma and shame",
                       rationale="=matches the interview guide")
    window.history_action.trigger()
    dialog = window.findChild(HistoryDialog, "historyDialog")
    assert dialog is not None and dialog.isVisible()
    _wait(qtbot, dialog)
    # the demo's build is not in the log's undo history, but its entries are in the log
    assert dialog.model.rowCount() > 1
    assert _texts(dialog, ACTION)[0] == "rename code"
    assert _texts(dialog, ABOUT)[0] == '"Stigma and shame"'
    assert _texts(dialog, RATIONALE)[0] == "=matches the interview guide"
    assert _texts(dialog, WHO)[0] == "Maya Chen"
    dialog.table.selectRow(0)
    detail = dialog.detail.toPlainText()
    assert 'name: "Stigma" → "Stigma and shame"' in detail.splitlines()
    assert "definition" not in detail  # only what changed
    assert "Why: =matches the interview guide" in detail

    # filter by kind: only the rename
    dialog.kind_box.setCurrentIndex(dialog.kind_box.findData("rename"))
    _wait(qtbot, dialog)
    assert _texts(dialog, ACTION) == ["rename code"]
    assert "1 entry" in dialog.status.text() and "filtered" in dialog.status.text()

    # export writes what is shown, neutralized so a spreadsheet cannot run it
    written = dialog.export(str(tmp_path / "history.csv"))
    with open(written, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["Action"], r["About"], r["Rationale"]) for r in rows] == [
        ("rename", '"Stigma and shame"', "'=matches the interview guide")]

    # a date in the future leaves nothing, and says so
    dialog.kind_box.setCurrentIndex(0)
    dialog.since_edit.setDate(QDate.currentDate().addDays(2))
    dialog.since_check.setChecked(True)
    _wait(qtbot, dialog)
    assert dialog.model.rowCount() == 0
    assert dialog.status.text() == "No entries match these filters."
    assert not dialog.export_button.isEnabled()


def test_history_follows_changes_and_filters_by_code_and_coder(window, qtbot):
    dialog = window.show_history()
    _wait(qtbot, dialog)
    time = find_code(window.session.project, "Lack of time").id
    dialog.code_box.setCurrentIndex(dialog.code_box.findData(time))
    _wait(qtbot, dialog)
    before = dialog.model.rowCount()
    assert before > 0
    assert all("Lack of time" in a for a in _texts(dialog, ABOUT))
    window.session.run(window, rename_code, time, "Time pressure")
    _wait(qtbot, dialog)  # the dialog reloads on every change to the project
    assert dialog.model.rowCount() == before + 1
    assert _texts(dialog, ACTION)[0] == "rename code"
    maya = dialog.coder_box.findText("Maya Chen")
    dialog.coder_box.setCurrentIndex(maya)
    _wait(qtbot, dialog)
    assert set(_texts(dialog, WHO)) <= {"Maya Chen", "(no coder set)"}
    assert _texts(dialog, ACTION)[0] == "rename code"
    # opening it again raises the same window; closing the project closes it
    assert window.show_history() is dialog
    window.close_project()
    assert not dialog.isVisible()
