"""Short labels for questions and attribute variables: the suggestion rule and its SQL.

Real surveys head their columns with whole questions ("Q14. Please share any comments
about the POST program, …"); every view would show the same long prefix. Each question and
variable has a short label, suggested here at import (and for projects from before short
labels, by migration ``0007_short_labels``) and editable afterwards
(:mod:`post_coder.importing.labels`):

- a column whose name is already short ("Q14", "department") keeps its name;
- a numbered question keeps its leading token: "Q14. Please share…" → "Q14",
  "3) Why…" → "Q3";
- columns sharing a stem (a checkbox group exported one column per option) keep
  their distinctive tail: "Q13. Barriers [Privacy concerns]" → "Q13 [Privacy concerns]",
  "Which barriers? - Cost" → "Cost";
- anything else is shortened at a word boundary ("Please share any comments…"); a repeated
  column name keeps the number the import gave it ("Mood Disorder (Depression… (2)").

Labels are unique within a dataset, ignoring case, among its questions and variables
together, and never another column's name: a clash takes more words of the text ("Q5 Why
did you…"), then a number ("Q5 (2)").

The rule is pure (no SQL); :func:`fill_missing` applies it to rows stored without one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlite_utils import Database

#: a name this long or shorter is already a label
SHORT = 24
#: the longest label the rule makes by shortening text (without the ellipsis)
SHORTENED = 32
#: the longest label a person may give
MAX_LENGTH = 80
#: what a view shows for a question: its short label, else its column name (SQL, alias ``q``)
QUESTION_LABEL = "coalesce(nullif(q.short_label, ''), q.column_name)"

_TOKEN = re.compile(r"^\s*(?P<token>(?:[Qq](?:uestion\s*)?)?\d+(?:[._]\d+)*[a-z]?)"
                    r"\s*(?:[.:)\]]\s*|\s+[-–—]?\s*|[-–—]\s*)(?P<rest>\S.*)$", re.DOTALL)
_BRACKET_TAIL = re.compile(r"^(?P<stem>.*\S)\s*\[(?P<tail>[^\[\]]+)\]\s*$", re.DOTALL)
#: the number a repeated column name was given (``build._name_columns``): "Name (2)"
_REPEAT = re.compile(r"^(?P<base>.*\S) (?P<n>\(\d+\))$", re.DOTALL)
_DASH_TAIL = re.compile(r"^(?P<stem>.*\S)\s+[-–—]\s+(?P<tail>[^-–—]+?)\s*$", re.DOTALL)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _token(text: str) -> tuple[str, str] | None:
    """("Q14", rest) for a numbered question text, else None."""
    found = _TOKEN.match(_one_line(text))
    if found is None:
        return None
    token = re.sub(r"^[Qq](?:uestion\s*)?", "", found["token"])
    return "Q" + token, found["rest"]


def _tail(text: str) -> tuple[str, str, bool] | None:
    """(stem, tail, bracketed) when the text ends in "[Option]" or " - Option"."""
    text = _one_line(text)
    found = _BRACKET_TAIL.match(text)
    if found is not None:
        return found["stem"], found["tail"].strip(), True
    found = _DASH_TAIL.match(text)
    if found is not None:
        return found["stem"], found["tail"].strip(), False
    return None


def shorten(text: str, limit: int = SHORTENED) -> str:
    """``text`` on one line, cut at a word boundary to about ``limit`` characters + "…"."""
    text = _one_line(text)
    if len(text) <= limit:
        return text
    cut = text[:limit + 1].rsplit(" ", 1)[0] if " " in text[:limit + 1] else text[:limit]
    if len(cut) < limit // 2:
        cut = text[:limit]
    return cut.rstrip(" ,;:.-–—?") + "…"


def _first(name: str, wording: str, stems: dict[str, int]) -> tuple[str, str]:
    """The first suggestion for one column, and a longer one for a clash."""
    text = _one_line(name)
    repeat = _REPEAT.match(text)
    if repeat is not None and len(text) > SHORT:  # a repeat keeps its number
        first, longer = _first(repeat["base"], wording, stems)
        return f"{first} {repeat['n']}", f"{longer} {repeat['n']}"
    tail = _tail(text)
    if tail is not None and stems.get(tail[0].casefold(), 0) > 1:
        stem, option, bracketed = tail
        numbered = _token(stem)
        shown = f"[{option}]" if bracketed else option
        if numbered is not None:
            return f"{numbered[0]} {shown}", f"{numbered[0]} {shorten(numbered[1], 16)} {shown}"
        return shorten(shown, SHORTENED), shorten(f"{stem} {shown}", SHORTENED + 12)
    if len(text) <= SHORT:
        return text, text
    numbered = _token(text)
    if numbered is not None:
        return numbered[0], f"{numbered[0]} {shorten(numbered[1], SHORTENED - 4)}"
    longer = _one_line(wording) if len(_one_line(wording)) > len(text) else text
    return shorten(text), shorten(longer, SHORTENED + 12)


def suggest(columns: Sequence[tuple[str, str]]) -> list[str]:
    """Short labels for one dataset's columns, given as (column name, wording) pairs, in the
    same order: unique ignoring case, and none is another column's name."""
    stems: dict[str, int] = {}
    for name, _ in columns:
        tail = _tail(name)
        if tail is not None:
            stems[tail[0].casefold()] = stems.get(tail[0].casefold(), 0) + 1
    firsts = [_first(name, wording, stems) for name, wording in columns]
    names = {_one_line(name).casefold() for name, _ in columns}
    counts: dict[str, int] = {}
    for first, _ in firsts:
        counts[first.casefold()] = counts.get(first.casefold(), 0) + 1
    out: list[str | None] = [None] * len(columns)
    used: set[str] = set()
    # a column keeping its own name goes first: no other column may take that label
    order = sorted(range(len(columns)),
                   key=lambda i: firsts[i][0].casefold() != _one_line(columns[i][0]).casefold())
    for i in order:
        own = _one_line(columns[i][0]).casefold()
        first, longer = firsts[i]
        for candidate in (first, longer) if counts[first.casefold()] == 1 else (longer, first):
            key = candidate.casefold()
            if key not in used and (key == own or key not in names):
                break
        else:
            base, n = first, 2
            while (candidate := f"{base} ({n})").casefold() in used \
                    or candidate.casefold() in names:
                n += 1
        used.add(candidate.casefold())
        out[i] = candidate
    return [label for label in out if label is not None]


# -- stored labels ----------------------------------------------------------------------------

def fill_missing(db: Database, dataset_id: str | None = None) -> None:
    """Suggest a label for every question and variable stored without one, dataset by
    dataset (or in one dataset): labels already given are kept and not taken again."""
    datasets = ([dataset_id] if dataset_id is not None else
                [r[0] for r in db.execute("SELECT id FROM datasets ORDER BY rowid")])
    for dataset_id in datasets:
        rows = db.execute(
            "SELECT 'questions', id, column_name, wording, short_label, position FROM questions"
            " WHERE dataset_id = ? UNION ALL"
            " SELECT 'variables', id, name, label, short_label, position FROM variables"
            " WHERE dataset_id = ? ORDER BY 6", [dataset_id, dataset_id]).fetchall()
        missing = [r for r in rows if not r[4]]
        if not missing:
            continue
        kept = {r[4].casefold() for r in rows if r[4]}
        labels = suggest([(r[2], r[3]) for r in missing])
        for (table, row_id, *_), label in zip(missing, labels):
            n = 2
            unique = label
            while unique.casefold() in kept:
                unique, n = f"{label} ({n})", n + 1
            kept.add(unique.casefold())
            db.execute(f"UPDATE {table} SET short_label = ? WHERE id = ?", [unique, row_id])
