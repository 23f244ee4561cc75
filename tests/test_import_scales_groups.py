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
