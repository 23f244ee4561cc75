"""Analysis ▸ Suggest Codes: codes suggested for the answers you have not coded yet, learned
from the consensus layer or one coder's codings (:mod:`post_coder.suggest.codes`), as a
queue to go through with one key each.

Run learns in the background (a progress dialog that can cancel). The queue lists each
answer with suggestions; the current one shows its text and its suggested codes with their
confidence and the words that weighed most, each ticked. **Y** accepts the ticked codes
(applied as you: one undoable action), **N** rejects them all (you record that nothing
applies: the answer is done for you with no code, also undoable). Either moves on to the
next answer; the main window's response viewer follows the queue's current answer. A
suggestion is never a coding until you accept it. The window follows the
project: an answer whose accept or reject is undone (Edit ▸ Undo, in any window) is back
in the queue, in its place; suggestions of a code that left the codebook leave the queue.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QHBoxLayout, QHeaderView, QLabel,
                               QPushButton, QTreeWidget, QTreeWidgetItem, QWidget)

from post_coder.changes import Changes
from post_coder.coding.codebook import list_codes
from post_coder.coding.coders import list_coders
from post_coder.coding.done import is_done
from post_coder.progress import Progress
from post_coder.project import Project
from post_coder.queries import ReadScope
from post_coder.suggest import codes as codes_service
from post_coder.ui.session import Session
from post_coder.ui.suggestion_window import SuggestionWindow
from post_coder.ui.tasks import Task

EMPTY = ("Run to see codes suggested for the answers you have not coded yet, learned from "
         "the team's codings on this computer; nothing is sent anywhere.\n\n"
         "Y accepts the ticked codes for an answer, N rejects them (nothing applies).")
ID_ROLE = Qt.ItemDataRole.UserRole


class CodeSuggestionsPanel(SuggestionWindow):
    """One window per session (see ``MainWindow.show_code_suggestions``)."""

    #: the queue's current answer (a response id): the main window shows it in the response
    #: viewer too, with its attributes and codings, when the grid lists it
    response_shown = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent, name="codeSuggestionsPanel", title="Suggest Codes",
                         empty=EMPTY)
        self.result: codes_service.CodeSuggestions | None = None
        #: response id → its suggestions, in queue order (answered ones leave)
        self.queue: dict[str, list[codes_service.CodeSuggestion]] = {}
        #: answered here: response id → the coder who answered (out of the queue while it
        #: is done for them)
        self.answered: dict[str, str] = {}

        self.source = QComboBox()
        self.source.setObjectName("codesSource")
        self.source.addItem("Consensus layer", "consensus")
        for c in list_coders(session.project):
            self.source.addItem(f"{c.name}'s codings", f"coder:{c.name}")
        self.question = self.question_combo()
        self.question.setObjectName("codesQuestion")
        self.confidence = QDoubleSpinBox()
        self.confidence.setObjectName("codesConfidence")
        self.confidence.setRange(0.0, 1.0)
        self.confidence.setSingleStep(0.05)
        self.confidence.setValue(codes_service.DEFAULT_CONFIDENCE)
        for label, widget in (("&Learn from:", self.source), ("&Question:", self.question),
                              ("Minimum &confidence:", self.confidence)):
            self.add_option(label, widget)

        self.list = QTreeWidget()
        self.list.setObjectName("codesQueue")
        self.list.setHeaderLabels(["Respondent", "Answer", "Suggested"])
        self.list.setRootIsDecorated(False)
        self.list.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.list.header().setStretchLastSection(False)
        self.list.setColumnWidth(2, 170)
        self.list.currentItemChanged.connect(lambda *_: self._show_current())
        self.answer = QLabel("")
        self.answer.setObjectName("codesAnswer")
        self.answer.setWordWrap(True)
        self.answer.setTextFormat(Qt.TextFormat.PlainText)
        self.codes = QTreeWidget()
        self.codes.setObjectName("codesSuggested")
        self.codes.setHeaderLabels(["Code", "Confidence", "Because of"])
        self.codes.setRootIsDecorated(False)
        self.accept_button = QPushButton("&Accept ticked (Y)")
        self.accept_button.setObjectName("codesAccept")
        self.accept_button.clicked.connect(self.accept_current)
        self.reject_button = QPushButton("Reject: &nothing applies (N)")
        self.reject_button.setObjectName("codesReject")
        self.reject_button.clicked.connect(self.reject_current)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.reject_button)
        buttons.addWidget(self.accept_button)
        self.lay_out(self.list, [self.answer, self.codes, buttons], (600, 600))
        # one key each, anywhere in this window
        for key, slot in ((Qt.Key.Key_Y, self.accept_current), (Qt.Key.Key_N, self.reject_current)):
            shortcut = QShortcut(QKeySequence(key), self, slot)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        self._update_buttons()
        session.project_did_change.connect(self._project_changed)

    # -- running ---------------------------------------------------------------------------
    def run(self) -> Task | None:
        if self.running:
            return self.task
        question = self.question.currentData()
        options: dict[str, Any] = {
            "source": self.source.currentData(),
            "questions": (question,) if question else (),
            "min_confidence": round(self.confidence.value(), 2),
            "coder": self.session.coder_id,
        }
        scope: ReadScope = self.session.scope

        def work(project: Project, progress: Progress) -> codes_service.CodeSuggestions:
            return codes_service.suggest_codes(project, scope, progress=progress, **options)

        return self.start("Learning the codes…", work, self._found)

    def _found(self, found: codes_service.CodeSuggestions) -> None:
        self.result = found
        self.queue, self.answered = {}, {}
        for s in found.suggestions:
            self.queue.setdefault(s.response_id, []).append(s)
        text = (f"{len(self.queue)} of {found.considered} answers have suggestions "
                f"(learned {len(found.learned)} codes from {found.source}).")
        if found.not_learned:
            text += f" {len(found.not_learned)} codes not learned (hover for why)."
            self.summary.setToolTip("\n".join(f"{c}: {r}" for c, r in found.not_learned))
        self.summary.setText(text)
        self._fill()

    def _fill(self, select: int | str = 0) -> None:
        """The queue, its row ``select`` (or the answer with that id) current."""
        if isinstance(select, str):
            select = list(self.queue).index(select) if select in self.queue else 0
        self.list.clear()
        for rid, suggestions in self.queue.items():
            first = suggestions[0]
            item = QTreeWidgetItem([first.respondent, first.text,
                                    ", ".join(s.code for s in suggestions)])
            item.setData(0, ID_ROLE, rid)
            item.setToolTip(1, first.text)
            self.list.addTopLevelItem(item)
        self.show_list(self.list, select, EMPTY if self.result is None else (
            "No suggestions left: every answer in the queue has been accepted or rejected "
            "(or none was confident enough). Run again to learn from the codings as they "
            "are now."))
        self._show_current()

    def current_response(self) -> str | None:
        item = self.list.currentItem()
        return None if item is None else item.data(0, ID_ROLE)

    def _show_current(self) -> None:
        rid = self.current_response()
        self.codes.clear()
        if rid is None:
            self.answer.setText("")
        else:
            first = self.queue[rid][0]
            self.answer.setText(f"{first.respondent} — {first.question}:\n“{first.text}”")
            for s in self.queue[rid]:
                item = QTreeWidgetItem([s.code, f"{s.confidence:.2f}", ", ".join(s.because)])
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(0, Qt.CheckState.Checked)
                item.setData(0, ID_ROLE, s.code_id)
                self.codes.addTopLevelItem(item)
            self.response_shown.emit(rid)
        self._update_buttons()

    def ticked(self) -> list[codes_service.CodeSuggestion]:
        rid = self.current_response()
        if rid is None:
            return []
        items = (self.codes.topLevelItem(n) for n in range(self.codes.topLevelItemCount()))
        chosen = {it.data(0, ID_ROLE) for it in items
                  if it.checkState(0) == Qt.CheckState.Checked}
        return [s for s in self.queue[rid] if s.code_id in chosen]

    def _update_buttons(self) -> None:
        has = self.current_response() is not None and not self.session.readonly
        self.accept_button.setEnabled(has)
        self.reject_button.setEnabled(has)

    # -- accept and reject ---------------------------------------------------------------------
    def _answered(self, rid: str) -> None:
        row = list(self.queue).index(rid)
        del self.queue[rid]
        self.answered[rid] = self.session.coder_id or ""
        self._fill(select=row)

    def _project_changed(self, changes: Changes, _initiator: object) -> None:
        """Answers whose accept or reject was undone (no longer done for the coder who
        answered) go back in the queue, in their place, and leave it again on Redo;
        suggestions of codes no longer active leave it."""
        if self.result is None or not (changes.codings or changes.codes):
            return
        project = self.session.project
        done = {rid for rid, coder in self.answered.items() if is_done(project, rid, coder)}
        active = {c.id for c in list_codes(project)}
        queue: dict[str, list[codes_service.CodeSuggestion]] = {}
        for s in self.result.suggestions:
            if s.response_id not in done and s.code_id in active:
                queue.setdefault(s.response_id, []).append(s)
        if queue == self.queue:
            return
        back = [rid for rid in queue if rid not in self.queue]
        current = self.current_response()
        self.queue = queue
        self._fill(select=back[0] if back else current or 0)
        if back:
            self.summary.setText(f"{len(back)} answer{'' if len(back) == 1 else 's'} back "
                                 "in the queue: answering it was undone.")

    def accept_current(self) -> Any:
        """Y: apply the ticked codes to the current answer as you (one undoable action)."""
        rid, chosen = self.current_response(), self.ticked()
        if rid is None or not chosen or self.session.readonly or self.coder() is None:
            return None
        changes = self.session.run(self, codes_service.accept, chosen, self.session.coder_id,
                                   initiator=self)
        if changes is not None:
            self._answered(rid)
        return changes

    def reject_current(self) -> Any:
        """N: nothing applies to the current answer (done for you with no code; undoable)."""
        rid = self.current_response()
        if rid is None or self.session.readonly or self.coder() is None:
            return None
        changes = self.session.run(self, codes_service.reject, rid, self.session.coder_id,
                                   initiator=self)
        if changes is not None:
            self._answered(rid)
        return changes
