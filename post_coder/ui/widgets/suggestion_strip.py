"""The response viewer's line of suggested codes (from Analysis ▸ Suggest Codes): each code
tickable, with its confidence and, on hover, the words that weighed most; then Accept (Y),
Reject (N) and Next (S). It only shows what it is given and says what was clicked: the
coding workspace (:mod:`post_coder.ui.workspace`) fills it from the session's shared queue
and does the accepting, so the keys and the buttons do the same.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QApplication, QCheckBox, QFrame, QLabel, QToolButton, QWidget

from post_coder.suggest.codes import CodeSuggestion
from post_coder.ui.widgets.flow_layout import FlowLayout

#: (object name, text, tool tip) of the strip's buttons, in order
BUTTONS = (
    ("suggestionAcceptButton", "Accept (Y)",
     "Apply the ticked codes to this response as you: one step of Edit ▸ Undo (Y)"),
    ("suggestionRejectButton", "Reject (N)",
     "Nothing applies: none of the suggested codes fits, and the response is done for you "
     "with no code (undoable) (N)"),
    ("suggestionNextButton", "Next (S)",
     "Go to the next response with suggested codes (S)"),
)


def percent(confidence: float) -> str:
    """0.8249 → "82%"."""
    return f"{round(confidence * 100)}%"


class SuggestionStrip(QFrame):
    """``show_suggestions(response_id, suggestions, ticked)``; hidden when given none."""

    #: a code was ticked or unticked here (response id, code id, ticked)
    tick_changed = Signal(str, str, bool)
    accept_clicked = Signal()
    reject_clicked = Signal()
    next_clicked = Signal()

    def __init__(self, parent: QWidget | None = None, *,
                 fallback_focus: Callable[[], QWidget | None] = lambda: None) -> None:
        super().__init__(parent)
        self.setObjectName("suggestionStrip")
        self.setStyleSheet("QFrame#suggestionStrip { border: 1px dashed palette(mid); "
                           "border-radius: 6px; background: palette(alternate-base); }")
        self.setToolTip("Codes suggested by Analysis ▸ Suggest Codes; none is applied until "
                        "you accept it (View ▸ Show Code Suggestions hides this line)")
        self._fallback_focus = fallback_focus
        self._response_id: str | None = None
        self._codes: list[str] = []
        self.boxes: list[QCheckBox] = []
        self._layout = FlowLayout(self, spacing=6)
        self._layout.setContentsMargins(6, 3, 6, 3)
        self.title = QLabel("<b>Suggested:</b>", objectName="suggestionTitle")
        self._layout.addWidget(self.title)
        self.buttons: dict[str, QToolButton] = {}
        for name, text, tip in BUTTONS:
            button = QToolButton(objectName=name, text=text, toolTip=tip, autoRaise=False)
            self.buttons[name] = button
        # one line height for all, so that the words line up (the layout aligns tops)
        self._line = max(b.sizeHint().height() for b in self.buttons.values())
        self.title.setMinimumHeight(self._line)
        self.title.setAlignment(Qt.AlignmentFlag.AlignVCenter)
        self.buttons["suggestionAcceptButton"].clicked.connect(self.accept_clicked)
        self.buttons["suggestionRejectButton"].clicked.connect(self.reject_clicked)
        self.buttons["suggestionNextButton"].clicked.connect(self.next_clicked)
        self.hide()

    @property
    def response_id(self) -> str | None:
        """The response whose suggestions are shown (None: hidden)."""
        return self._response_id

    def show_suggestions(self, response_id: str | None, suggestions: Sequence[CodeSuggestion],
                         ticked: Callable[[str], bool], *, writable: bool = True) -> None:
        """Show these suggestions of the response (none: hide), ticked as ``ticked(code id)``
        says; ``writable`` False (viewing only): the buttons are greyed out."""
        codes = [s.code_id for s in suggestions]
        if response_id is None or not suggestions:
            self._clear()
            self._response_id, self._codes = None, []
            self.hide()
            return
        if response_id != self._response_id or codes != self._codes:
            self._clear()
            self._response_id, self._codes = response_id, codes
            for s in suggestions:
                box = QCheckBox(f"{s.code} {percent(s.confidence)}", objectName="suggestedCode")
                box.setProperty("code_id", s.code_id)
                box.setToolTip(_tip(s))
                box.setMinimumHeight(self._line)
                box.toggled.connect(lambda on, c=s.code_id: self._toggled(c, on))
                self.boxes.append(box)
                self._layout.addWidget(box)
            for button in self.buttons.values():
                self._layout.addWidget(button)
        for box in self.boxes:
            box.blockSignals(True)
            box.setChecked(ticked(box.property("code_id")))
            box.blockSignals(False)
        for button in self.buttons.values():
            button.setEnabled(writable)
        self.show()

    def ticked_codes(self) -> list[str]:
        """The code ids ticked here, in order."""
        return [b.property("code_id") for b in self.boxes if b.isChecked()]

    def _toggled(self, code_id: str, on: bool) -> None:
        if self._response_id is not None:
            self.tick_changed.emit(self._response_id, code_id, on)

    def _clear(self) -> None:
        """Take the code boxes out (the buttons stay, re-added after the new boxes); the
        keyboard focus, if it was on a box, goes to ``fallback_focus``."""
        focus = QApplication.focusWidget()
        had_focus = focus is not None and focus in self.boxes
        for box in self.boxes:
            self._layout.removeWidget(box)
            box.hide()
            box.deleteLater()
        self.boxes = []
        for button in self.buttons.values():
            self._layout.removeWidget(button)
        if had_focus:
            target = self._fallback_focus()
            if target is not None:
                target.setFocus()


def _tip(s: CodeSuggestion) -> str:
    words = ", ".join(f"“{w}”" for w in s.because)
    return (f"{s.code}: confidence {s.confidence:.2f}"
            + (f"; the words that weighed most: {words}" if words else ""))
