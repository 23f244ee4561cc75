"""The agreement commands through click's CliRunner: agreement (JSON, text, files),
disagreements, done marks and the audit log, on the hand-worked project of
tests/test_agreement_report.py (its values are worked out by hand there, in fractions)."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from post_coder.cli import main
from post_coder.coding import codebook
from post_coder.coding.coders import add_coder
from post_coder.coding.done import is_done
from post_coder.project import Project
from post_coder.queries import find_question
from post_coder.team.rounds import create_round
from tests.conftest import response_id
from tests.test_agreement_report import team  # noqa: F401  (the fixture)
from tests.test_agreement_spans import spans  # noqa: F401  (the fixture)

APPROX = dict(abs=1e-12)


def cli(*args, ok=True, reader=None):
    env = {"POST_CODER_CODER": reader}  # None: unset
    result = CliRunner().invoke(main, [str(a) for a in args], env=env, catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output + result.stderr
    else:
        assert result.exit_code == 1 and "Traceback" not in result.stderr
    return result


def _json(*args):
    return json.loads(cli(*args, "--json").output)


def test_agreement_json_has_every_coefficient_as_worked_by_hand(team):
    rep = _json("agreement", team.path, "--round", "Round 1", "--code", "Time",
                "--resamples", "0")
    assert rep["round"] == "Round 1" and rep["coders"] == ["Ana", "Ben", "Cleo"]
    [t] = rep["codes"]
    assert set(t) == {"code", "code_id", "units", "krippendorff_alpha", "percent_agreement",
                      "cohen_kappa", "cohen_kappa_linear", "cohen_kappa_quadratic",
                      "fleiss_kappa", "conger_kappa", "scott_pi", "gwet_ac1",
                      "brennan_prediger", "alpha_ci", "pairs", "prevalence", "flag", "notes"}
    assert t["code"] == "Time" and t["units"] == 5
    assert t["krippendorff_alpha"] == pytest.approx(0.2, **APPROX)
    assert t["percent_agreement"] == pytest.approx(2 / 3, **APPROX)
    assert t["fleiss_kappa"] == pytest.approx(11 / 161, **APPROX)
    assert t["scott_pi"] == pytest.approx(11 / 161, **APPROX)
    assert t["gwet_ac1"] == pytest.approx(139 / 289, **APPROX)
    assert t["brennan_prediger"] == pytest.approx(1 / 3, **APPROX)
    assert t["conger_kappa"] == pytest.approx(3 / 43, **APPROX)
    assert t["pairs"] == pytest.approx({"Ana / Ben": 1.0, "Ana / Cleo": -3 / 7,
                                        "Ben / Cleo": 1 / 9}, **APPROX)
    # three coders: Cohen's kappa is null, with the reason
    assert t["cohen_kappa"] is None and t["cohen_kappa_quadratic"] is None
    assert "exactly two coders" in t["notes"]["cohen_kappa"]
    assert t["flag"] == "low" and t["alpha_ci"] is None
    assert rep["overall"]["mean_alpha"] == pytest.approx(0.2, **APPROX)
    assert rep["overall"]["codes_with_alpha"] == 1


def test_agreement_filters_round_question_where_coders(team):
    p = team
    create_round(p, "Round 2", [p.ana, p.ben, p.cleo],
                 questions=[find_question(p, "suggestions")])
    # Round 2 has only the suggestions: R1 sg, everyone applied Time -> one unit, no alpha
    r2 = _json("agreement", p.path, "--round", "Round 2", "--code", "Time", "--resamples", "0")
    assert r2["units"] == 1 and r2["codes"][0]["krippendorff_alpha"] is None
    assert r2["codes"][0]["notes"]["krippendorff_alpha"]
    # R1-R4 feedback: n = 10, n1 = 7, cross = 2: 1 - 9 * 2 / 21
    fb = _json("agreement", p.path, "--round", "Round 1", "--question", "feedback", "--code",
               "Time", "--resamples", "0")
    assert fb["units"] == 4
    assert fb["codes"][0]["krippendorff_alpha"] == pytest.approx(1 / 7, **APPROX)
    em = _json("agreement", p.path, "--round", "Round 1", "--where", "dept=EM", "--code",
               "Time", "--resamples", "0")
    assert em["units"] == 3
    assert em["codes"][0]["krippendorff_alpha"] == pytest.approx(3 / 7, **APPROX)
    two = _json("agreement", p.path, "--round", "Round 1", "--coder", "Ana", "--coder", "Ben",
                "--code", "Time", "--resamples", "0")
    t = two["codes"][0]
    assert two["coders"] == ["Ana", "Ben"] and two["units"] == 4
    assert t["cohen_kappa"] == 1.0 and list(t["pairs"]) == ["Ana / Ben"]
    by = _json("agreement", p.path, "--round", "Round 1", "--by", "dept", "--code", "Time",
               "--resamples", "0")
    assert by["by"] == "dept"
    assert {k: v["units"] for k, v in by["reports"].items()} == {
        "Anesthesia": 0, "EM": 3, "ICU": 1, "OBGYN": 1}
    assert by["reports"]["EM"]["codes"][0]["krippendorff_alpha"] == pytest.approx(3 / 7,
                                                                                  **APPROX)


def test_agreement_bootstrap_is_seeded(team):
    args = ("agreement", team.path, "--round", "Round 1", "--code", "Time", "--resamples",
            "200", "--seed", "3")
    a, b = _json(*args)["codes"][0]["alpha_ci"], _json(*args)["codes"][0]["alpha_ci"]
    assert a == b and len(a) == 2 and a[0] <= 0.2 <= a[1]


def test_agreement_text_table(team):
    out = cli("agreement", team.path, "--round", "Round 1", "--resamples", "0").output
    assert out.startswith('Agreement, round "Round 1": 3 coders (Ana, Ben, Cleo), 5 responses')
    lines = out.splitlines()
    assert lines[1].split("  ")[0] == "Code" and "Alpha [95% CI]" in lines[1]
    time = next(line.split() for line in lines if line.startswith("Time "))
    # code, units, alpha, % agreement, Fleiss, Conger, AC1, the three pairs, flag
    assert time == ["Time", "5", "0.200", "66.7%", "0.068", "0.070", "0.481", "1.000",
                    "-0.429", "0.111", "low"]
    privacy = next(line.split() for line in lines if line.startswith("Privacy "))
    assert privacy[:4] == ["Privacy", "5", "n/a", "100.0%"]
    assert "Overall: pooled alpha" in out and "over 3 codes with an alpha." in out


def test_agreement_files_csv_md_xlsx_with_neutralized_cells(team, tmp_path):
    from openpyxl import load_workbook

    codebook.add_code(team, "=HYPERLINK(\"x\")")
    codebook.add_code(team, "-minus")
    base = ("agreement", team.path, "--round", "Round 1", "--code", "Time", "--code",
            "=HYPERLINK(\"x\")", "--code", "-minus", "--resamples", "0")
    out = cli(*base, "--out", tmp_path / "a.csv").output
    assert "Wrote 3 rows" in out
    with open(tmp_path / "a.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    assert header[:4] == ["Code", "Units", "Krippendorff's alpha", "% agreement"]
    assert [r[0] for r in rows[1:]] == ["Time", "'=HYPERLINK(\"x\")", "'-minus"]
    time = dict(zip(header, rows[1]))
    assert float(time["Krippendorff's alpha"]) == pytest.approx(0.2, **APPROX)
    assert float(time["Cohen's kappa Ana / Cleo"]) == pytest.approx(-3 / 7, **APPROX)
    assert time["Cohen's kappa"] == "" and time["Flag"] == "low"
    assert "exactly two coders" in time["Notes"]

    cli(*base, "--format", "xlsx", "--out", tmp_path / "a.xlsx")
    sheet = load_workbook(tmp_path / "a.xlsx").active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == header
    assert [r[0] for r in values[1:]] == ["Time", "'=HYPERLINK(\"x\")", "'-minus"]
    assert all(sheet.cell(row=i, column=1).data_type == "s" for i in (2, 3, 4))
    assert values[1][2] == pytest.approx(0.2, **APPROX)  # numbers stay numbers
    assert sheet.cell(row=2, column=3).number_format == "0.000"
    assert sheet.cell(row=2, column=header.index("% agreement") + 1).number_format == "0.0%"
    assert values[1][header.index("Cohen's kappa")] is None

    cli(*base, "--out", tmp_path / "a.md")
    md = (tmp_path / "a.md").read_text(encoding="utf-8").splitlines()
    assert md[0].startswith("| Code | Units | Krippendorff's alpha |")
    # the proportion in the "% agreement" column reads as a percentage
    assert md[2].startswith("| Time | 5 | 0.200 | 66.7% |") and md[2].endswith(" |")
    assert len(md) == 5
    assert sorted(f.name for f in tmp_path.iterdir() if "partial" in f.name) == []


def test_agreement_errors_are_plain(team, tmp_path):
    p = team.path
    assert 'no round called "Round 9"' in cli("agreement", p, "--round", "Round 9",
                                              ok=False).stderr
    assert 'no code called "Nope"' in cli("agreement", p, "--code", "Nope", ok=False).stderr
    assert 'no coder called "Zed"' in cli("agreement", p, "--coder", "Ana", "--coder", "Zed",
                                          ok=False).stderr
    assert 'no attribute "unit"' in cli("agreement", p, "--by", "unit", ok=False).stderr
    # Ben is in the open blind round: his scope hides the others' codings
    blind = cli("agreement", p, "--round", "Round 1", ok=False, reader="Ben")
    assert blind.stderr.startswith("Error: agreement needs everyone's codings; only the "
                                   "lead's project shows it")
    assert "blind" in cli("disagreements", p, ok=False, reader="Ben").stderr
    bad = CliRunner().invoke(main, ["agreement", str(p), "--format", "csv"])
    assert bad.exit_code == 2 and "--format needs --out" in bad.output + bad.stderr
    nowhere = cli("agreement", p, "--out", tmp_path / "missing" / "a.csv", ok=False)
    assert "the folder does not exist" in nowhere.stderr


def test_disagreements_command(team):
    p = team.path
    found = _json("disagreements", p, "--round", "Round 1")
    assert found["counts"] == {"Time": 2, "Support": 1, "Peer support": 1, "Privacy": 0,
                               "Culture": 0}
    rows = [(d["respondent"], d["code"]) for d in found["disagreements"]]
    assert sorted(rows[:2]) == [("R1", "Peer support"), ("R1", "Support")]
    assert rows[2:] == [("R2", "Time"), ("R4", "Time")]
    r2 = found["disagreements"][2]
    assert r2["applied_by"] == [{"coder": "Cleo", "spans": [[0, 7]]}]
    assert r2["not_applied_by"] == ["Ana", "Ben"] and r2["status"] == "open"
    pair = _json("disagreements", p, "--coder-pair", "Ana,Ben")
    assert pair["coders"] == ["Ana", "Ben"] and pair["counts"]["Time"] == 0
    assert [d["code"] for d in _json("disagreements", p, "--code", "Time")[
        "disagreements"]] == ["Time", "Time"]
    assert _json("disagreements", p, "--status", "resolved")["disagreements"] == []
    text = cli("disagreements", p, "--code", "Time").output.splitlines()
    assert text[0].split("\t") == ["R2", "feedback", "Time", "applied: Cleo [0:7]",
                                   "not: Ana, Ben", "open"]
    assert text[-1] == "2 disagreements over 5 responses (Time 2)."
    assert 'no coder called "Zed"' in cli("disagreements", p, "--coder-pair", "Ana,Zed",
                                          ok=False).stderr
    one = CliRunner().invoke(main, ["disagreements", str(p), "--coder-pair", "Ana"])
    assert one.exit_code == 2 and "two names with a comma" in one.output + one.stderr


def test_done_marks_one_response_and_a_csv(team, tmp_path):
    p = team
    dee = add_coder(p, "Dee").new_id
    r5 = response_id(p, "R5", "suggestions")
    out = cli("done", p.path, "--respondent", "R5", "--question", "suggestions", "--coder",
              "Dee").output
    assert out == "R5 / suggestions is done for Dee.\n" and is_done(p, r5, dee)
    cli("done", p.path, "--respondent", "R5", "--question", "suggestions", "--coder", "Dee",
        "--undo")
    assert not is_done(p, r5, dee)
    out = cli("done", p.path, "--respondent", "R5", "--question", "suggestions",
              "--nothing-applies", "--as", "Dee").output
    assert "nothing applies" in out and is_done(p, r5, dee)
    # Ana has Time on R1: "nothing applies" contradicts it
    refused = cli("done", p.path, "--respondent", "R1", "--question", "feedback", "--coder",
                  "Ana", "--nothing-applies", ok=False)
    assert "remove them first" in refused.stderr
    missing = cli("done", p.path, "--respondent", "R99", "--question", "feedback", "--coder",
                  "Ana", ok=False)
    assert 'respondent "R99" has no answer to "feedback"' in missing.stderr
    sheet = tmp_path / "done.csv"
    sheet.write_text("respondent,question,coder\nR3,feedback,Dee\nR3,suggestions,Dee\n",
                     encoding="utf-8")
    assert "Marked 2 responses done from done.csv." in cli("done", p.path, "--csv",
                                                            sheet).output
    assert is_done(p, response_id(p, "R3"), dee)
    bad = tmp_path / "bad.csv"
    bad.write_text("respondent,question,coder\nR5,feedback,Dee\nR5,nope,Dee\n", encoding="utf-8")
    err = cli("done", p.path, "--csv", bad, ok=False).stderr
    assert "bad.csv" in err and "row 3" in err


def test_log_filters_and_csv(team, tmp_path):
    p = team
    codebook.rename_code(p, p.code["Privacy"], "Confidentiality",
                         rationale="=matches the interview guide")
    everything = _json("log", p.path)
    assert [e["seq"] for e in everything] == sorted(e["seq"] for e in everything)
    renamed = _json("log", p.path, "--kind", "rename")
    assert len(renamed) == 1
    r = renamed[0]
    assert (r["who"], r["action"], r["entity"], r["about"], r["code"]) == (
        "Ana", "rename", "code", '"Confidentiality"', "Confidentiality")
    assert r["rationale"] == "=matches the interview guide"
    assert r["before"]["name"] == "Privacy" and r["after"]["name"] == "Confidentiality"
    # Cleo's Time span on R2, then her Time on R3 coded and its done mark taken back
    cleo_time = _json("log", p.path, "--code", "Time", "--coder", "Cleo")
    assert [(e["action"], e["respondent"]) for e in cleo_time] == [
        ("apply", "R1"), ("apply", "R2"), ("apply", "R1"), ("apply", "R3")]
    assert cleo_time[1]["about"] == '"Time" on R2 / feedback (Cleo)'
    unmarks = _json("log", p.path, "--kind", "unmark-done")
    assert [(e["about"], e["coder"]) for e in unmarks] == [("R3 / feedback (Cleo)", "Cleo")]
    assert _json("log", p.path, "--since", "2999-01-01") == []
    assert len(_json("log", p.path, "--since", "2000-01-01")) == len(everything)
    err = cli("log", p.path, "--since", "yesterday", ok=False).stderr
    assert '"yesterday" is not a date' in err
    assert 'no coder called "Zed"' in cli("log", p.path, "--coder", "Zed", ok=False).stderr
    text = cli("log", p.path, "--kind", "rename").output.splitlines()
    assert text[0].endswith('  Ana  rename code  "Confidentiality"  — =matches the '
                            "interview guide") and text[1] == "1 entries"
    out = cli("log", p.path, "--kind", "rename", "--csv", tmp_path / "log.csv").output
    assert "Wrote 1 entries" in out
    with open(tmp_path / "log.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(x["Who"], x["Action"], x["About"], x["Rationale"]) for x in rows] == [
        ("Ana", "rename", '"Confidentiality"', "'=matches the interview guide")]


def test_a_retired_code_is_still_found_in_the_log(team):
    p = team
    codebook.retire_code(p, p.code["Culture"])
    rows = _json("log", p.path, "--code", "Culture", "--kind", "code")
    assert [e["action"] for e in rows] == ["create", "retire"]


def test_log_of_a_project_opened_elsewhere_is_unchanged(team):
    before = Project.open(team.path)
    try:
        n = len(_json("log", team.path))
        assert n == len(_json("log", team.path))
    finally:
        before.close()


def test_agreement_units_character_and_segment(spans):
    p = spans
    base = ("agreement", p.path, "--round", "Round 1", "--code", "Time", "--coder", "Ana",
            "--coder", "Ben", "--resamples", "0")
    plain = _json(*base)
    assert plain["unit"] == "response" and plain["overlap"] is None
    chars = _json(*base, "--unit", "character")
    assert chars["unit"] == "character" and chars["overlap"] is None
    assert chars["units"] == 4 and chars["codes"][0]["units"] == 203  # responses, characters
    # hand-worked in tests/test_agreement_spans.py: 164 of 203 characters agree
    assert chars["codes"][0]["percent_agreement"] == pytest.approx(164 / 203, **APPROX)
    seg = _json(*base, "--unit", "segment")
    assert seg["unit"] == "segment" and seg["overlap"] == 0.5
    # hand-worked there too: 6 units (one where nobody marked a segment), alpha -2/9
    assert seg["codes"][0]["units"] == 6
    assert seg["codes"][0]["krippendorff_alpha"] == pytest.approx(-2 / 9, **APPROX)
    loose = _json(*base, "--unit", "segment", "--overlap", "0.25")
    assert loose["overlap"] == 0.25 and loose["codes"][0]["units"] == 5
    text = cli(*base, "--unit", "segment", "--overlap", "0.25").output
    assert text.splitlines()[0].endswith(
        "4 responses marked done by two or more of them; a unit is a segment, matched across "
        "coders by overlap >= 0.25.")
    time = next(line.split() for line in text.splitlines() if line.startswith("Time "))
    assert time[:4] == ["Time", "5", "0.250", "60.0%"]


def test_agreement_overlap_is_checked_plainly(spans):
    base = ("agreement", spans.path, "--round", "Round 1", "--resamples", "0")
    for bad in ("0", "1.5", "-0.2"):
        result = CliRunner().invoke(main, [str(a) for a in (*base, "--unit", "segment",
                                                            "--overlap", bad)])
        assert result.exit_code == 2 and "Traceback" not in result.output + result.stderr
        assert "give a share above 0 and at most 1" in result.stderr
    result = CliRunner().invoke(main, [str(a) for a in (*base, "--overlap", "0.5")])
    assert result.exit_code == 2
    assert "--overlap is the matching threshold of --unit segment" in result.stderr
    result = CliRunner().invoke(main, [str(a) for a in (*base, "--unit", "word")])
    assert result.exit_code == 2 and "'word' is not one of" in result.stderr
