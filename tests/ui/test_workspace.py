"""The coding workspace, driven like a coder would: click a row, press 1, select text, Ctrl+K.

Each test uses a real project (a copy of the demo, or a small survey written here), the real
``CodingWorkspace`` and asserts both the widgets and the database.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QMessageBox, QToolButton, QWidget

from post_coder.coding.codebook import add_code, list_codes
from post_coder.coding.coders import add_coder
from post_coder.coding.codings import apply_code, codings_for_response
from post_coder.importing import import_survey, inspect_file
from post_coder.project import Project
from post_coder.queries import ResponseQuery, count_responses, response_ids
from post_coder.store import surveys
from post_coder.ui.models import response_table
from post_coder.ui.models.response_table import CODED, CODES, RESPONSE, ResponseTableModel
from post_coder.ui import key_pins
from post_coder.ui.session import Session
from post_coder.ui.widgets.code_palette import CodeRole
from post_coder.ui.widgets.response_viewer import to_code_points, to_document
from post_coder.ui.workspace import NO_MATCHES, NO_SURVEY, CodingWorkspace
from post_coder.store.scope import ReadScope

EVERYONE = ReadScope.everyone()

pytestmark = pytest.mark.qt

EMOJI_TEXT = "😀 Great 𝒳 support from peers"


# -- helpers ----------------------------------------------------------------------------------

def open_workspace(qtbot, session: Session) -> CodingWorkspace:
    workspace = CodingWorkspace(session)
    qtbot.addWidget(workspace)
    workspace.resize(1100, 760)
    workspace.show()
    qtbot.waitExposed(workspace)
    workspace.activateWindow()
    if workspace.table.isVisible():
        workspace.table.setFocus()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is workspace.table)
    return workspace


def click_row(qtbot, workspace: CodingWorkspace, row: int) -> None:
    index = workspace.model.index(row, RESPONSE)
    workspace.table.scrollTo(index)
    rect = workspace.table.visualRect(index)
    qtbot.mouseClick(workspace.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert workspace.current_response_id() == workspace.model.response_id(row)


def code_id(project: Project, name: str) -> str:
    return next(c.id for c in list_codes(project) if c.name == name)


def new_coder(session: Session, name: str = "Sam Park") -> str:
    coder = add_coder(session.writer, name).new_id
    session.set_coder(coder)
    return coder


def error_boxes(workspace) -> list[QMessageBox]:
    return [b for b in workspace.findChildren(QMessageBox, "errorBox") if b.isVisible()]


def write_survey(project: Project, path: Path, rows: list[tuple[str, str, str]]) -> None:
    lines = ["id,grp,answer"] + [f'{i},{g},"{t}"' for i, g, t in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    plan = inspect_file(path).with_mapping(id_column="id", open_ended=["answer"],
                                           attributes=["grp"])
    import_survey(project, plan)


@pytest.fixture
def emoji_session(project, tmp_path):
    write_survey(project, tmp_path / "emoji.csv",
                 [("E1", "A", EMOJI_TEXT), ("E2", "B", "A plain answer")])
    coder = add_coder(project, "Test Coder", initials="TC").new_id
    add_code(project, "Support")
    return Session(project, coder_id=coder)


# -- the model --------------------------------------------------------------------------------

def test_model_passes_the_qt_model_tester(qtmodeltester, session):
    model = ResponseTableModel(session.project, EVERYONE)
    qtmodeltester.check(model)
    department = surveys.list_variables(session.project.db)[0].id
    model.set_attribute_columns([department])
    qtmodeltester.check(model)
    model.sort(RESPONSE, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)
    assert model.query.sort == "length"
    assert model.response_ids() == response_ids(session.project, EVERYONE, model.query)


def test_rows_show_codes_and_attribute_values(session):
    model = ResponseTableModel(session.project, EVERYONE)
    first = model.response_id(0)
    row = response_table.response_rows(session.project, EVERYONE, [first])[0]
    assert model.data(model.index(0, CODED)) == "✓"
    assert model.data(model.index(0, CODES)) == ", ".join(row.codes)
    department = surveys.list_variables(session.project.db)[0]
    model.set_attribute_columns([department.id])
    first_attribute = len(response_table.HEADERS)  # after Done and Agreement
    assert first_attribute == 7
    assert model.headerData(first_attribute, Qt.Orientation.Horizontal) == department.label
    expected = surveys.variable_values_for(session.project.db, row.respondent_id)
    assert model.data(model.index(0, first_attribute)) == expected[department.name]


def test_opening_a_large_project_fetches_one_page_and_scrolling_fetches_the_last(
        qtbot, project, tmp_path, monkeypatch):
    write_survey(project, tmp_path / "big.csv",
                 [(f"P{i:05d}", "ABC"[i % 3], f"Answer number {i} about topic {i % 7}")
                  for i in range(3000)])
    pages: list[list[str]] = []
    real = response_table.response_rows

    def counting(project_, scope, ids, **kw):
        pages.append(list(ids))
        return real(project_, scope, ids, **kw)

    monkeypatch.setattr(response_table, "response_rows", counting)
    workspace = open_workspace(qtbot, Session(project))
    qtbot.wait(50)
    model = workspace.model
    assert model.rowCount() == 3000
    assert len(pages) == 1 and model.fetched_pages == [0]
    assert len(pages[0]) == response_table.PAGE_SIZE
    workspace.table.scrollToBottom()
    last = (3000 - 1) // response_table.PAGE_SIZE
    qtbot.waitUntil(lambda: last in model.fetched_pages)
    assert model.fetched_pages == [0, last]
    assert pages[-1][-1] == model.response_id(2999)


# -- applying and removing codes --------------------------------------------------------------

def test_pressing_1_applies_the_first_pinned_code_to_the_selected_row(qtbot, session):
    workspace = open_workspace(qtbot, session)
    coder = new_coder(session)
    click_row(qtbot, workspace, 3)
    response = workspace.current_response_id()
    first_pin = workspace.pinned_codes()[0]
    qtbot.keyClick(workspace.table, Qt.Key.Key_1)
    mine = [c for c in codings_for_response(session.project, EVERYONE, response)
            if c.coder_id == coder]
    assert [(c.code_id, c.span_start, c.span_end) for c in mine] == [(first_pin, None, None)]
    assert workspace.current_response_id() == response  # the selection stays
    assert workspace.table.currentIndex().row() == 3


def test_pinned_codes_default_to_leaf_codes_and_can_be_changed(qtbot, session):
    workspace = open_workspace(qtbot, session)
    new_coder(session)
    pins = workspace.pinned_codes()
    parents = {c.parent_id for c in list_codes(session.project)}
    assert len(pins) == 9 and not parents & set(pins)
    barriers = code_id(session.project, "Stigma")
    assert key_pins.pin(session, barriers, 1, workspace)  # saved for this coder
    assert workspace.pinned_codes()[0] == barriers
    assert workspace.pinned_codes()[1:] == [c for c in pins[1:] if c != barriers]
    assert "Stigma" in workspace.actions()[4].text()
    response = workspace.current_response_id()
    qtbot.keyClick(workspace.table, Qt.Key.Key_1)
    assert barriers in {c.code_id for c in codings_for_response(session.project, EVERYONE, response)
                        if c.coder_id == session.coder_id}


def test_a_new_code_repaints_the_row_and_undo_takes_it_back(qtbot, session):
    workspace = open_workspace(qtbot, session)
    new_coder(session)
    stigma = code_id(session.project, "Stigma")
    click_row(qtbot, workspace, 0)
    before = workspace.model.data(workspace.model.index(0, CODES))
    assert "Stigma" not in before
    workspace.apply_code(stigma)
    assert "Stigma" in workspace.model.data(workspace.model.index(0, CODES))
    session.undo(workspace)
    session.wait()
    assert workspace.model.data(workspace.model.index(0, CODES)) == before
    assert workspace.current_response_id() == workspace.model.response_id(0)


def test_selected_text_is_coded_as_a_span_in_code_points(qtbot, emoji_session):
    workspace = open_workspace(qtbot, emoji_session)
    assert workspace.viewer.text_edit.toPlainText() == EMOJI_TEXT
    start = EMOJI_TEXT.index("support")
    end = start + len("support")
    cursor = QTextCursor(workspace.viewer.text_edit.document())
    cursor.setPosition(start + 2)  # 😀 and 𝒳 are two UTF-16 units each
    cursor.setPosition(end + 2, QTextCursor.MoveMode.KeepAnchor)
    workspace.viewer.text_edit.setTextCursor(cursor)
    assert cursor.selectedText() == "support"
    assert workspace.viewer.selected_span() == (start, end)
    workspace.viewer.text_edit.setFocus()
    qtbot.keyClick(workspace.viewer.text_edit, Qt.Key.Key_1)
    (coding,) = codings_for_response(emoji_session.project, EVERYONE,
                                     workspace.current_response_id())
    assert (coding.span_start, coding.span_end) == (start, end)
    assert EMOJI_TEXT[coding.span_start:coding.span_end] == "support"
    (highlight,) = workspace.viewer.text_edit.extraSelections()
    assert highlight.cursor.selectedText() == "support"
    assert workspace.viewer.selected_span() == (start, end)  # the selection survives


def test_text_positions_convert_between_code_points_and_qt():
    text = "😀 a\r\nb𝒳c"
    for index, char in enumerate(text):
        if char == "\n":
            continue  # inside the "\r\n" pair, which Qt shows as one break
        assert to_code_points(text, to_document(text, index)) == index
    assert to_document(text, text.index("b")) == 5  # 😀=2, space, a, one break
    assert to_document(text, len(text)) == 9  # b, 𝒳=2, c
    assert to_code_points("plain", 3) == 3


def test_clicking_a_chips_cross_removes_that_coding(qtbot, session):
    workspace = open_workspace(qtbot, session)
    response = workspace.current_response_id()
    mine = [c for c in codings_for_response(session.project, EVERYONE, response)
            if c.coder_id == session.coder_id]
    assert mine
    buttons = [b for b in workspace.viewer.findChildren(QToolButton, "removeCodingButton")
               if b.property("coding_id") == mine[0].id]
    qtbot.mouseClick(buttons[0], Qt.MouseButton.LeftButton)
    left = {c.id for c in codings_for_response(session.project, EVERYONE, response)}
    assert mine[0].id not in left
    qtbot.waitUntil(lambda: mine[0].id not in {
        b.property("coding_id") for b in workspace.viewer.findChildren(
            QToolButton, "removeCodingButton") if b.isVisible()})


def test_without_a_coder_applying_shows_a_plain_message_and_writes_nothing(
        qtbot, session, snapshot):
    session.coder_id = None
    workspace = open_workspace(qtbot, session)
    before = snapshot(session.project)
    qtbot.keyClick(workspace.table, Qt.Key.Key_1)
    qtbot.waitUntil(lambda: bool(error_boxes(workspace)))
    (box,) = error_boxes(workspace)
    assert "coder" in box.text() and "Traceback" not in box.text()
    box.close()
    qtbot.keyClick(workspace.table, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert workspace.palette is None
    assert snapshot(session.project) == before


# -- filters ----------------------------------------------------------------------------------

def test_attribute_filter_and_search_narrow_the_grid(qtbot, session):
    workspace = open_workspace(qtbot, session)
    bar = workspace.filter_bar
    department = next(v for v in surveys.list_variables(session.project.db)
                      if v.name == "Department")
    bar.variable.setCurrentIndex(bar.variable.findData(department.id))
    icu = next(a for a in bar.values_menu.actions() if a.text() == "ICU")
    with qtbot.waitSignal(bar.query_changed):
        icu.trigger()
    by_department = ResponseQuery(attributes=((department.id, ("ICU",)),))
    assert workspace.model.rowCount() == count_responses(session.project, EVERYONE, by_department)
    with qtbot.waitSignal(bar.query_changed, timeout=2000):
        qtbot.keyClicks(bar.search, "time")
    expected = count_responses(session.project, EVERYONE, ResponseQuery(
        attributes=by_department.attributes, text="time"))
    assert 0 < workspace.model.rowCount() == expected < count_responses(session.project, EVERYONE,
                                                                        by_department)
    assert workspace.count_label.text().startswith(str(expected))


def test_an_unusable_search_shows_a_hint_and_keeps_the_list(qtbot, session):
    workspace = open_workspace(qtbot, session)
    rows = workspace.model.rowCount()
    qtbot.keyClicks(workspace.filter_bar.search, '"')
    qtbot.waitUntil(lambda: workspace.filter_bar.hint.isVisible())
    assert "search" in workspace.filter_bar.hint.text().lower()
    assert workspace.model.rowCount() == rows


def test_uncoded_only_and_coded_by_follow_the_coder(qtbot, session):
    workspace = open_workspace(qtbot, session)
    bar = workspace.filter_bar
    coder = new_coder(session)
    done = response_ids(session.project, EVERYONE)[:2]
    for response in done:
        apply_code(session.writer, response, code_id(session.project, "Stigma"), coder)
    bar.refresh()
    bar.coder.setCurrentIndex(bar.coder.findData(coder))
    assert workspace.model.response_ids() == done
    qtbot.mouseClick(bar.uncoded, Qt.MouseButton.LeftButton)
    expected = response_ids(session.project, EVERYONE,
                            ResponseQuery(coded=False, coder_ids=(coder,)))
    assert workspace.model.response_ids() == expected and len(expected) == 78 - 2
    assert not bar.code.isEnabled()


def test_no_matches_shows_the_empty_state_and_clear_brings_rows_back(qtbot, session):
    workspace = open_workspace(qtbot, session)
    qtbot.mouseClick(workspace.filter_bar.uncoded, Qt.MouseButton.LeftButton)  # all coded
    assert workspace.model.rowCount() == 0
    assert workspace.stack.currentIndex() == 1
    assert workspace.empty_label.text() == NO_MATCHES
    assert workspace.current_response_id() is None
    qtbot.mouseClick(workspace.empty_clear, Qt.MouseButton.LeftButton)
    assert workspace.model.rowCount() == 78
    assert workspace.stack.currentIndex() == 0
    assert not workspace.filter_bar.uncoded.isChecked()


def test_an_empty_project_says_how_to_start(qtbot, project):
    workspace = open_workspace(qtbot, Session(project))
    assert workspace.stack.currentIndex() == 1
    assert workspace.empty_label.text() == NO_SURVEY
    assert not workspace.empty_clear.isVisible()


def test_set_question_and_set_filter_code(qtbot, session):
    workspace = open_workspace(qtbot, session)
    question = surveys.list_questions(session.project.db)[1].id
    workspace.set_question(question)
    assert workspace.model.rowCount() == count_responses(
        session.project, EVERYONE, ResponseQuery(question_ids=(question,)))
    stigma = code_id(session.project, "Stigma")
    workspace.set_filter_code(stigma)
    assert workspace.model.rowCount() == count_responses(
        session.project, EVERYONE, ResponseQuery(question_ids=(question,), code_ids=(stigma,)))
    barriers = code_id(session.project, "Barriers")  # a parent: its sub-codes count too
    workspace.set_question(None)
    workspace.set_filter_code(barriers)
    children = tuple(c.id for c in list_codes(session.project) if c.parent_id == barriers)
    assert workspace.model.rowCount() == count_responses(
        session.project, EVERYONE, ResponseQuery(code_ids=(barriers, *children)))


def test_clicking_a_header_sorts_in_sql_and_keeps_the_selection(qtbot, session):
    workspace = open_workspace(qtbot, session)
    click_row(qtbot, workspace, 5)
    chosen = workspace.current_response_id()
    header = workspace.table.horizontalHeader()
    x = header.sectionViewportPosition(RESPONSE) + 20
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(x, 5))
    query = workspace.model.query
    assert (query.sort, query.descending) == ("length", True)
    assert workspace.model.response_ids() == response_ids(session.project, EVERYONE, query)
    assert workspace.current_response_id() == chosen
    assert workspace.model.response_id(workspace.table.currentIndex().row()) == chosen


# -- moving around ----------------------------------------------------------------------------

def test_next_uncoded_jumps_past_what_the_coder_has_coded(qtbot, session):
    workspace = open_workspace(qtbot, session)
    coder = new_coder(session)
    ids = workspace.model.response_ids()
    for response in ids[1:4]:
        apply_code(session.writer, response, code_id(session.project, "Stigma"), coder)
    click_row(qtbot, workspace, 0)
    qtbot.keyClick(workspace.table, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    assert workspace.current_response_id() == ids[4]
    qtbot.keyClick(workspace.table, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert workspace.current_response_id() == ids[5]
    qtbot.keyClick(workspace.table, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert workspace.current_response_id() == ids[4]


def test_next_uncoded_says_so_when_everything_is_coded(qtbot, session):
    workspace = open_workspace(qtbot, session)  # the demo coder has coded every response
    first = workspace.current_response_id()
    workspace.next_uncoded()
    assert workspace.current_response_id() == first
    assert "Every response" in workspace.status.text()


def test_selecting_a_row_shows_the_response_and_its_attributes(qtbot, session):
    workspace = open_workspace(qtbot, session)
    with qtbot.waitSignal(workspace.response_selected) as signal:
        click_row(qtbot, workspace, 2)
    response = workspace.model.response_id(2)
    assert signal.args == [response]
    row = response_table.response_rows(session.project, EVERYONE, [response])[0]
    assert workspace.viewer.text_edit.toPlainText() == row.text
    assert row.respondent in workspace.viewer.header.text()
    assert "Department:" in workspace.viewer.attributes.text()


# -- the code palette -------------------------------------------------------------------------

def test_palette_type_ahead_and_enter_applies_the_code(qtbot, session):
    workspace = open_workspace(qtbot, session)
    coder = new_coder(session)
    response = workspace.current_response_id()
    qtbot.keyClick(workspace.table, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    palette = workspace.palette
    assert palette is not None and palette.isVisible()
    qtbot.keyClicks(palette.filter_edit, "stig")
    assert palette.list.currentItem().text().strip().startswith("Stigma")
    qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Down)
    qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Up)
    qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Return)
    assert not (shiboken6.isValid(palette) and palette.isVisible())  # closed (or deleted)

    def mine():
        return [c.code_id for c in codings_for_response(session.project, EVERYONE, response)
                if c.coder_id == coder]
    qtbot.waitUntil(lambda: mine() == [code_id(session.project, "Stigma")], timeout=5000)


def test_palette_shows_pin_numbers_and_escape_closes(qtbot, session):
    workspace = open_workspace(qtbot, session)
    palette = workspace.open_palette()
    pins = workspace.pinned_codes()
    texts = {palette.list.item(n).data(CodeRole): palette.list.item(n).text()
             for n in range(palette.list.count())}
    assert texts[pins[0]].startswith("1  ") and texts[pins[8]].startswith("9  ")
    parent = code_id(session.project, "Barriers")
    assert texts[parent].startswith("    Barriers")  # not pinned
    qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Escape)
    assert not palette.isVisible()


def test_palette_creates_a_code_that_does_not_exist_and_applies_it(qtbot, session):
    workspace = open_workspace(qtbot, session)
    coder = new_coder(session)
    response = workspace.current_response_id()
    palette = workspace.open_palette()
    qtbot.keyClicks(palette.filter_edit, "Night shift fatigue")
    assert palette.list.count() == 1
    assert palette.list.currentItem().text() == "Create code “Night shift fatigue”"
    qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Return)
    assert not palette.isVisible()
    created = code_id(session.project, "Night shift fatigue")
    assert [c.code_id for c in codings_for_response(session.project, EVERYONE, response)
            if c.coder_id == coder] == [created]
    assert workspace.filter_bar.code.findData(created) > 0  # the lists refreshed
    assert "Night shift fatigue" in workspace.model.data(workspace.model.index(
        workspace.model.row_of(response), CODES))
    # one action, one undo step: undo takes back the coding and the code together
    assert session.undo_label() == "Add and apply code"
    session.undo()
    session.wait()
    assert "Night shift fatigue" not in [c.name for c in list_codes(session.project)]
    assert [c for c in codings_for_response(session.project, EVERYONE, response)
            if c.coder_id == coder] == []
    assert session.undo_label() == "Add coder"  # new_coder's, before the palette


def test_palette_keeps_a_name_it_cannot_add_and_says_why(qtbot, session):
    workspace = open_workspace(qtbot, session)
    new_coder(session)
    palette = workspace.open_palette()
    qtbot.keyClicks(palette.filter_edit, "x" * 300)  # far too long for a code name
    qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Return)
    assert palette.isVisible() and palette.filter_edit.text() == "x" * 300
    assert len(error_boxes(workspace)) == 1
    assert session.undo_label() == "Add coder"


def test_the_workspace_has_actions_with_shortcuts_and_names(qtbot, session):
    workspace = open_workspace(qtbot, session)
    actions = workspace.actions()
    # Enter is a key the grid and viewer handle themselves, not a shortcut (text fields and
    # other windows keep it): the menu shows it after a tab
    keyed = [a for a in actions if a.objectName() != "markDoneAction"]
    assert len(keyed) == len(actions) - 1
    assert workspace.mark_done_action.text().endswith("\tEnter")
    assert all(a.objectName() and not a.shortcut().isEmpty() and a.toolTip() for a in keyed)
    keys = {a.objectName(): a.shortcut().toString() for a in keyed}
    assert keys["nothingAppliesAction"] == "0"
    assert keys["markNotDoneAction"] == "Ctrl+Shift+Return"
    assert keys["codePaletteAction"] == "Ctrl+K"
    assert keys["nextUncodedAction"] == "Ctrl+U"
    assert [keys[f"applyPinnedCode{n}"] for n in range(1, 10)] == [str(n) for n in range(1, 10)]


def test_memo_on_a_coding_from_its_chip(qtbot, session):
    from PySide6.QtWidgets import QPlainTextEdit

    from post_coder.coding.memos import memos_for

    workspace = open_workspace(qtbot, session)
    response = workspace.current_response_id()
    chip = workspace.viewer.findChildren(QWidget, "codingChip")[0]
    coding_id = chip.property("coding_id")
    [action] = [a for a in chip.actions() if a.objectName() == "codingMemoAction"]
    action.trigger()
    dialog = workspace.viewer.findChild(QWidget, "codingMemoDialog")
    assert dialog is not None and dialog.isVisible()
    text = dialog.editor.findChild(QPlainTextEdit)
    qtbot.keyClicks(text, "Borderline: relief or resilience?")
    dialog.reject()  # closing saves what was typed
    [memo] = memos_for(session.project, EVERYONE, "coding", coding_id)
    assert memo.body == "Borderline: relief or resilience?" and memo.author_id == session.coder_id
    assert response == workspace.current_response_id()
