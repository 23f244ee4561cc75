"""The import's fast paths give the same results as the plain ones: ids made in bulk, lines
split without a StringIO, the inspected frame passed on instead of the file parsed again.
(The timings are in benchmarks/bench_import.py; no large data here.)"""

from __future__ import annotations

import io
import random
import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from post_coder.errors import Cancelled
from post_coder.ids import new_ids
from post_coder.importing import import_survey, inspect_file, readers
from post_coder.importing.plan import inspected_frame
from post_coder.progress import Progress
from post_coder.project import Project

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def test_bulk_ids_are_unique_sorted_version_4_uuids():
    batches = [new_ids(3000) for _ in range(3)]
    every = [i for batch in batches for i in batch]
    assert len(set(every)) == 9000
    for batch in batches:
        assert batch == sorted(batch)
    for text in every:
        parsed = uuid.UUID(text)
        assert (parsed.version, parsed.variant, str(parsed)) == (4, uuid.RFC_4122, text)
    assert new_ids(0) == [] and len(new_ids(1)) == 1


@pytest.mark.parametrize("pieces", [
    ["a", ",", '"', "\n", "\r\n", "é", "\u2028", "\x0b"],           # no lone CR
    ["a", ",", '"', "\n", "\r\n", "\r", "é", "\u2028", "\x0c"],     # lone CRs too
])
def test_physical_lines_split_as_stringio_does(pieces):
    rng = random.Random(7)
    for _ in range(2000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 25)))
        assert list(readers.physical_lines(text)) == list(io.StringIO(text, newline="")), text


def content(project: Project) -> dict:
    """What an import stored, without the random ids."""
    q = lambda sql: project.db.execute(sql).fetchall()  # noqa: E731
    return {
        "respondents": q("SELECT external_id, row_number FROM respondents ORDER BY rowid"),
        "questions": q("SELECT column_name, wording, position, blank_count, nonanswer_count"
                       " FROM questions ORDER BY position"),
        "responses": q("SELECT p.external_id, q.column_name, r.text FROM responses r"
                       " JOIN respondents p ON p.id = r.respondent_id"
                       " JOIN questions q ON q.id = r.question_id ORDER BY r.seq"),
        "variables": q("SELECT name, label, type, levels, position FROM variables"
                       " ORDER BY position"),
        "values": sorted(q("SELECT v.name, p.external_id, x.value FROM variable_values x"
                           " JOIN variables v ON v.id = x.variable_id"
                           " JOIN respondents p ON p.id = x.respondent_id"), key=repr),
        "search": q("SELECT r.text FROM responses_fts f JOIN responses r ON r.seq = f.rowid"
                    " WHERE responses_fts MATCH 'the' ORDER BY r.seq"),
    }


@pytest.mark.parametrize("name", ["qualtrics_new.csv", "redcap_data.csv", "google_forms.csv",
                                  "surveymonkey_2hdr.csv", "typeform_repeated.csv",
                                  "mixed_utf8_cp1252.csv", "excel_utf8_bom_crlf.csv",
                                  "limesurvey_fulltext_de.csv"])
def test_passing_the_inspected_frame_on_imports_the_same(tmp_path, name):
    plan = inspect_file(FIXTURES / name)
    if not plan.open_ended:
        plan = plan.as_table()
    stored = []
    for n, given in enumerate((plan, replace(plan, _frame=None))):  # reused, then read again
        project = Project.create(tmp_path / f"{n}.postcoder")
        try:
            result = import_survey(project, given)
            stored.append(content(project))
            ids = [r[0] for r in project.db.execute("SELECT id FROM respondents UNION ALL "
                                                    "SELECT id FROM responses")]
            assert len(set(ids)) == len(ids) == result.respondents + result.responses
            assert all(uuid.UUID(i).version == 4 for i in ids)
        finally:
            project.close()
    assert stored[0] == stored[1]
    assert stored[0]["respondents"]  # something was imported


def test_cancel_at_the_last_batch_leaves_the_project_unchanged(project, snapshot):
    plan = inspect_file(FIXTURES / "redcap_data.csv")
    seen: list[str] = []
    total_updates = []
    counting = Project.create(project.path.with_name("count.postcoder"))
    try:
        import_survey(counting, plan,
                      progress=Progress(lambda d, t, label: total_updates.append(label)))
    finally:
        counting.close()

    def listener(done, total, label):
        seen.append(label)
        if len(seen) == len(total_updates):  # the last update before the commit
            progress.cancel()

    progress = Progress(listener)
    before = snapshot(project)
    with pytest.raises(Cancelled):
        import_survey(project, plan, progress=progress)
    assert snapshot(project) == before
    assert seen == total_updates and seen[-1].startswith("Saving")


PIECES = ["a", "é", "很", ",", ";", "\t", '"', '""', "\n", "\r\n", "\r", " "]


@pytest.mark.parametrize("seed, longest", [(1, 12), (2, 40)])
def test_plain_records_read_as_the_csv_module_does(seed, longest):
    """Wherever the reader without the csv module gives an answer, it is the csv module's
    (strict) answer, line positions included; elsewhere it leaves the text to the module."""
    rng = random.Random(seed)
    used = 0
    for _ in range(6000):
        delimiter = rng.choice([",", ";", "\t"])
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, longest)))
        first = rng.choice([1, 1, 2])  # 2: after Excel's "sep=" line
        plain = readers.plain_records(text, delimiter, first)
        if plain is None:
            continue
        used += 1
        assert plain == readers._records(text, delimiter, first, strict=True), text
    assert used > 1000  # the comparison ran on many texts


def test_parse_csv_hands_irregular_quotes_to_the_csv_module(tmp_path):
    text = 'id,comment\n1,a "quoted" word\n2,"closed" then more\n'
    assert readers.plain_records(text, ",") is None
    rows, lines = readers.parse_csv(tmp_path / "x.csv", text, ",")
    assert rows == [["id", "comment"], ["1", 'a "quoted" word'], ["2", "closed then more"]]
    assert lines is None
    spanning = 'id,comment\n1,"two\r\nlines"\n2,"three\n\nlines"\n3,one\n'
    assert readers.parse_csv(tmp_path / "x.csv", spanning, ",") == (
        [["id", "comment"], ["1", "two\r\nlines"], ["2", "three\n\nlines"], ["3", "one"]],
        [1, 2, 4, 7])


def test_kind_of_long_answers_without_trimming_matches_the_rule():
    from post_coder.importing.values import ANSWER, BLANK, NONANSWER, is_nonanswer, kind

    def rule(value: str) -> int:
        text = value.strip()
        return BLANK if not text else NONANSWER if is_nonanswer(text) else ANSWER

    rng = random.Random(3)
    pieces = ["a", " ", "\n", "\u3000", ".", "-", "n/a", "none", "x" * 30, "\t"]
    for _ in range(5000):
        value = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        assert kind(value) == rule(value), repr(value)
    assert kind("." * 100) == NONANSWER and kind(" " * 90 + "x" * 20 + " " * 70) == ANSWER


def test_statement_spans_are_the_greedy_ones(monkeypatch):
    """Rows go in statements as a row-by-row greedy fill would cut them (at most
    ``per_statement`` rows and STATEMENT_TEXT characters, a longer text alone), however
    the lengths fall."""
    from post_coder.store import surveys

    monkeypatch.setattr(surveys, "STATEMENT_TEXT", 100)

    def greedy(lengths, per_statement):
        spans, start, size = [], 0, 0
        for i, n in enumerate(lengths):
            if i > start and (i - start == per_statement or size + n > 100):
                spans.append((start, i))
                start, size = i, 0
            size += n
        return spans + ([(start, len(lengths))] if lengths else [])

    rng = random.Random(5)
    for _ in range(3000):
        lengths = [rng.choice([0, 1, 7, 30, 99, 100, 101, 250]) for _ in range(rng.randint(0, 40))]
        per = rng.randint(1, 12)
        assert list(surveys.statement_spans(lengths, per)) == greedy(lengths, per), (lengths, per)
    assert list(surveys.statement_spans([10] * 7, 3)) == [(0, 3), (3, 6), (6, 7)]
    assert list(surveys.statement_spans([60, 60, 150, 40], 5)) == [(0, 1), (1, 2), (2, 3), (3, 4)]


def test_long_texts_go_in_their_own_statements_in_order(project, monkeypatch):
    """Responses are written in as few statements as the limits allow, a text longer than
    STATEMENT_TEXT alone; the table's order is the order given either way."""
    from post_coder.store import surveys

    monkeypatch.setattr(surveys, "STATEMENT_TEXT", 50)
    statements: list[int] = []
    real = surveys._insert_responses
    monkeypatch.setattr(surveys, "_insert_responses",
                        lambda db, chunk: (statements.append(len(chunk)), real(db, chunk)))
    texts = ["short one", "x" * 120, "short two", "short three", "y" * 49, "z"]
    with project.transact("test", undoable=False) as step:
        surveys.insert_dataset(step.db, id="d", name="d", original_name="d.csv", sha256="s",
                               format="csv", platform=None, options={}, row_count=1,
                               imported_at="2026-01-01T00:00:00", imported_by=None)
        step.db.execute("INSERT INTO respondents VALUES ('p', 'd', '1', 2)")
        step.db.execute("INSERT INTO questions (id, dataset_id, column_name, wording, position)"
                        " VALUES ('q', 'd', 'Q', 'Q', 0)")
        surveys.insert_responses(step.db, [(f"r{i}", "p" if i == 0 else f"p{i}", "q", t)
                                           for i, t in enumerate(texts[:1])])
        for i in range(1, len(texts)):
            step.db.execute("INSERT INTO respondents VALUES (?, 'd', ?, 2)", [f"p{i}", str(i + 1)])
        statements.clear()
        surveys.insert_responses(step.db, [(f"r{i}", f"p{i}", "q", t)
                                           for i, t in enumerate(texts) if i])
    # "x"*120 alone; the two shorts (20 characters; 69 with the next); "y"*49 and "z" (50)
    assert statements == [1, 2, 2]
    stored = project.db.execute("SELECT text FROM responses ORDER BY seq").fetchall()
    assert [t for (t,) in stored] == texts
    hits = project.db.execute("SELECT count(*) FROM responses_fts WHERE responses_fts MATCH"
                              " 'short'").fetchone()
    assert hits == (3,)


def test_cycle_collector_paused_while_reading_and_importing_then_as_before(tmp_path,
                                                                           monkeypatch):
    import gc

    from post_coder.importing import plan as plan_module
    from post_coder.store import surveys

    seen = []
    for module, name in ((plan_module, "plan_columns"), (surveys, "insert_respondents")):
        real = getattr(module, name)

        def spy(*args, _real=real, **kwargs):
            seen.append(gc.isenabled())
            return _real(*args, **kwargs)
        monkeypatch.setattr(module, name, spy)
    assert gc.isenabled()
    plan = inspect_file(FIXTURES / "qualtrics_new.csv")
    assert gc.isenabled()
    with Project.create(tmp_path / "p.postcoder") as project:
        import_survey(project, plan)
        assert gc.isenabled()
        assert seen == [False, False]  # off while the file was read and while it was written
        with pytest.raises(Exception, match="already imported"):
            import_survey(project, plan)  # a failed import turns the collector on again too
        assert gc.isenabled()
    gc.disable()
    try:
        inspect_file(FIXTURES / "qualtrics_new.csv")
        assert not gc.isenabled()  # off before: left off
    finally:
        gc.enable()


def test_cell_kinds_in_bulk_are_those_of_kind_cell_by_cell():
    from collections import Counter

    from post_coder.importing.values import ANSWER, kind, kinds

    words = ["N/A", "n/a.", "NA", "na", "None", " none ", "NIL", "Nothing!", "no comment",
             "No comments...", "-", "--", "...", ".", "?", "-/-", "…", "nope", "Nursing",
             "R_0001", "Agree", "0", "07", "x", "Ok", "\u00a0N/A\u00a0", "ＮＡ", "ǅ", "\t"]
    cells = ["", " ", "\n"] + words + [c + w for c in (" ", "a", "N", "-", ".") for w in words]
    cells += [chr(c) + "one" for c in range(32, 127)] + [chr(c) for c in range(32, 127)]
    cells += ["x" * 16, "x" * 17, "-" * 17, "." + "y" * 20, " " * 90 + "z", "N" * 81]
    counts = Counter(cells + cells[:10])
    got = kinds(counts)
    assert got.counts is counts
    assert [got.not_answers.get(value, ANSWER) for value in counts] == list(map(kind, counts))
    assert got.texts == [value.strip() for value in counts]
    assert not got.trimmed and kinds(Counter(["a", "b c", "N/A", ""])).trimmed
    assert ANSWER not in got.not_answers.values()
    assert {kind("N/A"), kind(" "), kind("R_0001")} == {0, 1, 2}  # all three kinds met


def test_the_import_reuses_the_cell_kinds_of_the_suggested_questions(project, tmp_path,
                                                                     monkeypatch):
    from collections import Counter

    from post_coder.importing import survey
    from post_coder.importing.values import Kinds

    path = tmp_path / "kinds.csv"
    path.write_text("id,dept,comment\nR1,EM,  The shuttle was late every day  \nR2,ICU,N/A\n"
                    "R3,EM,\nR4,ICU,More night staff would help a lot\n", encoding="utf-8")
    plan = inspect_file(path)
    frame = plan._frame
    assert plan.open_ended == ["comment"] and plan.attributes == ["dept"]
    assert set(frame.cell_kinds) == {"comment", "dept"}  # not the id column
    kept = frame.kept_kinds("comment")
    assert list(kept.counts.items()) == [("  The shuttle was late every day  ", 1), ("N/A", 1),
                                         ("", 1), ("More night staff would help a lot", 1)]
    assert kept.texts == ["The shuttle was late every day", "N/A", "",
                          "More night staff would help a lot"]
    assert kept.not_answers == {"N/A": 1, "": 0} and not kept.trimmed
    assert list(frame.kept_kinds("dept").counts.items()) == [("EM", 2), ("ICU", 2)]
    counted = []
    real = survey.kinds
    monkeypatch.setattr(survey, "kinds", lambda counts: counted.append(counts) or real(counts))
    result = import_survey(project, plan.with_mapping(attributes=["dept"]))
    assert counted == []  # the kept kinds were used, the cells not counted again
    assert result.questions == [("comment", 2, 1, 1)]
    assert frame.cell_kinds == {} and frame.released
    stored = project.db.execute("SELECT text FROM responses ORDER BY seq").fetchall()
    assert stored == [("The shuttle was late every day",), ("More night staff would help a lot",)]
    # cells replaced since the inspection (read again after the release): counted afresh
    frame.cell_kinds = {"comment": (["stale"], Kinds(Counter(["stale"]), ["stale"], {}, True))}
    reread = inspected_frame(plan)
    assert reread is frame and reread.kept_kinds("comment") is None


@pytest.mark.parametrize(("ids", "fit"), [
    (["R1", "R2", "R3"], True), (["R1", " R2 ", "R3"], True),
    (["R1", "R2", " R1"], False), (["R1", "\t", "R3"], False), (["R1", "", "R3"], False),
    (["r1", "R1"], True), ([], True)])
def test_ids_checked_in_bulk_as_row_by_row(ids, fit):
    from post_coder.importing.plan import ids_fit

    trimmed = [i.strip() for i in ids]
    assert ids_fit(ids) is fit
    assert fit == (all(trimmed) and len(set(trimmed)) == len(trimmed))


def test_a_repeated_id_after_trimming_is_refused_at_import(project, tmp_path):
    from post_coder.errors import InputError

    path = tmp_path / "ids.csv"
    path.write_text("id,comment\nR1,The shuttle was late every day\nR2,More night staff please\n"
                    "R1 ,The parking is far from the ward\n", encoding="utf-8")
    plan = inspect_file(path)
    assert plan.warnings == ['the respondent id "R1" appears twice in column "id" (lines 2 '
                             'and 4); choose another id column or none (--no-id)']
    with pytest.raises(InputError, match='the respondent id "R1" appears twice, in lines 2 '
                                         'and 4'):
        import_survey(project, plan)
    assert project.db.execute("SELECT count(*) FROM respondents").fetchone() == (0,)
