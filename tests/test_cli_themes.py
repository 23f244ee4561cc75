"""`export themes`, `codings exemplar` and `codes dimension` on the small project of
test_themes (its counts are worked out by hand in that module's docstring)."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from post_coder.cli import main
from post_coder.team.rounds import create_round
from tests.test_themes import t  # noqa: F401 - the fixture


def run(*args, ok=True, env=None):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False,
                                env=env or {"POST_CODER_CODER": ""})
    if ok:
        assert result.exit_code == 0, result.output + result.stderr
    return result


@pytest.fixture
def path(t):
    t.p.close()
    return t.p.path


def _csv(file):
    with open(file, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def test_export_themes_as_csv_with_a_breakdown_and_tagged_quotes(t, path, tmp_path):
    out = tmp_path / "themes.csv"
    said = run("export", "themes", path, "--out", out, "--question", "feedback",
               "--source", "coder:Ana", "--by", "dept", "--quotes", "1",
               "--attribution", "dept", "--attribution", "role").output
    assert said == (f"Wrote Themes in responses to “feedback” (3 themes, 5 sub-codes; N = 5) "
                    f"to {out}.\n")
    rows = _csv(out)
    assert rows[0] == ["Theme", "Definition", "Respondents, n (%) (N = 5)",
                       "Anesthesia, n (%) (N = 0)", "EM, n (%) (N = 2)", "ICU, n (%) (N = 2)",
                       "OBGYN, n (%) (N = 1)", "Representative quotes"]
    assert rows[1][:7] == ["Support", "Help from a peer", "2 (40.0%)", "0 (—)", "1 (50.0%)",
                           "1 (50.0%)", "0 (0.0%)"]
    assert rows[4][:3] == ["– Unused", "Unused def", "0 (0.0%)"]
    assert rows[4][7] == ""  # nobody: no quote
    assert rows[8] == ["Culture", "Department culture", "1 (20.0%)", "0 (—)", "1 (50.0%)",
                       "0 (0.0%)", "0 (0.0%)",
                       "“Our department culture changed; people talk about hard cases now.” "
                       "— EM, Lead"]
    assert rows[9] == [""] * 8
    assert rows[10][0] == "Note. Source: the codings of Ana."
    assert rows[11][0] == "Note. Denominator: the 5 respondents who answered the question(s)."


def test_export_themes_as_markdown_by_dimension(t, path, tmp_path):
    assert run("codes", "dimension", path, "Barriers", "implementation").output == \
        '"Barriers" is now in Implementation.\n'
    listed = json.loads(run("codes", "dimension", path, "--json").output)
    assert listed == [{"theme": "Support", "dimension": None},
                      {"theme": "Barriers", "dimension": "Implementation"},
                      {"theme": "Culture", "dimension": None}]
    out = tmp_path / "themes.md"
    run("export", "themes", path, "--out", out, "--question", "suggestions", "--source",
        "union", "--quotes", "0", "--dimension", "Implementation")
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[:5] == [
        "| Theme | Definition | Respondents, n (%) (N = 3) |", "|---|---|---|",
        "| Barriers | What stops use | 1 (33.3%) |", "| – Time |  | 1 (33.3%) |",
        "| – Privacy |  | 0 (0.0%) |"]
    result = run("codes", "dimension", path, "Time", "Reach", ok=False)
    assert result.exit_code == 1
    assert '"Time" is a sub-code: it goes with its theme "Barriers"' in result.stderr
    assert run("codes", "dimension", path, "Barriers", "--clear").output == \
        '"Barriers" is in no RE-AIM dimension now.\n'


def test_export_themes_plain_errors(t, path, tmp_path):
    bad = run("export", "themes", path, "--out", tmp_path / "t.txt", ok=False)
    assert bad.exit_code == 1 and 'as docx, xlsx, csv, md, tex or html (--format), not "txt"' \
        in bad.stderr
    missing = run("export", "themes", path, "--out", tmp_path / "no" / "t.csv", "--source",
                  "union", ok=False)
    assert missing.exit_code == 1 and "the folder does not exist" in missing.stderr
    source = run("export", "themes", path, "--out", tmp_path / "t.csv", "--source", "all",
                 ok=False)
    assert source.exit_code == 1 and '"consensus", "union" or "coder:NAME"' in source.stderr
    assert not (tmp_path / "t.csv").exists()


def test_codings_exemplar_marks_and_unmarks(t, path, tmp_path):
    coding = t.coding[(t.ana, "R4", "Privacy", "feedback")]
    assert run("codings", "exemplar", path, "--id", coding).output == \
        "Marked 1 coding as exemplar quote.\n"
    assert run("codings", "exemplar", path, "--id", coding).output == \
        "Marked 0 codings as exemplar quotes (1 already marked).\n"
    out = tmp_path / "themes.csv"
    run("export", "themes", path, "--out", out, "--source", "union", "--quotes", "1")
    assert _csv(out)[5][0:1] + _csv(out)[5][3:] == [
        "Barriers", "“I worried about privacy and who would find out I asked for help.”"]
    assert run("codings", "exemplar", path, "--id", coding, "--off").output == \
        "Unmarked 1 exemplar quote.\n"
    nope = run("codings", "exemplar", path, "--id", coding, "--id", "nope", ok=False)
    assert nope.exit_code == 1 and 'no coding with the id "nope"' in nope.stderr
    # all or none: the known coding was not marked either
    run("export", "themes", path, "--out", out, "--source", "union", "--quotes", "1",
        "--question", "feedback")
    assert "privacy" not in _csv(out)[5][3]


def test_a_blind_coders_export_holds_only_their_codings(t, tmp_path):
    p = t.p
    create_round(p, "Blind", [t.ana, t.ben], blind=True)
    p.close()
    out = tmp_path / "ana.csv"
    run("export", "themes", p.path, "--out", out, "--source", "union", "--question",
        "feedback", env={"POST_CODER_CODER": "Ana"})
    rows = _csv(out)
    assert rows[1][:3] == ["Support", "Help from a peer", "2 (40.0%)"]  # Ben's R2 is hidden
    assert rows[-4][0] == ("Note. Source: your own codings only (an open blind round hides "
                           "the other coders' codings).")
    hidden = run("export", "themes", p.path, "--out", out, env={"POST_CODER_CODER": "Ana"},
                 ok=False)
    assert hidden.exit_code == 1 and "consensus layer is made from everyone's" in hidden.stderr
    # the lead (nobody in the round) sees both coders: Support 3 of 5
    run("export", "themes", p.path, "--out", out, "--source", "union", "--question",
        "feedback")
    assert _csv(out)[1][2] == "3 (60.0%)"
