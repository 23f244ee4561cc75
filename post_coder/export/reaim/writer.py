"""A RE-AIM spec written back as TOML text (``tomllib`` only reads).

:func:`write_spec` writes a parsed :class:`~.spec.Spec`; :func:`spec_text` writes one from
plain measure tables (``{"id": …, "label": …, "kind": …, "filter": [{…}], …}``), which is
what the app's spec editor edits. Reading the text back with :func:`~.spec.parse_spec`
gives the same spec (``parse_spec(write_spec(spec)) == spec``). Comments of a hand-written
file are not kept: the text is the spec as the editor holds it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from typing import Any

from post_coder.export.reaim.spec import DIMENSIONS, Condition, Measure, Spec, TableValue

__all__ = ["FIELD_ORDER", "measure_entry", "spec_text", "toml_value", "write_spec"]

#: the order a measure's fields are written in (others follow, by name)
FIELD_ORDER = ("id", "label", "kind", "dataset", "column", "date", "question", "code",
               "source", "subcodes", "group_by", "groups", "levels", "options", "top",
               "top_levels", "base", "period", "year_start", "start", "end", "filter",
               "numerator", "denominator", "numerator_from", "denominator_from",
               "denominator_value", "active", "start_column", "active_column", "note",
               "decimals")

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f",
            "\r": "\\r"}


def _string(text: str) -> str:
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def toml_value(value: Any) -> str:
    """One value as TOML: text, whole and decimal numbers, true/false, dates, lists and
    inline tables (filters' conditions, values from a data table)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, Condition):
        return toml_value(_condition(value))
    if isinstance(value, TableValue):
        return toml_value(_table_value(value))
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{_key(k)} = {toml_value(v)}" for k, v in value.items()) \
            + " }" if value else "{}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(f"a spec holds no value like {value!r}")


def _key(key: str) -> str:
    bare = key and all(c.isascii() and (c.isalnum() or c in "_-") for c in key)
    return key if bare else _string(key)


def _condition(c: Condition) -> dict[str, Any]:
    out: dict[str, Any] = {"column": c.column, "op": c.op}
    if c.op not in ("missing", "not missing"):
        out["value"] = c.value
    return out


def _table_value(v: TableValue) -> dict[str, Any]:
    out: dict[str, Any] = {"dataset": v.dataset, "column": v.column}
    if v.filter:
        out["filter"] = [_condition(c) for c in v.filter]
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, Condition):
        return _condition(value)
    if isinstance(value, TableValue):
        return _table_value(value)
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def measure_entry(measure: Measure, default_decimals: int = 1) -> dict[str, Any]:
    """A parsed measure as the plain table a spec file holds (``decimals`` only when it
    differs from the spec's, ``note`` only when there is one)."""
    entry: dict[str, Any] = {"id": measure.id, "label": measure.label, "kind": measure.kind}
    for key, value in measure.fields.items():
        entry[key] = _plain(value)
    if measure.note:
        entry["note"] = measure.note
    if measure.decimals != default_decimals:
        entry["decimals"] = measure.decimals
    return entry


def _ordered(entry: Mapping[str, Any]) -> list[tuple[str, Any]]:
    place = {k: i for i, k in enumerate(FIELD_ORDER)}
    return sorted(entry.items(), key=lambda kv: (place.get(kv[0], len(place)), kv[0]))


def spec_text(title: str, decimals: int, context: Iterable[tuple[str, str]],
              measures: Iterable[tuple[str, Mapping[str, Any]]]) -> str:
    """The TOML text of a spec: ``measures`` are (dimension, table) pairs, written under
    their dimension's ``[[reach]]``… header, Reach first, in the order given within one."""
    lines = [f"title = {toml_value(title)}", f"decimals = {toml_value(decimals)}"]
    for factor, note in context:
        lines += ["", "[[context]]", f"factor = {toml_value(factor)}",
                  f"note = {toml_value(note)}"]
    measures = list(measures)
    for dimension, _ in measures:
        if dimension not in DIMENSIONS:
            raise ValueError(f"{dimension!r} is not a RE-AIM dimension")
    order = {d: i for i, d in enumerate(DIMENSIONS)}
    for dimension, entry in sorted(measures, key=lambda m: order[m[0]]):
        lines += ["", f"[[{dimension.lower()}]]"]
        lines += [f"{_key(k)} = {toml_value(v)}" for k, v in _ordered(entry) if v is not None]
    return "\n".join(lines) + "\n"


def write_spec(spec: Spec) -> str:
    """``spec`` as TOML text that :func:`~.spec.parse_spec` reads back as the same spec."""
    return spec_text(spec.title, spec.decimals, spec.context,
                     [(m.dimension, measure_entry(m, spec.decimals)) for m in spec.measures])
