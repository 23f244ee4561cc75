"""The document writers: DOCX, XLSX, CSV, Markdown, LaTeX and HTML, each read back.

One document is written in every format: a title, a heading, a paragraph, Table 1 (a
heading row, an indented row, a formula-like text, counts, a proportion shown as a
percentage with the 18/32 tie, decimals, an empty cell, two notes), Fig 1 (a PNG) and
Table 2 (nine columns: landscape). Expected texts are written out by hand.
"""

from __future__ import annotations

import csv
import re

import pytest

from post_coder.errors import InputError, PostCoderError
from post_coder.export.document import (Column, Document, Figure, Heading, Paragraph, Row,
                                        Table)
from post_coder.export.writers import write_document, write_table_file
from post_coder.export.writers.cells import display, neutralize, numbered

THEMES = Table(
    "Themes of effectiveness & <implementation> (n = 32)",
    (Column("Theme"), Column("Definition"), Column("n", "count"),
     Column("%", "percent"), Column("alpha", "decimal", 3)),
    (Row(("Effectiveness",), "heading"),
     Row(("Emotional support", "Feeling heard_by peers; 50% said *so* {x}", 18, 18 / 32,
          0.81234)),
     Row(("Normalizing", "=SUM(A1) is text", 5, 5 / 32, -0.4286), "indented"),
     Row(("Role-play", None, 1234, 0.0, None))),
    notes=("Note. Percentages of the 32 respondents who answered.", "@source: consensus"))
WIDE = Table.plain("A wide one", [f"Col {i}" for i in range(9)], [[f"v{i}" for i in range(9)]])


@pytest.fixture
def png(tmp_path):
    from matplotlib.figure import Figure as MplFigure

    fig = MplFigure(figsize=(4, 2))
    fig.add_subplot().bar(["a", "b"], [3, 5])
    path = tmp_path / "bars.png"
    fig.savefig(path, dpi=100)
    return path


@pytest.fixture
def doc(png):
    return Document("Report: POST", [
        Heading("Results"), Paragraph("Costs $5 & 10% of #1_a {b} ~c ^d \\e <f>"), THEMES,
        Figure("Interactions per month", png, notes=("n = 10",)), WIDE])


def test_display_prints_numbers_as_journals_do():
    text, pct = Column("x"), Column("p", "percent")
    assert display(18 / 32, pct) == "56.3%"           # the tie goes away from zero
    assert display(0.0, pct) == "0.0%"
    assert display(1 / 3, Column("p", "percent", 0)) == "33%"
    assert display(1234, Column("n", "count")) == "1,234"
    assert display(-0.4286, Column("a", "decimal", 3)) == "-0.429"
    assert display(2.675, Column("a", "decimal", 2)) == "2.68"
    assert display(None, pct) == "" and display("n/a", pct) == "n/a"
    assert display(3.0, text) == "3" and display(0.5, text) == "0.5"


def test_neutralize_one_rule_for_every_spreadsheet_cell():
    cases = {"=SUM(A1)": "'=SUM(A1)", "+1": "'+1", "-minus": "'-minus", "@me": "'@me",
             "\t=x": "'\t=x", "\r+x": "'\r+x", "\tplain": "'\tplain", "  =x": "'  =x",
             "\n@x": "'\n@x", "a=b": "a=b", "": "", "Emotional": "Emotional",
             "— quote": "— quote"}
    assert {k: neutralize(k) for k in cases} == cases
    assert neutralize(-5) == -5 and neutralize(None) is None


def test_tables_and_figures_are_numbered_in_order(png):
    t1, t2 = Table.plain("a", ["x"], [[1]]), Table.plain("b", ["x"], [[1]])
    d = Document("", [Heading("h"), t1, Figure("f", png), Paragraph("p"), t2,
                      Figure("g", png)])
    assert numbered(d) == [None, "Table 1", "Fig 1", None, "Table 2", "Fig 2"]


def test_docx_read_back(doc, tmp_path):
    import docx

    [path] = write_document(doc, tmp_path / "report.docx")
    word = docx.Document(str(path))
    captions = [p.text for p in word.paragraphs if p.style.name == "Caption"]
    assert captions == ["Table 1. Themes of effectiveness & <implementation> (n = 32)",
                        "Fig 1. Interactions per month", "Table 2. A wide one"]
    # a real Word caption number (SEQ field) for Word's list of tables
    caption_xml = next(p for p in word.paragraphs if p.text.startswith("Table 1."))._p.xml
    assert "SEQ Table" in caption_xml
    themes, wide = word.tables
    cells = [[c.text for c in row.cells] for row in themes.rows]
    assert cells == [
        ["Theme", "Definition", "n", "%", "alpha"],
        ["Effectiveness"] * 5,  # one cell spanning the row
        ["Emotional support", "Feeling heard_by peers; 50% said *so* {x}", "18", "56.3%",
         "0.812"],
        ["Normalizing", "=SUM(A1) is text", "5", "15.6%", "-0.429"],
        ["Role-play", "", "1,234", "0.0%", ""]]
    assert len({id(c._tc) for c in themes.rows[1].cells}) == 1
    # the header row repeats on every page, and only it
    assert ["w:tblHeader" in r._tr.xml for r in themes.rows] == [True] + [False] * 4
    assert all(r.bold for c in themes.rows[0].cells for r in c.paragraphs[0].runs)
    assert themes.rows[1].cells[0].paragraphs[0].runs[0].bold
    assert round(themes.rows[3].cells[0].paragraphs[0].paragraph_format.left_indent.cm, 2) == 0.5
    assert themes.rows[2].cells[0].paragraphs[0].paragraph_format.left_indent is None
    # order in the body: caption, table, notes; picture, then its caption
    from docx.text.paragraph import Paragraph as WordParagraph

    body = [(el.tag.rsplit("}", 1)[1], WordParagraph(el, None).text if el.tag.endswith("}p")
             else "") for el in word.element.body]
    texts = [t for _, t in body]
    i = texts.index("Table 1. Themes of effectiveness & <implementation> (n = 32)")
    assert body[i + 1][0] == "tbl"
    assert texts[i + 2:i + 4] == ["Note. Percentages of the 32 respondents who answered.",
                                  "@source: consensus"]
    notes = [p for p in word.paragraphs if p.text.startswith("Note. Percentages")]
    assert notes[0].style.name == "Table Note" and notes[0].style.font.size.pt == 9
    figure = texts.index("Fig 1. Interactions per month")
    assert "graphicData" in word.element.body[figure - 1].xml and texts[figure + 1] == "n = 10"
    assert word.paragraphs[0].text == "Report: POST" and word.paragraphs[0].style.name == "Title"
    # nine columns: a landscape section for Table 2 only
    sections = [(s.page_width > s.page_height) for s in word.sections]
    assert sections == [False, True]
    assert [c.text for c in wide.rows[1].cells] == [f"v{i}" for i in range(9)]


def test_xlsx_read_back_cell_by_cell(doc, tmp_path):
    from openpyxl import load_workbook

    [path] = write_document(doc, tmp_path / "report.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["Table 1", "Table 2"]  # one sheet per table, no figures
    sheet = book["Table 1"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values == [
        ["Table 1. Themes of effectiveness & <implementation> (n = 32)", None, None, None,
         None],
        ["Theme", "Definition", "n", "%", "alpha"],
        ["Effectiveness", None, None, None, None],
        ["Emotional support", "Feeling heard_by peers; 50% said *so* {x}", 18, 0.5625,
         0.81234],
        ["Normalizing", "'=SUM(A1) is text", 5, 0.15625, -0.4286],
        ["Role-play", None, 1234, 0.0, None],
        [None] * 5,
        ["Note. Percentages of the 32 respondents who answered.", None, None, None, None],
        ["'@source: consensus", None, None, None, None]]
    assert sheet.freeze_panes == "A3"
    assert sheet["A1"].font.bold and sheet["C2"].font.bold and sheet["A3"].font.bold
    assert [sheet[f"{c}4"].number_format for c in "CDE"] == ["#,##0", "0.0%", "0.000"]
    assert sheet["B5"].data_type == "s" and sheet["A9"].data_type == "s"
    assert sheet["A5"].alignment.indent == 1 and not sheet["A4"].alignment.indent
    assert sheet["A8"].font.italic
    wide = book["Table 2"]
    assert [c.value for c in wide[2]] == [f"Col {i}" for i in range(9)]


def test_a_named_table_names_its_sheet_and_an_uncaptioned_one_starts_with_its_header(
        tmp_path):
    from openpyxl import load_workbook

    t = Table("", (Column("Code"), Column("% agreement", "percent")),
              (Row(("=x", 0.5)),), name="Agree:ment/[1]")
    write_table_file(t, tmp_path / "a.xlsx")
    sheet = load_workbook(tmp_path / "a.xlsx").active
    assert sheet.title == "Agree ment  1"  # characters a sheet name cannot hold removed
    assert [[c.value for c in r] for r in sheet.iter_rows()] == [
        ["Code", "% agreement"], ["'=x", 0.5]]
    assert sheet.freeze_panes == "A2" and sheet["B2"].number_format == "0.0%"


def test_csv_one_file_per_table_with_bom_and_neutralized_text(doc, tmp_path):
    paths = write_document(doc, tmp_path / "report.csv")
    assert [p.name for p in paths] == ["report-table-1.csv", "report-table-2.csv"]
    raw = paths[0].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with open(paths[0], encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows == [
        ["Theme", "Definition", "n", "%", "alpha"],
        ["Effectiveness", "", "", "", ""],
        ["Emotional support", "Feeling heard_by peers; 50% said *so* {x}", "18", "0.5625",
         "0.81234"],
        ["  Normalizing", "'=SUM(A1) is text", "5", "0.15625", "-0.4286"],
        ["Role-play", "", "1234", "0.0", ""],
        [],
        ["Note. Percentages of the 32 respondents who answered."],
        ["'@source: consensus"]]
    single = write_table_file(THEMES, tmp_path / "themes.csv")
    assert single == tmp_path / "themes.csv" and single.read_bytes() == raw


def test_markdown_escapes_and_aligns(doc, tmp_path):
    [path] = write_document(doc, tmp_path / "report.md")
    text = path.read_text(encoding="utf-8")
    assert text.startswith(
        "# Report: POST\n\n## Results\n\n"
        "Costs $5 & 10% of \\#1\\_a {b} ~c ^d \\\\e \\<f\\>\n\n"
        "**Table 1.** Themes of effectiveness & \\<implementation\\> (n = 32)\n\n"
        "| Theme | Definition | n | % | alpha |\n"
        "|---|---|--:|--:|--:|\n"
        "| **Effectiveness** |  |  |  |  |\n"
        "| Emotional support | Feeling heard\\_by peers; 50% said \\*so\\* {x} | 18 | 56.3% "
        "| 0.812 |\n"
        "| &emsp;Normalizing | =SUM(A1) is text | 5 | 15.6% | -0.429 |\n"
        "| Role-play |  | 1,234 | 0.0% |  |\n\n"
        "Note. Percentages of the 32 respondents who answered.\n\n@source: consensus\n\n"
        "![Interactions per month](<bars.png>)\n\n**Fig 1.** Interactions per month\n\n")
    t = Table.plain("x", ["a|b"], [["line one\nline two | pipe"]])
    write_table_file(t, tmp_path / "t.md")
    assert "| line one<br>line two \\| pipe |" in (tmp_path / "t.md").read_text("utf-8")


def test_latex_booktabs_escaped(doc, tmp_path):
    [path] = write_document(doc, tmp_path / "report.tex")
    tex = path.read_text(encoding="utf-8")
    assert tex.startswith("\\documentclass[11pt]{article}")
    assert "\\usepackage{booktabs}" in tex and tex.rstrip().endswith("\\end{document}")
    assert ("Costs \\$5 \\& 10\\% of \\#1\\_a \\{b\\} \\textasciitilde{}c "
            "\\textasciicircum{}d \\textbackslash{}e \\textless{}f\\textgreater{}") in tex
    assert "\\caption{Themes of effectiveness \\& \\textless{}implementation\\textgreater{} " \
           "(n = 32)}\\\\" in tex
    table = tex[tex.index("\\begin{longtable}"):tex.index("\\end{longtable}")]
    rules = re.findall(r"\\(toprule|midrule|bottomrule)", table)
    assert rules == ["toprule", "midrule", "toprule", "midrule", "bottomrule"]
    assert "\\multicolumn{5}{@{}l}{\\textbf{Effectiveness}} \\\\" in table
    assert ("Emotional support & Feeling heard\\_by peers; 50\\% said *so* \\{x\\} & 18 & "
            "56.3\\% & 0.812 \\\\") in table
    assert "\\hspace{1em}Normalizing & =SUM(A1) is text & 5 & 15.6\\% & -0.429 \\\\" in table
    assert re.match(r"\\begin\{longtable\}\{@\{\}(>\{\\raggedright\\arraybackslash\}"
                    r"p\{\\dimexpr 0\.\d+\\linewidth-2\\tabcolsep\\relax\}){2}rrr@\{\}\}",
                    table)
    assert "{\\footnotesize\nNote. Percentages of the 32 respondents who answered.\\par" in tex
    assert "\\includegraphics[width=\\linewidth,height=0.8\\textheight,keepaspectratio]" \
           "{bars.png}" in tex
    # the nine-column table on a landscape page, the first one not
    assert tex.count("\\begin{landscape}") == 1
    assert tex.index("\\begin{landscape}") > tex.index("Themes of effectiveness")


def test_html_self_contained_and_escaped(doc, tmp_path):
    import base64

    [path] = write_document(doc, tmp_path / "report.html")
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert ("<caption><strong>Table 1.</strong> Themes of effectiveness &amp; "
            "&lt;implementation&gt; (n = 32)</caption>") in page
    assert ('<thead><tr><th scope="col">Theme</th><th scope="col">Definition</th>'
            '<th scope="col" class="num">n</th>') in page
    assert '<tr class="group"><th colspan="5" scope="rowgroup">Effectiveness</th></tr>' in page
    assert ('<tr><td class="indent">Normalizing</td><td>=SUM(A1) is text</td>'
            '<td class="num">5</td><td class="num">15.6%</td><td class="num">-0.429</td></tr>'
            ) in page
    assert '<p class="note">@source: consensus</p>' in page
    data = base64.b64encode((tmp_path / "bars.png").read_bytes()).decode()
    assert f'<img src="data:image/png;base64,{data}" alt="Interactions per month">' in page
    assert "src=\"bars.png\"" not in page  # nothing outside the file
    evil = Table.plain("<script>alert(1)</script>", ["a"], [['"><img onerror=x>']])
    write_table_file(evil, tmp_path / "evil.html")
    text = (tmp_path / "evil.html").read_text("utf-8")
    assert "<script>" not in text and "<img onerror" not in text
    assert "&quot;&gt;&lt;img onerror=x&gt;" in text


def test_a_failed_write_leaves_nothing(doc, tmp_path, monkeypatch):
    with pytest.raises(InputError, match="does not exist"):
        write_document(doc, tmp_path / "missing" / "r.docx")
    folder = tmp_path / "out.docx"
    folder.mkdir()
    with pytest.raises(InputError, match="out.docx: that is a folder"):
        write_document(doc, folder)
    with pytest.raises(InputError, match='write docx, xlsx, csv, md, tex or html, not "pdf"'):
        write_document(doc, tmp_path / "r.docx", "pdf")
    with pytest.raises(InputError, match="no table to write as XLSX"):
        write_document(Document("t", [Paragraph("p")]), tmp_path / "r.xlsx")
    # an image gone missing: no half-written DOCX, no temporary file left
    gone = Document("t", [THEMES, Figure("f", tmp_path / "nowhere.png")])
    with pytest.raises(PostCoderError, match="nowhere.png: the figure's image is missing"):
        write_document(gone, tmp_path / "r.docx")
    # the second of two CSV files fails: the first is not left behind either
    from post_coder.export.writers import sheets

    real, calls = sheets.write_csv, []

    def second_fails(table, path):
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real(table, path)

    monkeypatch.setattr(sheets, "write_csv", second_fails)
    with pytest.raises(PostCoderError, match="could not be written"):
        write_document(doc, tmp_path / "r.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bars.png", "out.docx"]


def test_column_widths_follow_the_text_and_long_words_ask_for_landscape():
    from post_coder.export.writers.cells import column_shares, is_wide

    # everything fits: each column as wide as its longest text plus two for the margins; a
    # heading is bold, so its letters count 1.4 times (2 → 3, 4 → 6)
    small = Table.plain("t", ["ab", "cdef"], [["x", "y"]])
    assert column_shares(small) == pytest.approx([5 / 13, 8 / 13])
    assert column_shares(Table.plain("t", ["a", "b"], [["xyzw", "y"]])) == pytest.approx(
        [6 / 10, 4 / 10])
    # too long for the line: each keeps its longest word (5 + 2 and 3 + 2 characters), the
    # rest of the 20 characters goes to the column with more text
    long = Table.plain("t", ["a", "b"], [["words " * 20, "abc"]])
    shares = column_shares(long, line=20)
    assert shares[1] == pytest.approx(5 / 20) and shares[0] == pytest.approx(15 / 20)
    assert not is_wide(small) and not is_wide(long)
    # six columns of long words cannot share a portrait line; eight columns never do
    assert is_wide(Table.plain("t", list("abcdef"), [["confidentiality"] * 6]))
    assert is_wide(Table.plain("t", list("abcdefgh"), [["x"] * 8]))
