"""The RE-AIM spec editor: the project's measures by dimension with their numbers, a form to
edit one, a measure added from a column in a few clicks.

The window edits plain measure tables (what a spec file holds, see
:mod:`post_coder.export.reaim.writer`); every edit is checked at once with the core's own
checks: its shape by :func:`~post_coder.export.reaim.spec.parse_spec` (on the UI thread:
it reads nothing), then against the project and computed by
:func:`~post_coder.export.reaim.summary.summarize_each` in the background
(:class:`~post_coder.ui.background.BackgroundReader`), so the window never waits for the
data. A problem is shown in the core's words next to the field it names; Save is allowed
only when every measure computes, and keeps the spec as one undoable action
(:func:`~post_coder.export.reaim.stored.save_spec`).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QFont, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox,
                               QFileDialog, QFormLayout, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QListWidget, QListWidgetItem, QMainWindow,
                               QMessageBox, QPushButton, QScrollArea, QSpinBox, QSplitter,
                               QTableWidget, QTableWidgetItem, QTabWidget, QToolButton,
                               QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from post_coder.errors import InputError, PostCoderError
from post_coder.export.numbers import n_percent
from post_coder.export.reaim.data import ColumnInfo, DatasetColumns, dataset_columns
from post_coder.export.reaim.drafts import draft_measure, suggested_kinds
from post_coder.export.reaim.spec import (DIMENSIONS, KINDS, OPERATORS, PERIODS, Spec,
                                          SpecError, parse_spec, read_spec)
from post_coder.export.reaim.stored import save_spec, stored_spec_text
from post_coder.export.reaim.summary import summarize_each
from post_coder.export.reaim.tables import reaim_tables, value_text
from post_coder.export.reaim.writer import measure_entry, spec_text
from post_coder.files import written_whole
from post_coder.ui.background import BackgroundReader
from post_coder.ui.errors import show_error
from post_coder.ui.session import Session
from post_coder.ui.widgets.figure_view import FigureView

__all__ = ["AddMeasureDialog", "FilterRows", "ReaimEditor", "headline"]

TOML_FILTER = "RE-AIM spec (*.toml);;All files (*)"
#: how long the window waits after an edit before checking and computing again
RECHECK_MS = 200
#: the field that names a measure's column, by kind
COLUMN_FIELD = {"distribution": "column", "multi_select": "column", "numeric": "column",
                "events": "date", "count": "group_by"}
#: fields the form edits (the others are kept as written)
FORM_FIELDS = frozenset({"id", "label", "kind", "dataset", "column", "date", "group_by",
                         "period", "filter", "numerator", "denominator", "denominator_value",
                         "decimals", "note"})
_PROBLEM = re.compile(r'^measure (?:"[^"]*"|\d+ of \w+): field "([^"]+)": (.*)$', re.S)
_NO_VALUE = ("missing", "not missing")
_LIST_VALUE = ("in", "not in")


def headline(result: dict[str, Any] | list[str] | None) -> str:
    """A measure's number as the list shows it: "75/255 (29.4%)" when it is a share of a
    denominator, else the table's value ("n = 37; top-2-box …", "mean …")."""
    if result is None:
        return "computing…"
    if isinstance(result, list):
        return "⚠ " + (_field_problem(result[0])[1] if result else "cannot be computed")
    if result["kind"] in ("proportion", "retention", "coded") or (
            result["kind"] == "count" and result["n"] != result["denominator"]):
        return _share(result)
    return value_text(result)


def _share(r: dict[str, Any]) -> str:
    shown = n_percent(r["n"], r["denominator"], r["decimals"])  # "75 (29.4%)"
    return f"{r['n']}/{r['denominator']}{shown[len(str(r['n'])):]}"


def _field_problem(problem: str) -> tuple[str | None, str]:
    """("label", "give the text …") from 'measure "x": field "label": give the text …'."""
    found = _PROBLEM.match(problem)
    return (found.group(1), found.group(2)) if found else (None, problem)


@dataclass
class Entry:
    """One measure as the editor holds it: its dimension and its plain spec table."""

    dimension: str
    data: dict[str, Any]
    #: problems with its shape (from parse_spec) or against the project (from the check)
    problems: list[str] = field(default_factory=list)
    result: dict[str, Any] | None = None

    @property
    def id(self) -> str:
        return str(self.data.get("id", ""))


# -- a filter as rows of column / operator / value ----------------------------------------------

class _ConditionRow(QWidget):
    def __init__(self, owner: FilterRows) -> None:
        super().__init__(owner)
        self.owner = owner
        self.column = QComboBox(self, objectName="conditionColumn")
        self.column.setMinimumContentsLength(14)
        self.column.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.op = QComboBox(self, objectName="conditionOp")
        self.op.addItems(OPERATORS)
        self.value = QComboBox(self, objectName="conditionValue")
        self.value.setEditable(True)
        self.value.setMinimumContentsLength(10)
        self.value.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.remove = QToolButton(self, objectName="conditionRemove", text="✕")
        self.remove.setToolTip("Remove this condition")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.column, 3)
        layout.addWidget(self.op, 1)
        layout.addWidget(self.value, 2)
        layout.addWidget(self.remove)
        for column in owner.columns:
            self.column.addItem(column.shown, column.name)
            self.column.setItemData(self.column.count() - 1, column.name,
                                    Qt.ItemDataRole.ToolTipRole)
        self.column.currentIndexChanged.connect(self._column_changed)
        self.op.currentIndexChanged.connect(self._op_changed)
        self.value.currentTextChanged.connect(lambda _: owner.changed.emit())
        self.remove.clicked.connect(lambda: owner.remove_row(self))
        self._fill_values()

    def info(self) -> ColumnInfo | None:
        name = self.column.currentData()
        return next((c for c in self.owner.columns if c.name == name), None)

    def load(self, condition: dict[str, Any]) -> None:
        name = str(condition.get("column", ""))
        if self.column.findData(name) < 0:
            self.column.addItem(name, name)  # not a column of the dataset: the check says so
        self.column.setCurrentIndex(self.column.findData(name))
        self._fill_values()
        self.op.setCurrentText(str(condition.get("op", "=")))
        value = condition.get("value")
        self.value.setCurrentText(_value_text(value))
        self._op_changed()

    def _column_changed(self) -> None:
        self._fill_values()
        self.owner.changed.emit()

    def _op_changed(self) -> None:
        takes = self.op.currentText() not in _NO_VALUE
        self.value.setEnabled(takes)
        self.value.lineEdit().setPlaceholderText(
            "values, separated by ;" if self.op.currentText() in _LIST_VALUE else
            ("YYYY-MM-DD" if (self.info() and self.info().kind == "date") else ""))
        self.owner.changed.emit()

    def _fill_values(self) -> None:
        text = self.value.currentText()
        self.value.blockSignals(True)
        self.value.clear()
        info = self.info()
        if info is not None:
            self.value.addItems(list(info.levels))
        self.value.setCurrentText(text)
        self.value.blockSignals(False)

    def condition(self) -> dict[str, Any]:
        out: dict[str, Any] = {"column": self.column.currentData() or self.column.currentText(),
                               "op": self.op.currentText()}
        if out["op"] in _NO_VALUE:
            return out
        kind = self.info().kind if self.info() else "text"
        text = self.value.currentText()
        if out["op"] in _LIST_VALUE:
            out["value"] = [_typed_value(part.strip(), kind) for part in text.split(";")
                            if part.strip()]
        else:
            out["value"] = _typed_value(text.strip(), kind)
        return out


def _value_text(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(_value_text(v) for v in value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def _typed_value(text: str, kind: str) -> Any:
    """The value as the column holds it: a number for a numeric column, a date for a date
    column (text that is neither stays text, and the check says what is wrong)."""
    if kind == "numeric":
        try:
            number = float(text)
        except ValueError:
            return text
        return int(number) if number.is_integer() else number
    if kind == "date":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return text
    return text


class FilterRows(QWidget):
    """A filter edited as rows (column, operator, value), each chosen from lists."""

    changed = Signal()

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.columns: tuple[ColumnInfo, ...] = ()
        self.rows: list[_ConditionRow] = []
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)
        self.add_button = QPushButton("+ Add condition", self, objectName=f"{name}Add")
        self.add_button.setToolTip("Keep only the rows where a column meets a condition")
        self.add_button.clicked.connect(lambda: self.add_row())
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        self._layout.addLayout(buttons)

    def set_conditions(self, conditions: list[dict[str, Any]],
                       columns: tuple[ColumnInfo, ...]) -> None:
        self.blockSignals(True)
        for row in self.rows:
            self._drop(row)
        self.rows = []
        self.columns = columns
        for c in conditions:
            self.add_row(c)
        self.blockSignals(False)

    def add_row(self, condition: dict[str, Any] | None = None) -> _ConditionRow:
        row = _ConditionRow(self)
        self._layout.insertWidget(len(self.rows), row)
        self.rows.append(row)
        if condition is not None:
            was = self.signalsBlocked()
            self.blockSignals(True)
            row.load(condition)
            self.blockSignals(was)
        else:
            row.column.setFocus()
            self.changed.emit()
        return row

    def remove_row(self, row: _ConditionRow) -> None:
        self.rows.remove(row)
        self._drop(row)
        self.changed.emit()

    def _drop(self, row: _ConditionRow) -> None:
        row.hide()
        self._layout.removeWidget(row)
        row.deleteLater()

    def conditions(self) -> list[dict[str, Any]]:
        return [row.condition() for row in self.rows]


# -- adding a measure from a column ---------------------------------------------------------------

class AddMeasureDialog(QDialog):
    """Dimension, dataset, column; the kind its type suggests and a label from its short
    label are filled in. ``entry()`` is the new measure's spec table."""

    def __init__(self, datasets: list[DatasetColumns], taken: set[str], dimension: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("addMeasureDialog")
        self.setWindowTitle("Add a measure")
        self.datasets = datasets
        self.taken = taken
        self._label_edited = False
        self.dimension = QComboBox(self, objectName="addDimension")
        self.dimension.addItems(DIMENSIONS)
        self.dimension.setCurrentText(dimension)
        self.dataset = QComboBox(self, objectName="addDataset")
        for d in datasets:
            self.dataset.addItem(f"{d.name} ({'survey' if d.kind == 'survey' else 'data table'})",
                                 d.name)
        self.column = QListWidget(self, objectName="addColumn")
        self.column.setMinimumHeight(180)
        self.kind = QComboBox(self, objectName="addKind")
        self.label = QLineEdit(self, objectName="addLabel")
        self.label.textEdited.connect(lambda _: setattr(self, "_label_edited", True))
        form = QFormLayout()
        form.addRow("&Dimension", self.dimension)
        form.addRow("Data&set", self.dataset)
        form.addRow("&Column", self.column)
        form.addRow("&Kind", self.kind)
        form.addRow("&Label", self.label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Add")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.dataset.currentIndexChanged.connect(self._fill_columns)
        self.column.currentRowChanged.connect(self._column_chosen)
        self.column.activated.connect(lambda _: self.accept())  # double-click or Enter
        self._fill_columns()
        self.resize(560, 460)

    def current_dataset(self) -> DatasetColumns | None:
        name = self.dataset.currentData()
        return next((d for d in self.datasets if d.name == name), None)

    def current_column(self) -> ColumnInfo | None:
        dataset, row = self.current_dataset(), self.column.currentRow()
        return dataset.columns[row] if dataset is not None and row >= 0 else None

    def choose(self, dataset: str, column: str) -> None:
        """Pick a dataset and a column by name (as clicking them would)."""
        self.dataset.setCurrentIndex(self.dataset.findData(dataset))
        names = [c.name for c in self.current_dataset().columns]
        self.column.setCurrentRow(names.index(column))

    def _fill_columns(self) -> None:
        self.column.clear()
        dataset = self.current_dataset()
        for c in dataset.columns if dataset else ():
            item = QListWidgetItem(f"{c.shown}   ·   {c.kind.replace('_', '-')}")
            item.setToolTip(c.name)
            self.column.addItem(item)
        if self.column.count():
            self.column.setCurrentRow(0)
        else:
            self._column_chosen()

    def _column_chosen(self) -> None:
        column = self.current_column()
        self.kind.clear()
        if column is not None:
            self.kind.addItems(suggested_kinds(column.kind))
            if not self._label_edited:
                self.label.setText(column.shown)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(column is not None)

    def entry(self) -> tuple[str, dict[str, Any]]:
        column = self.current_column()
        assert column is not None
        return self.dimension.currentText(), draft_measure(
            self.dataset.currentData(), column, self.kind.currentText(),
            label=self.label.text(), taken=self.taken)


# -- the window --------------------------------------------------------------------------------

def _ask_on_close(parent: QWidget) -> QMessageBox.StandardButton:
    return QMessageBox.question(
        parent, "RE-AIM summary", "Save the changes to the RE-AIM spec?",
        QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
        | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)


class ReaimEditor(QMainWindow):
    """``ReaimEditor(session, parent)``: the project's stored spec, or an empty one."""

    #: a background computation delivered (tests wait for it)
    did_compute = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reaimEditor")
        self.setWindowFlag(Qt.WindowType.Window)
        self.setWindowTitle("RE-AIM summary")
        self.session = session
        self.entries: list[Entry] = []
        self.datasets: list[DatasetColumns] = []
        self.dirty = False
        self.confirm_close: Callable[[QWidget], QMessageBox.StandardButton] = _ask_on_close
        self._loading = False
        self._current: Entry | None = None
        #: the spec text the project keeps, as last read or saved
        self._stored: str | None = None
        self.reader = BackgroundReader(session.project.path, self)
        self.reader.did_finish.connect(self._computed)
        self.reader.did_fail.connect(self._failed)
        self._recheck = QTimer(self, singleShot=True, interval=RECHECK_MS)
        self._recheck.timeout.connect(self.recheck)
        self._build()
        session.project_did_change.connect(self._project_changed)
        self.revert()
        self.resize(1280, 740)

    # -- building ---------------------------------------------------------------------------
    def _build(self) -> None:
        self.title = QLineEdit(self, objectName="specTitle")
        self.title.setToolTip("The summary's title (its tables and summary.json carry it)")
        self.decimals = QSpinBox(self, objectName="specDecimals", minimum=0, maximum=4)
        self.decimals.setToolTip("Decimals of every percentage and mean, unless a measure "
                                 "gives its own")
        self.title.textEdited.connect(lambda _: self._edited())
        self.decimals.valueChanged.connect(lambda _: self._edited())
        top = QHBoxLayout()
        top.addWidget(QLabel("&Title", self, buddy=self.title))
        top.addWidget(self.title, 1)
        top.addWidget(QLabel("&Decimals", self, buddy=self.decimals))
        top.addWidget(self.decimals)

        self.tree = QTreeWidget(self, objectName="measureTree")
        self.tree.setHeaderLabels(["Measure", "Result"])
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        self.tree.setColumnWidth(1, 250)
        self.tree.currentItemChanged.connect(lambda *_: self._show_current())
        self.add_button = QPushButton("&Add Measure…", self, objectName="addMeasure")
        self.add_button.setToolTip("A new measure from a column: pick the dataset and the "
                                   "column; its kind and label are suggested")
        self.add_button.clicked.connect(lambda: self.add_measure())
        self.remove_button = QPushButton("&Remove", self, objectName="removeMeasure")
        self.remove_button.clicked.connect(self.remove_measure)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.tree, 1)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        left_layout.addLayout(row)

        self.tabs = QTabWidget(self, objectName="editorTabs")
        self.tabs.addTab(self._build_form(), "&Measure")
        self.figure = FigureView(name="reaim-figure", parent=self)
        self.figure.setObjectName("measureFigure")
        self.tabs.addTab(self.figure, "&Figure")
        self.tabs.addTab(self._build_context(), "&PRISM Context")

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([620, 720])

        self.import_button = QPushButton("&Import TOML…", self, objectName="importToml")
        self.import_button.clicked.connect(lambda: self.import_toml())
        self.export_button = QPushButton("&Export TOML…", self, objectName="exportToml")
        self.export_button.clicked.connect(lambda: self.export_toml())
        self.state = QLabel(self, objectName="editorState")
        self.state.setWordWrap(True)
        self.revert_button = QPushButton("Re&vert", self, objectName="revertSpec")
        self.revert_button.setToolTip("Show the spec as saved in the project again")
        self.revert_button.clicked.connect(self.revert)
        self.save_button = QPushButton("&Save", self, objectName="saveSpec")
        self.save_button.setToolTip("Keep the spec in the project (Ctrl+S; undo with Ctrl+Z "
                                    "in the main window)")
        self.save_button.clicked.connect(self.save)
        self.save_action = QAction("Save", self, objectName="actionSaveSpec")
        self.save_action.setShortcut(QKeySequence.StandardKey.Save)
        self.save_action.triggered.connect(self.save)
        self.addAction(self.save_action)
        bottom = QHBoxLayout()
        bottom.addWidget(self.import_button)
        bottom.addWidget(self.export_button)
        bottom.addWidget(self.state, 1)
        bottom.addWidget(self.revert_button)
        bottom.addWidget(self.save_button)

        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        self.setCentralWidget(central)

    def _field_row(self, form: QFormLayout, label: str, name: str, widget: QWidget) -> None:
        box = QWidget(self)
        inner = QVBoxLayout(box)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.setSpacing(1)
        inner.addWidget(widget)
        error = QLabel(box, objectName=f"error_{name}")
        error.setWordWrap(True)
        error.setStyleSheet("color: #b00020;")
        error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        error.hide()
        inner.addWidget(error)
        caption = QLabel(label, self)
        caption.setBuddy(widget)
        form.addRow(caption, box)
        self.rows[name] = box
        self.captions[name] = caption
        self.errors[name] = error

    def _build_form(self) -> QWidget:
        self.rows: dict[str, QWidget] = {}
        self.captions: dict[str, QLabel] = {}
        self.errors: dict[str, QLabel] = {}
        self.numbers = QLabel(self, objectName="measureNumbers")
        self.numbers.setWordWrap(True)
        self.numbers.setTextFormat(Qt.TextFormat.RichText)
        self.numbers.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.other_problems = QLabel(self, objectName="error_other")
        self.other_problems.setWordWrap(True)
        self.other_problems.setStyleSheet("color: #b00020;")
        self.kept = QLabel(self, objectName="keptFields")
        self.kept.setWordWrap(True)
        self.kept.setEnabled(False)

        self.f_dimension = QComboBox(self, objectName="fieldDimension")
        self.f_dimension.addItems(DIMENSIONS)
        self.f_id = QLineEdit(self, objectName="fieldId")
        self.f_label = QLineEdit(self, objectName="fieldLabel")
        self.f_kind = QComboBox(self, objectName="fieldKind")
        self.f_kind.addItems(list(KINDS))
        self.f_dataset = QComboBox(self, objectName="fieldDataset")
        self.f_column = QComboBox(self, objectName="fieldColumn")
        self.f_period = QComboBox(self, objectName="fieldPeriod")
        self.f_period.addItems(PERIODS)
        self.f_filter = FilterRows("fieldFilter", self)
        self.f_numerator = FilterRows("fieldNumerator", self)
        self.f_denominator = FilterRows("fieldDenominator", self)
        self.f_denominator_value = QSpinBox(self, objectName="fieldDenominatorValue",
                                            minimum=0, maximum=10_000_000)
        self.f_denominator_value.setSpecialValueText("none (count the rows)")
        self.f_decimals = QSpinBox(self, objectName="fieldDecimals", minimum=0, maximum=4)
        self.f_note = QLineEdit(self, objectName="fieldNote")

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._field_row(form, "Dimension", "dimension", self.f_dimension)
        self._field_row(form, "I&d", "id", self.f_id)
        self._field_row(form, "&Label", "label", self.f_label)
        self._field_row(form, "&Kind", "kind", self.f_kind)
        self._field_row(form, "Data&set", "dataset", self.f_dataset)
        self._field_row(form, "&Column", "column", self.f_column)
        self._field_row(form, "Per&iod", "period", self.f_period)
        self._field_row(form, "&Filter", "filter", self.f_filter)
        self._field_row(form, "&Numerator", "numerator", self.f_numerator)
        self._field_row(form, "Denominator", "denominator", self.f_denominator)
        self._field_row(form, "Denominator (a number)", "denominator_value",
                        self.f_denominator_value)
        self._field_row(form, "Decimals", "decimals", self.f_decimals)
        self._field_row(form, "N&ote", "note", self.f_note)
        self.form = form

        for combo in (self.f_dimension, self.f_column, self.f_period):
            combo.currentIndexChanged.connect(lambda _: self._form_edited())
        self.f_kind.currentIndexChanged.connect(lambda _: self._form_edited(kind=True))
        self.f_dataset.currentIndexChanged.connect(lambda _: self._form_edited(dataset=True))
        for edit in (self.f_id, self.f_label, self.f_note):
            edit.textEdited.connect(lambda _: self._form_edited())
        for spin in (self.f_denominator_value, self.f_decimals):
            spin.valueChanged.connect(lambda _: self._form_edited())
        for rows in (self.f_filter, self.f_numerator, self.f_denominator):
            rows.changed.connect(self._form_edited)

        inner = QWidget(self)
        layout = QVBoxLayout(inner)
        layout.addWidget(self.numbers)
        layout.addWidget(self.other_problems)
        layout.addLayout(form)
        layout.addWidget(self.kept)
        layout.addStretch(1)
        self.form_widget = inner
        scroll = QScrollArea(self, objectName="measureForm")
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        return scroll

    def _build_context(self) -> QWidget:
        self.context = QTableWidget(0, 2, self, objectName="contextTable")
        self.context.setHorizontalHeaderLabels(["Factor", "Note"])
        self.context.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.Stretch)
        self.context.setColumnWidth(0, 220)
        self.context.setWordWrap(True)
        self.context.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.context.itemChanged.connect(lambda _: self._edited())
        add = QPushButton("+ Add note", self, objectName="addContext")
        add.clicked.connect(self.add_context)
        remove = QPushButton("Remove note", self, objectName="removeContext")
        remove.clicked.connect(self.remove_context)
        intro = QLabel("PRISM context: what around the program shaped its results "
                       "(printed after the RE-AIM tables).", self)
        intro.setWordWrap(True)
        box = QWidget(self)
        layout = QVBoxLayout(box)
        layout.addWidget(intro)
        layout.addWidget(self.context, 1)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        layout.addLayout(row)
        return box

    # -- the model --------------------------------------------------------------------------
    def load_text(self, text: str | None) -> None:
        """Show the spec in ``text`` (None: an empty spec) as the one being edited."""
        spec = parse_spec(text) if text is not None else None
        self._loading = True
        self.title.setText(spec.title if spec else "RE-AIM summary")
        self.decimals.setValue(spec.decimals if spec else 1)
        self.context.setRowCount(0)
        for factor, note in spec.context if spec else ():
            self._append_context(factor, note)
        self._loading = False
        shown = self.current_entry()
        self.entries = [Entry(m.dimension, measure_entry(m, spec.decimals))
                        for m in spec.measures] if spec else []
        same = next((e for e in self.entries if shown and e.id == shown.id), None)
        self._rebuild_tree(select=same)  # the measure shown stays shown
        self.recheck()

    def context_notes(self) -> list[tuple[str, str]]:
        out = []
        for row in range(self.context.rowCount()):
            cells = [self.context.item(row, c) for c in (0, 1)]
            out.append(tuple(c.text().strip() if c else "" for c in cells))
        return out  # type: ignore[return-value]

    def text(self) -> str:
        """The spec being edited, as TOML."""
        return spec_text(self.title.text().strip() or "RE-AIM summary", self.decimals.value(),
                         self.context_notes(), [(e.dimension, e.data) for e in self.entries])

    def entry(self, measure_id: str) -> Entry:
        return next(e for e in self.entries if e.id == measure_id)

    def problems(self) -> list[str]:
        return [p for e in self.entries for p in e.problems]

    @property
    def computing(self) -> bool:
        return self.reader.busy or self._recheck.isActive()

    def recheck(self) -> None:
        """Check every measure's shape now; check and compute them in the background."""
        self._recheck.stop()
        measures = []
        ids = [e.id for e in self.entries]
        default = self.decimals.value()
        for e in self.entries:
            e.result = None
            try:
                parsed = parse_spec(spec_text("check", default, [], [(e.dimension, e.data)]))
                e.problems = []
                measures.append(parsed.measures[0])
            except SpecError as exc:
                e.problems = list(exc.problems)
            if e.id and ids.count(e.id) > 1:
                e.problems.append(f'measure "{e.id}": field "id": another measure has the '
                                  "same id")
        spec = Spec("check", tuple(m for m in measures if ids.count(m.id) == 1), (), default)
        scope = self.session.scope
        self.reader.request(lambda project: (dataset_columns(project),
                                             summarize_each(project, spec, scope)))
        self._refresh_items()
        self._show_outcome()
        self._update_state()

    def _computed(self, found: tuple[list[DatasetColumns], dict[str, Any]]) -> None:
        self.datasets, results = found
        for e in self.entries:
            if e.problems:
                continue
            result = results.get(e.id)
            if isinstance(result, list):
                e.problems = list(result)
            elif result is not None:
                e.result = result
        if self._current is not None and not self._current.problems and \
                self.f_dataset.findData(self._current.data.get("dataset")) < 0:
            self._show_current()  # the datasets arrived: fill the form's lists
        self._refresh_items()
        self._show_outcome()
        self._update_state()
        self.did_compute.emit()

    def _failed(self, error: BaseException) -> None:
        message = error.message if isinstance(error, PostCoderError) else str(error)
        self.state.setText(f"The numbers could not be computed: {message}")
        self.did_compute.emit()

    def _edited(self) -> None:
        if self._loading:
            return
        self.dirty = True
        self._update_state()
        self._recheck.start()

    # -- the tree ---------------------------------------------------------------------------
    def _rebuild_tree(self, select: Entry | None = None) -> None:
        self.tree.blockSignals(True)
        self.tree.clear()
        bold = QFont(self.tree.font())
        bold.setBold(True)
        self.items: dict[int, QTreeWidgetItem] = {}
        for dimension in DIMENSIONS:
            top = QTreeWidgetItem(self.tree, [dimension, ""])
            top.setFont(0, bold)
            top.setData(0, Qt.ItemDataRole.UserRole, dimension)
            top.setFlags(top.flags() & ~Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled)
            for e in self.entries:
                if e.dimension == dimension:
                    item = QTreeWidgetItem(top, [e.data.get("label") or e.id, ""])
                    item.setData(0, Qt.ItemDataRole.UserRole, id(e))
                    self.items[id(e)] = item
            top.setText(1, f"{top.childCount()} measure" + ("" if top.childCount() == 1 else "s"))
            top.setExpanded(True)
        self.tree.blockSignals(False)
        target = select or (self.entries[0] if self.entries else None)
        if target is not None:
            self.tree.setCurrentItem(self.items[id(target)])
        self._show_current()
        self._refresh_items()

    def _refresh_items(self) -> None:
        for e in self.entries:
            item = self.items.get(id(e))
            if item is None:
                continue
            item.setText(0, str(e.data.get("label") or e.id))
            item.setToolTip(0, f'{e.id} · {e.data.get("kind", "")}')
            shown = headline(e.problems if e.problems else
                             (e.result if e.result is not None else None))
            if e.problems or e.result is not None:
                item.setText(1, shown)
            else:
                item.setText(1, "computing…")
            item.setToolTip(1, "\n".join(e.problems) if e.problems else shown)
            item.setForeground(1, Qt.GlobalColor.darkRed if e.problems else
                               self.tree.palette().text().color())

    def current_entry(self) -> Entry | None:
        item = self.tree.currentItem()
        if item is None:
            return None
        key = item.data(0, Qt.ItemDataRole.UserRole)
        return next((e for e in self.entries if id(e) == key), None)

    def select(self, measure_id: str) -> None:
        self.tree.setCurrentItem(self.items[id(self.entry(measure_id))])

    def result_text(self, measure_id: str) -> str:
        """What the list shows beside the measure."""
        return self.items[id(self.entry(measure_id))].text(1)

    # -- the form ---------------------------------------------------------------------------
    def _columns_of(self, dataset: str | None) -> tuple[ColumnInfo, ...]:
        found = next((d for d in self.datasets if d.name == dataset), None)
        return found.columns if found else ()

    def _show_current(self) -> None:
        e = self.current_entry()
        self._current = e
        self.form_widget.setEnabled(e is not None)
        self._loading = True
        try:
            self._fill_form(e)
        finally:
            self._loading = False
        self._show_outcome()

    def _show_outcome(self) -> None:
        """The current measure's problems next to its fields, its numbers and figure (the
        form itself is left as the person is editing it)."""
        self._show_problems(self._current)
        self._show_numbers(self._current)

    def _fill_form(self, e: Entry | None) -> None:
        if e is None:
            for name, row in self.rows.items():
                row.setVisible(name in ("id", "label"))
            self.numbers.setText("Add a measure, or choose one in the list.")
            return
        d = e.data
        kind = d.get("kind", "count")
        fields = (KINDS[kind][0] | KINDS[kind][1]) if kind in KINDS else frozenset()
        self.f_dimension.setCurrentText(e.dimension)
        if self.f_id.text() != d.get("id", ""):
            self.f_id.setText(str(d.get("id", "")))
        if self.f_label.text() != d.get("label", ""):
            self.f_label.setText(str(d.get("label", "")))
        if self.f_note.text() != d.get("note", ""):
            self.f_note.setText(str(d.get("note", "")))
        self.f_kind.setCurrentText(kind)
        self.f_dataset.clear()
        for dataset in self.datasets:
            self.f_dataset.addItem(dataset.name, dataset.name)
        if d.get("dataset") is not None and self.f_dataset.findData(d["dataset"]) < 0:
            self.f_dataset.addItem(str(d["dataset"]), d["dataset"])
        self.f_dataset.setCurrentIndex(self.f_dataset.findData(d.get("dataset")))
        columns = self._columns_of(d.get("dataset"))
        column_field = COLUMN_FIELD.get(kind)
        self.f_column.clear()
        if column_field == "group_by":
            self.f_column.addItem("(no groups)", None)
        for c in columns:
            self.f_column.addItem(f"{c.shown}  ·  {c.kind.replace('_', '-')}", c.name)
            self.f_column.setItemData(self.f_column.count() - 1, c.name,
                                      Qt.ItemDataRole.ToolTipRole)
        chosen = d.get(column_field) if column_field else None
        if chosen is not None and self.f_column.findData(chosen) < 0:
            self.f_column.addItem(str(chosen), chosen)
        self.f_column.setCurrentIndex(max(0, self.f_column.findData(chosen)))
        self.captions["column"].setText({"events": "Date column", "count": "Group by"}.get(
            kind, "Column"))
        self.f_period.setCurrentText(str(d.get("period", "month")))
        self.f_filter.set_conditions(list(d.get("filter") or []), columns)
        self.f_numerator.set_conditions(list(d.get("numerator") or []), columns)
        self.f_denominator.set_conditions(list(d.get("denominator") or []), columns)
        value = d.get("denominator_value")
        self.f_denominator_value.setValue(value if isinstance(value, int) else 0)
        self.f_decimals.setValue(d.get("decimals", self.decimals.value())
                                 if isinstance(d.get("decimals", 1), int) else 1)
        visible = {"dimension", "id", "label", "kind", "decimals", "note"}
        visible |= {"dataset"} if "dataset" in fields else set()
        visible |= {"column"} if column_field else set()
        visible |= {n for n in ("period", "filter", "numerator", "denominator",
                                "denominator_value") if n in fields}
        for name, row in self.rows.items():
            row.setVisible(name in visible)
            self.captions[name].setVisible(name in visible)
        kept = sorted(set(d) - FORM_FIELDS)
        self.kept.setText(("Kept as written: " + ", ".join(kept)
                           + " (export the TOML to change them).") if kept else "")
        self.kept.setVisible(bool(kept))

    def _show_problems(self, e: Entry | None) -> None:
        by_field: dict[str, list[str]] = {}
        for problem in e.problems if e else ():
            name, message = _field_problem(problem)
            if name in ("date", "group_by"):
                name = "column"
            by_field.setdefault(name if name in self.errors else "", []).append(message)
        for name, label in self.errors.items():
            messages = by_field.get(name, [])
            label.setText("\n".join(messages))
            label.setVisible(bool(messages))
        other = by_field.get("", [])
        self.other_problems.setText("\n".join(other))
        self.other_problems.setVisible(bool(other))

    def _show_numbers(self, e: Entry | None) -> None:
        if e is None:
            self.figure.set_figure(None)
            return
        if e.problems:
            self.numbers.setText("<b>Not computed</b> until the problems below are fixed.")
        elif e.result is None:
            self.numbers.setText("Computing…")
        else:
            (table,) = reaim_tables([e.result])
            lines = []
            for row in table.rows:
                label, value, denominator, note = (("" if c is None else html.escape(str(c)))
                                                   for c in row.cells)
                indent = "&nbsp;&nbsp;&nbsp;&nbsp;" if row.kind == "indented" else ""
                weight = ("<b>", "</b>") if not indent else ("", "")
                lines.append(f"<tr><td>{indent}{weight[0]}{label}{weight[1]}</td>"
                             f"<td align='right'>&nbsp;{value}</td>"
                             f"<td align='right'>&nbsp;{denominator}</td>"
                             f"<td>&nbsp;{note}</td></tr>")
            self.numbers.setText("<table cellspacing='2'><tr><th align='left'>Measure</th>"
                                 "<th>n (%) / value</th><th>Denominator</th>"
                                 "<th align='left'>Note</th></tr>" + "".join(lines)
                                 + "</table>")
        figure = self._figure(e)
        if figure is not self.figure.figure():
            self.figure.set_figure(figure, f"reaim-{e.id}")
        self.tabs.setTabEnabled(1, figure is not None)

    def _figure(self, e: Entry) -> Any:
        r = e.result
        if r is None or e.problems or r["kind"] != "distribution" or not r["n"]:
            return None
        # matplotlib loads with the first figure, not with the main window
        from post_coder.export.figures import likert_bars
        levels = [lv["label"] for lv in r["levels"]]
        return likert_bars({r["label"]: {lv["label"]: lv["n"] for lv in r["levels"]}}, levels,
                           xlabel="% of those who answered")

    def _form_edited(self, kind: bool = False, dataset: bool = False) -> None:
        e = self._current
        if self._loading or e is None:
            return
        d = e.data
        new_kind = self.f_kind.currentText()
        old_kind = d.get("kind")
        chosen = self.f_column.currentData()
        if kind and new_kind != old_kind:
            old_field = COLUMN_FIELD.get(old_kind)
            value = d.pop(old_field, None) if old_field else None
            d["kind"] = new_kind
            allowed = KINDS[new_kind][0] | KINDS[new_kind][1] | {"id", "label", "kind",
                                                                  "note", "decimals"}
            for key in [k for k in d if k not in allowed]:
                del d[key]
            new_field = COLUMN_FIELD.get(new_kind)
            if new_field and value is not None:
                d[new_field] = value
        else:
            e.dimension = self.f_dimension.currentText()
            d["id"] = self.f_id.text().strip()
            d["label"] = self.f_label.text()
            if self.f_note.text().strip():
                d["note"] = self.f_note.text()
            else:
                d.pop("note", None)
            if self.rows["dataset"].isVisible() or dataset:
                d["dataset"] = self.f_dataset.currentData()
            column_field = COLUMN_FIELD.get(d.get("kind"))
            if column_field and not dataset:
                if chosen is None:
                    d.pop(column_field, None)
                else:
                    d[column_field] = chosen
            if dataset and column_field:
                d.pop(column_field, None)  # the column came from the other dataset
            if d.get("kind") == "events":
                d["period"] = self.f_period.currentText()
            for name, rows in (("filter", self.f_filter), ("numerator", self.f_numerator),
                               ("denominator", self.f_denominator)):
                if dataset:
                    d.pop(name, None)
                elif self.rows[name].isVisible():
                    conditions = rows.conditions()
                    if conditions:
                        d[name] = conditions
                    else:
                        d.pop(name, None)
            if self.rows["denominator_value"].isVisible():
                if self.f_denominator_value.value():
                    d["denominator_value"] = self.f_denominator_value.value()
                else:
                    d.pop("denominator_value", None)
            if self.f_decimals.value() != self.decimals.value():
                d["decimals"] = self.f_decimals.value()
            else:
                d.pop("decimals", None)
        moved = self.items.get(id(e)) is not None and \
            self.items[id(e)].parent().data(0, Qt.ItemDataRole.UserRole) != e.dimension
        self.dirty = True
        if moved:
            self._rebuild_tree(select=e)
        if kind or dataset:
            self._show_current()
        self._refresh_items()
        self._update_state()
        self._recheck.start()

    # -- actions ----------------------------------------------------------------------------
    def add_measure(self, dimension: str | None = None, dataset: str | None = None,
                    column: str | None = None, kind: str | None = None) -> Entry | None:
        """Ask for a column (or take the ones given, as a test or a script would) and add
        a measure of it, selected, its numbers computed at once."""
        if not self.datasets:
            self.reader.wait()
        current = self.current_entry()
        dialog = AddMeasureDialog(self.datasets, {e.id for e in self.entries},
                                  dimension or (current.dimension if current else "Reach"),
                                  self)
        if dataset is not None and column is not None:
            dialog.choose(dataset, column)
            if kind is not None:
                dialog.kind.setCurrentText(kind)
            dialog.deleteLater()
            where, data = dialog.entry()
        else:
            if not dialog.exec():
                return None
            where, data = dialog.entry()
        e = Entry(where, data)
        last = max((i for i, x in enumerate(self.entries) if x.dimension == where),
                   default=len(self.entries) - 1)
        self.entries.insert(last + 1, e)
        self.dirty = True
        self._rebuild_tree(select=e)
        self.recheck()
        self.tabs.setCurrentIndex(0)
        return e

    def remove_measure(self) -> None:
        e = self.current_entry()
        if e is None:
            return
        self.entries.remove(e)
        self.dirty = True
        self._rebuild_tree()
        self.recheck()

    def add_context(self) -> None:
        self._append_context("", "")
        self.context.setCurrentCell(self.context.rowCount() - 1, 0)
        self.context.editItem(self.context.item(self.context.rowCount() - 1, 0))
        self._edited()

    def remove_context(self) -> None:
        row = self.context.currentRow()
        if row >= 0:
            self.context.removeRow(row)
            self._edited()

    def _append_context(self, factor: str, note: str) -> None:
        row = self.context.rowCount()
        self.context.blockSignals(True)
        self.context.insertRow(row)
        self.context.setItem(row, 0, QTableWidgetItem(factor))
        self.context.setItem(row, 1, QTableWidgetItem(note))
        self.context.blockSignals(False)

    def revert(self) -> None:
        """Show the spec as the project keeps it (or an empty one) again."""
        self._stored = stored_spec_text(self.session.project)
        self.load_text(self._stored)
        self.dirty = False
        self._update_state()

    def can_save(self) -> bool:
        return (self.dirty and not self.session.readonly and bool(self.entries)
                and not self.computing and not self.problems()
                and all(e.result is not None for e in self.entries))

    def save(self) -> bool:
        """Keep the spec in the project: one undoable action. Only a spec whose every
        measure computes is saved."""
        if self.computing:
            self.recheck()
            self.reader.wait()
        if not self.can_save():
            if self.problems():
                self.state.setText("Not saved: fix the measures marked ⚠ first.")
            return False
        text = self.text()
        if self.session.run(self, save_spec, text, initiator=self) is None:
            return False
        self.dirty = False
        self._stored = text
        self._update_state()
        self.state.setText("Saved in the project (Edit ▸ Undo in the main window takes it "
                           "back).")
        return True

    def import_toml(self, path: str | Path | None = None) -> bool:
        """Read a spec file into the editor (saved in the project only by Save)."""
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(self, "Import a RE-AIM spec",
                                                    str(self.session.project.path.parent),
                                                    TOML_FILTER)
            if not chosen:
                return False
            path = chosen
        try:
            spec = read_spec(path)
        except PostCoderError as exc:
            show_error(self, exc)
            return False
        self.load_text(spec.text)
        self.dirty = True
        self._update_state()
        return True

    def export_toml(self, path: str | Path | None = None) -> Path | None:
        """Write the spec being edited to a TOML file."""
        if not self._shape_ok():
            show_error(self, InputError("the spec cannot be written while a measure's fields "
                                        "are not valid: fix the measures marked ⚠ first"))
            return None
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self, "Export the RE-AIM spec", str(self.session.project.path.parent
                                                    / "reaim.toml"), TOML_FILTER)
            if not chosen:
                return None
            path = chosen
        path = Path(path)
        if not path.suffix:
            path = path.with_suffix(".toml")
        try:
            with written_whole(path, "spec file") as tmp:
                tmp.write_text(self.text(), encoding="utf-8")
        except PostCoderError as exc:
            show_error(self, exc)
            return None
        self.state.setText(f"Written to {path.name}.")
        return path

    def _shape_ok(self) -> bool:
        """The text reads back as a spec (every measure's fields have the right shape)."""
        try:
            parse_spec(self.text())
        except SpecError:
            return False
        return True

    def _update_state(self) -> None:
        writable = not self.session.readonly
        self.save_button.setEnabled(self.can_save())
        self.save_action.setEnabled(writable)
        self.revert_button.setEnabled(self.dirty)
        self.add_button.setEnabled(True)
        self.remove_button.setEnabled(self.current_entry() is not None)
        problems = len([e for e in self.entries if e.problems])
        if problems:
            text = (f"{problems} measure{'s' if problems > 1 else ''} marked ⚠ "
                    "cannot be computed; the spec is saved once every measure computes.")
        elif self.computing:
            text = "Computing…"
        elif self.session.readonly:
            text = "Open for viewing only: the spec cannot be saved here."
        elif self.dirty:
            text = "Unsaved changes."
        else:
            text = "As saved in the project." if stored_spec_text(self.session.project) \
                else "No spec saved in this project yet."
        self.state.setText(text)
        self.setWindowTitle(("* " if self.dirty else "") + "RE-AIM summary")

    def _project_changed(self, changes: Any, initiator: object) -> None:
        if initiator is self:
            return
        if not self.dirty and stored_spec_text(self.session.project) != self._stored:
            self.revert()  # undone, or saved from elsewhere: show what the project keeps
        else:
            self.recheck()  # the same measures; their numbers may have changed (codings)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.dirty and not self.session.readonly:
            answer = self.confirm_close(self)
            if answer == QMessageBox.StandardButton.Cancel or (
                    answer == QMessageBox.StandardButton.Save and not self.save()):
                event.ignore()
                return
        self.reader.cancel()
        event.accept()
