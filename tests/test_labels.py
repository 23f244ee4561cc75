"""Short labels of questions and attributes: suggested at import (and for old projects by
migration), chosen in the plan, renamed later (undoable), found by ``--question`` in any of
three forms, shown by the CLI and exported; an attribute's level order changed later."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from post_coder.cli import main
from post_coder.errors import ConflictError, InputError, NotFoundError
from post_coder.importing import (find_variable, import_survey, inspect_file, rename_attribute,
                                  rename_question, set_levels)
from post_coder.project import Project
from post_coder.queries import find_question, questions, variables
from post_coder.store import audit, schema
from post_coder.store import db as store_db
from post_coder.store.labels import suggest

Q14 = ("Q14. Please share any comments about the POST program, its impact on you or your "
       "department, or barriers to using it.")
Q15A = "Q15. What would make the program more useful to you and your colleagues?"
Q15B = "Q15. What else would you like to add about your own experience?"
SCHEDULING = "Q7. How satisfied are you with [Scheduling]"
PRIVACY = "Q7. How satisfied are you with [Privacy concerns]"
LABELS_CSV = f'''id,"{Q14}",{Q15A},{SCHEDULING},{PRIVACY},department,{Q15B}
R1,The sessions helped me after a hard night shift.,More evening times,Satisfied,Very satisfied,EM,Nothing else
R2,I did not know whom to call the first time.,A single phone number,Very satisfied,Satisfied,ICU,More staff please
R3,"Talking to a peer made it easier, thank you.",Protected time,Satisfied,Dissatisfied,EM,
'''


@pytest.fixture
def labels_csv(tmp_path):
    path = tmp_path / "long_labels.csv"
    path.write_text(LABELS_CSV, encoding="utf-8")
    return path


@pytest.fixture
def labelled(project, labels_csv):
    plan = inspect_file(labels_csv).with_mapping(
        id_column="id", open_ended=[Q14, Q15A, Q15B],
        attributes=[SCHEDULING, PRIVACY, "department"])
    import_survey(project, plan)
    return project


def run(*args, ok=True):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert (result.exit_code == 0) == ok, result.output + result.stderr
    return result


# -- the suggestion rule ------------------------------------------------------------------------

def test_numbered_questions_keep_their_leading_token():
    assert suggest([(Q14, Q14), ("3) What worked well for you this year?", ""),
                    ("Question 12: Anything about the peer supporters you met?", "")]) == [
        "Q14", "Q3", "Q12"]


def test_short_names_stay_and_long_unnumbered_text_is_shortened():
    assert suggest([("department", "Which department do you work in?"), ("Q14", Q14),
                    ("Please describe your experience with the peer support sessions", "")]) \
        == ["department", "Q14", "Please describe your experience…"]


def test_checkbox_and_matrix_columns_keep_their_distinctive_tails():
    assert suggest([(SCHEDULING, ""), (PRIVACY, ""), ("Which barriers? - Time", ""),
                    ("Which barriers? - Money", "")]) == [
        "Q7 [Scheduling]", "Q7 [Privacy concerns]", "Time", "Money"]
    # one column alone ending in " - …" is no group: it is shortened as a whole
    assert suggest([("What is your role in the department - Other (please specify)", "")]) \
        == ["What is your role in the…"]


def test_clashing_suggestions_are_told_apart():
    assert suggest([(Q15A, ""), (Q15B, "")]) == ["Q15 What would make the program…",
                                                 "Q15 What else would you like to…"]
    # a column called "Q14" keeps its name; the long Q14 question takes more words
    assert suggest([(Q14, ""), ("Q14", "")]) == ["Q14 Please share any comments…", "Q14"]
    # a name the import numbered because the file repeats it keeps its number
    assert suggest([("Mood Disorder (Depression, Bipolar Disorder, etc)", ""),
                    ("Mood Disorder (Depression, Bipolar Disorder, etc) (2)", "")]) == [
        "Mood Disorder (Depression…", "Mood Disorder (Depression… (2)"]
    # the same words: one takes them, the other keeps the token
    assert suggest([("Q5. Same text here for both of these columns", ""),
                    ("Q5. Same text here for both of these columns ", "")]) == [
        "Q5 Same text here for both of…", "Q5"]
    # and a third has only a number left
    assert suggest([("Q5. Same text here for both of these columns", "")] * 3) == [
        "Q5 Same text here for both of…", "Q5", "Q5 (2)"]


# -- at import, and in the plan ------------------------------------------------------------------

def test_import_stores_the_suggested_labels(labelled):
    assert [(q.shown, q.wording) for q in questions(labelled)] == [
        ("Q14", Q14), ("Q15 What would make the program…", Q15A),
        ("Q15 What else would you like to…", Q15B)]
    assert [v.shown for v in variables(labelled)] == [
        "Q7 [Scheduling]", "Q7 [Privacy concerns]", "department"]


def test_labels_chosen_in_the_plan_are_stored_and_checked(project, labels_csv):
    plan = inspect_file(labels_csv).with_mapping(id_column="id", open_ended=[Q14],
                                                 attributes=["department"])
    chosen = plan.with_labels({Q14: "  Comments\n about POST ", "department": "Dept"})
    assert chosen.column(Q14).short_label == "Comments about POST"
    with pytest.raises(InputError, match=r'"dept" cannot be used: "department" already has '
                                         r'the short label "Dept"'):
        chosen.with_labels({Q14: "dept"})
    with pytest.raises(InputError, match="cannot be used: it is the name of another column, "
                                         '"department"'):
        chosen.with_labels({Q14: "DEPARTMENT"})  # "department" is now labelled "Dept"
    with pytest.raises(InputError, match="a short label cannot be empty"):
        plan.with_labels({Q14: "   "})
    import_survey(project, chosen)
    assert [q.shown for q in questions(project)] == ["Comments about POST"]
    assert [v.shown for v in variables(project)] == ["Dept"]


# -- renaming later ------------------------------------------------------------------------------

def test_rename_is_one_audited_undoable_step(labelled, snapshot):
    q14 = find_question(labelled, "Q14")
    before = snapshot(labelled)
    changes = rename_question(labelled, q14, "Comments", rationale="as in the report")
    assert changes.datasets and labelled.undo_label() == "Rename question"
    assert find_question(labelled, "comments") == q14
    [entry] = [e for e in audit.entries(labelled.db, entity="question")]
    assert (entry.action, entry.before["short_label"], entry.after["short_label"],
            entry.rationale) == ("rename", "Q14", "Comments", "as in the report")
    labelled.undo()
    assert {k: v for k, v in snapshot(labelled).items() if k != "audit_log"} == \
        {k: v for k, v in before.items() if k != "audit_log"}
    assert [q.shown for q in questions(labelled)][0] == "Q14"
    labelled.redo()
    assert [q.shown for q in questions(labelled)][0] == "Comments"


def test_rename_refusals_leave_the_project_as_it_was(labelled, snapshot):
    q14 = find_question(labelled, "Q14")
    privacy = find_variable(labelled, "Q7 [Privacy concerns]").id
    before = snapshot(labelled)
    with pytest.raises(ConflictError, match=r'"department" already has the short label '
                                            r'"department"'):
        rename_question(labelled, q14, "Department")
    with pytest.raises(ConflictError, match="the name of another column"):
        rename_attribute(labelled, privacy, Q15A)
    with pytest.raises(InputError, match="at most 80 characters"):
        rename_question(labelled, q14, "x" * 81)
    assert snapshot(labelled) == before
    assert labelled.undo_label() is None


# -- one lookup rule -----------------------------------------------------------------------------

def test_a_question_is_found_by_short_label_column_name_or_full_text(labelled):
    q14 = questions(labelled)[0].id
    assert find_question(labelled, "Q14") == q14
    assert find_question(labelled, "q14") == q14
    assert find_question(labelled, Q14) == q14
    assert find_question(labelled, "  " + Q14.replace(" ", "\n", 3)) == q14  # spaces as typed
    rename_question(labelled, q14, "Comments")
    assert find_question(labelled, "Comments") == q14
    with pytest.raises(NotFoundError, match=r'no open-ended question "Q14" \(questions: '
                                            r'"Comments", "Q15 What would make'):
        find_question(labelled, "Q14")


def test_several_matches_are_listed_with_their_columns_and_datasets(labelled, labels_csv):
    plan = inspect_file(labels_csv).with_mapping(id_column="id", open_ended=[Q14])
    import_survey(labelled, plan, name="second wave", allow_duplicate=True)
    with pytest.raises(NotFoundError) as err:
        find_question(labelled, "Q14")
    assert err.value.message == (
        '2 questions match "Q14": "Q14" (column "Q14. Please share any comments about the '
        'POST pro…", dataset "long_labels"); "Q14" (column "Q14. Please share any comments '
        'about the POST pro…", dataset "second wave"). Rename the short label of one to '
        "tell them apart")
    second = questions(labelled)[-1].id
    rename_question(labelled, second, "Q14 wave 2")
    assert find_question(labelled, "Q14 wave 2") == second
    assert find_question(labelled, "Q14") == questions(labelled)[0].id


def test_an_attribute_is_found_by_short_label_name_or_full_text(labelled):
    privacy = find_variable(labelled, PRIVACY)
    assert find_variable(labelled, "Q7 [Privacy concerns]").id == privacy.id
    assert find_variable(labelled, "q7 [privacy concerns]").id == privacy.id
    rename_attribute(labelled, privacy.id, "Privacy")
    assert find_variable(labelled, "Privacy").id == privacy.id


# -- projects from before short labels -----------------------------------------------------------

def test_migration_suggests_labels_for_an_older_project(tmp_path):
    path = tmp_path / "old.postcoder"
    db = store_db.connect(path)
    store_db.set_application_id(db)
    schema.apply(db, stop_before="0007_short_labels")
    db.executescript(f"""
        BEGIN;
        INSERT INTO meta VALUES ('project_id', 'p-1'), ('name', 'Old study');
        INSERT INTO datasets (id, name, original_name, sha256, format, imported_at)
            VALUES ('d-1', 'old', 'old.csv', 'abc', 'csv', '2025-01-01T00:00:00+00:00');
        INSERT INTO questions (id, dataset_id, column_name, wording, position) VALUES
            ('q-1', 'd-1', '{Q14}', '{Q14}', 1), ('q-2', 'd-1', 'Q14', 'Other', 2);
        INSERT INTO variables (id, dataset_id, name, label, type, position) VALUES
            ('v-1', 'd-1', '{PRIVACY}', '{PRIVACY}', 'ordinal', 3),
            ('v-2', 'd-1', '{SCHEDULING}', '{SCHEDULING}', 'ordinal', 4);
        COMMIT;
    """)
    db.close()
    with Project.open(path) as project:
        assert [q.shown for q in questions(project)] == ["Q14 Please share any comments…",
                                                         "Q14"]
        assert [v.shown for v in variables(project)] == ["Q7 [Privacy concerns]",
                                                         "Q7 [Scheduling]"]


# -- level order later ---------------------------------------------------------------------------

def test_level_order_is_an_undoable_step(labelled):
    before = list(find_variable(labelled, "Q7 [Scheduling]").levels)
    set_levels(labelled, "Q7 [Scheduling]", ["Very satisfied", "Satisfied"])
    assert list(find_variable(labelled, "Q7 [Scheduling]").levels) == ["Very satisfied",
                                                                        "Satisfied"]
    assert labelled.undo_label() == "Set levels"
    labelled.undo()
    assert list(find_variable(labelled, "Q7 [Scheduling]").levels) == before


# -- the command line ----------------------------------------------------------------------------

def test_cli_lists_and_renames_labels(labelled):
    path = labelled.path
    labelled.close()
    listing = run("label", path).output.splitlines()
    assert listing[0] == f"question   Q14  “{Q14[:89]}…”"
    assert listing[-2] == "attribute  department"
    assert listing[-1] == "6 questions and attributes"
    out = run("label", path, Q14, "Comments", "--rationale", "shorter").output
    assert out == 'The question "Q14. Please share any comments about the POST program, its ' \
        'impact on you or your department, or barriers to using it." is now labelled ' \
        '"Comments".\n'
    run("label", path, "Q7 [Privacy concerns]", "Privacy")
    rows = json.loads(run("label", path, "--json").output)
    assert [r["short_label"] for r in rows] == [
        "Comments", "Q15 What would make the program…", "Q15 What else would you like to…",
        "Q7 [Scheduling]", "Privacy", "department"]
    refused = run("label", path, "Comments", "department", ok=False)
    assert 'Error: the short label "department" cannot be used: "department" already has ' \
           'the short label "department"; choose another' in refused.stderr
    missing = run("label", path, "Q99", "x", ok=False)
    assert 'there is no question or attribute "Q99"' in missing.stderr


def test_cli_question_option_takes_the_short_label_and_exports_both_texts(labelled, tmp_path):
    path = labelled.path
    labelled.close()
    run("codes", "add", path, "Night shifts")
    (tmp_path / "codings.csv").write_text(
        f'respondent,question,code,coder\nR1,Q14,Night shifts,Maya\nR2,"{Q14}",Night shifts,'
        "Maya\nR3,Q15 What would make the program…,Night shifts,Maya\n", encoding="utf-8")
    run("code", path, tmp_path / "codings.csv")
    listed = run("codings", "list", path, "--question", "q14").output.splitlines()
    assert [line.split("\t")[:2] for line in listed[:-1]] == [["R1", "Q14"], ["R2", "Q14"]]
    out = tmp_path / "export.csv"
    run("codings", "list", path, "--csv", out)
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["respondent"], r["question"], r["question_text"]) for r in rows] == [
        ("R1", "Q14", Q14), ("R2", "Q14", Q14), ("R3", "Q15 What would make the program…", Q15A)]
    hits = json.loads(run("search", path, "night", "--question", "Q14", "--json").output)
    assert [(h["respondent"], h["question"], h["question_text"]) for h in hits] == [
        ("R1", "Q14", Q14)]
    info = run("info", path).output
    assert "  Question Q14: 3 responses (2 coded)" in info and f"    “{Q14}”" in info
    run("import", path, tmp_path / "long_labels.csv", "--id-column", "id", "--open-ended", Q14,
        "--name", "wave 2", "--allow-duplicate")
    ambiguous = run("search", path, "night", "--question", "Q14", ok=False)
    assert 'Error: 2 questions match "Q14": "Q14" (column "Q14. Please share' in \
        ambiguous.stderr and 'dataset "wave 2"' in ambiguous.stderr


def test_cli_levels_shows_and_reorders(labelled):
    path = labelled.path
    labelled.close()
    assert run("levels", path, "Q7 [Scheduling]").output == (
        "Q7 [Scheduling] (ordinal):\n  1. Satisfied\n  2. Very satisfied\n")
    out = run("levels", path, SCHEDULING, "--order", "Very satisfied | Satisfied | Neutral",
              "--rationale", "high first").output
    assert out == "The levels of Q7 [Scheduling] are now: Very satisfied < Satisfied < Neutral.\n"
    refused = run("levels", path, "Q7 [Scheduling]", "--order", "Satisfied", ok=False)
    assert 'levels given for "Q7. How satisfied are you with [Scheduling]" leave out' in \
        refused.stderr
    data = json.loads(run("levels", path, "Q7 [Scheduling]", "--json").output)
    assert data["levels"] == ["Very satisfied", "Satisfied", "Neutral"]
