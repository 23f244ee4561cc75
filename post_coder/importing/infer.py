"""Column profiles, inferred types and the open-ended suggestion.

A :class:`Profile` counts a column's answers, blanks and non-answers (see
:mod:`.values`) over its distinct values. :func:`infer_type` picks, in order: numeric,
date, ordinal (a known Likert scale, or labels numbered ``1 - …``), multi-select
(``;``-separated lists of repeated options), categorical (few distinct short values),
else text. A column is suggested as open-ended when it is text with fairly long, mostly
unique answers; when no column qualifies, the longest free-text column is suggested.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import compress, islice, repeat
from operator import contains, mul, not_

from post_coder.importing.frame import Frame, Group, Hint
from post_coder.importing.scales import MAX_LEVELS, ordinal_levels
from post_coder.importing.values import (
    BLANK, Kinds, comma_options, date_format, kinds, natural_key, parse_dates, parse_number,
    split_options,
)

TYPES = ("categorical", "ordinal", "numeric", "date", "multi_select", "text")
_YES_NO = {"yes", "no", "y", "n", "true", "false", "oui", "non", "ja", "nein", "si", "sí"}

#: the most options a multi-select column is recognised with (more: it is not one)
MAX_OPTIONS = 40
#: open-ended: mean answer length (characters) and share of distinct answers
OPEN_MIN_LENGTH = 20
OPEN_MIN_UNIQUE = 0.5
#: two whitespace-separated words with letters ("Hello World!", Telugu with its vowel signs)
_WORDS = re.compile(r"[^\W\d_]\S*\s+\S*[^\W\d_]")


@dataclass
class Profile:
    n_answers: int = 0
    n_blank: int = 0
    n_nonanswer: int = 0
    #: trimmed answer text → how many cells hold it, in order of first appearance
    counts: Counter[str] = field(default_factory=Counter)
    #: trimmed non-answer text ("N/A", "None"…) → count
    others: Counter[str] = field(default_factory=Counter)
    mean_length: float = 0.0
    decimal_comma: bool = False
    #: the platform lists a checkbox question's answers in one cell with commas (Google
    #: Forms, Qualtrics): ``Phone call, Coffee chat``
    comma_lists: bool = False

    @property
    def n_unique(self) -> int:
        return len(self.counts)

    @property
    def sample(self) -> list[str]:
        return list(islice(self.counts, 3))


def profile(values: list[str], *, decimal_comma: bool = False, comma_lists: bool = False,
            cell_kinds: Kinds | None = None) -> Profile:
    """The profile of a column's cells (``cell_kinds``: what ``kinds(Counter(values))``
    gives, when the caller has it already)."""
    if cell_kinds is None:
        cell_kinds = kinds(Counter(values))
    counts, texts, not_answers, trimmed = cell_kinds
    # trimmed answer text → count, in order of first appearance, made in C: when no cell
    # needed trimming, the cells' counts less the few non-answers
    if trimmed:
        answers = Counter(counts)
        for value in not_answers:
            del answers[value]
    else:  # the answers' (trimmed text, count) picked in C, then counted per text
        skip = map(not_answers.__contains__, counts)
        pairs = list(compress(zip(texts, counts.values()), map(not_, skip)))
        answers = Counter(dict(pairs))
        if len(answers) < len(pairs):  # two cells trimmed alike (" Yes", "Yes"): added up
            answers = Counter()
            for text, count in pairs:
                answers[text] = answers.get(text, 0) + count
    others: Counter[str] = Counter()
    blank = 0
    for value, k in not_answers.items():
        if k == BLANK:
            blank += counts[value]
        else:
            text = value.strip()
            others[text] = others.get(text, 0) + counts[value]
    n_answers = sum(answers.values())
    p = Profile(n_answers=n_answers, n_blank=blank, n_nonanswer=sum(others.values()),
                counts=answers, others=others, decimal_comma=decimal_comma,
                comma_lists=comma_lists)
    if n_answers:
        p.mean_length = sum(map(mul, map(len, answers), answers.values())) / n_answers
    return p


def group_selections(frame: Frame, group: Group) -> list[list[str]]:
    """Per data row, the options of a multi-select group that are selected."""
    out: list[list[str]] = [[] for _ in frame.row_numbers]
    if group.categories:
        for column in group.columns:
            for i, value in enumerate(frame.columns[column]):
                if value.strip() and value.strip() not in out[i]:
                    out[i].append(value.strip())
        return out
    for column, option in zip(group.columns, group.options):
        marks = group.checked | {option.strip().casefold()}
        for i, value in enumerate(frame.columns[column]):
            if value and value.strip().casefold() in marks:
                out[i].append(option)
    return out


def group_profile(frame: Frame, group: Group) -> Profile:
    p = Profile()
    for chosen in group_selections(frame, group):
        if chosen:
            p.n_answers += 1
            p.counts.update(chosen)
        else:
            p.n_blank += 1
    p.counts = Counter({o: p.counts[o] for o in group.options if p.counts[o]})
    return p


def infer_type(p: Profile, hint: Hint) -> tuple[str, list[str]]:
    """(type, levels) for a column with this profile."""
    if hint.type:
        return hint.type, levels_for(hint.type, p, hint)
    if not p.n_answers:
        return "text", []
    distinct = list(p.counts)
    if all(parse_number(t, decimal_comma=p.decimal_comma) is not None for t in distinct):
        return "numeric", []
    if _is_date(p):
        return "date", []
    # a scale has at most 12 levels: a column of more distinct answers is not one (not
    # looked at again by ordinal_levels: 20,000 answers in a text column)
    levels = ordinal_levels(distinct) if len(distinct) <= MAX_LEVELS else None
    if levels:
        return "ordinal", levels
    options = multi_options(p)
    if options:
        return "multi_select", _with_others("multi_select", options, p)
    if _categorical(p):
        return "categorical", levels_for("categorical", p, hint)
    return "text", []


def levels_for(kind_: str, p: Profile, hint: Hint) -> list[str]:
    """Levels of a column given (or overridden to) this type.

    Categorical and multi-select levels include non-answer values such as "None" (they are
    stored for those types); ordinal levels are the scale alone.
    """
    distinct = list(p.counts)
    if kind_ in ("categorical", "ordinal") and hint.levels:
        known = list(hint.levels)
        return known + sorted((d for d in distinct if d not in known), key=natural_key)
    if kind_ == "categorical":
        return _with_others(kind_, sorted(distinct, key=natural_key), p)
    if kind_ == "ordinal":
        return ordinal_levels(distinct) or sorted(distinct, key=natural_key)
    if kind_ == "multi_select":
        return _with_others(kind_, multi_options(p, force=True) or [], p)
    return []


def _with_others(kind_: str, levels: list[str], p: Profile) -> list[str]:
    extra: dict[str, None] = {}
    for text in sorted(p.others, key=natural_key):
        for option in (split_options(text, separator(p), levels) if kind_ == "multi_select"
                       else [text]):
            if option not in levels:
                extra.setdefault(option, None)
    return levels + list(extra)


def separator(p: Profile) -> str:
    """How a multi-select cell lists its options: ``;`` unless only commas are used."""
    if any(";" in t for t in p.counts):
        return ";"
    return "," if any("," in t for t in p.counts) else ";"


def multi_options(p: Profile, *, force: bool = False) -> list[str] | None:
    """Options of a column whose cells list several repeated options (``A;B``), or None.

    Each option must turn up in more than one distinct cell (``Email;Phone``, ``Email``…),
    so a sentence that happens to contain a semicolon is not mistaken for a list.
    """
    sep = separator(p) if force or p.comma_lists else ";"
    # each answer without the separator is an option of its own: more than MAX_OPTIONS of
    # them are too many options, told in C from the first ones (a text column's 20,000
    # answers are not all read for a separator)
    alone = compress(p.counts, map(not_, map(contains, p.counts, repeat(sep))))
    if not force and next(islice(alone, MAX_OPTIONS, None), None) is not None:
        return None
    # the cells holding the separator picked out in C (a text column: 20,000 answers)
    inner = any(sep in t.strip(sep) for t in compress(p.counts, map(contains, p.counts,
                                                                      repeat(sep))))
    trailing = all(t.endswith(sep) for t in p.counts)  # Microsoft Forms: "Email;Phone;"
    if not force and not (inner or trailing):
        return None
    known = comma_options(p.counts) if sep == "," else set()
    cells: Counter[str] = Counter()  # option → number of distinct cells it appears in
    several = False
    for text in p.counts:
        chosen = split_options(text, sep, known)
        several = several or len(chosen) > 1
        cells.update(chosen)
    if not cells or (sep == "," and not force and not several):
        return None  # "Yes, regularly" and "No, never": one answer each, not lists
    if not force:
        if len(cells) > MAX_OPTIONS or max(len(o) for o in cells) > 100:
            return None
        shared = sum(1 for n in cells.values() if n >= 2)
        if shared < 0.8 * len(cells) and not trailing:
            return None
    return sorted(cells, key=natural_key)


def _is_date(p: Profile) -> bool:
    fmt = date_format(p.counts)
    if fmt is None:
        return False
    parsed = parse_dates(list(p.counts), fmt)
    good = sum(c for t, c in p.counts.items() if parsed.get(t))
    return good >= 0.9 * p.n_answers


def _categorical(p: Profile) -> bool:
    n, u = p.n_answers, p.n_unique
    if all(t.casefold() in _YES_NO for t in p.counts):
        return True
    if n < 10:
        return u < n and p.mean_length < 20
    return u <= 50 and u <= 0.5 * n and (p.mean_length < 40 or u <= 0.2 * n)


def looks_open_ended(kind_: str, p: Profile) -> bool:
    if kind_ != "text" or not p.n_answers or p.mean_length < OPEN_MIN_LENGTH or _few_repeated(p):
        return False
    # longer notes may repeat more ("Modern edge damage" ×9 among 196 different notes)
    share = OPEN_MIN_UNIQUE if p.mean_length < 30 else 0.35
    return p.n_unique >= share * p.n_answers


def _few_repeated(p: Profile) -> bool:
    """A handful of answers given again and again (``Yes, regularly`` ×3): a closed question
    in a small file, where the categorical rule has too few rows to see it."""
    return p.n_unique <= 5 and p.n_answers - p.n_unique >= 0.25 * p.n_answers


#: values written by machines, never answers to code: (pattern, what the column is said to hold)
_MACHINE = (
    (re.compile(r"(?:https?|ftp)://\S+|www\.\S+\.\S+", re.I), "web links"),
    (re.compile(r"(?:uuid:)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I),
     "identifiers (UUIDs)"),
    (re.compile(r"[-+]?\d{1,3}\.\d+(?:[ ,;]\s*[-+]?\d+(?:\.\d+)?){1,3}"), "GPS coordinates"),
    (re.compile(r"[^\n/\\]{1,200}\.(?:jpe?g|png|gif|heic|webp|bmp|tiff?|mp[34]|m4a|wav|amr|3gp"
                r"|ogg|aac|mov|avi|pdf|docx?|xlsx?|csv|txt|zip)", re.I), "file names"),
)


def machine_values(p: Profile, *, sample: int = 200) -> str | None:
    """What a text column holds when (nearly) all its answers are links, UUIDs, GPS points
    or file names; None for anything a person wrote."""
    texts = list(islice(p.counts, sample))
    if not texts:
        return None
    for pattern, what in _MACHINE:
        if sum(1 for t in texts if pattern.fullmatch(t)) >= 0.9 * len(texts):
            return what
    return None


def own_heading(p: Profile, name: str) -> bool:
    """Every answer is the column's own heading: one option of a checkbox question spread
    over columns (Typeform, SurveyMonkey), not something to code."""
    if not 0 < len(p.counts) <= 2:
        return False
    base = re.sub(r" \(\d+\)$", "", name).strip().casefold()
    return all(t.casefold() in (base, name.casefold()) for t in p.counts)


def fallback_open_ended(candidates: list[tuple[str, str, Profile]]) -> str | None:
    """When nothing looks open-ended: the free-text column with the longest answers."""
    best, best_length = None, 7.0
    for name, kind_, p in candidates:
        multiword = any(_WORDS.search(t) for t in p.counts)
        if kind_ == "text" and multiword and p.mean_length > best_length:
            best, best_length = name, p.mean_length
    return best
