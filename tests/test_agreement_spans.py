"""Agreement on span codings: the character unit and the segment unit (pure functions and
through a project), the codebook order of the report, and the unit in stored reports.

The expected values are worked out by hand below (fractions), not by the statistics code;
the character unit is also cross-checked against the ``krippendorff`` package run on one row
per character.
"""

from __future__ import annotations

from fractions import Fraction as F

import krippendorff
import numpy as np
import pytest

from post_coder.coding import codebook
from post_coder.coding.agreement import (NO_VARIATION, character_counts,
                                         coefficients, pattern_report, segment_counts,
                                         segment_units)
from post_coder.coding.coders import add_coder
from post_coder.coding.codings import apply_code
from post_coder.coding.done import mark_done, unmark_done
from post_coder.errors import InputError
from post_coder.store.scope import ReadScope
from post_coder.team.agreement_report import agreement_report, convergence, stored_reports
from post_coder.team.rounds import create_round
from tests.conftest import response_id
from tests.test_agreement_report import team  # noqa: F401  (the fixture)

EVERYONE = ReadScope.everyone()
APPROX = dict(abs=1e-12)
# the texts' lengths in characters (R5's feedback has "—" and "é": 80 characters, 83 bytes)
R1_FB, R3_SG, R5_SG, R5_FB = 84, 22, 17, 80


@pytest.fixture
def spans(surveyed):
    """Time coded in spans by three coders in one round of every response:

    =======  ======  =====================  ============  ==========================
    unit     length  Ana                    Ben           Cleo
    =======  ======  =====================  ============  ==========================
    R1 fb    84      4-18 and 50-60         4-20          - (not done)
    R3 sg    22      10-14                  0-14          10-22
    R5 sg    17      whole response         done, none    - (whole, then un-done)
    R5 fb    80      done, none             done, none    done, none
    R1 sg    43      whole (only Ana done: not a unit)
    =======  ======  =====================  ============  ==========================

    Privacy: nobody, anywhere.
    """
    p = surveyed
    p.ana, p.ben, p.cleo = (add_coder(p, n).new_id for n in ("Ana", "Ben", "Cleo"))
    p.actor = p.ana
    create_round(p, "Round 1", [p.ana, p.ben, p.cleo])
    time = codebook.add_code(p, "Time").new_id
    codebook.add_code(p, "Privacy")
    r = {x: response_id(p, x) for x in ("R1", "R5")}
    r["R3 sg"] = response_id(p, "R3", "suggestions")
    r["R5 sg"] = response_id(p, "R5", "suggestions")
    r["R1 sg"] = response_id(p, "R1", "suggestions")
    for coder, response, start, end in [
            (p.ana, "R1", 4, 18), (p.ana, "R1", 50, 60), (p.ben, "R1", 4, 20),
            (p.ana, "R3 sg", 10, 14), (p.ben, "R3 sg", 0, 14), (p.cleo, "R3 sg", 10, 22),
            (p.ana, "R5 sg", None, None), (p.cleo, "R5 sg", None, None),
            (p.ana, "R1 sg", None, None)]:
        apply_code(p, r[response], time, coder, start=start, end=end)
    unmark_done(p, r["R5 sg"], p.cleo)
    mark_done(p, r["R5 sg"], p.ben)
    for c in (p.ana, p.ben, p.cleo):
        mark_done(p, r["R5"], c)
    return p


def _report(p, **kw):
    kw.setdefault("resamples", 0)
    kw.setdefault("store_report", False)
    return agreement_report(p, EVERYONE, round="Round 1", **kw)


def _close(value, fraction):
    assert value == pytest.approx(float(fraction), **APPROX)


# -- the character unit --------------------------------------------------------------------------

def test_character_unit_two_coders_by_hand(spans):
    t = _report(spans, unit="character", coders=["Ana", "Ben"]).code("Time")
    # characters (Ana, Ben): R1 fb 0-4 (0,0), 4-18 (1,1), 18-20 (0,1), 20-50 (0,0),
    # 50-60 (1,0), 60-84 (0,0); R3 sg 0-10 (0,1), 10-14 (1,1), 14-22 (0,0); R5 sg (1,0) x 17;
    # R5 fb (0,0) x 80
    n = R1_FB + R3_SG + R5_SG + R5_FB
    assert t["units"] == n == 203
    both, neither = 14 + 4, 4 + 30 + 24 + 8 + 80
    split = n - both - neither                                   # 2 + 10 + 10 + 17 = 39
    pa = F(both + neither, n)
    _close(t["percent_agreement"], pa)
    ana, ben = 14 + 10 + 4 + 17, 14 + 2 + 10 + 4                  # characters applied
    n1 = ana + ben
    n0 = 2 * n - n1
    _close(t["krippendorff_alpha"], 1 - F(2 * n - 1) * split / (n0 * n1))
    pa_, pb_ = F(ana, n), F(ben, n)
    pe = pa_ * pb_ + (1 - pa_) * (1 - pb_)
    _close(t["cohen_kappa"], (pa - pe) / (1 - pe))
    _close(t["pairs"]["Ana / Ben"], (pa - pe) / (1 - pe))
    pbar = F(n1, 2 * n)
    pe = pbar ** 2 + (1 - pbar) ** 2
    _close(t["scott_pi"], (pa - pe) / (1 - pe))
    _close(t["fleiss_kappa"], (pa - pe) / (1 - pe))
    pe = 2 * pbar * (1 - pbar)
    _close(t["gwet_ac1"], (pa - pe) / (1 - pe))
    _close(t["brennan_prediger"], (pa - F(1, 2)) / F(1, 2))
    assert t["prevalence"] == pytest.approx({"Ana": 45 / 203, "Ben": 30 / 203}, **APPROX)
    assert t["flag"] == "low"


def test_character_unit_three_coders_with_a_missing_done_mark(spans):
    rep = _report(spans, unit="character")
    assert rep.unit == "character" and rep.overlap is None and rep.units == 4  # responses
    t = rep.code("Time")
    # Cleo is missing on R1 fb and on R5 sg (her whole-response coding there does not
    # count); on R3 sg: 0-10 (0,1,0), 10-14 (1,1,1), 14-22 (0,0,1); R5 fb (0,0,0)
    assert t["units"] == 203
    # share of agreeing pairs: R1 fb 72 chars agree; R3 sg 10/3 + 4 + 8/3; R5 fb 80
    _close(t["percent_agreement"], F(72 + 10 + 80, 203))
    # pairable values 168 + 66 + 34 + 240; ones 40 + 30 + 17; cross 12 + 10 + 8 + 17
    n, n1 = 508, 87
    _close(t["krippendorff_alpha"], 1 - F(n - 1) * 47 / ((n - n1) * n1))
    pi1 = F(20 + 10, 1) + F(17, 2)                               # mean share applied
    pi1 /= 203
    pe = pi1 ** 2 + (1 - pi1) ** 2
    _close(t["fleiss_kappa"], (F(162, 203) - pe) / (1 - pe))
    assert t["prevalence"] == pytest.approx(
        {"Ana": 45 / 203, "Ben": 30 / 203, "Cleo": 12 / 102}, **APPROX)
    assert t["cohen_kappa"] is None and "exactly two coders" in t["notes"]["cohen_kappa"]


def test_character_unit_code_nobody_used_is_explained(spans):
    c = _report(spans, unit="character").code("Privacy")
    assert c["units"] == 203 and c["percent_agreement"] == 1.0
    assert c["krippendorff_alpha"] is None
    assert c["notes"]["krippendorff_alpha"] == NO_VARIATION and c["flag"] is None


def test_character_unit_whole_response_codings_equal_the_response_unit(team):
    """With only whole-response codings every character of a response carries the
    response's ratings: alpha is the response unit's alpha on units weighted by length."""
    # the team fixture: Time only on whole responses except Cleo's R2 span 0-7. Lengths:
    # R1 fb 84, R2 fb 65, R3 fb 58, R4 fb 64, R1 sg 43. (Ana, Ben, Cleo) on Time:
    # R1 fb (1,1,1); R2 fb (0,0,1) on 0-7 and (0,0,0) on 7-65; R3 fb (1,1,-);
    # R4 fb (1,-,0); R1 sg (1,1,1)
    t = _report(team, unit="character", codes=["Time"]).code("Time")
    assert t["units"] == 84 + 65 + 58 + 64 + 43
    n = 3 * 84 + 3 * 65 + 2 * 58 + 2 * 64 + 3 * 43
    n1 = 3 * 84 + 7 + 2 * 58 + 64 + 3 * 43
    cross = 7 * 1 + 64 * 1     # R2 0-7: a=1, b=2, m=3 -> 2/2; R4: 1 each
    _close(t["krippendorff_alpha"], 1 - F(n - 1) * cross / ((n - n1) * n1))


def test_character_counts_by_hand_with_overlapping_spans_of_one_coder():
    # one response of 10 characters, two coders; Ana's spans 0-4 and 2-6 overlap (covered
    # once), Ben's 5-10; a span past the text is cut to it
    counts = character_counts(1, [10], [[True, True]], [0, 0, 0], [0, 0, 0], [0, 0, 1],
                              [0, 2, 5], [4, 6, 12])
    # pattern = done bits 0b11 + applied bits << 2: (0,0) 3, (1,0) 7, (0,1) 11, (1,1) 15
    expected = np.zeros(16)
    expected[[7, 15, 11]] = [5, 1, 4]          # 0-5 Ana only, 5-6 both, 6-10 Ben only
    assert counts.tolist() == [expected.tolist()]


@pytest.mark.parametrize("seed", range(12))
def test_character_unit_matches_one_row_per_character(seed):
    """Random small data: the stretches weighted by length give what one row per character
    gives, through the krippendorff package and through coefficients()."""
    rng = np.random.default_rng(seed)
    n_units, n_coders, n_codes = int(rng.integers(2, 6)), int(rng.integers(2, 5)), 2
    lengths = rng.integers(1, 25, n_units)
    done = rng.random((n_units, n_coders)) < 0.85
    m = int(rng.integers(4, 20))
    k, u, g = (rng.integers(0, n_codes, m), rng.integers(0, n_units, m),
               rng.integers(0, n_coders, m))
    start = np.array([rng.integers(-1, lengths[x]) for x in u])  # -1: whole response
    end = np.array([rng.integers(s + 1, lengths[x] + 1) if s >= 0 else -1
                    for s, x in zip(start, u)])
    rep = pattern_report(character_counts(n_codes, lengths, done, k, u, g, start, end),
                         int(n_coders))
    for c in range(n_codes):
        rows = []
        for x in range(n_units):
            for ch in range(lengths[x]):
                rows.append([None if not done[x, h] else int(any(
                    k[i] == c and u[i] == x and g[i] == h and (start[i] < 0 or
                                                               start[i] <= ch < end[i])
                    for i in range(m))) for h in range(n_coders)])
        got = rep.result(c)
        assert got["units"] == sum(1 for r in rows if sum(v is not None for v in r) >= 2)
        ref = coefficients(rows, categories=[0, 1])
        for key in ("percent_agreement", "fleiss_kappa", "conger_kappa", "gwet_ac1"):
            assert got[key] == pytest.approx(ref[key], abs=1e-9)
        table = np.array([[np.nan if v is None else v for v in r] for r in rows], float).T
        if got["krippendorff_alpha"] is None:
            assert ref["krippendorff_alpha"] is None
        else:
            assert got["krippendorff_alpha"] == pytest.approx(krippendorff.alpha(
                reliability_data=table, level_of_measurement="nominal", value_domain=[0, 1]),
                abs=1e-9)


# -- the segment unit ----------------------------------------------------------------------------

def test_segment_unit_two_coders_by_hand(spans):
    rep = _report(spans, unit="segment", coders=["Ana", "Ben"])
    assert rep.unit == "segment" and rep.overlap == 0.5
    t = rep.code("Time")
    # R1 fb: Ana 4-18 ~ Ben 4-20 (14/16) matched (1,1); Ana 50-60 alone (1,0).
    # R3 sg: Ana 10-14 vs Ben 0-14: 4/14 < 0.5, so (1,0) and (0,1). R5 sg: Ana (1,0).
    # R5 fb: nobody marked a segment: one unit (0,0)
    assert t["units"] == 6
    # n = 12, ones 6, zeros 6, cross 4: 1 - 11 * 4 / 36
    _close(t["krippendorff_alpha"], F(-2, 9))
    _close(t["percent_agreement"], F(2, 6))
    loose = _report(spans, unit="segment", overlap=0.25, coders=["Ana", "Ben"])
    t = loose.code("Time")
    # 4/14 >= 0.25: R3 sg matched too; units (1,1), (1,0), (1,1), (1,0), (0,0):
    # n = 10, ones 6, zeros 4, cross 2: 1 - 9 * 2 / 24
    assert loose.overlap == 0.25 and t["units"] == 5
    _close(t["krippendorff_alpha"], F(1, 4))
    _close(t["percent_agreement"], F(3, 5))


def test_segment_unit_three_coders_and_a_code_with_no_segments(spans):
    rep = _report(spans, unit="segment")
    t = rep.code("Time")
    # R1 fb (1,1,-), (1,0,-); R3 sg no pair reaches 0.5 (4/14, 4/12, 4/22): (1,0,0),
    # (0,1,0), (0,0,1); R5 sg (1,0,-) — Cleo's whole coding there is dropped (not done);
    # R5 fb: nobody, one unit (0,0,0)
    assert t["units"] == 7
    # n = 18, ones 7, zeros 11, cross 2 * 1 + 3 * (1 * 2 / 2) = 5: 1 - 17 * 5 / 77
    _close(t["krippendorff_alpha"], F(-8, 77))
    _close(t["percent_agreement"], F(1 + 0 + 3 * F(1, 3) + 0 + 1, 7))
    # a code nobody used: every response of the report is one all-0 unit (no variation)
    none = rep.code("Privacy")
    assert none["units"] == 4 and none["krippendorff_alpha"] is None
    assert none["percent_agreement"] == 1.0
    assert none["notes"]["krippendorff_alpha"] == NO_VARIATION and none["flag"] is None


def test_segment_unit_where_everyone_marked_the_same_segments_is_perfect(spans):
    """Two coders who marked the same passages and left the same responses alone agree
    perfectly: alpha 1, not "undefined" (the absent units carry the variation)."""
    p = spans
    time = codebook.find_code(p, "Privacy").id
    r1 = response_id(p, "R1")
    apply_code(p, r1, time, p.ana, start=4, end=18)
    apply_code(p, r1, time, p.ben, start=5, end=18)          # 13/14 >= 0.5: the same unit
    t = _report(p, unit="segment", coders=["Ana", "Ben"]).code("Privacy")
    # units: R1 fb (1,1); R3 sg, R5 sg, R5 fb (0,0)
    assert t["units"] == 4
    assert t["krippendorff_alpha"] == 1.0 and t["percent_agreement"] == 1.0


def _units(segments, length=20, done=(True, True, True), overlap=0.5):
    """Segment units of one code in one response: sets of (coder, start, end)."""
    g, s, e = (np.array(col) for col in zip(*segments))
    k, u, applied = segment_units([length], [list(done)], np.zeros(len(g), int),
                                  np.zeros(len(g), int), g, s, e, overlap)
    assert (k == 0).all() and (u == 0).all()
    return [sorted(h for h in range(3) if m >> h & 1) for m in applied.tolist()]


def test_segment_greedy_clustering_for_three_coders():
    a, b, c = (0, 0, 10), (1, 0, 8), (2, 2, 10)   # a~b 8/10, a~c 8/10, b~c 6/10
    assert _units([a, b, c]) == [[0, 1, 2]]         # every pair >= 0.5: one unit
    # at 0.7 b~c fails: the best pairs tie at 0.8; a~b comes first (earlier in the text),
    # then c may not join (it must reach 0.7 with b too): c is a unit of its own
    assert _units([a, b, c], overlap=0.7) == [[0, 1], [2]]
    # a chain: a~b and b~c match but a~c do not -> the best pair (b~c) first, a alone
    # (units in the order of their first position)
    a, b, c = (0, 0, 10), (1, 2, 12), (2, 4, 13)   # a~b 8/12, b~c 8/11, a~c 6/13
    assert _units([a, b, c]) == [[0], [1, 2]]
    # the same chain where a~b is the best pair: c alone
    a, b, c = (0, 0, 10), (1, 1, 10), (2, 4, 13)   # a~b 9/10, b~c 6/12, a~c 6/13
    assert _units([a, b, c]) == [[0, 1], [2]]


def test_segment_matching_details():
    # Ben's two halves each overlap Ana's 0-10 by exactly 0.5 (a tie): the first in the
    # text is matched, the other is alone — a unit holds one segment per coder
    assert _units([(0, 0, 10), (1, 0, 5), (1, 5, 10)]) == [[0, 1], [1]]
    # overlapping spans of one coder are one segment (0-6 and 4-10 -> 0-10 ~ Ben's 0-9)
    assert _units([(0, 0, 6), (0, 4, 10), (1, 0, 9)]) == [[0, 1]]
    # touching spans stay two segments
    assert _units([(0, 0, 5), (0, 5, 10), (1, 0, 5)]) == [[0, 1], [0]]
    # a whole-response coding (start -1) is a segment over the whole text: 9/17 >= 0.5
    assert _units([(0, -1, -1), (1, 0, 9)], length=17) == [[0, 1]]
    assert _units([(0, -1, -1), (1, 0, 8)], length=17) == [[0], [1]]
    # threshold 1: only identical segments match
    assert _units([(0, 0, 10), (1, 0, 10), (2, 0, 9)], overlap=1.0) == [[0, 1], [2]]
    # a coder not done: their segments are dropped
    assert _units([(0, 0, 10), (1, 0, 10), (2, 0, 10)], done=(True, True, False)) == [[0, 1]]
    for bad in (0, -0.1, 1.5, "0.5"):
        with pytest.raises(InputError, match="above 0 and at most 1"):
            _units([(0, 0, 10)], overlap=bad)


@pytest.mark.parametrize("seed", range(8))
def test_segment_units_two_coders_match_pairwise(seed):
    """Two coders, threshold above 0.5: a segment can overlap at most one of the other's
    segments that much, so the units are exactly the pairs that reach it plus the rest."""
    rng = np.random.default_rng(seed)
    segs = {0: [], 1: []}
    for h in (0, 1):
        pos = 0
        while pos < 90:                       # disjoint, non-touching segments per coder
            start = pos + int(rng.integers(1, 8))
            end = start + int(rng.integers(1, 12))
            segs[h].append((start, end))
            pos = end + 1
    rows = [(h, s, e) for h in (0, 1) for s, e in segs[h] if e <= 100]
    got = _units(rows, length=100, overlap=0.6, done=(True, True, True))

    def iou(x, y):
        inter = min(x[1], y[1]) - max(x[0], y[0])
        return inter / ((x[1] - x[0]) + (y[1] - y[0]) - inter) if inter > 0 else 0

    a = [r[1:] for r in rows if r[0] == 0]
    b = [r[1:] for r in rows if r[0] == 1]
    matched = sum(1 for x in a for y in b if iou(x, y) >= 0.6)
    assert got.count([0, 1]) == matched
    assert got.count([0]) == len(a) - matched and got.count([1]) == len(b) - matched
    counts = segment_counts(1, [100], [[True, True]], np.zeros(len(rows), int),
                            np.zeros(len(rows), int), *(np.array(c) for c in zip(*rows)),
                            overlap=0.6)
    # plus nothing for absence: the response has segments
    assert counts[0, 0b1111] == matched and counts.sum() == len(got)


# -- the report: options, order, storage ---------------------------------------------------------

def test_unit_and_overlap_are_checked(spans):
    with pytest.raises(InputError, match='"response", "character" or "segment"'):
        _report(spans, unit="word")
    for bad in (0, 1.2, -1):
        with pytest.raises(InputError, match="above 0 and at most 1"):
            _report(spans, unit="segment", overlap=bad)


def test_stored_reports_record_the_unit_and_convergence_keeps_response_units(spans):
    agreement_report(spans, EVERYONE, round="Round 1", resamples=0)
    agreement_report(spans, EVERYONE, round="Round 1", resamples=0, unit="segment",
                     overlap=0.4)
    first, second = stored_reports(spans, "Round 1")
    assert first.report["unit"] == "response" and first.report["overlap"] is None
    assert second.report["unit"] == "segment" and second.report["overlap"] == 0.4
    assert second.filters["unit"] == "segment" and second.filters["overlap"] == 0.4
    [row] = convergence(spans)          # the latest whole-round report of response units
    assert row["computed_at"] == first.computed_at


def test_character_unit_bootstrap_interval_is_seeded(spans):
    one = _report(spans, unit="character", resamples=200, seed=3).code("Time")
    two = _report(spans, unit="character", resamples=200, seed=3).code("Time")
    low, high = one["alpha_ci"]
    assert one["alpha_ci"] == two["alpha_ci"] and low <= one["krippendorff_alpha"] <= high


def test_codes_come_in_codebook_order(team):
    # created: Time, Support, Privacy, Culture, then Peer support under Support
    names = [c["code"] for c in _report(team).codes]
    assert names == ["Time", "Support", "Peer support", "Privacy", "Culture"]
    chosen = _report(team, codes=["Culture", "Peer support", "Time"]).codes
    assert [c["code"] for c in chosen] == ["Time", "Peer support", "Culture"]


@pytest.mark.parametrize("seed", range(6))
def test_response_counts_from_codings_equal_the_dense_report(seed):
    """The report's response unit counts patterns from the codings (no codes x units x
    coders array): the same coefficients as binary_report on the dense array, with codings
    of coders not done (missing) and the same coding twice (a roll-up) among them."""
    from post_coder.coding.agreement import binary_report, response_counts

    rng = np.random.default_rng(seed)
    n_codes, n_units, n_coders = 4, 30, int(rng.integers(2, 5))
    done = rng.random((n_units, n_coders)) < 0.8
    m = 120
    k, u, g = (rng.integers(0, n_codes, m), rng.integers(0, n_units, m),
               rng.integers(0, n_coders, m))
    dense = np.zeros((n_codes, n_units, n_coders), dtype=bool)
    dense[k, u, g] = True
    want = binary_report(dense, done)
    got = pattern_report(response_counts(n_codes, done, k, u, g), n_coders)
    for c in range(n_codes):
        assert got.result(c) == want.result(c)


@pytest.mark.parametrize("unit", ["character", "segment"])
def test_span_units_on_a_connection_that_may_not_write_temp_tables(spans, unit):
    """A read-only project recomputes the units inside each query, the spans and the text
    lengths included: the same report."""
    expected = _report(spans, unit=unit).as_dict()
    spans.db.execute("PRAGMA query_only = ON")
    try:
        got = _report(spans, unit=unit).as_dict()
    finally:
        spans.db.execute("PRAGMA query_only = OFF")
    assert got["codes"][0]["units"] == (203 if unit == "character" else 7)
    assert {k: v for k, v in got.items() if k != "computed_at"} == {
        k: v for k, v in expected.items() if k != "computed_at"}
