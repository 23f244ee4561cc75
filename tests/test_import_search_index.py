"""The import fills the full-text index in one pass after its answers are in
(``surveys.responses_indexed_at_end``): the index holds exactly what the per-row insert
trigger writes, the trigger is back afterwards, and a cancel or failure leaves the project
as it was. (The timings are in benchmarks/bench_import.py; no large data here.)"""

from __future__ import annotations

import contextlib
import csv
import random
import sqlite3
import sys
import threading
import time
import types
from pathlib import Path

import pytest

from post_coder.errors import Cancelled, InputError
from post_coder.importing import import_survey, inspect_file
from post_coder.importing import survey as survey_import
from post_coder import progress as progress_module
from post_coder.progress import Progress
from post_coder.project import Project
from post_coder.store import surveys

FIXTURES = Path(__file__).resolve().parent / "fixtures"
#: several imports into one project: each after the first starts after existing responses
FILES = ["qualtrics_new.csv", "limesurvey_fulltext_de.csv", "non_latin.csv", "alchemer.csv",
         "kobo_system_columns.csv", "mixed_utf8_cp1252.csv"]
WORDS = ("the staff were kind and helpful but waiting was far too long café après l'opération "
         "naïve Ärzte 很好 отлично peer-support self_care 3pm N/A").split()


def generated(path: Path, rows: int = 400) -> Path:
    """Answers of 1-30 words (some blank), over several import batches of one statement."""
    rng = random.Random(5)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["id", "dept", "Q1", "Q2"])
        for i in range(rows):
            out.writerow([f"G{i}", rng.choice("ABC"),
                          *(" ".join(rng.choices(WORDS, k=rng.randint(0, 30))) for _ in "12")])
    return path


def index_instances(project: Project) -> list[tuple]:
    """Every token the index holds: (term, respondent's external id, question, offset)."""
    db = project.db
    db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.terms"
               " USING fts5vocab(main, responses_fts, 'instance')")
    rows = db.execute(
        "SELECT t.term, p.external_id, q.column_name, t.offset FROM temp.terms t"
        " JOIN responses r ON r.seq = t.doc JOIN respondents p ON p.id = r.respondent_id"
        " JOIN questions q ON q.id = r.question_id").fetchall()
    return sorted(rows)


def schema(project: Project) -> list[tuple]:
    return project.db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"
                              " ORDER BY type, name").fetchall()


def import_all(path: Path) -> Project:
    project = Project.create(path)
    for file in [FIXTURES / name for name in FILES] + [generated(path.with_suffix(".csv"))]:
        plan = inspect_file(file)
        import_survey(project, plan if plan.open_ended else plan.as_table())
    return project


def test_the_index_holds_what_the_per_row_trigger_writes(tmp_path, monkeypatch):
    at_end = import_all(tmp_path / "end.postcoder")
    try:
        got = index_instances(at_end)
        after = schema(at_end)
        # SQLite's own check: the index matches the responses table row for row
        at_end.db.execute("INSERT INTO responses_fts(responses_fts, rank)"
                          " VALUES ('integrity-check', 1)")
        hits = at_end.db.execute("SELECT count(*) FROM responses_fts WHERE responses_fts"
                                 " MATCH 'peer'").fetchone()
    finally:
        at_end.close()
    no_fill = types.SimpleNamespace(fill_while=lambda work: work())  # the trigger, row by row
    monkeypatch.setattr(surveys, "responses_indexed_at_end",
                        lambda db: contextlib.nullcontext(no_fill))
    per_row = import_all(tmp_path / "rows.postcoder")
    try:
        want = index_instances(per_row)
        assert schema(per_row) == after  # the trigger is back, as the migration wrote it
    finally:
        per_row.close()
    assert len(want) > 10_000 and {"peer", "aber", "apres", "很好"} <= {t for t, *_ in want}
    assert got == want
    assert hits[0] >= 1


def test_answers_added_after_an_import_are_indexed_by_the_trigger(project):
    import_survey(project, inspect_file(FIXTURES / "qualtrics_new.csv"))
    with project.transact("add", undoable=False) as step:
        person, question = step.db.execute(
            "SELECT r.id, q.id FROM respondents r, questions q"
            " WHERE NOT EXISTS (SELECT 1 FROM responses x WHERE x.respondent_id = r.id"
            " AND x.question_id = q.id) LIMIT 1").fetchone()
        surveys.insert_responses(step.db, [("late", person, question, "zebracrossing here")])
    found = project.db.execute(
        "SELECT r.id FROM responses_fts f JOIN responses r ON r.seq = f.rowid"
        " WHERE responses_fts MATCH 'zebracrossing'").fetchall()
    assert found == [("late",)]


def test_outside_a_transaction_it_refuses(project):
    with pytest.raises(RuntimeError, match="transaction"):
        with surveys.responses_indexed_at_end(project.db):
            pass  # pragma: no cover
    assert [r[0] for r in project.db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name = ?",
        [surveys.SEARCH_TRIGGER])] == [surveys.SEARCH_TRIGGER]


@pytest.mark.parametrize("label", ["Saving answers", "Indexing answers for search",
                                   "Saving attributes"])
def test_cancel_while_answers_are_indexed_leaves_the_project_unchanged(project, snapshot,
                                                                       label):
    import_survey(project, inspect_file(FIXTURES / "google_forms.csv"))  # something there
    plan = inspect_file(FIXTURES / "qualtrics_new.csv")
    seen: list[str] = []

    def listener(done, total, shown):
        seen.append(shown)
        if shown == label:
            progress.cancel()

    progress = Progress(listener)
    before, tables = schema(project), snapshot(project)
    with pytest.raises(Cancelled):
        import_survey(project, plan, progress=progress)
    assert seen[-1] == label
    assert schema(project) == before  # the insert trigger is there again
    assert snapshot(project) == tables
    # and the next import indexes its answers
    result = import_survey(project, plan)
    project.db.execute("INSERT INTO responses_fts(responses_fts, rank)"
                       " VALUES ('integrity-check', 1)")
    assert result.responses > 0


def test_a_failure_after_the_answers_leaves_the_project_unchanged(project, snapshot,
                                                                  monkeypatch):
    plan = inspect_file(FIXTURES / "qualtrics_new.csv")
    before, tables = schema(project), snapshot(project)

    def broken(*args, **kwargs):
        raise OSError("disk gone")

    monkeypatch.setattr(surveys, "insert_variable_values", broken)
    with pytest.raises(OSError):
        import_survey(project, plan)
    assert schema(project) == before
    assert snapshot(project) == tables


def test_the_index_is_filled_with_a_larger_hash_which_is_put_back(project):
    """The one-pass fill runs with FTS5's hash of pending terms at BULK_HASH_BYTES (fewer,
    larger writes) and the setting is put back to FTS5's default afterwards, so that later
    edits (row by row, through the triggers) hold no more memory than before."""
    statements: list[str] = []
    project.db.conn.set_trace_callback(statements.append)
    try:
        import_survey(project, inspect_file(FIXTURES / "qualtrics_new.csv"))
    finally:
        project.db.conn.set_trace_callback(None)
    fts = [s for s in statements if s.startswith("INSERT INTO responses_fts(")]
    fill = next(i for i, s in enumerate(fts) if "SELECT seq, text FROM responses" in s)
    assert f"'hashsize', {surveys.BULK_HASH_BYTES})" in fts[fill - 1]
    assert f"'hashsize', {surveys.HASH_BYTES})" in fts[fill + 1]
    assert surveys.BULK_HASH_BYTES > surveys.HASH_BYTES == 2**20
    assert project.db.execute("SELECT v FROM responses_fts_config WHERE k = 'hashsize'"
                              ).fetchone() == (surveys.HASH_BYTES,)
    assert project.db.execute("SELECT count(*) FROM responses_fts WHERE responses_fts"
                              " MATCH 'time'").fetchone()[0] > 0


@pytest.fixture
def interval():
    """A switch interval of the test's own, put back afterwards: the import's own must be
    back to it after an import."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(0.004)
    yield sys.getswitchinterval()
    sys.setswitchinterval(before)


def _conversions(monkeypatch, fail: bool = False) -> list[tuple]:
    """(thread, the fill's state, switch interval) at each attribute's conversion; the
    conversion is slowed down (so that the fill is under way) and may fail."""
    seen: list[tuple] = []
    state = ["before"]
    real_hash, real_variable = surveys._search_hash_size, survey_import._variable

    def hash_size(conn, size):
        state[0] = "filling" if size == surveys.BULK_HASH_BYTES else "filled"
        real_hash(conn, size)

    def variable(frame, column):
        seen.append((threading.current_thread(), state[0], sys.getswitchinterval()))
        time.sleep(0.01)
        if fail:
            raise InputError('"x" is not a number', file=frame.path, column=column.name)
        return real_variable(frame, column)

    monkeypatch.setattr(surveys, "_search_hash_size", hash_size)
    monkeypatch.setattr(survey_import, "_variable", variable)
    return seen


def test_attributes_are_converted_in_a_thread_of_their_own_while_the_index_fills(
        project, monkeypatch, interval):
    seen = _conversions(monkeypatch)
    result = import_survey(project, inspect_file(FIXTURES / "qualtrics_new.csv"))
    assert seen and all(thread is not threading.current_thread() and not thread.is_alive()
                        for thread, _, _ in seen)
    assert {(state, switch) for _, state, switch in seen} == {
        ("filling", progress_module.ALONGSIDE_SWITCH_INTERVAL)}
    assert sys.getswitchinterval() == interval  # put back
    assert result.responses > 0
    project.db.execute("INSERT INTO responses_fts(responses_fts, rank)"
                       " VALUES ('integrity-check', 1)")
    assert project.db.execute("SELECT count(*) FROM responses_fts WHERE responses_fts"
                              " MATCH 'time'").fetchone()[0] > 0


@pytest.mark.parametrize("where", ["converting", "filling"])
def test_a_failure_while_the_index_fills_leaves_the_project_as_it_was(project, snapshot,
                                                                      monkeypatch, where,
                                                                      interval):
    """The conversion's thread is waited for, whichever side failed, and the transaction
    rolls back."""
    import_survey(project, inspect_file(FIXTURES / "google_forms.csv"))
    plan = inspect_file(FIXTURES / "qualtrics_new.csv")
    before, tables = schema(project), snapshot(project)
    seen = _conversions(monkeypatch, fail=where == "converting")
    if where == "filling":
        def fill(self):
            time.sleep(0.05)  # the conversion is under way
            raise sqlite3.OperationalError("database or disk is full")
        monkeypatch.setattr(surveys.SearchFill, "_fill", fill)
    with pytest.raises(InputError if where == "converting" else sqlite3.OperationalError):
        import_survey(project, plan)
    assert seen and not any(thread.is_alive() for thread, _, _ in seen)
    assert sys.getswitchinterval() == interval
    assert schema(project) == before and snapshot(project) == tables
    monkeypatch.undo()
    assert import_survey(project, plan).responses > 0  # the next import goes through
    project.db.execute("INSERT INTO responses_fts(responses_fts, rank)"
                       " VALUES ('integrity-check', 1)")


def test_the_short_switch_interval_is_put_back_when_the_last_import_ends(interval):
    """Two imports at once (two projects): the first to end leaves the interval short for
    the other; the last puts back what was there before either."""
    first, second = progress_module.short_switches(), progress_module.short_switches()
    first.__enter__()
    second.__enter__()
    assert sys.getswitchinterval() == progress_module.ALONGSIDE_SWITCH_INTERVAL
    first.__exit__(None, None, None)
    assert sys.getswitchinterval() == progress_module.ALONGSIDE_SWITCH_INTERVAL
    second.__exit__(None, None, None)
    assert sys.getswitchinterval() == interval


def test_alongside_returns_the_work_and_raises_its_error_after_the_block(interval):
    """What the block gets back, and when: the work's result, or its exception raised in
    the caller's thread; the work is over once the block is left, even when the block
    raises."""
    seen = []
    with progress_module.alongside(lambda: (time.sleep(0.02), 42)[1]) as result:
        seen.append(sys.getswitchinterval())
    assert result() == 42 and seen == [progress_module.ALONGSIDE_SWITCH_INTERVAL]

    def boom():
        time.sleep(0.02)
        raise ValueError("the work failed")

    with progress_module.alongside(boom) as result:
        pass
    with pytest.raises(ValueError, match="the work failed"):
        result()
    finished = []
    with pytest.raises(KeyError):
        with progress_module.alongside(lambda: (time.sleep(0.05), finished.append(1))):
            raise KeyError("the block failed")
    assert finished == [1]  # waited for before the block's error went on
    assert sys.getswitchinterval() == interval
