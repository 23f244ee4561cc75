"""The datasets a spec reads, their columns' kinds, and filters evaluated on them.

A filter keeps a row when every condition holds. A condition on a blank cell cannot hold or
fail: such rows are left out and counted (``filter_missing``), never dropped silently. The
only conditions a blank answers are "missing" and "not missing".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from post_coder.coding._common import did_you_mean
from post_coder.errors import NotFoundError
from post_coder.export.reaim.spec import Condition
from post_coder.project import Project
from post_coder.queries import dataset_frame, find_dataset
from post_coder.store import surveys

__all__ = ["ColumnInfo", "DatasetColumns", "Datasets", "Filtered", "column_kind",
           "dataset_columns", "missing_mask"]


def column_kind(series: pd.Series) -> str:
    """ordinal, categorical, numeric, date, multi_select or text."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        return "ordinal" if series.dtype.ordered else "categorical"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "date"
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return "numeric"
    present = [v for v in series if v is not None and not (isinstance(v, float) and v != v)]
    if present and all(isinstance(v, list) for v in present):
        return "multi_select"
    return "text"


def missing_mask(series: pd.Series) -> pd.Series:
    """Blank cells (an empty list for a multi-select answer; blank text too)."""
    if column_kind(series) == "multi_select":
        return series.map(lambda v: not v)
    blank = series.isna()
    if series.dtype == object:
        blank |= series.map(lambda v: isinstance(v, str) and not v.strip())
    return blank


def levels_of(series: pd.Series) -> list[str]:
    """A categorical column's levels in order (ordinal: low to high)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        return [str(c) for c in series.cat.categories]
    return []


class Datasets:
    """The project's datasets as frames, read once each."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._frames: dict[str, pd.DataFrame] = {}
        self._names: dict[str, str] = {}

    def frame(self, name: str) -> pd.DataFrame:
        if name not in self._frames:
            info = find_dataset(self.project, name)
            self._frames[name] = dataset_frame(self.project, info.id)
            self._names[name] = info.name
        return self._frames[name]

    def variable_levels(self, name: str, column: str) -> list[str]:
        """A column's declared levels (a multi-select question's options, in order)."""
        info = find_dataset(self.project, name)
        for v in surveys.list_variables(self.project.db, info.id, counts=False):
            if v.name == column:
                return [str(level) for level in v.levels]
        return []

    def problem(self, name: str) -> str | None:
        try:
            self.frame(name)
        except NotFoundError as exc:
            return exc.message
        return None

    def column_problem(self, dataset: str, column: str) -> str | None:
        frame = self.frame(dataset)
        if column in frame.columns:
            return None
        names = [str(c) for c in frame.columns]
        return (f'there is no column "{column}" in dataset "{self._names[dataset]}".'
                + (did_you_mean(column, names) or " Its columns: "
                   + ", ".join(f'"{n}"' for n in names)))


@dataclass(frozen=True)
class ColumnInfo:
    """A column a measure can draw on: its name (what a spec writes), the short label views
    show, its kind (:func:`column_kind`) and its levels (an ordered scale low to high, a
    category's values, a multi-select question's options)."""

    name: str
    shown: str
    kind: str
    levels: tuple[str, ...] = ()


@dataclass(frozen=True)
class DatasetColumns:
    name: str
    #: "survey" or "log" (a data table)
    kind: str
    columns: tuple[ColumnInfo, ...]


def dataset_columns(project: Project) -> list[DatasetColumns]:
    """Every dataset of the project with its columns, in import order (for choosing a
    measure's dataset and column)."""
    data = Datasets(project)
    out = []
    for info in surveys.list_datasets(project.db):
        frame = data.frame(info.id)
        variables = {v.name: v for v in surveys.list_variables(project.db, info.id,
                                                                 counts=False)}
        columns = []
        for name in frame.columns:
            series = frame[name]
            kind = column_kind(series)
            variable = variables.get(str(name))
            levels = levels_of(series) or (list(variable.levels) if variable else [])
            if kind == "multi_select" and not levels:
                levels = sorted({o for v in series if isinstance(v, list) for o in v})
            columns.append(ColumnInfo(str(name), variable.shown if variable else str(name),
                                      kind, tuple(str(v) for v in levels)))
        out.append(DatasetColumns(info.name, info.kind, tuple(columns)))
    return out


# -- filters ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Filtered:
    """Which rows a filter keeps, and how many it could not decide (a blank cell)."""

    keep: pd.Series
    undecided: int


def condition_problem(frame: pd.DataFrame, c: Condition) -> str | None:
    """Why this condition cannot be evaluated on the frame (None when it can)."""
    series = frame[c.column]
    kind = column_kind(series)
    if c.op in ("missing", "not missing"):
        return None
    values = c.value if isinstance(c.value, list) else [c.value]
    if kind == "numeric":
        if c.op == "contains":
            return f'"contains" is for text and multi-select columns; "{c.column}" holds numbers'
        bad = [v for v in values if isinstance(v, bool) or not isinstance(v, (int, float))]
        if bad:
            return f'"{c.column}" holds numbers: compare it with a number, not {bad[0]!r}'
        return None
    if kind == "date":
        if c.op == "contains":
            return f'"contains" is for text and multi-select columns; "{c.column}" holds dates'
        for v in values:
            if _as_date(v) is None:
                return (f'"{c.column}" holds dates: compare it with a date (2020-11-01), not '
                        f"{v!r}")
        return None
    if any(not isinstance(v, str) for v in values):
        wrong = next(v for v in values if not isinstance(v, str))
        return f'"{c.column}" holds text: write the value in quotes, not {wrong!r}'
    if kind == "multi_select":
        if c.op not in ("contains", "in", "not in"):
            return (f'"{c.column}" is a multi-select question: use "contains" (the option is '
                    'ticked), "in" (any of these) or "not in" (none of these)')
    elif kind in ("ordinal", "categorical"):
        if c.op == "contains":
            return f'"contains" is for text and multi-select columns, not "{c.column}"'
        if c.op in ("<", "<=", ">", ">=") and kind != "ordinal":
            return (f'"{c.column}" has no order (it is not an ordinal scale): use =, !=, in '
                    "or not in")
    elif c.op in ("<", "<=", ">", ">="):
        return f'"{c.column}" holds text: use =, !=, in, not in or contains'
    known = levels_of(series) if kind in ("ordinal", "categorical") else (
        sorted({o for v in series if isinstance(v, list) for o in v})
        if kind == "multi_select" else None)
    if known is not None:
        unknown = [v for v in values if v not in known]
        if unknown:
            return (f'"{unknown[0]}" is not a value of "{c.column}"' + did_you_mean(
                unknown[0], known) + " Its values: " + ", ".join(f'"{k}"' for k in known))
    return None


def _as_date(value: Any) -> pd.Timestamp | None:
    if isinstance(value, (dt.date, dt.datetime)):
        return pd.Timestamp(value)
    if isinstance(value, str):
        try:
            return pd.Timestamp(dt.date.fromisoformat(value.strip()))
        except ValueError:
            return None
    return None


def evaluate(frame: pd.DataFrame, conditions: Sequence[Condition]) -> Filtered:
    """The rows of ``frame`` every condition holds for (conditions already checked)."""
    passed = pd.Series(True, index=frame.index)
    failed = pd.Series(False, index=frame.index)
    blank_any = pd.Series(False, index=frame.index)
    for c in conditions:
        series = frame[c.column]
        blank = missing_mask(series).astype(bool)
        if c.op == "missing":
            holds = blank
        elif c.op == "not missing":
            holds = ~blank
        else:
            holds = _compare(series, c) & ~blank
            blank_any |= blank
            failed |= ~blank & ~holds
        if c.op in ("missing", "not missing"):
            failed |= ~holds
        passed &= holds
    undecided = blank_any & ~failed
    return Filtered(passed, int(undecided.sum()))


def _compare(series: pd.Series, c: Condition) -> pd.Series:
    kind = column_kind(series)
    values = c.value if isinstance(c.value, list) else [c.value]
    if kind == "multi_select":
        ticked = series.map(lambda v: set(v) if isinstance(v, list) else set())
        if c.op == "not in":
            return ticked.map(lambda t: not t & set(values))
        return ticked.map(lambda t: bool(t & set(values)))
    if kind == "ordinal":
        levels = levels_of(series)
        position = series.cat.codes.astype(int)
        targets = [levels.index(v) for v in values]
        return _ordered(position, c.op, targets)
    if kind == "date":
        return _ordered(series, c.op, [_as_date(v) for v in values])
    if kind == "numeric":
        return _ordered(series, c.op, values)
    text = pd.Series([v if isinstance(v, str) else (None if _blank(v) else str(v))
                      for v in series.astype(object)], index=series.index, dtype=object)
    if c.op == "contains":
        needle = str(c.value).casefold()
        return pd.Series([isinstance(v, str) and needle in v.casefold() for v in text],
                         index=series.index, dtype=bool)
    return _ordered(text, c.op, values)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def _ordered(series: pd.Series, op: str, targets: list[Any]) -> pd.Series:
    if op == "in":
        return series.isin(targets)
    if op == "not in":
        return ~series.isin(targets)
    target = targets[0]
    if op == "=":
        return series == target
    if op == "!=":
        return series != target
    if op == "<":
        return series < target
    if op == "<=":
        return series <= target
    if op == ">":
        return series > target
    return series >= target
