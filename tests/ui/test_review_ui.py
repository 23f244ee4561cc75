"""Discrepancy review in the app, driven for real: Team ▸ Review Discrepancies…, the review
window and its keys, pause and resume in a new window, minutes, the blind case.

The project is ``tests.test_agreement_report.team`` (three coders, Ana, Ben and Cleo, on
the blind round "Round 1") plus a lead, Lee, who is not in the round and so sees everyone's
codings. Its four disagreements, in order (worked out by hand from the fixture):

====  ===========  =========================================  ==================
#     code         applied by                                 not applied by
====  ===========  =========================================  ==================
1     R1 Support   Ana (whole response)                       Ben, Cleo
2     R1 Peer sup. Ben (whole response)                       Ana, Cleo

(codes in codebook order: Support comes before Peer support, its sub-code)
3     R2 Time      Cleo (span 0–7: "Our dep")                 Ana, Ben
4     R4 Time      Ana (whole response)                       Cleo (Ben not done)
====  ===========  =========================================  ==================
"""

from __future__ import annotations

import csv

import docx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox, QWidget

from post_coder.coding import codebook
from post_coder.coding.coders import add_coder, list_coders
from post_coder.project import Project
from post_coder.store import audit
from post_coder.store.scope import ReadScope
from post_coder.team import review
from post_coder.team.package import export_package
from post_coder.ui.dialogs.review_start_dialog import ReviewStartDialog, split_names
from post_coder.ui.review_window import NOT_LEAD, ReviewLauncher, ReviewWindow
from post_coder.ui.session import Session
from post_coder.ui.widgets.code_palette import CodeRole
from tests.conftest import dump
from tests.test_agreement_report import team  # noqa: F401 - the fixture

pytestmark = pytest.mark.qt
TIME_DEFINITION = "Mentions lack of time, long shifts or workload"


# -- helpers -----------------------------------------------------------------------------------

@pytest.fixture
def lead(team: Project) -> Project:
    """The team project with the lead Lee (not in the round) and texts for Time."""
    team.lee = add_coder(team, "Lee Lead", initials="LL").new_id
    codebook.redefine_code(team, team.code["Time"], definition="Not enough time to do it",
                           inclusion="Shifts, schedules, no time", exclusion="Money")
    team.clear_history()
    return team


def launcher(qtbot, project: Project, coder_id: str) -> tuple[Session, ReviewLauncher]:
    session = Session(project, coder_id=coder_id)
    window = QWidget()
    qtbot.addWidget(window)
    return session, ReviewLauncher(window, session, QMenu(window))


def start(qtbot, launch: ReviewLauncher, participants: str | None = None) -> ReviewWindow:
    """Review Discrepancies… → the round dialog → OK; the review window, active."""
    dialog = launch.start()
    assert isinstance(dialog, ReviewStartDialog)
    if participants is not None:
        dialog.participants_edit.setText(participants)
    dialog.ok_button.click()
    win = launch.review_window
    assert isinstance(win, ReviewWindow) and win.isVisible()
    qtbot.waitUntil(win.isActiveWindow)
    return win


def key(qtbot, win: ReviewWindow, k: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """Press a key in the review window, as a person would (it is the active window)."""
    qtbot.waitUntil(win.isActiveWindow)
    qtbot.keyClick(win.focusWidget() or win, k, modifier)
    win.session.wait()


def showing(win: ReviewWindow) -> tuple[str, str] | None:
    return (win.current.respondent, win.current.code) if win.current else None


def panels(win: ReviewWindow) -> list[tuple]:
    """What each visible coder panel shows: (name, applied, whole, spans, tinted text)."""
    return [(*p.shown, p.highlighted()) for p in win.panels if p.isVisible()]


def consensus(project: Project) -> list[tuple]:
    """The consensus layer's decided rows."""
    return sorted((c.respondent, c.code, c.decided_code, c.decision, c.note)
                  for c in review.consensus_codings(project, ReadScope.everyone())
                  if c.source == "decided")


def listed(picker) -> list[str]:
    """The code names the picker lists, in order."""
    codes = {c.id: c.name for c in codebook.list_codes(picker.session.project)}
    return [codes[picker.list.item(i).data(CodeRole)] for i in range(picker.list.count())]


def _alive(widget) -> bool:
    import shiboken6
    return shiboken6.isValid(widget)


def error_texts(parent: QWidget) -> list[str]:
    """The error messages shown over ``parent``."""
    return [w.text() for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.objectName() == "errorBox" and w.isVisible()
            and w.parent() is parent]


# -- the full session --------------------------------------------------------------------------

def test_a_full_review_session_by_keyboard(qtbot, lead, tmp_path):
    p = lead
    codings_before = dump(p)["codings"]
    session, launch = launcher(qtbot, p, p.lee)
    dialog = launch.start()
    assert dialog.participants_edit.text() == "Ana, Ben, Cleo"   # the round's coders
    assert dialog.ok_button.text() == "Open session"
    dialog.close()
    win = start(qtbot, launch, "Ana, Ben, Cleo, Lee")
    assert win.progress_text() == "0 of 4 resolved"
    assert "Ana, Ben, Cleo, Lee" in win.title_label.text()

    # 1: R1 Support — Ana applied it to the whole response
    assert showing(win) == ("R1", "Support")
    assert panels(win) == [("Ana", True, True, (), []), ("Ben", False, False, (), []),
                           ("Cleo", False, False, (), [])]
    assert "Ana</b> — applied: whole response" in win.panels[0].header.text()
    assert "Ben</b> — did not apply it" in win.panels[1].header.text()
    assert "3px solid" in win.panels[0].styleSheet()
    # a note: typed letters (a, n, o, r among them) and Enter never decide
    win.note_edit.setFocus()
    qtbot.keyClicks(win.note_edit, "Ana's reading holds; peers are named")
    qtbot.keyClick(win.note_edit, Qt.Key.Key_Return)
    session.wait()
    assert win.progress_text() == "0 of 4 resolved" and showing(win) == ("R1", "Support")
    assert win.note_edit.text() == "Ana's reading holds; peers are named"
    assert not win.note_edit.hasFocus()
    key(qtbot, win, Qt.Key.Key_A)                                    # A: applies
    assert win.progress_text() == "1 of 4 resolved" and win.note_edit.text() == ""

    # 2: R1 Peer support; skip (→) to 3 and come back (←)
    assert showing(win) == ("R1", "Peer support")
    key(qtbot, win, Qt.Key.Key_Right)
    assert showing(win) == ("R2", "Time")
    assert panels(win) == [("Ana", False, False, (), []), ("Ben", False, False, (), []),
                           ("Cleo", True, False, ((0, 7),), ["Our dep"])]
    assert "Cleo</b> — applied: 1 passage" in win.panels[2].header.text()
    assert "Not enough time to do it" in win.code_label.text()
    assert "Shifts, schedules, no time" in win.code_label.text()
    assert "Money" in win.code_label.text()
    key(qtbot, win, Qt.Key.Key_Left)
    assert showing(win) == ("R1", "Peer support")
    assert win.progress_text() == "1 of 4 resolved"
    key(qtbot, win, Qt.Key.Key_O)                                    # O: another code
    picker = win.picker
    assert picker is not None and picker.isVisible()
    qtbot.keyClicks(picker.filter_edit, "supp")
    assert listed(picker) == ["Support"]                             # not Peer support
    picker.choose("")
    assert listed(picker) == ["Time", "Support", "Privacy", "Culture"]
    picker.choose("")
    qtbot.keyClicks(picker.filter_edit, "supp")
    qtbot.keyClick(picker.filter_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: win.progress_text() == "2 of 4 resolved")
    assert not picker.isVisible() if _alive(picker) else True

    # 3: R2 Time — N, then Ctrl+Z takes it back and shows it again
    assert showing(win) == ("R2", "Time")
    key(qtbot, win, Qt.Key.Key_N)
    assert win.progress_text() == "3 of 4 resolved" and showing(win) == ("R4", "Time")
    key(qtbot, win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert win.progress_text() == "2 of 4 resolved" and showing(win) == ("R2", "Time")
    assert win.current.status == "open"
    win.note_edit.setText("culture, not time")
    key(qtbot, win, Qt.Key.Key_N)
    assert win.progress_text() == "3 of 4 resolved" and showing(win) == ("R4", "Time")
    assert panels(win) == [("Ana", True, True, (), []), ("Cleo", False, False, (), [])]
    assert win.not_compared_label.text() == "Not compared (not marked done): Ben"

    # pause: recorded, the window closes
    win.pause_button.click()
    session.wait()
    assert not win.isVisible()
    [s] = review.list_sessions(p, "Round 1")
    assert s.status == "paused" and s.paused_at

    # another day: a NEW window resumes at the first open disagreement
    dialog = launch.start()
    assert dialog.ok_button.text() == "Resume session"
    assert dialog.participants_edit.text() == "Ana, Ben, Cleo, Lee"
    dialog.close()
    win2 = start(qtbot, launch)
    assert win2 is not win
    assert review.list_sessions(p, "Round 1")[0].status == "open"
    assert showing(win2) == ("R4", "Time") and win2.history == []
    assert win2.progress_text() == "3 of 4 resolved"

    # 4: R — refine the definition now (the rationale is required), decide under it
    assert win2.focusWidget() is win2    # the keys decide; the note is a click (or Alt+T) away
    key(qtbot, win2, Qt.Key.Key_R)
    editor = win2.refine_dialog
    assert editor is not None and editor.isVisible()
    assert not editor.name_edit.isEnabled()
    editor.text_edits["definition"].setPlainText(TIME_DEFINITION)
    editor.ok_button.click()
    session.wait()
    assert any("rationale" in t for t in error_texts(editor))
    assert editor.isVisible() and win2.progress_text() == "3 of 4 resolved"
    editor.rationale_edit.setText("R4's worry is workload")
    editor.applies_radio.setChecked(True)
    editor.ok_button.click()
    session.wait()
    assert not editor.isVisible()
    assert win2.progress_text() == "4 of 4 resolved" and win2.current is None
    assert "All 4 disagreements are resolved" in win2.done_label.text()
    assert codebook.find_code(p, "Time").definition == TIME_DEFINITION
    [entry] = [e for e in audit.entries(p.db, entity="code") if e.action == "redefine"
               and e.rationale == "R4's worry is workload"]
    assert entry.step_label == "Review decision"
    # back to the last one: it reads as resolved
    key(qtbot, win2, Qt.Key.Key_Left)
    assert showing(win2) == ("R4", "Time")
    assert "Resolved:" in win2.status_label.text()
    assert "applies (definition refined)" in win2.status_label.text()

    # the decisions in the consensus layer: R1 Support once (two decisions say it applies;
    # the later, "Support instead of Peer support", is the one shown), R4 Time; nobody's
    # codings changed
    assert consensus(p) == sorted([
        ("R1", "Support", "Peer support", "other_code", ""),
        ("R4", "Time", "Time", "applies", "")])
    assert dump(p)["codings"] == codings_before

    # minutes, CSV and Word, read back
    written = win2.export_minutes(tmp_path / "minutes.csv")
    assert written == tmp_path / "minutes.csv"
    with open(written, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["Respondent"], r["Code"], r["Decision"], r["Instead"], r["Note"])
            for r in rows] == [
        ("R1", "Support", "applies", "", "Ana's reading holds; peers are named"),
        ("R1", "Peer support", "another code applies instead", "Support", ""),
        ("R2", "Time", "does not apply", "", "culture, not time"),
        ("R4", "Time", "applies", "", "")]
    assert rows[3]["Rationale"] == "R4's worry is workload"
    assert rows[3]["Definition change"] == f"definition: {TIME_DEFINITION}"
    assert {r["Participants"] for r in rows} == {"Ana, Ben, Cleo, Lee"}
    assert {r["Decided by"] for r in rows} == {"Lee Lead"}
    assert "4 decisions" in win2.message_label.text()
    word = win2.export_minutes(tmp_path / "minutes.docx")
    table = docx.Document(str(word)).tables[0]
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert len(cells) == 5 and cells[3][2:6] == ["R2", "feedback", "Time", "does not apply"]

    # all resolved: Close session closes at once
    win2.close_session_button.click()
    session.wait()
    assert review.list_sessions(p, "Round 1")[0].status == "closed"
    assert "closed" in win2.done_label.text()
    assert not win2.applies_button.isEnabled() and win2.export_button.isEnabled()


def test_close_with_open_disagreements_says_how_many(qtbot, lead):
    p = lead
    session, launch = launcher(qtbot, p, p.lee)
    win = start(qtbot, launch)
    key(qtbot, win, Qt.Key.Key_A)
    box = win.close_session()
    assert box is not None and box.isVisible()
    assert "3 of 4 disagreements are still open (1 of 4 resolved)" in box.text()
    box.findChild(QWidget, "reviewCloseNo").click()
    assert review.list_sessions(p, "Round 1")[0].status == "open"
    box = win.close_session()
    box.findChild(QWidget, "reviewCloseYes").click()
    session.wait()
    assert review.list_sessions(p, "Round 1")[0].status == "closed"
    assert not win.applies_button.isEnabled()
    # a new session starts for the round afterwards, at the first open one
    dialog = launch.start()
    assert dialog.ok_button.text() == "Open session"


def test_ctrl_z_undoes_only_this_sessions_decisions(qtbot, lead):
    p = lead
    session, launch = launcher(qtbot, p, p.lee)
    win = start(qtbot, launch)
    key(qtbot, win, Qt.Key.Key_N)
    assert win.progress_text() == "1 of 4 resolved"
    session.run(None, codebook.add_code, "Workload")     # something else happens meanwhile
    key(qtbot, win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert win.progress_text() == "1 of 4 resolved"
    assert "“Add code”, not a decision of this session" in win.message_label.text()
    assert codebook.find_code(p, "Workload")
    # with "Add code" undone (from the main window), the decision is next: Ctrl+Z takes it
    session.undo()
    session.wait()
    key(qtbot, win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert win.progress_text() == "0 of 4 resolved" and showing(win) == ("R1", "Support")
    assert review.list_sessions(p, "Round 1")[0].status == "open"   # the session stays


# -- who may review ----------------------------------------------------------------------------

def test_a_coder_of_the_open_blind_round_is_told_why_not(qtbot, lead):
    p = lead
    session, launch = launcher(qtbot, p, p.ana)
    assert session.scope.blind
    assert launch.start() is None
    assert launch.dialog is None and launch.review_window is None
    [text] = error_texts(launch.window)
    assert "only the lead's project shows it" in text
    assert review.list_sessions(p) == []


def test_in_a_coder_package_the_action_is_disabled(qtbot, lead, tmp_path):
    p = lead
    target = tmp_path / "ana.postcoder"
    export_package(p, p.ana, target)
    package = Project.open(target)
    try:
        session, launch = launcher(qtbot, package, p.ana)
        assert not launch.action.isEnabled()
        assert launch.action.statusTip() == NOT_LEAD
        assert launch.start() is None
        [text] = error_texts(launch.window)
        assert "coder package" in text
    finally:
        session.close()


def test_the_team_menu_has_the_action(qtbot, lead):
    from post_coder.ui.rounds_panel import RoundsPanel
    from post_coder.ui.team import TeamControls
    from post_coder.ui.workspace import CodingWorkspace
    from PySide6.QtGui import QAction

    session = Session(lead, coder_id=lead.lee)
    window = QWidget()
    qtbot.addWidget(window)
    controls = TeamControls(window, session, CodingWorkspace(session, window),
                            RoundsPanel(session, window))
    menu = QMenu(window)
    controls.fill_menu(menu, QAction("Rounds", menu))
    [action] = [a for a in menu.actions() if a.objectName() == "actionReviewDiscrepancies"]
    assert action.text() == "&Review Discrepancies…" and action.isEnabled()
    action.trigger()
    assert isinstance(controls.review.dialog, ReviewStartDialog)


def test_no_rounds_means_nothing_to_open(qtbot, surveyed):
    session, launch = launcher(qtbot, surveyed, None)
    dialog = launch.start()
    assert not dialog.ok_button.isEnabled()
    assert "no rounds yet" in dialog.state_label.text()


def test_participant_names_split_on_commas_and_semicolons():
    assert split_names(" Maya Chen, Luis;  Ana ,, ") == ["Maya Chen", "Luis", "Ana"]


# -- how it looks ------------------------------------------------------------------------------

def test_the_window_renders_at_laptop_size(qtbot, lead, tmp_path):
    p = lead
    session, launch = launcher(qtbot, p, p.lee)
    win = start(qtbot, launch)
    key(qtbot, win, Qt.Key.Key_Right)
    key(qtbot, win, Qt.Key.Key_Right)
    assert showing(win) == ("R2", "Time")
    win.resize(1366, 768)
    png = tmp_path / "review.png"
    assert win.grab().save(str(png))
    image = QImage(str(png))
    assert (image.width(), image.height()) == (1366, 768)
    # Cleo's span is tinted in her color on screen; the same place in Ana's copy is not
    cleo, ana = win.panels[2], win.panels[0]
    assert (cleo.shown[0], ana.shown[0]) == ("Cleo", "Ana")

    def pixel(panel):
        edit = panel.text
        cursor = edit.textCursor()
        cursor.setPosition(3)
        at = edit.viewport().mapTo(win, edit.cursorRect(cursor).center())
        return image.pixelColor(at.x() - 4, at.y())

    tinted, plain = pixel(cleo), pixel(ana)
    color = QColor([c.color for c in list_coders(p) if c.name == "Cleo"][0])
    assert tinted != plain
    assert abs(tinted.hslHue() - color.hslHue()) <= 8
    assert plain.lightness() > tinted.lightness()
    for name in ("reviewApplies", "reviewNotApplies", "reviewOtherCode", "reviewRefine",
                 "reviewNote", "reviewProgress", "reviewCodeDetails"):
        widget = win.findChild(QWidget, name)
        assert widget.isVisible() and win.rect().contains(
            widget.geometry().translated(widget.parentWidget().mapTo(win, widget.pos())
                                         - widget.pos())), name
