"""The one database writer: every action, undo and redo off the UI thread, in order."""

from __future__ import annotations

import shutil
import threading
import time

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from post_coder.coding import codebook
from post_coder.team.merge import merge_preview
from post_coder.errors import InputError
from post_coder.project import Project
from post_coder.store import db as store_db
from post_coder.ui.background import BackgroundReader

pytestmark = pytest.mark.qt


def error_boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.objectName() == "errorBox" and w.isVisible()]


def names(session) -> set[str]:
    return {c.name for c in codebook.list_codes(session.project)}


def test_the_window_keeps_turning_while_a_slow_action_runs(qtbot, session):
    threads, ticks, busy = [], [], []

    def slow(project):  # a deliberately slow core action
        threads.append(threading.current_thread().name)
        time.sleep(0.6)
        return codebook.add_code(project, "Slowly made")

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    session.busy_did_change.connect(busy.append)
    timer.start()
    job = session.submit(None, slow)
    assert not job.done  # submit returned at once
    qtbot.waitUntil(lambda: QGuiApplication.overrideCursor() is not None, timeout=2000)
    assert session.busy
    assert session.wait()
    timer.stop()
    assert threads == ["db-writer"]
    assert len(ticks) >= 20  # a blocked UI thread would have ticked once or twice
    assert busy == ["Slow", None]  # status text while it ran, cleared after
    assert QGuiApplication.overrideCursor() is None
    assert "Slowly made" in names(session) and session.undo_label() == "Add code"


def test_the_ui_thread_reads_on_its_own_read_only_connection(session):
    assert session.project is not session.writer
    assert session.project.readonly and not session.writer.readonly
    with pytest.raises(Exception, match="read-only"):
        codebook.add_code(session.project, "Through the reader")


def test_actions_run_in_the_order_they_were_submitted(qtbot, session):
    ran, done = [], []

    def make(name, pause):
        def action(project):
            time.sleep(pause)
            ran.append(name)
            return codebook.add_code(project, name)
        return action

    for name, pause in (("First", 0.2), ("Second", 0.0), ("Third", 0.1)):
        session.submit(None, make(name, pause), on_done=lambda _r, n=name: done.append(n))
    assert session.wait()
    assert ran == done == ["First", "Second", "Third"]
    assert {"First", "Second", "Third"} <= names(session)


def test_an_error_in_the_writer_is_shown_in_plain_words(qtbot, session):
    def refused(project):
        raise InputError('the code name "  " is empty; type a name')

    def buggy(project):
        raise RuntimeError("boom")

    failed, window = [], QWidget()
    qtbot.addWidget(window)
    window.show()
    assert session.run(window, refused) is None
    boxes = error_boxes()
    assert [b.text() for b in boxes] == ['The code name "  " is empty; type a name.']
    boxes[0].close()
    session.submit(window, buggy, on_failed=failed.append)
    assert session.wait()
    boxes = error_boxes()
    assert len(boxes) == 1 and boxes[0].text().startswith(
        "Something went wrong inside POST Coder, and the last action was not saved.")
    assert "boom" in boxes[0].detailedText()
    boxes[0].close()
    assert [type(e) for e in failed] == [RuntimeError]
    session.run(None, codebook.add_code, "Still works")  # the writer carries on
    assert "Still works" in names(session)


def test_undo_and_redo_run_on_the_writer(qtbot, session):
    changed = []
    session.project_did_change.connect(lambda changes, _i: changed.append(changes.label))
    session.submit(None, codebook.add_code, "Burnout")
    undo = session.undo()  # queued behind the action
    assert not undo.done
    assert session.wait()
    assert "Burnout" not in names(session)
    assert session.redo_label() == "Add code"
    session.redo()
    assert session.wait()
    assert "Burnout" in names(session) and session.undo_label() == "Add code"
    assert changed == ["Add code", "Undo Add code", "Redo Add code"]


def test_a_merge_preview_does_not_block_a_concurrent_write(demo_project, tmp_path,
                                                           monkeypatch):
    """While a preview reads (in its snapshot, with its scratch tables), another connection
    writes at once instead of waiting out the busy timeout."""
    from post_coder.team import merge

    demo_project.save_copy(tmp_path / "copy.postcoder")
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_MS", 300)
    other = Project.open(demo_project.path)
    real, wrote = merge._plan, []

    def plan_then_write(*args, **kwargs):
        work = real(*args, **kwargs)
        assert store_db.in_transaction(demo_project.db)  # still inside the preview
        t0 = time.perf_counter()
        codebook.add_code(other, "Written meanwhile")
        wrote.append(time.perf_counter() - t0)
        return work

    monkeypatch.setattr(merge, "_plan", plan_then_write)
    try:
        plan = merge_preview(demo_project, tmp_path / "copy.postcoder")
    finally:
        other.close()
    assert plan.conflicts == () and len(wrote) == 1 and wrote[0] < 0.25
    assert "Written meanwhile" in {c.name for c in codebook.list_codes(demo_project)}


def test_a_cancelled_or_replaced_background_read_is_never_delivered(qtbot, demo_project):
    reader = BackgroundReader(demo_project.path)
    got, gate = [], threading.Event()
    reader.did_finish.connect(got.append)

    def held(project):
        gate.wait(5)
        return "old"

    reader.request(held)
    reader.cancel()
    assert not reader.busy
    reader.request(held)
    newest = reader.request(lambda project: project.name)  # replaces the held one
    assert reader.generation == newest
    assert reader.wait()
    assert got == [demo_project.name]
    gate.set()
    qtbot.wait(200)  # the two older reads end now; both are dropped
    assert got == [demo_project.name]


#: a query that would count for minutes: only an interrupt ends it soon
ENDLESS = ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 300000000)"
           " SELECT count(*) FROM c")


def _endless_read(started: threading.Event, ended: list[str]):
    def read(project):
        started.set()
        try:
            return project.db.execute(ENDLESS).fetchone()
        except Exception as exc:
            ended.append(str(exc))
            raise
    return read


@pytest.mark.parametrize("stop", ["cancel", "delete the view"])
def test_a_cancelled_or_orphaned_background_read_stops_its_sql(qtbot, demo_project, stop):
    """Closing a project deletes its views and their readers: a long read (the counts of a
    large project) is interrupted instead of reading on for nobody."""
    from PySide6.QtCore import QObject
    view = QObject()
    reader = BackgroundReader(demo_project.path, view)
    failed, got = [], []
    reader.did_fail.connect(failed.append)
    reader.did_finish.connect(got.append)
    started, ended = threading.Event(), []
    reader.request(_endless_read(started, ended))
    assert started.wait(10)
    if stop == "cancel":
        reader.cancel()
    else:
        view.deleteLater()
        qtbot.waitUntil(lambda: not shiboken_valid(reader), timeout=5000)
    qtbot.waitUntil(lambda: bool(ended), timeout=30_000)
    assert ended == ["interrupted"]
    qtbot.wait(50)
    assert failed == [] and got == []  # nothing delivered: nobody waits for it


def shiboken_valid(obj) -> bool:
    import shiboken6
    return shiboken6.isValid(obj)


def test_cancelling_one_reader_leaves_the_others_reads_alone(qtbot, demo_project):
    cancelled, other = BackgroundReader(demo_project.path), BackgroundReader(demo_project.path)
    got = []
    other.did_finish.connect(got.append)
    gate = threading.Event()

    def held(project):
        gate.wait(5)
        return project.db.execute("SELECT count(*) FROM responses").fetchone()[0]

    other.request(held)
    cancelled.request(lambda project: project.name)
    cancelled.cancel()
    gate.set()
    assert other.wait()
    assert got and got[0] > 0


def test_a_read_only_task_runs_on_a_snapshot(qtbot, session, tmp_path):
    from post_coder.ui.tasks import run_task

    seen = []
    task = run_task(None, "Reading…", session.project.path,
                    lambda project, progress: (project.readonly, threading.current_thread().name),
                    seen.append)
    assert task.wait()
    assert seen == [(True, "background-read")]


def test_a_copy_of_a_project_opened_for_viewing_uses_one_handle(qtbot, demo_template):
    from post_coder.ui.session import Session
    from tests.fault_helpers import as_other_user, open_folder

    with open_folder() as folder:
        path = folder / "view.postcoder"
        shutil.copyfile(demo_template, path)
        path.chmod(0o444)
        with as_other_user():  # as root, chmod binds only for another user
            project = Project.open(path)
        assert project.readonly
        session, window = Session(project), QWidget()
        qtbot.addWidget(window)
        window.show()
        assert session.project is session.writer and session.readonly
        assert session.run(window, codebook.add_code, "Nope") is None
        box = error_boxes()
        assert len(box) == 1 and "read-only" in box[0].text()
        box[0].close()
        session.close()


def test_no_writer_thread_outlives_its_test(session, stop_session_writers):
    """The fixture that stops every test's writer really stops them (a run of the whole
    suite would otherwise pile up hundreds of idle writer threads)."""
    import threading

    assert stop_session_writers == [session]
    session.worker.stop()
    assert not any(t.name == "db-writer" and t.is_alive() and t is session.worker._thread
                   for t in threading.enumerate())


def test_once_idle_the_writer_copies_what_an_import_left_in_the_log(qtbot, session, tmp_path):
    from post_coder.importing import import_survey, inspect_file

    data = tmp_path / "more.csv"
    data.write_text("id,answer\n" + "".join(
        f"N{i},Answer {i}: the evening sessions were too short for most of us\n"
        for i in range(80)), encoding="utf-8")
    plan = inspect_file(data)

    def every_commit_copies(project):
        project.db.execute("PRAGMA wal_autocheckpoint = 1")
        project.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    session.run(None, every_commit_copies)
    path = session.writer.path
    size = path.stat().st_size
    session.run(None, import_survey, plan)
    assert session.wait()
    # the import's commit left its pages in the log; the idle writer copies them after
    qtbot.waitUntil(lambda: path.stat().st_size > size, timeout=5000)
    assert session.writer._checkpoint_due is False
