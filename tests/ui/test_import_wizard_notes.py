"""The import wizard on exports with notes (repeated column names, lines in another encoding):
the preview page says so, and a note never blocks the import the way a blank id does."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QWizard

from post_coder.store import surveys
from post_coder.ui.dialogs.import_wizard import ImportWizard
from post_coder.ui.session import Session

pytestmark = pytest.mark.qt

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PREVIEW, MAPPING, SUMMARY = 1, 2, 3


@pytest.fixture
def wizard(qtbot, project):
    session = Session(project)
    made = ImportWizard(session)
    qtbot.addWidget(made)
    made.show()
    yield made, session
    if made.task is not None:
        made.task.progress.cancel()
        made.task.wait()


def open_file(qtbot, made: ImportWizard, path: Path) -> None:
    qtbot.keyClicks(made.findChild(QLineEdit, "importPath"), str(path))
    made.next()
    assert made.currentId() == PREVIEW, made.file_page.error.text()


def test_repeated_names_are_said_on_the_preview_and_import(qtbot, wizard, project):
    made, session = wizard
    open_file(qtbot, made, FIXTURES / "typeform_repeated.csv")
    assert made.preview_page.fields["platform"].text() == "Typeform export"
    note = made.findChild(QLabel, "previewWarnings")
    assert note.isVisible()
    assert note.text().startswith("4 column names are used more than once in the header")
    made.next()
    assert made.currentId() == MAPPING
    assert made.mapping_page.message.text() == ""
    made.next()
    assert made.currentId() == SUMMARY
    finish = made.button(QWizard.WizardButton.FinishButton)
    assert isinstance(finish, QPushButton)
    with qtbot.waitSignal(session.project_did_change, timeout=30_000):
        qtbot.mouseClick(finish, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: made.result is not None and not made.isVisible(), timeout=30_000)
    assert [q.column_name for q in surveys.list_questions(project.db)] == [
        "Why or why not?", "Why or why not? (2)"]


def test_odd_lines_are_named_on_the_preview(qtbot, wizard):
    made, _ = wizard
    open_file(qtbot, made, FIXTURES / "mixed_utf8_cp1252.csv")
    note = made.findChild(QLabel, "previewWarnings")
    assert note.isVisible()
    assert note.text().startswith("Lines 4, 6 of this UTF-8 file are not valid UTF-8")
