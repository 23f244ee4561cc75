"""The codebook panel, its dialogs, the compare view and the memo editor, driven for real.

Each test opens a fresh copy of the demo project (16 codes, 2 coders, 248 codings), builds
the real widgets on a real ``Session``, clicks and types, then checks both the widgets
and the project (codings, codes, audit log, Undo).
"""

from __future__ import annotations


import pytest
from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QColor, QFocusEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from post_coder.changes import Changes
from post_coder.coding import codebook
from post_coder.coding.coders import list_coders
from post_coder.coding.codings import apply_code, list_codings
from post_coder.coding.memos import memos_for, set_memo
from post_coder.project import Project
from post_coder.queries import codebook_table
from post_coder.store import audit
from post_coder.coding import refine
from post_coder.ui.codebook_panel import EMPTY_TEXT, CodebookPanel
from post_coder.ui.compare_view import CompareView
from post_coder.ui.dialogs.code_editor import CodeEditorDialog
from post_coder.ui.dialogs.merge_dialog import MergeDialog
from post_coder.ui.dialogs.rationale_dialog import RationaleDialog
from post_coder.ui.dialogs.split_dialog import SplitDialog
from post_coder.ui.models.codebook_model import MIME_TYPE, RESPONDENTS, CodebookModel
from post_coder.ui.models.segment_model import SegmentModel
from post_coder.ui.session import Session
from post_coder.ui.widgets.memo_editor import MemoEditor
from post_coder.store.scope import ReadScope

EVERYONE = ReadScope.everyone()

pytestmark = pytest.mark.qt


# -- fixtures -----------------------------------------------------------------------------

@pytest.fixture
def demo(demo_project: Project) -> Project:
    """A fresh copy of the demo project (tests/ui/conftest.py)."""
    return demo_project


@pytest.fixture
def cb_session(demo: Project) -> Session:
    return Session(demo, coder_id=list_coders(demo)[0].id)


@pytest.fixture
def panel(qtbot, cb_session: Session) -> CodebookPanel:
    widget = CodebookPanel(cb_session)
    qtbot.addWidget(widget)
    widget.resize(420, 600)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def code_id(project: Project, name: str) -> str:
    return codebook.find_code(project, name).id


def live_ids(project: Project, code: str) -> set[str]:
    return {r.id for r in list_codings(project, EVERYONE, codes=[code])}


def click_code(qtbot, panel: CodebookPanel, code: str, modifier=Qt.KeyboardModifier.NoModifier):
    index = panel.model.index_of(code)
    panel.tree.scrollTo(index)
    rect = panel.tree.visualRect(index)
    qtbot.mouseClick(panel.tree.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def dialog_of(panel: CodebookPanel, kind):
    found = [d for d in panel.findChildren(kind) if d.isVisible()]
    assert len(found) == 1, found
    return found[0]


# -- the model ----------------------------------------------------------------------------

def test_codebook_model_passes_the_qt_model_tester(qtmodeltester, cb_session):
    model = CodebookModel(cb_session)
    qtmodeltester.check(model)
    project = cb_session.writer
    stigma, barriers = code_id(project, "Stigma"), code_id(project, "Barriers")
    # in place (texts and counts) and structural (move) refreshes keep the model valid
    cb_session.run(None, codebook.redefine_code, stigma, definition="Fear of judgement")
    cb_session.run(None, codebook.move_code, stigma, None)
    cb_session.run(None, codebook.retire_code, barriers)
    qtmodeltester.check(model)
    assert model.parent(model.index_of(stigma)) == QModelIndex()


def test_tree_shows_names_swatches_counts_and_definitions(panel, demo):
    stigma = codebook.find_code(demo, "Stigma")
    name = panel.model.index_of(stigma.id)
    count = panel.model.index_of(stigma.id, RESPONDENTS)
    assert name.data() == "Stigma"
    assert name.data(Qt.ItemDataRole.DecorationRole) == QColor(stigma.color)
    respondents = next(r for r in codebook_table(demo, EVERYONE)
                       if r["id"] == stigma.id)["respondents"]
    assert count.data() == str(respondents)
    assert stigma.definition[:30] in count.data(Qt.ItemDataRole.ToolTipRole)
    assert panel.model.parent(name).data() == "Barriers"
    assert panel.tree.isExpanded(panel.model.parent(name))
    assert panel.model.rowCount() == 3


def test_empty_codebook_shows_a_hint_until_a_code_is_added(qtbot, project):
    session = Session(project)
    widget = CodebookPanel(session)
    qtbot.addWidget(widget)
    widget.show()
    assert widget.stack.currentWidget() is widget.empty_label
    assert widget.empty_label.text() == EMPTY_TEXT
    session.run(widget, codebook.add_code, "First code")
    assert widget.stack.currentWidget() is widget.tree
    assert widget.model.rowCount() == 1


def test_counts_refresh_in_place_without_losing_the_selection(qtbot, panel, demo):
    stigma = code_id(demo, "Stigma")
    click_code(qtbot, panel, stigma)
    coded = {r.respondent for r in list_codings(demo, EVERYONE, codes=[stigma])}
    fresh = next(r for r in list_codings(demo, EVERYONE) if r.respondent not in coded)
    before = int(panel.model.index_of(stigma, RESPONDENTS).data())
    with qtbot.assertNotEmitted(panel.model.modelReset):
        panel.session.run(panel, apply_code, fresh.response_id, stigma, panel.session.coder_id)
    assert int(panel.model.index_of(stigma, RESPONDENTS).data()) == before + 1
    assert panel.current_code_id() == stigma


# -- adding and editing -------------------------------------------------------------------

def test_add_code_with_the_editor_dialog(qtbot, panel, demo):
    barriers = code_id(demo, "Barriers")
    qtbot.mouseClick(panel.buttons["actionNewCode"], Qt.MouseButton.LeftButton)
    dialog = dialog_of(panel, CodeEditorDialog)
    assert not dialog.ok_button.isEnabled()  # no name yet
    qtbot.keyClicks(dialog.name_edit, "Workload")
    dialog.parent_combo.setCurrentIndex(dialog.parent_combo.findData(barriers))
    qtbot.keyClicks(dialog.text_edits["definition"], "Too much work to seek support.")
    dialog.set_color("#123456")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    code = codebook.find_code(demo, "Workload")
    assert (code.parent_id, code.definition, code.color) == (
        barriers, "Too much work to seek support.", "#123456")
    assert panel.current_code_id() == code.id
    assert panel.model.index_of(code.id).parent().data() == "Barriers"
    assert demo.undo_label() == "Add code"


def test_duplicate_name_keeps_the_dialog_open(qtbot, panel, demo):
    dialog = panel.new_code()
    qtbot.keyClicks(dialog.name_edit, "stigma")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.result() == 0
    assert dialog.findChild(QMessageBox, "errorBox") is not None


def test_edit_definition_with_rationale_goes_to_the_audit_log(qtbot, panel, demo):
    stigma = code_id(demo, "Stigma")
    click_code(qtbot, panel, stigma)
    panel.activateWindow()
    panel.tree.setFocus()
    qtbot.keyClick(panel.tree, Qt.Key.Key_F2)
    dialog = dialog_of(panel, CodeEditorDialog)
    assert dialog.name_edit.text() == "Stigma"
    dialog.text_edits["definition"].clear()
    qtbot.keyClicks(dialog.text_edits["definition"], "Fear of being judged for seeking help.")
    qtbot.keyClicks(dialog.rationale_edit, "Narrowed after round 2 discussion")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    assert codebook.get_code(demo, stigma).definition == "Fear of being judged for seeking help."
    last = audit.entries(demo.db, entity="code", entity_id=stigma)[-1]
    assert (last.action, last.step_label, last.rationale) == (
        "redefine", "Edit code", "Narrowed after round 2 discussion")
    assert [e.action for e in audit.entries(demo.db, entity="code", entity_id=stigma)].count(
        "rename") == 0  # only what changed is applied
    assert demo.undo_label() == "Edit code"


def test_edit_name_color_and_parent_is_one_undo_step(qtbot, panel, demo):
    stigma = codebook.find_code(demo, "Stigma")
    implementation = code_id(demo, "Implementation")
    dialog = panel.edit_code(stigma.id)
    dialog.name_edit.clear()
    qtbot.keyClicks(dialog.name_edit, "Stigma and shame")
    dialog.set_color("#abcdef")
    dialog.set_parent_code(implementation)
    assert dialog.parent_combo.findData(stigma.id) == -1  # not inside itself
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    edited = codebook.get_code(demo, stigma.id)
    assert (edited.name, edited.color, edited.parent_id) == (
        "Stigma and shame", "#abcdef", implementation)
    assert panel.model.index_of(stigma.id).data() == "Stigma and shame"
    panel.session.undo()
    panel.session.wait()
    restored = codebook.get_code(demo, stigma.id)
    assert (restored.name, restored.color, restored.parent_id) == (
        stigma.name, stigma.color, stigma.parent_id)
    assert panel.model.index_of(stigma.id).parent().data() == "Barriers"


# -- merge ----------------------------------------------------------------------------------

def test_merge_dialog_previews_then_merges(qtbot, panel, demo):
    stigma, privacy = code_id(demo, "Stigma"), code_id(demo, "Privacy and confidentiality")
    source_rows = list_codings(demo, EVERYONE, codes=[stigma])
    # give the target two of the source's segments already: they must collapse, not move
    for row in source_rows[:2]:
        apply_code(demo, row.response_id, privacy, row.coder_id,
                   start=row.span_start, end=row.span_end)
    panel.session.notify(Changes(codings=True))
    held = {(r.response_id, r.coder_id, r.span_start, r.span_end)
            for r in list_codings(demo, EVERYONE, codes=[privacy])}
    duplicates = sum((r.response_id, r.coder_id, r.span_start, r.span_end) in held
                     for r in source_rows)
    target_before = len(list_codings(demo, EVERYONE, codes=[privacy]))

    click_code(qtbot, panel, stigma)
    click_code(qtbot, panel, privacy, Qt.KeyboardModifier.ControlModifier)
    qtbot.mouseClick(panel.buttons["actionMergeCodes"], Qt.MouseButton.LeftButton)
    dialog = dialog_of(panel, MergeDialog)
    assert (dialog.sources(), dialog.target()) == ([stigma], privacy)
    preview = dialog.preview()
    assert duplicates >= 2
    assert (preview.moving, preview.duplicates) == (len(source_rows) - duplicates, duplicates)
    assert f"{preview.moving} codings move" in dialog.preview_label.text()
    assert f"{duplicates} duplicates collapse" in dialog.preview_label.text()
    qtbot.keyClicks(dialog.rationale_edit, "Same idea")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and not dialog.ok_button.isEnabled()  # saving in the background
    assert panel.session.wait()

    assert not dialog.isVisible()
    assert codebook.get_code(demo, stigma).status == "merged"
    assert live_ids(demo, stigma) == set()
    assert len(list_codings(demo, EVERYONE, codes=[privacy])) == target_before + preview.moving
    assert not panel.model.index_of(stigma).isValid()
    assert panel.current_code_id() == privacy
    assert audit.entries(demo.db, entity="code", entity_id=stigma)[-1].rationale == "Same idea"


def test_merge_preview_lists_subcodes_and_refuses_a_loop(qtbot, cb_session, demo):
    barriers, implementation = code_id(demo, "Barriers"), code_id(demo, "Implementation")
    dialog = MergeDialog(cb_session, [barriers], implementation)
    qtbot.addWidget(dialog)
    children = {c.name for c in codebook.list_codes(demo) if c.parent_id == barriers}
    assert set(dialog.preview().subcodes) == children
    assert "Sub-codes that move" in dialog.preview_label.text()
    dialog.set_target(code_id(demo, "Stigma"))  # inside Barriers
    assert dialog.preview().problem is not None
    assert not dialog.ok_button.isEnabled()
    dialog.set_sources([])
    assert not dialog.ok_button.isEnabled()
    unchosen = MergeDialog(cb_session, [barriers])  # no target given: none is guessed
    qtbot.addWidget(unchosen)
    assert unchosen.target() is None and not unchosen.ok_button.isEnabled()


def test_merge_preview_counts_duplicates_across_sources(demo):
    a, b, target = (code_id(demo, n) for n in ("Stigma", "Lack of time", "No perceived need"))
    row = list_codings(demo, EVERYONE, codes=[a])[0]
    apply_code(demo, row.response_id, b, row.coder_id, start=row.span_start, end=row.span_end)
    expected = refine.load_merge_preview(demo, EVERYONE, [a, b], target)
    before = len(list_codings(demo, EVERYONE, codes=[target]))
    codebook.merge_codes(demo, [a, b], target)
    assert len(list_codings(demo, EVERYONE, codes=[target])) == before + expected.moving
    assert expected.duplicates >= 1


# -- split ----------------------------------------------------------------------------------

def test_split_dialog_moves_the_ticked_segments(qtbot, panel, demo):
    code = codebook.find_code(demo, "Lack of time")
    click_code(qtbot, panel, code.id)
    qtbot.mouseClick(panel.buttons["actionSplitCode"], Qt.MouseButton.LeftButton)
    dialog = dialog_of(panel, SplitDialog)
    rows = dialog.model.rows()
    assert len(rows) == len(list_codings(demo, EVERYONE, codes=[code.id]))
    assert not dialog.ok_button.isEnabled()
    for r in (0, 2):
        dialog.view.setCurrentIndex(dialog.model.index(r, 0))
        qtbot.keyClick(dialog.view, Qt.Key.Key_Space)
    assert dialog.checked_ids() == [rows[0].id, rows[2].id]
    assert dialog.preview_label.text().startswith("2 segments")
    qtbot.keyClicks(dialog.name_edit, "Shift schedules")
    qtbot.keyClicks(dialog.definition_edit, "Rotas leave no room.")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert panel.session.wait()

    new = codebook.find_code(demo, "Shift schedules")
    assert live_ids(demo, new.id) == {rows[0].id, rows[2].id}
    assert (new.parent_id, new.definition) == (code.parent_id, "Rotas leave no room.")
    assert live_ids(demo, code.id).isdisjoint({rows[0].id, rows[2].id})
    assert panel.current_code_id() == new.id


def test_segment_model_passes_the_qt_model_tester(qtmodeltester, demo):
    model = SegmentModel(checkable=True, attributes=lambda response: ["dept: EM"])
    model.set_rows(list_codings(demo, EVERYONE, codes=[code_id(demo, "Stigma")]))
    qtmodeltester.check(model)
    model.setData(model.index(1, 0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert model.checked_ids() == [model.row_at(1).id]


# -- drag and drop, retire ------------------------------------------------------------------

def test_drop_reparents_and_keeps_the_view(qtbot, panel, demo):
    stigma, implementation = code_id(demo, "Stigma"), code_id(demo, "Implementation")
    effectiveness = code_id(demo, "Perceived effectiveness")
    panel.tree.collapse(panel.model.index_of(effectiveness))
    click_code(qtbot, panel, stigma)
    model = panel.model
    data = model.mimeData([model.index_of(stigma)])
    assert data.hasFormat(MIME_TYPE)
    target = model.index_of(implementation)
    assert model.canDropMimeData(data, Qt.DropAction.MoveAction, -1, -1, target)
    assert model.dropMimeData(data, Qt.DropAction.MoveAction, -1, -1, target)

    assert codebook.get_code(demo, stigma).parent_id == implementation
    assert model.index_of(stigma).parent().data() == "Implementation"
    assert panel.current_code_id() == stigma  # selection survives the refresh
    assert not panel.tree.isExpanded(model.index_of(effectiveness))  # so does collapse
    assert panel.tree.isExpanded(model.index_of(implementation))

    # onto the empty area: top level
    assert model.dropMimeData(model.mimeData([model.index_of(stigma)]),
                              Qt.DropAction.MoveAction, -1, -1, QModelIndex())
    assert codebook.get_code(demo, stigma).parent_id is None
    assert model.index_of(stigma).parent() == QModelIndex()
    # a parent cannot go inside its own child
    privacy = code_id(demo, "Privacy and confidentiality")
    parent_data = model.mimeData([model.index_of(code_id(demo, "Barriers"))])
    assert not model.canDropMimeData(parent_data, Qt.DropAction.MoveAction, -1, -1,
                                     model.index_of(privacy))
    demo.undo()
    assert codebook.get_code(demo, stigma).parent_id == implementation


def test_retire_asks_why_and_removes_the_code(qtbot, panel, demo):
    stigma = code_id(demo, "Stigma")
    click_code(qtbot, panel, stigma)
    qtbot.mouseClick(panel.buttons["actionRetireCode"], Qt.MouseButton.LeftButton)
    dialog = dialog_of(panel, RationaleDialog)
    qtbot.keyClicks(dialog.rationale_edit, "Never used consistently")
    qtbot.mouseClick(dialog.findChild(QPushButton, "rationaleOk"), Qt.MouseButton.LeftButton)
    assert codebook.get_code(demo, stigma).status == "retired"
    assert not panel.model.index_of(stigma).isValid()
    entry = audit.entries(demo.db, entity="code", entity_id=stigma)[-1]
    assert (entry.action, entry.rationale) == ("retire", "Never used consistently")


# -- signals and actions --------------------------------------------------------------------

def test_double_click_enter_and_filter_emit_signals(qtbot, panel, demo):
    stigma = code_id(demo, "Stigma")
    rect = panel.tree.visualRect(panel.model.index_of(stigma))
    with qtbot.waitSignal(panel.code_activated) as activated:
        # a real double click: press and release, then the double-click event
        qtbot.mouseClick(panel.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(panel.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert activated.args == [stigma]
    with qtbot.waitSignal(panel.code_activated) as activated:
        qtbot.keyClick(panel.tree, Qt.Key.Key_Return)
    assert activated.args == [stigma]
    with qtbot.waitSignal(panel.filter_requested) as filtered:
        panel.filter_action.trigger()
    assert filtered.args == [stigma]


def test_actions_have_names_and_shortcuts(panel):
    names = {a.objectName(): a.shortcut().toString() for a in panel.actions()}
    assert names["actionNewCode"] == "Ctrl+Shift+N"
    assert names["actionEditCode"] == "F2"
    assert {"actionMergeCodes", "actionSplitCode", "actionRetireCode", "actionCompareCodes",
            "actionShowCodedResponses"} <= set(names)
    panel.tree.clearSelection()
    panel.tree.setCurrentIndex(QModelIndex())
    assert not panel.edit_action.isEnabled() and panel.new_action.isEnabled()
    menu = panel.context_menu()
    assert panel.new_action in menu.actions()


# -- compare view ---------------------------------------------------------------------------

def _select_rows(view, rows):
    model = view.selectionModel()
    for r in rows:
        model.select(view.model().index(r, 0),
                     QItemSelectionModel.SelectionFlag.Select
                     | QItemSelectionModel.SelectionFlag.Rows)


def test_compare_view_moves_segments_and_undo_restores(qtbot, cb_session, demo):
    stigma, privacy = code_id(demo, "Stigma"), code_id(demo, "Privacy and confidentiality")
    before_a, before_b = live_ids(demo, stigma), live_ids(demo, privacy)
    view = CompareView(cb_session, stigma, privacy)
    qtbot.addWidget(view)
    view.show()
    column = view.column_a
    assert column.model.rowCount() == len(before_a)
    assert view.column_b.model.rowCount() == len(before_b)
    assert "Department" in column.model.index(0, 3).data()  # respondent attributes
    first = column.view.visualRect(column.model.index(0, 0)).center()
    second = column.view.visualRect(column.model.index(1, 0)).center()
    qtbot.mouseClick(column.view.viewport(), Qt.MouseButton.LeftButton, pos=first)
    qtbot.mouseClick(column.view.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.ControlModifier, second)
    moved = view.selected_coding_ids()
    assert len(moved) == 2
    assert view.target_combo.currentData() == privacy
    assert view.move_button.isEnabled()
    segments = {(r.response_id, r.coder_id, r.span_start)
                for r in column.model.rows() if r.id in moved}
    qtbot.mouseClick(view.move_button, Qt.MouseButton.LeftButton)

    assert live_ids(demo, stigma) == before_a - set(moved)
    assert segments <= {(r.response_id, r.coder_id, r.span_start)
                        for r in list_codings(demo, EVERYONE, codes=[privacy])}
    assert column.model.rowCount() == len(before_a) - 2
    assert demo.undo_label() == "Move segments to code"
    cb_session.undo()
    cb_session.wait()
    assert live_ids(demo, stigma) == before_a
    assert live_ids(demo, privacy) == before_b
    assert column.model.rowCount() == len(before_a)


def test_compare_view_copies_segments_and_shows_one_code(qtbot, cb_session, demo):
    stigma, need = code_id(demo, "Stigma"), code_id(demo, "No perceived need")
    before = live_ids(demo, stigma)
    view = CompareView(cb_session, stigma)
    qtbot.addWidget(view)
    view.show()
    assert view.column_b.code_id() is None and view.column_b.model.rowCount() == 0
    _select_rows(view.column_a.view, [0])
    view.set_target(need)
    copied = view.column_a.model.row_at(0)
    qtbot.mouseClick(view.copy_button, Qt.MouseButton.LeftButton)
    assert live_ids(demo, stigma) == before
    assert (copied.response_id, copied.coder_id) in {
        (r.response_id, r.coder_id) for r in list_codings(demo, EVERYONE, codes=[need])}
    assert demo.undo_label() == "Copy segments to code"


def test_compare_view_memo_on_the_code(qtbot, cb_session, demo):
    stigma = code_id(demo, "Stigma")
    view = CompareView(cb_session, stigma)
    qtbot.addWidget(view)
    view.show()
    memo = view.column_a.memo
    assert memo.target() == ("code", stigma)
    qtbot.keyClicks(memo.editor, "Overlaps with privacy?")
    view.flush_memos()
    assert [m.body for m in memos_for(demo, EVERYONE, "code", stigma)] == ["Overlaps with privacy?"]


# -- memo editor ------------------------------------------------------------------------------

def test_memo_editor_autosaves_and_never_loses_typing(qtbot, cb_session, demo):
    stigma, privacy = code_id(demo, "Stigma"), code_id(demo, "Privacy and confidentiality")
    editor = MemoEditor(cb_session)
    qtbot.addWidget(editor)
    editor.show()
    editor.set_target("code", stigma)
    qtbot.keyClicks(editor.editor, "Often tied to career fears")
    assert editor.status.text() == "Editing…"
    qtbot.waitUntil(lambda: [m.body for m in memos_for(demo, EVERYONE, "code", stigma)]
                    == ["Often tied to career fears"], timeout=3000)
    assert editor.status.text() == "Saved"

    qtbot.keyClicks(editor.editor, ".")
    editor.set_target("code", privacy)  # switching saves first
    assert memos_for(demo, EVERYONE, "code", stigma)[0].body == "Often tied to career fears."
    assert editor.text() == ""

    # another coder's memo on the same code shows read-only above mine
    other = list_coders(demo)[1]
    demo.actor = other.id
    set_memo(demo, "code", stigma, "Check with Luis's round 1 notes")
    demo.actor = cb_session.coder_id
    editor.set_target("code", stigma)
    assert editor.text() == "Often tied to career fears."
    assert not editor.others.isHidden()
    assert "Check with Luis" in editor.others.text() and other.name in editor.others.text()


def test_memo_editor_saves_on_focus_out_and_reloads_after_undo(qtbot, cb_session, demo):
    stigma = code_id(demo, "Stigma")
    editor = MemoEditor(cb_session)
    qtbot.addWidget(editor)
    editor.show()
    editor.set_target("code", stigma)
    qtbot.keyClicks(editor.editor, "Draft")
    # the offscreen platform has no active window to move focus in: send what Qt would
    QApplication.sendEvent(editor.editor, QFocusEvent(QEvent.Type.FocusOut,
                                                      Qt.FocusReason.TabFocusReason))
    assert memos_for(demo, EVERYONE, "code", stigma)[0].body == "Draft"
    qtbot.keyClicks(editor.editor, " two")
    editor.hide()  # hiding (closing the window) saves too
    assert memos_for(demo, EVERYONE, "code", stigma)[0].body == "Draft two"
    editor.show()
    assert demo.undo_label() == "Edit memo"
    cb_session.undo()  # the saves while writing one memo are one undo step
    cb_session.wait()
    assert editor.text() == "" and memos_for(demo, EVERYONE, "code", stigma) == []
    cb_session.redo()
    cb_session.wait()
    assert editor.text() == "Draft two"
