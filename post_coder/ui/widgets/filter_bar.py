"""The filters above the coding grid: search, question, attributes, coded state, code, coder.

Every change emits ``query_changed(ResponseQuery)``; typing in the search box is debounced.
A search the full-text syntax cannot use shows a plain hint instead of a query.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QMenu,
                               QPushButton, QToolButton, QVBoxLayout, QWidget)

from post_coder.changes import Changes
from post_coder.coding.codebook import code_and_subcodes
from post_coder.errors import InputError
from post_coder.queries import ResponseQuery, to_match
from post_coder.ui.models import reads
from post_coder.ui.session import Session
from post_coder.ui.widgets.flow_layout import FlowLayout

DEBOUNCE_MS = 250
SEARCH_TIP = ('Search the responses: words (all must appear), "an exact phrase", prefix* '
              "for word starts, OR between two words, -word to exclude")
SEARCH_HINT = 'Type a word or "a phrase" to search (prefix* matches the start of words).'


class FilterBar(QWidget):
    """Builds a :class:`ResponseQuery` from the controls (sort is left to the grid)."""

    query_changed = Signal(object)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filterBar")
        self.session = session
        self._ticks: dict[str, set[str]] = {}
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self._search_settled)
        self._build()
        self.refresh()
        session.project_did_change.connect(self._on_project_changed)

    # -- building ----------------------------------------------------------------------------
    def _build(self) -> None:
        self.search = QLineEdit(objectName="searchBox", placeholderText="Search responses…",
                                toolTip=SEARCH_TIP, clearButtonEnabled=True)
        self.hint = QLabel(SEARCH_HINT, objectName="searchHint", visible=False)
        self.question = _combo("questionCombo", "Show responses to one question")
        self.variable = _combo("attributeVariableCombo", "Filter by a respondent attribute")
        self.values_menu = QMenu(self, objectName="attributeValuesMenu")
        self.values = QToolButton(objectName="attributeValuesButton", text="Any value",
                                  toolTip="Tick the values to keep",
                                  popupMode=QToolButton.ToolButtonPopupMode.InstantPopup)
        self.values.setMenu(self.values_menu)
        self.uncoded = QCheckBox("Uncoded only", objectName="uncodedOnlyCheck", toolTip=(
            "Only responses with no codes (by the coder chosen in “Coded by”, if any)"))
        self.code = _combo("codedWithCombo", "Only responses coded with this code "
                                             "(or one of its sub-codes)")
        self.coder = _combo("codedByCombo", "Only responses this coder has coded; the Codes "
                                            "column then shows only this coder's codes")
        self.clear_button = QPushButton("Clear", objectName="clearFiltersButton",
                                        toolTip="Clear every filter and the search")
        self._lay_out()
        self._connect()

    def _lay_out(self) -> None:
        """Search and question on top; the other filters wrap onto more lines when the
        window is narrow (a laptop screen), each label kept beside its control."""
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.question, 1)
        top.addWidget(self.clear_button)
        self.more = FlowLayout()
        for label, widgets in (("Attribute", (self.variable, self.values)),
                               ("Coded with", (self.code,)), ("Coded by", (self.coder,)),
                               (None, (self.uncoded,))):
            group = QWidget(objectName="filterGroup")
            row = QHBoxLayout(group)
            row.setContentsMargins(0, 0, 0, 0)
            if label:
                row.addWidget(QLabel(label))
            for widget in widgets:
                row.addWidget(widget)
            self.more.addWidget(group)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.hint)
        layout.addLayout(self.more)

    def _connect(self) -> None:
        self.search.textChanged.connect(lambda _: self._timer.start())
        self.search.returnPressed.connect(self._search_settled)
        self.question.currentIndexChanged.connect(self._emit)
        self.variable.currentIndexChanged.connect(self._variable_chosen)
        self.uncoded.toggled.connect(self._uncoded_toggled)
        self.code.currentIndexChanged.connect(self._emit)
        self.coder.currentIndexChanged.connect(self._emit)
        self.clear_button.clicked.connect(self.clear)

    # -- public ------------------------------------------------------------------------------
    def current_query(self) -> ResponseQuery:
        """The query the controls describe now (the search only if it is usable)."""
        question, code, coder = (_data(c) for c in (self.question, self.code, self.coder))
        uncoded = self.uncoded.isChecked()
        codes = None
        if code and not uncoded:
            codes = code_and_subcodes(self.session.project, code)
        return ResponseQuery(
            question_ids=(question,) if question else None,
            attributes=tuple((v, tuple(sorted(vals))) for v, vals in self._ticks.items() if vals),
            text=self._usable_search(), coded=False if uncoded else None,
            code_ids=codes, coder_ids=(coder,) if coder else None)

    def clear(self) -> None:
        """Back to every response; emits once."""
        self._timer.stop()
        with QSignalBlocker(self.search):
            self.search.clear()
        self.hint.hide()
        for combo in (self.question, self.variable, self.code, self.coder):
            with QSignalBlocker(combo):
                combo.setCurrentIndex(0)
        with QSignalBlocker(self.uncoded):
            self.uncoded.setChecked(False)
        self.code.setEnabled(True)
        self._ticks.clear()
        self._fill_values()
        self._emit()

    def set_question(self, question_id: str | None) -> None:
        _select(self.question, question_id)

    def set_code(self, code_id: str | None) -> None:
        """Filter to responses coded with this code (turns "Uncoded only" off)."""
        with QSignalBlocker(self.uncoded):
            self.uncoded.setChecked(False)
        self.code.setEnabled(True)
        if not _select(self.code, code_id):
            self._emit()

    def set_coder(self, coder_id: str | None) -> None:
        _select(self.coder, coder_id)

    def show_hint(self, text: str) -> None:
        """A plain note under the search box (an unusable search, a query error)."""
        self.hint.setText(text)
        self.hint.show()

    def refresh(self) -> None:
        """Refill the lists from the project, keeping what is chosen where it still exists."""
        project = self.session.project
        _fill(self.question, "All questions",
              [(q.shown, q.id, q.wording) for q in reads.questions(project)])
        _fill(self.variable, "(none)",
              [(v.shown, v.id, v.label or v.name) for v in reads.variables(project)])
        self._fill_codes()
        _fill(self.coder, "Anyone",
              [(f"{c.name} ({c.initials})", c.id, c.name) for c in reads.coders(project)])
        known = {v.id for v in reads.variables(project)}
        self._ticks = {k: v for k, v in self._ticks.items() if k in known}
        self._fill_values()

    def _fill_codes(self) -> None:
        tree = reads.code_tree(self.session.project)
        _fill(self.code, "Any code",
              [("    " * t.depth + t.code.name, t.code.id, t.code.definition) for t in tree])

    # -- reacting ----------------------------------------------------------------------------
    def _emit(self) -> None:
        self.query_changed.emit(self.current_query())

    def _usable_search(self) -> str | None:
        text = self.search.text().strip()
        if not text:
            return None
        try:
            to_match(text)
        except InputError:
            return None
        return text

    def _search_settled(self) -> None:
        self._timer.stop()
        text = self.search.text().strip()
        if text and self._usable_search() is None:
            self.show_hint(SEARCH_HINT)
            return
        self.hint.hide()
        self._emit()

    def _uncoded_toggled(self, checked: bool) -> None:
        self.code.setEnabled(not checked)
        self._emit()

    def _variable_chosen(self) -> None:
        self._fill_values()

    def _fill_values(self) -> None:
        self.values_menu.clear()
        variable = _data(self.variable)
        self.values.setEnabled(bool(variable))
        ticked = self._ticks.get(variable or "", set())
        if variable:
            for value in reads.variable_choices(self.session.project, variable):
                action = QAction(value, self.values_menu, checkable=True, checked=value in ticked)
                action.setObjectName("attributeValueAction")
                action.toggled.connect(lambda on, v=value, var=variable: self._tick(var, v, on))
                self.values_menu.addAction(action)
        self._label_values()

    def _tick(self, variable: str, value: str, on: bool) -> None:
        ticked = self._ticks.setdefault(variable, set())
        (ticked.add if on else ticked.discard)(value)
        self._label_values()
        self._emit()

    def _label_values(self) -> None:
        ticked = sorted(self._ticks.get(_data(self.variable) or "", set()))
        self.values.setText("Any value" if not ticked else
                            ticked[0] if len(ticked) == 1 else f"{len(ticked)} values")
        others = sum(1 for k, v in self._ticks.items() if v and k != _data(self.variable))
        self.values.setToolTip("Tick the values to keep" + (
            f" ({others} other attribute filter{'s' if others > 1 else ''} on)" if others else ""))

    def _on_project_changed(self, changes: Changes, initiator: object) -> None:
        if changes.responses or changes.datasets:
            self.refresh()
        else:
            if changes.codes:
                self._fill_codes()
            if changes.coders:
                _fill(self.coder, "Anyone", [(f"{c.name} ({c.initials})", c.id, c.name)
                                             for c in reads.coders(self.session.project)])


def _combo(name: str, tip: str) -> QComboBox:
    combo = QComboBox(objectName=name, toolTip=tip)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(12)
    return combo


def _data(combo: QComboBox) -> Any:
    return combo.currentData()


def _select(combo: QComboBox, value: str | None) -> bool:
    """Choose the item holding ``value`` (None: the first); True if the choice changed."""
    index = max(0, combo.findData(value)) if value is not None else 0
    if index == combo.currentIndex():
        return False
    combo.setCurrentIndex(index)
    return True


def _fill(combo: QComboBox, everything: str, items: list[tuple[str, str, str]]) -> None:
    """(text, id, tooltip) items after an "everything" entry; keeps the choice if it exists."""
    current = combo.currentData()
    with QSignalBlocker(combo):
        combo.clear()
        combo.addItem(everything, None)
        for text, value, tip in items:
            combo.addItem(text, value)
            combo.setItemData(combo.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        index = combo.findData(current) if current is not None else 0
        combo.setCurrentIndex(max(0, index))
    if current is not None and index < 0:
        combo.currentIndexChanged.emit(0)  # the chosen item is gone: the query changes
