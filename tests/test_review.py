"""Discrepancy review: sessions, decisions, the consensus layer, minutes.

Uses the three-coder round of ``test_agreement_report`` (its disagreements, by hand: R1
feedback Support (Ana) and Peer support (Ben), R2 feedback Time (Cleo only), R4 feedback
Time (Ana, not Cleo))."""

from __future__ import annotations

import csv

import pytest

from post_coder.coding import codebook
from post_coder.errors import ConflictError, InputError, NotFoundError
from post_coder.export.minutes import write_minutes
from post_coder.project import Project
from post_coder.store import audit
from post_coder.store.scope import ReadScope
from post_coder.team import review
from post_coder.team.agreement_report import AgreementHidden, agreement_report, disagreements
from post_coder.team.package import export_package
from post_coder.team.rounds import read_scope
from tests.conftest import dump
from tests.test_agreement_report import team  # noqa: F401 - the fixture

EVERYONE = ReadScope.everyone()


def _report(p):
    d = agreement_report(p, EVERYONE, round="Round 1", resamples=0,
                         store_report=False).as_dict()
    d.pop("computed_at")
    return d


def _consensus(p, **kw):
    """The part of the consensus layer the decisions make (source "decided"); the rest
    (codes the coders agree on) is tested in test_consensus.py."""
    return [(c.respondent, c.question, c.code, c.decided_code, c.decision, c.note)
            for c in review.consensus_codings(p, EVERYONE, **kw) if c.source == "decided"]


def _open(p, *people):
    return review.open_session(p, EVERYONE, "Round 1", people or ("Ana", "Ben", "Cleo")).new_id


def test_decisions_form_the_consensus_layer_and_leave_the_codings_alone(team):
    p = team
    before = _report(p)
    codings_before = dump(p)["codings"]
    s = _open(p)
    assert str(review.progress(p, EVERYONE, s)) == "0 of 4 resolved"
    review.decide(p, EVERYONE, s, p.r["R2"], "Time", applies=False,
                  note="no mention of time")
    review.decide(p, EVERYONE, s, p.r["R4"], "Time", applies=True)
    review.decide(p, EVERYONE, s, p.r["R1"], "Support", other_code="Peer support",
                  note="peer, not general")
    assert _consensus(p) == [
        ("R1", "feedback", "Peer support", "Support", "other_code", "peer, not general"),
        ("R4", "feedback", "Time", "Time", "applies", "")]
    assert _consensus(p, codes=["Time"]) == [("R4", "feedback", "Time", "Time", "applies", "")]
    assert _consensus(p, round="Round 1") == _consensus(p)
    # the whole layer (see the fixture's table): the decisions, and where nothing was
    # decided the codes every done coder applied (R5: Ana alone); R1 Support is out (a
    # decision put Peer support instead), R2 Time too (does not apply)
    assert [(c.respondent, c.question, c.code, c.source)
            for c in review.consensus_codings(p, EVERYONE)] == [
        ("R1", "feedback", "Culture", "agreed"), ("R1", "feedback", "Peer support", "decided"),
        ("R1", "feedback", "Time", "agreed"), ("R1", "suggestions", "Culture", "agreed"),
        ("R1", "suggestions", "Time", "agreed"), ("R2", "feedback", "Culture", "agreed"),
        ("R3", "feedback", "Culture", "agreed"), ("R3", "feedback", "Time", "agreed"),
        ("R4", "feedback", "Culture", "agreed"), ("R4", "feedback", "Time", "decided"),
        ("R5", "feedback", "Culture", "single"), ("R5", "feedback", "Time", "single")]
    # R1 Peer support is still open in the registry (nobody decided about it), but the
    # decision "Peer support instead of Support" already puts it in the layer: nothing
    # is left out
    assert review.unresolved(p, EVERYONE) == []
    # agreement and every coder's codings exactly as they were
    assert _report(p) == before
    assert dump(p)["codings"] == codings_before
    prog = review.progress(p, EVERYONE, s)
    assert (prog.resolved, prog.total, prog.open, str(prog)) == (3, 4, 1, "3 of 4 resolved")
    still = disagreements(p, EVERYONE, round="Round 1", status="open")
    assert [(d.respondent, d.code, d.status) for d in still.rows] == [
        ("R1", "Peer support", "open")]
    assert still.counts == {"Time": 0, "Support": 0, "Peer support": 1, "Privacy": 0,
                            "Culture": 0}
    done = disagreements(p, EVERYONE, round="Round 1", status="resolved")
    assert sorted((d.respondent, d.code) for d in done.rows) == [
        ("R1", "Support"), ("R2", "Time"), ("R4", "Time")]
    assert {d.status for d in done.rows} == {"resolved"}
    nxt = review.next_open(p, EVERYONE, s)
    assert (nxt.response_id, nxt.code) == (p.r["R1"], "Peer support")
    # deciding again replaces: R4 Time does not apply after all
    review.decide(p, EVERYONE, s, p.r["R4"], "Time", applies=False, note="on second look")
    assert [c[2] for c in _consensus(p)] == ["Peer support"]
    review.decide(p, EVERYONE, s, p.r["R1"], "Peer support", applies=True)
    assert review.next_open(p, EVERYONE, s) is None
    assert str(review.progress(p, EVERYONE, s)) == "4 of 4 resolved"


def test_next_open_skips_forward_and_wraps(team):
    p = team
    s = _open(p)
    first = review.next_open(p, EVERYONE, s)
    second = review.next_open(p, EVERYONE, s, after=(first.response_id, first.code_id))
    assert (second.response_id, second.code_id) != (first.response_id, first.code_id)
    last = disagreements(p, EVERYONE, round="Round 1").rows[-1]
    assert (last.respondent, last.code) == ("R4", "Time")
    wrapped = review.next_open(p, EVERYONE, s, after=(last.response_id, last.code_id))
    assert (wrapped.response_id, wrapped.code_id) == (first.response_id, first.code_id)


def test_a_decision_is_one_undo_step(team):
    p = team
    s = _open(p)
    review.decide(p, EVERYONE, s, p.r["R4"], "Time", applies=True, note="clear")
    assert p.undo_label() == "Review decision"
    assert len(_consensus(p)) == 1
    p.undo()
    assert _consensus(p) == []
    assert [d.status for d in disagreements(p, EVERYONE, round="Round 1").rows] == ["open"] * 4
    p.redo()
    assert _consensus(p) == [("R4", "feedback", "Time", "Time", "applies", "clear")]
    # a changed decision undoes to the earlier one
    review.decide(p, EVERYONE, s, p.r["R4"], "Time", applies=False)
    assert _consensus(p) == []
    p.undo()
    assert _consensus(p) == [("R4", "feedback", "Time", "Time", "applies", "clear")]


def test_pause_and_resume_another_day(team):
    p = team
    path = p.path
    s = _open(p, "Ana", "Ben", " ana ")
    review.decide(p, EVERYONE, s, p.r["R2"], "Time", applies=False)
    review.pause_session(p, EVERYONE, s)
    with pytest.raises(ConflictError, match="already has a review session that is paused"):
        _open(p)
    p.close()
    with Project.open(path) as q:
        cur = review.current_session(q, "Round 1")
        assert (cur.id, cur.status, cur.participants) == (s, "paused", ("Ana", "Ben"))
        with pytest.raises(ConflictError, match="resume it first"):
            review.decide(q, EVERYONE, s, q_r4(q), "Time", applies=True)
        review.resume_session(q, EVERYONE, s, participants=["Ana", "Ben", "Cleo"])
        review.decide(q, EVERYONE, s, q_r4(q), "Time", applies=True)
        assert str(review.progress(q, EVERYONE, s)) == "2 of 4 resolved"
        review.close_session(q, EVERYONE, s)
        assert review.current_session(q, "Round 1") is None
        with pytest.raises(ConflictError, match="closed; open a new one"):
            review.decide(q, EVERYONE, s, q_r4(q), "Time", applies=False)
        with pytest.raises(ConflictError, match="cannot be resumed"):
            review.resume_session(q, EVERYONE, s)
        # a second session of the round; earlier decisions still count
        s2 = review.open_session(q, EVERYONE, "Round 1", ["Ana"]).new_id
        assert str(review.progress(q, EVERYONE, s2)) == "2 of 4 resolved"
        assert [x.status for x in review.list_sessions(q, "Round 1")] == ["closed", "open"]
        # the latest decision about a response x code wins across sessions
        assert [c[2] for c in _consensus(q)] == ["Time"]
        review.decide(q, EVERYONE, s2, q_r4(q), "Time", applies=False, note="after all")
        assert _consensus(q) == []
        assert [r.decision for r in review.review_minutes(q, "Round 1")] == [
            "does not apply", "applies", "does not apply"]


def q_r4(q):
    from tests.conftest import response_id
    return response_id(q, "R4")


def test_redefine_the_code_in_the_same_step(team):
    p = team
    s = _open(p)
    before = dump(p)
    with pytest.raises(InputError, match="rationale"):
        review.decide(p, EVERYONE, s, p.r["R2"], "Time", applies=True,
                      redefine={"definition": "Mentions shifts"})
    with pytest.raises(InputError, match="no field colour"):
        review.decide(p, EVERYONE, s, p.r["R2"], "Time", applies=True,
                      redefine={"colour": "red"}, rationale="x")
    assert dump(p) == before
    review.decide(p, EVERYONE, s, p.r["R2"], "Time", applies=True, note="shifts count",
                  redefine={"definition": "Mentions time, shifts or schedules"},
                  rationale="R2 talks of shifts")
    assert codebook.find_code(p, "Time").definition == "Mentions time, shifts or schedules"
    [entry] = [e for e in audit.entries(p.db, entity="code") if e.action == "redefine"]
    assert entry.rationale == "R2 talks of shifts" and entry.step_label == "Review decision"
    [row] = review.review_minutes(p, "Round 1")
    assert (row.rationale, row.definition_change, row.note) == (
        "R2 talks of shifts", "definition: Mentions time, shifts or schedules", "shifts count")
    p.undo()  # both at once
    assert codebook.find_code(p, "Time").definition == ""
    assert review.review_minutes(p, "Round 1") == []


def test_bad_decisions_are_refused_plainly(team):
    p = team
    s = _open(p)
    with pytest.raises(InputError, match="one of them"):
        review.decide(p, EVERYONE, s, p.r["R2"], "Time")
    with pytest.raises(InputError, match="one of them"):
        review.decide(p, EVERYONE, s, p.r["R2"], "Time", applies=True, other_code="Support")
    with pytest.raises(InputError, match="instead of itself"):
        review.decide(p, EVERYONE, s, p.r["R2"], "Time", other_code="time")
    with pytest.raises(NotFoundError, match='no code called "Tyme"'):
        review.decide(p, EVERYONE, s, p.r["R2"], "Tyme", applies=True)
    from tests.conftest import response_id
    with pytest.raises(NotFoundError, match="not in the session's round"):
        # a round of feedback only: the suggestions answer is not in it
        from post_coder.team.rounds import create_round
        from post_coder.queries import find_question
        create_round(p, "Round 2", [p.ana, p.ben], questions=[find_question(p, "feedback")])
        s2 = review.open_session(p, EVERYONE, "Round 2").new_id
        review.decide(p, EVERYONE, s2, response_id(p, "R1", "suggestions"), "Time",
                      applies=True)
    with pytest.raises(NotFoundError, match="review session does not exist"):
        review.decide(p, EVERYONE, "nope", p.r["R2"], "Time", applies=True)


def test_review_is_refused_in_a_blind_scope_and_a_coder_package(team, tmp_path):
    p = team
    ben = read_scope(p, p.ben)
    assert ben.blind
    with pytest.raises(AgreementHidden, match="only the lead's project shows it"):
        review.open_session(p, ben, "Round 1", ["Ben"])
    s = _open(p)
    with pytest.raises(AgreementHidden):
        review.decide(p, ben, s, p.r["R2"], "Time", applies=True)
    with pytest.raises(AgreementHidden):
        review.next_open(p, ben, s)
    path = export_package(p, p.ben, tmp_path / "ben").path
    with Project.open(path) as package:
        with pytest.raises(AgreementHidden, match="Ben's coder package"):
            review.open_session(package, EVERYONE, "Round 1")


def test_minutes_csv_and_docx_read_back(team, tmp_path):
    p = team
    p.actor = p.ana
    s = _open(p, "Ana", "Ben", "Cleo")
    review.decide(p, EVERYONE, s, p.r["R2"], "Time", applies=False, note='no "time", 100%')
    review.decide(p, EVERYONE, s, p.r["R1"], "Support", other_code="Peer support",
                  note="peer, not general")
    opened = review.list_sessions(p, "Round 1")[0].opened_at
    rows = review.review_minutes(p, "Round 1")
    session = f"{opened[:10]} {opened[11:16]} UTC"
    expected = [
        [session, rows[0].decided_at, "R2", "feedback", "Time", "does not apply", "",
         'no "time", 100%', "", "", "Ana", "Ana, Ben, Cleo"],
        [session, rows[1].decided_at, "R1", "feedback", "Support",
         "another code applies instead", "Peer support", "peer, not general", "", "", "Ana",
         "Ana, Ben, Cleo"]]
    assert [r.values() for r in rows] == expected
    assert rows[0].decided_at.endswith(" UTC") and len(rows[0].decided_at) == 20
    header = ["Session", "Decided at", "Respondent", "Question", "Code", "Decision",
              "Instead", "Note", "Rationale", "Definition change", "Decided by",
              "Participants"]
    out = tmp_path / "minutes.csv"
    assert write_minutes(p, EVERYONE, "Round 1", out) == 2
    with open(out, encoding="utf-8-sig", newline="") as fh:
        assert list(csv.reader(fh)) == [header, *expected]
    assert [f.name for f in tmp_path.iterdir() if "partial" in f.name] == []

    import docx
    path = tmp_path / "minutes.docx"
    assert write_minutes(p, EVERYONE, "Round 1", path) == 2
    doc = docx.Document(str(path))
    [table] = doc.tables
    got = [[c.text for c in row.cells] for row in table.rows]
    assert got[0] == header
    assert got[1:] == expected
    assert table.rows[0].cells[0].paragraphs[0].runs[0].bold
    assert 'w:tblHeader' in table.rows[0]._tr.xml
    captions = [x.text for x in doc.paragraphs if x.style.name == "Caption"]
    assert captions == ["Table 1. Decisions of the discrepancy-review sessions of Round 1 "
                        "(2 decisions)."]
    # twelve columns: the table has a landscape page
    assert doc.sections[-1].page_width > doc.sections[-1].page_height
    with pytest.raises(InputError, match='m.txt: write docx, xlsx, csv, md, tex or html, not ".txt"'):
        write_minutes(p, EVERYONE, "Round 1", tmp_path / "m.txt")
    # review needs everyone's codings, and so do its minutes
    with pytest.raises(AgreementHidden):
        write_minutes(p, ReadScope(p.ben, (p.ben,)), "Round 1", tmp_path / "m.csv")
    assert not (tmp_path / "m.csv").exists()


# -- the command line -------------------------------------------------------------------------

def test_review_commands(team, tmp_path):
    import json

    from tests.test_cli import run

    p = team
    path = p.path
    p.close()
    base = ["--round", "Round 1"]
    fb = ["--question", "feedback"]
    no_session = run("review", "decide", path, *base, "--respondent", "R2", *fb, "--code",
                     "Time", "--applies", ok=False)
    assert no_session.exit_code == 1 and "has no open review session" in no_session.stderr
    # a coder in the open blind round sees only their codings: review is refused
    blind = run("review", "open", path, *base, "--as", "Ben", ok=False)
    assert blind.exit_code == 1 and "only the lead's project shows it" in blind.stderr
    out = run("review", "open", path, *base, "--participant", "Ana", "--participant", "Ben",
              "--as", "Lead").stdout
    assert out.strip() == 'Opened a review session for round "Round 1": 0 of 4 resolved (4 open).'
    out = run("review", "decide", path, *base, "--respondent", "R4", *fb, "--code", "Time",
              "--applies", "--note", "clearly about time", "--as", "Lead").stdout
    assert out.strip() == 'Decided: "Time" applies (R4, feedback). 1 of 4 resolved.'
    out = run("review", "decide", path, *base, "--respondent", "R1", *fb, "--code", "Support",
              "--instead", "Peer support", "--as", "Lead").stdout
    assert '"Peer support" applies instead of "Support"' in out and "2 of 4" in out
    both = run("review", "decide", path, *base, "--respondent", "R1", *fb, "--code", "Time",
               "--applies", "--instead", "Support", ok=False)
    assert both.exit_code == 2 and "exactly one of" in both.output + both.stderr
    nobody = run("review", "decide", path, *base, "--respondent", "R9", *fb, "--code", "Time",
                 "--applies", "--as", "Lead", ok=False)
    assert nobody.exit_code == 1 and 'respondent "R9" has no answer to "feedback"' in \
        nobody.stderr
    status = json.loads(run("review", "status", path, *base, "--json").stdout)
    assert status["progress"] == {"resolved": 2, "total": 4, "open": 2,
                                  "text": "2 of 4 resolved"}
    assert [(d["respondent"], d["code"]) for d in status["open"]] == [
        ("R1", "Peer support"), ("R2", "Time")]
    assert status["sessions"][0]["participants"] == ["Ana", "Ben"]
    text = run("review", "status", path, *base).stdout.splitlines()
    assert text[0] == 'Round "Round 1": 2 of 4 resolved; review session: open.'
    assert text[2] == "R2\tfeedback\tTime\tapplied by Cleo; not by Ana, Ben"
    assert run("review", "pause", path, *base).stdout.strip() == \
        'Paused the review session of round "Round 1".'
    assert "review session: paused" in run("review", "status", path, *base).stdout
    run("review", "resume", path, *base)
    layer = json.loads(run("codings", path, "--layer", "consensus", "--json").stdout)
    assert [(c["respondent"], c["code"], c["decided_code"], c["decision"], c["decided_by"])
            for c in layer if c["source"] == "decided"] == [
        ("R1", "Peer support", "Support", "other_code", "Lead"),
        ("R4", "Time", "Time", "applies", "Lead")]
    # the rest: 8 agreed, 2 single (R5, Ana alone), as in the first test above
    assert [c["source"] for c in layer].count("agreed") == 8 and len(layer) == 12
    assert [c for c in layer if c["respondent"] == "R5"][0] == {
        "response_id": p.r["R5"], "respondent": "R5", "question": "feedback",
        "code": "Culture", "source": "single", "decided_code": None, "decision": None,
        "note": None, "decided_by": None, "decided_at": None, "session_id": None}
    lines = run("codings", path, "--layer", "consensus", "--code", "Time").stdout.splitlines()
    assert lines[:3] == ["R1\tfeedback\tTime\tagreed", "R1\tsuggestions\tTime\tagreed",
                         "R3\tfeedback\tTime\tagreed"]
    assert lines[3].startswith("R4\tfeedback\tTime\tdecided\tLead\t") and \
        lines[3].endswith("\tclearly about time")
    assert lines[4:] == ["R5\tfeedback\tTime\tsingle",
                         "5 consensus codings (1 decided, 3 agreed, 1 single); "
                         "1 disagreement not yet resolved left out"]  # R2: Cleo alone
    refused = run("codings", path, "--layer", "consensus", "--coder", "Ana", ok=False)
    assert refused.exit_code == 2 and "leave out --coder" in refused.output + refused.stderr
    # the coders' layer is untouched: Ana's Support coding on R1 is still there
    assert "R1\tfeedback\tSupport\tAna" in run("codings", path, "--code", "Support").stdout
    out = run("review", "minutes", path, *base, "--out", tmp_path / "m.csv").stdout
    assert out.strip() == "Wrote 2 decisions to m.csv."
    with open(tmp_path / "m.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["Respondent"], r["Code"], r["Decision"], r["Instead"], r["Note"],
             r["Participants"]) for r in rows] == [
        ("R4", "Time", "applies", "", "clearly about time", "Ana, Ben"),
        ("R1", "Support", "another code applies instead", "Peer support", "", "Ana, Ben")]
    run("review", "minutes", path, *base, "--out", tmp_path / "m.docx")
    import docx
    cells = [[c.text for c in row.cells] for row in docx.Document(str(tmp_path / "m.docx"))
             .tables[0].rows]
    assert [r[2] for r in cells] == ["Respondent", "R4", "R1"]
    run("review", "minutes", path, *base, "--out", tmp_path / "m.out", "--format", "md")
    assert (tmp_path / "m.out").read_text(encoding="utf-8").startswith(
        "# Discrepancy review minutes: Round 1\n\n**Table 1.** Decisions of the")
    assert run("review", "close", path, *base).stdout.strip() == \
        'Closed the review session of round "Round 1".'


def test_a_blind_package_carries_no_decision_on_its_hidden_responses(team, tmp_path):
    """Round 1 reviewed and closed; Round 2 (blind) takes the same feedback answers again:
    Ben's package must not tell him what the team decided on them."""
    from post_coder.queries import find_question
    from post_coder.team.rounds import close_round, create_round

    p = team
    s = _open(p)
    review.decide(p, EVERYONE, s, p.r["R4"], "Time", applies=True, note="secret-note-4")
    review.decide(p, EVERYONE, s, p.r["R1 sg"], "Time", applies=False)  # not in Round 2
    review.close_session(p, EVERYONE, s)
    close_round(p, p.round)
    create_round(p, "Round 2", [p.ana, p.ben], questions=[find_question(p, "feedback")])
    path = export_package(p, p.ben, tmp_path / "ben").path
    with Project.open(path) as package:
        left = package.db.execute("SELECT response_id FROM review_decisions").fetchall()
        assert left == [(p.r["R1 sg"],)]
        with pytest.raises(AgreementHidden, match="Ben's coder package"):
            review.consensus_codings(package, EVERYONE)
        decided = [e for e in audit.entries(package.db, entity="review_decision")]
        assert [e.entity_id for e in decided] != [] and all(
            "secret-note-4" not in f"{e.before} {e.after} {e.rationale}" for e in decided)
    assert b"secret-note-4" not in path.read_bytes()
