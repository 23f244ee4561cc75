"""Tables as spreadsheets: XLSX (one sheet per table) and CSV (one file per table).

Numbers are stored as numbers: in XLSX with the column's number format ("0.0%" for a
proportion in a percent column), in CSV as they are. Every text cell goes through
:func:`~post_coder.export.writers.cells.neutralize`, so no cell can run as a formula, and
XLSX text cells are stored as text, never as formulas.

XLSX: the caption ("Table 1. …") in the first row (none for a table without a caption),
the column headings under it in bold, the sheet frozen below them; a heading row is bold,
an indented row's first cell is indented; the notes under the table. CSV (UTF-8 with a BOM,
so Excel reads the accents): the headings, the rows (an indented row's first cell after
two spaces) and, after an empty row, the notes, which say what the numbers are counted of.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

from post_coder.export.document import Table
from post_coder.export.writers.cells import is_number, neutralize, number_format

__all__ = ["csv_rows", "write_csv", "write_xlsx"]

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def csv_rows(table: Table) -> list[list[Any]]:
    """The table as CSV rows (headings, rows, then the notes after an empty row), text
    neutralized, numbers as they are, an empty cell as ""."""
    width = len(table.columns)
    out: list[list[Any]] = [[neutralize(c.heading) for c in table.columns]]
    for row in table.rows:
        cells = list(row.cells[:1]) + [None] * (width - 1) if row.kind == "heading" \
            else list(row.cells)
        if row.kind == "indented" and isinstance(cells[0], str):
            cells[0] = "  " + cells[0]
        out.append(["" if v is None else neutralize(v) for v in cells])
    if table.notes:
        out.append([])
        out += [[neutralize(note)] for note in table.notes]
    return out


def write_csv(table: Table, path: Path) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(csv_rows(table))


def _sheet_name(wanted: str, used: set[str]) -> str:
    name = _SHEET_FORBIDDEN.sub(" ", wanted).strip(" '")[:31] or "Table"
    candidate, n = name, 2
    while candidate.casefold() in used:
        suffix = f" ({n})"
        candidate, n = name[:31 - len(suffix)] + suffix, n + 1
    used.add(candidate.casefold())
    return candidate


def write_xlsx(tables: list[tuple[str, Table]], path: Path) -> None:
    """``tables``: (label, table) pairs, one sheet each, named after the table's ``name``
    or its label ("Table 2")."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for label, table in tables:
        sheet = book.create_sheet(_sheet_name(table.name or label, used))
        _fill_sheet(sheet, label, table)
    book.save(path)


def _fill_sheet(sheet: Any, label: str, table: Table) -> None:
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    bold, rule = Font(bold=True), Border(bottom=Side(style="thin"))
    top = 1
    if table.caption:
        first = sheet.cell(row=1, column=1, value=neutralize(f"{label}. {table.caption}"
                                                           if label else table.caption))
        first.font, first.data_type = bold, "s"
        top = 2
    for j, column in enumerate(table.columns, start=1):
        cell = sheet.cell(row=top, column=j, value=neutralize(column.heading))
        cell.font, cell.border, cell.data_type = bold, rule, "s"
    sheet.freeze_panes = sheet.cell(row=top + 1, column=1).coordinate
    formats = [number_format(c) for c in table.columns]
    widths = [len(str(c.heading)) for c in table.columns]
    r = top
    for row in table.rows:
        r += 1
        values = row.cells[:1] if row.kind == "heading" else row.cells
        for j, value in enumerate(values, start=1):
            if value is None:
                continue
            cell = sheet.cell(row=r, column=j, value=_stored(value))
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula
                widths[j - 1] = max(widths[j - 1], min(len(cell.value), 60))
            else:
                cell.number_format = formats[j - 1]
                widths[j - 1] = max(widths[j - 1], 8)
            if row.kind == "heading":
                cell.font = bold
            elif row.kind == "indented" and j == 1:
                cell.alignment = Alignment(indent=1, wrap_text=True, vertical="top")
            elif isinstance(cell.value, str) and len(cell.value) > 60:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    if table.notes:
        r += 1
        for note in table.notes:
            r += 1
            cell = sheet.cell(row=r, column=1, value=neutralize(note))
            cell.data_type, cell.font = "s", Font(italic=True)
    for j, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(j)].width = max(8, width + 2)


def _stored(value: Any) -> Any:
    if is_number(value):
        return value if isinstance(value, int) else float(value)
    return neutralize(str(value))
