"""The in-memory shape of a survey file once read and its header rows understood.

Readers turn a file into a :class:`Grid` (rows of cell text, or for SPSS a ready
:class:`Frame`); :mod:`.platforms` turns a grid into a :class:`Frame`: one list of cell
text per column, where every data row is (the physical line of a text file, the row of
a workbook), question wording and hints for inference (forced types, level orders,
multi-select groups, suggested roles).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from post_coder.importing.values import Kinds


@dataclass
class Grid:
    """A file read as rows of text cells (every row as it is, header rows included)."""

    path: Path
    sha256: str
    format: str  # 'csv' | 'tsv' | 'xlsx'
    rows: list[list[str]]
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    #: physical line (1-based) where each row starts; None: row ``i`` is line ``i + 1``
    lines: list[int] | None = None
    #: about the reading itself (lines read in another encoding…)
    notes: list[str] = field(default_factory=list)

    def line(self, index: int) -> int:
        """The physical line (text) or spreadsheet row (Excel) of ``rows[index]``."""
        if self.lines is None:
            return index + 1
        if index < len(self.lines):
            return self.lines[index]
        return (self.lines[-1] + 1) if self.lines else index + 1

    def position(self, index: int) -> dict[str, int]:
        """``line=`` (text files) or ``row=`` (workbooks) keyword for an error at rows[index]."""
        return {"row" if self.format in ("xlsx", "xls", "ods") else "line": self.line(index)}


@dataclass
class Hint:
    """What a platform or file format knows about one column beyond its cells."""

    type: str | None = None
    levels: list[str] | None = None
    #: 'skip' or 'attribute' for system columns; 'open_ended' for known text entry
    role: str | None = None
    #: the column's values are codes to be shown as these labels (SPSS value labels)
    labels: dict[str, str] | None = None
    #: why the role was suggested ("personal data", "survey system column"…)
    note: str = ""


@dataclass
class Group:
    """Several columns that together make one multi-select question (one column per option)."""

    name: str
    columns: list[str]
    #: the value stored for each source column when it is selected
    options: list[str]
    wording: str = ""
    #: cell values (case-folded, trimmed) that mean "selected"; empty: the option's own text
    checked: frozenset[str] = frozenset()
    #: cell values that mean "not selected" (besides blank)
    unchecked: frozenset[str] = frozenset()
    #: every column holds a chosen option itself, not a mark (an SPSS multiple-response
    #: category set: ``$Q13`` over ``Q13a``, ``Q13b``… each holding one chosen category)
    categories: bool = False


@dataclass
class Frame:
    path: Path
    sha256: str
    format: str
    platform: str
    header_rows: int
    names: list[str]
    columns: dict[str, list[str]]
    #: where every data row is: its first physical line in a text file (the header is line 1),
    #: else its spreadsheet row (the header is row 1) or its case number (SPSS)
    row_numbers: list[int]
    wording: dict[str, str] = field(default_factory=dict)
    hints: dict[str, Hint] = field(default_factory=dict)
    groups: list[Group] = field(default_factory=list)
    id_column: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    #: other names a person may give a column by (a code from another header row, the
    #: heading before cleaning) → the column's name
    aliases: dict[str, str] = field(default_factory=dict)
    #: things about the file worth saying before importing (repeated names, odd lines…)
    notes: list[str] = field(default_factory=list)
    #: True once an import took the cells (:meth:`release`): :attr:`columns` is empty
    released: bool = False
    #: column → (its cells, the kinds of its distinct cells as ``values.kinds`` gave them):
    #: kept by the inspection for the columns it suggests as open-ended (and as attributes,
    #: when their distinct cells are few), so that importing them does not count and
    #: classify their cells again
    cell_kinds: dict[str, tuple[list[str], Kinds]] = field(
        default_factory=dict, repr=False, compare=False)

    @property
    def unit(self) -> str:
        """What :attr:`row_numbers` count: physical ``line`` of a text file, else ``row``."""
        return "line" if self.format in ("csv", "tsv") else "row"

    def at(self, number: int) -> dict[str, int]:
        """``line=`` or ``row=`` keyword for an error at this position."""
        return {self.unit: number}

    @property
    def row_count(self) -> int:
        return len(self.row_numbers)

    def hint(self, name: str) -> Hint:
        return self.hints.get(name) or Hint()

    def release(self, keep: set[str] | frozenset[str] = frozenset()) -> None:
        """Let go of every cell (:attr:`columns` becomes empty; the rest stays), but those
        of the columns named in ``keep`` and their kept kinds (until released again). An
        import does this once it has converted the answers, so that a long answer is held
        once, by the import, while SQLite stores it: the plans of a wizard share their
        frame, and a 50 MB answer held by it as well cost 50 MB more at each step of the
        writing. The cells are read from the file again when needed
        (``plan.inspected_frame``)."""
        self.columns = {n: cells for n, cells in self.columns.items() if n in keep}
        self.cell_kinds = {n: kept for n, kept in self.cell_kinds.items() if n in keep}
        self.released = True

    def kept_kinds(self, name: str) -> Kinds | None:
        """The kinds of ``name``'s distinct cells kept by the inspection (see
        :attr:`cell_kinds`), or None when none are kept for its cells as they are now."""
        kept = self.cell_kinds.get(name)
        return kept[1] if kept is not None and kept[0] is self.columns.get(name) else None
