"""File ▸ Export…: choose a publication output, its options and format, see it, write it.

The outputs and their options are those of ``post-coder export`` and ``post-coder
report`` (:mod:`post_coder.export.outputs` builds each with the same core function). The
preview on the right is the document the export would write, rendered as the HTML page
of the ``html`` format: it is computed in the background
(:class:`~post_coder.ui.background.BackgroundReader`, a read-only snapshot) shortly after
any option changes; a result that arrives after a newer request is dropped. While it is
computed the preview says "Preparing preview…"; when the output cannot be made (a blind
round hides the others' codings, the consensus layer is refused…) it shows the core's
plain message and Export… is disabled.

Export… asks for the file (for the full report, the folder to write into) and writes it
as a background task (:mod:`post_coder.ui.tasks`) with a progress dialog whose Cancel
takes effect before the file is written, or between the full report's parts; a file once
begun is written whole. Then the dialog says what it wrote where, with Open folder.
Everything is read through the session's scope (``session.scope``).
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer, QUrl, Qt
from PySide6.QtGui import QDesktopServices, QImage, QKeySequence, QShortcut
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QFileDialog, QFormLayout,
                               QGroupBox, QHBoxLayout, QLabel, QListWidget, QListWidgetItem,
                               QPushButton, QSpinBox, QSplitter, QStackedWidget, QTextBrowser,
                               QVBoxLayout, QWidget)

from post_coder.coding.themes import DIMENSIONS
from post_coder.errors import PostCoderError
from post_coder.export.outputs import OUTPUTS, preview_html, write_output
from post_coder.export.reaim.stored import stored_spec_text
from post_coder.project import plain_error
from post_coder.queries import questions, variables
from post_coder.team.review import list_sessions
from post_coder.team.rounds import list_rounds
from post_coder.ui.background import BackgroundReader
from post_coder.ui.errors import _sentence
from post_coder.ui.models import reads
from post_coder.ui.session import Session
from post_coder.ui.tasks import Task, run_task

log = logging.getLogger(__name__)

#: the preview is recomputed this long after the last change of an option
PREVIEW_DELAY_MS = 300
PREPARING = "Preparing preview…"
READY = "Preview of what the export will write."

#: format → what a person picks
FORMAT_LABELS = {"docx": "Word (.docx)", "xlsx": "Excel (.xlsx)", "csv": "CSV (.csv)",
                 "md": "Markdown (.md)", "tex": "LaTeX (.tex)", "html": "HTML (.html)"}


class PreviewBrowser(QTextBrowser):
    """A QTextBrowser that shows the page's embedded PNG figures (``data:`` images)."""

    def loadResource(self, kind: int, url: QUrl) -> Any:  # noqa: N802 - Qt's name
        if url.scheme() == "data":
            head, _, data = url.toString().partition(",")
            if head.endswith(";base64"):
                image = QImage.fromData(base64.b64decode(data))
                if not image.isNull():
                    return image
        return super().loadResource(kind, url)


class _Page(QWidget):
    """One output's option widgets; ``options()`` gives the core function's keywords."""

    def __init__(self, changed: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._changed = changed
        self.form = QFormLayout()
        self.form.setContentsMargins(0, 0, 0, 0)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(self.form)
        outer.addStretch(1)  # rows keep their height when the page is taller
        self._getters: dict[str, Callable[[], Any]] = {}
        self.problem: Callable[[], str | None] = lambda: None

    def add(self, key: str, label: str, widget: QWidget, getter: Callable[[], Any]) -> QWidget:
        widget.setObjectName(f"export_{key}")
        self.form.addRow(label, widget)
        self._getters[key] = getter
        for signal in ("currentIndexChanged", "valueChanged", "toggled", "itemChanged"):
            if hasattr(widget, signal):
                getattr(widget, signal).connect(lambda *_: self._changed())
        return widget

    def combo(self, key: str, label: str, items: list[tuple[str, Any]], default: int = 0
              ) -> QComboBox:
        box = QComboBox(self)
        for text, value in items:
            box.addItem(text, value)
        box.setCurrentIndex(default)
        self.add(key, label, box, box.currentData)
        return box

    def check(self, key: str, label: str, tip: str = "") -> QCheckBox:
        box = QCheckBox(label, self)
        box.setToolTip(tip)
        self.add(key, "", box, box.isChecked)
        return box

    def spin(self, key: str, label: str, low: int, high: int, value: int) -> QSpinBox:
        box = QSpinBox(self)
        box.setRange(low, high)
        box.setValue(value)
        self.add(key, label, box, box.value)
        return box

    def checklist(self, key: str, label: str, items: list[tuple[str, str]], checked: bool,
                  as_value: Callable[[list[str], int], Any]) -> QListWidget:
        """Checkable items; ``as_value(ticked values, how many items)`` is the option."""
        box = QListWidget(self)
        for text, value in items:
            item = QListWidgetItem(text, box)
            item.setData(Qt.ItemDataRole.UserRole, value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        box.setMaximumHeight(22 * min(max(len(items), 1), 4) + 8)

        def ticked() -> list[str]:
            return [box.item(i).data(Qt.ItemDataRole.UserRole) for i in range(box.count())
                    if box.item(i).checkState() == Qt.CheckState.Checked]

        self.add(key, label, box, lambda: as_value(ticked(), box.count()))
        return box

    def note(self, text: str) -> None:
        label = QLabel(text, self)
        label.setWordWrap(True)
        self.form.addRow(label)

    def options(self) -> dict[str, Any]:
        return {key: get() for key, get in self._getters.items()}


def _all_or_ticked(values: list[str], total: int) -> tuple[str, ...]:
    """Every item ticked: no restriction (every question)."""
    return () if len(values) == total else tuple(values)


class ExportDialog(QDialog):
    """``ExportDialog(session, parent)``; ``choose(key)`` picks an output."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.task: Task | None = None
        self.last_written: list[Path] = []
        self._ready = False  # the option widgets are being built
        self._shown: str | None = None  # the output the preview shows
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export")
        self.resize(1200, 700)
        project = session.project
        self._questions = questions(project)
        self._attributes = variables(project)
        self._rounds = list_rounds(project)
        self._reviewed = [r for r in self._rounds if list_sessions(project, r.id)]
        self._has_spec = stored_spec_text(project) is not None

        self.output_combo = QComboBox(self, objectName="exportOutput")
        self.pages = QStackedWidget(self, objectName="exportOptions")
        self._page_of: dict[str, _Page] = {}
        for key, output in OUTPUTS.items():
            if (key == "reaim" and not self._has_spec) or (key == "minutes" and not self._reviewed):
                continue
            page = _Page(self._schedule_preview, self.pages)
            getattr(self, f"_{key}_page")(page)
            self._page_of[key] = page
            self.pages.addWidget(page)
            self.output_combo.addItem(output.label, key)
        self.format_combo = QComboBox(self, objectName="exportFormat")
        self.format_label = QLabel("&Format:", self)
        self.format_label.setBuddy(self.format_combo)

        self.status = QLabel(PREPARING, self, objectName="previewStatus")
        self.status.setWordWrap(True)
        self.preview = PreviewBrowser(self)
        self.preview.setObjectName("exportPreview")
        self.preview.setOpenLinks(False)
        self.result_label = QLabel(self, objectName="exportResult")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_folder = QPushButton("Open &folder", self, objectName="exportOpenFolder")
        self.open_folder.clicked.connect(self.open_written_folder)
        self.open_folder.hide()
        self.export_button = QPushButton("&Export…", self, objectName="exportButton")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.export)
        close = QPushButton("Close", self, objectName="exportClose")
        close.clicked.connect(self.reject)

        what = QFormLayout()
        what.addRow("&Output:", self.output_combo)
        options = QGroupBox("Options", self)
        box = QVBoxLayout(options)
        box.addWidget(self.pages)
        box.addStretch(1)
        fmt = QFormLayout()
        fmt.addRow(self.format_label, self.format_combo)
        left = QWidget(self)
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(what)
        column.addWidget(options, 1)
        column.addLayout(fmt)
        column.addWidget(self.result_label)
        right = QWidget(self)
        preview_column = QVBoxLayout(right)
        preview_column.setContentsMargins(0, 0, 0, 0)
        preview_column.addWidget(self.status)
        preview_column.addWidget(self.preview, 1)
        splitter = QSplitter(self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([400, 800])
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_folder)
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)

        self.reader = BackgroundReader(project.path, self)
        self.reader.did_finish.connect(self._show_preview)
        self.reader.did_fail.connect(self._preview_failed)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.refresh_preview)
        self.output_combo.currentIndexChanged.connect(self._output_changed)
        self.format_combo.currentIndexChanged.connect(lambda *_: self._clear_result())
        session.visibility_did_change.connect(self._schedule_preview)
        session.project_did_change.connect(lambda *_: self._schedule_preview())
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.export)
        self._ready = True
        self._output_changed()

    # -- the option pages (the same options as the CLI commands) -----------------------------
    def _sources(self) -> list[tuple[str, str]]:
        return ([("Consensus layer (review decisions)", "consensus"),
                 ("Union of the coders' codings", "union")]
                + [(f"Coder: {c.name}", f"coder:{c.name}") for c in reads.coders(
                    self.session.project)])

    def _question_items(self, value: Callable[[Any], str]) -> list[tuple[str, str]]:
        return [(q.short_label or q.wording or q.column_name, value(q)) for q in self._questions]

    def _attribute_items(self) -> list[tuple[str, str]]:
        """The attributes of the respondents who answer the questions (by id: two datasets
        may both have a "Department")."""
        surveyed = {q.dataset_id for q in self._questions}
        return [(v.short_label or v.label or v.name, v.id) for v in self._attributes
                if v.dataset_id in surveyed]

    def _round_items(self, rounds: list[Any], every: str | None) -> list[tuple[str, Any]]:
        return ([(every, None)] if every else []) + [(r.name, r.id) for r in rounds]

    def _themes_page(self, page: _Page) -> None:
        questions_box = page.checklist("questions", "&Questions:", self._question_items(
            lambda q: q.id), True, _all_or_ticked)
        page.combo("source", "&Source:", self._sources())
        base = page.combo("base", "&Denominator:", [
            ("Respondents who answered", "answered"), ("All respondents", "all"),
            ("A number…", "number")])
        number = QSpinBox(page)
        number.setRange(1, 10_000_000)
        number.setValue(100)
        number.setEnabled(False)
        page.add("base_number", "&Number of respondents:", number, number.value)
        base.currentIndexChanged.connect(
            lambda *_: number.setEnabled(base.currentData() == "number"))
        page.combo("by", "&Break down by:", [("(no breakdown)", None)] + self._attribute_items())
        page.spin("quotes", "&Quotes per theme:", 0, 10, 2)
        page.checklist("attribution", "Quote &attribution:", self._attribute_items(), False,
                       lambda values, _total: tuple(values))
        page.combo("dimension", "RE-AIM &dimension:",
                   [("Every theme", None)] + [(d, d) for d in DIMENSIONS])

        def problem() -> str | None:
            ticked = any(questions_box.item(i).checkState() == Qt.CheckState.Checked
                         for i in range(questions_box.count()))
            return None if ticked else "Tick at least one question."
        page.problem = problem

    def _codebook_page(self, page: _Page) -> None:
        page.check("counts", "Add how many &respondents each code reaches")
        page.check("include_inactive", "Also &merged and retired codes, with their status")

    def _agreement_page(self, page: _Page) -> None:
        page.combo("round", "&Round:", self._round_items(self._rounds, "All responses"))
        page.checklist("questions", "&Questions:", self._question_items(
            lambda q: q.column_name), True, lambda v, n: None if len(v) == n else list(v))
        page.check("full", "&Every coefficient and each pair's kappa")
        page.spin("resamples", "Bootstrap &resamples:", 0, 100_000, 1000)
        page.spin("seed", "Bootstrap s&eed:", 0, 2**31 - 1, 0)

    def _matrix_page(self, page: _Page) -> None:
        page.combo("source", "&Source:", self._sources())
        page.combo("question", "&Question:", [("Every question", None)] + self._question_items(
            lambda q: q.column_name))
        page.check("roll_up", "A code's column is also 1 where a &sub-code applies")
        page.check("text", "Add the answers' &text")

    def _reaim_page(self, page: _Page) -> None:
        page.note("The RE-AIM measures of the spec stored in the project, one table per "
                  "dimension.")
        page.check("figures", "Add the &figures (PNG, SVG and PDF beside the file)",
                   "Likert bars of the scales, counts per period and counts by group"
                   ).setChecked(True)

    def _minutes_page(self, page: _Page) -> None:
        page.combo("round", "&Round:", self._round_items(self._reviewed, None))

    def _report_page(self, page: _Page) -> None:
        page.combo("source", "&Source:", self._sources())
        page.combo("round", "&Round:", self._round_items(self._rounds, "Every round"))
        page.combo("by", "Theme tables &by:", [("(no breakdown)", None)]
                   + self._attribute_items())
        page.checklist("attribution", "Quote &attribution:", self._attribute_items(), False,
                       lambda values, _total: tuple(values))
        formats = page.checklist("formats", "Each part &also as:", [
            (FORMAT_LABELS[f], f) for f in OUTPUTS["report"].formats], False,
            lambda values, _total: tuple(values))
        for i in range(formats.count()):
            if formats.item(i).data(Qt.ItemDataRole.UserRole) in ("docx", "xlsx"):
                formats.item(i).setCheckState(Qt.CheckState.Checked)
        formats.setMaximumHeight(22 * 6 + 8)
        page.spin("resamples", "Bootstrap &resamples:", 0, 100_000, 1000)
        page.spin("seed", "Bootstrap s&eed:", 0, 2**31 - 1, 0)
        page.note("The folder gets each part in these formats, plus report.docx holding "
                  "every part in order.")

    # -- choices ------------------------------------------------------------------------------
    def key(self) -> str:
        return self.output_combo.currentData()

    def page(self) -> _Page:
        return self._page_of[self.key()]

    def choose(self, key: str) -> None:
        self.output_combo.setCurrentIndex(self.output_combo.findData(key))

    def fmt(self) -> str:
        return self.format_combo.currentData()

    def options(self) -> dict[str, Any]:
        """The chosen output's options as its core function's keywords."""
        options = self.page().options()
        key = self.key()
        if key == "themes":
            number = options.pop("base_number")
            if options["base"] == "number":
                options["base"] = number
        return options

    def _output_changed(self) -> None:
        key = self.key()
        self.pages.setCurrentWidget(self.page())
        output = OUTPUTS[key]
        self.format_combo.blockSignals(True)
        self.format_combo.clear()
        for f in output.formats:
            self.format_combo.addItem(FORMAT_LABELS[f], f)
        self.format_combo.blockSignals(False)
        self.format_combo.setVisible(not output.folder)
        self.format_label.setVisible(not output.folder)
        self.export_button.setText("&Export to folder…" if output.folder else "&Export…")
        self._schedule_preview()

    # -- the preview --------------------------------------------------------------------------
    def _schedule_preview(self) -> None:
        if not self._ready:
            return
        self._clear_result()
        self.status.setText(PREPARING)
        self._timer.start()

    def refresh_preview(self) -> None:
        """Compute the preview now, in the background."""
        self._timer.stop()
        problem = self.page().problem()
        if problem:
            self.reader.cancel()
            self._show_problem(problem)
            return
        key, options, scope = self.key(), self.options(), self.session.scope
        self.status.setText(PREPARING)
        self.reader.request(lambda project: preview_html(key, project, scope, options))

    def wait_for_preview(self, ms: int = 30_000) -> bool:
        """Tests: let a scheduled preview start, then wait until it has arrived."""
        if self._timer.isActive():
            self.refresh_preview()
        return self.reader.wait(ms)

    def _show_preview(self, page: str) -> None:
        self.status.setText(READY)
        self.export_button.setEnabled(True)
        bar = self.preview.verticalScrollBar()
        position = bar.value() if self._shown == self.key() else 0
        self._shown = self.key()
        # the matrix is wide data: its columns keep their width (scroll sideways)
        self.preview.setLineWrapMode(QTextBrowser.LineWrapMode.NoWrap if self.key() == "matrix"
                                     else QTextBrowser.LineWrapMode.WidgetWidth)
        width = max(self.preview.viewport().width() - 90, 200)  # less the page margins
        self.preview.setHtml(_for_qt(page, width))
        bar.setValue(position)

    def _preview_failed(self, exc: BaseException) -> None:
        if isinstance(exc, PostCoderError):
            message = _sentence(str(exc))
        else:
            plain = plain_error(exc)
            message = (_sentence(str(plain)) if plain is not None else
                       "The preview could not be made because of an error inside POST Coder "
                       "(details are in the log).")
        self._show_problem(message)

    def _show_problem(self, message: str) -> None:
        self.status.setText(f"This output cannot be made: {message}")
        self.preview.setPlainText(message)
        self.export_button.setEnabled(False)

    # -- writing ------------------------------------------------------------------------------
    def _suggested(self) -> Path:
        project = self.session.project
        if OUTPUTS[self.key()].folder:
            return project.path.with_name(f"{project.path.stem} report")
        return project.path.with_name(f"{project.path.stem} {self.key()}.{self.fmt()}")

    def choose_target(self) -> Path | None:
        """Ask where to write (a file, or the folder for the full report)."""
        suggested = self._suggested()
        if OUTPUTS[self.key()].folder:
            path, _ = QFileDialog.getSaveFileName(
                self, "Write the report into the folder", str(suggested), "Folder (*)")
        else:
            suffix = self.fmt()
            path, _ = QFileDialog.getSaveFileName(
                self, "Export", str(suggested), f"{FORMAT_LABELS[suffix]} (*.{suffix})")
        return Path(path) if path else None

    def export(self) -> Task | None:
        if not self.export_button.isEnabled():
            return None
        target = self.choose_target()
        return self.export_to(target) if target is not None else None

    def export_to(self, target: Path) -> Task:
        """Write the chosen output to ``target`` in the background."""
        key, options, scope = self.key(), self.options(), self.session.scope
        output = OUTPUTS[key]
        fmt = output.formats[0] if output.folder else self.fmt()
        if not output.folder and target.suffix.lower() != f".{fmt}":
            target = target.with_name(target.name + f".{fmt}")
        self._clear_result()
        self.export_button.setEnabled(False)

        def write(project: Any, progress: Any) -> tuple[list[Path], list[str]]:
            return write_output(key, project, scope, target, fmt, options, progress)

        self.task = run_task(self, f"Exporting the {output.label.lower()}…",
                             self.session.project.path, write, self._written)
        self.task.failed.connect(self._not_written)
        self.task.cancelled.connect(self._cancelled)
        self._target = target
        return self.task

    def _written(self, result: tuple[list[Path], list[str]]) -> None:
        files, left_out = result
        self.last_written = files
        self.export_button.setEnabled(True)
        target = self._target
        folder = target if OUTPUTS[self.key()].folder else target.parent
        if OUTPUTS[self.key()].folder:
            text = f"Wrote {len(files)} files to {folder}."
        else:
            text = f"Wrote {', '.join(f.name for f in files)} to {folder}."
        for line in left_out:
            text += f"\nLeft out {line}"
        self._written_folder = folder
        self.result_label.setText(text)
        self.open_folder.show()

    def _not_written(self, exc: BaseException) -> None:
        self.export_button.setEnabled(True)
        plain = exc if isinstance(exc, PostCoderError) else plain_error(exc)
        self.result_label.setText("Nothing was written: " + (_sentence(str(plain)) if plain else
                                                       "an error inside POST Coder."))

    def _cancelled(self) -> None:
        self.export_button.setEnabled(True)
        self.result_label.setText(
            "Export cancelled: report.docx was not written (files of the parts built before "
            "stay in the folder)." if OUTPUTS[self.key()].folder else
            "Export cancelled: nothing was written.")

    def _clear_result(self) -> None:
        self.result_label.clear()
        self.open_folder.hide()

    def open_written_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._written_folder)))

    def done(self, result: int) -> None:  # closing: drop the preview under way
        self._timer.stop()
        self.reader.cancel()
        super().done(result)



def _for_qt(page: str, image_width: int) -> str:
    """The export's HTML page as Qt's rich text shows it best: Qt reads no ``rem`` (so the
    cells get their padding in pixels), no ``max-width`` (so the 300 dpi figures get the
    pane's width) and no ``<figure>`` (so a figure is a block and its caption a paragraph),
    and folds a cell's leading spaces (so an indented cell starts with no-break spaces)."""
    indent = "&nbsp;" * 6
    return (page.replace("</style>", "th, td { padding: 3px 8px; }\n</style>")
            .replace("<figure>", "<div>").replace("</figure>", "</div>")
            .replace("<figcaption>", "<p>").replace("</figcaption>", "</p>")
            .replace('<td class="indent">', f'<td class="indent">{indent}')
            .replace("<img ", f'<img width="{image_width}" '))
