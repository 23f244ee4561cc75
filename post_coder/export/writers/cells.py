"""What every writer shares: a cell as text, neutralized text, numbered captions.

- :func:`display` is how a document (DOCX, Markdown, LaTeX, HTML) prints a value of a
  :class:`~post_coder.export.document.Column`: a proportion in a "percent" column as
  "56.3%" (rounded half away from zero, :mod:`post_coder.export.numbers`), a count as
  "1,234", a "decimal" with its places. Spreadsheets (XLSX, CSV) keep the number itself.
- :func:`neutralize` is the one rule that keeps a spreadsheet from running a text cell as a
  formula (CSV and XLSX).
- :func:`numbered` gives each table and figure of a document its label ("Table 1",
  "Fig 1"), counted in the order they appear.
"""

from __future__ import annotations

import math

from decimal import Decimal
from typing import Any

from post_coder.export.document import Column, Document, Figure, Table
from post_coder.export.numbers import round_half_away

__all__ = ["CHARS_PER_INCH", "FORMULA_START", "PORTRAIT_LINE", "WIDE_TABLE", "column_shares", "display",
           "is_number", "is_wide", "neutralize", "numbered",
           "number_format"]

#: a text cell starting with one of these (after any spaces, tabs and line breaks) would be
#: read as a formula by Excel, LibreOffice or Google Sheets
FORMULA_START = ("=", "+", "-", "@")
_CONTROL_START = ("\t", "\r")


def neutralize(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula, with a leading apostrophe so it is
    shown as the text it is (``=SUM(A1)`` → ``'=SUM(A1)``); anything else unchanged.

    Caught: text starting with = + - @, or with a tab or carriage return (on its own or
    followed by one of them), or with spaces or line breaks followed by one of them."""
    if not isinstance(value, str):
        return value
    if value.startswith(_CONTROL_START) or value.lstrip(" \t\r\n").startswith(FORMULA_START):
        return "'" + value
    return value


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def display(value: Any, column: Column) -> str:
    """``value`` as a document prints it in ``column``. None is an empty cell; text stays as
    it is; a number follows the column's format ("percent": a proportion, 0.5625 → "56.3%")."""
    if value is None:
        return ""
    if not is_number(value):
        return str(value)
    if column.format == "percent":
        shown = round_half_away(Decimal(repr(float(value))) * 100, column.decimals)
        return f"{shown:.{column.decimals}f}%"
    if column.format == "count":
        return f"{round_half_away(value, 0):,.0f}"
    if column.format == "decimal":
        return f"{round_half_away(value, column.decimals):.{column.decimals}f}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def number_format(column: Column) -> str:
    """The spreadsheet number format of a column ("0.0%", "#,##0", "0.000"; "General")."""
    places = "." + "0" * column.decimals if column.decimals > 0 else ""
    if column.format == "percent":
        return f"0{places}%"
    if column.format == "count":
        return "#,##0"
    if column.format == "decimal":
        return f"0{places}"
    return "General"


#: a table with more columns than this is set on a landscape page
WIDE_TABLE = 7
#: about how many characters of 10-point table text fit in an inch, and in a portrait
#: line (6.5 inches)
CHARS_PER_INCH = 14
PORTRAIT_LINE = 91


def _bold(length: int) -> int:
    return math.ceil(length * 1.4)


def _measure(table: Table) -> tuple[list[int], list[int], list[float]]:
    """Per column: the width it needs (its longest word, up to 24 characters; a number
    column its longest number), the width it wants (its longest text, up to 80) and how
    much text it has (the square root of its characters)."""
    need, want, weight = [], [], []
    for i, column in enumerate(table.columns):
        texts = [str(column.heading)] + [display(r.cells[i], column) for r in table.rows
                                         if r.kind != "heading"]
        # the heading is set in bold: its letters are wider (two fifths, to be safe in the
        # fonts a word processor may put in place of the default one)
        word = max([len(w) for t in texts[1:] for w in t.split()]
                   + [_bold(len(w)) for w in texts[0].split()] + [1])
        longest = max([len(t) for t in texts[1:]] + [_bold(len(texts[0])), 1])
        need.append(min(word, 24) + 2)  # two characters for the cell's margins
        if column.format != "text":
            need[-1] = max(need[-1], min(longest, 16) + 2)
        want.append(max(min(longest, 80) + 2, need[-1]))
        weight.append(sum(len(t) for t in texts) ** 0.5)
    return need, want, weight


def is_wide(table: Table) -> bool:
    """Whether a table wants a landscape page: more than :data:`WIDE_TABLE` columns, or
    words that take more than four fifths of a portrait line (leaving too little room for
    its longer texts)."""
    return len(table.columns) > WIDE_TABLE or sum(_measure(table)[0]) > 0.8 * PORTRAIT_LINE


def column_shares(table: Table, line: int = PORTRAIT_LINE) -> list[float]:
    """The share of the line each column takes (summing to 1), for a line of about
    ``line`` characters. Each column gets at least its longest word (so a name is not
    broken mid-word); when everything fits on one line each column is as wide as its
    longest text; otherwise the room left over goes to the columns with more text (by the
    square root of how much), none wider than its longest text. When even the longest
    words do not fit, the line is shared by the words (each breaks a little)."""
    need, want, weight = _measure(table)
    if sum(want) <= line:
        return [w / sum(want) for w in want]
    room = line - sum(need)
    if room <= 0:
        return [n / sum(need) for n in need]
    widths = [float(n) for n in need]
    open_ = {i for i in range(len(need)) if want[i] > need[i]}
    while room > 1e-9 and open_:  # share the room; a column that is full drops out
        total = sum(weight[i] for i in open_) or 1.0
        full = {i for i in open_ if widths[i] + room * weight[i] / total >= want[i]}
        if not full:
            for i in open_:
                widths[i] += room * weight[i] / total
            break
        for i in full:
            room -= want[i] - widths[i]
            widths[i] = float(want[i])
        open_ -= full
    return [w / sum(widths) for w in widths]


def numbered(document: Document) -> list[str | None]:
    """Each block's label, in block order: "Table 1", "Fig 1", … counted in the order they
    appear (None for headings and paragraphs)."""
    counts = {"Table": 0, "Fig": 0}
    labels: list[str | None] = []
    for block in document.blocks:
        kind = "Table" if isinstance(block, Table) else "Fig" if isinstance(block, Figure) else None
        if kind is not None:
            counts[kind] += 1
        labels.append(f"{kind} {counts[kind]}" if kind else None)
    return labels
