"""The consensus layer: review decisions, else what the coders who marked a response done
agree on, else (one coder) what that coder applied; unresolved disagreements left out.

A small three-coder project built here; every expectation is worked out by hand in the
table below (A = Ana, B = Ben, C = Cleo; "done" = who marked the response done).

=======  ==========  ==============================================  ==========================
unit     done        codings                                         decisions (in that order)
=======  ==========  ==============================================  ==========================
R1 fb    A B C       Time A B (two spans) C; Support A               —
R2 fb    A B C       Culture A B C; Privacy A                        Culture does not apply;
                                                                     Privacy applies
R3 fb    A B         Time A B; Privacy C (C took her done mark back)  —
R4 fb    A C         Time A C; Support A; Peer support C             Support: Time instead
R5 fb    A           Culture A                                        —
R1 sg    A B C       Time A B (C read it: nothing applies)           —
R3 sg    A           Culture A                                        —
=======  ==========  ==============================================  ==========================

Round 1: the feedback answers, coders A B C. Round 2: the suggestions answers, coders A B.

Before the decisions the layer is: R1 Time agreed; R2 Culture agreed; R3 Time agreed (C's
Privacy is ignored: no done mark); R4 Time agreed; R5 Culture single; R3 sg Culture single.
Unresolved: R1 Support (1 of 3), R2 Privacy (1 of 3), R4 Support (1 of 2), R4 Peer
support (1 of 2), R1 sg Time (2 of 3; without the round restriction C counts) — 5.

After them: R2 Culture is gone (a decision beats agreement), R2 Privacy decided, R4 Time
once, decided (instead of Support; it was also agreed), R4 Support out; 3 unresolved.
"""

from __future__ import annotations

import pytest

from post_coder.coding import codebook
from post_coder.coding.coders import add_coder
from post_coder.coding.codings import apply_code
from post_coder.coding.done import mark_done, unmark_done
from post_coder.project import Project
from post_coder.queries import find_question
from post_coder.store.scope import ReadScope
from post_coder.team import review
from post_coder.team.agreement_report import AgreementHidden
from post_coder.team.package import export_package
from post_coder.team.rounds import create_round
from tests.conftest import dump, response_id

EVERYONE = ReadScope.everyone()


@pytest.fixture
def trio(surveyed):
    p = surveyed
    a, b, c = (add_coder(p, n).new_id for n in ("Ana", "Ben", "Cleo"))
    p.actor = a
    p.ana, p.ben, p.cleo = a, b, c
    code = {n: codebook.add_code(p, n).new_id for n in ("Time", "Support", "Privacy",
                                                          "Culture")}
    code["Peer support"] = codebook.add_code(p, "Peer support", parent=code["Support"]).new_id
    p.code = code
    r = {x: response_id(p, x) for x in ("R1", "R2", "R3", "R4", "R5")}
    r["R1 sg"] = response_id(p, "R1", "suggestions")
    r["R3 sg"] = response_id(p, "R3", "suggestions")
    p.r = r
    create_round(p, "Round 1", [a, b, c], questions=[find_question(p, "feedback")])
    create_round(p, "Round 2", [a, b], questions=[find_question(p, "suggestions")])

    def put(unit, name, *coders):
        for who in coders:
            apply_code(p, r[unit], code[name], who)

    put("R1", "Time", a, c)
    apply_code(p, r["R1"], code["Time"], b, start=0, end=5)
    apply_code(p, r["R1"], code["Time"], b, start=10, end=20)
    put("R1", "Support", a)
    mark_done(p, r["R1"], b)
    put("R2", "Culture", a, b, c)
    put("R2", "Privacy", a)
    put("R3", "Time", a, b)
    put("R3", "Privacy", c)
    unmark_done(p, r["R3"], c)
    put("R4", "Time", a, c)
    put("R4", "Support", a)
    put("R4", "Peer support", c)
    put("R5", "Culture", a)
    put("R1 sg", "Time", a, b)
    mark_done(p, r["R1 sg"], c)
    put("R3 sg", "Culture", a)
    return p


def layer(p, **kw):
    return [(c.respondent, c.question, c.code, c.source)
            for c in review.consensus_codings(p, EVERYONE, **kw)]


def left_out(p, **kw):
    names = {v: k for k, v in p.code.items()}
    units = {v: k for k, v in p.r.items()}
    return [(units[r], names[c]) for r, c in review.unresolved(p, EVERYONE, **kw)]


def _decide(p):
    s = review.open_session(p, EVERYONE, "Round 1", ["Ana", "Ben", "Cleo"]).new_id
    review.decide(p, EVERYONE, s, p.r["R2"], "Culture", applies=False, note="not culture")
    review.decide(p, EVERYONE, s, p.r["R2"], "Privacy", applies=True)
    review.decide(p, EVERYONE, s, p.r["R4"], "Support", other_code="Time", note="about time")
    return s


BEFORE = [("R1", "feedback", "Time", "agreed"),
          ("R2", "feedback", "Culture", "agreed"),
          ("R3", "feedback", "Time", "agreed"),
          ("R3", "suggestions", "Culture", "single"),
          ("R4", "feedback", "Time", "agreed"),
          ("R5", "feedback", "Culture", "single")]


def test_agreed_single_and_unresolved_before_any_decision(trio):
    p = trio
    # file order: respondent by respondent, each one's answers in question order (R1 sg
    # has no row: unresolved)
    assert layer(p) == BEFORE
    assert left_out(p) == [("R1", "Support"), ("R1 sg", "Time"), ("R2", "Privacy"),
                           ("R4", "Peer support"), ("R4", "Support")]
    assert review.unresolved_count(p, EVERYONE) == 5
    assert review.unresolved_count(p, EVERYONE, codes=["Support"]) == 2
    # nothing was decided: every decision field is empty
    for c in review.consensus_codings(p, EVERYONE):
        assert (c.decided_code, c.decision, c.note, c.decided_by, c.decided_at,
                c.session_id) == (None, None, None, None, None, None)


def test_decisions_win_over_agreement_and_are_never_listed_twice(trio):
    p = trio
    codings = dump(p)["codings"]
    s = _decide(p)
    assert layer(p) == [
        ("R1", "feedback", "Time", "agreed"),
        ("R2", "feedback", "Privacy", "decided"),
        ("R3", "feedback", "Time", "agreed"),
        ("R3", "suggestions", "Culture", "single"),
        ("R4", "feedback", "Time", "decided"),
        ("R5", "feedback", "Culture", "single")]
    [r4] = [c for c in review.consensus_codings(p, EVERYONE) if c.respondent == "R4"]
    assert (r4.code, r4.decided_code, r4.decision, r4.note, r4.decided_by, r4.session_id) == (
        "Time", "Support", "other_code", "about time", "Ana", s)
    assert left_out(p) == [("R1", "Support"), ("R1 sg", "Time"), ("R4", "Peer support")]
    # a later session decides that Support applies after all: that replaces "Time
    # instead" (kept in the first session's minutes), and Time is agreed again
    review.close_session(p, EVERYONE, s)
    s = review.open_session(p, EVERYONE, "Round 1", ["Ana"]).new_id
    review.decide(p, EVERYONE, s, p.r["R4"], "Support", applies=True)
    assert [d.decision for d in review.review_minutes(p, "Round 1")][-2:] == [
        "another code applies instead", "applies"]
    assert [x for x in layer(p) if x[0] == "R4"] == [
        ("R4", "feedback", "Support", "decided"), ("R4", "feedback", "Time", "agreed")]
    # a decision that Time does not apply on R4 removes the agreed code
    review.decide(p, EVERYONE, s, p.r["R4"], "Time", applies=False)
    assert [x for x in layer(p) if x[0] == "R4"] == [("R4", "feedback", "Support", "decided")]
    # nobody's codings changed
    assert dump(p)["codings"] == codings


def test_round_restriction_takes_the_rounds_responses_and_coders(trio):
    p = trio
    _decide(p)
    assert layer(p, round="Round 1") == [
        ("R1", "feedback", "Time", "agreed"),
        ("R2", "feedback", "Privacy", "decided"),
        ("R3", "feedback", "Time", "agreed"),
        ("R4", "feedback", "Time", "decided"),
        ("R5", "feedback", "Culture", "single")]
    assert left_out(p, round="Round 1") == [("R1", "Support"), ("R4", "Peer support")]
    assert review.unresolved_count(p, EVERYONE, "Round 1") == 2
    assert review.unresolved_count(p, EVERYONE) == 3  # R1 sg Time too: Cleo counts here
    # Round 2's coders are Ana and Ben: Cleo's done mark on R1 sg does not count there
    assert layer(p, round="Round 2") == [
        ("R1", "suggestions", "Time", "agreed"), ("R3", "suggestions", "Culture", "single")]
    assert left_out(p, round="Round 2") == []
    assert review.unresolved_count(p, EVERYONE, "Round 2") == 0
    # filters
    assert layer(p, codes=["Culture"]) == [("R3", "suggestions", "Culture", "single"),
                                           ("R5", "feedback", "Culture", "single")]
    assert left_out(p, codes=["Peer support"], questions=[find_question(p, "feedback")]) == [
        ("R4", "Peer support")]
    assert layer(p, questions=[find_question(p, "suggestions")]) == [
        ("R3", "suggestions", "Culture", "single")]


def test_a_coding_without_its_coders_done_mark_is_ignored(trio):
    p = trio
    assert ("R3", "feedback", "Time", "agreed") in layer(p)
    assert not [x for x in layer(p) if x[2] == "Privacy"]
    # Cleo marks R3 done again: her Privacy now counts, and Time is no longer unanimous
    mark_done(p, p.r["R3"], p.cleo)
    assert not [x for x in layer(p) if x[0] == "R3" and x[1] == "feedback"]
    assert [x for x in left_out(p) if x[0] == "R3"] == [("R3", "Privacy"), ("R3", "Time")]
    # a single coder's code leaves when a second coder reads the response without it
    assert ("R5", "feedback", "Culture", "single") in layer(p)
    mark_done(p, p.r["R5"], p.ben)
    assert ("R5", "Culture") in left_out(p)
    assert not [x for x in layer(p) if x[0] == "R5"]


def test_the_layer_is_refused_where_not_everyones_codings_are_seen(trio, tmp_path):
    p = trio
    blind = ReadScope(p.ben, (p.ben,))
    with pytest.raises(AgreementHidden, match="consensus layer is made from everyone's"):
        review.consensus_codings(p, blind)
    with pytest.raises(AgreementHidden, match="during an open blind round"):
        review.unresolved(p, blind)
    with pytest.raises(TypeError, match="needs a ReadScope"):
        review.consensus_codings(p, "Round 1")
    path = export_package(p, p.ben, tmp_path / "ben").path
    with Project.open(path) as package:
        with pytest.raises(AgreementHidden, match="Ben's coder package"):
            review.consensus_codings(package, EVERYONE)


def test_unresolved_note():
    assert review.unresolved_note(0) == ""
    assert review.unresolved_note(1) == "1 disagreement not yet resolved is left out"
    assert review.unresolved_note(12) == "12 disagreements not yet resolved are left out"


def test_theme_tables_count_agreed_and_single_coded_answers(trio):
    from post_coder.export.themes import ThemeSpec, count_themes, theme_table

    p = trio
    _decide(p)
    themes = count_themes(p, EVERYONE, ThemeSpec(questions=["feedback"], quotes=0))
    # feedback: Time R1 (agreed), R3 (agreed), R4 (decided); Privacy R2 (decided); Culture
    # R5 (Ana alone); Support and Peer support: R1 and R4 disputed, nobody decided
    assert {r.name: r.n for r in themes.rows} == {
        "Time": 3, "Support": 0, "Peer support": 0, "Privacy": 1, "Culture": 1}
    assert themes.denominator == 5
    note = theme_table(p, EVERYONE, themes.spec, themes=themes).notes[0]
    assert note.endswith("applied). 2 disagreements not yet resolved are left out.")


def test_an_all_zero_consensus_matrix_says_why(surveyed, tmp_path):
    from click.testing import CliRunner

    from post_coder.cli import main

    p = surveyed
    ana, ben = (add_coder(p, n).new_id for n in ("Ana", "Ben"))
    time = codebook.add_code(p, "Time").new_id
    apply_code(p, response_id(p, "R1"), time, ana)
    mark_done(p, response_id(p, "R1"), ben)   # Ben read it and did not apply Time
    path = p.path
    p.close()
    res = CliRunner().invoke(main, ["export", "matrix", str(path), "--out",
                                    str(tmp_path / "m.csv")], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert res.stdout.strip().endswith("; 1 disagreement not yet resolved is left out).")
    assert res.stderr.strip() == (
        "No response has a code from this source yet: every code column is 0. The consensus "
        "layer holds review decisions and the codes the coders agree on; --source union "
        "gives every coder's codings.")
    listing = CliRunner().invoke(main, ["codings", str(path), "--layer", "consensus"],
                                 catch_exceptions=False)
    assert listing.stdout.splitlines() == [
        "0 consensus codings (0 decided, 0 agreed, 0 single); 1 disagreement not yet "
        "resolved left out"]
