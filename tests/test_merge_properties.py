"""The merge laws, checked over random sequences of edits on two or three laptop copies.

Each example: the lead makes a coder package per coder; on each laptop the coder applies,
removes and re-applies codes (whole responses and spans), marks responses done and takes
marks back, adds codes, redefines "their" code and writes memos, exporting their work half-way and at the end; the lead may merge a
code the laptops still use. Then:

- order-independent: every order of merging the files (stale ones included) gives the
  same project;
- lossless, exactly once: every live coding of every laptop is shown (or, when a code
  merge made it equal to another, hidden behind that one); every removal is honoured;
  each coder's latest done marks (and un-markings) arrive; memos and codebook proposals
  arrive;
- idempotent: merging the same work again (a fresh export of it) writes nothing;
- atomic: a merge that fails at any point leaves the file exactly as it was.
"""

from __future__ import annotations

import itertools
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from post_coder.coding import codebook, memos
from post_coder.coding.coders import add_coder
from post_coder.coding.codings import apply_code, remove_coding
from post_coder.coding.done import mark_done, unmark_done
from post_coder.store import done as done_store
from post_coder.coding.exchange import export_package, export_work, package_info
from post_coder.coding.merge import merge
from post_coder.coding.rounds import create_round
from post_coder.errors import PostCoderError
from post_coder.importing import import_survey, inspect_file
from post_coder.project import Project
from post_coder.store import exchange as exchange_store
from tests.conftest import SURVEY_CSV, dump
from tests.team_helpers import copy_project, hidden_duplicates, shown, state, true_codings
from post_coder.store.scope import ReadScope

EVERYONE = ReadScope.everyone()

CODES = ("Alpha", "Beta", "Gamma", "Delta")
SPANS = (None, (0, 5), (2, 9))


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A lead project: small survey, four codes, three coders, a blind round, some codings."""
    folder = tmp_path_factory.mktemp("template")
    survey = folder / "survey.csv"
    survey.write_text(SURVEY_CSV, encoding="utf-8")
    path = folder / "lead.postcoder"
    with Project.create(path) as p:
        import_survey(p, inspect_file(survey).with_mapping(
            id_column="id", open_ended=["feedback", "suggestions"], attributes=["dept"]))
        coders = [add_coder(p, f"Coder {k}").new_id for k in range(3)]
        for name in CODES:
            codebook.add_code(p, name, definition=f"About {name.lower()}")
        create_round(p, "Round 1", coders, blind=True)
        codes = [c.id for c in codebook.list_codes(p)]
        responses = _responses(p)
        for k, coder in enumerate(coders):
            apply_code(p, responses[k], codes[k], coder)
            apply_code(p, responses[k + 3], codes[3], coder)
    return path


def _responses(p: Project) -> list[str]:
    from post_coder.queries import response_ids

    return response_ids(p, EVERYONE)


ops = st.lists(st.one_of(
    st.tuples(st.just("apply"), st.integers(0, 7), st.integers(0, 9), st.sampled_from(SPANS)),
    st.tuples(st.just("remove"), st.integers(0, 20)),
    st.tuples(st.just("reapply"), st.integers(0, 20)),
    st.tuples(st.just("redefine"), st.sampled_from(["first idea", "second idea", "third"])),
    st.tuples(st.just("new_code"), st.integers(0, 1)),
    st.tuples(st.just("memo"), st.integers(0, 7), st.sampled_from(["a note", "another", ""])),
    st.tuples(st.just("done"), st.integers(0, 7), st.booleans()),
), max_size=7)


def _run(p: Project, k: int, steps: list[tuple]) -> None:
    """Carry out the edits of laptop ``k`` (as its coder); impossible ones are skipped."""
    coder = p.actor
    responses = _responses(p)
    for step in steps:
        live = sorted(i for i, r in shown(p).items() if r[3] == coder)
        codes = [c.id for c in codebook.list_codes(p)]
        try:
            if step[0] == "apply":
                span = step[3] or (None, None)
                apply_code(p, responses[step[1]], codes[step[2] % len(codes)], coder,
                           start=span[0], end=span[1])
            elif step[0] in ("remove", "reapply") and live:
                row = true_codings(p)[live[step[1] % len(live)]]
                remove_coding(p, row[0])
                if step[0] == "reapply":
                    apply_code(p, row[1], row[2], coder, start=row[4], end=row[5])
            elif step[0] == "done":  # mark a response done, or take the mark back
                (mark_done if step[2] else unmark_done)(p, responses[step[1]], coder)
            elif step[0] == "redefine":
                mine = codebook.find_code(p, CODES[k])
                codebook.redefine_code(p, mine.id, definition=f"{step[1]} (laptop {k})")
            elif step[0] == "new_code":
                name = f"Laptop {k} code {step[1]}"
                try:
                    codebook.find_code(p, name)
                except PostCoderError:
                    codebook.add_code(p, name, definition=f"proposed on laptop {k}")
            elif step[0] == "memo":
                memos.set_memo(p, "response", responses[step[1]], step[2])
        except PostCoderError:
            pass  # e.g. a span outside a short response


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.data_too_large])
@given(laptops=st.integers(2, 3), first=st.lists(ops, min_size=3, max_size=3),
       second=st.lists(ops, min_size=3, max_size=3), lead_merges_delta=st.booleans(),
       data=st.data())
def test_merge_laws(template, laptops, first, second, lead_merges_delta, data):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        base = folder / "base.postcoder"
        with copy_project(template, base) as lead:
            coders = [c for c, in lead.db.execute(
                "SELECT id FROM coders ORDER BY created_at, name").fetchall()][:laptops]
            packages = [export_package(lead, c, folder / f"laptop{k}").path
                        for k, c in enumerate(coders)]
            if lead_merges_delta:  # the lead refines the codebook after handing it out
                codebook.merge_codes(lead, [codebook.find_code(lead, "Delta").id],
                                     codebook.find_code(lead, "Gamma").id)
        files: list[Path] = []
        finals: list[Path] = []
        for k, path in enumerate(packages):
            with Project.open(path) as p:
                p.actor = package_info(p).coder_id
                _run(p, k, first[k])
                files.append(export_work(p, folder / f"w1-{k}").path)
                time.sleep(0.002)  # edits are timed to the millisecond: keep versions apart
                _run(p, k, second[k])
                files.append(export_work(p, folder / f"w2-{k}").path)
                finals.append(files[-1])

        def merged(order: list[Path], name: str) -> Project:
            p = copy_project(base, folder / name)
            for f in order:
                merge(p, f, default="keep-mine")
            return p

        indexes = list(range(len(files)))
        order_a = [files[i] for i in data.draw(st.permutations(indexes), label="order A")]
        order_b = [files[i] for i in data.draw(st.permutations(indexes), label="order B")]
        a, b, c = merged(order_a, "a.postcoder"), merged(order_b, "b.postcoder"), \
            merged(list(reversed(finals)), "c.postcoder")
        try:
            # order-independent (and stale work files change nothing)
            sa, sb = state(a), state(b)
            for table in sa:
                assert sa[table] == sb[table], (table, set(sa[table]) ^ set(sb[table]))
            assert state(a)["codings"] == state(c)["codings"]
            assert state(a)["memos"] == state(c)["memos"]
            assert state(a)["done_marks"] == state(c)["done_marks"]
            _check_lossless(a, packages)
            # idempotent: the same work, exported again, writes nothing at all
            before = dump(a)
            for k, path in enumerate(packages):
                with Project.open(path) as p:
                    again = export_work(p, folder / f"again-{k}").path
                assert not merge(a, again, default="keep-mine").merged
            assert dump(a) == before
        finally:
            for p in (a, b, c):
                p.close()
        _check_atomic(base, folder, files[data.draw(st.sampled_from(indexes), label="failing")],
                      data.draw(st.sampled_from(FAILURE_POINTS), label="failure point"))


def _check_lossless(lead: Project, packages: list[Path]) -> None:
    marks = {(r[0], r[1]): r for r in done_store.all_rows(lead.db)}
    for path in packages:  # each coder's latest done marks (and un-markings) are the lead's
        with Project.open(path) as p:
            for row in done_store.all_rows(p.db, package_info(p).coder_id):
                assert marks[(row[0], row[1])] == row, "a done mark was lost"
    visible = shown(lead)
    hidden = hidden_duplicates(lead)
    everything = true_codings(lead)
    keys = [(r[1], r[2], r[3], r[4], r[5]) for r in visible.values()]
    assert len(keys) == len(set(keys)), "a coding is shown twice"
    for path in packages:
        with Project.open(path) as p:
            coder = package_info(p).coder_id
            for i, row in true_codings(p, coder).items():
                assert i in everything, "a coding was lost"
                if row[8] is not None:
                    assert i not in visible and i not in hidden, "a removal was not honoured"
                    continue
                if i in visible:
                    assert visible[i][1:4:2] == (row[1], row[3])
                else:  # made equal to another coding by the lead's code merge
                    winner = visible[hidden[i]]
                    assert (winner[1], winner[3], winner[4], winner[5]) == \
                        (row[1], row[3], row[4], row[5])
            mine = {m[0]: m for m in exchange_store.memos_by(p.db, coder)}
            theirs = exchange_store.memos_by_ids(lead.db, list(mine))
            assert {i: m[4:] for i, m in mine.items()} == {i: m[4:] for i, m in theirs.items()}
            for code in codebook.list_codes(p):
                here = codebook.get_code(lead, code.id)
                if code.name.startswith("Laptop") or code.definition.endswith(")"):
                    assert (here.name, here.definition) == (code.name, code.definition)


FAILURE_POINTS = ("insert_codings", "update_codings", "upsert_memos", "set_bases", "log_merge")


def _check_atomic(base: Path, folder: Path, file: Path, point: str) -> None:
    with copy_project(base, folder / "atomic.postcoder") as p:
        before = dump(p)
        original = getattr(exchange_store, point)

        def fail(*args, **kwargs):
            original(*args, **kwargs)
            raise RuntimeError("disk full")

        setattr(exchange_store, point, fail)
        try:
            merge(p, file, default="keep-mine")
        except RuntimeError:
            pass  # the merge had something to write, and failed writing it
        finally:
            setattr(exchange_store, point, original)
        assert dump(p) == before
        assert exchange_store.merges(p.db) == []


def test_orders_of_three_files_agree(template, tmp_path):
    """A fixed example: all six orders of three laptops' work give one project."""
    with copy_project(template, tmp_path / "base.postcoder") as lead:
        coders = [c for c, in lead.db.execute("SELECT id FROM coders ORDER BY created_at")]
        packages = [export_package(lead, c, tmp_path / f"l{k}").path
                    for k, c in enumerate(coders)]
    files = []
    for k, path in enumerate(packages):
        with Project.open(path) as p:
            p.actor = coders[k]
            _run(p, k, [("apply", k, 1, None), ("apply", k + 1, 2, (0, 5)), ("remove", 0),
                        ("redefine", "first idea"), ("new_code", 0), ("memo", k, "a note"),
                        ("reapply", 1)])
            files.append(export_work(p, tmp_path / f"w{k}").path)
    states = []
    for n, order in enumerate(itertools.permutations(files)):
        with copy_project(tmp_path / "base.postcoder", tmp_path / f"o{n}.postcoder") as p:
            for f in order:
                merge(p, f)
            states.append(state(p))
    assert all(s == states[0] for s in states[1:])
