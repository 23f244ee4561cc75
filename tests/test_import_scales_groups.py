"""Ordered scales beyond agree/satisfied, numeric bands, explicit level orders (--levels,
set_levels) and checkbox groups imported as one multi-select variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from post_coder.importing import inspect_file
from post_coder.importing.scales import ordinal_levels

FIXTURES = Path(__file__).parent / "fixtures"


def test_fixture_scales_come_in_natural_order():
    plan = inspect_file(FIXTURES / "ordered_scales.csv")
    got = {c.name: (c.type, c.levels) for c in plan.columns if c.role == "attribute"}
    assert got == {
        "Change in workload": ("ordinal", ["Much worse", "Somewhat worse", "No change",
                                           "Somewhat improved", "Much improved"]),
        "Impact on practice": ("ordinal", ["No impact", "Some", "Moderate", "Major"]),
        "How often did you use peer support?": ("ordinal", ["Never", "Rarely", "Sometimes",
                                                            "Often", "Always"]),
        "Contact frequency": ("ordinal", ["Never", "Monthly", "Weekly", "A few times a week",
                                          "Daily"]),
        "Quality of sessions": ("ordinal", ["Poor", "Fair", "Good", "Very good", "Excellent"]),
        "Likely to recommend": ("ordinal", ["Very unlikely", "Unlikely",
                                            "Neither likely nor unlikely", "Likely",
                                            "Very likely", "Don't know"]),
        "Patients per week": ("ordinal", ["<5", "5-10", "11-20", ">20"]),
        "Years in practice": ("ordinal", ["Less than 1 year", "1-5 years", "6-10 years",
                                          "11-20 years", "More than 20 years"]),
        "Age group": ("ordinal", ["Under 25", "25-34", "35-44", "45-54", "55-64", "65+"]),
    }
    assert plan.id_column == "Respondent ID" and plan.open_ended == ["Anything else?"]


@pytest.mark.parametrize("values, expected", [
    (["Better", "Worse", "About the same"], ["Worse", "About the same", "Better"]),
    (["Major impact", "Minor impact", "No impact at all", "Moderate impact"],
     ["No impact at all", "Minor impact", "Moderate impact", "Major impact"]),
    (["Every day", "Once a month", "Less than once a month", "Once a week", "Several times a day"],
     ["Less than once a month", "Once a month", "Once a week", "Every day",
      "Several times a day"]),
    (["To a great extent", "Not at all", "Somewhat"],
     ["Not at all", "Somewhat", "To a great extent"]),
    (["Very confident", "Not at all confident", "Somewhat confident"],
     ["Not at all confident", "Somewhat confident", "Very confident"]),
    (["More than 2 years", "1-2 years", "Less than 6 months", "6 months - 1 year"],
     ["Less than 6 months", "6 months - 1 year", "1-2 years", "More than 2 years"]),
    (["$75,000 or more", "$25,000 to $49,999", "Less than $25,000", "$50,000 - $74,999"],
     ["Less than $25,000", "$25,000 to $49,999", "$50,000 - $74,999", "$75,000 or more"]),
    (["6 or more", "0", "3-5", "1-2"], ["0", "1-2", "3-5", "6 or more"]),
    (["10–19 hours", "Under 10 hours", "40+ hours", "20-39 hours"],
     ["Under 10 hours", "10–19 hours", "20-39 hours", "40+ hours"]),
    (["Agree", "Not applicable", "Disagree", "Strongly agree"],
     ["Disagree", "Agree", "Strongly agree", "Not applicable"]),
])
def test_more_scales_and_bands(values, expected):
    assert ordinal_levels(values) == expected


@pytest.mark.parametrize("values", [
    ["1", "2", "3"],                          # plain numbers are numeric, not bands
    ["5 hours", "1-2 apples"],                # units differ
    ["Don't know", "Not applicable"],         # nothing on a scale
    ["Some", "Often"],                        # two scales mixed
    ["Room 5", "Room 6-7"],
])
def test_not_ordered(values):
    assert ordinal_levels(values) is None


def test_spss_value_labels_as_bands_are_ordinal():
    from post_coder.importing.scales import ordinal_from_labels

    assert ordinal_from_labels(["Under 25", "25-44", "45-64", "65 or older"])
    assert ordinal_from_labels(["More than 10", "5-10", "Less than 5"])
    assert not ordinal_from_labels(["25-44", "Under 25", "65 or older"])   # codes out of order


# -- an explicit level order: the mapping, --levels, set_levels ---------------------------------

def test_mapping_levels_reorder_and_check():
    plan = inspect_file(FIXTURES / "ordered_scales.csv")
    mapped = plan.with_mapping(levels={
        "Impact on practice": ["Major", "Moderate", "Some", "No impact"],
        "Respondent ID": [f"P0{i}" for i in range(8, 0, -1)] + ["P09"]})
    assert mapped.column("Impact on practice").levels == ["Major", "Moderate", "Some",
                                                         "No impact"]
    assert mapped.column("Impact on practice").type == "ordinal"
    rid = mapped.column("Respondent ID")     # a text column given levels becomes ordinal
    assert (rid.type, rid.levels[0], rid.levels[-1]) == ("ordinal", "P08", "P09")
    assert plan.column("Impact on practice").levels[0] == "No impact"   # original untouched


@pytest.mark.parametrize("levels, match", [
    (["Major", "Moderate", "Some"], r'levels given for column "Impact on practice" leave out '
                                    r'1 of its answers: "No impact"; list every one'),
    (["Major", "Major", "Some", "No impact", "Moderate"], r'name "Major" twice'),
    (["Major", "", "Some", "No impact", "Moderate"], "include an empty level"),
])
def test_mapping_levels_errors(levels, match):
    from post_coder.errors import InputError

    plan = inspect_file(FIXTURES / "ordered_scales.csv")
    with pytest.raises(InputError, match=match) as caught:
        plan.with_mapping(levels={"Impact on practice": levels})
    assert "ordered_scales.csv" in str(caught.value)


def _cli(*args, ok=True):
    from click.testing import CliRunner

    from post_coder.cli import main

    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output
    return result


def test_cli_levels(tmp_path):
    path = tmp_path / "s.postcoder"
    _cli("new", path)
    out = _cli("import", path, FIXTURES / "ordered_scales.csv", "--dry-run",
               "--levels", "Quality of sessions=Excellent|Very good|Good|Fair|Poor|Terrible",
               "--levels", "Age group=Under 25|25-34|35-44|45-54|55-64|65+").output
    assert "levels: Excellent < Very good < Good < Fair < Poor < Terrible" in out
    bad = _cli("import", path, FIXTURES / "ordered_scales.csv", "--dry-run",
               "--levels", "Quality of sessions=Good|Fair", ok=False)
    assert bad.exit_code != 0
    assert 'leave out 3 of its answers: "Excellent", "Very good", "Poor"' in bad.output
    _cli("import", path, FIXTURES / "ordered_scales.csv",
         "--levels", "Impact on practice=Major|Moderate|Some|No impact")
    from post_coder.project import Project
    from post_coder.queries import variables

    with Project.open(path) as p:
        got = {v.name: list(v.levels) for v in variables(p)}
    assert got["Impact on practice"] == ["Major", "Moderate", "Some", "No impact"]
    assert got["Change in workload"] == ["Much worse", "Somewhat worse", "No change",
                                         "Somewhat improved", "Much improved"]


def _imported(project):
    from post_coder.importing import import_survey

    import_survey(project, inspect_file(FIXTURES / "ordered_scales.csv"))


def test_set_levels_audited_and_undoable(project):
    from post_coder.importing import set_levels
    from post_coder.queries import variables
    from post_coder.store import audit

    from post_coder.coding.codebook import add_code

    _imported(project)
    add_code(project, "Workload")
    assert project.undo_label() is not None
    changes = set_levels(project, "Quality of sessions",
                         ["Excellent", "Very good", "Good", "Fair", "Poor", "Awful"],
                         rationale="high first, as in the report")
    assert changes.datasets
    levels = {v.name: list(v.levels) for v in variables(project)}
    assert levels["Quality of sessions"] == ["Excellent", "Very good", "Good", "Fair", "Poor",
                                             "Awful"]
    entry = [e for e in audit.entries(project.db, entity="variable") if e.action == "set_levels"]
    assert len(entry) == 1 and entry[0].rationale == "high first, as in the report"
    assert entry[0].before == ["Poor", "Fair", "Good", "Very good", "Excellent"]
    # one undo step (the variables table is journaled), on top of the earlier ones
    assert project.undo_label() == "Set levels"
    project.undo()
    levels = {v.name: list(v.levels) for v in variables(project)}
    assert levels["Quality of sessions"] == ["Poor", "Fair", "Good", "Very good", "Excellent"]
    assert project.undo_label() == "Add code"


@pytest.mark.parametrize("variable, levels, error, match", [
    ("Quality of sessions", ["Poor", "Fair"], "InputError",
     r'levels given for "Quality of sessions" leave out 3 of its answers'),
    ("Quality of session", ["Poor"], "NotFoundError",
     r'no attribute variable "Quality of session".*Did you mean "Quality of sessions"'),
])
def test_set_levels_refusals_leave_the_project_as_it_was(project, variable, levels, error, match):
    from post_coder import errors
    from post_coder.importing import set_levels
    from post_coder.queries import variables

    _imported(project)
    before = {v.name: v.levels for v in variables(project)}
    with pytest.raises(getattr(errors, error), match=match):
        set_levels(project, variable, levels)
    assert {v.name: v.levels for v in variables(project)} == before


# -- checkbox groups -------------------------------------------------------------------------------

def _groups(plan):
    return {c.name: (c.type, c.levels, c.source_columns, c.wording)
            for c in plan.columns if c.type == "multi_select"}


def test_qualtrics_numbered_checkboxes_and_comma_lists():
    plan = inspect_file(FIXTURES / "qualtrics_checkboxes.csv")
    assert _groups(plan) == {
        "Q13": ("multi_select", ["Privacy concerns", "Lack of time", "Not knowing whom to call",
                                 "Stigma, or fear of it", "Other"],
                ["Q13_1", "Q13_2", "Q13_3", "Q13_4", "Q13_5"],
                "Which barriers kept you from using peer support?"),
        "Q14": ("multi_select", ["Phone call", "Coffee chat", "Group debrief"],
                ["Q14_1", "Q14_2", "Q14_3"], "Which formats would you use?"),
        "Q15": ("multi_select", ["Early morning", "Evening, after 6 pm", "Lunch time"], ["Q15"],
                "Which times suit you?"),
    }
    assert plan.open_ended == ["Q13_5_TEXT", "Q16"]
    assert [c.name for c in plan.columns][8:] == ["Q13", "Q13_5_TEXT", "Q14", "Q15", "Q16"]


def test_checkbox_headers_on_a_plain_table():
    plan = inspect_file(FIXTURES / "checkbox_headers.csv")
    stem = "Q13 Which barriers?"
    assert _groups(plan) == {
        stem: ("multi_select", ["Privacy concerns", "Lack of time", "Stigma"],
               [f"{stem} [Privacy concerns]", f"{stem} [Lack of time]", f"{stem} [Stigma]"],
               stem),
        "q20": ("multi_select", ["1", "2", "3"], ["q20_1", "q20_2", "q20_3"], "q20"),
    }
    # numbered columns holding numbers other than 0/1 stay apart
    assert (plan.column("rating_1").type, plan.column("rating_2").type) == ("numeric", "numeric")


def test_google_forms_comma_lists_keep_options_with_commas():
    plan = inspect_file(FIXTURES / "google_forms_checkboxes.csv")
    supports = plan.column("Which supports did you use?")
    assert (supports.type, supports.levels) == (
        "multi_select", ["Coaching, mentoring and support", "Coffee chat", "Phone call",
                         "Sleep, Nutrition & Exercise module"])
    once = plan.column("Did you use them more than once?")   # one answer each, not lists
    assert (once.type, once.levels) == ("categorical", ["No, never", "Yes, once or twice",
                                                        "Yes, regularly"])


def _stored(project, plan):
    from post_coder.importing import import_survey
    from post_coder.store import surveys

    import_survey(project, plan)
    out = {}
    for person in project.db.execute("SELECT id, external_id FROM respondents").fetchall():
        out[person[1]] = surveys.variable_values_for(project.db, person[0])
    return out


def test_groups_import_as_one_variable_each(project):
    from post_coder.queries import variables

    stored = _stored(project, inspect_file(FIXTURES / "qualtrics_checkboxes.csv"))
    assert stored["R_1aaaaaaaaaaaaaa"]["Q13"] == ["Privacy concerns", "Lack of time"]
    assert stored["R_6ffffffffffffff"]["Q13"] == ["Privacy concerns", "Stigma, or fear of it",
                                                  "Other"]
    assert stored["R_3cccccccccccccc"]["Q14"] == ["Phone call", "Coffee chat"]
    assert stored["R_3cccccccccccccc"]["Q15"] == ["Evening, after 6 pm", "Lunch time"]
    assert "Q13" not in stored["R_5eeeeeeeeeeeeee"]
    names = [v.name for v in variables(project)]
    assert "Q13" in names and not any(n.startswith("Q13_") for n in names)


def test_google_forms_lists_stored_whole(project):
    plan = inspect_file(FIXTURES / "google_forms_checkboxes.csv")
    stored = _stored(project, plan.with_mapping(id_column=None))
    assert stored["4"]["Which supports did you use?"] == [
        "Coaching, mentoring and support", "Coffee chat", "Sleep, Nutrition & Exercise module"]
    assert stored["2"]["Which supports did you use?"] == ["Coaching, mentoring and support",
                                                         "Phone call"]


def test_split_options_with_known_options():
    from post_coder.importing.values import comma_options, split_options

    assert split_options("A, B, Yes, Really", ",") == ["A", "B", "Yes", "Really"]
    assert split_options("A, Yes, Really", ",", {"Yes, Really"}) == ["A", "Yes, Really"]
    assert split_options("Tea, coffee, Water", ",") == ["Tea, coffee", "Water"]
    assert comma_options(["Red, Blue", "Red", "Green, Dark, Olive", "Blue", "Green"]) == \
        {"Dark, Olive"}
    assert comma_options(["Red, Blue", "Green, Dark, Olive", "Blue"]) == {"Green, Dark, Olive"}


# -- SPSS multiple-response sets ---------------------------------------------------------------
# pyreadstat 1.3.8 reads mr_sets but cannot write them, so the tests write a plain .sav and
# add the sets to the metadata pyreadstat returns, as a file with sets would have them.

def _sav_with_sets(tmp_path, monkeypatch, sets):
    import pandas as pd
    import pyreadstat

    df = pd.DataFrame({
        "id": [1.0, 2.0, 3.0, 4.0],
        "bar_1": [1.0, 0.0, 1.0, 0.0], "bar_2": [0.0, 1.0, 1.0, 0.0],
        "bar_3": [1.0, 0.0, 0.0, 0.0],
        "cat_a": [1.0, 2.0, None, 3.0], "cat_b": [2.0, None, None, 1.0],
        "comment": ["The sessions were long but the people were lovely to talk to.",
                    "I never found the time to go, the rota is far too tight.",
                    "The room was cold and too public for a real conversation.",
                    "Coffee chats were the best part of the whole program."],
    })
    path = tmp_path / "sets.sav"
    yes_no = {0.0: "No", 1.0: "Yes"}
    channels = {1.0: "Phone", 2.0: "E-mail", 3.0: "In person"}
    pyreadstat.write_sav(df, str(path), column_labels={
        "bar_1": "Barriers: Privacy concerns", "bar_2": "Barriers: Lack of time",
        "bar_3": "Barriers: Stigma"},
        variable_value_labels={"bar_1": yes_no, "bar_2": yes_no, "bar_3": yes_no,
                               "cat_a": channels, "cat_b": channels})
    real = pyreadstat.read_sav

    def read_with_sets(*args, **kwargs):
        df, meta = real(*args, **kwargs)
        meta.mr_sets = sets
        return df, meta

    monkeypatch.setattr(pyreadstat, "read_sav", read_with_sets)
    return path


SETS = {
    "barriers": {"type": "D", "is_dichotomy": True, "counted_value": 1,
                 "label": "Which barriers kept you away?",
                 "variable_list": ["BAR_1", "bar_2", "bar_3"]},
    "channels": {"type": "C", "is_dichotomy": False, "counted_value": None,
                 "label": "How did we reach you?", "variable_list": ["cat_a", "cat_b"]},
}


def test_spss_multiple_response_sets(tmp_path, monkeypatch, project):
    path = _sav_with_sets(tmp_path, monkeypatch, SETS)
    plan = inspect_file(path)
    assert _groups(plan) == {
        "barriers": ("multi_select", ["Privacy concerns", "Lack of time", "Stigma"],
                     ["bar_1", "bar_2", "bar_3"], "Which barriers kept you away?"),
        "channels": ("multi_select", ["Phone", "E-mail", "In person"], ["cat_a", "cat_b"],
                     "How did we reach you?"),
    }
    stored = _stored(project, plan)
    assert stored["1"]["barriers"] == ["Privacy concerns", "Stigma"]
    assert stored["3"]["barriers"] == ["Privacy concerns", "Lack of time"]
    assert "barriers" not in stored["4"]
    assert stored["1"]["channels"] == ["Phone", "E-mail"]
    assert stored["4"]["channels"] == ["Phone", "In person"]


def test_spss_set_naming_a_missing_variable_is_left_apart(tmp_path, monkeypatch):
    sets = {"barriers": dict(SETS["barriers"], variable_list=["bar_1", "bar_9"])}
    plan = inspect_file(_sav_with_sets(tmp_path, monkeypatch, sets))
    assert _groups(plan) == {}
    assert plan.column("bar_1").levels == ["No", "Yes"]
