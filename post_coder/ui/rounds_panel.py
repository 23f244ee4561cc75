"""The rounds panel: the project's coding rounds, and the lead's buttons to run them.

A round names the coders taking part and the responses they code (all, or a seeded
random or stratified sample), and may be blind. The lead opens rounds, hands each coder a
coder package, merges their work back (Team ▸ Import Coder Work…) and closes the round,
which ends the blinding. Every number comes from :func:`post_coder.team.rounds.list_rounds`;
Show contents… (or a double-click on a round) lists its responses and each coder's progress.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QLabel,
                               QPushButton, QStackedWidget, QTableView, QVBoxLayout, QWidget)

from post_coder.changes import Changes
from post_coder.team.rounds import close_round, list_rounds
from post_coder.ui.dialogs.package_dialog import PackageDialog
from post_coder.ui.dialogs.rationale_dialog import RationaleDialog
from post_coder.ui.dialogs.round_contents_dialog import RoundContentsDialog
from post_coder.ui.dialogs.round_dialog import RoundDialog
from post_coder.ui.models import team_reads
from post_coder.ui.models.rounds_model import NAME, PROGRESS, RESPONSES, RoundsModel
from post_coder.ui.session import Session
from post_coder.ui.widgets.flow_layout import FlowLayout

EMPTY_TEXT = (
    "No coding rounds yet.\n\nA round is a batch of coding done by several coders "
    "independently: you choose the coders and the responses (all of them, or a random or "
    "stratified sample drawn with a seed), and whether it is blind — then each coder sees "
    "only their own codings until you close the round. Hand each coder a coder package, "
    "import their work when they send it back, then compare and discuss.")
PACKAGE_TEXT = ("This file is a coder package: rounds are opened, closed and handed out in "
                "the lead's project.")


class RoundsPanel(QWidget):
    """Lists rounds; New round…, Close round and Export coder package… for the lead."""

    #: the rounds changed (opened, closed or merged): blinding may have changed
    rounds_changed = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("roundsPanel")
        self.session = session
        self.dialog: QWidget | None = None
        self.model = RoundsModel(self)
        self._build()
        self._later = QTimer(self, singleShot=True, interval=400)  # progress after codings
        self._later.timeout.connect(self.reload)
        session.project_did_change.connect(self._on_project_changed)
        self.reload()

    def _build(self) -> None:
        self.table = QTableView(self, objectName="roundsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        # each coder's progress right after the round's name: seen in a narrow dock too
        header.moveSection(header.visualIndex(PROGRESS), NAME + 1)
        self.empty_label = QLabel(EMPTY_TEXT, self, objectName="roundsEmptyLabel", wordWrap=True,
                                  alignment=Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget(self, objectName="roundsStack")
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty_label)
        self.note = QLabel(PACKAGE_TEXT, self, objectName="roundsPackageNote", wordWrap=True)
        self.new_button = QPushButton("New round…", self, objectName="newRoundButton")
        self.new_button.setToolTip("Open a coding round: coders, responses, seed, blind or not")
        self.close_button = QPushButton("Close round", self, objectName="closeRoundButton")
        self.close_button.setToolTip("End the selected round (the lead does): blinding ends "
                                     "and everyone's codings become visible")
        self.package_button = QPushButton("Export coder package…", self,
                                          objectName="exportPackageButton")
        self.package_button.setToolTip("Write a copy of the project for one coder to code on "
                                       "their computer (blind rounds honoured)")
        self.show_button = QPushButton("Show contents…", self, objectName="showRoundButton")
        self.show_button.setToolTip("The selected round's respondents and responses, and how "
                                    "far each coder has got (or double-click the round)")
        self.show_button.clicked.connect(lambda: self.show_contents())
        self.table.activated.connect(lambda *_: self.show_contents())
        self.new_button.clicked.connect(self.new_round)
        self.close_button.clicked.connect(self.close_selected)
        self.package_button.clicked.connect(lambda: self.export_package())
        buttons = FlowLayout()  # wraps in a narrow dock
        for button in (self.new_button, self.show_button, self.close_button,
                       self.package_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addLayout(buttons)
        layout.addWidget(self.stack, 1)
        self.table.selectionModel().currentRowChanged.connect(self._update_buttons)

    # -- reading -------------------------------------------------------------------------------
    def reload(self) -> None:
        current = self.current_round_id()
        rows = team_reads.round_rows(list_rounds(self.session.project))
        self.model.set_rows(rows)
        self.stack.setCurrentIndex(0 if rows else 1)
        self.table.resizeColumnToContents(NAME)
        self.table.resizeColumnToContents(RESPONSES)
        if rows:
            row = self.model.row_of(current)
            self.select_row(row if row >= 0 else len(rows) - 1)
        self._update_buttons()

    def select_row(self, row: int) -> None:
        self.table.selectionModel().setCurrentIndex(
            self.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)

    def select_round(self, round_id: str) -> bool:
        row = self.model.row_of(round_id)
        if row >= 0:
            self.select_row(row)
        return row >= 0

    def current_round_id(self) -> str | None:
        row = self.model.round_row(self.table.currentIndex().row())
        return row.id if row else None

    def _update_buttons(self, *_: object) -> None:
        lead = team_reads.is_lead(self.session.project)
        row = self.model.round_row(self.table.currentIndex().row())
        self.note.setVisible(not lead)
        self.new_button.setEnabled(lead)
        self.show_button.setEnabled(row is not None)
        self.close_button.setEnabled(lead and row is not None and row.open)
        self.package_button.setEnabled(lead)

    def _on_project_changed(self, changes: Changes, initiator: object) -> None:
        if changes.project or changes.coders:
            self.reload()
            self.rounds_changed.emit()
        elif changes.codings:
            self._later.start()

    # -- actions -------------------------------------------------------------------------------
    def new_round(self) -> RoundDialog:
        dialog = RoundDialog(self.session, self)
        dialog.accepted.connect(lambda: self.select_round(dialog.created_round_id or ""))
        return self._open(dialog)

    def show_contents(self) -> RoundContentsDialog | None:
        round_id = self.current_round_id()
        if round_id is None:
            return None
        return self._open(RoundContentsDialog(self.session, round_id, self))

    def close_selected(self) -> RationaleDialog | None:
        row = self.model.round_row(self.table.currentIndex().row())
        if row is None or not row.open:
            return None
        blind = (" Blinding ends: every coder will see everyone's codings of its "
                 f"{row.responses} responses." if row.blind else "")
        dialog = RationaleDialog(
            "Close round", f"Close the round “{row.name}”?{blind} A closed round cannot be "
            "opened again.", "Close round", self)
        dialog.setObjectName("closeRoundDialog")
        dialog.accepted.connect(lambda: self.session.run(
            self, close_round, row.id, rationale=dialog.rationale(), initiator=self))
        return self._open(dialog)

    def export_package(self, coder_id: str | None = None) -> PackageDialog:
        dialog = PackageDialog(self.session, self.current_round_id(), self)
        if coder_id is not None:
            dialog.set_coder(coder_id)
        return self._open(dialog)

    def _open(self, dialog):
        """Window-modal and non-blocking (tests drive the dialog while it is open)."""
        self.dialog = dialog
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog
