"""Codebook ▸ Code History… and Codebook ▸ Re-check Queue…, driven for real on a copy of the demo
project (the session codes as the first coder listed)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QTimeZone
from PySide6.QtWidgets import QMenu

from post_coder.coding import codebook
from post_coder.coding.coders import list_coders
from post_coder.coding.codings import apply_code
from post_coder.project import Project
from post_coder.team.rounds import create_round
from post_coder.ui.codebook_panel import CodebookPanel
from post_coder.ui.dialogs.code_history_dialog import CodeHistoryDialog
from post_coder.ui.dialogs.recheck_dialog import EMPTY_TEXT, RecheckDialog
from post_coder.ui.session import Session

pytestmark = pytest.mark.qt


@pytest.fixture
def panel(qtbot, session: Session) -> CodebookPanel:
    widget = CodebookPanel(session)
    qtbot.addWidget(widget)
    widget.resize(420, 600)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


class Clock:
    def __init__(self) -> None:
        self.at = ""

    def __call__(self) -> str:
        return self.at


def _utc(text: str) -> QDateTime:
    """``"2030-01-01 11:00"`` as a UTC date and time."""
    day, time = text.split()
    return QDateTime(QDate.fromString(day, "yyyy-MM-dd"), QTime.fromString(time, "HH:mm"),
                     QTimeZone.utc())


def test_history_dialog_versions_comparison_and_as_of(qtbot, panel, session, demo_project,
                                                       monkeypatch):
    clock = Clock()
    monkeypatch.setattr("post_coder.coding.code_versions.now", clock)
    monkeypatch.setattr("post_coder.team.rounds.now", clock)
    me = next(c.name for c in list_coders(demo_project) if c.id == session.coder_id)
    stigma = codebook.find_code(demo_project, "Stigma")
    old_definition = stigma.definition
    clock.at = "2030-01-01T10:00:00.000+00:00"
    session.run(None, codebook.rename_code, stigma.id, "Self-stigma", rationale="clearer")
    clock.at = "2030-01-01T12:00:00.000+00:00"
    session.run(None, create_round, "Round 2030", [session.coder_id], blind=False)
    clock.at = "2030-01-02T10:00:00.000+00:00"
    session.run(None, codebook.redefine_code, stigma.id, definition="Shame about asking")

    [menu_action] = [a for a in panel.actions() if a.objectName() == "actionCodebookHistory"]
    assert menu_action.text() == "Code &History…" and menu_action.shortcut().toString() == \
        "Ctrl+Alt+H"
    panel.select_code(stigma.id)
    menu_action.trigger()
    [dialog] = [d for d in panel.findChildren(CodeHistoryDialog) if d.isVisible()]
    assert dialog.code_combo.currentData() == stigma.id
    table = dialog.versions_table
    rows = [[table.item(r, c).text() for c in range(5)] for r in range(table.rowCount())]
    assert [r[0] for r in rows] == ["1", "2", "3"]
    assert rows[1][1:] == ["2030-01-01 10:00", me, "rename", "clearer"]
    assert rows[2][1:] == ["2030-01-02 10:00", me, "redefine", ""]
    # the latest is selected, compared with the one before
    assert dialog.compare_label.text() == "Version 2 → 3: 1 field differs (definition)."
    assert ("Definition", old_definition, "Shame about asking") in dialog.compared_rows()
    # two versions chosen by Ctrl+click: side by side
    table.clearSelection()
    for row in (0, 2):
        rect = table.visualRect(table.model().index(row, 0))
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton,
                         Qt.KeyboardModifier.ControlModifier, rect.center())
    assert dialog.compared() == (1, 3)
    assert table.horizontalHeaderItem(0).text() == "Version"
    assert dialog.compare_table.horizontalHeaderItem(1).text() == "Version 1"
    assert dialog.compare_label.text() == "Version 1 → 3: 2 fields differ (name, definition)."
    assert dialog.compared_rows()[:2] == [("Name", "Stigma", "Self-stigma"),
                                          ("Parent", "Barriers", "Barriers")]

    # as of a date: before anything, between the changes, and a round
    dialog.tabs.setCurrentIndex(1)
    dialog.date_edit.setDateTime(_utc("2000-01-01 00:00"))
    assert dialog.as_of_label.text() == "There were no codes yet as of 2000-01-01 00:00 UTC."
    assert dialog.as_of_rows() == []
    dialog.date_edit.setDateTime(_utc("2030-01-01 11:00"))
    shown = dialog.as_of_rows()
    assert (1, "Self-stigma", old_definition) in shown and "Stigma" not in [r[1] for r in shown]
    dialog.round_radio.click()
    assert not dialog.date_edit.isEnabled()
    dialog.round_combo.setCurrentIndex(dialog.round_combo.findText("Round 2030 (open)"))
    assert dialog.as_of_rows() == shown
    assert dialog.as_of_label.text().startswith("The codebook as of round “Round 2030 (open)”:")
    dialog.date_radio.click()
    dialog.date_edit.setDateTime(_utc("2030-01-02 10:00"))
    assert (1, "Self-stigma", "Shame about asking") in dialog.as_of_rows()
    assert dialog.as_of_tree.editTriggers() == dialog.as_of_tree.EditTrigger.NoEditTriggers
    # another code from the picker
    dialog.code_combo.setCurrentIndex(dialog.code_combo.findData(
        codebook.find_code(demo_project, "Barriers").id))
    assert table.rowCount() == 1 and table.item(0, 3).text() == "create"
    assert dialog.compare_label.text() == "Version 1: the code as it was made."


def test_recheck_queue_confirm_remove_undo_and_empty_state(qtbot, panel, session,
                                                          demo_project: Project):
    p = demo_project
    me = session.coder_id
    other = next(c.id for c in list_coders(p) if c.id != me)
    zeta = session.run(None, codebook.add_code, "Zeta", definition="First meaning").new_id
    first, second, third = [r[0] for r in session.project.db.execute(
        "SELECT id FROM responses ORDER BY seq LIMIT 3")]
    mine = [session.run(None, apply_code, r, zeta, me).new_id for r in (first, second)]
    session.run(None, apply_code, third, zeta, other)

    [menu_action] = [a for a in panel.actions() if a.objectName() == "actionRecheckQueue"]
    assert menu_action.shortcut().toString() == "Ctrl+Shift+J"
    dialog = panel.show_recheck_queue()
    qtbot.waitExposed(dialog)
    assert dialog.stack.currentWidget() is dialog.empty_label
    assert dialog.empty_label.text() == EMPTY_TEXT
    assert "definition, inclusion or exclusion criteria" in EMPTY_TEXT
    assert not dialog.confirm_button.isEnabled()

    # a new definition (from elsewhere in the app): the dialog reloads with my two
    session.run(None, codebook.redefine_code, zeta, definition="Second meaning")
    assert dialog.count_label.text() == "2 codings of yours to re-check under a new definition."
    assert [i.coding_id for i in dialog.items] == mine
    assert "First meaning" in dialog.old_view.toPlainText()
    assert "Second meaning" in dialog.new_view.toPlainText()
    text = session.project.db.execute("SELECT text FROM responses WHERE id = ?",
                                      [first]).fetchone()[0]
    assert text[:40] in dialog.response_view.toPlainText()

    dialog.activateWindow()
    qtbot.keyClick(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert [i.coding_id for i in dialog.items] == mine[1:]
    assert session.undo_label() == "Confirm re-check"
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert session.undo_label() == "Remove after re-check"
    assert dialog.stack.currentWidget() is dialog.empty_label
    assert dialog.count_label.text() == "Your re-check queue is empty."
    deleted = p.db.execute("SELECT deleted_at IS NOT NULL FROM codings WHERE id = ?",
                           [mine[1]]).fetchone()
    assert deleted == (1,)
    session.undo()  # the coding and its flag come back, and the dialog shows it again
    qtbot.waitUntil(lambda: len(dialog.items) == 1)
    assert dialog.items[0].coding_id == mine[1]
    assert dialog.stack.currentWidget() is not dialog.empty_label


def test_both_actions_are_in_the_codebook_menu(qtbot, panel):
    menu = QMenu()
    menu.addActions(panel.actions())
    names = [a.objectName() for a in menu.actions()]
    assert names[-2:] == ["actionCodebookHistory", "actionRecheckQueue"]
