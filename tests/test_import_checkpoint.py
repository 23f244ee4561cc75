"""How an import's transaction is lighter than an ordinary action's, and stays as safe.

- It commits without waiting while SQLite copies the write-ahead log into the project file
  (``transact(..., checkpoint_later=True)``): the import is as safe once committed — a crash
  right after it loses nothing — and the copy is made later, by ``Project.checkpoint_idle``
  (the app's writer when idle), the next commit or the close.
- It inserts only rows whose parents it inserted itself (``new_rows_only=True``): SQLite
  does not look each row's parents up, so every reference is checked here instead, and
  foreign keys are on again after the import, whether it succeeded or not."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from post_coder.coding import codebook
from post_coder.errors import Cancelled
from post_coder.importing import import_survey, inspect_file
from post_coder.progress import Progress
from post_coder.project import Project
from post_coder.queries import search

ROWS = 60


def survey(path: Path) -> Path:
    """ROWS answers, each with the word "parking" once, and one blank."""
    path.write_text("id,dept,answer\n" + "".join(
        f"R{i},Nursing,Answer {i}: the parking near the clinic was hard to find\n"
        for i in range(ROWS)) + "R_blank,Nursing,\n", encoding="utf-8")
    return path


def autocheckpoint(project: Project) -> int:
    return project.db.execute("PRAGMA wal_autocheckpoint").fetchone()[0]


def wal_size(path: Path) -> int:
    return Path(f"{path}-wal").stat().st_size


def test_the_import_commits_without_copying_the_log_into_the_file(project, tmp_path):
    path = project.path
    project.db.execute("PRAGMA wal_autocheckpoint = 1")  # every commit would copy
    codebook.add_code(project, "Before")  # copied into the file at its commit
    before = path.read_bytes()  # (the pages, not the size: the file may have room left)
    import_survey(project, inspect_file(survey(tmp_path / "s.csv")))
    assert path.read_bytes() == before  # the import is in the log only
    assert autocheckpoint(project) == 1  # the connection's setting is back
    reader = Project.open_readonly(path)  # and yet every reader sees it
    try:
        assert len(search(reader, "parking", limit=1000)) == ROWS
    finally:
        reader.close()
    project.checkpoint_idle()  # the app's writer, once idle
    assert path.read_bytes() != before
    # copied: a checkpoint now has nothing left to copy (log frames == copied frames)
    busy, log, copied = project.db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    assert busy == 0 and log == copied


def test_an_ordinary_action_still_checkpoints_at_its_commit(project):
    path = project.path
    project.db.execute("PRAGMA wal_autocheckpoint = 1")
    size = path.stat().st_size
    for n in range(40):
        codebook.add_code(project, f"Code {n}")
    assert path.stat().st_size > size  # copied at the commits, as before


def test_a_cancelled_import_restores_the_setting_and_leaves_nothing_due(project, tmp_path):
    project.db.execute("PRAGMA wal_autocheckpoint = 7")

    def cancel(done, total, label):
        if label.startswith("Saving answers"):
            raise Cancelled()

    with pytest.raises(Cancelled):
        import_survey(project, inspect_file(survey(tmp_path / "s.csv")),
                      progress=Progress(cancel))
    assert autocheckpoint(project) == 7
    assert search(project, "parking") == []
    assert project._checkpoint_due is False  # nothing committed, nothing to copy


def test_a_crash_right_after_the_import_keeps_it(tmp_path):
    path = tmp_path / "study.postcoder"
    with Project.create(path) as project:
        codebook.add_code(project, "Kept before the crash")
    data = survey(tmp_path / "s.csv")
    script = textwrap.dedent(f"""
        import os
        from post_coder.importing import import_survey, inspect_file
        from post_coder.project import Project

        project = Project.open({str(path)!r})
        project.db.execute("PRAGMA wal_autocheckpoint = 1")
        import_survey(project, inspect_file({str(data)!r}))
        os._exit(9)  # the app killed once the import returned, before any checkpoint
    """)
    repo = Path(__file__).resolve().parents[1]
    size = path.stat().st_size
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            cwd=repo)
    assert result.returncode == 9, result.stderr
    assert path.stat().st_size == size and wal_size(path) > 0  # only in the log
    with Project.open(path) as project:
        assert len(search(project, "parking", limit=1000)) == ROWS
        assert [c.name for c in codebook.list_codes(project)] == ["Kept before the crash"]
        assert project.db.execute("SELECT count(*) FROM respondents").fetchone()[0] == ROWS + 1


def foreign_keys_on(project: Project) -> bool:
    return project.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_every_row_an_import_writes_refers_to_rows_that_exist(project, tmp_path):
    for n in (1, 2):  # the second import's rows go among the first's
        data = survey(tmp_path / f"s{n}.csv")
        data.write_text(data.read_text(encoding="utf-8").replace(",Nursing,", f",Unit {n},"),
                        encoding="utf-8")
        import_survey(project, inspect_file(data))
        assert foreign_keys_on(project)
    assert project.db.execute("PRAGMA foreign_key_check").fetchall() == []
    # and the check would see a broken one: a respondent's rows left without it
    project.db.execute("PRAGMA foreign_keys = OFF")
    project.db.execute("UPDATE respondents SET id = 'nobody' WHERE id ="
                       " (SELECT min(id) FROM respondents WHERE external_id = 'R0')")
    assert {r[0] for r in project.db.execute("PRAGMA foreign_key_check").fetchall()} \
        == {"variable_values", "responses"}


def test_foreign_keys_are_on_again_after_a_cancelled_import(project, tmp_path):
    def cancel(done, total, label):
        if label.startswith("Saving attributes"):
            raise Cancelled()

    with pytest.raises(Cancelled):
        import_survey(project, inspect_file(survey(tmp_path / "s.csv")),
                      progress=Progress(cancel))
    assert foreign_keys_on(project)
    codebook.add_code(project, "After")  # an ordinary action still checks its keys
    with pytest.raises(Exception, match="FOREIGN KEY"):
        project.db.execute("INSERT INTO variable_values VALUES ('no variable', 'nobody', 1)")


def test_closing_while_the_writer_is_about_to_checkpoint_is_safe(project, tmp_path,
                                                                   monkeypatch):
    """The app's writer checkpoints once idle, after it has reported the action done; the UI
    (or a test) may close the project at that very moment. Closing waits for a checkpoint
    under way, and a checkpoint after the close does nothing (it once ran on the closed
    connection and crashed the process)."""
    import threading

    from post_coder.store import db as store_db

    import_survey(project, inspect_file(survey(tmp_path / "s.csv")))
    assert project._checkpoint_due
    calls = []
    real = store_db.checkpoint_passive
    started, release = threading.Event(), threading.Event()

    def slow_checkpoint(db):
        calls.append(db)
        started.set()
        release.wait(5)
        return real(db)

    monkeypatch.setattr(store_db, "checkpoint_passive", slow_checkpoint)
    writer = threading.Thread(target=project.checkpoint_idle)
    writer.start()
    assert started.wait(5)
    closer = threading.Thread(target=project.close)
    closer.start()
    closer.join(0.2)
    assert closer.is_alive()          # the close waits for the checkpoint under way
    release.set()
    writer.join(5)
    closer.join(5)
    assert not closer.is_alive() and len(calls) == 1
    project._checkpoint_due = True    # as if another import had left pages behind
    project.checkpoint_idle()         # after the close: nothing runs on the closed file
    assert len(calls) == 1
