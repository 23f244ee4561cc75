"""Writing a RE-AIM spec back as TOML: what parse_spec reads back is the same spec; drafts of a
measure from a column."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest

from post_coder.export.reaim import parse_spec, read_spec
from post_coder.export.reaim.data import ColumnInfo
from post_coder.export.reaim.drafts import draft_measure, suggested_kinds
from post_coder.export.reaim.writer import spec_text, toml_value, write_spec

DEMO_SPEC = Path(__file__).parent.parent / "resources" / "demo" / "reaim.toml"


def test_the_demo_spec_round_trips():
    spec = read_spec(DEMO_SPEC)
    text = write_spec(spec)
    assert parse_spec(text) == spec
    assert len(parse_spec(text).measures) == 25
    assert write_spec(parse_spec(text)) == text  # and writing it again changes nothing


EDGES = r'''
title = "Quotes \" and back\\slash, a tab\t, a line\nbreak, été, 中文"
decimals = 2

[[context]]
factor = "External \"environment\""
note = "Line one\nline two"

[[reach]]
id = "a.b-c_1"
label = "Every operator"
kind = "count"
dataset = "Log"
group_by = "dept"
groups = ["A", "B, with a comma", "C \"quoted\""]
filter = [{ column = "d", op = "missing" }, { column = "d", op = "not missing" },
          { column = "x", op = "in", value = ["p", "q"] },
          { column = "n", op = ">=", value = 2.5 }, { column = "n", op = "<", value = -3 },
          { column = "when", op = "<=", value = 2020-02-29 },
          { column = "text", op = "contains", value = "ü" },
          { column = "flag", op = "=", value = true }]
note = "A note"
decimals = 0

[[adoption]]
id = "two_numbers"
label = "Two numbers"
kind = "proportion"
numerator_from = { dataset = "Program", column = "x", filter = [
    { column = "active", op = "=", value = "Yes" }] }
denominator_value = 883

[[maintenance]]
id = "window"
label = "Window"
kind = "events"
dataset = "Log"
date = "when"
period = "quarter"
year_start = 6
start = 2019-06-01
end = 2022-05-31

[[effectiveness]]
id = "dist"
label = "Distribution"
kind = "distribution"
dataset = "Survey"
column = "q"
levels = ["Low", "High"]
top_levels = ["High"]
decimals = 2

[[implementation]]
id = "coded"
label = "Coded"
kind = "coded"
question = "Q1"
code = "Lack of time"
source = "coder:Maya Chen"
subcodes = false
base = "all"
'''


def test_edge_cases_round_trip():
    spec = parse_spec(EDGES)
    text = write_spec(spec)
    again = parse_spec(text)
    assert again == spec
    assert again.title == 'Quotes " and back\\slash, a tab\t, a line\nbreak, été, 中文'
    first = again.measure("a.b-c_1")
    assert [c.value for c in first.filter] == [None, None, ["p", "q"], 2.5, -3,
                                               dt.date(2020, 2, 29), "ü", True]
    assert first.decimals == 0 and again.measure("dist").decimals == 2
    assert again.measure("window").decimals == 2  # the spec's default, written once
    assert again.measure("coded").get("subcodes") is False
    # measures come out grouped Reach first, whatever order the file had
    assert [m.dimension for m in again.measures] == ["Reach", "Effectiveness", "Adoption",
                                                     "Implementation", "Maintenance"]


def test_the_text_written_for_a_small_spec():
    text = spec_text("T", 1, [("F", "N")], [
        ("Maintenance", {"id": "m", "label": "M", "kind": "numeric", "dataset": "D",
                         "column": "c"}),
        ("Reach", {"kind": "count", "label": "R", "id": "r", "dataset": "D",
                   "filter": [{"column": "c", "op": "missing"}], "note": None}),
    ])
    assert text == ('title = "T"\ndecimals = 1\n\n[[context]]\nfactor = "F"\nnote = "N"\n\n'
                    '[[reach]]\nid = "r"\nlabel = "R"\nkind = "count"\ndataset = "D"\n'
                    'filter = [{ column = "c", op = "missing" }]\n\n'
                    '[[maintenance]]\nid = "m"\nlabel = "M"\nkind = "numeric"\n'
                    'dataset = "D"\ncolumn = "c"\n')


@pytest.mark.parametrize("value", ["a\x01b\x7f", "", "\\n", 'x"y', 1e-7, 3.0, -0.5,
                                   dt.datetime(2020, 1, 2, 3, 4, 5)])
def test_values_read_back_as_written(value):
    assert tomllib.loads(f"v = {toml_value(value)}")["v"] == value


def test_a_value_a_spec_cannot_hold_is_refused():
    with pytest.raises(TypeError):
        toml_value(object())
    with pytest.raises(ValueError):
        spec_text("T", 1, [], [("Reech", {"id": "x"})])


COLUMNS = {
    "ordinal": ColumnInfo("Overall rating", "Rating", "ordinal", ("Poor", "Good")),
    "categorical": ColumnInfo("Dept", "Department", "categorical", ("A", "B")),
    "multi_select": ColumnInfo("Barriers?", "Barriers", "multi_select", ("Time",)),
    "numeric": ColumnInfo("duration_minutes", "duration_minutes", "numeric"),
    "date": ColumnInfo("date", "date", "date"),
    "text": ColumnInfo("department", "department", "text"),
}


def test_the_kind_suggested_by_the_column():
    assert {k: suggested_kinds(k) for k in COLUMNS} == {
        "ordinal": ["distribution", "count"], "categorical": ["distribution", "count"],
        "multi_select": ["multi_select", "count"], "numeric": ["numeric", "count"],
        "date": ["events", "count"], "text": ["count"]}


def test_drafts_read_back_as_measures_with_a_free_id():
    drafts = {
        kind: draft_measure("D", column, taken={"overall_rating"})
        for kind, column in COLUMNS.items()}
    assert drafts["ordinal"] == {"id": "overall_rating_2", "label": "Rating",
                                 "kind": "distribution", "dataset": "D",
                                 "column": "Overall rating"}
    assert drafts["date"] == {"id": "date", "label": "date", "kind": "events", "dataset": "D",
                              "date": "date", "period": "month"}
    assert drafts["text"]["filter"] == [{"column": "department", "op": "not missing"}]
    assert draft_measure("D", COLUMNS["categorical"], "count")["group_by"] == "Dept"
    assert draft_measure("D", ColumnInfo("2020 score", "s", "numeric"))["id"] == "m_2020_score"
    spec = parse_spec(spec_text("T", 1, [], [("Reach", d) for d in drafts.values()]))
    assert [m.kind for m in spec.measures] == ["distribution", "distribution", "multi_select",
                                               "numeric", "events", "count"]
    with pytest.raises(ValueError):
        draft_measure("D", COLUMNS["numeric"], "coded")
