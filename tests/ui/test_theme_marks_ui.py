"""Marks for theme tables in the app: a coding chip ▸ Mark as exemplar quote; a theme ▸ RE-AIM
dimension in the codebook menu. Each one undoable action."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel, QWidget

from post_coder.coding.themes import is_exemplar
from tests.ui.test_workspace import open_workspace

pytestmark = pytest.mark.qt


def _chip(qtbot, workspace, coding_id):
    """The chip shown for the coding (the viewer rebuilds its chips after a change)."""
    def shown():
        return [c for c in workspace.viewer.findChildren(QWidget, "codingChip")
                if c.property("coding_id") == coding_id and c.isVisible()]

    qtbot.waitUntil(lambda: len(shown()) == 1)
    return shown()[0]


def _action(chip):
    [action] = [a for a in chip.actions() if a.objectName() == "exemplarAction"]
    return action


def test_mark_a_coding_as_exemplar_quote_from_its_chip(qtbot, session):
    workspace = open_workspace(qtbot, session)
    chip = workspace.viewer.findChildren(QWidget, "codingChip")[0]
    coding_id = chip.property("coding_id")
    action = _action(chip)
    assert action.text() == "Mark as exemplar quote" and not action.isChecked()
    action.trigger()  # checks it: marks
    assert is_exemplar(session.project, coding_id)
    assert session.undo_label() == "Mark exemplar quote"
    chip = _chip(qtbot, workspace, coding_id)  # the viewer rebuilt its chips
    assert _action(chip).isChecked()
    assert chip.findChild(QLabel, "codingChipLabel").text().startswith("★ ")
    _action(chip).trigger()  # unchecks it: unmarks
    assert not is_exemplar(session.project, coding_id)
    assert session.undo_label() == "Unmark exemplar quote"
    session.undo()
    qtbot.waitUntil(lambda: is_exemplar(session.project, coding_id))
    qtbot.waitUntil(lambda: _action(_chip(qtbot, workspace, coding_id)).isChecked())


def test_a_themes_re_aim_dimension_from_the_codebook_menu(qtbot, session):
    from post_coder.coding.codebook import list_codes
    from post_coder.coding.themes import dimensions
    from post_coder.ui.codebook_panel import CodebookPanel

    panel = CodebookPanel(session)
    qtbot.addWidget(panel)
    codes = {c.name: c for c in list_codes(session.project)}
    # the demo puts two themes in a dimension and leaves Barriers in none
    theme = codes["Barriers"]
    panel.select_code(theme.id)
    menu = panel.context_menu()
    submenu = menu.findChild(type(menu), "dimensionMenu")
    assert [a.text() for a in submenu.actions()] == [
        "Reach", "Effectiveness", "Adoption", "Implementation", "Maintenance", "None"]
    assert [a.isChecked() for a in submenu.actions()] == [False] * 5 + [True]
    submenu.actions()[0].trigger()
    assert dimensions(session.project) == {codes["Perceived effectiveness"].id: "Effectiveness",
                                           codes["Implementation"].id: "Implementation",
                                           theme.id: "Reach"}
    assert session.undo_label() == "Set RE-AIM dimension"
    again = panel.context_menu().findChild(type(menu), "dimensionMenu")
    assert [a.isChecked() for a in again.actions()] == [True] + [False] * 5
    # a sub-code has no dimension of its own
    panel.select_code(codes["Stigma"].id)
    assert panel.context_menu().findChild(type(menu), "dimensionMenu") is None
