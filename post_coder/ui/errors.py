"""Showing errors: the core's plain message, never a traceback in a person's face."""

from __future__ import annotations

import logging
import traceback

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from post_coder.errors import PostCoderError
from post_coder.project import plain_error

log = logging.getLogger("post_coder")


def show_error(parent: QWidget | None, exc: PostCoderError, title: str = "POST Coder") -> None:
    """A warning box with the error's sentence (file, row and column included)."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, _sentence(str(exc)),
                      QMessageBox.StandardButton.Ok, parent)
    _show(box)


def show_unexpected(parent: QWidget | None, exc: BaseException) -> None:
    """A bug: say so plainly, keep the details one click away for a bug report.

    A fault from outside (a lock held by another program, a full disk, a damaged file) is
    not a bug: it is shown in plain words like any other error.
    """
    plain = plain_error(exc)
    if plain is not None:
        show_error(parent, plain)
        return
    details = "".join(traceback.format_exception(exc))
    log.error("unexpected error\n%s", details)
    box = QMessageBox(QMessageBox.Icon.Critical, "POST Coder",
                      "Something went wrong inside POST Coder, and the last action was not "
                      "saved. Your earlier work is safe. If it happens again, please report it "
                      "with the details below.", QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("errorBox")
    box.setDetailedText(details)
    _show(box)


def _show(box: QMessageBox) -> None:
    """Window-modal but non-blocking, so the event loop (and tests) keep running."""
    box.setObjectName("errorBox")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()


def _sentence(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."
