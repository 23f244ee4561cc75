"""End to end: a lead and two coders, each on their own project file, one blind round.

The lead (Ana) opens a blind round on a 30%-per-department sample of the demo survey and
hands a coder package to Maya and to Luis. Offline, each codes the round's responses,
removes and re-applies codings, proposes the same new code ("Burnout") and renames the same
code differently; Ana codes in her own file meanwhile. Ana merges both work files, settles
the conflicts, merges a later work file and a whole package file, and closes the round.
In the end every coding anyone made is in Ana's project exactly once, every removal is
honoured, and every conflict was decided and logged.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from post_coder.coding import codebook, memos
from post_coder.coding.coders import add_coder, find_coder
from post_coder.coding.codings import apply_code, list_codings, remove_coding
from post_coder.demo import build_demo
from post_coder.project import Project
from post_coder.store import audit
from post_coder.team.merge import UnresolvedConflicts, merge, merge_preview
from post_coder.team.package import export_package, export_work, package_info
from post_coder.team.rounds import (Sample, close_round, create_round, list_rounds,
                                      read_scope, round_response_ids)
from tests.team_helpers import hidden_duplicates, shown, true_codings
from post_coder.store.scope import ReadScope

EVERYONE = ReadScope.everyone()


def _code_round(p: Project, coder: str, responses: list[str], names: list[str],
                offset: int) -> None:
    codes = {c.name: c.id for c in codebook.list_codes(p)}
    for n, response in enumerate(responses[offset:offset + 8]):
        apply_code(p, response, codes[names[n % len(names)]], coder)
    apply_code(p, responses[offset], codes[names[-1]], coder, start=0, end=5)


def test_three_coders_blind_stratified_round(tmp_path: Path):
    lead = build_demo(tmp_path / "lead.postcoder")
    maya, luis = find_coder(lead, "Maya Chen").id, find_coder(lead, "Luis Ortega").id
    ana = add_coder(lead, "Ana Lead").new_id
    lead.actor = ana
    round_id = create_round(lead, "Blind round 1", [ana, maya, luis],
                            sample=Sample(fraction=0.3, stratify_by="Department",
                                          seed=2024)).new_id
    responses = round_response_ids(lead, round_id)
    assert 18 <= len(responses) < 60

    # -- packages: blind, so each holds none of the other coders' codings of the round
    packages = {}
    for coder, name in ((maya, "maya"), (luis, "luis")):
        packages[coder] = export_package(lead, coder, tmp_path / name, round_id=round_id).path
        with Project.open(packages[coder]) as p:
            assert package_info(p).coder_id == coder
            seen = {c.coder_id for c in list_codings(p, EVERYONE, responses=responses)}
            assert seen <= {coder}
            assert read_scope(p, coder).visible_coders == (coder,)

    # -- Maya, offline
    with Project.open(packages[maya]) as m:
        m.actor = maya
        burnout_maya = codebook.add_code(m, "Burnout", definition="Exhaustion from the job").new_id
        _code_round(m, maya, responses, ["Stigma", "Burnout", "Lack of time"], 0)
        for c in list_codings(m, EVERYONE, coders=[maya], responses=responses)[:2]:
            remove_coding(m, c.id)
        time = codebook.find_code(m, "Lack of time").id
        codebook.rename_code(m, time, "Time pressure", rationale="broader")
        codebook.redefine_code(m, codebook.find_code(m, "Stigma").id,
                               definition="Fear of being judged for seeking support")
        memos.set_memo(m, "response", responses[0], "Maya: burnout, not stigma")
        maya_work = export_work(m, tmp_path / "maya-week1").path

    # -- Luis, offline
    with Project.open(packages[luis]) as lu:
        lu.actor = luis
        burnout_luis = codebook.add_code(lu, "Burnout").new_id
        _code_round(lu, luis, responses, ["Privacy and confidentiality", "Burnout"], 4)
        mine = list_codings(lu, EVERYONE, coders=[luis], responses=responses)
        remove_coding(lu, mine[0].id)
        again = mine[1]
        remove_coding(lu, again.id)
        reapplied = apply_code(lu, again.response_id, again.code_id, luis).new_id
        codebook.rename_code(lu, codebook.find_code(lu, "Lack of time").id, "No time")
        luis_work = export_work(lu, tmp_path / "luis-week1").path

    # -- Ana codes in her own file meanwhile
    _code_round(lead, ana, responses, ["Department culture change", "Stigma"], 10)

    # -- merging Maya's work: no conflict
    plan = merge_preview(lead, maya_work)
    assert plan.new_codings >= 5 and plan.removed_codings + plan.tombstones == 2
    assert not plan.conflicts
    merge(lead, maya_work)
    assert codebook.get_code(lead, time).name == "Time pressure"

    # -- Luis's work conflicts: the rename, and the second "Burnout"
    with pytest.raises(UnresolvedConflicts) as caught:
        merge(lead, luis_work)
    assert sorted(c.kind for c in caught.value.conflicts) == ["name-clash", "rename"]
    merge(lead, luis_work, resolutions={"Time pressure": "keep-mine", "Burnout": "keep-mine"},
          rationale="agreed at the team meeting")
    decisions = [e for e in audit.entries(lead.db) if e.action == "resolve-conflict"]
    assert sorted(e.after["decision"] for e in decisions) == ["keep-mine", "keep-mine"]
    assert all(e.rationale == "agreed at the team meeting" for e in decisions)
    assert codebook.get_code(lead, burnout_luis).merged_into == burnout_maya

    # -- later: Maya keeps coding; Ana also merges Luis's whole package file
    with Project.open(packages[maya]) as m:
        m.actor = maya
        extra = apply_code(m, responses[-1], codebook.find_code(m, "Burnout").id, maya).new_id
        maya_week2 = export_work(m, tmp_path / "maya-week2").path
    merge(lead, maya_week2)
    assert extra in shown(lead)
    whole = merge(lead, packages[luis], default="keep-mine")
    assert whole.plan.new_codings == 0 and whole.plan.removed_codings == 0
    for f in (maya_work, luis_work, maya_week2):  # everything again: nothing changes
        assert merge(lead, f).plan.already_merged_at

    # -- close the round: blinding ends
    close_round(lead, round_id)
    assert read_scope(lead, maya) == ReadScope(maya, None)
    assert [r.round.status for r in list_rounds(lead)] == ["closed"]

    # -- every coding present exactly once, every removal honoured
    visible = shown(lead)
    keys = [(r[1], r[2], r[3], r[4], r[5]) for r in visible.values()]
    assert len(keys) == len(set(keys))
    merged = true_codings(lead)
    hidden = hidden_duplicates(lead)
    for coder, path in packages.items():
        with Project.open(path) as p:
            for i, row in true_codings(p, coder).items():
                assert i in merged
                if row[8] is not None:
                    assert i not in visible and i not in hidden, "a removed coding came back"
                    continue
                # the same response, coder and span; Luis's "Burnout" follows the merge
                code = burnout_maya if row[2] == burnout_luis else row[2]
                identity = (row[1], code, row[3], row[4], row[5])
                stored = visible[i] if i in visible else visible[hidden[i]]
                assert stored[1:6] == identity
    assert reapplied in visible
    assert all(c.coder_id != luis or c.code_id != burnout_luis
               for c in list_codings(lead, EVERYONE))
    ana_rows = [r for r in visible.values() if r[3] == ana]
    assert len(ana_rows) == 9
    assert memos.memos_for(lead, EVERYONE, "response", responses[0])[0].body.startswith("Maya")
