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


def test_set_levels_audited_and_not_undoable(project):
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
    # not an undo step (the variables table is not journaled): like an import, it clears
    # the undo history rather than let an older step be undone over it
    assert project.undo_label() is None


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
