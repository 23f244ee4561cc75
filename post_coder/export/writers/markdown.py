"""A document as Markdown (GitHub / pandoc pipe tables).

Each table: its bold label and caption, the pipe table (number columns aligned right), its
notes under it. Text is escaped so a cell's ``*``, ``_``, ``|``, ``<`` or backquote shows as
itself; a line break inside a cell becomes ``<br>``. A heading row is bold in the first
cell; an indented row's first cell starts with an em space. A figure is an image link
relative to the Markdown file, its caption under it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from post_coder.export.document import Document, Figure, Heading, Paragraph, Table
from post_coder.export.writers.cells import display, numbered

__all__ = ["escape", "markdown"]

_SPECIAL = re.compile(r"([\\`*_|<>\[\]#])")


def escape(text: str) -> str:
    """Text shown as itself in Markdown: special characters backslash-escaped."""
    return _SPECIAL.sub(r"\\\1", text)


def _cell(text: str) -> str:
    return "<br>".join(escape(" ".join(line.split())) for line in text.splitlines()) \
        if text else ""


def _table(table: Table, label: str) -> list[str]:
    columns = table.columns
    lines = [f"**{label}.** {escape(table.caption)}", ""] if table.caption else []
    lines.append("| " + " | ".join(_cell(c.heading) for c in columns) + " |")
    lines.append("|" + "|".join("--:" if c.format != "text" else "---" for c in columns) + "|")
    for row in table.rows:
        if row.kind == "heading":
            first = display(row.cells[0], columns[0]) if row.cells else ""
            cells = [f"**{_cell(first)}**" if first else ""] + [""] * (len(columns) - 1)
        else:
            cells = [_cell(display(v, c)) for v, c in zip(row.cells, columns)]
            if row.kind == "indented":
                cells[0] = "&emsp;" + cells[0]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    for note in table.notes:
        lines += [escape(note), ""]
    return lines


def markdown(document: Document, path: Path) -> str:
    """The Markdown text of ``document``, image links relative to ``path``'s folder."""
    lines: list[str] = [f"# {escape(document.title)}", ""] if document.title else []
    for block, label in zip(document.blocks, numbered(document)):
        if isinstance(block, Heading):
            lines += ["#" * min(block.level + 1, 6) + " " + escape(block.text), ""]
        elif isinstance(block, Paragraph):
            lines += [escape(block.text), ""]
        elif isinstance(block, Table):
            lines += _table(block, label or "")
        elif isinstance(block, Figure):
            lines += _figure(block, label or "", path)
    return "\n".join(lines).rstrip("\n") + "\n"


def _figure(figure: Figure, label: str, path: Path) -> list[str]:
    target = _relative(Path(figure.image), path.parent)
    lines = [f"![{escape(figure.caption)}](<{target}>)", "",
             f"**{label}.** {escape(figure.caption)}", ""]
    for note in figure.notes:
        lines += [escape(note), ""]
    return lines


def _relative(image: Path, folder: Any) -> str:
    try:
        return Path(os.path.relpath(image.resolve(), Path(folder).resolve())).as_posix()
    except ValueError:  # another drive (Windows)
        return image.resolve().as_posix()
