import pytest

from post_coder.coding import codebook, memos
from post_coder.coding.coders import add_coder
from post_coder.coding.codings import apply_code, codings_for_response, remove_coding
from post_coder.export.reaim.stored import save_spec
from post_coder.errors import ConflictError, InputError, NothingToUndoError, UndoConflictError
from post_coder.project import UNDO_LIMIT
from post_coder.store import audit
from tests.conftest import response_id
from post_coder.store.scope import ReadScope

EVERYONE = ReadScope.everyone()


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
    assert {c.code_id for c in codings_for_response(p, EVERYONE, r)} == {b}


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


def _tables(project, snapshot) -> dict:
    """Every table but the audit log (which undo and redo append to)."""
    return {k: v for k, v in snapshot(project).items() if k != "audit_log"}


# -- one user action = one named undo step ----------------------------------------------------

def test_close_round_is_one_undo_step_that_reopens_the_round(surveyed, snapshot):
    from post_coder.team import rounds

    p = surveyed
    maya = add_coder(p, "Maya").new_id
    p.actor = maya
    rid = rounds.create_round(p, "Round 1", [maya]).new_id
    codebook.add_code(p, "Time")
    open_state = _tables(p, snapshot)
    rounds.close_round(p, rid)
    closed_state = _tables(p, snapshot)
    assert p.undo_label() == "Close round"
    changes = p.undo()
    assert changes.label == "Undo Close round" and changes.project
    assert _tables(p, snapshot) == open_state
    r = rounds.get_round(p, rid)
    assert (r.status, r.closed_at, r.closed_by) == ("open", None, None)
    assert rounds.read_scope(p, maya).visible_coders == (maya,)  # blind again
    assert p.undo_label() == "Add code" and p.redo_label() == "Close round"
    p.redo()
    assert _tables(p, snapshot) == closed_state
    assert rounds.read_scope(p, maya).visible_coders is None


def test_create_round_is_one_undo_step(surveyed, snapshot):
    from post_coder.team import rounds

    p = surveyed
    maya, luis = add_coder(p, "Maya").new_id, add_coder(p, "Luis").new_id
    codebook.add_code(p, "Time")
    before = _tables(p, snapshot)
    rounds.create_round(p, "Round 1", [maya, luis])
    after = _tables(p, snapshot)
    assert len(after["round_responses"]) == 8 and len(after["round_coders"]) == 2
    assert p.undo_label() == "Create round"
    p.undo()
    assert _tables(p, snapshot) == before
    assert p.undo_label() == "Add code"
    p.redo()
    assert _tables(p, snapshot) == after


def test_add_and_apply_code_is_one_undo_step(surveyed, snapshot):
    from post_coder.coding.codings import add_and_apply_code

    p = surveyed
    maya = add_coder(p, "Maya").new_id
    r = response_id(p, "R1")
    before = _tables(p, snapshot)
    changes = add_and_apply_code(p, "Feeling alone", r, maya, start=4, end=18)
    assert changes.label == "Add and apply code" and changes.codes and changes.codings
    code_id, coding_id = changes.created
    [coding] = codings_for_response(p, EVERYONE, r)
    assert (coding.id, coding.code_id, coding.span_start, coding.span_end) == (
        coding_id, code_id, 4, 18)
    assert p.undo_label() == "Add and apply code"
    after = _tables(p, snapshot)
    p.undo()
    undone = _tables(p, snapshot)
    # the done mark the coding made is taken back as a tombstone (un-marking travels)
    [(mark_response, mark_coder, *_, deleted_at)] = undone.pop("done_marks")
    assert (mark_response, mark_coder) == (r, maya) and deleted_at is not None
    assert before.pop("done_marks") == []
    assert undone == before  # no code, no coding (not even a tombstone)
    before = _tables(p, snapshot)  # with the tombstone: what redo and undo come back to
    assert p.undo_label() == "Add coder"
    p.redo()
    assert _tables(p, snapshot) == after
    assert codebook.get_code(p, code_id).name == "Feeling alone"
    assert [c.id for c in codings_for_response(p, EVERYONE, r)] == [coding_id]
    # a bad span adds no code either
    with pytest.raises(InputError):
        add_and_apply_code(p, "Other", r, maya, start=5, end=500)
    assert [c.name for c in codebook.list_codes(p)] == ["Feeling alone"]
    assert before != _tables(p, snapshot)


def test_memo_autosaves_of_one_memo_are_one_undo_step(project):
    codebook.add_code(project, "Time")
    for n in range(UNDO_LIMIT + 10):  # a long stretch of typing with pauses
        memos.set_memo(project, "project", None, "Themes so far" + "." * n)
    assert project.undo_label() == "Edit memo"
    project.undo()
    assert [m.body for m in memos.memos_for(project, EVERYONE, "project") if m.deleted_at is None] == []
    assert project.undo_label() == "Add code"  # not flooded out of the history
    project.redo()
    [memo] = memos.memos_for(project, EVERYONE, "project")
    assert memo.body == "Themes so far" + "." * (UNDO_LIMIT + 9)
    assert project.undo_label() == "Edit memo" and project.redo_label() is None


def test_memo_edits_coalesce_only_when_consecutive_and_on_the_same_memo(surveyed):
    p = surveyed
    code = codebook.add_code(p, "Time").new_id
    memos.set_memo(p, "project", None, "a")
    memos.set_memo(p, "code", code, "about time")       # another memo: its own step
    memos.set_memo(p, "project", None, "ab")            # back to the first: its own step
    codebook.add_code(p, "Privacy")
    memos.set_memo(p, "project", None, "abc")           # after another action: its own step
    memos.set_memo(p, "project", None, "abcd")          # joins the step before
    labels = []
    while p.undo_label():
        labels.append(p.undo_label())
        p.undo()
    assert labels == ["Edit memo", "Add code", "Edit memo", "Edit memo", "Edit memo",
                      "Add code"]


def test_memo_edit_after_undo_is_a_new_step(project):
    memos.set_memo(project, "project", None, "first")
    codebook.add_code(project, "Time")
    project.undo()  # the memo step is on top again, but an undo came in between
    memos.set_memo(project, "project", None, "first, then more")
    project.undo()
    assert [m.body for m in memos.memos_for(project, EVERYONE, "project")] == ["first"]


def test_adding_yourself_as_coder_keeps_the_undo_history(project):
    from post_coder.coding.coders import ensure_coder, list_coders

    codebook.add_code(project, "Time")
    project.undo()
    codebook.add_code(project, "Privacy")
    codebook.add_code(project, "Stigma")
    project.undo()
    me = ensure_coder(project, "Ana Lead", initials="AL")
    assert [c.name for c in list_coders(project)] == ["Ana Lead"]
    assert project.undo_label() == "Add code" and project.redo_label() == "Add code"
    project.actor = me
    project.undo()
    assert codebook.list_codes(project) == []
    assert [c.name for c in list_coders(project)] == ["Ana Lead"]  # not undone with it
    project.redo()
    project.redo()
    assert [c.name for c in codebook.list_codes(project)] == ["Privacy", "Stigma"]


def test_undo_of_a_new_code_or_coder_after_undoing_its_codings_and_memos(surveyed, snapshot):
    """Undoing "Apply code" leaves a tombstone; undoing "Add code" then takes it along."""
    p = surveyed
    before = _tables(p, snapshot)
    maya = add_coder(p, "Maya").new_id
    p.actor = maya
    code = codebook.add_code(p, "Time").new_id
    apply_code(p, response_id(p, "R1"), code, maya)
    memos.add_memo(p, "code", code, "about time")
    after = _tables(p, snapshot)
    for label in ("Add memo", "Apply code", "Add code", "Add coder"):
        assert p.undo().label == f"Undo {label}"
    assert _tables(p, snapshot) == before
    for label in ("Add coder", "Add code", "Apply code", "Add memo"):
        assert p.redo().label == f"Redo {label}"
    assert _tables(p, snapshot) == after


# -- the guard: an undoable action may write only journaled tables ----------------------------

def test_guard_refuses_an_undoable_write_to_an_unjournaled_table(project, snapshot):
    from post_coder.store import meta
    from post_coder.store.journal import UnjournaledWriteError

    codebook.add_code(project, "Time")
    before = snapshot(project)
    with pytest.raises(UnjournaledWriteError, match=r'"Rename project" wrote to meta'):
        with project.transact("Rename project"):
            codebook.add_code(project, "Privacy")
            meta.set_(project.db, "name", "Renamed")
            meta.set_(project.db, "name", "Renamed again")  # an upsert, twice
    assert snapshot(project) == before  # rolled back whole
    assert project.undo_label() == "Add code"
    with project.transact("Rename project", undoable=False):  # allowed: clears the history
        meta.set_(project.db, "name", "Renamed")
    assert project.name == "Renamed" and project.undo_label() is None


def test_guard_is_on_and_covers_every_table(surveyed):
    from post_coder.store import journal

    db = surveyed.db
    tables = {r[0] for r in db.execute(
        "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"
        " AND name NOT LIKE 'responses_fts%'")}
    triggers = {r[0] for r in db.execute("SELECT tbl_name FROM temp.sqlite_master"
                                         " WHERE type = 'trigger'")}
    assert tables - triggers == {"audit_log"}
    assert set(journal.JOURNALED) < triggers and "responses" in triggers
    # the guard saw the import (the last action) write them: allowed, it is not undoable
    assert journal.unjournaled_writes(db) == ["datasets", "respondents", "responses",
                                              "variable_values"]
    codebook.add_code(surveyed, "Time")
    assert journal.unjournaled_writes(db) == []  # reset for each action


# -- undo and redo never overwrite a change they did not make ---------------------------------

def test_undo_refuses_to_overwrite_a_change_made_on_another_connection(project):
    from post_coder.project import Project

    stigma = codebook.add_code(project, "Stigma").new_id
    codebook.add_code(project, "Time")
    codebook.rename_code(project, stigma, "Stigma and shame")
    with Project.open(project.path) as other:  # another window, or the command line
        codebook.redefine_code(other, stigma, definition="Fear of being judged")
    entries = len(audit.entries(project.db))
    with pytest.raises(UndoConflictError) as refused:
        project.undo()
    assert str(refused.value) == (
        'Undo is not possible: code "Stigma and shame" was changed by another window or '
        'program (a merge, another copy of POST Coder) after "Rename code". Undoing it would '
        "overwrite that change, so nothing was undone; the steps before it can no longer be "
        "undone either.")
    code = codebook.get_code(project, stigma)
    assert (code.name, code.definition) == ("Stigma and shame", "Fear of being judged")
    assert len(audit.entries(project.db)) == entries
    assert project.undo_label() is None  # "Add code" lay under the refused step
    with pytest.raises(NothingToUndoError):
        project.undo()
    # the history works again from here on
    codebook.rename_code(project, stigma, "Shame")
    project.undo()
    assert codebook.get_code(project, stigma).name == "Stigma and shame"


def test_redo_refuses_to_overwrite_a_change_made_on_another_connection(project):
    from post_coder.project import Project

    stigma = codebook.add_code(project, "Stigma").new_id
    codebook.rename_code(project, stigma, "Stigma and shame")
    codebook.recolor_code(project, stigma, "#112233")
    project.undo()
    project.undo()
    with Project.open(project.path) as other:
        codebook.rename_code(other, stigma, "Shame")
    with pytest.raises(UndoConflictError, match=r'^Redo is not possible: code "Shame" was '
                                                r'changed .* the steps after it can no longer'):
        project.redo()
    assert codebook.get_code(project, stigma).name == "Shame"
    assert project.redo_label() is None and project.undo_label() == "Add code"


def test_undo_is_refused_when_a_new_row_stands_in_its_way(surveyed):
    """Rows the step did not write can block it too: codings of a code undo would remove."""
    from post_coder.project import Project

    p = surveyed
    maya = add_coder(p, "Maya").new_id
    time = codebook.add_code(p, "Time").new_id
    with Project.open(p.path) as other:
        apply_code(other, response_id(other, "R3"), time, maya)
    with pytest.raises(UndoConflictError) as refused:
        p.undo()
    assert str(refused.value) == (
        "Undo is not possible: the project was changed by another window or program (a "
        'merge, another copy of POST Coder) after "Add code". Undoing it would clash with '
        "that change (for example, remove a code applied since), so nothing was undone; the "
        "steps before it can no longer be undone either.")
    assert [c.code_id for c in codings_for_response(p, EVERYONE, response_id(p, "R3"))] == [time]
    assert p.undo_label() is None


def test_undo_goes_ahead_when_others_changed_other_rows(project):
    from post_coder.project import Project

    stigma = codebook.add_code(project, "Stigma").new_id
    codebook.rename_code(project, stigma, "Stigma and shame")
    with Project.open(project.path) as other:
        time = codebook.add_code(other, "Time").new_id
    assert project.undo().label == "Undo Rename code"
    assert codebook.get_code(project, stigma).name == "Stigma"
    assert codebook.get_code(project, time).name == "Time"


def test_undo_refuses_to_revert_a_work_file_merged_by_another_process(tmp_path, survey_csv):
    """The issue's case: the app renamed a code; the command line, in another process,
    merged a coder's work file that redefines it; Undo in the app must not revert it."""
    import os
    import subprocess
    import sys

    from post_coder.team.package import export_package, export_work
    from post_coder.team.rounds import create_round
    from post_coder.importing import import_survey, inspect_file
    from post_coder.project import Project
    from tests.conftest import REPO

    lead = Project.create(tmp_path / "lead.postcoder")
    import_survey(lead, inspect_file(survey_csv).with_mapping(
        id_column="id", open_ended=["feedback"], attributes=["dept"]))
    lead.actor = add_coder(lead, "Ana Lead").new_id
    maya = add_coder(lead, "Maya Chen").new_id
    stigma = codebook.add_code(lead, "Stigma").new_id
    create_round(lead, "Round 1", [maya])
    export_package(lead, maya, tmp_path / "maya.postcoder")
    with Project.open(tmp_path / "maya.postcoder") as package:  # Maya, on her laptop
        package.actor = maya
        codebook.redefine_code(package, stigma, definition="Fear of being judged")
        export_work(package, tmp_path / "maya.postcoder-work")
    codebook.rename_code(lead, stigma, "Stigma and shame")  # the lead, in the app

    merged = subprocess.run(
        [sys.executable, "-c", "from post_coder.launcher import main; main()", "merge",
         str(tmp_path / "lead.postcoder"), str(tmp_path / "maya.postcoder-work"),
         "--as", "Ana Lead"],
        cwd=REPO, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO)}, stdin=subprocess.DEVNULL)
    assert merged.returncode == 0 and "Merged." in merged.stdout, merged.stdout + merged.stderr
    assert codebook.get_code(lead, stigma).definition == "Fear of being judged"

    with pytest.raises(UndoConflictError, match='code "Stigma and shame" was changed'):
        lead.undo()
    code = codebook.get_code(lead, stigma)
    assert (code.name, code.definition) == ("Stigma and shame", "Fear of being judged")
    lead.close()


# -- every undoable action: one step that takes back everything it wrote ----------------------

def _setup_for_actions(p, tmp_path):
    from post_coder.coding import keys, recheck, themes
    from post_coder.team import review, rounds

    ctx = {"maya": add_coder(p, "Maya").new_id}
    p.actor = ctx["maya"]
    ctx["time"] = codebook.add_code(p, "Time").new_id
    ctx["privacy"] = codebook.add_code(p, "Privacy").new_id
    ctx["shifts"] = codebook.add_code(p, "Shifts", parent=ctx["time"]).new_id
    ctx["r1"], ctx["r3"] = response_id(p, "R1"), response_id(p, "R3")
    ctx["r2"], ctx["r4"] = response_id(p, "R2"), response_id(p, "R4")
    ctx["c1"] = apply_code(p, ctx["r1"], ctx["time"], ctx["maya"]).new_id
    ctx["c3"] = apply_code(p, ctx["r3"], ctx["time"], ctx["maya"], start=0, end=8).new_id
    ctx["memo"] = memos.add_memo(p, "code", ctx["time"], "about time").new_id
    codebook.redefine_code(p, ctx["privacy"], definition="Who finds out")  # no codings yet
    ctx["c5"] = apply_code(p, response_id(p, "R5"), ctx["privacy"], ctx["maya"]).new_id
    codebook.redefine_code(p, ctx["privacy"], definition="Who may find out")  # flags c5
    [ctx["flag"]] = [i.id for i in recheck.recheck_queue(p, EVERYONE)]
    themes.mark_exemplar(p, EVERYONE, ctx["c3"])
    ctx["round"] = rounds.create_round(p, "Round 1", [ctx["maya"]]).new_id
    ctx["session"] = review.open_session(p, EVERYONE, "Round 1", ["Maya"]).new_id
    rounds.create_round(p, "Round P", [ctx["maya"]], blind=False)
    ctx["paused"] = review.open_session(p, EVERYONE, "Round P").new_id
    review.pause_session(p, EVERYONE, ctx["paused"])
    rounds.create_round(p, "Round Q", [ctx["maya"]], blind=False)
    keys.pin_key(p, ctx["privacy"], 3, ctx["maya"])
    (tmp_path / "codebook.csv").write_text("name,parent\nFatigue,\nNight shifts,Fatigue\n",
                                           encoding="utf-8")
    (tmp_path / "codings.csv").write_text(
        "respondent,question,code,coder\nR2,feedback,Privacy,Maya\nR4,feedback,Time,Luis\n",
        encoding="utf-8")
    (tmp_path / "done.csv").write_text(
        "respondent,question,coder\nR2,feedback,Maya\nR4,feedback,Luis\n", encoding="utf-8")
    p.clear_history()
    return ctx


def _actions():
    from post_coder import importing
    from post_coder.coding import (codebook_io, coders, codings, done, keys, recheck, refine,
                                   themes)
    from post_coder.queries import find_question
    from post_coder.suggest import groupings as suggest_groupings
    from post_coder.suggest import themes as suggest_themes
    from post_coder.team import review, rounds

    return [
        ("Add coder", lambda p, c, d: add_coder(p, "Luis")),
        ("Add code", lambda p, c, d: codebook.add_code(p, "Stigma")),
        ("Rename code", lambda p, c, d: codebook.rename_code(p, c["time"], "Lack of time")),
        ("Redefine code", lambda p, c, d: codebook.redefine_code(p, c["time"], example="x")),
        ("Recolor code", lambda p, c, d: codebook.recolor_code(p, c["time"], "#123456")),
        ("Move code", lambda p, c, d: codebook.move_code(p, c["shifts"], None)),
        ("Move codes", lambda p, c, d: refine.move_codes(p, [c["shifts"], c["privacy"]],
                                                         c["time"])),
        ("Merge codes", lambda p, c, d: codebook.merge_codes(p, [c["time"]], c["privacy"])),
        ("Split code", lambda p, c, d: codebook.split_code(p, c["time"], "Busy", [c["c3"]])),
        ("Retire code", lambda p, c, d: codebook.retire_code(p, c["time"])),
        ("Edit code", lambda p, c, d: refine.edit_code(p, c["time"], {
            "name": "Busy", "definition": "No time", "parent_id": c["privacy"]})),
        ("Copy segments to code", lambda p, c, d: refine.copy_segments(p, [c["c3"]],
                                                                       c["privacy"])),
        ("Move segments to code", lambda p, c, d: refine.move_segments(p, [c["c3"]],
                                                                       c["privacy"])),
        ("Apply code", lambda p, c, d: apply_code(p, c["r1"], c["privacy"], c["maya"])),
        ("Add and apply code", lambda p, c, d: codings.add_and_apply_code(
            p, "Stigma", c["r1"], c["maya"])),
        ("Accept suggested codes", lambda p, c, d: codings.accept_codes(
            p, [(c["r1"], c["privacy"]), (c["r3"], c["privacy"])], c["maya"])),
        ("Accept suggested theme", lambda p, c, d: suggest_themes.accept_theme(
            p, "Stigma", [c["r1"], c["r3"]], c["maya"])),
        ("Accept suggested grouping", lambda p, c, d: suggest_groupings.accept_grouping(
            p, "Pressures", [c["time"], c["privacy"]])),
        ("Remove coding", lambda p, c, d: remove_coding(p, c["c1"])),
        ("Remove code", lambda p, c, d: codings.remove_code(p, c["r3"], c["time"], c["maya"])),
        ("Apply codings from file", lambda p, c, d: codings.apply_codings_csv(
            p, d / "codings.csv")),
        ("Import codebook", lambda p, c, d: codebook_io.import_codebook_csv(
            p, d / "codebook.csv")),
        ("Add memo", lambda p, c, d: memos.add_memo(p, "project", None, "a note")),
        ("Edit memo", lambda p, c, d: memos.edit_memo(p, c["memo"], "about time, really")),
        ("Delete memo", lambda p, c, d: memos.delete_memo(p, c["memo"])),
        ("Remove codings", lambda p, c, d: codings.remove_codings(p, [c["c1"], c["c3"]])),
        ("Rename coder", lambda p, c, d: coders.update_coder(p, c["maya"], name="Maya Chen")),
        ("Edit coder", lambda p, c, d: coders.update_coder(p, c["maya"], color="#123456")),
        ("Create round", lambda p, c, d: rounds.create_round(p, "Round 2", [c["maya"]])),
        ("Close round", lambda p, c, d: rounds.close_round(p, c["round"])),
        ("Mark done", lambda p, c, d: done.mark_done(p, [c["r2"], c["r4"]], c["maya"])),
        ("Nothing applies", lambda p, c, d: done.nothing_applies(p, c["r2"], c["maya"])),
        ("Unmark done", lambda p, c, d: done.unmark_done(p, [c["r1"], c["r3"]], c["maya"])),
        ("Mark done from file", lambda p, c, d: done.mark_done_csv(p, d / "done.csv")),
        ("Open review session", lambda p, c, d: review.open_session(p, EVERYONE, "Round Q",
                                                                    ["Maya", "Luis"])),
        ("Pause review session", lambda p, c, d: review.pause_session(p, EVERYONE, c["session"])),
        ("Resume review session", lambda p, c, d: review.resume_session(p, EVERYONE,
                                                                        c["paused"])),
        ("Close review session", lambda p, c, d: review.close_session(p, EVERYONE, c["session"])),
        ("Confirm re-check", lambda p, c, d: recheck.confirm_recheck(p, [c["flag"]])),
        ("Remove after re-check", lambda p, c, d: recheck.remove_recheck(p, [c["flag"]])),
        ("Rename question", lambda p, c, d: importing.rename_question(
            p, find_question(p, "feedback"), "Q1 Feedback")),
        ("Rename attribute", lambda p, c, d: importing.rename_attribute(
            p, importing.find_variable(p, "dept").id, "Department")),
        ("Set levels", lambda p, c, d: importing.set_levels(
            p, "role", ["Lead", "Attending"])),
        ("Review decision", lambda p, c, d: review.decide(
            p, EVERYONE, c["session"], c["r1"], "Time", other_code="Privacy", note="n",
            redefine={"definition": "new"}, rationale="why")),
        ("Pin code to key", lambda p, c, d: keys.pin_key(p, c["time"], 3, c["maya"])),
        ("Unpin code", lambda p, c, d: keys.unpin_key(p, c["privacy"], c["maya"])),
        ("Mark exemplar quote", lambda p, c, d: themes.mark_exemplar(p, EVERYONE, c["c1"])),
        ("Unmark exemplar quote", lambda p, c, d: themes.mark_exemplar(p, EVERYONE, c["c3"],
                                                                       on=False)),
        ("Set RE-AIM dimension", lambda p, c, d: themes.set_dimension(p, c["time"],
                                                                      "Effectiveness")),
        ("Save RE-AIM spec", lambda p, c, d: save_spec(p, REAIM_SPEC)),
    ]


REAIM_SPEC = """[[effectiveness]]
id = "time"
label = "Mentioned time"
kind = "coded"
question = "feedback"
code = "Time"
source = "union"
"""


@pytest.mark.parametrize("label,action", _actions(), ids=[a[0] for a in _actions()])
def test_every_undoable_action_is_one_step_undone_whole(surveyed, snapshot, tmp_path,
                                                        label, action):
    p = surveyed
    ctx = _setup_for_actions(p, tmp_path)
    before = _tables(p, snapshot)
    action(p, ctx, tmp_path)
    after = _tables(p, snapshot)
    assert after != before
    assert p.undo_label() == label
    p.undo()
    assert p.undo_label() is None  # exactly one step
    undone = _tables(p, snapshot)
    # an undone coding, memo or done mark stays as a removal (keyed by id, or by response
    # and coder for done marks)
    for table, width in (("codings", 1), ("memos", 1), ("done_marks", 2)):
        known = {row[:width] for row in before[table]}
        new = [row for row in undone[table] if row[:width] not in known]
        deleted_at = [c[1] for c in p.db.execute(f"PRAGMA table_info({table})")].index(
            "deleted_at")
        assert all(row[deleted_at] is not None for row in new)
        undone[table] = [row for row in undone[table] if row[:width] in known]
    assert undone == before
    p.redo()
    assert _tables(p, snapshot) == after


def test_every_undoable_action_in_the_code_is_exercised_above():
    """A new undoable action must join the list above (and so run under the guard)."""
    import ast

    from tests.conftest import REPO

    labels, made_at_run_time = set(), set()
    for path in (REPO / "post_coder").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "transact"):
                continue
            flags = {k.arg: getattr(k.value, "value", None) for k in node.keywords}
            if flags.get("undoable") is False or flags.get("outside_history") is True:
                continue
            if isinstance(node.args[0], ast.Constant):
                labels.add(node.args[0].value)
            else:
                made_at_run_time.add(path.name)
    # move_codes: "Move code" or "Move codes"; update_coder: "Rename coder" or "Edit coder"
    assert made_at_run_time == {"refine.py", "coders.py"}
    assert labels - {a[0] for a in _actions()} == set()
    assert "Close round" in labels and "Import survey" not in labels


def test_undo_of_an_edit_restores_awkward_values_exactly(project, snapshot):
    """The inverse of an UPDATE is replayed from the row's old values (kept as JSON): quotes,
    line breaks, non-ASCII text, NULLs and integers come back exactly."""
    cid = codebook.add_code(project, "Stigma", definition="It's \"shame\";\n-- naïve ✓ 東京"
                            ).new_id
    parent = codebook.add_code(project, "Feelings").new_id
    before = snapshot(project)
    codebook.redefine_code(project, cid, definition="plain", inclusion="x'y")
    codebook.move_code(project, cid, parent)
    edited = snapshot(project)
    assert codebook.get_code(project, cid).parent_id == parent
    project.undo()
    project.undo()
    assert snapshot(project)["codes"] == before["codes"]
    assert codebook.get_code(project, cid).definition == "It's \"shame\";\n-- naïve ✓ 東京"
    assert codebook.get_code(project, cid).parent_id is None
    project.redo()
    project.redo()
    assert snapshot(project)["codes"] == edited["codes"]
    assert codebook.get_code(project, cid).inclusion == "x'y"


def test_journaled_tables_hold_only_text_and_integer_columns(project):
    """The undo journal keeps the old values of an update as JSON, exact for TEXT and
    INTEGER; a REAL or BLOB column needs a different encoding there."""
    from post_coder.store import journal

    for table in journal.JOURNALED:
        types = {r[2].upper() for r in project.db.execute(f"PRAGMA main.table_info({table})")}
        assert types <= {"TEXT", "INTEGER"}, (table, types)


def test_replay_reads_the_log_newest_first_across_chunks(project):
    """The replay reads a step's log rows a chunk at a time; chunks join up in order."""
    from post_coder.store import journal

    first = journal.last_seq(project.db) + 1
    for name in ("A", "B", "C"):
        codebook.add_code(project, name, definition=f"about {name}")
    last = journal.last_seq(project.db)
    whole = list(journal._newest_first(project.db, first, last, chunk=10_000))
    assert len(whole) == last - first + 1 >= 3
    assert [row[2] for row in whole][-1] == codebook.find_code(project, "A").id
    for chunk in (1, 2, 5):
        assert list(journal._newest_first(project.db, first, last, chunk=chunk)) == whole
