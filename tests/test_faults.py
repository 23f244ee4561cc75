"""Faults from outside: another writer's lock, a read-only or full disk, damage, leftovers.

Each is said in plain words (exit 1 on the command line, a plain dialog in the app), changes
nothing, and leaves nothing behind. How each fault is made:

- **lock**: a second connection (or a second process) holds SQLite's write lock
  (``BEGIN IMMEDIATE``) while the busy wait is shortened with ``BUSY_TIMEOUT_MS``;
- **read-only**: ``chmod a-w`` on the file or its folder, acted on as "nobody" when the
  tests run as root (``tests/fault_helpers.py``);
- **full disk**: ``PRAGMA max_page_count`` at the file's current size, so SQLite fails with
  SQLITE_FULL exactly where a full disk makes it fail;
- **damage**: junk written over one table's b-tree page of a closed file.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from post_coder.cli import main
from post_coder.coding import codebook
from post_coder.coding.coders import add_coder, list_coders
from post_coder.errors import (DiskFullError, ProjectBusyError, ProjectDamagedError,
                               ProjectFileError, ProjectReadOnlyError)
from post_coder.importing import import_survey, inspect_file
from post_coder.project import Project
from post_coder.store import db as store_db
from post_coder.team.merge import merge
from post_coder.team.package import export_package
from tests.fault_helpers import as_other_user, beside, damage_table, needs_posix, open_folder


def cli(*args: object) -> object:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def code_names(project: Project) -> list[str]:
    return [c.name for c in codebook.list_codes(project)]


def make_project(path: Path, *codes: str) -> Path:
    with Project.create(path) as p:
        for name in codes:
            codebook.add_code(p, name)
    return path


def crash_leaving_wal(path: Path, code: str) -> None:
    """Add ``code`` to the project at ``path`` in another process that dies before
    checkpointing: the code then lives only in the -wal file beside it."""
    script = textwrap.dedent(f"""
        import os
        from post_coder.coding import codebook
        from post_coder.project import Project
        p = Project.open({str(path)!r})
        p.db.execute("PRAGMA wal_autocheckpoint = 0")
        codebook.add_code(p, {code!r})
        os._exit(9)  # the app died before checkpointing
    """)
    repo = Path(__file__).resolve().parents[1]
    result = subprocess.run([sys.executable, "-c", script], cwd=repo, capture_output=True,
                            text=True, env={**os.environ, "PYTHONPATH": str(repo)})
    assert result.returncode == 9, result.stderr
    assert Path(f"{path}-wal").stat().st_size > 0


HOLD_LOCK = textwrap.dedent("""
    import sqlite3, sys, time
    con = sqlite3.connect(sys.argv[1], isolation_level=None)
    con.execute("BEGIN IMMEDIATE")  # another program writing to the project
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
    con.execute("COMMIT")
""")


def hold_lock(path: Path, seconds: float) -> subprocess.Popen:
    """Another process that holds the write lock for ``seconds`` (returns once it has it)."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(path), str(seconds)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def release(holder: subprocess.Popen, kill: bool = True) -> None:
    if kill:
        holder.kill()
    holder.wait()
    holder.stdout.close()


# -- another writer holds the lock -----------------------------------------------------------

def test_a_write_waits_for_the_lock_then_says_busy(tmp_path, monkeypatch):
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_MS", 400)
    path = make_project(tmp_path / "study.postcoder", "Time")
    first, second = Project.open(path), Project.open(path)
    try:
        with first.transact("Hold the lock") as step:
            step.audit("hold", "thing", None)
            started = time.monotonic()
            with pytest.raises(ProjectBusyError) as err:
                codebook.add_code(second, "Stigma")
            waited = time.monotonic() - started
        assert str(err.value) == ("study.postcoder: the project is busy in another window or "
                                  "program; nothing was saved. Try again in a moment")
        assert waited >= 0.35, "gave up without waiting for the lock"
        assert code_names(second) == ["Time"]  # the refused action left nothing
        codebook.add_code(second, "Stigma")  # the lock is free again: the same action works
        assert code_names(first) == ["Time", "Stigma"]
    finally:
        first.close()
        second.close()


def test_cli_write_while_another_process_holds_the_lock(tmp_path, monkeypatch):
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_MS", 300)
    path = make_project(tmp_path / "study.postcoder", "Time")
    holder = hold_lock(path, 30)
    try:
        result = cli("codes", "add", path, "Stigma")
    finally:
        release(holder)
    assert result.exit_code == 1, result.output
    assert result.stderr.strip() == ("Error: study.postcoder: the project is busy in another "
                                     "window or program; nothing was saved. Try again in a "
                                     "moment")
    with Project.open(path) as p:
        assert code_names(p) == ["Time"]


def test_cli_dry_run_merge_reads_while_another_program_holds_the_lock(tmp_path, monkeypatch):
    """A merge preview reads a snapshot (no write lock): another program's lock does not
    stop it, and it still writes nothing."""
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_MS", 300)
    path = make_project(tmp_path / "study.postcoder", "Time")
    with Project.open(path) as p:
        p.save_copy(tmp_path / "copy.postcoder")
    holder = hold_lock(path, 30)
    try:
        result = cli("merge", path, tmp_path / "copy.postcoder", "--dry-run")
    finally:
        release(holder)
    assert result.exit_code == 0, result.stderr
    assert "Dry run: nothing was merged" in result.output
    assert "busy" not in result.stderr and "something went wrong" not in result.stderr


def test_cli_waits_for_a_short_lock_and_succeeds(tmp_path):
    path = make_project(tmp_path / "study.postcoder", "Time")
    holder = hold_lock(path, 1.5)  # the default wait (5 s) outlasts it
    started = time.monotonic()
    result = cli("codes", "add", path, "Stigma")
    waited = time.monotonic() - started
    release(holder, kill=False)
    assert result.exit_code == 0, result.output + result.stderr
    assert waited >= 1.0
    with Project.open(path) as p:
        assert code_names(p) == ["Time", "Stigma"]


# -- the disk is full -------------------------------------------------------------------------

def fill_disk(project: Project) -> None:
    """No page may be added to the file from now on: SQLite's full-disk error path."""
    pages = project.db.execute("PRAGMA page_count").fetchone()[0]
    project.db.execute(f"PRAGMA max_page_count = {pages}")


@pytest.fixture
def big_survey(tmp_path: Path) -> Path:
    """200 answers: more than the free room in a new project's pages."""
    path = tmp_path / "big.csv"
    path.write_text("id,feedback\n" + "".join(
        f"R{i},Answer {i}: the peer supporter listened and it helped me a great deal\n"
        for i in range(200)), encoding="utf-8")
    return path


def test_full_disk_says_so_and_saves_nothing(tmp_path, big_survey, snapshot):
    with Project.create(tmp_path / "study.postcoder") as project:
        before = snapshot(project)
        fill_disk(project)
        with pytest.raises(DiskFullError) as err:
            import_survey(project, inspect_file(big_survey).with_mapping(
                id_column="id", open_ended=["feedback"]))
        assert str(err.value) == ("study.postcoder: the disk is full; nothing was saved. "
                                  "Free some space and try again")
        assert snapshot(project) == before
        assert not project.readonly  # once there is room again, work goes on


def test_cli_full_disk_is_exit_1_not_a_bug(tmp_path, big_survey, monkeypatch):
    path = make_project(tmp_path / "study.postcoder")
    real_connect = store_db.connect

    def connect_to_full_disk(target, **kw):
        db = real_connect(target, **kw)
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {pages}")
        return db

    monkeypatch.setattr(store_db, "connect", connect_to_full_disk)
    result = cli("import", path, big_survey, "--id-column", "id")
    assert result.exit_code == 1, result.output + result.stderr
    assert result.stderr.strip() == ("Error: study.postcoder: the disk is full; nothing was "
                                     "saved. Free some space and try again")


# -- read-only files and folders --------------------------------------------------------------

@pytest.fixture
def folder():
    with open_folder() as f:
        yield f


@needs_posix
@pytest.mark.parametrize("made_read_only", ["file", "folder"])
def test_read_only_project_opens_for_viewing(folder, made_read_only):
    path = make_project(folder / "study.postcoder", "Time", "Stigma")
    path.chmod(0o444)
    if made_read_only == "folder":
        folder.chmod(0o555)
    content = path.read_bytes()
    with as_other_user():
        project = Project.open(path)
        try:
            assert project.readonly
            assert code_names(project) == ["Time", "Stigma"]
            with pytest.raises(ProjectReadOnlyError) as err:
                codebook.add_code(project, "Relief")
            assert str(err.value).startswith(
                "study.postcoder: the project file is read-only here, so it is open for "
                "viewing and exporting only; nothing was saved.")
            assert code_names(project) == ["Time", "Stigma"]
        finally:
            project.close()
    assert path.read_bytes() == content
    assert beside(path) == []  # no -wal or -shm left behind


@needs_posix
def test_read_only_project_shows_work_a_crash_left_in_the_wal(folder):
    """Pages still in the -wal (a crash before checkpointing) are read, and the -wal —
    which holds that work — is left alone."""
    path = make_project(folder / "study.postcoder", "Time")
    crash_leaving_wal(path, "Only in the WAL")
    wal = Path(f"{path}-wal").read_bytes()
    path.chmod(0o444)
    folder.chmod(0o555)
    with as_other_user():
        with Project.open(path) as project:
            assert project.readonly
            assert code_names(project) == ["Time", "Only in the WAL"]
    assert Path(f"{path}-wal").read_bytes() == wal


@needs_posix
def test_cli_reads_and_exports_a_read_only_project_but_refuses_writes(folder):
    path = make_project(folder / "study.postcoder", "Time")
    with Project.open(path) as p:
        add_coder(p, "Maya Chen")
    out = folder / "out"
    out.mkdir()
    out.chmod(0o777)
    path.chmod(0o444)
    folder.chmod(0o555)
    with as_other_user():
        listed = cli("codes", "list", path, "--json")
        added = cli("codes", "add", path, "Stigma")
        exported = cli("package", "export", path, out / "maya.postcoder", "--coder", "Maya Chen")
    assert listed.exit_code == 0, listed.stderr
    assert [c["name"] for c in json.loads(listed.output)] == ["Time"]
    assert added.exit_code == 1
    assert "the project file is read-only here" in added.stderr
    assert "something went wrong" not in added.stderr
    assert exported.exit_code == 0, exported.stderr
    with Project.open(out / "maya.postcoder") as package:
        assert not package.readonly and code_names(package) == ["Time"]
    assert beside(path) == []


def test_sqlite_saying_read_only_mid_write_is_the_plain_error(project, snapshot):
    """A file that turns read-only while open (or whose folder lies about it)."""
    before = snapshot(project)
    project.db.execute("PRAGMA query_only = ON")  # SQLite now answers SQLITE_READONLY
    with pytest.raises(ProjectReadOnlyError, match="read-only here"):
        codebook.add_code(project, "Time")
    project.db.execute("PRAGMA query_only = OFF")
    assert snapshot(project) == before
    assert project.readonly  # and later writes are refused up front
    with pytest.raises(ProjectReadOnlyError):
        codebook.add_code(project, "Time")


# -- damage inside a large file ---------------------------------------------------------------

@pytest.fixture
def large_path(tmp_path, monkeypatch):
    """Every file takes the large-file path on open (only a length check, no page check)."""
    monkeypatch.setattr(store_db, "QUICK_CHECK_LIMIT", 0)
    path = make_project(tmp_path / "big.postcoder", "Time")
    with Project.open(path) as p:
        add_coder(p, "Maya Chen")
    return path


def test_damage_in_a_large_file_is_found_before_a_package_export(large_path, tmp_path):
    damage_table(large_path, "memos")
    with Project.open(large_path) as project:  # the open does not read every page
        assert not project.checked_fully and not project.readonly
        maya = list_coders(project)[0].id
        with pytest.raises(ProjectDamagedError) as err:
            export_package(project, maya, tmp_path / "maya.postcoder")
        assert str(err.value).startswith("big.postcoder: the project file is damaged (")
        assert str(err.value).endswith("nothing more will be saved in it. Open your latest "
                                       "backup instead: a copy you saved with File ▸ Save a "
                                       "Copy")
        assert project.readonly  # writing stopped
        with pytest.raises(ProjectDamagedError):
            codebook.add_code(project, "Stigma")
    assert not (tmp_path / "maya.postcoder").exists()
    assert beside(tmp_path / "maya.postcoder") == []


def test_damage_is_found_before_a_merge_and_names_the_upgrade_backup(large_path, tmp_path):
    with Project.open(large_path) as p:
        p.save_copy(tmp_path / "other.postcoder")
        p.save_copy(tmp_path / "big.before-upgrade.postcoder")
    with Project.open(tmp_path / "other.postcoder") as other:
        codebook.add_code(other, "From the other copy")
    damage_table(large_path, "memos")
    with Project.open(large_path) as project:
        with pytest.raises(ProjectDamagedError, match="Open the backup "
                           "big.before-upgrade.postcoder \\(saved before the last upgrade\\)"):
            merge(project, tmp_path / "other.postcoder")
        assert code_names(project) == ["Time"]


def test_intact_large_file_passes_the_full_check(large_path, tmp_path):
    with Project.open(large_path) as project:
        assert project.find_damage() is None
        project.verify()
        assert not project.readonly
        codebook.add_code(project, "Stigma")


def test_a_write_that_meets_damage_stops_writing(large_path):
    damage_table(large_path, "codes")
    with Project.open(large_path) as project:
        with pytest.raises(ProjectDamagedError, match="damaged"):
            codebook.add_code(project, "Stigma")  # reads the damaged codes page
        assert project.readonly and project.damage
        with pytest.raises(ProjectDamagedError):
            add_coder(project, "Luis Ortega")  # refused before touching the file


def test_cli_damaged_read_is_plain(large_path):
    damage_table(large_path, "codes")
    result = cli("codes", "list", large_path)
    assert result.exit_code == 1
    assert "the project file is damaged" in result.stderr
    assert "something went wrong" not in result.stderr


# -- leftovers --------------------------------------------------------------------------------

def test_refused_files_leave_no_wal_or_shm(tmp_path):
    damaged = make_project(tmp_path / "damaged.postcoder", "Time")
    damage_table(damaged, "codes")  # a small file: the open checks every page
    with pytest.raises(ProjectDamagedError):
        Project.open(damaged)
    assert beside(damaged) == []
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("CREATE TABLE t(x)")
    con.close()
    with pytest.raises(ProjectFileError, match="another program"):
        Project.open(other)
    assert beside(other) == []


@pytest.fixture
def lead(tmp_path):
    path = make_project(tmp_path / "study.postcoder", "Time")
    project = Project.open(path)
    project.maya = add_coder(project, "Maya Chen").new_id
    yield project
    project.close()


def test_failed_package_export_leaves_nothing(lead, tmp_path, monkeypatch):
    import post_coder.team.package as package

    def fail(package, *args):
        assert (tmp_path / "maya.postcoder.partial").exists()  # the fault did fire mid-way
        raise RuntimeError("power cut")

    monkeypatch.setattr(package, "_make_package", fail)
    with pytest.raises(RuntimeError, match="power cut"):
        export_package(lead, lead.maya, tmp_path / "maya.postcoder")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["study.postcoder",
                                                          "study.postcoder-shm",
                                                          "study.postcoder-wal"]


def test_package_export_on_a_full_disk(lead, tmp_path, monkeypatch):
    def backup_to_full_disk(db, target):  # the real backup, onto a disk with 3 pages free
        dest = sqlite3.connect(target)
        dest.execute("PRAGMA max_page_count = 3")
        try:
            db.conn.backup(dest)
        finally:
            dest.close()

    monkeypatch.setattr(store_db, "backup_to", backup_to_full_disk)
    with pytest.raises(DiskFullError) as err:
        export_package(lead, lead.maya, tmp_path / "maya.postcoder")
    assert str(err.value).startswith("maya.postcoder: the disk is full; nothing was saved")
    assert beside(tmp_path / "maya.postcoder") == []
    assert not (tmp_path / "maya.postcoder").exists()


def test_a_killed_export_leaves_nothing_that_spoils_the_next(lead, tmp_path):
    """An export killed half-way leaves its scratch file with a -wal and a -journal; the next
    export must not let SQLite apply that stale -wal to its fresh copy."""
    stale = tmp_path / "maya.postcoder.partial"
    script = textwrap.dedent(f"""
        import os, sqlite3
        con = sqlite3.connect({str(stale)!r}, isolation_level=None)
        con.execute("PRAGMA journal_mode = WAL")
        con.execute("PRAGMA wal_autocheckpoint = 0")
        con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        con.execute("INSERT INTO meta VALUES ('name', 'stale')")
        os._exit(9)
    """)
    assert subprocess.run([sys.executable, "-c", script]).returncode == 9
    Path(f"{stale}-journal").write_bytes(b"\0" * 512)
    assert beside(stale) == ["maya.postcoder.partial-journal", "maya.postcoder.partial-shm",
                             "maya.postcoder.partial-wal"]
    summary = export_package(lead, lead.maya, tmp_path / "maya.postcoder")
    with Project.open(summary.path) as package:
        assert package.find_damage() is None
        assert package.name == lead.name and code_names(package) == ["Time"]
    assert not stale.exists() and beside(stale) == []


def test_save_copy_over_a_file_drops_that_files_wal(project, tmp_path):
    """Replacing a file must take its -wal with it, or SQLite would apply it to the copy."""
    codebook.add_code(project, "Time")
    old = make_project(tmp_path / "copy.postcoder", "Old code")
    crash_leaving_wal(old, "Old code in the WAL")
    project.save_copy(old)
    assert beside(old) == []
    with Project.open(old) as copy:
        assert copy.name == "Test project" and code_names(copy) == ["Time"]
        assert copy.find_damage() is None


def test_failed_save_copy_leaves_nothing(project, tmp_path, monkeypatch):
    def fail(db, target):  # half a copy and its journal, then the disk gives out
        Path(target).write_bytes(b"half a copy")
        Path(f"{target}-journal").write_bytes(b"journal")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store_db, "backup_to", fail)
    with pytest.raises(ProjectFileError, match="the copy cannot be written "
                       "\\(No space left on device\\)"):
        project.save_copy(tmp_path / "copy.postcoder")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("copy")] == []
