"""``codes history``, ``codes as-of``, ``codes diff`` and ``recheck``, through CliRunner over
the :class:`tests.team_helpers.BlindTeam` project file."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from post_coder.cli import main
from post_coder.coding import codebook
from post_coder.project import Project
from tests.team_helpers import blind_team


def run(*args, ok=True):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output + result.stderr
    return result


@pytest.fixture
def team(surveyed, monkeypatch):
    monkeypatch.delenv("POST_CODER_CODER", raising=False)
    monkeypatch.setattr("post_coder.coding.code_versions.now",
                        lambda: "2026-03-01T09:00:00.000+00:00")
    t = blind_team(surveyed)
    t.path = t.project.path
    p = t.project
    monkeypatch.setattr("post_coder.coding.code_versions.now",
                        lambda: "2026-03-02T09:00:00.000+00:00")
    codebook.redefine_code(p, t.support, definition="Colleagues helping",
                           rationale="after round 1")
    codebook.rename_code(p, t.support, "Peer support")
    p.close()
    monkeypatch.undo()
    monkeypatch.delenv("POST_CODER_CODER", raising=False)
    return t


def test_history_as_of_and_diff(team):
    out = run("codes", "history", team.path, "Peer support").output
    assert out.splitlines() == [
        "v1  2026-03-01 09:00  (no coder set)  create",
        '    "Support"',
        "v2  2026-03-02 09:00  Ana Lead  redefine  — after round 1",
        "    Definition: (empty) → Colleagues helping",
        "v3  2026-03-02 09:00  Ana Lead  rename",
        "    Name: Support → Peer support",
    ]
    rows = json.loads(run("codes", "history", team.path, "Peer support", "--json").output)
    assert [(r["version"], r["action"], r["name"]) for r in rows] == [
        (1, "create", "Support"), (2, "redefine", "Support"), (3, "rename", "Peer support")]
    out = run("codes", "as-of", team.path, "--date", "2026-03-01").output
    assert out.splitlines() == ["The codebook as of 2026-03-01 23:59 UTC:", "Support  (v1)",
                                "Barriers  (v1)", "  Time  (v1)"]
    data = json.loads(run("codes", "as-of", team.path, "--date", "2026-03-02", "--json").output)
    assert [(c["name"], c["definition"], c["depth"]) for c in data["codes"]] == [
        ("Peer support", "Colleagues helping", 0), ("Barriers", "", 0), ("Time", "", 1)]
    out = run("codes", "diff", team.path, "Peer support", "--from", "1", "--to", "3").output
    assert out.splitlines() == ['"Peer support", version 1 → 3:',
                                "  Name: Support → Peer support",
                                "  Definition: (empty) → Colleagues helping"]
    by_date = run("codes", "diff", team.path, "Peer support", "--from", "2026-03-01").output
    assert by_date == out
    whole = json.loads(run("codes", "diff", team.path, "--from", "2026-03-01", "--to",
                           "2026-03-02", "--json").output)
    assert (whole["added"], whole["removed"]) == ([], [])
    assert [(c["code"]["name"], c["fields"]) for c in whole["changed"]] == [
        ("Peer support", {"name": ["Support", "Peer support"],
                          "definition": ["", "Colleagues helping"]})]


@pytest.mark.parametrize("args,message", [
    (["codes", "history", "{path}", "Peer suport"],
     'no code called "Peer suport" in the codebook. Did you mean "Peer support"?'),
    (["codes", "as-of", "{path}"], "give either --date WHEN or --round ROUND"),
    (["codes", "as-of", "{path}", "--round", "Round 9"], 'there is no round called "Round 9"'),
    (["codes", "as-of", "{path}", "--date", "yesterday"], '"yesterday" is not a date'),
    (["codes", "diff", "{path}", "--from", "1"], "version numbers need a CODE"),
    (["codes", "diff", "{path}", "Time", "--from", "1", "--to", "5"], "no version 5"),
    (["recheck", "confirm", "{path}", "--id", "nope", "--as", "Maya Chen"],
     'no re-check flag with the id "nope"'),
])
def test_plain_errors(team, args, message):
    result = run(*[a.format(path=team.path) for a in args], ok=False)
    assert result.exit_code != 0 and message in result.output + result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_recheck_list_confirm_remove(team, monkeypatch):
    mine = json.loads(run("recheck", "list", team.path, "--coder", "Maya Chen",
                          "--json").output)
    assert [(i["respondent"], i["code"], i["old"]["definition"], i["new"]["definition"])
            for i in mine] == [("R1", "Peer support", "", "Colleagues helping"),
                               ("R2", "Peer support", "", "Colleagues helping")]
    monkeypatch.setenv("POST_CODER_CODER", "Maya Chen")  # her own queue by default
    assert json.loads(run("recheck", "list", team.path, "--json").output) == mine
    text = run("recheck", "list", team.path).output
    assert f'{mine[0]["id"]}  R1 / feedback  "Peer support" (Maya Chen)' in text
    assert "    definition v1: (empty)\n    definition v2: Colleagues helping" in text
    luis = json.loads(run("recheck", "list", team.path, "--coder", "Luis Ortega",
                          "--json").output)
    refused = run("recheck", "confirm", team.path, "--id", luis[0]["id"], ok=False)
    assert "Luis Ortega must settle their own" in refused.stderr
    assert run("recheck", "confirm", team.path, "--id", mine[0]["id"]).output == \
        "Confirmed 1 coding.\n"
    assert run("recheck", "remove", team.path, "--id", mine[1]["id"]).output == \
        "Removed 1 coding.\n"
    assert run("recheck", "list", team.path).output.startswith("Nothing to re-check")
    with Project.open(team.path) as p:
        assert [r[0] for r in p.db.execute(
            "SELECT deleted_at IS NOT NULL FROM codings WHERE id = ?", [team.m2])] == [1]
