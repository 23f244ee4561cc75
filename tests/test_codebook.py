import pytest

from post_coder.coding import codebook
from post_coder.coding.coders import add_coder, find_coder
from post_coder.coding.codings import apply_code, codings_for_response, list_codings
from post_coder.errors import ConflictError, InputError, NotFoundError
from post_coder.store import audit
from tests.conftest import response_id
from post_coder.store.scope import ReadScope

EVERYONE = ReadScope.everyone()


def _code(project, name, **kw):
    return codebook.add_code(project, name, **kw).new_id


def test_add_and_find_code(project):
    changes = codebook.add_code(project, "Lack of time", definition="Time pressure",
                                inclusion="mentions shifts", color="#AABBCC")
    assert changes.codes and changes.label == "Add code"
    code = codebook.find_code(project, "lack OF time")
    assert code.id == changes.new_id
    assert code.definition == "Time pressure" and code.color == "#aabbcc"
    [entry] = audit.entries(project.db, entity="code")
    assert entry.action == "create" and entry.after["name"] == "Lack of time"


def test_duplicate_and_bad_names_refused(project, snapshot):
    _code(project, "Stigma")
    before = snapshot(project)
    with pytest.raises(ConflictError, match="already a code"):
        codebook.add_code(project, "stigma")
    with pytest.raises(InputError, match="cannot be empty"):
        codebook.add_code(project, "   ")
    with pytest.raises(InputError, match="not a color"):
        codebook.add_code(project, "Other", color="red")
    assert snapshot(project) == before


def test_find_code_suggests_close_names(project):
    _code(project, "Privacy concerns")
    with pytest.raises(NotFoundError, match='Did you mean "Privacy concerns"'):
        codebook.find_code(project, "Privacy concern")


def test_rename_redefine_recolor_with_rationale(project):
    cid = _code(project, "Time")
    codebook.rename_code(project, cid, "Lack of time", rationale="clearer")
    codebook.redefine_code(project, cid, definition="No time to meet", exclusion="staffing")
    codebook.recolor_code(project, cid, "#112233")
    code = codebook.get_code(project, cid)
    assert (code.name, code.definition, code.exclusion, code.color) == (
        "Lack of time", "No time to meet", "staffing", "#112233")
    entries = audit.entries(project.db, entity_id=cid)
    assert [e.action for e in entries] == ["create", "rename", "redefine", "recolor"]
    assert entries[1].before["name"] == "Time" and entries[1].rationale == "clearer"
    with pytest.raises(InputError, match="no field"):
        codebook.redefine_code(project, cid, meaning="x")


def test_move_refuses_cycles(project):
    top = _code(project, "Barriers")
    mid = _code(project, "Personal", parent=top)
    leaf = _code(project, "Time", parent=mid)
    with pytest.raises(ConflictError, match="inside it"):
        codebook.move_code(project, top, leaf)
    codebook.move_code(project, leaf, top)
    assert codebook.get_code(project, leaf).parent_id == top
    codebook.move_code(project, leaf, None)
    assert codebook.get_code(project, leaf).parent_id is None


def test_merge_moves_codings_and_collapses_duplicates(surveyed):
    p = surveyed
    maya = add_coder(p, "Maya Chen").new_id
    luis = add_coder(p, "Luis Ortega").new_id
    busy = _code(p, "Busy")
    time = _code(p, "Lack of time")
    child = _code(p, "Shift length", parent=busy)
    r3 = response_id(p, "R3")
    r1 = response_id(p, "R1")
    apply_code(p, r3, busy, maya)
    apply_code(p, r3, time, maya)       # duplicate after merge: collapses
    apply_code(p, r3, busy, luis)       # moves
    apply_code(p, r1, busy, maya, start=4, end=18)  # span moves
    changes = codebook.merge_codes(p, [busy], time, rationale="same idea")
    assert changes.codes and changes.codings
    live = list_codings(p, EVERYONE, codes=[time])
    assert sorted((c.respondent, c.coder, c.span_start) for c in live) == [
        ("R1", "Maya Chen", 4), ("R3", "Luis Ortega", None), ("R3", "Maya Chen", None)]
    assert list_codings(p, EVERYONE, codes=[busy]) == []
    merged = codebook.get_code(p, busy)
    assert merged.status == "merged" and merged.merged_into == time
    assert codebook.get_code(p, child).parent_id == time
    assert busy not in {c.id for c in codebook.list_codes(p)}
    with pytest.raises(ConflictError, match="merged"):
        codebook.rename_code(p, busy, "Again")


def test_merge_hides_each_duplicate_under_the_coding_it_duplicates_and_undo_restores(
        surveyed, snapshot):
    p = surveyed
    maya = add_coder(p, "Maya Chen").new_id
    luis = add_coder(p, "Luis Ortega").new_id
    busy, time = _code(p, "Busy"), _code(p, "Lack of time")
    r1, r3 = response_id(p, "R1"), response_id(p, "R3")
    kept = apply_code(p, r3, time, maya).new_id
    kept_span = apply_code(p, r1, time, luis, start=4, end=18).new_id
    twin = apply_code(p, r3, busy, maya).new_id              # same coder, no span: hidden
    twin_span = apply_code(p, r1, busy, luis, start=4, end=18).new_id  # same span: hidden
    other_span = apply_code(p, r1, busy, luis, start=0, end=3).new_id  # another span: moves
    other_coder = apply_code(p, r3, busy, luis).new_id       # another coder: moves
    before = snapshot(p)
    codebook.merge_codes(p, [busy], time)
    rows = {r[0]: r[1:] for r in p.db.execute(
        "SELECT id, code_id, deleted_at IS NOT NULL, duplicate_of FROM codings")}
    assert rows[twin] == (busy, 1, kept) and rows[twin_span] == (busy, 1, kept_span)
    assert rows[other_span] == (time, 0, None) and rows[other_coder] == (time, 0, None)
    assert rows[kept] == (time, 0, None) and rows[kept_span] == (time, 0, None)
    p.undo()
    after = snapshot(p)
    assert [k for k in after if after[k] != before[k]] == ["audit_log"]  # it records the undo


def test_merge_into_own_descendant_refused(project, snapshot):
    top = _code(project, "Barriers")
    leaf = _code(project, "Time", parent=top)
    before = snapshot(project)
    with pytest.raises(ConflictError, match="inside"):
        codebook.merge_codes(project, [top], leaf)
    with pytest.raises(InputError, match="into itself"):
        codebook.merge_codes(project, [leaf], leaf)
    assert snapshot(project) == before


def test_split_moves_chosen_codings(surveyed):
    p = surveyed
    maya = add_coder(p, "Maya Chen").new_id
    parent = _code(p, "Effectiveness")
    support = _code(p, "Support", parent=parent)
    a = apply_code(p, response_id(p, "R1"), support, maya).new_id
    b = apply_code(p, response_id(p, "R5"), support, maya).new_id
    new = codebook.split_code(p, support, "Sleep and rest", [b], definition="Better rest").new_id
    assert codebook.get_code(p, new).parent_id == parent
    assert [c.id for c in list_codings(p, EVERYONE, codes=[support])] == [a]
    assert [c.id for c in list_codings(p, EVERYONE, codes=[new])] == [b]
    with pytest.raises(InputError, match="not codings of"):
        codebook.split_code(p, support, "Other", [b])


def test_retire_keeps_codings_and_lifts_children(surveyed):
    p = surveyed
    maya = add_coder(p, "Maya Chen").new_id
    top = _code(p, "Misc")
    child = _code(p, "Sleep", parent=top)
    r = response_id(p, "R5")
    apply_code(p, r, top, maya)
    codebook.retire_code(p, top, rationale="too vague")
    assert codebook.get_code(p, top).status == "retired"
    assert codebook.get_code(p, child).parent_id is None
    assert [c.code_id for c in codings_for_response(p, EVERYONE, r)] == [top]
    # a retired name can be reused by a new active code
    assert _code(p, "Misc") != top


def test_find_coder_by_initials(project):
    add_coder(project, "Maya Chen")
    assert find_coder(project, "MC").name == "Maya Chen"
    with pytest.raises(ConflictError):
        add_coder(project, "maya chen")
    with pytest.raises(NotFoundError, match="Did you mean"):
        find_coder(project, "Maya Chan")


def test_tree_order_puts_orphans_among_roots_or_last():
    rows = [{"id": "a", "parent_id": None}, {"id": "x", "parent_id": "gone"},
            {"id": "b", "parent_id": None}, {"id": "a1", "parent_id": "a"},
            {"id": "x1", "parent_id": "x"}, {"id": "y", "parent_id": "gone"}]

    def order(**kw):
        return [(r["id"], depth) for r, depth in codebook.tree_order(
            rows, link=lambda r: (r["id"], r["parent_id"]), **kw)]

    assert order() == [("a", 0), ("a1", 1), ("x", 0), ("x1", 1), ("b", 0), ("y", 0)]
    assert order(orphans_last=True) == [("a", 0), ("a1", 1), ("b", 0), ("x", 0), ("x1", 1),
                                        ("y", 0)]


def test_code_and_subcodes_is_what_a_code_filter_matches(project):
    barriers = _code(project, "Barriers")
    time = _code(project, "Time", parent=barriers)
    shifts = _code(project, "Shifts", parent=time)
    cost = _code(project, "Cost", parent=barriers)
    _code(project, "Stigma")
    retired = _code(project, "Old", parent=barriers)
    codebook.retire_code(project, retired)
    # codebook order: siblings in the order they were added, each with its sub-codes
    assert codebook.code_and_subcodes(project, barriers) == (barriers, time, shifts, cost)
    assert codebook.code_and_subcodes(project, shifts) == (shifts,)
