"""Analysis ▸ Suggest Themes: the themes panel on a small synthetic survey (120 answers from six
known themes plus four non-answers, tests/suggest_corpus.py), driven through its widgets."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt

from post_coder.coding.codebook import list_codes
from post_coder.coding.codings import list_codings
from post_coder.project import Project
from post_coder.queries import count_responses, response_ids, response_rows
from post_coder.store.scope import ReadScope
from post_coder.suggest import themes as themes_service
from post_coder.suggest.themes import suggest_themes
from post_coder.ui.dialogs.accept_theme_dialog import AcceptThemeDialog
from post_coder.ui.themes_panel import EMPTY, ThemesPanel
from tests.ui.suggest_helpers import main_window, open_window, run, small_survey

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
    window = main_window(qtbot, project, ana, tmp_path)
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


# -- accepting into the code tree, and following undo ---------------------------------------

def _untick(w: ThemesPanel, *rows: int) -> list[str]:
    """Untick these member rows; the ids of the members still ticked."""
    items = _member_items(w)
    for n in rows:
        items[n].setCheckState(0, Qt.CheckState.Unchecked)
    return sorted(it.data(0, Qt.ItemDataRole.UserRole) for n, it in enumerate(items)
                  if n not in rows)


def _theme_dialog(qtbot, w: ThemesPanel) -> AcceptThemeDialog:
    qtbot.mouseClick(w.theme_button, Qt.MouseButton.LeftButton)
    dialog = w.findChild(AcceptThemeDialog)
    assert dialog is not None and dialog.isVisible()
    return dialog


def _accept(qtbot, w: ThemesPanel, dialog: AcceptThemeDialog) -> None:
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    w.session.wait()


def _combo(dialog: AcceptThemeDialog) -> list[str]:
    return [dialog.parent_combo.itemText(n).strip() for n in range(dialog.parent_combo.count())]


def test_accept_under_a_new_theme_codes_the_ticked_members_and_ctrl_z_takes_it_all_back(
        qtbot, small, tmp_path):
    project, ana = small
    window = main_window(qtbot, project, ana, tmp_path)
    window.themes_action.trigger()
    panel = window.findChild(ThemesPanel)
    panel.k.setValue(6)
    _run(qtbot, panel)
    panel.tree.setCurrentItem(panel.tree.topLevelItem(1))
    panel.rename("Gossip and records")
    listed = _listed(panel)
    assert len(_member_items(panel)) >= 4
    ticked = _untick(panel, 0, 2)
    dialog = _theme_dialog(qtbot, panel)
    # no codes yet: only a new theme is possible, and it needs a name
    assert dialog.under_new.isChecked() and not dialog.under_existing.isEnabled()
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.new_name, "Fear of exposure")
    _accept(qtbot, panel, dialog)
    assert not dialog.isVisible()
    codes = {c.name: c for c in list_codes(project)}
    assert sorted(codes) == ["Fear of exposure", "Gossip and records"]
    assert codes["Fear of exposure"].parent_id is None
    assert codes["Gossip and records"].parent_id == codes["Fear of exposure"].id
    mine = list_codings(project, EVERYONE, coders=[ana])
    assert sorted(c.response_id for c in mine) == ticked
    assert {c.code_id for c in mine} == {codes["Gossip and records"].id}
    assert _listed(panel) == listed[:1] + listed[2:]
    assert panel.summary.text() == (
        f"Made the code “Gossip and records” under the new theme “Fear of exposure” and "
        f"applied it to {len(ticked)} answers (Edit ▸ Undo takes it back).")
    # one Ctrl+Z in the themes window takes back both codes and every coding
    panel.activateWindow()
    qtbot.waitUntil(panel.isActiveWindow)
    qtbot.keyClick(panel.tree, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    window.session.wait()
    assert list_codes(project) == []
    assert list_codings(project, EVERYONE, coders=[ana]) == []
    # the theme is back in its place, current, with its name and its ticks
    assert _listed(panel) == listed
    assert panel.current_index() == 1
    assert sorted(panel.ticked()) == ticked
    assert panel.summary.text() == ("“Gossip and records” is back in the list: accepting it "
                                    "was undone.")
    # Redo accepts it again: it leaves the list again
    window.redo_action.trigger()
    window.session.wait()
    assert sorted(c.name for c in list_codes(project)) == ["Fear of exposure",
                                                          "Gossip and records"]
    assert _listed(panel) == listed[:1] + listed[2:]


@pytest.fixture
def coded(qtbot, small):
    """The themes panel on a project with codes already: Workplace > Stigma, and Gossip."""
    from post_coder.coding.codebook import add_code

    project, ana = small
    work = add_code(project, "Workplace").new_id
    ids = {"Workplace": work, "Stigma": add_code(project, "Stigma", parent=work).new_id,
           "Gossip": add_code(project, "Gossip").new_id}
    w = open_window(qtbot, ThemesPanel, project, ana)
    w.k.setValue(6)
    _run(qtbot, w)
    return w, ids


def test_accept_under_an_existing_theme(qtbot, coded, small):
    panel, ids = coded
    project, ana = small
    panel.rename("Night shifts")
    ticked = _untick(panel, 1)
    dialog = _theme_dialog(qtbot, panel)
    assert dialog.under_existing.isChecked()
    # the codebook's tree, sub-codes indented
    assert [dialog.parent_combo.itemText(n) for n in range(3)] == [
        "Workplace", "    Stigma", "Gossip"]
    dialog.parent_combo.setCurrentIndex(dialog.parent_combo.findData(ids["Workplace"]))
    _accept(qtbot, panel, dialog)
    code = next(c for c in list_codes(project) if c.name == "Night shifts")
    assert code.parent_id == ids["Workplace"]
    assert sorted(c.response_id for c in list_codings(project, EVERYONE, coders=[ana])) == \
        ticked
    assert "under “Workplace”" in panel.summary.text()
    panel.session.undo(panel)
    panel.session.wait()
    assert sorted(c.name for c in list_codes(project)) == ["Gossip", "Stigma", "Workplace"]
    assert list_codings(project, EVERYONE, coders=[ana]) == []


def test_accept_as_the_theme_over_existing_codes(qtbot, coded, small):
    panel, ids = coded
    project, ana = small
    panel.rename("Being judged")
    ticked = _untick(panel, 0)
    listed = _listed(panel)
    dialog = _theme_dialog(qtbot, panel)
    dialog.over_codes.setChecked(True)
    assert not dialog.ok_button.isEnabled()  # no code ticked yet
    for n in range(dialog.children.count()):
        item = dialog.children.item(n)
        if item.text().strip() in ("Stigma", "Gossip"):
            item.setCheckState(Qt.CheckState.Checked)
    _accept(qtbot, panel, dialog)
    codes = {c.name: c for c in list_codes(project)}
    theme = codes["Being judged"]
    assert theme.parent_id is None
    assert codes["Stigma"].parent_id == theme.id and codes["Gossip"].parent_id == theme.id
    assert codes["Workplace"].parent_id is None
    mine = list_codings(project, EVERYONE, coders=[ana])
    assert sorted(c.response_id for c in mine) == ticked
    assert {c.code_id for c in mine} == {theme.id}
    assert "with 2 codes under it" in panel.summary.text()
    assert _listed(panel) == listed[1:]
    panel.session.undo(panel)
    panel.session.wait()
    codes = {c.name: c for c in list_codes(project)}
    assert sorted(codes) == ["Gossip", "Stigma", "Workplace"]
    assert codes["Stigma"].parent_id == ids["Workplace"] and codes["Gossip"].parent_id is None
    assert list_codings(project, EVERYONE, coders=[ana]) == []
    assert _listed(panel) == listed


def test_the_pickers_and_the_list_follow_undo_while_the_dialog_is_open(qtbot, coded, small):
    panel, ids = coded
    project, _ = small
    listed = _listed(panel)
    panel.rename("Short staffed")
    panel.accept_current()
    panel.session.wait()
    assert [name for name, _ in _listed(panel)] == [name for name, _ in listed[1:]]
    dialog = _theme_dialog(qtbot, panel)  # on the next theme
    assert "Short staffed" in _combo(dialog)
    dialog.parent_combo.setCurrentIndex(dialog.parent_combo.findData(ids["Gossip"]))
    panel.session.undo(panel)  # e.g. Ctrl+Z in the main window
    panel.session.wait()
    assert _combo(dialog) == ["Workplace", "Stigma", "Gossip"]
    assert [dialog.children.item(n).text().strip() for n in range(dialog.children.count())] \
        == ["Workplace", "Stigma", "Gossip"]
    assert dialog.parent_combo.currentData() == ids["Gossip"]  # the choice is kept
    assert _listed(panel)[0] == ("Short staffed", listed[0][1])
    dialog.reject()


def test_each_theme_keeps_its_own_ticks(qtbot, panel):
    panel.k.setValue(3)
    _run(qtbot, panel)
    ticked = _untick(panel, 0, 1)
    panel.tree.setCurrentItem(panel.tree.topLevelItem(1))
    assert len(panel.ticked()) == len(_member_items(panel))  # another theme: all ticked
    panel.tree.setCurrentItem(panel.tree.topLevelItem(0))
    assert sorted(panel.ticked()) == ticked
    panel.run()  # a new run starts with every member ticked
    qtbot.waitUntil(lambda: not panel.running, timeout=60_000)
    assert len(panel.ticked()) == len(_member_items(panel))


def test_a_refused_accept_keeps_the_dialog_open_and_writes_nothing(qtbot, coded, small,
                                                                   monkeypatch):
    from post_coder.ui import session as session_module

    shown = []
    monkeypatch.setattr(session_module, "show_error",
                        lambda parent, exc: shown.append(str(exc)))
    panel, ids = coded
    project, ana = small
    listed = _listed(panel)
    dialog = _theme_dialog(qtbot, panel)
    dialog.under_new.setChecked(True)
    qtbot.keyClicks(dialog.new_name, "gossip")  # the name of a code already there
    _accept(qtbot, panel, dialog)
    assert shown == ['there is already a code called "Gossip"; choose another name']
    assert dialog.isVisible() and dialog.ok_button.isEnabled()  # to choose another name
    assert sorted(c.name for c in list_codes(project)) == ["Gossip", "Stigma", "Workplace"]
    assert list_codings(project, EVERYONE, coders=[ana]) == []
    assert _listed(panel) == listed
    dialog.new_name.setText("Fear of exposure")
    _accept(qtbot, panel, dialog)
    assert not dialog.isVisible() and shown == [shown[0]]
    assert "Fear of exposure" in {c.name for c in list_codes(project)}
    assert _listed(panel) == listed[1:]


def test_matching_runs_on_the_answers_the_search_finds_and_enter_runs(qtbot, panel, small):
    import re

    project, _ = small
    texts = {r.id: r.text for r in response_rows(project, EVERYONE,
                                                  response_ids(project, EVERYONE))}
    expected = {i for i, t in texts.items() if re.search(r"\blicensing\b", t, re.I)}
    assert 5 < len(expected) < len(texts)  # the search narrows, and leaves enough to group
    panel.k.setValue(2)
    panel.search.setText("  licensing ")
    qtbot.keyClick(panel.search, Qt.Key.Key_Return)  # Enter in the field runs
    qtbot.waitUntil(lambda: panel.result is not None and not panel.running, timeout=60_000)
    considered = ({m.response_id for t in panel.result.themes for m in t.members}
                  | {s.response_id for s in panel.result.skipped})
    assert considered == expected
    assert panel.summary.text().startswith("2 themes (asked for, NMF, seed 0) from "
                                           f"{len(expected)} answers")


def test_a_search_that_finds_nothing_says_so_in_plain_words(qtbot, panel, monkeypatch):
    from post_coder.ui import tasks

    shown = []
    monkeypatch.setattr(tasks, "show_error", lambda parent, exc: shown.append(str(exc)))
    panel.search.setText("zeppelin")
    _run(qtbot, panel)
    assert panel.result is None
    assert shown == ["no answers match: nothing to suggest themes from"]


def test_the_run_options_fit_a_1280_pixel_laptop_screen(panel):
    assert panel.minimumSizeHint().width() <= 1280
