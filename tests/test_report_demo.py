"""The one-command report on the demo project: `post-coder report demo --out DIR` writes the
theme tables, the RE-AIM tables, figures and summary.json, the codebook, the agreement report
and the matrix, plus report.docx holding them in order; `export themes` in every format; the
RE-AIM figures drawn from the measures.

The report is made once for the module (with `--source union`, so the theme counts do not
depend on what the consensus layer holds). Expected numbers are counted by hand from the
files in resources/demo/:

- theme tables: 46 respondents answered a question (50 wrote something; R031 "none",
  R035 "None", R036 "-" and R037 "N/A"/"NA" are non-answers). Codings under "Perceived
  effectiveness": 38 respondents → 38 (82.6%); "Emotional relief and well-being" 14 → 30.4%;
  under "Barriers" 24 → 52.2%.
- training survey (37 rows): framework 12 Agree / 25 Strongly agree; reaching out 2 Neutral /
  15 Agree / 20 Strongly agree; red flags 1 Disagree / 3 Neutral / 18 Agree / 14 Strongly
  agree and one blank (n = 36).
- interactions between 2019-06-01 and 2022-05-31 by study year from June: 12, 15, 18; by
  department 30 EM, 4 Anesthesia, 3 ICU, 3 Hospitalists, 2 OBGYN, 1 Adult and Family
  Medicine, 0 Head and Neck Surgery, 1 Pediatric Hospitalists, 0 Pediatric ICU,
  1 Geriatrics, 0 Maxillofacial Surgery.
- the department survey: 66 of 75 respondents aware of POST → 88.0%.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from post_coder.cli import main
from post_coder.demo import demo_dir
from post_coder.export.reaim import SpecError, parse_spec
from post_coder.export.reaim.figures import draw, figure_plans

FIGURES = ["fig-reach-interactions", "fig-reach-interactions-per-month",
           "fig-effectiveness-training-rating",
           "fig-effectiveness-peer-supporters-views-after-the-training",
           "fig-effectiveness-department-impact", "fig-adoption-recommend",
           "fig-implementation-satisfaction", "fig-implementation-virtual-platform",
           "fig-maintenance-interactions-per-study-year"]
CAPTIONS = [
    "Table 1. Effectiveness themes in responses to",
    "Table 2. Implementation themes in responses to",
    "Table 3. Other themes in responses to",
    "Table 4. Reach: RE-AIM measures",
    "Fig 1. Interactions recorded, June 2019 to May 2022, by department",
    "Fig 2. Interactions per month",
    "Table 5. Effectiveness: RE-AIM measures",
    "Fig 3. Rated the training good or excellent",
    "Fig 4. Peer supporters' views after the training",
    "Fig 5. POST had a positive impact on my department (of those aware)",
    "Table 6. Adoption: RE-AIM measures",
    "Fig 6. Would recommend POST to another department (of those aware)",
    "Table 7. Implementation: RE-AIM measures",
    "Fig 7. Overall satisfaction with POST (of those aware)",
    "Fig 8. Rated the virtual training platform good or excellent",
    "Table 8. Maintenance: RE-AIM measures",
    "Fig 9. Interactions per study year (June to May)",
    "Table 9. PRISM context",
    "Table 10. Codebook of POST peer-support evaluation (demo) (16 codes)",
    "Table 11. Inter-coder agreement per code, all responses"]


def run(*args, ok=True):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output + result.stderr
    return result


@pytest.fixture(scope="module")
def demo(demo_template, tmp_path_factory) -> Path:
    """A copy of the demo project for this module (the report only reads it)."""
    target = tmp_path_factory.mktemp("report-demo") / "demo.postcoder"
    shutil.copyfile(demo_template, target)
    return target


@pytest.fixture(scope="module")
def report(demo, tmp_path_factory):
    """(the folder, the command's result) of one report of the demo."""
    out = tmp_path_factory.mktemp("report") / "report"
    result = run("report", demo, "--out", out, "--source", "union", "--attribution", "Role",
                 "--resamples", "0")
    return out, result


@pytest.fixture(scope="module")
def word(report):
    import docx

    return docx.Document(str(report[0] / "report.docx"))


def test_the_report_folder_holds_every_part(report):
    out, result = report
    figures = [f"{name}.{fmt}" for name in FIGURES for fmt in ("pdf", "png", "svg")]
    assert sorted(p.name for p in out.iterdir()) == sorted(figures + [
        "themes.docx", "themes.xlsx", "reaim.docx", "reaim.xlsx", "summary.json",
        "codebook.docx", "codebook.xlsx", "agreement.docx", "agreement.xlsx",
        "matrix.csv", "matrix.xlsx", "report.docx"])
    lines = result.stdout.splitlines()
    assert lines[0] == f"Wrote 39 files to {out}:"
    assert lines[1] == "  Theme tables (3 tables): themes.docx, themes.xlsx"
    assert lines[2].startswith("  RE-AIM summary (6 tables, 9 figures): summary.json, "
                               "fig-reach-interactions.png, ")
    assert lines[-1] == "  Everything in order: report.docx (11 tables, 9 figures)"
    # the demo has no review sessions: the minutes are left out, and the command says why
    assert result.stderr == "Left out minutes: no review sessions yet\n"


def test_report_docx_holds_the_parts_in_order_with_numbered_tables_and_figures(word):
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert headings == ["Theme tables", "RE-AIM summary", "Codebook", "Inter-coder agreement",
                        "Response × code matrix"]
    captions = [p.text for p in word.paragraphs if p.style.name == "Caption"]
    assert len(captions) == len(CAPTIONS)
    for caption, expected in zip(captions, CAPTIONS):
        assert caption.startswith(expected)
    assert len(word.tables) == 11
    assert len(word.inline_shapes) == 9


def test_a_theme_table_reads_back_with_its_counts_and_quotes(word):
    effectiveness = word.tables[0]
    assert [c.text for c in effectiveness.rows[0].cells] == [
        "Theme", "Definition", "Respondents, n (%) (N = 46)", "Representative quotes"]
    first = [c.text for c in effectiveness.rows[1].cells]
    assert first[0] == "Perceived effectiveness" and first[2] == "38 (82.6%)"
    assert first[1].startswith("Umbrella theme for what respondents say POST has done")
    assert first[3].startswith("“") and "” — Attending" in first[3]
    second = [c.text for c in effectiveness.rows[2].cells]
    assert (second[0], second[2]) == ("Emotional relief and well-being", "14 (30.4%)")
    other = word.tables[2]  # Barriers has no RE-AIM dimension in the demo
    assert [c.text for c in other.rows[1].cells][::2] == ["Barriers", "24 (52.2%)"]
    assert [r.cells[0].text for r in word.tables[1].rows[1:]] == [
        "Implementation", "Leadership and institutional support", "Outreach and awareness",
        "Suggestions for improvement"]


def test_a_reaim_table_matches_summary_json(report, word):
    measures = {m["id"]: m for m in json.loads(
        (report[0] / "summary.json").read_text(encoding="utf-8"))["measures"]}
    aware = measures["aware"]
    assert (aware["n"], aware["denominator"], aware["percent"]) == (66, 75, 88.0)
    reach = word.tables[3]
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in reach.rows}
    assert rows["Aware of POST"] == ["Aware of POST", "66 (88.0%)", "75", ""]
    # the department rows under the count, from the measure's groups
    by_department = measures["interactions"]["groups"]
    for group in by_department:
        assert rows[group["label"]][1:3] == [
            f"{group['n']} ({group['percent']:.1f}%)", str(group["denominator"])]
    assert [g["n"] for g in by_department] == [30, 4, 3, 3, 2, 1, 0, 1, 0, 1, 0]


def _plans(report):
    results = json.loads((report[0] / "summary.json").read_text(encoding="utf-8"))["measures"]
    spec = parse_spec((demo_dir() / "reaim.toml").read_text(encoding="utf-8"))
    return {p.caption: p for p in figure_plans(results, spec)}


def test_the_figures_have_the_hand_counted_bars(report):
    plans = _plans(report)
    views = plans["Peer supporters' views after the training"]
    assert views.diverging and [r["id"] for r in views.measures] == [
        "training_framework", "confident_outreach", "confident_red_flags"]
    ax = draw(views)[0].axes[0]
    assert [c.get_label() for c in ax.containers] == [
        "Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]
    widths = [c.patches[i].get_width() for i in range(3) for c in ax.containers]
    assert widths == pytest.approx([
        0, 0, 0, 100 * 12 / 37, 100 * 25 / 37,
        0, 0, 100 * 2 / 37, 100 * 15 / 37, 100 * 20 / 37,
        0, 100 * 1 / 36, 100 * 3 / 36, 100 * 18 / 36, 100 * 14 / 36])
    # the neutral level straddles zero
    neutral = ax.containers[2].patches[1]
    assert neutral.get_x() == pytest.approx(-neutral.get_width() / 2)
    notes = draw(views)[1]
    assert "Confident recognizing red flags and referring: 1" in notes[1]

    years = draw(plans["Interactions per study year (June to May)"])[0].axes[0]
    assert [b.get_height() for b in years.containers[0]] == [12, 15, 18]
    assert [t.get_text() for t in years.get_xticklabels()] == ["2019-20", "2020-21",
                                                                "2021-22"]
    departments = draw(plans["Interactions recorded, June 2019 to May 2022, by department"]
                       )[0].axes[0]
    assert [b.get_width() for b in departments.containers[0]] == [
        30, 4, 3, 3, 2, 1, 0, 1, 0, 1, 0]
    # an even scale or a single item on its own: the rating scale is drawn by itself
    rating = plans["Rated the training good or excellent"]
    assert rating.levels == ["Very poor", "Poor", "Fair", "Good", "Excellent"]


def test_figure_files_are_png_at_300_dpi_svg_and_pdf(report):
    from PIL import Image

    stem = report[0] / "fig-effectiveness-peer-supporters-views-after-the-training"
    with Image.open(stem.with_suffix(".png")) as image:
        assert image.info["dpi"] == pytest.approx((300, 300), abs=0.1)
        assert image.width == 6.5 * 300
    assert stem.with_suffix(".svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert stem.with_suffix(".pdf").read_bytes().startswith(b"%PDF")


SMALL_SPEC = """
title = "Two dimensions of the demo"

[[reach]]
id = "aware"
label = "Aware of POST"
kind = "proportion"
dataset = "Department-wide physician survey"
numerator = [{ column = "Are you aware of the POST program?", op = "=", value = "Yes" }]

[[effectiveness]]
id = "framework"
label = "Framework and tools"
kind = "distribution"
dataset = "Training feedback survey"
column = "The training gave me a framework and tools to promote mutual support"
figure = "After the training"

[[effectiveness]]
id = "outreach"
label = "Confident reaching out"
kind = "distribution"
dataset = "Training feedback survey"
column = "Confident reaching out to a colleague after a hard event"
figure = "After the training"

[[maintenance]]
id = "per_year"
label = "Interactions per study year"
kind = "events"
dataset = "Interactions"
date = "date"
period = "year"
year_start = 6
start = 2019-06-01
end = 2022-05-31
"""


def test_reaim_out_writes_tables_in_every_format_with_figures(demo, tmp_path):
    import docx
    from openpyxl import load_workbook

    spec = tmp_path / "small.toml"
    spec.write_text(SMALL_SPEC, encoding="utf-8")
    out = tmp_path / "results"
    result = run("reaim", demo, "--spec", spec, "--out", out, "--format", "docx",
                 "--format", "xlsx", "--format", "html", "--format", "tex")
    assert "(2 figures as PNG, SVG and PDF)" in result.stdout
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"fig-{name}.{fmt}" for name in ("effectiveness-after-the-training",
                                          "maintenance-per-year")
         for fmt in ("png", "svg", "pdf")]
        + [f"reaim-{d}.{fmt}" for d in ("reach", "effectiveness", "maintenance")
           for fmt in ("docx", "xlsx", "html", "tex")] + ["summary.json"])
    effectiveness = docx.Document(str(out / "reaim-effectiveness.docx"))
    assert len(effectiveness.tables) == 1 and len(effectiveness.inline_shapes) == 1
    assert [p.text for p in effectiveness.paragraphs if p.style.name == "Caption"] == [
        "Table 1. Effectiveness: RE-AIM measures", "Fig 1. After the training"]
    rows = [[c.text for c in r.cells] for r in effectiveness.tables[0].rows]
    assert rows[1] == ["Framework and tools", "n = 37; top-2-box 37 (100.0%)", "37", ""]
    assert rows[5] == ["Agree", "12 (32.4%)", "37", ""]
    sheet = load_workbook(out / "reaim-reach.xlsx").active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert ["Aware of POST", "66 (88.0%)", 75, None] in values
    html = (out / "reaim-maintenance.html").read_text(encoding="utf-8")
    assert "<figcaption><strong>Fig 1.</strong> Interactions per study year" in html
    assert r"\includegraphics" in (out / "reaim-effectiveness.tex").read_text(encoding="utf-8")
    assert "includegraphics" not in (out / "reaim-reach.tex").read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "tex", "html"])
def test_export_themes_in_each_document_format(demo, tmp_path, fmt):
    out = tmp_path / f"themes.{fmt}"
    result = run("export", "themes", demo, "--out", out, "--source", "union", "--quotes", "0")
    assert result.stdout.startswith("Wrote Themes in responses to")
    if fmt == "docx":
        import docx

        table = docx.Document(str(out)).tables[0]
        rows = [[c.text for c in r.cells] for r in table.rows]
        assert rows[0] == ["Theme", "Definition", "Respondents, n (%) (N = 46)"]
        assert rows[1][0] == "Effectiveness"  # a heading row spanning the table
        assert rows[2][::2] == ["Perceived effectiveness", "38 (82.6%)"]
    elif fmt == "xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(out).active
        values = [[c.value for c in row] for row in sheet.iter_rows()]
        header = values.index(["Theme", "Definition", "Respondents, n (%) (N = 46)"])
        assert values[header + 1][0] == "Effectiveness"
        assert values[header + 2][::2] == ["Perceived effectiveness", "38 (82.6%)"]
    elif fmt == "tex":
        text = out.read_text(encoding="utf-8")
        assert r"\multicolumn{3}{@{}l}{\textbf{Effectiveness}} \\" in text
        assert r"Perceived effectiveness & Umbrella theme" in text
        assert r"38 (82.6\%) \\" in text
    else:
        text = out.read_text(encoding="utf-8")
        assert '<th colspan="3" scope="rowgroup">Effectiveness</th>' in text
        assert "<td>38 (82.6%)</td>" in text


def test_a_figure_field_is_checked():
    base = """
[[effectiveness]]
id = "a"
label = "A"
kind = "distribution"
dataset = "d"
column = "x"
figure = {figure}
"""
    assert parse_spec(base.format(figure='"  Two   words "')).measure("a").get(
        "figure") == "Two words"
    assert parse_spec(base.format(figure="false")).measure("a").get("figure") is False
    with pytest.raises(SpecError, match='measure "a": field "figure": give the figure\'s '
                                        "caption as text"):
        parse_spec(base.format(figure="3"))
    counted = base.replace('kind = "distribution"', 'kind = "count"').replace(
        'column = "x"\n', "")
    with pytest.raises(SpecError, match='field "figure": a count measure has no such field'):
        parse_spec(counted.format(figure='"F"'))


def test_measures_sharing_a_named_figure_must_share_a_scale():
    spec = parse_spec("""
[[effectiveness]]
id = "a"
label = "A"
kind = "distribution"
dataset = "d"
column = "x"
figure = "Both"

[[effectiveness]]
id = "b"
label = "B"
kind = "distribution"
dataset = "d"
column = "y"
figure = "Both"
""")

    def result(mid, levels):
        return {"id": mid, "dimension": "Effectiveness", "label": mid.upper(),
                "kind": "distribution", "n": 2, "missing": 0, "top_box": None,
                "levels": [{"label": lv, "n": 1} for lv in levels]}

    same = figure_plans([result("a", ["No", "Yes"]), result("b", ["No", "Yes"])], spec)
    assert [(p.caption, p.diverging, len(p.measures)) for p in same] == [("Both", False, 2)]
    with pytest.raises(SpecError, match="""measures 'a', 'b': field "figure": they share the """
                                        'figure "Both" but not a scale'):
        figure_plans([result("a", ["No", "Yes"]), result("b", ["Low", "Mid", "High"])], spec)
