"""Codebook history: a version of a code for every change, the codebook as of a moment or a
round, diffs, and the re-check queue a new definition raises.

Uses the :class:`tests.team_helpers.BlindTeam` project: Support (Maya m1 R1, m2 R2 span;
Luis l3 R3 suggestions; Ana a1 R4), Barriers with Time below it (Luis l1 R1 span, l2 R3).
Times are set with a fake clock, so "as of" answers are exact.
"""

from __future__ import annotations

import sqlite3

import pytest

from post_coder.coding import code_history, codebook, recheck, refine
from post_coder.coding.codebook_io import import_codebook_csv
from post_coder.coding.codings import list_codings, remove_coding
from post_coder.errors import ConflictError, InputError, NotFoundError
from post_coder.project import Project
from post_coder.store import audit, schema
from post_coder.store import db as store_db
from post_coder.store.scope import ReadScope
from post_coder.team.rounds import close_round, create_round, read_scope
from tests.team_helpers import blind_team, copy_project, open_round

EVERYONE = ReadScope.everyone()


class Clock:
    """What ``now()`` answers in the services under test (set it to move time)."""

    def __init__(self) -> None:
        self.at = "2026-03-01T09:00:00.000+00:00"

    def __call__(self) -> str:
        return self.at


@pytest.fixture
def clock(monkeypatch) -> Clock:
    c = Clock()
    for module in ("post_coder.coding.code_versions", "post_coder.team.rounds"):
        monkeypatch.setattr(f"{module}.now", c)
    return c


@pytest.fixture
def team(surveyed, clock):
    t = blind_team(surveyed)
    t.clock = clock
    return t


def history(p: Project, code_id: str) -> list[tuple]:
    return [(v.version, v.action, v.name, v.parent, v.status, v.coder, v.rationale)
            for v in code_history.code_versions(p, code_id)]


def flags(p: Project) -> list[tuple]:
    """Every flag as (coding code's name… ) in plain terms: (coding id, code name, from, to,
    status)."""
    rows = p.db.execute("SELECT f.coding_id, k.name, f.from_version, f.version, f.status"
                        " FROM recheck_flags f JOIN codes k ON k.id = f.code_id"
                        " ORDER BY f.coding_id").fetchall()
    return sorted(rows)


# -- versions, by every kind of change ------------------------------------------------------

def test_every_kind_of_change_writes_one_version_with_who_and_why(team):
    t, p = team, team.project
    # the team's codes were made before anyone was acting (no coder)
    assert history(p, t.support) == [(1, "create", "Support", None, "active", None, None)]
    codebook.rename_code(p, t.support, "Peer support", rationale="clearer")
    codebook.redefine_code(p, t.support, definition="Help from colleagues")
    codebook.recolor_code(p, t.support, "#00aa00")
    codebook.move_code(p, t.support, t.barriers, rationale="tidy")
    p.actor = t.maya
    refine.edit_code(p, t.support, {"name": "Peers", "example": "a colleague listened",
                                    "parent_id": None}, rationale="one edit")
    assert history(p, t.support) == [
        (1, "create", "Support", None, "active", None, None),
        (2, "rename", "Peer support", None, "active", "Ana Lead", "clearer"),
        (3, "redefine", "Peer support", None, "active", "Ana Lead", None),
        (4, "recolor", "Peer support", None, "active", "Ana Lead", None),
        (5, "move", "Peer support", "Barriers", "active", "Ana Lead", "tidy"),
        # the editor's one action is one version, listing what it did
        (6, "rename, redefine, move", "Peers", None, "active", "Maya Chen", "one edit"),
    ]
    [v6] = [v for v in code_history.code_versions(p, t.support) if v.version == 6]
    assert (v6.definition, v6.example, v6.color) == ("Help from colleagues",
                                                     "a colleague listened", "#00aa00")


def test_merge_split_retire_and_the_codes_they_touch(team):
    t, p = team, team.project
    child = codebook.add_code(p, "Shifts", parent=t.time).new_id
    codebook.merge_codes(p, [t.time], t.support, rationale="same idea")
    assert history(p, t.time)[-1] == (2, "merge", "Time", "Barriers", "merged", "Ana Lead",
                                      "same idea")
    assert history(p, t.support)[-1] == (2, "merge", "Support", None, "active", "Ana Lead",
                                         "same idea")
    assert history(p, child)[-1] == (2, "move", "Shifts", "Support", "active", "Ana Lead",
                                     "same idea")
    [target] = [v for v in code_history.code_versions(p, t.support) if v.version == 2]
    assert target.related_names == ("Time",)
    split = codebook.split_code(p, t.support, "Peer talk", [t.m1], rationale="two senses")
    new = split.new_id
    assert history(p, t.support)[-1] == (3, "split", "Support", None, "active", "Ana Lead",
                                         "two senses")
    assert history(p, new) == [(1, "create, split", "Peer talk", None, "active", "Ana Lead",
                                "two senses")]
    codebook.retire_code(p, t.support)
    assert history(p, t.support)[-1][:5] == (4, "retire", "Support", None, "retired")
    assert history(p, child)[-1][:4] == (3, "move", "Shifts", None)  # moved up a level
    assert history(p, child)[-1][6] == '"Support" was retired'


def test_codebook_import_and_the_team_merge_write_versions(team, tmp_path):
    from post_coder.team.merge import merge
    from post_coder.team.package import export_package, export_work

    t, p = team, team.project
    csv = tmp_path / "codebook.csv"
    csv.write_text("name,parent,definition\nCosts,,Money\nFees,Costs,Paying\n", encoding="utf-8")
    import_codebook_csv(p, csv)
    fees = codebook.find_code(p, "Fees").id
    assert history(p, fees) == [(1, "create", "Fees", "Costs", "active", "Ana Lead", None)]
    # Maya redefines Time on her laptop; the lead merges her work
    path = export_package(p, t.maya, tmp_path / "maya").path
    with Project.open(path) as laptop:
        laptop.actor = t.maya
        codebook.redefine_code(laptop, t.time, definition="Not enough hours")
        work = export_work(laptop, tmp_path / "maya-work").path
    merge(p, work, rationale="Maya's proposal")
    assert history(p, t.time)[-1] == (2, "team-merge", "Time", "Barriers", "active",
                                      "Ana Lead", "Maya's proposal")
    # ... and Luis's codings of Time are to be re-checked under it
    assert flags(p) == sorted([(t.l1, "Time", 1, 2, "open"), (t.l2, "Time", 1, 2, "open")])


def test_a_review_decision_that_refines_the_definition_is_a_version(team):
    from post_coder.team import review

    t, p = team, team.project
    rid = open_round(t, blind=False)
    session = review.open_session(p, EVERYONE, rid).new_id
    review.decide(p, EVERYONE, session, t.r1, "Time", applies=False,
                  redefine={"exclusion": "Not staffing"}, rationale="agreed in review")
    assert history(p, t.time)[-1] == (2, "redefine", "Time", "Barriers", "active", "Ana Lead",
                                      "agreed in review")


# -- undo ------------------------------------------------------------------------------------

def test_undo_takes_the_version_and_its_flags_back_and_redo_restores_them(team, snapshot):
    t, p = team, team.project

    def snapshot(p, dump=snapshot):  # the audit log keeps what was undone
        return {k: v for k, v in dump(p).items() if k != "audit_log"}

    before = snapshot(p)
    refine.edit_code(p, t.support, {"name": "Peers", "definition": "Colleagues"})
    assert len(history(p, t.support)) == 2 and len(flags(p)) == 4
    after = snapshot(p)
    p.undo()
    assert snapshot(p) == before
    assert history(p, t.support) == [(1, "create", "Support", None, "active", None, None)]
    p.redo()
    assert snapshot(p) == after
    codebook.merge_codes(p, [t.time], t.support)
    p.undo()
    assert snapshot(p) == after
    new = codebook.add_code(p, "Burnout").new_id
    p.undo()
    assert snapshot(p) == after
    with pytest.raises(NotFoundError):
        code_history.code_versions(p, new)


# -- the migration seeds a version 1 ---------------------------------------------------------

def test_the_upgrade_gives_every_code_a_version_1_from_its_state_and_creation(tmp_path):
    path = tmp_path / "old.postcoder"
    db = store_db.connect(path)
    store_db.set_application_id(db)
    schema.apply(db, stop_before="0006_code_versions")
    db.executescript("""
        BEGIN;
        INSERT INTO meta VALUES ('project_id', 'p-1'), ('name', 'Old study');
        INSERT INTO coders VALUES ('c-1', 'Maya Chen', 'MC', '#123456', '2025-01-01');
        INSERT INTO codes (id, name, definition, color, status, created_at, updated_at,
                           created_by, parent_id)
            VALUES ('k-1', 'Time', 'Hours', '#654321', 'active', '2025-01-02', '2025-02-01',
                    'c-1', NULL),
                   ('k-2', 'Shifts', '', '#111111', 'retired', '2025-01-03', '2025-01-04',
                    NULL, 'k-1');
        COMMIT;
    """)
    db.close()
    with Project.open(path) as p:
        assert history(p, "k-1") == [(1, "create", "Time", None, "active", "Maya Chen", None)]
        [v] = code_history.code_versions(p, "k-2")
        assert (v.at, v.status, v.parent, v.coder) == ("2025-01-03", "retired", "Time", None)
        assert [c.name for c, _ in code_history.codebook_as_of(p, "2025-01-02T12:00")] == [
            "Time"]


# -- as of a moment, as of a round ----------------------------------------------------------

def test_the_codebook_as_of_a_date_and_of_a_round(team):
    t, p = team, team.project
    clock = t.clock
    # the team's codes were all made at 2026-03-01 09:00
    clock.at = "2026-03-02T10:00:00.000+00:00"
    rid = create_round(p, "Round 1", [t.maya, t.luis], blind=False).new_id
    codebook.rename_code(p, t.time, "Lack of time")
    codebook.redefine_code(p, t.support, definition="Colleagues helping")
    clock.at = "2026-03-03T10:00:00.000+00:00"
    close_round(p, rid)
    clock.at = "2026-03-04T10:00:00.000+00:00"
    codebook.retire_code(p, t.support)
    added = codebook.add_code(p, "Burnout").new_id

    def names(moment):
        return [("  " * depth + v.name, v.definition)
                for v, depth in code_history.codebook_as_of(
                    p, code_history.parse_moment(moment))]

    assert names("2026-02-28") == []
    assert names("2026-03-01") == [("Support", ""), ("Barriers", ""), ("  Time", "")]
    assert names("2026-03-02") == [("Support", "Colleagues helping"), ("Barriers", ""),
                                   ("  Lack of time", "")]
    assert names("2026-03-02T09:59") == names("2026-03-01")
    assert names("2026-03-04") == [("Barriers", ""), ("  Lack of time", ""), ("Burnout", "")]
    # a round: its closing time (or its creation while it is open)
    r = create_round(p, "Round 2", [t.maya], blind=False)
    round1 = [x for x in p.db.execute("SELECT closed_at FROM rounds WHERE id = ?", [rid])]
    assert round1 == [("2026-03-03T10:00:00.000+00:00",)]
    from post_coder.team.rounds import find_round

    assert code_history.round_moment(find_round(p, "Round 1")) == "2026-03-03T10:00:00.000+00:00"
    assert code_history.round_moment(find_round(p, r.new_id)) == "2026-03-04T10:00:00.000+00:00"
    assert names(code_history.round_moment(find_round(p, "Round 1"))) == names("2026-03-02")
    assert added in {v.code_id for v, _ in code_history.codebook_as_of(
        p, code_history.round_moment(find_round(p, "Round 2")))}


def test_bad_moments_are_plain_errors():
    assert code_history.parse_moment("2026-03-02") == "2026-03-02T23:59:59.999+00:00"
    assert code_history.parse_moment("2026-03-02T10:00") == "2026-03-02T10:00:00.000+00:00"
    assert code_history.parse_moment("2026-03-02T12:00+02:00") == "2026-03-02T10:00:00.000+00:00"
    with pytest.raises(InputError, match='"March 2nd" is not a date'):
        code_history.parse_moment("March 2nd")


# -- diffs --------------------------------------------------------------------------------------

def test_diff_of_two_versions_and_of_the_codebook_between_two_dates(team):
    t, p = team, team.project
    t.clock.at = "2026-03-02T10:00:00.000+00:00"
    refine.edit_code(p, t.time, {"name": "Lack of time", "definition": "Hours",
                                 "parent_id": None})
    t.clock.at = "2026-03-03T10:00:00.000+00:00"
    codebook.redefine_code(p, t.time, exclusion="Staffing")
    codebook.retire_code(p, t.support)
    new = codebook.add_code(p, "Burnout").new_id
    assert code_history.version_diff(p, t.time, 1, 3) == {
        "name": ("Time", "Lack of time"), "parent": ("Barriers", ""),
        "definition": ("", "Hours"), "exclusion": ("", "Staffing")}
    assert code_history.version_diff(p, t.time, 3, 2) == {"exclusion": ("Staffing", "")}
    assert code_history.version_diff(p, t.time, 2, 2) == {}
    with pytest.raises(NotFoundError, match="no version 7 \\(its versions are 1 to 3\\)"):
        code_history.version_diff(p, t.time, 1, 7)
    d = code_history.codebook_diff(p, code_history.parse_moment("2026-03-01"),
                                   code_history.parse_moment("2026-03-03"))
    assert [v.code_id for v in d.added] == [new]
    assert [v.name for v in d.removed] == ["Support"]
    assert [(v.name, f) for v, f in d.changed] == [
        ("Lack of time", {"name": ("Time", "Lack of time"), "parent": ("Barriers", ""),
                          "definition": ("", "Hours"), "exclusion": ("", "Staffing")})]
    with pytest.raises(InputError, match="oldest first"):
        code_history.codebook_diff(p, "2026-03-03", "2026-03-01")


# -- the re-check queue -----------------------------------------------------------------------

def test_a_new_definition_flags_every_coders_codings_but_a_rename_or_color_does_not(team):
    t, p = team, team.project
    codebook.rename_code(p, t.support, "Peer support")
    codebook.recolor_code(p, t.support, "#123456")
    codebook.redefine_code(p, t.support, example="Someone listened")
    codebook.move_code(p, t.support, t.barriers)
    assert flags(p) == []
    codebook.redefine_code(p, t.support, inclusion="Any colleague")  # version 6
    assert flags(p) == sorted([(t.m1, "Peer support", 5, 6, "open"),
                               (t.m2, "Peer support", 5, 6, "open"),
                               (t.l3, "Peer support", 5, 6, "open"),
                               (t.a1, "Peer support", 5, 6, "open")])
    # a second change while they wait: one open flag each, now naming the newer version
    codebook.redefine_code(p, t.support, exclusion="Family")
    assert flags(p) == sorted([(c, "Peer support", 5, 7, "open")
                               for c in (t.m1, t.m2, t.l3, t.a1)])


def _queue(p, scope, **kw):
    return [(i.coder, i.code, i.respondent, i.segment, i.old["definition"],
             i.new["definition"]) for i in recheck.recheck_queue(p, scope, **kw)]


def test_the_queue_confirm_remove_and_undo(team):
    t, p = team, team.project
    codebook.redefine_code(p, t.support, definition="Colleagues helping")
    maya = _queue(p, EVERYONE, coder=t.maya)
    r2 = p.db.execute("SELECT text FROM responses WHERE id = ?", [t.r2]).fetchone()[0]
    assert maya == [("Maya Chen", "Support", "R1", maya[0][3], "", "Colleagues helping"),
                    ("Maya Chen", "Support", "R2", r2[:3], "", "Colleagues helping")]
    items = {i.coding_id: i for i in recheck.recheck_queue(p, EVERYONE, coder=t.maya)}
    p.actor = t.maya
    changes = recheck.confirm_recheck(p, [items[t.m1].id])
    assert changes.codings and p.undo_label() == "Confirm re-check"
    assert [i.coding_id for i in recheck.recheck_queue(p, EVERYONE, coder=t.maya)] == [t.m2]
    recheck.remove_recheck(p, [items[t.m2].id])
    assert p.undo_label() == "Remove after re-check"
    assert recheck.recheck_queue(p, EVERYONE, coder=t.maya) == []
    assert t.m2 not in {c.id for c in list_codings(p, EVERYONE)}
    assert dict((f[0], f[4]) for f in flags(p))[t.m2] == "removed"
    assert [e.action for e in audit.entries(p.db)][-3:] == ["recheck-confirm", "remove",
                                                            "recheck-remove"]
    p.undo()  # the removal: the coding and its flag come back in one step
    assert t.m2 in {c.id for c in list_codings(p, EVERYONE)}
    assert [i.coding_id for i in recheck.recheck_queue(p, EVERYONE, coder=t.maya)] == [t.m2]
    p.undo()
    assert len(recheck.recheck_queue(p, EVERYONE, coder=t.maya)) == 2
    with pytest.raises(ConflictError, match="Luis Ortega must settle their own"):
        luis = [i.id for i in recheck.recheck_queue(p, EVERYONE, coder=t.luis)]
        recheck.confirm_recheck(p, luis)
    recheck.confirm_recheck(p, [items[t.m1].id])
    with pytest.raises(ConflictError, match="already settled \\(confirmed\\)"):
        recheck.confirm_recheck(p, [items[t.m1].id])
    with pytest.raises(NotFoundError, match='no re-check flag with the id "nope"'):
        recheck.remove_recheck(p, ["nope"])


def test_a_flag_leaves_the_queue_when_its_coding_is_removed_or_moved(team):
    t, p = team, team.project
    codebook.redefine_code(p, t.support, definition="Colleagues helping")
    codebook.redefine_code(p, t.time, definition="Hours")
    remove_coding(p, t.a1)
    assert [i.coding_id for i in recheck.recheck_queue(p, EVERYONE, coder=t.ana)] == []
    codebook.merge_codes(p, [t.time], t.barriers)  # Luis's Time codings move
    assert [i.coding_id for i in recheck.recheck_queue(p, EVERYONE, coder=t.luis)] == [t.l3]
    p.undo()
    assert sorted(i.coding_id for i in recheck.recheck_queue(p, EVERYONE, coder=t.luis)) == \
        sorted([t.l1, t.l2, t.l3])
    p.actor = t.ana
    a1 = p.db.execute("SELECT id FROM recheck_flags WHERE coding_id = ?", [t.a1]).fetchone()[0]
    with pytest.raises(ConflictError, match="nothing left to re-check"):
        recheck.confirm_recheck(p, [a1])


def test_the_queue_reads_through_the_scope(team):
    t, p = team, team.project
    open_round(t)  # blind: Maya sees only her own codings
    codebook.redefine_code(p, t.support, definition="Colleagues helping")
    maya = read_scope(p, t.maya)
    assert {i.coder for i in recheck.recheck_queue(p, maya)} == {"Maya Chen"}
    assert recheck.recheck_queue(p, maya, coder=t.luis) == []
    assert {i.coder for i in recheck.recheck_queue(p, EVERYONE)} == {
        "Maya Chen", "Luis Ortega", "Ana Lead"}
    with pytest.raises(TypeError, match="need a ReadScope"):
        recheck.recheck_queue(p, None)


def test_flags_do_not_block_withholding_codings_from_a_blind_package(team, tmp_path):
    from post_coder.team.package import export_package

    t, p = team, team.project
    open_round(t)
    codebook.redefine_code(p, t.time, definition="Hours")
    path = export_package(p, t.maya, tmp_path / "maya").path
    con = sqlite3.connect(path)
    assert con.execute("SELECT count(*) FROM recheck_flags").fetchone() == (0,)
    con.close()
