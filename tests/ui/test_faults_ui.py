"""The app with a read-only or damaged project: says so, keeps viewing, never crashes.

Faults are made as in ``tests/test_faults.py`` (``tests/fault_helpers.py``).
"""

from __future__ import annotations

import shutil
import sqlite3
import threading

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from post_coder.coding.coders import list_coders
from post_coder.coding.codings import codings_for_response
from post_coder.project import Project
from post_coder.store import db as store_db
from post_coder.store.scope import ReadScope
from post_coder.ui import settings as app_settings
from post_coder.ui.main_window import MainWindow
from tests.fault_helpers import as_other_user, damage_table, needs_posix, open_folder

EVERYONE = ReadScope.everyone()

TITLE = "POST peer-support evaluation (demo)"


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    path = tmp_path / "settings.ini"
    monkeypatch.setenv("POST_CODER_SETTINGS", str(path))
    monkeypatch.setenv("POST_CODER_HOME", str(tmp_path / "home"))
    settings = QSettings(str(path), QSettings.Format.IniFormat)
    app_settings.set_coder_identity(settings, "Maya Chen", "MC")
    w = MainWindow(settings)
    qtbot.addWidget(w)
    w.show()
    yield w
    for box in error_boxes():
        box.close()
    w.close_project()


def error_boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.objectName() == "errorBox" and w.isVisible()]


def apply_pinned_code(window: MainWindow, row: int = 0) -> tuple[str, set[str]]:
    """Code a response with a pinned code it lacks, through the workspace (as 1–9 do)."""
    ws = window.workspace
    ws._select_row(row)
    response = ws.current_response_id()
    mine = {c.code_id for c in codings_for_response(window.session.project, EVERYONE, response)
            if c.coder_id == window.session.coder_id}
    code = next(c for c in ws.pinned_codes() if c not in mine)
    ws.apply_code(code)
    return response, mine


@needs_posix
def test_read_only_project_is_viewed_and_says_so(window, demo_template):
    with open_folder() as folder:
        path = folder / "study.postcoder"
        shutil.copyfile(demo_template, path)
        path.chmod(0o444)
        folder.chmod(0o555)
        with as_other_user():
            project = Project.open(path)
        window.install(project)
        assert window.windowTitle() == f"{TITLE} (read-only) — POST Coder"
        assert window.workspace.model.rowCount() == 78  # everything is there to read
        maya = next(c.id for c in list_coders(project) if c.name == "Maya Chen")
        assert window.session.coder_id == maya  # a known coder is themself, nobody is added
        assert len(list_coders(project)) == 2
        assert not window.import_action.isEnabled()
        assert window.response_memo.editor.isReadOnly()
        assert "viewing and exporting only" in window.statusBar().currentMessage()

        response, before = apply_pinned_code(window)
        boxes = error_boxes()
        assert len(boxes) == 1
        assert boxes[0].text().startswith("Study.postcoder: the project file is read-only here")
        assert {c.code_id for c in codings_for_response(project, EVERYONE, response)
                if c.coder_id == maya} == before
        boxes[0].close()
        window.close_project()


@needs_posix
def test_read_only_project_adds_no_coder(window, demo_template):
    """Someone new opens a read-only project: they view it; nobody is added to the file."""
    app_settings.set_coder_identity(window.settings, "Ana Souza", "AS")
    with open_folder() as folder:
        path = folder / "study.postcoder"
        shutil.copyfile(demo_template, path)
        path.chmod(0o444)
        with as_other_user():
            project = Project.open(path)
        window.install(project)
        assert window.windowTitle() == f"{TITLE} (read-only) — POST Coder"
        assert window.session.coder_id is None
        assert sorted(c.name for c in list_coders(project)) == ["Luis Ortega", "Maya Chen"]
        assert error_boxes() == []
        window.close_project()


@pytest.fixture
def large_demo(demo_template, tmp_path, monkeypatch):
    """A demo copy that takes the large-file path on open (a length check only)."""
    monkeypatch.setattr(store_db, "QUICK_CHECK_LIMIT", 0)
    path = tmp_path / "study.postcoder"
    shutil.copyfile(demo_template, path)
    return path


def test_damage_in_a_large_file_is_found_in_the_background(window, large_demo, monkeypatch):
    damage_table(large_demo, "merges")  # nothing the window shows or writes touches it
    gate, check = threading.Event(), Project.find_damage

    def slow_check(project):  # the check takes a while on a large file
        gate.wait(10)
        return check(project)

    monkeypatch.setattr(Project, "find_damage", slow_check)
    assert window.open_project(large_demo)
    apply_pinned_code(window, row=1)  # before the check is done, work goes on as usual
    assert window.undo_action.text() == "&Undo Apply code"
    assert window.windowTitle() == f"{TITLE} — POST Coder"  # not known yet: the check runs…
    gate.set()
    assert window._integrity_reader.wait()  # …off the UI thread
    assert window.windowTitle() == f"{TITLE} (damaged — read-only) — POST Coder"
    boxes = error_boxes()
    assert len(boxes) == 1 and boxes[0].windowTitle() == "Damaged project file"
    assert boxes[0].text().startswith("Study.postcoder: the project file is damaged (")
    assert "Open your latest backup instead: a copy you saved with File ▸ Save a Copy" \
        in boxes[0].text()
    boxes[0].close()
    assert window.session.readonly
    assert not window.undo_action.isEnabled() and not window.import_action.isEnabled()
    response, before = apply_pinned_code(window)  # writing has stopped
    boxes = error_boxes()
    assert len(boxes) == 1 and "the project file is damaged" in boxes[0].text()
    boxes[0].close()
    project = window.session.writer
    assert {c.code_id for c in codings_for_response(project, EVERYONE, response)
            if c.coder_id == window.session.coder_id} == before
    assert project.undo_label() == "Apply code"  # the first one's; the refused one left none


def test_intact_large_file_passes_the_background_check(window, large_demo):
    assert window.open_project(large_demo)
    assert window._integrity_reader.wait()
    assert window.windowTitle() == f"{TITLE} — POST Coder"
    assert not window.session.readonly and error_boxes() == []


def test_small_file_needs_no_background_check(window, demo_template, tmp_path):
    path = tmp_path / "study.postcoder"
    shutil.copyfile(demo_template, path)
    assert window.open_project(path)  # every page was checked on open
    assert window._integrity_reader is None


def test_a_preview_reads_through_a_lock_and_an_action_meeting_it_is_a_plain_message(
        window, demo_template, tmp_path, monkeypatch):
    """Another program holds the write lock: a merge preview (a read-only snapshot) still
    reads, and an action that must write says "busy", not "something went wrong"."""
    from post_coder.coding.codebook import add_code
    from post_coder.team.merge import merge_preview

    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_MS", 200)
    path = tmp_path / "study.postcoder"
    shutil.copyfile(demo_template, path)
    assert window.open_project(path)
    window.session.project.save_copy(tmp_path / "copy.postcoder")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        plan = window.session.run(window, merge_preview, tmp_path / "copy.postcoder")
        assert plan is not None and plan.conflicts == () and error_boxes() == []
        assert window.session.run(window, add_code, "Burnout") is None
    finally:
        other.execute("ROLLBACK")
        other.close()
    boxes = error_boxes()
    assert len(boxes) == 1
    assert boxes[0].text() == ("Study.postcoder: the project is busy in another window or "
                               "program; nothing was saved. Try again in a moment.")
    assert boxes[0].detailedText() == ""
    boxes[0].close()
