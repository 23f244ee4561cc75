"""A document as LaTeX: a complete file that compiles with pdflatex (or xelatex for
scripts such as Greek or Japanese), each table a ``longtable`` with booktabs rules.

Tables run over pages with the header repeated; ``\\caption`` numbers them ("Table 1."
above) in the same order as every other format. Text columns are paragraph columns
(``p{…}``) sharing the line's width by how long their text is, number columns align right.
A heading row spans the table in bold, an indented row's first cell is indented, the
notes follow the table in small type. A wide table (more than seven columns, or words
that do not fit across a portrait page) is set on a landscape page. Every special character (``\\ & % $ # _ { } ~ ^ < >``) is escaped.
"""

from __future__ import annotations

import os
from pathlib import Path

from post_coder.export.document import Document, Figure, Heading, Paragraph, Table
from post_coder.export.writers.cells import column_shares, display, is_wide

__all__ = ["escape", "latex"]

_ESCAPES = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
            "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
            "^": r"\textasciicircum{}", "<": r"\textless{}", ">": r"\textgreater{}"}

_PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[T1]{fontenc}
\usepackage[utf8]{inputenc}
\usepackage{lmodern}
\usepackage[margin=2.5cm]{geometry}
\usepackage{array}
\usepackage{booktabs}
\usepackage{longtable}
\usepackage{pdflscape}
\usepackage{graphicx}
\usepackage[labelsep=period,labelfont=bf,justification=raggedright,singlelinecheck=false]{caption}
\captionsetup[figure]{name=Fig}
"""


def escape(text: str) -> str:
    """Text shown as itself in LaTeX (line breaks become spaces)."""
    return "".join(_ESCAPES.get(ch, ch) for ch in " ".join(str(text).split()))


def _spec(table: Table) -> str:
    """Column types: ``r`` for numbers, paragraph columns (ragged right) for text, each
    text column as wide as its share of the line (:func:`column_shares`) less the space
    between columns, so the table keeps within the line."""
    parts = []
    for column, share in zip(table.columns, column_shares(table)):
        if column.format == "text":
            width = rf"\dimexpr {0.95 * share:.3f}\linewidth-2\tabcolsep\relax"
            parts.append(rf">{{\raggedright\arraybackslash}}p{{{width}}}")
        else:
            parts.append("r")
    return "@{}" + "".join(parts) + "@{}"


def _table(table: Table) -> list[str]:
    columns = table.columns
    n = len(columns)
    header = " & ".join(rf"\textbf{{{escape(c.heading)}}}" for c in columns) + r" \\"
    lines = [rf"\begin{{longtable}}{{{_spec(table)}}}",
             rf"\caption{{{escape(table.caption)}}}\\", r"\toprule", header, r"\midrule",
             r"\endfirsthead", r"\toprule", header, r"\midrule", r"\endhead",
             r"\bottomrule", r"\endlastfoot"]
    for row in table.rows:
        if row.kind == "heading":
            first = display(row.cells[0], columns[0]) if row.cells else ""
            lines.append(rf"\multicolumn{{{n}}}{{@{{}}l}}{{\textbf{{{escape(first)}}}}} \\")
            continue
        cells = [escape(display(v, c)) for v, c in zip(row.cells, columns)]
        if row.kind == "indented":
            cells[0] = r"\hspace{1em}" + cells[0]
        lines.append(" & ".join(cells) + r" \\")
    lines.append(r"\end{longtable}")
    if table.notes:
        lines += [r"{\footnotesize"] + [escape(note) + r"\par" for note in table.notes] + ["}"]
    if is_wide(table):
        lines = [r"\begin{landscape}"] + lines + [r"\end{landscape}"]
    return lines + [""]


def _figure(figure: Figure, folder: Path) -> list[str]:
    try:
        image = Path(os.path.relpath(Path(figure.image).resolve(), folder.resolve())).as_posix()
    except ValueError:
        image = Path(figure.image).resolve().as_posix()
    lines = [r"\begin{figure}[htbp]", r"\centering",
             rf"\includegraphics[width=\linewidth,height=0.8\textheight,keepaspectratio]"
             rf"{{{image}}}", rf"\caption{{{escape(figure.caption)}}}"]
    if figure.notes:
        lines += [r"{\footnotesize"] + [escape(note) + r"\par" for note in figure.notes] + ["}"]
    return lines + [r"\end{figure}", ""]


def latex(document: Document, path: Path) -> str:
    """The LaTeX source of ``document``; figures relative to ``path``'s folder."""
    lines = [_PREAMBLE.rstrip("\n"), r"\begin{document}", ""]
    if document.title:
        lines += [rf"{{\Large\bfseries {escape(document.title)}\par}}", r"\bigskip", ""]
    commands = {1: "section*", 2: "subsection*", 3: "subsubsection*"}
    for block in document.blocks:
        if isinstance(block, Heading):
            lines += [rf"\{commands.get(block.level, 'paragraph*')}{{{escape(block.text)}}}", ""]
        elif isinstance(block, Paragraph):
            lines += [escape(block.text), ""]
        elif isinstance(block, Table):
            lines += _table(block)
        elif isinstance(block, Figure):
            lines += _figure(block, path.parent)
    lines += [r"\end{document}", ""]
    return "\n".join(lines)
