"""Krippendorff's alpha (every level), the chance-corrected coefficients and the bootstrap
interval of alpha for one units x coders table; the formulas are in the package docstring."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from post_coder.coding.agreement._data import (
    _EPS,
    COEFFICIENTS,
    COHEN,
    NO_OVERLAP,
    NO_RATINGS,
    NO_VARIATION,
    ONE_CATEGORY,
    ONE_CODER,
    SET_ONLY,
    _counts,
    _encode,
    _not_two,
)
from post_coder.errors import InputError

# --------------------------------------------------------------------------- alpha


def _masi(a: frozenset, b: frozenset) -> float:
    if a == b:
        return 0.0
    union = len(a | b)
    common = len(a & b)
    if common == 0:
        return 1.0
    monotone = 2 / 3 if (a <= b or b <= a) else 1 / 3
    return 1.0 - (common / union) * monotone


def _difference(level: str, cats: list[Any], n_c: np.ndarray) -> np.ndarray:
    """The q x q difference function d_ck of the level; ``n_c`` are the pairable marginals
    (the last axis), which the ordinal difference depends on (batched over leading axes)."""
    q = len(cats)
    if level == "nominal":
        return 1.0 - np.eye(q)
    if level == "ordinal":
        mid = np.cumsum(n_c, axis=-1) - n_c / 2.0
        return (mid[..., :, None] - mid[..., None, :]) ** 2
    if level == "set":
        return np.array([[_masi(a, b) for b in cats] for a in cats], dtype=np.float64)
    v = np.asarray(cats, dtype=np.float64)
    diff = v[:, None] - v[None, :]
    if level == "interval":
        return diff ** 2
    total = v[:, None] + v[None, :]
    return np.divide(diff, total, out=np.zeros_like(diff), where=total != 0) ** 2


def _alpha_parts(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per pairable unit: its counts and the weight 1/(m_u - 1)."""
    m = counts.sum(axis=1)
    keep = m >= 2
    return counts[keep], 1.0 / (m[keep] - 1.0)


def _alpha(counts: np.ndarray, level: str, cats: list[Any]) -> tuple[float | None, str | None]:
    pairable, weight = _alpha_parts(counts)
    if pairable.shape[0] == 0:
        return None, NO_OVERLAP
    n_c = pairable.sum(axis=0)
    delta = _difference(level, cats, n_c)
    # sum_ck o_ck d_ck = sum_u N_u' d N_u / (m_u - 1), as d_cc = 0
    observed = float((((pairable @ delta) * pairable).sum(axis=1)) @ weight)
    expected = float(n_c @ delta @ n_c)
    if expected <= _EPS * max(1.0, observed):
        return None, NO_VARIATION
    return float(1.0 - (n_c.sum() - 1.0) * observed / expected), None


# --------------------------------------------------------------------------- coefficients


def _kappa(pa: float, pe: float) -> tuple[float | None, str | None]:
    if 1.0 - pe <= _EPS:
        return None, NO_VARIATION
    return (pa - pe) / (1.0 - pe), None


class _Result:
    """The coefficients being filled in, with the reason for each one left ``None``."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = dict.fromkeys(COEFFICIENTS)
        self.notes: dict[str, str] = {}

    def put(self, key: str, value: tuple[float | None, str | None]) -> None:
        self.values[key], why = value
        if why:
            self.notes[key] = why

    def fail(self, keys: Sequence[str], reason: str) -> None:
        for key in keys:
            if self.values[key] is None and key not in self.notes:
                self.notes[key] = reason

    def done(self) -> dict[str, Any]:
        return {**self.values, "notes": self.notes}


def coefficients(data: Any, level: str = "nominal",
                 categories: Sequence[Any] | None = None) -> dict[str, Any]:
    """Every agreement coefficient for one set of reliability data.

    ``data``: units x coders — a list of rows (or a numpy array / pandas DataFrame), one row per
    unit, one cell per coder, ``None`` (or NaN) where that coder gave no rating.
    ``level``: ``"nominal"``, ``"ordinal"``, ``"interval"``, ``"ratio"`` (or ``"set"`` for cells
    that are lists of codes: alpha with the MASI distance).
    ``categories``: every possible value, in order. By default the values seen, sorted. It
    matters for Brennan-Prediger and Gwet's AC1 (categories nobody used still count in ``q``) and
    gives the order for ordinal alpha and the weighted Cohen's kappas.

    Returns a dict with :data:`COEFFICIENTS` as keys (float, or ``None`` where not defined) and
    ``notes``: coefficient -> plain-words reason for each ``None``. The formulas and the
    conventions for missing ratings are in the package docstring
    (``help(post_coder.coding.agreement)``) and in docs/agreement.md.

    >>> r = coefficients([[1, 0], [1, 1], [0, 0], [0, 0]])
    >>> round(r["cohen_kappa"], 4), r["fleiss_kappa"] == r["scott_pi"]
    (0.5, True)
    """
    enc = _encode(data, level, categories)
    codes, cats = enc.codes, enc.categories
    res = _Result()
    rated = codes >= 0
    if not rated.any():
        res.fail(COEFFICIENTS, NO_RATINGS)
        return res.done()
    if codes.shape[1] != 2:
        res.fail(COHEN, _not_two(codes.shape[1]))
    if rated.any(axis=0).sum() < 2:
        res.fail(COEFFICIENTS, ONE_CODER)
        return res.done()
    counts = _counts(codes, len(cats))
    r_i = counts.sum(axis=1)
    two = r_i >= 2
    if not two.any():
        res.fail(COEFFICIENTS, NO_OVERLAP)
        return res.done()
    # p_a: mean over the units rated twice or more of the share of agreeing pairs
    agree = (counts[two] * (counts[two] - 1.0)).sum(axis=1) / (r_i[two] * (r_i[two] - 1.0))
    pa = float(agree.mean())
    res.values["percent_agreement"] = pa
    res.put("krippendorff_alpha", _alpha(counts, level, cats))
    if level == "set":
        res.fail(COEFFICIENTS, SET_ONLY)
        return res.done()
    _chance_corrected(res, pa, counts, codes, len(cats))
    return res.done()


def _chance_corrected(res: _Result, pa: float, counts: np.ndarray, codes: np.ndarray,
                      q: int) -> None:
    """Fleiss, AC1, Brennan-Prediger, Conger, Scott and (two coders) Cohen."""
    r_i = counts.sum(axis=1)
    once = r_i >= 1
    pi = (counts[once] / r_i[once, None]).mean(axis=0)
    res.put("fleiss_kappa", _kappa(pa, float(pi @ pi)))
    if q < 2:
        res.fail(("gwet_ac1", "brennan_prediger"), ONE_CATEGORY)
    else:
        res.put("gwet_ac1", _kappa(pa, float((pi * (1.0 - pi)).sum() / (q - 1))))
        res.put("brennan_prediger", _kappa(pa, 1.0 / q))

    # each coder's proportions over the units that coder rated (coders with no rating left out)
    rated = codes >= 0
    by_coder = np.stack([np.bincount(codes[rated[:, g], g], minlength=q)
                         for g in np.flatnonzero(rated.any(axis=0))]).astype(np.float64)
    p_gk = by_coder / by_coder.sum(axis=1, keepdims=True)
    r = p_gk.shape[0]
    pbar = p_gk.mean(axis=0)
    s2 = ((p_gk - pbar) ** 2).sum(axis=0) / (r - 1)
    res.put("conger_kappa", _kappa(pa, float((pbar ** 2 - s2 / r).sum())))
    res.put("scott_pi", _kappa(pa, float(pbar @ pbar)))
    if codes.shape[1] == 2:
        _cohen(res, codes, p_gk, q)


def _cohen(res: _Result, codes: np.ndarray, p_gk: np.ndarray, q: int) -> None:
    """Cohen's kappa, unweighted and with linear and quadratic weights (two coders)."""
    both = (codes >= 0).all(axis=1)
    c1, c2 = codes[both, 0], codes[both, 1]
    res.put("cohen_kappa", _kappa(float(np.mean(c1 == c2)), float(p_gk[0] @ p_gk[1])))
    if q < 2:
        res.fail(COHEN, NO_VARIATION)
        return
    pos = np.arange(q, dtype=np.float64)
    gap = np.abs(pos[:, None] - pos[None, :]) / (q - 1)
    for key, w in (("cohen_kappa_linear", 1.0 - gap), ("cohen_kappa_quadratic", 1.0 - gap ** 2)):
        res.put(key, _kappa(float(w[c1, c2].mean()), float(p_gk[0] @ w @ p_gk[1])))


# --------------------------------------------------------------------------- bootstrap


def _percentile_ci(samples: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval over axis 0, ignoring undefined (NaN) resamples."""
    tail = (1.0 - confidence) / 2.0
    if samples.ndim != 2:
        return _nan_ci(samples, tail)
    # the columns without NaN in one vectorised call (nanquantile loops over columns)
    gaps = np.isnan(samples).any(axis=0)
    low = np.empty(samples.shape[1])
    high = np.empty(samples.shape[1])
    low[~gaps], high[~gaps] = np.quantile(samples[:, ~gaps], [tail, 1.0 - tail], axis=0)
    if gaps.any():
        low[gaps], high[gaps] = _nan_ci(samples[:, gaps], tail)
    return low, high


def _nan_ci(samples: np.ndarray, tail: float) -> tuple[np.ndarray, np.ndarray]:
    with warnings.catch_warnings():  # all-NaN columns (alpha never defined) give NaN quietly
        warnings.simplefilter("ignore", RuntimeWarning)
        low = np.nanquantile(samples, tail, axis=0)
        high = np.nanquantile(samples, 1.0 - tail, axis=0)
    return low, high


def _check_boot(resamples: int, confidence: float) -> None:
    if int(resamples) < 1:
        raise InputError("the bootstrap needs at least one resample")
    if not 0.0 < confidence < 1.0:
        raise InputError(f"confidence must be between 0 and 1, not {confidence!r}")


def alpha_ci(data: Any, level: str = "nominal", categories: Sequence[Any] | None = None, *,
             resamples: int = 1000, seed: int = 0, confidence: float = 0.95) -> dict[str, Any]:
    """Bootstrap percentile confidence interval for Krippendorff's alpha, resampling units.

    The pairable units (two or more ratings) are drawn with replacement ``resamples`` times; a
    unit enters alpha only through its counts per category, so the draw is done as multinomial
    counts of the distinct unit patterns — the same distribution as drawing units, in a
    handful of array operations. The same ``seed`` gives the same interval.

    Returns ``{"alpha", "low", "high", "resamples", "undefined_resamples", "note"}``; ``low`` and
    ``high`` are ``None`` (with ``note``) where alpha itself is not defined. Resamples where
    alpha is 0/0 (no variation drawn) are left out and counted in ``undefined_resamples``.
    """
    _check_boot(resamples, confidence)
    enc = _encode(data, level, categories)
    point = coefficients(data, level, categories)
    result = {"alpha": point["krippendorff_alpha"], "low": None, "high": None,
              "resamples": int(resamples), "undefined_resamples": 0, "note": None}
    if point["krippendorff_alpha"] is None:
        result["note"] = point["notes"]["krippendorff_alpha"]
        return result
    pairable, _ = _alpha_parts(_counts(enc.codes, len(enc.categories)))
    patterns, freq = np.unique(pairable, axis=0, return_counts=True)
    m = patterns.sum(axis=1)
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(int(freq.sum()), freq / freq.sum(), size=int(resamples))
    draws = draws.astype(np.float64)
    n_c = draws @ patterns                                     # B x q
    if level == "ordinal":
        delta = _difference(level, enc.categories, n_c)        # B x q x q
        per_pattern = np.einsum("pc,bck,pk->bp", patterns, delta, patterns) / (m - 1.0)
        observed = (draws * per_pattern).sum(axis=1)
        expected = np.einsum("bc,bck,bk->b", n_c, delta, n_c)
    else:
        delta = _difference(level, enc.categories, n_c[0])
        per_pattern = np.einsum("pc,ck,pk->p", patterns, delta, patterns) / (m - 1.0)
        observed = draws @ per_pattern
        expected = np.einsum("bc,ck,bk->b", n_c, delta, n_c)
    total = n_c.sum(axis=1)
    defined = expected > _EPS * np.maximum(1.0, observed)
    alphas = np.full(draws.shape[0], np.nan)
    alphas[defined] = 1.0 - (total[defined] - 1.0) * observed[defined] / expected[defined]
    low, high = _percentile_ci(alphas, confidence)
    result.update(low=float(low), high=float(high),
                  undefined_resamples=int((~defined).sum()))
    return result

