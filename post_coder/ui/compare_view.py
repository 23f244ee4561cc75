"""Constant comparison: read every segment coded with a code, or two codes side by side.

Each column lists the segments of one code (text, respondent, coder, respondent
attributes) with the memo on that code below. Selected segments can be moved or copied to
another code; each is one action (a move applies the target and removes the original in
one step), so one Undo restores them. Double-clicking a segment asks to show its response.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel,
                               QPushButton, QSplitter, QTableView, QVBoxLayout, QWidget)

from post_coder.changes import Changes
from post_coder.coding import codebook
from post_coder.coding.codings import list_codings
from post_coder.ids import CodeId
from post_coder.coding import refine
from post_coder.ui.models.segment_model import ATTRIBUTES, SEGMENT, OneLineDelegate, SegmentModel
from post_coder.ui.session import Session
from post_coder.ui.widgets.memo_editor import MemoEditor

#: columns up to this many segments show each one in full (row heights cost time)
WRAP_UP_TO = 400


def _fill_code_combo(combo: QComboBox, session: Session, empty: str) -> None:
    """(Re)list the active codes, keeping the current choice when it still exists."""
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(empty, None)
    for code, depth in codebook.tree_order(codebook.list_codes(session.project)):
        combo.addItem("    " * depth + code.name, code.id)
    combo.setCurrentIndex(max(combo.findData(current), 0) if current else 0)
    combo.blockSignals(False)


class _CodeColumn(QWidget):
    """One code: its segments and the memo on it."""

    code_did_change = Signal()
    selection_did_change = Signal()
    response_requested = Signal(str)

    def __init__(self, session: Session, side: str, lookup: refine.AttributeLookup,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._lookup = lookup
        self.combo = QComboBox(self)
        self.combo.setObjectName(f"compareCode{side}")
        _fill_code_combo(self.combo, session, "(choose a code)" if side == "A" else "(none)")
        self.count_label = QLabel(self)
        self.count_label.setObjectName(f"compareCount{side}")
        self.model = SegmentModel(attributes=lookup.lines, parent=self)
        self.view = QTableView(self)
        self.view.setObjectName(f"compareSegments{side}")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.verticalHeader().hide()
        self._one_line = OneLineDelegate(self.view)
        for column in range(self.model.columnCount()):
            if column != SEGMENT:
                self.view.setItemDelegateForColumn(column, self._one_line)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(SEGMENT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ATTRIBUTES, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(ATTRIBUTES, 140)
        header.sectionResized.connect(self._fit_rows)
        self.memo = MemoEditor(session, self)
        self.memo.setObjectName(f"compareMemo{side}")
        self.memo_label = QLabel("Memo on this code", self)

        top = QHBoxLayout()
        top.addWidget(self.combo, 1)
        top.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.view, 3)
        layout.addWidget(self.memo_label)
        layout.addWidget(self.memo, 1)

        self.combo.currentIndexChanged.connect(self._on_code_changed)
        self.view.selectionModel().selectionChanged.connect(self.selection_did_change)
        self.view.doubleClicked.connect(
            lambda index: self.response_requested.emit(self.model.row_at(index.row()).response_id))
        self.reload()

    def code_id(self) -> str | None:
        return self.combo.currentData()

    def _fit_rows(self, column: int, *args: int) -> None:
        if column == SEGMENT and self.view.wordWrap():
            self.view.resizeRowsToContents()

    def set_code(self, code_id: str | None) -> None:
        self.combo.setCurrentIndex(max(self.combo.findData(code_id), 0) if code_id else 0)

    def selected_ids(self) -> list[str]:
        rows = sorted(i.row() for i in self.view.selectionModel().selectedRows())
        return [self.model.row_at(r).id for r in rows]

    def select_ids(self, coding_ids: list[str]) -> None:
        wanted = set(coding_ids)
        self.view.clearSelection()
        flags = (self.view.selectionModel().SelectionFlag.Select
                 | self.view.selectionModel().SelectionFlag.Rows)
        for r, row in enumerate(self.model.rows()):
            if row.id in wanted:
                self.view.selectionModel().select(self.model.index(r, 0), flags)

    def _on_code_changed(self) -> None:
        self.reload()
        self.code_did_change.emit()

    def reload(self) -> None:
        """Re-read the segments (keeping the selection) and point the memo at the code."""
        code = self.code_id()
        keep = self.selected_ids() if self.model.rowCount() else []
        rows = (list_codings(self.session.project, self.session.scope, codes=[CodeId(code)])
                if code else [])
        self._lookup.prepare(r.response_id for r in rows)
        self.model.set_rows(rows)
        if len(rows) <= WRAP_UP_TO:  # whole segments to read; beyond that, one line each
            self.view.setWordWrap(True)
            self.view.resizeRowsToContents()
        else:
            self.view.setWordWrap(False)
        self.select_ids(keep)
        responses = len({r.response_id for r in rows})
        self.count_label.setText(f"{len(rows)} segments, {responses} responses" if code else "")
        self.view.setEnabled(code is not None)
        if self.memo.target() != (("code", code) if code else None):
            self.memo.set_target("code" if code else None, code)
        self.memo_label.setEnabled(code is not None)


class CompareView(QWidget):
    """``CompareView(session, code_a, code_b=None)``; embed it or show it as a window."""

    #: double-click on a segment: show this response (the main window decides how)
    response_requested = Signal(str)

    def __init__(self, session: Session, code_a: str | None = None, code_b: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("compareView")
        self.setWindowTitle("Compare segments")
        self._lookup = refine.AttributeLookup(session.project)
        self.column_a = _CodeColumn(session, "A", self._lookup, self)
        self.column_b = _CodeColumn(session, "B", self._lookup, self)
        self._active = self.column_a
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setObjectName("compareSplitter")
        splitter.addWidget(self.column_a)
        splitter.addWidget(self.column_b)

        self.selection_label = QLabel(self)
        self.selection_label.setObjectName("compareSelection")
        self.target_combo = QComboBox(self)
        self.target_combo.setObjectName("compareTargetCombo")
        _fill_code_combo(self.target_combo, session, "(choose a code)")
        self.move_button = QPushButton("&Move to code", self)
        self.move_button.setObjectName("compareMoveButton")
        self.move_button.setToolTip("Recode the selected segments: the chosen code replaces "
                                    "this one (same coder, same span). One Undo restores them.")
        self.copy_button = QPushButton("Cop&y to code", self)
        self.copy_button.setObjectName("compareCopyButton")
        self.copy_button.setToolTip("Code the selected segments with the chosen code as well.")
        actions = QHBoxLayout()
        actions.addWidget(self.selection_label, 1)
        actions.addWidget(self.target_combo)
        actions.addWidget(self.move_button)
        actions.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(actions)

        for column, other in ((self.column_a, self.column_b), (self.column_b, self.column_a)):
            column.selection_did_change.connect(
                lambda c=column, o=other: self._on_selection(c, o))
            column.code_did_change.connect(self._on_codes_changed)
            column.response_requested.connect(self.response_requested)
        self.move_button.clicked.connect(lambda: self.move_selected())
        self.copy_button.clicked.connect(lambda: self.copy_selected())
        self.target_combo.currentIndexChanged.connect(self._update_buttons)
        session.project_did_change.connect(self._on_project_did_change)
        session.visibility_did_change.connect(self._reload)
        self.set_codes(code_a, code_b)

    # -- public ------------------------------------------------------------------------
    def set_codes(self, code_a: str | None, code_b: str | None = None) -> None:
        self.column_a.set_code(code_a)
        self.column_b.set_code(code_b)
        self._on_codes_changed()

    def selected_coding_ids(self) -> list[str]:
        return self._active.selected_ids()

    def set_target(self, code_id: str | None) -> None:
        self.target_combo.setCurrentIndex(
            max(self.target_combo.findData(code_id), 0) if code_id else 0)

    def move_selected(self, target: str | None = None) -> bool:
        return self._transfer(refine.move_segments, target)

    def copy_selected(self, target: str | None = None) -> bool:
        return self._transfer(refine.copy_segments, target)

    def flush_memos(self) -> None:
        self.column_a.memo.flush()
        self.column_b.memo.flush()

    # -- internals ---------------------------------------------------------------------
    def _transfer(self, action, target: str | None) -> bool:  # noqa: ANN001
        target = target or self.target_combo.currentData()
        ids = self.selected_coding_ids()
        source = self._active.code_id()
        if not target or not ids:
            return False
        result = self.session.run(self, action, ids, CodeId(target),
                                  source_codes=[source] if source else None, initiator=self)
        return result is not None

    def _on_selection(self, column: _CodeColumn, other: _CodeColumn) -> None:
        if column.selected_ids():
            self._active = column
            if other.selected_ids():
                other.view.clearSelection()
            if self.target_combo.currentData() in (None, column.code_id()) and other.code_id():
                self.set_target(other.code_id())
        self._update_buttons()

    def _on_codes_changed(self) -> None:
        if not self.column_a.code_id() and self.column_b.code_id():
            self._active = self.column_b
        elif self.target_combo.currentData() is None and self.column_b.code_id():
            self.set_target(self.column_b.code_id())
        self._update_buttons()

    def _update_buttons(self) -> None:
        ids = self.selected_coding_ids()
        target = self.target_combo.currentData()
        self.selection_label.setText(
            f"{len(ids)} selected segment{'s' if len(ids) != 1 else ''}:" if ids
            else "Select segments to move or copy them to another code.")
        ok = bool(ids) and target is not None and target != self._active.code_id()
        self.move_button.setEnabled(ok)
        self.copy_button.setEnabled(ok)

    def _reload(self) -> None:
        for combo in (self.column_a.combo, self.column_b.combo, self.target_combo):
            _fill_code_combo(combo, self.session, combo.itemText(0))
        self.column_a.reload()
        self.column_b.reload()
        self._update_buttons()

    def _on_project_did_change(self, changes: Changes, initiator: object) -> None:
        if changes.responses or changes.project:
            self._lookup.clear()
        if changes.codes or changes.codings or changes.responses or changes.project:
            self._reload()
