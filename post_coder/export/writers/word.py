"""A document as Word (DOCX), with python-docx.

Tables are real Word tables in the three-rule style journals print (a rule above and below
the table and under the header row), their header row marked to repeat on every page, a
numbered caption above ("Table 1. …", a Word SEQ field, so Word's list of tables sees it)
and the notes under it in smaller type. A heading row spans the table in bold; an indented
row's first cell is indented; a table of more than nine columns is set in 8.5-point type.
Columns are as wide as their text asks
(:func:`~post_coder.export.writers.cells.column_shares`). A table with more than seven
columns, or whose words do not fit across a portrait page, gets a landscape section of its
own. Figures are placed at the text width or less with "Fig 1. …" below them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from post_coder.errors import InputError
from post_coder.export.document import Block, Document, Figure, Heading, Paragraph, Table
from post_coder.export.writers.cells import (CHARS_PER_INCH, column_shares, display,
                                             is_number, is_wide, numbered)

__all__ = ["SMALL_TYPE", "write_docx"]

#: a table with more columns than this is set in 8.5-point type (10-point otherwise)
SMALL_TYPE = 9


def write_docx(document: Document, path: Path) -> None:
    """Write ``document`` to ``path`` (a temporary file: the caller moves it into place)."""
    from docx import Document as Word

    word = Word()
    _styles(word)
    landscape = [_wants_landscape(document.blocks, i) for i in range(len(document.blocks))]
    state = _Sections(word)
    if landscape:
        state.orient(landscape[0], first=True)
    if document.title:
        word.add_heading(document.title, level=0)
    for block, label, wide in zip(document.blocks, numbered(document), landscape):
        state.orient(wide)
        if isinstance(block, Heading):
            word.add_heading(block.text, level=min(max(block.level, 1), 9))
        elif isinstance(block, Paragraph):
            word.add_paragraph(block.text)
        elif isinstance(block, Table):
            _table(word, block, label or "")
        elif isinstance(block, Figure):
            _figure(word, block, label or "")
        state.used = True
    word.save(str(path))


def _wants_landscape(blocks: list[Block], i: int) -> bool:
    """A wide table wants a landscape page; a heading goes with the block after it."""
    for block in blocks[i:]:
        if not isinstance(block, Heading):
            return isinstance(block, Table) and is_wide(block)
    return False


class _Sections:
    """Switches between portrait and landscape sections as the blocks ask."""

    def __init__(self, word: Any) -> None:
        self.word = word
        self.landscape = False
        self.used = False

    def orient(self, landscape: bool, *, first: bool = False) -> None:
        from docx.enum.section import WD_ORIENT, WD_SECTION

        if landscape == self.landscape:
            return
        section = (self.word.sections[-1] if first or not self.used
                   else self.word.add_section(WD_SECTION.NEW_PAGE))
        width, height = section.page_width, section.page_height
        if (width > height) != landscape:
            section.page_width, section.page_height = height, width
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        self.landscape = landscape
        self.used = False


def _styles(word: Any) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt, RGBColor

    styles = word.styles
    text = styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
    text.base_style = styles["Normal"]
    text.font.size = Pt(10)
    text.paragraph_format.space_before = Pt(1)
    text.paragraph_format.space_after = Pt(1)
    small = styles.add_style("Table Text Small", WD_STYLE_TYPE.PARAGRAPH)
    small.base_style = text
    small.font.size = Pt(8.5)
    note = styles.add_style("Table Note", WD_STYLE_TYPE.PARAGRAPH)
    note.base_style = styles["Normal"]
    note.font.size = Pt(9)
    note.paragraph_format.space_after = Pt(2)
    caption = styles["Caption"]
    caption.font.size = Pt(10)
    caption.font.bold = False
    caption.font.italic = False
    caption.font.color.rgb = RGBColor(0, 0, 0)
    caption.paragraph_format.space_before = Pt(10)
    caption.paragraph_format.space_after = Pt(4)


def _caption(word: Any, label: str, text: str) -> Any:
    """A "Caption" paragraph: the label in bold (its number a SEQ field), then the text."""
    kind, _, number = label.partition(" ")
    paragraph = word.add_paragraph(style="Caption")
    paragraph.add_run(f"{kind} ").bold = True
    _seq_field(paragraph, kind, number)
    paragraph.add_run(".").bold = True
    paragraph.add_run(f" {text}")
    return paragraph


def _seq_field(paragraph: Any, kind: str, number: str) -> None:
    """A Word SEQ field numbering ``kind`` whose current result is ``number``."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def run_with(tag: str, **attrs: str) -> Any:
        run = paragraph.add_run()
        run.bold = True
        element = OxmlElement(tag)
        for key, value in attrs.items():
            element.set(qn(key), value)
        run._r.append(element)  # noqa: SLF001 - python-docx has no API for fields
        return element

    run_with("w:fldChar", **{"w:fldCharType": "begin"})
    instr = run_with("w:instrText", **{"xml:space": "preserve"})
    instr.text = f" SEQ {kind} \\* ARABIC "
    run_with("w:fldChar", **{"w:fldCharType": "separate"})
    paragraph.add_run(number).bold = True
    run_with("w:fldChar", **{"w:fldCharType": "end"})


def _table(word: Any, table: Table, label: str) -> None:
    from docx.shared import Cm

    caption = _caption(word, label, table.caption)
    caption.paragraph_format.keep_with_next = True
    columns = table.columns
    out = word.add_table(rows=1, cols=len(columns))
    out.autofit = False
    section = word.sections[-1]
    room = section.page_width - section.left_margin - section.right_margin
    # a table of many columns is set smaller (its widths still measured at 10 points), to
    # keep more of its words whole
    style = "Table Text Small" if len(columns) > SMALL_TYPE else "Table Text"
    # looked up once: python-docx finds a style by name by reading every style, which for
    # each cell of a long table adds up to seconds
    style = word.styles[style].style_id
    line = int(room / 914400 * CHARS_PER_INCH)  # 914,400 EMU to the inch
    widths = [int(room * share) for share in column_shares(table, line)]
    for column, cell, width in zip(out.columns, out.rows[0].cells, widths):
        column.width = width  # new rows take their cells' widths from here
        cell.width = width
    _rules(out)
    numeric = [c.format != "text" for c in columns]
    header = out.rows[0]
    for cell, column, right in zip(header.cells, columns, numeric):
        _fill(cell, column.heading, style, bold=True, right=right)
        _rule_below(cell)
    _repeat_as_header(header)
    for row in table.rows:
        cells = out.add_row().cells
        if row.kind == "heading":
            merged = cells[0].merge(cells[-1]) if len(cells) > 1 else cells[0]
            first = row.cells[0] if row.cells else ""
            _fill(merged, display(first, columns[0]), style, bold=True)
            continue
        for i, (cell, value, column) in enumerate(zip(cells, row.cells, columns)):
            _fill(cell, display(value, column), style, right=numeric[i] and is_number(value))
            if i == 0 and row.kind == "indented":
                cell.paragraphs[0].paragraph_format.left_indent = Cm(0.5)
    if table.notes:
        for note in table.notes:
            word.add_paragraph(note, style="Table Note")
    else:
        word.add_paragraph(style="Table Note")  # keeps the next table apart


def _fill(cell: Any, text: str, style_id: str, *, bold: bool = False,
          right: bool = False) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    paragraph = cell.paragraphs[0]
    paragraph._p.style = style_id  # noqa: SLF001 - the style's id, looked up once
    run = paragraph.add_run(text)
    if bold:
        run.bold = True
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _border(parent: Any, tag: str, sides: dict[str, str]) -> None:
    """Set ``sides`` (side → "single"/"nil") on a tblBorders/tcBorders child of ``parent``."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    borders = parent.find(qn(tag))
    if borders is None:
        borders = OxmlElement(tag)
        parent.append(borders)
    for side, kind in sides.items():
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), kind)
        if kind != "nil":
            edge.set(qn("w:sz"), "8")
            edge.set(qn("w:space"), "0")
            edge.set(qn("w:color"), "000000")
        borders.append(edge)


def _rules(table: Any) -> None:
    """The journal style: a rule above and below the table, none inside."""
    props = table._tbl.tblPr  # noqa: SLF001 - python-docx has no API for borders
    _border(props, "w:tblBorders", {"top": "single", "left": "nil", "bottom": "single",
                                     "right": "nil", "insideH": "nil", "insideV": "nil"})


def _rule_below(cell: Any) -> None:
    _border(cell._tc.get_or_add_tcPr(), "w:tcBorders",  # noqa: SLF001
            {"bottom": "single"})


def _repeat_as_header(row: Any) -> None:
    """Mark a row as the table's header row: Word repeats it on every page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    props = row._tr.get_or_add_trPr()  # noqa: SLF001 - python-docx has no API for it
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    props.append(header)


def _figure(word: Any, figure: Figure, label: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    image = Path(figure.image)
    if not image.is_file():
        raise InputError("the figure's image is missing", file=image)
    section = word.sections[-1]
    room = section.page_width - section.left_margin - section.right_margin
    paragraph = word.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.keep_with_next = True
    shape = paragraph.add_run().add_picture(str(image))
    if shape.width > room:
        shape.height = int(shape.height * room / shape.width)
        shape.width = room
    _caption(word, label, figure.caption)
    for note in figure.notes:
        word.add_paragraph(note, style="Table Note")
