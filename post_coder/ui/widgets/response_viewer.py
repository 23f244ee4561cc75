"""One response in full: coded spans tinted in their code colors (in their coders' colors
when several coders coded it: see :mod:`.span_marks`), codings as chips, attributes, and
the codes suggested for it, if any (:mod:`.suggestion_strip`).

Spans in the core count Unicode code points; a Qt text document counts UTF-16 code units
(an emoji or 𝒳 takes two) and turns a "\\r\\n" pair into one paragraph break. The two
functions :func:`to_document` and :func:`to_code_points` convert between them.
"""

from __future__ import annotations

from bisect import bisect_right
from functools import lru_cache
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (QApplication, QFrame, QHBoxLayout, QLabel, QScrollArea,
                               QSplitter, QTextEdit, QToolButton, QVBoxLayout, QWidget)

from post_coder.changes import Changes
from post_coder.coding.codings import codings_for_response, remove_coding
from post_coder.coding.themes import is_exemplar, mark_exemplar
from post_coder.queries import Coding, ParsedSearch, coder_marks, search_spans
from post_coder.ui.dialogs.coding_memo_dialog import CodingMemoDialog
from post_coder.ui.models import reads
from post_coder.ui.session import Session
from post_coder.ui.widgets.search_hits import hit_format, parsed_search
from post_coder.ui.widgets.span_marks import TINT_ALPHA, SpanMarks, tint
from post_coder.ui.widgets.suggestion_strip import SuggestionStrip

__all__ = ["TINT_ALPHA", "ResponseViewer", "tint", "to_code_points", "to_document"]
PLACEHOLDER = "Select a response to read and code it."
#: the answer's text size in points: smallest, largest, and at least this by default
MIN_POINTS, MAX_POINTS, READABLE_POINTS = 8, 32, 12


@lru_cache(maxsize=16)
def _offsets(text: str) -> tuple[int, ...] | None:
    """Document position of each code point index (0…len), or None when they are equal."""
    if "\r\n" not in text and (text.isascii() or all(ord(c) <= 0xFFFF for c in text)):
        return None
    out, pos = [0], 0
    for i, ch in enumerate(text):
        if not (ch == "\n" and i and text[i - 1] == "\r"):
            pos += 2 if ord(ch) > 0xFFFF else 1
        out.append(pos)
    return tuple(out)


def to_document(text: str, index: int) -> int:
    """Code point index in ``text`` → position in a QTextDocument holding ``text``."""
    offsets = _offsets(text)
    return index if offsets is None else offsets[max(0, min(index, len(text)))]


def to_code_points(text: str, position: int) -> int:
    """QTextDocument position → code point index in ``text`` (past a whole "\\r\\n")."""
    offsets = _offsets(text)
    if offsets is None:
        return max(0, min(position, len(text)))
    return max(0, bisect_right(offsets, position) - 1)


def default_text_size() -> int:
    """A comfortable size for reading answers all day: the system's, at least 12 points."""
    return max(READABLE_POINTS, QApplication.font().pointSize() + 2)


class ResponseViewer(QWidget):
    """Shows one response; ``selected_span()`` is the text selection in code points."""

    #: a coding was removed from the response shown (its id)
    coding_removed = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("responseViewer")
        self.session = session
        self._response_id: str | None = None
        self._text = ""
        self._coded: list[QTextEdit.ExtraSelection] = []
        self._search: ParsedSearch | None = None
        self._build()
        self.show_response(None)
        session.project_did_change.connect(self._on_project_changed)
        session.visibility_did_change.connect(self._reload)

    def _build(self) -> None:
        self.header = QLabel(objectName="responseHeader", wordWrap=True,
                             textInteractionFlags=Qt.TextInteractionFlag.TextSelectableByMouse)
        self.done_label = QLabel(objectName="doneLabel", wordWrap=True)
        self.text_edit = QTextEdit(objectName="responseText", readOnly=True,
                                   placeholderText=PLACEHOLDER)
        self.text_edit.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                               | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.set_text_size(default_text_size())
        self.chips = QWidget(objectName="codingChips")
        self._chips_layout = QVBoxLayout(self.chips)
        self._chips_layout.setContentsMargins(0, 0, 0, 0)
        self.attributes = QLabel(objectName="respondentAttributes", wordWrap=True,
                                 textInteractionFlags=Qt.TextInteractionFlag.TextSelectableByMouse,
                                 alignment=Qt.AlignmentFlag.AlignTop)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.addWidget(QLabel("<b>Codes</b>"))
        side_layout.addWidget(self.chips)
        side_layout.addWidget(QLabel("<b>Respondent</b>"))
        side_layout.addWidget(self.attributes)
        side_layout.addStretch(1)
        scroll = QScrollArea(objectName="viewerSidePanel", widgetResizable=True)
        scroll.setMinimumWidth(160)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(side)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.header)
        left_layout.addWidget(self.done_label)
        self.span_marks = SpanMarks(self.text_edit, to_code_points, self)
        left_layout.addWidget(self.span_marks.legend)
        left_layout.addWidget(self.text_edit, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal, objectName="viewerSplitter")
        splitter.addWidget(left)
        splitter.addWidget(scroll)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([600, 400])
        # under the text, the viewer's whole width: the codes suggested for it (Analysis ▸
        # Suggest Codes), filled by the coding workspace
        self.suggestion_strip = SuggestionStrip(self, fallback_focus=lambda: self.text_edit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.suggestion_strip)

    # -- public ------------------------------------------------------------------------------
    @property
    def response_id(self) -> str | None:
        return self._response_id

    def show_response(self, response_id: str | None) -> None:
        """Show this response (None: nothing); keeps the text selection when it is the same."""
        same = response_id is not None and response_id == self._response_id
        span = self.selected_span() if same else None
        project, scope = self.session.project, self.session.scope
        row = reads.response_row(project, scope, response_id) if response_id else None
        self._response_id = row.id if row else None
        self._text = row.text if row else ""
        self.text_edit.setPlainText(self._text)
        self.header.setText(_header_html(row) if row else "")
        self._show_codings(codings_for_response(project, scope, row.id) if row else [])
        self._show_done(row.id if row else None)
        self._show_attributes(reads.respondent_attributes(self.session.project,
                                                          row.respondent_id) if row else [])
        if span is not None:
            self.select_span(*span)

    def selected_span(self) -> tuple[int, int] | None:
        """The selected text as (start, end) code points, end exclusive; None if none."""
        cursor = self.text_edit.textCursor()
        if not cursor.hasSelection() or self._response_id is None:
            return None
        start = to_code_points(self._text, cursor.selectionStart())
        end = to_code_points(self._text, cursor.selectionEnd())
        return (start, end) if end > start else None

    def select_span(self, start: int, end: int) -> None:
        """Select code points ``start:end`` in the text shown."""
        cursor = QTextCursor(self.text_edit.document())
        cursor.setPosition(to_document(self._text, start))
        cursor.setPosition(to_document(self._text, end), QTextCursor.MoveMode.KeepAnchor)
        self.text_edit.setTextCursor(cursor)

    def _show_done(self, response_id: str | None) -> None:
        """Whether you marked it done (and nothing applies), and who else has."""
        if response_id is None:
            self.done_label.clear()
            return
        project, scope, me = self.session.project, self.session.scope, self.session.coder_id
        mark = coder_marks(project, scope, [response_id])[response_id]
        names = {c.id: c.name for c in reads.coders(project)}
        if me is not None and me in mark.done:
            mine = ("✓ <b>Done</b>: nothing applies" if mark.nothing_applies(me)
                    else "✓ <b>Done</b>")
        else:
            mine = ("Not done yet: <b>Enter</b> marks it done and moves on; "
                    "<b>0</b>: nothing applies")
        others = sorted(names.get(c, "?") for c in mark.done if c != me)
        also = f" · also done by {escape(', '.join(others), quote=False)}" if others else ""
        self.done_label.setText(mine + also)
        self.done_label.setProperty("done", me is not None and me in mark.done)

    def text_size(self) -> int:
        """The answer's text size in points."""
        return self.text_edit.font().pointSize()

    def set_text_size(self, points: int) -> int:
        """Show the answer at this size (kept within 8–32 points); returns the size used."""
        font = self.text_edit.font()
        font.setPointSize(max(MIN_POINTS, min(MAX_POINTS, int(points))))
        self.text_edit.setFont(font)
        return font.pointSize()

    def set_search(self, text: str | None) -> None:
        """Highlight this search's hits in the answer (None or "": none)."""
        self._search = parsed_search(text)
        self._apply_selections()

    def search_hits(self) -> list[tuple[int, int]]:
        """The highlighted hits, as code-point spans of the answer."""
        return search_spans(self._text, self._search) if self._search else []

    def _apply_selections(self) -> None:
        """Coded spans tinted, then search hits on top."""
        hits = []
        for start, end in self.search_hits():
            selection = self._selection(start, end)
            selection.format = hit_format()
            hits.append(selection)
        self.text_edit.setExtraSelections(self._coded + hits)

    # -- codings -----------------------------------------------------------------------------
    def _show_codings(self, codings: list[Coding]) -> None:
        project = self.session.project
        codes = reads.codes_by_id(project) if codings else {}
        coders = {c.id: c for c in reads.coders(project)} if codings else {}
        while self._chips_layout.count():
            item = self._chips_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().hide()
                item.widget().deleteLater()
        ordered = sorted(codings, key=lambda c: (c.span_start is not None, c.span_start or 0,
                                                 codes[c.code_id].name if c.code_id in codes
                                                 else ""))
        for coding in ordered:
            code = codes.get(coding.code_id)
            coder = coders.get(coding.coder_id)
            color = code.color if code else "#888888"
            self._chips_layout.addWidget(self._chip(coding, code.name if code else "?",
                                                    coder.initials if coder else "?",
                                                    coder.name if coder else "", color))
        selections = [self._highlight(m.start, m.end, self.span_marks.text_format(m))
                      for m in self.span_marks.show(self._text, ordered, codes, coders)]
        if not codings:
            self._chips_layout.addWidget(QLabel("No codes yet", objectName="noCodesLabel"))
        self._coded = selections
        self._apply_selections()

    def _highlight(self, start: int, end: int,
                   fmt: QTextCharFormat) -> QTextEdit.ExtraSelection:
        selection = self._selection(start, end)
        selection.format = fmt
        return selection

    def _selection(self, start: int, end: int) -> QTextEdit.ExtraSelection:
        selection = QTextEdit.ExtraSelection()
        cursor = QTextCursor(self.text_edit.document())
        cursor.setPosition(to_document(self._text, start))
        cursor.setPosition(to_document(self._text, end), QTextCursor.MoveMode.KeepAnchor)
        selection.cursor = cursor
        return selection

    def _chip(self, coding: Coding, name: str, initials: str, coder: str,
              color: str) -> QWidget:
        chip = QFrame(objectName="codingChip")
        chip.setProperty("coding_id", coding.id)
        light = tint(color, 50)
        chip.setStyleSheet(
            f"QFrame#codingChip {{ background: rgba({light.red()}, {light.green()}, "
            f"{light.blue()}, {light.alpha()}); border: 1px solid {color}; border-radius: 8px; }}")
        layout = QHBoxLayout(chip)
        layout.setContentsMargins(6, 1, 2, 1)
        span = coding.span_start is not None and coding.span_end is not None
        excerpt = (f' <a href="span">“{escape(self._excerpt(coding), quote=False)}”</a>'
                   if span else "")
        label = QLabel(f"<b>{escape(name, quote=False)}</b> · "
                       f"{escape(initials, quote=False)}{excerpt}", objectName="codingChipLabel")
        label.setWordWrap(True)  # long names and quotes wrap inside the panel
        label.setToolTip(f"{name}, coded by {coder}" + (" (click the quote to select the span)"
                                                        if span else " (whole response)"))
        label.linkActivated.connect(lambda _: self.select_span(coding.span_start, coding.span_end))
        remove = QToolButton(objectName="removeCodingButton", text="✕", autoRaise=True,
                             toolTip=f"Remove this coding of “{name}” by {coder}")
        remove.setProperty("coding_id", coding.id)
        remove.clicked.connect(lambda: self._remove(coding.id))
        layout.addWidget(label, 1)
        layout.addWidget(remove)
        chip.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        memo = QAction("Memo on this coding…", chip)
        memo.setObjectName("codingMemoAction")
        memo.triggered.connect(lambda: self.open_coding_memo(coding.id, name, coder))
        chip.addAction(memo)
        exemplar = QAction("Mark as exemplar quote", chip, checkable=True,
                           objectName="exemplarAction",
                           toolTip="Theme tables quote this passage for its code")
        exemplar.setChecked(is_exemplar(self.session.project, coding.id))
        if exemplar.isChecked():
            label.setText("★ " + label.text())
            label.setToolTip(label.toolTip() + "; an exemplar quote")
        exemplar.toggled.connect(lambda on: self._mark_exemplar(coding.id, on))
        chip.addAction(exemplar)
        return chip

    def _mark_exemplar(self, coding_id: str, on: bool) -> None:
        """Right-click a chip ▸ Mark as exemplar quote (again: unmark). One undo step."""
        self.session.run(self, mark_exemplar, self.session.scope, coding_id, on=on,
                         initiator=self)

    def open_coding_memo(self, coding_id: str, name: str, coder: str) -> QWidget:
        """Right-click a chip: write why this code fits this passage."""
        dialog = CodingMemoDialog(self.session, coding_id, f"“{name}” coded by {coder}", self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _excerpt(self, coding: Coding) -> str:
        part = " ".join(self._text[coding.span_start:coding.span_end].split())
        return part if len(part) <= 24 else part[:23] + "…"

    def _remove(self, coding_id: str) -> None:
        if self.session.run(self, remove_coding, coding_id, initiator=self) is not None:
            self.coding_removed.emit(coding_id)

    # -- attributes and refresh --------------------------------------------------------------
    def _show_attributes(self, pairs: list[tuple[str, str]]) -> None:
        self.attributes.setText("<br>".join(
            f"{escape(label, quote=False)}: <b>{escape(value, quote=False)}</b>"
            for label, value in pairs))

    def _reload(self) -> None:
        self.show_response(self._response_id)

    def _on_project_changed(self, changes: Changes, initiator: object) -> None:
        if changes.codings or changes.codes or changes.coders or changes.responses:
            self._reload()


def _header_html(row: reads.ResponseRow) -> str:
    """The respondent and the question: its short label, then its full text when longer."""
    text = f"<b>{escape(row.respondent, quote=False)}</b> · {escape(row.question, quote=False)}"
    full = " ".join(row.question_text.split())
    if full and full != row.question:
        text += f" — <i>{escape(full, quote=False)}</i>"
    return text
