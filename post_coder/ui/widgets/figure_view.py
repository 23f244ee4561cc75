"""A publication figure shown in the app, with Save as… (PNG at 300 dpi, SVG or PDF).

The figure (from ``post_coder.export.figures``) is shown at its print size (scrolling when
the window is smaller), so what one sees is what the document gets: the same wrapping,
the same labels. Saving goes through ``export.figures.save_figure``, so a file from here
is the same as one from a report, written whole or not at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QLabel, QPushButton, QScrollArea,
                               QVBoxLayout, QWidget)

from post_coder.errors import InputError, PostCoderError
from post_coder.ui.errors import show_error

if TYPE_CHECKING:  # matplotlib (and pandas, through export.figures) load with the first figure
    from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
    from matplotlib.figure import Figure

#: file-dialog filters, each with the format it writes
SAVE_FILTERS = {"PNG image, 300 dpi (*.png)": "png", "SVG drawing (*.svg)": "svg",
                "PDF document (*.pdf)": "pdf"}
#: the file types Save as… writes: ``export.figures.FORMATS``, which is not imported here so
#: that the main window opens without matplotlib (a test checks that the two agree)
FORMATS = tuple(SAVE_FILTERS.values())


class FigureView(QWidget):
    """``FigureView(figure, name="fig3-training")``; ``set_figure`` shows another one."""

    #: a file was written (its path)
    figure_did_save = Signal(Path)

    def __init__(self, figure: Figure | None = None, name: str = "figure",
                 folder: str | Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.folder = Path(folder) if folder is not None else Path.home()
        self.canvas: FigureCanvasQTAgg | None = None
        self._print_size: tuple[float, float] | None = None

        self.scroll = QScrollArea(self)
        self.scroll.setObjectName("figureScroll")
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scroll.setWidgetResizable(False)
        self.save_button = QPushButton("&Save as…", self)
        self.save_button.setObjectName("figureSaveAs")
        self.save_button.setToolTip("Save the figure as PNG (300 dpi), SVG or PDF")
        self.save_button.clicked.connect(lambda: self.save_as())
        self.status = QLabel(self)
        self.status.setObjectName("figureStatus")
        self.status.setEnabled(False)  # drawn muted: a quiet note

        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll, 1)
        layout.addLayout(buttons)
        self.set_figure(figure, name)

    def figure(self) -> Figure | None:
        return self.canvas.figure if self.canvas is not None else None

    def set_figure(self, figure: Figure | None, name: str | None = None) -> None:
        """Show ``figure`` (None: nothing; Save as… is then disabled)."""
        if name:
            self.name = name
        old = self.scroll.takeWidget()
        if old is not None:
            old.deleteLater()
        self.canvas = None
        self._print_size = None
        self.status.clear()
        if figure is not None:
            width, height = figure.get_size_inches()
            self._print_size = (float(width), float(height))
            from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
            self.canvas = FigureCanvasQTAgg(figure)
            self.canvas.setObjectName("figureCanvas")
            self.canvas.setFixedSize(*self.canvas.get_width_height())
            self.scroll.setWidget(self.canvas)
        self.save_button.setEnabled(figure is not None)

    def save_as(self, path: str | Path | None = None) -> Path | None:
        """Write the figure to ``path`` (asked for when None) as PNG, SVG or PDF, by its
        suffix (or the chosen file type when it has none). Returns the file written."""
        figure = self.figure()
        if figure is None:
            return None
        if path is None:
            chosen, kind = QFileDialog.getSaveFileName(
                self, "Save figure", str(self.folder / f"{self.name}.png"),
                ";;".join(SAVE_FILTERS))
            if not chosen:
                return None
            path = Path(chosen)
            if path.suffix.lower().lstrip(".") not in FORMATS and kind in SAVE_FILTERS:
                path = path.with_name(f"{path.name}.{SAVE_FILTERS[kind]}")
        path = Path(path)
        fmt = path.suffix.lower().lstrip(".") or "png"
        if fmt not in FORMATS:
            show_error(self, InputError(f'save the figure as .png, .svg or .pdf, not ".{fmt}"',
                                        file=path))
            return None
        from post_coder.export.figures import save_figure
        shown = figure.get_size_inches()
        try:
            # at print size, whatever the window did to the figure
            figure.set_size_inches(*self._print_size, forward=False)
            (written,) = save_figure(figure, path.with_suffix(""), formats=(fmt,))
        except PostCoderError as exc:
            show_error(self, exc)
            return None
        finally:
            figure.set_size_inches(*shown, forward=False)
        self.folder = written.parent
        self.status.setText(f"Saved {written.name}.")
        self.figure_did_save.emit(written)
        return written
