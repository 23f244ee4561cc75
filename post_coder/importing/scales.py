"""Known answer scales, so Likert items become ordinal variables with their levels in order.

Each scale maps the normalised wording of a level to its rank (low → high). A column is
ordinal when every distinct answer belongs to one scale. Yes/no is deliberately absent: it
stays categorical.
"""

from __future__ import annotations

import re
from collections.abc import Iterable



def _scale(*levels: str | tuple[str, ...]) -> dict[str, int]:
    """A scale from levels low → high; a tuple gives synonyms that share one rank."""
    out: dict[str, int] = {}
    for rank, level in enumerate(levels):
        for word in (level if isinstance(level, tuple) else (level,)):
            out[word] = rank
    return out


_NEUTRAL = ("neutral", "undecided", "unsure", "not sure", "neither")

SCALES: dict[str, dict[str, int]] = {
    "agreement": _scale(
        ("strongly disagree", "disagree strongly", "completely disagree", "totally disagree"),
        ("disagree", "mostly disagree"),
        ("somewhat disagree", "slightly disagree", "tend to disagree", "disagree somewhat",
         "partly disagree", "mildly disagree"),
        ("neither agree nor disagree", "neither agree or disagree", "neither disagree nor agree",
         *_NEUTRAL),
        ("somewhat agree", "slightly agree", "tend to agree", "agree somewhat", "partly agree",
         "mildly agree"),
        ("agree", "mostly agree"),
        ("strongly agree", "agree strongly", "completely agree", "totally agree"),
    ),
    "satisfaction": _scale(
        ("extremely dissatisfied", "very dissatisfied", "completely dissatisfied",
         "not at all satisfied", "very unsatisfied"),
        ("dissatisfied", "unsatisfied", "not satisfied"),
        ("somewhat dissatisfied", "slightly dissatisfied", "moderately dissatisfied"),
        ("neither satisfied nor dissatisfied", "neither satisfied or dissatisfied", *_NEUTRAL),
        ("somewhat satisfied", "slightly satisfied", "moderately satisfied"),
        ("satisfied",),
        ("very satisfied", "extremely satisfied", "completely satisfied"),
    ),
    "likelihood": _scale(
        ("extremely unlikely", "very unlikely", "not at all likely", "definitely not",
         "definitely will not"),
        ("unlikely", "not likely", "probably not", "probably will not"),
        ("somewhat unlikely", "slightly unlikely"),
        ("neither likely nor unlikely", "neither likely or unlikely", *_NEUTRAL),
        ("somewhat likely", "slightly likely", "moderately likely"),
        ("likely", "probably", "probably will"),
        ("very likely", "extremely likely", "definitely", "definitely will"),
    ),
    "helpfulness": _scale(
        ("not at all helpful", "not helpful at all", "very unhelpful"),
        ("not helpful", "unhelpful", "not very helpful"),
        ("slightly helpful", "a little helpful", "somewhat unhelpful"),
        ("somewhat helpful", "moderately helpful", "neither helpful nor unhelpful", *_NEUTRAL),
        ("helpful", "quite helpful"),
        ("very helpful",),
        ("extremely helpful",),
    ),
    "quality": _scale(
        ("very poor", "terrible", "very bad"),
        ("poor", "bad", "below average"),
        ("fair", "average", "acceptable", "ok", "okay", *_NEUTRAL),
        ("good", "above average"),
        ("very good",),
        ("excellent", "outstanding"),
    ),
    "frequency": _scale(
        ("never", "not at all"),
        ("rarely", "seldom", "almost never", "hardly ever"),
        ("sometimes", "occasionally", "once in a while"),
        ("often", "frequently", "fairly often", "usually"),
        ("very often", "very frequently", "almost always", "most of the time"),
        ("always", "all the time"),
    ),
    "importance": _scale(
        ("not at all important", "not important at all", "very unimportant"),
        ("not important", "unimportant", "not very important", "of little importance"),
        ("slightly important", "somewhat unimportant"),
        ("somewhat important", "moderately important", "neither important nor unimportant",
         *_NEUTRAL),
        ("important",),
        ("very important",),
        ("extremely important", "critically important"),
    ),
    "difficulty": _scale(
        ("very difficult", "extremely difficult", "very hard"),
        ("difficult", "hard"),
        ("somewhat difficult", "slightly difficult", "fairly difficult"),
        ("neither easy nor difficult", "neither difficult nor easy", *_NEUTRAL),
        ("somewhat easy", "slightly easy", "fairly easy"),
        ("easy",),
        ("very easy", "extremely easy"),
    ),
}

_NUMBERED = re.compile(r"(\d{1,2})\s*[-–.=:)]\s*(\S.*)")
_SPACES = re.compile(r"\s+")
_LETTER = re.compile(r"[^\W\d_]")


def normalise(text: str) -> str:
    folded = _SPACES.sub(" ", text.strip().casefold()).rstrip(".!,;:")
    return folded.replace("’", "'").replace(",", "")


def ordinal_levels(values: Iterable[str]) -> list[str] | None:
    """The distinct trimmed values in scale order, if they form a known or numbered scale."""
    distinct = list(dict.fromkeys(values))
    if not 2 <= len(distinct) <= 12:
        return None
    numbered = _numbered_order(distinct)
    if numbered is not None:
        return numbered
    keys = [normalise(v) for v in distinct]
    for scale in SCALES.values():
        if all(k in scale for k in keys):
            ranks = [scale[k] for k in keys]
            if len(set(ranks)) < 2:
                continue
            order = sorted(range(len(distinct)), key=lambda i: (ranks[i], i))
            return [distinct[i] for i in order]
    return None


def _numbered_order(distinct: list[str]) -> list[str] | None:
    """``"1 - Very poor"`` … ``"5 - Excellent"``: ordered by their numbers."""
    numbers = []
    for v in distinct:
        m = _NUMBERED.fullmatch(v)
        if not m or not _LETTER.search(m.group(2)) or len(v) > 60:
            return None
        numbers.append(int(m.group(1)))
    if len(set(numbers)) != len(numbers) or len(distinct) > 11:
        return None
    return [v for _, v in sorted(zip(numbers, distinct))]


def ordinal_from_labels(labels: list[str]) -> bool:
    """Whether value labels (in code order) read as a known scale, low → high or high → low."""
    keys = [normalise(v) for v in labels]
    for scale in SCALES.values():
        if len(keys) >= 3 and all(k in scale for k in keys):
            ranks = [scale[k] for k in keys]
            if ranks == sorted(ranks) or ranks == sorted(ranks, reverse=True):
                return True
    return False
