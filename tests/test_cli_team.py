"""The teamwork commands: round, package export, work export, merge."""

from __future__ import annotations

import json

import pytest

from tests.test_cli import run


@pytest.fixture
def demo(tmp_path):
    path = tmp_path / "lead.postcoder"
    run("demo", path, "--no-app")
    return path


def test_rounds(demo):
    out = run("round", "create", demo, "Round 1", "--coder", "Maya Chen", "--coder", "LO",
              "--fraction", "20%", "--stratify-by", "Department", "--seed", "42").output
    assert 'Opened round "Round 1"' in out and "(blind)" in out and "seed 42" in out
    rounds = json.loads(run("round", "list", demo, "--json").output)
    assert rounds[0]["name"] == "Round 1" and rounds[0]["blind"] is True
    assert rounds[0]["sample"]["fraction"] == 0.2 and rounds[0]["responses"] > 0
    assert {c["name"] for c in rounds[0]["coders"]} == {"Maya Chen", "Luis Ortega"}
    text = run("round", "list", demo).output
    assert "Round 1  [open, blind]" in text and "20% of respondents per Department (seed 42)" \
        in text and "Maya Chen:" in text
    again = run("round", "create", demo, "round 1", "--coder", "Maya Chen", ok=False)
    assert again.exit_code == 1 and "already a round" in again.stderr
    assert "Traceback" not in again.stderr
    run("round", "create", demo, "Everything", "--coder", "Maya Chen", "--not-blind",
        "--question", "What would make POST more useful, or what has kept you from using it?")
    assert 'Closed round "Round 1"' in run("round", "close", demo, "Round 1").output
    assert "Round 1  [closed" in run("round", "list", demo).output
    bad = run("round", "create", demo, "X", "--coder", "Maya Chen", "--fraction", "lots",
              ok=False)
    assert bad.exit_code == 2 and "not a fraction" in bad.output + bad.stderr


def test_package_work_and_merge(demo, tmp_path):
    run("round", "create", demo, "Round 1", "--coder", "Maya Chen", "--coder", "Luis Ortega",
        "--fraction", "0.2", "--seed", "1")
    out = run("package", "export", demo, tmp_path / "maya", "--coder", "Maya Chen").output
    assert "maya.postcoder for Maya Chen" in out and "withheld (blind)" in out
    twice = run("package", "export", demo, tmp_path / "maya", "--coder", "Maya Chen", ok=False)
    assert twice.exit_code == 1 and "already exists" in twice.stderr
    run("package", "export", demo, tmp_path / "maya", "--coder", "Maya Chen", "--overwrite")
    out = run("package", "export", demo, tmp_path / "luis", "--coder", "Luis Ortega",
              "--round", "Round 1").output
    assert '"Round 1"' in out
    maya, luis = tmp_path / "maya.postcoder", tmp_path / "luis.postcoder"
    # each coder proposes a code and renames "Lack of time" their own way
    run("codes", "add", maya, "Burnout", "--as", "Maya Chen")
    run("codes", "rename", maya, "Lack of time", "Time pressure", "--as", "Maya Chen")
    run("codes", "add", luis, "Burnout", "--as", "Luis Ortega")
    run("codes", "rename", luis, "Lack of time", "No time", "--as", "Luis Ortega")
    out = run("work", "export", maya, tmp_path / "maya-work").output
    assert "maya-work.postcoder-work: Maya Chen's" in out and "2 codebook proposals" in out
    run("work", "export", luis, tmp_path / "luis-work")
    maya_work = tmp_path / "maya-work.postcoder-work"
    luis_work = tmp_path / "luis-work.postcoder-work"

    dry = run("merge", demo, maya_work, "--dry-run").output
    assert "codebook: 1 new codes, 1 changed" in dry and "Dry run: nothing was merged" in dry
    assert '    "Burnout": new code\n    "Lack of time": renamed to "Time pressure"\n' in dry
    preview = json.loads(run("merge", demo, maya_work, "--dry-run", "--json").output)
    assert preview["new_codes"] == 1 and preview["unresolved"] == 0
    assert "Merged." in run("merge", demo, maya_work, "--as", "Ana Lead").output
    assert "already merged" in run("merge", demo, maya_work).output

    refused = run("merge", demo, luis_work, ok=False)
    assert refused.exit_code == 1 and "Traceback" not in refused.stderr
    assert "2 codebook conflicts need a decision" in refused.stderr
    assert "Time pressure [rename]" in refused.stderr and "keep-both" in refused.stderr
    assert '--resolve "CODE=DECISION"' in refused.stderr
    assert '("Time pressure [rename]", "Burnout [name-clash]"); nothing was merged' \
        in refused.stderr
    dry = run("merge", demo, luis_work, "--dry-run", "--resolve",
              "Time pressure=rename:Lack of time (time pressure)").output
    assert "→ rename:Lack of time (time pressure)" in dry and "1 without a decision" in dry
    out = run("merge", demo, luis_work, "--resolve",
              "Time pressure=rename:Lack of time (time pressure)", "--resolve-all", "keep-mine",
              "--rationale", "team meeting").output
    assert "Merged." in out
    codes = json.loads(run("codes", "list", demo, "--all", "--json").output)
    assert {c["status"] for c in codes if c["name"] == "Lack of time (time pressure)"} == {
        "active"}
    assert sorted(c["status"] for c in codes if c["name"] == "Burnout") == ["active", "merged"]

    whole = run("merge", demo, luis, "--dry-run").output
    assert "Merging the project file" in whole


@pytest.mark.parametrize("args,message", [
    (("merge", "{demo}", "{other}"), "another project"),
    (("merge", "{demo}", "{missing}"), "no such file"),
    (("merge", "{demo}", "{text}"), "neither a POST Coder work file"),
    (("merge", "{demo}", "{text}", "--resolve", "Stigma"), "should look like CODE=keep-mine"),
    (("package", "export", "{demo}", "{pkg}", "--coder", "Nobody"), 'no coder called "Nobody"'),
    (("work", "export", "{demo}", "{work}"), "say whose work"),
    (("round", "close", "{demo}", "Nope"), 'no round called "Nope"'),
])
def test_team_errors_are_one_line(demo, tmp_path, args, message):
    other = tmp_path / "other.postcoder"
    run("new", other)
    text = tmp_path / "notes.txt"
    text.write_text("hello", encoding="utf-8")
    values = {"demo": demo, "other": other, "missing": tmp_path / "gone.postcoder-work",
              "text": text, "pkg": tmp_path / "pkg", "work": tmp_path / "w"}
    result = run(*[a.format(**values) for a in args], ok=False)
    assert result.exit_code in (1, 2)
    assert message in result.stderr + result.output
    assert "Traceback" not in result.stderr


# -- coders --------------------------------------------------------------------------------

def _coders(path):
    from post_coder.coding.coders import list_coders
    from post_coder.project import Project

    with Project.open(path) as p:
        return sorted(c.name for c in list_coders(p))


def test_coders_add_list_rename(tmp_path):
    proj = tmp_path / "study.postcoder"
    run("new", proj)
    assert "No coders yet" in run("coders", "list", proj).output
    out = run("coders", "add", proj, "Maya C.", "--initials", "MC", "--color", "#1F77B4").output
    assert out == 'Added coder "Maya C." (MC, #1f77b4).\n'
    run("coders", "add", proj, "Luis Ortega")
    again = run("coders", "add", proj, "maya c.", ok=False)
    assert again.exit_code == 1 and again.stderr == (
        'Error: there is already a coder called "Maya C."\n')
    out = run("coders", "rename", proj, "MC", "Maya Chen", "--initials", "MCh").output
    assert out == 'Renamed coder "Maya C." to "Maya Chen" (MCh).\n'
    rows = json.loads(run("coders", "list", proj, "--json").output)
    assert sorted((r["name"], r["initials"], r["codings"]) for r in rows) == [
        ("Luis Ortega", "LO", 0), ("Maya Chen", "MCh", 0)]
    text = run("coders", "list", proj).output
    assert "Maya Chen  (MCh, #1f77b4)  0 codings\n" in text
    clash = run("coders", "rename", proj, "Maya Chen", "Luis Ortega", ok=False)
    assert clash.exit_code == 1 and 'already a coder called "Luis Ortega"' in clash.stderr
    bad = run("coders", "add", proj, "Ana", "--color", "red", ok=False)
    assert bad.exit_code == 1 and '"red" is not a color' in bad.stderr
    assert _coders(proj) == ["Luis Ortega", "Maya Chen"]


def test_a_round_with_an_unknown_coder_says_how_to_add_them(demo):
    refused = run("round", "create", demo, "Round 1", "--coder", "Maya Chen", "--coder",
                  "Ana Lead", ok=False)
    assert refused.exit_code == 1
    assert refused.stderr == ('Error: there is no coder called "Ana Lead". If they are new, '
                              f'add them with: post-coder coders add {demo} "Ana Lead"\n')
    assert json.loads(run("round", "list", demo, "--json").output) == []
    assert _coders(demo) == ["Luis Ortega", "Maya Chen"]
    typo = run("package", "export", demo, demo.parent / "x", "--coder", "Maya Chn", ok=False)
    assert 'Did you mean "Maya Chen"? If they are new, add them with' in typo.stderr
    run("coders", "add", demo, "Ana Lead")
    assert "for 2 coders" in run("round", "create", demo, "Round 1", "--coder", "Maya Chen",
                                 "--coder", "Ana Lead").output


@pytest.fixture
def team(demo, tmp_path):
    """The demo with a blind round, Maya's package and a work file from it."""
    run("round", "create", demo, "Round 1", "--coder", "Maya Chen", "--coder", "Luis Ortega",
        "--fraction", "0.2", "--seed", "1")
    run("package", "export", demo, tmp_path / "maya", "--coder", "Maya Chen")
    maya = tmp_path / "maya.postcoder"
    run("codes", "add", maya, "Burnout", "--as", "Maya Chen")
    run("work", "export", maya, tmp_path / "maya-work")
    return demo, maya, tmp_path / "maya-work.postcoder-work"


@pytest.mark.parametrize("command", [
    ("info", "{demo}"), ("codes", "list", "{demo}", "--all"), ("codings", "{demo}"),
    ("codings", "list", "{demo}", "--coder", "MC"), ("coders", "list", "{demo}"),
    ("round", "list", "{demo}"), ("search", "{demo}", "time"),
    ("merge", "{demo}", "{work}", "--dry-run"),
    ("codings", "remove", "{demo}", "--coder", "MC", "--dry-run"),
    ("work", "export", "{maya}", "{tmp}/again"),
    ("codings", "{maya}", "--json"),
])
def test_reading_never_adds_a_coder(team, tmp_path, monkeypatch, command):
    demo, maya, work = team
    before = _coders(demo), _coders(maya)
    monkeypatch.setenv("POST_CODER_CODER", "Zed Nobody")
    result = run(*[a.format(demo=demo, maya=maya, work=work, tmp=tmp_path) for a in command])
    assert "Added" not in result.stderr
    assert (_coders(demo), _coders(maya)) == before
    assert "Zed Nobody" not in before[0]


def test_acting_as_a_new_coder_says_so(demo, monkeypatch):
    monkeypatch.setenv("POST_CODER_CODER", "Ana Lead")
    out = run("codes", "add", demo, "Burnout")
    assert f'Added "Ana Lead" to the coders of {demo.name} (acting as them).' in out.stderr
    assert _coders(demo) == ["Ana Lead", "Luis Ortega", "Maya Chen"]
    assert "Added" not in run("codes", "add", demo, "Exhaustion").stderr


# -- removing codings ------------------------------------------------------------------------

@pytest.fixture
def coded(tmp_path, survey_csv):
    proj = tmp_path / "study.postcoder"
    run("new", proj)
    run("import", proj, survey_csv, "--id-column", "id", "--open-ended", "feedback",
        "--open-ended", "suggestions")
    for name in ("Time", "Support"):
        run("codes", "add", proj, name)
    codings = tmp_path / "codings.csv"
    codings.write_text("respondent,question,code,coder\n"
                       "R1,feedback,Support,Maya Chen\nR1,feedback,Support,Luis Ortega\n"
                       "R1,suggestions,Time,Maya Chen\nR3,feedback,Time,Maya Chen\n"
                       "R3,feedback,Time,Luis Ortega\n", encoding="utf-8")
    run("code", proj, codings)
    return proj


def _left(proj):
    return sorted((r["respondent"], r["question"], r["code"], r["coder"])
                  for r in json.loads(run("codings", proj, "--json").output))


def test_codings_remove_by_filters_and_id(coded):
    proj = coded
    dry = run("codings", "remove", proj, "--respondent", "R1", "--coder", "Maya Chen",
              "--dry-run").output
    assert dry.endswith("2 codings would be removed. Dry run: nothing was removed.\n")
    assert len(_left(proj)) == 5
    out = run("codings", "remove", proj, "--respondent", "R1", "--coder", "Maya Chen",
              "--as", "Ana Lead").output
    assert out.endswith("Removed 2 codings.\n")
    assert _left(proj) == [("R1", "feedback", "Support", "Luis Ortega"),
                           ("R3", "feedback", "Time", "Luis Ortega"),
                           ("R3", "feedback", "Time", "Maya Chen")]
    luis_r3 = next(r["id"] for r in json.loads(run("codings", proj, "--json").output)
                   if r["respondent"] == "R3" and r["coder"] == "Luis Ortega")
    assert run("codings", "remove", proj, "--id", luis_r3).output == "Removed 1 coding.\n"
    assert run("codings", "remove", proj, "--code", "Support", "--question",
               "suggestions").output == "No codings match; nothing was removed.\n"
    gone = run("codings", "remove", proj, "--id", luis_r3, ok=False)
    assert gone.exit_code == 1 and gone.stderr == (
        f'Error: the coding "{luis_r3}" has already been removed\n')
    nobody = run("codings", "remove", proj, "--respondent", "R99", ok=False)
    assert nobody.exit_code == 1 and 'no respondent "R99"' in nobody.stderr
    nothing = run("codings", "remove", proj, ok=False)
    assert nothing.exit_code == 2 and "say which codings to remove" in nothing.stderr
    assert _left(proj) == [("R1", "feedback", "Support", "Luis Ortega"),
                           ("R3", "feedback", "Time", "Maya Chen")]
    # the listing is still the default of `codings`, options before the project too
    assert [r["coder"] for r in json.loads(
        run("codings", "--coder", "LO", proj, "--json").output)] == ["Luis Ortega"]


def test_codings_remove_refuses_other_coders_codings_in_a_package(team):
    demo, maya, _ = team
    refused = run("codings", "remove", maya, "--coder", "Luis Ortega", ok=False)
    assert refused.exit_code == 1 and "by other coders (Luis Ortega): in Maya Chen's coder " \
        "package only Maya Chen's own codings can be removed" in refused.stderr
    refused = run("codings", "remove", maya, "--coder", "Luis Ortega", "--dry-run", ok=False)
    assert refused.exit_code == 1 and "only Maya Chen's own codings" in refused.stderr
    out = run("codings", "remove", maya, "--coder", "Maya Chen", "--respondent", "R002").output
    assert out.startswith("Removed ")


# -- merge messages --------------------------------------------------------------------------

def test_merge_decisions_name_conflicts_as_shown(demo, tmp_path):
    for coder, new in (("Maya Chen", "Time pressure"), ("Luis Ortega", "No time")):
        target = tmp_path / coder.split()[0]
        run("package", "export", demo, target, "--coder", coder)
        run("codes", "rename", f"{target}.postcoder", "Lack of time", new, "--as", coder)
        run("work", "export", f"{target}.postcoder", target)
    run("merge", demo, tmp_path / "Maya.postcoder-work")
    luis = tmp_path / "Luis.postcoder-work"
    refused = run("merge", demo, luis, ok=False)
    assert ('Time pressure [rename]: "Lack of time" was renamed differently: "Time pressure" '
            "here, \"No time\" in Luis Ortega's work") in refused.stderr
    [conflict] = json.loads(run("merge", demo, luis, "--dry-run", "--json").output)["conflicts"]
    assert (conflict["name"], conflict["kind"]) == ("Time pressure", "rename")
    assert conflict["key"] == f'{conflict["code_id"]} [rename]'
    unknown = run("merge", demo, luis, "--resolve", "Lack of tim=keep-mine", ok=False)
    assert unknown.exit_code == 1 and unknown.stderr.splitlines()[-1] == (
        'Error: "Lack of tim" matches no codebook conflict; the conflicts are '
        '"Time pressure [rename]"')
    out = run("merge", demo, luis, "--resolve", "Lack of time=keep-theirs").output
    assert "Time pressure [rename]" in out and "→ keep-theirs" in out and "Merged." in out
    assert "No time" in {c["name"] for c in json.loads(run("codes", "list", demo,
                                                           "--json").output)}


def test_a_merge_that_changes_nothing_says_so(team, tmp_path):
    demo, maya, work = team
    assert "Merged." in run("merge", demo, work).output
    run("work", "export", maya, tmp_path / "same-again")  # the same work, a new file
    out = run("merge", demo, tmp_path / "same-again.postcoder-work").output
    assert out.startswith("Nothing to merge: Maya Chen's work (same-again.postcoder-work) "
                          "brings nothing this project does not already have.\n"
                          "  codings: 0 new, 0 changed, 0 removed")
    assert "Merged." not in out


def test_a_closed_pipe_ends_the_output_quietly(demo):
    import os
    import subprocess
    import sys
    from pathlib import Path

    read, write = os.pipe()
    os.close(read)  # the reader is gone before anything is written (`… | head`)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    try:
        done = subprocess.run([sys.executable, "-c", "from post_coder.cli import main; main()",
                               "codes", "list", str(demo)], stdout=write,
                              stderr=subprocess.PIPE, env=env, timeout=120)
    finally:
        os.close(write)
    assert done.stderr.decode() == "" and done.returncode == 141
