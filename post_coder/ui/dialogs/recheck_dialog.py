"""Codebook ▸ Re-check Queue…: your codings made under an earlier definition of their code.

Each flagged coding shows the response (the coded part marked), the definition it was made
under and the new one side by side. Confirm (Ctrl+Return) keeps the coding; Remove
(Ctrl+Delete) removes it. Each is one action (:func:`post_coder.coding.recheck.confirm_recheck`,
:func:`~post_coder.coding.recheck.remove_recheck`) and one step in Edit ▸ Undo.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QHBoxLayout,
                               QHeaderView, QLabel, QPushButton, QSplitter, QStackedWidget,
                               QTableWidget, QTableWidgetItem, QTextBrowser, QVBoxLayout,
                               QWidget)

from post_coder.changes import Changes
from post_coder.coding.recheck import (CRITERIA, RecheckItem, confirm_recheck, recheck_queue,
                                       remove_recheck)
from post_coder.ui.session import Session

EMPTY_TEXT = ("Nothing to re-check. A coding of yours appears here when the definition, "
              "inclusion or exclusion criteria of its code change after you applied it: "
              "you then confirm that it still holds under the new definition, or remove it.")
RESPONDENT, QUESTION, CODE, SEGMENT = range(4)


def _criteria_html(title: str, version: int, texts: dict[str, str],
                   other: dict[str, str]) -> str:
    """A definition's criteria; those that differ from ``other`` in bold."""
    rows = [f"<h4>{html.escape(title)} (version {version})</h4>"]
    for field in CRITERIA:
        value = html.escape(texts[field]) or "<i>(empty)</i>"
        if texts[field] != other[field]:
            value = f"<b>{value}</b>"
        rows.append(f"<p><u>{field.capitalize()}</u>: {value}</p>")
    return "".join(rows)


class RecheckDialog(QDialog):
    """``RecheckDialog(session)``: the session's coder's open flags, one at a time."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.items: list[RecheckItem] = []
        self.setObjectName("recheckDialog")
        self.setWindowTitle("Re-check queue")
        self.resize(900, 600)

        self.count_label = QLabel(self, objectName="recheckCount", wordWrap=True)
        self.empty_label = QLabel(EMPTY_TEXT, self, objectName="recheckEmpty", wordWrap=True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.table = QTableWidget(0, 4, self, objectName="recheckTable")
        self.table.setHorizontalHeaderLabels(["Respondent", "Question", "Code", "Coded text"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(SEGMENT, QHeaderView.ResizeMode.Stretch)
        self.response_view = QTextBrowser(self, objectName="recheckResponse")
        self.old_view = QTextBrowser(self, objectName="recheckOld")
        self.new_view = QTextBrowser(self, objectName="recheckNew")
        definitions = QHBoxLayout()
        definitions.addWidget(self.old_view)
        definitions.addWidget(self.new_view)
        detail = QWidget(self)
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(QLabel("The response (the coded part highlighted):", detail))
        detail_layout.addWidget(self.response_view, 1)
        detail_layout.addLayout(definitions, 2)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(detail)
        splitter.setSizes([180, 400])
        self.stack = QStackedWidget(self, objectName="recheckStack")
        self.stack.addWidget(splitter)
        self.stack.addWidget(self.empty_label)

        self.confirm_button = QPushButton("&Confirm (Ctrl+Return)", self,
                                          objectName="recheckConfirm")
        self.confirm_button.setToolTip("The coding still holds under the new definition")
        self.remove_button = QPushButton("&Remove coding (Ctrl+Delete)", self,
                                         objectName="recheckRemove")
        self.remove_button.setToolTip("The coding no longer fits: remove it (Undo brings it "
                                      "back)")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.setObjectName("recheckButtons")
        buttons.addButton(self.confirm_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.remove_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.confirm_button.clicked.connect(self.confirm)
        self.remove_button.clicked.connect(self.remove)
        for keys, slot in ((("Ctrl+Return", "Ctrl+Enter"), self.confirm),
                           (("Ctrl+Delete", "Ctrl+Backspace"), self.remove)):
            for key in keys:
                QShortcut(QKeySequence(key), self).activated.connect(slot)

        layout = QVBoxLayout(self)
        layout.addWidget(self.count_label)
        layout.addWidget(self.stack, 1)
        layout.addWidget(buttons)
        self.table.itemSelectionChanged.connect(self.show_current)
        session.project_did_change.connect(self._changed)
        session.visibility_did_change.connect(self.reload)
        self.reload()

    # -- reading -------------------------------------------------------------------------------
    def reload(self, select: int = 0) -> None:
        session = self.session
        self.items = (recheck_queue(session.project, session.scope, coder=session.coder_id)
                      if session.coder_id else [])
        table = self.table
        table.setRowCount(len(self.items))
        for row, i in enumerate(self.items):
            for column, text in ((RESPONDENT, i.respondent), (QUESTION, i.question),
                                 (CODE, i.code), (SEGMENT, " ".join(i.segment.split()))):
                table.setItem(row, column, QTableWidgetItem(text))
        n = len(self.items)
        self.count_label.setText(
            f"{n} coding{'s' if n != 1 else ''} of yours to re-check under a new definition."
            if n else "Your re-check queue is empty.")
        self.stack.setCurrentWidget(self.empty_label if not n else self.stack.widget(0))
        if n:
            table.selectRow(min(select, n - 1))
        self.show_current()

    def _changed(self, changes: Changes, initiator: object) -> None:
        if initiator is not self and (changes.codings or changes.codes):
            self.reload(self.current_row())

    def current_row(self) -> int:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else 0

    def current(self) -> RecheckItem | None:
        rows = self.table.selectionModel().selectedRows()
        return self.items[rows[0].row()] if rows and self.items else None

    def show_current(self) -> None:
        item = self.current()
        enabled = item is not None and not self.session.readonly
        self.confirm_button.setEnabled(enabled)
        self.remove_button.setEnabled(enabled)
        if item is None:
            for view in (self.response_view, self.old_view, self.new_view):
                view.clear()
            return
        text = item.text
        if item.span_start is None:
            marked = f"<span style='background:#fff2a8'>{html.escape(text)}</span>"
        else:
            marked = (html.escape(text[:item.span_start])
                      + f"<span style='background:#fff2a8'>"
                        f"{html.escape(text[item.span_start:item.span_end])}</span>"
                      + html.escape(text[item.span_end:]))
        self.response_view.setHtml(
            f"<p><b>{html.escape(item.respondent)}</b> / {html.escape(item.question)} — coded "
            f"“{html.escape(item.code)}”</p><p>{marked}</p>")
        self.old_view.setHtml(_criteria_html("When you coded it", item.from_version, item.old,
                                             item.new))
        self.new_view.setHtml(_criteria_html("Now", item.version, item.new, item.old))

    # -- acting ----------------------------------------------------------------------------------
    def confirm(self) -> None:
        self._settle(confirm_recheck)

    def remove(self) -> None:
        self._settle(remove_recheck)

    def _settle(self, action) -> None:  # noqa: ANN001 - confirm_recheck or remove_recheck
        item = self.current()
        if item is None or not self.confirm_button.isEnabled():
            return
        row = self.current_row()
        self.session.run(self, action, [item.id], initiator=self)
        self.reload(row)  # the next one moves up into this row
