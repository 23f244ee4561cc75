"""Agreement from a project: the per-code report over done responses, its filters, the
read scope, stored reports, disagreements, and the published binary reference values
reproduced through a project.

The expected values are worked out by hand below (fractions), not by the statistics code.
"""

from __future__ import annotations

import json

import pytest

from post_coder.coding import codebook
from post_coder.coding.agreement import NO_VARIATION
from post_coder.team.agreement_report import (AgreementHidden, agreement_by_attribute,
                                                agreement_report, convergence, disagreements,
                                                stored_reports)
from post_coder.coding.coders import add_coder
from post_coder.coding.codings import apply_code
from post_coder.coding.done import mark_done, unmark_done
from post_coder.team.package import export_package
from post_coder.team.rounds import close_round, create_round, read_scope
from post_coder.errors import InputError, NotFoundError
from post_coder.importing import import_survey, inspect_file
from post_coder.project import Project
from post_coder.queries import find_question
from post_coder.store.scope import ReadScope
from tests.conftest import response_id

EVERYONE = ReadScope.everyone()
APPROX = dict(abs=1e-12)


@pytest.fixture
def team(surveyed):
    """Three coders on a blind round of all 8 responses (R6 has none to feedback, R2, R4
    and R6 none to suggestions). Who marked what done, and Time (1 applied, 0 done without
    it, - not done):

    =======  ===  ===  ====
    unit     Ana  Ben  Cleo
    =======  ===  ===  ====
    R1 fb    1    1    1
    R2 fb    0    0    1 (span 0-7)
    R3 fb    1    1    -  (Cleo coded it, then took her done mark back)
    R4 fb    1    -    0
    R5 fb    1    -    -  (one coder only: not a unit)
    R1 sg    1    1    1
    =======  ===  ===  ====

    Support: Ana on R1 fb; its sub-code Peer support: Ben on R1 fb. Culture: everyone on
    every unit they did. Privacy: nobody.
    """
    p = surveyed
    p.ana, p.ben, p.cleo = (add_coder(p, n).new_id for n in ("Ana", "Ben", "Cleo"))
    p.actor = p.ana
    p.round = create_round(p, "Round 1", [p.ana, p.ben, p.cleo]).new_id
    code = {n: codebook.add_code(p, n).new_id for n in ("Time", "Support", "Privacy",
                                                          "Culture")}
    code["Peer support"] = codebook.add_code(p, "Peer support", parent=code["Support"]).new_id
    p.code = code
    r = {x: response_id(p, x) for x in ("R1", "R2", "R3", "R4", "R5")}
    r["R1 sg"] = response_id(p, "R1", "suggestions")
    p.r = r
    done = {"R1": "ABC", "R2": "ABC", "R3": "AB", "R4": "AC", "R5": "A", "R1 sg": "ABC"}
    who = {"A": p.ana, "B": p.ben, "C": p.cleo}
    time = {"R1": "ABC", "R2": "C", "R3": "AB", "R4": "A", "R5": "A", "R1 sg": "ABC"}
    for unit, coders in done.items():
        for c in coders:
            mark_done(p, r[unit], who[c])
            apply_code(p, r[unit], code["Culture"], who[c])
    for unit, coders in time.items():
        for c in coders:
            if (unit, c) == ("R2", "C"):
                apply_code(p, r[unit], code["Time"], who[c], start=0, end=7)
            else:
                apply_code(p, r[unit], code["Time"], who[c])
    apply_code(p, r["R3"], code["Time"], p.cleo)
    unmark_done(p, r["R3"], p.cleo)
    apply_code(p, r["R1"], code["Support"], p.ana)
    apply_code(p, r["R1"], code["Peer support"], p.ben)
    return p


def _report(p, **kw):
    kw.setdefault("resamples", 0)
    kw.setdefault("store_report", False)
    return agreement_report(p, EVERYONE, round="Round 1", **kw)


def test_time_by_hand(team):
    rep = _report(team)
    assert rep.coders == ("Ana", "Ben", "Cleo") and rep.units == 5
    t = rep.code("Time")
    assert t["units"] == 5
    # pairable values n = 13, n1 = 10, n0 = 3; 0-1 coincidences 1 (R2) + 1 (R4):
    # alpha = 1 - (n - 1) * 2 / (n0 * n1) = 1 - 24/30
    assert t["krippendorff_alpha"] == pytest.approx(0.2, **APPROX)
    # share of agreeing pairs per unit: 1, 1/3, 1, 0, 1
    assert t["percent_agreement"] == pytest.approx(2 / 3, **APPROX)
    # pi = mean share of 1s per unit = 23/30; pe = 578/900
    assert t["fleiss_kappa"] == pytest.approx(11 / 161, **APPROX)
    assert t["scott_pi"] == pytest.approx(11 / 161, **APPROX)
    assert t["gwet_ac1"] == pytest.approx(139 / 289, **APPROX)
    assert t["brennan_prediger"] == pytest.approx(1 / 3, **APPROX)
    assert t["conger_kappa"] == pytest.approx(3 / 43, **APPROX)
    # each coder's share of 1s over the units they did: 4/5, 3/4, 3/4
    assert t["prevalence"] == pytest.approx({"Ana": 0.8, "Ben": 0.75, "Cleo": 0.75}, **APPROX)
    assert t["pairs"] == pytest.approx({"Ana / Ben": 1.0, "Ana / Cleo": -3 / 7,
                                        "Ben / Cleo": 1 / 9}, **APPROX)
    assert t["cohen_kappa"] is None and "exactly two coders" in t["notes"]["cohen_kappa"]
    assert t["flag"] == "low" and t["alpha_ci"] is None


def test_a_code_nobody_used_and_a_code_everyone_always_used(team):
    rep = _report(team)
    for name in ("Privacy", "Culture"):
        c = rep.code(name)
        assert c["krippendorff_alpha"] is None and c["fleiss_kappa"] is None
        assert c["notes"]["krippendorff_alpha"] == NO_VARIATION
        assert c["percent_agreement"] == 1.0 and c["brennan_prediger"] == 1.0
        assert c["flag"] is None and c["units"] == 5
        assert all(v is None for v in c["pairs"].values())
    assert rep.code("Privacy")["prevalence"] == {"Ana": 0.0, "Ben": 0.0, "Cleo": 0.0}


def test_overall_pooled_and_mean(team):
    rep = _report(team, codes=["Time", "Privacy"])
    # stacked: N0 = 3 + 13, N1 = 10, cross = 2: 1 - 25 * 2 / (16 * 10)
    assert rep.overall["pooled_alpha"] == pytest.approx(0.6875, **APPROX)
    assert rep.overall["mean_alpha"] == pytest.approx(0.2, **APPROX)
    assert rep.overall["codes_with_alpha"] == 1 and [c["code"] for c in rep.codes] == [
        "Time", "Privacy"]


def test_thresholds_are_configurable(team):
    assert _report(team, codes=["Time"], thresholds=(0.1, 0.5)).code("Time")["flag"] \
        == "tentative"
    assert _report(team, codes=["Time"], thresholds=(0.1, 0.19)).code("Time")["flag"] is None
    with pytest.raises(InputError, match="thresholds"):
        _report(team, thresholds=(0.9, 0.5))


def test_sub_codes_count_for_the_parent_only_when_rolled_up(team):
    plain = _report(team).code("Support")
    rolled = _report(team, roll_up=True).code("Support")
    assert plain["prevalence"]["Ben"] == 0.0
    assert rolled["prevalence"]["Ben"] == pytest.approx(0.25, **APPROX)  # 1 of his 4 units


def test_filters_question_attribute_coders_round(team):
    p = team
    fb = _report(p, questions=[find_question(p, "feedback")], codes=["Time"])
    # R1-R4 fb: n = 10, n1 = 7, n0 = 3, cross = 2: 1 - 9 * 2 / 21
    assert fb.units == 4 and fb.code("Time")["krippendorff_alpha"] == pytest.approx(
        1 / 7, **APPROX)
    assert _report(p, questions=["feedback"], codes=["Time"]).as_dict()["codes"] == \
        fb.as_dict()["codes"]  # by column name
    with pytest.raises(NotFoundError, match='no open-ended question "nope"'):
        _report(p, questions=["nope"])
    em = _report(p, attribute="dept=EM", codes=["Time"])
    # R1 fb, R2 fb, R1 sg: n = 9, n1 = 7, n0 = 2, cross = 1: 1 - 8 / 14
    assert em.units == 3 and em.code("Time")["krippendorff_alpha"] == pytest.approx(
        3 / 7, **APPROX)
    assert em.filters["attribute"] == "dept=EM"
    two = _report(p, coders=["Ana", "Ben"], codes=["Time"])
    t = two.code("Time")
    assert two.units == 4 and t["krippendorff_alpha"] == 1.0 and t["cohen_kappa"] == 1.0
    assert t["cohen_kappa_linear"] == t["cohen_kappa_quadratic"] == 1.0
    assert list(t["pairs"]) == ["Ana / Ben"]
    create_round(p, "Round 2", [p.ana, p.ben, p.cleo],
                 questions=[find_question(p, "suggestions")])
    r2 = agreement_report(p, EVERYONE, round="Round 2", codes=["Time"], resamples=0,
                          store_report=False)
    assert r2.units == 1 and r2.code("Time")["krippendorff_alpha"] is None
    by = agreement_by_attribute(p, EVERYONE, "dept", round="Round 1", codes=["Time"],
                                resamples=0, store_report=False)
    assert by["EM"].units == 3 and by["ICU"].units == 1 and by["OBGYN"].units == 1
    with pytest.raises(NotFoundError, match='no attribute "unit"'):
        _report(p, attribute="unit=ICU")
    with pytest.raises(InputError, match="NAME=VALUE"):
        _report(p, attribute="dept")


def test_a_round_with_one_coder_or_no_shared_responses(team):
    p = team
    create_round(p, "Solo", [p.ana])
    with pytest.raises(InputError, match="at least two coders; the round has fewer"):
        agreement_report(p, EVERYONE, round="Solo")
    rep = _report(p, attribute="dept=Anesthesia", codes=["Time"])  # R6: nobody did it
    assert rep.units == 0 and rep.code("Time")["krippendorff_alpha"] is None
    assert rep.overall["pooled_alpha"] is None and "two or more" in rep.overall["notes"][
        "pooled_alpha"]


def test_bootstrap_interval_is_seeded(team):
    a = _report(team, codes=["Time"], resamples=1000, seed=3).code("Time")["alpha_ci"]
    b = _report(team, codes=["Time"], resamples=1000, seed=3).code("Time")["alpha_ci"]
    assert a == b and a[0] <= 0.2 <= a[1]


def test_mutually_exclusive_group(team):
    rep = _report(team, exclusive_groups={"Time or privacy": ["Time", "Privacy"]})
    [g] = rep.groups
    # nobody applied Privacy: each value is "Time" or "neither", as Time's own alpha
    assert g["codes"] == ["Time", "Privacy"]
    assert g["krippendorff_alpha"] == pytest.approx(0.2, **APPROX)
    with pytest.raises(InputError, match="at least two codes"):
        _report(team, exclusive_groups={"one": ["Time"]})


def test_a_blind_scope_and_a_coder_package_are_refused(team, tmp_path):
    p = team
    ben = read_scope(p, p.ben)
    assert ben.blind
    with pytest.raises(AgreementHidden, match="only the lead's project shows it"):
        agreement_report(p, ben, round="Round 1")
    with pytest.raises(AgreementHidden):
        disagreements(p, ben, round="Round 1")
    path = export_package(p, p.ben, tmp_path / "ben").path
    with Project.open(path) as package:
        with pytest.raises(AgreementHidden, match="Ben's coder package"):
            agreement_report(package, EVERYONE, round="Round 1")
    close_round(p, p.round)
    assert not read_scope(p, p.ben).blind
    assert agreement_report(p, read_scope(p, p.ben), round="Round 1",
                            store_report=False).units == 5


def test_reports_for_a_round_are_stored_outside_the_undo_history(team):
    p = team
    label = p.undo_label()
    rep = agreement_report(p, EVERYONE, round="Round 1", resamples=10)
    part = agreement_report(p, EVERYONE, round="Round 1", codes=["Time"], resamples=0)
    agreement_report(p, EVERYONE, resamples=0)  # no round: not stored
    agreement_report(p, EVERYONE, round="Round 1", store_report=False)
    assert p.undo_label() == label
    stored = stored_reports(p, "Round 1")
    assert [s.id for s in stored] == [rep.id, part.id]
    assert stored[0].report == json.loads(json.dumps(rep.as_dict()))
    assert stored[1].filters["codes"] == ["Time"] and stored[0].filters["codes"] is None
    assert stored_reports(p) == stored
    [row] = convergence(p)  # the latest whole-round report of each round
    assert row["round"] == "Round 1" and row["pooled_alpha"] == rep.overall["pooled_alpha"]
    assert row["codes"]["Time"] == pytest.approx(0.2, **APPROX)
    create_round(p, "Round 2", [p.ana, p.ben], questions=[find_question(p, "feedback")])
    agreement_report(p, EVERYONE, round="Round 2", resamples=0)
    r1, r2 = convergence(p)
    assert (r1["round"], r2["round"]) == ("Round 1", "Round 2") and r1 == row
    # Ana and Ben on R1-R3 fb: Time (1,1), (0,0), (1,1): full agreement
    assert r2["units"] == 3 and r2["codes"]["Time"] == 1.0


def test_a_connection_that_may_not_write_even_temp_tables_gives_the_same_report(team):
    """A read-only project's connection refuses even TEMP tables: the units are then
    recomputed inside each query."""
    p = team
    expected = _report(p).as_dict()
    p.db.execute("PRAGMA query_only = ON")
    try:
        got = _report(p).as_dict()
    finally:
        p.db.execute("PRAGMA query_only = OFF")
    assert {k: v for k, v in got.items() if k != "computed_at"} == {
        k: v for k, v in expected.items() if k != "computed_at"}


def test_disagreements(team):
    p = team
    # Ben codes Privacy on R4 and takes his done mark back: missing there, not a "yes"
    apply_code(p, p.r["R4"], p.code["Privacy"], p.ben)
    unmark_done(p, p.r["R4"], p.ben)
    found = disagreements(p, EVERYONE, round="Round 1")
    assert found.counts == {"Time": 2, "Support": 1, "Peer support": 1, "Privacy": 0,
                            "Culture": 0}
    rows = [(d.respondent, d.question, d.code) for d in found.rows]
    # in file order (then the codebook's order within a response)
    assert sorted(rows[:2]) == [("R1", "feedback", "Peer support"),
                                ("R1", "feedback", "Support")]
    assert rows[2:] == [("R2", "feedback", "Time"), ("R4", "feedback", "Time")]
    r2 = found.rows[2]
    assert r2.applied_by == (("Cleo", ((0, 7),)),) and r2.not_applied_by == ("Ana", "Ben")
    r4 = found.rows[3]
    assert r4.applied_by == (("Ana", (None,)),) and r4.not_applied_by == ("Cleo",)
    assert r4.status == "open" and r4.as_dict()["applied_by"] == [{"coder": "Ana",
                                                                   "spans": [None]}]
    pair = disagreements(p, EVERYONE, round="Round 1", coder_pair=("Ana", "Ben"))
    assert pair.counts["Time"] == 0 and pair.counts["Support"] == 1
    assert [d.code for d in disagreements(p, EVERYONE, round="Round 1",
                                          codes=["Time"]).rows] == ["Time", "Time"]
    assert disagreements(p, EVERYONE, round="Round 1", attribute="dept=OBGYN").counts[
        "Time"] == 1  # R4
    assert disagreements(p, EVERYONE, round="Round 1", status="resolved").rows == ()
    with pytest.raises(InputError, match="two different coders"):
        disagreements(p, EVERYONE, coder_pair=("Ana", "Ana"))


# -- the published binary reference values, through a project ---------------------------------

def _binary_entries(shared_dir):
    entries = json.loads((shared_dir / "reference" / "agreement_published.json").read_text(
        encoding="utf-8"))
    return [e for e in entries if e["data_format"].startswith("units x coders")
            and all(v in (0, 1, None) for row in e["data"] for v in row)
            and e["metric"] in ("krippendorff_alpha", "percent_agreement")]


def test_published_binary_values_through_a_project(shared, tmp_path):
    entries = _binary_entries(shared)
    assert len(entries) >= 6  # the two-coder example and the four multi-code codes
    for n, entry in enumerate(entries):
        data = entry["data"]
        survey = tmp_path / f"ref{n}.csv"
        survey.write_text("id,answer\n" + "".join(f"U{i},answer {i}\n" for i in range(len(data))),
                          encoding="utf-8")
        p = Project.create(tmp_path / f"ref{n}.postcoder")
        import_survey(p, inspect_file(survey).with_mapping(id_column="id",
                                                           open_ended=["answer"]))
        coders = [add_coder(p, f"Coder {g}").new_id for g in range(len(data[0]))]
        code = codebook.add_code(p, "The code").new_id
        for i, row in enumerate(data):
            r = response_id(p, f"U{i}", "answer")
            for g, value in enumerate(row):
                if value == 1:
                    apply_code(p, r, code, coders[g])
                elif value == 0:
                    mark_done(p, r, coders[g])
        rep = agreement_report(p, EVERYONE, resamples=0)
        got = rep.code("The code")[entry["metric"]]
        assert got == pytest.approx(entry["expected"], abs=entry["tolerance"]), entry["name"]
        p.close()
