"""The main window: opening, first launch, menus, undo/redo, status, screenshots."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from post_coder.coding.codebook import find_code, redefine_code, rename_code
from post_coder.coding.coders import list_coders
from post_coder.coding.codings import codings_for_response
from post_coder.project import Project
from post_coder.ui import settings as app_settings
from post_coder.ui.dialogs.coder_dialog import CoderDialog
from post_coder.ui.main_window import MainWindow
from post_coder.store.scope import ReadScope

EVERYONE = ReadScope.everyone()


@pytest.fixture
def settings(tmp_path, monkeypatch):
    path = tmp_path / "settings.ini"
    monkeypatch.setenv("POST_CODER_SETTINGS", str(path))
    monkeypatch.setenv("POST_CODER_HOME", str(tmp_path / "home"))
    return QSettings(str(path), QSettings.Format.IniFormat)


@pytest.fixture
def demo_copy(demo_template, tmp_path) -> Path:
    target = tmp_path / "study.postcoder"
    shutil.copyfile(demo_template, target)
    return target


@pytest.fixture
def window(qtbot, settings):
    app_settings.set_coder_identity(settings, "Maya Chen", "MC")
    w = MainWindow(settings)
    qtbot.addWidget(w)
    w.resize(1400, 850)
    w.show()
    yield w
    w.close_project()


def _answer_coder_dialog(name: str) -> None:
    def fill():
        dialog = next(w for w in QApplication.topLevelWidgets()
                      if isinstance(w, CoderDialog) and w.isVisible())
        dialog.name.setText(name)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    QTimer.singleShot(50, fill)


def test_start_page_then_open_project(window, demo_copy):
    assert window.centralWidget().objectName() == "startPage"
    assert not window.import_action.isEnabled()
    assert window.open_project(demo_copy)
    assert window.workspace is not None and window.workspace.model.rowCount() == 78
    assert window.windowTitle() == "POST peer-support evaluation (demo) — POST Coder"
    assert "75 respondents" in window.status.text() and "Maya Chen" in window.status.text()
    assert str(demo_copy.resolve()) in app_settings.recent_files(window.settings)
    window.close_project()
    assert window.centralWidget().objectName() == "startPage"
    recent = window.centralWidget().recent
    assert recent.count() == 1 and recent.item(0).text() == "study.postcoder"


def test_first_launch_asks_for_the_coder(qtbot, settings, demo_copy):
    w = MainWindow(settings)
    qtbot.addWidget(w)
    _answer_coder_dialog("Ana Souza")
    assert w.open_project(demo_copy)
    assert app_settings.coder_identity(settings) == ("Ana Souza", "AS")
    coders = {c.name: c for c in list_coders(w.session.project)}
    assert w.session.coder_id == coders["Ana Souza"].id
    # adding yourself to the project is not an undoable edit
    assert w.session.undo_label() is None
    w.close_project()


def test_apply_by_keyboard_then_undo_redo_from_the_edit_menu(window, demo_copy, qtbot):
    window.open_project(demo_copy)
    ws = window.workspace
    ws._select_row(0)
    response = ws.current_response_id()
    before = {c.code_id for c in codings_for_response(window.session.project, EVERYONE, response)}
    number = next(n for n, code in enumerate(ws.pinned_codes(), start=1) if code not in before)
    window.activateWindow()
    ws.table.setFocus()
    QApplication.processEvents()
    qtbot.keyClick(ws.table, getattr(Qt.Key, f"Key_{number}"))
    after = {c.code_id for c in codings_for_response(window.session.project, EVERYONE, response)}
    assert len(after - before) == 1
    assert window.undo_action.isEnabled() and window.undo_action.text() == "&Undo Apply code"
    window.undo_action.trigger()
    window.session.wait()
    assert {c.code_id for c in codings_for_response(window.session.project, EVERYONE,
                                                    response)} == before
    assert window.redo_action.text() == "&Redo Apply code"
    window.redo_action.trigger()
    window.session.wait()
    assert {c.code_id for c in codings_for_response(window.session.project, EVERYONE,
                                                    response)} == after
    assert "Redo Apply code" in window.statusBar().currentMessage()


def test_changing_the_coder_keeps_the_undo_history(window, demo_copy, qtbot):
    window.open_project(demo_copy)
    project = window.session.writer
    stigma = find_code(project, "Stigma").id
    window.session.run(window, rename_code, stigma, "Stigma and shame")
    assert window.undo_action.text() == "&Undo Rename code"
    _answer_coder_dialog("Sam Park")  # a new coder: added to the project on the way
    window.change_coder()
    sam = {c.name: c.id for c in list_coders(project)}["Sam Park"]
    assert window.session.coder_id == sam
    assert window.undo_action.isEnabled() and window.undo_action.text() == "&Undo Rename code"
    window.undo_action.trigger()
    window.session.wait()
    assert find_code(project, "Stigma").id == stigma
    assert sam in {c.id for c in list_coders(project)}  # Sam is still there


def test_undo_is_refused_when_another_program_changed_the_code(window, demo_copy, qtbot):
    window.open_project(demo_copy)
    project = window.session.writer
    stigma = find_code(project, "Stigma").id
    window.session.run(window, rename_code, stigma, "Stigma and shame")
    with Project.open(demo_copy) as other:  # e.g. the command line merging a work file
        redefine_code(other, stigma, definition="Fear of being judged")
    window.undo_action.trigger()
    window.session.wait()
    boxes = [b for b in window.findChildren(QMessageBox, "errorBox") if b.isVisible()]
    assert len(boxes) == 1
    assert boxes[0].text().startswith(
        'Undo is not possible: code "Stigma and shame" was changed by another window or '
        "program")
    code = find_code(project, "Stigma and shame")
    assert code.definition == "Fear of being judged"
    assert not window.undo_action.isEnabled() and window.undo_action.text() == "&Undo"
    boxes[0].close()


def test_codebook_double_click_applies_to_current_response(window, demo_copy, qtbot):
    window.open_project(demo_copy)
    project = window.session.writer
    ws = window.workspace
    ws._select_row(5)
    response = ws.current_response_id()
    stigma = find_code(project, "Stigma").id
    window.codebook.code_activated.emit(stigma)
    assert stigma in {c.code_id for c in codings_for_response(project, EVERYONE, response)
                      if c.coder_id == window.session.coder_id}


def test_open_bad_file_shows_plain_error(window, tmp_path, qtbot):
    bad = tmp_path / "notes.postcoder"
    bad.write_text("just some text")
    assert not window.open_project(bad)
    box = next(w for w in QApplication.topLevelWidgets()
               if isinstance(w, QMessageBox) and w.objectName() == "errorBox")
    assert "not a POST Coder project" in box.text() and "Traceback" not in box.text()
    box.close()
    assert window.centralWidget().objectName() == "startPage"


def test_save_a_copy(window, demo_copy, tmp_path, monkeypatch):
    window.open_project(demo_copy)
    target = tmp_path / "copy.postcoder"
    monkeypatch.setattr("post_coder.ui.main_window.QFileDialog.getSaveFileName",
                        lambda *a, **k: (str(target), ""))
    window.copy_action.trigger()
    with Project.open(target) as copy:
        assert copy.id == window.session.project.id


def test_open_demo_from_the_start_page(window, qtbot):
    window.centralWidget().findChild(object, "startDemo").click()
    assert window.session is not None
    assert window.session.project.name.startswith("POST peer-support")


def test_screenshot_renders_the_main_window(qtbot, settings, demo_copy, tmp_path):
    from post_coder.launcher import launch

    png = tmp_path / "window.png"
    assert launch(demo_copy, screenshot=png) == 0
    image = QImage(str(png))
    assert image.width() >= 1200 and image.height() >= 700
    # not a blank picture: many distinct colors (text, code swatches, selection)
    colors = {image.pixel(x, y) for x in range(0, image.width(), 7)
              for y in range(0, image.height(), 7)}
    assert len(colors) > 50


def test_status_counts_come_from_a_background_read_on_a_large_project(window, demo_copy,
                                                                       monkeypatch, qtbot):
    import post_coder.ui.main_window as main_window

    monkeypatch.setattr(main_window, "SMALL_PROJECT_CODINGS", 0)
    window.open_project(demo_copy)
    assert "248 codings" in window.status.text()
    reader = window._status_reader
    assert reader is not None
    ws = window.workspace
    ws._select_row(3)
    before = set(codings_for_response(window.session.project, EVERYONE, ws.current_response_id()))
    code = next(c for c in ws.pinned_codes()
                if c not in {x.code_id for x in before if x.coder_id == window.session.coder_id})
    ws.apply_code(code)
    qtbot.waitUntil(lambda: "249 codings" in window.status.text(), timeout=10_000)


def test_no_two_actions_share_a_shortcut(window, demo_copy):
    """With a project open, every keyboard shortcut of the window does one thing (two
    actions on one key make Qt do neither: "ambiguous shortcut")."""
    from PySide6.QtGui import QAction, QKeySequence

    window.open_project(demo_copy)
    seen: dict[str, str] = {}
    clashes = []
    for action in window.findChildren(QAction):
        for key in action.shortcuts():
            text = key.toString(QKeySequence.SequenceFormat.PortableText)
            if not text or action.shortcutContext() != Qt.ShortcutContext.WindowShortcut:
                continue
            other = seen.setdefault(text, action.objectName())
            if other != action.objectName():
                clashes.append((text, other, action.objectName()))
    assert seen, "no shortcuts found at all"
    assert clashes == []
