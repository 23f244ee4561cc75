"""Keys 1–9: the default codes, pins per coder (undoable, audited), and the key toggle."""

import pytest

from post_coder.coding import codebook
from post_coder.coding.coders import add_coder
from post_coder.coding.codings import apply_code, codings_for_response
from post_coder.coding.keys import (code_keys, default_keys, key_table, pin_key, toggle_code,
                                    unpin_key)
from post_coder.errors import ConflictError, InputError, NotFoundError
from post_coder.store import audit
from post_coder.store.scope import ReadScope
from tests.conftest import response_id

EVERYONE = ReadScope.everyone()


def _code(project, name, **kw):
    return codebook.add_code(project, name, **kw).new_id


@pytest.fixture
def book(project):
    """Barriers (a parent) › Time, Privacy; then Support, Culture, Sleep: leaves in
    codebook order are Time, Privacy, Support, Culture, Sleep."""
    ids = {"Barriers": _code(project, "Barriers")}
    for name in ("Time", "Privacy"):
        ids[name] = _code(project, name, parent=ids["Barriers"])
    for name in ("Support", "Culture", "Sleep"):
        ids[name] = _code(project, name)
    ids["maya"] = add_coder(project, "Maya Chen").new_id
    ids["jon"] = add_coder(project, "Jon Reyes").new_id
    return ids


def _names(project, coder):
    return [k.code_name for k in key_table(project, coder)]


def test_default_keys_are_the_first_nine_codes_without_subcodes(project, book):
    expected = ["Time", "Privacy", "Support", "Culture", "Sleep", None, None, None, None]
    assert _names(project, None) == expected
    assert _names(project, book["maya"]) == expected  # nothing pinned: the defaults
    assert default_keys(project) == [book[n] for n in expected[:5]]
    for n in range(10):  # more than nine leaves: only the first nine get keys
        _code(project, f"Extra {n}")
    assert _names(project, None)[5:] == ["Extra 0", "Extra 1", "Extra 2", "Extra 3"]


def test_pin_is_per_coder_and_other_keys_keep_their_defaults(project, book):
    changes = pin_key(project, book["Sleep"], 1, book["maya"])
    assert changes.label == "Pin code to key" and changes.codes
    # Sleep leaves its default key 5; Time (key 1's default) has no key now
    assert _names(project, book["maya"]) == ["Sleep", "Privacy", "Support", "Culture", None,
                                             None, None, None, None]
    assert [k.pinned for k in key_table(project, book["maya"])][:2] == [True, False]
    assert _names(project, book["jon"])[:5] == ["Time", "Privacy", "Support", "Culture",
                                                "Sleep"]
    # a parent code can be pinned too, on a key with no default code
    pin_key(project, book["Barriers"], 9, book["maya"])
    assert code_keys(project, book["maya"])[8] == book["Barriers"]


def test_pin_moves_a_code_and_replaces_the_code_on_the_key(project, book):
    maya = book["maya"]
    pin_key(project, book["Sleep"], 1, maya)
    pin_key(project, book["Culture"], 2, maya)
    pin_key(project, book["Sleep"], 2, maya)  # moves Sleep; Culture makes way
    # key 1 is free again: its default code, Time, is back
    assert _names(project, maya)[:5] == ["Time", "Sleep", "Support", "Culture", None]
    entries = [(e.action, e.entity_id, e.before["key"], e.after["key"])
               for e in audit.entries(project.db, entity="code") if e.action in ("pin", "unpin")]
    assert entries == [("pin", book["Sleep"], None, 1), ("pin", book["Culture"], None, 2),
                       ("unpin", book["Culture"], 2, None), ("pin", book["Sleep"], 1, 2)]
    count = audit.count(project.db)
    assert not pin_key(project, book["Sleep"], 2, maya).any()  # already there: nothing
    assert audit.count(project.db) == count


def test_unpin_gives_the_key_its_default_back(project, book):
    maya = book["maya"]
    pin_key(project, book["Sleep"], 1, maya, rationale="used most")
    changes = unpin_key(project, book["Sleep"], maya)
    assert changes.label == "Unpin code"
    assert _names(project, maya)[:5] == ["Time", "Privacy", "Support", "Culture", "Sleep"]
    last = audit.entries(project.db, entity_id=book["Sleep"])[-1]
    assert (last.action, last.before["key"], last.after["key"]) == ("unpin", 1, None)
    with pytest.raises(InputError, match='"Sleep" is not pinned to a key for Maya Chen'):
        unpin_key(project, book["Sleep"], maya)


def test_pin_undo_and_redo_are_one_step(project, book, snapshot):
    maya = book["maya"]
    pin_key(project, book["Culture"], 2, maya)
    before = snapshot(project)
    pin_key(project, book["Sleep"], 2, maya)  # replaces Culture: two rows change
    after = snapshot(project)
    assert project.undo_label() == "Pin code to key"
    project.undo()
    assert _names(project, maya)[:2] == ["Time", "Culture"]
    assert snapshot(project)["key_pins"] == before["key_pins"]
    project.redo()
    assert _names(project, maya)[:2] == ["Time", "Sleep"]
    assert snapshot(project)["key_pins"] == after["key_pins"]


def test_bad_pins_are_refused_and_change_nothing(project, book, snapshot):
    before = snapshot(project)
    for key in (0, 10, "3", True):
        with pytest.raises(InputError, match="the keys are 1 to 9"):
            pin_key(project, book["Time"], key, book["maya"])
    codebook.retire_code(project, book["Culture"])
    before = snapshot(project)
    with pytest.raises(ConflictError, match='"Culture" is retired'):
        pin_key(project, book["Culture"], 1, book["maya"])
    with pytest.raises(NotFoundError, match="coder does not exist"):
        pin_key(project, book["Time"], 1, "nobody")
    with pytest.raises(NotFoundError, match="code no longer exists"):
        pin_key(project, "no-such-code", 1, book["maya"])
    assert snapshot(project) == before


def test_a_pin_on_a_retired_code_is_ignored(project, book):
    pin_key(project, book["Sleep"], 1, book["maya"])
    codebook.retire_code(project, book["Sleep"])
    assert _names(project, book["maya"])[:4] == ["Time", "Privacy", "Support", "Culture"]


# -- pressing a key: apply, or take off ------------------------------------------------------

def _mine(project, response, coder):
    return sorted(((c.code_id, c.span_start, c.span_end)
                   for c in codings_for_response(project, EVERYONE, response)
                   if c.coder_id == coder), key=lambda c: (c[0], c[1] or -1))


def test_a_key_applies_its_code_then_takes_it_off(surveyed):
    p = surveyed
    code, maya = _code(p, "Support"), add_coder(p, "Maya").new_id
    jon = add_coder(p, "Jon").new_id
    response = response_id(p, "R1")
    apply_code(p, response, code, jon)  # another coder's coding is never touched
    first = toggle_code(p, response, code, maya)
    assert (first.applied, first.removed, first.changes.label) == (True, 0, "Apply code")
    assert _mine(p, response, maya) == [(code, None, None)]
    second = toggle_code(p, response, code, maya)
    assert (second.applied, second.removed, second.changes.label) == (False, 1, "Remove code")
    assert _mine(p, response, maya) == [] and _mine(p, response, jon) == [(code, None, None)]
    assert p.undo_label() == "Remove code"
    p.undo()  # one step brings it back
    assert _mine(p, response, maya) == [(code, None, None)]


def test_a_key_on_a_span_toggles_only_that_span(surveyed):
    p = surveyed
    code, maya = _code(p, "Support"), add_coder(p, "Maya").new_id
    response = response_id(p, "R1")
    apply_code(p, response, code, maya, start=4, end=8)
    press = toggle_code(p, response, code, maya, start=10, end=20)
    assert press.applied and _mine(p, response, maya) == [(code, 4, 8), (code, 10, 20)]
    press = toggle_code(p, response, code, maya, start=4, end=8)
    assert (press.applied, press.removed) == (False, 1)
    assert _mine(p, response, maya) == [(code, 10, 20)]
    # no selection: every coding of the code by this coder on the response comes off
    apply_code(p, response, code, maya)
    press = toggle_code(p, response, code, maya)
    assert (press.applied, press.removed) == (False, 2) and _mine(p, response, maya) == []
    p.undo()
    assert _mine(p, response, maya) == [(code, None, None), (code, 10, 20)]
