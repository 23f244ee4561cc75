"""Analysis ▸ Suggest Codes: the queue of codes suggested for a coder's uncoded answers, with
Y to accept and N to reject, on a small synthetic survey (tests/suggest_corpus.py): Ana has
coded the first 60 answers with their true theme; Ben works through the suggestions."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from post_coder.coding.codebook import add_code
from post_coder.coding.codings import accept_codes, list_codings
from post_coder.coding.done import is_done
from post_coder.project import Project
from post_coder.store.scope import ReadScope
from post_coder.suggest.codes import suggest_codes
from post_coder.ui.code_suggestions_panel import CodeSuggestionsPanel
from tests.suggest_corpus import THEMES
from tests.ui.suggest_helpers import main_window, open_window, run, small_survey

EVERYONE = ReadScope.everyone()


def _ana_codes_sixty(p, answers, rows, ids):
    code = {t: add_code(p, t).new_id for t in THEMES}
    accept_codes(p, [(rows[a.respondent], code[a.theme]) for a in answers[:60]
                     if a.theme and a.respondent in rows], ids["Ana"])


@pytest.fixture
def small(tmp_path):
    path, ids = small_survey(tmp_path, ["Ana", "Ben"], _ana_codes_sixty)
    project = Project.open(path)
    yield project, ids["Ben"]
    project.close()


@pytest.fixture
def panel(qtbot, small):
    return open_window(qtbot, CodeSuggestionsPanel, *small)


def _run(qtbot, w):
    w.source.setCurrentIndex(w.source.findData("coder:Ana"))
    run(qtbot, w)


def _press(qtbot, w, key):
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    qtbot.keyClick(w.list, key)
    w.session.wait()


def test_empty_state_then_the_queue_matches_the_core(qtbot, panel, small):
    assert panel.stack.currentWidget() is panel.empty
    assert "nothing is sent anywhere" in panel.empty.text()
    assert not panel.accept_button.isEnabled()
    _run(qtbot, panel)
    project, ben = small
    expected = suggest_codes(project, EVERYONE, source="coder:Ana", coder=ben)
    answers = list(dict.fromkeys(s.response_id for s in expected.suggestions))
    assert len(answers) >= 3
    assert panel.list.topLevelItemCount() == len(answers)
    assert [panel.list.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole)
            for i in range(len(answers))] == answers
    first = [s for s in expected.suggestions if s.response_id == answers[0]]
    shown = [(panel.codes.topLevelItem(i).text(0), panel.codes.topLevelItem(i).text(1))
             for i in range(panel.codes.topLevelItemCount())]
    assert shown == [(s.code, f"{s.confidence:.2f}") for s in first]


def test_y_accepts_the_ticked_codes_as_the_coder_and_undo_takes_them_back(qtbot, panel,
                                                                          small):
    project, ben = small
    _run(qtbot, panel)
    rid = panel.current_response()
    codes = [panel.codes.topLevelItem(i).text(0) for i in range(panel.codes.topLevelItemCount())]
    n = panel.list.topLevelItemCount()
    second = panel.list.topLevelItem(1).data(0, Qt.ItemDataRole.UserRole)
    _press(qtbot, panel, Qt.Key.Key_Y)
    mine = list_codings(project, EVERYONE, coders=[ben])
    assert sorted((c.response_id, c.code) for c in mine) == sorted((rid, c) for c in codes)
    assert project.undo_label() == "Accept suggested codes"
    # the answer leaves the queue; the next one is current
    assert panel.list.topLevelItemCount() == n - 1
    assert panel.current_response() == second
    panel.session.undo(panel)
    panel.session.wait()
    assert list_codings(project, EVERYONE, coders=[ben]) == []
    # the answer is back in the queue, in its place, current, to accept again
    assert panel.list.topLevelItemCount() == n
    assert panel.list.topLevelItem(0).data(0, Qt.ItemDataRole.UserRole) == rid
    assert panel.current_response() == rid
    assert panel.summary.text() == "1 answer back in the queue: what took it out was undone."


def test_an_unticked_code_is_not_applied(qtbot, panel, small):
    project, ben = small
    panel.confidence.setValue(0.2)  # low enough for answers with two suggestions
    _run(qtbot, panel)
    # find an answer with two or more suggestions, untick its first
    for i in range(panel.list.topLevelItemCount()):
        panel.list.setCurrentItem(panel.list.topLevelItem(i))
        if panel.codes.topLevelItemCount() >= 2:
            break
    else:
        raise AssertionError("no answer with two suggestions")
    rid = panel.current_response()
    codes = [panel.codes.topLevelItem(i).text(0) for i in range(panel.codes.topLevelItemCount())]
    panel.codes.topLevelItem(0).setCheckState(0, Qt.CheckState.Unchecked)
    qtbot.mouseClick(panel.accept_button, Qt.MouseButton.LeftButton)
    panel.session.wait()
    mine = list_codings(project, EVERYONE, coders=[ben])
    assert sorted((c.response_id, c.code) for c in mine) == sorted((rid, c) for c in codes[1:])


def test_n_records_that_nothing_applies(qtbot, panel, small):
    project, ben = small
    _run(qtbot, panel)
    rid = panel.current_response()
    assert not is_done(project, rid, ben)
    _press(qtbot, panel, Qt.Key.Key_N)
    assert is_done(project, rid, ben)
    assert list_codings(project, EVERYONE, coders=[ben]) == []
    assert project.undo_label() == "Nothing applies"
    assert rid not in {panel.list.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole)
                       for i in range(panel.list.topLevelItemCount())}
    panel.session.undo(panel)
    panel.session.wait()
    assert not is_done(project, rid, ben)
    assert panel.current_response() == rid  # back in the queue
    panel.session.redo(panel)
    panel.session.wait()
    assert rid not in {panel.list.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole)
                       for i in range(panel.list.topLevelItemCount())}


def test_from_the_analysis_menu_y_then_ctrl_z(qtbot, small, tmp_path):
    project, ben = small
    window = main_window(qtbot, project, ben, tmp_path)
    window.codes_action.trigger()
    panel = window.findChild(CodeSuggestionsPanel)
    assert panel is not None and panel.isVisible()
    _run(qtbot, panel)
    # the main window's response viewer shows the queue's current answer
    first = panel.current_response()
    assert window.workspace.current_response_id() == first
    assert window.workspace.viewer.response_id == first
    _press(qtbot, panel, Qt.Key.Key_Y)
    assert len(list_codings(project, EVERYONE, coders=[ben])) >= 1
    assert panel.current_response() != first
    assert window.workspace.current_response_id() == panel.current_response()
    # the suggestions were applied as Ben: the computer is never a coder
    from post_coder.coding.coders import list_coders

    assert sorted(c.name for c in list_coders(project)) == ["Ana", "Ben"]
    assert {c.coder_id for c in list_codings(project, EVERYONE, responses=[first])} == {ben}
    assert window.undo_action.text() == "&Undo Accept suggested codes"
    qtbot.keyClick(panel.list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    window.session.wait()
    assert list_codings(project, EVERYONE, coders=[ben]) == []
