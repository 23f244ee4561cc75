"""Benchmark the app on 100,000 respondents × 3 open-ended questions (offscreen).

Issue targets: open project → grid painted ≤ 300 ms; apply a code → committed and row
repainted, median ≤ 16 ms; search → first results shown ≤ 50 ms; cold start → main window
≤ 1 s. The project is generated once and cached in the temp folder.

    bash scripts/dev.sh bench app [respondents]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_import import write_csv  # noqa: E402

CACHE = Path(tempfile.gettempdir()) / "post-coder-bench"


def build(rows: int) -> Path:
    from post_coder.coding import codebook
    from post_coder.coding.coders import add_coder
    from post_coder.importing import import_survey, inspect_file
    from post_coder.project import Project

    path = CACHE / f"app-{rows}.postcoder"
    if path.exists():
        return path
    CACHE.mkdir(exist_ok=True)
    data = CACHE / f"survey-{rows}.csv"
    write_csv(data, rows)
    with Project.create(path, name=f"Benchmark {rows:,}") as project:
        import_survey(project, inspect_file(data))
        add_coder(project, "Bench Coder", initials="BC")
        parent = codebook.add_code(project, "Experience").new_id
        for name in ("Kindness", "Waiting", "Information", "Parking", "Peer support",
                     "Evening sessions", "Coffee", "Coping"):
            codebook.add_code(project, name, parent=parent)
    return path


def cold_start() -> float:
    script = ("import time; t0 = time.perf_counter()\n"
              "from post_coder.ui.app import application\n"
              "from post_coder.ui.main_window import MainWindow\n"
              "from post_coder.ui.settings import app_settings\n"
              "app = application(); w = MainWindow(app_settings(), ask_coder=False); w.show()\n"
              "app.processEvents()\n"
              "print(time.perf_counter() - t0)\n")
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    total = time.perf_counter() - t0
    inside = float(out.stdout.strip().splitlines()[-1])
    return total, inside


def main(rows: int = 100_000) -> None:
    t0 = time.perf_counter()
    path = build(rows)
    print(f"project: {path} ({path.stat().st_size / 1e6:.0f} MB, ready in "
          f"{time.perf_counter() - t0:.1f} s)")
    settings = CACHE / "settings.ini"
    os.environ["POST_CODER_SETTINGS"] = str(settings)

    total, inside = min(cold_start() for _ in range(3))
    print(f"cold start → main window: {total * 1000:.0f} ms process wall time "
          f"({inside * 1000:.0f} ms after the interpreter started)   target ≤ 1000 ms")

    from PySide6.QtWidgets import QApplication

    from post_coder.coding import codebook
    from post_coder.project import Project
    from post_coder.ui.app import application
    from post_coder.ui.main_window import MainWindow
    from post_coder.ui.settings import app_settings, set_coder_identity

    app = application()
    set_coder_identity(app_settings(), "Bench Coder", "BC")
    window = MainWindow(app_settings(), ask_coder=False)
    window.resize(1400, 860)
    window.show()
    opens = []
    for _ in range(3):
        t0 = time.perf_counter()
        window.install(Project.open(path))
        table = window.workspace.table
        table.viewport().repaint()
        app.processEvents()
        opens.append(time.perf_counter() - t0)
        model = window.workspace.model
        rows_shown = model.rowCount()
        window.close_project()
    print(f"open project → grid painted: median {statistics.median(opens) * 1000:.0f} ms "
          f"({rows_shown:,} rows in the grid)   target ≤ 300 ms")

    window.install(Project.open(path))
    ws = window.workspace
    code = codebook.find_code(window.session.project, "Kindness").id
    times = []
    for row in range(0, 400, 4):
        ws._select_row(row)
        app.processEvents()
        t0 = time.perf_counter()
        ws.apply_code(code)
        ws.table.viewport().repaint()
        app.processEvents()
        times.append(time.perf_counter() - t0)
    times.sort()
    print(f"apply a code → committed and row repainted: median "
          f"{statistics.median(times) * 1000:.1f} ms, p90 {times[int(len(times) * .9)] * 1000:.1f}"
          f" ms over {len(times)}   target median ≤ 16 ms")

    searches = []
    for word in ("coffee", "parking", "evening", '"peer support"', "opér*"):
        ws.filter_bar.search.setText(word)
        t0 = time.perf_counter()
        ws.filter_bar._search_settled()
        ws.table.viewport().repaint()
        app.processEvents()
        searches.append((time.perf_counter() - t0, word, ws.model.rowCount()))
    for t, word, n in searches:
        print(f"search {word!r}: first results shown in {t * 1000:.0f} ms ({n:,} matches)")
    print(f"search median {statistics.median(s[0] for s in searches) * 1000:.0f} ms   "
          "target ≤ 50 ms")
    window.close()
    QApplication.processEvents()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
