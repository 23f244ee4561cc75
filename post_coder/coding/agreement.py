"""Inter-coder agreement statistics for any reliability data (pure numpy; no project access).

The public entry point is :func:`coefficients`::

    from post_coder.coding.agreement import coefficients
    data = [[1, 1, None],      # one row per unit (response), one column per coder,
            [0, 1, 1],         # None where that coder gave no rating
            [0, 0, 0]]
    result = coefficients(data, level="nominal", categories=[0, 1])
    result["krippendorff_alpha"], result["notes"]

It returns every coefficient the app reports, ``None`` where a coefficient is not defined for
these data, and a plain-words reason for each ``None`` under ``notes``. The app's per-code
report uses the vectorised :func:`binary_report` (every code at once) and
:func:`binary_alpha_ci`; :func:`alpha_ci` and :func:`group_alpha` complete the set.

Notation (Gwet 2014): ``n`` units, ``r`` coders, ``q`` categories; ``r_ik`` coders who put unit
``i`` in category ``k``; ``r_i = sum_k r_ik`` the coders who rated unit ``i``.

Conventions for missing ratings
-------------------------------
* Observed agreement ``p_a`` (Gwet 2014, ch. 2 and 5; R package irrCAC ``pa.coeff.raw``): the mean,
  over the ``n'`` units rated by two or more coders, of the share of agreeing coder pairs::

      p_a = 1/n' * sum_{i: r_i >= 2} sum_k r_ik (r_ik - 1) / (r_i (r_i - 1))

  This is ``percent_agreement`` and the ``p_a`` of Fleiss, Conger, Scott, AC1 and
  Brennan-Prediger. For two coders it is the share of units both rated where they agree.
* Chance agreement ``p_e``; each coefficient is ``(p_a - p_e) / (1 - p_e)``:

  - Fleiss' kappa (Fleiss 1971; irrCAC ``fleiss.kappa.raw``): ``pi_k = mean over units rated at
    least once of r_ik / r_i``; ``p_e = sum_k pi_k^2``.
  - Gwet's AC1 (Gwet 2008): ``p_e = sum_k pi_k (1 - pi_k) / (q - 1)`` with the same ``pi_k``.
  - Brennan-Prediger (1981): ``p_e = 1 / q``.
  - Conger's kappa (Conger 1980; irrCAC ``conger.kappa.raw``): ``p_gk`` = share of the units
    coder ``g`` rated that they put in ``k``; ``pbar_k`` the mean over coders; ``s2_k`` the
    variance over coders of ``p_gk`` (divisor ``r - 1``); ``p_e = sum_k (pbar_k^2 - s2_k / r)``.
  - Cohen's kappa (Cohen 1960), two coders: ``p_e = sum_k p_1k p_2k`` with each coder's
    proportions over all the units that coder rated (Gwet's two-rater convention); equal to
    Conger's kappa for two coders. Weighted (Cohen 1968): ``p_a = mean of w(k1, k2)`` over
    units both rated, ``p_e = sum_kl w_kl p_1k p_2l`` with linear weights
    ``1 - |i - j| / (q - 1)`` or quadratic weights ``1 - (i - j)^2 / (q - 1)^2`` on the
    positions ``i, j`` of the categories in ``categories``.
  - Scott's pi (Scott 1955): ``p_e = sum_k pbar_k^2`` with the coders' mean proportions
    ``pbar_k`` as for Conger (the coders' own marginals, pooled). With no missing ratings it
    equals Fleiss' kappa (which generalises Scott's pi); with missing ratings it differs
    because Fleiss weights units and Scott weights coders.
* Krippendorff's alpha (Krippendorff 2011, "Computing Krippendorff's alpha-reliability"): only
  *pairable* values count (units with two or more ratings). Coincidences
  ``o_ck = sum_u (number of c-k pairs of different coders in u) / (m_u - 1)``,
  ``n_c = sum_k o_ck``, ``n = sum_c n_c``::

      alpha = 1 - (n - 1) * sum_ck o_ck d_ck / sum_ck n_c n_k d_ck

  with the level's difference ``d_ck``: nominal ``[c != k]``; ordinal
  ``(sum_{g=c..k} n_g - (n_c + n_k) / 2)^2`` over the order of ``categories``; interval
  ``(c - k)^2``; ratio ``((c - k) / (c + k))^2``; set-valued ratings (``level="set"``) the MASI
  distance of Passonneau (2006), with two empty sets at distance 0.

The chance-corrected kappas are unweighted (nominal) at every level; only alpha and the two
weighted Cohen variants use the order or values of the categories.

Degenerate data
---------------
A coefficient that is 0/0 for these data is ``None`` with a reason, never a crash or a made-up
1.0: no ratings, fewer than two coders with any rating, no unit rated by two coders, no
variation (every rating the same value, so chance agreement is already total), or fewer than two
possible categories. Gwet's AC1, Brennan-Prediger and percent agreement stay defined when all
coders give the same value (their chance agreement is below 1), and are reported.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from post_coder.errors import InputError

__all__ = ["COEFFICIENTS", "LEVELS", "BinaryReport", "alpha_ci", "binary_alpha_ci",
           "binary_report", "coefficients", "group_alpha"]

LEVELS = ("nominal", "ordinal", "interval", "ratio", "set")
COEFFICIENTS = ("krippendorff_alpha", "percent_agreement", "cohen_kappa", "cohen_kappa_linear",
                "cohen_kappa_quadratic", "fleiss_kappa", "conger_kappa", "scott_pi", "gwet_ac1",
                "brennan_prediger")
COHEN = ("cohen_kappa", "cohen_kappa_linear", "cohen_kappa_quadratic")
# the coefficients of a binary per-code report (Cohen's kappa comes per coder pair)
BINARY = ("krippendorff_alpha", "percent_agreement", "fleiss_kappa", "conger_kappa", "scott_pi",
          "gwet_ac1", "brennan_prediger")

NO_RATINGS = "not defined: there are no ratings"
ONE_CODER = "not defined: fewer than two coders gave any rating"
NO_OVERLAP = "not defined: no unit was rated by two or more coders, so nothing can be compared"
NO_VARIATION = ("not defined: every rating is the same value, so agreement expected by chance "
                "is already total (0/0)")
ONE_CATEGORY = ("not defined: only one category is possible; give the full list of possible "
                "values in categories")
SET_ONLY = ("not computed for set-valued ratings: only Krippendorff's alpha (MASI distance) and "
            "percent agreement (identical sets) are; use per-code presence/absence data for the "
            "chance-corrected coefficients")
_EPS = 1e-12
_MAX_BINARY_CODERS = 8


def _not_two(coders: int) -> str:
    return (f"Cohen's kappa compares exactly two coders and these data have {coders}; see "
            "Conger's kappa or the kappa of each coder pair")


# --------------------------------------------------------------------------- input


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return type(value).__name__ in ("NAType", "NaTType")  # pandas.NA, pandas.NaT


def _rows(data: Any) -> list[list[Any]]:
    if hasattr(data, "to_numpy"):  # a pandas DataFrame
        data = data.to_numpy(dtype=object)
    if isinstance(data, np.ndarray):
        if data.ndim != 2:
            raise InputError(f"reliability data must be a table of units by coders; this array "
                             f"has {data.ndim} dimension(s)")
        data = data.tolist()
    if isinstance(data, (str, bytes)) or not isinstance(data, Sequence):
        raise InputError("reliability data must be a list of rows, one per unit, each with one "
                         "cell per coder (None where a coder gave no rating)")
    rows = []
    for i, row in enumerate(data, start=1):
        if isinstance(row, (str, bytes)) or not isinstance(row, Sequence):
            raise InputError(f"row {i} is not a list of ratings (one per coder)", row=i)
        rows.append(list(row))
    if rows and any(len(r) != len(rows[0]) for r in rows):
        bad = next(i for i, r in enumerate(rows, start=1) if len(r) != len(rows[0]))
        raise InputError(f"row {bad} has {len(rows[bad - 1])} ratings but row 1 has "
                         f"{len(rows[0])}; give every unit one cell per coder (None where "
                         "missing)", row=bad)
    return rows


def _as_value(value: Any, level: str, row: int, column: int) -> Any:
    if level == "set":
        if isinstance(value, (str, bytes)) or not isinstance(value, (Sequence, set, frozenset)):
            raise InputError(f"row {row}, coder {column}: a set-valued rating must be a list of "
                             f"codes, not {value!r}", row=row)
        return frozenset(value)
    if level in ("interval", "ratio"):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise InputError(f"row {row}, coder {column}: {level} data must be numbers, not "
                             f"{value!r}", row=row)
        if level == "ratio" and value < 0:
            raise InputError(f"row {row}, coder {column}: ratio data cannot be negative "
                             f"({value!r}); use level='interval'", row=row)
    try:
        hash(value)
    except TypeError:
        raise InputError(f"row {row}, coder {column}: {value!r} cannot be a category",
                         row=row) from None
    return value


@dataclass
class _Encoded:
    codes: np.ndarray          # units x coders, category index, -1 = missing
    categories: list[Any]      # the ordered categories


def _encode(data: Any, level: str, categories: Sequence[Any] | None) -> _Encoded:
    if level not in LEVELS:
        raise InputError(f"unknown level {level!r}; choose one of {', '.join(LEVELS)}")
    rows = _rows(data)
    cells: list[list[Any]] = [
        [None if _is_missing(v) else _as_value(v, level, i, j) for j, v in enumerate(row, 1)]
        for i, row in enumerate(rows, 1)]
    if categories is None:
        seen = list(dict.fromkeys(v for row in cells for v in row if v is not None))
        if level == "set":
            cats = sorted(seen, key=lambda s: (len(s), sorted(map(str, s))))
        else:
            try:
                cats = sorted(seen)
            except TypeError:
                if level != "nominal":
                    raise InputError(f"the values cannot be put in order for {level} data; "
                                     "give the order in categories") from None
                cats = seen
    else:
        cats = [_as_value(v, level, 0, 0) if level == "set" else v for v in categories]
        if len(set(cats)) != len(cats):
            raise InputError("categories lists a value more than once")
    index = {v: k for k, v in enumerate(cats)}
    codes = np.full((len(cells), len(cells[0]) if cells else 0), -1, dtype=np.int64)
    for i, row in enumerate(cells):
        for j, v in enumerate(row):
            if v is not None:
                k = index.get(v)
                if k is None:
                    raise InputError(f"row {i + 1}, coder {j + 1}: {v!r} is not one of the "
                                     "categories given", row=i + 1)
                codes[i, j] = k
    if level in ("interval", "ratio"):
        for v in cats:
            _as_value(v, level, 0, 0)
    return _Encoded(codes, cats)


def _counts(codes: np.ndarray, q: int) -> np.ndarray:
    """units x categories: how many coders put each unit in each category."""
    units = codes.shape[0]
    rated = codes >= 0
    flat = (np.arange(units)[:, None] * q + codes)[rated]
    return np.bincount(flat, minlength=units * q).reshape(units, q).astype(np.float64)


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
    observed = float(np.einsum("uc,ck,uk,u->", pairable, delta, pairable, weight))
    expected = float(n_c @ delta @ n_c)
    if expected <= _EPS * max(1.0, observed):
        return None, NO_VARIATION
    return float(1.0 - (n_c.sum() - 1.0) * observed / expected), None


# --------------------------------------------------------------------------- coefficients


def _kappa(pa: float, pe: float) -> tuple[float | None, str | None]:
    if 1.0 - pe <= _EPS:
        return None, NO_VARIATION
    return (pa - pe) / (1.0 - pe), None


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
    conventions for missing ratings are in this module's docstring.

    >>> r = coefficients([[1, 0], [1, 1], [0, 0], [0, 0]])
    >>> round(r["cohen_kappa"], 4), r["fleiss_kappa"] == r["scott_pi"]
    (0.5, True)
    """
    enc = _encode(data, level, categories)
    codes, cats = enc.codes, enc.categories
    q = len(cats)
    out: dict[str, Any] = dict.fromkeys(COEFFICIENTS)
    notes: dict[str, str] = {}
    out["notes"] = notes

    def fail(keys: Sequence[str], reason: str) -> dict[str, Any]:
        for key in keys:
            if out[key] is None and key not in notes:
                notes[key] = reason
        return out

    n_coders = codes.shape[1]
    if n_coders != 2:
        fail(COHEN, _not_two(n_coders))
    rated = codes >= 0
    if not rated.any():
        return fail(COEFFICIENTS, NO_RATINGS)
    active = rated.any(axis=0)
    if active.sum() < 2:
        return fail(COEFFICIENTS, ONE_CODER)
    counts = _counts(codes, q)
    r_i = counts.sum(axis=1)
    two = r_i >= 2
    if not two.any():
        return fail(COEFFICIENTS, NO_OVERLAP)

    agree = (counts[two] * (counts[two] - 1.0)).sum(axis=1) / (r_i[two] * (r_i[two] - 1.0))
    pa = float(agree.mean())
    out["percent_agreement"] = pa
    out["krippendorff_alpha"], why = _alpha(counts, level, cats)
    if why:
        notes["krippendorff_alpha"] = why
    if level == "set":
        return fail(COEFFICIENTS, SET_ONLY)

    def put(key: str, value: tuple[float | None, str | None]) -> None:
        out[key], why = value
        if why:
            notes[key] = why

    once = r_i >= 1
    pi = (counts[once] / r_i[once, None]).mean(axis=0)
    put("fleiss_kappa", _kappa(pa, float(pi @ pi)))
    if q < 2:
        fail(("gwet_ac1", "brennan_prediger"), ONE_CATEGORY)
    else:
        put("gwet_ac1", _kappa(pa, float((pi * (1.0 - pi)).sum() / (q - 1))))
        put("brennan_prediger", _kappa(pa, 1.0 / q))

    # each active coder's proportions over the units that coder rated
    by_coder = np.stack([np.bincount(codes[rated[:, g], g], minlength=q)
                         for g in np.flatnonzero(active)]).astype(np.float64)
    p_gk = by_coder / by_coder.sum(axis=1, keepdims=True)
    r = p_gk.shape[0]
    pbar = p_gk.mean(axis=0)
    s2 = ((p_gk - pbar) ** 2).sum(axis=0) / (r - 1)
    put("conger_kappa", _kappa(pa, float((pbar ** 2 - s2 / r).sum())))
    put("scott_pi", _kappa(pa, float(pbar @ pbar)))

    if n_coders == 2:
        both = rated.all(axis=1)
        c1, c2 = codes[both, 0], codes[both, 1]
        put("cohen_kappa", _kappa(float(np.mean(c1 == c2)), float(p_gk[0] @ p_gk[1])))
        if q < 2:
            fail(COHEN, NO_VARIATION)
        else:
            pos = np.arange(q, dtype=np.float64)
            gap = np.abs(pos[:, None] - pos[None, :]) / (q - 1)
            for key, w in (("cohen_kappa_linear", 1.0 - gap),
                           ("cohen_kappa_quadratic", 1.0 - gap ** 2)):
                put(key, _kappa(float(w[c1, c2].mean()), float(p_gk[0] @ w @ p_gk[1])))
    return out


# --------------------------------------------------------------------------- bootstrap


def _percentile_ci(samples: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval over axis 0, ignoring undefined (NaN) resamples."""
    tail = (1.0 - confidence) / 2.0
    with np.errstate(all="ignore"):
        import warnings
        with warnings.catch_warnings():
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


# --------------------------------------------------------------------------- binary report


def _bits(n_coders: int) -> tuple[np.ndarray, np.ndarray]:
    """For every pattern index: which coders applied the code, which were done (bools)."""
    index = np.arange(4 ** n_coders)
    coder = np.arange(n_coders)
    applied = ((index[:, None] >> (n_coders + coder)) & 1).astype(bool)
    done = ((index[:, None] >> coder) & 1).astype(bool)
    return applied, done


def _check_binary(ratings: Any, done: Any) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(ratings)
    if x.ndim != 3:
        raise InputError("binary ratings must be an array of codes x units x coders")
    if x.dtype != np.bool_:
        if not np.issubdtype(x.dtype, np.integer):
            raise InputError("binary ratings must be booleans or 0/1 integers")
        if x.size and (x.min() < 0 or x.max() > 1):
            raise InputError("binary ratings must be 0 or 1 (1 = the coder applied the code)")
        x = x.astype(bool)
    if x.shape[2] > _MAX_BINARY_CODERS:
        raise InputError(f"the binary report handles up to {_MAX_BINARY_CODERS} coders; use "
                         "coefficients() per code for more")
    if done is None:
        mask = np.ones(x.shape[1:], dtype=bool)
    else:
        mask = np.asarray(done).astype(bool, copy=False)
        if mask.shape not in (x.shape[1:], x.shape):
            raise InputError(f"the done mask must be units x coders {x.shape[1:]} or codes x "
                             f"units x coders {x.shape}, not {mask.shape}")
    return x, mask


def _pattern_counts(x: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """codes x 4**coders: how many units show each (applied, done) pattern, for every code."""
    n_codes, n_units, n_coders = x.shape
    width = 4 ** n_coders
    dtype = np.uint8 if n_coders <= 4 else np.uint16
    done_bits = np.zeros(mask.shape[:-1], dtype=dtype)
    for g in range(n_coders):  # a loop over coders, not over codes
        done_bits |= mask[..., g].astype(dtype) << g
    index = np.empty((n_codes, n_units), dtype=np.int64)
    index[...] = done_bits
    for g in range(n_coders):
        applied = x[:, :, g] & mask[..., g]
        index |= applied.astype(np.int64) << (n_coders + g)
    index += (np.arange(n_codes, dtype=np.int64) * width)[:, None]
    return np.bincount(index.ravel(), minlength=n_codes * width).reshape(n_codes, width)


@dataclass
class BinaryReport:
    """Per-code agreement on presence/absence data; arrays over codes, NaN where not defined.

    ``n_units``: units rated by two or more coders; ``prevalence``: codes x coders, the share of
    the units each coder rated (marked done) where they applied the code; ``pairs``: the coder
    pairs (index pairs) and ``cohen``: codes x pairs, Cohen's kappa of each pair.
    :meth:`result` gives one code in the form of :func:`coefficients` (None plus notes).
    """

    n_units: np.ndarray
    coders_rating: np.ndarray
    values: dict[str, np.ndarray]
    prevalence: np.ndarray
    pairs: list[tuple[int, int]]
    cohen: np.ndarray
    pair_units: np.ndarray
    _reasons: dict[str, np.ndarray] = field(repr=False, default_factory=dict)

    def __getattr__(self, name: str) -> np.ndarray:
        values = self.__dict__.get("values", {})
        if name in values:
            return values[name]
        raise AttributeError(name)

    def _why(self, i: int, n_units: float, coders: float) -> str:
        if coders < 2:
            return ONE_CODER if coders == 1 else NO_RATINGS
        if n_units == 0:
            return NO_OVERLAP
        return NO_VARIATION

    def result(self, i: int) -> dict[str, Any]:
        """Code ``i``: the coefficients, ``pairs`` (pair -> kappa), ``prevalence``, ``units`` and
        ``notes`` (reason for each None)."""
        out: dict[str, Any] = {}
        notes: dict[str, str] = {}
        why = self._why(i, float(self.n_units[i]), float(self.coders_rating[i]))
        for key in BINARY:
            v = float(self.values[key][i])
            out[key] = None if math.isnan(v) else v
            if out[key] is None:
                notes[key] = why
        pairs = {}
        for j, pair in enumerate(self.pairs):
            v = float(self.cohen[i, j])
            pairs[pair] = None if math.isnan(v) else v
            if pairs[pair] is None:
                notes[f"cohen_kappa {pair[0]}-{pair[1]}"] = (
                    NO_OVERLAP if self.pair_units[i, j] == 0 else
                    ONE_CODER if min(self._rated(i, pair)) == 0 else NO_VARIATION)
        out["pairs"] = pairs
        out["prevalence"] = [None if math.isnan(p) else float(p) for p in self.prevalence[i]]
        out["units"] = int(self.n_units[i])
        out["notes"] = notes
        return out

    def _rated(self, i: int, pair: tuple[int, int]) -> tuple[int, int]:
        rated = self._reasons["rated"][i]
        return int(rated[pair[0]]), int(rated[pair[1]])


def binary_report(ratings: Any, done: Any = None) -> BinaryReport:
    """Agreement per code for presence/absence codings, every code at once (no loop per code).

    ``ratings``: booleans (or 0/1), codes x units x coders — did this coder apply this code to
    this unit. ``done``: units x coders (or codes x units x coders) — did this coder rate (mark
    done) this unit; a unit a coder has not marked done is a missing rating, never a 0. ``None``
    means every coder rated every unit. Up to 8 coders.

    The values equal :func:`coefficients` on each code's units x coders table with
    ``categories=[0, 1]``: alpha, percent agreement, Fleiss, Conger, Scott, Gwet's AC1,
    Brennan-Prediger and Cohen's kappa per coder pair. Every statistic is a sum over units of
    a function of the unit's pattern (who applied the code, who rated the unit), so the units
    are counted per pattern with one ``bincount`` and the coefficients follow from a
    codes x patterns matrix product.
    """
    x, mask = _check_binary(ratings, done)
    n_codes, _, n_coders = x.shape
    counts = _pattern_counts(x, mask).astype(np.float64)        # codes x P
    applied, rated = _bits(n_coders)                             # P x coders
    valid = ~(applied & ~rated).any(axis=1)
    m = rated.sum(axis=1).astype(np.float64)
    a = applied.sum(axis=1).astype(np.float64)
    b = m - a
    two = (m >= 2) & valid
    one = (m >= 1) & valid
    with np.errstate(divide="ignore", invalid="ignore"):
        f_agree = np.where(two, (a * (a - 1) + b * (b - 1)) / (m * (m - 1)), 0.0)
        f_cross = np.where(two, a * b / (m - 1), 0.0)
        f_share = np.where(one, a / m, 0.0)
    pairs = [(g, h) for g in range(n_coders) for h in range(g + 1, n_coders)]
    features = [two, f_agree, f_cross, np.where(two, a, 0), np.where(two, b, 0), one, f_share]
    features += [applied[:, g] & rated[:, g] for g in range(n_coders)]
    features += [rated[:, g] for g in range(n_coders)]
    for g, h in pairs:
        both = rated[:, g] & rated[:, h]
        features += [both, both & (applied[:, g] == applied[:, h])]
    sums = counts @ np.stack(features, axis=1).astype(np.float64)  # codes x features
    n_units, agree, cross, n1, n0, n_once, share = (sums[:, k] for k in range(7))
    k_g = sums[:, 7:7 + n_coders]
    n_g = sums[:, 7 + n_coders:7 + 2 * n_coders]
    pair_sums = sums[:, 7 + 2 * n_coders:]

    nan = np.full(n_codes, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        active = n_g > 0
        n_active = active.sum(axis=1).astype(np.float64)
        ok = (n_active >= 2) & (n_units > 0)
        pa = np.where(ok, agree / n_units, nan)
        alpha = np.where(ok & (n0 * n1 > 0), 1.0 - (n0 + n1 - 1.0) * cross / (n0 * n1), nan)
        pi1 = share / n_once
        p_g = np.where(active, k_g / n_g, np.nan)
        pbar = np.nansum(p_g, axis=1) / n_active
        s2 = np.nansum((p_g - pbar[:, None]) ** 2, axis=1) / (n_active - 1.0)

        def kappa(pe: np.ndarray) -> np.ndarray:
            return np.where(ok & (1.0 - pe > _EPS), (pa - pe) / (1.0 - pe), nan)

        values = {
            "krippendorff_alpha": alpha,
            "percent_agreement": pa,
            "fleiss_kappa": kappa(pi1 ** 2 + (1.0 - pi1) ** 2),
            "conger_kappa": kappa(pbar ** 2 + (1.0 - pbar) ** 2 - 2.0 * s2 / n_active),
            "scott_pi": kappa(pbar ** 2 + (1.0 - pbar) ** 2),
            "gwet_ac1": kappa(2.0 * pi1 * (1.0 - pi1)),
            "brennan_prediger": kappa(np.full(n_codes, 0.5)),
        }
        cohen = np.full((n_codes, len(pairs)), np.nan)
        pair_units = pair_sums[:, 0::2] if pairs else np.zeros((n_codes, 0))
        for j, (g, h) in enumerate(pairs):
            both, same = pair_sums[:, 2 * j], pair_sums[:, 2 * j + 1]
            pe = p_g[:, g] * p_g[:, h] + (1.0 - p_g[:, g]) * (1.0 - p_g[:, h])
            cohen[:, j] = np.where((both > 0) & (1.0 - pe > _EPS),
                                   (same / both - pe) / (1.0 - pe), np.nan)
    return BinaryReport(n_units=n_units.astype(np.int64), coders_rating=n_active.astype(np.int64),
                        values=values, prevalence=p_g, pairs=pairs, cohen=cohen,
                        pair_units=pair_units.astype(np.int64),
                        _reasons={"rated": n_g.astype(np.int64)})


def binary_alpha_ci(ratings: Any, done: Any = None, *, resamples: int = 1000, seed: int = 0,
                    confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Bootstrap percentile interval of each code's alpha (arrays low, high; NaN where alpha is
    not defined). Units are resampled per code, as multinomial counts of the (coders rating,
    coders applying) patterns of its pairable units — one array draw for all codes. The same
    ``seed`` gives the same intervals."""
    _check_boot(resamples, confidence)
    x, mask = _check_binary(ratings, done)
    n_codes, _, n_coders = x.shape
    counts = _pattern_counts(x, mask).astype(np.float64)
    applied, rated = _bits(n_coders)
    valid = ~(applied & ~rated).any(axis=1)
    m = rated.sum(axis=1)
    a = applied.sum(axis=1)
    # group the patterns by (m, a) among pairable units
    group = np.where(valid & (m >= 2), m * (n_coders + 1) + a, -1)
    keys = np.unique(group[group >= 0])
    onto = (group[:, None] == keys[None, :]).astype(np.float64)       # P x G
    freq = counts @ onto                                               # codes x G
    gm = (keys // (n_coders + 1)).astype(np.float64)
    ga = (keys % (n_coders + 1)).astype(np.float64)
    total = freq.sum(axis=1)
    point = binary_report(x, mask).values["krippendorff_alpha"]
    usable = ~np.isnan(point) & (total > 0)
    probs = np.where(usable[:, None], freq / np.where(total > 0, total, 1.0)[:, None], 0.0)
    probs[~usable, 0] = 1.0
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(np.where(usable, total, 0).astype(np.int64), probs,
                            size=(int(resamples), n_codes)).astype(np.float64)  # B x codes x G
    n1 = draws @ ga
    n0 = draws @ (gm - ga)
    cross = draws @ (ga * (gm - ga) / (gm - 1.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        alphas = np.where(n0 * n1 > 0, 1.0 - (n0 + n1 - 1.0) * cross / (n0 * n1), np.nan)
    low, high = _percentile_ci(alphas, confidence)
    low[~usable] = np.nan
    high[~usable] = np.nan
    return low, high


def group_alpha(ratings: Any, done: Any = None) -> tuple[float | None, str | None]:
    """Multi-category nominal alpha over a group of mutually exclusive codes.

    ``ratings``: codes of the group x units x coders (as for :func:`binary_report`). Each rated
    unit gets one value per coder: the code applied, or "none of the group". A coder who
    applied two codes of the group to one unit contributes that combination as a value of its
    own (which disagrees with every single code). Returns ``(alpha, None)`` or
    ``(None, reason)``.
    """
    x, mask = _check_binary(ratings, done)
    n_group, n_units, n_coders = x.shape
    if n_group > 62:
        raise InputError("a group of mutually exclusive codes can have at most 62 codes")
    value = np.zeros((n_units, n_coders), dtype=np.int64)
    for k in range(n_group):  # a loop over the (few) codes of one group, building the values
        value |= (x[k] & mask if mask.ndim == 2 else x[k] & mask[k]).astype(np.int64) << k
    rated = mask if mask.ndim == 2 else mask.any(axis=0)
    if not rated.any():
        return None, NO_RATINGS
    if rated.any(axis=0).sum() < 2:
        return None, ONE_CODER
    cats, codes = np.unique(value, return_inverse=True)
    codes = np.where(rated, codes.reshape(value.shape), -1)
    return _alpha(_counts(codes, len(cats)), "nominal", list(cats))
