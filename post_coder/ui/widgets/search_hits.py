"""How search hits look in the grid and the viewer, and the search they come from.

The search is read with :func:`post_coder.queries.parse_search`, the same reading the grid's
filter runs in SQL, so what is highlighted is what the search found.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QTextCharFormat

from post_coder.errors import InputError
from post_coder.queries import ParsedSearch, parse_search

#: a search hit: dark text on amber, readable on a light or dark theme, selected or not
HIT_BACKGROUND = "#ffd54f"
HIT_FOREGROUND = "#000000"


def hit_format() -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setBackground(QColor(HIT_BACKGROUND))
    fmt.setForeground(QColor(HIT_FOREGROUND))
    return fmt


def parsed_search(text: str | None) -> ParsedSearch | None:
    """The search as the filter runs it, or None when it looks for nothing."""
    if not text:
        return None
    try:
        return parse_search(text)
    except InputError:
        return None
