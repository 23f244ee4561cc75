"""The codes Analysis ▸ Suggest Codes suggests, in the main window's response viewer: a line
of tickable codes with Y (accept the ticked ones), N (nothing applies) and S (next), sharing
one queue with the Suggest Codes window. On the small synthetic survey of
tests/ui/test_code_suggestions_panel.py: Ana has coded the first 60 answers; Ben codes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from post_coder.coding.codings import list_codings
from post_coder.coding.done import is_done
from post_coder.project import Project
from post_coder.store.scope import ReadScope
from post_coder.suggest.codes import DEFAULT_CONFIDENCE
from post_coder.ui.code_suggestions_panel import CodeSuggestionsPanel
from tests.ui.suggest_helpers import main_window, run, small_survey
from tests.ui.test_code_suggestions_panel import _ana_codes_sixty

EVERYONE = ReadScope.everyone()
ID_ROLE = Qt.ItemDataRole.UserRole


@pytest.fixture
def small(tmp_path):
    path, ids = small_survey(tmp_path, ["Ana", "Ben"], _ana_codes_sixty)
    project = Project.open(path)
    yield project, ids
    project.close()


@pytest.fixture
def window(qtbot, small, tmp_path):
    project, ids = small
    w = main_window(qtbot, project, ids["Ben"], tmp_path)
    w.resize(1366, 768)
    return w


def _suggest(qtbot, window, confidence: float = DEFAULT_CONFIDENCE) -> CodeSuggestionsPanel:
    """Analysis ▸ Suggest Codes…, learning from Ana's codings, Run; back to the main window."""
    window.codes_action.trigger()
    panel = window.findChild(CodeSuggestionsPanel)
    panel.source.setCurrentIndex(panel.source.findData("coder:Ana"))
    panel.confidence.setValue(confidence)
    run(qtbot, panel)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return panel


def _press(qtbot, window, key, widget: QWidget | None = None) -> None:
    """A key on ``widget`` (default: the response list), as a person would type it there
    (shortcuts follow the keyboard focus)."""
    widget = widget or window.workspace.table
    widget.setFocus()
    qtbot.keyClick(widget, key)
    window.session.wait()


def _strip(window):
    return window.workspace.viewer.suggestion_strip


def _shown(window) -> list[str]:
    """The strip's codes as shown, or [] when it is hidden."""
    strip = _strip(window)
    return [b.text() for b in strip.boxes] if strip.isVisible() else []


def _queued(panel: CodeSuggestionsPanel) -> list[str]:
    return [panel.list.topLevelItem(i).data(0, ID_ROLE)
            for i in range(panel.list.topLevelItemCount())]


def _mine(project, ben) -> list[tuple[str, str]]:
    return sorted((c.response_id, c.code) for c in list_codings(project, EVERYONE, coders=[ben]))


def _with_two(window) -> str:
    """Go to the first response in the queue with two or more suggested codes."""
    queue = window.workspace.code_queue
    rid = next(r for r in queue.state.ids() if len(queue.suggestions(r)) >= 2)
    assert window.workspace.select_response(rid)
    return rid


# -- what the viewer shows ----------------------------------------------------------------------

def test_the_strip_shows_the_responses_suggestions_only_when_it_has_some(qtbot, window, small):
    project, ids = small
    assert not _strip(window).isVisible()  # no run yet
    panel = _suggest(qtbot, window)
    queue = window.workspace.code_queue
    first = queue.state.ids()[0]
    # the queue's first answer is shown, with its codes, their confidence and why
    assert window.workspace.current_response_id() == first == panel.current_response()
    expected = queue.suggestions(first)
    assert _shown(window) == [f"{s.code} {round(s.confidence * 100)}%" for s in expected]
    assert all(b.isChecked() for b in _strip(window).boxes)
    tip = _strip(window).boxes[0].toolTip()
    assert all(f"“{w}”" in tip for w in expected[0].because) and expected[0].because
    # a response Ana coded (an example, never a target) has none: no strip
    coded = list_codings(project, EVERYONE, coders=[ids["Ana"]])[0].response_id
    assert window.workspace.select_response(coded)
    assert _shown(window) == [] and not _strip(window).isVisible()
    # S: the next response with suggestions after the current row of the list
    _press(qtbot, window, Qt.Key.Key_S)
    rows = {r: window.workspace.model.row_of(r) for r in queue.state.ids()}
    after = min((r for r in rows if rows[r] > window.workspace.model.row_of(coded)),
                key=rows.get)
    assert window.workspace.current_response_id() == after
    assert _strip(window).isVisible()


def test_y_in_the_viewer_applies_exactly_the_ticked_codes_and_ctrl_z_takes_them_back(
        qtbot, window, small):
    project, ids = small
    ben = ids["Ben"]
    panel = _suggest(qtbot, window, confidence=0.2)
    rid = _with_two(window)
    order = window.workspace.code_queue.state.ids()
    codes = [s.code for s in window.workspace.code_queue.suggestions(rid)]
    assert len(codes) >= 2 and panel.current_response() == rid  # the window follows
    box = _strip(window).boxes[0]
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    assert not box.isChecked()
    # the same tick in the Suggest Codes window: one queue
    assert panel.codes.topLevelItem(0).checkState(0) == Qt.CheckState.Unchecked
    _press(qtbot, window, Qt.Key.Key_Y)
    assert _mine(project, ben) == sorted((rid, c) for c in codes[1:])
    assert window.undo_action.text() == "&Undo Accept suggested codes"
    assert {c.coder_id for c in list_codings(project, EVERYONE, responses=[rid])} == {ben}
    # on to the next answer in the queue, in the viewer and in the window
    following = order[order.index(rid) + 1]
    assert window.workspace.current_response_id() == following
    assert panel.current_response() == following
    assert rid not in _queued(panel)
    # Ctrl+Z: one step takes both codes off; the answer is back in both, current
    qtbot.keyClick(window.workspace.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    window.session.wait()
    assert _mine(project, ben) == []
    assert _queued(panel) == order
    assert window.workspace.current_response_id() == rid == panel.current_response()
    assert len(_shown(window)) == len(codes)


def test_n_in_the_viewer_records_that_nothing_applies(qtbot, window, small):
    project, ids = small
    ben = ids["Ben"]
    panel = _suggest(qtbot, window)
    rid = window.workspace.current_response_id()
    order = _queued(panel)
    _press(qtbot, window, Qt.Key.Key_N, window.workspace.viewer.text_edit)
    assert is_done(project, rid, ben)
    assert _mine(project, ben) == []
    assert project.undo_label() == "Nothing applies"
    assert _queued(panel) == order[1:]
    assert window.workspace.current_response_id() == order[1] == panel.current_response()


def test_accepting_in_the_window_moves_the_viewer_and_hides_the_strip_of_the_answer(
        qtbot, window, small):
    project, ids = small
    panel = _suggest(qtbot, window)
    rid = panel.current_response()
    order = _queued(panel)
    qtbot.mouseClick(panel.accept_button, Qt.MouseButton.LeftButton)
    window.session.wait()
    assert window.workspace.current_response_id() == order[1]
    assert window.workspace.select_response(rid)  # back to the accepted one: no strip
    assert _shown(window) == []
    assert panel.current_response() == order[1]  # a response out of the queue: it stays


# -- keys: where they work and where they do not ---------------------------------------------

def test_y_n_s_do_nothing_in_the_search_box_a_memo_or_the_codebook(qtbot, window, small):
    project, ids = small
    ben = ids["Ben"]
    _suggest(qtbot, window)
    rid = window.workspace.current_response_id()
    search = window.workspace.filter_bar.search
    search.setFocus()
    qtbot.keyClicks(search, "yns")
    assert search.text() == "yns"
    memo = window.response_memo.editor
    memo.setFocus()
    qtbot.keyClicks(memo, "Yes. No.")
    # a list outside the coding area: there letters jump to a matching row (type-ahead)
    tree = window.codebook.tree
    tree.setFocus()
    for key in (Qt.Key.Key_Y, Qt.Key.Key_N, Qt.Key.Key_S):
        qtbot.keyClick(tree, key)
    window.session.wait()
    assert _mine(project, ben) == [] and not is_done(project, rid, ben)
    assert memo.toPlainText() == "Yes. No."
    assert window.workspace.current_response_id() == rid  # S did not move it either
    # the same key in the response list does accept (so the keys are there at all)
    search.clear()
    qtbot.waitUntil(lambda: window.workspace.model.row_of(rid) >= 0)
    assert window.workspace.select_response(rid)
    _press(qtbot, window, Qt.Key.Key_Y)
    assert [r for r, _ in _mine(project, ben)] == [rid] * len(_mine(project, ben)) != []


def test_the_keys_are_scoped_to_the_coding_area_and_clash_with_nothing(window):
    """Y, N and S work where 1–9 and 0 do (the response list and viewer), never window-wide;
    no key does two things there."""
    area = window.workspace.splitter
    names = {"acceptSuggestedAction": "Y", "rejectSuggestedAction": "N",
             "nextSuggestedAction": "S"}
    for name, key in names.items():
        action = window.findChild(QAction, name)
        assert action.shortcut().toString() == key
        assert action.shortcutContext() == Qt.ShortcutContext.WidgetWithChildrenShortcut
        assert action in area.actions()
        assert action in window.code_menu.actions()
    # every shortcut that works in the coding area: the window-wide ones and the area's own
    seen: dict[str, str] = {}
    clashes = []
    for action in window.findChildren(QAction):
        here = (action.shortcutContext() == Qt.ShortcutContext.WindowShortcut
                or action in area.actions())
        for key in action.shortcuts() if here else ():
            text = key.toString()
            other = seen.setdefault(text, action.objectName())
            if other != action.objectName():
                clashes.append((text, other, action.objectName()))
            if len(text) == 1:  # a bare letter or digit is never window-wide: it is typing
                assert action.shortcutContext() != Qt.ShortcutContext.WindowShortcut, text
    assert {"Y", "N", "S", "0", "1"} <= set(seen)
    assert clashes == []


# -- turning it off, filters, the coder -------------------------------------------------------

def test_view_menu_turns_the_strip_and_its_keys_off_and_on(qtbot, window, small):
    project, ids = small
    _suggest(qtbot, window)
    assert _strip(window).isVisible()
    assert window.suggestions_action.isChecked()
    window.suggestions_action.trigger()
    assert not _strip(window).isVisible()
    _press(qtbot, window, Qt.Key.Key_Y)
    assert _mine(project, ids["Ben"]) == []
    window.suggestions_action.trigger()
    assert _strip(window).isVisible()
    # remembered for next time
    from post_coder.ui import settings as app_settings

    window.suggestions_action.trigger()
    assert app_settings.show_code_suggestions(window.settings) is False


def test_the_next_answer_hidden_by_a_filter_is_skipped_and_the_note_says_so(qtbot, window,
                                                                           small):
    """Site A only (every other respondent, in file order): answering moves to the next
    queued answer the list shows and says how many the filter hid."""
    project, ids = small
    panel = _suggest(qtbot, window)
    order = _queued(panel)
    respondent = {r: window.workspace.model.index(window.workspace.model.row_of(r), 0).data()
                  for r in order}
    site_a = [r for r in order if int(respondent[r][1:]) % 2 == 1]  # R0001 is site A
    bar = window.workspace.filter_bar
    bar.variable.setCurrentIndex(bar.variable.findText("site"))
    a = next(act for act in bar.values_menu.actions() if act.text() == "A")
    with qtbot.waitSignal(bar.query_changed):
        a.trigger()
    # an answer of site A followed in the queue by at least one of site B
    start = next(r for r in site_a if order.index(r) + 1 < len(order)
                 and order[order.index(r) + 1] not in site_a)
    target = next(r for r in order[order.index(start) + 1:] if r in site_a)
    hidden = order.index(target) - order.index(start) - 1
    assert window.workspace.select_response(start)
    _press(qtbot, window, Qt.Key.Key_N)
    assert window.workspace.current_response_id() == target
    plural = "" if hidden == 1 else "s"
    assert window.workspace.status.text() == (
        f"Skipped {hidden} response{plural} with suggested codes that the list's filters "
        "hide.")
    # choosing a hidden one in the Suggest Codes window: said plainly, the list stays
    b = next(r for r in _queued(panel) if r not in site_a)
    panel.list.setCurrentItem(panel.list.topLevelItem(_queued(panel).index(b)))
    assert window.workspace.current_response_id() == target
    assert window.workspace.status.text() == (
        f"{respondent[b]} · barriers has suggested codes, but the list's filters hide it: "
        "clear the filters (or choose its question) to see it here.")


def test_another_coder_puts_the_suggestions_away(qtbot, window, small):
    """They were made for Ben's uncoded answers (and learned under his read scope)."""
    project, ids = small
    panel = _suggest(qtbot, window)
    assert _strip(window).isVisible()
    window.session.set_coder(ids["Ana"])
    window.session.wait()
    assert window.workspace.code_queue.state is None
    assert not _strip(window).isVisible() and _queued(panel) == []
    assert panel.empty.text().startswith("Another coder is coding now")
    _press(qtbot, window, Qt.Key.Key_Y)
    assert window.workspace.status.text().startswith("No code suggestions yet")


def test_a_blind_round_opening_puts_the_suggestions_away(qtbot, window, small):
    """Learned from Ana's codings, which Ben may no longer see once his blind round opens."""
    from post_coder.team.rounds import create_round

    project, ids = small
    _suggest(qtbot, window)
    assert _strip(window).isVisible()
    window.session.run(window, create_round, "Round 1", [ids["Ben"]], blind=True)
    window.session.wait()
    assert window.session.scope.blind
    assert window.workspace.code_queue.state is None
    assert not _strip(window).isVisible()
    assert "blind round" in window.workspace.status.text()


def test_when_the_filters_hide_every_suggested_response_s_says_so(qtbot, window, small):
    project, ids = small
    panel = _suggest(qtbot, window)
    left = len(_queued(panel))
    # the list narrowed to one answer Ana coded (the longest, searched as a phrase)
    coded = {c.response_id for c in list_codings(project, EVERYONE, coders=[ids["Ana"]])}
    model = window.workspace.model
    texts = {model.response_id(r): model.index(r, 2).data() for r in range(model.rowCount())}
    rid = max(coded, key=lambda r: len(texts[r]))
    bar = window.workspace.filter_bar
    with qtbot.waitSignal(bar.query_changed, timeout=3000):
        qtbot.keyClicks(bar.search, f'"{texts[rid].rstrip(".")}"')
    qtbot.waitUntil(lambda: model.rowCount() == 1)
    assert model.response_id(0) == rid and window.workspace.current_response_id() == rid
    _press(qtbot, window, Qt.Key.Key_S)
    assert window.workspace.current_response_id() == rid
    hidden = (f"{left} responses with suggested codes are left, but the list's filters hide "
              "them: clear the filters (or choose the question) to see them.")
    assert window.workspace.status.text() == hidden
    # while a large list is still being read, a response may just not be in it yet
    model._complete = False
    _press(qtbot, window, Qt.Key.Key_S)
    assert window.workspace.status.text() == (
        hidden + " (The list is still being read: some may be in it in a moment.)")


def test_the_window_opened_again_shows_the_queue_as_it_is_now(qtbot, window, small):
    panel = _suggest(qtbot, window)
    order = _queued(panel)
    panel.close()
    _press(qtbot, window, Qt.Key.Key_N)  # in the viewer, with the window closed
    assert window.workspace.current_response_id() == order[1]
    again = window.show_code_suggestions()  # Analysis ▸ Suggest Codes… again
    assert again is not panel and again.isVisible()
    assert _queued(again) == order[1:]
    assert again.current_response() == order[1]
    assert again.summary.text().startswith(f"{len(order) - 1} of ")


def test_in_a_blind_round_nothing_is_learned_from_another_coders_codings(qtbot, small,
                                                                        tmp_path):
    """Ben's blind round is open before he asks: learning from Ana's codings is refused, in
    words, and the viewer shows no suggestions."""
    from PySide6.QtWidgets import QMessageBox

    from post_coder.team.rounds import create_round

    project, ids = small
    create_round(project, "Round 1", [ids["Ben"]], blind=True)
    window = main_window(qtbot, project, ids["Ben"], tmp_path)
    assert window.session.scope.blind
    window.codes_action.trigger()
    panel = window.findChild(CodeSuggestionsPanel)
    panel.source.setCurrentIndex(panel.source.findData("coder:Ana"))
    run(qtbot, panel)
    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert any("you see only your own codings, not Ana's" in b.text() for b in boxes)
    assert window.workspace.code_queue.state is None
    assert _queued(panel) == [] and not _strip(window).isVisible()


def test_the_keys_keep_working_from_a_ticked_box_as_the_strip_moves_on(qtbot, window, small):
    """Ticking with the mouse puts the keyboard focus on the box; Y there accepts, and the
    focus stays in the coding area (not lost with the box), so N works next."""
    from PySide6.QtWidgets import QApplication

    project, ids = small
    panel = _suggest(qtbot, window)
    order = _queued(panel)
    box = _strip(window).boxes[0]
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton)  # ticked again
    assert box.isChecked() and QApplication.focusWidget() is box
    qtbot.keyClick(box, Qt.Key.Key_Y)
    window.session.wait()
    assert {r for r, _ in _mine(project, ids["Ben"])} == {order[0]}
    focus = QApplication.focusWidget()
    assert focus is not None and window.workspace.splitter.isAncestorOf(focus)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_N)
    window.session.wait()
    assert is_done(project, order[1], ids["Ben"])
    assert window.workspace.current_response_id() == order[2]


# -- coding a queued answer by hand -----------------------------------------------------------

def test_coding_a_queued_answer_by_hand_takes_it_out_of_both_and_ctrl_z_brings_it_back(
        qtbot, window, small):
    """Key 1 in the response list codes the answer shown as Ben, outside the queue: it is no
    longer what the run suggested for, so it leaves the window's list and the viewer's line;
    Ctrl+Z puts it back in both, in its place; Ctrl+Shift+Z takes it out again."""
    project, ids = small
    ben = ids["Ben"]
    panel = _suggest(qtbot, window)
    order = _queued(panel)
    rid = order[1]
    assert window.workspace.select_response(rid)
    assert panel.current_response() == rid and _strip(window).isVisible()
    _press(qtbot, window, Qt.Key.Key_1)
    assert [r for r, _ in _mine(project, ben)] == [rid]
    assert _queued(panel) == [order[0], *order[2:]]
    assert panel.current_response() == order[2]  # the list: the answer in its place
    assert window.workspace.current_response_id() == rid  # the viewer stays, with no line
    assert not _strip(window).isVisible() and _shown(window) == []
    qtbot.keyClick(window.workspace.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    window.session.wait()
    assert _mine(project, ben) == []
    assert _queued(panel) == order and panel.current_response() == rid
    assert panel.summary.text() == "1 answer back in the queue: what took it out was undone."
    assert window.workspace.current_response_id() == rid
    assert _shown(window) == [f"{s.code} {round(s.confidence * 100)}%"
                              for s in window.workspace.code_queue.suggestions(rid)] != []
    qtbot.keyClick(window.workspace.table, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    window.session.wait()
    assert [r for r, _ in _mine(project, ben)] == [rid]
    assert _queued(panel) == [order[0], *order[2:]] and not _strip(window).isVisible()


def test_answers_coded_while_the_run_learned_are_not_queued(qtbot, window, small):
    """The main window stays usable while a run learns: an answer Ben codes meanwhile is no
    longer one the run suggests for, so the queue starts without it."""
    from post_coder.coding.codings import apply_code

    project, ids = small
    panel = _suggest(qtbot, window)
    queue = window.workspace.code_queue
    result, order = queue.state.result, _queued(panel)
    code = queue.suggestions(order[0])[0].code_id
    window.session.run(window, apply_code, order[0], code, ids["Ben"])
    window.session.wait()
    queue.set_result(result, ids["Ben"])  # what the run's end does with what it found
    assert _queued(panel) == order[1:] == queue.state.ids()
