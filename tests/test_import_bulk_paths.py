"""The importing layer's work done in bulk (C-level passes over a column's cells, its rows or
its values) gives what the plain rules give cell by cell, row by row: each test compares the
bulk code with a straightforward reference written here, over tricky cells."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from pathlib import Path

import pytest

from post_coder.errors import InputError
from post_coder.importing import build, infer, survey
from post_coder.importing.frame import Frame, Grid, Group
from post_coder.importing.plan import ColumnPlan
from post_coder.importing.readers import cell_text
from post_coder.importing.values import BLANK, NONANSWER, clean_text, kind, kinds

#: cells that test the rules: blanks, non-answers (trimmed or not), numbers, dates, lists,
#: line breaks, other scripts, cells trimmed alike, long cells, and the text calamine's cells
#: of other types become
TRICKY = [
    "", " ", "\t", "\n", "\u3000", "  \r\n ", "N/A", " N/A ", "n/a.", "NA", "na", "None",
    " none", "nil", "-", "--", "...", "?", "-/-", "…", "No comment", "No comments!", "Nothing",
    "nothing at all was wrong", "Nope", "No", "Nursing", "Yes", " Yes", "Yes ", "yes", "0",
    "007", "3.5", "-2", "1e3", "2024-01-18", "2024-01-18 14:18:57", "01/02/2024", "Email;Phone",
    "Email; Phone;", "Phone", "Coffee chat, Phone call", "line one\r\nline two",
    "line one\rline two", " first\nsecond ", "très bien", "很好", "отлично", " 很好 ",
    "ǅemal", "Ｎ/Ａ", "R_0000001", "_underscore", "*starred*", "x" * 16, "x" * 17,
    "-" * 17, "." + "y" * 20, " " * 90 + "z", "N" * 81, "long answer " * 400,
    " long answer " * 400, "\u00a0N/A\u00a0",
] + [cell_text(v) for v in (None, 0.0, 3.0, 2.5, float("nan"), 7, True, False,
                            dt.datetime(2024, 1, 18), dt.datetime(2024, 1, 18, 14, 18, 57),
                            dt.date(2024, 1, 18), dt.time(9, 30))]


def columns(seed: int, count: int = 40) -> list[list[str]]:
    """Random columns of tricky cells: some only trimmed cells, some with untrimmed ones."""
    rng = random.Random(seed)
    trimmed = [c for c in TRICKY if c == c.strip()]
    out = []
    for i in range(count):
        pool = trimmed if i % 2 else TRICKY
        out.append([rng.choice(pool) for _ in range(rng.randint(0, 60))])
    return out


def reference_profile(cells: list[str]) -> tuple:
    """A column's profile, cell by cell."""
    answers: dict[str, int] = {}
    others: dict[str, int] = {}
    blank = total = 0
    for cell in cells:
        text, k = cell.strip(), kind(cell)
        if k == BLANK:
            blank += 1
        elif k == NONANSWER:
            others[text] = others.get(text, 0) + 1
        else:
            answers[text] = answers.get(text, 0) + 1
            total += len(text)
    n = sum(answers.values())
    return (n, blank, sum(others.values()), list(answers.items()), list(others.items()),
            total / n if n else 0.0)


@pytest.mark.parametrize("seed", range(5))
def test_profiles_in_bulk_are_those_made_cell_by_cell(seed):
    for cells in columns(seed):
        p = infer.profile(cells)
        got = (p.n_answers, p.n_blank, p.n_nonanswer, list(p.counts.items()),
               list(p.others.items()), p.mean_length)
        assert got == reference_profile(cells), cells
        assert p.sample == [t for t, _ in reference_profile(cells)[3]][:3]


def test_cells_trimmed_alike_are_counted_together_in_order_of_first_appearance():
    p = infer.profile(["Yes ", "No", " Yes", "Yes", "", "N/A", " N/A"])
    assert list(p.counts.items()) == [("Yes", 3), ("No", 1)]
    assert list(p.others.items()) == [("N/A", 2)] and p.n_blank == 1
    assert p.mean_length == 11 / 4


def plan_of(name: str) -> ColumnPlan:
    return ColumnPlan(name=name, wording=name, role="open_ended", type="text", levels=[],
                      source_columns=[name], n_answers=0, n_blank=0, n_nonanswer=0, n_unique=0,
                      mean_length=0.0, sample=[])


def frame_of(cells: dict[str, list[str]], rows: int) -> Frame:
    return Frame(path=Path("t.csv"), sha256="", format="csv", platform="generic",
                 header_rows=1, names=list(cells), columns=cells,
                 row_numbers=list(range(2, rows + 2)))


@pytest.mark.parametrize("seed", range(5))
def test_question_texts_in_bulk_are_those_made_cell_by_cell(seed):
    for cells in columns(seed):
        frame = frame_of({"Q": cells}, len(cells))
        if seed % 2:  # the inspection's kinds kept, as plan_columns keeps them
            frame.cell_kinds = {"Q": (cells, kinds(Counter(cells)))}
        q = survey._question(frame, plan_of("Q"))
        texts = [clean_text(c) if kind(c) not in (BLANK, NONANSWER) else None for c in cells]
        assert q.texts == texts, cells
        assert (q.blank, q.nonanswer) == (sum(kind(c) == BLANK for c in cells),
                                          sum(kind(c) == NONANSWER for c in cells))
        assert q.stored == sum(t is not None for t in texts)
        assert q.longest == max((len(t) for t in texts if t), default=0)


def reference_columns(rows: list[list[str]], first: int, width: int):
    kept, numbers = [], []
    for index in range(first, len(rows)):
        row = rows[index]
        if len(row) > width:
            if any(c.strip() for c in row[width:]):
                raise InputError(f"row {index + 1} is too long")
            row = row[:width]
        row = row + [""] * (width - len(row))
        if all(not c.strip() for c in row):
            continue
        kept.append(row)
        numbers.append(index + 1)
    if not kept:
        raise InputError("no data rows")
    return [list(c) for c in zip(*kept)], numbers


@pytest.mark.parametrize("seed", range(5))
def test_columns_cut_in_bulk_as_row_by_row(seed):
    rng = random.Random(seed)
    cells = ["", " ", "\t", "a", " b ", "N/A", "很好", "\r\n"]
    for _ in range(300):
        width = rng.randint(1, 4)
        rows = [["h"] * width] + [[rng.choice(cells) for _ in range(rng.choice(
            [width, width, width, 0, 1, width + 1, width + 2]))] for _ in range(rng.randint(0, 8))]
        grid = Grid(path=Path("t.csv"), sha256="", format="csv", rows=rows)
        try:
            expected = reference_columns(rows, 1, width)
        except InputError as exc:
            with pytest.raises(InputError) as raised:
                build._columns(grid, 1, width)
            if "too long" in str(exc):  # the first row too long is named
                assert f"line {str(exc).split()[1]}" in str(raised.value), rows
            else:
                assert "no data rows" in str(raised.value)
            continue
        assert build._columns(grid, 1, width) == expected, rows


def test_columns_keep_the_lines_of_the_rows_kept():
    rows = [["id", "q"], ["1", "a"], [" ", ""], [], ["2", "b", " "], ["", "c"]]
    grid = Grid(path=Path("t.csv"), sha256="", format="csv", rows=rows, lines=[1, 2, 4, 5, 6, 9])
    assert build._columns(grid, 1, 2) == ([["1", "2", ""], ["a", "b", "c"]], [2, 6, 9])


def reference_value_rows(ids, people, columns):
    rows = []
    for variable_id, values in zip(ids, columns):
        for person, value in zip(people, values):
            if isinstance(value, list):
                rows += [(variable_id, person, option) for option in dict.fromkeys(value)]
            elif value is not None:
                rows.append((variable_id, person, value))
    return rows


def test_value_rows_in_bulk_as_respondent_by_respondent():
    rng = random.Random(4)
    people = [f"p{i}" for i in range(50)]
    single = [rng.choice([None, "Nursing", 3, 2.5, "2024-01-18"]) for _ in people]
    lists = [rng.choice([None, ["Email"], ["Email", "Phone"], ["Phone", "Web", "Email"]])
             for _ in people]
    shared = ["x", "y"]  # one list object for many respondents, as _value_mapping gives
    columns = [single, lists, [None] * 50, [shared if i % 2 else None for i in range(50)]]
    ids = ["v1", "v2", "v3", "v4"]
    assert survey._value_rows(ids, people, columns) == \
        reference_value_rows(ids, people, columns)
    assert survey._value_rows([], people, []) == []


def test_a_group_naming_an_option_twice_stores_it_once_a_respondent():
    cells = {"Q1_1": ["1", "", "1"], "Q1_2": ["1", "1", ""], "Q1_3": ["", "", "1"]}
    frame = frame_of(cells, 3)
    group = Group(name="Q1", columns=list(cells), options=["Email", "Email", "Phone"],
                  checked=frozenset({"1"}))
    frame.groups = [group]
    column = ColumnPlan(name="Q1", wording="Q1", role="attribute", type="multi_select",
                        levels=["Email", "Phone"], source_columns=list(cells), n_answers=3,
                        n_blank=0, n_nonanswer=0, n_unique=2, mean_length=0.0, sample=[])
    values = survey._variable(frame, column).values
    assert values == [["Email"], ["Email"], ["Email", "Phone"]]
    assert survey._value_rows(["v"], ["a", "b", "c"], [values]) == [
        ("v", "a", "Email"), ("v", "b", "Email"), ("v", "c", "Email"), ("v", "c", "Phone")]


@pytest.mark.parametrize(("alone", "found"), [(40, True), (41, False)])
def test_a_list_column_has_at_most_forty_options(alone, found):
    """Every answer without the separator is an option of its own: 40 are options, 41 too
    many (told without reading every answer)."""
    options = [f"Option {i:02d}" for i in range(alone)]
    cells = options + [f"{a};{b}" for a, b in zip(options, options[1:])]
    p = infer.profile(cells)
    assert infer.multi_options(p) == (sorted(options) if found else None)
    assert infer.multi_options(p, force=True) == sorted(options)


def test_bulk_ids_sorted_when_some_share_their_first_eight_bytes(monkeypatch):
    import os
    import uuid

    from post_coder import ids

    real = os.urandom
    rng = random.Random(6)

    def few_first_halves(size: int) -> bytes:
        data = bytearray(real(size))
        for start in range(0, size, 16):  # three first halves for all: the second decides
            data[start:start + 8] = rng.choice([b"\x00" * 8, b"\x7f" * 8, b"\xff" * 8])
        return bytes(data)

    monkeypatch.setattr(ids.os, "urandom", few_first_halves)
    made = ids.new_ids(500)
    assert made == sorted(made) and len(set(made)) == 500
    assert {m[:8] for m in made} == {"00000000", "7f7f7f7f", "ffffffff"}
    assert all(str(uuid.UUID(m)) == m and uuid.UUID(m).version == 4 for m in made)


def test_attributes_of_few_distinct_cells_keep_their_kinds_and_import_the_same(
        tmp_path, monkeypatch):
    from dataclasses import replace

    from post_coder.importing import import_survey, inspect_file, plan as plan_module
    from post_coder.project import Project

    monkeypatch.setattr(plan_module, "FEW_CELLS", 3)
    lines = ["id,dept,unit,visits,ward,comment"]
    for i in range(12):
        lines.append(f"R{i},{['EM', 'ICU', ' EM'][i % 3]},{['A', 'B', 'C', 'D'][i % 4]},"
                     f"{['1', '2', ''][i % 3]},Ward {i},The shuttle was late on day {i} again")
    path = tmp_path / "few.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    plan = inspect_file(path)
    assert plan.attributes == ["dept", "unit", "visits", "ward"]
    assert plan.open_ended == ["comment"] and plan.column("ward").type == "text"
    # dept: 3 distinct cells (two trimmed alike), visits: 3; unit: 4 and ward (text, kept
    # while the roles were suggested): 12, more than FEW_CELLS
    assert set(plan._frame.cell_kinds) == {"dept", "visits", "comment"}
    kept = {}
    real = survey._variable

    def spy(frame, column):
        kept[column.name] = frame.kept_kinds(column.name) is not None
        return real(frame, column)
    monkeypatch.setattr(survey, "_variable", spy)
    stored = []
    for n, given in enumerate((plan, replace(plan, _frame=None))):  # kept, then read again
        with Project.create(tmp_path / f"{n}.postcoder") as project:
            import_survey(project, given)
            stored.append(project.db.execute(
                "SELECT v.name, p.external_id, x.value FROM variable_values x"
                " JOIN variables v ON v.id = x.variable_id"
                " JOIN respondents p ON p.id = x.respondent_id ORDER BY 1, 2").fetchall())
        if n == 0:  # the kinds kept reach the conversion of the attributes' cells
            assert kept == {"dept": True, "unit": False, "visits": True, "ward": False}
    assert stored[0] == stored[1]
    assert ("dept", "R2", "EM") in stored[0] and ("visits", "R1", 2) in stored[0]
    assert len(stored[0]) == 12 + 12 + 8 + 12
