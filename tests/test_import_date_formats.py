"""Which way round a date column is read: the format is chosen on its first texts, and
when those read both day first and month first (no day above 12 yet), the rest of the
column decides; a column without times is stored as dates alone."""

from __future__ import annotations

import pytest

from import_helpers import ANSWERS, csv_text, write
from post_coder.importing import import_survey, inspect_file
from post_coder.importing.values import date_format, day_month_twin, parse_dates

#: 144 texts that read both ways (days and months 1-12), in file order
AMBIGUOUS = [f"{d:02d}/{m:02d}/2024" for m in range(1, 13) for d in range(1, 13)]
#: later dates only day first reads (13-28 March)
DAY_FIRST = [f"{d}/03/2024" for d in range(13, 29)]
#: later dates only month first reads
MONTH_FIRST = [f"03/{d}/2024" for d in range(13, 29)]


def test_twins():
    assert day_month_twin("%m/%d/%Y") == "%d/%m/%Y"
    assert day_month_twin("%d/%m/%Y %H:%M") == "%m/%d/%Y %H:%M"
    assert day_month_twin("%m/%d/%y") == "%d/%m/%y"
    assert day_month_twin("%Y-%m-%d") is None  # year first is never day first
    assert day_month_twin("%d.%m.%Y") is None  # no month-first dotted format is known


@pytest.mark.parametrize("later, want", [(DAY_FIRST, "%d/%m/%Y"), (MONTH_FIRST, "%m/%d/%Y"),
                                         ([], "%m/%d/%Y")])
def test_the_rest_of_the_column_decides_when_its_start_reads_both_ways(later, want):
    assert date_format(AMBIGUOUS + later, sample=100) == want
    # the same when the sample is the whole ambiguous start
    assert date_format(AMBIGUOUS + later) == want


def test_a_start_that_reads_one_way_is_not_overruled():
    # a day above 12 in the sample: month first cannot read it, whatever follows
    assert date_format(["25/12/2024"] + AMBIGUOUS + MONTH_FIRST, sample=100) == "%d/%m/%Y"


def test_dates_without_times_are_stored_without_times():
    fmt = date_format(AMBIGUOUS[:20])
    assert fmt == "%m/%d/%Y"
    assert parse_dates(["03/04/2024"], fmt) == {"03/04/2024": "2024-03-04"}
    # a time anywhere keeps the format with times (midnight written as a date alone too)
    with_time = date_format(AMBIGUOUS[:20] + ["04/25/2024 10:11:12"], sample=10)
    assert with_time == "%m/%d/%Y %H:%M:%S"
    assert parse_dates(["04/25/2024 10:11:12", "03/04/2024"], with_time) == {
        "04/25/2024 10:11:12": "2024-04-25 10:11:12", "03/04/2024": "2024-03-04 00:00:00"}


def test_a_european_column_whose_first_weeks_read_both_ways_is_imported_day_first(
        tmp_path, project):
    dates = AMBIGUOUS + DAY_FIRST + AMBIGUOUS[:40]  # 200 distinct, then repeats
    rows = [["id", "when", "feedback"]] + [
        [f"R{i}", when, ANSWERS[i % len(ANSWERS)] + f" ({i})"] for i, when in enumerate(dates)]
    plan = inspect_file(write(tmp_path, "dates.csv", csv_text(rows)))
    assert plan.column("when").type == "date" and plan.column("when").role == "attribute"
    import_survey(project, plan)
    stored = dict(project.db.execute(
        "SELECT p.external_id, x.value FROM variable_values x"
        " JOIN respondents p ON p.id = x.respondent_id").fetchall())
    assert len(stored) == len(dates)
    assert stored["R2"] == "2024-01-03"  # "03/01/2024": 3 January, not March 1
    assert stored["R144"] == "2024-03-13"  # "13/03/2024"
    assert stored["R199"] == "2024-04-04"
    assert all(len(v) == 10 for v in stored.values())  # dates alone, no midnight times
