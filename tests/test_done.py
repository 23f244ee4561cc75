"""Done marks: "coded" versus "not reached" — marking, undo, round progress, and travel in
coder packages, work files and project merges."""

from __future__ import annotations

import gzip
import json

import pytest

from post_coder.coding import codebook
from post_coder.coding.coders import add_coder
from post_coder.coding.codings import apply_code, remove_code
from post_coder.coding.done import (done_by, is_done, mark_done, mark_done_csv, nothing_applies,
                                    unmark_done)
from post_coder.team.package import export_package, export_work
from post_coder.team.merge import merge, merge_preview
from post_coder.team.rounds import create_round, list_rounds, round_contents
from post_coder.team.workfile import MAGIC, write_work_file
from post_coder.errors import ConflictError, InputError, NotFoundError
from post_coder.project import Project
from post_coder.store import db as store_db
from post_coder.store import schema
from tests.conftest import response_id


@pytest.fixture
def team(surveyed):
    p = surveyed
    p.ana = add_coder(p, "Ana Lead").new_id
    p.maya = add_coder(p, "Maya Chen").new_id
    p.luis = add_coder(p, "Luis Ortega").new_id
    p.actor = p.ana
    p.time = codebook.add_code(p, "Time").new_id
    p.r = {x: response_id(p, x) for x in ("R1", "R2", "R3", "R4", "R5")}
    return p


def _marks(p) -> dict[tuple[str, str], bool]:
    """(response, coder) → live, straight from the table."""
    return {(r, c): gone is None for r, c, gone in p.db.execute(
        "SELECT response_id, coder_id, deleted_at FROM done_marks")}


def test_marking_is_idempotent_and_unmarking_leaves_a_tombstone(team):
    p = team
    assert not is_done(p, p.r["R1"], p.maya)
    mark_done(p, [p.r["R1"], p.r["R2"]], p.maya)
    assert is_done(p, p.r["R1"], p.maya) and is_done(p, p.r["R2"], p.maya)
    assert p.undo_label() == "Mark done"
    assert not mark_done(p, p.r["R1"], p.maya).codings  # twice: nothing changes
    unmark_done(p, p.r["R1"], p.maya)
    assert not is_done(p, p.r["R1"], p.maya)
    assert _marks(p) == {(p.r["R1"], p.maya): False, (p.r["R2"], p.maya): True}
    mark_done(p, p.r["R1"], p.maya)  # marking again revives the row
    assert _marks(p)[(p.r["R1"], p.maya)] is True
    p.undo()
    assert not is_done(p, p.r["R1"], p.maya)
    p.undo()  # the un-marking undone: done again
    assert is_done(p, p.r["R1"], p.maya)


def test_applying_a_code_marks_done_and_removing_it_does_not_unmark(team):
    p = team
    apply_code(p, p.r["R3"], p.time, p.luis)
    assert done_by(p, p.r["R3"]) == [p.luis]
    remove_code(p, p.r["R3"], p.time, p.luis)
    assert done_by(p, p.r["R3"]) == [p.luis]  # read it; nothing of theirs applies now
    p.undo()
    p.undo()  # "Apply code" undone: the coding and the done mark it made go
    assert done_by(p, p.r["R3"]) == []


def test_nothing_applies_is_done_with_no_codes_and_refused_next_to_a_code(team):
    p = team
    nothing_applies(p, p.r["R2"], p.maya)
    assert done_by(p, p.r["R2"]) == [p.maya] and p.undo_label() == "Nothing applies"
    apply_code(p, p.r["R4"], p.time, p.maya)
    with pytest.raises(ConflictError, match="1 coding on the response; remove them first"):
        nothing_applies(p, p.r["R4"], p.maya)


def test_marks_need_a_real_response_and_coder(team):
    p = team
    with pytest.raises(NotFoundError, match="coder does not exist"):
        mark_done(p, p.r["R1"], "no-such-coder")
    with pytest.raises(NotFoundError, match="response no longer exists"):
        mark_done(p, [p.r["R1"], "no-such-response"], p.maya)
    assert _marks(p) == {}  # nothing half-done


def test_round_progress_counts_done_responses_not_codings(team):
    p = team
    rid = create_round(p, "Round 1", [p.maya, p.luis]).new_id
    nothing_applies(p, p.r["R1"], p.maya)  # done, no code
    apply_code(p, p.r["R2"], p.time, p.maya)  # done by coding
    apply_code(p, p.r["R3"], p.time, p.luis)
    unmark_done(p, p.r["R3"], p.luis)  # coded but un-marked: not reached
    assert list_rounds(p)[0].coded == {p.maya: 2, p.luis: 0}
    contents = round_contents(p, rid)
    by = {r.respondent: set(r.coded_by) for r in contents.responses if r.question == "feedback"}
    assert by["R1"] == {p.maya} and by["R2"] == {p.maya} and by["R3"] == set()


def test_mark_done_from_a_csv_checks_every_row_first(team, tmp_path):
    p = team
    good = tmp_path / "done.csv"
    good.write_text("respondent,question,coder\nR1,feedback,Maya Chen\nR2,feedback,Maya Chen\n"
                    "R1,feedback,Nora New\n", encoding="utf-8")
    assert mark_done_csv(p, good) == 3
    assert done_by(p, p.r["R1"])[0] == p.maya and len(done_by(p, p.r["R1"])) == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("respondent,question,coder\nR3,feedback,Maya Chen\nR9,feedback,Maya Chen\n",
                   encoding="utf-8")
    with pytest.raises(InputError, match='respondent "R9" has no answer') as err:
        mark_done_csv(p, bad)
    assert err.value.row == 3
    assert not is_done(p, p.r["R3"], p.maya)


def test_done_marks_travel_in_a_work_file_and_merge_by_the_later_change(team, tmp_path):
    lead = team
    apply_code(lead, lead.r["R5"], lead.time, lead.maya)  # done here before the package
    create_round(lead, "Round 1", [lead.maya, lead.luis])
    path = export_package(lead, lead.maya, tmp_path / "maya").path
    with Project.open(path) as laptop:
        laptop.actor = lead.maya
        nothing_applies(laptop, lead.r["R1"], lead.maya)
        apply_code(laptop, lead.r["R2"], lead.time, lead.maya)
        unmark_done(laptop, lead.r["R5"], lead.maya)  # she takes R5 back
        export_work(laptop, tmp_path / "maya.postcoder-work")
    plan = merge_preview(lead, tmp_path / "maya.postcoder-work")
    assert plan.done_marks == 3 and "done marks: 3 new or changed" in plan.describe()
    merge(lead, tmp_path / "maya.postcoder-work")
    assert [is_done(lead, lead.r[x], lead.maya) for x in ("R1", "R2", "R5")] == [True, True,
                                                                                False]
    assert merge(lead, tmp_path / "maya.postcoder-work").plan.already_merged_at  # no-op
    # the lead marks R5 done for her later: a later change wins over the older un-marking
    mark_done(lead, lead.r["R5"], lead.maya)
    with Project.open(path) as laptop:
        export_work(laptop, tmp_path / "again.postcoder-work", overwrite=True)
    assert merge_preview(lead, tmp_path / "again.postcoder-work").done_marks == 0
    merge(lead, tmp_path / "again.postcoder-work")
    assert is_done(lead, lead.r["R5"], lead.maya)


def test_done_marks_travel_in_a_whole_project_file(team, tmp_path):
    lead = team
    copy = tmp_path / "copy.postcoder"
    store_db.backup_to(lead.db, copy)
    with Project.open(copy) as other:
        other.actor = lead.luis
        nothing_applies(other, lead.r["R4"], lead.luis)
    merge(lead, copy)
    assert done_by(lead, lead.r["R4"]) == [lead.luis]


def test_a_work_file_from_before_done_marks_gets_them_from_its_codings(team, tmp_path):
    lead = team
    path = export_package(lead, lead.maya, tmp_path / "maya").path
    with Project.open(path) as laptop:
        laptop.actor = lead.maya
        apply_code(laptop, lead.r["R3"], lead.time, lead.maya)
        export_work(laptop, tmp_path / "new.postcoder-work")
    data = (tmp_path / "new.postcoder-work").read_bytes()
    end = data.index(b"\n", len(MAGIC))
    header = json.loads(data[len(MAGIC):end])
    payload = json.loads(gzip.decompress(data[end + 1:]))
    del payload["done"]  # as an older POST Coder wrote it
    for k in ("format", "version", "app_version", "payload_sha256", "payload_size"):
        header.pop(k)
    write_work_file(tmp_path / "old.postcoder-work", header, payload)
    merge(lead, tmp_path / "old.postcoder-work")
    assert done_by(lead, lead.r["R3"]) == [lead.maya]


def test_a_work_file_with_done_marks_on_unknown_responses_is_refused(team, tmp_path):
    lead = team
    export_work(lead, tmp_path / "maya.postcoder-work", coder_id=lead.maya)
    data = (tmp_path / "maya.postcoder-work").read_bytes()
    end = data.index(b"\n", len(MAGIC))
    header = json.loads(data[len(MAGIC):end])
    payload = json.loads(gzip.decompress(data[end + 1:]))
    payload["done"] = {"response": ["not-a-response"], "done_at": ["2026-01-01"],
                       "updated_at": [None], "deleted_at": [None]}
    for k in ("format", "version", "app_version", "payload_sha256", "payload_size"):
        header.pop(k)
    write_work_file(tmp_path / "odd.postcoder-work", header, payload)
    before = _marks(lead)
    with pytest.raises(InputError, match="done marks on 1 responses that are not in this"):
        merge(lead, tmp_path / "odd.postcoder-work")
    assert _marks(lead) == before


def test_upgrading_gives_every_coded_response_a_done_mark(tmp_path):
    path = tmp_path / "old.postcoder"
    db = store_db.connect(path)
    store_db.set_application_id(db)
    schema.apply(db, stop_before="0004_done_marks_and_agreement_reports")
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
            VALUES ('k-1', 'Lack of time', '#654321', '2025-01-01', '2025-01-01'),
                   ('k-2', 'Support', '#654322', '2025-01-01', '2025-01-01');
        INSERT INTO codings (id, response_id, code_id, coder_id, created_at, updated_at,
                             deleted_at) VALUES
            ('g-1', 'a-2', 'k-1', 'c-1', '2025-01-03', '2025-01-03', NULL),
            ('g-2', 'a-2', 'k-2', 'c-1', '2025-01-02', '2025-01-02', NULL),
            ('g-3', 'a-1', 'k-2', 'c-1', '2025-01-02', '2025-01-04', '2025-01-04');
        COMMIT;
    """)
    db.close()
    with Project.open(path) as p:
        rows = p.db.execute("SELECT response_id, coder_id, done_at, deleted_at"
                            " FROM done_marks").fetchall()
    # a-2 done when first coded; a-1's only coding was removed: not done
    assert rows == [("a-2", "c-1", "2025-01-02", None)]
