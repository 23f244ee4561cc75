"""Right-click a coding chip ▸ Mark as exemplar quote: one undoable action, shown on the chip."""

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
