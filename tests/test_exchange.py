"""Coder packages, work files and merges: what travels, what is refused, what conflicts."""

from __future__ import annotations

import gzip
import json
import sqlite3
import time
from pathlib import Path

import pytest

from post_coder.coding import codebook, memos
from post_coder.coding.coders import add_coder
from post_coder.coding.codings import (apply_code, list_codings, remove_code, remove_codings,
                                      remove_coding)
from post_coder.errors import ConflictError, InputError, NotFoundError, ProjectFileError
from post_coder.project import Project
from post_coder.queries import find_question
from post_coder.store import audit
from post_coder.store import team as exchange_store
from post_coder.team.merge import UnresolvedConflicts, merge, merge_preview
from post_coder.team.package import export_package, export_work, package_info
from post_coder.team.rounds import close_round, create_round
from post_coder.team.workfile import MAGIC, read_incoming
from tests.conftest import response_id
from tests.team_helpers import copy_project, hidden_duplicates, shown, true_codings
from post_coder.store.scope import ReadScope

EVERYONE = ReadScope.everyone()


@pytest.fixture
def lead(surveyed):
    """Lead's project: 3 coders, 4 codes, a blind round on "feedback", everyone coded R1."""
    p = surveyed
    p.ana = add_coder(p, "Ana Lead").new_id
    p.maya = add_coder(p, "Maya Chen").new_id
    p.luis = add_coder(p, "Luis Ortega").new_id
    p.actor = p.ana
    p.codes = {n: codebook.add_code(p, n, definition=f"About {n.lower()}").new_id
               for n in ("Time", "Stigma", "Relief", "Culture")}
    p.round = create_round(p, "Round 1", [p.maya, p.luis],
                           questions=[find_question(p, "feedback")]).new_id
    r1 = response_id(p, "R1")
    for coder in (p.ana, p.maya, p.luis):
        apply_code(p, r1, p.codes["Relief"], coder)
    p.outside = apply_code(p, response_id(p, "R1", "suggestions"), p.codes["Time"],
                           p.luis).new_id
    p.luis_r1 = list_codings(p, EVERYONE, coders=[p.luis], responses=[r1])[0].id
    memos.add_memo(p, "coding", p.luis_r1, "Luis: clearly relief")
    p.actor = p.luis
    memos.add_memo(p, "response", r1, "Luis thinks this is relief")
    p.actor = p.ana
    return p


def _laptop(lead, coder, tmp_path, name=None) -> Project:
    path = export_package(lead, coder, tmp_path / (name or f"{coder[:8]}")).path
    p = Project.open(path)
    p.actor = coder
    return p


# -- packages -------------------------------------------------------------------------------

def _file_bytes(path: Path) -> bytes:
    """The whole file as it lies on disk, with its write-ahead log if one is left."""
    wal = Path(str(path) + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_blind_package_holds_none_of_the_other_coders_codings(lead, tmp_path, snapshot):
    p = lead
    r1, r2 = response_id(p, "R1"), response_id(p, "R2")
    # removed codings (tombstones) and deleted memos of the others in the round travel too
    # unless withheld: Luis removed a span of R1, Ana a coding of R2
    p.actor = p.luis
    luis_gone = apply_code(p, r1, p.codes["Stigma"], p.luis, start=0, end=10).new_id
    memos.add_memo(p, "coding", luis_gone, "Luis: stigma, on second thought no")
    remove_coding(p, luis_gone)
    deleted_memo = memos.add_memo(p, "response", r2, "Luis: R2 is about culture").new_id
    memos.delete_memo(p, deleted_memo)
    p.actor = p.ana
    ana_gone = apply_code(p, r2, p.codes["Culture"], p.ana).new_id
    remove_coding(p, ana_gone)
    maya_r1 = list_codings(p, EVERYONE, coders=[p.maya], responses=[r1])[0].id
    others = {i: r for i, r in true_codings(p).items() if r[3] != p.maya
              and i != p.outside}
    assert len(others) == 4 and {luis_gone, ana_gone, p.luis_r1} <= set(others)
    other_memos = {m[0]: m[4] for m in exchange_store.memos_by(p.db, None)}
    assert len(other_memos) == 4  # all by Luis, one deleted, one on a removed coding
    before = snapshot(p)
    summary = export_package(p, p.maya, tmp_path / "maya")
    assert snapshot(p) == before  # making a package does not change the lead's project
    assert summary.path == tmp_path / "maya.postcoder" and summary.rounds == ("Round 1",)
    assert summary.withheld == 4  # Ana's and Luis's codings of R1 and R2, removed or not
    raw = _file_bytes(summary.path)
    for i, row in others.items():
        assert i.encode() not in raw, f"the withheld coding {i} left a trace"
        # a stored row or index entry holds response, code and coder side by side
        assert (row[1] + row[2] + row[3]).encode() not in raw, "a withheld row left a trace"
        if row[2] != p.codes["Relief"]:  # (Maya coded Relief on R1 herself)
            assert (row[2] + row[1]).encode() not in raw, "a withheld index entry is left"
    for i, body in other_memos.items():
        assert i.encode() not in raw and body.encode() not in raw, f"the memo {body!r} leaked"
    assert maya_r1.encode() in raw and p.outside.encode() in raw  # the check can see ids
    with Project.open(summary.path) as pkg:
        assert {i: r[3] for i, r in true_codings(pkg).items()} == {
            maya_r1: p.maya, p.outside: p.luis}  # outside the round: not blinded
        assert exchange_store.memos_by(pkg.db, None) == []
        info = package_info(pkg)
        assert info.coder_id == p.maya and info.round_ids == (p.round,)
        assert set(info.codebook) == set(p.codes.values())
        assert [e.action for e in audit.entries(pkg.db)][-1] == "package"
        assert not any(e.entity_id in others for e in audit.entries(pkg.db))
        assert pkg.id == p.id
        with pytest.raises(ConflictError, match="itself a coder package"):
            export_package(pkg, p.luis, tmp_path / "nested")
    assert not list(tmp_path.glob("*.partial*"))


def test_open_round_package_keeps_everyones_codings(lead, tmp_path):
    p = lead
    close_round(p, p.round)
    summary = export_package(p, p.maya, tmp_path / "maya.postcoder")
    assert summary.withheld == 0 and summary.rounds == () and summary.codings == 4
    with Project.open(summary.path) as pkg:
        coders = sorted(r[3] for r in true_codings(pkg).values())
        assert coders == sorted([p.ana, p.maya, p.luis, p.luis])
        assert p.outside in true_codings(pkg) and p.luis_r1 in true_codings(pkg)


@pytest.mark.parametrize("case,error,message", [
    ("unknown coder", NotFoundError, "does not exist"),
    ("not in round", ConflictError, "does not take part"),
    ("closed round", ConflictError, "closed"),
    ("no folder", InputError, "does not exist"),
])
def test_package_refusals(lead, tmp_path, case, error, message):
    p = lead
    coder, target, round_id = p.maya, tmp_path / "x", p.round
    if case == "unknown coder":
        coder = "nobody"
    elif case == "not in round":
        coder = p.ana
    elif case == "closed round":
        close_round(p, p.round)
    else:
        target = tmp_path / "missing" / "x"
    with pytest.raises(error, match=message):
        export_package(p, coder, target, round_id=round_id)
    assert not list(tmp_path.glob("x*"))


# -- work files --------------------------------------------------------------------------------

def test_work_file_holds_only_the_coders_work(lead, tmp_path):
    p = lead
    with _laptop(p, p.maya, tmp_path, "maya") as m:
        r3 = response_id(m, "R3")
        kept = apply_code(m, r3, p.codes["Time"], p.maya).new_id
        gone = apply_code(m, r3, p.codes["Stigma"], p.maya, start=0, end=8).new_id
        remove_coding(m, gone)
        new_code = codebook.add_code(m, "Burnout").new_id
        codebook.redefine_code(m, p.codes["Stigma"], definition="Shame about asking for help")
        m.actor = p.maya
        memos.set_memo(m, "response", r3, "Maya: time pressure")
        summary = export_work(m, tmp_path / "maya")
        with pytest.raises(ConflictError, match="made for Maya Chen"):
            export_work(m, tmp_path / "luis", coder_id=p.luis)
    assert summary.path.name == "maya.postcoder-work"
    assert (summary.codings, summary.removals, summary.memos, summary.codes) == (2, 1, 1, 2)
    data = summary.path.read_bytes()
    assert data.startswith(MAGIC)
    header = json.loads(data[len(MAGIC):data.index(b"\n", len(MAGIC))])
    assert header["project_id"] == p.id and header["coder"]["name"] == "Maya Chen"
    assert header["version"] == 1 and header["format"] == "post-coder-work"
    incoming = read_incoming(summary.path, p.id)
    assert {r[0] for r in incoming.codings} >= {kept, gone}
    assert {r[3] for r in incoming.codings} == {p.maya}
    assert {c.id: base is None for c, base in incoming.codes} == {
        new_code: True, p.codes["Stigma"]: False}
    with pytest.raises(InputError, match="say whose work"):
        export_work(p, tmp_path / "lead")


# -- refused files --------------------------------------------------------------------------------

def _work(lead, tmp_path) -> Path:
    with _laptop(lead, lead.maya, tmp_path, "maya") as m:
        apply_code(m, response_id(m, "R2"), lead.codes["Culture"], lead.maya)
        return export_work(m, tmp_path / "maya").path


def _rewrite(path: Path, *, header=None, body=None, cut=None) -> None:
    data = path.read_bytes()
    end = data.index(b"\n", len(MAGIC))
    head = json.loads(data[len(MAGIC):end])
    payload = data[end + 1:]
    if header:
        head.update(header)
    if body is not None:
        payload = body
    data = MAGIC + json.dumps(head).encode() + b"\n" + payload
    path.write_bytes(data[:cut] if cut else data)


@pytest.mark.parametrize("damage,message", [
    ({"header": {"project_id": "another", "project_name": "Other study"}},
     'belongs to another project \\("Other study"\\)'),
    ({"header": {"version": 2, "app_version": "9.0"}}, "newer version of POST Coder \\(9.0\\)"),
    ({"cut": -100}, "incomplete"),
    ({"body": "flip"}, "changed after it was exported"),
    ({"body": "junk"}, "damaged"),
    ({"header": {"format": "something-else"}}, "damaged"),
])
def test_bad_work_files_are_refused_and_change_nothing(lead, tmp_path, snapshot, damage,
                                                       message):
    p = lead
    path = _work(p, tmp_path)
    if damage.get("body") == "flip":
        body = bytearray(path.read_bytes().split(b"\n", 2)[2])
        body[len(body) // 2] ^= 0xFF
        damage = {"body": bytes(body)}
    elif damage.get("body") == "junk":  # consistent checksum, but not what a payload holds
        import hashlib

        junk = gzip.compress(b'{"codings": 3}')
        damage = {"body": junk, "header": {"payload_sha256": hashlib.sha256(junk).hexdigest(),
                                           "payload_size": len(junk)}}
    _rewrite(path, **damage)
    before = snapshot(p)
    with pytest.raises(InputError, match=message) as caught:
        merge(p, path)
    assert caught.value.file == path.name
    with pytest.raises(InputError, match=message):
        merge_preview(p, path)
    assert snapshot(p) == before


def test_other_files_are_refused(lead, tmp_path, snapshot):
    p = lead
    before = snapshot(p)
    text = tmp_path / "notes.txt"
    text.write_text("hello", encoding="utf-8")
    with pytest.raises(InputError, match="neither a POST Coder work file nor a project"):
        merge(p, text)
    with pytest.raises(InputError, match="no such file"):
        merge(p, tmp_path / "missing.postcoder-work")
    other = Project.create(tmp_path / "other.postcoder", name="Other study")
    other.close()
    with pytest.raises(InputError, match='another project \\("Other study"\\)'):
        merge(p, tmp_path / "other.postcoder")
    # a copy saved by a newer POST Coder
    p.save_copy(tmp_path / "newer.postcoder")
    con = sqlite3.connect(tmp_path / "newer.postcoder")
    con.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
                " VALUES ('post_coder', '9999_future', '2030-01-01')")
    con.commit()
    con.close()
    with pytest.raises(ProjectFileError, match="newer version") as caught:
        merge(p, tmp_path / "newer.postcoder")
    assert caught.value.file == "newer.postcoder"
    assert snapshot(p) == before


# -- merging ------------------------------------------------------------------------------------

def test_merge_brings_codings_removals_memos_and_proposals(lead, tmp_path, snapshot):
    p = lead
    with _laptop(p, p.maya, tmp_path, "maya") as m:
        r3 = response_id(m, "R3")
        added = apply_code(m, r3, p.codes["Time"], p.maya, start=0, end=8).new_id
        mine_r1 = list_codings(m, EVERYONE, coders=[p.maya])[0].id
        remove_coding(m, mine_r1)
        burnout = codebook.add_code(m, "Burnout", definition="Exhaustion").new_id
        apply_code(m, r3, burnout, p.maya)
        codebook.redefine_code(m, p.codes["Stigma"], definition="Shame about asking")
        memo = memos.add_memo(m, "code", burnout, "Proposed after R3").new_id
        work = export_work(m, tmp_path / "maya").path
    before = snapshot(p)
    plan = merge_preview(p, work)
    assert snapshot(p) == before  # a preview writes nothing
    assert (plan.new_codings, plan.removed_codings, plan.changed_codings) == (2, 1, 0)
    assert (plan.new_codes, plan.changed_codes, plan.new_memos) == (1, 1, 1)
    assert plan.conflicts == () and "conflicts: none" in plan.describe()
    result = merge(p, work)
    assert result.merged and result.changes.codings and result.plan == plan
    visible = shown(p)
    assert added in visible and mine_r1 not in visible
    assert codebook.get_code(p, burnout).name == "Burnout"
    assert codebook.get_code(p, p.codes["Stigma"]).definition == "Shame about asking"
    assert memos.memos_for(p, EVERYONE, "code", burnout)[0].id == memo
    [logged] = exchange_store.merges(p.db)
    assert logged["kind"] == "work" and logged["coder_id"] == p.maya
    assert logged["summary"]["new_codings"] == 2
    assert [e.action for e in audit.entries(p.db)][-1] == "merge"
    assert p.undo_label() is None  # like an import, a merge is not undone with Edit ▸ Undo
    # the same file again: recognised, nothing changes
    after = snapshot(p)
    again = merge(p, work)
    assert again.plan.already_merged_at and not again.merged
    assert "already merged" in merge_preview(p, work).describe()
    assert snapshot(p) == after


def test_a_removed_coding_is_not_brought_back_by_an_older_copy(lead, tmp_path):
    p = lead
    with _laptop(p, p.maya, tmp_path, "maya") as m:
        r3 = response_id(m, "R3")
        cid = apply_code(m, r3, p.codes["Time"], p.maya).new_id
        early = export_work(m, tmp_path / "early").path
        remove_coding(m, cid)
        late = export_work(m, tmp_path / "late").path
    merge(p, late)
    merge(p, early)  # stale: the coding was live in it
    assert cid not in shown(p) and true_codings(p)[cid][8] is not None


def test_whole_project_merge_reads_the_other_file_without_changing_it(lead, tmp_path):
    p = lead
    with _laptop(p, p.luis, tmp_path, "luis") as lap:
        cid = apply_code(lap, response_id(lap, "R4"), p.codes["Stigma"], p.luis).new_id
        path = lap.path
    stamp = (path.stat().st_mtime_ns, path.read_bytes())
    plan = merge_preview(p, path)
    assert plan.kind == "project" and plan.new_codings == 1 and plan.removed_codings == 0
    merge(p, path)
    assert cid in shown(p)
    assert (path.stat().st_mtime_ns, path.read_bytes()) == stamp
    assert not Path(str(path) + "-wal").exists() or Path(str(path) + "-wal").stat().st_size == 0
    # the package lacks the codings withheld from it: that is not a removal
    assert len(shown(p)) == 5


SMALL_ID = "00000000-0000-4000-8000-000000000001"
BIG_ID = "ffffffff-ffff-4fff-bfff-ffffffffffff"


@pytest.mark.parametrize("first,second", [(SMALL_ID, BIG_ID), (BIG_ID, SMALL_ID)],
                         ids=["first-shown", "second-shown"])
def test_duplicates_from_two_copies_are_shown_once_and_come_back(lead, tmp_path, monkeypatch,
                                                                 first, second):
    import post_coder.coding.codings as codings_module

    p = lead
    r4 = response_id(p, "R4")
    with _laptop(p, p.maya, tmp_path, "one") as a:
        monkeypatch.setattr(codings_module, "new_id", lambda: first)
        assert apply_code(a, r4, p.codes["Time"], p.maya).new_id == first
        wa = export_work(a, tmp_path / "one").path
    with _laptop(p, p.maya, tmp_path, "two") as b:  # a second laptop of the same coder
        monkeypatch.setattr(codings_module, "new_id", lambda: second)
        assert apply_code(b, r4, p.codes["Time"], p.maya).new_id == second
        wb = export_work(b, tmp_path / "two").path
        remove_coding(b, second)
        wb_removed = export_work(b, tmp_path / "two-later").path
    merge(p, wa)
    plan = merge(p, wb).plan
    assert plan.duplicates == 1 and plan.new_codings == 0
    assert SMALL_ID in shown(p) and hidden_duplicates(p) == {BIG_ID: SMALL_ID}
    merge(p, wb_removed)
    # the second laptop's coding is removed; the first laptop's stays shown either way
    # (when it was the hidden one, the removal of the shown one brings it back)
    assert first in shown(p) and second not in shown(p) and hidden_duplicates(p) == {}
    assert true_codings(p)[second][8] is not None and true_codings(p)[first][8] is None


def test_a_code_merged_here_takes_the_coders_codings_along(lead, tmp_path):
    p = lead
    r3, r4 = response_id(p, "R3"), response_id(p, "R4")
    with _laptop(p, p.maya, tmp_path, "maya") as m:
        on_time = apply_code(m, r3, p.codes["Time"], p.maya).new_id
        on_stigma = apply_code(m, r3, p.codes["Stigma"], p.maya).new_id
        apply_code(m, r4, p.codes["Time"], p.maya)
        work = export_work(m, tmp_path / "maya").path
    codebook.merge_codes(p, [p.codes["Time"]], p.codes["Stigma"])
    with pytest.raises(UnresolvedConflicts) as caught:
        merge(p, work)
    [conflict] = caught.value.conflicts
    assert conflict.kind == "deleted-used" and "merged into \"Stigma\"" in conflict.message
    assert "2 new codings" in conflict.message
    merge(p, work, resolutions={"Time": "keep-mine"}, rationale="Time is part of stigma now")
    visible = shown(p)
    winner, other = sorted([on_time, on_stigma])  # one coding of Stigma on R3, shown once
    assert visible[winner][2] == p.codes["Stigma"] and hidden_duplicates(p) == {other: winner}
    assert {r[2] for r in visible.values() if r[3] == p.maya} == {p.codes["Relief"],
                                                                  p.codes["Stigma"]}
    [entry] = [e for e in audit.entries(p.db) if e.action == "resolve-conflict"]
    assert entry.after["decision"] == "keep-mine" and entry.rationale.startswith("Time is")


def test_a_code_retired_here_but_used_there_is_a_conflict(lead, tmp_path):
    p = lead
    with _laptop(p, p.luis, tmp_path, "luis") as lap:
        cid = apply_code(lap, response_id(lap, "R5"), p.codes["Culture"], p.luis).new_id
        work = export_work(lap, tmp_path / "luis").path
    codebook.retire_code(p, p.codes["Culture"])
    plan = merge_preview(p, work)
    assert [c.kind for c in plan.unresolved] == ["deleted-used"]
    assert "retired here" in plan.unresolved[0].message
    merge(p, work, resolutions={"culture": "keep-theirs"})
    assert codebook.get_code(p, p.codes["Culture"]).status == "active"
    assert cid in shown(p)


def test_a_code_retired_there_but_used_here_is_a_conflict(lead, tmp_path):
    p = lead
    with _laptop(p, p.maya, tmp_path, "maya") as m:
        codebook.merge_codes(m, [p.codes["Relief"]], p.codes["Culture"])
        work = export_work(m, tmp_path / "maya").path
    plan = merge_preview(p, work)
    [conflict] = plan.unresolved
    assert conflict.kind == "used-deleted" and "2 other codings" in conflict.message
    assert conflict.options == ("keep-mine", "keep-theirs")
    with pytest.raises(InputError, match="not a way to settle"):
        merge(p, work, resolutions={"Relief": "keep-both"})
    merge(p, work, resolutions={"Relief": "keep-theirs"})
    assert codebook.get_code(p, p.codes["Relief"]).status == "merged"
    # everyone's codings of the merged code moved to the code that stays
    assert {r[2] for r in shown(p).values()} == {p.codes["Culture"], p.codes["Time"]}


def test_unused_code_retired_there_is_taken(lead, tmp_path):
    p = lead
    with _laptop(p, p.maya, tmp_path, "maya") as m:
        codebook.retire_code(m, p.codes["Stigma"])
        work = export_work(m, tmp_path / "maya").path
    assert merge(p, work).plan.changed_codes == 1
    assert codebook.get_code(p, p.codes["Stigma"]).status == "retired"


def _renamed_on_two_laptops(p, tmp_path):
    works = []
    for coder, name, definition in ((p.maya, "Time pressure", "Too busy"),
                                    (p.luis, "No time", "Schedules too full")):
        with _laptop(p, coder, tmp_path, name) as lap:
            codebook.rename_code(lap, p.codes["Time"], name)
            codebook.redefine_code(lap, p.codes["Time"], definition=definition)
            apply_code(lap, response_id(lap, "R3"), p.codes["Time"], coder)
            works.append(export_work(lap, tmp_path / name).path)
    merge(p, works[0])
    return works[1]


@pytest.mark.parametrize("decision,name,definition", [
    ("keep-mine", "Time pressure", "Too busy"),
    ("keep-theirs", "No time", "Schedules too full"),
    ("rename:Lack of time", "Lack of time", "Too busy"),
])
def test_conflicting_renames_are_settled_as_decided(lead, tmp_path, snapshot, decision, name,
                                                    definition):
    p = lead
    luis = _renamed_on_two_laptops(p, tmp_path)
    before = snapshot(p)
    with pytest.raises(UnresolvedConflicts, match='1 codebook conflict needs a decision'):
        merge(p, luis)
    assert snapshot(p) == before
    [conflict] = merge_preview(p, luis).conflicts
    assert conflict.kind == "rename" and conflict.fields == ("name", "definition")
    assert conflict.mine == {"name": "Time pressure", "definition": "Too busy"}
    assert conflict.theirs == {"name": "No time", "definition": "Schedules too full"}
    assert '"Time" was renamed differently' in conflict.message
    merge(p, luis, resolutions={"Time pressure": decision})
    code = codebook.get_code(p, p.codes["Time"])
    assert (code.name, code.definition) == (name, definition)
    [entry] = [e for e in audit.entries(p.db) if e.action == "resolve-conflict"]
    assert entry.after["decision"] == decision


def test_keep_both_makes_their_version_a_code_of_its_own(lead, tmp_path):
    p = lead
    luis = _renamed_on_two_laptops(p, tmp_path)
    merge(p, luis, default="keep-both")
    twin = codebook.find_code(p, "No time")
    assert twin.id != p.codes["Time"] and twin.definition == "Schedules too full"
    assert codebook.get_code(p, p.codes["Time"]).name == "Time pressure"
    luis_codes = {r[2] for r in shown(p).values() if r[3] == p.luis}
    assert twin.id in luis_codes and p.codes["Time"] not in luis_codes
    maya_codes = {r[2] for r in shown(p).values() if r[3] == p.maya}
    assert p.codes["Time"] in maya_codes


def test_the_same_new_code_on_two_laptops(lead, tmp_path):
    p = lead
    works = []
    for coder in (p.maya, p.luis):
        with _laptop(p, coder, tmp_path, coder[:6]) as lap:
            code = codebook.add_code(lap, "Burnout").new_id
            apply_code(lap, response_id(lap, "R2"), code, coder)
            works.append((code, export_work(lap, tmp_path / coder[:6]).path))
    (maya_code, maya_work), (luis_code, luis_work) = works
    merge(p, maya_work)
    [conflict] = merge_preview(p, luis_work).conflicts
    assert conflict.kind == "name-clash" and "adds a code \"Burnout\"" in conflict.message
    merge(p, luis_work, resolutions={"Burnout": "keep-mine"})
    assert codebook.get_code(p, luis_code).status == "merged"
    assert {r[2] for r in shown(p).values() if r[1] == response_id(p, "R2")} == {maya_code}


def test_the_same_new_code_kept_apart(lead, tmp_path):
    p = lead
    works = []
    for n, coder in enumerate((p.maya, p.luis)):
        with _laptop(p, coder, tmp_path, f"l{n}") as lap:
            codebook.add_code(lap, "Burnout")
            works.append(export_work(lap, tmp_path / f"l{n}").path)
    for work in works:
        merge(p, work, default="keep-both")
    assert sorted(c.name for c in codebook.list_codes(p) if "Burnout" in c.name) == [
        "Burnout", "Burnout (LO)"]


def test_a_failed_merge_leaves_the_project_as_it_was(lead, tmp_path, snapshot, monkeypatch):
    p = lead
    with _laptop(p, p.maya, tmp_path, "maya") as m:
        apply_code(m, response_id(m, "R3"), p.codes["Time"], p.maya)
        codebook.add_code(m, "Burnout")
        work = export_work(m, tmp_path / "maya").path
    before = snapshot(p)

    def full(*args):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(exchange_store, "insert_codings", full)
    with pytest.raises(sqlite3.OperationalError):
        merge(p, work)
    assert snapshot(p) == before
    monkeypatch.undo()
    assert merge(p, work).merged  # and it works once the disk has room
    # the undo journal is back after the merge
    codebook.add_code(p, "Another")
    assert p.undo_label() == "Add code"


def test_exports_do_not_replace_files_unless_asked(lead, tmp_path):
    p = lead
    export_package(p, p.maya, tmp_path / "maya")
    with pytest.raises(InputError, match="already exists"):
        export_package(p, p.maya, tmp_path / "maya.postcoder")
    export_package(p, p.maya, tmp_path / "maya", overwrite=True)
    with Project.open(tmp_path / "maya.postcoder") as m:
        export_work(m, tmp_path / "w")
        with pytest.raises(InputError, match="already exists"):
            export_work(m, tmp_path / "w")
        assert export_work(m, tmp_path / "w", overwrite=True).codings == 1


def test_whole_project_merge_brings_rounds_and_closings(lead, tmp_path):
    p = lead
    p.save_copy(tmp_path / "copy.postcoder")
    with Project.open(tmp_path / "copy.postcoder") as other:
        other.actor = p.ana
        create_round(other, "Second round", [p.luis], blind=False)
        close_round(other, p.round)
        create_round(p, "Second round", [p.maya])  # the same name, made separately
    plan = merge(p, tmp_path / "copy.postcoder").plan
    assert plan.rounds == 2 and plan.new_codings == 0
    from post_coder.team.rounds import list_rounds

    rounds = {r.name: r for r in list_rounds(p)}
    assert rounds["Round 1"].round.status == "closed"
    assert set(rounds) == {"Round 1", "Second round", "Second round (2)"}
    assert [n for _, n in rounds["Second round (2)"].coders] == ["Luis Ortega"]
    assert not merge(p, tmp_path / "copy.postcoder").merged  # again: nothing changes


def test_a_definition_changed_here_and_there_is_a_conflict(lead, tmp_path):
    p = lead
    with _laptop(p, p.maya, tmp_path, "maya") as m:
        codebook.redefine_code(m, p.codes["Culture"], definition="How the team treats you",
                               example="People check in after a bad case")
        work = export_work(m, tmp_path / "maya").path
    codebook.redefine_code(p, p.codes["Culture"], definition="Norms of the department")
    [conflict] = merge_preview(p, work).conflicts
    assert conflict.kind == "redefine" and conflict.fields == ("definition",)
    assert "(definition)" in conflict.message
    merge(p, work, resolutions={"Culture": "keep-theirs"})
    code = codebook.get_code(p, p.codes["Culture"])
    # the example only Maya changed was taken anyway; the definition as decided
    assert (code.definition, code.example) == ("How the team treats you",
                                               "People check in after a bad case")


# -- undo and code merges travel too ------------------------------------------------------------

def test_undoing_a_coding_after_its_work_was_merged_removes_it_at_the_lead(lead, tmp_path):
    laptop = _laptop(lead, lead.maya, tmp_path)
    r2 = response_id(laptop, "R2")
    coding = apply_code(laptop, r2, lead.codes["Stigma"], lead.maya).new_id
    merge(lead, export_work(laptop, tmp_path / "one").path)
    assert coding in shown(lead)
    laptop.undo()  # Edit ▸ Undo on the laptop, after the work went to the lead
    row = laptop.db.execute("SELECT deleted_at, updated_at FROM codings WHERE id = ?",
                            [coding]).fetchone()
    assert row[0] is not None and row[0] == row[1]  # a tombstone, stamped at undo time
    merge(lead, export_work(laptop, tmp_path / "two").path)
    assert coding not in shown(lead)
    laptop.redo()  # redo brings it back locally, as before
    assert coding in shown(laptop)
    laptop.close()


def test_merging_codes_hides_duplicates_so_a_later_removal_cannot_lose_one(surveyed):
    p = surveyed
    maya = add_coder(p, "Maya").new_id
    busy = codebook.add_code(p, "Busy").new_id
    time = codebook.add_code(p, "Time").new_id
    r = response_id(p, "R3")
    dup = apply_code(p, r, busy, maya).new_id
    kept = apply_code(p, r, time, maya).new_id
    codebook.merge_codes(p, [busy], time)
    assert hidden_duplicates(p) == {dup: kept}
    assert list(shown(p)) == [kept]


# -- removing other coders' codings in a package -------------------------------------------

def test_in_a_package_only_the_coders_own_codings_can_be_removed(lead, tmp_path, snapshot):
    p = lead
    package = export_package(p, p.maya, tmp_path / "maya").path
    with Project.open(package) as m:
        m.actor = p.maya
        r1, r3 = response_id(m, "R1"), response_id(m, "R3")
        [own] = [c.id for c in list_codings(m, EVERYONE, coders=[p.maya])]  # her Relief on R1
        added = apply_code(m, r3, p.codes["Time"], p.maya).new_id
        before = snapshot(m)
        refusal = ("this coding is Luis Ortega's: in Maya Chen's coder package only Maya "
                   "Chen's own codings can be removed; the lead removes other coders' "
                   "codings in the lead's project")
        with pytest.raises(ConflictError) as caught:
            remove_coding(m, p.outside)
        assert caught.value.message == refusal
        with pytest.raises(ConflictError, match="this coding is Luis Ortega's"):
            remove_code(m, response_id(m, "R1", "suggestions"), p.codes["Time"], p.luis)
        with pytest.raises(ConflictError, match=r"^1 of these codings are by other coders "
                                                r"\(Luis Ortega\): in Maya Chen's"):
            remove_codings(m, [own, p.outside])
        assert snapshot(m) == before  # refused whole: her own coding is still there too
        remove_coding(m, own)
        assert [c.id for c in list_codings(m, EVERYONE, responses=[r1])] == []  # Luis's R1 is withheld
        work = export_work(m, tmp_path / "maya-work")
    assert (work.codings, work.removals) == (1, 1)
    # the two ways back agree: the work file, and the whole package sent back as it is
    whole = tmp_path / "whole.postcoder"
    p.save_copy(whole)
    with Project.open(whole) as copy:
        merge(p, work.path)
        merge(copy, package)
        assert shown(copy) == shown(p)
    assert p.outside in shown(p) and own not in shown(p) and added in shown(p)


# -- decisions name conflicts ----------------------------------------------------------------

@pytest.fixture
def two_conflicts_on_time(lead, tmp_path):
    """Luis renames "Time" to "Busy" and redefines it; the lead adds a "Busy" and redefines
    "Time" too: a redefine and a name-clash conflict on the same code."""
    p = lead
    with _laptop(p, p.luis, tmp_path, "luis") as lap:
        codebook.rename_code(lap, p.codes["Time"], "Busy")
        codebook.redefine_code(lap, p.codes["Time"], definition="Schedules too full")
        work = export_work(lap, tmp_path / "luis").path
    p.busy = codebook.add_code(p, "Busy").new_id
    codebook.redefine_code(p, p.codes["Time"], definition="Too busy")
    return work


def test_two_conflicts_on_one_code_are_settled_one_by_one(lead, two_conflicts_on_time):
    p, work = lead, two_conflicts_on_time
    time = p.codes["Time"]
    plan = merge_preview(p, work)
    assert [(c.name, c.kind, c.key, c.label) for c in plan.conflicts] == [
        ("Time", "redefine", f"{time} [redefine]", "Time [redefine]"),
        ("Time", "name-clash", f"{time} [name-clash]", "Time [name-clash]")]
    # a plain key settles the conflicts its decision applies to; the name clash stays open
    with pytest.raises(UnresolvedConflicts) as caught:
        merge(p, work, resolutions={"Time": "keep-theirs"})
    assert [c.kind for c in caught.value.conflicts] == ["name-clash"]
    plan = merge_preview(p, work, resolutions={"Time": "keep-theirs",
                                               "Time [name-clash]": "rename:Time (Luis)"})
    assert [c.decision for c in plan.conflicts] == ["keep-theirs", "rename:Time (Luis)"]
    # the app's keys: the code id with the kind; both decisions travel together
    merge(p, work, resolutions={f"{time} [redefine]": "keep-theirs",
                                f"{time} [name-clash]": "rename:Time (Luis)"})
    code = codebook.get_code(p, time)
    assert (code.name, code.definition) == ("Time (Luis)", "Schedules too full")
    assert codebook.get_code(p, p.busy).name == "Busy"
    decisions = [(e.entity_id, e.before["kind"], e.after["decision"])
                 for e in audit.entries(p.db) if e.action == "resolve-conflict"]
    assert decisions == [(time, "redefine", "keep-theirs"),
                         (time, "name-clash", "rename:Time (Luis)")]


@pytest.mark.parametrize("resolutions,message", [
    ({"Tim": "keep-mine"},
     '"Tim" matches no codebook conflict; the conflicts are "Time [redefine]", '
     '"Time [name-clash]"'),
    ({"Time [rename]": "keep-mine"}, '"Time [rename]" matches no codebook conflict'),
    ({"Time [renamed]": "keep-mine"}, '"Time [renamed]" matches no codebook conflict'),
    ({"Time [name-clash]": "keep-theirs"},
     '"keep-theirs" is not a way to settle the conflict on "Time [name-clash]"; choose '
     "keep-mine, rename:NEW NAME"),
    ({"Time": "keep-both", "time": "keep-mine"},
     'two different decisions were given for the conflict on "Time [redefine]"'),
])
def test_decisions_that_match_no_conflict_are_errors(lead, two_conflicts_on_time, snapshot,
                                                     resolutions, message):
    p, work = lead, two_conflicts_on_time
    before = snapshot(p)
    with pytest.raises(InputError) as caught:
        merge_preview(p, work, resolutions=resolutions)
    assert caught.value.message.startswith(message)
    with pytest.raises(InputError):
        merge(p, work, resolutions=resolutions, default="keep-mine")
    assert snapshot(p) == before


def test_a_decision_may_name_the_code_as_the_message_does(lead, tmp_path):
    p = lead
    luis = _renamed_on_two_laptops(p, tmp_path)  # "Time": "Time pressure" here, "No time" there
    [conflict] = merge_preview(p, luis).conflicts
    assert conflict.message.startswith('"Time" was renamed differently')
    merge(p, luis, resolutions={"time": "keep-theirs"})
    assert codebook.get_code(p, p.codes["Time"]).name == "No time"


# -- a removal wins, however old; spans travel exactly ------------------------------------------

def _maya_removes_her_r1_coding(p, tmp_path) -> tuple[str, Path]:
    """On Maya's laptop: she removes her coding of R1 (made before the package)."""
    with _laptop(p, p.maya, tmp_path, "maya") as m:
        [mine] = [c.id for c in list_codings(m, EVERYONE, coders=[p.maya])]
        remove_coding(m, mine)
        work = export_work(m, tmp_path / "maya").path
    time.sleep(0.005)  # whatever happens next happens later (times are kept to the ms)
    return mine, work


@pytest.mark.parametrize("edit", ["merge", "split"])
def test_an_old_removal_wins_over_a_later_edit_by_the_lead(lead, tmp_path, edit):
    p = lead
    coding, work = _maya_removes_her_r1_coding(p, tmp_path)
    relief = list_codings(p, EVERYONE, coders=[p.maya])[0]
    assert relief.id == coding and relief.code_id == p.codes["Relief"]
    if edit == "merge":  # the lead edits the coding after the removal: it moves to Culture
        codebook.merge_codes(p, [p.codes["Relief"]], p.codes["Culture"])
    else:
        codebook.split_code(p, p.codes["Relief"], "Relief (colleagues)", [coding])
    lead_row = true_codings(p)[coding]
    assert lead_row[8] is None and lead_row[7] > true_codings(p)[p.luis_r1][6]
    result = merge(p, work, default="keep-mine")
    assert result.plan.removed_codings == 1
    assert coding not in shown(p) and true_codings(p)[coding][8] is not None
    # the others' codings of the same response are untouched
    assert {r[3] for r in shown(p).values() if r[1] == response_id(p, "R1")} == {p.ana, p.luis}


def test_an_old_removal_wins_over_a_later_edit_on_another_laptop(lead, tmp_path):
    p = lead
    coding, removed = _maya_removes_her_r1_coding(p, tmp_path)
    with _laptop(p, p.maya, tmp_path, "second") as m:  # Maya's second laptop, later
        codebook.merge_codes(m, [p.codes["Relief"]], p.codes["Culture"])
        row = true_codings(m)[coding]
        assert row[2] == p.codes["Culture"] and row[8] is None
        edited = export_work(m, tmp_path / "second").path
    p.save_copy(tmp_path / "other-order.postcoder")
    merge(p, removed, default="keep-mine")
    merge(p, edited, default="keep-mine")
    with Project.open(tmp_path / "other-order.postcoder") as q:
        merge(q, edited, default="keep-mine")
        merge(q, removed, default="keep-mine")
        for project in (p, q):
            assert coding not in shown(project)
            assert true_codings(project)[coding][8] is not None


def test_spans_travel_exactly_in_work_files_and_project_files(lead, tmp_path):
    p = lead
    with _laptop(p, p.maya, tmp_path, "maya") as m:
        r3 = response_id(m, "R3")  # "Honestly I have no time for this, the shifts are too long."
        whole = apply_code(m, r3, p.codes["Time"], p.maya).new_id
        no_time = apply_code(m, r3, p.codes["Time"], p.maya, start=16, end=23).new_id
        shifts = apply_code(m, r3, p.codes["Stigma"], p.maya, start=34, end=58).new_id
        gone = apply_code(m, r3, p.codes["Culture"], p.maya, start=0, end=8).new_id
        remove_coding(m, gone)
        work = export_work(m, tmp_path / "maya").path
        package = m.path
    expected = {whole: (r3, p.codes["Time"], p.maya, None, None),
                no_time: (r3, p.codes["Time"], p.maya, 16, 23),
                shifts: (r3, p.codes["Stigma"], p.maya, 34, 58),
                gone: (r3, p.codes["Culture"], p.maya, 0, 8)}
    incoming = {r[0]: r[1:6] for r in read_incoming(work, p.id).codings}
    assert {i: incoming[i] for i in expected} == expected
    p.save_copy(tmp_path / "copy.postcoder")
    merge(p, work)
    with Project.open(tmp_path / "copy.postcoder") as q:
        merge(q, package)  # the whole package file, not a work file
        for project in (p, q):
            rows = true_codings(project)
            assert {i: rows[i][1:6] for i in expected} == expected
            assert {i for i in expected if rows[i][8] is None} == {whole, no_time, shifts}


def test_a_chain_of_renames_still_shows_its_conflict(lead, tmp_path):
    """Maya renames Stigma to "Shame" (a name the lead gave Time meanwhile) and Relief to
    "Stigma": the preview lists the clash instead of failing on the name it would leave."""
    p = lead
    with _laptop(p, p.maya, tmp_path, "maya") as m:
        codebook.rename_code(m, p.codes["Stigma"], "Shame")
        codebook.rename_code(m, p.codes["Relief"], "Stigma")
        work = export_work(m, tmp_path / "maya").path
    codebook.rename_code(p, p.codes["Time"], "Shame")
    [conflict] = merge_preview(p, work).unresolved
    assert (conflict.kind, conflict.code_id) == ("name-clash", p.codes["Stigma"])
    with pytest.raises(ConflictError, match='two codes would be called "Stigma"'):
        merge(p, work, resolutions={"Stigma": "keep-mine"})
    merge(p, work, resolutions={"Stigma": "rename:Shame (Maya)"})
    assert [codebook.get_code(p, p.codes[n]).name for n in ("Time", "Stigma", "Relief")] == [
        "Shame", "Shame (Maya)", "Stigma"]
