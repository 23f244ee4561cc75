"""RE-AIM measures computed from a project's datasets and codings.

:func:`check_spec` checks a spec against a project (every problem, each naming the measure
and the field); :func:`summarize` computes every measure as a plain dict, the content of
``summary.json``. Every measure's dict has the same keys (:data:`NUMBER_KEYS` and the lists
``levels``, ``groups``, ``periods``; ``None`` or ``[]`` where a kind has no such number), and
each entry of those lists has ``label``, ``n``, ``denominator`` and ``percent``.

Percentages are rounded half away from zero (:mod:`post_coder.export.numbers`) to the
measure's ``decimals``, and so are means, SDs and medians. ``missing`` counts the rows whose
measured value is blank (never dropped silently), ``filter_missing`` the rows a filter could
not decide because a column it tests was blank.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable
from typing import Any

import pandas as pd

from post_coder.coding.codebook import code_and_subcodes, find_code
from post_coder.coding.coders import find_coder
from post_coder.coding.codings import list_codings
from post_coder.errors import PostCoderError
from post_coder.export.numbers import percent, round_half_away
from post_coder.export.reaim.data import (Datasets, column_kind, condition_problem, evaluate,
                                          levels_of, missing_mask)
from post_coder.export.reaim.spec import Condition, Measure, Spec, SpecError, TableValue
from post_coder.project import Project
from post_coder.queries import ReadScope, find_question
from post_coder.store import surveys
from post_coder.team.review import consensus_codings, unresolved

__all__ = ["NUMBER_KEYS", "check_spec", "summarize", "summarize_each"]

#: the numbers every measure's dict carries (None where the kind has none)
NUMBER_KEYS = ("n", "denominator", "percent", "mean", "sd", "median", "min", "max", "missing")


# -- checking a spec against a project -----------------------------------------------------

def check_spec(project: Project, spec: Spec) -> list[str]:
    """Every problem of ``spec`` against the project: datasets, columns and their kinds,
    filter values, levels, questions, codes and coders. Empty when it can be computed."""
    data = Datasets(project)
    problems: list[str] = []
    for m in spec.measures:
        _check_measure(project, data, m, lambda f, msg, m=m: problems.append(
            f'measure "{m.id}": field "{f}": {msg}'))
    return problems


def _check_measure(project: Project, data: Datasets, m: Measure,
                   bad: Callable[[str, str], None]) -> None:
    if m.kind == "coded":
        _check_coded(project, data, m, bad)
        return
    dataset = m.get("dataset")
    if dataset is None:  # a proportion of two numbers from data tables
        for field in ("numerator_from", "denominator_from"):
            if m.get(field) is not None:
                _check_table_value(data, m.get(field), field, bad)
        return
    problem = data.problem(dataset)
    if problem:
        bad("dataset", problem)
        return
    frame = data.frame(dataset)

    def column(field: str, kinds: tuple[str, ...] | None = None) -> str | None:
        name = m.get(field)
        if name is None:
            return None
        problem = data.column_problem(dataset, name)
        if problem:
            bad(field, problem)
            return None
        kind = column_kind(frame[name])
        if kinds and kind not in kinds:
            bad(field, f'"{name}" is a {kind.replace("_", "-")} column; a {m.kind} measure '
                f"needs a {' or '.join(k.replace('_', '-') for k in kinds)} column")
            return None
        return name

    for field in ("filter", "numerator", "denominator", "active"):
        _check_filter(data, dataset, m.get(field) or (), field, bad)
    if m.kind == "count" and column("group_by", ("categorical", "ordinal", "text")):
        if not m.get("groups") and not levels_of(frame[m.get("group_by")]):
            bad("groups", f'"{m.get("group_by")}" has no declared levels: list the groups '
                "(all of them, so a group with no rows is reported as 0)")
    if m.kind == "proportion":
        for field in ("numerator_from", "denominator_from"):
            if m.get(field) is not None:
                _check_table_value(data, m.get(field), field, bad)
    if m.kind == "distribution":
        name = column("column", ("categorical", "ordinal", "text"))
        levels = list(m.get("levels") or (levels_of(frame[name]) if name else []))
        if name and not levels:
            bad("levels", f'"{name}" has no declared levels: list them in order')
        top = m.get("top_levels")
        if name and top:
            for level in top:
                if level not in levels:
                    bad("top_levels", f'"{level}" is not one of the levels ('
                        + ", ".join(f'"{v}"' for v in levels) + ")")
        if name and m.get("top", 0) > len(levels):
            bad("top", f"the column has only {len(levels)} levels")
    if m.kind == "multi_select":
        column("column", ("multi_select",))
    if m.kind == "numeric":
        column("column", ("numeric",))
    if m.kind == "events":
        column("date", ("date",))
    if m.kind == "retention":
        column("start_column", ("numeric",))
        column("active_column", ("numeric",))


def _check_filter(data: Datasets, dataset: str, conditions: tuple[Condition, ...], field: str,
                  bad: Callable[[str, str], None]) -> None:
    frame = data.frame(dataset)
    for i, c in enumerate(conditions, 1):
        problem = data.column_problem(dataset, c.column) or condition_problem(frame, c)
        if problem:
            bad(field, f"condition {i}: {problem}")


def _check_table_value(data: Datasets, value: TableValue, field: str,
                       bad: Callable[[str, str], None]) -> None:
    problem = data.problem(value.dataset)
    if problem:
        bad(field, problem)
        return
    problem = data.column_problem(value.dataset, value.column)
    if problem:
        bad(field, problem)
        return
    if column_kind(data.frame(value.dataset)[value.column]) != "numeric":
        bad(field, f'"{value.column}" does not hold numbers')
    _check_filter(data, value.dataset, value.filter, field, bad)


def _check_coded(project: Project, data: Datasets, m: Measure,
                 bad: Callable[[str, str], None]) -> None:
    try:
        question = _question(project, m.get("question"))
    except PostCoderError as exc:
        bad("question", exc.message)
        return
    try:
        find_code(project, m.get("code"))
    except PostCoderError as exc:
        bad("code", exc.message)
    source = m.get("source", "consensus")
    if source.startswith("coder:"):
        try:
            find_coder(project, source[6:].strip())
        except PostCoderError as exc:
            bad("source", exc.message)
    _check_filter(data, question.dataset_id, m.filter, "filter", bad)


def _question(project: Project, name: str) -> surveys.QuestionInfo:
    qid = find_question(project, name)
    return next(q for q in surveys.list_questions(project.db) if q.id == qid)


# -- computing ------------------------------------------------------------------------------

def summarize(project: Project, spec: Spec, scope: ReadScope) -> list[dict[str, Any]]:
    """Every measure of ``spec`` computed on the project, in dimension order (Reach first)
    then the spec's order. ``scope``: whose codings coded-answer measures may read (the
    consensus layer is made from everyone's codings and decisions: refused in a blind
    scope). A coded measure from the consensus layer has ``unresolved``: how many
    disagreements (response × code) among its respondents nobody has resolved yet, left
    out of ``n`` (None for other sources). :class:`SpecError` when the spec does not fit
    the project."""
    if not isinstance(scope, ReadScope):
        raise TypeError(f"reads of codings need a ReadScope, not {scope!r}")
    problems = check_spec(project, spec)
    if problems:
        raise SpecError(problems)
    data = Datasets(project)
    from post_coder.export.reaim.spec import DIMENSIONS

    order = {d: i for i, d in enumerate(DIMENSIONS)}
    measures = sorted(spec.measures, key=lambda m: order[m.dimension])
    return [_compute(project, data, scope, m) for m in measures]


def summarize_each(project: Project, spec: Spec,
                   scope: ReadScope) -> dict[str, dict[str, Any] | list[str]]:
    """Each measure on its own, by id: its result (as :func:`summarize` gives it) or the
    problems that keep it from being computed. One measure's problem never hides another's
    numbers (the spec editor shows every number it can while one measure is being fixed)."""
    if not isinstance(scope, ReadScope):
        raise TypeError(f"reads of codings need a ReadScope, not {scope!r}")
    data = Datasets(project)
    out: dict[str, dict[str, Any] | list[str]] = {}
    for m in spec.measures:
        problems: list[str] = []
        _check_measure(project, data, m, lambda f, msg, m=m: problems.append(
            f'measure "{m.id}": field "{f}": {msg}'))
        if not problems:
            try:
                out[m.id] = _compute(project, data, scope, m)
                continue
            except SpecError as exc:
                problems = exc.problems
        out[m.id] = problems
    return out


def _base(m: Measure) -> dict[str, Any]:
    out: dict[str, Any] = {"id": m.id, "dimension": m.dimension, "label": m.label,
                           "kind": m.kind, "note": m.note, "decimals": m.decimals}
    out.update({k: None for k in NUMBER_KEYS})
    out.update({"missing": 0, "filter_missing": 0, "levels": [], "groups": [], "periods": []})
    #: the conditions the numbers rest on, as text ("date >= 2020-11-01"), by field
    out["conditions"] = {f: [c.describe() for c in m.get(f)]
                         for f in ("filter", "numerator", "denominator", "active")
                         if m.get(f)}
    return out


def _compute(project: Project, data: Datasets, scope: ReadScope, m: Measure) -> dict[str, Any]:
    out = _base(m)
    if m.kind == "coded":
        _coded(project, data, scope, m, out)
        return out
    if m.get("dataset") is None:
        _proportion(data, m, None, None, out)
        return out
    frame = data.frame(m.get("dataset"))
    kept = evaluate(frame, m.filter)
    rows = frame[kept.keep]
    out["filter_missing"] = kept.undecided
    compute = {"count": _count, "proportion": _proportion, "distribution": _distribution,
               "multi_select": _multi_select, "numeric": _numeric, "events": _events,
               "retention": _retention}[m.kind]
    compute(data, m, frame, rows, out)
    return out


def _entry(label: str, n: int, denominator: int, decimals: int, **extra: Any) -> dict[str, Any]:
    return {"label": label, "n": n, "denominator": denominator,
            "percent": percent(n, denominator, decimals), **extra}


def _count(data: Datasets, m: Measure, frame: pd.DataFrame, rows: pd.DataFrame,
           out: dict[str, Any]) -> None:
    n = len(rows)
    out.update(n=n, denominator=len(frame), percent=percent(n, len(frame), m.decimals))
    by = m.get("group_by")
    if by is None:
        return
    series = rows[by].astype(object)
    blank = missing_mask(rows[by])
    out["missing"] = int(blank.sum())
    groups = list(m.get("groups") or levels_of(frame[by]))
    counts = series[~blank].map(str).value_counts()
    out["groups"] = [_entry(g, int(counts.get(g, 0)), n, m.decimals, declared=True)
                     for g in groups]
    out["groups"] += [_entry(g, int(c), n, m.decimals, declared=False)
                      for g, c in sorted(counts.items()) if g not in groups]
    out["zero_groups"] = [g["label"] for g in out["groups"] if g["n"] == 0]


def _proportion(data: Datasets, m: Measure, frame: pd.DataFrame, rows: pd.DataFrame,
                out: dict[str, Any]) -> None:
    fixed = m.get("denominator_value")
    source = m.get("denominator_from")
    if fixed is None and source is None:
        base = evaluate(frame, m.get("denominator") or ())
        out["filter_missing"] = base.undecided
        frame = frame[base.keep]
        denominator = len(frame)
    elif fixed is not None:
        denominator = fixed
    else:
        denominator = _table_sum(data, m, source, "denominator_from")
    if m.get("numerator_from") is not None:
        n, missing = _table_sum(data, m, m.get("numerator_from"), "numerator_from"), 0
    else:
        counted = evaluate(frame, m.get("numerator") or ())
        n, missing = int(counted.keep.sum()), counted.undecided
    out.update(n=n, denominator=denominator, percent=percent(n, denominator, m.decimals),
               missing=missing)


def _table_sum(data: Datasets, m: Measure, value: TableValue, field: str) -> int:
    table = data.frame(value.dataset)
    rows = table[evaluate(table, value.filter).keep]
    column = rows[value.column]
    blank = int(column.isna().sum())
    if blank or rows.empty:
        why = (f"{blank} of the rows it keeps have no value in \"{value.column}\"" if blank
               else "its filter keeps no row")
        raise SpecError([f'measure "{m.id}": field "{field}": {why}'])
    total = float(column.sum())
    if not total.is_integer():
        raise SpecError([f'measure "{m.id}": field "{field}": the sum of '
                         f'"{value.column}" is {total}, not a whole number'])
    return int(total)


def _distribution(data: Datasets, m: Measure, frame: pd.DataFrame, rows: pd.DataFrame,
                  out: dict[str, Any]) -> None:
    name = m.get("column")
    blank = missing_mask(rows[name])
    answers = rows[name][~blank].astype(object).map(str)
    answered = len(answers)
    levels = list(m.get("levels") or levels_of(frame[name]))
    counts = answers.value_counts()
    out.update(n=answered, denominator=answered, missing=int(blank.sum()))
    out["levels"] = [_entry(lv, int(counts.get(lv, 0)), answered, m.decimals, declared=True)
                     for lv in levels]
    out["levels"] += [_entry(v, int(c), answered, m.decimals, declared=False)
                      for v, c in sorted(counts.items()) if v not in levels]
    default_top = 2 if column_kind(frame[name]) == "ordinal" else 0
    top = list(m.get("top_levels") or (levels[len(levels) - m.get("top", default_top):]
                                       if m.get("top", default_top) else []))
    if top:
        n_top = sum(int(counts.get(lv, 0)) for lv in top)
        out["top_box"] = _entry(f"Top-{len(top)}-box ({', '.join(top)})", n_top, answered,
                                m.decimals, levels=top)
    else:
        out["top_box"] = None


def _multi_select(data: Datasets, m: Measure, frame: pd.DataFrame, rows: pd.DataFrame,
                  out: dict[str, Any]) -> None:
    name = m.get("column")
    ticked = rows[name].map(lambda v: list(v) if isinstance(v, list) else [])
    none = ticked.map(lambda v: not v)
    base = m.get("base", "answered")
    denominator = int((~none).sum()) if base == "answered" else len(rows)
    counts: dict[str, int] = {}
    for chosen in ticked:
        for option in set(chosen):
            counts[option] = counts.get(option, 0) + 1
    # the declared options, else (none declared anywhere) those ticked, by name
    options = list(m.get("options") or data.variable_levels(m.get("dataset"), name)
                   or sorted(counts))
    out.update(n=denominator, denominator=denominator, missing=int(none.sum()), base=base)
    out["levels"] = [_entry(o, counts.get(o, 0), denominator, m.decimals, declared=True)
                     for o in options]
    out["levels"] += [_entry(o, c, denominator, m.decimals, declared=False)
                      for o, c in sorted(counts.items()) if o not in options]


def _numeric(data: Datasets, m: Measure, frame: pd.DataFrame, rows: pd.DataFrame,
             out: dict[str, Any]) -> None:
    series = rows[m.get("column")]
    values = [float(v) for v in series[series.notna()]]
    out.update(missing=int(series.isna().sum()), **_describe(values, m.decimals))


def _describe(values: list[float], decimals: int) -> dict[str, Any]:
    """n, mean, SD (sample), median, min and max of ``values``; None where undefined."""
    if not values:
        return {"n": 0}
    r = lambda v: _plain(round_half_away(v, decimals))  # noqa: E731
    return {"n": len(values), "mean": r(statistics.fmean(values)),
            "sd": r(statistics.stdev(values)) if len(values) > 1 else None,
            "median": r(statistics.median(values)), "min": _plain(min(values)),
            "max": _plain(max(values))}


def _plain(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


# -- events per period ----------------------------------------------------------------------

_LENGTH = {"month": 1, "quarter": 3, "year": 12}


def _period_start(day: dt.date, length: int, year_start: int) -> dt.date:
    """The first day of the period holding ``day`` (periods of ``length`` months, years
    starting in month ``year_start``)."""
    months = day.year * 12 + day.month - 1 - (year_start - 1)
    first = (months // length) * length + year_start - 1
    return dt.date(first // 12, first % 12 + 1, 1)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _year_label(start: dt.date, year_start: int) -> str:
    return str(start.year) if year_start == 1 else f"{start.year}-{(start.year + 1) % 100:02d}"


def _period_label(start: dt.date, period: str, year_start: int) -> str:
    if period == "month":
        return f"{start.year}-{start.month:02d}"
    year = _period_start(start, 12, year_start)
    if period == "year":
        return _year_label(year, year_start)
    quarter = ((start.year - year.year) * 12 + start.month - year.month) // 3 + 1
    return f"{_year_label(year, year_start)} Q{quarter}"


def _events(data: Datasets, m: Measure, frame: pd.DataFrame, rows: pd.DataFrame,
            out: dict[str, Any]) -> None:
    period, year_start = m.get("period", "month"), m.get("year_start", 1)
    length = _LENGTH[period]
    dates = rows[m.get("date")]
    out["missing"] = int(dates.isna().sum())
    days = [d.date() for d in dates[dates.notna()]]
    if not days and not (m.get("start") and m.get("end")):
        out.update(n=0, periods=[], years=[], outside=0)
        return
    start = m.get("start") or _period_start(min(days), length, year_start)
    end = m.get("end") or _add_months(_period_start(max(days), length, year_start), length) \
        - dt.timedelta(days=1)
    inside = [d for d in days if start <= d <= end]
    out["outside"] = len(days) - len(inside)
    first = _period_start(start, length, year_start)
    counts: dict[dt.date, int] = {}
    for d in inside:
        key = _period_start(d, length, year_start)
        counts[key] = counts.get(key, 0) + 1
    periods = []
    cursor = first
    while cursor <= end:
        nxt = _add_months(cursor, length)
        periods.append({"label": _period_label(cursor, period, year_start),
                        "start": cursor.isoformat(),
                        "end": (nxt - dt.timedelta(days=1)).isoformat(),
                        "n": counts.get(cursor, 0)})
        cursor = nxt
    per_period = [p["n"] for p in periods]
    stats = _describe([float(v) for v in per_period], m.decimals)
    out.update(stats, n=len(inside), periods=periods, denominator=None, period=period,
               year_start=year_start, start=start.isoformat(), end=end.isoformat())
    years: list[dict[str, Any]] = []
    if period != "year":
        for p in periods:
            year = _period_start(dt.date.fromisoformat(p["start"]), 12, year_start)
            if not years or years[-1]["start"] != year.isoformat():
                years.append({"label": _year_label(year, year_start),
                              "start": year.isoformat(),
                              "end": (_add_months(year, 12) - dt.timedelta(days=1)).isoformat(),
                              "n": 0, "periods": 0})
            years[-1]["n"] += p["n"]
            years[-1]["periods"] += 1
        for y in years:
            y["mean"] = _plain(round_half_away(y["n"] / y["periods"], m.decimals))
    out["years"] = years


def _retention(data: Datasets, m: Measure, frame: pd.DataFrame, rows: pd.DataFrame,
               out: dict[str, Any]) -> None:
    if m.get("active") is not None:
        still = evaluate(rows, m.get("active"))
        n, denominator, missing = int(still.keep.sum()), len(rows), still.undecided
    else:
        start, active = rows[m.get("start_column")], rows[m.get("active_column")]
        blank = start.isna() | active.isna()
        n = _plain(float(active[~blank].sum()))
        denominator = _plain(float(start[~blank].sum()))
        missing = int(blank.sum())
        if not (isinstance(n, int) and isinstance(denominator, int)):
            raise SpecError([f'measure "{m.id}": field "active_column": the columns must hold '
                             "whole numbers of people or units"])
    out.update(n=n, denominator=denominator, percent=percent(n, denominator, m.decimals),
               missing=missing, lost=denominator - n)


# -- coded answers ----------------------------------------------------------------------------

def _coded(project: Project, data: Datasets, scope: ReadScope, m: Measure,
           out: dict[str, Any]) -> None:
    question = _question(project, m.get("question"))
    frame = data.frame(question.dataset_id)
    kept = evaluate(frame, m.filter)
    base = {str(r) for r in frame.index[kept.keep]}
    answers = surveys.question_answers(project.db, question.id)
    answered = {a.external_id for a in answers}
    code = find_code(project, m.get("code"))
    codes = code_and_subcodes(project, code.id) if m.get("subcodes", True) else (code.id,)
    source = m.get("source", "consensus")
    who = base & answered if m.get("base", "answered") == "answered" else base
    left_out = None
    if source == "consensus":
        coded = {c.respondent for c in consensus_codings(project, scope, codes=list(codes),
                                                         questions=[question.id])}
        respondent = {a.response_id: a.external_id for a in answers}
        left_out = sum(respondent.get(r) in who for r, _ in unresolved(
            project, scope, codes=list(codes), questions=[question.id]))
    else:
        coders = ([find_coder(project, source[6:].strip()).id]
                  if source.startswith("coder:") else None)
        coded = {c.respondent for c in list_codings(project, scope, codes=list(codes),
                                                    coders=coders, questions=[question.id])}
    n = len(coded & who)
    out.update(n=n, denominator=len(who), percent=percent(n, len(who), m.decimals),
               missing=len(base - answered), filter_missing=kept.undecided, source=source,
               question=question.column_name, code=code.name,
               base=m.get("base", "answered"), unresolved=left_out)

