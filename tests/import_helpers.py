"""Helpers shared by the tests/test_import_*.py files (small survey files written in tmp_path)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from post_coder.errors import InputError
from post_coder.importing import import_survey, inspect_file


#: open-ended answers long and varied enough to be recognised as open-ended
ANSWERS = [
    "The staff were patient and explained every step clearly.",
    "Waiting times were far too long, especially on Mondays.",
    "I would like evening sessions because I work during the day.",
    "Parking was impossible; please add a shuttle from the station.",
    "Peer support made me feel less alone — thank you!",
    "More information about medication side effects, please.",
    "The online booking system kept logging me out.",
    "Friendly reception, but the rooms were cold in winter.",
]


def write(tmp_path: Path, name: str, text: str, *, encoding: str = "utf-8",
          newline: str = "\n") -> Path:
    path = tmp_path / name
    data = text.replace("\n", newline).encode(encoding)
    path.write_bytes(data)
    return path


def csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    def cell(value: str) -> str:
        if any(ch in value for ch in (delimiter, '"', "\n", "\r")):
            return '"' + value.replace('"', '""') + '"'
        return value
    return "".join(delimiter.join(cell(c) for c in row) + "\n" for row in rows)


def simple_rows(n: int = 8) -> list[list[str]]:
    rows = [["id", "department", "comment"]]
    for i in range(n):
        rows.append([str(100 + i), ["Nursing", "Pharmacy"][i % 2], ANSWERS[i % len(ANSWERS)]])
    return rows


def attempt(project, path: Path, **mapping):
    """inspect → with_mapping → import, as the CLI does."""
    plan = inspect_file(path)
    if mapping:
        plan = plan.with_mapping(**mapping)
    return import_survey(project, plan)


def refused(project, snapshot, path: Path, match: str, *, row: int | None = None,
            line: int | None = None, column: str | None = None, **mapping) -> InputError:
    """Assert the import fails with one InputError naming the file (and the physical line of
    a text file, the row of a workbook, the column) and that nothing was written."""
    before = snapshot(project)
    with pytest.raises(InputError) as caught:
        attempt(project, path, **mapping)
    err = caught.value
    message = str(err)
    assert re.search(match, message), message
    assert path.name in message, message
    if row is not None:
        assert err.row == row and err.line is None, message
        assert f"row {row}" in message, message
    if line is not None:
        assert err.line == line and err.row is None, message
        assert f"line {line}" in message, message
    if column is not None:
        assert err.column == column, message
        assert f'"{column}"' in message, message
    assert snapshot(project) == before
    return err
