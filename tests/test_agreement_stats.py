"""Agreement statistics (post_coder.coding.agreement): published values, hand-worked examples,
cross-checks against scikit-learn and the krippendorff package, the vectorised binary report,
the bootstrap interval and group alpha."""

from __future__ import annotations

import json
from fractions import Fraction as F
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from post_coder.coding import agreement
from post_coder.coding.agreement import _general  # noqa: F401  (its doctest runs below)
from post_coder.coding.agreement import (
    COEFFICIENTS,
    NO_OVERLAP,
    NO_RATINGS,
    NO_VARIATION,
    ONE_CATEGORY,
    ONE_CODER,
    alpha_ci,
    binary_alpha_ci,
    binary_report,
    coefficients,
    group_alpha,
)
from post_coder.errors import InputError

REFERENCE = (Path(__file__).resolve().parents[2] / "shared" / "reference"
             / "agreement_published.json")


def _entries() -> list:
    if not REFERENCE.is_file():
        return [pytest.param(None, id="reference-missing")]
    entries = json.loads(REFERENCE.read_text(encoding="utf-8"))
    return [pytest.param(e, id=f"{i}-{e['name']}-{e['metric']}") for i, e in enumerate(entries)]


@pytest.fixture
def reference() -> Path:
    """The published values in ../shared (CI has them; a fresh clone may not)."""
    if not REFERENCE.is_file():
        pytest.skip(f"{REFERENCE} is missing (../shared is not beside this checkout): the "
                    "published agreement values live there; the hand-worked examples in this "
                    "file test the same functions without it")
    return REFERENCE


def _units_by_coders(entry: dict) -> list[list]:
    """The entry's data as units x coders, whatever its data_format."""
    fmt = entry["data_format"]
    data = entry["data"]
    if fmt.startswith("counts"):
        # rows = subjects, cols = categories: coder identity plays no part in Fleiss' kappa, so
        # each subject becomes a row of its ratings (category index), one cell per rating
        return [[k for k, n in enumerate(row) for _ in range(n)] for row in data]
    if fmt.startswith("contingency"):
        # rows = coder 1's category, cols = coder 2's: one unit per counted pair
        return [[i, j] for i, row in enumerate(data) for j, n in enumerate(row) for _ in range(n)]
    assert fmt.startswith("units x coders"), fmt
    return data


# --------------------------------------------------------------------------- published values


@pytest.mark.parametrize("entry", _entries())
def test_published_value_is_reproduced(entry, reference):
    assert entry is not None  # the reference fixture skipped when the file is missing
    level = entry["level"]
    key = entry["metric"]
    if key == "krippendorff_alpha_masi":
        assert level == "set"  # alpha of set-valued ratings uses the MASI distance
        key = "krippendorff_alpha"
    result = coefficients(_units_by_coders(entry), level=level)
    value = result[key]
    assert value is not None, result["notes"]
    assert abs(value - entry["expected"]) <= entry["tolerance"], (value, entry["expected"])
    # every other implementation listed agrees with ours to its printed precision
    for check in entry["checks"]:
        if check["agrees"]:
            assert abs(value - check["value"]) <= max(entry["tolerance"], 5e-7), check


def test_reference_file_is_read_when_present(reference):
    # guards against the parametrisation above silently finding no entries
    entries = json.loads(reference.read_text(encoding="utf-8"))
    assert len(_entries()) == len(entries) >= 16


# --------------------------------------------------------------------------- worked by hand


TWO_CODERS = [[1, 1], [1, 1], [1, 1], [1, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 1]]


def test_two_coders_binary_by_hand():
    # 10 units; the coders agree on 8 (3 x 1-1, 5 x 0-0): p_a = 0.8.
    # Each coder applies the code to 4 of 10: p_1 = 0.4 for both.
    # Cohen / Scott / Fleiss / Conger: p_e = 0.4^2 + 0.6^2 = 0.52 -> (0.8-0.52)/0.48 = 7/12
    # Gwet AC1: p_e = 2 * 0.4 * 0.6 = 0.48 -> 0.32/0.52 = 8/13; Brennan-Prediger: p_e = 1/2 -> 0.6
    # alpha: 20 values, n_1 = 8, n_0 = 12; the 2 disagreeing units give o_01 = 2 (1/(2-1) each)
    #   alpha = 1 - (n-1) o_01 / (n_0 n_1) = 1 - 19*2/96 = 58/96
    # with two categories the linear and quadratic weights are the identity: 7/12 as well.
    r = coefficients(TWO_CODERS)
    expected = {"percent_agreement": 0.8, "cohen_kappa": 7 / 12, "cohen_kappa_linear": 7 / 12,
                "cohen_kappa_quadratic": 7 / 12, "scott_pi": 7 / 12, "fleiss_kappa": 7 / 12,
                "conger_kappa": 7 / 12, "gwet_ac1": 8 / 13, "brennan_prediger": 0.6,
                "krippendorff_alpha": 58 / 96}
    assert set(r) == set(COEFFICIENTS) | {"notes"}
    for key, value in expected.items():
        assert r[key] == pytest.approx(value, abs=1e-12), key
    assert r["notes"] == {}
    # scikit-learn agrees on Cohen's kappa for complete data
    a, b = zip(*TWO_CODERS)
    assert r["cohen_kappa"] == pytest.approx(cohen_kappa_score(a, b), abs=1e-12)


THREE_CODERS = [[1, 1, 1], [1, 2, None], [2, 2, 2], [None, 3, 3], [3, None, None], [1, 1, 2]]


def test_three_coders_with_missing_values_by_hand():
    # r_ik per unit (categories 1, 2, 3): (3,0,0) (1,1,0) (0,3,0) (0,0,2) (0,0,1) (2,1,0)
    # p_a over the 5 units rated twice or more: (1 + 0 + 1 + 1 + 1/3) / 5 = 2/3
    #   (the unit rated once does not count for p_a)
    # Fleiss: pi_k = mean over the 6 rated units of r_ik/r_i = (13/36, 11/36, 12/36)
    #   p_e = (169 + 121 + 144)/1296 = 217/648 -> kappa = 215/431
    # AC1: p_e = (1 - 434/1296)/(3-1) = 431/1296 -> 433/865;  BP: p_e = 1/3 -> 1/2
    # Conger: each coder's proportions over the units they rated:
    #   coder 1 (3/5, 1/5, 1/5), coder 2 (2/5, 2/5, 1/5), coder 3 (1/4, 1/2, 1/4)
    #   pbar = (5/12, 11/30, 13/60), sum pbar^2 = 1278/3600; sum of variances = 66/600/2
    #   p_e = 1278/3600 - (11/200)/3 = 101/300 -> kappa = 99/199
    # Scott: p_e = 1278/3600 = 71/200 -> 187/387
    # alpha: 13 pairable values, n_c = (6, 5, 2); disagreement pairs: unit 2 gives 2 ordered
    #   pairs / (2-1) = 2, unit 6 gives 2*1*2 / (3-1) = 2 -> 4; expected 13^2 - 65 = 104
    #   alpha = 1 - 12*4/104 = 7/13
    r = coefficients(THREE_CODERS)
    expected = {"percent_agreement": F(2, 3), "fleiss_kappa": F(215, 431),
                "gwet_ac1": F(433, 865), "brennan_prediger": F(1, 2),
                "conger_kappa": F(99, 199), "scott_pi": F(187, 387),
                "krippendorff_alpha": F(7, 13)}
    for key, value in expected.items():
        assert r[key] == pytest.approx(float(value), abs=1e-12), key
    for key in ("cohen_kappa", "cohen_kappa_linear", "cohen_kappa_quadratic"):
        assert r[key] is None
        assert "exactly two coders" in r["notes"][key] and "have 3" in r["notes"][key]
    assert set(r["notes"]) == {"cohen_kappa", "cohen_kappa_linear", "cohen_kappa_quadratic"}


def test_a_category_nobody_used_counts_for_ac1_and_brennan_prediger():
    # Same data with a 4th possible category: q = 4.
    # BP: p_e = 1/4 -> (2/3 - 1/4)/(3/4) = 5/9
    # AC1: p_e = (862/1296)/(4-1) = 431/1944 -> (1296-431)/(1944-431) = 865/1513
    # Fleiss, Conger, Scott and alpha do not change (the category has no ratings).
    r = coefficients(THREE_CODERS, categories=[1, 2, 3, 4])
    assert r["brennan_prediger"] == pytest.approx(5 / 9, abs=1e-12)
    assert r["gwet_ac1"] == pytest.approx(865 / 1513, abs=1e-12)
    assert r["fleiss_kappa"] == pytest.approx(215 / 431, abs=1e-12)
    assert r["conger_kappa"] == pytest.approx(99 / 199, abs=1e-12)
    assert r["krippendorff_alpha"] == pytest.approx(7 / 13, abs=1e-12)


LEVEL_DATA = [[1, 2], [2, 2], [3, 3]]


def test_levels_and_weighted_cohen_by_hand():
    # values 1,2 | 2,2 | 3,3: n = 6, n_c = (1, 3, 2); only unit 1 disagrees (1 vs 2)
    # nominal: observed 2 (two ordered pairs), expected 36 - (1+9+4) = 22 -> 1 - 5*2/22 = 6/11
    # interval: observed 2*1^2 = 2, expected 2*(1*3*1 + 1*2*4 + 3*2*1) = 34 -> 1 - 10/34 = 12/17
    # ordinal: M_c = cumsum(n) - n/2 = (0.5, 2.5, 5); d_12 = 4, d_13 = 20.25, d_23 = 6.25
    #   observed 2*4 = 8, expected 2*(3*4 + 2*20.25 + 6*6.25) = 180 -> 1 - 40/180 = 7/9
    # ratio: d_12 = (1/3)^2, d_13 = (2/4)^2, d_23 = (1/5)^2; observed 2/9,
    #   expected 2*(3/9 + 2/4 + 6/25) = 322/150 -> 1 - 5*(2/9)/(322/150) = 233/483
    alphas = {"nominal": 6 / 11, "interval": 12 / 17, "ordinal": 7 / 9, "ratio": 233 / 483}
    for level, value in alphas.items():
        r = coefficients(LEVEL_DATA, level=level)
        assert r["krippendorff_alpha"] == pytest.approx(value, abs=1e-12), level
        # the unweighted kappas stay nominal at every level
        assert r["cohen_kappa"] == pytest.approx(0.5, abs=1e-12)
    # Cohen: p_a = 2/3, marginals (1/3,1/3,1/3) and (0,2/3,1/3): p_e = 1/3 -> 1/2
    # linear weights (w_12 = 1/2): p_a = 5/6, p_e = 11/18 -> 4/7
    # quadratic weights (w_12 = 3/4): p_a = 11/12, p_e = 3/4 -> 2/3
    r = coefficients(LEVEL_DATA, level="ordinal")
    assert r["cohen_kappa_linear"] == pytest.approx(4 / 7, abs=1e-12)
    assert r["cohen_kappa_quadratic"] == pytest.approx(2 / 3, abs=1e-12)
    a, b = zip(*LEVEL_DATA)
    assert r["cohen_kappa_linear"] == pytest.approx(cohen_kappa_score(a, b, weights="linear"))
    assert r["cohen_kappa_quadratic"] == pytest.approx(
        cohen_kappa_score(a, b, weights="quadratic"))


def test_set_valued_alpha_with_masi_by_hand():
    # {a}-{a}: 0; {a}-{a,b}: 1 - (1/2)(2/3) = 2/3; {b}-{c}: disjoint, 1
    # n = 6: {a} x3, {a,b}, {b}, {c}. observed = 2*(2/3) + 2*1 = 10/3
    # expected (ordered pairs) = 2 * (3*1*2/3 + 3 + 3 + 1*1*2/3 + 1 + 1) = 64/3
    # alpha = 1 - 5 * (10/3) / (64/3) = 7/32
    data = [[["a"], ["a"]], [["a"], ["a", "b"]], [["b"], ["c"]]]
    r = coefficients(data, level="set")
    assert r["krippendorff_alpha"] == pytest.approx(7 / 32, abs=1e-12)
    assert r["percent_agreement"] == pytest.approx(1 / 3, abs=1e-12)
    assert r["fleiss_kappa"] is None and "set-valued" in r["notes"]["fleiss_kappa"]


# --------------------------------------------------------------------------- degenerate data


def test_no_variation_gives_none_with_a_reason_not_a_fake_one():
    data = [[0, 0, 0], [0, 0, None], [0, 0, 0]]
    r = coefficients(data, categories=[0, 1])
    for key in ("krippendorff_alpha", "fleiss_kappa", "conger_kappa", "scott_pi"):
        assert r[key] is None, key
        assert r["notes"][key] == NO_VARIATION
    # defined here: everyone agrees, and chance agreement is below 1 for these two
    assert r["percent_agreement"] == 1.0
    assert r["gwet_ac1"] == 1.0          # p_e = 2 * 0 * 1 = 0
    assert r["brennan_prediger"] == 1.0  # p_e = 1/2
    # without the list of categories only one category is known: AC1 and BP are not defined
    r = coefficients(data)
    assert r["gwet_ac1"] is None and r["notes"]["gwet_ac1"] == ONE_CATEGORY
    assert r["brennan_prediger"] is None and r["notes"]["brennan_prediger"] == ONE_CATEGORY


def test_two_coders_no_variation_cohen_is_none():
    r = coefficients([[1, 1], [1, 1]], categories=[0, 1])
    for key in ("cohen_kappa", "cohen_kappa_linear", "cohen_kappa_quadratic"):
        assert r[key] is None and r["notes"][key] == NO_VARIATION


@pytest.mark.parametrize("data, reason", [
    ([], NO_RATINGS),
    ([[None, None], [None, None]], NO_RATINGS),
    ([[1, None], [0, None]], ONE_CODER),
    ([[1, None], [None, 0], [1, None]], NO_OVERLAP),
])
def test_degenerate_data_every_coefficient_none_with_reason(data, reason):
    r = coefficients(data)
    for key in COEFFICIENTS:
        assert r[key] is None, key
        assert r["notes"][key] == reason, key


def test_missing_values_may_be_nan_and_arrays_are_accepted():
    arr = np.array([[1.0, 1.0], [np.nan, 0.0], [0.0, 0.0], [1.0, 0.0]])
    assert coefficients(arr) == coefficients([[1, 1], [None, 0], [0, 0], [1, 0]])


@pytest.mark.parametrize("data, kwargs, words", [
    ([[1, 2], [1]], {}, "row 2: it has 1 ratings but row 1 has 2"),
    ([[1, 2]], {"level": "fuzzy"}, "unknown level"),
    ([[1, 2], [1, 3]], {"categories": [1, 2]},
     'row 2, column "coder 2": 3 is not one of the categories'),
    ([["a", 2]], {"level": "interval"},
     'row 1, column "coder 1": interval data must be numbers'),
    ([[-1, 2]], {"level": "ratio"}, "cannot be negative"),
    ([[1, 2]], {"level": "interval", "categories": [1, "x"]}, "categories: interval data must"),
    ("abc", {}, "list of rows"),
    ([[1, 2]], {"categories": [1, 1, 2]}, "more than once"),
])
def test_bad_input_is_a_plain_error(data, kwargs, words):
    with pytest.raises(InputError) as caught:
        coefficients(data, **kwargs)
    assert words in str(caught.value)


# --------------------------------------------------------------------------- cross-checks


def _random_data(rng, units, coders, q, missing):
    data = rng.integers(0, q, size=(units, coders)).astype(float)
    # correlated coders, so the values are not all near 0
    truth = rng.integers(0, q, size=units)
    same = rng.random((units, coders)) < 0.6
    data[same] = np.broadcast_to(truth[:, None], (units, coders))[same]
    data[rng.random((units, coders)) < missing] = np.nan
    return data


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_alpha_matches_the_krippendorff_package(level, seed):
    rng = np.random.default_rng(seed)
    data = _random_data(rng, units=60, coders=4, q=5, missing=0.25) + 1  # ratio: values > 0
    ours = coefficients(data, level=level)["krippendorff_alpha"]
    theirs = krippendorff.alpha(reliability_data=data.T, level_of_measurement=level)
    assert ours == pytest.approx(theirs, abs=1e-12)


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_cohen_matches_scikit_learn_on_complete_data(seed):
    rng = np.random.default_rng(seed)
    data = _random_data(rng, units=80, coders=2, q=4, missing=0.0).astype(int)
    cats = [0, 1, 2, 3]
    r = coefficients(data.tolist(), level="ordinal", categories=cats)
    a, b = data[:, 0], data[:, 1]
    assert r["cohen_kappa"] == pytest.approx(cohen_kappa_score(a, b, labels=cats), abs=1e-12)
    assert r["cohen_kappa_linear"] == pytest.approx(
        cohen_kappa_score(a, b, labels=cats, weights="linear"), abs=1e-12)
    assert r["cohen_kappa_quadratic"] == pytest.approx(
        cohen_kappa_score(a, b, labels=cats, weights="quadratic"), abs=1e-12)
    # two coders, no missing ratings: Fleiss = Scott, and Conger = Cohen
    assert r["fleiss_kappa"] == pytest.approx(r["scott_pi"], abs=1e-12)
    assert r["conger_kappa"] == pytest.approx(r["cohen_kappa"], abs=1e-12)


def test_fleiss_equals_scott_without_missing_and_differs_with():
    rng = np.random.default_rng(9)
    full = _random_data(rng, units=40, coders=3, q=3, missing=0.0)
    r = coefficients(full)
    assert r["fleiss_kappa"] == pytest.approx(r["scott_pi"], abs=1e-12)
    holes = full.copy()
    holes[rng.random(holes.shape) < 0.3] = np.nan
    r = coefficients(holes)
    assert abs(r["fleiss_kappa"] - r["scott_pi"]) > 1e-6


# --------------------------------------------------------------------------- binary report


def _binary(seed, codes=12, units=70, coders=3):
    rng = np.random.default_rng(seed)
    prevalence = rng.uniform(0.05, 0.5, size=codes)
    truth = rng.random((codes, units)) < prevalence[:, None]
    ratings = truth[:, :, None] ^ (rng.random((codes, units, coders)) < 0.15)
    ratings[0] = False              # a code nobody applied: no variation
    ratings[1] = True               # a code everyone applied everywhere
    done = rng.random((units, coders)) < 0.8
    return ratings, done


def _table(ratings, done, code):
    """One code as the units x coders table coefficients() takes (None = not done)."""
    mask = done if done.ndim == 2 else done[code]
    return [[int(v) if d else None for v, d in zip(row, drow)]
            for row, drow in zip(ratings[code], mask)]


@pytest.mark.parametrize("seed, coders", [(11, 3), (12, 2), (13, 4)])
def test_binary_report_equals_coefficients_per_code(seed, coders):
    ratings, done = _binary(seed, coders=coders)
    report = binary_report(ratings, done)
    for code in range(ratings.shape[0]):
        table = _table(ratings, done, code)
        expected = coefficients(table, categories=[0, 1])
        got = report.result(code)
        for key in agreement.BINARY:
            if expected[key] is None:
                assert got[key] is None, (code, key)
                assert got["notes"][key] == expected["notes"][key], (code, key)
            else:
                assert got[key] == pytest.approx(expected[key], abs=1e-12), (code, key)
        for (g, h), kappa in got["pairs"].items():
            pair = coefficients([[row[g], row[h]] for row in table], categories=[0, 1])
            if pair["cohen_kappa"] is None:
                assert kappa is None
            else:
                assert kappa == pytest.approx(pair["cohen_kappa"], abs=1e-12)
        units = sum(1 for row in table if sum(v is not None for v in row) >= 2)
        assert got["units"] == units
        for g in range(coders):
            column = [row[g] for row in table if row[g] is not None]
            assert got["prevalence"][g] == pytest.approx(sum(column) / len(column), abs=1e-12)
    assert report.result(0)["krippendorff_alpha"] is None
    assert report.result(0)["notes"]["krippendorff_alpha"] == NO_VARIATION


def test_binary_report_with_a_done_mask_per_code():
    ratings, done = _binary(21)
    per_code = np.broadcast_to(done, ratings.shape).copy()
    per_code[3, :, 0] = False        # coder 0 did not rate anything for code 3
    per_code[4, :, 1:] = False       # only coder 0 rated code 4
    report = binary_report(ratings, per_code)
    for code in (2, 3, 4):
        expected = coefficients(_table(ratings, per_code, code), categories=[0, 1])
        got = report.result(code)
        for key in agreement.BINARY:
            if expected[key] is None:
                assert got[key] is None and got["notes"][key] == expected["notes"][key]
            else:
                assert got[key] == pytest.approx(expected[key], abs=1e-12)
    assert report.result(4)["notes"]["fleiss_kappa"] == ONE_CODER
    assert report.result(3)["prevalence"][0] is None


def test_binary_report_small_example_by_hand():
    # one code, the TWO_CODERS table: alpha 58/96, Cohen 7/12, prevalence 0.4 and 0.4
    ratings = np.array(TWO_CODERS, dtype=bool)[None, :, :]
    report = binary_report(ratings)
    got = report.result(0)
    assert got["krippendorff_alpha"] == pytest.approx(58 / 96, abs=1e-12)
    assert got["pairs"] == {(0, 1): pytest.approx(7 / 12, abs=1e-12)}
    assert got["prevalence"] == [pytest.approx(0.4), pytest.approx(0.4)]
    assert got["units"] == 10
    assert report.krippendorff_alpha[0] == pytest.approx(58 / 96, abs=1e-12)
    assert report.n_units.tolist() == [10]


def test_docstring_examples_run():
    import doctest
    outcome = doctest.testmod(agreement._general)
    assert outcome.failed == 0 and outcome.attempted >= 2


def test_binary_report_rejects_bad_arrays():
    with pytest.raises(InputError, match="codes x units x coders"):
        binary_report(np.zeros((3, 4), dtype=bool))
    with pytest.raises(InputError, match="0 or 1"):
        binary_report(np.full((1, 3, 2), 2, dtype=np.uint8))
    with pytest.raises(InputError, match="done mask"):
        binary_report(np.zeros((1, 3, 2), dtype=bool), np.ones((3, 3), dtype=bool))


# --------------------------------------------------------------------------- bootstrap, groups


def test_alpha_bootstrap_is_reproducible_and_contains_the_estimate():
    rng = np.random.default_rng(31)
    data = _random_data(rng, units=80, coders=3, q=3, missing=0.2)
    first = alpha_ci(data, resamples=1000, seed=5)
    again = alpha_ci(data, resamples=1000, seed=5)
    other = alpha_ci(data, resamples=1000, seed=6)
    assert first == again
    assert (first["low"], first["high"]) != (other["low"], other["high"])
    assert first["low"] < first["alpha"] < first["high"]
    assert first["alpha"] == coefficients(data)["krippendorff_alpha"]
    # a reasonable width for 80 units: neither a point nor everything
    assert 0.02 < first["high"] - first["low"] < 0.6
    for level in ("ordinal", "interval"):
        ci = alpha_ci(data + 1, level=level, resamples=500, seed=1)
        assert ci["low"] < ci["alpha"] < ci["high"]


def test_alpha_bootstrap_of_undefined_alpha_says_why():
    ci = alpha_ci([[0, 0], [0, 0]], categories=[0, 1])
    assert ci["low"] is None and ci["high"] is None and ci["note"] == NO_VARIATION


def test_bootstrap_resamples_like_drawing_units():
    # the multinomial draw of unit patterns must match a plain resampling of units in
    # distribution: compare the spread of both on one data set (seeded, so deterministic)
    rng = np.random.default_rng(41)
    data = _random_data(rng, units=60, coders=2, q=2, missing=0.0)
    ci = alpha_ci(data, resamples=1000, seed=2)
    plain = []
    for _ in range(800):
        pick = rng.integers(0, len(data), size=len(data))
        value = coefficients(data[pick])["krippendorff_alpha"]
        if value is not None:
            plain.append(value)
    low, high = np.quantile(plain, [0.025, 0.975])
    assert ci["low"] == pytest.approx(low, abs=0.03)
    assert ci["high"] == pytest.approx(high, abs=0.03)


def test_binary_bootstrap_per_code():
    ratings, done = _binary(51, codes=6, units=120)
    low, high = binary_alpha_ci(ratings, done, resamples=1000, seed=3)
    low2, high2 = binary_alpha_ci(ratings, done, resamples=1000, seed=3)
    assert np.array_equal(low, low2, equal_nan=True) and np.array_equal(high, high2, equal_nan=True)
    report = binary_report(ratings, done, resamples=1000, seed=3)
    alpha = report.values["krippendorff_alpha"]
    assert np.isnan(alpha[0]) and np.isnan(low[0]) and np.isnan(high[0])
    # the report carries the same intervals (same seed, same draw)
    assert np.array_equal(report.alpha_low, low, equal_nan=True)
    assert report.result(0)["alpha_ci"] is None
    assert report.result(2)["alpha_ci"] == [low[2], high[2]]
    assert binary_report(ratings, done).result(2)["alpha_ci"] is None  # not asked for
    for code in range(2, 6):
        assert low[code] < alpha[code] < high[code]
        generic = alpha_ci(_table(ratings, done, code), categories=[0, 1], resamples=1000,
                           seed=3)
        # a different random stream, the same distribution: close, not equal
        assert low[code] == pytest.approx(generic["low"], abs=0.06)
        assert high[code] == pytest.approx(generic["high"], abs=0.06)


def test_group_alpha_over_mutually_exclusive_codes():
    # three codes of one group; each rated unit gets the code applied (or "none"):
    #   unit 1: A, A       unit 2: B, B      unit 3: none, none   unit 4: A, C
    #   unit 5: C, (coder 2 not done)
    # nominal alpha over values: pairable 8 values, n = A3 B2 none2 C1; one disagreeing unit
    #   observed 2, expected 64 - (9+4+4+1) = 46 -> 1 - 7*2/46 = 16/23
    a = [[1, 1], [0, 0], [0, 0], [1, 0], [0, 0]]
    b = [[0, 0], [1, 1], [0, 0], [0, 0], [0, 0]]
    c = [[0, 0], [0, 0], [0, 0], [0, 1], [1, 0]]
    ratings = np.array([a, b, c], dtype=bool)
    done = np.array([[1, 1], [1, 1], [1, 1], [1, 1], [1, 0]], dtype=bool)
    value, why = group_alpha(ratings, done)
    assert why is None and value == pytest.approx(16 / 23, abs=1e-12)
    labels = [["A", "A"], ["B", "B"], ["-", "-"], ["A", "C"], ["C", None]]
    assert value == pytest.approx(coefficients(labels)["krippendorff_alpha"], abs=1e-12)
    assert group_alpha(ratings, np.zeros_like(done)) == (None, NO_RATINGS)
