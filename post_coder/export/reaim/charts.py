"""Figures of RE-AIM results (the output of :func:`~post_coder.export.reaim.summarize`),
drawn with :mod:`post_coder.export.figures`:

- distribution measures of one dimension that share a scale (the same levels, in order):
  one 100 % stacked Likert bar chart, one bar per measure (like the seed article's Fig 3–4);
- events per period (months, quarters, years): counts per period as bars;
- counts with groups: counts by group as horizontal bars (declared groups with 0 included).

Each figure is saved as PNG (300 dpi), SVG and PDF and returned as the document's
:class:`~post_coder.export.document.Figure`, in the order of the measures.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from post_coder.export import document
from post_coder.export.figures import (FORMATS, group_counts, likert_bars, period_counts,
                                       save_figure)

__all__ = ["reaim_figures"]


def _name(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "figure"


def reaim_figures(results: Sequence[dict[str, Any]], folder: str | Path,
                  formats: Sequence[str] = FORMATS) -> list[document.Figure]:
    """The figures of ``results``, saved in ``folder`` as ``reaim-NAME.png/.svg/.pdf``
    (``formats``: those asked for; the PNG always, as the documents hold it)."""
    formats = ["png", *(f for f in formats if f != "png")]

    def block(fig: Any, name: str, caption: str, notes: Sequence[str] = ()
              ) -> document.Figure:
        png = save_figure(fig, Path(folder) / name, formats)[0]
        return document.Figure(caption, png, tuple(notes), name)

    figures: list[document.Figure] = []
    scales: dict[tuple[str, tuple[str, ...]], list[dict[str, Any]]] = {}
    order: list[tuple[str, Any]] = []
    for r in results:
        if r["kind"] == "distribution" and r["levels"]:
            key = (r["dimension"], tuple(e["label"] for e in r["levels"]))
            if key not in scales:
                scales[key] = []
                order.append(("scale", key))
            scales[key].append(r)
        elif r["kind"] == "events" and r["periods"]:
            order.append(("events", r))
        elif r["kind"] == "count" and r["groups"]:
            order.append(("groups", r))
    for kind, item in order:
        if kind == "scale":
            dimension, levels = item
            members = scales[item]
            data = {m["label"]: {e["label"]: e["n"] for e in m["levels"]} for m in members}
            fig = likert_bars(data, list(levels))
            figures.append(block(
                fig, f"reaim-{_name(dimension)}-{_name(members[0]['id'])}",
                f"{dimension}: " + "; ".join(m["label"] for m in members),
                ("Percentages of each item's respondents (n shown beside each bar).",)))
        elif kind == "events":
            fig = period_counts({p["label"]: p["n"] for p in item["periods"]},
                                ylabel=f"Count per {item.get('period') or 'period'}")
            figures.append(block(fig, f"reaim-{_name(item['id'])}",
                                 f"{item['dimension']}: {item['label']}"))
        else:
            fig = group_counts({g["label"]: g["n"] for g in item["groups"]},
                               order=[g["label"] for g in item["groups"]])
            figures.append(block(fig, f"reaim-{_name(item['id'])}",
                                 f"{item['dimension']}: {item['label']}"))
    return figures
