import pytest

from post_coder.coding import codebook, memos
from post_coder.coding.coders import add_coder
from post_coder.errors import InputError, NotFoundError
from tests.conftest import response_id
from post_coder.store.scope import ReadScope

EVERYONE = ReadScope.everyone()


def test_memo_lifecycle_on_each_target(surveyed):
    p = surveyed
    p.actor = add_coder(p, "Maya Chen").new_id
    code = codebook.add_code(p, "Stigma").new_id
    r = response_id(p, "R4")
    for kind, target in (("project", None), ("code", code), ("response", r)):
        mid = memos.add_memo(p, kind, target, f"note on {kind}").new_id
        [m] = memos.memos_for(p, EVERYONE, kind, target)
        assert m.id == mid and m.author_id == p.actor and m.body == f"note on {kind}"
    memos.edit_memo(p, mid, "changed")
    assert memos.memos_for(p, EVERYONE, "response", r)[0].body == "changed"
    memos.delete_memo(p, mid)
    assert memos.memos_for(p, EVERYONE, "response", r) == []
    with pytest.raises(NotFoundError):
        memos.edit_memo(p, mid, "x")
    assert len(memos.list_memos(p, EVERYONE)) == 2


def test_set_memo_edits_in_place(surveyed):
    p = surveyed
    p.actor = add_coder(p, "Luis Ortega").new_id
    code = codebook.add_code(p, "Time").new_id
    memos.set_memo(p, "code", code, "first")
    memos.set_memo(p, "code", code, "second")
    [m] = memos.memos_for(p, EVERYONE, "code", code)
    assert m.body == "second"
    memos.set_memo(p, "code", code, "  ")
    assert memos.memos_for(p, EVERYONE, "code", code) == []


def test_memo_targets_checked(surveyed):
    with pytest.raises(NotFoundError):
        memos.add_memo(surveyed, "code", "no-such-id", "x")
    with pytest.raises(InputError):
        memos.add_memo(surveyed, "theme", "x", "x")
