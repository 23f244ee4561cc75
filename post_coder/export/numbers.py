"""Numbers as journals print them: percentages rounded half away from zero, with their base.

Python's ``round`` rounds half to even and works on binary floats, so 18/32 = 56.25 % comes
out as 56.2; a journal prints 56.3. Every percentage here is computed from its counts with
:mod:`decimal`, so the tie is decided on the exact value, and never without its denominator.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

__all__ = ["n_percent", "percent", "round_half_away"]


def round_half_away(value: float | Decimal, decimals: int = 1) -> float:
    """``value`` rounded to ``decimals`` places, a tie going away from zero (2.25 → 2.3,
    -2.25 → -2.3). A float is taken at its shortest decimal form (``repr``), so 2.675
    rounds to 2.68 as a reader expects, not to the 2.67 its binary value would give."""
    if decimals < 0:
        raise ValueError("decimals must be 0 or more")
    exact = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    # ROUND_HALF_UP in decimal rounds ties away from zero, for negative numbers too
    return float(exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def percent(n: int, denominator: int, decimals: int = 1) -> float | None:
    """``n`` of ``denominator`` as a percentage rounded half away from zero; None when the
    denominator is 0 (a percentage of nobody is not 0 %)."""
    if denominator < 0 or n < 0:
        raise ValueError("counts cannot be negative")
    if denominator == 0:
        return None
    return round_half_away(Decimal(n) * 100 / Decimal(denominator), decimals)


def n_percent(n: int, denominator: int, decimals: int = 1) -> str:
    """"18 (56.3%)", or "0 (—)" when the denominator is 0. Whole percentages print without
    a decimal point only when ``decimals`` is 0."""
    p = percent(n, denominator, decimals)
    if p is None:
        return f"{n} (—)"
    return f"{n} ({p:.{decimals}f}%)"
