"""Import Coder Work… with many codebook conflicts, every kind, every decision.

The lead (Maya) hands Luis a coder package; both then change the codebook so that Luis's
work file brings six conflicts: a rename, a redefinition, two name clashes (a new code,
and a rename onto a name taken here), a code retired here but used in the file, and a
code retired in the file but used here. The decisions are made in the real dialog (combo
boxes, typed names), and the merged codebook is checked name by name.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from post_coder.coding import codebook
from post_coder.coding.coders import list_coders
from post_coder.coding.codings import apply_code, list_codings
from post_coder.project import Project
from post_coder.store import audit
from post_coder.store.scope import ReadScope
from post_coder.team.package import export_package, export_work
from post_coder.ui.dialogs.import_work_dialog import (BASE, CODE, DECISION, FIELD, MINE,
                                                      THEIRS, WHAT, ImportWorkDialog)
from post_coder.ui.session import Session

EVERYONE = ReadScope.everyone()

pytestmark = pytest.mark.qt
TIMEOUT = 20_000

DEMO_CODES = {
    "Perceived effectiveness", "Emotional relief and well-being", "Perspective and resilience",
    "Department culture change", "Normalizing conversations", "Skilled peer supporters",
    "Implementation", "Leadership and institutional support", "Outreach and awareness",
    "Suggestions for improvement", "Barriers", "Lack of time", "Privacy and confidentiality",
    "Stigma", "Discomfort with emotional talk", "No perceived need"}
LACK_OF_TIME = "Workload, scheduling or fatigue leave no room to take part in a POST conversation."
LEAD_TIME = "Any mention of workload or shifts getting in the way."
LUIS_TIME = "Not enough time, or too tired, to take part."
LEAD_BURNOUT = "Exhaustion from the job as a whole."
LUIS_BURNOUT = "Emotional exhaustion after a run of hard cases."


def ids(project: Project) -> tuple[str, str]:
    by_name = {c.name: c.id for c in list_coders(project)}
    return by_name["Maya Chen"], by_name["Luis Ortega"]


def code_id(project: Project, name: str) -> str:
    return codebook.find_code(project, name).id


@pytest.fixture
def conflicted(session: Session, tmp_path: Path) -> tuple[Session, Path]:
    """The lead's session (as Maya) and Luis's work file with six conflicts."""
    project = session.writer
    maya, luis = ids(project)
    session.set_coder(maya)
    package = export_package(project, luis, tmp_path / "luis.postcoder").path
    with Project.open(package) as p:
        p.actor = luis
        codebook.rename_code(p, code_id(p, "Stigma"), "Self-stigma")
        codebook.redefine_code(p, code_id(p, "Lack of time"), definition=LUIS_TIME)
        codebook.add_code(p, "Burnout", definition=LUIS_BURNOUT)
        codebook.rename_code(p, code_id(p, "Perspective and resilience"), "Resilience")
        codebook.retire_code(p, code_id(p, "Discomfort with emotional talk"))
        need = code_id(p, "No perceived need")
        used = {c.response_id for c in list_codings(p, EVERYONE, codes=[need], coders=[luis])}
        response = next(c.response_id for c in list_codings(p, EVERYONE, coders=[luis])
                        if c.response_id not in used)
        apply_code(p, response, need, luis)
        work = export_work(p, tmp_path / "luis.postcoder-work").path
    codebook.rename_code(project, code_id(project, "Stigma"), "Stigma and shame")
    codebook.redefine_code(project, code_id(project, "Lack of time"), definition=LEAD_TIME)
    codebook.add_code(project, "Burnout", definition=LEAD_BURNOUT)
    codebook.add_code(project, "Resilience")
    codebook.retire_code(project, code_id(project, "No perceived need"))
    return session, work


def open_dialog(qtbot, session: Session, work: Path) -> ImportWorkDialog:
    dialog = ImportWorkDialog(session, work)
    qtbot.addWidget(dialog)
    dialog.resize(900, 700)
    dialog.show()
    wait_preview(qtbot, dialog)
    return dialog


def wait_preview(qtbot, dialog: ImportWorkDialog) -> None:
    qtbot.waitUntil(lambda: not dialog.previewing()
                    and (dialog.plan is not None or dialog.error_label.isVisible()),
                    timeout=TIMEOUT)


def row_of(dialog: ImportWorkDialog, name: str) -> int:
    table = dialog.conflicts_table
    rows = [r for r in range(table.rowCount()) if table.item(r, CODE).text() == name]
    assert len(rows) == 1, name
    return rows[0]


def decide(qtbot, dialog: ImportWorkDialog, name: str, option: str,
           new_name: str = "") -> None:
    """Pick the option in the row's combo, and type the new name, as a person would."""
    row = row_of(dialog, name)
    combo = dialog.conflicts_table.cellWidget(row, DECISION)
    index = combo.findData(option)
    assert index > 0, (name, option)
    combo.setCurrentIndex(index)
    if new_name:
        edit = dialog.name_edit(row)
        assert edit.isEnabled()
        qtbot.keyClicks(edit, new_name)


def sides(dialog: ImportWorkDialog, name: str) -> dict[str, tuple[str, str, str, bool]]:
    """The side-by-side table of a conflict: label → (base, mine, theirs, shown bold)."""
    dialog.conflicts_table.setCurrentCell(row_of(dialog, name), CODE)
    table = dialog.sides_table
    return {table.item(r, FIELD).text(): (table.item(r, BASE).text(),
                                          table.item(r, MINE).text(),
                                          table.item(r, THEIRS).text(),
                                          table.item(r, MINE).font().bold())
            for r in range(table.rowCount())}


def active_codes(project: Project) -> dict[str, str]:
    return {c.name: c.definition for c in codebook.list_codes(project)}


def decisions(project: Project) -> dict[str, str]:
    names = {c.id: c.name for c in codebook.list_codes(project, include_inactive=True)}
    return {names[e.entity_id]: e.after["decision"]
            for e in audit.entries(project.db, entity="code")
            if e.action == "resolve-conflict"}


def test_six_conflicts_are_listed_compared_side_by_side_and_need_every_choice(
        qtbot, conflicted):
    session, work = conflicted
    dialog = open_dialog(qtbot, session, work)
    table = dialog.conflicts_table
    assert not dialog.error_label.isVisible()
    kinds = {table.item(r, CODE).text(): c.kind for r, c in enumerate(dialog.plan.conflicts)}
    assert kinds == {"Stigma and shame": "rename", "Lack of time": "redefine",
                     "Burnout": "name-clash", "Perspective and resilience": "name-clash",
                     "No perceived need": "deleted-used",
                     "Discomfort with emotional talk": "used-deleted"}
    assert table.isVisible() and table.rowCount() == 6
    assert "Conflicts: 6" in dialog.summary_label.text()
    assert "“Stigma” was renamed differently: “Stigma and shame” here, “Self-stigma” in " \
           "Luis Ortega's work" in table.item(row_of(dialog, "Stigma and shame"), WHAT).text()

    # competing versions side by side: as packaged, here, theirs; differences in bold
    assert sides(dialog, "Lack of time")["Definition"] == (
        LACK_OF_TIME, LEAD_TIME, LUIS_TIME, True)
    assert sides(dialog, "Lack of time")["Name"] == (
        "Lack of time", "Lack of time", "Lack of time", False)
    assert not dialog.sides_table.isColumnHidden(BASE)
    assert dialog.sides_table.horizontalHeaderItem(THEIRS).text() == "Luis Ortega's work"
    assert sides(dialog, "Stigma and shame")["Name"] == (
        "Stigma", "Stigma and shame", "Self-stigma", True)
    burnout = sides(dialog, "Burnout")  # a new code: no base; mine is the code called so here
    assert dialog.sides_table.isColumnHidden(BASE)
    assert burnout["Definition"][1:] == (LEAD_BURNOUT, LUIS_BURNOUT, True)
    assert sides(dialog, "No perceived need")["Status"][1:] == ("retired", "in use", True)
    assert sides(dialog, "Discomfort with emotional talk")["Status"] == (
        "in use", "in use", "retired", True)

    # Import waits for all six choices; each choice previews again
    assert not dialog.ok_button.isEnabled()
    decide(qtbot, dialog, "Stigma and shame", "keep-mine")
    decide(qtbot, dialog, "Lack of time", "keep-mine")
    wait_preview(qtbot, dialog)
    assert dialog.undecided() == 4 and not dialog.ok_button.isEnabled()
    assert dialog.ok_button.toolTip() == "Choose what to do with every conflict first"
    for name in ("Burnout", "Perspective and resilience", "No perceived need",
                 "Discomfort with emotional talk"):
        decide(qtbot, dialog, name, "keep-mine")
    wait_preview(qtbot, dialog)
    assert dialog.undecided() == 0 and dialog.ok_button.isEnabled()
    decide(qtbot, dialog, "Lack of time", "rename:")  # a rename needs its new name
    assert dialog.undecided() == 1 and not dialog.ok_button.isEnabled()
    dialog.reject()


@pytest.mark.parametrize("choices, changes, expected", [
    pytest.param(
        {"Stigma and shame": ("rename:", "Stigma and self-stigma"),
         "Lack of time": ("keep-theirs", ""),
         "Burnout": ("keep-both", ""),
         "Perspective and resilience": ("keep-mine", ""),
         "No perceived need": ("keep-theirs", ""),
         "Discomfort with emotional talk": ("keep-mine", "")},
        ['"Burnout (LO)": new code',
         '"Lack of time": definition changed',
         '"No perceived need": back in use',
         '"Stigma and shame": renamed to "Stigma and self-stigma"'],
        {"added": {"Stigma and self-stigma", "Burnout", "Burnout (LO)", "Resilience"},
         "gone": {"Stigma"},
         "definitions": {"Lack of time": LUIS_TIME, "Burnout": LEAD_BURNOUT,
                         "Burnout (LO)": LUIS_BURNOUT}},
        id="rename-theirs-both-mine"),
    pytest.param(
        {"Stigma and shame": ("keep-theirs", ""),
         "Lack of time": ("keep-both", ""),
         "Burnout": ("keep-mine", ""),
         "Perspective and resilience": ("rename:", "Resilience (LO)"),
         "No perceived need": ("rename:", "No perceived need (revived)"),
         "Discomfort with emotional talk": ("keep-theirs", "")},
        ['"Burnout": merges into "Burnout"',
         '"Discomfort with emotional talk": retired',
         '"Lack of time (LO)": new code under "Barriers"',
         '"No perceived need": renamed to "No perceived need (revived)"; back in use',
         '"Perspective and resilience": renamed to "Resilience (LO)"',
         '"Stigma and shame": renamed to "Self-stigma"'],
        {"added": {"Self-stigma", "Lack of time (LO)", "Burnout", "Resilience",
                   "Resilience (LO)", "No perceived need (revived)"},
         "gone": {"Stigma", "Perspective and resilience", "No perceived need",
                  "Discomfort with emotional talk"},
         "definitions": {"Lack of time": LEAD_TIME, "Lack of time (LO)": LUIS_TIME,
                         "Burnout": LEAD_BURNOUT}},
        id="theirs-both-mine-rename"),
])
def test_the_decisions_made_in_the_dialog_are_what_gets_merged(qtbot, conflicted, choices,
                                                                changes, expected):
    session, work = conflicted
    project = session.writer
    maya, luis = ids(project)
    luis_time = len(list_codings(project, EVERYONE, codes=[code_id(project, "Lack of time")],
                                 coders=[luis]))
    dialog = open_dialog(qtbot, session, work)
    for name, (option, new_name) in choices.items():
        decide(qtbot, dialog, name, option, new_name)
    wait_preview(qtbot, dialog)
    assert not dialog.error_label.isVisible()
    listed = [dialog.changes_list.item(i).text() for i in range(dialog.changes_list.count())]
    assert listed == changes
    assert dialog.ok_button.isEnabled()
    dialog.rationale_edit.setText("agreed at the team meeting")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=TIMEOUT)
    assert dialog.result.merged

    codes = active_codes(project)
    assert set(codes) == (DEMO_CODES | expected["added"]) - expected["gone"]
    for name, definition in expected["definitions"].items():
        assert codes[name] == definition, name
    logged = decisions(project)
    assert len(logged) == 6
    assert sorted(logged.values()) == sorted(
        option + new_name for option, new_name in choices.values())
    entries = [e for e in audit.entries(project.db, entity="code")
               if e.action == "resolve-conflict"]
    assert {e.rationale for e in entries} == {"agreed at the team meeting"}
    if "Lack of time (LO)" in codes:  # keep-both: Luis's codings follow his version
        twin = code_id(project, "Lack of time (LO)")
        assert len(list_codings(project, EVERYONE, codes=[twin], coders=[luis])) == luis_time > 0
        assert not list_codings(project, EVERYONE, codes=[twin], coders=[maya])


def test_a_decision_the_core_refuses_is_shown_beside_the_choices(qtbot, conflicted):
    session, work = conflicted
    dialog = open_dialog(qtbot, session, work)
    for name in ("Lack of time", "Burnout", "Perspective and resilience",
                 "No perceived need", "Discomfort with emotional talk"):
        decide(qtbot, dialog, name, "keep-mine")
    decide(qtbot, dialog, "Stigma and shame", "rename:", "Lack of time")  # a taken name
    wait_preview(qtbot, dialog)
    assert dialog.error_label.isVisible()
    assert 'two codes would be called "Lack of time"' in dialog.error_label.text()
    assert dialog.conflicts_table.rowCount() == 6 and not dialog.ok_button.isEnabled()
    edit = dialog.name_edit(row_of(dialog, "Stigma and shame"))
    edit.clear()
    qtbot.keyClicks(edit, "Stigma (either)")
    wait_preview(qtbot, dialog)
    assert not dialog.error_label.isVisible() and dialog.ok_button.isEnabled()
    assert '"Stigma and shame": renamed to "Stigma (either)"' in [
        dialog.changes_list.item(i).text() for i in range(dialog.changes_list.count())]
    dialog.reject()
