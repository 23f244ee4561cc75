"""Coders (add, rename, list) and removing several codings at once."""

from __future__ import annotations

import pytest

from post_coder.coding import codebook
from post_coder.coding.coders import (UnknownCoder, add_coder, coder_table, find_coder,
                                      rename_coder)
from post_coder.coding.codings import apply_code, list_codings, remove_codings, select_codings
from post_coder.errors import ConflictError, InputError, NotFoundError
from post_coder.queries import find_question
from post_coder.store import audit
from post_coder.store.scope import ReadScope
from tests.conftest import response_id

EVERYONE = ReadScope.everyone()


def test_add_and_list_coders(project):
    maya = add_coder(project, "Maya Chen").new_id
    luis = add_coder(project, " Luis Ortega ", initials="LuO", color="#AABBCC").new_id
    assert sorted((c["name"], c["id"], c["initials"], c["color"], c["codings"])
                  for c in coder_table(project, EVERYONE)) == [
        ("Luis Ortega", luis, "LuO", "#aabbcc", 0), ("Maya Chen", maya, "MC", "#9467bd", 0)]
    with pytest.raises(ConflictError, match='already a coder called "Maya Chen"'):
        add_coder(project, "maya chen")
    with pytest.raises(InputError, match='"blue" is not a color'):
        add_coder(project, "Ana", color="blue")
    with pytest.raises(InputError, match="cannot be empty"):
        add_coder(project, "  ")
    assert len(coder_table(project, EVERYONE)) == 2
    [entry] = [e for e in audit.entries(project.db) if e.entity_id == maya]
    assert (entry.action, entry.after["name"]) == ("create", "Maya Chen")


def test_rename_a_coder_is_one_undoable_step(project):
    maya = add_coder(project, "Maya C.").new_id
    add_coder(project, "Luis Ortega")
    changes = rename_coder(project, maya, "Maya Chen", initials="MCh")
    assert changes.coders and changes.label == "Rename coder"
    assert (find_coder(project, maya).name, find_coder(project, "MCh").id) == ("Maya Chen", maya)
    entry = audit.entries(project.db)[-1]
    assert (entry.action, entry.before["name"], entry.after["name"]) == (
        "rename", "Maya C.", "Maya Chen")
    with pytest.raises(ConflictError, match='already a coder called "Luis Ortega"'):
        rename_coder(project, maya, "luis ortega")
    rename_coder(project, maya, "MAYA CHEN")  # a change of case is a rename of its own
    assert find_coder(project, maya).name == "MAYA CHEN"
    project.undo()
    project.undo()
    assert (find_coder(project, maya).name, find_coder(project, maya).initials) == (
        "Maya C.", "MC")
    with pytest.raises(UnknownCoder, match='no coder called "Maya Chen"'):
        find_coder(project, "Maya Chen")


@pytest.fixture
def coded(surveyed):
    p = surveyed
    p.maya = add_coder(p, "Maya Chen").new_id
    p.luis = add_coder(p, "Luis Ortega").new_id
    p.time = codebook.add_code(p, "Time").new_id
    p.cost = codebook.add_code(p, "Cost").new_id
    p.ids = {}
    for respondent, question, code, coder in [
            ("R1", "feedback", p.time, p.maya), ("R1", "feedback", p.time, p.luis),
            ("R1", "suggestions", p.time, p.maya), ("R3", "feedback", p.cost, p.maya),
            ("R3", "feedback", p.time, p.luis)]:
        cid = apply_code(p, response_id(p, respondent, question), code, coder).new_id
        p.ids[(respondent, question, code == p.time and "Time" or "Cost",
               coder == p.maya and "MC" or "LO")] = cid
    return p


def test_select_codings_by_every_criterion(coded):
    p = coded
    feedback = find_question(p, "feedback")

    def picked(**criteria):
        return sorted(k for k, v in p.ids.items()
                      if v in {r.id for r in select_codings(p, **criteria)})

    assert picked(respondents=["R1"]) == [("R1", "feedback", "Time", "LO"),
                                          ("R1", "feedback", "Time", "MC"),
                                          ("R1", "suggestions", "Time", "MC")]
    assert picked(respondents=["R1"], questions=[feedback], coders=[p.maya]) == [
        ("R1", "feedback", "Time", "MC")]
    assert picked(codes=[p.cost]) == [("R3", "feedback", "Cost", "MC")]
    assert picked(ids=[p.ids[("R3", "feedback", "Time", "LO")]], coders=[p.maya]) == []
    with pytest.raises(InputError, match="say which codings"):
        select_codings(p)
    with pytest.raises(NotFoundError, match='no respondent "R99"'):
        select_codings(p, respondents=["R1", "R99"])
    with pytest.raises(NotFoundError, match='no coding with the id "nope"'):
        select_codings(p, ids=["nope"])


def test_remove_codings_is_one_action(coded, snapshot):
    p = coded
    before = snapshot(p)
    gone = [p.ids[("R1", "feedback", "Time", "MC")], p.ids[("R3", "feedback", "Time", "LO")]]
    changes = remove_codings(p, gone)
    assert changes.codings and p.undo_label() == "Remove codings"
    assert sorted(r.id for r in list_codings(p, EVERYONE)) == sorted(
        v for v in p.ids.values() if v not in gone)
    with pytest.raises(NotFoundError, match=f'the coding "{gone[0]}" has already been removed'):
        remove_codings(p, [p.ids[("R1", "suggestions", "Time", "MC")], gone[0]])
    assert len(list_codings(p, EVERYONE)) == 3  # refused whole
    p.undo()
    assert {k: v for k, v in snapshot(p).items() if k != "audit_log"} == {
        k: v for k, v in before.items() if k != "audit_log"}
