"""Benchmark the one writer: merge a code with 100,000 codings into another, then undo it,
in the app (offscreen), measuring how long each takes and the longest UI-thread stall.

A 5 ms QTimer runs throughout; the longest gap between two of its ticks is the longest
time the event loop could not repaint or scroll. Issue target: under 50 ms.
Uses the generated project of ``bench_app.py`` (cached in the temp folder).

    PYTHONPATH=. python benchmarks/bench_writer.py [respondents]
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_app import CACHE, build  # noqa: E402


def with_codings(rows: int) -> Path:
    """A copy of the app benchmark project where "Kindness" codes one response per respondent."""
    from post_coder.coding import codebook
    from post_coder.coding.coders import list_coders
    from post_coder.ids import new_id
    from post_coder.project import Project
    from post_coder.queries import ResponseQuery, response_ids
    from post_coder.store import codings as codings_store
    from post_coder.store.db import now
    from post_coder.store.scope import ReadScope
    from post_coder.store.surveys import list_questions

    path = CACHE / f"writer-{rows}.postcoder"
    if path.exists():
        return path
    scratch = CACHE / f"writer-{rows}.partial.postcoder"
    shutil.copyfile(build(rows), scratch)
    with Project.open(scratch) as project:
        first = list_questions(project.db)[0].id
        ids = response_ids(project, ReadScope.everyone(), ResponseQuery(question_ids=(first,)))
        code = codebook.find_code(project, "Kindness").id
        coder = list_coders(project)[0].id
        at = now()
        with project.transact("Bench codings", undoable=False):
            codings_store.insert_many(project.db, (
                codings_store.Coding(new_id(), r, code, coder, None, None, at, at, None)
                for r in ids))
    scratch.rename(path)
    return path


def main(rows: int = 100_000) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from post_coder.coding import codebook
    from post_coder.project import Project
    from post_coder.ui.app import application
    from post_coder.ui.main_window import MainWindow
    from post_coder.ui.settings import app_settings, set_coder_identity

    t0 = time.perf_counter()
    source = with_codings(rows)
    print(f"project: {source} ready in {time.perf_counter() - t0:.1f} s")
    path = CACHE / "writer-run.postcoder"
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, path)
    os.environ["POST_CODER_SETTINGS"] = str(CACHE / "settings.ini")
    app = application()
    set_coder_identity(app_settings(), "Bench Coder", "BC")
    window = MainWindow(app_settings(), ask_coder=False)
    window.resize(1400, 860)
    window.show()
    window.install(Project.open(path))
    session = window.session
    kindness = codebook.find_code(session.project, "Kindness").id
    waiting = codebook.find_code(session.project, "Waiting").id
    window.workspace.model.wait_until_complete()  # start from an idle window
    for _ in range(100):
        app.processEvents()
        time.sleep(0.01)

    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))

    class Stamped(threading.Event):
        """The job's "ran" event, remembering when the writer set it."""
        at: float | None = None

        def set(self) -> None:
            self.at = time.perf_counter()
            super().set()

    def measure(what: str, start) -> tuple[float, float]:
        ticks.clear()
        timer.start()
        app.processEvents()
        t0 = time.perf_counter()
        ticks.append(t0)
        job = start()
        if not job.finished.is_set():
            job.finished = Stamped()
        session.worker.wait_for(job)
        took = (getattr(job.finished, "at", None) or time.perf_counter()) - t0
        for _ in range(40):  # the views' reloads after the change, on the UI thread
            app.processEvents()
            time.sleep(0.005)
        timer.stop()
        ended = t0 + took
        gaps = [(b - a, a) for a, b in zip(ticks, ticks[1:])]
        stall = max(g for g, _ in gaps) if gaps else took
        during = max((g for g, a in gaps if a + g <= ended), default=0.0)
        after = max((g for g, a in gaps if a + g > ended), default=0.0)
        at = (max(gaps)[1] - t0) * 1000 if gaps else 0
        ok = "ok" if job.ok else f"FAILED: {job.error}"
        print(f"{what}: {took * 1000:.0f} ms on the writer, longest UI-thread stall "
              f"{stall * 1000:.0f} ms ({during * 1000:.0f} ms while the writer ran, "
              f"{after * 1000:.0f} ms once it had finished: delivery and the views' reloads;"
              f" the longest began {at:.0f} ms in) over {len(ticks)} ticks ({ok})"
              f"   target < 50 ms")
        return took, stall

    print(f"merging a code with {rows:,} codings (one per respondent) into another")
    measure("merge code", lambda: session.submit(window, codebook.merge_codes, [kindness],
                                                  waiting))
    measure("undo merge", lambda: session.undo(window))
    window.close()
    QApplication.processEvents()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
