"""SPSS ``.sav`` files via pyreadstat.

Variable labels become question wording; value labels become the levels (in code order)
of a categorical, or ordinal, variable, and cells hold the label text. Multiple-response
sets (``$Q13``) become one multi-select variable each. The file's own
character encoding is used (reported as the plan's encoding). Numbers are written out as
text the way SPSS shows them (``1`` not ``1.0``); dates as ISO text.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from post_coder.errors import InputError
from post_coder.importing.frame import Frame, Group, Hint
from post_coder.importing.platforms import option_names
from post_coder.importing.scales import ordinal_from_labels


def read_sav(path: Path, sha: str) -> Frame:
    import pyreadstat

    try:
        df, meta = pyreadstat.read_sav(str(path))
    except (pyreadstat.ReadstatError, pyreadstat.PyreadstatError, ValueError, OSError,
            UnicodeDecodeError) as exc:
        raise InputError(f"this SPSS file cannot be read ({exc}); it may be damaged or "
                         "truncated", file=path) from exc
    names = list(meta.column_names)
    if not names:
        raise InputError("the file is empty", file=path)
    labels = meta.column_names_to_labels or {}
    value_labels = meta.variable_value_labels or {}
    measures = meta.variable_measure or {}
    columns: dict[str, list[str]] = {}
    hints: dict[str, Hint] = {}
    for name in names:
        mapping = {_code_text(k): str(v) for k, v in value_labels.get(name, {}).items()}
        columns[name] = [_cell(v, mapping) for v in df[name].tolist()]
        if mapping:
            levels = list(dict.fromkeys(mapping.values()))
            ordinal = measures.get(name) == "ordinal" or ordinal_from_labels(levels)
            hints[name] = Hint(type="ordinal" if ordinal else "categorical", levels=levels,
                               labels=mapping)
    wording = {n: str(labels.get(n) or n) for n in names}
    frame = Frame(path=path, sha256=sha, format="sav", platform="generic", header_rows=0,
                  names=names, columns=columns, row_numbers=list(range(1, len(df) + 1)),
                  wording=wording, hints=hints, encoding=meta.file_encoding or None)
    frame.groups = mr_groups(meta, frame)
    return frame


def mr_groups(meta: Any, frame: Frame) -> list[Group]:
    """SPSS multiple-response sets (``meta.mr_sets``, as pyreadstat reads them) as
    multi-select groups. A dichotomy set: one column per option, selected when it holds
    the counted value (its code or value label); the options are the columns' labels, their
    shared beginning ("Barriers: ") taken off. A category set: every column holds one
    chosen category; the options are the value labels. A set naming a variable the file
    does not have, or one already in another set, is left as separate columns."""
    sets = getattr(meta, "mr_sets", None) or {}
    by_folded = {n.casefold(): n for n in frame.names}
    value_labels = getattr(meta, "variable_value_labels", None) or {}
    taken: set[str] = set()
    groups = []
    for set_name, spec in sets.items():
        columns = [by_folded.get(str(v).casefold()) for v in spec.get("variable_list", [])]
        if len(columns) < 2 or None in columns or taken & set(columns):
            continue
        names = [c for c in columns if c is not None]
        name = set_name.lstrip("$")
        if name in frame.columns and name not in names:
            name = f"{name} (set)"
        question = str(spec.get("label") or "") or name
        if spec.get("is_dichotomy", spec.get("type") == "D"):
            group = _dichotomy(name, question, names, spec.get("counted_value"), frame,
                               value_labels)
        else:
            options: dict[str, None] = {}
            for column in names:
                for label in value_labels.get(column, {}).values():
                    options.setdefault(str(label), None)
                for value in frame.columns[column]:
                    if value.strip():
                        options.setdefault(value.strip(), None)
            group = Group(name, names, list(options), wording=question, categories=True)
        taken.update(names)
        groups.append(group)
        for column in names:
            frame.hints.pop(column, None)
    return groups


def _dichotomy(name: str, question: str, columns: list[str], counted: Any, frame: Frame,
               value_labels: dict[str, dict[Any, str]]) -> Group:
    code = _code_text(counted) if counted is not None else "1"
    checked = {code.casefold()}
    for column in columns:
        for key, label in value_labels.get(column, {}).items():
            if _code_text(key) == code:
                checked.add(str(label).strip().casefold())
    others = {v.strip().casefold() for c in columns for v in frame.columns[c]} - checked - {""}
    options = option_names([frame.wording.get(c, c) for c in columns], columns)
    return Group(name, columns, options, wording=question, checked=frozenset(checked),
                 unchecked=frozenset(others))


def _code_text(code: Any) -> str:
    if isinstance(code, float) and code.is_integer():
        return str(int(code))
    return str(code)


def _cell(value: Any, labels: dict[str, str]) -> str:
    if value is None or value != value:  # None, NaN, NaT
        return ""
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    elif isinstance(value, dt.datetime):
        text = value.strftime("%Y-%m-%d %H:%M:%S") if value.time() != dt.time(0) \
            else value.date().isoformat()
    elif isinstance(value, (dt.date, dt.time)):
        text = value.isoformat()
    else:
        text = str(value)
    return labels.get(text, text) if labels else text
