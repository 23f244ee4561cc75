"""Keys 1–9 in the app (shown in the codebook, the Code menu and the palette; Pin to key;
a key takes its code off again) and whose each span is in the viewer (coders' colors,
legend, tooltips), driven through the real widgets."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QColor, QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from post_coder.coding.codebook import add_code
from post_coder.coding.coders import add_coder
from post_coder.coding.codings import apply_code, codings_for_response
from post_coder.coding.keys import pin_key
from post_coder.importing import import_survey, inspect_file
from post_coder.store.scope import ReadScope
from post_coder.team.rounds import create_round
from post_coder.ui.codebook_panel import CodebookPanel
from post_coder.ui.models.codebook_model import KEY_ROLE
from post_coder.ui.session import Session
from post_coder.ui.widgets.response_viewer import to_document
from post_coder.ui.workspace import CodingWorkspace
from tests.conftest import response_id

pytestmark = pytest.mark.qt

EVERYONE = ReadScope.everyone()
TEXT = "The peer supporter listened without judgment and I felt less alone after a bad case."
CODES = {"Time": "#1f77b4", "Privacy": "#d62728", "Support": "#2ca02c"}
MAYA, LUIS = "#9467bd", "#ff7f0e"


@pytest.fixture
def small(project, tmp_path):
    """Two responses, three codes (keys 1–3 by default), two coders with known colors."""
    path = tmp_path / "s.csv"
    path.write_text(f'id,feedback\nR1,"{TEXT}"\nR2,"No time for it"\n', encoding="utf-8")
    import_survey(project, inspect_file(path).with_mapping(id_column="id",
                                                           open_ended=["feedback"]))
    ids = {name: add_code(project, name, color=color).new_id for name, color in CODES.items()}
    ids["maya"] = add_coder(project, "Maya Chen", initials="MC", color=MAYA).new_id
    ids["luis"] = add_coder(project, "Luis Ortega", initials="LO", color=LUIS).new_id
    ids["r1"] = response_id(project, "R1")
    return ids


def _open(qtbot, project, coder):
    session = Session(project, coder_id=coder)
    workspace = CodingWorkspace(session)
    panel = CodebookPanel(session)
    for widget in (workspace, panel):
        qtbot.addWidget(widget)
        widget.show()
    workspace.resize(1100, 700)
    qtbot.waitExposed(workspace)
    workspace.select_response(response_id(project, "R1"))
    return session, workspace, panel


def _keys_in_tree(panel):
    model = panel.model
    return {model.data(model.index_of(cid), Qt.ItemDataRole.DisplayRole):
            model.data(model.index_of(cid), KEY_ROLE) for cid in model.code_ids()}


def _mine(project, response, coder):
    return [c.code_id for c in codings_for_response(project, EVERYONE, response)
            if c.coder_id == coder]


# -- keys 1–9 ------------------------------------------------------------------------------

def test_keys_show_in_the_tree_the_code_menu_and_the_palette(qtbot, project, small):
    session, workspace, panel = _open(qtbot, project, small["maya"])
    assert _keys_in_tree(panel) == {"Time": 1, "Privacy": 2, "Support": 3}
    index = panel.model.index_of(small["Privacy"])
    assert not isinstance(panel.model.data(index, Qt.ItemDataRole.DecorationRole), QColor)
    assert "Key 2 applies or removes this code (by default)" in panel.model.data(
        index, Qt.ItemDataRole.ToolTipRole)
    texts = [a.text() for a in workspace.actions() if a.objectName().startswith("applyPinned")]
    assert texts[:4] == ["Apply or remove code 1: Time", "Apply or remove code 2: Privacy",
                         "Apply or remove code 3: Support", "Apply or remove code 4 (none)"]
    assert workspace.actions()[4].shortcut().toString() == "1"
    palette = workspace.open_palette()
    rows = [palette.list.item(i).text().split("\n")[0] for i in range(palette.list.count())]
    assert rows == ["1  Time", "2  Privacy", "3  Support"]
    palette.reject()


def test_pin_to_key_from_the_codebook_menu_is_saved_and_undoable(qtbot, project, small):
    session, workspace, panel = _open(qtbot, project, small["maya"])
    panel.select_code(small["Support"])
    menu = panel.context_menu()
    pins = menu.findChild(type(menu), "pinToKeyMenu")
    assert pins is not None and pins.isEnabled()
    assert [a.text() for a in pins.actions()[:4]] == ["&1 (now Time)", "&2 (now Privacy)",
                                                      "&3", "&4"]
    assert pins.actions()[2].isChecked()  # Support is on key 3 now
    assert not pins.findChild(type(pins.actions()[0]), "unpinKeyAction").isEnabled()
    pins.actions()[0].trigger()  # Pin to key ▸ 1
    session.wait()
    assert _keys_in_tree(panel) == {"Time": None, "Privacy": 2, "Support": 1}
    assert workspace.pinned_codes() == [small["Support"], small["Privacy"]]
    assert "Key 1 applies or removes this code (pinned by you)" in panel.model.data(
        panel.model.index_of(small["Support"]), Qt.ItemDataRole.ToolTipRole)
    assert session.undo_label() == "Pin code to key"
    # another coder has their own keys
    session.set_coder(small["luis"])
    assert _keys_in_tree(panel) == {"Time": 1, "Privacy": 2, "Support": 3}
    assert workspace.pinned_codes()[0] == small["Time"]
    session.set_coder(small["maya"])
    assert _keys_in_tree(panel)["Support"] == 1
    session.undo(panel)
    session.wait()
    assert _keys_in_tree(panel) == {"Time": 1, "Privacy": 2, "Support": 3}
    session.redo(panel)
    session.wait()
    menu = panel.context_menu()
    unpin = menu.findChild(type(menu.actions()[0]), "unpinKeyAction")
    assert unpin.isEnabled()
    unpin.trigger()
    session.wait()
    assert _keys_in_tree(panel) == {"Time": 1, "Privacy": 2, "Support": 3}
    assert session.undo_label() == "Unpin code"


def test_a_key_applies_its_code_and_the_same_key_takes_it_off(qtbot, project, small):
    r1 = small["r1"]
    apply_code(project, r1, small["Time"], small["luis"])  # Luis's coding stays throughout
    session, workspace, panel = _open(qtbot, project, small["maya"])
    workspace.activateWindow()
    workspace.table.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is workspace.table)
    qtbot.keyClick(workspace.table, Qt.Key.Key_1)
    assert _mine(project, r1, small["maya"]) == [small["Time"]]
    assert workspace.status.text() == "Applied “Time” (key 1)."
    qtbot.keyClick(workspace.table, Qt.Key.Key_1)
    assert _mine(project, r1, small["maya"]) == []
    assert _mine(project, r1, small["luis"]) == [small["Time"]]
    assert workspace.status.text() == ("Removed “Time”: key 1 again or Ctrl+Z puts it back.")
    assert session.undo_label() == "Remove code"
    session.undo(workspace)
    session.wait()
    assert _mine(project, r1, small["maya"]) == [small["Time"]]
    qtbot.keyClick(workspace.table, Qt.Key.Key_5)
    assert workspace.status.text() == ("No code is on key 5; right-click a code in the "
                                       "codebook ▸ Pin to key.")


# -- whose spans ---------------------------------------------------------------------------

def _formats(viewer):
    """(selected text, background, underline color or None) of every highlight."""
    out = []
    for sel in viewer.text_edit.extraSelections():
        fmt = sel.format
        underline = (fmt.underlineColor().name()
                     if fmt.underlineStyle() != fmt.UnderlineStyle.NoUnderline else None)
        out.append((sel.cursor.selectedText(), fmt.background().color().name(),
                    fmt.background().color().alpha(), underline))
    return sorted(out)


def _span(word):
    start = TEXT.index(word)
    return start, start + len(word)


def test_one_coder_spans_keep_their_code_colors(qtbot, project, small):
    apply_code(project, small["r1"], small["Support"], small["maya"], start=_span("peer")[0],
               end=_span("supporter")[1])
    session, workspace, panel = _open(qtbot, project, small["maya"])
    viewer = workspace.viewer
    assert _formats(viewer) == [("peer supporter", CODES["Support"], 70, None)]
    assert not viewer.span_marks.legend.isVisible()


def test_several_coders_spans_show_whose_they_are(qtbot, project, small):
    r1 = small["r1"]
    apply_code(project, r1, small["Support"], small["maya"], start=_span("peer")[0],
               end=_span("supporter")[1])
    apply_code(project, r1, small["Support"], small["luis"], *(), start=_span("listened")[0],
               end=_span("judgment")[1])
    apply_code(project, r1, small["Privacy"], small["luis"], start=_span("alone")[0],
               end=_span("alone")[1])
    session, workspace, panel = _open(qtbot, project, small["maya"])
    viewer = workspace.viewer
    assert _formats(viewer) == [
        ("alone", LUIS, 70, CODES["Privacy"]),
        ("listened without judgment", LUIS, 70, CODES["Support"]),
        ("peer supporter", MAYA, 70, CODES["Support"]),
    ]
    legend = viewer.span_marks.legend
    assert legend.isVisible()
    assert "Maya Chen" in legend.text() and "Luis Ortega" in legend.text()
    assert viewer.span_marks.tooltip_at(_span("alone")[0]) == "Privacy — Luis Ortega (LO)"
    assert viewer.span_marks.tooltip_at(0) == ""
    # overlapping spans: the tooltip lists both
    apply_code(project, r1, small["Time"], small["maya"], start=_span("alone")[0],
               end=_span("case")[1])
    viewer.show_response(r1)
    assert viewer.span_marks.tooltip_at(_span("alone")[0] + 1).splitlines() == [
        "Privacy — Luis Ortega (LO)", "Time — Maya Chen (MC)"]
    # hovering the text shows it
    edit = viewer.text_edit
    cursor = edit.textCursor()
    cursor.setPosition(to_document(TEXT, _span("alone")[0] + 2))
    point = edit.cursorRect(cursor).center()
    QApplication.sendEvent(edit.viewport(), QHelpEvent(QEvent.Type.ToolTip, point,
                                                      edit.viewport().mapToGlobal(point)))
    assert QToolTip.text() == "Privacy — Luis Ortega (LO)\nTime — Maya Chen (MC)"


def test_a_blind_round_shows_only_your_spans_in_code_colors(qtbot, project, small):
    r1 = small["r1"]
    apply_code(project, r1, small["Support"], small["maya"], start=0, end=3)
    apply_code(project, r1, small["Privacy"], small["luis"], start=4, end=8)
    create_round(project, "Round 1", [small["maya"], small["luis"]])  # blind by default
    session, workspace, panel = _open(qtbot, project, small["maya"])
    assert session.scope.blind
    assert _formats(workspace.viewer) == [("The", CODES["Support"], 70, None)]
    assert not workspace.viewer.span_marks.legend.isVisible()
    assert workspace.viewer.span_marks.tooltip_at(5) == ""
