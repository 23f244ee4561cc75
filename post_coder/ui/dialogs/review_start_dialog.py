"""Team ▸ Review Discrepancies…: choose the round and who takes part, then open its session.

A round has at most one review session that is not closed. The dialog says what choosing a
round will do — open a new session, resume the paused one, or carry on in the open one —
and the OK button says it too. Participants are free-text names (the whole team, not only
coders), pre-filled with the round's coders, or with the live session's participants.
"""

from __future__ import annotations

from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel,
                               QLineEdit, QVBoxLayout, QWidget)

from post_coder.team import review
from post_coder.team.rounds import list_rounds
from post_coder.ui.session import Session

OPEN, RESUME, CARRY_ON = "open", "resume", "carry on"


def split_names(text: str) -> list[str]:
    """'Maya, Luis;  Ana' → ['Maya', 'Luis', 'Ana'] (commas or semicolons)."""
    return [n.strip() for n in text.replace(";", ",").split(",") if n.strip()]


class ReviewStartDialog(QDialog):
    """Pick a round and the participants. After OK, :meth:`start` opens or resumes the
    session (through the session's writer) and returns its id."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("reviewStartDialog")
        self.setWindowTitle("Review discrepancies")
        self.setMinimumWidth(520)
        self.rounds = list_rounds(session.project)
        self.round_combo = QComboBox(self, objectName="reviewRoundCombo")
        for info in self.rounds:
            self.round_combo.addItem(f"{info.round.name} ({info.round.status}, "
                                     f"{len(info.coders)} coders)", info.id)
        self.participants_edit = QLineEdit(self, objectName="reviewParticipantsEdit")
        self.participants_edit.setPlaceholderText("Names, separated by commas")
        self.participants_edit.setToolTip("Who takes part in the meeting (goes into the "
                                          "minutes); anyone, not only the round's coders")
        self.state_label = QLabel(self, objectName="reviewStateLabel", wordWrap=True)
        intro = QLabel("The team settles the round's disagreements one at a time. The "
                       "decisions, with the codes the coders already agree on, form the "
                       "consensus layer; the coders' own codings stay as they are.", self,
                       wordWrap=True)
        form = QFormLayout()
        form.addRow("&Round", self.round_combo)
        form.addRow("&Participants", self.participants_edit)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setObjectName("reviewStartOk")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.state_label)
        layout.addWidget(self.buttons)
        self.round_combo.currentIndexChanged.connect(self._round_changed)
        if self.rounds:
            self.round_combo.setCurrentIndex(len(self.rounds) - 1)  # the latest round
        self._round_changed()

    # -- state ---------------------------------------------------------------------------
    def round_id(self) -> str | None:
        return self.round_combo.currentData()

    def live_session(self) -> review.Session | None:
        rid = self.round_id()
        return review.current_session(self.session.project, rid) if rid else None

    def what(self) -> str | None:
        """What OK will do: :data:`OPEN`, :data:`RESUME` or :data:`CARRY_ON`."""
        if self.round_id() is None:
            return None
        live = self.live_session()
        return OPEN if live is None else RESUME if live.status == "paused" else CARRY_ON

    def participants(self) -> list[str]:
        return split_names(self.participants_edit.text())

    def _round_changed(self) -> None:
        rid = self.round_id()
        if rid is None:
            self.state_label.setText("There are no rounds yet. Create one in the Rounds "
                                     "panel (Team ▸ Rounds) and let the coders code it first.")
            self.ok_button.setEnabled(False)
            self.participants_edit.setEnabled(False)
            return
        info = next(i for i in self.rounds if i.id == rid)
        live = self.live_session()
        what = self.what()
        names = live.participants if live else tuple(name for _, name in info.coders)
        self.participants_edit.setText(", ".join(names))
        self.participants_edit.setEnabled(what != CARRY_ON)
        if what == OPEN:
            self.state_label.setText(f"A new review session will be opened for "
                                     f"{info.round.name}.")
            self.ok_button.setText("Open session")
        elif what == RESUME:
            self.state_label.setText(
                f"{info.round.name} has a paused review session (opened "
                f"{live.opened_at[:10]}, paused {(live.paused_at or '')[:10]}). It resumes "
                "at the first disagreement still open.")
            self.ok_button.setText("Resume session")
        else:
            self.state_label.setText(
                f"{info.round.name} has a review session in progress (opened "
                f"{live.opened_at[:10]}); carry on in it.")
            self.ok_button.setText("Carry on")
        self.ok_button.setEnabled(True)

    # -- OK ---------------------------------------------------------------------------------
    def start(self) -> str | None:
        """Open, resume or carry on in the chosen round's session; its id, or None if the
        core refused (the message was shown)."""
        rid, what = self.round_id(), self.what()
        if rid is None:
            return None
        scope = self.session.scope
        if what == OPEN:
            result = self.session.run(self, review.open_session, scope, rid,
                                      self.participants(), initiator=self)
            return result.new_id if result is not None else None
        live = self.live_session()
        assert live is not None
        if what == RESUME:
            result = self.session.run(self, review.resume_session, scope, live.id,
                                      self.participants(), initiator=self)
            if result is None:
                return None
        return live.id
