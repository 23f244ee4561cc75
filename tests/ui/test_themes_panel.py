"""Analysis ▸ Suggest Themes: the themes panel on a small synthetic survey (120 answers from six
known themes plus four non-answers, tests/suggest_corpus.py), driven through its widgets."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QSettings, Qt

from post_coder.coding.codebook import list_codes
from post_coder.coding.codings import list_codings
from post_coder.project import Project
from post_coder.queries import count_responses
from post_coder.store.scope import ReadScope
from post_coder.suggest import themes as themes_service
from post_coder.suggest.themes import suggest_themes
from post_coder.ui.main_window import MainWindow
from post_coder.ui.themes_panel import EMPTY, ThemesPanel
from tests.ui.suggest_helpers import open_window, run, small_survey

EVERYONE = ReadScope.everyone()


@pytest.fixture
def small(tmp_path):
    path, ids = small_survey(tmp_path, ["Ana"])
    project = Project.open(path)
    yield project, ids["Ana"]
    project.close()


@pytest.fixture
def panel(qtbot, small):
    return open_window(qtbot, ThemesPanel, *small)


def _run(qtbot, w: ThemesPanel) -> None:
    run(qtbot, w)


def _listed(w: ThemesPanel) -> list[tuple[str, str]]:
    return [(w.tree.topLevelItem(i).text(0), w.tree.topLevelItem(i).text(1))
            for i in range(w.tree.topLevelItemCount())]


def _member_items(w: ThemesPanel):
    return [w.members.topLevelItem(i) for i in range(w.members.topLevelItemCount())]


def test_before_a_run_the_panel_says_what_run_does(panel):
    assert panel.stack.currentWidget() is panel.empty
    assert "nothing is sent anywhere" in panel.empty.text()
    assert panel.tree.topLevelItemCount() == 0
    assert not panel.accept_button.isEnabled() and not panel.dismiss_button.isEnabled()
    assert [panel.question.itemText(i) for i in range(panel.question.count())] == [
        "All open-ended questions", "barriers"]


def test_run_lists_the_same_themes_as_the_core_off_the_ui_thread(qtbot, panel, small,
                                                                 monkeypatch):
    threads = []
    real = themes_service.suggest_themes

    def spy(*args, **kwargs):
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(themes_service, "suggest_themes", spy)
    panel.k.setValue(6)
    _run(qtbot, panel)
    assert len(threads) == 1 and threads[0] is not threading.main_thread()
    expected = suggest_themes(small[0], EVERYONE, k=6, seed=0)
    assert len(expected.themes) == 6
    assert _listed(panel) == [(t.label, str(t.size)) for t in expected.themes]
    assert panel.stack.currentWidget() is not panel.empty
    # every stored answer is considered (some noise, like "n/a", is not stored at all)
    stored = count_responses(small[0], EVERYONE)
    assert 120 <= stored <= 124
    assert panel.summary.text() == (f"6 themes (asked for, NMF, seed 0) from {stored} answers. "
                                    f"{len(expected.skipped)} skipped (hover for why).")
    assert len(expected.skipped) >= 1
    # the first theme is selected: its members, all ticked, strongest first, with scores
    first = expected.themes[0]
    items = _member_items(panel)
    assert [it.text(1) for it in items] == [m.respondent for m in first.members]
    assert [it.text(2) for it in items] == [f"{m.score:.2f}" for m in first.members]
    assert all(it.checkState(0) == Qt.CheckState.Checked for it in items)
    assert all(it.text(0) for it in items)  # the answer's text is shown
    assert panel.ticked_label.text() == f"{first.size} of {first.size} ticked"
    assert all(q in panel.quotes.text() for q in first.quotes)


def test_automatic_number_of_themes_matches_the_core(qtbot, panel, small):
    assert panel.k.text() == "Automatic"
    _run(qtbot, panel)
    expected = suggest_themes(small[0], EVERYONE, seed=0)
    assert _listed(panel) == [(t.label, str(t.size)) for t in expected.themes]
    assert "chosen automatically" in panel.summary.text()


def test_accept_codes_only_the_ticked_members_and_undo_removes_it(qtbot, panel, small):
    project, ana = small
    panel.k.setValue(6)
    _run(qtbot, panel)
    panel.tree.setCurrentItem(panel.tree.topLevelItem(1))
    items = _member_items(panel)
    assert len(items) >= 4
    items[0].setCheckState(0, Qt.CheckState.Unchecked)
    items[2].setCheckState(0, Qt.CheckState.Unchecked)
    assert panel.ticked_label.text() == f"{len(items) - 2} of {len(items)} ticked"
    expected = sorted(it.data(0, Qt.ItemDataRole.UserRole) for i, it in enumerate(items)
                      if i not in (0, 2))
    panel.rename("Worries about privacy")
    assert _listed(panel)[1][0] == "Worries about privacy"
    assert "Worries about privacy" in panel.heading.text()
    before = _listed(panel)
    qtbot.mouseClick(panel.accept_button, Qt.MouseButton.LeftButton)
    panel.session.wait()
    code = next(c for c in list_codes(project) if c.name == "Worries about privacy")
    mine = list_codings(project, EVERYONE, coders=[ana])
    assert sorted(c.response_id for c in mine) == expected
    assert {c.code_id for c in mine} == {code.id}
    # accepted: it leaves the list; the rest stay
    assert _listed(panel) == before[:1] + before[2:]
    assert "applied it to" in panel.summary.text()
    assert project.undo_label() == "Accept suggested theme"
    panel.session.undo(panel)
    panel.session.wait()
    assert "Worries about privacy" not in {c.name for c in list_codes(project)}
    assert list_codings(project, EVERYONE, coders=[ana]) == []


def test_ctrl_z_in_the_window_undoes_the_accept(qtbot, small, tmp_path):
    project, ana = small
    window = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat),
                        ask_coder=False)
    qtbot.addWidget(window)
    window.show()
    window.install(project)
    window.session.set_coder(ana)
    window.session.wait()
    assert window.themes_action.isEnabled()
    window.themes_action.trigger()
    panel = window.findChild(ThemesPanel)
    panel.k.setValue(4)
    _run(qtbot, panel)
    n = panel.members.topLevelItemCount()
    panel.accept_current()
    window.session.wait()
    assert len(list_codings(project, EVERYONE, coders=[ana])) == n
    assert window.undo_action.text() == "&Undo Accept suggested theme"
    # Ctrl+Z in the themes window (the Edit menu's Undo works there too)
    panel.activateWindow()
    qtbot.waitUntil(panel.isActiveWindow)
    qtbot.keyClick(panel.tree, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    window.session.wait()
    assert list_codings(project, EVERYONE, coders=[ana]) == []
    assert list_codes(project) == []


def test_dismiss_drops_the_theme_and_the_last_leaves_an_empty_state(qtbot, panel, small):
    panel.k.setValue(3)
    _run(qtbot, panel)
    before = _listed(panel)
    assert len(before) == 3
    panel.tree.setCurrentItem(panel.tree.topLevelItem(0))
    qtbot.mouseClick(panel.dismiss_button, Qt.MouseButton.LeftButton)
    assert _listed(panel) == before[1:]
    panel.dismiss_current()
    panel.dismiss_current()
    assert _listed(panel) == []
    assert panel.stack.currentWidget() is panel.empty
    assert panel.empty.text().startswith("No themes left")
    assert list_codes(small[0]) == []  # dismissing writes nothing


def test_an_empty_name_keeps_the_label_and_untick_all_disables_accept(qtbot, panel):
    panel.k.setValue(3)
    _run(qtbot, panel)
    label = _listed(panel)[0][0]
    panel.rename("   ")
    assert _listed(panel)[0][0] == label
    qtbot.mouseClick(panel.tick_none, Qt.MouseButton.LeftButton)
    assert panel.ticked() == [] and not panel.accept_button.isEnabled()
    qtbot.mouseClick(panel.tick_all, Qt.MouseButton.LeftButton)
    assert panel.accept_button.isEnabled()
    assert EMPTY.startswith("Run to see candidate themes")


def test_uncoded_only_leaves_out_the_coded_answers(qtbot, panel, small, monkeypatch):
    from post_coder.ui import tasks

    shown = []
    monkeypatch.setattr(tasks, "show_error", lambda parent, exc: shown.append(str(exc)))
    project, ana = small
    panel.k.setValue(3)
    _run(qtbot, panel)
    panel.accept_current()  # code one theme's answers: they are no longer uncoded
    panel.session.wait()
    coded = {c.response_id for c in list_codings(project, EVERYONE)}
    panel.uncoded.setChecked(True)
    _run(qtbot, panel)
    members = {m.response_id for t in panel.result.themes for m in t.members}
    assert coded and not members & coded
    assert shown == []


def test_cancel_leaves_the_list_as_it_was_and_the_first_run_says_it_loads(qtbot, panel,
                                                                          monkeypatch):
    from post_coder.ui import suggestion_window, themes_panel

    # as on the first run of a session: the text tools are not loaded yet
    monkeypatch.setattr(suggestion_window, "text_tools_loaded", lambda: False)
    monkeypatch.setattr(themes_panel, "text_tools_loaded", lambda: False)
    release = threading.Event()
    real = themes_service.suggest_themes

    def slow(*args, **kwargs):
        release.wait(10)
        return real(*args, **kwargs)  # its first progress step raises Cancelled

    monkeypatch.setattr(themes_service, "suggest_themes", slow)
    cancelled = []
    task = panel.run()
    task.cancelled.connect(lambda: cancelled.append(True))
    assert task.dialog.labelText() == "Loading the text tools…"
    assert not panel.run_button.isEnabled()
    from PySide6.QtWidgets import QPushButton

    task.dialog.findChild(QPushButton).click()  # the dialog's Cancel button
    release.set()
    qtbot.waitUntil(lambda: not panel.running, timeout=20_000)
    assert cancelled == [True]
    assert panel.stack.currentWidget() is panel.empty and panel.tree.topLevelItemCount() == 0
    assert panel.run_button.isEnabled()


def test_the_window_starts_without_the_text_tools():
    import os
    import subprocess
    import sys

    code = ("import sys, post_coder.ui.main_window;"
            " print('sklearn' in sys.modules, 'scipy.cluster' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={**os.environ,
                                          "QT_QPA_PLATFORM": "offscreen"})
    assert out.stdout.strip() == "False False"
