"""UI fixtures: a copy of the demo project (built once per run: ``demo_template`` in
tests/conftest.py) for each test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from post_coder.coding.coders import list_coders
from post_coder.project import Project


@pytest.fixture(scope="session", autouse=True)
def collect_on_the_ui_thread(qapp):
    """As in the app: cyclic garbage is collected on the UI thread only (see ui/collector)."""
    from post_coder.ui import collector

    return collector.install(qapp)


@pytest.fixture(autouse=True)
def stop_session_writers(monkeypatch):
    """Every Session a test makes gets its writer thread stopped and its read-only handle
    closed at the end, as closing a project does in the app; otherwise each test would
    leave a writer thread behind (hundreds over a run)."""
    from post_coder.ui.session import Session

    made: list[Session] = []
    real_init = Session.__init__

    def tracking_init(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        made.append(self)

    monkeypatch.setattr(Session, "__init__", tracking_init)
    yield made
    for session in made:
        try:
            session.worker.stop()
            reader = session.project
            if reader is not session.writer and reader.db.conn is not None:
                reader.close()
        except (RuntimeError, AttributeError):
            pass  # already closed with its window


@pytest.fixture
def demo_project(demo_template: Path, tmp_path: Path):
    """A fresh copy of the demo project, open; closed after the test."""
    target = tmp_path / "demo.postcoder"
    for suffix in ("", "-wal"):
        source = Path(str(demo_template) + suffix)
        if source.exists():
            shutil.copyfile(source, Path(str(target) + suffix))
    project = Project.open(target)
    yield project
    try:
        project.close()
    except Exception:
        pass


@pytest.fixture
def session(demo_project: Project):
    """A Session on the demo copy, coding as the first coder listed (Luis Ortega: the demo
    adds both coders at once, so the list falls back to name order)."""
    from post_coder.ui.session import Session

    return Session(demo_project, coder_id=list_coders(demo_project)[0].id)


@pytest.fixture
def demo_window(qtbot, tmp_path, monkeypatch, demo_template):
    """The main window at laptop size on a fresh copy of the demo, coding as Maya Chen, with
    settings and the app's home in the test's folder; the project is closed afterwards."""
    from PySide6.QtCore import QSettings

    from post_coder.ui import settings as app_settings
    from post_coder.ui.main_window import MainWindow

    path = tmp_path / "settings.ini"
    monkeypatch.setenv("POST_CODER_SETTINGS", str(path))
    monkeypatch.setenv("POST_CODER_HOME", str(tmp_path / "home"))
    settings = QSettings(str(path), QSettings.Format.IniFormat)
    app_settings.set_coder_identity(settings, "Maya Chen", "MC")
    w = MainWindow(settings)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    study = tmp_path / "study.postcoder"
    shutil.copyfile(demo_template, study)
    assert w.open_project(study)
    yield w
    w.close_project()
