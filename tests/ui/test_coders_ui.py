"""Team ▸ Coders… (add a colleague, edit a coder) and a coder package opened under another
name: the warning, the switch, and Export My Work that says what was left out."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from post_coder.coding import codebook
from post_coder.coding.coders import add_coder, ensure_coder, list_coders
from post_coder.coding.codings import list_codings
from post_coder.project import Project
from post_coder.store import audit
from post_coder.store.scope import ReadScope
from post_coder.team.package import export_package
from post_coder.ui import settings as app_settings
from post_coder.ui.dialogs.coders_dialog import COLOR, INITIALS, NAME, CodersDialog
from post_coder.ui.rounds_panel import RoundsPanel
from post_coder.ui.session import Session
from post_coder.ui.team import TeamControls
from post_coder.ui.workspace import CodingWorkspace

EVERYONE = ReadScope.everyone()

pytestmark = pytest.mark.qt
TIMEOUT = 20_000


def by_name(project: Project) -> dict[str, str]:
    return {c.name: c.id for c in list_coders(project)}


def make_settings(tmp_path: Path, name: str, initials: str) -> QSettings:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    app_settings.set_coder_identity(settings, name, initials)
    return settings


def team_window(qtbot, session: Session, settings: QSettings | None = None
                ) -> tuple[QWidget, CodingWorkspace, TeamControls]:
    window = QWidget()
    qtbot.addWidget(window)
    workspace = CodingWorkspace(session, window)
    rounds = RoundsPanel(session, window)
    return window, workspace, TeamControls(window, session, workspace, rounds, settings)


def visible_boxes(name: str) -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.objectName() == name and w.isVisible()]


def table_rows(dialog: CodersDialog) -> list[tuple[str, str, str]]:
    t = dialog.table
    return [(t.item(r, NAME).text(), t.item(r, INITIALS).text(), t.item(r, COLOR).text())
            for r in range(t.rowCount())]


def test_adding_a_colleague_does_not_change_who_is_coding(qtbot, session, tmp_path):
    project = session.writer
    maya = by_name(project)["Maya Chen"]
    session.set_coder(maya)
    settings = make_settings(tmp_path, "Maya Chen", "MC")
    window, workspace, team = team_window(qtbot, session, settings)
    dialog = team.show_coders()
    assert isinstance(dialog, CodersDialog) and dialog.isVisible()
    assert "you code as “Maya Chen”" in dialog.intro.text()
    assert sorted(n for n, _, _ in table_rows(dialog)) == ["Luis Ortega", "Maya Chen  (you)"]

    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    editor = dialog.editor
    assert editor.isVisible() and editor.windowTitle() == "Add a colleague"
    assert not editor.ok_button.isEnabled()
    qtbot.keyClicks(editor.name_edit, "Ana Lead")
    assert editor.initials_edit.text() == "AL"  # suggested from the name
    editor.set_color("#2ca02c")
    qtbot.mouseClick(editor.ok_button, Qt.MouseButton.LeftButton)
    assert not editor.isVisible()

    ana = by_name(project)["Ana Lead"]
    added = next(c for c in list_coders(project) if c.id == ana)
    assert (added.initials, added.color) == ("AL", "#2ca02c")
    assert ("Ana Lead", "AL", "#2ca02c") in table_rows(dialog)
    assert dialog.current_coder_id() == ana
    assert session.coder_id == maya and project.actor == maya  # still Maya
    assert app_settings.coder_identity(settings) == ("Maya Chen", "MC")
    [entry] = [e for e in audit.entries(project.db, entity="coder", entity_id=ana)]
    assert entry.action == "create" and entry.actor == maya
    assert project.undo_label() == "Add coder"

    # the same name again is refused in plain words; the editor stays open, nothing added
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    again = dialog.editor
    qtbot.keyClicks(again.name_edit, "luis ortega")
    qtbot.mouseClick(again.ok_button, Qt.MouseButton.LeftButton)
    assert again.isVisible()
    errors = again.findChildren(QMessageBox, "errorBox")
    assert errors and errors[-1].text() == 'There is already a coder called "Luis Ortega".'
    assert len(list_coders(project)) == 3
    again.reject()
    dialog.reject()
    workspace.model.detach()


def test_editing_a_colleague_and_yourself(qtbot, session, tmp_path):
    project = session.writer
    coders = by_name(project)
    maya, luis = coders["Maya Chen"], coders["Luis Ortega"]
    session.set_coder(maya)
    settings = make_settings(tmp_path, "Maya Chen", "MC")
    window, workspace, team = team_window(qtbot, session, settings)
    dialog = team.show_coders()

    dialog.table.setCurrentCell(dialog.row_of(luis), NAME)
    editor = dialog.edit_selected()
    assert editor.windowTitle() == "Edit “Luis Ortega”" and editor.rationale_edit.isVisible()
    editor.name_edit.clear()
    editor.name_edit.insert("Luis Ortega Díaz")  # (QTest cannot type "í")
    assert editor.initials_edit.text() == "LO"  # an existing coder's initials stay
    qtbot.keyClicks(editor.rationale_edit, "full name")
    qtbot.mouseClick(editor.ok_button, Qt.MouseButton.LeftButton)
    assert by_name(project)["Luis Ortega Díaz"] == luis
    assert project.undo_label() == "Rename coder"
    [entry] = [e for e in audit.entries(project.db, entity="coder", entity_id=luis)
               if e.action == "rename"]
    assert entry.actor == maya and entry.rationale == "full name"
    assert session.coder_id == maya

    # renaming yourself: the saved name follows, so the next start finds you again
    dialog.table.setCurrentCell(dialog.row_of(maya), NAME)
    editor = dialog.edit_selected()
    editor.initials_edit.clear()
    qtbot.keyClicks(editor.initials_edit, "MCR")
    editor.name_edit.clear()
    qtbot.keyClicks(editor.name_edit, "Maya Chen-Ruiz")
    qtbot.mouseClick(editor.ok_button, Qt.MouseButton.LeftButton)
    assert app_settings.coder_identity(settings) == ("Maya Chen-Ruiz", "MCR")
    assert "Maya Chen-Ruiz  (you)" in [n for n, _, _ in table_rows(dialog)]
    assert ensure_coder(project, "Maya Chen-Ruiz") == maya  # what the next start does
    session.undo()
    session.wait()
    assert app_settings.coder_identity(settings) == ("Maya Chen", "MC")
    assert "Maya Chen  (you)" in [n for n, _, _ in table_rows(dialog)]
    dialog.reject()
    workspace.model.detach()


@pytest.fixture
def ana_package(session, tmp_path) -> Path:
    """A colleague added by the lead, and her package (she has coded nothing yet)."""
    project = session.writer
    project.actor = by_name(project)["Maya Chen"]
    ana = add_coder(project, "Ana Lead").new_id
    return export_package(project, ana, tmp_path / "ana.postcoder").path


def test_a_package_opened_under_another_name_offers_to_switch(qtbot, ana_package, tmp_path):
    settings = make_settings(tmp_path, "Ana L.", "AL")
    with Project.open(ana_package) as package:
        short = ensure_coder(package, "Ana L.")  # what opening the app does with the name
        session = Session(package, coder_id=short)
        window, workspace, team = team_window(qtbot, session, settings)
        [box] = visible_boxes("packageCoderBox")
        assert box.windowTitle() == "This package is Ana Lead's"
        assert box.text().startswith("This coder package was made for Ana Lead, but you are "
                                     "coding as “Ana L.”. Export My Work takes only Ana "
                                     "Lead's codings")
        assert box.text().endswith("Code as Ana Lead?")
        switch = box.findChild(QWidget, "switchCoderButton")
        with qtbot.waitSignal(team.coder_changed, timeout=TIMEOUT):
            qtbot.mouseClick(switch, Qt.MouseButton.LeftButton)
        ana = by_name(package)["Ana Lead"]
        assert session.coder_id == ana and package.actor == ana
        assert app_settings.coder_identity(settings) == ("Ana Lead", "AL")
        assert not visible_boxes("packageCoderBox")
        # in a package the list is for reading: coders are added and renamed by the lead
        coders = team.show_coders()
        assert "This file is a coder package" in coders.intro.text()
        assert "You code as “Ana Lead”" in coders.intro.text()
        assert not coders.add_button.isEnabled() and not coders.edit_button.isEnabled()
        assert coders.add() is None and coders.edit_selected() is None
        coders.reject()
        workspace.model.detach()

        # the package's own coder: no warning
        window, workspace, team = team_window(qtbot, Session(package, coder_id=ana), settings)
        assert team.box is None and not visible_boxes("packageCoderBox")
        workspace.model.detach()


def test_export_my_work_says_plainly_when_the_work_is_under_another_name(qtbot, ana_package,
                                                                         tmp_path):
    settings = make_settings(tmp_path, "Ana L.", "AL")
    with Project.open(ana_package) as package:
        short = ensure_coder(package, "Ana L.")
        session = Session(package, coder_id=short)
        window, workspace, team = team_window(qtbot, session, settings)
        keep = team.box.findChild(QWidget, "keepCoderButton")
        assert keep.text() == "Keep “Ana L.”"
        qtbot.mouseClick(keep, Qt.MouseButton.LeftButton)
        assert session.coder_id == short  # she chose to stay "Ana L."
        stigma = codebook.find_code(package, "Stigma").id
        for row in (0, 1):
            workspace.select_response(workspace.model.response_id(row))
            workspace.apply_code(stigma)
        assert len(list_codings(package, EVERYONE, coders=[short])) == 2

        task = team.export_work(tmp_path / "ana.postcoder-work")
        qtbot.waitUntil(lambda: not task.running, timeout=TIMEOUT)
        summary = team.work_summary
        assert (summary.coder, summary.codings, summary.left_out) == ("Ana Lead", 0,
                                                                      (("Ana L.", 2),))
        assert not visible_boxes("workExportedBox")
        [box] = visible_boxes("workLeftOutBox")
        assert box.windowTitle() == "No codings exported"
        assert box.icon() == QMessageBox.Icon.Warning
        assert "Ana Lead's 0 codings" in box.text()
        assert "2 codings made in this package since it was made are recorded under " \
               "“Ana L.”, not under Ana Lead" in box.text()
        workspace.model.detach()
        # opened again as "Ana L.": the warning now counts what was done under that name
        window, workspace, team = team_window(qtbot, Session(package, coder_id=short),
                                              settings)
        assert "2 codings have already been made here under another name." in team.box.text()
        team.box.close()
        workspace.model.detach()
        qtbot.wait(500)  # the rounds panels' refresh after coding, while the file is open


def test_in_the_main_window(qtbot, tmp_path, monkeypatch, demo_template):
    """Team ▸ Coders… from the menu; a package opened under a saved short name warns, and
    switching shows in the status bar and is remembered."""
    import shutil

    from post_coder.ui.main_window import MainWindow

    monkeypatch.setenv("POST_CODER_SETTINGS", str(tmp_path / "settings.ini"))
    monkeypatch.setenv("POST_CODER_HOME", str(tmp_path / "home"))
    settings = make_settings(tmp_path, "Maya Chen", "MC")
    study = tmp_path / "study.postcoder"
    shutil.copyfile(demo_template, study)
    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.show()
    assert window.open_project(study)
    action = next(a for a in window.team_menu.actions() if a.objectName() == "actionCoders")
    assert action.isEnabled()
    action.trigger()
    dialog = window.team.coders_dialog
    assert dialog.isVisible() and dialog.parent() is window and dialog.add_button.isEnabled()
    dialog.reject()
    project = window.session.writer
    ana = add_coder(project, "Ana Lead").new_id
    package = export_package(project, ana, tmp_path / "ana.postcoder").path
    window.close_project()

    app_settings.set_coder_identity(settings, "Ana L.", "AL")
    assert window.open_project(package)
    [box] = visible_boxes("packageCoderBox")
    assert window.status.text().endswith("coding as Ana L.")
    qtbot.mouseClick(box.findChild(QWidget, "switchCoderButton"), Qt.MouseButton.LeftButton)
    assert window.session.coder_id == ana
    assert window.status.text().endswith("coding as Ana Lead")
    assert app_settings.coder_identity(settings) == ("Ana Lead", "AL")
    window.close_project()
    assert window.open_project(package)  # the next time: no warning
    assert not visible_boxes("packageCoderBox") and window.session.coder_id == ana
    window.close_project()


def test_a_colleague_added_from_the_new_round_dialog_takes_part(qtbot, session):
    from post_coder.team.rounds import find_round, list_rounds

    project = session.writer
    maya = by_name(project)["Maya Chen"]
    session.set_coder(maya)
    panel = RoundsPanel(session)
    qtbot.addWidget(panel)
    dialog = panel.new_round()
    dialog.name_edit.setText("With Ana")
    editor = dialog.add_colleague()
    qtbot.keyClicks(editor.name_edit, "Ana Lead")
    qtbot.mouseClick(editor.ok_button, Qt.MouseButton.LeftButton)
    ana = by_name(project)["Ana Lead"]
    items = [dialog.coders_list.item(i) for i in range(dialog.coders_list.count())]
    assert [(i.text(), i.checkState()) for i in items][-1] == ("Ana Lead",
                                                              Qt.CheckState.Checked)
    assert session.coder_id == maya and project.actor == maya
    qtbot.waitUntil(lambda: dialog.ok_button.isEnabled())
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    info = next(r for r in list_rounds(project) if r.id == find_round(project, "With Ana").id)
    assert {name for _, name in info.coders} == {"Maya Chen", "Luis Ortega", "Ana Lead"}
    assert info.round.created_by == maya
    assert ana in [c for c, _ in info.coders]
