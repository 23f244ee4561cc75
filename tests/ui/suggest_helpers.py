"""A small survey for the suggestion windows' tests: 120 answers from six known themes and
four non-answers (tests/suggest_corpus.py), imported into a new project; and the window on
it, at laptop size."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from post_coder.coding.coders import add_coder
from post_coder.importing import import_survey, inspect_file
from post_coder.project import Project
from post_coder.queries import response_ids, response_rows
from post_coder.store.scope import ReadScope
from tests.suggest_corpus import Answer, corpus, csv_text

EVERYONE = ReadScope.everyone()
#: code(project, answers, response id by respondent, coder id by name)
Coding = Callable[[Project, list[Answer], dict[str, str], dict[str, str]], None]


def small_survey(folder: Path, coders: Sequence[str],
                 code: Coding | None = None) -> tuple[Path, dict[str, str]]:
    """The project file and its coders' ids by name; ``code`` codes some answers first."""
    answers = corpus(120, noise=4)
    source = folder / "corpus.csv"
    source.write_text(csv_text(answers), encoding="utf-8")
    path = folder / "small.postcoder"
    with Project.create(path) as p:
        plan = inspect_file(source).with_mapping(id_column="id", open_ended=["barriers"],
                                                 attributes=["site"])
        import_survey(p, plan)
        ids = {name: add_coder(p, name).new_id for name in coders}
        if code is not None:
            rows = {r.respondent: r.id
                    for r in response_rows(p, EVERYONE, response_ids(p, EVERYONE))}
            code(p, answers, rows, ids)
    return path, ids


def open_window(qtbot, kind, project: Project, coder_id: str):
    """``kind(Session(project, coder_id))``, shown at 1366×768."""
    from post_coder.ui.session import Session

    w = kind(Session(project, coder_id=coder_id))
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    return w


def main_window(qtbot, project: Project, coder_id: str, folder: Path):
    """The main window on ``project`` with ``coder_id`` coding (its settings in ``folder``)."""
    from PySide6.QtCore import QSettings

    from post_coder.ui.main_window import MainWindow

    window = MainWindow(QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat),
                        ask_coder=False)
    qtbot.addWidget(window)
    window.show()
    window.install(project)
    window.session.set_coder(coder_id)
    window.session.wait()
    return window


def run(qtbot, w) -> None:
    """Run, and wait until the background work has delivered."""
    assert w.run() is not None
    qtbot.waitUntil(lambda: not w.running, timeout=60_000)
