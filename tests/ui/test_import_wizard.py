"""The import wizard, driven like a person would: type a path, Next, change a role, Import.

Each test builds a real project (``tests/conftest.py``), a real ``Session`` and the real
wizard, then asserts both the widgets and the database.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QLineEdit, QMainWindow, QMessageBox, QProgressDialog, QPushButton,
    QWizard,
)
from shiboken6 import isValid

from post_coder.importing import import_survey, inspect_file
from post_coder.queries import count_responses
from post_coder.store import surveys
from post_coder.ui.dialogs import import_wizard as wizard_module
from post_coder.ui.dialogs.import_mapping import ROLE, TYPE
from post_coder.ui.dialogs.import_pages.file_page import FILE_FILTERS
from post_coder.ui.dialogs.import_wizard import ImportWizard
from post_coder.ui.session import Session
from post_coder.store.scope import ReadScope

EVERYONE = ReadScope.everyone()

pytestmark = pytest.mark.qt

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo" / "post_survey.csv"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FEEDBACK = "How has POST affected you or your department? Please describe."
SUGGESTIONS = "What would make POST more useful, or what has kept you from using it?"
FILE, PREVIEW, MAPPING, SUMMARY = range(4)


# -- helpers ----------------------------------------------------------------------------------

@pytest.fixture
def session(project):
    return Session(project)


@pytest.fixture
def demo_csv(tmp_path: Path) -> Path:
    target = tmp_path / "post_survey.csv"
    shutil.copy(DEMO, target)
    return target


@pytest.fixture
def make_wizard(qtbot, session):
    made: list[ImportWizard] = []

    def make(path: Path | None = None) -> ImportWizard:
        wizard = ImportWizard(session)
        qtbot.addWidget(wizard)
        wizard.show()
        if path is not None:
            edit = wizard.findChild(QLineEdit, "importPath")
            qtbot.keyClicks(edit, str(path))
        made.append(wizard)
        return wizard

    yield make
    for wizard in made:  # never leave a worker thread behind
        if wizard.task is not None:
            wizard.task.progress.cancel()
            wizard.task.wait()


def button(wizard: ImportWizard, which: QWizard.WizardButton) -> QPushButton:
    found = wizard.button(which)
    assert isinstance(found, QPushButton)
    return found


def next_button(wizard: ImportWizard) -> QPushButton:
    return button(wizard, QWizard.WizardButton.NextButton)


def finish_button(wizard: ImportWizard) -> QPushButton:
    return button(wizard, QWizard.WizardButton.FinishButton)


def row_of(wizard: ImportWizard, name: str) -> int:
    return wizard.mapping_page.table.row_of(name)


def choose(combo: QComboBox, key: str) -> None:
    """Pick an item the way the person does (by its data key), firing the combo's signals."""
    index = combo.findData(key)
    assert index >= 0, key
    combo.setCurrentIndex(index)


def set_role(wizard: ImportWizard, column: str, role: str) -> None:
    table = wizard.mapping_page.table
    combo = table.cellWidget(row_of(wizard, column), ROLE)
    assert isinstance(combo, QComboBox)
    choose(combo, role)


def role_of(wizard: ImportWizard, column: str) -> str:
    return wizard.mapping_page.table.role(row_of(wizard, column))


def to_summary(wizard: ImportWizard) -> None:
    for page in (PREVIEW, MAPPING, SUMMARY):
        wizard.next()
        assert wizard.currentId() == page, wizard.file_page.error.text()


def finish(qtbot, wizard: ImportWizard, session: Session) -> None:
    """Press Import and wait until the background import succeeded and views were told."""
    with qtbot.waitSignal(session.project_did_change, timeout=30_000):
        qtbot.mouseClick(finish_button(wizard), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.result is not None and not wizard.isVisible(), timeout=30_000)


def close_error_boxes(qtbot, wizard: ImportWizard) -> list[str]:
    boxes = [b for b in wizard.findChildren(QMessageBox, "errorBox") if b.isVisible()]
    texts = [b.text() for b in boxes]
    for box in boxes:
        box.close()
    return texts


# -- the whole way through ------------------------------------------------------------------

def test_import_demo_survey_end_to_end(qtbot, qtmodeltester, make_wizard, session, project,
                                       demo_csv):
    wizard = make_wizard(demo_csv)
    assert next_button(wizard).isEnabled()

    wizard.next()
    assert wizard.currentId() == PREVIEW
    page = wizard.preview_page
    assert page.fields["format"].text() == "Text (CSV/TSV)"
    assert page.fields["encoding"].text() == "utf-8"
    assert page.fields["delimiter"].text() == "comma"
    assert page.fields["rows"].text().startswith("75 respondents")
    assert page.table.rowCount() == 10
    assert page.table.item(0, 0).text() == "R001"
    qtmodeltester.check(page.table.model())

    wizard.next()
    assert wizard.currentId() == MAPPING
    table = wizard.mapping_page.table
    assert table.rowCount() == 13
    qtmodeltester.check(table.model())
    assert role_of(wizard, "respondent_id") == "id"
    assert role_of(wizard, FEEDBACK) == "open_ended"
    assert role_of(wizard, "Years in practice") == "attribute"
    set_role(wizard, "Years in practice", "skip")     # the person drops a column
    kind = table.cellWidget(row_of(wizard, "Department"), TYPE)
    assert isinstance(kind, QComboBox) and kind.isEnabled()
    assert not table.cellWidget(row_of(wizard, FEEDBACK), TYPE).isEnabled()
    choose(kind, "text")                              # and overrides an attribute's type
    assert next_button(wizard).isEnabled()

    wizard.next()
    assert wizard.currentId() == SUMMARY
    summary = wizard.summary_page.text.toPlainText()
    assert "Respondents: 75" in summary
    assert "43 answers to code, 29 blank, 3 non-answers" in summary
    assert "Department (text)" in summary
    assert "Years in practice" in summary.split("Not imported:")[1]
    name = wizard.findChild(QLineEdit, "datasetName")
    assert name.text() == "post_survey"
    assert not wizard.findChild(QCheckBox, "importAgain").isVisible()
    name.clear()
    assert not finish_button(wizard).isEnabled()      # a dataset needs a name
    qtbot.keyClicks(name, "POST pilot")

    finish(qtbot, wizard, session)
    assert wizard.result.respondents == 75
    assert "75 respondents" in wizard.message

    datasets = surveys.list_datasets(project.db)
    assert [d.name for d in datasets] == ["POST pilot"]
    questions = surveys.list_questions(project.db)
    assert sorted((q.column_name, q.responses) for q in questions) == [(FEEDBACK, 43),
                                                                       (SUGGESTIONS, 35)]
    assert count_responses(project, EVERYONE) == 78
    variables = {v.name: v.type for v in surveys.list_variables(project.db)}
    assert "Years in practice" not in variables
    assert variables["Department"] == "text"
    assert project.undo_label() is None               # history cleared after the background write


def test_opened_from_a_window_reports_counts_and_cleans_up(qtbot, session, demo_csv):
    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    wizard = ImportWizard(session, window, path=demo_csv)
    results = []
    wizard.import_did_finish.connect(results.append)
    wizard.open()                                     # what File ▸ Import Survey… does
    to_summary(wizard)
    with qtbot.waitSignal(session.project_did_change, timeout=30_000):
        qtbot.mouseClick(finish_button(wizard), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not isValid(wizard), timeout=30_000)  # closed, then deleted
    assert [r.respondents for r in results] == [75]
    assert window.statusBar().currentMessage() == (
        'Imported 75 respondents and 78 responses to code into "post_survey".')


def test_path_given_to_the_constructor_and_objectnames(qtbot, session, demo_csv):
    wizard = ImportWizard(session, path=demo_csv)
    qtbot.addWidget(wizard)
    assert wizard.findChild(QLineEdit, "importPath").text() == str(demo_csv)
    wizard.show()
    to_summary(wizard)
    for kind in (QLineEdit, QComboBox, QCheckBox, QPushButton):
        for widget in wizard.findChildren(kind):
            if widget.isVisibleTo(wizard) or kind is not QPushButton:
                assert widget.objectName(), f"{kind.__name__} {widget!r} has no objectName"
    for name in ("importPath", "importBrowse", "importSheet", "mappingTable", "mappingNoId",
                 "datasetName", "importAgain"):
        assert wizard.findChild(object, name) is not None, name


# -- page 1: files that cannot be read ---------------------------------------------------------

@pytest.mark.parametrize("name, content, words", [
    ("empty.csv", b"", "the file is empty"),
    ("junk.csv", bytes(range(256)) * 20, "is not a spreadsheet or text file"),
    ("junk.xlsx", b"PK\x03\x04" + bytes(range(256)) * 4, "xlsx"),
    ("headers.csv", b"id,comment\n", "no data rows"),
])
def test_unreadable_file_is_explained_on_page_one(qtbot, make_wizard, tmp_path, name, content,
                                                  words):
    path = tmp_path / name
    path.write_bytes(content)
    wizard = make_wizard(path)
    wizard.next()
    assert wizard.currentId() == FILE
    error = wizard.findChild(object, "importError")
    assert error.isVisible()
    assert name in error.text() and words in error.text()
    assert "Traceback" not in error.text()
    # typing another path hides the old message
    qtbot.keyClicks(wizard.file_page.path_edit, "x")
    assert not error.isVisible()


def test_missing_file_and_no_path(qtbot, make_wizard, tmp_path):
    wizard = make_wizard()
    assert not next_button(wizard).isEnabled()
    qtbot.keyClicks(wizard.file_page.path_edit, str(tmp_path / "nowhere.csv"))
    wizard.next()
    assert wizard.currentId() == FILE
    assert "nowhere.csv: there is no such file" in wizard.file_page.error.text()


def test_workbook_sheet_is_chosen_on_page_one(qtbot, make_wizard, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    first = book.active
    first.title = "Notes"
    first.append(["note"])
    first.append(["exported by hand"])
    data = book.create_sheet("Responses")
    data.append(["id", "Department", "What helped you most?"])
    for i, answer in enumerate(["Talking to a peer after a bad night shift helped a lot.",
                                "Knowing someone would call me the next day.",
                                "Honestly, nothing so far; I have not used it yet.",
                                "The follow-up email with resources was useful."], start=1):
        data.append([f"P{i}", "ICU" if i % 2 else "EM", answer])
    path = tmp_path / "survey.xlsx"
    book.save(path)

    wizard = make_wizard(path)
    wizard.file_page.path_edit.editingFinished.emit()
    sheet = wizard.findChild(QComboBox, "importSheet")
    assert sheet.isVisible()
    assert [sheet.itemText(i) for i in range(sheet.count())] == ["Notes", "Responses"]
    sheet.setCurrentText("Responses")
    wizard.next()
    assert wizard.currentId() == PREVIEW
    assert 'sheet "Responses"' in wizard.preview_page.fields["format"].text()
    assert wizard.plan.row_count == 4


def test_ods_sheet_is_chosen_on_page_one(qtbot, make_wizard, tmp_path):
    from tests.test_import_workbooks import NOTES, SURVEY, ods_bytes

    path = tmp_path / "survey.ods"
    path.write_bytes(ods_bytes({"Notes": NOTES, "Responses": SURVEY}))
    assert "*.ods" in FILE_FILTERS.split(";;")[0]
    assert "*.xls " in FILE_FILTERS.split(";;")[0]
    wizard = make_wizard(path)
    wizard.file_page.path_edit.editingFinished.emit()
    sheet = wizard.findChild(QComboBox, "importSheet")
    assert sheet.isVisible()
    assert [sheet.itemText(i) for i in range(sheet.count())] == ["Notes", "Responses"]
    sheet.setCurrentText("Responses")
    wizard.next()
    assert wizard.currentId() == PREVIEW
    assert wizard.preview_page.fields["format"].text().startswith("OpenDocument spreadsheet")
    assert wizard.plan.row_count == 6


# -- page 3: the mapping rules ---------------------------------------------------------------

def test_no_open_ended_question_disables_next(qtbot, make_wizard, demo_csv):
    wizard = make_wizard(demo_csv)
    wizard.next()
    wizard.next()
    message = wizard.mapping_page.message
    assert not message.isVisible() and next_button(wizard).isEnabled()

    set_role(wizard, FEEDBACK, "attribute")
    set_role(wizard, SUGGESTIONS, "skip")
    assert not next_button(wizard).isEnabled()
    assert message.isVisible()
    assert "Choose at least one open-ended question" in message.text()
    wizard.next()                                     # even a programmatic Next stays put
    assert wizard.currentId() == MAPPING

    set_role(wizard, SUGGESTIONS, "open_ended")
    assert next_button(wizard).isEnabled() and not message.isVisible()


def test_only_one_id_column_and_numbering_rows(qtbot, make_wizard, session, project, demo_csv):
    wizard = make_wizard(demo_csv)
    wizard.next()
    wizard.next()
    no_id = wizard.findChild(QCheckBox, "mappingNoId")
    assert not no_id.isChecked()

    set_role(wizard, "Department", "id")              # a new id demotes the old one
    assert role_of(wizard, "Department") == "id"
    assert role_of(wizard, "respondent_id") == "skip"
    assert wizard.mapping_page.table.names("id") == ["Department"]
    # departments repeat: the import would refuse, so the page says why and waits
    assert "appears twice" in wizard.mapping_page.message.text()
    assert not next_button(wizard).isEnabled()

    no_id.click()                                     # "No id column (number rows)"
    assert wizard.mapping_page.table.names("id") == []
    assert next_button(wizard).isEnabled()
    no_id.click()                                     # unticked with no id chosen: asks for one
    assert "respondent id" in wizard.mapping_page.message.text()
    assert not next_button(wizard).isEnabled()
    no_id.click()

    wizard.next()
    assert "numbered by row" in wizard.summary_page.text.toPlainText()
    finish(qtbot, wizard, session)
    dataset = surveys.list_datasets(project.db)[0]
    assert surveys.respondent_id_for(project.db, dataset.id, "75") is not None


def test_multi_select_question_cannot_be_id_or_open_ended(qtbot, make_wizard):
    # REDCap writes a checkbox question as one column per option: one multi-select question
    wizard = make_wizard(FIXTURES / "redcap_checkboxes.csv")
    wizard.next()
    assert wizard.preview_page.fields["platform"].text() == "REDCap export"
    wizard.next()
    table = wizard.mapping_page.table
    row = row_of(wizard, "contact_mode")
    assert table.kind(row) == "multi_select"
    assert not table.cellWidget(row, TYPE).isEnabled()   # its type stays multi-select
    role = table.cellWidget(row, ROLE)
    items = role.model()
    assert not items.item(role.findData("open_ended")).isEnabled()
    assert not items.item(role.findData("id")).isEnabled()
    assert items.item(role.findData("skip")).isEnabled()
    choose(role, "skip")
    assert next_button(wizard).isEnabled()


# -- page 4 and Finish: duplicates, failures, cancel -----------------------------------------

def test_duplicate_import_offers_import_again(qtbot, make_wizard, session, project, demo_csv):
    import_survey(project, inspect_file(demo_csv))
    wizard = make_wizard(demo_csv)
    to_summary(wizard)
    again = wizard.findChild(QCheckBox, "importAgain")
    assert again.isVisible() and not again.isChecked()
    assert "already imported" in wizard.summary_page.duplicate.text()
    assert not finish_button(wizard).isEnabled()

    again.click()
    assert finish_button(wizard).isEnabled()
    finish(qtbot, wizard, session)
    assert len(surveys.list_datasets(project.db)) == 2
    assert count_responses(project, EVERYONE) == 2 * 78


def test_duplicate_found_only_by_the_import_shows_the_checkbox(qtbot, make_wizard, session,
                                                               project, demo_csv):
    wizard = make_wizard(demo_csv)
    to_summary(wizard)
    again = wizard.summary_page.again
    assert not again.isVisible()
    import_survey(project, inspect_file(demo_csv))    # someone imported it meanwhile

    with qtbot.waitSignal(wizard.summary_page.completeChanged, timeout=30_000):
        qtbot.mouseClick(finish_button(wizard), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not wizard.running, timeout=30_000)
    assert wizard.isVisible() and wizard.result is None
    assert again.isVisible() and not finish_button(wizard).isEnabled()
    assert any("already imported" in text for text in close_error_boxes(qtbot, wizard))

    again.click()
    finish(qtbot, wizard, session)
    assert len(surveys.list_datasets(project.db)) == 2


def test_failed_import_keeps_the_wizard_open_to_fix_the_mapping(qtbot, make_wizard, session,
                                                                project, snapshot, demo_csv):
    wizard = make_wizard(demo_csv)
    wizard.next()
    wizard.next()
    department = wizard.mapping_page.table.cellWidget(row_of(wizard, "Department"), TYPE)
    choose(department, "numeric")                     # "EM" is not a number: the core refuses
    wizard.next()
    before = snapshot(project)

    qtbot.mouseClick(finish_button(wizard), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not wizard.running, timeout=30_000)
    failure = wizard.findChild(object, "importFailure")
    assert failure.isVisible()
    assert 'column "Department"' in failure.text() and "is not a number" in failure.text()
    assert wizard.isVisible() and wizard.result is None
    assert any("is not a number" in text for text in close_error_boxes(qtbot, wizard))
    assert snapshot(project) == before

    wizard.back()                                     # fix the mapping and try again
    choose(department, "categorical")
    wizard.next()
    assert not failure.isVisible()
    finish(qtbot, wizard, session)
    assert count_responses(project, EVERYONE) == 78


def write_big_csv(path: Path, rows: int) -> Path:
    answers = ["The peer supporter listened and I felt less alone afterwards.",
               "More protected time in the schedule, please.",
               "I worry about privacy and who would find out that I asked.",
               "Talking with a colleague who understood helped me sleep again."]
    with path.open("w", encoding="utf-8") as f:
        f.write("id,dept,comment\n")
        for i in range(rows):
            f.write(f"R{i},{('EM', 'ICU', 'OBGYN')[i % 3]},\"{answers[i % 4]} ({i})\"\n")
    return path


def test_cancel_during_import_changes_nothing(qtbot, make_wizard, session, project, snapshot,
                                              tmp_path, monkeypatch):
    path = write_big_csv(tmp_path / "big.csv", 50_000)
    reached, release = threading.Event(), threading.Event()

    class Gate:
        """Holds the worker at its first batch (inside the transaction) until released."""

        def __init__(self, inner):
            self.inner = inner

        def update(self, done, total, label=""):
            if label.startswith("Saving"):
                reached.set()
                release.wait(30)
            self.inner.update(done, total, label)

    real_import = wizard_module.import_survey
    monkeypatch.setattr(wizard_module, "import_survey",
                        lambda project, plan, *, progress, **kw:
                        real_import(project, plan, progress=Gate(progress), **kw))
    notices = []
    session.project_did_change.connect(lambda changes, initiator: notices.append(changes))
    before = snapshot(project)
    wizard = make_wizard(path)
    to_summary(wizard)
    try:
        qtbot.mouseClick(finish_button(wizard), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(reached.is_set, timeout=30_000)
        assert wizard.running and not finish_button(wizard).isEnabled()
        assert not button(wizard, QWizard.WizardButton.BackButton).isEnabled()

        ticks = []                                    # the UI thread keeps processing events
        timer = QTimer()
        timer.timeout.connect(lambda: ticks.append(1))
        timer.start(10)
        qtbot.waitUntil(lambda: len(ticks) >= 5, timeout=10_000)
        timer.stop()

        dialog = wizard.findChild(QProgressDialog, "taskProgress")
        qtbot.waitUntil(dialog.isVisible, timeout=10_000)
        cancel = dialog.findChild(QPushButton)
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
        with qtbot.waitSignal(wizard.task.cancelled, timeout=30_000):
            release.set()
    finally:
        release.set()

    assert not wizard.running and wizard.isVisible() and wizard.result is None
    assert "cancelled" in wizard.summary_page.status.text()
    assert notices == []
    assert snapshot(project) == before
    assert finish_button(wizard).isEnabled()          # and the person may try again


def test_cancel_button_of_the_wizard_cancels_a_running_import(qtbot, make_wizard, session,
                                                              project, snapshot, tmp_path,
                                                              monkeypatch):
    path = write_big_csv(tmp_path / "big.csv", 2_000)
    reached, release = threading.Event(), threading.Event()
    real_import = wizard_module.import_survey

    def held(project, plan, *, progress, **kw):
        reached.set()
        release.wait(30)
        return real_import(project, plan, progress=progress, **kw)

    monkeypatch.setattr(wizard_module, "import_survey", held)
    before = snapshot(project)
    wizard = make_wizard(path)
    to_summary(wizard)
    try:
        qtbot.mouseClick(finish_button(wizard), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(reached.is_set, timeout=30_000)
        wizard.reject()                               # Cancel / Esc while importing
        assert wizard.isVisible()
        with qtbot.waitSignal(wizard.task.cancelled, timeout=30_000):
            release.set()
    finally:
        release.set()
    assert wizard.isVisible() and wizard.result is None
    assert snapshot(project) == before
    wizard.reject()                                   # now Cancel closes it
    assert not wizard.isVisible()


def test_levels_cell_puts_an_ordinal_scale_in_another_order(qtbot, make_wizard):
    from post_coder.ui.dialogs.import_mapping import LEVELS, NAME

    wizard = make_wizard(FIXTURES / "ordered_scales.csv")
    wizard.next()
    wizard.next()
    table = wizard.mapping_page.table
    row = row_of(wizard, "Impact on practice")
    cell = table.item(row, LEVELS)
    assert cell.text() == "No impact | Some | Moderate | Major"
    assert cell.flags() & Qt.ItemFlag.ItemIsEditable
    assert not table.item(row, NAME).flags() & Qt.ItemFlag.ItemIsEditable
    cell.setText("Major | Moderate | Some | No impact")
    assert wizard.mapped.column("Impact on practice").levels == ["Major", "Moderate", "Some",
                                                                 "No impact"]
    cell.setText("Major | Some | No impact")
    assert 'leave out 1 of its answers: "Moderate"' in wizard.mapping_page.message.text()
    assert not next_button(wizard).isEnabled()
    cell.setText("No impact | Some | Moderate | Major")
    assert next_button(wizard).isEnabled() and not wizard.mapping_page.message.text()
    # the open-ended question has no levels to order
    text_row = row_of(wizard, "Anything else?")
    assert not table.item(text_row, LEVELS).flags() & Qt.ItemFlag.ItemIsEditable


def test_data_table_checkbox_imports_an_interaction_log(qtbot, make_wizard, session, project):
    log = Path(__file__).parents[1] / "fixtures" / "interaction_log.csv"
    wizard = make_wizard(log)
    wizard.next()
    wizard.next()
    assert wizard.currentId() == MAPPING
    page = wizard.mapping_page
    set_role(wizard, "Type", "open_ended")
    set_role(wizard, "Type", "attribute")
    assert "Choose at least one open-ended question" in page.message.text()
    assert not next_button(wizard).isEnabled()
    box = wizard.findChild(QCheckBox, "mappingIsTable")
    assert box.text() == "This file is a data table (no answers to code)"
    box.click()
    assert not page.message.isVisible() and next_button(wizard).isEnabled()
    set_role(wizard, "Type", "open_ended")        # a table has nothing to code
    assert 'column "Type": it cannot be an open-ended question in a data table' in \
        page.message.text()
    box.click()                                   # a survey again: Type is the question
    assert not page.message.text()
    box.click()                                   # a table: Type goes back to an attribute
    assert page.table.role(row_of(wizard, "Type")) == "attribute"
    assert wizard.mapped.is_table and wizard.mapped.open_ended == []
    wizard.next()
    finish(qtbot, wizard, session)
    [info] = surveys.list_datasets(project.db)
    assert (info.kind, info.respondents, info.questions) == ("log", 8, 0)
    assert [v.name for v in surveys.list_variables(project.db)] == [
        "Date", "Department", "Duration (minutes)", "Type"]


def test_navigator_leaves_out_data_tables(qtbot, session, project, demo_csv):
    from post_coder.ui.navigator import QuestionNavigator

    log = Path(__file__).parents[1] / "fixtures" / "interaction_log.csv"
    import_survey(project, inspect_file(log).as_table(), name="Interactions")
    navigator = QuestionNavigator(session)
    qtbot.addWidget(navigator)
    assert navigator.tree.isHidden() and not navigator.empty.isHidden()
    import_survey(project, inspect_file(demo_csv), name="POST pilot")
    navigator.reload()
    tops = [navigator.tree.topLevelItem(i).text(0)
            for i in range(navigator.tree.topLevelItemCount())]
    assert tops == ["All questions", "POST pilot"]


def test_redcap_dictionary_field(qtbot, make_wizard, tmp_path, session):
    """The optional dictionary field: a bad one is named on page one; a good one labels the
    codes; left empty, one beside a REDCap-named export is found and said so."""
    export = tmp_path / "PeerSupport_DATA_2025-01-20_1012.csv"
    shutil.copy(FIXTURES / "redcap_data.csv", export)
    bad = tmp_path / "bad.csv"
    bad.write_text('"Variable / Field Name","Form Name"\nrecord_id,f\n', encoding="utf-8")
    wizard = make_wizard(export)
    field = wizard.findChild(QLineEdit, "importDictionary")
    qtbot.keyClicks(field, str(bad))
    wizard.next()
    assert wizard.currentId() == FILE
    assert 'bad.csv, line 1, column "Field Type"' in wizard.file_page.error.text()
    field.clear()
    qtbot.keyClicks(field, str(FIXTURES / "redcap_dictionary.csv"))
    wizard.next()
    assert wizard.currentId() == PREVIEW
    support = next(c for c in wizard.plan.columns if c.name == "support")
    assert support.levels[:2] == ["Phone call", "Coffee chat"]
    assert wizard.file_page.dictionary_found.text() == ""
    wizard.back()
    field.clear()
    shutil.copy(FIXTURES / "redcap_dictionary.csv",
                tmp_path / "PeerSupport_DataDictionary_2025-01-20.csv")
    wizard.next()
    assert wizard.currentId() == PREVIEW
    assert wizard.plan.dictionary == tmp_path / "PeerSupport_DataDictionary_2025-01-20.csv"
    assert "PeerSupport_DataDictionary_2025-01-20.csv, found beside the export" in \
        wizard.file_page.dictionary_found.text()
