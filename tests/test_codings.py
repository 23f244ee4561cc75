import pytest

from post_coder.coding import codebook
from post_coder.coding.coders import add_coder, list_coders
from post_coder.coding.codings import (apply_code, apply_codings_csv, codings_for_response,
                                       list_codings, remove_code, remove_coding)
from post_coder.errors import Cancelled, InputError, NotFoundError
from post_coder.progress import Progress
from post_coder.store import codings as codings_store
from tests.conftest import response_id
from post_coder.store.scope import ReadScope

EVERYONE = ReadScope.everyone()


@pytest.fixture
def coded(surveyed):
    p = surveyed
    p.maya = add_coder(p, "Maya Chen").new_id
    p.time = codebook.add_code(p, "Lack of time").new_id
    p.privacy = codebook.add_code(p, "Privacy").new_id
    return p


def test_apply_whole_and_span_and_idempotent(coded):
    p = coded
    r = response_id(p, "R3")
    first = apply_code(p, r, p.time, p.maya)
    assert first.codings and len(first.created) == 1
    again = apply_code(p, r, p.time, p.maya)
    assert not again.codings and again.created == ()
    span = apply_code(p, r, p.privacy, p.maya, start=0, end=8)
    row = list_codings(p, EVERYONE, codes=[p.privacy])[0]
    assert row.segment == "Honestly" and row.span_start == 0 and span.codings
    # a span over the whole text is stored as a whole-response coding
    text_len = len(p.db.execute("SELECT text FROM responses WHERE id = ?", [r]).fetchone()[0])
    apply_code(p, r, p.time, p.maya, start=0, end=text_len)
    assert len(codings_for_response(p, EVERYONE, r)) == 2


def test_spans_count_code_points(coded):
    p = coded
    r = response_id(p, "R5")
    text = p.db.execute("SELECT text FROM responses WHERE id = ?", [r]).fetchone()[0]
    start = text.index("café")
    apply_code(p, r, p.time, p.maya, start=start, end=start + 4)
    assert list_codings(p, EVERYONE, codes=[p.time])[0].segment == "café"


@pytest.mark.parametrize("start,end,msg", [(5, 3, "outside"), (0, 10_000, "outside"),
                                           (None, 4, "both a start and an end"), (-1, 2, "outside")])
def test_bad_spans_refused(coded, snapshot, start, end, msg):
    p = coded
    before = snapshot(p)
    with pytest.raises(InputError, match=msg):
        apply_code(p, response_id(p, "R1"), p.time, p.maya, start=start, end=end)
    assert snapshot(p) == before


def test_remove_leaves_tombstone(coded):
    p = coded
    r = response_id(p, "R1")
    cid = apply_code(p, r, p.time, p.maya).new_id
    remove_coding(p, cid)
    assert codings_for_response(p, EVERYONE, r) == []
    assert codings_store.get(p.db, cid).deleted_at is not None
    with pytest.raises(NotFoundError, match="already been removed"):
        remove_coding(p, cid)
    # re-applying after removal creates a new live coding
    assert apply_code(p, r, p.time, p.maya).new_id != cid


def test_remove_code_from_response(coded):
    p = coded
    r = response_id(p, "R1")
    apply_code(p, r, p.time, p.maya)
    apply_code(p, r, p.time, p.maya, start=0, end=3)
    apply_code(p, r, p.privacy, p.maya)
    remove_code(p, r, p.time, p.maya)
    assert [c.code_id for c in codings_for_response(p, EVERYONE, r)] == [p.privacy]


def test_apply_to_retired_code_refused(coded):
    p = coded
    codebook.retire_code(p, p.time)
    with pytest.raises(NotFoundError, match="active codebook"):
        apply_code(p, response_id(p, "R1"), p.time, p.maya)


def _write(tmp_path, text):
    f = tmp_path / "codings.csv"
    f.write_text(text, encoding="utf-8")
    return f


def test_apply_codings_csv(coded, tmp_path):
    p = coded
    f = _write(tmp_path, "respondent,question,code,coder\n"
                         "R1,feedback,Lack of time,Maya Chen\n"
                         "R3,feedback,lack of time,Luis Ortega\n"
                         "R3,suggestions,Privacy,Luis Ortega\n"
                         "R1,feedback,Lack of time,Maya Chen\n")
    result = apply_codings_csv(p, f)
    assert (result.rows, result.applied, result.already_present) == (4, 3, 1)
    assert {c.name for c in list_coders(p)} == {"Maya Chen", "Luis Ortega"}
    rows = list_codings(p, EVERYONE)
    assert sorted((r.respondent, r.question, r.code, r.coder) for r in rows) == [
        ("R1", "feedback", "Lack of time", "Maya Chen"),
        ("R3", "feedback", "Lack of time", "Luis Ortega"),
        ("R3", "suggestions", "Privacy", "Luis Ortega")]


@pytest.mark.parametrize("body,msg", [
    ("respondent,question,code\nR1,feedback,Privacy\n", "missing: coder"),
    ("respondent,question,code,coder\nR1,feedback,Nope,Maya\n", 'row 2, column "code"'),
    ("respondent,question,code,coder\nR1,feedback,Privacy,Maya\nR9,feedback,Privacy,Maya\n",
     'row 3, column "respondent"'),
    ("respondent,question,code,coder\nR6,feedback,Privacy,Maya\n", "no answer"),
    ("respondent,question,code,coder\nR1,Q9,Privacy,Maya\n", 'no open-ended question "Q9"'),
    ("respondent,question,code,coder\nR1,feedback,Privacy,\n", 'column "coder"'),
    ("respondent,question,code,coder,start,end\nR1,feedback,Privacy,Maya,2,x\n", "whole numbers"),
    ("respondent,question,code,coder,start,end\nR1,feedback,Privacy,Maya,2,999\n", "row 2"),
    ("respondent,question,code,coder\n", "no codings"),
])
def test_apply_codings_csv_bad_rows_change_nothing(coded, tmp_path, snapshot, body, msg):
    p = coded
    before = snapshot(p)
    with pytest.raises(InputError) as err:
        apply_codings_csv(p, _write(tmp_path, body))
    assert "codings.csv" in str(err.value) and msg in str(err.value)
    assert snapshot(p) == before


def test_apply_codings_csv_create_codes_and_cancel(coded, tmp_path, snapshot):
    p = coded
    lines = ["respondent,question,code,coder"]
    lines += [f"R{i},feedback,New code {j},Maya Chen" for i in range(1, 6) for j in range(300)]
    f = _write(tmp_path, "\n".join(lines) + "\n")
    before = snapshot(p)
    progress = Progress(lambda done, total, label: progress.cancel())
    with pytest.raises(Cancelled):
        apply_codings_csv(p, f, create_codes=True, progress=progress)
    assert snapshot(p) == before
    result = apply_codings_csv(p, f, create_codes=True)
    assert result.applied == 1500
    assert len(codebook.list_codes(p)) == 302
