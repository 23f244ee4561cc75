"""Figures for publications: Likert bars, counts per period and counts by group.

Each function takes plain data (pandas objects or dicts of counts, with the order of the
levels, periods or groups) and returns a matplotlib :class:`~matplotlib.figure.Figure`
drawn for print: 6.5 inches wide (a full text column), every text 9 pt or larger at that
size, no title unless asked for (captions live in the document). :func:`save_figure`
writes it as PNG (300 dpi), SVG and PDF, each file whole or not at all, and
:func:`figure_block` does that and returns the document's :class:`~.document.Figure`.

No pyplot and no change to matplotlib's global settings: every figure has its own Agg
canvas, so figures can be drawn on any thread and without a screen. The app shows them in
``post_coder.ui.widgets.figure_view``.

**Colors.** Likert levels are colored on a diverging scheme safe for color-blind readers:
disagreeing levels in oranges (ColorBrewer PuOr), agreeing levels in blues (ColorBrewer
RdBu), a neutral level in mid grey. Orange against blue stays distinct under deuteranopia,
protanopia and tritanopia, and on each side lightness falls steadily from the middle of the
scale to its ends, so the order of the levels reads from lightness alone (in greyscale
too). Counts use one blue of the same scheme. Percentages (whole, rounded half away from
zero, without the % sign: the axis says "%") are written on segments of 5 % or more, in
white on dark segments and black on light ones; a label wider than its segment (a thin
segment on a wide diverging axis) is left out rather than spill over its neighbours.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LinearSegmentedColormap, to_hex, to_rgb
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator
from matplotlib.transforms import blended_transform_factory

from post_coder.errors import InputError
from post_coder.export import document
from post_coder.export.numbers import round_half_away
from post_coder.files import written_whole

__all__ = ["FORMATS", "diverging_likert_bars", "figure_block", "group_counts",
           "likert_bars", "likert_colors", "likert_counts", "period_counts", "save_figure"]

#: the formats :func:`save_figure` writes, in order
FORMATS = ("png", "svg", "pdf")
#: PNG resolution (dots per inch)
DPI = 300
#: figure width in inches: a full text column of a journal page
WIDTH = 6.5
#: the smallest text, in points at print size
FONT_SIZE = 9
TITLE_SIZE = 10
#: segments narrower than this (percent) carry no label
LABEL_MIN_PERCENT = 5.0

#: disagreeing side, darkest (the scale's end) to lightest (next to neutral): ColorBrewer PuOr
NEGATIVE_RAMP = ("#b35806", "#e08214", "#fdb863")
#: agreeing side, lightest (next to neutral) to darkest (the scale's end): ColorBrewer RdBu
POSITIVE_RAMP = ("#92c5de", "#4393c3", "#2166ac")
NEUTRAL_COLOR = "#bdbdbd"
#: bars of counts
COUNT_COLOR = "#2166ac"
_TEXT_DARK = "#1a1a1a"


# -- data ------------------------------------------------------------------------------------

def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _count(value: Any, where: str) -> int:
    """A count as an int, or a plain error naming ``where``."""
    if isinstance(value, bool) or _is_missing(value):
        raise InputError(f"{where}: the count is empty or not a number")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(f'{where}: the count "{value}" is not a number') from None
    if number < 0 or number != int(number):
        raise InputError(f"{where}: a count must be a whole number of 0 or more, not {value}")
    return int(number)


def _check_levels(levels: Sequence[Any]) -> list[Any]:
    levels = list(levels)
    if not levels:
        raise InputError("the scale has no levels: give its levels in order")
    if len(set(levels)) != len(levels):
        raise InputError("the scale lists a level twice: "
                         + ", ".join(str(v) for v in levels))
    return levels


def likert_counts(data: pd.DataFrame | Mapping[str, Mapping[Any, Any] | pd.Series],
                  levels: Sequence[Any]) -> dict[str, list[int]]:
    """Counts per level, in ``levels`` order, for each item (in the data's order).

    ``data`` is either a DataFrame of answers (one column per item, each cell a level; an
    empty cell is no answer and is left out of that item's n) or a mapping of item → counts
    (a dict or a Series indexed by level, such as ``value_counts()``; a level left out
    counts 0). An answer or a count under a value that is not one of ``levels`` is an
    error naming the item and the value, never dropped without a word.
    """
    levels = _check_levels(levels)
    place = {level: i for i, level in enumerate(levels)}
    result: dict[str, list[int]] = {}
    if isinstance(data, pd.DataFrame):
        twice = data.columns[data.columns.duplicated()]
        if len(twice):
            raise InputError(f'two columns are named "{twice[0]}": each item needs its own '
                             "column")
        for column in data.columns:
            counts = [0] * len(levels)
            for row, value in enumerate(data[column].tolist(), start=1):
                if _is_missing(value):
                    continue
                if value not in place:
                    raise InputError(f'"{value}" is not one of the levels '
                                     f"({_level_list(levels)})", row=row, column=str(column))
                counts[place[value]] += 1
            result[str(column)] = counts
    elif isinstance(data, Mapping):
        for item, item_counts in data.items():
            if not isinstance(item_counts, (Mapping, pd.Series)):
                raise InputError(f'item "{item}": give its counts per level (a dict or a '
                                 "Series indexed by level), or the answers as a DataFrame")
            counts = [0] * len(levels)
            for level, value in item_counts.items():
                if level not in place:
                    raise InputError(f'item "{item}": "{level}" is not one of the levels '
                                     f"({_level_list(levels)})")
                counts[place[level]] += _count(value, f'item "{item}", level "{level}"')
            result[str(item)] = counts
    else:
        raise InputError("give the answers as a DataFrame (one column per item) or the "
                         "counts as a dict of item → counts per level")
    if not result:
        raise InputError("there is nothing to draw: no items were given")
    if not any(sum(c) for c in result.values()):
        raise InputError("there is nothing to draw: no item has any answer")
    return result


def _level_list(levels: Sequence[Any]) -> str:
    return ", ".join(str(v) for v in levels)


def _ordered_counts(counts: Mapping[Any, Any] | pd.Series, noun: str,
                    order: Sequence[Any] | None = None) -> tuple[list[Any], list[int]]:
    """Labels and counts in order: ``order`` when given (every label in it, 0 when absent;
    a label outside it is an error), else the data's own order. ``noun``: "period" or
    "group", for the messages."""
    if not isinstance(counts, (Mapping, pd.Series)):
        raise InputError(f"give the counts per {noun} as a dict or a pandas Series")
    values = {}
    for label, value in counts.items():
        values[label] = _count(value, f'{noun} "{label}"')
    if order is not None:
        order = list(order)
        extra = [label for label in values if label not in order]
        if extra:
            raise InputError(f'"{extra[0]}" is not one of the declared groups '
                             f"({_level_list(order)})")
        labels = order
    else:
        labels = list(values)
    if not labels:
        raise InputError(f"there is nothing to draw: no counts per {noun} were given")
    return labels, [values.get(label, 0) for label in labels]


# -- colors and text -------------------------------------------------------------------------

def _ramp(colors: Sequence[str], n: int) -> list[str]:
    """``n`` colors along ``colors`` (first to last), evenly spaced."""
    if n == 0:
        return []
    cmap = LinearSegmentedColormap.from_list("ramp", list(colors))
    if n == 1:
        return [to_hex(cmap(0.5))]
    return [to_hex(cmap(i / (n - 1))) for i in range(n)]


def _split(levels: Sequence[Any], neutral: Any) -> tuple[int, int | None]:
    """(number of negative levels, index of the neutral level or None)."""
    k = len(levels)
    if neutral is True:
        return (k // 2, k // 2) if k % 2 else (k // 2, None)
    if neutral is False or neutral is None:
        return k // 2, None
    if neutral not in levels:
        raise InputError(f'the neutral level "{neutral}" is not one of the levels '
                         f"({_level_list(levels)})")
    i = list(levels).index(neutral)
    return i, i


def likert_colors(levels: Sequence[Any], neutral: Any = True) -> list[str]:
    """One color per level (see the module docstring): oranges for the levels before the
    neutral one, grey for it, blues after it. ``neutral``: True for the middle level of an
    odd scale (none on an even scale), a level, or False for none (the first half of the
    levels is then the negative side)."""
    levels = _check_levels(levels)
    negatives, middle = _split(levels, neutral)
    positives = len(levels) - negatives - (middle is not None)
    neg = _ramp(NEGATIVE_RAMP, negatives)
    pos = _ramp(POSITIVE_RAMP, positives)
    return neg + ([NEUTRAL_COLOR] if middle is not None else []) + pos


def _text_color(color: str) -> str:
    r, g, b = (c ** 2.2 for c in to_rgb(color))
    return "white" if 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.25 else _TEXT_DARK


def _wrap(label: Any, width: int) -> str:
    return textwrap.fill(str(label), width=width, break_long_words=False) or str(label)


def _percent_label(value: float) -> str:
    # a bare number: the axis says "%", and "5" fits a 5 % segment where "5%" would not
    return f"{round_half_away(value, 0):.0f}"


def _new_figure(height: float) -> Figure:
    fig = Figure(figsize=(WIDTH, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _title(ax: Any, title: str | None) -> None:
    if title:
        ax.set_title(title, fontsize=TITLE_SIZE, loc="left")


def _plain_axes(ax: Any, *keep: str) -> None:
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(side in keep)
    ax.tick_params(labelsize=FONT_SIZE)


def _legend_order(handles: list[Any], labels: list[str], ncol: int
                  ) -> tuple[list[Any], list[str]]:
    """matplotlib fills a legend column by column; reorder so its rows read in level order."""
    rows = math.ceil(len(handles) / ncol)
    if rows <= 1:
        return handles, labels
    order = [r * ncol + c for c in range(ncol) for r in range(rows) if r * ncol + c < len(handles)]
    return [handles[i] for i in order], [labels[i] for i in order]


def _hide_labels_that_overflow(fig: Figure, labelled: list[tuple[Any, Any]]) -> None:
    """Lay the figure out at its print size and hide each percent label wider than its
    segment (a 5 % segment of a wide diverging axis), rather than let it spill over."""
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    for text, bar in labelled:
        room = bar.get_window_extent(renderer).width
        if text.get_window_extent(renderer).width > room - 2:
            text.set_visible(False)


# -- Likert ----------------------------------------------------------------------------------

def likert_bars(data: pd.DataFrame | Mapping[str, Mapping[Any, Any] | pd.Series],
                levels: Sequence[Any], *, diverging: bool = False, neutral: Any = True,
                title: str | None = None, wrap: int = 28, xlabel: str = "% of respondents",
                colors: Sequence[str] | None = None) -> Figure:
    """Items sharing a scale as 100 % stacked horizontal bars, first item at the top.

    Each level is one bar container (labelled with the level, in scale order, which is also
    the legend's order); each bar's width is the item's percentage for that level, of the
    item's answers (its n, written right of its bar as "n = 32"). Item labels wrap at
    ``wrap`` characters. ``diverging`` centres the bars on zero: the levels before the
    neutral one to the left, the neutral level split across zero, the rest to the right
    (``neutral``: see :func:`likert_colors`). An item nobody answered is drawn empty with
    "n = 0". ``data`` and ``levels``: see :func:`likert_counts`.
    """
    counts = likert_counts(data, levels)
    levels = list(levels)
    colors = list(colors) if colors is not None else likert_colors(levels, neutral)
    if len(colors) != len(levels):
        raise InputError(f"give one color per level: {len(colors)} colors for "
                         f"{len(levels)} levels")
    negatives, middle = _split(levels, neutral) if diverging else (0, None)

    items = list(counts)
    shares = []
    for item in items:
        n = sum(counts[item])
        shares.append([c * 100 / n if n else 0.0 for c in counts[item]])
    if diverging:
        starts = [-(sum(s[:negatives]) + (s[middle] / 2 if middle is not None else 0))
                  for s in shares]
    else:
        starts = [0.0] * len(items)

    labels = [_wrap(item, wrap) for item in items]
    lines = sum(label.count("\n") + 1 for label in labels)
    fig = _new_figure(1.2 + 0.22 * lines + 0.2 * len(items) + (0.3 if title else 0))
    ax = fig.add_subplot()
    ys = list(range(len(items)))
    lefts = list(starts)
    labelled = []  # (percent label, its segment)
    for j, level in enumerate(levels):
        widths = [s[j] for s in shares]
        bars = ax.barh(ys, widths, left=lefts, height=0.68, color=colors[j],
                       edgecolor="white", linewidth=0.6, label=str(level))
        ink = _text_color(colors[j])
        for bar, width in zip(bars, widths):
            if width >= LABEL_MIN_PERCENT:
                labelled.append((ax.text(
                    bar.get_x() + width / 2, bar.get_y() + bar.get_height() / 2,
                    _percent_label(width), ha="center", va="center", fontsize=FONT_SIZE,
                    color=ink, gid="percent"), bar))
        lefts = [left + w for left, w in zip(lefts, widths)]

    to_right = blended_transform_factory(ax.transAxes, ax.transData)
    for y, item in zip(ys, items):
        ax.text(1.015, y, f"n = {sum(counts[item])}", transform=to_right, ha="left",
                va="center", fontsize=FONT_SIZE, gid="n")

    ax.set_yticks(ys, labels=labels)
    ax.set_ylim(len(items) - 0.5, -0.5)  # first item at the top
    if diverging:
        # each side as far as its longest bar reaches, in steps of 10
        left = max(10, math.ceil(max(-start for start in starts) / 10 - 1e-9) * 10)
        right = max(10, math.ceil(max(start + sum(s) for start, s in zip(starts, shares))
                                  / 10 - 1e-9) * 10)
        ax.set_xlim(-left, right)
        step = 25 if left + right > 100 else 10
        ax.xaxis.set_major_locator(FixedLocator(
            [t for t in range(-left, right + 1) if t % step == 0]))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{abs(v):.0f}"))
        ax.axvline(0, color="#636363", linewidth=0.8, zorder=0)
    else:
        ax.set_xlim(0, 100)
        ax.xaxis.set_major_locator(FixedLocator([0, 20, 40, 60, 80, 100]))
    ax.set_xlabel(xlabel, fontsize=FONT_SIZE)
    _plain_axes(ax, "bottom")
    ax.tick_params(axis="y", length=0)
    _title(ax, title)

    ncol = len(levels) if len(levels) <= 5 else math.ceil(len(levels) / 2)
    handles, names = ax.get_legend_handles_labels()
    handles, names = _legend_order(handles, [_wrap(n, 18) for n in names], ncol)
    fig.legend(handles, names, loc="outside lower center", ncol=ncol, frameon=False,
               fontsize=FONT_SIZE, handlelength=1.2, columnspacing=1.2)
    _hide_labels_that_overflow(fig, labelled)
    return fig


def diverging_likert_bars(data: pd.DataFrame | Mapping[str, Mapping[Any, Any] | pd.Series],
                          levels: Sequence[Any], **options: Any) -> Figure:
    """:func:`likert_bars` centred on zero (``diverging=True``)."""
    return likert_bars(data, levels, diverging=True, **options)


# -- counts ----------------------------------------------------------------------------------

def _period_label(period: Any) -> str:
    if isinstance(period, pd.Period):
        code = period.freqstr[0]
        if code == "M":
            return period.strftime("%b %Y")
        if code == "Q":
            return f"{period.year} Q{period.quarter}"
        if code in ("Y", "A"):
            return str(period.year)
    if isinstance(period, pd.Timestamp):
        return period.strftime("%Y-%m-%d")
    return str(period)


def period_counts(counts: Mapping[Any, Any] | pd.Series, *,
                  kind: Literal["bar", "line"] = "bar", title: str | None = None,
                  ylabel: str = "Count", xlabel: str | None = None) -> Figure:
    """Counts per period (month, quarter, year…), in the order given, as bars or a line.

    ``counts``: a dict or Series of period → count. A Series indexed by pandas periods
    (``PeriodIndex``) is put in time order and every period between the first and the last
    is drawn, with 0 where it has no count (a month without events is a month of 0, not a
    gap); its labels read "Jun 2019", "2019 Q3" or "2019". Any other labels are drawn as
    given. Bars and points carry their counts when there are at most 24.
    """
    if kind not in ("bar", "line"):
        raise InputError(f'draw counts per period as "bar" or "line", not "{kind}"')
    if isinstance(counts, pd.Series) and isinstance(counts.index, pd.PeriodIndex):
        if counts.index.has_duplicates:
            raise InputError("a period is listed twice")
        if len(counts):
            full = pd.period_range(counts.index.min(), counts.index.max(),
                                   freq=counts.index.freq)
            counts = counts.reindex(full, fill_value=0)
    periods, values = _ordered_counts(counts, "period")
    labels = [_period_label(p) for p in periods]

    fig = _new_figure(3.0 + (0.3 if title else 0))
    ax = fig.add_subplot()
    xs = list(range(len(labels)))
    if kind == "bar":
        bars = ax.bar(xs, values, width=0.7, color=COUNT_COLOR, label=ylabel)
        if len(xs) <= 24:
            ax.bar_label(bars, fontsize=FONT_SIZE, padding=2)
    else:
        ax.plot(xs, values, color=COUNT_COLOR, marker="o", markersize=4, linewidth=1.5,
                label=ylabel)
        if len(xs) <= 24:
            for x, value in zip(xs, values):
                ax.annotate(str(value), (x, value), xytext=(0, 5), textcoords="offset points",
                            ha="center", va="bottom", fontsize=FONT_SIZE)
    rotate = len(labels) > 8 or max(len(s) for s in labels) * len(labels) > 70
    every = math.ceil(len(labels) / 36)
    ax.set_xticks(xs[::every], labels=labels[::every], rotation=90 if rotate else 0)
    ax.set_xlim(-0.6, len(xs) - 0.4)
    top = max(values) if values else 0
    ax.set_ylim(0, max(1, top) * 1.15)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))
    ax.set_ylabel(ylabel, fontsize=FONT_SIZE)
    if xlabel:
        ax.set_xlabel(xlabel, fontsize=FONT_SIZE)
    _plain_axes(ax, "bottom", "left")
    _title(ax, title)
    return fig


def group_counts(counts: Mapping[Any, Any] | pd.Series, *, order: Sequence[Any] | None = None,
                 sort: bool = False, title: str | None = None, xlabel: str = "Count",
                 wrap: int = 30) -> Figure:
    """Counts by group as horizontal bars, first group at the top, each bar's count at its
    end ("0" for a group with none).

    ``counts``: a dict or Series of group → count. ``order``: the declared groups (e.g. every
    department): each is drawn, with 0 when absent, and a group outside it is an error.
    ``sort``: largest first (ties keep the declared order) instead of the declared order.
    """
    groups, values = _ordered_counts(counts, "group", order)
    if sort:
        ranked = sorted(range(len(groups)), key=lambda i: -values[i])
        groups, values = [groups[i] for i in ranked], [values[i] for i in ranked]
    labels = [_wrap(g, wrap) for g in groups]
    lines = sum(label.count("\n") + 1 for label in labels)
    fig = _new_figure(0.9 + 0.22 * lines + 0.1 * len(groups) + (0.3 if title else 0))
    ax = fig.add_subplot()
    ys = list(range(len(groups)))
    bars = ax.barh(ys, values, height=0.7, color=COUNT_COLOR, label=xlabel)
    ax.bar_label(bars, fontsize=FONT_SIZE, padding=3)
    ax.set_yticks(ys, labels=labels)
    ax.set_ylim(len(groups) - 0.5, -0.5)
    ax.set_xlim(0, max(1, max(values)) * 1.12)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))
    ax.set_xlabel(xlabel, fontsize=FONT_SIZE)
    _plain_axes(ax, "bottom", "left")
    ax.tick_params(axis="y", length=0)
    _title(ax, title)
    return fig


# -- files -----------------------------------------------------------------------------------

#: no dates or versions written into the files, so the same figure gives the same bytes
_METADATA = {"png": {"Software": None}, "svg": {"Date": None},
             "pdf": {"CreationDate": None, "Producer": None, "Creator": None}}


def save_figure(fig: Figure, path_stem: str | Path,
                formats: Iterable[str] = FORMATS) -> list[Path]:
    """Write ``fig`` as ``path_stem.png`` (300 dpi), ``.svg`` and ``.pdf`` (or the
    ``formats`` asked for), at its print size. Every file is drawn before any is put in
    place, and each is written whole or not at all. Returns the paths in ``formats`` order."""
    stem = Path(path_stem)
    formats = [f.lower().lstrip(".") for f in formats]
    if not formats:
        raise InputError("choose at least one format for the figure (png, svg or pdf)")
    for fmt in formats:
        if fmt not in FORMATS:
            raise InputError(f'write the figure as png, svg or pdf, not "{fmt}"', file=stem)
    if not stem.parent.is_dir():
        raise InputError("the folder does not exist", file=stem.parent)
    paths = [stem.with_name(f"{stem.name}.{fmt}") for fmt in formats]
    with ExitStack() as stack:
        for fmt, path in zip(formats, paths):
            tmp = stack.enter_context(written_whole(path, "figure"))
            with open(tmp, "wb") as fh:
                fig.savefig(fh, format=fmt, dpi=DPI, metadata=_METADATA[fmt],
                            facecolor="white")
    return paths


def figure_block(fig: Figure, folder: str | Path, name: str, caption: str,
                 notes: Sequence[str] = ()) -> document.Figure:
    """Save ``fig`` in ``folder`` as ``name``.png/.svg/.pdf and return the document's
    figure block (its image: the PNG)."""
    if not name or Path(name).name != name or name in (".", ".."):
        raise InputError(f'"{name}" cannot name a figure file: use a plain name such as '
                         '"fig3-training"')
    png = save_figure(fig, Path(folder) / name)[0]
    return document.Figure(caption, png, tuple(notes), name)
