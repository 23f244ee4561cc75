"""Data tables with no open-ended question (an interaction log), imported with ``--table``."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from post_coder.errors import InputError, NotFoundError
from post_coder.importing import import_problem, import_survey, inspect_file
from post_coder.queries import dataset_frame, questions, variables
from post_coder.store import surveys
from tests.import_helpers import refused
from tests.test_cli import run

LOG = Path(__file__).parent / "fixtures" / "interaction_log.csv"


def test_a_survey_without_open_ended_question_is_refused_with_the_way_out(project, snapshot):
    plan = inspect_file(LOG).with_mapping(open_ended=[])
    assert "choose at least one open-ended question" in import_problem(plan, numbered_by_row=True)
    refused(project, snapshot, LOG, r"no open-ended question is chosen.*--table",
            open_ended=[], id_column=None)


def test_interaction_log_imports_as_a_data_table(project):
    plan = inspect_file(LOG).as_table()
    assert plan.is_table and plan.open_ended == [] and plan.id_column is None
    assert plan.attributes == ["Date", "Department", "Duration (minutes)", "Type"]
    assert import_problem(plan, numbered_by_row=True) == ""
    assert "Imported as a data table (no answers to code)" in plan.describe()
    result = import_survey(project, plan, name="Interactions")
    assert (result.respondents, result.responses, result.questions) == (8, 0, [])
    [info] = surveys.list_datasets(project.db)
    assert (info.kind, info.name, info.respondents, info.questions) == ("log", "Interactions",
                                                                        8, 0)
    assert questions(project) == []  # nothing offered to code

    frame = dataset_frame(project, "Interactions")
    assert list(frame.columns) == ["Date", "Department", "Duration (minutes)", "Type"]
    assert list(frame.index) == ["1", "2", "3", "4", "5", "6", "7", "8"]
    assert pd.api.types.is_datetime64_dtype(frame["Date"])
    assert frame["Date"].iloc[2] == pd.Timestamp(2024, 3, 11)
    assert frame["Duration (minutes)"].dtype == float
    assert frame["Duration (minutes)"].tolist()[:3] == [25.0, 40.0, 15.0]
    assert math.isnan(frame["Duration (minutes)"].iloc[3])
    assert frame["Duration (minutes)"].sum() == 220.0
    assert list(frame["Department"].cat.categories) == [
        "Emergency Medicine", "Internal Medicine", "Pediatrics", "Surgery"]
    assert frame["Type"].tolist()[:4] == ["Phone call", "In person", "Phone call",
                                          "Text follow-up"]
    # the same frame by the dataset's id
    assert dataset_frame(project, info.id).equals(frame)


def test_table_refuses_an_open_ended_column(project):
    plan = inspect_file(LOG).as_table()
    with pytest.raises(InputError, match="it cannot be an open-ended question in a data "
                                         "table") as caught:
        plan.with_mapping(open_ended=["Type"])
    assert caught.value.column == "Type" and "interaction_log.csv" in str(caught.value)


def test_table_with_an_id_column_and_survey_attributes_frame(project, tmp_path, surveyed):
    path = tmp_path / "programs.csv"
    path.write_text("unit,opened,staff,level\nICU,2023-01-15,12,High\nED,2023-06-01,8,Low\n"
                    "Ward 3,2024-02-29,5,Medium\n", encoding="utf-8")
    plan = inspect_file(path).as_table().with_mapping(
        id_column="unit", levels={"level": ["Low", "Medium", "High"]})
    import_survey(surveyed, plan, name="Programs")
    frame = dataset_frame(surveyed, "Programs")
    assert list(frame.index) == ["ICU", "ED", "Ward 3"]
    assert frame.loc["Ward 3", "opened"] == pd.Timestamp(2024, 2, 29)
    assert frame["staff"].tolist() == [12.0, 8.0, 5.0]
    assert frame["level"].cat.ordered
    assert frame["level"].max() == "High" and frame["level"].min() == "Low"
    # the survey's questions and the attributes offered for filtering are unchanged
    assert [q.column_name for q in questions(surveyed)] == ["feedback", "suggestions"]
    assert [v.name for v in variables(surveyed)] == ["dept", "role"]


def test_table_needs_a_column_to_keep(project, snapshot):
    plan = inspect_file(LOG).as_table().with_mapping(attributes=[], id_column=None)
    assert import_problem(plan, numbered_by_row=True) == (
        "choose at least one column to keep: set its role to “Attribute”")
    before = snapshot(project)
    with pytest.raises(InputError, match="no column is chosen to keep.*--attributes"):
        import_survey(project, plan)
    assert snapshot(project) == before


def test_dataset_frame_unknown_dataset(project):
    with pytest.raises(NotFoundError, match='no dataset "Visits" in this project'):
        dataset_frame(project, "Visits")


def test_cli_table_import_and_info(tmp_path):
    project = tmp_path / "study.postcoder"
    run("new", project)
    out = run("import", project, LOG, "--table", "--no-id", "--name", "Interactions").output
    assert "Imported 8 rows of 4 columns from interaction_log.csv as a data table" in out
    info = run("info", project).output
    assert "Data table Interactions (csv): 8 rows, 4 columns, no answers to code" in info
    data = json.loads(run("info", project, "--json").output)
    assert [(d["kind"], d["variables"], d["questions"]) for d in data["datasets"]] == [
        ("log", 4, 0)]
    assert data["questions"] == []
