"""Whose each coded span is, in the response viewer.

When one coder coded the response, a span is tinted in its code's color (as always). When
several coders did (among the codings the reader may see: a blind round shows only one's
own), each span is tinted in its *coder's* color and underlined in its code's color, and a
legend above the text names the coders by color. Hovering a span lists every code and
coder on that spot. :class:`SpanMarks` keeps the marks of the response shown, builds
their text formats, and answers the tooltip.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html import escape

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QColor, QHelpEvent, QTextCharFormat
from PySide6.QtWidgets import QLabel, QTextEdit, QToolTip

from post_coder.queries import Code, Coder, Coding

#: how strongly a span is tinted (its code's or coder's color)
TINT_ALPHA = 70
UNKNOWN = "#888888"


@dataclass(frozen=True)
class SpanMark:
    """One coded span: code points ``start:end``, its code and its coder."""

    start: int
    end: int
    code: str
    code_color: str
    coder: str
    initials: str
    coder_color: str


def tint(color: str, alpha: int = TINT_ALPHA) -> QColor:
    c = QColor(color)
    c.setAlpha(alpha)
    return c


class SpanMarks(QObject):
    """The span marks of the response shown; ``legend`` is the label to place above the
    text; the tooltips come from an event filter on the text's viewport."""

    def __init__(self, text_edit: QTextEdit, to_code_points, parent: QObject | None = None
                 ) -> None:  # noqa: ANN001 - (text, document position) -> code point
        super().__init__(parent)
        self._text_edit = text_edit
        self._to_code_points = to_code_points
        self._text = ""
        self.marks: list[SpanMark] = []
        #: spans are in their coders' colors (several coders coded the response)
        self.by_coder = False
        self.legend = QLabel(objectName="spanLegend", wordWrap=True, visible=False)
        self.legend.setToolTip("Several coders coded this response: each passage is tinted "
                               "in its coder's color and underlined in its code's color. "
                               "Hover a passage to see its codes and coders.")
        text_edit.viewport().installEventFilter(self)

    def show(self, text: str, codings: Iterable[Coding], codes: Mapping[str, Code],
             coders: Mapping[str, Coder]) -> list[SpanMark]:
        """Take the codings of the response shown (those the reader may see); returns its
        span marks, in the order given."""
        codings = list(codings)
        self._text = text
        self.by_coder = len({c.coder_id for c in codings}) > 1
        self.marks = []
        for c in codings:
            if c.span_start is None or c.span_end is None:
                continue
            code, coder = codes.get(c.code_id), coders.get(c.coder_id)
            self.marks.append(SpanMark(
                c.span_start, c.span_end, code.name if code else "?",
                code.color if code else UNKNOWN, coder.name if coder else "another coder",
                coder.initials if coder else "?", coder.color if coder else UNKNOWN))
        self._show_legend(codings, coders)
        return self.marks

    def text_format(self, mark: SpanMark) -> QTextCharFormat:
        """The code's tint; with several coders the coder's tint, underlined in the code's
        color."""
        fmt = QTextCharFormat()
        if not self.by_coder:
            fmt.setBackground(tint(mark.code_color))
            return fmt
        fmt.setBackground(tint(mark.coder_color))
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
        fmt.setUnderlineColor(QColor(mark.code_color))
        return fmt

    def marks_at(self, index: int) -> list[SpanMark]:
        """The marks covering code point ``index``."""
        return [m for m in self.marks if m.start <= index < m.end]

    def tooltip_at(self, index: int) -> str:
        """"Code — coder" for every span on code point ``index``, one a line."""
        return "\n".join(f"{m.code} — {m.coder} ({m.initials})"
                         for m in self.marks_at(index))

    def _show_legend(self, codings: list[Coding], coders: Mapping[str, Coder]) -> None:
        if not self.by_coder:
            self.legend.clear()
            self.legend.hide()
            return
        parts = []
        for coder_id in dict.fromkeys(c.coder_id for c in codings):
            coder = coders.get(coder_id)
            color = coder.color if coder else UNKNOWN
            name = coder.name if coder else "another coder"
            initials = coder.initials if coder else "?"
            light = tint(color)
            parts.append(
                f'<span style="background-color: rgba({light.red()}, {light.green()}, '
                f'{light.blue()}, {light.alpha()}); border-bottom: 2px solid {color};">'
                f"&nbsp;{escape(initials)}&nbsp;</span> {escape(name)}")
        self.legend.setText("Passages by coder: " + " &nbsp; ".join(parts)
                            + " &nbsp; <i>(underline: the code's color)</i>")
        self.legend.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            cursor = self._text_edit.cursorForPosition(event.pos())
            text = self.tooltip_at(self._to_code_points(self._text, cursor.position()))
            if text:
                QToolTip.showText(event.globalPos(), text, self._text_edit)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().eventFilter(watched, event)
