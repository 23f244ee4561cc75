"""Starting the desktop app (``post-coder``, ``post-coder open FILE``, ``post-coder demo``)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from post_coder import __version__
from post_coder.ui import collector


def has_display() -> bool:
    """Whether a window can be shown here (a desktop session, or Qt's offscreen platform)."""
    if sys.platform in ("win32", "darwin"):
        return True
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    return bool(platform.startswith(("offscreen", "minimal", "vnc"))
                or os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def application() -> QApplication:
    app = QApplication.instance()
    if app is None:
        QCoreApplication.setOrganizationName("POST Coder")
        QCoreApplication.setApplicationName("POST Coder")
        QCoreApplication.setApplicationVersion(__version__)
        app = QApplication(sys.argv[:1])
        app.setStyle("Fusion")  # follows the system's light or dark palette on every platform
    collector.install(app)  # cycles holding widgets are freed on this thread, never a worker's
    return app  # type: ignore[return-value]


def run_app(*, path: Path | None = None, demo: bool = False, fresh: bool = False,
            screenshot: Path | None = None) -> int:
    """Open the main window (on ``path``, or the demo project) and run until it closes.

    With ``screenshot``, render the window offscreen to that PNG and return at once.
    """
    if screenshot is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = application()
    from post_coder.demo import open_or_build_demo
    from post_coder.project import Project
    from post_coder.ui.main_window import MainWindow, render_screenshot
    from post_coder.ui.settings import app_settings

    window = MainWindow(app_settings(), ask_coder=screenshot is None)
    if screenshot is not None:
        window.resize(1600, 900)
    if demo:
        window.install(open_or_build_demo(fresh=fresh) if path is None else
                       open_or_build_demo(path, fresh=fresh))
    elif path is not None:
        window.install(Project.open(path))
    if screenshot is not None:
        render_screenshot(window, screenshot)
        window.close()
        return 0
    window.show()
    return app.exec()
