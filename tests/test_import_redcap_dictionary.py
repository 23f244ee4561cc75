"""A REDCap data dictionary beside its data export: labels, choices, checkbox options and
field types; found beside the export; bad dictionaries refused with file, line and column.

Over the made-up fixtures ``redcap_data.csv`` (raw export), ``redcap_labels.csv`` (the same
records as a labels export) and ``redcap_dictionary.csv``; the real REDCap samples in
../shared are the ``test_real_*`` tests (skipped where missing).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from post_coder.cli import main
from post_coder.errors import InputError
from post_coder.importing import import_survey, inspect_file
from post_coder.store import surveys

FIXTURES = Path(__file__).resolve().parent / "fixtures"
DATA, LABELS, DICTIONARY = (FIXTURES / "redcap_data.csv", FIXTURES / "redcap_labels.csv",
                            FIXTURES / "redcap_dictionary.csv")
SPECIALTIES = ("Emergency medicine", "Surgery", "Obstetrics", "Anaesthesia", "Psychiatry")
SUPPORT = ("Phone call", "Coffee chat", "Home visit", "Chaplaincy", "Online group")
SUPPORT_QUESTION = "Which kinds of support did you receive? (tick all that apply)"
HEADER = ('"Variable / Field Name","Form Name","Section Header","Field Type","Field Label",'
          '"Choices, Calculations, OR Slider Labels","Field Note",'
          '"Text Validation Type OR Show Slider Number"\n')


def columns(plan) -> dict:
    return {c.name: c for c in plan.columns}


def values(project, dataset_id: str, external: str) -> dict:
    return surveys.variable_values_for(
        project.db, surveys.respondent_id_for(project.db, dataset_id, external))


def test_raw_export_gets_labels_choices_checkboxes_and_types(project):
    plan = inspect_file(DATA, dictionary=DICTIONARY)
    got = columns(plan)
    assert plan.dictionary == DICTIONARY
    assert got["specialty"].wording == "Your specialty"
    assert (got["specialty"].role, got["specialty"].type) == ("attribute", "categorical")
    assert tuple(got["specialty"].levels) == SPECIALTIES  # the dictionary's order, unchosen too
    assert (got["support"].type, tuple(got["support"].levels)) == ("multi_select", SUPPORT)
    assert got["support"].wording == SUPPORT_QUESTION
    assert got["support"].source_columns == [f"support___{i}" for i in range(1, 6)]
    assert (got["comments"].role, got["comments"].note) == ("open_ended", "REDCap notes field")
    assert got["comments"].wording == "How did peer support help you, if at all?"  # HTML off
    assert (got["years_in_practice"].type, got["years_in_practice"].role) == \
        ("numeric", "attribute")
    assert got["dob"].type == "date"
    for personal in ("name_first", "address", "telephone", "email", "dob"):
        assert got[personal].role == "skip", personal
    assert "address" not in plan.open_ended  # a notes field, but an identifier
    assert plan.open_ended == ["comments"]
    assert any('REDCap data dictionary "redcap_dictionary.csv"' in n for n in plan.notes)

    result = import_survey(project, plan)
    assert values(project, result.dataset_id, "1") == {
        "specialty": "Surgery", "years_in_practice": 14, "support": ["Phone call", "Chaplaincy"]}
    assert values(project, result.dataset_id, "4")["specialty"] == "Anaesthesia"
    [variable] = [v for v in surveys.list_variables(project.db) if v.name == "specialty"]
    assert (variable.label, variable.levels) == ("Your specialty", SPECIALTIES)
    [ds] = surveys.list_datasets(project.db)
    assert ds.options["dictionary"] == "redcap_dictionary.csv"


def test_without_the_dictionary_codes_stay_codes():
    plan = inspect_file(DATA)
    got = columns(plan)
    assert plan.dictionary is None
    assert tuple(got["support"].levels) == ("1", "2", "3", "4", "5")
    assert got["specialty"].wording == "specialty"
    assert "Surgery" not in got["specialty"].levels


def test_labels_export_gets_the_dictionary_order_and_types(project):
    plan = inspect_file(LABELS, dictionary=DICTIONARY)
    got = columns(plan)
    assert tuple(got["Your specialty"].levels) == SPECIALTIES
    assert tuple(got[SUPPORT_QUESTION].levels) == SUPPORT
    comments = "How did peer support help you, if at all?"
    assert got[comments].role == "open_ended"
    assert got["Years in practice"].type == "numeric"
    # the field names name the columns too
    mapped = plan.with_mapping(open_ended=["comments"], attributes=["specialty", "support"])
    assert mapped.open_ended == [comments]
    assert mapped.attributes == ["Your specialty", SUPPORT_QUESTION]
    result = import_survey(project, mapped)
    assert values(project, result.dataset_id, "1") == {
        "Your specialty": "Surgery", SUPPORT_QUESTION: ["Phone call", "Chaplaincy"]}


def test_found_beside_an_export_named_the_redcap_way(tmp_path):
    export = tmp_path / "PeerSupport_DATA_2025-01-20_1012.csv"
    shutil.copy(DATA, export)
    shutil.copy(DICTIONARY, tmp_path / "PeerSupport_DataDictionary_2025-01-20.csv")
    (tmp_path / "PeerSupport_DataDictionary_2024-11-02.csv").write_text("old, broken\n")
    (tmp_path / "Other_DataDictionary_2025-02-01.csv").write_text("not this one\n")
    plan = inspect_file(export)
    assert plan.dictionary == tmp_path / "PeerSupport_DataDictionary_2025-01-20.csv"
    assert tuple(columns(plan)["support"].levels) == SUPPORT
    assert any(n.endswith("(found beside the export)") for n in plan.notes)
    labels = tmp_path / "PeerSupport_DATA_LABELS_2025-01-20_1013.csv"
    shutil.copy(LABELS, labels)
    assert inspect_file(labels).dictionary == plan.dictionary
    # an export not named the REDCap way is read alone
    other = tmp_path / "export.csv"
    shutil.copy(DATA, other)
    assert inspect_file(other).dictionary is None


def test_a_bad_dictionary_found_beside_is_set_aside_with_a_note(tmp_path):
    export = tmp_path / "PeerSupport_DATA_2025-01-20_1012.csv"
    shutil.copy(DATA, export)
    (tmp_path / "PeerSupport_DataDictionary_2025-01-20.csv").write_text(
        HEADER + "specialty,f,,dropdwn,Specialty,,,\n")
    plan = inspect_file(export)
    assert plan.dictionary is None
    assert tuple(columns(plan)["support"].levels) == ("1", "2", "3", "4", "5")
    [note] = [n for n in plan.notes if "DataDictionary" in n]
    assert 'was not used: PeerSupport_DataDictionary_2025-01-20.csv, line 2, column ' \
           '"Field Type"' in note


@pytest.mark.parametrize("body, line, column, message", [
    ('"Variable / Field Name","Form Name","Field Label"\nrecord_id,f,Record ID\n', 1,
     "Field Type", 'no "Field Type" column'),
    (HEADER + "record_id,f,,text,Record ID,,,\nspecialty,f,,dropdwn,Specialty,,,\n", 3,
     "Field Type", 'the field "specialty" has the type "dropdwn"'),
    (HEADER + "specialty,f,,dropdown,Specialty,\"1, Surgery | 2 Obstetrics\",,\n", 2,
     "Choices, Calculations, OR Slider Labels", 'a choice "2 Obstetrics" that is not'),
    (HEADER + "specialty,f,,radio,Specialty,,,\n", 2,
     "Choices, Calculations, OR Slider Labels", "has no choices"),
    (HEADER + "specialty,f,,radio,Specialty,\"1, A | 1, B\",,\n", 2,
     "Choices, Calculations, OR Slider Labels", 'the choice code "1" twice'),
    (HEADER + "record_id,f,,text,Record ID,,,\n,f,,text,Age,,,\n", 3,
     "Variable / Field Name", "this field has no variable name"),
    (HEADER + "record_id,f,,text,Record ID,,,\nrecord_id,f,,text,Again,,,\n", 3,
     "Variable / Field Name", 'the field "record_id" is listed twice (lines 2 and 3)'),
])
def test_bad_dictionary_is_refused_naming_file_line_and_column(tmp_path, project, body, line,
                                                                column, message):
    bad = tmp_path / "bad_dictionary.csv"
    bad.write_text(body, encoding="utf-8")
    with pytest.raises(InputError) as err:
        inspect_file(DATA, dictionary=bad)
    assert (err.value.file, err.value.line, err.value.column) == ("bad_dictionary.csv", line,
                                                                  column)
    assert message in err.value.message


def test_dictionary_of_another_project_is_refused(tmp_path):
    other = tmp_path / "other.csv"
    other.write_text(HEADER + "visit_date,f,,text,Visit,,,date_ymd\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"other.csv: none of the data dictionary's fields is "
                                         r"a column of redcap_data.csv"):
        inspect_file(DATA, dictionary=other)


def test_missing_dictionary_file_is_named(tmp_path):
    with pytest.raises(InputError, match=r"nothere.csv: there is no such file"):
        inspect_file(DATA, dictionary=tmp_path / "nothere.csv")


def test_import_without_the_inspected_frame_applies_the_dictionary_again(project):
    from dataclasses import replace

    plan = replace(inspect_file(DATA, dictionary=DICTIONARY), _frame=None)
    result = import_survey(project, plan)
    assert values(project, result.dataset_id, "2")["support"] == ["Coffee chat"]


def test_cli_dictionary_option(tmp_path):
    project = tmp_path / "p.postcoder"
    runner = CliRunner()
    assert runner.invoke(main, ["new", str(project)]).exit_code == 0
    dry = runner.invoke(main, ["import", str(project), str(DATA), "--dictionary",
                               str(DICTIONARY), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "levels: Phone call, Coffee chat, Home visit, Chaplaincy, Online group" in dry.output
    assert 'specialty  "Your specialty"' in dry.output
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "specialty,f,,dropdwn,Specialty,,,\n", encoding="utf-8")
    refused = runner.invoke(main, ["import", str(project), str(DATA), "--dictionary", str(bad)])
    assert refused.exit_code == 1
    assert 'bad.csv, line 2, column "Field Type": the field "specialty" has the type ' \
           '"dropdwn"' in refused.output


# -- the real REDCap samples -------------------------------------------------------------------

def test_real_simple_project(project, real_samples):
    folder = real_samples / "redcap"
    plan = inspect_file(folder / "simple_data.csv", dictionary=folder / "simple_dictionary.csv")
    got = columns(plan)
    assert tuple(got["race"].levels) == (
        "American Indian/Alaska Native", "Asian", "Native Hawaiian or Other Pacific Islander",
        "Black or African American", "White", "Unknown / Not Reported")
    assert tuple(got["ethnicity"].levels) == (
        "Unknown / Not Reported", "NOT Hispanic or Latino", "Hispanic or Latino")
    assert plan.open_ended == ["comments"]
    assert got["mugshot"].role == "skip" and got["bmi"].type == "numeric"
    result = import_survey(project, plan)
    assert values(project, result.dataset_id, "1")["race"] == ["White"]


def test_real_survey_and_letter_codes(real_samples):
    folder = real_samples / "redcap"
    plan = inspect_file(folder / "survey_data.csv", dictionary=folder / "survey_dictionary.csv")
    got = columns(plan)
    assert tuple(got["pmq1"].levels) == ("Less than 5", "5-10", "6-15", "Over 15")
    assert got["pmq1"].type == "ordinal"
    assert tuple(got["consent"].levels) == ("I consent",)
    assert got["study_comments"].note == "REDCap notes field"
    plan = inspect_file(folder / "checkboxes-1_data.csv",
                        dictionary=folder / "checkboxes-1_dictionary.csv")
    assert tuple(columns(plan)["check_two"].levels) == ("A", "B", "C", "D", "E")
    assert plan.open_ended == ["desired_result"]
