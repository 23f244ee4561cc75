"""Reliability data in: checking and encoding the units x coders table; the reasons given
for coefficients that are not defined."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from post_coder.errors import InputError

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
            raise InputError("this row is not a list of ratings (one per coder)", row=i)
        rows.append(list(row))
    if rows and any(len(r) != len(rows[0]) for r in rows):
        bad = next(i for i, r in enumerate(rows, start=1) if len(r) != len(rows[0]))
        raise InputError(f"it has {len(rows[bad - 1])} ratings but row 1 has {len(rows[0])}; "
                         "give every unit one cell per coder (None where missing)", row=bad)
    return rows


def _bad(message: str, row: int, column: int) -> InputError:
    """The error for one cell (``row`` and ``column`` from 1), or for the categories (row 0)."""
    if row:
        return InputError(message, row=row, column=f"coder {column}")
    return InputError(f"categories: {message}")


def _as_value(value: Any, level: str, row: int, column: int) -> Any:
    """One rating (or, with ``row`` 0, one of the categories given), checked for the level."""
    if level == "set":
        if isinstance(value, (str, bytes)) or not isinstance(value, (Sequence, set, frozenset)):
            raise _bad(f"a set-valued rating must be a list of codes, not {value!r}", row,
                       column)
        return frozenset(value)
    if level in ("interval", "ratio"):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise _bad(f"{level} data must be numbers, not {value!r}", row, column)
        if level == "ratio" and value < 0:
            raise _bad(f"ratio data cannot be negative ({value!r}); use level='interval'",
                       row, column)
    try:
        hash(value)
    except TypeError:
        raise _bad(f"{value!r} cannot be a category", row, column) from None
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
        if isinstance(categories, (str, bytes)) or not isinstance(categories, Sequence):
            raise InputError("categories must be a list of the possible values, in order")
        cats = [_as_value(v, level, 0, 0) for v in categories]
        if len(set(cats)) != len(cats):
            raise InputError("categories lists a value more than once")
    index = {v: k for k, v in enumerate(cats)}
    codes = np.full((len(cells), len(cells[0]) if cells else 0), -1, dtype=np.int64)
    for i, row in enumerate(cells):
        for j, v in enumerate(row):
            if v is not None:
                k = index.get(v)
                if k is None:
                    raise _bad(f"{v!r} is not one of the categories given", i + 1, j + 1)
                codes[i, j] = k
    return _Encoded(codes, cats)


def _counts(codes: np.ndarray, q: int) -> np.ndarray:
    """units x categories: how many coders put each unit in each category."""
    units = codes.shape[0]
    rated = codes >= 0
    flat = (np.arange(units)[:, None] * q + codes)[rated]
    return np.bincount(flat, minlength=units * q).reshape(units, q).astype(np.float64)

