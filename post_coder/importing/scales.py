"""Known answer scales, so Likert items become ordinal variables with their levels in order.

Each scale maps the normalised wording of a level to its rank (low → high). A column is
ordinal when every distinct answer belongs to one scale (answers such as "Don't know" or
"Not applicable" may sit beside it; they come last), or when every answer is a numeric band
(``<5``, ``5-10``, ``More than 20 years``, ``65+``), ordered by its numbers. Yes/no is
deliberately absent: it stays categorical.
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
    "improvement": _scale(
        ("much worse", "a lot worse", "significantly worse", "greatly worsened",
         "much worsened", "very much worse"),
        ("somewhat worse", "slightly worse", "a little worse", "worse", "worsened",
         "somewhat worsened", "slightly worsened"),
        ("no change", "unchanged", "about the same", "the same", "same", "stayed the same",
         "no difference", "neither better nor worse", *_NEUTRAL),
        ("somewhat improved", "slightly improved", "a little better", "somewhat better",
         "slightly better", "improved", "better", "a little improved"),
        ("much improved", "much better", "a lot better", "greatly improved",
         "significantly improved", "very much improved", "very much better"),
    ),
    "impact": _scale(
        ("no impact", "no impact at all", "not at all", "no effect", "none at all"),
        ("some", "some impact", "minor", "minor impact", "minimal", "minimal impact",
         "a little", "a little impact", "slight", "slight impact", "small", "small impact",
         "low", "low impact", "some effect", "a small effect"),
        ("moderate", "moderate impact", "some moderate impact", "medium", "medium impact",
         "moderate effect"),
        ("major", "major impact", "large", "large impact", "significant",
         "significant impact", "high", "high impact", "a lot", "a great deal",
         "substantial", "substantial impact", "large effect"),
    ),
    "extent": _scale(
        ("not at all", "to no extent", "not at all true"),
        ("a little", "a little bit", "to a small extent", "to a little extent", "slightly",
         "very little"),
        ("somewhat", "to some extent", "to a moderate extent", "moderately"),
        ("quite a bit", "to a large extent", "mostly", "a lot", "considerably"),
        ("very much", "to a great extent", "to a very great extent", "a great deal",
         "completely", "extremely", "entirely"),
    ),
    "confidence": _scale(
        ("not at all confident", "not confident at all"),
        ("not very confident", "not confident", "slightly confident", "a little confident"),
        ("somewhat confident", "moderately confident", *_NEUTRAL),
        ("confident", "fairly confident", "quite confident"),
        ("very confident",),
        ("extremely confident", "completely confident"),
    ),
    #: how often, in periods: never … yearly … monthly … weekly … daily
    "periods": _scale(
        ("never",),
        ("less than once a year", "less than yearly", "less than annually"),
        ("once a year", "yearly", "annually", "about once a year", "once a year or less"),
        ("a few times a year", "several times a year", "quarterly", "every few months",
         "2-3 times a year", "every 3 months"),
        ("less than once a month", "less than monthly"),
        ("once a month", "monthly", "about once a month"),
        ("a few times a month", "several times a month", "2-3 times a month",
         "every other week", "biweekly", "fortnightly", "every two weeks",
         "twice a month"),
        ("once a week", "weekly", "about once a week"),
        ("a few times a week", "several times a week", "2-3 times a week",
         "twice a week", "most days", "almost every day", "almost daily"),
        ("daily", "every day", "once a day", "about once a day"),
        ("several times a day", "multiple times a day", "more than once a day",
         "a few times a day", "hourly", "many times a day"),
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


#: answers outside any scale, kept after its levels ("Don't know" is not between two ranks)
OUTSIDE = frozenset({
    "not applicable", "does not apply", "doesn't apply", "don't know", "do not know",
    "dont know", "prefer not to say", "prefer not to answer", "rather not say", "no opinion",
    "can't say", "cannot say", "unable to say", "i don't know", "n/a - not applicable",
})

#: the most levels a scale is recognised with
MAX_LEVELS = 12


def ordinal_levels(values: Iterable[str]) -> list[str] | None:
    """The distinct trimmed values in scale order, if they form a known or numbered scale,
    or numeric bands (``<5``, ``5-10``, ``More than 20 years``, ``65+``) ordered by their
    numbers. Answers such as "Don't know" that sit outside a scale come last."""
    distinct = list(dict.fromkeys(values))
    if not 2 <= len(distinct) <= MAX_LEVELS:
        return None
    numbered = _numbered_order(distinct)
    if numbered is not None:
        return numbered
    inside = [v for v in distinct if normalise(v) not in OUTSIDE]
    outside = [v for v in distinct if normalise(v) in OUTSIDE]
    if len(inside) < 2:
        return None
    keys = [normalise(v) for v in inside]
    for scale in SCALES.values():
        if all(k in scale for k in keys):
            ranks = [scale[k] for k in keys]
            if len(set(ranks)) < 2:
                continue
            order = sorted(range(len(inside)), key=lambda i: (ranks[i], i))
            return [inside[i] for i in order] + outside
    banded = band_order(inside)
    return banded + outside if banded is not None else None


# -- numeric bands ------------------------------------------------------------------------------

_NUMBER = r"(\d+(?:\.\d+)?)\s*(k\b)?"
_UNIT = r"([a-z%]+(?:\s[a-z]+)*)?"
_BAND = re.compile(_NUMBER + r"\s*" + _UNIT + r"(?:\s*-\s*" + _NUMBER + r"\s*" + _UNIT + r")?")
_BELOW = ("less than", "fewer than", "under", "below", "up to", "at most", "no more than",
          "<=", "≤", "<")
_ABOVE = ("more than", "greater than", "over", "above", "at least", "no less than", ">=",
          "≥", ">")
_AFTER_ABOVE = ("or more", "or older", "or over", "and over", "and above", "or above",
                "or longer", "and older", "or greater", "plus", "+")
_AFTER_BELOW = ("or less", "or fewer", "or younger", "and under", "or under", "and below",
                "or shorter")
#: time units in minutes, so "6 months" sorts before "1 year"
_TIME = {"second": 1 / 60, "sec": 1 / 60, "minute": 1, "min": 1, "hour": 60, "hr": 60,
         "day": 1440, "week": 10080, "wk": 10080, "month": 43800, "mo": 43800,
         "year": 525600, "yr": 525600}
_INF = float("inf")


def band(text: str) -> tuple[float, float, str] | None:
    """``"5-10"`` → (5, 10, ""), ``"<5"`` → (-inf, 5, ""), ``"More than 20 years"`` →
    (20 years, inf, "time"), ``"65+"`` → (65, inf, ""); None for anything else. The third
    item is the unit (time units are converted to minutes and reported as "time")."""
    t = _SPACES.sub(" ", text.strip().casefold().replace("–", "-").replace("—", "-"))
    t = re.sub(r"(?<=\d),(?=\d{3})", "", t)          # 50,000
    t = re.sub(r"[$£€]", "", t).rstrip(" .")
    t = re.sub(r"\s+(?:to|and)\s+(?=\d)", " - ", t)  # "5 to 10", "between 5 and 10"
    t = re.sub(r"^between\s+", "", t)
    low_open = high_open = False
    plus = re.search(r"(?<=\d)\s*\+", t)  # "65+", "40+ hours"
    if plus:
        t, high_open = (t[:plus.start()] + " " + t[plus.end():]).strip(), True
    for word in (() if high_open else _BELOW):
        if t.startswith(word):
            t, low_open = t[len(word):].strip(), True
            break
    else:
        for word in _ABOVE:
            if t.startswith(word):
                t, high_open = t[len(word):].strip(), True
                break
    for word in _AFTER_ABOVE + _AFTER_BELOW:
        if t.endswith(word) and not (low_open or high_open):
            t = t[:-len(word)].strip()
            low_open, high_open = word in _AFTER_BELOW, word in _AFTER_ABOVE
            break
    m = _BAND.fullmatch(t)
    if not m:
        return None
    n1, k1, u1, n2, k2, u2 = m.groups()
    if n2 is not None and (low_open or high_open):
        return None
    unit2 = _unit(u2)
    unit1 = _unit(u1) if u1 else unit2  # "1-5 years": the unit after the range is both's
    if unit1 is None or unit2 is None:
        return None
    if not u2:
        unit2 = unit1
    first = _scaled(n1, k1, unit1)
    second = _scaled(n2, k2, unit2) if n2 is not None else first
    kind = "time" if unit1 in _TIME else unit1
    if n2 is not None and ("time" if unit2 in _TIME else unit2) != kind:
        return None
    if low_open:
        return -_INF, first, kind
    if high_open:
        return first, _INF, kind
    return first, second, kind


def _unit(text: str | None) -> str | None:
    """A unit word in its singular ("years old" → "year"); "" for none; None when the
    words are not a unit (a sentence)."""
    if not text:
        return ""
    words = text.split()
    if words[-1] == "old":
        words = words[:-1]
    if not words or len(words) > 3 or len(" ".join(words)) > 20:
        return None
    word = " ".join(words)
    single = word[:-1] if word.endswith("s") and word[:-1] in _TIME else word
    return single


def _scaled(number: str, thousand: str | None, unit: str) -> float:
    value = float(number) * (1000 if thousand else 1)
    return value * _TIME.get(unit, 1)


def band_order(distinct: list[str]) -> list[str] | None:
    """Numeric bands in the order of their numbers (lower bound, then upper), or None when
    some value is not a band, the units differ, or no value is a range or an open bound
    (plain numbers are numeric, not bands)."""
    keys = []
    for value in distinct:
        found = band(value)
        if found is None:
            return None
        keys.append(found)
    units = {k[2] for k in keys} - {""}
    if len(units) > 1 or all(low == high for low, high, _ in keys):
        return None
    order = sorted(range(len(distinct)), key=lambda i: (keys[i][0], keys[i][1], i))
    return [distinct[i] for i in order]


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
    banded = band_order(labels) if len(labels) >= 3 else None
    return banded is not None and banded in (labels, labels[::-1])
