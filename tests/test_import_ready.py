"""The import wizard's "can we import?" rules, in the core (``importing.import_problem``,
``importing.earlier_import``): the wizard only shows what these say."""

from __future__ import annotations

import re

from post_coder.importing import earlier_import, import_problem, import_survey, inspect_file


def write(tmp_path, text, name="survey.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_nothing_stops_a_complete_mapping(survey_csv):
    plan = inspect_file(survey_csv).with_mapping(id_column="id", open_ended=["feedback"],
                                                 attributes=["dept"])
    assert import_problem(plan, numbered_by_row=False) == ""


def test_no_open_ended_question_is_named_first(survey_csv):
    plan = inspect_file(survey_csv).with_mapping(id_column=None, open_ended=[],
                                                 attributes=["dept"])
    assert import_problem(plan, numbered_by_row=False) == (
        "choose at least one open-ended question to code: set a column's role to "
        "“Open-ended question”")


def test_no_id_column_needs_numbering_by_row(survey_csv):
    plan = inspect_file(survey_csv).with_mapping(id_column=None, open_ended=["feedback"])
    assert import_problem(plan, numbered_by_row=False) == (
        "choose the column that holds the respondent id, or tick “No id column” to number "
        "respondents by row")
    assert import_problem(plan, numbered_by_row=True) == ""


def test_repeated_ids_stop_the_import(tmp_path):
    path = write(tmp_path, "id,text\nA,one answer\nB,two\nA,three\n")
    plan = inspect_file(path).with_mapping(id_column="id", open_ended=["text"])
    assert import_problem(plan, numbered_by_row=False) == (
        'the respondent id "A" appears twice in column "id" (lines 2 and 4); choose another id '
        "column or none (--no-id)")


def test_earlier_import_names_the_dataset(project, survey_csv, tmp_path):
    plan = inspect_file(survey_csv).with_mapping(id_column="id", open_ended=["feedback"])
    assert earlier_import(project, plan) == ""
    import_survey(project, plan, name="Wave 1")
    message = earlier_import(project, plan)
    assert re.fullmatch(r'this file was already imported as dataset "Wave 1" on '
                        r"\d{4}-\d\d-\d\d \d\d:\d\d UTC; importing it again adds its "
                        r"respondents a second time", message), message
    other = write(tmp_path, "id,text\nA,something else\n", "other.csv")
    assert earlier_import(project, inspect_file(other)) == ""
