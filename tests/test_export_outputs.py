"""The exports that read a project: the codebook, the agreement table, the response × code
matrix, the report folder, and their commands.

On the three-coder round of ``test_agreement_report`` (its fixture's docstring has the
codings). Who applied what (union of the coders; fb = feedback, sg = suggestions):

=========  =====  =======  ============  =======  =======
response   Time   Support  Peer support  Privacy  Culture
=========  =====  =======  ============  =======  =======
R1 fb      ABC    A        B             .        ABC
R1 sg      ABC    .        .             .        ABC
R2 fb      C      .        .             .        ABC
R3 fb      ABC    .        .             .        AB
R3 sg      .      .        .             .        .
R4 fb      A      .        .             .        AC
R5 fb      A      .        .             .        A
R5 sg      .      .        .             .        .
=========  =====  =======  ============  =======  =======

The survey (tests/conftest.py): R1 EM Attending, R2 EM Lead, R3 ICU Attending, R4 OBGYN
Attending, R5 ICU Lead. Ben is in the open blind round, so he sees only his own codings.
"""

from __future__ import annotations

import csv

import pytest
from click.testing import CliRunner

from post_coder.cli import main
from post_coder.coding import codebook
from post_coder.errors import ConflictError, InputError
from post_coder.export.agreement import agreement_block, write_agreement
from post_coder.export.codebook import codebook_table_block, write_codebook
from post_coder.export.document import Figure, Paragraph
from post_coder.export.matrix import code_matrix, write_matrix
from post_coder.export.report import SECTIONS, Part, ReportOptions, write_report
from post_coder.store.scope import ReadScope
from post_coder.team import review
from post_coder.team.agreement_report import (AgreementHidden, agreement_report,
                                              stored_reports)
from post_coder.team.rounds import read_scope
from tests.test_agreement_report import team  # noqa: F401 - the fixture

EVERYONE = ReadScope.everyone()
CODES = ["Time", "Support", "Peer support", "Privacy", "Culture"]


def _decide(p):
    """A review: R2 Time does not apply, R4 Time applies, R1 Support → Peer support."""
    s = review.open_session(p, EVERYONE, "Round 1", ("Ana", "Ben")).new_id
    review.decide(p, EVERYONE, s, p.r["R2"], "Time", applies=False, note="=not time")
    review.decide(p, EVERYONE, s, p.r["R4"], "Time", applies=True)
    review.decide(p, EVERYONE, s, p.r["R1"], "Support", other_code="Peer support")
    return s


# -- the codebook ------------------------------------------------------------------------------

def test_codebook_table_hierarchy_criteria_and_scoped_counts(team, tmp_path):
    p = team
    codebook.redefine_code(p, p.code["Time"], definition="Not enough time",
                           inclusion="shifts, workload", exclusion="-money", example="no time")
    t = codebook_table_block(p, EVERYONE, counts=True)
    assert [c.heading for c in t.columns] == ["Code", "Definition", "Include when",
                                              "Exclude when", "Example", "Respondents"]
    assert [(r.cells[0], r.kind, r.cells[5]) for r in t.rows] == [
        ("Time", "data", 5), ("Support", "data", 1), ("Peer support", "indented", 1),
        ("Privacy", "data", 0), ("Culture", "data", 5)]
    assert t.rows[0].cells[1:5] == ("Not enough time", "shifts, workload", "-money",
                                    "no time")
    assert t.notes[0] == "Sub-codes are indented under the code they belong to."
    # Ben, blind: his own codings only (Time on R1 and R3; Culture on R1, R2, R3)
    ben = codebook_table_block(p, read_scope(p, p.ben), counts=True)
    assert [r.cells[5] for r in ben.rows] == [2, 0, 1, 0, 3]
    assert ben.notes[-1].endswith("(your own codings: the round is blind).")

    [path] = write_codebook(p, EVERYONE, tmp_path / "codebook.csv")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["Code", "Definition", "Include when", "Exclude when", "Example"]
    assert rows[1] == ["Time", "Not enough time", "shifts, workload", "'-money", "no time"]
    assert [r[0] for r in rows[2:6]] == ["Support", "  Peer support", "Privacy", "Culture"]

    import docx
    [path] = write_codebook(p, EVERYONE, tmp_path / "codebook.docx", include_inactive=True)
    word = docx.Document(str(path))
    assert [c.text for c in word.tables[0].rows[0].cells][-1] == "Status"
    assert [p_.text for p_ in word.paragraphs if p_.style.name == "Caption"] == [
        f"Table 1. Codebook of {p.name} (5 codes)"]


# -- agreement ---------------------------------------------------------------------------------

def test_agreement_table_short_and_full_not_stored(team, tmp_path):
    p = team
    before = len(stored_reports(p))
    [path] = write_agreement(p, EVERYONE, tmp_path / "agreement.docx", round="Round 1",
                             resamples=0)
    assert len(stored_reports(p)) == before  # an export never changes the project
    import docx
    word = docx.Document(str(path))
    rows = [[c.text for c in r.cells] for r in word.tables[0].rows]
    # three coders: Fleiss' kappa (11/161), not Cohen's; values as in test_agreement_report
    assert rows[0] == ["Code", "Units", "Krippendorff's alpha", "95% CI", "% agreement",
                       "Fleiss' kappa", "Gwet's AC1", "Flag"]
    assert next(r for r in rows if r[0] == "Time") == [
        "Time", "5", "0.200", "", "66.7%", "0.068", "0.481", "low"]
    captions = [x.text for x in word.paragraphs if x.style.name == "Caption"]
    assert captions == ['Table 1. Inter-coder agreement per code, round "Round 1"']
    notes = [x.text for x in word.paragraphs if x.style.name == "Table Note"]
    assert notes[0] == ("Coders compared: Ana, Ben, Cleo. A unit is a response that two or "
                        "more of them marked done (5 units); a code applies to a unit when "
                        "the coder applied it anywhere in the response.")
    assert "Flag: low when alpha is below 0.667, tentative below 0.8." in notes
    # Privacy was never applied: alpha is not defined, and a note says why
    privacy = next(r for r in rows if r[0] == "Privacy")
    assert privacy[2] == "" and privacy[4] == "100.0%"
    assert any(n.startswith("Privacy: Krippendorff's alpha") and "not defined: " in n
               and "not defined: not defined" not in n for n in notes)

    report = agreement_report(p, EVERYONE, round="Round 1", resamples=0,
                              store_report=False).as_dict()
    full = agreement_block(report, full=True)
    assert len(full.columns) == 19 and full.columns[3].format == "percent"
    assert ("Time", 5) in [r.cells[:2] for r in full.rows]
    # blind: refused, nothing written
    with pytest.raises(AgreementHidden):
        write_agreement(p, read_scope(p, p.ben), tmp_path / "ben.docx", round="Round 1")
    assert not (tmp_path / "ben.docx").exists()


# -- the matrix --------------------------------------------------------------------------------

def _rows(df, columns):
    return [tuple(r) for r in df[columns].itertuples(index=False, name=None)]


def test_code_matrix_union_by_hand(team):
    df = code_matrix(team, EVERYONE, source="union")
    assert list(df.columns) == ["respondent", "question", "dept", "role", *CODES]
    assert _rows(df, ["respondent", "question", "dept", "role", *CODES]) == [
        ("R1", "feedback", "EM", "Attending", 1, 1, 1, 0, 1),
        ("R1", "suggestions", "EM", "Attending", 1, 0, 0, 0, 1),
        ("R2", "feedback", "EM", "Lead", 1, 0, 0, 0, 1),
        ("R3", "feedback", "ICU", "Attending", 1, 0, 0, 0, 1),
        ("R3", "suggestions", "ICU", "Attending", 0, 0, 0, 0, 0),
        ("R4", "feedback", "OBGYN", "Attending", 1, 0, 0, 0, 1),
        ("R5", "feedback", "ICU", "Lead", 1, 0, 0, 0, 1),
        ("R5", "suggestions", "ICU", "Lead", 0, 0, 0, 0, 0)]
    assert all(str(df[c].dtype) == "int64" for c in CODES)
    assert df.attrs["codes"] == CODES and not df.attrs["empty"]
    # one question, one coder
    cleo = code_matrix(team, EVERYONE, source="coder:Cleo", question="feedback")
    assert _rows(cleo, ["respondent", "Time", "Culture"]) == [
        ("R1", 1, 1), ("R2", 1, 1), ("R3", 1, 0), ("R4", 0, 1), ("R5", 0, 0)]
    assert cleo.attrs["source"] == "Cleo's codings"
    with_text = code_matrix(team, EVERYONE, source="union", question="feedback", text=True)
    assert list(with_text.columns[:3]) == ["respondent", "question", "text"]
    assert with_text["text"][1] == "Our department culture changed; people talk about hard " \
                                   "cases now."


def test_code_matrix_consensus_roll_up_and_blind_scope(team):
    p = team
    # the default source: the consensus layer. Before any decision it holds what every
    # coder who marked the response done applied (the fixture's done marks: R1 fb, R2 fb
    # and R1 sg ABC, R3 fb AB — Cleo's Time there has no done mark —, R4 fb AC, R5 fb A
    # alone) and leaves out the 4 disagreements: R1 Support, R1 Peer support, R2 Time,
    # R4 Time
    before = code_matrix(p, EVERYONE)
    assert _rows(before, ["respondent", "question", *CODES]) == [
        ("R1", "feedback", 1, 0, 0, 0, 1), ("R1", "suggestions", 1, 0, 0, 0, 1),
        ("R2", "feedback", 0, 0, 0, 0, 1), ("R3", "feedback", 1, 0, 0, 0, 1),
        ("R3", "suggestions", 0, 0, 0, 0, 0), ("R4", "feedback", 0, 0, 0, 0, 1),
        ("R5", "feedback", 1, 0, 0, 0, 1), ("R5", "suggestions", 0, 0, 0, 0, 0)]
    assert not before.attrs["empty"] and before.attrs["unresolved"] == 4
    assert before.attrs["source"].endswith(
        "; 4 disagreements not yet resolved are left out")
    _decide(p)
    df = code_matrix(p, EVERYONE, question="feedback")
    # decided: R1 Peer support (instead of Support), R4 Time; R2 Time does not apply
    assert _rows(df, ["respondent", *CODES]) == [
        ("R1", 1, 0, 1, 0, 1), ("R2", 0, 0, 0, 0, 1), ("R3", 1, 0, 0, 0, 1),
        ("R4", 1, 0, 0, 0, 1), ("R5", 1, 0, 0, 0, 1)]
    assert df.attrs["source"] == ("the consensus layer (review decisions; where there is "
                                  "none, the codes all coders who read the response "
                                  "applied, or its only coder applied)")
    assert df.attrs["unresolved"] == 0
    assert code_matrix(p, EVERYONE, source="union").attrs["unresolved"] is None
    rolled = code_matrix(p, EVERYONE, question="feedback", roll_up=True)
    assert list(rolled["Support"]) == [1, 0, 0, 0, 0]  # its sub-code Peer support on R1

    ben = read_scope(p, p.ben)
    mine = code_matrix(p, ben, source="union", question="feedback")
    assert _rows(mine, ["respondent", "Time", "Support", "Peer support", "Culture"]) == [
        ("R1", 1, 0, 1, 1), ("R2", 0, 0, 0, 1), ("R3", 1, 0, 0, 1), ("R4", 0, 0, 0, 0),
        ("R5", 0, 0, 0, 0)]
    with pytest.raises(ConflictError, match="Cleo's codings are hidden"):
        code_matrix(p, ben, source="coder:Cleo")
    with pytest.raises(ConflictError, match="consensus layer is hidden"):
        code_matrix(p, ben)
    with pytest.raises(InputError, match='consensus, union or coder:NAME, not "everyone"'):
        code_matrix(p, EVERYONE, source="everyone")


def test_matrix_files_and_a_code_named_like_an_attribute(team, tmp_path):
    from openpyxl import load_workbook

    p = team
    codebook.add_code(p, "dept")
    codebook.add_code(p, "=cmd")
    path, df = write_matrix(p, EVERYONE, tmp_path / "m.csv", source="union",
                            question="suggestions")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows == [
        ["respondent", "question", "dept", "role", *CODES, "dept (code)", "'=cmd"],
        ["R1", "suggestions", "EM", "Attending", "1", "0", "0", "0", "1", "0", "0"],
        ["R3", "suggestions", "ICU", "Attending", "0", "0", "0", "0", "0", "0", "0"],
        ["R5", "suggestions", "ICU", "Lead", "0", "0", "0", "0", "0", "0", "0"]]
    write_matrix(p, EVERYONE, tmp_path / "m.xlsx", source="union", question="suggestions")
    sheet = load_workbook(tmp_path / "m.xlsx").active
    assert [c.value for c in sheet[2]] == ["R1", "suggestions", "EM", "Attending", 1, 0, 0, 0,
                                           1, 0, 0]
    assert sheet["K1"].value == "'=cmd" and sheet["K1"].data_type == "s"
    with pytest.raises(InputError, match='csv or xlsx, not "docx"'):
        write_matrix(p, EVERYONE, tmp_path / "m.docx")


# -- the report ----------------------------------------------------------------------------------

def test_report_folder_with_every_part_in_one_docx(team, tmp_path, monkeypatch):
    import docx

    p = team
    _decide(p)
    png = tmp_path / "fig.png"
    from matplotlib.figure import Figure as MplFigure
    fig = MplFigure(figsize=(3, 2))
    fig.add_subplot().plot([1, 2], [1, 2])
    fig.savefig(png, dpi=72)

    def themes(ctx):  # a section another module would add: a figure and text
        return Part("themes", "Theme tables", [Paragraph("Themes here."),
                                               Figure("Themes over time", png)])

    def nothing(ctx):
        return None

    out = tmp_path / "report"
    result = write_report(p, EVERYONE, out, ReportOptions(resamples=0, formats=("docx", "csv")),
                          sections=[("themes", themes), ("nothing", nothing),
                                    *[s for s in SECTIONS if s[0] not in ("themes", "reaim")]])
    names = sorted(f.name for f in result.files)
    assert names == sorted([
        "themes.docx", "codebook.docx", "codebook.csv", "agreement.docx", "agreement.csv",
        "minutes.docx", "minutes.csv", "matrix.csv", "matrix.xlsx", "report.docx"])
    assert sorted(f.name for f in out.iterdir()) == names
    assert result.skipped == []
    word = docx.Document(str(out / "report.docx"))
    headings = [x.text for x in word.paragraphs if x.style.name.startswith("Heading")]
    assert headings == ["Theme tables", "Codebook", "Inter-coder agreement",
                        "Discrepancy review minutes", "Response × code matrix"]
    captions = [x.text.split(".")[0] for x in word.paragraphs if x.style.name == "Caption"]
    assert captions == ["Fig 1", "Table 1", "Table 2", "Table 3"]
    minutes = word.tables[2]
    assert [c.text for c in minutes.rows[1].cells][2:8] == [
        "R2", "feedback", "Time", "does not apply", "", "=not time"]
    with open(out / "minutes.csv", encoding="utf-8-sig", newline="") as fh:
        assert list(csv.reader(fh))[1][7] == "'=not time"  # neutralized in the spreadsheet
    matrix_text = next(x.text for x in word.paragraphs if x.text.startswith("The response"))
    assert matrix_text.startswith("The response × code matrix (8 responses;")
    assert "Source: the consensus layer" in matrix_text


def test_report_blind_reader_gets_what_they_may_see_and_is_told_what_was_left_out(
        team, tmp_path):
    p = team
    result = write_report(p, read_scope(p, p.ben), tmp_path / "ben",
                          ReportOptions(resamples=0))
    assert sorted(f.name for f in result.files) == [
        "codebook.docx", "codebook.xlsx", "report.docx"]
    reasons = {s.name: s.reason for s in result.skipped}
    assert set(reasons) == {"themes", "reaim", "agreement", "minutes", "matrix"}
    assert reasons["reaim"] == ("the project has no RE-AIM spec yet; import one with: "
                                "post-coder reaim spec import PROJECT SPEC.toml")
    assert reasons["themes"].startswith("the consensus layer is made from everyone's codings")
    assert reasons["agreement"].startswith("agreement needs everyone's codings")
    assert "consensus layer is hidden" in reasons["matrix"]
    # with the union source he gets his own matrix
    result = write_report(p, read_scope(p, p.ben), tmp_path / "ben2",
                          ReportOptions(resamples=0, source="union"))
    assert "matrix.csv" in {f.name for f in result.files}


def test_report_refuses_a_folder_it_cannot_make(team, tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        write_report(team, EVERYONE, tmp_path / "no" / "such")
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match="that is a file"):
        write_report(team, EVERYONE, tmp_path / "file")
    assert not (tmp_path / "no").exists() and (tmp_path / "file").read_text() == "x"


# -- the commands --------------------------------------------------------------------------------

def cli(*args, ok=True, reader=None):
    result = CliRunner().invoke(main, [str(a) for a in args],
                                env={"POST_CODER_CODER": reader}, catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output + result.stderr
    else:
        assert result.exit_code == 1 and "Traceback" not in result.stderr, result.output
    return result


def test_export_and_report_commands(team, tmp_path):
    p = team.path
    out = cli("export", "codebook", p, "--out", tmp_path / "cb.md").stdout
    assert out.strip() == "Wrote the codebook to cb.md."
    md = (tmp_path / "cb.md").read_text(encoding="utf-8")
    assert "| &emsp;Peer support |" in md
    cli("export", "codebook", p, "--format", "xlsx", "--counts", "--out", tmp_path / "cb.x")
    from openpyxl import load_workbook
    with open(tmp_path / "cb.x", "rb") as fh:
        sheet = load_workbook(fh).active
    assert [c.value for c in sheet[3]] == ["Time", None, None, None, None, 5]

    res = cli("export", "matrix", p, "--out", tmp_path / "m.csv")
    assert res.stdout.strip().startswith("Wrote 8 responses × 5 codes to m.csv (source: the "
                                         "consensus layer")
    assert res.stdout.strip().endswith("; 4 disagreements not yet resolved are left out).")
    assert res.stderr == ""  # the coders' agreed codes are in it: not all zeros
    res = cli("export", "matrix", p, "--source", "union", "--question", "feedback",
              "--out", tmp_path / "m.xlsx")
    assert "Wrote 5 responses × 5 codes to m.xlsx" in res.stdout and res.stderr == ""

    res = cli("export", "agreement", p, "--round", "Round 1", "--resamples", "0",
              "--out", tmp_path / "a.html")
    assert "Wrote the agreement report to a.html." in res.stdout
    assert "<td>Time</td>" in (tmp_path / "a.html").read_text(encoding="utf-8")
    blind = cli("export", "agreement", p, "--out", tmp_path / "b.docx", ok=False, reader="Ben")
    assert blind.stderr.startswith("Error: agreement needs everyone's codings")
    assert not (tmp_path / "b.docx").exists()
    bad = cli("export", "codebook", p, "--out", tmp_path / "nowhere" / "c.docx", ok=False)
    assert "does not exist" in bad.stderr

    res = cli("report", p, "--out", tmp_path / "rep", "--resamples", "0")
    # the consensus layer holds the codes the coders agreed on, so the theme table is made
    assert res.stdout.startswith(f"Wrote 9 files to {tmp_path / 'rep'}:")
    assert "  Everything in order: report.docx (3 tables, 0 figures)" in res.stdout.splitlines()
    assert res.stderr.splitlines() == [
        "Left out reaim: the project has no RE-AIM spec yet; import one with: post-coder reaim "
        "spec import PROJECT SPEC.toml",
        "Left out minutes: no review sessions yet"]
    wrong = CliRunner().invoke(main, ["report", str(p), "--out", str(tmp_path / "r2"),
                                      "--formats", "docx,pdf"])
    assert wrong.exit_code == 2 and "pdf is not one of docx" in wrong.output


def test_matrix_cells_for_spreadsheets():
    """Typed DataFrame cells as spreadsheet cells (the matrix files)."""
    import math
    from datetime import datetime

    import pandas as pd

    from post_coder.export.matrix import _plain

    assert [_plain(v) for v in (None, math.nan, pd.NaT, pd.NA, 12.0, 12.5, 3,
                                ["Phone call", "Coffee chat"], datetime(2020, 11, 3),
                                pd.Timestamp("2021-06-01 14:30"), "EM")] == [
        None, None, None, None, 12, 12.5, 3, "Phone call; Coffee chat", "2020-11-03",
        "2021-06-01T14:30:00", "EM"]


def test_code_matrix_rolls_up_every_level_from_own_codings(team):
    """A code's column with roll_up is 1 where it or any code below it (children,
    grandchildren) applies; sub-codes keep their own rows, and a code outside the branch
    is untouched."""
    from post_coder.coding.codings import apply_code

    p = team
    p.code["Listening"] = codebook.add_code(p, "Listening", parent=p.code["Peer support"]).new_id
    apply_code(p, p.r["R3"], p.code["Listening"], p.ben)  # a grandchild of Support
    apply_code(p, p.r["R4"], p.code["Privacy"], p.ana)
    apply_code(p, p.r["R5"], p.code["Peer support"], p.cleo)  # a child alone
    columns = ["respondent", "Support", "Peer support", "Listening", "Privacy", "Time"]
    own = code_matrix(p, EVERYONE, source="union", question="feedback")
    assert _rows(own, columns) == [
        ("R1", 1, 1, 0, 0, 1), ("R2", 0, 0, 0, 0, 1), ("R3", 0, 0, 1, 0, 1),
        ("R4", 0, 0, 0, 1, 1), ("R5", 0, 1, 0, 0, 1)]
    rolled = code_matrix(p, EVERYONE, source="union", question="feedback", roll_up=True)
    assert _rows(rolled, columns) == [
        ("R1", 1, 1, 0, 0, 1), ("R2", 0, 0, 0, 0, 1), ("R3", 1, 1, 1, 0, 1),
        ("R4", 0, 0, 0, 1, 1), ("R5", 1, 1, 0, 0, 1)]
    assert all(str(rolled[c].dtype) == "int64" for c in columns[1:])
    codes = rolled.attrs["codes"]
    assert codes.index("Listening") == codes.index("Peer support") + 1  # tree order
    assert not rolled.attrs["empty"]
