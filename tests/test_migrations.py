"""A file made by the first schema opens after the later migrations, with all its data."""

import sqlite3

from post_coder.project import Project
from post_coder.queries import search
from post_coder.store import db as store_db
from post_coder.store import schema
from post_coder.store.scope import ReadScope

EVERYONE = ReadScope.everyone()


def _file_before(path, migration):
    """A project file with the schema as it was before ``migration`` (nothing in it)."""
    db = store_db.connect(path)
    store_db.set_application_id(db)
    schema.apply(db, stop_before=migration)
    return db


def _first_schema_file(path):
    db = _file_before(path, "0002_response_search")
    assert schema.applied_names(db) == ["0001_initial"]
    db.executescript("""
        BEGIN;
        INSERT INTO meta VALUES ('project_id', 'p-1'), ('name', 'Old study');
        INSERT INTO datasets (id, name, original_name, sha256, format, imported_at)
            VALUES ('d-1', 'old', 'old.csv', 'abc', 'csv', '2025-01-01T00:00:00+00:00');
        INSERT INTO respondents VALUES ('r-1', 'd-1', 'R1', 2), ('r-2', 'd-1', 'R2', 3);
        INSERT INTO questions (id, dataset_id, column_name, wording, position)
            VALUES ('q-1', 'd-1', 'feedback', 'Any feedback?', 0);
        INSERT INTO responses (id, respondent_id, question_id, text) VALUES
            ('a-1', 'r-1', 'q-1', 'The peer supporter listened well'),
            ('a-2', 'r-2', 'q-1', 'No time for it');
        INSERT INTO coders VALUES ('c-1', 'Maya Chen', 'MC', '#123456', '2025-01-01');
        INSERT INTO codes (id, name, color, created_at, updated_at)
            VALUES ('k-1', 'Lack of time', '#654321', '2025-01-01', '2025-01-01');
        INSERT INTO codings (id, response_id, code_id, coder_id, created_at, updated_at)
            VALUES ('g-1', 'a-2', 'k-1', 'c-1', '2025-01-01', '2025-01-01');
        COMMIT;
    """)
    db.close()


def test_first_schema_file_is_upgraded_with_its_data(tmp_path):
    path = tmp_path / "old.postcoder"
    _first_schema_file(path)
    with Project.open(path) as project:
        assert schema.pending_names(project.db) == []
        assert project.name == "Old study" and project.id == "p-1"
        [hit] = search(project, "listened")
        assert hit.respondent == "R1"  # the search index was built over the old responses
        from post_coder.coding.codings import list_codings
        [row] = list_codings(project, EVERYONE)
        assert (row.respondent, row.code, row.coder) == ("R2", "Lack of time", "Maya Chen")
    backup = tmp_path / "old.before-upgrade.postcoder"
    assert backup.exists()
    con = sqlite3.connect(backup)
    names = [r[0] for r in con.execute("SELECT name FROM _sqlite_migrations")]
    con.close()
    assert names == ["0001_initial"]


def test_fresh_and_upgraded_files_have_the_same_schema(tmp_path):
    old = tmp_path / "old.postcoder"
    _first_schema_file(old)
    Project.open(old).close()
    Project.create(tmp_path / "new.postcoder").close()

    def objects(path):
        con = sqlite3.connect(path)
        rows = con.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"
                           " WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").fetchall()
        con.close()
        return rows

    assert objects(old) == objects(tmp_path / "new.postcoder")


def test_values_index_is_dropped_and_attributes_still_read(tmp_path):
    """0012 drops ``variable_values_respondent``: a respondent's attributes are then found
    through the primary key, by its dataset's variables, with the same result as before."""
    from post_coder.store import surveys

    path = tmp_path / "before-0012.postcoder"
    db = _file_before(path, "0012_values_by_variable")
    db.executescript("""
        BEGIN;
        INSERT INTO meta VALUES ('project_id', 'p-2'), ('name', 'Values');
        INSERT INTO datasets (id, name, original_name, sha256, format, imported_at) VALUES
            ('d-1', 'one', 'one.csv', 'abc', 'csv', '2025-01-01T00:00:00+00:00'),
            ('d-2', 'two', 'two.csv', 'def', 'csv', '2025-01-02T00:00:00+00:00');
        INSERT INTO respondents VALUES ('r-1', 'd-1', 'R1', 2), ('r-2', 'd-2', 'R1', 2);
        INSERT INTO variables (id, dataset_id, name, type, levels, position) VALUES
            ('v-1', 'd-1', 'dept', 'categorical', '[]', 1),
            ('v-2', 'd-1', 'channels', 'multi_select', '["Phone", "Email"]', 0),
            ('v-3', 'd-2', 'dept', 'categorical', '[]', 0);
        INSERT INTO variable_values VALUES ('v-1', 'r-1', 'Pharmacy'),
            ('v-2', 'r-1', 'Email'), ('v-2', 'r-1', 'Phone'), ('v-3', 'r-2', 'Nursing');
        COMMIT;
    """)
    assert db.execute("SELECT count(*) FROM sqlite_master"
                      " WHERE name = 'variable_values_respondent'").fetchone()[0] == 1
    db.close()
    with Project.open(path) as project:
        assert schema.pending_names(project.db) == []
        assert project.db.execute("SELECT count(*) FROM sqlite_master"
                                  " WHERE name = 'variable_values_respondent'").fetchone()[0] == 0
        got = surveys.variable_values_for(project.db, "r-1")
        assert list(got.items()) == [("channels", ["Phone", "Email"]), ("dept", "Pharmacy")]
        assert surveys.variable_values_for(project.db, "r-2") == {"dept": "Nursing"}
        assert surveys.variable_values_for(project.db, "r-9") == {}


def test_search_index_is_rebuilt_without_sizes_and_finds_the_same(tmp_path):
    """0013 makes the full-text index again without its table of answer lengths (only
    ranking reads it): an old file's answers are found as before, an edited answer is
    kept in step by the triggers, and SQLite's own check passes."""
    path = tmp_path / "before-0013.postcoder"
    db = _file_before(path, "0013_search_index_without_sizes")
    db.executescript("""
        BEGIN;
        INSERT INTO meta VALUES ('project_id', 'p-3'), ('name', 'Search');
        INSERT INTO datasets (id, name, original_name, sha256, format, imported_at)
            VALUES ('d-1', 'one', 'one.csv', 'abc', 'csv', '2025-01-01T00:00:00+00:00');
        INSERT INTO respondents VALUES ('r-1', 'd-1', 'R1', 2), ('r-2', 'd-1', 'R2', 3),
            ('r-3', 'd-1', 'R3', 4);
        INSERT INTO questions (id, dataset_id, column_name, wording, position)
            VALUES ('q-1', 'd-1', 'feedback', 'Any feedback?', 0);
        INSERT INTO responses (id, respondent_id, question_id, text) VALUES
            ('a-1', 'r-1', 'q-1', 'The peer supporter listened well'),
            ('a-2', 'r-2', 'q-1', 'No time for peer calls après the shift'),
            ('a-3', 'r-3', 'q-1', 'Parking was hard');
        COMMIT;
    """)

    def found(con, query):
        return [r[0] for r in con.execute(
            "SELECT r.id FROM responses_fts f JOIN responses r ON r.seq = f.rowid"
            " WHERE responses_fts MATCH ? ORDER BY r.seq", [query])]

    queries = ["peer", '"peer supporter"', "apres", "parking OR listened", "time NOT calls"]
    before = {q: found(db.conn, q) for q in queries}
    assert before["peer"] == ["a-1", "a-2"] and before['"peer supporter"'] == ["a-1"]
    assert "responses_fts_docsize" in db.table_names()
    db.close()
    with Project.open(path) as project:
        con = project.db.conn
        assert schema.pending_names(project.db) == []
        assert "responses_fts_docsize" not in project.db.table_names()
        assert {q: found(con, q) for q in queries} == before
        con.execute("INSERT INTO responses_fts(responses_fts, rank) VALUES ('integrity-check', 1)")
        with project.transact("edit", undoable=False) as step:
            step.db.execute("UPDATE responses SET text = 'Parking is fine now' WHERE id = 'a-1'")
        assert found(con, "parking") == ["a-1", "a-3"]
        assert found(con, "listened") == []
        con.execute("INSERT INTO responses_fts(responses_fts, rank) VALUES ('integrity-check', 1)")
