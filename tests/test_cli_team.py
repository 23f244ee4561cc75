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
    assert "--resolve CODE=DECISION" in refused.stderr
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
