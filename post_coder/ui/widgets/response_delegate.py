"""How the grid paints an answer: search hits highlighted, one line or wrapped on several.

The hits are :func:`post_coder.queries.search_spans` of the search the grid's filter runs,
so what is highlighted is what the search found. With ``lines`` above one the answer is
wrapped at word boundaries over that many lines (the row is as tall; the workspace sets
both); on one line it is elided with "…" like any other cell.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QPainter, QPalette, QTextLayout, QTextOption
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from post_coder.queries import ParsedSearch, search_spans
from post_coder.ui.widgets.response_viewer import to_code_points, to_document
from post_coder.ui.widgets.search_hits import hit_format, parsed_search


class ResponseDelegate(QStyledItemDelegate):
    """Paints the Response column. ``text_role``: the role holding the longer text shown
    when wrapped (DisplayRole holds the one-line snippet)."""

    def __init__(self, text_role: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._text_role = text_role
        self._search: ParsedSearch | None = None
        self.lines = 1

    def set_search(self, text: str | None) -> None:
        self._search = parsed_search(text)

    def search(self) -> ParsedSearch | None:
        return self._search

    def shown_text(self, index: QModelIndex) -> str:
        """The text this cell shows (before eliding)."""
        role = self._text_role if self.lines > 1 else Qt.ItemDataRole.DisplayRole
        return str(index.data(role) or "")

    def hits(self, index: QModelIndex) -> list[tuple[int, int]]:
        """The highlighted spans of :meth:`shown_text` (code points)."""
        return search_spans(self.shown_text(index), self._search) if self._search else []

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex) -> None:
        if self.lines == 1 and self._search is None:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text = self.shown_text(index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, widget)
        rect = rect.adjusted(2, 1, -2, -1)
        spans = self.hits(index)
        if self.lines == 1:
            elided = opt.fontMetrics.elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
            if elided != text:  # keep the hits in the part still shown
                keep = len(elided) - 1
                spans = [(s, min(e, keep)) for s, e in spans if s < keep]
                text = elided
        layout, height = self._layout(text, spans, opt, rect.width())
        if self.lines > 1 and height > rect.height():  # more than fits: end with "…"
            text, spans = self._fit(layout, text, spans, opt, rect)
            layout, height = self._layout(text, spans, opt, rect.width())
        top = rect.top() if self.lines > 1 else rect.top() + (rect.height() - height) / 2
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        group = (QPalette.ColorGroup.Active if opt.state & QStyle.StateFlag.State_Active
                 else QPalette.ColorGroup.Inactive)
        painter.save()
        painter.setClipRect(QRectF(rect))
        painter.setPen(opt.palette.color(group, QPalette.ColorRole.HighlightedText if selected
                                         else QPalette.ColorRole.Text))
        layout.draw(painter, QPointF(rect.left(), top))
        painter.restore()

    def _layout(self, text: str, spans: list[tuple[int, int]], opt: QStyleOptionViewItem,
                width: int) -> tuple[QTextLayout, float]:
        """The text laid out in lines of ``width`` (one line unless wrapping), hits marked."""
        layout = QTextLayout(text, opt.font)
        text_option = QTextOption()
        text_option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere
                                if self.lines > 1 else QTextOption.WrapMode.NoWrap)
        layout.setTextOption(text_option)
        ranges = []
        for start, end in spans:
            r = QTextLayout.FormatRange()
            r.start = to_document(text, start)
            r.length = to_document(text, end) - r.start
            r.format = hit_format()
            ranges.append(r)
        layout.setFormats(ranges)
        layout.beginLayout()
        height = 0.0
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(width)
            line.setPosition(QPointF(0, height))
            height += line.height()
        layout.endLayout()
        return layout, height

    def _fit(self, layout: QTextLayout, text: str, spans: list[tuple[int, int]],
             opt: QStyleOptionViewItem, rect: QRect) -> tuple[str, list[tuple[int, int]]]:
        """The start of ``text`` that fills the lines that fit, ending with "…"."""
        shown = 0
        for n in range(layout.lineCount()):
            line = layout.lineAt(n)
            if line.y() + line.height() > rect.height():
                break
            shown = line.textStart() + line.textLength()
        cut = to_code_points(text, shown)
        for back in (1, 4, 8, 14, 22, 32, 48):
            candidate = text[:max(0, cut - back)].rstrip() + "…"
            if self._layout(candidate, [], opt, rect.width())[1] <= rect.height():
                break
        keep = len(candidate) - 1
        return candidate, [(s, min(e, keep)) for s, e in spans if s < keep]
