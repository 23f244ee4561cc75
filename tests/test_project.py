import sqlite3

import pytest

from post_coder.errors import ProjectFileError, ProjectReadOnlyError
from post_coder.project import Project
from post_coder.store import audit, schema


def test_create_sets_pragmas_and_identity(tmp_path):
    p = Project.create(tmp_path / "x.postcoder", name="Peer support")
    try:
        assert p.name == "Peer support"
        assert len(p.id) == 36
        assert p.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert p.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert p.db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
        assert p.db.execute("PRAGMA page_size").fetchone()[0] == 16384
        assert schema.pending_names(p.db) == []
    finally:
        p.close()


def test_a_file_keeps_the_page_size_it_was_created_with(tmp_path, monkeypatch):
    """Projects made before 16 KiB pages keep their 4 KiB ones, and copies of them too."""
    from post_coder.store import db as store_db

    monkeypatch.setattr(store_db, "PAGE_SIZE", 4096)  # as the earlier versions made them
    Project.create(tmp_path / "old.postcoder").close()
    monkeypatch.undo()
    with Project.open(tmp_path / "old.postcoder") as old:
        assert old.db.execute("PRAGMA page_size").fetchone()[0] == 4096
        with old.transact("A") as step:
            step.audit("create", "thing", "1")
        old.save_copy(tmp_path / "copy.postcoder")
    with Project.open(tmp_path / "copy.postcoder") as copy:
        assert copy.db.execute("PRAGMA page_size").fetchone()[0] == 4096
        assert [e.entity_id for e in audit.entries(copy.db)] == ["1"]


def test_transact_commits_and_rolls_back_whole(project, snapshot):
    before = snapshot(project)
    with pytest.raises(RuntimeError):
        with project.transact("Doomed") as step:
            step.audit("create", "thing", "1", after={"x": 1})
            raise RuntimeError("boom")
    assert snapshot(project) == before
    with project.transact("Kept") as step:
        step.audit("create", "thing", "1", after={"x": 1})
        step.mark("codes")
    assert step.changes.codes and not step.changes.codings
    assert step.changes.label == "Kept"
    [entry] = audit.entries(project.db)
    assert entry.step_label == "Kept" and entry.after == {"x": 1}


def test_audit_log_is_append_only(project):
    with project.transact("A") as step:
        step.audit("create", "thing", "1")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        project.db.execute("DELETE FROM audit_log")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        project.db.execute("UPDATE audit_log SET action = 'x'")


def test_create_refuses_existing_file(tmp_path):
    target = tmp_path / "x.postcoder"
    target.write_text("keep me")
    with pytest.raises(ProjectFileError, match="already exists"):
        Project.create(target)
    assert target.read_text() == "keep me"


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "not a database file"),
        (b"name,answer\n1,hello\n", "not a database file"),
    ],
)
def test_open_rejects_non_projects_unchanged(tmp_path, content, message):
    f = tmp_path / "survey.postcoder"
    f.write_bytes(content)
    with pytest.raises(ProjectFileError, match=message) as err:
        Project.open(f)
    assert "survey.postcoder" in str(err.value)
    assert f.read_bytes() == content


def test_open_rejects_other_sqlite_database_unchanged(tmp_path):
    f = tmp_path / "other.db"
    con = sqlite3.connect(f)
    con.execute("CREATE TABLE t(x)")
    con.commit()
    con.close()
    before = f.read_bytes()
    with pytest.raises(ProjectFileError, match="another program"):
        Project.open(f)
    assert f.read_bytes() == before
    assert not (tmp_path / "other.db-wal").exists()


def test_open_rejects_newer_schema(tmp_path):
    path = tmp_path / "new.postcoder"
    Project.create(path).close()
    con = sqlite3.connect(path)
    con.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
                " VALUES ('post_coder', '9999_from_the_future', '2030-01-01')")
    con.commit()
    con.close()
    with pytest.raises(ProjectFileError, match="newer version"):
        Project.open(path)


def test_open_rejects_truncated_file(tmp_path):
    path = tmp_path / "t.postcoder"
    p = Project.create(path)
    with p.transact("fill") as step:
        for i in range(300):
            step.audit("create", "thing", str(i), after={"text": "x" * 500})
    p.close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(ProjectFileError, match="damaged"):
        Project.open(path)


def test_large_file_check_catches_truncation(tmp_path, monkeypatch):
    from post_coder.store import db as store_db

    monkeypatch.setattr(store_db, "QUICK_CHECK_LIMIT", 0)  # take the large-file path
    path = tmp_path / "t.postcoder"
    p = Project.create(path)
    with p.transact("fill") as step:
        for i in range(300):
            step.audit("create", "thing", str(i), after={"text": "x" * 500})
    p.close()
    Project.open(path).close()  # intact: opens
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 4096 * 3])
    with pytest.raises(ProjectFileError, match="damaged"):
        Project.open(path)


def test_large_file_check_accepts_pages_still_in_the_wal(tmp_path, monkeypatch):
    """After a crash the newest pages may live only in the -wal file: not damage."""
    from post_coder.store import db as store_db

    monkeypatch.setattr(store_db, "QUICK_CHECK_LIMIT", 0)
    path = tmp_path / "w.postcoder"
    Project.create(path).close()
    writer = sqlite3.connect(path)
    writer.execute("PRAGMA wal_autocheckpoint = 0")  # as if the app died before checkpointing
    writer.execute("INSERT INTO meta VALUES ('filler', ?)", ["x" * 4_000_000])
    writer.commit()
    assert (tmp_path / "w.postcoder-wal").stat().st_size > path.stat().st_size
    Project.open(path).close()
    writer.close()


def test_readonly_handle_reads_but_cannot_write(project):
    with project.transact("A") as step:
        step.audit("create", "thing", "1")
    reader = Project.open_readonly(project.path)
    try:
        assert reader.id == project.id and audit.count(reader.db) == 1
        with pytest.raises(ProjectReadOnlyError, match="read-only"):
            with reader.transact("B") as step:
                step.audit("create", "thing", "2")
    finally:
        reader.close()


def test_missing_file(tmp_path):
    with pytest.raises(ProjectFileError, match="no such file"):
        Project.open(tmp_path / "nope.postcoder")


def test_save_copy_is_complete(project, tmp_path):
    with project.transact("A") as step:
        step.audit("create", "thing", "1")
    copy = tmp_path / "copy.postcoder"
    project.save_copy(copy)
    other = Project.open(copy)
    try:
        assert other.id == project.id
        assert audit.count(other.db) == 1
    finally:
        other.close()
