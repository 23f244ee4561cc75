"""Analysis ▸ Suggest Codes: codes suggested for the answers you have not coded yet, learned
from the consensus layer or one coder's codings (:mod:`post_coder.suggest.codes`), as a
queue to go through with one key each.

Run learns in the background (a progress dialog that can cancel). The queue lists each
answer with suggestions; the current one shows its text and its suggested codes with their
confidence and the words that weighed most, each ticked. **Y** accepts the ticked codes
(applied as you: one undoable action), **N** rejects them all (you record that nothing
applies: the answer is done for you with no code, also undoable). Either moves on to the
next answer. A suggestion is never a coding until you accept it.

The queue itself (what is open, the ticks, the current answer) is the session's
:class:`~post_coder.ui.code_queue.CodeQueue`, shared with the main window's response
viewer: it shows the current answer, with the same suggestions and ticks and the same keys,
and answering there moves this window on too. The queue follows the project: an answer
coded by hand in the main window (or marked done) leaves it, as an answered one does; an
answer whose accept, reject or coding is undone (Edit ▸ Undo, in any window) is back in the
queue, in its place; suggestions of a code that left the codebook leave the queue. The coders in "Learn
from" follow the project too (one added in Team ▸ Coders… is listed at once; see
:meth:`~post_coder.ui.suggestion_window.SuggestionWindow.source_combo`).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QDoubleSpinBox, QHBoxLayout, QHeaderView, QLabel,
                               QPushButton, QTreeWidget, QTreeWidgetItem, QWidget)

from post_coder.progress import Progress
from post_coder.project import Project
from post_coder.queries import ReadScope
from post_coder.suggest import codes as codes_service
from post_coder.ui.code_queue import code_queue
from post_coder.ui.session import Session
from post_coder.ui.suggestion_window import SuggestionWindow
from post_coder.ui.tasks import Task

EMPTY = ("Run to see codes suggested for the answers you have not coded yet, learned from "
         "the team's codings on this computer; nothing is sent anywhere.\n\n"
         "Y accepts the ticked codes for an answer, N rejects them (nothing applies).")
CHANGED_WHILE_RUNNING = ("The coder or what you may see changed while the suggestions were "
                         "learned; they were put away: run again.")
ID_ROLE = Qt.ItemDataRole.UserRole


class CodeSuggestionsPanel(SuggestionWindow):
    """One window per session (see ``MainWindow.show_code_suggestions``); it shows the
    session's queue, so a window opened again shows the last run's queue as it is now."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent, name="codeSuggestionsPanel", title="Suggest Codes",
                         empty=EMPTY)
        self.shared = code_queue(session)
        self._filling = False

        self.source = self.source_combo([("Consensus layer", "consensus")])
        self.source.setObjectName("codesSource")
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
        self.codes.itemChanged.connect(self._ticked_here)
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
        self.shared.changed.connect(self._queue_changed)
        self.shared.current_changed.connect(self._follow)
        self.shared.ticks_changed.connect(self._ticks_changed)
        self.shared.cleared.connect(self._cleared)
        if self.shared.state is not None:  # the last run, as it is now
            self._summarise()
            self._fill()
        self._update_buttons()

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

        def found(result: codes_service.CodeSuggestions) -> None:
            if scope != self.session.scope or options["coder"] != self.session.coder_id:
                self.summary.setText(CHANGED_WHILE_RUNNING)  # learned under another scope
                return
            self.shared.set_result(result, options["coder"])
            self._summarise()

        return self.start("Learning the codes…", work, found)

    def _summarise(self) -> None:
        found = self.shared.state.result
        text = (f"{len(self.shared.state)} of {found.considered} answers have suggestions "
                f"(learned {len(found.learned)} codes from {found.source}).")
        if found.not_learned:
            text += f" {len(found.not_learned)} codes not learned (hover for why)."
        self.summary.setToolTip("\n".join(f"{c}: {r}" for c, r in found.not_learned))
        self.summary.setText(text)

    # -- the shared queue ------------------------------------------------------------------
    def _queue_changed(self, back: list[str]) -> None:
        self._fill()
        if back:
            self.summary.setText(f"{len(back)} answer{'' if len(back) == 1 else 's'} back "
                                 "in the queue: what took it out was undone.")

    def _cleared(self, why: str) -> None:
        self.summary.setText("")
        self.empty.setText(why)

    def _follow(self, response_id: str) -> None:
        """The queue is at this answer (answered, undone, or chosen in the viewer)."""
        for n in range(self.list.topLevelItemCount()):
            item = self.list.topLevelItem(n)
            if item.data(0, ID_ROLE) == response_id:
                self.list.setCurrentItem(item)
                return

    def _fill(self) -> None:
        """The open answers; the queue's current one selected, else the one in the place of
        the answer selected before (it left the queue)."""
        state = self.shared.state
        was = self.current_response()
        ids = [self.list.topLevelItem(n).data(0, ID_ROLE)
               for n in range(self.list.topLevelItemCount())]
        select = ids.index(was) if was in ids else 0
        self._filling = True
        try:
            self.list.clear()
            for rid in (state.ids() if state is not None else []):
                first = state.suggestions(rid)[0]
                item = QTreeWidgetItem([first.respondent, first.text,
                                        ", ".join(s.code for s in state.suggestions(rid))])
                item.setData(0, ID_ROLE, rid)
                item.setToolTip(1, first.text)
                self.list.addTopLevelItem(item)
            if state is not None and self.shared.current in state:
                select = state.ids().index(self.shared.current)
            self.show_list(self.list, select, EMPTY if state is None else (
                "No suggestions left: every answer in the queue has been accepted or rejected "
                "(or none was confident enough). Run again to learn from the codings as they "
                "are now."))
        finally:
            self._filling = False
        self._show_current(follow=False)  # the queue says where the views go, not the list

    def current_response(self) -> str | None:
        item = self.list.currentItem()
        return None if item is None else item.data(0, ID_ROLE)

    def _show_current(self, *, follow: bool = True) -> None:
        """The selected answer's suggested codes; ``follow``: the queue (and so the main
        window's viewer) goes to it too."""
        if self._filling:
            return
        rid = self.current_response()
        self._filling = True
        try:
            self.codes.clear()
            if rid is None:
                self.answer.setText("")
            else:
                first = self.shared.suggestions(rid)[0]
                self.answer.setText(f"{first.respondent} — {first.question}:\n“{first.text}”")
                for s in self.shared.suggestions(rid):
                    item = QTreeWidgetItem([s.code, f"{s.confidence:.2f}", ", ".join(s.because)])
                    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                    item.setCheckState(0, _check(self.shared.state.is_ticked(rid, s.code_id)))
                    item.setData(0, ID_ROLE, s.code_id)
                    self.codes.addTopLevelItem(item)
        finally:
            self._filling = False
        if follow:
            self.shared.set_current(rid)
        self._update_buttons()

    def _ticked_here(self, item: QTreeWidgetItem, column: int) -> None:
        rid = self.current_response()
        if not self._filling and rid is not None and column == 0:
            self.shared.tick(rid, item.data(0, ID_ROLE),
                             item.checkState(0) == Qt.CheckState.Checked)

    def _ticks_changed(self, response_id: str) -> None:
        """Ticked or unticked in the viewer: the same ticks here."""
        if response_id != self.current_response() or self.shared.state is None:
            return
        self._filling = True
        try:
            for n in range(self.codes.topLevelItemCount()):
                item = self.codes.topLevelItem(n)
                item.setCheckState(0, _check(self.shared.state.is_ticked(
                    response_id, item.data(0, ID_ROLE))))
        finally:
            self._filling = False

    def ticked(self) -> list[codes_service.CodeSuggestion]:
        state = self.shared.state
        return state.ticked(self.current_response()) if state is not None else []

    def _update_buttons(self) -> None:
        has = self.current_response() is not None and not self.session.readonly
        self.accept_button.setEnabled(has)
        self.reject_button.setEnabled(has)

    # -- accept and reject ---------------------------------------------------------------------
    def accept_current(self) -> Any:
        """Y: apply the ticked codes to the current answer as you (one undoable action)."""
        rid, chosen = self.current_response(), self.ticked()
        if rid is None or not chosen or self.session.readonly or self.coder() is None:
            return None
        return self.shared.accept(self, rid, self.shared.state.successor(rid))

    def reject_current(self) -> Any:
        """N: nothing applies to the current answer (done for you with no code; undoable)."""
        rid = self.current_response()
        if rid is None or self.session.readonly or self.coder() is None:
            return None
        return self.shared.reject(self, rid, self.shared.state.successor(rid))


def _check(on: bool) -> Qt.CheckState:
    return Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
