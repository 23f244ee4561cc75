"""RE-AIM figures from summary results (:mod:`post_coder.export.reaim.charts`): which
measures get a figure, with which data, saved where. Results are built by hand in the
shape :func:`~post_coder.export.reaim.summarize` gives."""

from __future__ import annotations

import pytest

from post_coder.export.reaim import charts

AGREE = ["Disagree", "Neutral", "Agree"]


def _levels(labels, counts):
    total = sum(counts)
    return [{"label": label, "n": n, "denominator": total} for label, n in zip(labels, counts)]


def _result(id_, dimension, kind, label, **extra):
    base = {"id": id_, "dimension": dimension, "kind": kind, "label": label, "levels": [],
            "groups": [], "periods": []}
    return base | extra


RESULTS = [
    _result("rate", "Reach", "proportion", "Response rate", n=75, denominator=255),
    _result("framework", "Effectiveness", "distribution", "Gave a framework",
            levels=_levels(AGREE, [1, 2, 7])),
    _result("per_month", "Reach", "events", "Interactions per month", period="month",
            periods=[{"label": "2019-06", "n": 2}, {"label": "2019-07", "n": 0},
                     {"label": "2019-08", "n": 5}]),
    _result("confident", "Effectiveness", "distribution", "Confident reaching out",
            levels=_levels(AGREE, [0, 3, 6])),
    _result("rating", "Effectiveness", "distribution", "Rated the training",
            levels=_levels(["Poor", "Good"], [1, 9])),
    _result("by_dept", "Reach", "count", "Interactions by department",
            groups=[{"label": "EM", "n": 4}, {"label": "ICU", "n": 0}]),
]


def test_which_measures_get_figures_and_their_data(tmp_path, monkeypatch):
    drawn = []
    for name in ("likert_bars", "period_counts", "group_counts"):
        real = getattr(charts, name)

        def spy(*args, _name=name, _real=real, **kwargs):
            drawn.append((_name, args, kwargs))
            return _real(*args, **kwargs)
        monkeypatch.setattr(charts, name, spy)

    figures = charts.reaim_figures(RESULTS, tmp_path)
    assert [f.caption for f in figures] == [
        "Effectiveness: Gave a framework; Confident reaching out",   # one scale, two items
        "Reach: Interactions per month",
        "Effectiveness: Rated the training",
        "Reach: Interactions by department"]
    assert drawn[0] == ("likert_bars", ({"Gave a framework": {"Disagree": 1, "Neutral": 2,
                                                             "Agree": 7},
                                         "Confident reaching out": {"Disagree": 0, "Neutral": 3,
                                                                    "Agree": 6}}, AGREE), {})
    assert drawn[1][0] == "period_counts"
    assert drawn[1][1] == ({"2019-06": 2, "2019-07": 0, "2019-08": 5},)
    assert drawn[1][2] == {"ylabel": "Count per month"}
    assert drawn[3] == ("group_counts", ({"EM": 4, "ICU": 0},), {"order": ["EM", "ICU"]})
    for f in figures:
        assert f.image == tmp_path / f"{f.name}.png" and f.image.is_file()
        assert (tmp_path / f"{f.name}.svg").is_file() and (tmp_path / f"{f.name}.pdf").is_file()
    assert figures[0].name == "reaim-effectiveness-framework"


def test_png_only_when_asked(tmp_path):
    figures = charts.reaim_figures(RESULTS[:2], tmp_path, ("png",))
    assert [p.name for p in tmp_path.iterdir()] == [f"{figures[0].name}.png"]


@pytest.mark.parametrize("kinds", [["proportion"], []])
def test_no_figure_without_levels_periods_or_groups(tmp_path, kinds):
    results = [r for r in RESULTS if r["kind"] in kinds]
    assert charts.reaim_figures(results, tmp_path) == []
    assert list(tmp_path.iterdir()) == []
