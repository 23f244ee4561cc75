"""What one cell means: blank, non-answer, number, date, a list of options.

Everything here works on the *distinct* values of a column (a column of 100k cells
usually has far fewer distinct ones), so callers build a mapping once and apply it.
"""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from itertools import compress
from operator import itemgetter, not_
from typing import NamedTuple

#: cell kinds
BLANK, NONANSWER, ANSWER = 0, 1, 2

#: answers that say "no answer"; compared case-insensitively, trimmed, trailing punctuation off
NONANSWERS = frozenset({
    "n/a", "na", "n.a", "n.a.", "-", "--", ".", "none", "nothing", "no comment", "no comments",
    "nil",
})
_TRAILING_PUNCT = ".!?,;:…"
_FILLER_CHARS = ".-–—_/\\?*… "
_FILLER = frozenset(_FILLER_CHARS)


def kind(value: str) -> int:
    """BLANK (empty or whitespace), NONANSWER ("N/A", "none", "-"…) or ANSWER."""
    if len(value) > 80 and value[0] not in _FILLER and not value[0].isspace() \
            and not value[-64:].isspace():
        return ANSWER  # a long answer: more than 16 characters once trimmed (no copy made)
    text = value.strip()
    if not text:
        return BLANK
    if len(text) > 16 and text[0] not in _FILLER:
        return ANSWER  # longer than any non-answer word (as is_nonanswer says, sooner)
    return NONANSWER if is_nonanswer(text) else ANSWER


#: letters and digits no non-answer word starts with (filler-only cells start with filler):
#: a short cell starting with one is an answer without folding it ("R_0012", "Agree")
_ANSWER_START = frozenset(string.ascii_letters + string.digits) - {
    c for word in NONANSWERS for c in (word[0], word[0].upper())}


class Kinds(NamedTuple):
    """What :func:`kinds` says of a column's distinct cells."""

    #: cell → how many cells of the column hold it, in order of first appearance
    counts: Counter[str]
    #: each distinct cell trimmed, in the same order (the cell itself when it needs no
    #: trimming: ``str.strip`` gives the same object back)
    texts: list[str]
    #: cell → BLANK or NONANSWER, for the distinct cells that are not answers (few); every
    #: other cell is an ANSWER
    not_answers: dict[str, int]
    #: no cell needed trimming: every text is its cell
    trimmed: bool


#: a text's first character ("" for an empty text), taken in C
_FIRST = itemgetter(slice(0, 1))


def kinds(counts: Counter[str]) -> Kinds:
    """What :func:`kind` says of each distinct cell of a column (``counts``: a Counter of its
    cells), with the trimmed texts it needed, without a call per cell (a text column of
    20,000 rows has ~20,000 distinct cells): the cells whose trimmed text starts with a
    letter or digit no non-answer starts with are answers, picked out in C; only the
    others (blanks, "N/A", "-", answers in other scripts…) are looked at one by one."""
    texts = list(map(str.strip, counts))
    not_answers: dict[str, int] = {}
    plain = map(_ANSWER_START.__contains__, map(_FIRST, texts))
    for value, text in compress(zip(counts, texts), map(not_, plain)):
        if not text:
            not_answers[value] = BLANK
        elif (len(text) <= 16 or text[0] in _FILLER) and is_nonanswer(text):
            not_answers[value] = NONANSWER  # no longer than any non-answer (see is_nonanswer)
    # compared by identity first, in C (~1 ns a cell)
    return Kinds(counts, texts, not_answers, texts == list(counts))


def is_nonanswer(text: str) -> bool:
    text = text.strip()
    if len(text) > 16 and text[0] not in _FILLER:
        return False  # longer than any non-answer word (checked before folding a long answer)
    folded = text.casefold()
    if len(folded) > 16 and folded[0] not in _FILLER:
        return False
    if folded in NONANSWERS:
        return True
    trimmed = folded.rstrip(_TRAILING_PUNCT).strip()
    if trimmed in NONANSWERS:
        return True
    # cells made only of dots, dashes, slashes or question marks ("...", "?", "-/-")
    return not folded.strip(_FILLER_CHARS)


def clean_text(value: str) -> str:
    """Response text as stored: outer whitespace trimmed, line breaks as ``\\n``; nothing else."""
    text = value.strip()
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


# -- numbers -----------------------------------------------------------------------------------

_INT = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?")
_FLOAT_COMMA = re.compile(r"[+-]?\d+,\d+")
_LEADING_ZERO = re.compile(r"[+-]?0\d")


def parse_number(text: str, *, decimal_comma: bool = False) -> int | float | None:
    """The number a trimmed cell holds, or None. ``007`` is not a number (it is a code)."""
    if _LEADING_ZERO.match(text):
        return None
    if _INT.fullmatch(text):
        value = int(text)
        return value if -(2**63) <= value < 2**63 else None
    if _FLOAT.fullmatch(text):
        return float(text)
    if decimal_comma and _FLOAT_COMMA.fullmatch(text):
        return float(text.replace(",", "."))
    return None


# -- dates ---------------------------------------------------------------------------------------

_DATE_START = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4}")
#: an ISO 8601 date-time ending in a UTC offset (``2021-12-06T10:00:09.772+06:00``, ``…Z``):
#: the offset is set aside and the time kept as written (the respondent's clock)
_OFFSET = re.compile(r"(\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?)\s?(?:Z|[+-]\d\d(?::?\d\d)?)")
#: tried in order; the first format that reads the most of a sample wins (US before European)
DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S.%fZ", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M",
    "%Y-%m-%d", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d",
    "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y",
    "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y",
    "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y",
    "%m/%d/%y %H:%M", "%m/%d/%y", "%d/%m/%y", "%d.%m.%y",
    # spelled-out months (Alchemer's "Date Submitted": "Jan 14, 2025 09:12:44 AM")
    "%b %d, %Y %I:%M:%S %p", "%b %d, %Y %I:%M %p", "%b %d, %Y %H:%M:%S", "%b %d, %Y",
    "%B %d, %Y %I:%M:%S %p", "%B %d, %Y %I:%M %p", "%B %d, %Y %H:%M:%S", "%B %d, %Y",
)
#: share of answers that must read as dates for a column to be a date column
DATE_SHARE = 0.9


def date_format(texts: Iterable[str], *, sample: int = 200) -> str | None:
    """The one format that reads (nearly) all of these trimmed texts as dates, or None.

    It is chosen on the first ``sample`` texts. When those read the same day first and
    month first (no day above 12 among them: ``03/04/2024`` is 3 April or March 4), the
    rest of the texts decide, so that a European column whose first weeks are ambiguous is
    not read as American (every later date then failing or swapping day and month). When
    no text has a time, the format has none either (dates are stored as dates)."""
    rest = iter(texts)
    seen = picked = 0
    chosen: list[str] = []
    for text in rest:
        seen += 1
        if _DATE_START.match(text):
            chosen.append(without_offset(text))
        if seen >= sample:
            break
    if not chosen or len(chosen) < DATE_SHARE * seen:
        return None
    best, best_count = None, 0
    for fmt in DATE_FORMATS:
        picked = sum(1 for t in chosen if _read_date(t, fmt) is not None)
        if picked > best_count:
            best, best_count = fmt, picked
            if picked == len(chosen):
                break  # no later format can read more
    if best is None or best_count < DATE_SHARE * seen:
        return None
    later = [without_offset(t) for t in rest if _DATE_START.match(t)]
    twin = day_month_twin(best)
    if twin is not None and later and _readable(later, twin) > _readable(later, best) \
            and sum(1 for t in chosen if _read_date(t, twin) is not None) == best_count:
        best = twin
    alone = date_part(best)
    if alone != best and alone in DATE_FORMATS and \
            all(_strptime(t, alone) is not None for t in chosen) and \
            _readable(later, alone) == _readable(later, best):
        best = alone  # no time in any (a format with a time reads a date alone too)
    return best


def day_month_twin(fmt: str) -> str | None:
    """The known format with day and month the other way round (``%m/%d/%Y`` ↔
    ``%d/%m/%Y``), or None."""
    twin = fmt.replace("%m", "\0").replace("%d", "%m").replace("\0", "%d")
    return twin if twin != fmt and twin in DATE_FORMATS else None


def _readable(texts: list[str], fmt: str) -> int:
    """How many of these texts read as dates in ``fmt`` (vectorised: the rest of a column)."""
    return sum(v is not None for v in parse_dates(texts, fmt).values()) if texts else 0


def without_offset(text: str) -> str:
    """``2021-12-06T10:00:09.772+06:00`` → ``2021-12-06T10:00:09.772``; other text unchanged."""
    found = _OFFSET.fullmatch(text)
    return found.group(1) if found else text


def _strptime(text: str, fmt: str) -> datetime | None:
    try:
        return datetime.strptime(text, fmt)
    except ValueError:
        return None


def _read_date(text: str, fmt: str) -> datetime | None:
    """``text`` in format ``fmt``, or in its date part alone (midnight often loses its time)."""
    found = _strptime(text, fmt)
    if found is None and has_time(fmt):
        found = _strptime(text, date_part(fmt))
    return found


def date_part(fmt: str) -> str:
    return fmt.replace("T", " ").split(" ")[0]


def has_time(fmt: str) -> bool:
    return "%H" in fmt or "%I" in fmt


def parse_dates(texts: list[str], fmt: str) -> dict[str, str | None]:
    """Trimmed text → ISO date (``2024-01-18`` or ``2024-01-18 14:18:57``), None if unreadable.
    A UTC offset after an ISO date-time is set aside (see :func:`without_offset`)."""
    import pandas as pd  # local: pandas is slow to import and only needed here

    series = pd.Series([without_offset(t) for t in texts], dtype=object)
    parsed = pd.to_datetime(series, format=fmt, errors="coerce")
    if has_time(fmt) and parsed.isna().any():
        alone = pd.to_datetime(series, format=date_part(fmt), errors="coerce")
        parsed = parsed.fillna(alone)
    out_fmt = "%Y-%m-%d %H:%M:%S" if has_time(fmt) else "%Y-%m-%d"
    formatted = parsed.dt.strftime(out_fmt)
    return {t: (None if isinstance(v, float) or v is None or v != v else v)
            for t, v in zip(texts, formatted.tolist())}


# -- multi-select ---------------------------------------------------------------------------------

def split_options(text: str, separator: str = ";", known: Iterable[str] = ()) -> list[str]:
    """``"Email;Phone;"`` → ``["Email", "Phone"]``: trimmed, empty parts and repeats dropped.

    With a comma separator an option may itself hold commas: one of the ``known`` options
    (``"Yes, regularly"``, the longest that fits first), or a part that goes on in lower
    case (``"Coaching, mentoring and support"``) is kept whole."""
    parts = [p.strip() for p in text.split(separator)]
    parts = [p for p in parts if p]
    if separator == ",":
        parts = _glue(parts, {_comma_key(k) for k in known if "," in k})
    return list(dict.fromkeys(parts))


def _comma_key(text: str) -> str:
    return re.sub(r"\s*,\s*", ",", text.strip())


def _glue(parts: list[str], known: set[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(parts):
        for j in range(len(parts), i + 1, -1):
            if _comma_key(",".join(parts[i:j])) in known:
                out.append(", ".join(parts[i:j]))
                i = j
                break
        else:
            if out and parts[i][0].islower() and i > 0:
                out[-1] += ", " + parts[i]
            else:
                out.append(parts[i])
            i += 1
    return out


def comma_options(cells: Iterable[str]) -> set[str]:
    """Options holding commas, known from the cells themselves: ``"A, B"`` is one option
    when, across all cells, ``B`` never comes without ``A`` just before it and ``A`` never
    without ``B`` just after it (they are never chosen apart)."""
    lists = [[p.strip() for p in c.split(",") if p.strip()] for c in cells]
    before: dict[str, set[str]] = {}
    after: dict[str, set[str]] = {}
    for parts in lists:
        for i, part in enumerate(parts):
            before.setdefault(part, set()).add(parts[i - 1] if i else "")
            after.setdefault(part, set()).add(parts[i + 1] if i + 1 < len(parts) else "")
    found = set()
    for parts in lists:
        run = parts[:1]
        for a, b in zip(parts, parts[1:]):
            if after[a] == {b} and before[b] == {a}:
                run.append(b)
                continue
            if len(run) > 1:
                found.add(", ".join(run))
            run = [b]
        if len(run) > 1:
            found.add(", ".join(run))
    return found


def natural_key(text: str) -> tuple:
    """Sort key: numbers by value before text, text case-insensitively."""
    number = parse_number(text.strip())
    if number is not None:
        return (0, number, "")
    return (1, 0, text.casefold())
