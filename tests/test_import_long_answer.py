"""A long answer is held once while the import writes it: the inspected table lets go of its
cells once they are converted (``Frame.release``; a plan used again reads them from the
file again), and the import hands a long text over to SQLite in a holder that forgets it
(``surveys.handed``). The responses go in statements of at most ``STATEMENT_ROWS`` rows (a
cached statement keeps its last bound values). Small data here; the 54 MB case, and its
peak memory, are in benchmarks/bench_import.py."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from post_coder.errors import Cancelled, InputError
from post_coder.importing import import_survey, inspect_file
from post_coder.importing.plan import PREVIEW_CHARS, inspected_frame
from post_coder.progress import Progress
from post_coder.store import surveys

LONG = "word " * 1500 + "end"  # 7,503 characters, nothing to trim


def _write(path: Path, long_row: int, rows: int = 30) -> Path:
    lines = ["id,dept,answer"]
    for i in range(1, rows + 1):
        answer = LONG if i == long_row else f"short answer number {i}"
        lines.append(f"R{i},{'EM' if i % 2 else 'ICU'},{answer}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_sqlite_takes_a_long_answer_from_the_only_holder_left(project, tmp_path, monkeypatch):
    monkeypatch.setattr(surveys, "STATEMENT_TEXT", 1000)
    plan = inspect_file(_write(tmp_path / "long.csv", long_row=20))
    # the wizard keeps the inspected plan and imports a copy with the person's choices:
    # both share the table read
    mapped = plan.with_mapping(open_ended=["answer"], attributes=["dept"])
    assert mapped._frame is plan._frame
    seen = []
    real = surveys._Handed.__conform__

    def spy(self, protocol):
        # 2: the holder's own reference and getrefcount's argument, nothing else; the
        # table read lets go of the answers (the attributes' cells are converted later)
        seen.append((sys.getrefcount(self.text), plan._frame.released,
                     list(plan._frame.columns)))
        return real(self, protocol)

    monkeypatch.setattr(surveys._Handed, "__conform__", spy)
    result = import_survey(project, mapped)
    assert seen == [(2, True, ["dept"])]
    assert plan._frame.columns == {}  # and of every cell once the import is done
    assert result.responses == 30 and result.questions == [("answer", 30, 0, 0)]
    stored = project.db.execute("SELECT text FROM responses ORDER BY seq").fetchall()
    assert [t for (t,) in stored] == [LONG if i == 20 else f"short answer number {i}"
                                      for i in range(1, 31)]
    hits = project.db.execute("SELECT rowid FROM responses_fts WHERE responses_fts MATCH "
                              "'end'").fetchall()
    assert len(hits) == 1


def test_a_plan_used_again_after_a_cancelled_import_reads_its_cells_again(project, tmp_path,
                                                                           snapshot):
    path = _write(tmp_path / "long.csv", long_row=3)
    plan = inspect_file(path)
    frame = plan._frame
    cells = {name: list(values) for name, values in frame.columns.items()}
    before = snapshot(project)

    def listener(done, total, label):
        if label == "Saving answers":
            progress.cancel()

    progress = Progress(listener)
    with pytest.raises(Cancelled):
        import_survey(project, plan, progress=progress)
    assert snapshot(project) == before
    assert frame.released and frame.columns == {}
    # choosing again profiles the cells: they are read from the file into the same frame
    retyped = plan.with_mapping(types={"dept": "text"})
    assert retyped.column("dept").type == "text"
    assert not frame.released and frame.columns == cells
    result = import_survey(project, plan)
    assert result.responses == 30
    assert project.db.execute("SELECT count(*) FROM responses WHERE text = ?",
                              [LONG]).fetchone() == (1,)


def test_a_released_table_is_not_read_again_from_a_changed_file(project, tmp_path):
    path = _write(tmp_path / "long.csv", long_row=3)
    plan = inspect_file(path)
    plan._frame.release()
    path.write_text(path.read_text(encoding="utf-8").replace("R30", "R31"), encoding="utf-8")
    with pytest.raises(InputError, match="the file changed since it was inspected"):
        inspected_frame(plan)
    with pytest.raises(InputError, match="the file changed since it was inspected"):
        import_survey(project, plan)


def test_the_plan_keeps_no_long_answer_in_its_preview_or_samples(tmp_path):
    plan = inspect_file(_write(tmp_path / "long.csv", long_row=1))
    assert plan.preview[0]["answer"] == LONG[:PREVIEW_CHARS]
    assert plan.column("answer").sample[0] == LONG[:PREVIEW_CHARS]
    assert plan.preview[1]["answer"] == "short answer number 2"
    assert plan.column("answer").sample[1:] == ["short answer number 2",
                                                "short answer number 3"]
    assert plan._frame.columns["answer"][0] == LONG  # the table itself has it whole


def test_handed_texts_are_given_to_sqlite_once(monkeypatch):
    monkeypatch.setattr(surveys, "STATEMENT_TEXT", 10)
    assert surveys.handed("ten chars.") == "ten chars."
    holder = surveys.handed("eleven char")
    assert not isinstance(holder, str) and len(holder) == 11
    assert holder.__conform__(None) == "eleven char"
    assert len(holder) == 11  # still measured for the statement's text budget
    with pytest.raises(RuntimeError, match="already handed"):
        holder.__conform__(None)


def test_responses_go_in_statements_of_at_most_statement_rows(project, monkeypatch):
    monkeypatch.setattr(surveys, "STATEMENT_ROWS", 2)
    statements: list[int] = []
    real = surveys._insert_responses
    monkeypatch.setattr(surveys, "_insert_responses",
                        lambda db, chunk: (statements.append(len(chunk)), real(db, chunk)))
    with project.transact("test", undoable=False) as step:
        surveys.insert_dataset(step.db, id="d", name="d", original_name="d.csv", sha256="s",
                               format="csv", platform=None, options={}, row_count=5,
                               imported_at="2026-01-01T00:00:00", imported_by=None)
        step.db.conn.executemany("INSERT INTO respondents VALUES (?, 'd', ?, ?)",
                                 [(f"p{i}", str(i), i + 1) for i in range(5)])
        step.db.execute("INSERT INTO questions (id, dataset_id, column_name, wording, position)"
                        " VALUES ('q', 'd', 'Q', 'Q', 0)")
        surveys.insert_responses(step.db, [(f"r{i}", f"p{i}", "q", f"text {i}")
                                           for i in range(5)])
    assert statements == [2, 2, 1]
    stored = project.db.execute("SELECT id, text FROM responses ORDER BY seq").fetchall()
    assert stored == [(f"r{i}", f"text {i}") for i in range(5)]
