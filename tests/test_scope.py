"""The read scope: in an open blind round no read shows another coder's codings or memos.

The project is :class:`tests.team_helpers.BlindTeam` (its table lists every coding); each
expected value below is worked out by hand from that table.
"""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest

from post_coder import queries
from post_coder.coding import codings, memos, refine
from post_coder.queries import ReadScope, ResponseQuery
from post_coder.store import codings as codings_store
from post_coder.store import counts as counts_store
from post_coder.store import memos as memos_store
from post_coder.store import responses as responses_store
from post_coder.team.rounds import close_round, read_scope
from tests.team_helpers import BlindTeam, blind_team, open_round

EVERYONE = ReadScope.everyone()
STORE = Path(__file__).resolve().parents[1] / "post_coder" / "store"


@pytest.fixture
def team(surveyed) -> BlindTeam:
    return blind_team(surveyed)


def everything_maya_reads(t: BlindTeam, scope: ReadScope) -> dict[str, object]:
    """What every scoped read returns to ``scope``, in names a person reads."""
    p = t.project
    names = {t.m1: "m1", t.m2: "m2", t.l1: "l1", t.l2: "l2", t.l3: "l3", t.a1: "a1"}
    answer = {t.r1: "R1 fb", t.r2: "R2 fb", t.r3: "R3 fb", t.r4: "R4 fb", t.r3_sg: "R3 sg"}

    def ids(query: ResponseQuery) -> list[str]:
        found = queries.response_ids(p, scope, query)
        assert queries.count_responses(p, scope, query) == len(found)
        return [answer.get(r, "other") for r in found]

    rows = queries.response_rows(p, scope, [t.r1, t.r2, t.r3, t.r3_sg, t.r4])
    frequencies = {f.code.name: (f.code.respondents, f.code.codings,
                                 f.code.respondents_with_children)
                   for f in queries.code_frequencies(p, scope)}
    table = {r["name"]: (r["respondents"], r["codings"], r["respondents_with_children"])
             for r in queries.codebook_table(p, scope)}
    summary = queries.project_summary(p, scope)
    totals = queries.project_totals(p, scope)
    preview = refine.load_merge_preview(p, scope, [t.support], t.time)
    return {
        "list_codings": sorted(names[c.id] for c in codings.list_codings(p, scope)),
        "split and compare (codes=Support)": sorted(
            names[c.id] for c in codings.list_codings(p, scope, codes=[t.support])),
        "codings_for_response R1": sorted(
            names[c.id] for c in codings.codings_for_response(p, scope, t.r1)),
        "response_rows codes": [r.codes for r in rows],
        "coded": ids(ResponseQuery(coded=True)),
        "uncoded feedback": ids(ResponseQuery(question_ids=(t.feedback,), coded=False)),
        "coded with Time": ids(ResponseQuery(code_ids=(t.time,))),
        "coded by Luis": ids(ResponseQuery(coder_ids=(t.luis,))),
        "code_frequencies": frequencies,
        "codebook_table": table,
        "summary coded": {q["column_name"]: q["coded"] for q in summary.questions},
        "summary coders": {c["name"]: c["codings"] for c in summary.coders},
        "totals": (totals["codings"], totals["memos"]),
        "merge preview Support→Time": (preview.moving, preview.duplicates),
        "project memos": sorted(m.body for m in memos.memos_for(p, scope, "project")),
        "Support memos": sorted(m.body for m in memos.memos_for(p, scope, "code", t.support)),
        "R1 memos": [m.body for m in memos.memos_for(p, scope, "response", t.r1)],
        "l1 memos": [m.body for m in memos.memos_for(p, scope, "coding", t.l1)],
        "list_memos": sorted(m.body for m in memos.list_memos(p, scope)),
    }


EVERYTHING = {
    "list_codings": ["a1", "l1", "l2", "l3", "m1", "m2"],
    "split and compare (codes=Support)": ["a1", "l3", "m1", "m2"],
    "codings_for_response R1": ["l1", "m1"],
    "response_rows codes": [("Support", "Time"), ("Support",), ("Time",), ("Support",),
                            ("Support",)],
    "coded": ["R1 fb", "R2 fb", "R3 fb", "R3 sg", "R4 fb"],
    "uncoded feedback": ["other"],  # R5
    "coded with Time": ["R1 fb", "R3 fb"],
    "coded by Luis": ["R1 fb", "R3 fb", "R3 sg"],
    "code_frequencies": {"Support": (4, 4, 4), "Barriers": (0, 0, 2), "Time": (2, 2, 2)},
    "codebook_table": {"Support": (4, 4, 4), "Barriers": (0, 0, 2), "Time": (2, 2, 2)},
    "summary coded": {"feedback": 4, "suggestions": 1},
    "summary coders": {"Ana Lead": 1, "Maya Chen": 2, "Luis Ortega": 3},
    "totals": (6, 8),
    "merge preview Support→Time": (4, 0),
    "project memos": ["Ana: lead note", "Luis: project plan", "Maya: project idea",
                      "Unsigned note"],
    "Support memos": ["Luis: support is broad", "Maya: support means peers"],
    "R1 memos": ["Luis: R1 is vivid"],
    "l1 memos": ["Luis: why time"],
    "list_memos": sorted(sum(BlindTeam.MEMOS.values(), [])),
}

ONLY_MAYA = {
    "list_codings": ["m1", "m2"],
    "split and compare (codes=Support)": ["m1", "m2"],
    "codings_for_response R1": ["m1"],
    "response_rows codes": [("Support",), ("Support",), (), (), ()],
    "coded": ["R1 fb", "R2 fb"],
    "uncoded feedback": ["R3 fb", "R4 fb", "other"],
    "coded with Time": [],
    "coded by Luis": [],
    "code_frequencies": {"Support": (2, 2, 2), "Barriers": (0, 0, 0), "Time": (0, 0, 0)},
    "codebook_table": {"Support": (2, 2, 2), "Barriers": (0, 0, 0), "Time": (0, 0, 0)},
    "summary coded": {"feedback": 2, "suggestions": 0},
    "summary coders": {"Ana Lead": None, "Maya Chen": 2, "Luis Ortega": None},
    "totals": (2, 2),
    "merge preview Support→Time": (2, 0),
    "project memos": ["Maya: project idea"],
    "Support memos": ["Maya: support means peers"],
    "R1 memos": [],
    "l1 memos": [],
    "list_memos": ["Maya: project idea", "Maya: support means peers"],
}


def test_without_a_round_everyone_reads_everything(team):
    assert read_scope(team.project, team.maya) == ReadScope(team.maya, None)
    assert everything_maya_reads(team, read_scope(team.project, team.maya)) == EVERYTHING
    assert everything_maya_reads(team, EVERYONE) == EVERYTHING


def test_in_an_open_blind_round_every_read_hides_the_other_coders(team):
    open_round(team)
    scope = read_scope(team.project, team.maya)
    assert scope == ReadScope(team.maya, (team.maya,)) and scope.blind
    assert everything_maya_reads(team, scope) == ONLY_MAYA


def test_luis_reads_only_his_own_and_the_lead_outside_the_round_reads_everything(team):
    p = team.project
    open_round(team)
    luis = read_scope(p, team.luis)
    assert sorted(c.id for c in codings.list_codings(p, luis)) == sorted(
        [team.l1, team.l2, team.l3])
    assert [m.body for m in memos.memos_for(p, luis, "project")] == ["Luis: project plan"]
    assert queries.project_totals(p, luis)["codings"] == 3
    # the cheap "large project?" check counts what the scope sees, up to the limit
    assert queries.more_codings_than(p, luis, 2) and not queries.more_codings_than(p, luis, 3)
    everyone = queries.project_totals(p, read_scope(p, team.ana))["codings"]
    assert everyone > 3 and queries.more_codings_than(p, read_scope(p, team.ana), 3)
    assert not queries.more_codings_than(p, read_scope(p, team.ana), everyone)
    assert everything_maya_reads(team, read_scope(p, team.ana)) == EVERYTHING


def test_closing_the_round_or_a_round_that_is_not_blind_shows_everything_again(team):
    p = team.project
    round_id = open_round(team)
    close_round(p, round_id)
    assert everything_maya_reads(team, read_scope(p, team.maya)) == EVERYTHING


def test_a_round_that_is_not_blind_hides_nothing(team):
    open_round(team, blind=False)
    assert not read_scope(team.project, team.maya).blind
    assert everything_maya_reads(team, read_scope(team.project, team.maya)) == EVERYTHING


def test_a_text_search_in_file_order_also_reads_through_the_scope(team):
    p = team.project
    open_round(team)
    maya = read_scope(p, team.maya)
    # "the" is in R1 and R3's feedback and R1's suggestion (not coded); only R1's feedback
    # has Maya's code
    query = ResponseQuery(text="the", coded=True)
    assert queries.response_ids(p, EVERYONE, query) == [team.r1, team.r3]
    assert queries.response_ids(p, maya, query) == [team.r1]


@pytest.mark.parametrize("read", [
    lambda p, s: codings.list_codings(p, s),
    lambda p, s: codings.codings_for_response(p, s, "x"),
    lambda p, s: memos.memos_for(p, s, "project"),
    lambda p, s: memos.list_memos(p, s),
    lambda p, s: queries.response_ids(p, s),
    lambda p, s: queries.count_responses(p, s),
    lambda p, s: queries.response_rows(p, s, ["x"]),
    lambda p, s: queries.code_frequencies(p, s),
    lambda p, s: queries.codebook_table(p, s),
    lambda p, s: queries.project_totals(p, s),
    lambda p, s: queries.more_codings_than(p, s, 0),
    lambda p, s: queries.project_summary(p, s),
    lambda p, s: refine.load_merge_preview(p, s, ["x"], None),
    lambda p, s: queries.coder_marks(p, s, ["x"]),
    lambda p, s: queries.coders_at_work(p, s),
])
@pytest.mark.parametrize("not_a_scope", [None, ("coder",), ResponseQuery()])
def test_a_read_without_a_scope_is_refused(team, read, not_a_scope):
    with pytest.raises(TypeError, match="need a ReadScope"):
        read(team.project, not_a_scope)


SCOPED_READS = [
    queries.response_ids, queries.count_responses, queries.response_rows,
    queries.code_frequencies, queries.codebook_table, queries.project_totals,
    queries.project_summary, codings.list_codings, codings.codings_for_response,
    memos.memos_for, memos.list_memos, refine.load_merge_preview,
    codings_store.rows, codings_store.live_for_response, memos_store.for_target,
    memos_store.list_, responses_store.ids, responses_store.count, responses_store.rows,
    responses_store.code_counts, counts_store.totals, counts_store.coded_per_question,
    counts_store.codings_per_coder, counts_store.more_codings_than, queries.more_codings_than,
    queries.coder_marks, queries.coders_at_work,
    queries.code_counts_by_coder, responses_store.coder_codes,
]


@pytest.mark.parametrize("read", SCOPED_READS, ids=lambda f: f"{f.__module__}.{f.__name__}")
def test_every_read_of_codings_and_memos_requires_a_scope(read):
    scope = inspect.signature(read).parameters.get("scope")
    assert scope is not None and scope.default is inspect.Parameter.empty


#: store functions that read codings or memos without a scope, and why that is right
UNSCOPED = {
    ("codings.py", "get"): "a write looks up one coding by id",
    ("codings.py", "find_live"): "a write checks for the same coding before adding it",
    ("codings.py", "live_for_code"): "merging or splitting a code moves every coder's codings",
    ("memos.py", "get"): "a write looks up one memo by id",
    ("schema.py", "_done_marks"): "the migration gives every coded response a done mark",
    ("team.py", "memos_by"): "a work file holds its coder's own memos",
    ("team.py", "live_count_by_others"): "package export: what a blind package withholds",
    ("team.py", "memos_by_ids"): "work files and merges",
    ("team.py", "live_codings_by_others_since"):
        "a package's work made under another name, counted so Export My Work can say so",
    ("team.py", "withhold_codings"): "a blind package deletes the others' codings",
    ("team.py", "withhold_memos"): "a blind package deletes the others' memos",
}
READS_CODINGS_OR_MEMOS = re.compile(r"\b(FROM|JOIN)\s+(codings|memos)\b", re.IGNORECASE)


def test_no_store_read_of_codings_or_memos_forgets_the_scope():
    """A new store function that reads codings or memos takes ``scope`` (or is listed above
    with the reason it must see everything)."""
    unscoped = set()
    for module in sorted(STORE.glob("*.py")):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef):
                continue
            sql = [n.value for n in ast.walk(node)
                   if isinstance(n, ast.Constant) and isinstance(n.value, str)]
            params = {a.arg for a in [*node.args.args, *node.args.kwonlyargs]}
            if any(READS_CODINGS_OR_MEMOS.search(s) for s in sql) and "scope" not in params:
                unscoped.add((module.name, node.name))
    assert unscoped == set(UNSCOPED)


def test_the_app_reads_only_through_the_sessions_scope():
    """Views never widen what they read: no scope is made in ``post_coder/ui`` (they pass
    ``session.scope``, which the session builds with ``read_scope``)."""
    ui = STORE.parent / "ui"
    found = [f"{path.relative_to(ui)}:{n}" for path in sorted(ui.rglob("*.py"))
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             if re.search(r"\beveryone\(|ReadScope\(", line)]
    assert found == []


def test_the_command_line_reads_through_the_scope_of_the_coder_it_acts_as(team, monkeypatch):
    import json

    from click.testing import CliRunner

    from post_coder.cli import main

    p, path = team.project, str(team.project.path)
    open_round(team)
    p.close()

    def codings_listed(*env: str) -> tuple[list[tuple[str, str, str]], dict]:
        if env:
            monkeypatch.setenv("POST_CODER_CODER", env[0])
        else:
            monkeypatch.delenv("POST_CODER_CODER", raising=False)
        runner = CliRunner()
        rows = json.loads(runner.invoke(main, ["codings", path, "--json"],
                                        catch_exceptions=False).output)
        info = json.loads(runner.invoke(main, ["info", path, "--json"],
                                        catch_exceptions=False).output)
        return (sorted((r["respondent"], r["code"], r["coder"]) for r in rows),
                {q["column_name"]: q["coded"] for q in info["questions"]})

    assert codings_listed("Maya Chen") == (
        [("R1", "Support", "Maya Chen"), ("R2", "Support", "Maya Chen")],
        {"feedback": 2, "suggestions": 0})
    info = CliRunner().invoke(main, ["info", path], catch_exceptions=False).output
    coders, codebook = info.splitlines()[-2:]
    assert sorted(re.findall(r"(\w[\w ]*) \((\w+), ([\w ]+)\)", coders)) == [
        ("Ana Lead", "AL", "codings hidden"), ("Luis Ortega", "LO", "codings hidden"),
        ("Maya Chen", "MC", "2 codings")]
    assert codebook == "Codebook: 3 active codes; 2 codings; 2 memos"
    assert codings_listed() == (
        [("R1", "Support", "Maya Chen"), ("R1", "Time", "Luis Ortega"),
         ("R2", "Support", "Maya Chen"), ("R3", "Support", "Luis Ortega"),
         ("R3", "Time", "Luis Ortega"), ("R4", "Support", "Ana Lead")],
        {"feedback": 4, "suggestions": 1})


def test_the_audit_log_does_not_tell_what_a_blind_round_hides(team):
    """Maya, blind: the log keeps her own codings and memos and the codebook's changes, and
    drops Luis's and Ana's codings and memos (whoever made the entry)."""
    from post_coder.coding.history import audit_entries

    t = team
    p = t.project
    open_round(t)
    maya = read_scope(p, t.maya)
    assert maya.blind
    seen = audit_entries(p, maya)
    codings_seen = {(e.action, e.code, e.respondent, e.coder) for e in seen
                    if e.entity == "coding"}
    assert codings_seen == {("apply", "Support", "R1", "Maya Chen"),
                            ("apply", "Support", "R2", "Maya Chen")}
    memo_bodies = {(e.after or {}).get("body") for e in seen if e.entity == "memo"}
    assert memo_bodies == {"Maya: project idea", "Maya: support means peers"}
    assert {e.about for e in seen if e.entity == "code"} == {
        '"Support"', '"Barriers"', '"Time"'}
    # the lead (not in the round) and a read for everyone see all six codings and 8 memos
    for scope in (read_scope(p, t.ana), EVERYONE):
        everything = audit_entries(p, scope)
        assert len([e for e in everything if e.entity == "coding"]) == 6
        assert len([e for e in everything if e.entity == "memo"]) == 8
    # once the round is closed Maya sees everything too
    close_round(p, queries_round_id(p))
    assert len([e for e in audit_entries(p, read_scope(p, t.maya))
                if e.entity == "coding"]) == 6


def queries_round_id(p) -> str:
    from post_coder.team.rounds import list_rounds

    return list_rounds(p)[0].round.id
