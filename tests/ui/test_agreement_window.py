"""Team ▸ Agreement…, driven for real: the per-code table, flags, filters, export, the
convergence table and chart, disagreements and the jump to a response, the empty state
where agreement is hidden, and the computation off the UI thread.

The project is the core tests' ``team`` (tests/test_agreement_report.py: three coders on
a blind round, every rating listed in its docstring). The expected numbers are worked out
by hand from that table — never by the statistics code:

Krippendorff's alpha for binary ratings is ``1 - (n - 1) * o01 / (n0 * n1)``, ``n`` the
pairable values, ``o01`` the 0-1 coincidences (a unit with ``a`` ones and ``b`` zeros among
``m`` values adds ``a * b / (m - 1)``). Round 1 (5 units, 13 values per code):

- Time: n1 = 10, n0 = 3, o01 = 1 (R2) + 1 (R4): alpha = 1 - 12 * 2 / 30 = 0.2
- Support / Peer support: one "yes" (Ana / Ben on R1 fb), o01 = 1: 1 - 12 / 12 = 0
- Privacy (nobody) and Culture (everyone, always): not defined
- pooled over the five codes: n = 65, n1 = 25, n0 = 40, o01 = 4: 1 - 64 * 4 / 1000 = 0.744
- mean over the three defined: (0.2 + 0 + 0) / 3

Round 2 (Ana and Ben on the feedback responses they both did: R1-R3): Time agrees
everywhere (alpha 1), Support and Peer support split on R1 (alpha 0); pooled: n = 30,
n1 = 12, n0 = 18, o01 = 2: 1 - 29 * 2 / 216 = 79/108.
"""

from __future__ import annotations

import csv
import threading

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QWidget

from post_coder.coding.coders import add_coder
from post_coder.coding.agreement import NO_VARIATION
from post_coder.queries import find_question
from post_coder.team import agreement_report as core
from post_coder.team.package import export_package
from post_coder.team.rounds import create_round
from post_coder.ui import agreement_window
from post_coder.ui.agreement_window import STALE, AgreementWindow
from post_coder.ui.models.agreement_models import (LOW_COLOR, NOT_DEFINED, TENTATIVE_COLOR,
                                                   CodeIdRole)
from post_coder.ui.rounds_panel import RoundsPanel
from post_coder.ui.session import Session
from post_coder.ui.team import TeamControls
from post_coder.ui.workspace import CodingWorkspace
from tests.test_agreement_report import team  # noqa: F401  (the fixture)

pytestmark = pytest.mark.qt
TIMEOUT = 20_000
ROUND1_POOLED = 1 - 64 * 4 / 1000
ROUND2_POOLED = 79 / 108


@pytest.fixture
def session(team):  # noqa: F811
    """The lead's view of ``team`` (coding as nobody yet: not in the blind round)."""
    return Session(team)


@pytest.fixture
def window(qtbot, session):
    w = AgreementWindow(session)
    qtbot.addWidget(w)
    w.show()
    return w


def compute(window: AgreementWindow) -> None:
    window.agreement.compute()
    assert window.agreement.wait(TIMEOUT)


def text(window: AgreementWindow, code: str, key: str, value: str | None = None,
         role: int = Qt.ItemDataRole.DisplayRole):
    model = window.agreement.model
    row = model.row_of_code(code, value)
    assert row >= 0, code
    return model.index(row, model.column_of(key)).data(role)


def overall(window: AgreementWindow, label: str) -> str:
    model = window.agreement.model
    code, alpha = model.column_of("code"), model.column_of("krippendorff_alpha")
    for row in range(model.rowCount()):
        if model.index(row, code).data().startswith(label):
            return model.index(row, alpha).data()
    raise AssertionError(label)


def choose(combo, text_or_data) -> None:
    index = combo.findData(text_or_data)
    if index < 0:
        index = combo.findText(text_or_data)
    assert index >= 0, text_or_data
    combo.setCurrentIndex(index)


# -- the table ---------------------------------------------------------------------------------

def test_the_per_code_table_shows_the_hand_worked_values_and_flags(window, team):  # noqa: F811
    assert window.filters.round_id() == team.round  # the latest round is chosen
    compute(window)
    model = window.agreement.model
    codes = [model.index(r, model.column_of("code")).data() for r in range(model.rowCount())]
    # codebook order, sub-codes indented, then the overall rows
    assert codes == ["Time", "Support", "    Peer support", "Privacy", "Culture",
                     "Overall (pooled)", "Mean over 3 codes"]
    assert text(window, "Time", "units") == "5"
    assert text(window, "Time", "krippendorff_alpha") == "0.200"
    assert text(window, "Time", "percent_agreement") == "66.7%"   # pairs 1, 1/3, 1, 0, 1
    assert text(window, "Time", "fleiss_kappa") == f"{11 / 161:.3f}"
    assert text(window, "Time", "conger_kappa") == f"{3 / 43:.3f}"
    assert text(window, "Time", "scott_pi") == f"{11 / 161:.3f}"
    assert text(window, "Time", "gwet_ac1") == f"{139 / 289:.3f}"
    assert text(window, "Time", "brennan_prediger") == "0.333"
    assert text(window, "Time", "pair:Ana / Ben") == "1.000"
    assert text(window, "Time", "pair:Ana / Cleo") == f"{-3 / 7:.3f}"
    assert text(window, "Time", "pair:Ben / Cleo") == f"{1 / 9:.3f}"
    header = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert header[:5] == ["Code", "Units", "α", "α 95% CI", "% agreement"]
    assert header[5:8] == ["κ Ana / Ben", "κ Ana / Cleo", "κ Ben / Cleo"]
    low, high = text(window, "Time", "alpha_ci").split(" – ")  # 1,000 seeded resamples
    assert float(low) <= 0.2 <= float(high)
    # flags: text and colour
    assert text(window, "Time", "flag") == "Low (α < 0.667)"
    assert text(window, "Support", "flag") == "Low (α < 0.667)"
    assert text(window, "Time", "flag", role=Qt.ItemDataRole.BackgroundRole).color() == LOW_COLOR
    assert text(window, "Time", "krippendorff_alpha",
                role=Qt.ItemDataRole.BackgroundRole).color() == LOW_COLOR
    # not defined: shown as such, with the core's reason on hover
    assert text(window, "Privacy", "krippendorff_alpha") == NOT_DEFINED
    assert text(window, "Privacy", "krippendorff_alpha",
                role=Qt.ItemDataRole.ToolTipRole) == NO_VARIATION
    assert text(window, "Culture", "pair:Ana / Ben", role=Qt.ItemDataRole.ToolTipRole) \
        == NO_VARIATION
    assert text(window, "Privacy", "flag") == NOT_DEFINED
    assert text(window, "Privacy", "flag", role=Qt.ItemDataRole.BackgroundRole) is None
    assert text(window, "Privacy", "percent_agreement") == "100.0%"
    assert text(window, "Time", "code", role=CodeIdRole) == team.code["Time"]
    assert overall(window, "Overall (pooled)") == f"{ROUND1_POOLED:.3f}" == "0.744"
    assert overall(window, "Mean over") == f"{0.2 / 3:.3f}"
    assert "5 responses marked done by two or more of Ana, Ben, Cleo" in \
        window.agreement.status.text()


def test_thresholds_are_editable_and_change_the_flags(window):
    compute(window)
    window.agreement.low.setValue(0.1)
    window.agreement.high.setValue(0.5)
    assert window.agreement.status.text() == STALE  # nothing recomputed behind your back
    assert text(window, "Time", "flag") == "Low (α < 0.667)"
    compute(window)
    assert text(window, "Time", "flag") == "Tentative (α < 0.500)"
    assert text(window, "Time", "flag", role=Qt.ItemDataRole.BackgroundRole).color() \
        == TENTATIVE_COLOR
    assert text(window, "Support", "flag") == "Low (α < 0.100)"
    window.agreement.high.setValue(0.15)
    compute(window)
    assert text(window, "Time", "flag") == "OK"
    assert text(window, "Time", "flag", role=Qt.ItemDataRole.BackgroundRole) is None


def test_filters_change_the_result(window, team):  # noqa: F811
    tab = window.agreement
    choose(tab.code, team.code["Time"])
    compute(window)
    assert tab.model.rowCount() == 3  # Time and the two overall rows
    assert text(window, "Time", "krippendorff_alpha") == "0.200"

    # two coders: Ana and Ben agree on Time everywhere they both did (R1-R3 fb, R1 sg)
    tab.set_coders([team.ana, team.ben])
    assert tab.coders_button.text() == "Coders: Ana, Ben"
    compute(window)
    assert text(window, "Time", "units") == "4"
    assert text(window, "Time", "krippendorff_alpha") == "1.000"
    assert text(window, "Time", "pair:Ana / Ben") == "1.000"
    assert text(window, "Time", "flag") == "OK"
    tab.set_coders(None)
    assert tab.coders_button.text() == "Coders: all"

    # parents include sub-codes: Ben's Peer support on R1 fb counts for Support there
    # (R1 fb: 2 yes, 1 no): n = 13, n1 = 2, o01 = 1: 1 - 12 / 22
    choose(tab.code, team.code["Support"])
    tab.roll_up.setChecked(True)
    compute(window)
    assert text(window, "Support", "krippendorff_alpha") == f"{5 / 11:.3f}"
    tab.roll_up.setChecked(False)
    compute(window)
    assert text(window, "Support", "krippendorff_alpha") == "0.000"
    choose(tab.code, team.code["Time"])

    # the feedback question: R1-R4 fb, n = 10, n1 = 7, o01 = 2: 1 - 9 * 2 / 21
    choose(window.filters.question, find_question(team, "feedback"))
    compute(window)
    assert text(window, "Time", "units") == "4"
    assert text(window, "Time", "krippendorff_alpha") == f"{1 / 7:.3f}"
    choose(window.filters.question, None)

    # dept = EM: R1 fb, R2 fb, R1 sg: n = 9, n1 = 7, o01 = 1: 1 - 8 / 14
    window.filters.set_attribute("dept", "EM")
    assert window.filters.attribute() == ("dept", "EM")
    compute(window)
    assert text(window, "Time", "units") == "3"
    assert text(window, "Time", "krippendorff_alpha") == f"{3 / 7:.3f}"

    # split by department: one block per value (the attribute filter is then not used)
    choose(tab.split, "dept")
    compute(window)
    assert list(tab.reports) == ["Anesthesia", "EM", "ICU", "OBGYN"]
    assert text(window, "Time", "krippendorff_alpha", "EM") == f"{3 / 7:.3f}"
    assert text(window, "Time", "units", "Anesthesia") == "0"   # R6: nobody did it
    assert text(window, "Time", "value", "OBGYN") == "OBGYN"
    assert tab.model.headerData(0, Qt.Orientation.Horizontal) == "Value"


def test_export_writes_the_rows_shown(window, team, tmp_path):  # noqa: F811
    compute(window)
    path = window.agreement.export(tmp_path / "agreement.csv")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["Code"] for r in rows] == ["Time", "Support", "Peer support", "Privacy", "Culture"]
    time = rows[0]
    assert float(time["Krippendorff's alpha"]) == pytest.approx(0.2, abs=1e-12)
    assert float(time["Cohen's kappa Ana / Cleo"]) == pytest.approx(-3 / 7, abs=1e-12)
    assert time["Flag"] == "low" and time["Units"] == "5"
    assert rows[3]["Krippendorff's alpha"] == "" and "not defined" in rows[3]["Notes"]
    assert "Wrote 5 rows to agreement.csv" in window.agreement.status.text()

    choose(window.agreement.split, "dept")
    compute(window)
    md = window.agreement.export(tmp_path / "by-dept.md").read_text(encoding="utf-8")
    lines = md.splitlines()
    assert lines[0].startswith("| dept | Code | Units |")
    assert len(lines) == 2 + 4 * 5  # header, rule, 4 values x 5 codes
    assert "| EM | Time | 3 | 0.429 |" in md

    from openpyxl import load_workbook

    sheet = load_workbook(window.agreement.export(tmp_path / "by-dept.xlsx")).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("dept", "Code", "Units") and len(rows) == 1 + 4 * 5
    em_time = next(r for r in rows if r[:2] == ("EM", "Time"))
    assert em_time[2] == 3 and em_time[3] == pytest.approx(3 / 7, abs=1e-12)


# -- off the UI thread -------------------------------------------------------------------------

def _hold(monkeypatch, name: str):
    """Make the window's call of the core wait for ``release``; record the thread it ran on."""
    real = getattr(agreement_window, name)
    release, threads = threading.Event(), []

    def held(*args, **kwargs):
        threads.append(threading.current_thread().name)
        assert release.wait(TIMEOUT / 1000)
        return real(*args, **kwargs)

    monkeypatch.setattr(agreement_window, name, held)
    return release, threads


def test_a_rounds_report_is_a_job_on_the_writer_and_the_window_stays_live(
        qtbot, window, session, team, monkeypatch):  # noqa: F811
    release, threads = _hold(monkeypatch, "agreement_report")
    ticks = []
    timer = QTimer(interval=10)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    tab = window.agreement
    tab.compute()  # returns at once
    assert tab.running
    qtbot.waitUntil(lambda: threads == ["db-writer"], timeout=TIMEOUT)
    qtbot.wait(200)  # the UI thread keeps running its event loop meanwhile
    assert len(ticks) >= 3
    assert tab.running and tab.busy.isVisible() and tab.cancel_button.isVisible()
    assert not tab.compute_button.isEnabled() and tab.model.rowCount() == 0
    release.set()
    assert tab.wait(TIMEOUT)
    timer.stop()
    assert not tab.busy.isVisible() and text(window, "Time", "krippendorff_alpha") == "0.200"
    [stored] = core.stored_reports(team, "Round 1")  # computing a round's report stores it
    assert stored.report["overall"]["pooled_alpha"] == pytest.approx(ROUND1_POOLED, abs=1e-12)


def test_a_report_on_every_response_reads_a_snapshot_and_stores_nothing(
        qtbot, window, team, monkeypatch):  # noqa: F811
    release, threads = _hold(monkeypatch, "agreement_report")
    choose(window.filters.round, None)
    window.agreement.compute()
    qtbot.waitUntil(lambda: bool(threads), timeout=TIMEOUT)
    assert threads == ["background-read"]
    release.set()
    assert window.agreement.wait(TIMEOUT)
    assert text(window, "Time", "units") == "5"
    assert core.stored_reports(team) == []


def test_cancel_leaves_the_table_as_it_was(qtbot, window, monkeypatch):
    compute(window)
    before = text(window, "Time", "krippendorff_alpha")
    release, threads = _hold(monkeypatch, "agreement_report")
    window.agreement.low.setValue(0.1)
    window.agreement.compute()
    qtbot.waitUntil(lambda: bool(threads), timeout=TIMEOUT)
    qtbot.mouseClick(window.agreement.cancel_button, Qt.MouseButton.LeftButton)
    assert not window.agreement.running and window.agreement.compute_button.isEnabled()
    assert "Cancelled" in window.agreement.status.text()
    release.set()
    window.session.wait()  # the writer finishes; its result is dropped
    qtbot.wait(50)
    assert text(window, "Time", "krippendorff_alpha") == before
    assert text(window, "Time", "flag") == "Low (α < 0.667)"
    # Esc cancels a computation under way, and closes the window otherwise
    release.clear()
    window.agreement.compute()
    qtbot.waitUntil(lambda: len(threads) == 2, timeout=TIMEOUT)
    window.escape()
    assert not window.agreement.running and window.isVisible()
    release.set()
    window.session.wait()
    window.escape()
    assert not window.isVisible()


# -- convergence -------------------------------------------------------------------------------

def test_convergence_table_and_chart_after_two_rounds(window, team):  # noqa: F811
    view = window.convergence
    assert view.is_empty and "No agreement report is stored yet" in view.empty.text()
    create_round(team, "Round 2", [team.ana, team.ben],
                 questions=[find_question(team, "feedback")])
    window.filters.refresh()
    choose(window.filters.round, "Round 1 (open, blind)")
    compute(window)
    assert not view.is_empty and view.model.rowCount() == 1
    choose(window.filters.round, "Round 2 (open, blind)")
    compute(window)
    model = view.model
    assert model.rowCount() == 2
    cells = [[model.index(r, c).data() for c in (0, 2, 3, 4)] for r in range(2)]
    assert cells == [["Round 1", "5", "0.744", f"{0.2 / 3:.3f}"],
                     ["Round 2", "3", f"{ROUND2_POOLED:.3f}", f"{1 / 3:.3f}"]]
    time_column = model.HEADERS.index("α Time")
    assert [model.index(r, time_column).data() for r in range(2)] == ["0.200", "1.000"]

    view.set_code("Time")
    lines = [ln for ln in view.axes.get_lines() if ln.get_gid() == "series"]
    assert [ln.get_label() for ln in lines] == ["Pooled α", "Mean α over codes", "α Time"]
    assert all(len(ln.get_xdata()) == 2 for ln in lines)
    assert list(lines[0].get_ydata()) == pytest.approx([ROUND1_POOLED, ROUND2_POOLED])
    assert list(lines[2].get_ydata()) == pytest.approx([0.2, 1.0])
    assert [t.get_text() for t in view.axes.get_xticklabels()] == ["Round 1", "Round 2"]
    limits = sorted(ln.get_ydata()[0] for ln in view.axes.get_lines()
                    if ln.get_gid() == "threshold")
    assert limits == pytest.approx([0.667, 0.80])
    window.agreement.high.setValue(0.9)  # the threshold lines follow the Agreement tab
    limits = sorted(ln.get_ydata()[0] for ln in view.axes.get_lines()
                    if ln.get_gid() == "threshold")
    assert limits == pytest.approx([0.667, 0.9])
    # a report that is not of the whole round is stored but not a convergence row
    choose(window.agreement.code, team.code["Time"])
    compute(window)
    assert model.rowCount() == 2 and len(core.stored_reports(team)) == 3


# -- disagreements -----------------------------------------------------------------------------

def disagreement_rows(window):
    view = window.disagreements
    return [tuple(view.model.index(r, c).data() for c in (0, 2, 3, 4, 5))
            for r in range(view.model.rowCount())]


def test_disagreements_filters_counts_and_the_jump_to_a_response(
        qtbot, session, team):  # noqa: F811
    host = QWidget()
    qtbot.addWidget(host)
    workspace = CodingWorkspace(session, host)
    controls = TeamControls(host, session, workspace, RoundsPanel(session, host))
    window = controls.show_agreement()
    assert controls.show_agreement() is window  # one window per project
    view = window.disagreements
    window.tabs.setCurrentWidget(view)
    assert view.wait(TIMEOUT)
    # file order, and the codebook tree's order within a response
    assert disagreement_rows(window) == [
        ("R1", "Support", "Ana (whole response)", "Ben, Cleo", "open"),
        ("R1", "Peer support", "Ben (whole response)", "Ana, Cleo", "open"),
        ("R2", "Time", "Cleo (characters 0–7)", "Ana, Ben", "open"),
        ("R4", "Time", "Ana (whole response)", "Cleo", "open")]
    counts = [(view.counts.index(r, 0).data(), view.counts.index(r, 1).data())
              for r in range(view.counts.rowCount())]
    assert counts == [("Time", "2"), ("Support", "1"), ("Peer support", "1"), ("Privacy", "0"),
                      ("Culture", "0")]
    assert "4 disagreements over 5 responses" in view.summary.text()

    choose(view.code, team.code["Time"])
    assert view.wait(TIMEOUT)
    assert [r[0] for r in disagreement_rows(window)] == ["R2", "R4"]
    choose(view.code, None)
    choose(view.pair, "Ana / Ben")
    assert view.wait(TIMEOUT)
    assert sorted(r[1] for r in disagreement_rows(window)) == ["Peer support", "Support"]
    choose(view.pair, None)
    window.filters.set_attribute("dept", "OBGYN")
    assert view.wait(TIMEOUT)
    assert disagreement_rows(window) == [("R4", "Time", "Ana (whole response)", "Cleo",
                                          "open")]
    window.filters.set_attribute(None)
    choose(view.status, "resolved")
    assert view.wait(TIMEOUT)
    assert disagreement_rows(window) == [] and view.counts.index(0, 1).data() == "0"
    choose(view.status, None)
    assert view.wait(TIMEOUT)

    # the jump: the workspace lists only the suggestions, so R2 fb is not in its list yet
    workspace.set_question(find_question(team, "suggestions"))
    assert workspace.model.row_of(team.r["R2"]) < 0
    row = next(n for n, r in enumerate(disagreement_rows(window)) if r[0] == "R2")
    index = view.model.index(row, 0)
    view.table.setCurrentIndex(index)
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert workspace.current_response_id() == team.r["R2"]
    assert workspace.viewer.response_id == team.r["R2"]
    row4 = next(n for n, r in enumerate(disagreement_rows(window)) if r[0] == "R4")
    rect = view.table.visualRect(view.model.index(row4, 0))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert workspace.current_response_id() == team.r["R4"]
    workspace.model.detach()


# -- where agreement is hidden -----------------------------------------------------------------

def test_a_blind_coder_sees_why_agreement_is_hidden(qtbot, window, session, team):  # noqa: F811
    lead = add_coder(team, "Lead").new_id
    assert not window.hidden and window.agreement.isEnabled()
    session.set_coder(team.ben)  # Ben codes in the open blind round
    assert window.hidden
    page = window.stack.currentWidget()
    assert page.isVisible() and not window.tabs.isVisible()
    assert "only the lead's project shows it" in window.hidden_label.text()
    assert "blind round" in window.hidden_label.text()
    assert "once the blind round is closed" in window.hidden_label.text()
    assert not window.filters.isVisible()
    window.agreement.compute()  # nothing runs while hidden
    assert not window.agreement.running
    session.set_coder(lead)  # not in the round: sees everything again
    assert not window.hidden and window.tabs.isVisible()
    compute(window)
    assert text(window, "Time", "krippendorff_alpha") == "0.200"


def test_a_coder_package_shows_the_empty_state(qtbot, team, tmp_path):  # noqa: F811
    path = export_package(team, team.ben, tmp_path / "ben").path
    from post_coder.project import Project

    session = Session(Project.open(path), coder_id=team.ben)
    window = AgreementWindow(session)
    qtbot.addWidget(window)
    window.show()
    assert window.hidden
    assert "Ben's coder package" in window.hidden_label.text()
    assert "Open the lead's project" in window.hidden_label.text()
    assert window.disagreements.model.rowCount() == 0


def test_the_main_windows_team_menu_opens_it_and_closing_the_project_closes_it(
        qtbot, team, tmp_path, monkeypatch):  # noqa: F811
    from PySide6.QtCore import QSettings
    from shiboken6 import isValid

    from post_coder.ui import settings as app_settings
    from post_coder.ui.main_window import MainWindow

    monkeypatch.setenv("POST_CODER_SETTINGS", str(tmp_path / "settings.ini"))
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    app_settings.set_coder_identity(settings, "Lead", "LD")
    path = team.path
    team.close()
    main = MainWindow(settings)
    qtbot.addWidget(main)
    main.show()
    assert main.open_project(path)
    action = next(a for a in main.team_menu.actions() if a.objectName() == "actionAgreement")
    action.trigger()
    agreement = main.team.agreement
    assert agreement is not None and agreement.isVisible() and not agreement.hidden
    assert agreement.isWindow() and not agreement.isModal()
    compute(agreement)
    assert text(agreement, "Time", "krippendorff_alpha") == "0.200"
    # the jump reaches the main window's own workspace
    agreement.response_requested.emit(team.r["R4"])
    assert main.workspace.current_response_id() == team.r["R4"]
    main.close_project()
    qtbot.waitUntil(lambda: not isValid(agreement), timeout=TIMEOUT)


def test_render_the_window(qtbot, window, session, team, tmp_path):  # noqa: F811
    import os
    from pathlib import Path

    create_round(team, "Round 2", [team.ana, team.ben],
                 questions=[find_question(team, "feedback")])
    window.filters.refresh()
    choose(window.filters.round, "Round 2 (open, blind)")
    compute(window)
    choose(window.filters.round, "Round 1 (open, blind)")
    compute(window)
    window.convergence.set_code("Time")
    target = Path(os.environ.get("POST_CODER_SHOTS", tmp_path))
    window.resize(1180, 520)
    assert window.grab().save(str(target / "agreement-window.png"))
    window.tabs.setCurrentWidget(window.convergence)
    assert window.grab().save(str(target / "agreement-convergence.png"))
    window.tabs.setCurrentWidget(window.disagreements)
    assert window.disagreements.wait(TIMEOUT)
    assert window.grab().save(str(target / "agreement-disagreements.png"))
    session.set_coder(team.ben)
    assert window.grab().save(str(target / "agreement-hidden.png"))
    assert (target / "agreement-window.png").stat().st_size > 10_000
