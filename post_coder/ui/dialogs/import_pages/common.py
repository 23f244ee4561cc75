"""What the import wizard's pages share: messages in plain sentences, error labels."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from post_coder.errors import PostCoderError

ERROR_STYLE = "color: #b00020;"


def error_label(name: str) -> QLabel:
    """A red, wrapping label for plain-words problems on a page (hidden when empty)."""
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setStyleSheet(ERROR_STYLE)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


def set_message(label: QLabel, text: str, capitalize: bool = True) -> None:
    label.setText(sentence(text, capitalize))
    label.setVisible(bool(text))


def set_error(label: QLabel, exc: PostCoderError) -> None:
    """The core's message as it is; it starts with the file name (kept as spelled) if known."""
    set_message(label, str(exc), capitalize=exc.file is None)


def sentence(text: str, capitalize: bool = True) -> str:
    text = text.strip()
    if not text:
        return ""
    if capitalize:
        text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"
