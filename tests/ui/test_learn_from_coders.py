"""The "Learn from:" lists of Analysis ▸ Suggest Codes and Suggest Code Groupings follow
the project's coders while the windows are open: a colleague added in Team ▸ Coders… is
listed at once, a renamed one by the new name, one whose adding is undone leaves; the
choice stays, and falls back to the window's default when its coder is gone."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from post_coder.coding.coders import list_coders
from post_coder.project import Project
from post_coder.ui.code_suggestions_panel import CodeSuggestionsPanel
from post_coder.ui.groupings_panel import GroupingsPanel
from tests.ui.suggest_helpers import main_window, small_survey


@pytest.fixture
def window(qtbot, tmp_path):
    path, ids = small_survey(tmp_path, ["Ana", "Ben"])
    project = Project.open(path)
    w = main_window(qtbot, project, ids["Ben"], tmp_path)
    yield w
    project.close()


def _choices(combo) -> list[tuple[str, str]]:
    return [(combo.itemText(i), combo.itemData(i)) for i in range(combo.count())]


def _choose(combo, source: str) -> None:
    combo.setCurrentIndex(combo.findData(source))
    assert combo.currentData() == source


def _undo(window) -> None:
    """Edit ▸ Undo."""
    window.undo_action.trigger()
    window.session.wait()


def _redo(window) -> None:
    window.redo_action.trigger()
    window.session.wait()


def test_both_lists_follow_the_coders_added_renamed_and_undone(qtbot, window):
    window.codes_action.trigger()
    window.groupings_action.trigger()
    codes = window.findChild(CodeSuggestionsPanel).source
    groupings = window.findChild(GroupingsPanel).source
    assert _choices(codes) == [("Consensus layer", "consensus"),
                               ("Ana's codings", "coder:Ana"), ("Ben's codings", "coder:Ben")]
    assert _choices(groupings) == [("Every coding you see", "union"),
                                   ("Consensus layer", "consensus"),
                                   ("Ana's codings", "coder:Ana"),
                                   ("Ben's codings", "coder:Ben")]
    _choose(codes, "coder:Ben")
    _choose(groupings, "consensus")  # a fixed choice other than the default

    # Team ▸ Coders… ▸ Add colleague…, with both windows open
    dialog = window.team.show_coders()
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.editor.name_edit, "Cy Dunn")
    qtbot.mouseClick(dialog.editor.ok_button, Qt.MouseButton.LeftButton)
    window.session.wait()
    cy = ("Cy Dunn's codings", "coder:Cy Dunn")
    assert _choices(codes)[1:] == [("Ana's codings", "coder:Ana"),
                                   ("Ben's codings", "coder:Ben"), cy]
    assert _choices(groupings)[2:] == _choices(codes)[1:]
    assert codes.currentData() == "coder:Ben" and groupings.currentData() == "consensus"

    # the new coder chosen, then renamed: still chosen, by the new name
    _choose(codes, "coder:Cy Dunn")
    _choose(groupings, "coder:Cy Dunn")
    cy_id = next(c.id for c in list_coders(window.session.project) if c.name == "Cy Dunn")
    dialog.table.setCurrentCell(dialog.row_of(cy_id), 0)
    editor = dialog.edit_selected()
    editor.name_edit.clear()
    qtbot.keyClicks(editor.name_edit, "Cy Dunne")
    qtbot.mouseClick(editor.ok_button, Qt.MouseButton.LeftButton)
    window.session.wait()
    dialog.reject()
    for combo in (codes, groupings):
        assert (combo.currentText(), combo.currentData()) == ("Cy Dunne's codings",
                                                              "coder:Cy Dunne")
        assert "coder:Cy Dunn" not in [d for _, d in _choices(combo)]

    _undo(window)  # undo the rename
    assert codes.currentData() == groupings.currentData() == "coder:Cy Dunn"
    _undo(window)  # undo the adding: Cy leaves, each falls back to its default
    assert _choices(codes) == [("Consensus layer", "consensus"),
                               ("Ana's codings", "coder:Ana"), ("Ben's codings", "coder:Ben")]
    assert _choices(groupings)[2:] == _choices(codes)[1:]
    assert codes.currentData() == "consensus" and groupings.currentData() == "union"
    _redo(window)  # redo: Cy is back (the choice stays the default)
    assert _choices(codes)[-1] == cy == _choices(groupings)[-1]
    assert codes.currentData() == "consensus" and groupings.currentData() == "union"


def test_a_window_opened_after_the_coder_was_added_lists_them_too(qtbot, window):
    """(What worked before: the list is read when the window opens.) A fixed choice other
    than the first is kept when the coders change."""
    from post_coder.coding.coders import add_coder

    window.session.run(window, add_coder, "Dee")
    window.session.wait()
    window.groupings_action.trigger()
    groupings = window.findChild(GroupingsPanel).source
    assert _choices(groupings)[-1] == ("Dee's codings", "coder:Dee")
    _choose(groupings, "consensus")
    _undo(window)
    assert groupings.currentData() == "consensus"
    assert [d for _, d in _choices(groupings)] == ["union", "consensus", "coder:Ana",
                                                    "coder:Ben"]
