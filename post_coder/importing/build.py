"""Cut a :class:`Grid` into a :class:`Frame`: header rows off, data rows into columns, checked.

Checks, each an :class:`InputError` naming the file, spreadsheet row and column:
no data rows; a row with more (non-empty) cells than the header; a column name used twice
in a plain file (platform exports that legitimately repeat a name get `` (2)`` suffixes,
and a note says so). Fully empty rows are skipped (their positions are kept for the others).
Positions are physical lines of a text file (a cell with line breaks spans several) and
spreadsheet rows of a workbook.
"""

from __future__ import annotations

import re
from itertools import compress, repeat
from operator import itemgetter, ne, not_, or_

from post_coder.errors import InputError
from post_coder.importing import platforms
from post_coder.importing.frame import Frame, Grid, Group, Hint


_LETTER = re.compile(r"[^\W\d_]")


def to_frame(grid: Grid) -> Frame:
    start = next((i for i, row in enumerate(grid.rows) if not blank_row(row)), None)
    if start is None:
        raise _no_data(grid, "the file is empty" if not grid.sheet else "the sheet is empty")
    top = grid.rows[start:start + 3]
    layout = platforms.detect(top)
    header = grid.rows[start:start + layout.header_rows]
    width = max(len(layout.names), *(len(r) for r in header))
    names = list(layout.names) + [""] * (width - len(layout.names))
    columns, numbers = _columns(grid, start + layout.header_rows, width)
    names, columns, repeated = _name_columns(grid, names, columns, start,
                                             plain=layout.platform == "generic")
    wording = {n: layout.wording.get(i, "") or n for i, n in enumerate(names)}
    frame = Frame(path=grid.path, sha256=grid.sha256, format=grid.format,
                  platform=layout.platform, header_rows=layout.header_rows,
                  names=names, columns=dict(zip(names, columns)), row_numbers=numbers,
                  wording=wording, hints=dict(layout.hints), encoding=grid.encoding,
                  delimiter=grid.delimiter, sheet=grid.sheet, sheets=list(grid.sheets))
    frame.aliases = _aliases(names, layout)
    frame.notes = list(grid.notes) + _repeated_note(repeated, layout.platform)
    frame.groups = [g for g in layout.groups if _fits(frame, g)]
    taken = {c for g in frame.groups for c in g.columns}
    frame.groups += [g for g in platforms.stem_groups(names, wording, taken)
                     if _checkboxes(frame, g) and _fits(frame, g)]
    frame.groups.sort(key=lambda g: names.index(g.columns[0]))
    frame.id_column = layout.id_column if layout.id_column in frame.columns else None
    platforms.system_hints(frame.platform, frame.names, frame.hints)
    return frame


def _aliases(names: list[str], layout: platforms.Layout) -> dict[str, str]:
    """Other names for the columns (codes from another header row, headings as written before
    cleaning); one naming two columns is dropped."""
    found: dict[str, set[str]] = {}
    taken = set(names)
    for i, name in enumerate(names):
        for other in layout.aliases.get(i, []):
            if other and other not in taken:
                found.setdefault(other, set()).add(name)
    return {alias: next(iter(ns)) for alias, ns in found.items() if len(ns) == 1}


def _repeated_note(repeated: dict[str, list[str]], platform: str) -> list[str]:
    if not repeated:
        return []
    shown = "; ".join(f'"{_short(n)}" {_and([c[len(n) + 1:] for c in copies])}'
                      for n, copies in list(repeated.items())[:3])
    more = f"; and {len(repeated) - 3} more" if len(repeated) > 3 else ""
    which = platforms.PLATFORM_NAMES.get(platform, platform)
    count = len(repeated)
    return [f"{count} column name{'s are' if count > 1 else ' is'} used more than once in the "
            f"header (normal in {which} exports); every column is kept and each repeat has a "
            f"number after its name: {shown}{more}"]


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def finish_sav(frame: Frame) -> Frame:
    """Name-based suggestions (id column, personal data) for a frame read from SPSS."""
    if not frame.row_numbers:
        raise InputError("the file has variables but no cases (no data rows)", file=frame.path)
    layout = platforms.detect([frame.names])
    if layout.platform in ("qualtrics", "surveymonkey", "microsoft-forms", "limesurvey"):
        frame.platform = layout.platform
    frame.id_column = layout.id_column if layout.id_column in frame.columns else None
    platforms.system_hints(frame.platform, frame.names, frame.hints)
    return frame


def blank_row(row: list[str]) -> bool:
    """Whether every cell is empty or only spaces (tested cell by cell: joining a row that
    holds a 50 MB answer copied it, at twice its size when another cell held a character
    beyond Latin-1)."""
    return all(map(str.isspace, filter(None, row)))


def _columns(grid: Grid, first: int, width: int) -> tuple[list[list[str]], list[int]]:
    rows = grid.rows[first:]
    numbers = grid.lines[first:] if grid.lines else list(range(first + 1, len(grid.rows) + 1))
    # the rows of another width (found in C: most often none is) cut or filled
    other = () if {*map(len, rows)} <= {width} else \
        compress(range(len(rows)), map(ne, map(len, rows), repeat(width)))
    for i in other:
        row = rows[i]
        if len(row) > width:
            _check_extra(grid, row, width, first + i)
            rows[i] = row[:width]
        else:
            rows[i] = row + [""] * (width - len(row))
    # fully empty rows skipped: only a row whose first cell is blank (found in C) may be one
    firsts = list(map(itemgetter(0), rows))  # every row has a cell (the header has one)
    maybe = map(or_, map(not_, firsts), map(str.isspace, firsts))
    blank = [i for i in compress(range(len(rows)), maybe) if blank_row(rows[i])]
    if blank:
        keep = [True] * len(rows)
        for i in blank:
            keep[i] = False
        rows, numbers = list(compress(rows, keep)), list(compress(numbers, keep))
    if not rows:
        raise _no_data(grid, "the file has header rows but no data rows")
    return [list(c) for c in zip(*rows)], numbers


def _no_data(grid: Grid, message: str) -> InputError:
    if grid.sheet is not None:
        message = message.replace("the file", f'the sheet "{grid.sheet}"')
        others = [f'"{s}"' for s in grid.sheets if s != grid.sheet]
        if others:
            message += f"; the workbook's other sheets are {', '.join(others)}"
    return InputError(message, file=grid.path)


def _check_extra(grid: Grid, row: list[str], width: int, index: int) -> None:
    extra = [c for c in row[width:] if c.strip()]
    if extra:
        raise InputError(
            f"this row has {len(row)} cells but the header has {width} columns "
            f"(extra value {extra[0][:40]!r}); a delimiter or quote may be missing",
            file=grid.path, **grid.position(index))


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA (as Excel labels columns)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _name_columns(grid: Grid, names: list[str], columns: list[list[str]], header: int,
                  *, plain: bool) -> tuple[list[str], list[list[str]], dict[str, list[str]]]:
    """Names made unique (a platform's repeated names numbered ``" (2)"``), and for each
    repeated name the names its repeats were given."""
    names = [n.strip() for n in names]
    while names and not names[-1] and not any(v.strip() for v in columns[-1]):
        names.pop()
        columns.pop()  # trailing separators (Qualtrics legacy ends every line with a comma)
    names = [n or f"Column {column_letter(i)}" for i, n in enumerate(names)]
    seen: dict[str, int] = {}
    out = []
    repeated: dict[str, list[str]] = {}
    for i, name in enumerate(names):
        if name in seen:
            if plain:
                raise InputError(
                    f'the column name "{name}" is used twice (columns {column_letter(seen[name])} '
                    f"and {column_letter(i)}); rename one of them", file=grid.path,
                    column=name, **grid.position(header))
            k = 2
            while f"{name} ({k})" in seen or f"{name} ({k})" in names:
                k += 1
            repeated.setdefault(name, []).append(f"{name} ({k})")
            name = f"{name} ({k})"
        seen[name] = i
        out.append(name)
    return out, columns, repeated


def _checkboxes(frame: Frame, group: Group) -> bool:
    """Columns proposed by name (``Q13_1``…) are a checkbox group when every cell is blank,
    a selected/unselected mark, or one text per column (the option, as Qualtrics writes
    choice text) that becomes the option's name; something must be selected somewhere."""
    options = list(group.options)
    selected = False
    for i, column in enumerate(group.columns):
        values = {v.strip() for v in frame.columns[column]} - {""}
        folded = {v.casefold() for v in values}
        if folded <= group.checked | group.unchecked:
            selected = selected or bool(folded & group.checked)
        elif len(values) == 1 and _LETTER.search(next(iter(values))):
            options[i] = next(iter(values))
            selected = True
        else:
            return False
    if not selected or len({o.casefold() for o in options}) < len(options):
        return False
    group.options = options
    return True


def _fits(frame: Frame, group: Group) -> bool:
    """A proposed multi-select group holds only selected/unselected marks (or the option's
    own text)."""
    if any(c not in frame.columns for c in group.columns):
        return False
    for column, option in zip(group.columns, group.options):
        allowed = set(group.checked | group.unchecked) | {option.strip().casefold()}
        for value in set(frame.columns[column]):
            text = value.strip().casefold()
            if text and text not in allowed:
                return False
    if group.name in frame.columns and group.name not in group.columns:
        group.name = f"{group.name} (options)"
    for column in group.columns:
        frame.hints.setdefault(column, Hint())
    return True
