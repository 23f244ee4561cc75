"""View ▸ History: the audit log a researcher cites in the methods section.

Every entry of :func:`post_coder.coding.history.audit_entries` — the same rows as
``post-coder log`` — newest first, with the rationale given for it. Filters by code, coder,
kind of change and date; the selected entry's before and after show below; Export… writes
the rows shown as CSV (or XLSX). The log is read in the background (a long project's log
has tens of thousands of entries) through the reader's scope, so a blind coder's history
shows nothing the round hides.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDateEdit, QDialog,
                               QDialogButtonBox, QFileDialog, QHBoxLayout, QHeaderView, QLabel,
                               QPlainTextEdit, QPushButton, QSplitter, QTableView, QVBoxLayout,
                               QWidget)

from post_coder.coding.history import AuditRow, audit_entries
from post_coder.errors import PostCoderError
from post_coder.export.tables import audit_table, write_table
from post_coder.project import Project
from post_coder.queries import ReadScope
from post_coder.ui.background import BackgroundReader
from post_coder.ui.errors import show_error
from post_coder.ui.models import ReadOnlyTableModel
from post_coder.ui.models.reads import codes_by_id, coders
from post_coder.ui.session import Session

WHEN, WHO, ACTION, ABOUT, RATIONALE, STEP = range(6)

#: the kinds of change offered in the filter: (label, value for ``audit_entries(kind=)``)
KINDS = (("Every kind of change", None), ("Codings applied", "apply"),
         ("Codings removed", "remove"), ("Changes to codes", "code"),
         ("Codes renamed", "rename"), ("Definitions changed", "redefine"),
         ("Codes moved", "move"), ("Codes merged", "merge"), ("Codes split", "split"),
         ("Codes retired", "retire"), ("Responses marked done", "mark-done"),
         ("Memos", "memo"), ("Rounds", "round"), ("Coders", "coder"),
         ("Review decisions", "review_decision"), ("Imports", "dataset"),
         ("Undo and redo", "action"))


class HistoryModel(ReadOnlyTableModel[AuditRow]):
    HEADERS = ("When (UTC)", "Who", "Action", "About", "Why (rationale)", "Step")
    TIPS = {RATIONALE: "The reason given when the change was made",
            STEP: "The user action the entry belongs to (one undo step)"}

    def cell(self, r: AuditRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == WHEN:
                return r.at[:19].replace("T", " ")
            if column == WHO:
                return r.who or "(no coder set)"
            if column == ACTION:
                return _action_text(r)
            if column == ABOUT:
                return r.about
            if column == RATIONALE:
                return r.rationale or ""
            return r.step
        if role == Qt.ItemDataRole.ToolTipRole and column in (ABOUT, RATIONALE):
            return r.about if column == ABOUT else (r.rationale or "No rationale was given")
        return None


def _action_text(r: AuditRow) -> str:
    """"apply coding", "rename code", "mark done" — the action as a person says it."""
    if r.entity == "done_mark":
        return r.action.replace("-", " ")
    return f"{r.action.replace('-', ' ')} {r.entity.replace('_', ' ')}"


def _changes(before: Any, after: Any) -> list[str]:
    """What an entry changed, a line per field: only the fields that differ when both
    images are records, else each image whole."""
    def text(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)

    if isinstance(before, dict) and isinstance(after, dict):
        return [f"{key}: {text(before.get(key))} → {text(after.get(key))}"
                for key in sorted(set(before) | set(after))
                if before.get(key) != after.get(key) and key != "updated_at"]
    lines = []
    if before is not None:
        lines.append("Before: " + text(before))
    if after is not None:
        lines.append("After: " + text(after))
    return lines


def _read(project: Project, scope: ReadScope, filters: dict[str, Any]) -> list[AuditRow]:
    rows = audit_entries(project, scope, **filters)
    rows.reverse()  # newest first: what a person looks for is usually recent
    return rows


class HistoryDialog(QDialog):
    """``HistoryDialog(session)``: non-modal; reloads when the project changes."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("historyDialog")
        self.setWindowTitle("History — the audit log")
        self.resize(980, 600)
        self.reader = BackgroundReader(session.project.path, self)
        self.reader.did_finish.connect(self._show)
        self.reader.did_fail.connect(lambda e: self.status.setText(f"Could not read the log: {e}"))

        self.code_box = QComboBox(self, objectName="historyCode")
        self.coder_box = QComboBox(self, objectName="historyCoder")
        self.kind_box = QComboBox(self, objectName="historyKind")
        for label, value in KINDS:
            self.kind_box.addItem(label, value)
        self.since_check = QCheckBox("From", self, objectName="historySinceCheck")
        self.since_edit = QDateEdit(QDate.currentDate().addMonths(-1), self,
                                    objectName="historySince")
        self.since_edit.setCalendarPopup(True)
        self.since_edit.setDisplayFormat("yyyy-MM-dd")
        self.since_edit.setEnabled(False)
        self._fill_choices()
        filters = QHBoxLayout()
        for label, widget in (("Code", self.code_box), ("Coder", self.coder_box),
                              ("Kind", self.kind_box)):
            caption = QLabel(f"{label}:", self)
            caption.setBuddy(widget)
            filters.addWidget(caption)
            filters.addWidget(widget, 1)
        filters.addWidget(self.since_check)
        filters.addWidget(self.since_edit)

        self.model = HistoryModel(self)
        self.table = QTableView(self, objectName="historyTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(RATIONALE, QHeaderView.ResizeMode.Stretch)
        for column, width in ((WHEN, 140), (WHO, 110), (ACTION, 130), (ABOUT, 260), (STEP, 150)):
            self.table.setColumnWidth(column, width)
        self.table.selectionModel().currentRowChanged.connect(self._show_detail)
        self.detail = QPlainTextEdit(self, objectName="historyDetail")
        self.detail.setReadOnly(True)
        self.detail.setPlaceholderText("Select an entry to see what it changed.")
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)

        self.status = QLabel(self, objectName="historyStatus")
        self.export_button = QPushButton("&Export…", self, objectName="historyExport")
        self.export_button.setToolTip("Write the entries shown to a CSV or XLSX file")
        self.export_button.clicked.connect(self.export)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.export_button)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(split, 1)
        layout.addLayout(bottom)

        for box in (self.code_box, self.coder_box, self.kind_box):
            box.currentIndexChanged.connect(self.reload)
        self.since_check.toggled.connect(self.since_edit.setEnabled)
        self.since_check.toggled.connect(self.reload)
        self.since_edit.dateChanged.connect(self.reload)
        QShortcut(QKeySequence.StandardKey.Refresh, self, self.reload)
        session.project_did_change.connect(lambda *_: self.reload())
        session.visibility_did_change.connect(self.reload)
        self.reload()

    def _fill_choices(self) -> None:
        project = self.session.project
        self.code_box.addItem("Every code", None)
        for code in sorted(codes_by_id(project).values(), key=lambda c: c.name.casefold()):
            suffix = "" if code.status == "active" else f" ({code.status})"
            self.code_box.addItem(code.name + suffix, code.id)
        self.coder_box.addItem("Everyone", None)
        for coder in coders(project):
            self.coder_box.addItem(coder.name, coder.id)

    def filters(self) -> dict[str, Any]:
        """The filters as :func:`audit_entries` takes them."""
        since = (self.since_edit.date().toString("yyyy-MM-dd")
                 if self.since_check.isChecked() else None)
        return {"code": self.code_box.currentData(), "coder": self.coder_box.currentData(),
                "kind": self.kind_box.currentData(), "since": since}

    def reload(self) -> None:
        self.status.setText("Reading the log…")
        self.reader.request(lambda p, s=self.session.scope, f=self.filters(): _read(p, s, f))

    def _show(self, rows: list[AuditRow]) -> None:
        self.model.set_rows(rows)
        self.detail.clear()
        any_filter = any(v is not None for v in self.filters().values())
        if rows:
            self.status.setText(f"{len(rows)} entr{'y' if len(rows) == 1 else 'ies'}, newest "
                                "first" + (" (filtered)" if any_filter else ""))
        else:
            self.status.setText("No entries match these filters." if any_filter else
                                "Nothing has been recorded yet: every change you make is "
                                "listed here with the reason you give for it.")
        self.export_button.setEnabled(bool(rows))

    def _show_detail(self, current: QModelIndex, _previous: QModelIndex) -> None:
        r = self.model.row_at(current.row())
        if r is None:
            self.detail.clear()
            return
        lines = [f"{r.at}  {r.who or '(no coder set)'}  {_action_text(r)}: {r.about}",
                 f"Step: {r.step}", f"Why: {r.rationale or '(no rationale given)'}"]
        lines += _changes(r.before, r.after)
        self.detail.setPlainText("\n".join(lines))

    def export(self, path: str | None = None) -> Path | None:
        """Write the rows shown, oldest first, as the log's CSV (``post-coder log --csv``)."""
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Export the history", "history.csv",
                                                  "CSV (*.csv);;Excel workbook (*.xlsx)")
            if not path:
                return None
        rows = [self.model.row_at(i) for i in range(self.model.rowCount())]
        try:
            written = write_table(path, *audit_table(list(reversed(rows))), title="History")
        except PostCoderError as exc:
            show_error(self, exc)
            return None
        self.status.setText(f"Wrote {len(rows)} entries to {written}.")
        return written

    def done(self, result: int) -> None:
        self.reader.cancel()
        super().done(result)
