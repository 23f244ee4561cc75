"""Figures: the bars drawn, their widths and order, labels, n, colors, fonts and the files.

Every expected number below is worked out by hand from the small data sets here.
"""

from __future__ import annotations

import errno
import struct
import threading
import xml.etree.ElementTree as ET

import pandas as pd
import pytest
from matplotlib.colors import to_rgb
from matplotlib.text import Text

from post_coder.errors import InputError, PostCoderError
from post_coder.export import document
from post_coder.export.figures import (diverging_likert_bars, figure_block, group_counts,
                                       likert_bars, likert_colors, period_counts, save_figure)

LEVELS = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]
SD, D, N, A, SA = LEVELS
# Helpful: n = 32; A 12 → 37.5 %, SA 20 → 62.5 % (both ties: printed 38 % and 63 %)
# Well-being: n = 20; 1, 3, 4, 8, 4 → 5, 15, 20, 40, 20 %
# Comfortable: n = 40; SD 1 → 2.5 % (no label), D 0, N 9 → 22.5 %, A 20 → 50 %, SA 10 → 25 %
DATA = {
    "Helpful": {A: 12, SA: 20},
    "Well-being": {SD: 1, D: 3, N: 4, A: 8, SA: 4},
    "Comfortable talking about work-related emotions": pd.Series({SD: 1, N: 9, A: 20, SA: 10}),
}
WIDTHS = [[0, 0, 0, 37.5, 62.5], [5, 15, 20, 40, 20], [2.5, 0, 22.5, 50, 25]]


def rows(values):
    """A table of numbers, compared with pytest.approx row by row."""
    return [pytest.approx(row) for row in values]


def widths(ax):
    """Per item, the width of its bar in each level's container."""
    return [[c.patches[i].get_width() for c in ax.containers] for i in range(len(DATA))]


def lefts(ax):
    return [[c.patches[i].get_x() for c in ax.containers] for i in range(len(DATA))]


def texts(ax, gid):
    return [t.get_text() for t in ax.texts if t.get_gid() == gid and t.get_visible()]


def all_text(fig):
    fig.draw_without_rendering()
    return [t for t in fig.findobj(Text) if t.get_text().strip() and t.get_visible()]


# -- Likert, stacked ---------------------------------------------------------------------------

def test_stacked_bars_one_container_per_level_widths_are_the_percentages():
    fig = likert_bars(DATA, LEVELS)
    ax = fig.axes[0]
    assert len(ax.containers) == 5
    assert [c.get_label() for c in ax.containers] == LEVELS
    assert widths(ax) == rows(WIDTHS)
    # stacked from 0: each segment starts where the one before ended
    assert lefts(ax) == rows([[0, 0, 0, 0, 37.5], [0, 5, 20, 40, 80],
                             [0, 2.5, 2.5, 25, 75]])
    assert ax.get_xlim() == (0, 100)


def test_items_top_to_bottom_in_the_given_order_with_wrapped_labels_and_n():
    ax = likert_bars(DATA, LEVELS, wrap=20).axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["Helpful", "Well-being",
                      "Comfortable talking\nabout work-related\nemotions"]
    # the first item is drawn at the top: the y axis runs downwards
    assert ax.yaxis_inverted()
    ys = [c for c in (ax.containers[0].patches[i].get_y() for i in range(3))]
    assert ys[0] < ys[1] < ys[2]
    assert texts(ax, "n") == ["n = 32", "n = 20", "n = 40"]


def test_percent_labels_on_segments_of_5_percent_or_more_rounded_half_up():
    ax = likert_bars(DATA, LEVELS).axes[0]
    # level by level, item by item; Helpful's 37.5 and 62.5 print as a journal prints
    # them (38, 63), Comfortable's 22.5 as 23; its 2.5 % segment and the empty ones have none
    assert texts(ax, "percent") == ["5", "15", "20", "23", "38", "40", "50", "63", "20", "25"]
    # each label sits in the middle of its segment: Helpful's "63" at 37.5 + 62.5 / 2
    label = next(t for t in ax.texts if t.get_text() == "63")
    assert label.get_position() == pytest.approx((68.75, 0))


def test_legend_lists_the_levels_in_scale_order():
    fig = likert_bars(DATA, LEVELS)
    assert [t.get_text() for t in fig.legends[0].get_texts()] == LEVELS


def test_answers_as_a_dataframe_are_counted_blank_cells_left_out():
    frame = pd.DataFrame({"Q1": [A, SA, A, None, "  ", N], "Q2": [SD, SD, SD, SD, D, None]})
    ax = likert_bars(frame, LEVELS).axes[0]
    assert [[c.patches[i].get_width() for c in ax.containers] for i in range(2)] == \
        rows([[0, 0, 25, 50, 25], [80, 20, 0, 0, 0]])
    assert texts(ax, "n") == ["n = 4", "n = 5"]


def test_an_item_nobody_answered_is_drawn_empty_with_n_0():
    ax = likert_bars({"Asked": {A: 3}, "Skipped": {}}, LEVELS).axes[0]
    assert [c.patches[1].get_width() for c in ax.containers] == [0, 0, 0, 0, 0]
    assert texts(ax, "n") == ["n = 3", "n = 0"]


# -- Likert, diverging -------------------------------------------------------------------------

def test_diverging_bars_negative_left_neutral_split_positive_right():
    ax = diverging_likert_bars(DATA, LEVELS).axes[0]
    assert widths(ax) == rows(WIDTHS)
    # Well-being: SD 5 + D 15 + half of N 20 = 30 to the left of zero
    # Comfortable: SD 2.5 + D 0 + half of N 22.5 = 13.75 to the left, SA after 11.25 + 50
    assert lefts(ax) == rows([
        [0, 0, 0, 0, 37.5],
        [-30, -25, -10, 10, 50],
        [-13.75, -11.25, -11.25, 11.25, 61.25]])
    # the neutral segment straddles zero by halves
    neutral = ax.containers[2].patches[1]
    assert neutral.get_x() == pytest.approx(-neutral.get_width() / 2)
    # the axis reaches 30 to the left and 100 to the right; ticks read as distances
    assert ax.get_xlim() == (-30, 100)
    ax.figure.draw_without_rendering()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["25", "0", "25", "50", "75",
                                                            "100"]


def test_diverging_neutral_level_can_be_named_and_even_scales_have_none():
    # an unbalanced scale: only "Poor" is negative, "Fair" the neutral point
    levels = ["Poor", "Fair", "Good", "Very good", "Excellent"]
    ax = diverging_likert_bars({"Training": {"Poor": 2, "Fair": 2, "Good": 6}}, levels,
                               neutral="Fair").axes[0]
    assert [c.patches[0].get_x() for c in ax.containers] == pytest.approx(
        [-30, -10, 10, 70, 70])
    four = ["No", "Rather no", "Rather yes", "Yes"]
    ax = diverging_likert_bars({"x": {"No": 1, "Rather no": 1, "Rather yes": 1, "Yes": 1}},
                               four).axes[0]
    assert [c.patches[0].get_x() for c in ax.containers] == pytest.approx([-50, -25, 0, 25])


# -- colors and fonts --------------------------------------------------------------------------

def luminance(color):
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
               for c in to_rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_palette_orange_grey_blue_lightness_falls_towards_both_ends():
    colors = likert_colors(LEVELS)
    (r0, _, b0), (r1, _, b1), grey, (r3, _, b3), (r4, _, b4) = (to_rgb(c) for c in colors)
    assert r0 > b0 and r1 > b1          # oranges: disagreeing
    assert grey[0] == grey[1] == grey[2]  # grey: neutral
    assert b3 > r3 and b4 > r4          # blues: agreeing
    lum = [luminance(c) for c in colors]
    assert lum[0] < lum[1] and lum[4] < lum[3]
    ax = likert_bars(DATA, LEVELS).axes[0]
    assert [c.patches[0].get_facecolor()[:3] for c in ax.containers] == rows(
        [to_rgb(c) for c in colors])


def test_every_text_is_9_pt_or_more_at_print_size():
    figs = [likert_bars(DATA, LEVELS, title="Training"), diverging_likert_bars(DATA, LEVELS),
            period_counts({"2019": 73, "2020": 109}), group_counts({"EM": 3, "ICU": 0})]
    for fig in figs:
        assert fig.get_size_inches()[0] == pytest.approx(6.5)
        sizes = [t.get_fontsize() for t in all_text(fig)]
        assert sizes and min(sizes) >= 9


def test_no_title_unless_asked():
    assert likert_bars(DATA, LEVELS).axes[0].get_title(loc="left") == ""
    assert likert_bars(DATA, LEVELS, title="Fig").axes[0].get_title(loc="left") == "Fig"


# -- counts ------------------------------------------------------------------------------------

def test_counts_per_month_fill_the_months_without_events():
    months = pd.period_range("2019-06", periods=5, freq="M")
    counts = pd.Series([5, 7, 3, 0, 9], index=months).drop(months[3])  # no September row
    ax = period_counts(counts).axes[0]
    (bars,) = ax.containers
    assert [b.get_height() for b in bars] == [5, 7, 3, 0, 9]
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "Jun 2019", "Jul 2019", "Aug 2019", "Sep 2019", "Oct 2019"]
    assert [t.get_text() for t in ax.texts] == ["5", "7", "3", "0", "9"]


def test_counts_per_quarter_and_year_labels_and_a_line():
    quarters = pd.Series([4, 6], index=pd.period_range("2019Q3", periods=2, freq="Q"))
    ax = period_counts(quarters).axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2019 Q3", "2019 Q4"]
    years = pd.Series([73, 109, 124], index=pd.period_range("2019", periods=3, freq="Y"))
    ax = period_counts(years, kind="line", ylabel="Interactions").axes[0]
    assert not ax.containers
    assert list(ax.lines[0].get_ydata()) == [73, 109, 124]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2019", "2020", "2021"]
    assert [t.get_text() for t in ax.texts] == ["73", "109", "124"]
    assert ax.get_ylabel() == "Interactions"
    # labels given as they are, in the order given
    ax = period_counts({"Year 2": 109, "Year 1": 73}).axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Year 2", "Year 1"]
    ax = period_counts({pd.Timestamp("2020-03-01"): 2}).axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2020-03-01"]


def test_counts_by_group_in_declared_order_zero_groups_shown():
    order = ["AFM", "EM", "ICU", "PICU"]
    ax = group_counts({"EM": 5, "ICU": 2}, order=order).axes[0]
    (bars,) = ax.containers
    assert [t.get_text() for t in ax.get_yticklabels()] == order
    assert [b.get_width() for b in bars] == [0, 5, 2, 0]
    assert [t.get_text() for t in ax.texts] == ["0", "5", "2", "0"]
    assert ax.yaxis_inverted()


def test_counts_by_group_sorted_largest_first_ties_in_declared_order():
    order = ["AFM", "EM", "ICU", "PICU"]
    ax = group_counts(pd.Series({"ICU": 2, "EM": 5}), order=order, sort=True).axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["EM", "ICU", "AFM", "PICU"]
    assert [b.get_width() for b in ax.containers[0]] == [5, 2, 0, 0]
    ax = group_counts({"b": 1, "a": 3}).axes[0]  # no declared order: the data's own
    assert [t.get_text() for t in ax.get_yticklabels()] == ["b", "a"]


# -- plain errors ------------------------------------------------------------------------------

@pytest.mark.parametrize("draw, message", [
    (lambda: likert_bars({}, LEVELS), "there is nothing to draw: no items were given"),
    (lambda: likert_bars(pd.DataFrame(), LEVELS), "nothing to draw"),
    (lambda: likert_bars({"Q": {}, "R": {A: 0}}, LEVELS), "no item has any answer"),
    (lambda: diverging_likert_bars(pd.DataFrame({"Q": [None, ""]}), LEVELS),
     "no item has any answer"),
    (lambda: period_counts({}), "nothing to draw: no counts per period"),
    (lambda: period_counts(pd.Series([], dtype=int, index=pd.PeriodIndex([], freq="M"))),
     "nothing to draw"),
    (lambda: group_counts({}), "nothing to draw: no counts per group"),
])
def test_nothing_to_draw_is_a_plain_error(draw, message):
    with pytest.raises(InputError, match=message):
        draw()


def test_bad_data_is_a_plain_error_naming_where():
    with pytest.raises(InputError) as info:
        likert_bars(pd.DataFrame({"Q1": [A, SA, "Maybe"]}), LEVELS)
    assert str(info.value).startswith('row 3, column "Q1": "Maybe" is not one of the levels')
    with pytest.raises(InputError, match='item "Helpful": "Yes" is not one of the levels'):
        likert_bars({"Helpful": {"Yes": 3}}, LEVELS)
    with pytest.raises(InputError, match='item "Helpful", level "Agree": a count must be a '
                                         "whole number of 0 or more, not -1"):
        likert_bars({"Helpful": {A: -1}}, LEVELS)
    with pytest.raises(InputError, match='"X" is not one of the declared groups'):
        group_counts({"X": 1}, order=["EM"])
    with pytest.raises(InputError, match='group "EM": the count "many" is not a number'):
        group_counts({"EM": "many"})
    with pytest.raises(InputError, match='the neutral level "Meh" is not one of the levels'):
        diverging_likert_bars(DATA, LEVELS, neutral="Meh")
    with pytest.raises(InputError, match='"bar" or "line", not "pie"'):
        period_counts({"2019": 1}, kind="pie")
    with pytest.raises(InputError, match='two columns are named "Q1"'):
        likert_bars(pd.DataFrame([[A, SA]], columns=["Q1", "Q1"]), LEVELS)
    with pytest.raises(InputError, match="the scale lists a level twice"):
        likert_bars(DATA, [A, A])


# -- files -------------------------------------------------------------------------------------

def png_chunks(data: bytes) -> dict[bytes, bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, i = {}, 8
    while i < len(data):
        (length,) = struct.unpack(">I", data[i:i + 4])
        chunks[data[i + 4:i + 8]] = data[i + 8:i + 8 + length]
        i += 12 + length
    return chunks


def test_saved_as_png_300_dpi_svg_and_pdf(tmp_path):
    fig = likert_bars(DATA, LEVELS)
    paths = save_figure(fig, tmp_path / "fig3")
    assert paths == [tmp_path / "fig3.png", tmp_path / "fig3.svg", tmp_path / "fig3.pdf"]
    chunks = png_chunks(paths[0].read_bytes())
    x, y, unit = struct.unpack(">IIB", chunks[b"pHYs"])
    assert (x, y, unit) == (11811, 11811, 1)  # 300 dots per inch = 11811 per metre
    width, height = struct.unpack(">II", chunks[b"IHDR"][:8])
    assert width == 1950  # 6.5 in at 300 dpi
    assert height == round(fig.get_size_inches()[1] * 300)
    root = ET.parse(paths[1]).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert paths[2].read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fig3.pdf", "fig3.png", "fig3.svg"]


def test_one_format_and_a_stem_with_a_dot(tmp_path):
    paths = save_figure(group_counts({"EM": 1}), tmp_path / "fig.v2", formats=["SVG"])
    assert paths == [tmp_path / "fig.v2.svg"] and paths[0].exists()


def test_save_refuses_unknown_formats_and_missing_folders(tmp_path):
    fig = group_counts({"EM": 1})
    with pytest.raises(InputError, match='png, svg or pdf, not "jpg"'):
        save_figure(fig, tmp_path / "fig", formats=("png", "jpg"))
    with pytest.raises(InputError, match="the folder does not exist"):
        save_figure(fig, tmp_path / "nowhere" / "fig")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_save_puts_no_file_in_place(tmp_path, monkeypatch):
    fig = group_counts({"EM": 1})
    (tmp_path / "fig.png").write_bytes(b"the old figure")
    real = fig.savefig

    def full_disk_on_pdf(fh, format, **kw):
        if format == "pdf":
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fh, format=format, **kw)

    monkeypatch.setattr(fig, "savefig", full_disk_on_pdf)
    with pytest.raises(PostCoderError, match="the figure could not be written "
                                             r"\(No space left on device\)"):
        save_figure(fig, tmp_path / "fig")
    # the PNG and SVG were drawn, but none was put in place; no temporary file is left
    assert [p.name for p in tmp_path.iterdir()] == ["fig.png"]
    assert (tmp_path / "fig.png").read_bytes() == b"the old figure"


def test_figure_block_saves_and_returns_the_document_block(tmp_path):
    block = figure_block(period_counts({"2019": 3}), tmp_path, "fig5-interactions",
                         "Interactions per year", notes=["Year 1 starts in June."])
    assert block == document.Figure("Interactions per year", tmp_path / "fig5-interactions.png",
                                    ("Year 1 starts in June.",), "fig5-interactions")
    assert {p.suffix for p in tmp_path.iterdir()} == {".png", ".svg", ".pdf"}
    with pytest.raises(InputError, match="cannot name a figure file"):
        figure_block(period_counts({"2019": 3}), tmp_path, "../fig", "x")


def test_figures_are_drawn_and_saved_on_several_threads_at_once(tmp_path):
    errors = []

    def work(i):
        try:
            fig = likert_bars({f"item {i}": {A: i + 1, SA: 1}}, LEVELS)
            save_figure(fig, tmp_path / f"fig{i}", formats=("png",))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"fig{i}.png" for i in range(4)]


def test_a_label_wider_than_its_segment_is_left_out():
    # a 6.25 % segment on a diverging axis 200 % wide, beside long item labels: "6" does not
    # fit, so it is not drawn over the neighbouring segments; the 93.75 % segment keeps "94"
    long = "An item worded at great length, as survey items often are, and not wrapped"
    fig = diverging_likert_bars({long: {SD: 10}, "Short": {SD: 1, SA: 15}}, LEVELS, wrap=80)
    ax = fig.axes[0]
    assert ax.get_xlim() == (-100, 100)
    assert texts(ax, "percent") == ["100", "94"]
    hidden = [t.get_text() for t in ax.texts if t.get_gid() == "percent" and not t.get_visible()]
    assert hidden == ["6"]
    renderer = fig.canvas.get_renderer()
    for container in ax.containers:
        for bar in container:
            for t in ax.texts:
                if t.get_gid() == "percent" and t.get_visible() and bar.contains_point(
                        ax.transData.transform(t.get_position())):
                    assert t.get_window_extent(renderer).width < bar.get_window_extent(
                        renderer).width
