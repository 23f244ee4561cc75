"""The command line, driven through click's CliRunner over real project files."""

import json

import click
import pytest
from click.testing import CliRunner

from post_coder.cli import main


def run(*args, ok=True):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output + result.stderr
    return result


@pytest.fixture
def demo(tmp_path):
    path = tmp_path / "demo.postcoder"
    run("demo", path)
    return path


def _commands(group=main, prefix=()):
    for name, cmd in group.commands.items():
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, prefix + (name,))
        else:
            yield prefix + (name,)


@pytest.mark.parametrize("command", list(_commands()), ids=" ".join)
def test_every_command_has_help_with_an_example(command):
    out = run(*command, "--help").output
    assert "Example" in out and "post-coder" in out


def test_no_arguments_prints_help():
    assert "Usage" in run().output


def test_demo_builds_and_reports(demo, tmp_path):
    info = json.loads(run("info", demo, "--json").output)
    assert info["totals"]["respondents"] == 75
    assert info["totals"]["codings"] > 100
    assert {c["name"] for c in info["coders"]} == {"Maya Chen", "Luis Ortega"}
    assert len(info["questions"]) == 2
    # the demo keeps your work: a second run reopens it, --fresh rebuilds it
    run("codes", "add", demo, "My own code")
    assert "17 active codes" in run("demo", demo).output
    assert "16 active codes" in run("demo", demo, "--fresh").output


def test_new_import_code_flow(tmp_path, survey_csv):
    proj = tmp_path / "study"
    assert "Created" in run("new", proj, "--name", "Study").output
    proj = tmp_path / "study.postcoder"
    dry = run("import", proj, survey_csv, "--id-column", "id", "--open-ended", "feedback",
              "--dry-run").output
    assert "feedback" in dry and "nothing was imported" in dry
    assert json.loads(run("info", proj, "--json").output)["totals"]["responses"] == 0
    out = run("import", proj, survey_csv, "--id-column", "id", "--open-ended", "feedback",
              "--open-ended", "suggestions", "--attributes", "dept", "--as", "Maya Chen").output
    assert "6 respondents" in out and "8 responses" in out
    dup = run("import", proj, survey_csv, ok=False)
    assert dup.exit_code == 1 and "already" in dup.stderr and "Traceback" not in dup.stderr

    run("codes", "add", proj, "Barriers")
    run("codes", "add", proj, "Time", "--parent", "Barriers", "--definition", "No time")
    run("codes", "add", proj, "Busy")
    run("codes", "rename", proj, "Time", "Lack of time", "--rationale", "clearer")
    run("codes", "redefine", proj, "Lack of time", "--exclusion", "staffing", "--color", "#123456")
    codings = tmp_path / "codings.csv"
    codings.write_text("respondent,question,code,coder\nR3,feedback,Busy,Maya Chen\n"
                       "R1,suggestions,Lack of time,Luis Ortega\nR3,feedback,Lack of time,"
                       "Luis Ortega\n", encoding="utf-8")
    assert "Applied 3 codings" in run("code", proj, codings).output
    run("codes", "merge", proj, "Busy", "--into", "Lack of time")
    rows = json.loads(run("codings", proj, "--json").output)
    assert sorted((r["respondent"], r["code"], r["coder"]) for r in rows) == [
        ("R1", "Lack of time", "Luis Ortega"), ("R3", "Lack of time", "Luis Ortega"),
        ("R3", "Lack of time", "Maya Chen")]
    only_luis = json.loads(run("codings", proj, "--coder", "LO", "--question", "feedback",
                               "--json").output)
    assert [r["respondent"] for r in only_luis] == ["R3"]
    run("codes", "split", proj, "Lack of time", "Shift length", "--respondent", "R3")
    run("codes", "move", proj, "Shift length", "--top")
    run("codes", "retire", proj, "Barriers")
    listing = json.loads(run("codes", "list", proj, "--json").output)
    names = {c["name"]: c for c in listing}
    assert set(names) == {"Lack of time", "Shift length"}
    assert names["Shift length"]["respondents"] == 1 and names["Lack of time"]["codings"] == 1
    assert names["Lack of time"]["exclusion"] == "staffing"
    everything = json.loads(run("codes", "list", proj, "--all", "--json").output)
    assert {c["status"] for c in everything} == {"active", "merged", "retired"}
    tree = run("codes", "list", proj).output
    assert "Shift length  (1 respondents, 2 codings)" in tree


def test_search(demo):
    hits = json.loads(run("search", demo, "time", "--limit", "3", "--json").output)
    assert [(h["respondent"], h["snippet"]) for h in hits] == [
        ("R017", "…By the [time] I'm done charting the last thing I want is another hour-long…"),
        ("R050", "[Time] and, to be honest, I don't love rehashing a bad case. I'd rather…"),
        ("R046", "Lack of [time], lack of energy. Also a vague feeling that if I start "
                 "talking I…")]
    # one question: best first, none of the (better) hits in the other question
    affected = "How has POST affected you or your department? Please describe."
    hits = json.loads(run("search", demo, "time", "--question", affected, "--json").output)
    assert [h["respondent"] for h in hits] == ["R067", "R005", "R015", "R028", "R044"]
    assert {(h["question"], h["question_text"]) for h in hits} == {
        ("Q1 Effects of POST", affected)}  # the short label and the full text
    text = run("search", demo, '"nothing at all in here xyz"').output
    assert "0 responses match" in text


@pytest.mark.parametrize("args,message", [
    (("info", "{tmp}/missing.postcoder"), "no such file"),
    (("codes", "add", "{demo}", "Lack of time"), "already a code"),
    (("codes", "rename", "{demo}", "Nope", "X"), 'no code called "Nope"'),
    (("codes", "move", "{demo}", "Stigma"), "either --to PARENT or --top"),
    (("codings", "{demo}", "--question", "Q99"), 'no open-ended question "Q99"'),
    (("search", "{demo}", "--", "-time"), "at least one word"),
    (("import", "{demo}", "{tmp}/nothing.csv"), "nothing.csv"),
    (("import", "{demo}", "{tmp}/x.csv", "--type", "oops"), "COLUMN=TYPE"),
])
def test_errors_are_one_line_and_nonzero(demo, tmp_path, args, message):
    (tmp_path / "x.csv").write_text("id,answer\n1,a long enough answer to code\n")
    args = [a.format(tmp=tmp_path, demo=demo) for a in args]
    result = run(*args, ok=False)
    assert result.exit_code != 0
    err = result.stderr.strip()
    assert message in err, err
    assert "Traceback" not in err
    if result.exit_code == 1:
        assert len(err.splitlines()) == 1


def test_unexpected_error_is_reported_plainly(demo, monkeypatch):
    import post_coder.queries as queries

    def boom(project):
        raise ZeroDivisionError("oops")

    monkeypatch.setattr(queries, "project_summary", boom)
    result = run("info", demo, ok=False)
    assert result.exit_code == 2
    assert "something went wrong" in result.stderr and "Traceback" not in result.stderr


def test_codes_redefine_is_the_apps_edit_under_its_own_name(tmp_path):
    """``codes redefine`` runs the code editor's core action (``refine.edit_code``): one step
    named "Redefine code", only the fields that change audited."""
    from post_coder.project import Project
    from post_coder.store import audit

    proj = tmp_path / "p.postcoder"
    run("new", proj)
    run("codes", "add", proj, "Time", "--definition", "No time")
    out = run("codes", "redefine", proj, "Time", "--definition", "No time", "--exclusion",
              "staffing", "--color", "#123456", "--rationale", "narrower").output
    assert out.strip() == 'Updated "Time".'
    with Project.open(proj) as p:
        entries = [e for e in audit.entries(p.db) if e.entity == "code"]
        code = p.db.execute("SELECT exclusion, color FROM codes").fetchone()
    assert [(e.action, e.step_label, e.rationale) for e in entries[1:]] == [
        ("redefine", "Redefine code", "narrower"), ("recolor", "Redefine code", "narrower")]
    assert (entries[1].before["exclusion"], entries[1].after["exclusion"]) == ("", "staffing")
    assert tuple(code) == ("staffing", "#123456")


def test_codes_pin_unpin_and_keys_per_coder(tmp_path):
    proj = tmp_path / "k.postcoder"
    run("new", proj)
    for name in ("Time", "Privacy", "Sleep"):
        run("codes", "add", proj, name)
    out = run("codes", "pin", proj, "sleep", "1", "--coder", "Maya Chen").output
    assert 'Pinned "Sleep" to key 1.' in out
    keys = run("codes", "keys", proj, "--coder", "Maya Chen").output.splitlines()
    assert keys[:4] == ["1  Sleep  (pinned)", "2  Privacy  (default)", "3  -", "4  -"]
    other = json.loads(run("codes", "keys", proj, "--json").output)  # nobody: the defaults
    assert [k["code"] for k in other[:3]] == ["Time", "Privacy", "Sleep"]
    assert other[0] == {"key": 1, "code_id": other[0]["code_id"], "code": "Time",
                        "pinned": False}
    log = json.loads(run("log", proj, "--code", "Sleep", "--json").output)
    assert [e["action"] for e in log][-1] == "pin"
    assert 'Unpinned "Sleep".' in run("codes", "unpin", proj, "Sleep",
                                      "--coder", "Maya Chen").output
    keys = run("codes", "keys", proj, "--coder", "Maya Chen").output.splitlines()
    assert keys[:3] == ["1  Time  (default)", "2  Privacy  (default)", "3  Sleep  (default)"]


def test_codes_pin_refuses_bad_input_plainly(tmp_path, monkeypatch):
    monkeypatch.delenv("POST_CODER_CODER", raising=False)
    proj = tmp_path / "k.postcoder"
    run("new", proj)
    run("codes", "add", proj, "Time")
    bad = run("codes", "pin", proj, "Time", "10", "--coder", "Maya", ok=False)
    assert bad.exit_code == 2 and "10 is not in the range 1<=x<=9" in bad.output
    nobody = run("codes", "pin", proj, "Time", "1", ok=False)
    assert nobody.exit_code == 2 and "say whose keys with --coder NAME" in nobody.output
    missing = run("codes", "unpin", proj, "Time", "--coder", "Maya", ok=False)
    assert missing.exit_code == 1
    assert 'Error: "Time" is not pinned to a key for Maya' in missing.stderr
    unknown = run("codes", "keys", proj, "--coder", "Nobody", ok=False)
    assert unknown.exit_code == 1 and 'there is no coder called "Nobody"' in unknown.stderr
