"""Teamwork screens, driven for real: rounds, coder packages, work files, merges, blinding.

Each test opens a fresh copy of the demo (75 respondents, 78 responses, 16 codes, coders
Maya Chen and Luis Ortega), builds the real widgets on a real ``Session`` coding as Maya
(the lead), clicks and types, waits for the background tasks, and checks both the widgets
and the project files.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from post_coder.coding import codebook
from post_coder.coding.coders import add_coder, list_coders
from post_coder.coding.codings import codings_for_response, list_codings
from post_coder.project import Project
from post_coder.queries import response_rows
from post_coder.store import audit
from post_coder.store.scope import ReadScope
from post_coder.team.package import export_package, export_work, package_info
from post_coder.team.rounds import (Sample, close_round, create_round, find_round,
                                      list_rounds, round_response_ids)
from post_coder.team.workfile import MAGIC
from post_coder.ui.dialogs.import_work_dialog import DECISION, WHAT, ImportWorkDialog
from post_coder.ui.dialogs.package_dialog import PackageDialog
from post_coder.ui.dialogs.round_dialog import STRATIFIED, RoundDialog
from post_coder.ui.models.response_table import CODES
from post_coder.ui.models.rounds_model import BLIND, NAME, PROGRESS, RESPONSES, STATUS
from post_coder.ui.rounds_panel import EMPTY_TEXT, RoundsPanel
from post_coder.ui.session import Session
from post_coder.ui.team import TeamControls
from post_coder.ui.workspace import CodingWorkspace

EVERYONE = ReadScope.everyone()

pytestmark = pytest.mark.qt
TIMEOUT = 20_000


# -- helpers -------------------------------------------------------------------------------

def coders(project: Project) -> tuple[str, str]:
    by_name = {c.name: c.id for c in list_coders(project)}
    return by_name["Maya Chen"], by_name["Luis Ortega"]


@pytest.fixture(autouse=True)
def as_maya(session: Session) -> Session:
    """The lead codes as Maya (the fixture's "first coder" is whoever sorts first)."""
    session.set_coder(coders(session.project)[0])
    return session


@pytest.fixture
def panel(qtbot, session: Session) -> RoundsPanel:
    widget = RoundsPanel(session)
    qtbot.addWidget(widget)
    widget.resize(900, 400)
    widget.show()
    return widget


def team_window(qtbot, session: Session) -> tuple[QWidget, CodingWorkspace, TeamControls]:
    """A workspace, a rounds panel and the Team controls, as the main window wires them."""
    window = QWidget()
    qtbot.addWidget(window)
    workspace = CodingWorkspace(session, window)
    rounds = RoundsPanel(session, window)
    return window, workspace, TeamControls(window, session, workspace, rounds)


def make_package(project: Project, target: Path) -> Path:
    """The lead's package for Luis (core call: the package dialog has its own test)."""
    project.actor = coders(project)[0]
    return export_package(project, coders(project)[1], target).path


def wait_done(qtbot, task) -> None:
    qtbot.waitUntil(lambda: not task.running, timeout=TIMEOUT)


def wait_plan(qtbot, dialog: ImportWorkDialog) -> None:
    qtbot.waitUntil(lambda: dialog.plan is not None or dialog.error_label.isVisible(),
                    timeout=TIMEOUT)


def message_boxes(name: str) -> list[QMessageBox]:
    from PySide6.QtWidgets import QApplication

    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.objectName() == name and w.isVisible()]


# -- rounds ----------------------------------------------------------------------------------

def test_new_round_dialog_creates_a_stratified_blind_round(qtbot, qtmodeltester, panel,
                                                           session):
    assert panel.stack.currentWidget() is panel.empty_label
    assert panel.empty_label.text() == EMPTY_TEXT
    dialog = panel.new_round()
    assert isinstance(dialog, RoundDialog) and dialog.isVisible()
    dialog.name_edit.setText("Pilot")
    dialog.set_mode(STRATIFIED)
    dialog.stratify_combo.setCurrentIndex(dialog.stratify_combo.findData("Department"))
    dialog.percent_spin.setValue(20)
    dialog.seed_spin.setValue(42)
    assert dialog.blind_check.isChecked()
    qtbot.waitUntil(lambda: "per Department:" in dialog.preview_label.text())
    expected = dialog.preview.responses
    assert 0 < expected < 78
    assert dialog.preview_label.text().startswith(f"{expected} responses")
    assert len(dialog.preview.per_stratum) == 5  # one entry per department
    assert dialog.ok_button.isEnabled()

    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted
    r = find_round(session.project, "Pilot")
    assert r.blind and r.status == "open"
    assert r.sample["stratify_by"] == "Department" and r.sample["seed"] == 42
    assert r.sample["fraction"] == pytest.approx(0.2)
    assert len(round_response_ids(session.project, r.id)) == expected
    assert dialog.created_round_id == r.id

    qtmodeltester.check(panel.model)
    assert panel.stack.currentWidget() is panel.table
    info = list_rounds(session.project)[0]
    model = panel.model
    assert [model.index(0, c).data() for c in (NAME, STATUS, BLIND, RESPONSES)] == \
        ["Pilot", "open", "yes", str(expected)]
    assert model.index(0, PROGRESS).data() == ", ".join(
        f"{name.split()[0]} {info.coded[cid]}/{expected}" for cid, name in info.coders)
    assert {n for _, n in info.coders} == {"Maya Chen", "Luis Ortega"}
    assert panel.current_round_id() == r.id and panel.close_button.isEnabled()


def test_the_same_seed_gives_the_same_preview_and_ok_needs_a_coder(qtbot, panel):
    dialog = panel.new_round()
    dialog.set_mode(1)  # random share
    dialog.seed_spin.setValue(7)
    dialog.update_preview()
    first = dialog.preview
    dialog.seed_spin.setValue(8)
    dialog.seed_spin.setValue(7)
    dialog.update_preview()
    assert dialog.preview == first
    dialog.set_coders([])
    dialog.update_preview()
    assert not dialog.ok_button.isEnabled()
    assert "Tick at least one coder" in dialog.preview_label.text()
    dialog.reject()


def test_close_round_asks_for_confirmation_and_a_reason(qtbot, panel, session):
    maya, luis = coders(session.project)
    session.run(None, create_round, "Round 1", [maya, luis],
                sample=Sample(fraction=0.1, seed=3))
    assert panel.model.rowCount() == 1 and panel.close_button.isEnabled()
    qtbot.mouseClick(panel.close_button, Qt.MouseButton.LeftButton)
    confirm = panel.dialog
    assert confirm.objectName() == "closeRoundDialog" and confirm.isVisible()
    assert any("Blinding ends" in label.text() for label in confirm.findChildren(QLabel))
    confirm.rationale_edit.setText("everyone has coded their share")
    confirm.accept()
    r = find_round(session.project, "Round 1")
    assert r.status == "closed"
    entry = [e for e in audit.entries(session.project.db, entity="round")
             if e.action == "close"][-1]
    assert entry.rationale == "everyone has coded their share"
    assert panel.model.index(0, STATUS).data() == "closed"
    assert not panel.close_button.isEnabled()
    # one undo step, and undoing it opens the round again
    assert session.undo_label() == "Close round"
    session.undo()
    session.wait()
    assert find_round(session.project, "Round 1").status == "open"
    assert panel.model.index(0, STATUS).data() == "open" and panel.close_button.isEnabled()
    assert session.undo_label() == "Create round"


# -- coder packages and work files ------------------------------------------------------------

def test_export_coder_package_for_luis(qtbot, panel, session, tmp_path):
    maya, luis = coders(session.project)
    session.run(None, create_round, "Blind", [maya, luis], sample=Sample(fraction=0.5, seed=1))
    dialog = panel.export_package(coder_id=luis)
    assert isinstance(dialog, PackageDialog)
    assert dialog.round_combo.currentText() == "Blind"
    target = tmp_path / "for luis.postcoder"
    dialog.set_target(target)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=TIMEOUT)
    assert target.exists()
    with Project.open(target) as package:
        info = package_info(package)
        assert info is not None and info.coder_name == "Luis Ortega" and info.coder_id == luis
        hidden = set(round_response_ids(package, find_round(package, "Blind").id))
        assert not [c for c in list_codings(package, EVERYONE, coders=[maya])
                    if c.response_id in hidden]
    assert dialog.summary.withheld > 0
    assert message_boxes("packageDoneBox")


def test_work_from_a_package_is_imported_through_the_dialog(qtbot, session, tmp_path):
    maya, luis = coders(session.project)
    session.run(None, create_round, "Round 1", [maya, luis],
                sample=Sample(fraction=0.2, stratify_by="Department", seed=42))
    session.run(None, close_round, find_round(session.project, "Round 1").id)
    package_path = make_package(session.project, tmp_path / "luis.postcoder")

    # on Luis's laptop: the package, coded in the real workspace, then Team ▸ Export My Work
    with Project.open(package_path) as package:
        luis_session = Session(package, coder_id=luis)
        window, workspace, team = team_window(qtbot, luis_session)
        assert not team.rounds.new_button.isEnabled() and team.rounds.note.isVisibleTo(team.rounds)
        response = workspace.model.response_id(5)
        code = codebook.find_code(package, "Stigma").id
        already = {c.code_id for c in codings_for_response(package, EVERYONE, response)
                   if c.coder_id == luis}
        assert code not in already
        workspace.select_response(response)
        workspace.apply_code(code)
        work = tmp_path / "luis-week1.postcoder-work"
        wait_done(qtbot, team.export_work(work))
        assert work.exists() and team.work_summary.coder == "Luis Ortega"
        workspace.model.detach()

    # back at the lead's: Team ▸ Import Coder Work…
    dialog = ImportWorkDialog(session, work)
    qtbot.addWidget(dialog)
    dialog.show()
    wait_plan(qtbot, dialog)
    assert dialog.plan.new_codings == 1 and not dialog.plan.conflicts
    summary = dialog.summary_label.text()
    assert "Codings: 1 new, 0 changed, 0 removed" in summary and "Conflicts: 0" in summary
    assert not dialog.conflicts_table.isVisible() and dialog.ok_button.isEnabled()
    with qtbot.waitSignal(session.project_did_change, timeout=TIMEOUT) as signal:
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert signal.args[0].codings
    assert dialog.result is not None and dialog.result.merged
    assert any(c.code_id == code and c.coder_id == luis
               for c in codings_for_response(session.project, EVERYONE, response))
    assert session.undo_label() is None
    assert message_boxes("importDoneBox")


def test_a_conflicting_rename_needs_a_choice_then_is_audited(qtbot, session, tmp_path):
    package_path = make_package(session.project, tmp_path / "luis.postcoder")
    stigma = codebook.find_code(session.project, "Stigma").id
    with Project.open(package_path) as package:
        package.actor = coders(package)[1]
        codebook.rename_code(package, stigma, "Self-stigma")
        work = export_work(package, tmp_path / "luis.postcoder-work").path
    session.run(None, codebook.rename_code, stigma, "Stigma and shame")

    dialog = ImportWorkDialog(session, work)
    qtbot.addWidget(dialog)
    dialog.show()
    wait_plan(qtbot, dialog)
    table = dialog.conflicts_table
    assert table.isVisible() and table.rowCount() == 1
    what = table.item(0, WHAT).text()
    for name in ("“Stigma”", "“Self-stigma”", "“Stigma and shame”"):
        assert name in what
    assert "Conflicts: 1" in dialog.summary_label.text()
    assert not dialog.ok_button.isEnabled()
    combo = table.cellWidget(0, DECISION)
    assert [combo.itemData(i) for i in range(combo.count())] == \
        [None, "keep-mine", "keep-theirs", "keep-both", "rename:"]

    dialog.choose(0, "rename:")
    assert dialog.name_edit(0).isEnabled() and not dialog.ok_button.isEnabled()
    dialog.choose(0, "keep-both")
    assert not dialog.name_edit(0).isEnabled() and not dialog.ok_button.isEnabled()
    qtbot.waitUntil(lambda: not dialog.previewing() and dialog.plan is not None,
                    timeout=TIMEOUT)  # Import waits for the preview of the decision
    assert dialog.ok_button.isEnabled()
    dialog.rationale_edit.setText("both readings are useful for now")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=TIMEOUT)

    names = {c.name for c in codebook.list_codes(session.project)}
    assert "Stigma and shame" in names and any(n.startswith("Self-stigma") for n in names)
    decisions = [e for e in audit.entries(session.project.db, entity="code", entity_id=stigma)
                 if e.action == "resolve-conflict"]
    assert len(decisions) == 1
    assert decisions[0].after["decision"] == "keep-both"
    assert decisions[0].rationale == "both readings are useful for now"


def _other_project_work(tmp_path: Path) -> Path:
    with Project.create(tmp_path / "other.postcoder", name="Another study") as other:
        coder = add_coder(other, "Someone Else").new_id
        return export_work(other, tmp_path / "other.postcoder-work", coder_id=coder).path


def _newer_version(work: Path) -> Path:
    data = work.read_bytes()
    end = data.find(b"\n", len(MAGIC))
    header = json.loads(data[len(MAGIC):end])
    header["version"] = 99
    newer = work.with_name("newer.postcoder-work")
    newer.write_bytes(MAGIC + json.dumps(header).encode() + data[end:])
    return newer


@pytest.mark.parametrize("case, words", [
    ("other project", "belongs to another project"),
    ("damaged", "damaged"),
    ("newer version", "newer version of POST Coder"),
])
def test_a_file_that_cannot_be_merged_shows_the_plain_message_and_changes_nothing(
        qtbot, session, tmp_path, snapshot, case, words):
    if case == "other project":
        path = _other_project_work(tmp_path)
    elif case == "damaged":
        path = tmp_path / "damaged.postcoder-work"
        path.write_bytes(MAGIC + b"{not json\n garbage")
    else:
        with Project.open(make_package(session.project, tmp_path / "luis.postcoder")) as p:
            path = _newer_version(export_work(p, tmp_path / "luis.postcoder-work").path)
    before = snapshot(session.project)
    dialog = ImportWorkDialog(session, path)
    qtbot.addWidget(dialog)
    dialog.show()
    wait_plan(qtbot, dialog)
    assert dialog.plan is None and words in dialog.error_label.text()
    boxes = dialog.findChildren(QMessageBox, "errorBox")
    assert boxes and words in boxes[-1].text()
    assert not dialog.ok_button.isEnabled()
    dialog.accept()  # does nothing while Import is disabled
    assert dialog.result is None
    assert snapshot(session.project) == before


# -- blinding ----------------------------------------------------------------------------------

def test_in_an_open_blind_round_maya_sees_only_her_own_codings(qtbot, session):
    maya, luis = coders(session.project)
    window, workspace, team = team_window(qtbot, session)
    assert session.scope.visible_coders is None
    changes = session.run(None, create_round, "Blind", [maya, luis], blind=True)
    round_id = changes.new_id
    assert session.scope.visible_coders == (maya,)
    assert not workspace.blind_label.isHidden()

    responses = round_response_ids(session.project, round_id)
    by_luis = {c.response_id for c in list_codings(session.project, EVERYONE, coders=[luis])}
    by_maya = {c.response_id for c in list_codings(session.project, EVERYONE, coders=[maya])}
    target = next(r for r in responses if r in by_luis and r in by_maya)
    assert workspace.select_response(target)
    chips = workspace.viewer.findChildren(QWidget, "codingChip")
    maya_ids = {c.id for c in codings_for_response(session.project, EVERYONE, target)
                if c.coder_id == maya}
    shown = {chip.property("coding_id") for chip in chips if chip.isVisibleTo(workspace)}
    assert shown == maya_ids

    model = workspace.model
    for row in range(model.rowCount()):
        rid = model.response_id(row)
        if rid in responses:
            mine = response_rows(session.project, EVERYONE, [rid], coder_ids=(maya,))[0].codes
            assert model.index(row, CODES).data() == ", ".join(mine)

    workspace.filter_bar.set_coder(luis)  # "coded by Luis" shows nothing while blind
    assert model.rowCount() == 0
    workspace.filter_bar.clear()
    assert model.rowCount() == 78

    session.run(None, close_round, round_id)  # closing lifts the blinding
    assert session.scope.visible_coders is None and workspace.blind_label.isHidden()
    workspace.select_response(target)
    chips = workspace.viewer.findChildren(QWidget, "codingChip")
    shown = {chip.property("coding_id") for chip in chips if chip.isVisibleTo(workspace)}
    assert shown == {c.id for c in codings_for_response(session.project, EVERYONE, target)}
    workspace.model.detach()


def test_a_round_without_maya_does_not_blind_her(qtbot, session):
    maya, luis = coders(session.project)
    window, workspace, team = team_window(qtbot, session)
    session.run(None, create_round, "Luis only", [luis], blind=True)
    assert session.scope.visible_coders is None and workspace.blind_label.isHidden()
    session.set_coder(luis)  # the scope follows the coder
    assert session.scope.visible_coders == (luis,) and not workspace.blind_label.isHidden()
    assert workspace.model.scope == session.scope
    workspace.model.detach()


# -- the main window ---------------------------------------------------------------------------

def test_the_main_window_has_a_team_menu_and_a_rounds_dock(qtbot, tmp_path, monkeypatch,
                                                          demo_template):
    import shutil

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QDockWidget

    from post_coder.ui import settings as app_settings
    from post_coder.ui.main_window import MainWindow

    monkeypatch.setenv("POST_CODER_SETTINGS", str(tmp_path / "settings.ini"))
    monkeypatch.setenv("POST_CODER_HOME", str(tmp_path / "home"))
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    app_settings.set_coder_identity(settings, "Maya Chen", "MC")
    study = tmp_path / "study.postcoder"
    shutil.copyfile(demo_template, study)
    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.show()
    assert window.team_menu.isEmpty()
    assert window.open_project(study)
    names = [a.objectName() for a in window.team_menu.actions() if not a.isSeparator()]
    dock = window.findChild(QDockWidget, "dockRounds")
    assert dock is not None and dock.widget() is window.rounds_panel
    assert names == ["", "actionCoders", "actionExportPackage", "actionExportWork",
                     "actionImportWork", "actionMergeProject", "actionAgreement",
                     "actionReviewDiscrepancies"]
    assert window.team_menu.actions()[0] is dock.toggleViewAction()

    session = window.session
    maya, luis = coders(session.project)
    assert session.coder_id == maya
    window.rounds_panel.new_round().accept()  # the dialog's defaults: all responses, blind
    assert window.session.scope.visible_coders == (maya,)
    window.close_project()
    assert window.team_menu.isEmpty() and window.team is None


def test_blinding_reaches_codebook_counts_compare_view_and_navigator(qtbot, session):
    from post_coder.queries import code_frequencies, project_summary
    from post_coder.ui.codebook_panel import CodebookPanel
    from post_coder.ui.compare_view import CompareView
    from post_coder.ui.navigator import QuestionNavigator

    maya, luis = coders(session.project)
    window, workspace, team = team_window(qtbot, session)
    panel = CodebookPanel(session, window)
    navigator = QuestionNavigator(session, window)
    stigma = codebook.find_code(session.project, "Stigma").id
    compare = CompareView(session, stigma)
    qtbot.addWidget(compare)

    def counts():
        model = panel.model
        return {model.code_info(cid)["name"]: model.code_info(cid)["respondents"]
                for cid in model.code_ids()}

    everyone = counts()
    segments = len(list_codings(session.project, EVERYONE, codes=[stigma]))
    round_id = session.run(None, create_round, "Blind", [maya, luis], blind=True).new_id
    assert session.scope.visible_coders == (maya,)
    only_maya = {f.code.name: f.code.respondents
                 for f in code_frequencies(session.project, EVERYONE, coder_ids=(maya,))}
    assert counts() == only_maya != everyone
    assert len(compare.column_a.model.rows()) == len(
        list_codings(session.project, EVERYONE, codes=[stigma], coders=[maya])) < segments
    coded = {q["short_label"]: q["coded"]
             for q in project_summary(session.project, ReadScope(None, (maya,))).questions}
    shown = {navigator.tree.topLevelItem(1).child(i).text(0):
             int(navigator.tree.topLevelItem(1).child(i).text(2))
             for i in range(navigator.tree.topLevelItem(1).childCount())
             if not navigator.tree.topLevelItem(1).child(i).childCount()}  # not "Attributes"
    assert shown == coded
    session.run(None, close_round, round_id)
    assert session.scope.visible_coders is None and counts() == everyone
    workspace.model.detach()
