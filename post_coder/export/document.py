"""What publication outputs are made of, before any file format: tables, figures, text.

Every exporter (theme tables, RE-AIM summaries, the codebook, the agreement report, review
minutes) builds these plain objects; the writers turn them into DOCX, XLSX, CSV, Markdown,
LaTeX or HTML. So a table reads the same in every format, and a new format is one writer.

A :class:`Table` is a caption, column headings, rows of plain values (``str``, ``int``,
``float`` or ``None`` for an empty cell) and notes printed under it. A row may be marked as
a heading that spans the table (a RE-AIM dimension above its themes) or as indented (a
sub-theme under its theme). Numbers are kept as numbers; :class:`Column` says how to show
them (a percentage, a count, three decimals), so a spreadsheet keeps the full value and a
document prints it as a journal would.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

__all__ = ["Block", "Column", "Document", "Figure", "Heading", "Paragraph", "Row", "Table"]

#: how a column's numbers are shown: as they are, a whole number, a proportion shown as a
#: percentage, or a fixed number of decimals ("0.000")
Format = Literal["text", "count", "percent", "decimal"]


@dataclass(frozen=True)
class Column:
    """A column heading and how its values are shown."""

    heading: str
    format: Format = "text"
    #: decimals for "percent" (of 100) and "decimal"
    decimals: int = 1


@dataclass(frozen=True)
class Row:
    """One row: its cells, in column order, and how it sits in the table."""

    cells: tuple[Any, ...]
    #: "data" (an ordinary row), "heading" (its first cell spans the table: a group such as
    #: a RE-AIM dimension) or "indented" (a sub-theme under the row above)
    kind: Literal["data", "heading", "indented"] = "data"


@dataclass(frozen=True)
class Table:
    """A numbered table of a publication: caption, columns, rows and notes under it."""

    caption: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    notes: tuple[str, ...] = ()
    #: a short name for a spreadsheet sheet or a file (default: from the caption)
    name: str | None = None

    def __post_init__(self) -> None:
        width = len(self.columns)
        for i, row in enumerate(self.rows):
            if row.kind != "heading" and len(row.cells) != width:
                raise ValueError(f"row {i + 1} of table {self.caption!r} has "
                                 f"{len(row.cells)} cells for {width} columns")

    @classmethod
    def plain(cls, caption: str, headings: Sequence[str], rows: Sequence[Sequence[Any]],
              *, notes: Sequence[str] = (), name: str | None = None) -> Table:
        """A table of text columns and ordinary rows."""
        return cls(caption, tuple(Column(h) for h in headings),
                   tuple(Row(tuple(r)) for r in rows), tuple(notes), name)


@dataclass(frozen=True)
class Figure:
    """A numbered figure: an image already written (PNG for documents; SVG/PDF beside it)."""

    caption: str
    image: Path
    notes: tuple[str, ...] = ()
    name: str | None = None


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    text: str


Block = Heading | Paragraph | Table | Figure


@dataclass
class Document:
    """A report: a title and its blocks in order. Tables and figures are numbered in the
    order they appear (Table 1, Table 2, …; Fig 1, …)."""

    title: str
    blocks: list[Block] = field(default_factory=list)

    def add(self, *blocks: Block) -> Document:
        self.blocks.extend(blocks)
        return self

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    def figures(self) -> list[Figure]:
        return [b for b in self.blocks if isinstance(b, Figure)]
