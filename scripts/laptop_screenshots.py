"""Render the main window at laptop sizes (docs/screenshots/laptop-*.png).

    QT_QPA_PLATFORM=offscreen python scripts/laptop_screenshots.py [OUT_DIR] [--all]

Without --all: the survey-shaped project (tests/ui/laptop_helpers.py) at 1366×768 with a
search and wrapped rows, and the demo project at 1280×720. With --all, both projects at both
sizes, one line and wrapped (for looking, not for the docs).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    out = Path(args[0]) if args else ROOT / "docs" / "screenshots"
    every = "--all" in sys.argv
    work = Path(tempfile.mkdtemp())
    os.environ["POST_CODER_SETTINGS"] = str(work / "settings.ini")
    os.environ["POST_CODER_HOME"] = str(work / "home")
    from post_coder.demo import build_demo
    from post_coder.ui.app import application
    from post_coder.ui.main_window import MainWindow, render_screenshot
    from post_coder.ui.settings import app_settings, set_coder_identity
    from tests.ui.laptop_helpers import build_survey_project

    application()
    shots = [("survey", (1366, 768), 3, "privacy OR time*", "laptop-1366x768.png"),
             ("demo", (1280, 720), 1, "", "laptop-1280x720.png")]
    if every:
        shots = [(p, size, lines, search, f"{p}-{size[0]}x{size[1]}-{lines}.png")
                 for p in ("survey", "demo") for size in ((1366, 768), (1280, 720))
                 for lines, search in ((1, ""), (3, "privacy OR time*"))]
    for n, (which, (width, height), lines, search, name) in enumerate(shots):
        path = work / f"{which}{n}.postcoder"
        project = build_demo(path) if which == "demo" else build_survey_project(path)
        settings = app_settings()
        settings.clear()
        set_coder_identity(settings, "Maya Chen", "MC")
        window = MainWindow(settings, ask_coder=False)
        window.resize(width, height)
        window.install(project)
        window.reading.set_row_lines(lines)
        if search:
            window.workspace.filter_bar.search.setText(search)
            window.workspace.filter_bar.search.returnPressed.emit()
        window.workspace.next_response()
        render_screenshot(window, out / name)
        _shrink(out / name)
        print(out / name, window.size().width(), window.size().height())
        window.close()


def _shrink(path: Path) -> None:
    """256 colours are plenty for a window: a PNG a third of the size."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage

    image = QImage(str(path)).convertToFormat(
        QImage.Format.Format_Indexed8, Qt.ImageConversionFlag.ThresholdDither)
    image.save(str(path), "PNG", 0)


if __name__ == "__main__":
    main()
