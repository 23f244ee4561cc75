"""A round's contents: its respondents and responses, and each coder's progress
(``team.rounds.round_contents`` and ``post-coder round show``)."""

from __future__ import annotations

import json

import pytest

from post_coder.coding import codebook
from post_coder.coding.coders import add_coder
from post_coder.coding.codings import apply_code, remove_coding
from post_coder.coding.done import unmark_done
from post_coder.errors import NotFoundError
from post_coder.team.rounds import Sample, create_round, list_rounds, round_contents
from tests.conftest import response_id
from tests.test_cli import run
from tests.test_cli_team import demo  # noqa: F401  (the lead's demo project, a fixture)

ORDER = [("R1", "feedback"), ("R1", "suggestions"), ("R2", "feedback"), ("R3", "feedback"),
         ("R3", "suggestions"), ("R4", "feedback"), ("R5", "feedback"),
         ("R5", "suggestions")]


@pytest.fixture
def coded(surveyed):
    """A round of all 8 responses for Maya and Luis, partly coded (and by Ana, not in it)."""
    p = surveyed
    p.ana = add_coder(p, "Ana Lead").new_id
    p.maya = add_coder(p, "Maya Chen").new_id
    p.luis = add_coder(p, "Luis Ortega", initials="LuO").new_id
    p.actor = p.ana
    p.round = create_round(p, "Round 1", [p.maya, p.luis], blind=True).new_id
    code = codebook.add_code(p, "Time").new_id
    r1 = response_id(p, "R1")
    apply_code(p, r1, code, p.maya)
    apply_code(p, r1, code, p.maya, start=0, end=8)  # two codings, one response
    apply_code(p, r1, code, p.luis)
    apply_code(p, response_id(p, "R1", "suggestions"), code, p.luis)
    apply_code(p, response_id(p, "R2"), code, p.ana)  # not in the round: not counted
    apply_code(p, response_id(p, "R5"), code, p.luis)
    unmark_done(p, response_id(p, "R5"), p.luis)  # coded, then un-marked: not progress
    return p


def test_round_contents_lists_responses_in_file_order_with_who_coded_them(coded):
    p = coded
    contents = round_contents(p, p.round)
    assert [(r.respondent, r.question) for r in contents.responses] == ORDER
    assert contents.respondents == 5 and len(contents.responses) == 8
    by = {(r.respondent, r.question): set(r.coded_by) for r in contents.responses}
    assert by == {("R1", "feedback"): {p.maya, p.luis}, ("R1", "suggestions"): {p.luis},
                  ("R2", "feedback"): set(), ("R3", "feedback"): set(),
                  ("R3", "suggestions"): set(), ("R4", "feedback"): set(),
                  ("R5", "feedback"): set(), ("R5", "suggestions"): set()}
    assert contents.responses[3].text == "Honestly I have no time for this, the shifts are " \
                                         "too long."
    assert sorted(contents.progress()) == sorted([(p.maya, "Maya Chen", 1, 8),
                                                  (p.luis, "Luis Ortega", 2, 8)])
    assert contents.initials == {p.maya: "MC", p.luis: "LuO"}
    assert list_rounds(p)[0].coded == {p.maya: 1, p.luis: 2}  # the same numbers as the list
    d = contents.as_dict()
    assert d["name"] == "Round 1" and d["responses"] == 8 and d["respondents"] == 5
    assert sorted(d["coders"], key=lambda c: c["name"]) == [
        {"id": p.luis, "name": "Luis Ortega", "done": 2},
        {"id": p.maya, "name": "Maya Chen", "done": 1}]
    assert [x["respondent"] for x in d["response_list"]] == [r for r, _ in ORDER]
    assert sorted(d["response_list"][0]["done_by"]) == ["Luis Ortega", "Maya Chen"]
    assert d["response_list"][1]["done_by"] == ["Luis Ortega"]


def test_a_sampled_round_holds_only_its_sample(coded):
    p = coded
    rid = create_round(p, "Small", [p.maya], sample=Sample(size=2, seed=5)).new_id
    contents = round_contents(p, rid)
    assert contents.respondents == 2
    respondents = {r.respondent for r in contents.responses}
    assert len(contents.responses) == sum(1 for r, _ in ORDER if r in respondents)
    assert contents.progress() == [(p.maya, "Maya Chen", int("R1" in respondents), len(
        contents.responses))]
    with pytest.raises(NotFoundError, match="that round does not exist"):
        round_contents(p, "no-such-round")


def test_round_show_prints_progress_and_responses(demo):
    run("round", "create", demo, "Round 1", "--coder", "Maya Chen", "--coder", "Luis Ortega",
        "--size", "2", "--seed", "42")
    data = json.loads(run("round", "show", demo, "round 1", "--json").output)
    assert data["name"] == "Round 1" and data["responses"] == 2 and data["respondents"] == 2
    assert [c["name"] for c in data["coders"]] == ["Luis Ortega", "Maya Chen"]
    assert [x["respondent"] for x in data["response_list"]] == ["R003", "R008"]
    text = run("round", "show", demo, "Round 1").output.splitlines()
    coded = {c["name"]: c["done"] for c in data["coders"]}
    assert text[0] == "Round 1  [open, blind]  2 responses from 2 respondents: 2 respondents " \
                      "(seed 42)"
    assert text[1:4] == ["Progress:",
                         f"    Luis Ortega: {coded['Luis Ortega']} of 2 done "
                         f"({coded['Luis Ortega'] * 50}%)",
                         f"    Maya Chen: {coded['Maya Chen']} of 2 done "
                         f"({coded['Maya Chen'] * 50}%)"]
    assert text[4] == "Responses:"
    # the question's short label (the demo's headings are whole questions)
    assert text[5].startswith("    R003 · Q1 Effects of POST · done by ")
    assert text[6].startswith("        I was the one who got called after a difficult airway")
    missing = run("round", "show", demo, "Round 2", ok=False)
    assert missing.exit_code == 1 and "Traceback" not in missing.stderr
    assert missing.stderr.strip() == 'Error: there is no round called "Round 2". ' \
                                     'Did you mean "Round 1"?'
