"""The discrepancy-review window: the team settles a round's disagreements one at a time.

Team ▸ Review Discrepancies… (:class:`ReviewLauncher`) asks for the round and who takes
part (:class:`~post_coder.ui.dialogs.review_start_dialog.ReviewStartDialog`), opens or
resumes that round's session (:mod:`post_coder.team.review`) and shows
:class:`ReviewWindow`:

- the response once per coder who marked it done, side by side, each coder's spans of the
  code tinted in that coder's color (a whole-response coding: a border in the coder's
  color and "whole response"); the coder's initials and name say who applied what;
- beside it the code's definition, inclusion and exclusion criteria and example; above it
  the respondent, the question and "14 of 57 resolved".

Keys (also on buttons): **A** the code applies, **N** it does not apply, **O** another
code applies instead (a code picker: type to find), **R** refine the code's definition
now (the code editor; the change is recorded in the codebook's history with the
rationale, in the same step as the decision), **→** skip, **←** back to the one shown
before, **Ctrl+Z** undo the last decision made in this window (the project's undo).
The note field is for the minutes; Enter in it keeps the note and gives the keys back.

Pause records the pause and closes the window; the session resumes another day at the
first disagreement still open. Closing the window without Pause leaves the session open
(Review Discrepancies… carries on in it). Close session asks first when disagreements are
still open. Export minutes writes Word, Excel or CSV (:mod:`post_coder.export.minutes`).

Every write is one action on the session's writer (``Session.run``), so one Undo each.
During an open blind round, or in a coder package, review is refused with the core's
reason (only the lead's project shows disagreements).
"""

from __future__ import annotations

from html import escape
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import (QAction, QCloseEvent, QColor, QKeySequence, QShortcut,
                           QTextCharFormat, QTextCursor)
from PySide6.QtWidgets import (QDialog, QFileDialog, QFrame, QHBoxLayout, QLabel, QLineEdit,
                               QMenu, QMessageBox, QProgressBar, QPushButton, QScrollArea,
                               QSplitter, QStackedWidget, QTextEdit, QVBoxLayout, QWidget)

from post_coder.changes import Changes
from post_coder.errors import InputError, PostCoderError
from post_coder.export.minutes import write_minutes
from post_coder.team import review
from post_coder.team.agreement_report import Disagreement, check_visible, disagreements
from post_coder.team.rounds import list_rounds
from post_coder.ui.dialogs.review_dialogs import OtherCodePicker, RefineDialog
from post_coder.ui.dialogs.review_start_dialog import ReviewStartDialog
from post_coder.ui.errors import show_error
from post_coder.ui.models import reads
from post_coder.ui.models.team_reads import is_lead
from post_coder.ui.session import Session
from post_coder.ui.widgets.response_viewer import tint, to_document

Key = tuple[str, str]  # (response id, code id)

#: how strongly a coder's spans are tinted
SPAN_ALPHA = 110
NOT_LEAD = ("Only the lead's project shows disagreements; this is a coder package. The "
            "lead reviews them with the team.")


def _key(row: Disagreement) -> Key:
    return (row.response_id, row.code_id)


def badge(initials: str, color: str) -> str:
    """Rich text: the coder's initials on their color (readable text color)."""
    ink = "#000000" if QColor(color).lightness() > 150 else "#ffffff"
    return (f'<span style="background-color:{color}; color:{ink}; font-weight:bold">'
            f"&nbsp;{escape(initials)}&nbsp;</span>")


# -- the launcher: Team ▸ Review Discrepancies… ------------------------------------------------

class ReviewLauncher(QObject):
    """The Team menu's Review Discrepancies… action and the one review window."""

    def __init__(self, window: QWidget, session: Session, menu: QMenu) -> None:
        super().__init__(session)
        self.window, self.session = window, session
        self.dialog: ReviewStartDialog | None = None
        self.review_window: ReviewWindow | None = None
        lead = is_lead(session.project)
        tip = ("Settle the disagreements of a round with the team, one at a time; the "
               "decisions, with the codes the coders agree on, form the consensus layer" if lead
               else NOT_LEAD)
        self.action = QAction("&Review Discrepancies…", menu,
                              objectName="actionReviewDiscrepancies", statusTip=tip,
                              toolTip=tip)
        self.action.setEnabled(lead)
        self.action.triggered.connect(lambda: self.start())

    def start(self) -> QWidget | None:
        """Ask for the round (or raise the review window already open); explain and stop
        where disagreements cannot be shown."""
        try:
            check_visible(self.session.project, self.session.scope)
        except PostCoderError as exc:
            show_error(self.window, exc, "Review discrepancies")
            return None
        win = self.review_window
        if win is not None and shiboken6.isValid(win) and win.isVisible():
            if win.status() == "open":  # one session at a time: back to it
                win.raise_()
                win.activateWindow()
                return win
            win.close()  # its session is closed: choose a round again
        dialog = ReviewStartDialog(self.session, self.window)
        dialog.finished.connect(lambda result: self._started(dialog, result))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _started(self, dialog: ReviewStartDialog, result: int) -> None:
        session_id = dialog.start() if result == QDialog.DialogCode.Accepted else None
        dialog.deleteLater()  # only now: starting runs a local event loop
        if session_id is not None:
            self.open_window(session_id)

    def open_window(self, session_id: str) -> ReviewWindow:
        win = ReviewWindow(self.session, session_id, self.window)
        self.review_window = win
        win.show()
        win.activateWindow()
        return win


# -- one coder's copy of the response ----------------------------------------------------------

class CoderPanel(QFrame):
    """The response as one coder coded it: their spans of the code tinted in their color."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewCoderPanel")
        self.header = QLabel(self, objectName="reviewCoderHeader", wordWrap=True)
        self.text = QTextEdit(self, objectName="reviewCoderText", readOnly=True)
        self.text.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys stay with the decisions
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.header)
        layout.addWidget(self.text, 1)
        #: (coder name, applied, whole response, spans) as shown
        self.shown: tuple[str, bool, bool, tuple[tuple[int, int], ...]] = ("", False, False, ())

    def show_coding(self, name: str, initials: str, color: str, text: str,
                    spans: tuple[tuple[int, int] | None, ...] | None) -> None:
        """``spans``: None when the coder did not apply the code; else their codings
        (``None`` for a whole-response coding)."""
        applied = spans is not None
        whole = applied and any(s is None for s in spans or ())
        parts = tuple(sorted(s for s in spans or () if s is not None))
        self.shown = (name, applied, whole, parts)
        passages = f"{len(parts)} passage{'s' if len(parts) != 1 else ''}"
        if not applied:
            verdict = "did not apply it"
        elif whole and parts:
            verdict = f"applied: whole response and {passages}"
        elif whole:
            verdict = "applied: whole response"
        else:
            verdict = f"applied: {passages}"
        self.header.setText(f"{badge(initials, color)} <b>{escape(name)}</b> — {verdict}")
        border = (f"3px solid {color}" if whole else
                  f"1px solid {color}" if applied else "1px dashed palette(mid)")
        self.setStyleSheet(f"QFrame#reviewCoderPanel {{ border: {border}; border-radius: 4px; }}")
        self.text.setPlainText(text)
        fmt = QTextCharFormat()
        fmt.setBackground(tint(color, SPAN_ALPHA))
        cursor = QTextCursor(self.text.document())
        for start, end in parts:
            cursor.setPosition(to_document(text, start))
            cursor.setPosition(to_document(text, end), QTextCursor.MoveMode.KeepAnchor)
            cursor.mergeCharFormat(fmt)

    def highlighted(self) -> list[str]:
        """The tinted passages as they read (for tests and screen readers)."""
        out, block = [], self.text.document().begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                frag = it.fragment()
                if frag.charFormat().background().style() != Qt.BrushStyle.NoBrush:
                    out.append(frag.text())
                it += 1
            block = block.next()
        return out


# -- the window --------------------------------------------------------------------------------

class ReviewWindow(QWidget):
    """``ReviewWindow(session, session_id, parent)``: one review session, one
    disagreement at a time (see the module docstring)."""

    #: the shown disagreement changed (its (response id, code id), or None)
    item_did_change = Signal(object)

    def __init__(self, session: Session, session_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("reviewWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.session = session
        self.session_id = session_id
        s = self._session_record()
        self.round_id = s.round_id
        self.round_name = next((r.round.name for r in list_rounds(session.project)
                                if r.id == s.round_id), "")
        self.current: Disagreement | None = None
        #: the disagreements shown before (Back goes to the last one)
        self.history: list[Key] = []
        #: the disagreements decided in this window, last one last (Ctrl+Z)
        self.decided: list[Key] = []
        self._rows: tuple[Disagreement, ...] = ()
        self._coders: tuple[str, ...] = ()
        self.picker: OtherCodePicker | None = None
        self.refine_dialog: RefineDialog | None = None
        self.box: QMessageBox | None = None
        self._build()
        self._shortcuts()
        session.project_did_change.connect(self._on_project_changed)
        session.visibility_did_change.connect(self.reload)
        session.destroyed.connect(self.close)
        self.resize(1366, 768)
        self.reload()
        self._show(self._first_open(), remember=False)

    # -- building ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.title_label = QLabel(self, objectName="reviewTitle")
        self.progress_label = QLabel(self, objectName="reviewProgress")
        self.progress_bar = QProgressBar(self, objectName="reviewProgressBar",
                                         textVisible=False, maximumWidth=220)
        top = QHBoxLayout()
        top.addWidget(self.title_label, 1)
        top.addWidget(self.progress_label)
        top.addWidget(self.progress_bar)

        # the item page
        self.item_label = QLabel(objectName="reviewItem", wordWrap=True,
                                 textInteractionFlags=Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label = QLabel(objectName="reviewItemStatus", wordWrap=True)
        self.panels_box = QWidget(objectName="reviewCoderPanels")
        self.panels_layout = QHBoxLayout(self.panels_box)
        self.panels_layout.setContentsMargins(0, 0, 0, 0)
        self.panels: list[CoderPanel] = []
        self.not_compared_label = QLabel(objectName="reviewNotCompared", wordWrap=True)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.panels_box, 1)
        left_layout.addWidget(self.not_compared_label)
        self.code_label = QLabel(objectName="reviewCodeDetails", wordWrap=True,
                                 alignment=Qt.AlignmentFlag.AlignTop,
                                 textInteractionFlags=Qt.TextInteractionFlag.TextSelectableByMouse)
        code_scroll = QScrollArea(objectName="reviewCodeScroll", widgetResizable=True)
        code_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        code_scroll.setWidget(self.code_label)
        code_scroll.setMinimumWidth(300)
        splitter = QSplitter(Qt.Orientation.Horizontal, objectName="reviewSplitter")
        splitter.addWidget(left)
        splitter.addWidget(code_scroll)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([980, 360])
        item_page = QWidget()
        item_layout = QVBoxLayout(item_page)
        item_layout.setContentsMargins(0, 0, 0, 0)
        item_layout.addWidget(self.item_label)
        item_layout.addWidget(self.status_label)
        item_layout.addWidget(splitter, 1)
        self.done_label = QLabel(objectName="reviewDoneText", wordWrap=True,
                                 alignment=Qt.AlignmentFlag.AlignCenter)
        self.pages = QStackedWidget(objectName="reviewPages")
        self.pages.addWidget(item_page)
        self.pages.addWidget(self.done_label)

        # the note and the decisions
        self.note_edit = QLineEdit(objectName="reviewNote")
        self.note_edit.setPlaceholderText("Why the team decided so (optional, for the minutes). "
                                          "Enter keeps it; then press A, N, O or R.")
        self.note_edit.returnPressed.connect(self._leave_note)
        note_label = QLabel("No&te:")
        note_label.setBuddy(self.note_edit)
        note_row = QHBoxLayout()
        note_row.addWidget(note_label)
        note_row.addWidget(self.note_edit, 1)

        def button(text: str, name: str, slot, tip: str) -> QPushButton:  # noqa: ANN001
            b = QPushButton(text, objectName=name, toolTip=tip)
            b.setAutoDefault(False)
            b.clicked.connect(lambda: slot())
            return b

        self.applies_button = button("Applies  [A]", "reviewApplies", self.decide_applies,
                                     "The code applies to this response")
        self.not_applies_button = button("Does not apply  [N]", "reviewNotApplies",
                                         self.decide_not_applies,
                                         "The code does not apply to this response")
        self.other_button = button("Another code instead…  [O]", "reviewOtherCode",
                                   self.choose_other, "Another code applies instead: pick it")
        self.refine_button = button("Refine the definition…  [R]", "reviewRefine", self.refine,
                                    "Change the code's definition or criteria now (with the "
                                    "reason) and decide under the new definition")
        decisions = QHBoxLayout()
        for b in (self.applies_button, self.not_applies_button, self.other_button,
                  self.refine_button):
            decisions.addWidget(b)

        self.back_button = button("← Back", "reviewBack", self.back,
                                  "The disagreement shown before (←)")
        self.skip_button = button("Skip →", "reviewSkip", self.skip,
                                  "Leave this one open for now; the next open one (→)")
        self.undo_button = button("Undo decision  [Ctrl+Z]", "reviewUndo", self.undo,
                                  "Take back the last decision made in this session")
        self.export_button = button("Export minutes…", "reviewExport", self.export_minutes,
                                    "Write the decisions with notes, rationale and "
                                    "participants as CSV or Word (for the methods section)")
        self.pause_button = button("Pause", "reviewPause", self.pause,
                                   "Record a pause and close; resume another day where you "
                                   "left off (Team ▸ Review Discrepancies…)")
        self.close_session_button = button("Close session", "reviewCloseSession",
                                           self.close_session,
                                           "End this review session (its decisions stay)")
        bottom = QHBoxLayout()
        for b in (self.back_button, self.skip_button):
            bottom.addWidget(b)
        bottom.addStretch(1)
        for b in (self.undo_button, self.export_button, self.pause_button,
                  self.close_session_button):
            bottom.addWidget(b)
        self.message_label = QLabel(objectName="reviewMessage", wordWrap=True)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.pages, 1)
        layout.addLayout(note_row)
        layout.addLayout(decisions)
        layout.addLayout(bottom)
        layout.addWidget(self.message_label)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def _shortcuts(self) -> None:
        for key, slot in ((Qt.Key.Key_A, self.decide_applies),
                          (Qt.Key.Key_N, self.decide_not_applies),
                          (Qt.Key.Key_O, self.choose_other), (Qt.Key.Key_R, self.refine),
                          (Qt.Key.Key_Right, self.skip), (Qt.Key.Key_Left, self.back)):
            QShortcut(QKeySequence(key), self, activated=lambda s=slot: s())
        QShortcut(QKeySequence.StandardKey.Undo, self, activated=lambda: self.undo())

    # -- reading -------------------------------------------------------------------------------
    def _session_record(self) -> review.Session:
        found = [s for s in review.list_sessions(self.session.project)
                 if s.id == self.session_id]
        if not found:
            raise InputError("that review session no longer exists")
        return found[0]

    def status(self) -> str:
        """The session's status as stored: open, paused or closed ("gone" if undone)."""
        try:
            return self._session_record().status
        except PostCoderError:
            return "gone"

    def reload(self) -> None:
        """Re-read the round's disagreements and the progress, and show the current one
        again (its status may have changed)."""
        project, scope = self.session.project, self.session.scope
        try:
            found = disagreements(project, scope, round=self.round_id)
        except PostCoderError as exc:  # e.g. a blind scope now: say so, decide nothing
            self._rows, self._coders = (), ()
            self._hidden(str(exc))
            return
        self._rows, self._coders = found.rows, found.coders
        resolved = sum(r.status == "resolved" for r in self._rows)
        total = len(self._rows)
        self.progress_label.setText(f"{resolved} of {total} resolved")
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(resolved)
        s = self._session_record() if self.status() != "gone" else None
        people = ", ".join(s.participants) if s and s.participants else "no participants named"
        self.title_label.setText(f"<b>Discrepancy review: {escape(self.round_name)}</b> — "
                                 f"session opened {s.opened_at[:10] if s else '?'} · "
                                 f"{escape(people)} · <i>{self.status()}</i>")
        self.setWindowTitle(f"Review discrepancies — {self.round_name}")
        if self.current is not None:
            self.current = self._row(_key(self.current))
        self._render()

    def _row(self, key: Key) -> Disagreement | None:
        return next((r for r in self._rows if _key(r) == key), None)

    def _first_open(self) -> Disagreement | None:
        return next((r for r in self._rows if r.status == "open"), None)

    def _next_open(self, after: Key | None) -> Disagreement | None:
        """The next open disagreement after ``after`` in the round's order, wrapping round
        (:func:`post_coder.team.review.next_open`)."""
        try:
            found = review.next_open(self.session.project, self.session.scope,
                                     self.session_id, after=after)
        except PostCoderError as exc:
            self._hidden(str(exc))
            return None
        return self._row(_key(found)) if found is not None else None

    def progress_text(self) -> str:
        return self.progress_label.text()

    def decision_text(self, row: Disagreement) -> str:
        """'does not apply — “no mention of time”' for a resolved disagreement."""
        minutes = review.review_minutes(self.session.project, self.round_id)
        for m in reversed(minutes):
            if (m.respondent, m.question, m.code) == (row.respondent, row.question, row.code):
                text = m.decision + (f": {m.instead}" if m.instead else "")
                if m.definition_change:
                    text += " (definition refined)"
                return text + (f" — “{m.note}”" if m.note else "")
        return "decided"

    # -- showing -------------------------------------------------------------------------------
    def _show(self, row: Disagreement | None, remember: bool = True) -> None:
        if remember and self.current is not None and (row is None
                                                      or _key(row) != _key(self.current)):
            self.history.append(_key(self.current))
        self.current = row
        self._render()
        self.item_did_change.emit(_key(row) if row else None)

    def _render(self) -> None:
        status = self.status()
        live = status == "open"
        row = self.current
        for b in (self.applies_button, self.not_applies_button, self.other_button,
                  self.refine_button):
            b.setEnabled(live and row is not None and not self.session.readonly)
        self.note_edit.setEnabled(live)
        self.skip_button.setEnabled(live and row is not None)
        self.back_button.setEnabled(bool(self.history))
        self.undo_button.setEnabled(live and bool(self.decided))
        self.pause_button.setEnabled(status == "open")
        self.close_session_button.setEnabled(status in ("open", "paused"))
        if row is None:
            self.pages.setCurrentIndex(1)
            total = len(self._rows)
            if status == "closed":
                text = ("This review session is closed; its decisions stay. Export the "
                        "minutes for the methods section, or close this window.")
            elif status == "gone":
                text = ("This review session no longer exists (its opening was undone). "
                        "Close this window.")
            elif total == 0:
                text = "This round has no disagreements to review."
            else:
                text = (f"All {total} disagreements are resolved. Close the session to "
                        "finish, or go back (←) to look at a decision again.")
            self.done_label.setText(text)
            return
        self.pages.setCurrentIndex(0)
        self._render_item(row)

    def _render_item(self, row: Disagreement) -> None:
        project = self.session.project
        response = reads.response_row(project, self.session.scope, row.response_id)
        text = response.text if response else ""
        wording = next((q.wording for q in reads.questions(project)
                        if response and q.id == response.question_id), "")
        question = escape(row.question) + (f": <i>{escape(wording)}</i>"
                                           if wording and wording != row.question else "")
        self.item_label.setText(f"<span style='font-size:large'>Code <b>{escape(row.code)}</b>"
                                f"</span> · Respondent <b>{escape(row.respondent)}</b> · "
                                f"Question {question}")
        if row.status == "resolved":
            self.status_label.setText(f"<b>Resolved:</b> {escape(self.decision_text(row))}. "
                                      "Deciding again replaces it.")
        else:
            self.status_label.setText("<b>Open.</b> Applies [A] · Does not apply [N] · "
                                      "Another code [O] · Refine [R] · Skip [→] · Back [←]")
        coders = {c.name: c for c in reads.coders(project)}
        applied = dict(row.applied_by)
        compared = [n for n in self._coders if n in applied or n in row.not_applied_by]
        while len(self.panels) < len(compared):
            panel = CoderPanel(self.panels_box)
            self.panels.append(panel)
            self.panels_layout.addWidget(panel, 1)
        for panel, name in zip(self.panels, compared):
            c = coders.get(name)
            panel.show_coding(name, c.initials if c else name[:2], c.color if c else "#888888",
                              text, applied.get(name))
            panel.show()
        for panel in self.panels[len(compared):]:
            panel.hide()
        missing = [n for n in self._coders if n not in compared]
        self.not_compared_label.setText(
            f"Not compared (not marked done): {', '.join(missing)}" if missing else "")
        self.not_compared_label.setVisible(bool(missing))
        self.code_label.setText(self._code_html(row.code_id))

    def _code_html(self, code_id: str) -> str:
        codes = reads.codes_by_id(self.session.project)
        code = codes.get(code_id)
        if code is None:
            return ""
        parent = codes.get(code.parent_id or "")
        swatch = (f'<span style="background-color:{code.color}">&nbsp;&nbsp;&nbsp;</span> ')
        html = f"<h3>{swatch}{escape(code.name)}</h3>"
        if parent is not None:
            html += f"<p>Inside <b>{escape(parent.name)}</b></p>"
        for title, value in (("Definition", code.definition), ("Include when", code.inclusion),
                             ("Exclude when", code.exclusion), ("Example", code.example)):
            body = escape(value).replace("\n", "<br>") if value.strip() else \
                "<i>(none written)</i>"
            html += f"<p><b>{title}</b><br>{body}</p>"
        return html

    def _hidden(self, reason: str) -> None:
        self.current = None
        self.pages.setCurrentIndex(1)
        self.done_label.setText(f"Disagreements cannot be shown here: {reason}.")
        for b in (self.applies_button, self.not_applies_button, self.other_button,
                  self.refine_button, self.skip_button, self.undo_button):
            b.setEnabled(False)

    def say(self, text: str) -> None:
        self.message_label.setText(text)

    # -- deciding ------------------------------------------------------------------------------
    def _can_decide(self) -> bool:
        return (self.current is not None and self.status() == "open"
                and not self.session.readonly and self.applies_button.isEnabled())

    def decide(self, *, applies: bool | None = None, other_code: str | None = None,
               redefine: dict[str, str] | None = None, rationale: str | None = None,
               parent: QWidget | None = None) -> bool:
        """Record a decision on the disagreement shown (with the note), then show the next
        open one. False if nothing was recorded (the reason was shown)."""
        row = self.current
        if row is None or not self._can_decide():
            return False
        key = _key(row)
        result = self.session.run(parent or self, review.decide, self.session.scope,
                                  self.session_id, row.response_id, row.code_id,
                                  applies=applies, other_code=other_code,
                                  note=self.note_edit.text(), redefine=redefine,
                                  rationale=rationale, initiator=self)
        if result is None:
            return False
        self.note_edit.clear()
        self.decided.append(key)
        self.reload()
        what = ("applies" if applies else "does not apply") if other_code is None else \
            "another code applies instead"
        self.say(f"Decided: {row.code} {what} ({row.respondent}). "
                 f"{self.progress_text()}.")
        nxt = self._next_open(key)
        self._show(nxt)
        self.activateWindow()  # back from the picker or the editor: the keys work again
        self.setFocus()
        return True

    def decide_applies(self) -> bool:
        return self.decide(applies=True)

    def decide_not_applies(self) -> bool:
        return self.decide(applies=False)

    def choose_other(self) -> OtherCodePicker | None:
        """O: the code picker; choosing a code records "another code applies instead"."""
        if self.current is None or not self._can_decide():
            return None
        picker = OtherCodePicker(self.session, self.current.code_id, self)
        # after the picker has closed: deciding runs a local event loop, which must not
        # delete the picker while its own key handler is still running
        picker.code_chosen.connect(lambda code_id: QTimer.singleShot(
            0, self, lambda: self.decide(other_code=code_id)))
        picker.finished.connect(picker.deleteLater)
        self.picker = picker
        picker.open()
        picker.filter_edit.setFocus()
        return picker

    def refine(self) -> RefineDialog | None:
        """R: the code editor; saving refines the code and records the decision."""
        if self.current is None or not self._can_decide():
            return None
        dialog = RefineDialog(self.session, self.current.code_id, self.decide, self)
        dialog.finished.connect(dialog.deleteLater)
        self.refine_dialog = dialog
        dialog.open()
        return dialog

    def _leave_note(self) -> None:
        """Enter in the note: keep it, give the keys back to the decisions."""
        self.say("Note kept; it goes with the next decision (A, N, O or R).")
        self.setFocus()

    # -- moving --------------------------------------------------------------------------------
    def skip(self) -> None:
        """→: leave this one open; show the next open one (wrapping round)."""
        if self.current is None:
            return
        nxt = self._next_open(_key(self.current))
        if nxt is None or _key(nxt) == _key(self.current):
            self.say("No other disagreement is open.")
            return
        self._show(nxt)

    def back(self) -> None:
        """←: the disagreement shown before this one."""
        while self.history:
            row = self._row(self.history.pop())
            if row is not None:
                self._show(row, remember=False)
                return
        self._render()

    def undo(self) -> None:
        """Ctrl+Z: undo the last decision of this window (the project's undo) and show that
        disagreement again. Refused when the project's last action is something else."""
        if not self.decided:
            self.say("No decision made in this window to undo.")
            return
        label = self.session.undo_label()
        if label != "Review decision":
            self.say(f"The project's last action is “{label or 'nothing'}”, not a decision of "
                     "this session; undo it from the main window (Edit ▸ Undo).")
            return
        key = self.decided.pop()

        def done(_result: object) -> None:
            self.reload()
            row = self._row(key)
            if row is not None:
                self._show(row)
            self.say("Undone: the decision is taken back.")

        self.session.undo(self, on_done=done)

    # -- the session ---------------------------------------------------------------------------
    def pause(self) -> bool:
        """Record a pause and close the window (resume another day)."""
        result = self.session.run(self, review.pause_session, self.session.scope,
                                  self.session_id, initiator=self)
        if result is None:
            return False
        self.close()
        return True

    def close_session(self) -> QMessageBox | None:
        """Close the session; when disagreements are still open, ask first (and say how many)."""
        still = sum(r.status == "open" for r in self._rows)
        if still == 0:
            self._close_session()
            return None
        box = QMessageBox(QMessageBox.Icon.Question, "Close the review session?",
                          f"{still} of {len(self._rows)} disagreement"
                          f"{'s are' if len(self._rows) != 1 else ' is'} still open "
                          f"({self.progress_text()}). Close the session anyway? The open "
                          f"ones stay open; a new session can settle them later. Pause "
                          f"instead to carry on in this session another day.",
                          QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("reviewCloseBox")
        yes = box.addButton("Close session", QMessageBox.ButtonRole.AcceptRole)
        yes.setObjectName("reviewCloseYes")
        no = box.addButton("Keep reviewing", QMessageBox.ButtonRole.RejectRole)
        no.setObjectName("reviewCloseNo")
        box.setDefaultButton(no)
        yes.clicked.connect(self._close_session)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.box = box
        box.open()
        return box

    def _close_session(self) -> bool:
        result = self.session.run(self, review.close_session, self.session.scope,
                                  self.session_id, initiator=self)
        if result is None:
            return False
        self.current = None
        self.reload()
        self.say("The review session is closed. Export the minutes for the methods section.")
        return True

    def export_minutes(self, path: str | Path | None = None) -> Path | None:
        """Write the round's minutes (``.docx``, ``.xlsx``, ``.csv``, ``.md``, ``.tex`` or
        ``.html``); asks where when not given."""
        if path is None:
            stem = self.session.project.path.stem
            suggested = self.session.project.path.with_name(
                f"{stem} - {self.round_name} review minutes.docx")
            chosen, selected = QFileDialog.getSaveFileName(
                self, "Export review minutes", str(suggested),
                "Word document (*.docx);;Excel workbook (*.xlsx);;CSV, UTF-8 (*.csv)")
            if not chosen:
                return None
            path = chosen
            if Path(chosen).suffix.lower() not in (".csv", ".docx", ".xlsx"):
                path = chosen + next((s for s in (".csv", ".xlsx") if s[1:] in selected.lower()),
                                     ".docx")
        path = Path(path)
        try:
            n = write_minutes(self.session.project, self.session.scope, self.round_id, path)
        except PostCoderError as exc:
            show_error(self, exc, "Export minutes")
            return None
        self.say(f"Wrote the minutes ({n} decision{'s' if n != 1 else ''}) to {path.name}.")
        return path

    # -- events --------------------------------------------------------------------------------
    def showEvent(self, event) -> None:  # noqa: ANN001
        super().showEvent(event)
        self.setFocus()  # the keys decide; the note is a click (or Alt+T) away

    def _on_project_changed(self, changes: Changes, initiator: object) -> None:
        if initiator is self:
            return  # this window reloads after its own actions
        self.reload()
        if self.current is None and self.status() == "open":
            self._show(self._first_open(), remember=False)

    def closeEvent(self, event: QCloseEvent) -> None:
        for child in (self.picker, self.refine_dialog, self.box):
            try:
                if child is not None and child.isVisible():
                    child.close()
            except RuntimeError:
                pass  # already deleted
        super().closeEvent(event)

