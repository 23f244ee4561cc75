"""The figure view: a publication figure shown in the app, saved as PNG, SVG or PDF."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from post_coder.export.figures import group_counts, likert_bars
from post_coder.ui.widgets.figure_view import FigureView

pytestmark = pytest.mark.qt

LEVELS = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]
DATA = {"Helpful": {"Agree": 12, "Strongly agree": 20},
        "Well-being": {"Disagree": 3, "Neutral": 4, "Agree": 8, "Strongly agree": 5}}


@pytest.fixture
def view(qtbot, tmp_path):
    w = FigureView(likert_bars(DATA, LEVELS), name="fig3-training", folder=tmp_path)
    qtbot.addWidget(w)
    w.resize(500, 400)  # smaller than the figure: it scrolls, it is not squeezed
    w.show()
    qtbot.waitExposed(w)
    return w


def answer_save_dialog(monkeypatch, path, kind=""):
    asked = []

    def dialog(parent, title, suggested, filters):
        asked.append((title, suggested, filters))
        return str(path), kind
    monkeypatch.setattr("post_coder.ui.widgets.figure_view.QFileDialog.getSaveFileName",
                        dialog)
    return asked


def test_the_figure_is_drawn_at_its_print_size(view):
    canvas = view.canvas
    assert canvas.figure is view.figure()
    # 6.5 in wide at the figure's 100 dpi (in logical pixels), whatever the window's size
    assert canvas.width() == 650
    assert view.scroll.horizontalScrollBar().maximum() > 0
    image = canvas.grab().toImage()
    colors = {image.pixel(x, y) for x in range(0, image.width(), 5)
              for y in range(0, image.height(), 5)}
    assert len(colors) > 20  # bars, text and a legend, not a blank canvas


def test_save_as_png_from_the_button_writes_300_dpi_at_print_size(view, qtbot, monkeypatch,
                                                                  tmp_path):
    target = tmp_path / "fig3.png"
    asked = answer_save_dialog(monkeypatch, target)
    with qtbot.waitSignal(view.figure_did_save) as saved:
        qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert saved.args == [target]
    title, suggested, filters = asked[0]
    assert suggested == str(tmp_path / "fig3-training.png")
    assert filters.split(";;") == ["PNG image, 300 dpi (*.png)", "SVG drawing (*.svg)",
                                   "PDF document (*.pdf)"]
    data = target.read_bytes()
    width = struct.unpack(">I", data[16:20])[0]
    assert width == 1950  # 6.5 in at 300 dpi
    i = data.index(b"pHYs")
    assert struct.unpack(">IIB", data[i + 4:i + 13]) == (11811, 11811, 1)
    assert view.status.text() == "Saved fig3.png."


def test_save_as_svg_or_pdf_by_suffix_or_by_the_chosen_type(view, monkeypatch, tmp_path):
    answer_save_dialog(monkeypatch, tmp_path / "fig3.svg")
    assert view.save_as() == tmp_path / "fig3.svg"
    assert ET.parse(tmp_path / "fig3.svg").getroot().tag.endswith("svg")
    answer_save_dialog(monkeypatch, tmp_path / "fig4", "PDF document (*.pdf)")
    assert view.save_as() == tmp_path / "fig4.pdf"
    assert (tmp_path / "fig4.pdf").read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fig3.svg", "fig4.pdf"]


def test_save_after_the_window_squeezed_the_figure_keeps_the_print_size(view, tmp_path):
    view.figure().set_size_inches(3, 2)  # as a canvas resize would
    path = view.save_as(tmp_path / "small.png")
    assert struct.unpack(">I", path.read_bytes()[16:20])[0] == 1950
    assert tuple(view.figure().get_size_inches()) == (3, 2)  # the view left as it was


def test_cancel_writes_nothing_and_a_bad_file_type_is_a_plain_error(view, qtbot, monkeypatch,
                                                                     tmp_path):
    answer_save_dialog(monkeypatch, "")
    assert view.save_as() is None
    assert list(tmp_path.iterdir()) == []
    assert view.save_as(tmp_path / "fig.jpg") is None
    box = next(w for w in QApplication.topLevelWidgets()
               if isinstance(w, QMessageBox) and w.objectName() == "errorBox")
    assert box.text() == 'Fig.jpg: save the figure as .png, .svg or .pdf, not ".jpg".'
    assert "Traceback" not in box.text()
    box.close()
    assert list(tmp_path.iterdir()) == []


def test_set_figure_replaces_it_and_none_disables_save(view):
    other = group_counts({"EM": 3, "ICU": 0})
    view.set_figure(other, "fig5")
    assert view.figure() is other and view.canvas.figure is other
    assert view.scroll.widget() is view.canvas
    view.set_figure(None)
    assert view.figure() is None and not view.save_button.isEnabled()
    assert view.save_as() is None
