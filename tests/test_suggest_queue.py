"""``SuggestionQueue``: one Suggest Codes run as a queue (what is open, ticks, what comes
next, following undo), on hand-made suggestions and a tiny project."""

from __future__ import annotations

from post_coder.coding.codebook import add_code, retire_code
from post_coder.coding.coders import add_coder
from post_coder.coding.codings import apply_code, remove_code
from post_coder.coding.done import is_done, mark_done
from post_coder.importing import import_survey, inspect_file
from post_coder.project import Project
from post_coder.queries import response_ids
from post_coder.store.scope import ReadScope
from post_coder.suggest.codes import (CodeSuggestion, CodeSuggestions, SuggestionQueue, accept,
                                      reject)


def _run(pairs: list[tuple[str, str]]) -> CodeSuggestions:
    """Suggestions (answer, code), in this order."""
    return CodeSuggestions(tuple(CodeSuggestion(r, f"R-{r}", "Q", "text", c, c.upper(), 0.9)
                                 for r, c in pairs), "test", 0.6, {}, (), 4)


def test_order_next_and_ticks():
    q = SuggestionQueue(_run([("a", "x"), ("a", "y"), ("b", "x"), ("c", "y"), ("d", "x")]),
                        "ben")
    assert q.ids() == ["a", "b", "c", "d"] and len(q) == 4
    assert [s.code_id for s in q.suggestions("a")] == ["x", "y"]
    assert q.suggestions("zzz") == [] and q.suggestions(None) == []
    # ticks: all at first; unticking one leaves the other to accept
    assert [s.code_id for s in q.ticked("a")] == ["x", "y"]
    q.tick("a", "x", False)
    assert [s.code_id for s in q.ticked("a")] == ["y"] and not q.is_ticked("a", "x")
    # after: those later in the run, then round from the start; successor: the next, or last
    assert q.after("b") == ["c", "d", "a"]
    assert q.after("not in the run") == ["a", "b", "c", "d"]
    assert q.successor("b") == "c" and q.successor("d") == "c"
    q.answer("c", "ben")
    assert q.ids() == ["a", "b", "d"] and "c" not in q and q.answered == {"c": "ben"}
    assert q.after("c") == ["d", "a", "b"]  # answered: still has its place in the run
    assert q.successor("c") == "d"
    q.answer("d", "ben")
    assert q.successor("d") == "b" and q.position("d") == 3


def test_follow_brings_an_undone_answer_back_and_drops_retired_codes(tmp_path):
    source = tmp_path / "s.csv"
    source.write_text("id,answer\nR1,one\nR2,two\nR3,three\n", encoding="utf-8")
    with Project.create(tmp_path / "p.postcoder") as p:
        import_survey(p, inspect_file(source).with_mapping(id_column="id",
                                                           open_ended=["answer"]))
        ben = add_coder(p, "Ben").new_id
        x, y = add_code(p, "X").new_id, add_code(p, "Y").new_id
        r1, r2, r3 = response_ids(p, ReadScope.everyone())
        run = CodeSuggestions(tuple(CodeSuggestion(r, r, "answer", "t", c, n, 0.8)
                                    for r, c, n in ((r1, x, "X"), (r2, x, "X"), (r2, y, "Y"),
                                                    (r3, y, "Y"))), "test", 0.6, {}, (), 3)
        q = SuggestionQueue(run, ben)
        assert q.follow(p) is None  # nothing changed
        accept(p, q.ticked(r1), ben)
        q.answer(r1, ben)
        reject(p, r3, ben)
        q.answer(r3, ben)
        assert q.ids() == [r2] and q.follow(p) is None
        p.undo()  # the reject of r3
        assert not is_done(p, r3, ben)
        assert q.follow(p) == [r3] and q.ids() == [r2, r3]
        p.redo()
        assert q.follow(p) == [] and q.ids() == [r2]
        retire_code(p, y)  # Y's suggestions leave: r2 keeps X
        assert q.follow(p) == [] and q.ids() == [r2]
        assert [s.code_id for s in q.suggestions(r2)] == [x]
        p.undo()  # the retire: Y is back for r2; r3 is still rejected
        assert q.follow(p) == [] and [s.code_id for s in q.suggestions(r2)] == [x, y]
        p.undo()  # the reject again: r3 back
        assert q.follow(p) == [r3] and q.ids() == [r2, r3]


def _three_answers(tmp_path):
    """A tiny project: R1..R3 with one question, coders Ben and Ana, codes X and Y."""
    source = tmp_path / "s.csv"
    source.write_text("id,answer\nR1,one\nR2,two\nR3,three\n", encoding="utf-8")
    p = Project.create(tmp_path / "p.postcoder")
    import_survey(p, inspect_file(source).with_mapping(id_column="id", open_ended=["answer"]))
    ben, ana = add_coder(p, "Ben").new_id, add_coder(p, "Ana").new_id
    x, y = add_code(p, "X").new_id, add_code(p, "Y").new_id
    return p, ben, ana, x, y, response_ids(p, ReadScope.everyone())


def test_an_answer_coded_by_hand_leaves_and_undo_brings_it_back(tmp_path):
    p, ben, ana, x, y, (r1, r2, r3) = _three_answers(tmp_path)
    with p:
        run = CodeSuggestions(tuple(CodeSuggestion(r, r, "answer", "t", x, "X", 0.8)
                                    for r in (r1, r2, r3)), "test", 0.6, {}, (), 3)
        q = SuggestionQueue(run, ben)
        apply_code(p, r2, y, ana)  # another coder's codings: not the queue's business
        assert q.follow(p) is None and q.ids() == [r1, r2, r3]
        apply_code(p, r2, y, ben)  # Ben codes r2 by hand (with a code not suggested)
        assert q.follow(p) == [] and q.ids() == [r1, r3]
        p.undo()
        assert q.follow(p) == [r2] and q.ids() == [r1, r2, r3]
        p.redo()
        assert q.follow(p) == [] and q.ids() == [r1, r3]
        # marking done by hand (nothing applies, outside the queue) takes an answer out too
        mark_done(p, r3, ben)
        assert q.follow(p) == [] and q.ids() == [r1]
        p.undo()
        assert q.follow(p) == [r3] and q.ids() == [r1, r3]
        # coded then uncoded by hand: still done for Ben, so still out
        apply_code(p, r1, x, ben)
        remove_code(p, r1, x, ben)
        assert q.follow(p) == [] and q.ids() == [r3]
        assert is_done(p, r1, ben)
        p.undo()  # the removal: r1 is coded again, still out
        assert q.follow(p) is None
        p.undo()  # the coding: r1 as the run found it, back in its place
        assert q.follow(p) == [r1] and q.ids() == [r1, r3]


def test_a_queue_without_a_coder_does_not_watch_codings(tmp_path):
    p, ben, ana, x, y, (r1, r2, r3) = _three_answers(tmp_path)
    with p:
        run = CodeSuggestions(tuple(CodeSuggestion(r, r, "answer", "t", x, "X", 0.8)
                                    for r in (r1, r2)), "test", 0.6, {}, (), 2)
        q = SuggestionQueue(run, None)
        apply_code(p, r1, y, ben)
        assert q.follow(p) is None and q.ids() == [r1, r2]
        reject(p, r2, ana)  # answered by Ana: out while done for her
        q.answer(r2, ana)
        assert q.follow(p) is None and q.ids() == [r1]
        p.undo()
        assert q.follow(p) == [r2] and q.ids() == [r1, r2]


def test_follow_reads_the_project_a_fixed_number_of_times(tmp_path):
    """One read for every answer of the run, not one per answer: the same statements for a
    queue of 3 answers as for a queue of 1."""
    p, ben, ana, x, y, ids = _three_answers(tmp_path)
    with p:
        apply_code(p, ids[1], x, ben)
        statements: list[str] = []
        p.db.conn.set_trace_callback(statements.append)
        try:
            counts = []
            for answers in (ids[:1], ids):
                run = CodeSuggestions(tuple(CodeSuggestion(r, r, "answer", "t", x, "X", 0.8)
                                            for r in answers), "test", 0.6, {}, (), 3)
                q = SuggestionQueue(run, ben)
                statements.clear()
                q.follow(p)
                counts.append(len(statements))
        finally:
            p.db.conn.set_trace_callback(None)
        # the done marks, Ben's codings, the active codes
        assert counts == [3, 3]
        assert q.ids() == [ids[0], ids[2]]  # R2 was coded by Ben
