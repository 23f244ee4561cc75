"""A document as one self-contained HTML page (styles inline, figures embedded as PNG data).

Each table has its numbered ``<caption>``, a ``<thead>`` of column headings and a
``<tbody>``; a heading row is one cell spanning the table, an indented row's first cell is
indented, number cells align right, the notes follow the table. Every text is escaped.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

from post_coder.errors import InputError
from post_coder.export.document import Document, Figure, Heading, Paragraph, Table
from post_coder.export.writers.cells import display, is_number, numbered

__all__ = ["html_page"]

_NUM = ' class="num"'

_STYLE = """
body { font-family: "Segoe UI", Helvetica, Arial, sans-serif; font-size: 11pt;
       line-height: 1.4; color: #111; max-width: 62rem; margin: 2rem auto; padding: 0 1rem; }
table { border-collapse: collapse; margin: 0.5rem 0; border-top: 1.5px solid #000;
        border-bottom: 1.5px solid #000; font-size: 10pt; }
caption { caption-side: top; text-align: left; padding: 0.3rem 0; }
th, td { padding: 0.25rem 0.6rem; vertical-align: top; text-align: left; }
thead th { border-bottom: 1px solid #000; }
td.num, th.num { text-align: right; }
td.indent { padding-left: 1.6rem; }
tr.group th { font-weight: bold; padding-top: 0.5rem; }
p.note { font-size: 9pt; margin: 0.2rem 0; }
figure { margin: 1rem 0; }
figure img { max-width: 100%; }
"""


def _e(text: object) -> str:
    return "<br>".join(html.escape(line, quote=True) for line in str(text).splitlines())


def _table(table: Table, label: str) -> list[str]:
    columns = table.columns
    numeric = [c.format != "text" for c in columns]
    out = ["<table>",
           f"<caption><strong>{_e(label)}.</strong> {_e(table.caption)}</caption>"
           if label else f"<caption>{_e(table.caption)}</caption>",
           "<thead><tr>" + "".join(
               f'<th scope="col"{_NUM if n else ""}>{_e(c.heading)}</th>'
               for c, n in zip(columns, numeric)) + "</tr></thead>", "<tbody>"]
    for row in table.rows:
        if row.kind == "heading":
            first = display(row.cells[0], columns[0]) if row.cells else ""
            out.append(f'<tr class="group"><th colspan="{len(columns)}" scope="rowgroup">'
                       f"{_e(first)}</th></tr>")
            continue
        cells = []
        for i, (value, column) in enumerate(zip(row.cells, columns)):
            classes = []
            if numeric[i] and is_number(value):
                classes.append("num")
            if i == 0 and row.kind == "indented":
                classes.append("indent")
            attr = f' class="{" ".join(classes)}"' if classes else ""
            cells.append(f"<td{attr}>{_e(display(value, column))}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out += ["</tbody>", "</table>"]
    out += [f'<p class="note">{_e(note)}</p>' for note in table.notes]
    return out


def _figure(figure: Figure, label: str) -> list[str]:
    image = Path(figure.image)
    if not image.is_file():
        raise InputError("the figure's image is missing", file=image)
    data = base64.b64encode(image.read_bytes()).decode("ascii")
    alt = html.escape(" ".join(figure.caption.split()), quote=True)
    out = ["<figure>", f'<img src="data:image/png;base64,{data}" alt="{alt}">',
           f"<figcaption><strong>{_e(label)}.</strong> {_e(figure.caption)}</figcaption>"]
    out += [f'<p class="note">{_e(note)}</p>' for note in figure.notes]
    return out + ["</figure>"]


def html_page(document: Document) -> str:
    title = document.title or "POST Coder export"
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           f"<title>{_e(title)}</title>", f"<style>{_STYLE}</style>", "</head>", "<body>"]
    if document.title:
        out.append(f"<h1>{_e(document.title)}</h1>")
    for block, label in zip(document.blocks, numbered(document)):
        if isinstance(block, Heading):
            level = min(block.level + 1, 6)
            out.append(f"<h{level}>{_e(block.text)}</h{level}>")
        elif isinstance(block, Paragraph):
            out.append(f"<p>{_e(block.text)}</p>")
        elif isinstance(block, Table):
            out += _table(block, label or "")
        elif isinstance(block, Figure):
            out += _figure(block, label or "")
    return "\n".join(out + ["</body>", "</html>", ""])
