"""A round's contents: how far each coder has got, and its respondents and responses.

Opened from the rounds panel (Show contents…, or double-click a round). Everything comes
from :func:`post_coder.team.rounds.round_contents` — the same read as ``post-coder round
show`` — which tells whether a coder has coded a response, never with which codes, so it
shows nothing a blind round hides.
"""

from __future__ import annotations

from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView,
                               QLabel, QProgressBar, QTableView, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from post_coder.team.rounds import round_contents, sample_description
from post_coder.ui.models.round_contents_model import ANSWER, QUESTION, RoundContentsModel
from post_coder.ui.session import Session

CODER, CODED, BAR = range(3)


class RoundContentsDialog(QDialog):
    """``RoundContentsDialog(session, round_id)``: read-only; Close closes it."""

    def __init__(self, session: Session, round_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.contents = round_contents(session.project, round_id)
        r = self.contents.info.round
        self.setObjectName("roundContentsDialog")
        self.setWindowTitle(f"Round “{r.name}”")
        self.resize(820, 560)
        total = len(self.contents.responses)
        about = (f"{'Open' if r.status == 'open' else 'Closed'} · "
                 f"{'blind' if r.blind else 'not blind'} · {total} response"
                 f"{'' if total == 1 else 's'} from {self.contents.respondents} respondent"
                 f"{'' if self.contents.respondents == 1 else 's'} · {sample_description(r)}")
        self.about_label = QLabel(about, self, objectName="roundAbout", wordWrap=True)
        self.progress_table = QTableWidget(0, 3, self, objectName="roundProgressTable")
        self.progress_table.setHorizontalHeaderLabels(["Coder", "Coded", "Progress"])
        self.progress_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.progress_table.verticalHeader().hide()
        header = self.progress_table.horizontalHeader()
        header.setSectionResizeMode(CODER, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(CODED, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(BAR, QHeaderView.ResizeMode.Stretch)
        progress = self.contents.progress()
        self.progress_table.setRowCount(len(progress))
        for row, (_, name, coded, of) in enumerate(progress):
            self.progress_table.setItem(row, CODER, QTableWidgetItem(name))
            share = f" ({coded * 100 // of}%)" if of else ""
            self.progress_table.setItem(row, CODED, QTableWidgetItem(f"{coded} of {of}{share}"))
            bar = QProgressBar(self.progress_table, objectName="coderProgressBar")
            bar.setRange(0, max(of, 1))
            bar.setValue(coded)
            bar.setFormat(f"{name}: %v of %m coded")
            self.progress_table.setCellWidget(row, BAR, bar)
        self.progress_table.setMaximumHeight(
            self.progress_table.horizontalHeader().height() + 6
            + sum(self.progress_table.rowHeight(i) for i in range(len(progress))))
        self.responses_label = QLabel(
            "<b>Responses</b> — who has coded each (the codes themselves are not shown "
            "here):", self, objectName="roundResponsesHeading", wordWrap=True)
        self.model = RoundContentsModel(self.contents, self)
        self.responses_view = QTableView(self, objectName="roundResponsesTable")
        self.responses_view.setModel(self.model)
        self.responses_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.responses_view.setWordWrap(False)
        self.responses_view.verticalHeader().hide()
        view_header = self.responses_view.horizontalHeader()
        view_header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        view_header.setStretchLastSection(False)
        self.responses_view.resizeColumnsToContents()
        self.responses_view.setColumnWidth(QUESTION, min(
            220, self.responses_view.columnWidth(QUESTION)))
        view_header.setSectionResizeMode(ANSWER, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.setObjectName("roundContentsButtons")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.about_label)
        layout.addWidget(self.progress_table)
        layout.addWidget(self.responses_label)
        layout.addWidget(self.responses_view, 1)
        layout.addWidget(buttons)
