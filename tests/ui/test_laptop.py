"""Laptop screens and reading comfort, driven on the real main window offscreen.

At 1366×768 and 1280×720 the window with a project open fits (its minimum size is smaller)
and every control that matters is inside it; the wizard shows its Sample column and the
open-ended rows at its default size; rows can wrap answers over several lines; the viewer's
text size zooms and is remembered; search hits are highlighted where the search found them;
the status bar counts an import at once.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSettings, Qt
from PySide6.QtGui import QColor, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (QApplication, QCheckBox, QComboBox, QLineEdit, QPushButton,
                               QTableView, QTabWidget, QTextEdit, QTreeView, QWidget, QWizard)
from shiboken6 import isValid

from post_coder.project import Project
from post_coder.ui import settings as app_settings
from post_coder.ui.dialogs.import_mapping import NAME, ROLE, SAMPLE
from post_coder.ui.dialogs.import_wizard import ImportWizard
from post_coder.ui.main_window import MainWindow
from post_coder.ui.models.response_table import RESPONSE
from post_coder.ui.models.rounds_model import NAME as ROUND_NAME
from post_coder.ui.models.rounds_model import PROGRESS
from post_coder.ui.reading import LINES_KEY, SIZE_KEY
from post_coder.ui.session import Session
from post_coder.ui.widgets.response_viewer import READABLE_POINTS, default_text_size
from post_coder.ui.widgets.search_hits import HIT_BACKGROUND
from tests.ui.laptop_helpers import Q14, build_survey_project

pytestmark = pytest.mark.qt

LAPTOPS = [(1366, 768), (1280, 720)]
ROOT = Path(__file__).resolve().parents[2]
DEMO_CSV = ROOT / "resources" / "demo" / "post_survey.csv"
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture
def settings(tmp_path, monkeypatch):
    path = tmp_path / "settings.ini"
    monkeypatch.setenv("POST_CODER_SETTINGS", str(path))
    monkeypatch.setenv("POST_CODER_HOME", str(tmp_path / "home"))
    s = QSettings(str(path), QSettings.Format.IniFormat)
    app_settings.set_coder_identity(s, "Maya Chen", "MC")
    return s


@pytest.fixture
def make_window(qtbot, settings):
    made: list[MainWindow] = []

    def make(project: Project | None = None, size: tuple[int, int] = (1366, 768)) -> MainWindow:
        w = MainWindow(settings)
        qtbot.addWidget(w)
        w.resize(*size)
        w.show()
        if project is not None:
            w.install(project)
        qtbot.wait(20)  # the docks take their default sizes
        made.append(w)
        return w

    yield make
    for w in made:
        if isValid(w):
            w.close_project()


@pytest.fixture
def survey(tmp_path) -> Project:
    return build_survey_project(tmp_path / "survey.postcoder")


@pytest.fixture
def demo(demo_template, tmp_path) -> Project:
    target = tmp_path / "demo.postcoder"
    shutil.copyfile(demo_template, target)
    return Project.open(target)


def inside(widget: QWidget, window: QWidget) -> bool:
    """The widget is shown and wholly inside the window's client area."""
    top_left = widget.mapTo(window, QPoint(0, 0))
    return widget.isVisible() and window.rect().contains(QRect(top_left, widget.size()))


def key_widgets(w: MainWindow) -> dict[str, QWidget]:
    ws = w.workspace
    return {
        "search": ws.findChild(QLineEdit, "searchBox"),
        "question": ws.findChild(QComboBox, "questionCombo"),
        "clear": ws.findChild(QPushButton, "clearFiltersButton"),
        "attribute": ws.findChild(QComboBox, "attributeVariableCombo"),
        "coded with": ws.findChild(QComboBox, "codedWithCombo"),
        "coded by": ws.findChild(QComboBox, "codedByCombo"),
        "uncoded": ws.findChild(QCheckBox, "uncodedOnlyCheck"),
        "grid": ws.findChild(QTableView, "responseTable"),
        "answer": ws.findChild(QTextEdit, "responseText"),
        "codebook": w.findChild(QTreeView, "codebookTree"),
        "memos": w.findChild(QTabWidget, "memoTabs"),
        "status": w.status,
    }


# -- the window fits ------------------------------------------------------------------------

@pytest.mark.parametrize("which", ["demo", "survey"])
def test_the_window_fits_and_shows_every_control_at_laptop_sizes(make_window, request, which):
    w = make_window(request.getfixturevalue(which))
    hint = w.minimumSizeHint()
    for dock in ("dockQuestions", "dockCodebook", "dockMemos", "dockRounds"):
        assert w.findChild(QWidget, dock).minimumSizeHint().width() <= 200, dock  # can shrink
    assert w.findChild(QWidget, "dockMemos").minimumSizeHint().height() <= 160
    assert hint.width() <= 1280 - 100 and hint.height() <= 720 - 100, hint
    for width, height in LAPTOPS:
        w.resize(width, height)
        QTest.qWait(20)
        assert (w.width(), w.height()) == (width, height)
        hidden = [name for name, widget in key_widgets(w).items() if not inside(widget, w)]
        assert hidden == [], (width, hidden)
        assert w.status.shown_text() == w.status.text()  # the counts are not cut short
        grid = key_widgets(w)["grid"]
        response = grid.horizontalHeader()
        assert response.sectionSize(RESPONSE) >= 240  # room to read the answer
        assert response.sectionViewportPosition(RESPONSE) + response.sectionSize(RESPONSE) \
            <= grid.viewport().width()


def test_a_narrow_window_wraps_the_filters_instead_of_growing(make_window, demo):
    w = make_window(demo, (1280, 720))
    uncoded = w.workspace.findChild(QCheckBox, "uncodedOnlyCheck")
    search = w.workspace.findChild(QLineEdit, "searchBox")
    w.resize(900, 700)
    QTest.qWait(20)
    assert w.width() == 900
    assert uncoded.mapTo(w, QPoint(0, 0)).y() > search.mapTo(w, QPoint(0, 0)).y() + \
        2 * search.height()  # on a third line
    assert inside(uncoded, w) and inside(w.workspace.findChild(QComboBox, "codedByCombo"), w)
    # narrower still: the status counts are shortened with "…", the window is not widened
    assert w.status.minimumSizeHint().width() < w.status.sizeHint().width() / 2
    for dock in ("dockQuestions", "dockCodebook", "dockMemos"):
        w.findChild(QWidget, dock).hide()
    QTest.qWait(20)
    w.resize(500, 700)
    QTest.qWait(20)
    assert w.width() == 500 and inside(w.status, w)
    assert w.status.text() == ("75 respondents · 78 responses · 16 codes · 248 codings · "
                               "coding as Maya Chen")
    shown = w.status.shown_text()
    assert shown.endswith("…") and w.status.text().startswith(shown[:-1])


def test_round_progress_and_the_close_round_prompt_fit(qtbot, make_window, survey):
    w = make_window(survey, (1280, 720))
    w.findChild(QWidget, "dockRounds").raise_()
    QTest.qWait(20)
    table = w.rounds_panel.table
    header = table.horizontalHeader()
    assert inside(table, w)
    assert header.visualIndex(PROGRESS) == header.visualIndex(ROUND_NAME) + 1
    assert header.sectionViewportPosition(PROGRESS) < table.viewport().width() - 60
    assert table.model().index(0, PROGRESS).data() == "Ana 4/24, Luis 4/24, Maya 6/24"
    for button in ("newRoundButton", "showRoundButton", "closeRoundButton",
                   "exportPackageButton"):
        assert inside(w.findChild(QPushButton, button), w), button
    dialog = w.rounds_panel.close_selected()
    assert dialog is not None
    qtbot.waitExposed(dialog)
    ok = dialog.findChild(QPushButton, "rationaleOk")
    assert dialog.width() <= 1280 and dialog.height() <= 720
    assert w.frameGeometry().contains(QRect(ok.mapToGlobal(QPoint(0, 0)), ok.size()))
    dialog.reject()


# -- the import wizard ----------------------------------------------------------------------

def _wizard_on_mapping(qtbot, session: Session, path: Path, parent) -> ImportWizard:
    wizard = ImportWizard(session, parent, path=path)
    wizard.open()
    wizard.next()
    wizard.next()
    assert wizard.currentId() == ImportWizard.MAPPING
    QTest.qWait(20)
    return wizard


def test_wizard_default_size_shows_sample_and_open_ended_rows(qtbot, make_window, tmp_path):
    w = make_window(Project.create(tmp_path / "empty.postcoder"), (1280, 720))
    wizard = _wizard_on_mapping(qtbot, w.session, FIXTURES / "qualtrics_checkboxes.csv", w)
    assert 760 <= wizard.width() <= 1000 and 520 <= wizard.height() <= 680
    table = wizard.mapping_page.table
    header = table.horizontalHeader()
    for size in (wizard.size(), wizard.minimumSize()):
        wizard.resize(size)
        QTest.qWait(20)
        viewport = table.viewport().rect()
        for column in (NAME, SAMPLE, ROLE):  # what the column is, holds, becomes
            left = header.sectionViewportPosition(column)
            assert 0 <= left and left + header.sectionSize(column) <= viewport.width(), column
    # fifteen system columns come first; the two open-ended rows are scrolled into view
    questions = [n for n, c in enumerate(wizard.plan.columns) if c.role == "open_ended"]
    assert [wizard.plan.columns[n].name for n in questions] == ["Q13_5_TEXT", "Q16"]
    wizard.resize(wizard.minimumSize())
    table.show_questions()
    assert questions[-1] * table.rowHeight(0) > table.viewport().height()  # needs scrolling
    for row in questions:
        rect = table.visualRect(table.model().index(row, NAME))
        assert table.viewport().rect().contains(rect), row
    wizard.reject()


# -- the status bar after an import ----------------------------------------------------------

def test_status_counts_the_import_before_the_wizard_closes(qtbot, make_window, tmp_path):
    w = make_window(Project.create(tmp_path / "new.postcoder"))
    assert w.status.text().startswith("0 respondents · 0 responses")
    w.import_action.trigger()
    wizard = next(x for x in QApplication.topLevelWidgets()
                  if isinstance(x, ImportWizard) and x.isVisible())
    wizard.file_page.path_edit.setText(str(DEMO_CSV))
    for _ in range(3):
        wizard.next()
    seen: list[str] = []
    wizard.finished.connect(lambda _code: seen.append(w.status.text()))
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton),
                     Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen), timeout=30_000)
    assert seen[0] == ("75 respondents · 78 responses · 0 codes · 0 codings · "
                       "coding as Maya Chen")


# -- reading comfort ------------------------------------------------------------------------

def _dark_pixels(image, rect: QRect) -> int:
    return sum(1 for x in range(rect.left(), rect.right())
               for y in range(rect.top(), rect.bottom())
               if QColor(image.pixel(x, y)).lightness() < 110)


def test_rows_wrap_answers_over_three_lines_and_it_is_remembered(make_window, settings, demo,
                                                                 tmp_path):
    w = make_window(demo)
    table = w.workspace.table
    one_line = table.rowHeight(0)
    lines_menu = w.findChild(QWidget, "menuAnswerRows")
    assert lines_menu is not None
    w.findChild(type(w.reading.larger), "actionRowLines3").trigger()
    spacing = table.fontMetrics().lineSpacing()
    assert table.rowHeight(0) == 3 * spacing + 8 > one_line
    assert table.wordWrap() and settings.value(LINES_KEY) == 3
    QTest.qWait(20)
    # the answer of an unselected row fills its second and third lines with text
    image = table.viewport().grab().toImage()
    cell = table.visualRect(w.workspace.model.index(2, RESPONSE))
    second = QRect(cell.left() + 4, cell.top() + spacing + 4, cell.width() - 8, spacing - 4)
    third = second.translated(0, spacing)
    assert _dark_pixels(image, second) > 40 and _dark_pixels(image, third) > 40
    w.findChild(type(w.reading.larger), "actionRowLines1").trigger()
    assert table.rowHeight(2) == one_line and not table.wordWrap()
    # remembered: the next window (another project) opens with wrapped rows
    w.reading.set_row_lines(6)
    other = make_window(build_survey_project(tmp_path / "other.postcoder"))
    assert other.workspace.row_lines() == 6
    assert other.workspace.table.rowHeight(0) == 6 * spacing + 8


def test_viewer_text_zooms_with_the_keys_and_is_remembered(qtbot, make_window, settings, demo,
                                                          tmp_path):
    w = make_window(demo)
    viewer = w.workspace.viewer
    start = viewer.text_size()
    assert start == default_text_size() >= READABLE_POINTS
    w.activateWindow()
    w.workspace.table.setFocus()
    QTest.keySequence(w, QKeySequence("Ctrl+="))
    QTest.keySequence(w, QKeySequence("Ctrl+="))
    assert viewer.text_size() == start + 2
    assert viewer.text_edit.font().pointSize() == start + 2
    assert int(settings.value(SIZE_KEY)) == start + 2
    QTest.keySequence(w, QKeySequence("Ctrl+-"))
    assert viewer.text_size() == start + 1 and int(settings.value(SIZE_KEY)) == start + 1
    QTest.keySequence(w, QKeySequence("Ctrl+0"))
    assert viewer.text_size() == start and settings.value(SIZE_KEY) is None
    QTest.keySequence(w, QKeySequence("Ctrl+="))
    other = make_window(build_survey_project(tmp_path / "other.postcoder"))
    assert other.workspace.viewer.text_size() == start + 1  # remembered
    for _ in range(40):
        other.reading.zoom(-1)
    assert other.workspace.viewer.text_size() == 8  # never unreadably small


# -- search hits ----------------------------------------------------------------------------

def _search(w: MainWindow, text: str) -> None:
    box = w.workspace.findChild(QLineEdit, "searchBox")
    box.setText(text)
    box.returnPressed.emit()


def test_search_hits_are_highlighted_in_the_grid_and_the_viewer(make_window, survey):
    w = make_window(survey)
    _search(w, 'privacy OR "whom to call" -stigma')
    model, delegate = w.workspace.model, w.workspace.delegate
    texts = [model.index(r, RESPONSE).data() for r in range(model.rowCount())]
    assert len(texts) == 4  # R_002, R_003, R_006, R_011
    first = model.index(0, RESPONSE)
    assert texts[0].startswith("Hard to find the time during rotations.")
    assert delegate.hits(first) == [(132, 139)]  # "privacy"; "Hard" is no hit
    assert texts[0][132:139] == "privacy"
    spans = {texts[r][s:e] for r in range(4) for s, e in delegate.hits(model.index(r, RESPONSE))}
    assert spans == {"privacy", "Privacy", "whom to call"}
    # painted: the amber of a hit is in the Response column, nowhere else
    QTest.qWait(20)
    table = w.workspace.table
    image = table.viewport().grab().toImage()
    column = QRect(table.horizontalHeader().sectionViewportPosition(RESPONSE), 0,
                   table.horizontalHeader().sectionSize(RESPONSE), image.height())
    amber = QColor(HIT_BACKGROUND).rgb()
    where = [(x, y) for x in range(0, image.width(), 2) for y in range(0, image.height(), 2)
             if image.pixel(x, y) == amber]
    assert where and all(column.contains(x, y) for x, y in where)
    # the viewer: the same spans of the whole answer, as amber backgrounds
    viewer = w.workspace.viewer
    assert viewer.response_id == model.response_id(0)
    assert viewer.search_hits() == [(132, 139)]
    marked = [(s.cursor.selectionStart(), s.cursor.selectionEnd())
              for s in viewer.text_edit.extraSelections()
              if s.format.background().color() == QColor(HIT_BACKGROUND)]
    assert marked == [(132, 139)]
    # clearing the search clears the highlights
    _search(w, "")
    assert delegate.hits(model.index(0, RESPONSE)) == [] and viewer.search_hits() == []
    assert not [s for s in viewer.text_edit.extraSelections()
                if s.format.background().color() == QColor(HIT_BACKGROUND)]


def test_wrapped_rows_highlight_hits_beyond_the_first_line(make_window, survey):
    w = make_window(survey)
    w.reading.set_row_lines(3)
    _search(w, "nights")
    model, delegate = w.workspace.model, w.workspace.delegate
    shown = delegate.shown_text(model.index(0, RESPONSE))
    assert shown.startswith("The peer call came at exactly the right time")
    assert [shown[s:e] for s, e in delegate.hits(model.index(0, RESPONSE))] == ["nights"]
    assert Q14.startswith(model.index(0, 1).data()[:20])
