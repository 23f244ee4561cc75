"""The RE-AIM summary spec: a TOML file people read, write and keep under version control.

Measures are grouped by RE-AIM dimension, one array of tables per dimension, in the order
they are written; PRISM context notes are optional::

    title = "POST: RE-AIM outcomes"
    decimals = 1                      # default for every measure's percentages and means

    [[context]]
    factor = "External environment"
    note = "Burnout rose nationally during the study."

    [[reach]]
    id = "interactions"
    label = "Peer-support interactions, by department"
    kind = "count"
    dataset = "Interactions"
    group_by = "Department"
    groups = ["Emergency Medicine", "Anesthesia/ICU", "Hospitalists", "Geriatrics"]
    filter = [{ column = "Date", op = ">=", value = 2019-06-01 }]

Every measure has ``id``, ``label``, ``kind`` and the fields of its kind (see
:data:`KINDS`); ``note`` and ``decimals`` are optional. A filter is a list of conditions
(``column``, ``op``, ``value``) that must all hold: data, never code. :func:`parse_spec`
checks the file's shape and :func:`post_coder.export.reaim.summary.check_spec` checks it
against a project (datasets, columns, levels, codes); both report every problem at once,
each naming the measure and the field.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from post_coder.errors import InputError

__all__ = ["DIMENSIONS", "KINDS", "OPERATORS", "Condition", "Measure", "Spec", "SpecError",
           "parse_spec", "read_spec"]

#: the RE-AIM dimensions, in the order tables and ``summary.json`` list them
DIMENSIONS = ("Reach", "Effectiveness", "Adoption", "Implementation", "Maintenance")
#: filter operators; "missing" and "not missing" take no value, "in"/"not in" a list
OPERATORS = ("=", "!=", "<", "<=", ">", ">=", "in", "not in", "contains", "missing",
             "not missing")
_NO_VALUE = ("missing", "not missing")
_LIST_VALUE = ("in", "not in")

_COMMON = {"id", "label", "kind", "note", "decimals"}
#: kind → (required fields, optional fields) besides id, label, kind, note, decimals
KINDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "count": (frozenset({"dataset"}), frozenset({"filter", "group_by", "groups"})),
    "proportion": (frozenset(),
                   frozenset({"dataset", "numerator", "numerator_from", "denominator",
                              "denominator_value", "denominator_from"})),
    "distribution": (frozenset({"dataset", "column"}),
                     frozenset({"filter", "levels", "top", "top_levels", "figure"})),
    "multi_select": (frozenset({"dataset", "column"}), frozenset({"filter", "options", "base"})),
    "numeric": (frozenset({"dataset", "column"}), frozenset({"filter"})),
    "events": (frozenset({"dataset", "date"}),
               frozenset({"filter", "period", "year_start", "start", "end"})),
    "retention": (frozenset({"dataset"}),
                  frozenset({"filter", "active", "start_column", "active_column"})),
    "coded": (frozenset({"question", "code"}),
              frozenset({"source", "subcodes", "filter", "base"})),
}
PERIODS = ("month", "quarter", "year")
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")


class SpecError(InputError):
    """A spec that cannot be used: every problem found, one per line."""

    def __init__(self, problems: Sequence[str], *, file: str | Path | None = None) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        head = ("the RE-AIM spec has a problem" if count == 1
                else f"the RE-AIM spec has {count} problems")
        super().__init__(head + ":\n" + "\n".join(f"  - {p}" for p in self.problems),
                         file=file)


@dataclass(frozen=True)
class Condition:
    """One condition of a filter: ``column op value``."""

    column: str
    op: str
    value: Any = None

    def describe(self) -> str:
        if self.op in _NO_VALUE:
            return f"{self.column} is {self.op}"
        value = (", ".join(_show(v) for v in self.value) if isinstance(self.value, list)
                 else _show(self.value))
        return f"{self.column} {self.op} {value}"


def _show(value: Any) -> str:
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value)


@dataclass(frozen=True)
class TableValue:
    """A number read from a data table: the sum of ``column`` over the rows ``filter``
    keeps (one row of a program table, or several)."""

    dataset: str
    column: str
    filter: tuple[Condition, ...] = ()


@dataclass(frozen=True)
class Measure:
    """One measure of the spec; ``fields`` holds its kind's fields, checked."""

    id: str
    dimension: str
    label: str
    kind: str
    fields: Mapping[str, Any]
    note: str = ""
    decimals: int = 1

    def get(self, name: str, default: Any = None) -> Any:
        return self.fields.get(name, default)

    @property
    def filter(self) -> tuple[Condition, ...]:
        return self.fields.get("filter", ())


@dataclass(frozen=True)
class Spec:
    title: str
    measures: tuple[Measure, ...]
    #: PRISM context notes: (factor, note)
    context: tuple[tuple[str, str], ...] = ()
    decimals: int = 1
    text: str = field(default="", compare=False)

    def measure(self, measure_id: str) -> Measure:
        for m in self.measures:
            if m.id == measure_id:
                return m
        raise KeyError(measure_id)


def read_spec(path: str | Path) -> Spec:
    """Read and check the shape of a spec file (UTF-8 TOML)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("the spec file does not exist", file=path) from None
    except UnicodeDecodeError:
        raise InputError("the spec file is not UTF-8 text", file=path) from None
    except OSError as exc:
        raise InputError(f"the spec file cannot be read ({exc.strerror})", file=path) from None
    return parse_spec(text, file=path)


def parse_spec(text: str, *, file: str | Path | None = None) -> Spec:
    """The spec in ``text``; :class:`SpecError` listing every problem with its shape."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError([f"it is not valid TOML: {exc}"], file=file) from None
    problems: list[str] = []
    keys = {d.lower(): d for d in DIMENSIONS}
    title = data.get("title", "RE-AIM summary")
    if not isinstance(title, str):
        problems.append('"title" must be text')
        title = "RE-AIM summary"
    decimals = _decimals(data.get("decimals", 1), "the spec's", problems)
    for key in data:
        if key not in ("title", "decimals", "context") and key.lower() not in keys:
            problems.append(f'"{key}" is not part of a spec: write measures under '
                            + ", ".join(f"[[{d.lower()}]]" for d in DIMENSIONS)
                            + ", notes under [[context]]")
    context = _context(data.get("context", []), problems)
    measures: list[Measure] = []
    seen: set[str] = set()
    for lower, dimension in keys.items():
        entries = [v for k, v in data.items() if k.lower() == lower]
        for entries_of_key in entries:
            if not isinstance(entries_of_key, list) or not all(
                    isinstance(e, dict) for e in entries_of_key):
                problems.append(f'measures of {dimension} are written as [[{lower}]] tables')
                continue
            for position, entry in enumerate(entries_of_key, 1):
                measure = _measure(entry, dimension, position, decimals, problems)
                if measure is None:
                    continue
                if measure.id in seen:
                    problems.append(f'measure "{measure.id}": field "id": another measure has '
                                    "the same id")
                seen.add(measure.id)
                measures.append(measure)
    if not measures and not problems:
        problems.append("the spec has no measures: add one under [[reach]], "
                        "[[effectiveness]], [[adoption]], [[implementation]] or "
                        "[[maintenance]]")
    if problems:
        raise SpecError(problems, file=file)
    return Spec(title, tuple(measures), tuple(context), decimals, text)


def _context(value: Any, problems: list[str]) -> list[tuple[str, str]]:
    if not isinstance(value, list):
        problems.append('[[context]] notes are tables with "factor" and "note"')
        return []
    out = []
    for i, entry in enumerate(value, 1):
        if (not isinstance(entry, dict) or set(entry) - {"factor", "note"}
                or not isinstance(entry.get("factor"), str)
                or not isinstance(entry.get("note"), str)):
            problems.append(f'context note {i}: write it as factor = "…" and note = "…"')
            continue
        out.append((entry["factor"].strip(), entry["note"].strip()))
    return out


def _decimals(value: Any, owner: str, problems: list[str]) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 4:
        problems.append(f'{owner} field "decimals": give a whole number from 0 to 4, '
                        f"not {value!r}")
        return 1
    return value


def _measure(entry: dict[str, Any], dimension: str, position: int, decimals: int,
             problems: list[str]) -> Measure | None:
    mid = entry.get("id")
    if not isinstance(mid, str) or not _ID.match(mid):
        problems.append(f"measure {position} of {dimension}: field \"id\": give a short name "
                        "of letters, digits, _ . or - starting with a letter"
                        + (f" (not {mid!r})" if mid is not None else ""))
        return None
    name = f'measure "{mid}"'
    before = len(problems)

    def bad(field_name: str, message: str) -> None:
        problems.append(f'{name}: field "{field_name}": {message}')

    kind = entry.get("kind")
    if kind not in KINDS:
        bad("kind", f"{kind!r} is not a kind of measure; the kinds are "
            + ", ".join(KINDS))
        return None
    required, optional = KINDS[kind]
    for missing in sorted(required - set(entry)):
        bad(missing, f"a {kind} measure needs it")
    for extra in sorted(set(entry) - required - optional - _COMMON):
        allowed = ", ".join(sorted((required | optional | _COMMON) - {"id", "kind"}))
        bad(extra, f"a {kind} measure has no such field (its fields: {allowed})")
    label = entry.get("label")
    if not isinstance(label, str) or not label.strip():
        bad("label", "give the text the table shows for this measure")
        label = mid
    note = entry.get("note", "")
    if not isinstance(note, str):
        bad("note", "must be text")
        note = ""
    places = _decimals(entry.get("decimals", decimals), name, problems)
    fields: dict[str, Any] = {}
    for key in sorted(required | optional):
        if key in entry:
            fields[key] = _field(key, entry[key], kind, lambda m, k=key: bad(k, m))
    _kind_rules(kind, fields, bad)
    if len(problems) > before:
        return None
    return Measure(mid, dimension, label.strip(), kind, fields, note.strip(), places)


def _text(value: Any, bad: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        bad("give a name as text")
        return None
    return value.strip()


def _texts(value: Any, bad: Any) -> tuple[str, ...] | None:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        bad("give a list of text values, e.g. [\"A\", \"B\"]")
        return None
    if len(set(value)) != len(value):
        bad("a value is listed twice")
        return None
    return tuple(value)


def parse_filter(value: Any, bad: Any) -> tuple[Condition, ...] | None:
    """A filter (a list of ``{column, op, value}`` tables) checked for shape."""
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(c, dict) for c in value):
        bad('write a filter as a list of conditions: [{ column = "…", op = "=", value = … }]')
        return None
    out = []
    for i, c in enumerate(value, 1):
        where = f"condition {i}: "
        extra = set(c) - {"column", "op", "value"}
        if extra:
            bad(where + f"unknown key {', '.join(sorted(extra))} (a condition has column, op "
                "and value)")
            continue
        column, op = c.get("column"), c.get("op")
        if not isinstance(column, str) or not column.strip():
            bad(where + "give the column's name")
            continue
        if op not in OPERATORS:
            bad(where + f"{op!r} is not an operator; use one of " + ", ".join(OPERATORS))
            continue
        if op in _NO_VALUE:
            if "value" in c:
                bad(where + f'"{op}" takes no value')
                continue
            out.append(Condition(column.strip(), op))
            continue
        if "value" not in c:
            bad(where + f'"{op}" needs a value')
            continue
        v = c["value"]
        if op in _LIST_VALUE:
            if not isinstance(v, list) or not v:
                bad(where + f'"{op}" needs a list of values, e.g. ["A", "B"]')
                continue
        elif isinstance(v, (list, dict)):
            bad(where + f'"{op}" compares with one value, not a list (use "in" for several)')
            continue
        out.append(Condition(column.strip(), op, v))
    return tuple(out)


def _date(value: Any, bad: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    bad(f"give a date as YYYY-MM-DD, not {value!r}")
    return None


def _table_value(value: Any, bad: Any) -> TableValue | None:
    if (not isinstance(value, dict) or set(value) - {"dataset", "column", "filter"}
            or not isinstance(value.get("dataset"), str)
            or not isinstance(value.get("column"), str)):
        bad('give the number\'s place in a data table: { dataset = "…", column = "…", '
            "filter = [ … ] } (the column's sum over the rows the filter keeps)")
        return None
    conditions = parse_filter(value.get("filter", []), bad)
    return TableValue(value["dataset"].strip(), value["column"].strip(), conditions or ())


def _field(key: str, value: Any, kind: str, bad: Any) -> Any:
    if key in ("dataset", "column", "group_by", "date", "question", "code", "start_column",
               "active_column"):
        return _text(value, bad)
    if key == "figure":
        if value is False:
            return False
        if not isinstance(value, str) or not value.strip():
            bad('give the figure\'s caption as text (measures with the same caption share '
                'one figure), or false for no figure')
            return None
        return " ".join(value.split())
    if key in ("filter", "numerator", "denominator", "active"):
        return parse_filter(value, bad)
    if key in ("groups", "levels", "options", "top_levels"):
        return _texts(value, bad)
    if key == "top":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            bad("give how many top levels make the top box (2 for a top-2-box; 0 for none)")
            return None
        return value
    if key == "base":
        if value not in ("answered", "all"):
            bad('"answered" (who answered: the default) or "all" (every row the filter keeps)')
            return None
        return value
    if key == "denominator_value":
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            bad(f"give a whole number above 0, not {value!r}")
            return None
        return value
    if key in ("numerator_from", "denominator_from"):
        return _table_value(value, bad)
    if key == "period":
        if value not in PERIODS:
            bad(f"{value!r} is not a period; use month, quarter or year")
            return None
        return value
    if key == "year_start":
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 12:
            bad(f"give the month the year starts in, 1 to 12 (6 for June), not {value!r}")
            return None
        return value
    if key in ("start", "end"):
        return _date(value, bad)
    if key == "source":
        if not isinstance(value, str) or not (
                value in ("consensus", "union")
                or (value.startswith("coder:") and value[6:].strip())):
            bad(f'"consensus" (the default), "union" or "coder:NAME", not {value!r}')
            return None
        return value
    if key == "subcodes":
        if not isinstance(value, bool):
            bad("true (a code counts with its sub-codes: the default) or false")
            return None
        return value
    raise AssertionError(key)


def _kind_rules(kind: str, fields: dict[str, Any], bad: Any) -> None:
    if kind == "count" and "groups" in fields and "group_by" not in fields:
        bad("groups", 'groups need "group_by", the column they come from')
    if kind == "proportion":
        if "numerator_from" in fields and "numerator" in fields:
            bad("numerator_from", 'give one numerator: a filter counting rows (numerator) or '
                "a value from a data table (numerator_from)")
        two_numbers = "numerator_from" in fields and (
            "denominator_value" in fields or "denominator_from" in fields)
        if "dataset" not in fields and not two_numbers:
            bad("dataset", "the rows to count come from a dataset; name it (only a proportion "
                "of two numbers, numerator_from over denominator_value or denominator_from, "
                "needs none)")
        given = [k for k in ("denominator", "denominator_value", "denominator_from")
                 if k in fields]
        if len(given) > 1:
            bad(given[1], "give one denominator: a filter (denominator), a number "
                "(denominator_value) or a value from a data table (denominator_from)")
    if kind == "distribution" and "top" in fields and "top_levels" in fields:
        bad("top_levels", 'give "top" (how many) or "top_levels" (which), not both')
    if kind == "retention":
        by_rows = "active" in fields
        by_columns = "start_column" in fields or "active_column" in fields
        if by_rows == by_columns:
            bad("active", 'say who is still active: a filter ("active", counting rows) or two '
                'columns to sum ("start_column" and "active_column"), one of them')
        elif by_columns and not ("start_column" in fields and "active_column" in fields):
            bad("start_column" if "start_column" not in fields else "active_column",
                'give both "start_column" (at start) and "active_column" (still active)')
    if kind == "events" and fields.get("start") and fields.get("end") \
            and fields["start"] > fields["end"]:
        bad("end", "the end is before the start")
