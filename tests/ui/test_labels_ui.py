"""Short labels in the app: the wizard's Short label column, the navigator (short label
shown, full text on hover, Rename short label…, Edit level order…), the grid and the filter
bar, all on real widgets over a real project."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QMessageBox, QWizard

from post_coder.importing import find_variable
from post_coder.queries import ResponseQuery, find_question, questions, variables
from post_coder.store.scope import ReadScope
from post_coder.ui.dialogs.import_mapping import LABEL, NAME, ROLE
from post_coder.ui.dialogs.import_wizard import ImportWizard
from post_coder.ui.models.response_table import HEADERS, QUESTION, ResponseTableModel
from post_coder.ui.navigator import ATTRIBUTE_ROLE, QuestionNavigator
from post_coder.ui.session import Session
from post_coder.ui.widgets.filter_bar import FilterBar
# the long-labelled survey and its fixtures are those of the core tests
from tests.test_labels import (PRIVACY, Q14, Q15A, Q15B, SCHEDULING, labelled,  # noqa: F401
                               labels_csv)

pytestmark = pytest.mark.qt
EVERYONE = ReadScope.everyone()


@pytest.fixture
def session(project):
    return Session(project)


def _navigator(qtbot, session: Session) -> QuestionNavigator:
    navigator = QuestionNavigator(session)
    qtbot.addWidget(navigator)
    return navigator


def _children(item) -> list:
    return [item.child(i) for i in range(item.childCount())]


# -- the wizard ----------------------------------------------------------------------------------

def test_wizard_short_label_column_is_suggested_editable_and_imported(qtbot, session, project,
                                                                     labels_csv):
    wizard = ImportWizard(session)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.keyClicks(wizard.findChild(QLineEdit, "importPath"), str(labels_csv))
    wizard.next()
    wizard.next()
    table = wizard.mapping_page.table
    assert table.horizontalHeaderItem(LABEL).text() == "Short label"
    shown = {table.item(r, NAME).text().split("\n")[0]: table.item(r, LABEL).text()
             for r in range(table.rowCount())}
    assert shown[PRIVACY] == "Q7 [Privacy concerns]" and shown[SCHEDULING] == "Q7 [Scheduling]"
    assert shown[Q14] == "Q14"
    row = table.row_of(Q14)
    cell = table.item(row, LABEL)
    assert cell.flags() & Qt.ItemFlag.ItemIsEditable
    assert not table.item(row, NAME).flags() & Qt.ItemFlag.ItemIsEditable
    combo = table.cellWidget(row, ROLE)
    combo.setCurrentIndex(combo.findData("open_ended"))
    cell.setText("Q7 [Scheduling]")  # another column's label: said, and Next is off
    assert 'the short label "Q7 [Scheduling]" cannot be used' in \
        wizard.mapping_page.message.text()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    cell.setText("Comments")
    assert not wizard.mapping_page.message.text()
    assert wizard.mapped.column(Q14).short_label == "Comments"
    wizard.next()
    summary = wizard.summary_page.text.toPlainText()
    assert "  • Comments “Q14. Please share any comments about the POST program, its impact " \
        "on you or you…”" in summary and "  • Q7 [Privacy concerns] “" in summary
    with qtbot.waitSignal(session.project_did_change, timeout=30_000):
        qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton),
                         Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.result is not None, timeout=30_000)
    assert "Comments" in [q.shown for q in questions(project)]
    assert find_question(project, "Comments") == find_question(project, Q14)


# -- the navigator -------------------------------------------------------------------------------

def test_navigator_shows_short_labels_with_the_full_text_on_hover(qtbot, session, labelled):
    navigator = _navigator(qtbot, session)
    dataset = navigator.tree.topLevelItem(1)
    rows = _children(dataset)
    assert [(r.text(0), r.toolTip(0)) for r in rows[:3]] == [
        ("Q14", Q14), ("Q15 What would make the program…", Q15A),
        ("Q15 What else would you like to…", Q15B)]
    attributes = rows[3]
    assert attributes.text(0) == "Attributes (3)" and not attributes.isExpanded()
    assert [(a.text(0), a.toolTip(0).split("\n")[0]) for a in _children(attributes)] == [
        ("Q7 [Scheduling]", SCHEDULING), ("Q7 [Privacy concerns]", PRIVACY),
        ("department", "department")]
    # choosing an attribute filters nothing
    with qtbot.assertNotEmitted(navigator.question_selected):
        navigator.tree.setCurrentItem(attributes.child(0))


def test_rename_short_label_from_the_navigator_and_undo(qtbot, session, labelled):
    navigator = _navigator(qtbot, session)
    q14 = navigator.tree.topLevelItem(1).child(0)
    menu = navigator.context_menu(q14)
    assert [a.text() for a in menu.actions()] == ["Rename short label…"]
    dialog = navigator.rename_label(q14)
    assert dialog.label_edit.text() == "Q14"
    assert dialog.findChild(object, "fullTextLabel").text() == Q14
    dialog.label_edit.setText("department")  # refused: the dialog stays, nothing changes
    dialog.accept()
    assert dialog.isVisible()
    [box] = dialog.findChildren(QMessageBox, "errorBox")
    assert box.text() == ('The short label "department" cannot be used: "department" already '
                          'has the short label "department"; choose another.')
    box.close()
    assert [q.shown for q in questions(labelled)][0] == "Q14"
    dialog.label_edit.setText("Comments")
    dialog.rationale_edit.setText("as in the report")
    dialog.accept()
    assert not dialog.isVisible()
    assert [q.shown for q in questions(labelled)][0] == "Comments"
    qtbot.waitUntil(lambda: navigator.tree.topLevelItem(1).child(0).text(0) == "Comments")
    assert navigator.tree.topLevelItem(1).child(0).toolTip(0) == Q14
    assert session.undo_label() == "Rename question"
    session.undo()
    qtbot.waitUntil(lambda: navigator.tree.topLevelItem(1).child(0).text(0) == "Q14")


def test_level_order_dialog_moves_levels_and_saves(qtbot, session, labelled):
    navigator = _navigator(qtbot, session)
    attributes = navigator.tree.topLevelItem(1).child(3)
    scheduling = attributes.child(0)
    assert scheduling.data(0, ATTRIBUTE_ROLE).name == SCHEDULING
    assert [a.text() for a in navigator.context_menu(scheduling).actions()] == [
        "Rename short label…", "Edit level order…"]
    dialog = navigator.edit_level_order(scheduling)
    assert dialog.levels() == ["Satisfied", "Very satisfied"]
    dialog.list.setCurrentRow(1)
    qtbot.mouseClick(dialog.up, Qt.MouseButton.LeftButton)
    assert dialog.levels() == ["Very satisfied", "Satisfied"] and dialog.list.currentRow() == 0
    qtbot.mouseClick(dialog.up, Qt.MouseButton.LeftButton)  # already at the top: stays
    assert dialog.levels() == ["Very satisfied", "Satisfied"]
    dialog.accept()
    assert list(find_variable(labelled, SCHEDULING).levels) == ["Very satisfied", "Satisfied"]
    assert session.undo_label() == "Set levels"
    session.undo()
    session.wait()
    assert list(find_variable(labelled, SCHEDULING).levels) == ["Satisfied", "Very satisfied"]


# -- the grid and the filter bar -----------------------------------------------------------------

def test_grid_and_filter_bar_show_short_labels(qtbot, session, labelled):
    model = ResponseTableModel(labelled, EVERYONE, ResponseQuery())
    model.set_attribute_columns([v.id for v in variables(labelled)])
    first = model.index(0, QUESTION)
    assert (first.data(), first.data(Qt.ItemDataRole.ToolTipRole)) == ("Q14", Q14)
    header = len(HEADERS) + 1
    assert model.headerData(header, Qt.Orientation.Horizontal) == "Q7 [Privacy concerns]"
    assert model.headerData(header, Qt.Orientation.Horizontal,
                            Qt.ItemDataRole.ToolTipRole) == PRIVACY
    bar = FilterBar(session)
    qtbot.addWidget(bar)
    items = [(bar.question.itemText(i), bar.question.itemData(i, Qt.ItemDataRole.ToolTipRole))
             for i in range(1, bar.question.count())]
    assert items[0] == ("Q14", Q14)
    assert [bar.variable.itemText(i) for i in range(1, bar.variable.count())] == [
        "Q7 [Scheduling]", "Q7 [Privacy concerns]", "department"]


def test_grid_headers_follow_a_rename(qtbot, session, labelled):
    from post_coder.importing import rename_attribute

    model = ResponseTableModel(labelled, EVERYONE, ResponseQuery())
    privacy = find_variable(labelled, PRIVACY).id
    model.set_attribute_columns([privacy])
    with qtbot.waitSignal(model.headerDataChanged):
        model.apply_changes(rename_attribute(labelled, privacy, "Privacy"))
    assert model.headerData(len(HEADERS), Qt.Orientation.Horizontal) == "Privacy"
