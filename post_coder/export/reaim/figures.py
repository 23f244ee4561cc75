"""RE-AIM figures drawn from the computed measures (the numbers of ``summary.json``).

Which measures get a figure, and how (see docs/reaim.md):

- **distribution** measures on an ordered scale (those with a top box) are drawn as Likert
  bars, one figure per group of measures of the same dimension that share a scale: by
  default the measures of one dataset with the same levels; measures with the same
  ``figure = "…"`` caption share one figure under that caption (they must share a scale),
  and ``figure = false`` leaves a measure out. A scale with an odd number of levels has a
  neutral middle and is drawn diverging around it; an even scale as 100 % stacked bars.
- **events** measures: the count per period (month, quarter or study year) as bars.
- **count** measures with a ``group_by``: the count per group, every declared group drawn
  (0 where none).

Each figure is written as PNG (300 dpi), SVG and PDF, named ``fig-DIMENSION-NAME``, and
returned as the document's figure block, so a DOCX places it after its dimension's table.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from post_coder.export import document
from post_coder.export.figures import figure_block, group_counts, likert_bars, period_counts
from post_coder.export.reaim.spec import DIMENSIONS, Spec, SpecError

__all__ = ["FigurePlan", "draw", "figure_plans", "reaim_figures"]


@dataclass(frozen=True)
class FigurePlan:
    """A figure to draw: its dimension, file name, caption, kind and measures (results)."""

    dimension: str
    name: str
    caption: str
    kind: str  # "likert", "events" or "groups"
    measures: tuple[dict[str, Any], ...]

    @property
    def levels(self) -> list[str]:
        return [e["label"] for e in self.measures[0]["levels"]]

    @property
    def diverging(self) -> bool:
        return self.kind == "likert" and len(self.levels) % 2 == 1 and len(self.levels) >= 3


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40].strip("-") or "figure"


def _setting(spec: Spec, r: dict[str, Any]) -> Any:
    try:
        return spec.measure(r["id"]).get("figure")
    except KeyError:
        return None


def figure_plans(results: Sequence[dict[str, Any]], spec: Spec) -> list[FigurePlan]:
    """The figures the results call for, in RE-AIM order and, within a dimension, in the
    order of each figure's first measure. A named figure whose measures do not share a
    scale is a :class:`SpecError` naming them."""
    plans: list[FigurePlan] = []
    problems: list[str] = []
    for dimension in DIMENSIONS:
        mine = [r for r in results if r["dimension"] == dimension]
        groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
        order: list[tuple[Any, ...]] = []
        for r in mine:
            key: tuple[Any, ...] | None = None
            if r["kind"] == "distribution":
                setting = _setting(spec, r)
                if setting is False or (setting is None and not r.get("top_box")):
                    continue
                if setting:
                    key = ("named", setting)
                else:
                    dataset = spec.measure(r["id"]).get("dataset")
                    key = ("scale", dataset, tuple(e["label"] for e in r["levels"]))
            elif r["kind"] == "events" and r["periods"]:
                key = ("events", r["id"])
            elif r["kind"] == "count" and r["groups"]:
                key = ("groups", r["id"])
            if key is None:
                continue
            if key not in groups:
                groups[key] = []
                order.append(key)
            groups[key].append(r)
        for key in order:
            members = groups[key]
            first = members[0]
            if key[0] == "named":
                scales = {tuple(e["label"] for e in r["levels"]) for r in members}
                if len(scales) > 1:
                    problems.append(
                        f'measures {", ".join(repr(r["id"]) for r in members)}: field '
                        f'"figure": they share the figure "{key[1]}" but not a scale (their '
                        "levels differ); give each scale its own figure")
                    continue
                caption, name = key[1], key[1]
            elif key[0] == "scale":
                if len(members) == 1:
                    caption, name = first["label"], first["id"]
                else:
                    levels = key[2]
                    caption = (f"{key[1]}: {len(members)} items rated from {levels[0]} to "
                               f"{levels[-1]}")
                    name = f"{key[1]}-{len(levels)}-levels"
            else:
                caption, name = first["label"], first["id"]
            kind = {"named": "likert", "scale": "likert"}.get(key[0], key[0])
            plans.append(FigurePlan(dimension, f"fig-{dimension.lower()}-{_slug(name)}",
                                    caption, kind, tuple(members)))
    if problems:
        raise SpecError(problems)
    seen: dict[str, int] = {}
    unique = []
    for plan in plans:  # two captions can slug alike
        seen[plan.name] = seen.get(plan.name, 0) + 1
        if seen[plan.name] > 1:
            plan = FigurePlan(plan.dimension, f"{plan.name}-{seen[plan.name]}", plan.caption,
                              plan.kind, plan.measures)
        unique.append(plan)
    return unique


def _likert(plan: FigurePlan) -> tuple[Any, list[str]]:
    levels = plan.levels
    counts = {r["label"]: {e["label"]: e["n"] for e in r["levels"]} for r in plan.measures}
    fig = likert_bars(counts, levels, diverging=plan.diverging)
    style = (f"Diverging bars centred on the neutral level ({levels[len(levels) // 2]})"
             if plan.diverging else "100% stacked bars")
    notes = [f"{style}: the percentage of each item's answers at each level, from "
             f"{levels[0]} to {levels[-1]}; n beside each bar is the respondents who "
             "answered the item."]
    missing = [f"{r['label']}: {r['missing']}" for r in plan.measures if r["missing"]]
    if missing:
        notes.append("Not answered (left out of n): " + "; ".join(missing) + ".")
    return fig, notes


def _events(plan: FigurePlan) -> tuple[Any, list[str]]:
    r = plan.measures[0]
    labels = [p["label"] for p in r["periods"]]
    values = [p["n"] for p in r["periods"]]
    data: Any
    if r["period"] == "month":
        data = pd.Series(values, index=pd.PeriodIndex(labels, freq="M"))
    else:
        data = dict(zip(labels, values))
    unit = {"year": "study year" if r.get("year_start", 1) != 1 else "year"}.get(
        r["period"], r["period"])
    fig = period_counts(data, ylabel=f"Count per {unit}")
    notes = [f"{r['n']} in {len(values)} {r['period']}s from {r['start']} to {r['end']}; "
             f"mean {r['mean']} per {r['period']} (median {r['median']}, range "
             f"{r['min']}–{r['max']})."]
    return fig, notes


def _groups(plan: FigurePlan) -> tuple[Any, list[str]]:
    r = plan.measures[0]
    labels = [g["label"] for g in r["groups"]]
    fig = group_counts({g["label"]: g["n"] for g in r["groups"]}, order=labels)
    notes = [f"N = {r['denominator']}."]
    if r.get("zero_groups"):
        notes.append(f"{len(r['zero_groups'])} with none: {', '.join(r['zero_groups'])}.")
    return fig, notes


_DRAW = {"likert": _likert, "events": _events, "groups": _groups}


def draw(plan: FigurePlan) -> tuple[Any, list[str]]:
    """The matplotlib figure of ``plan`` and the notes printed under it."""
    return _DRAW[plan.kind](plan)


def reaim_figures(results: Sequence[dict[str, Any]], spec: Spec, folder: str | Path
                  ) -> dict[str, list[document.Figure]]:
    """Draw every figure of :func:`figure_plans` into ``folder`` (PNG, SVG, PDF) and return
    the figure blocks by dimension. A figure with nothing to draw (no answers) is left
    out."""
    out: dict[str, list[document.Figure]] = {}
    for plan in figure_plans(results, spec):
        if not any(r["n"] for r in plan.measures):
            continue
        fig, notes = draw(plan)
        out.setdefault(plan.dimension, []).append(
            figure_block(fig, folder, plan.name, plan.caption, notes))
    return out
