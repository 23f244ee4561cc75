"""No view shows another coder's codings or memos while the coder is in an open blind round.

Each view is driven for real on :class:`tests.team_helpers.BlindTeam` (its table lists
every coding), coding as Maya. For each view, one test checks that it shows Luis's and
Ana's work before the round, only Maya's as soon as a blind round opens (the open view,
and one opened during the round), and everything again once the round is closed: a view
that reads without the session's scope fails its own test. Expected values are worked out
by hand from the table.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLabel, QWidget

from post_coder.team.rounds import close_round, create_round
from post_coder.ui import settings as app_settings
from post_coder.ui.codebook_panel import CodebookPanel
from post_coder.ui.compare_view import CompareView
from post_coder.ui.dialogs import merge_dialog, split_dialog
from post_coder.ui.dialogs.coding_memo_dialog import CodingMemoDialog
from post_coder.ui.dialogs.merge_dialog import MergeDialog
from post_coder.ui.dialogs.split_dialog import SplitDialog
from post_coder.ui.main_window import MainWindow
from post_coder.ui.models.codebook_model import RESPONDENTS
from post_coder.ui.models.response_table import CODED, CODES, QUESTION, RESPONDENT
from post_coder.ui.navigator import QuestionNavigator
from post_coder.ui.session import Session
from post_coder.ui.widgets.memo_editor import MemoEditor
from post_coder.ui.workspace import CodingWorkspace
from tests.team_helpers import BlindTeam, blind_team

pytestmark = pytest.mark.qt
MEMO_BODIES = sorted(sum(BlindTeam.MEMOS.values(), []))


@pytest.fixture
def team(surveyed) -> BlindTeam:
    return blind_team(surveyed)


def _names(t: BlindTeam, coding_ids) -> list[str]:
    by_id = {t.m1: "m1", t.m2: "m2", t.l1: "l1", t.l2: "l2", t.l3: "l3", t.a1: "a1"}
    return sorted(by_id[i] for i in coding_ids)


def _others(editor: MemoEditor) -> set[str]:
    """The memo bodies the editor shows as the other authors' (read-only, above the text)."""
    text = "" if editor.others.isHidden() else editor.others.text()
    return {body for body in MEMO_BODIES if body in text}


# -- the views: how to open one, and what it shows -------------------------------------------

def _workspace(qtbot, session: Session, t: BlindTeam) -> CodingWorkspace:
    workspace = CodingWorkspace(session)
    qtbot.addWidget(workspace)
    return workspace


def _rows(workspace: CodingWorkspace) -> list[str]:
    model = workspace.model
    return [f"{model.index(r, RESPONDENT).data()} {model.index(r, QUESTION).data()}"
            for r in range(model.rowCount())]


def _grid(workspace: CodingWorkspace, t: BlindTeam) -> dict[str, tuple[str, str]]:
    model = workspace.model
    return {label: (model.index(r, CODES).data(), model.index(r, CODED).data())
            for r, label in enumerate(_rows(workspace)) if model.index(r, CODES).data()}


def _filtered(setup: Callable[[CodingWorkspace, BlindTeam], None]):
    def build(qtbot, session: Session, t: BlindTeam) -> CodingWorkspace:
        workspace = _workspace(qtbot, session, t)
        setup(workspace, t)
        return workspace
    return build


def _viewer(workspace: CodingWorkspace, t: BlindTeam) -> tuple[list[str], int]:
    assert workspace.select_response(t.r1) or workspace.current_response_id() == t.r1
    viewer = workspace.viewer
    chips = [c.property("coding_id") for c in viewer.findChildren(QWidget, "codingChip")
             if c.isVisibleTo(workspace)]
    return _names(t, chips), len(viewer.text_edit.extraSelections())


def _codebook(qtbot, session: Session, t: BlindTeam) -> CodebookPanel:
    panel = CodebookPanel(session)
    qtbot.addWidget(panel)
    return panel


def _counts(panel: CodebookPanel, t: BlindTeam) -> dict[str, str]:
    model = panel.model
    return {name: model.index_of(code, RESPONDENTS).data()
            for name, code in (("Support", t.support), ("Barriers", t.barriers),
                               ("Time", t.time))}


def _navigator(qtbot, session: Session, t: BlindTeam) -> QuestionNavigator:
    navigator = QuestionNavigator(session)
    qtbot.addWidget(navigator)
    return navigator


def _coded(navigator: QuestionNavigator, t: BlindTeam) -> dict[str, str]:
    dataset = navigator.tree.topLevelItem(1)
    return {dataset.child(i).text(0): dataset.child(i).text(2)
            for i in range(dataset.childCount())
            if not dataset.child(i).childCount()}  # not the "Attributes" row


def _compare(qtbot, session: Session, t: BlindTeam) -> CompareView:
    view = CompareView(session, t.support, t.time)
    qtbot.addWidget(view)
    return view


def _segments(view: CompareView, t: BlindTeam) -> tuple[list[str], list[str], str]:
    return (_names(t, [r.id for r in view.column_a.model.rows()]),
            _names(t, [r.id for r in view.column_b.model.rows()]),
            view.column_a.count_label.text())


def _compare_memo(view: CompareView, t: BlindTeam) -> tuple[str, set[str]]:
    return view.column_a.memo.text(), _others(view.column_a.memo)


def _fresh(make: Callable[[Session, BlindTeam], Any]):
    """A dialog reads when it opens: 'opening' the view makes a new one each time."""
    def build(qtbot, session: Session, t: BlindTeam) -> Callable[[], Any]:
        def open_it() -> Any:
            dialog = make(session, t)
            qtbot.addWidget(dialog)
            return dialog
        return open_it
    return build


def _split(open_it: Callable[[], SplitDialog], t: BlindTeam) -> tuple[list[str], str, bool]:
    dialog = open_it()
    intro = dialog.findChild(QLabel, "splitIntro").text()
    return (_names(t, [r.id for r in dialog.model.rows()]), dialog.preview_label.text(),
            intro.endswith(split_dialog.BLIND_NOTE))


def _merge(open_it: Callable[[], MergeDialog], t: BlindTeam) -> tuple[int, str, bool]:
    dialog = open_it()
    lines = dialog.preview_label.text().splitlines()
    return dialog.preview().moving, lines[1], lines[-1] == merge_dialog.BLIND_NOTE


def _memo(target: tuple[str, str | None] | Callable[[BlindTeam], tuple[str, str]]):
    def build(qtbot, session: Session, t: BlindTeam) -> MemoEditor:
        editor = MemoEditor(session)
        qtbot.addWidget(editor)
        editor.set_target(*(target(t) if callable(target) else target))
        return editor
    return build


def _memo_shows(editor: MemoEditor, t: BlindTeam) -> tuple[str, set[str]]:
    return editor.text(), _others(editor)


def _coding_memo(open_it: Callable[[], CodingMemoDialog], t: BlindTeam) -> set[str]:
    dialog = open_it()
    return _others(dialog.editor)


class View(NamedTuple):
    build: Callable[..., Any]
    read: Callable[[Any, BlindTeam], Any]
    everything: Any
    only_maya: Any


VIEWS = {
    "grid Codes and Coded columns": View(
        _workspace, _grid,
        {"R1 feedback": ("Support, Time", "✓"), "R2 feedback": ("Support", "✓"),
         "R3 feedback": ("Time", "✓"), "R3 suggestions": ("Support", "✓"),
         "R4 feedback": ("Support", "✓")},
        {"R1 feedback": ("Support", "✓"), "R2 feedback": ("Support", "✓")}),
    "grid uncoded only": View(
        _filtered(lambda w, t: w.filter_bar.uncoded.setChecked(True)),
        lambda w, t: _rows(w),
        ["R1 suggestions", "R5 feedback", "R5 suggestions"],
        ["R1 suggestions", "R3 feedback", "R3 suggestions", "R4 feedback", "R5 feedback",
         "R5 suggestions"]),
    "grid coded with Time": View(
        _filtered(lambda w, t: w.set_filter_code(t.time)), lambda w, t: _rows(w),
        ["R1 feedback", "R3 feedback"], []),
    "grid coded by Luis": View(
        _filtered(lambda w, t: w.filter_bar.set_coder(t.luis)), lambda w, t: _rows(w),
        ["R1 feedback", "R3 feedback", "R3 suggestions"], []),
    "viewer chips and highlights": View(_workspace, _viewer, (["l1", "m1"], 1), (["m1"], 0)),
    "codebook counts": View(
        _codebook, _counts, {"Support": "4", "Barriers": "0 (2)", "Time": "2"},
        {"Support": "2", "Barriers": "0 (0)", "Time": "0"}),
    "navigator coded counts": View(
        _navigator, _coded, {"feedback": "4", "suggestions": "1"},
        {"feedback": "2", "suggestions": "0"}),
    "compare view segments": View(
        _compare, _segments, (["a1", "l3", "m1", "m2"], ["l1", "l2"], "4 segments, 4 responses"),
        (["m1", "m2"], [], "2 segments, 2 responses")),
    "compare view memo": View(
        _compare, _compare_memo, ("Maya: support means peers", {"Luis: support is broad"}),
        ("Maya: support means peers", set())),
    "split dialog": View(
        _fresh(lambda s, t: SplitDialog(s, t.support)), _split,
        (["a1", "l3", "m1", "m2"], "0 segments from 0 responses move to the new code; 4 stay.",
         False),
        (["m1", "m2"], "0 segments from 0 responses move to the new code; 2 stay.", True)),
    "merge dialog preview": View(
        _fresh(lambda s, t: MergeDialog(s, [t.support], t.time)), _merge,
        (4, "4 codings move to “Time”.", False), (2, "2 codings move to “Time”.", True)),
    "project memo": View(
        _memo(("project", None)), _memo_shows,
        ("Maya: project idea", {"Luis: project plan", "Ana: lead note", "Unsigned note"}),
        ("Maya: project idea", set())),
    "code memo": View(
        _memo(lambda t: ("code", t.support)), _memo_shows,
        ("Maya: support means peers", {"Luis: support is broad"}),
        ("Maya: support means peers", set())),
    "response memo": View(
        _memo(lambda t: ("response", t.r1)), _memo_shows, ("", {"Luis: R1 is vivid"}),
        ("", set())),
    "coding memo dialog": View(
        _fresh(lambda s, t: CodingMemoDialog(s, t.l1, "Time, coded by Luis Ortega")),
        _coding_memo, {"Luis: why time"}, set()),
}


@pytest.mark.parametrize("name", VIEWS)
def test_no_view_shows_another_coders_work_in_an_open_blind_round(qtbot, team, name):
    view = VIEWS[name]
    session = Session(team.project, coder_id=team.maya)
    shown = view.build(qtbot, session, team)
    assert view.read(shown, team) == view.everything  # before the round: everyone's work

    round_id = session.run(None, create_round, "Blind", [team.maya, team.luis],
                           questions=[team.feedback]).new_id
    assert session.scope.visible_coders == (team.maya,)
    assert view.read(shown, team) == view.only_maya  # the open view follows at once
    assert view.read(view.build(qtbot, session, team), team) == view.only_maya  # a new one

    session.run(None, close_round, round_id)
    assert view.read(shown, team) == view.everything


def test_changing_the_coder_changes_what_the_views_show(qtbot, team):
    """The scope follows the coder: Luis, in the round, sees his own; Ana, outside it, all."""
    session = Session(team.project, coder_id=team.maya)
    workspace = _workspace(qtbot, session, team)
    session.run(None, create_round, "Blind", [team.maya, team.luis])
    assert _viewer(workspace, team) == (["m1"], 0)
    session.set_coder(team.luis)
    assert _viewer(workspace, team) == (["l1"], 1)
    assert _grid(workspace, team) == {"R1 feedback": ("Time", "✓"), "R3 feedback": ("Time", "✓"),
                                      "R3 suggestions": ("Support", "✓")}
    session.set_coder(team.ana)
    assert _viewer(workspace, team) == (["l1", "m1"], 1) and workspace.blind_label.isHidden()


# -- the main window: status bar and memos dock ------------------------------------------------

@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("POST_CODER_SETTINGS", str(tmp_path / "settings.ini"))
    monkeypatch.setenv("POST_CODER_HOME", str(tmp_path / "home"))
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    app_settings.set_coder_identity(settings, "Maya Chen", "MC")
    w = MainWindow(settings)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close_project()


def test_the_main_windows_status_bar_and_memos_dock_follow_the_blind_round(qtbot, team,
                                                                          window):
    path = Path(team.project.path)
    team.project.close()
    assert window.open_project(path)
    session = window.session
    assert session.coder_id == team.maya
    for response in (team.r2, team.r1):  # the memos dock follows the selected response
        assert window.workspace.select_response(response)
    assert window.response_memo.target() == ("response", team.r1)

    def status_and_memos() -> tuple[str, set[str], set[str]]:
        return (window.status.text(), _others(window.project_memo),
                _others(window.response_memo))

    qtbot.waitUntil(lambda: "6 codings" in window.status.text())
    assert status_and_memos()[1:] == ({"Luis: project plan", "Ana: lead note", "Unsigned note"},
                                      {"Luis: R1 is vivid"})
    round_id = session.run(None, create_round, "Blind", [team.maya, team.luis]).new_id
    qtbot.waitUntil(lambda: "2 codings" in window.status.text())
    assert status_and_memos()[1:] == (set(), set())
    session.run(None, close_round, round_id)
    qtbot.waitUntil(lambda: "6 codings" in window.status.text())
    assert status_and_memos()[1:] == ({"Luis: project plan", "Ana: lead note", "Unsigned note"},
                                      {"Luis: R1 is vivid"})
