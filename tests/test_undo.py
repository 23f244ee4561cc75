import pytest

from post_coder.coding import codebook, memos
from post_coder.coding.coders import add_coder
from post_coder.coding.codings import apply_code, codings_for_response, remove_coding
from post_coder.errors import ConflictError, NothingToUndoError
from post_coder.project import UNDO_LIMIT
from post_coder.store import audit
from tests.conftest import response_id


def test_undo_redo_add_code(project, snapshot):
    before = snapshot(project)
    cid = codebook.add_code(project, "Stigma").new_id
    after = snapshot(project)
    assert project.undo_label() == "Add code"
    changes = project.undo()
    assert changes.label == "Undo Add code" and changes.codes
    assert [c.id for c in codebook.list_codes(project)] == []
    assert project.redo_label() == "Add code" and project.undo_label() is None
    redone = project.redo()
    assert redone.label == "Redo Add code"
    assert codebook.get_code(project, cid).name == "Stigma"
    # the tables are back exactly, except for the audit entries of undo and redo
    now = snapshot(project)
    assert {k: v for k, v in now.items() if k != "audit_log"} == {
        k: v for k, v in after.items() if k != "audit_log"}
    assert [e.action for e in audit.entries(project.db)][-2:] == ["undo", "redo"]
    assert before != after


def test_undo_merge_restores_codings(surveyed, snapshot):
    p = surveyed
    maya = add_coder(p, "Maya").new_id
    a = codebook.add_code(p, "Busy").new_id
    b = codebook.add_code(p, "Lack of time").new_id
    child = codebook.add_code(p, "Shifts", parent=a).new_id
    r = response_id(p, "R3")
    apply_code(p, r, a, maya)
    apply_code(p, r, b, maya)
    apply_code(p, response_id(p, "R1"), a, maya, start=0, end=3)
    before = {k: v for k, v in snapshot(p).items() if k != "audit_log"}
    codebook.merge_codes(p, [a], b)
    assert codebook.get_code(p, child).parent_id == b
    changes = p.undo()
    assert changes.label == "Undo Merge codes" and changes.codes and changes.codings
    assert {k: v for k, v in snapshot(p).items() if k != "audit_log"} == before
    p.redo()
    assert codebook.get_code(p, a).status == "merged"
    assert {c.code_id for c in codings_for_response(p, r)} == {b}


def test_new_action_clears_redo_and_failed_action_adds_nothing(surveyed):
    p = surveyed
    maya = add_coder(p, "Maya").new_id
    code = codebook.add_code(p, "Time").new_id
    cid = apply_code(p, response_id(p, "R1"), code, maya).new_id
    remove_coding(p, cid)
    p.undo()
    assert p.redo_label() == "Remove coding"
    memos.add_memo(p, "project", None, "a note")
    assert p.redo_label() is None
    with pytest.raises(NothingToUndoError):
        p.redo()
    label = p.undo_label()
    with pytest.raises(ConflictError, match='already a code called "Time"'):
        codebook.add_code(p, "Time")  # duplicate: fails, rolled back
    assert p.undo_label() == label


def test_import_clears_history(project, survey_csv):
    from post_coder.importing import import_survey, inspect_file

    codebook.add_code(project, "Time")
    assert project.undo_label() == "Add code"
    import_survey(project, inspect_file(survey_csv))
    assert project.undo_label() is None
    with pytest.raises(NothingToUndoError, match="nothing to undo"):
        project.undo()


def test_undo_history_is_bounded(project):
    for i in range(UNDO_LIMIT + 5):
        codebook.add_code(project, f"Code {i}")
    for _ in range(UNDO_LIMIT):
        project.undo()
    assert project.undo_label() is None
    assert len(codebook.list_codes(project)) == 5
