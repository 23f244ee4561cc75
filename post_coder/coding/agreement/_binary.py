"""The per-code report on presence/absence codings: every coefficient for every code at once,
the bootstrap interval of each code's alpha, and alpha over a group of mutually exclusive codes."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from post_coder.coding.agreement._data import (
    _EPS,
    _MAX_BINARY_CODERS,
    BINARY,
    NO_OVERLAP,
    NO_RATINGS,
    NO_VARIATION,
    ONE_CODER,
    _counts,
)
from post_coder.coding.agreement._general import _alpha, _check_boot, _percentile_ci
from post_coder.errors import InputError

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
    """codes x 4**coders: how many units show each (applied, done) pattern, for every code.

    Pattern index: bit ``g`` = coder ``g`` rated the unit, bit ``coders + g`` = coder ``g``
    applied the code (and rated the unit). The codes are taken in blocks of about two million
    cells so that the temporaries stay small; within a block all codes are counted at once."""
    n_codes, n_units, n_coders = x.shape
    width = 4 ** n_coders
    dtype = np.uint8 if n_coders <= 4 else np.uint16
    done_bits = np.zeros(mask.shape[:-1], dtype=dtype)
    for g in range(n_coders):  # a loop over coders, not over codes
        done_bits |= mask[..., g].astype(dtype) << g
    out = np.empty((n_codes, width), dtype=np.int64)
    block = max(1, 2_000_000 // max(1, n_units))
    for start in range(0, n_codes, block):
        stop = min(n_codes, start + block)
        index = np.empty((stop - start, n_units), dtype=np.intp)
        index[...] = done_bits if done_bits.ndim == 1 else done_bits[start:stop]
        for g in range(n_coders):
            applied = x[start:stop, :, g] & (mask[..., g] if mask.ndim == 2
                                              else mask[start:stop, :, g])
            index |= applied.astype(np.intp) << (n_coders + g)
        index += (np.arange(stop - start, dtype=np.intp) * width)[:, None]
        out[start:stop] = np.bincount(index.ravel(), minlength=(stop - start) * width
                                      ).reshape(stop - start, width)
    return out


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
    alpha_low: np.ndarray | None = None
    alpha_high: np.ndarray | None = None
    #: alpha pooled over every code: the alpha of all the (unit, code) pairs as units of one
    #: presence/absence table (NaN where not defined)
    pooled_alpha: float = float("nan")
    _reasons: dict[str, np.ndarray] = field(repr=False, default_factory=dict)

    def __getattr__(self, name: str) -> np.ndarray:
        values = self.__dict__.get("values", {})
        if name in values:
            return values[name]
        raise AttributeError(name)

    @staticmethod
    def _why(n_units: float, coders: float) -> str:
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
        why = self._why(float(self.n_units[i]), float(self.coders_rating[i]))
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
        out["alpha_ci"] = None
        if self.alpha_low is not None and not math.isnan(self.alpha_low[i]):
            out["alpha_ci"] = [float(self.alpha_low[i]), float(self.alpha_high[i])]
        out["prevalence"] = [None if math.isnan(p) else float(p) for p in self.prevalence[i]]
        out["units"] = int(self.n_units[i])
        out["notes"] = notes
        return out

    def _rated(self, i: int, pair: tuple[int, int]) -> tuple[int, int]:
        rated = self._reasons["rated"][i]
        return int(rated[pair[0]]), int(rated[pair[1]])


def binary_report(ratings: Any, done: Any = None, *, resamples: int = 0, seed: int = 0,
                  confidence: float = 0.95) -> BinaryReport:
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

    With ``resamples`` (e.g. 1000) the report also holds each code's bootstrap interval of alpha
    (``alpha_low``, ``alpha_high``; as :func:`binary_alpha_ci` with the same ``seed``), from the
    same pattern counts.
    """
    x, mask = _check_binary(ratings, done)
    if resamples:
        _check_boot(resamples, confidence)
    return pattern_report(_pattern_counts(x, mask), x.shape[2], resamples=resamples, seed=seed,
                          confidence=confidence)


def pattern_report(counts: Any, n_coders: int, *, resamples: int = 0, seed: int = 0,
                   confidence: float = 0.95) -> BinaryReport:
    """:func:`binary_report` from the units counted per pattern: ``counts`` is codes x
    ``4 ** n_coders``, how many units (or how much weight: a character unit counts each
    stretch of text by its length) show each pattern. Pattern index: bit ``g`` set = coder
    ``g`` rated (marked done) the unit, bit ``n_coders + g`` set = coder ``g`` applied the
    code; a pattern where a coder applied without rating must be empty. The bootstrap
    resamples ``round(total)`` units of each code from the same counts."""
    counts = np.asarray(counts, dtype=np.float64)
    if not 1 <= n_coders <= _MAX_BINARY_CODERS:
        raise InputError(f"the binary report handles 1 to {_MAX_BINARY_CODERS} coders")
    if counts.ndim != 2 or counts.shape[1] != 4 ** n_coders:
        raise InputError(f"pattern counts must be codes x {4 ** n_coders} for {n_coders} "
                         f"coders, not {counts.shape}")
    if resamples:
        _check_boot(resamples, confidence)
    n_codes = counts.shape[0]
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
    with np.errstate(divide="ignore", invalid="ignore"):
        big_n0, big_n1 = float(n0.sum()), float(n1.sum())
        pooled = (1.0 - (big_n0 + big_n1 - 1.0) * float(cross.sum()) / (big_n0 * big_n1)
                  if big_n0 * big_n1 > 0 and (ok.any()) else float("nan"))
    report = BinaryReport(n_units=n_units.astype(np.int64),
                          coders_rating=n_active.astype(np.int64), values=values,
                          prevalence=p_g, pairs=pairs, cohen=cohen,
                          pair_units=pair_units.astype(np.int64),
                          pooled_alpha=pooled, _reasons={"rated": n_g.astype(np.int64)})
    if resamples:
        report.alpha_low, report.alpha_high = _alpha_ci_from_counts(
            counts, n_coders, resamples, seed, confidence)
    return report


def _multinomial(rng: np.random.Generator, n: np.ndarray, weights: np.ndarray,
                 resamples: int) -> np.ndarray:
    """``resamples`` multinomial draws for each row: ``n[i]`` units over the categories with
    weights ``weights[i]`` (counts). Drawn category by category as conditional binomials, each
    one array call over every row and resample (fast when the categories are few)."""
    rows, groups = weights.shape
    tail = np.cumsum(weights[:, ::-1], axis=1)[:, ::-1]          # weight of categories k..G
    remaining = np.broadcast_to(n.astype(np.int64), (resamples, rows)).copy()
    out = np.zeros((resamples, rows, groups), dtype=np.float64)
    for k in range(groups):
        share = np.divide(weights[:, k], tail[:, k], out=np.zeros(rows), where=tail[:, k] > 0)
        draw = rng.binomial(remaining, np.minimum(share, 1.0))
        out[:, :, k] = draw
        remaining -= draw
    return out


def binary_alpha_ci(ratings: Any, done: Any = None, *, resamples: int = 1000, seed: int = 0,
                    confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Bootstrap percentile interval of each code's alpha (arrays low, high; NaN where alpha is
    not defined). Units are resampled per code, as multinomial counts of the (coders rating,
    coders applying) patterns of its pairable units — one array draw for all codes. The same
    ``seed`` gives the same intervals."""
    _check_boot(resamples, confidence)
    x, mask = _check_binary(ratings, done)
    counts = _pattern_counts(x, mask).astype(np.float64)
    return _alpha_ci_from_counts(counts, x.shape[2], resamples, seed, confidence)


def _alpha_ci_from_counts(counts: np.ndarray, n_coders: int, resamples: int, seed: int,
                          confidence: float) -> tuple[np.ndarray, np.ndarray]:
    applied, rated = _bits(n_coders)
    valid = ~(applied & ~rated).any(axis=1)
    m = rated.sum(axis=1)
    a = applied.sum(axis=1)
    # alpha depends on a pairable unit only through (coders rating, coders applying)
    group = np.where(valid & (m >= 2), m * (n_coders + 1) + a, -1)
    keys = np.unique(group[group >= 0])
    onto = (group[:, None] == keys[None, :]).astype(np.float64)       # P x G
    freq = counts @ onto                                               # codes x G
    gm = (keys // (n_coders + 1)).astype(np.float64)
    ga = (keys % (n_coders + 1)).astype(np.float64)
    total = freq.sum(axis=1)
    usable = (total > 0) & ((freq @ ga) * (freq @ (gm - ga)) > 0)   # alpha itself defined
    draws = _multinomial(np.random.default_rng(seed), np.where(usable, total, 0),
                         np.where(usable[:, None], freq, 0.0), int(resamples))  # B x codes x G
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

