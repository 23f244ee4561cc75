"""The demo project reproduces its RE-AIM numbers: every measure of resources/demo/reaim.toml
against values counted by hand from the made-up files in resources/demo/.

How they were counted:

- ``interactions.csv``: 45 rows, June 2019 to May 2022. Per study year (June-May): 12, 15,
  18. Per month: two months with none (July 2019, February 2020), 25 with one, 8 with two,
  one with four (January 2022): mean 45/36 = 1.25 -> 1.3, median 1 (the 18th and 19th of
  the 36 sorted counts are 1), SD sqrt((73 - 45²/36) / 35) = 0.69. By department: EM 30,
  Anesthesia 4, ICU 3, Hospitalists 3, OBGYN 2, AFM, Pediatric Hospitalists and Geriatrics
  1 each; Head and Neck Surgery, Pediatric ICU and Maxillofacial Surgery none. Durations are
  blank before November 2020; from then on 27 rows, one of them blank (2022-01-24): 10, 20,
  30, 30, 45 ×4, 60 ×7, 75 ×2, 90 ×4, 120 ×3, 150, 180: sum 1890, mean 72.69, median 60
  (13th and 14th), SD sqrt((177350 - 1890²/26) / 25) = 39.98.
- ``program.csv``: 11 departments, all launched by January 2022 and all active; physicians
  530 (surveyed departments EM 70 + Anesthesia 55 + ICU 30 + Hospitalists 60 + OBGYN 40 =
  255), supporters trained 59, still active 50, trained virtually 38.
- ``training_survey.csv``: 37 rows. Overall rating Excellent 30, Good 7; framework Strongly
  agree 25, Agree 12; confident reaching out Strongly agree 20, Agree 15, Neutral 2; red
  flags Strongly agree 14, Agree 18, Neutral 3, Disagree 1, blank 1; virtual platform
  Excellent 18, Good 14, Fair 4, Poor 1.
- ``post_survey.csv`` (75 respondents, 66 aware): among the aware, referred 30, had an
  interaction 32; department impact Strongly agree 16, Agree 29, Neutral 18, Disagree 2,
  blank 1; recommend Strongly agree 27, Agree 25, Neutral 11, Disagree 1, Strongly disagree
  1, blank 1; satisfaction Very satisfied 26, Satisfied 18, Neutral 18, Dissatisfied 2,
  blank 2; barriers ticked: Lack of time 36, No perceived need 15, Privacy concerns 12, Not
  comfortable 12, Stigma 5, Other 3, Did not know how to access 2, none 12.
- ``codings.csv``: Maya Chen coded "Department culture change" on the first question for 14
  respondents; "Lack of time" on the second was coded for 8 respondents (by either coder).
  The first question has 46 non-blank answers, 3 of them non-answers (none, -, N/A): 43
  answered; the second 39 non-blank, 4 non-answers (n/a, None, NA, .): 35 answered.
"""

from __future__ import annotations

import pytest

from post_coder.demo import build_demo
from post_coder.export.reaim import summarize
from post_coder.export.reaim.stored import stored_spec
from post_coder.queries import ReadScope


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    project = build_demo(tmp_path_factory.mktemp("demo") / "demo.postcoder")
    try:
        found = summarize(project, stored_spec(project), ReadScope.everyone())
    finally:
        project.close()
    return {r["id"]: r for r in found}


def _npd(r):
    return (r["n"], r["denominator"], r["percent"])


def test_reach(results):
    r = results
    assert _npd(r["virtual_training"]) == (38, 59, 64.4)
    count = r["interactions"]
    assert (count["n"], count["zero_groups"]) == (45, [
        "Head and Neck Surgery", "Pediatric ICU", "Maxillofacial Surgery"])
    assert [(g["label"], g["n"], g["percent"]) for g in count["groups"]] == [
        ("Emergency Medicine", 30, 66.7), ("Anesthesia", 4, 8.9), ("ICU", 3, 6.7),
        ("Hospitalists", 3, 6.7), ("OBGYN", 2, 4.4), ("Adult and Family Medicine", 1, 2.2),
        ("Head and Neck Surgery", 0, 0.0), ("Pediatric Hospitalists", 1, 2.2),
        ("Pediatric ICU", 0, 0.0), ("Geriatrics", 1, 2.2), ("Maxillofacial Surgery", 0, 0.0)]
    monthly = r["interactions_per_month"]
    assert (monthly["n"], len(monthly["periods"]), monthly["mean"], monthly["sd"],
            monthly["median"], monthly["min"], monthly["max"]) == (45, 36, 1.3, 0.7, 1, 0, 4)
    assert [(y["label"], y["n"], y["mean"]) for y in monthly["years"]] == [
        ("2019-20", 12, 1), ("2020-21", 15, 1.3), ("2021-22", 18, 1.5)]
    d = r["duration"]
    assert (d["n"], d["missing"], d["mean"], d["sd"], d["median"], d["min"], d["max"]) == (
        26, 1, 72.7, 40.0, 60, 10, 180)
    assert _npd(r["response_rate"]) == (75, 255, 29.4)
    assert _npd(r["aware"]) == (66, 75, 88.0)
    assert _npd(r["referred"]) == (30, 66, 45.5)
    assert _npd(r["had_interaction"]) == (32, 66, 48.5)


def _top(r):
    return (r["top_box"]["n"], r["top_box"]["denominator"], r["top_box"]["percent"],
            r["missing"])


def test_effectiveness(results):
    r = results
    assert _npd(r["training_response"]) == (37, 38, 97.0)  # decimals = 0
    assert _top(r["training_rating"]) == (37, 37, 100.0, 0)
    assert _top(r["training_framework"]) == (37, 37, 100.0, 0)
    assert _top(r["confident_outreach"]) == (35, 37, 94.6, 0)
    assert _top(r["confident_red_flags"]) == (32, 36, 88.9, 1)
    impact = r["department_impact"]
    assert _top(impact) == (45, 65, 69.2, 1)
    assert [e["n"] for e in impact["levels"]] == [0, 2, 18, 29, 16]
    culture = r["culture_change_cited"]
    assert _npd(culture) + (culture["missing"],) == (14, 43, 32.6, 32)


def test_adoption(results):
    r = results
    assert r["departments_adopted"]["n"] == 11
    assert _npd(r["physicians_covered"]) == (530, 883, 60.0)
    assert _top(r["recommend"]) == (52, 65, 80.0, 1)


def test_implementation(results):
    r = results
    satisfaction = r["satisfaction"]
    assert _top(satisfaction) == (44, 64, 68.8, 2)  # 68.75: half away from zero
    assert [(e["label"], e["n"], e["percent"]) for e in satisfaction["levels"]] == [
        ("Very dissatisfied", 0, 0.0), ("Dissatisfied", 2, 3.1), ("Neutral", 18, 28.1),
        ("Satisfied", 18, 28.1), ("Very satisfied", 26, 40.6)]
    assert _top(r["virtual_platform"]) == (32, 37, 86.5, 0)
    barriers = r["barriers"]
    assert (barriers["n"], barriers["missing"]) == (66, 12)
    assert [(e["label"], e["n"], e["percent"]) for e in barriers["levels"]] == [
        ("Lack of time", 36, 54.5), ("No perceived need", 15, 22.7),
        ("Privacy concerns", 12, 18.2),
        ("Not comfortable discussing emotions with colleagues", 12, 18.2), ("Stigma", 5, 7.6),
        ("Did not know how to access", 2, 3.0), ("Other", 3, 4.5)]
    assert _npd(r["lack_of_time_cited"]) == (8, 35, 22.9)


def test_maintenance(results):
    r = results
    yearly = r["interactions_per_study_year"]
    assert [(p["label"], p["n"]) for p in yearly["periods"]] == [
        ("2019-20", 12), ("2020-21", 15), ("2021-22", 18)]
    assert (yearly["mean"], yearly["median"], yearly["min"], yearly["max"]) == (15, 15, 12, 18)
    assert _npd(r["supporters_active"]) == (50, 59, 84.7)
    assert _npd(r["departments_active"]) == (11, 11, 100.0)


def test_every_dimension_and_kind_is_in_the_demo(results):
    assert {r["dimension"] for r in results.values()} == {
        "Reach", "Effectiveness", "Adoption", "Implementation", "Maintenance"}
    assert {r["kind"] for r in results.values()} == {
        "count", "proportion", "distribution", "multi_select", "numeric", "events",
        "retention", "coded"}
