"""Analysis ▸ RE-AIM Summary: the spec editor on the demo project, driven through its widgets.

Expected numbers are counted here from the demo's own files (resources/demo/*.csv), not
with the summary code: the rounding is done with Decimal, half away from zero.
"""

from __future__ import annotations

import csv
import threading
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from post_coder.export.reaim import parse_spec
from post_coder.export.reaim.stored import stored_spec_text
from post_coder.ui import reaim_editor as editor_module
from post_coder.ui.reaim_editor import ReaimEditor

DEMO = Path(__file__).parents[2] / "resources" / "demo"
AWARE = "Are you aware of the POST program?"
PLATFORM = "Rating of the virtual training platform"


def _rows(name: str) -> list[dict[str, str]]:
    with open(DEMO / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _share(n: int, d: int) -> str:
    pct = (Decimal(100 * n) / Decimal(d)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{n}/{d} ({pct}%)"


@pytest.fixture
def editor(qtbot, session):
    w = ReaimEditor(session)
    w.confirm_close = lambda _parent: QMessageBox.StandardButton.Discard
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    _settle(qtbot, w)
    return w


def _settle(qtbot, w: ReaimEditor) -> None:
    qtbot.waitUntil(lambda: not w.computing, timeout=20_000)


def test_the_demo_measures_are_listed_by_dimension_with_their_numbers(editor):
    tree = editor.tree
    dims = [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]
    assert dims == ["Reach", "Effectiveness", "Adoption", "Implementation", "Maintenance"]
    assert [tree.topLevelItem(i).childCount() for i in range(5)] == [8, 7, 3, 4, 3]
    # response rate: respondents of the physicians of the surveyed departments
    survey = _rows("post_survey.csv")
    invited = sum(int(r["physicians"]) for r in _rows("program.csv") if r["surveyed"] == "Yes")
    assert editor.result_text("response_rate") == _share(len(survey), invited)
    # aware of POST: of every respondent
    aware = sum(1 for r in survey if r[AWARE] == "Yes")
    assert editor.result_text("aware") == _share(aware, len(survey))
    reach = tree.topLevelItem(0)
    labels = [reach.child(i).text(0) for i in range(reach.childCount())]
    assert labels[5] == "Aware of POST"
    assert not editor.problems() and not editor.dirty
    assert not editor.save_button.isEnabled()  # nothing to save yet


def test_the_numbers_are_computed_off_the_ui_thread(qtbot, session, monkeypatch):
    threads = []
    real = editor_module.summarize_each

    def spy(*args, **kwargs):
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(editor_module, "summarize_each", spy)
    w = ReaimEditor(session)
    w.confirm_close = lambda _parent: QMessageBox.StandardButton.Discard
    qtbot.addWidget(w)
    assert w.result_text("aware") == "computing…"  # the window is up before the numbers
    _settle(qtbot, w)
    assert threads and all(t is not threading.main_thread() for t in threads)
    assert w.result_text("aware").startswith("66/75")


def test_add_a_measure_from_a_column_and_filter_it(editor, qtbot):
    rows = _rows("training_survey.csv")
    answered = [r for r in rows if r[PLATFORM]]
    top = sum(1 for r in answered if r[PLATFORM] in ("Good", "Excellent"))
    e = editor.add_measure("Implementation", "Training feedback survey", PLATFORM)
    assert e.data["kind"] == "distribution"  # an ordered scale suggests a distribution
    assert e.data["label"] == "Rating of the virtual training…"  # its short label
    assert editor.current_entry() is e and editor.f_kind.currentText() == "distribution"
    _settle(qtbot, editor)
    pct = (Decimal(100 * top) / len(answered)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    assert editor.result_text(e.id) == f"n = {len(answered)}; top-2-box {top} ({pct}%)"
    assert editor.figure.figure() is not None  # its bars, in the Figure tab
    assert editor.save_button.isEnabled()

    # a filter row: Department = Emergency Medicine
    editor.f_filter.add_button.click()
    (row,) = editor.f_filter.rows
    row.column.setCurrentIndex(row.column.findData("Department"))
    row.op.setCurrentText("=")
    assert "Emergency Medicine" in [row.value.itemText(i) for i in range(row.value.count())]
    row.value.setCurrentText("Emergency Medicine")
    _settle(qtbot, editor)
    em = [r for r in answered if r["Department"] == "Emergency Medicine"]
    em_top = sum(1 for r in em if r[PLATFORM] in ("Good", "Excellent"))
    assert 0 < len(em) < len(answered)
    pct = (Decimal(100 * em_top) / len(em)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    assert editor.result_text(e.id) == f"n = {len(em)}; top-2-box {em_top} ({pct}%)"
    assert e.data["filter"] == [{"column": "Department", "op": "=",
                                 "value": "Emergency Medicine"}]
    # another measure shows its own filter, nothing left of this one
    editor.select("referred")
    layout = editor.f_filter.layout()
    shown = [layout.itemAt(i).widget() for i in range(layout.count())]
    assert [w for w in shown if isinstance(w, editor_module._ConditionRow)] == []
    assert editor.f_filter.rows == []
    assert [r.condition() for r in editor.f_denominator.rows] == [
        {"column": AWARE, "op": "=", "value": "Yes"}]


def test_kinds_suggested_for_other_columns(editor):
    assert editor.add_measure("Reach", "Interactions", "duration_minutes").data["kind"] == \
        "numeric"
    assert editor.add_measure("Reach", "Interactions", "date").data["kind"] == "events"
    assert editor.add_measure("Adoption", "Program", "department").data["kind"] == "count"


def test_the_add_dialog_fills_in_kind_and_label(editor, qtbot):
    editor.reader.wait()
    dialog = editor_module.AddMeasureDialog(editor.datasets, set(), "Reach", editor)
    dialog.choose("Department-wide physician survey",
                  "What barriers might keep you from using POST? (select all that apply)")
    assert [dialog.kind.itemText(i) for i in range(dialog.kind.count())] == ["multi_select",
                                                                              "count"]
    assert dialog.label.text() == "What barriers might keep you…"
    dialog.open()
    dialog.column.setFocus()
    qtbot.keyClick(dialog.column, Qt.Key.Key_Return)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.entry() == ("Reach", {
        "id": "what_barriers_might_keep_you_f", "label": "What barriers might keep you…",
        "kind": "multi_select", "dataset": "Department-wide physician survey",
        "column": "What barriers might keep you from using POST? (select all that apply)"})
    dialog.deleteLater()


def test_an_invalid_field_shows_the_core_message_and_blocks_save(editor, qtbot):
    before = stored_spec_text(editor.session.project)
    editor.select("aware")
    editor.f_label.clear()
    editor.f_label.textEdited.emit("")
    _settle(qtbot, editor)
    error = editor.errors["label"]
    assert error.isVisible()
    assert error.text() == "give the text the table shows for this measure"
    assert editor.result_text("aware").startswith("⚠")
    assert not editor.save_button.isEnabled()
    assert editor.save() is False
    assert stored_spec_text(editor.session.project) == before
    # a check against the data: a number compared with text, named next to the filter
    editor.f_label.setText("Aware")
    editor.f_label.textEdited.emit("Aware")
    editor.select("duration")
    (row,) = editor.f_filter.rows
    row.op.setCurrentText("=")
    row.value.setCurrentText("soon")
    _settle(qtbot, editor)
    assert editor.errors["filter"].isVisible()
    assert editor.errors["filter"].text() == (
        'condition 1: "date" holds dates: compare it with a date (2020-11-01), not \'soon\'')
    assert not editor.save_button.isEnabled()
    row.value.setCurrentText("2020-11-01")
    _settle(qtbot, editor)
    assert not editor.errors["filter"].isVisible() and editor.save_button.isEnabled()


def test_export_and_import_toml_round_trip(editor, qtbot, tmp_path):
    stored = parse_spec(stored_spec_text(editor.session.project))
    path = editor.export_toml(tmp_path / "spec")
    assert path == tmp_path / "spec.toml"
    assert parse_spec(path.read_text(encoding="utf-8")) == stored
    text = path.read_text(encoding="utf-8").replace('label = "Aware of POST"',
                                                    'label = "Knew of POST"')
    other = tmp_path / "other.toml"
    other.write_text(text, encoding="utf-8")
    assert editor.import_toml(other)
    _settle(qtbot, editor)
    assert editor.dirty and editor.entry("aware").data["label"] == "Knew of POST"
    assert editor.result_text("aware").startswith("66/75")
    assert parse_spec(editor.text()) == parse_spec(text)
    # a file that is not a spec is refused in plain words, the editor unchanged
    bad = tmp_path / "bad.toml"
    bad.write_text("[[reach]]\nid = 3\n", encoding="utf-8")
    assert not editor.import_toml(bad)
    assert editor.entry("aware").data["label"] == "Knew of POST"
    editor.revert()
    assert not editor.dirty and editor.entry("aware").data["label"] == "Aware of POST"


def test_context_notes_are_editable(editor, qtbot):
    assert editor.context.rowCount() == 3
    editor.context.item(0, 1).setText("Changed note")
    assert editor.dirty
    assert parse_spec(editor.text()).context[0] == ("Intervention", "Changed note")


@pytest.fixture
def window(demo_window):
    return demo_window


def test_save_is_one_undoable_step_from_the_menu_window(window, qtbot):
    window.findChild(type(window.reaim_action), "actionReaim").trigger()
    editor = window.findChild(ReaimEditor)
    assert editor is not None and editor.isVisible()
    _settle(qtbot, editor)
    before = stored_spec_text(window.session.project)
    editor.select("aware")
    editor.f_label.setText("Knew of POST")
    editor.f_label.textEdited.emit("Knew of POST")
    _settle(qtbot, editor)
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow, timeout=5_000)
    qtbot.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    window.session.wait()
    saved = stored_spec_text(window.session.project)
    assert saved != before and not editor.dirty
    assert parse_spec(saved).measure("aware").label == "Knew of POST"
    assert window.session.undo_label() == "Save RE-AIM spec"
    window.activateWindow()  # Edit ▸ Undo of the main window
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    window.session.wait()
    qtbot.waitUntil(lambda: stored_spec_text(window.session.project) == before, timeout=10_000)
    _settle(qtbot, editor)
    assert editor.entry("aware").data["label"] == "Aware of POST"  # the editor follows


def test_numbers_follow_the_codings_and_the_selection_stays(editor, qtbot):
    """8 of the 35 who answered the second question were coded "Lack of time" (by either
    coder; resources/demo/codings.csv): one more coding makes it 9/35 = 25.714 → 25.7%."""
    from post_coder.coding.codebook import find_code
    from post_coder.coding.codings import apply_code, list_codings
    from post_coder.queries import ReadScope, find_question

    project = editor.session.project
    question = find_question(
        project, "What would make POST more useful, or what has kept you from using it?")
    lack = find_code(project, "Lack of time").id
    everyone = ReadScope.everyone()
    coded = {c.respondent for c in list_codings(project, everyone, codes=[lack],
                                                questions=[question])}
    fresh = next(c for c in list_codings(project, everyone, questions=[question])
                 if c.respondent not in coded)
    assert editor.result_text("lack_of_time_cited") == "8/35 (22.9%)"
    editor.select("recommend")
    editor.session.run(None, apply_code, fresh.response_id, lack, editor.session.coder_id)
    qtbot.waitUntil(lambda: editor.result_text("lack_of_time_cited") == "9/35 (25.7%)",
                    timeout=20_000)
    assert editor.current_entry().id == "recommend" and not editor.dirty


def test_change_the_kind_and_remove_a_measure(editor, qtbot):
    """A count of the interaction log's rows per department: 45 rows (interactions.csv),
    all of them kept when the date filter goes; Emergency Medicine has 30."""
    e = editor.add_measure("Reach", "Interactions", "department")
    assert e.data["kind"] == "distribution"
    editor.f_kind.setCurrentText("count")
    assert e.data == {"id": "department", "label": "department", "kind": "count",
                      "dataset": "Interactions", "group_by": "department"}
    assert editor.captions["column"].text() == "Group by"
    _settle(qtbot, editor)
    rows = _rows("interactions.csv")
    assert editor.result_text("department") == str(len(rows))
    em = sum(1 for r in rows if r["department"] == "Emergency Medicine")
    pct = (Decimal(100 * em) / len(rows)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    assert (f"Emergency Medicine</td><td align='right'>&nbsp;{em} ({pct}%)"
            in editor.numbers.text())
    count = editor.tree.topLevelItem(0).childCount()
    editor.remove_button.click()
    assert editor.tree.topLevelItem(0).childCount() == count - 1
    assert "department" not in [x.id for x in editor.entries]


def test_closing_the_project_asks_about_unsaved_spec_edits(window, qtbot):
    """File ▸ Close with the RE-AIM editor holding edits: Cancel keeps the project open,
    Discard closes it (the main window finds the editor without importing it at start)."""
    window.findChild(type(window.reaim_action), "actionReaim").trigger()
    editor = window.findChild(ReaimEditor)
    _settle(qtbot, editor)
    editor.select("aware")
    editor.f_label.setText("Knew of POST")
    editor.f_label.textEdited.emit("Knew of POST")
    _settle(qtbot, editor)
    assert editor.dirty
    asked = []
    editor.confirm_close = lambda _parent: asked.append(1) or QMessageBox.StandardButton.Cancel
    assert window.close_project() is False
    assert asked == [1] and window.session is not None and editor.isVisible()
    editor.confirm_close = lambda _parent: asked.append(2) or QMessageBox.StandardButton.Discard
    assert window.close_project() is True
    assert asked == [1, 2] and window.session is None
