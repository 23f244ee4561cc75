"""RE-AIM summaries: every kind of measure against numbers worked out by hand on small
datasets built here, filters on each operator, the spec's errors, the stored spec.

The interaction log (9 rows; row 9 has no date, rows 2 and 7 no minutes, row 4 no note):

====  ==========  ====  =======  =========  =======================
row   date        dept  minutes  supporter  note
====  ==========  ====  =======  =========  =======================
1     2019-06-03  EM    30       S1         after a code blue
2     2019-06-20  EM             S1         night shift debrief
3     2019-08-15  ICU   60       S2         lawsuit worry
4     2019-12-01  EM    45       S2
5     2020-05-31  Hosp  90       S3         Code review follow-up
6     2020-06-01  EM    15       S1         short check-in
7     2020-09-10  ICU            S3         family complaint
8     2021-05-31  EM    120      S1         patient death
9                 EM    20       S2         coded late
====  ==========  ====  =======  =========  =======================

The survey (R4 not aware; rating ordinal Poor < Fair < Good < Very good < Excellent;
barriers multi-select; comment open-ended, blank for R3 and R4).
"""

from __future__ import annotations

import json

import pytest

from post_coder.export.reaim import SpecError, check_spec, parse_spec, summarize
from post_coder.export.reaim.stored import save_spec, stored_spec, stored_spec_text
from post_coder.export.reaim.tables import reaim_tables, write_summary
from post_coder.importing import import_survey, inspect_file
from post_coder.store.scope import ReadScope
from post_coder.team import review
from tests.test_agreement_report import team  # noqa: F401 - the fixture

EVERYONE = ReadScope.everyone()

LOG = """date,department,minutes,supporter,note
2019-06-03,EM,30,S1,after a code blue
2019-06-20,EM,,S1,night shift debrief
2019-08-15,ICU,60,S2,lawsuit worry
2019-12-01,EM,45,S2,
2020-05-31,Hosp,90,S3,Code review follow-up
2020-06-01,EM,15,S1,short check-in
2020-09-10,ICU,,S3,family complaint
2021-05-31,EM,120,S1,patient death
,EM,20,S2,coded late
"""

SURVEY = """id,aware,rating,barriers,comment
R1,Yes,Excellent,Time;Privacy,Great help with time
R2,Yes,Good,Time,Too busy
R3,Yes,Fair,,
R4,No,,,
R5,Yes,,Privacy,Helpful
R6,Yes,Excellent,,Loved it
"""

PROGRAM = """department,launched,active,physicians,surveyed,trained,still_active
EM,2019-06-01,Yes,60,Yes,8,7
ICU,2019-09-01,Yes,30,Yes,4,3
Hosp,2020-01-01,No,40,No,5,2
Geriatrics,2020-03-01,Yes,20,No,3,3
"""


@pytest.fixture
def data(project, tmp_path):
    for name, text in (("log", LOG), ("program", PROGRAM)):
        path = tmp_path / f"{name}.csv"
        path.write_text(text, encoding="utf-8")
        import_survey(project, inspect_file(path).as_table(), name=name)
    path = tmp_path / "survey.csv"
    path.write_text(SURVEY, encoding="utf-8")
    plan = inspect_file(path).with_mapping(
        id_column="id", open_ended=["comment"], attributes=["aware", "rating", "barriers"],
        types={"barriers": "multi_select", "rating": "ordinal"},
        levels={"rating": ["Poor", "Fair", "Good", "Very good", "Excellent"]})
    import_survey(project, plan, name="survey")
    return project


def _one(project, body: str, dimension: str = "reach") -> dict:
    spec = parse_spec(f'[[{dimension}]]\nid = "m"\nlabel = "M"\n{body}')
    [result] = summarize(project, spec, EVERYONE)
    return result


def _log(project, body: str) -> dict:
    return _one(project, f'dataset = "log"\n{body}')


# -- count, with a zero group ----------------------------------------------------------------

def test_count_by_department_reports_the_department_with_no_rows(data):
    r = _log(data, 'kind = "count"\ngroup_by = "department"\n'
                   'groups = ["EM", "ICU", "Hosp", "Geriatrics"]')
    assert (r["n"], r["denominator"], r["percent"], r["missing"]) == (9, 9, 100.0, 0)
    assert [(g["label"], g["n"], g["denominator"], g["percent"]) for g in r["groups"]] == [
        ("EM", 6, 9, 66.7), ("ICU", 2, 9, 22.2), ("Hosp", 1, 9, 11.1),
        ("Geriatrics", 0, 9, 0.0)]
    assert r["zero_groups"] == ["Geriatrics"]
    [table] = reaim_tables([r])
    assert [row.cells for row in table.rows] == [
        ("M", "9", 9, "1 with none: Geriatrics"), ("EM", "6 (66.7%)", 9, ""),
        ("ICU", "2 (22.2%)", 9, ""), ("Hosp", "1 (11.1%)", 9, ""),
        ("Geriatrics", "0 (0.0%)", 9, "")]
    assert [row.kind for row in table.rows] == ["data"] + ["indented"] * 4


def test_a_group_left_out_of_the_declared_list_is_still_counted_and_named(data):
    r = _log(data, 'kind = "count"\ngroup_by = "department"\ngroups = ["EM", "ICU"]')
    assert [(g["label"], g["n"], g["declared"]) for g in r["groups"]] == [
        ("EM", 6, True), ("ICU", 2, True), ("Hosp", 1, False)]
    assert "not in the declared list: Hosp" in reaim_tables([r])[0].rows[0].cells[3]


def test_count_with_a_filter_is_a_percent_of_all_rows_and_names_undecided_rows(data):
    r = _log(data, 'kind = "count"\nfilter = [{ column = "minutes", op = ">=", value = 60 }]')
    # 60, 90, 120 of 9 rows; rows 2 and 7 have no minutes: undecided, reported
    assert (r["n"], r["denominator"], r["percent"], r["filter_missing"]) == (3, 9, 33.3, 2)
    assert reaim_tables([r])[0].rows[0].cells == (
        "M", "3 (33.3%)", 9, "2 left out: a filter column was blank")


# -- filters: every operator ------------------------------------------------------------------

@pytest.mark.parametrize("condition,n,undecided", [
    ('column = "department", op = "=", value = "EM"', 6, 0),
    ('column = "department", op = "!=", value = "EM"', 3, 0),
    ('column = "department", op = "in", value = ["ICU", "Hosp"]', 3, 0),
    ('column = "department", op = "not in", value = ["ICU"]', 7, 0),
    ('column = "minutes", op = "<", value = 30', 2, 2),          # 15, 20
    ('column = "minutes", op = "<=", value = 30', 3, 2),         # 15, 20, 30
    ('column = "minutes", op = ">", value = 60', 2, 2),          # 90, 120
    ('column = "minutes", op = ">=", value = 60', 3, 2),         # 60, 90, 120
    ('column = "minutes", op = "=", value = 45', 1, 2),
    ('column = "date", op = "<", value = 2020-01-01', 4, 1),     # rows 1-4; row 9 undated
    ('column = "date", op = ">=", value = "2020-06-01"', 3, 1),  # rows 6-8
    ('column = "note", op = "contains", value = "CODE"', 3, 1),  # rows 1, 5, 9; row 4 blank
    ('column = "minutes", op = "missing"', 2, 0),
    ('column = "minutes", op = "not missing"', 7, 0),
])
def test_each_operator_on_the_log(data, condition, n, undecided):
    r = _log(data, f'kind = "count"\nfilter = [{{ {condition} }}]')
    assert (r["n"], r["filter_missing"]) == (n, undecided)


@pytest.mark.parametrize("condition,n", [
    ('column = "rating", op = ">=", value = "Good"', 3),         # Excellent, Good, Excellent
    ('column = "rating", op = "<", value = "Good"', 1),          # Fair
    ('column = "rating", op = "<=", value = "Fair"', 1),
    ('column = "rating", op = ">", value = "Very good"', 2),
    ('column = "barriers", op = "contains", value = "Privacy"', 2),   # R1, R5
    ('column = "barriers", op = "in", value = ["Time", "Privacy"]', 3),
    ('column = "barriers", op = "not in", value = ["Time"]', 1),      # R5 (R3, R4, R6 blank)
])
def test_ordinal_and_multi_select_operators(data, condition, n):
    r = _one(data, f'kind = "count"\ndataset = "survey"\nfilter = [{{ {condition} }}]')
    assert r["n"] == n


def test_conditions_all_hold(data):
    r = _log(data, 'kind = "count"\nfilter = [{ column = "department", op = "=", value = "EM" },'
                   ' { column = "minutes", op = "<", value = 40 }]')
    # EM rows with minutes under 40: 30, 15, 20; row 2 (EM, no minutes) undecided
    assert (r["n"], r["filter_missing"]) == (3, 1)


# -- proportion, with the rounding tie ---------------------------------------------------------

def test_eighteen_of_thirty_two_is_56_3_percent(project, tmp_path):
    path = tmp_path / "twice.csv"
    path.write_text("id,two_or_more\n" + "".join(
        f"P{i},{'Yes' if i <= 18 else 'No'}\n" for i in range(1, 33)), encoding="utf-8")
    import_survey(project, inspect_file(path).as_table().with_mapping(id_column="id"),
                  name="interacted")
    r = _one(project, 'kind = "proportion"\ndataset = "interacted"\n'
                      'numerator = [{ column = "two_or_more", op = "=", value = "Yes" }]',
             "effectiveness")
    assert (r["n"], r["denominator"], r["percent"]) == (18, 32, 56.3)  # Python's round: 56.2
    assert reaim_tables([r])[0].rows[0].cells[1:3] == ("18 (56.3%)", 32)
    r2 = _one(project, 'kind = "proportion"\ndataset = "interacted"\ndecimals = 0\n'
                       'numerator = [{ column = "two_or_more", op = "=", value = "Yes" }]')
    assert r2["percent"] == 56.0


def test_proportion_within_a_denominator_filter_reports_missing_answers(data):
    # aware: R1 R2 R3 R5 R6 (5); rating Good or better among them: R1 R2 R6; R5 blank
    r = _one(data, 'kind = "proportion"\ndataset = "survey"\n'
                   'denominator = [{ column = "aware", op = "=", value = "Yes" }]\n'
                   'numerator = [{ column = "rating", op = ">=", value = "Good" }]')
    assert (r["n"], r["denominator"], r["percent"], r["missing"]) == (3, 5, 60.0, 1)
    assert "1 missing" in reaim_tables([r])[0].rows[0].cells[3]


def test_proportion_over_a_number_and_over_a_program_table_sum(data):
    r = _one(data, 'kind = "proportion"\ndataset = "survey"\ndenominator_value = 255')
    assert (r["n"], r["denominator"], r["percent"]) == (6, 255, 2.4)  # 6/255 = 2.35…
    # physicians of surveyed departments: EM 60 + ICU 30 = 90; 6/90 = 6.666…
    r = _one(data, 'kind = "proportion"\ndataset = "survey"\ndenominator_from = { dataset = '
                   '"program", column = "physicians", filter = [{ column = "surveyed", '
                   'op = "=", value = "Yes" }] }')
    assert (r["n"], r["denominator"], r["percent"]) == (6, 90, 6.7)


# -- distribution, multi-select ---------------------------------------------------------------

def test_distribution_in_level_order_with_top_two_box(data):
    r = _one(data, 'kind = "distribution"\ndataset = "survey"\ncolumn = "rating"\n'
                   'filter = [{ column = "aware", op = "=", value = "Yes" }]')
    # aware: R1 Excellent, R2 Good, R3 Fair, R5 (blank), R6 Excellent
    assert (r["n"], r["denominator"], r["missing"]) == (4, 4, 1)
    assert [(e["label"], e["n"], e["percent"]) for e in r["levels"]] == [
        ("Poor", 0, 0.0), ("Fair", 1, 25.0), ("Good", 1, 25.0), ("Very good", 0, 0.0),
        ("Excellent", 2, 50.0)]
    assert (r["top_box"]["levels"], r["top_box"]["n"], r["top_box"]["percent"]) == (
        ["Very good", "Excellent"], 2, 50.0)
    [table] = reaim_tables([r])
    assert [row.cells for row in table.rows] == [
        ("M", "n = 4; top-2-box 2 (50.0%)", 4, "1 missing"), ("Poor", "0 (0.0%)", 4, ""),
        ("Fair", "1 (25.0%)", 4, ""), ("Good", "1 (25.0%)", 4, ""),
        ("Very good", "0 (0.0%)", 4, ""), ("Excellent", "2 (50.0%)", 4, ""),
        ("Top-2-box (Very good, Excellent)", "2 (50.0%)", 4, "")]
    r3 = _one(data, 'kind = "distribution"\ndataset = "survey"\ncolumn = "rating"\ntop = 3')
    assert (r3["top_box"]["n"], r3["top_box"]["denominator"], r3["top_box"]["percent"]) == (
        3, 4, 75.0)


def test_multi_select_per_option_with_its_base(data):
    body = ('kind = "multi_select"\ndataset = "survey"\ncolumn = "barriers"\n'
            'filter = [{ column = "aware", op = "=", value = "Yes" }]\n')
    everyone = _one(data, body + 'base = "all"')
    # 5 aware; Time: R1 R2; Privacy: R1 R5; R3 and R6 ticked nothing
    assert (everyone["n"], everyone["missing"]) == (5, 2)
    assert sorted((e["label"], e["n"], e["denominator"], e["percent"])
                  for e in everyone["levels"]) == [("Privacy", 2, 5, 40.0), ("Time", 2, 5, 40.0)]
    assert reaim_tables([everyone])[0].rows[0].cells == (
        "M", "base 5", 5, "2 missing; base: every row the filter keeps")
    answered = _one(data, body)
    assert sorted((e["label"], e["n"], e["denominator"], e["percent"])
                  for e in answered["levels"]) == [("Privacy", 2, 3, 66.7), ("Time", 2, 3, 66.7)]


# -- numeric description ------------------------------------------------------------------------

def test_numeric_description_with_missing_values(data):
    r = _log(data, 'kind = "numeric"\ncolumn = "minutes"')
    # 30 60 45 90 15 120 20: sum 380, mean 54.29; sorted median 45; SS = 29650 - 380²/7
    # = 9021.43, SD = sqrt(9021.43 / 6) = 38.78
    assert (r["n"], r["missing"], r["mean"], r["sd"], r["median"], r["min"], r["max"]) == (
        7, 2, 54.3, 38.8, 45, 15, 120)
    assert reaim_tables([r])[0].rows[0].cells == (
        "M", "mean 54.3 (SD 38.8); median 45; range 15–120", 7, "2 missing")


def test_numeric_description_with_a_filter(data):
    r = _log(data, 'kind = "numeric"\ncolumn = "minutes"\n'
                   'filter = [{ column = "date", op = ">=", value = 2020-06-01 }]')
    # rows 6 (15), 7 (no minutes), 8 (120); row 9 has no date: undecided
    # mean 67.5, SD = 105 / sqrt(2) = 74.25
    assert (r["n"], r["missing"], r["filter_missing"], r["mean"], r["sd"], r["median"]) == (
        2, 1, 1, 67.5, 74.2, 67.5)


# -- events per period, a study year from June ---------------------------------------------------

def test_events_per_month_in_study_years_starting_in_june(data):
    r = _log(data, 'kind = "events"\ndate = "date"\nyear_start = 6', )
    # June 2019 .. May 2021: 24 months; 8 dated rows, row 9 undated (missing)
    assert (r["n"], r["missing"], len(r["periods"]), r["start"], r["end"]) == (
        8, 1, 24, "2019-06-01", "2021-05-31")
    by_month = {p["label"]: p["n"] for p in r["periods"] if p["n"]}
    assert by_month == {"2019-06": 2, "2019-08": 1, "2019-12": 1, "2020-05": 1, "2020-06": 1,
                        "2020-09": 1, "2021-05": 1}
    # 8 / 24 = 0.33; 17 empty months of 24: median 0
    assert (r["mean"], r["median"], r["min"], r["max"]) == (0.3, 0, 0, 2)
    # study years: Jun 2019-May 2020 has 5 (5/12 = 0.42), Jun 2020-May 2021 has 3 (0.25 -> 0.3)
    assert [(y["label"], y["n"], y["periods"], y["mean"]) for y in r["years"]] == [
        ("2019-20", 5, 12, 0.4), ("2020-21", 3, 12, 0.3)]


def test_events_per_quarter_and_per_year_from_june(data):
    r = _log(data, 'kind = "events"\ndate = "date"\nyear_start = 6\nperiod = "quarter"')
    # quarters Jun-Aug, Sep-Nov, Dec-Feb, Mar-May
    assert [(p["label"], p["n"]) for p in r["periods"]] == [
        ("2019-20 Q1", 3), ("2019-20 Q2", 0), ("2019-20 Q3", 1), ("2019-20 Q4", 1),
        ("2020-21 Q1", 1), ("2020-21 Q2", 1), ("2020-21 Q3", 0), ("2020-21 Q4", 1)]
    assert [(y["n"], y["mean"]) for y in r["years"]] == [(5, 1.3), (3, 0.8)]  # 1.25, 0.75
    y = _log(data, 'kind = "events"\ndate = "date"\nyear_start = 6\nperiod = "year"\n'
                   'start = 2019-07-01\nend = 2021-05-31')
    # the two June 2019 rows fall before the start: outside, reported
    assert [(p["label"], p["n"]) for p in y["periods"]] == [("2019-20", 3), ("2020-21", 3)]
    assert (y["n"], y["outside"], y["years"]) == (6, 2, [])
    january = _log(data, 'kind = "events"\ndate = "date"\nperiod = "year"')
    assert [(p["label"], p["n"]) for p in january["periods"]] == [
        ("2019", 4), ("2020", 3), ("2021", 1)]


# -- retention ---------------------------------------------------------------------------------

def test_retention_by_rows_and_by_column_sums(data):
    r = _one(data, 'kind = "retention"\ndataset = "program"\n'
                   'active = [{ column = "active", op = "=", value = "Yes" }]', "maintenance")
    assert (r["n"], r["denominator"], r["percent"], r["lost"]) == (3, 4, 75.0, 1)
    r = _one(data, 'kind = "retention"\ndataset = "program"\nstart_column = "trained"\n'
                   'active_column = "still_active"', "maintenance")
    # trained 8+4+5+3 = 20, still active 7+3+2+3 = 15
    assert (r["n"], r["denominator"], r["percent"], r["lost"]) == (15, 20, 75.0, 5)


# -- coded answers -------------------------------------------------------------------------------

def _coded(p, body):
    return _one(p, f'kind = "coded"\nquestion = "feedback"\n{body}', "effectiveness")


def test_coded_answers_from_a_coder_the_union_and_the_consensus_layer(team):
    p = team
    # feedback answered by R1-R5 (R6 blank); Ben applied Time to R1 and R3
    r = _coded(p, 'code = "Time"\nsource = "coder:Ben"')
    assert (r["n"], r["denominator"], r["percent"], r["missing"]) == (2, 5, 40.0, 1)
    assert _coded(p, 'code = "Time"\nsource = "coder:Cleo"')["n"] == 3  # R1 R2 R3
    everyone = _coded(p, 'code = "Time"\nsource = "coder:Ben"\nbase = "all"')
    assert (everyone["n"], everyone["denominator"], everyone["percent"]) == (2, 6, 33.3)
    # Support counts with its sub-code Peer support (Ben, R1) unless subcodes = false
    assert _coded(p, 'code = "Support"\nsource = "coder:Ben"')["n"] == 1
    assert _coded(p, 'code = "Support"\nsource = "coder:Ben"\nsubcodes = false')["n"] == 0
    assert _coded(p, 'code = "Support"\nsource = "union"')["n"] == 1
    icu = _coded(p, 'code = "Time"\nsource = "coder:Ben"\n'
                    'filter = [{ column = "dept", op = "=", value = "ICU" }]')
    assert (icu["n"], icu["denominator"], icu["percent"]) == (1, 2, 50.0)  # R3 of R3, R5

    # no decisions yet: the consensus layer holds the codes every coder who marked the
    # answer done applied: Time on R1 (ABC), R3 (AB; Cleo took her done mark back) and R5
    # (Ana alone); R2 (Cleo only) and R4 (Ana, not Cleo) are disagreements, left out
    r = _coded(p, 'code = "Time"')
    assert (r["n"], r["denominator"], r["percent"], r["unresolved"]) == (3, 5, 60.0, 2)
    assert reaim_tables([r])[0].rows[0].cells[1:] == (
        "3 (60.0%)", 5, "1 missing; source: consensus; 2 disagreements not yet resolved are "
        "left out")
    # Support and Peer support on R1: one coder each of three, both left out
    r = _coded(p, 'code = "Support"')
    assert (r["n"], r["unresolved"]) == (0, 2)
    # a filter keeps only ICU (R3, R5): R2's and R4's disagreements are not its business
    icu = _coded(p, 'code = "Time"\nfilter = [{ column = "dept", op = "=", value = "ICU" }]')
    assert (icu["n"], icu["denominator"], icu["unresolved"]) == (2, 2, 0)
    s = review.open_session(p, EVERYONE, "Round 1", ["Ana", "Ben", "Cleo"]).new_id
    review.decide(p, EVERYONE, s, p.r["R4"], "Time", applies=True)
    review.decide(p, EVERYONE, s, p.r["R2"], "Time", applies=False)
    review.decide(p, EVERYONE, s, p.r["R1"], "Support", other_code="Peer support")
    r = _coded(p, 'code = "Time"')  # R1, R3, R5 as before and R4 decided
    assert (r["n"], r["denominator"], r["percent"], r["source"], r["unresolved"]) == (
        4, 5, 80.0, "consensus", 0)
    assert reaim_tables([r])[0].rows[0].cells[3] == "1 missing; source: consensus"
    assert _coded(p, 'code = "Support"')["n"] == 1            # R1, through Peer support
    assert _coded(p, 'code = "Support"\nsubcodes = false')["n"] == 0
    assert _coded(p, 'code = "Time"\nsource = "union"')["unresolved"] is None


# -- the spec's errors -----------------------------------------------------------------------

def _problems(text: str) -> list[str]:
    with pytest.raises(SpecError) as caught:
        parse_spec(text)
    return caught.value.problems


def test_a_bad_field_names_the_measure_and_the_field():
    assert _problems('[[reach]]\nid = "visits"\nlabel = "Visits"\nkind = "count"\n'
                     'dataset = "log"\ngroupby = "department"') == [
        'measure "visits": field "groupby": a count measure has no such field (its fields: '
        "dataset, decimals, filter, group_by, groups, label, note)"]
    problems = _problems(
        '[[adoption]]\nid = "recommend"\nlabel = "Would recommend"\nkind = "proportion"\n'
        'dataset = "survey"\nnumerator = [{ column = "q", op = "~", value = 1 }]\n'
        'denominator_value = -3\n\n[[reach]]\nid = "x"\nkind = "tally"\nlabel = "x"\n'
        '[[maintenance]]\nid = "per"\nlabel = "Per month"\nkind = "events"\ndataset = "log"\n'
        'date = "date"\nyear_start = 13\nperiod = "week"\n')
    assert problems == [
        'measure "x": field "kind": \'tally\' is not a kind of measure; the kinds are count, '
        "proportion, distribution, multi_select, numeric, events, retention, coded",
        'measure "recommend": field "denominator_value": give a whole number above 0, not -3',
        'measure "recommend": field "numerator": condition 1: \'~\' is not an operator; use '
        "one of =, !=, <, <=, >, >=, in, not in, contains, missing, not missing",
        'measure "per": field "period": \'week\' is not a period; use month, quarter or year',
        'measure "per": field "year_start": give the month the year starts in, 1 to 12 (6 for '
        "June), not 13"]


def test_other_shape_errors():
    assert _problems("not toml =")[0].startswith("it is not valid TOML")
    assert _problems('[[reach]]\nid = "a"\nlabel = "A"\nkind = "numeric"\ndataset = "log"') == [
        'measure "a": field "column": a numeric measure needs it']
    assert _problems('[[reach]]\nid = "a"\nlabel = "A"\nkind = "count"\ndataset = "d"\n'
                     '[[reach]]\nid = "a"\nlabel = "B"\nkind = "count"\ndataset = "d"') == [
        'measure "a": field "id": another measure has the same id']
    assert _problems('[[reach]]\nid = "a"\nlabel = "A"\nkind = "count"\ndataset = "d"\n'
                     'filter = [{ column = "x", op = "missing", value = 1 }]') == [
        'measure "a": field "filter": condition 1: "missing" takes no value']
    assert _problems('[[reech]]\nid = "a"') == [
        '"reech" is not part of a spec: write measures under [[reach]], [[effectiveness]], '
        "[[adoption]], [[implementation]], [[maintenance]], notes under [[context]]"]
    assert _problems('title = "x"') == [
        "the spec has no measures: add one under [[reach]], [[effectiveness]], [[adoption]], "
        "[[implementation]] or [[maintenance]]"]


def test_the_spec_is_checked_against_the_project(data):
    spec = parse_spec("""
[[reach]]
id = "a"
label = "A"
kind = "count"
dataset = "log"
group_by = "departement"

[[reach]]
id = "b"
label = "B"
kind = "numeric"
dataset = "log"
column = "department"

[[reach]]
id = "c"
label = "C"
kind = "count"
dataset = "logs"

[[effectiveness]]
id = "d"
label = "D"
kind = "proportion"
dataset = "survey"
numerator = [{ column = "aware", op = "=", value = "yes" }]

[[effectiveness]]
id = "e"
label = "E"
kind = "count"
dataset = "log"
filter = [{ column = "minutes", op = ">", value = "sixty" }]

[[effectiveness]]
id = "f"
label = "F"
kind = "coded"
question = "comment"
code = "Nope"
""")
    problems = check_spec(data, spec)
    assert problems[0] == ('measure "a": field "group_by": there is no column "departement" in '
                           'dataset "log". Did you mean "department"?')
    assert problems[1] == ('measure "b": field "column": "department" is a categorical column; '
                           "a numeric measure needs a numeric column")
    assert problems[2].startswith('measure "c": field "dataset": there is no dataset "logs"')
    assert problems[3] == ('measure "d": field "numerator": condition 1: "yes" is not a value '
                           'of "aware" Did you mean "Yes"? Its values: "No", "Yes"')
    assert problems[4] == ('measure "e": field "filter": condition 1: "minutes" holds numbers: '
                           "compare it with a number, not 'sixty'")
    assert problems[5].startswith('measure "f": field "code": there is no code called "Nope"')
    assert len(problems) == 6
    with pytest.raises(SpecError, match="6 problems"):
        summarize(data, spec, EVERYONE)


# -- summary.json, tables, the stored spec ---------------------------------------------------

SPEC = """title = "Small study"

[[context]]
factor = "External environment"
note = "A pandemic."

[[maintenance]]
id = "per_month"
label = "Interactions per month"
kind = "events"
dataset = "log"
date = "date"
year_start = 6

[[reach]]
id = "interactions"
label = "Interactions"
kind = "count"
dataset = "log"
group_by = "department"
groups = ["EM", "ICU", "Hosp", "Geriatrics"]

[[reach]]
id = "minutes"
label = "Minutes per interaction"
kind = "numeric"
dataset = "log"
column = "minutes"
"""


def test_summary_json_and_tables_are_written(data, tmp_path):
    spec = parse_spec(SPEC)
    results = summarize(data, spec, EVERYONE)
    assert [r["id"] for r in results] == ["interactions", "minutes", "per_month"]
    out = tmp_path / "out"
    written = write_summary(results, out, spec)
    # the figures (a count by group, events per month) come before the tables
    assert [p.name for p in written] == [
        "summary.json", "fig-reach-interactions.png", "fig-reach-interactions.svg",
        "fig-reach-interactions.pdf", "fig-maintenance-per-month.png",
        "fig-maintenance-per-month.svg", "fig-maintenance-per-month.pdf",
        "reaim-reach.csv", "reaim-reach.md", "reaim-maintenance.csv",
        "reaim-maintenance.md", "reaim-context.csv", "reaim-context.md"]
    assert [p.name for p in write_summary(results, tmp_path / "plain", spec,
                                          figures=False)][:2] == [
        "summary.json", "reaim-reach.csv"]
    body = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert body["title"] == "Small study"
    for m in body["measures"]:
        assert {"id", "dimension", "label", "kind", "n", "denominator", "percent", "mean", "sd",
                "median", "min", "max", "missing", "levels", "groups", "periods"} <= set(m)
    first = body["measures"][0]
    assert (first["dimension"], first["n"], first["groups"][3]) == (
        "Reach", 9, {"label": "Geriatrics", "n": 0, "denominator": 9, "percent": 0.0,
                     "declared": True})
    md = (out / "reaim-reach.md").read_text(encoding="utf-8").splitlines()
    assert md[0] == "| Measure | n (%) / value | Denominator | Note |"
    assert md[2] == "| Interactions | 9 | 9 | 1 with none: Geriatrics |"
    csv_text = (out / "reaim-maintenance.csv").read_text(encoding="utf-8-sig")
    assert "    Year 2019-20,5 (0.4 per month),,12 months" in csv_text


def test_the_stored_spec_is_one_undo_step_and_comes_back_as_written(data):
    assert stored_spec_text(data) is None
    with pytest.raises(Exception, match="no RE-AIM spec yet"):
        stored_spec(data)
    save_spec(data, SPEC)
    assert data.undo_label() == "Save RE-AIM spec"
    assert stored_spec_text(data) == SPEC
    changed = SPEC.replace('"Small study"', '"Renamed"')
    save_spec(data, changed)
    assert stored_spec(data).title == "Renamed"
    data.undo()
    assert stored_spec_text(data) == SPEC
    data.undo()
    assert stored_spec_text(data) is None
    data.redo()
    assert stored_spec_text(data) == SPEC


def test_a_spec_that_does_not_fit_is_not_stored(data):
    with pytest.raises(SpecError, match='measure "interactions": field "dataset"'):
        save_spec(data, SPEC.replace('dataset = "log"\ngroup_by', 'dataset = "logs"\ngroup_by'))
    assert stored_spec_text(data) is None


# -- the command line --------------------------------------------------------------------------

def test_cli_checks_computes_saves_and_moves_the_spec(data, tmp_path):
    from post_coder.project import Project
    from tests.test_cli import run

    path = data.path
    data.close()
    spec_file = tmp_path / "reaim.toml"
    spec_file.write_text(SPEC, encoding="utf-8")
    result = run("reaim", path, "--spec", spec_file, "--check")
    assert result.output == ("reaim.toml is ready: 3 measures (Reach 2, Maintenance 1).\n")
    bad = tmp_path / "bad.toml"
    bad.write_text(SPEC.replace('column = "minutes"', 'column = "minutse"'), encoding="utf-8")
    result = run("reaim", path, "--spec", bad, "--check", ok=False)
    assert result.exit_code == 1
    assert result.stderr == (
        'Error: bad.toml: the RE-AIM spec has a problem:\n  - measure "minutes": field "column":'
        ' there is no column "minutse" in dataset "log". Did you mean "minutes"?\n')
    out = tmp_path / "results"
    result = run("reaim", path, "--spec", spec_file, "--save", "--out", out, "--as", "Maya")
    assert "Reach           Interactions: 9\n" in result.output
    assert "Maintenance     Interactions per month: 8 in 24 months; mean 0.3 per month" \
        in result.output
    figures = [f"fig-{name}.{fmt}" for name in ("maintenance-per-month", "reach-interactions")
               for fmt in ("pdf", "png", "svg")]
    assert sorted(p.name for p in out.iterdir()) == figures + [
        "reaim-context.csv", "reaim-context.md", "reaim-maintenance.csv",
        "reaim-maintenance.md", "reaim-reach.csv", "reaim-reach.md", "summary.json"]
    assert "Wrote 13 files to" in result.output and "(2 figures as PNG, SVG and PDF)" \
        in result.output
    # the stored spec, used when --spec is not given, exported exactly as written
    again = tmp_path / "again"
    run("reaim", path, "--out", again, "--format", "csv", "--no-figures")
    assert sorted(p.name for p in again.iterdir()) == [
        "reaim-context.csv", "reaim-maintenance.csv", "reaim-reach.csv", "summary.json"]
    assert (again / "summary.json").read_text() == (out / "summary.json").read_text()
    exported = tmp_path / "exported.toml"
    run("reaim", "spec", "export", path, exported)
    assert exported.read_text(encoding="utf-8") == SPEC
    changed = tmp_path / "changed.toml"
    changed.write_text(SPEC.replace("Small study", "Other"), encoding="utf-8")
    run("reaim", "spec", "import", path, changed)
    assert run("reaim", path, "--check").output == (
        "The stored spec is ready: 3 measures (Reach 2, Maintenance 1).\n")
    assert run("reaim", "spec", "export", path, "-").output == SPEC.replace("Small study",
                                                                             "Other")
    with Project.open(path) as p:
        assert stored_spec(p).title == "Other"
    result = run("reaim", "spec", "import", path, bad, ok=False)
    assert result.exit_code == 1 and 'field "column"' in result.stderr
    result = run("reaim", path, "--spec", spec_file, ok=False)
    assert result.exit_code == 2 and "--out DIR" in result.output


def test_cli_without_a_stored_spec_says_how_to_give_one(data, tmp_path):
    from tests.test_cli import run

    path = data.path
    data.close()
    result = run("reaim", path, "--out", tmp_path / "x", ok=False)
    assert result.exit_code == 1
    assert "this project has no RE-AIM spec yet: give one with --spec" in result.stderr
    assert not (tmp_path / "x").exists()


def test_proportion_of_two_numbers_from_a_program_table(data):
    r = _one(data, 'kind = "proportion"\n'
                   'numerator_from = { dataset = "program", column = "still_active" }\n'
                   'denominator_from = { dataset = "program", column = "trained" }')
    assert (r["n"], r["denominator"], r["percent"]) == (15, 20, 75.0)  # 7+3+2+3 of 8+4+5+3
    assert _problems('[[reach]]\nid = "p"\nlabel = "P"\nkind = "proportion"\n'
                     'numerator = [{ column = "a", op = "=", value = "Yes" }]') == [
        'measure "p": field "dataset": the rows to count come from a dataset; name it (only a '
        "proportion of two numbers, numerator_from over denominator_value or "
        "denominator_from, needs none)"]


def test_a_table_value_with_blank_cells_is_refused_not_summed(data):
    with pytest.raises(SpecError) as caught:
        _one(data, 'kind = "proportion"\ndataset = "survey"\n'
                   'denominator_from = { dataset = "log", column = "minutes" }')
    assert caught.value.problems == [
        'measure "m": field "denominator_from": 2 of the rows it keeps have no value in '
        '"minutes"']


def test_data_table_rows_are_not_counted_as_respondents(data):
    from post_coder.queries import project_totals

    totals = project_totals(data, EVERYONE)
    # 6 survey respondents; the log's 9 rows and the program's 4 are not people who answered
    assert (totals["datasets"], totals["respondents"]) == (3, 6)


def test_summary_json_says_which_conditions_each_number_rests_on(data):
    r = _one(data, 'kind = "proportion"\ndataset = "survey"\n'
                   'denominator = [{ column = "aware", op = "=", value = "Yes" }]\n'
                   'numerator = [{ column = "rating", op = "in", value = ["Good", "Excellent"] },'
                   ' { column = "barriers", op = "missing" }]')
    assert r["conditions"] == {"numerator": ["rating in Good, Excellent", "barriers is missing"],
                               "denominator": ["aware = Yes"]}
    # aware R1 R2 R3 R5 R6; rating Good or Excellent and no barrier ticked: R6
    assert (r["n"], r["denominator"]) == (1, 5)
    dated = _log(data, 'kind = "count"\nfilter = [{ column = "date", op = "<", value = 2020-01-01 }]')
    assert dated["conditions"] == {"filter": ["date < 2020-01-01"]}
