"""Importing into a project: what is stored, duplicates, cancel, and bad input refused whole."""

from __future__ import annotations

import codecs
import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from import_helpers import ANSWERS, attempt, csv_text, refused, simple_rows, write
from post_coder.errors import Cancelled, DuplicateImportError, InputError
from post_coder.importing import import_survey, inspect_file, survey as survey_module
from post_coder.progress import Progress
from post_coder.project import Project
from post_coder.store import audit, surveys


def survey_file(tmp_path, name="survey.csv"):
    rows = [["ResponseId", "Department", "Q1", "Channels", "Age", "Score", "Comment", "Other"]]
    agree = ["Agree", "Disagree", "Strongly agree", "Agree"]
    specials = {2: "", 3: "N/A", 4: "   ", 5: "no comment."}
    for i in range(12):
        comment = specials.get(i, f"  {ANSWERS[i % 8]}  ")
        rows.append([f"R_{i:03d}", ["Nursing", "Pharmacy", "Medicine"][i % 3], agree[i % 4],
                     ["Email;Phone", "Phone", "Email"][i % 3], str(20 + i), f"{i / 2}",
                     comment, "Line one\nline two, ünïcödé ✓" if i == 0 else "-"])
    return write(tmp_path, name, csv_text(rows))


def test_import_stores_everything(project, tmp_path):
    path = survey_file(tmp_path)
    plan = inspect_file(path).with_mapping(open_ended=["Comment", "Other"])
    result = import_survey(project, plan, name="Staff survey 2024")
    assert result.respondents == 12
    assert result.questions == [("Comment", 8, 2, 2), ("Other", 1, 0, 11)]
    assert result.responses == 9
    assert result.changes.datasets and result.changes.responses
    assert result.changes.created == (result.dataset_id,)
    assert result.changes.label == "Import survey"

    [ds] = surveys.list_datasets(project.db)
    assert (ds.id, ds.name, ds.original_name) == (result.dataset_id, "Staff survey 2024",
                                                  "survey.csv")
    assert (ds.format, ds.platform, ds.row_count, ds.respondents, ds.responses) == \
        ("csv", "generic", 12, 12, 9)
    assert ds.options["id_column"] == "ResponseId" and ds.options["delimiter"] == ","

    questions = {q.column_name: q for q in surveys.list_questions(project.db, ds.id)}
    assert (questions["Comment"].responses, questions["Comment"].blank_count,
            questions["Comment"].nonanswer_count) == (8, 2, 2)
    answers = surveys.question_answers(project.db, questions["Other"].id)
    assert [a.text for a in answers] == ["Line one\nline two, ünïcödé ✓"]
    comments = surveys.question_answers(project.db, questions["Comment"].id)
    assert comments[0].text == ANSWERS[0]            # outer spaces trimmed, nothing else
    assert (comments[0].external_id, comments[0].row_number) == ("R_000", 2)

    variables = {v.name: v for v in surveys.list_variables(project.db, ds.id)}
    assert set(variables) == {"Department", "Q1", "Channels", "Age", "Score"}
    assert variables["Q1"].type == "ordinal"
    assert variables["Q1"].levels == ("Disagree", "Agree", "Strongly agree")
    assert variables["Channels"].type == "multi_select"
    assert variables["Channels"].levels == ("Email", "Phone")
    assert variables["Age"].type == "numeric" and variables["Age"].respondents == 12
    assert surveys.variable_value_counts(project.db, variables["Channels"].id) == {
        "Email": 8, "Phone": 8}

    rid = surveys.respondent_id_for(project.db, ds.id, "R_003")
    values = surveys.variable_values_for(project.db, rid)
    assert values == {"Department": "Nursing", "Q1": "Agree", "Channels": ["Email", "Phone"],
                      "Age": 23, "Score": 1.5}
    assert isinstance(values["Age"], int) and isinstance(values["Score"], float)

    [entry] = audit.entries(project.db, entity="dataset")
    assert entry.action == "import" and entry.entity_id == ds.id
    assert entry.step_label == "Import survey"
    assert entry.after["rows"] == 12 and entry.after["questions"] == ["Comment", "Other"]


def test_import_without_id_numbers_rows(project, tmp_path):
    result = attempt(project, survey_file(tmp_path), id_column=None)
    ds = surveys.get_dataset(project.db, result.dataset_id)
    assert ds.options["id_column"] is None
    assert surveys.respondent_id_for(project.db, ds.id, "12") is not None
    q = next(q for q in surveys.list_questions(project.db) if q.column_name == "Comment")
    first = surveys.question_answers(project.db, q.id)[0]
    assert (first.external_id, first.row_number) == ("1", 2)


def test_duplicate_import_refused_then_allowed(project, tmp_path, snapshot):
    path = survey_file(tmp_path)
    plan = inspect_file(path)
    import_survey(project, plan, name="First")
    before = snapshot(project)
    with pytest.raises(DuplicateImportError, match=r'already imported as dataset "First" on '
                                                   r"\d{4}-\d\d-\d\d \d\d:\d\d UTC") as err:
        import_survey(project, inspect_file(path))
    assert "survey.csv" in str(err.value)
    assert snapshot(project) == before
    again = import_survey(project, plan, name="Second", allow_duplicate=True)
    assert [d.name for d in surveys.list_datasets(project.db)] == ["First", "Second"]
    assert again.respondents == 12


def test_cancel_rolls_back(project, tmp_path, snapshot, monkeypatch):
    monkeypatch.setattr(survey_module, "BATCH", 3)
    calls = []

    def listener(done, total, label):
        calls.append((done, total, label))
        if len(calls) == 4:
            progress.cancel()

    progress = Progress(listener)
    before = snapshot(project)
    with pytest.raises(Cancelled):
        import_survey(project, inspect_file(survey_file(tmp_path)), progress=progress)
    assert snapshot(project) == before
    assert len(calls) == 4 and calls[0][1] == calls[-1][1] > 0
    assert calls[0][2] == "Reading survey.csv"
    assert all(a[0] <= b[0] for a, b in zip(calls, calls[1:]))


def test_progress_reports_to_the_end(project, tmp_path):
    seen = []
    import_survey(project, inspect_file(survey_file(tmp_path)),
                  progress=Progress(lambda d, t, label: seen.append((d, t, label))))
    assert any(label.startswith("Saving answers") for _, _, label in seen)


def test_changed_file_is_refused(project, tmp_path, snapshot):
    path = survey_file(tmp_path)
    plan = inspect_file(path)
    path.write_text(path.read_text() + "R_999,Nursing,Agree,Email,40,1,Late answer,\n")
    before = snapshot(project)
    with pytest.raises(InputError, match="the file changed since it was inspected"):
        import_survey(project, plan)
    assert snapshot(project) == before


def test_type_override_to_numeric_names_the_bad_cell(project, tmp_path, snapshot):
    refused(project, snapshot, survey_file(tmp_path), r'"Nursing" is not a number', line=2,
            column="Department", types={"Department": "numeric"})


def test_sav_import_keeps_labels(project, tmp_path):
    from test_import_readers import write_sav

    path = tmp_path / "survey.sav"
    write_sav(path)
    result = attempt(project, path)
    variables = {v.name: v for v in surveys.list_variables(project.db)}
    assert variables["sat"].label == "How satisfied were you?"
    assert variables["sat"].levels[0] == "Very dissatisfied"
    [q] = surveys.list_questions(project.db)
    assert q.wording == "What else would you like to tell us?"
    assert (q.responses, q.blank_count) == (3, 1)
    texts = [a.text for a in surveys.question_answers(project.db, q.id)]
    assert texts[-1] == "ప్రతి ఒక్కరూ చాలా సహాయకారిగా ఉన్నారు"
    rid = surveys.respondent_id_for(project.db, result.dataset_id, "2")
    assert surveys.variable_values_for(project.db, rid)["dept"] == "Pharmacy"


# -- real files (skipped without ../shared; test_import_fixtures.py has the same checks) -----------

def test_real_telugu_round_trips(project, real_samples):
    path = real_samples / "spss" / "tegulu.sav"
    plan = inspect_file(path)
    import_survey(project, plan)
    [q] = surveys.list_questions(project.db)
    [answer] = surveys.question_answers(project.db, q.id)
    assert answer.text == plan.preview[0]["Q16br9oe_Q24br9oe"]
    assert answer.text.startswith("నేను గతంలో వాడిన")


def test_real_redcap_multi_select_rows(project, real_samples):
    path = real_samples / "redcap" / "simple_data.csv"
    result = import_survey(project, inspect_file(path))
    race = next(v for v in surveys.list_variables(project.db) if v.name == "race")
    assert race.type == "multi_select" and race.levels == ("1", "2", "3", "4", "5", "6")
    rid = surveys.respondent_id_for(project.db, result.dataset_id, "5")
    assert surveys.variable_values_for(project.db, rid)["race"] == ["1", "6"]   # race___1, ___6
    [q] = surveys.list_questions(project.db)
    texts = [a.text for a in surveys.question_answers(project.db, q.id)]
    assert texts[4] == ("Had a hand for trouble and a eye for cash\n\nHe had a gold watch chain "
                        "and a black mustache")


def test_real_google_forms_xlsx_and_qualtrics(project, real_samples):
    real = real_samples
    google = import_survey(project, inspect_file(real / "google-forms" / "sp24_survey_results.xlsx"))
    assert google.questions == [("What is the rationale behind your opinion?", 81, 10, 0)]
    qualtrics = import_survey(project, inspect_file(real / "qualtrics" / "sample.csv"))
    assert qualtrics.questions == [("Q2", 1, 0, 0)]
    q2 = next(q for q in surveys.list_questions(project.db) if q.column_name == "Q2")
    assert q2.wording == "This is a free text question."


# -- bad input: one clear error, nothing written ----------------------------------------------------

def test_file_not_found(project, tmp_path, snapshot):
    refused(project, snapshot, tmp_path / "missing.csv", "there is no such file")


def test_folder(project, tmp_path, snapshot):
    folder = tmp_path / "export.csv"
    folder.mkdir()
    refused(project, snapshot, folder, "this is a folder")


@pytest.mark.parametrize("data", [b"", b"   \r\n\r\n", codecs.BOM_UTF8, codecs.BOM_UTF16_LE])
def test_empty_file(project, tmp_path, snapshot, data):
    path = tmp_path / "empty.csv"
    path.write_bytes(data)
    refused(project, snapshot, path, "the file is empty")


def test_header_only(project, tmp_path, snapshot):
    refused(project, snapshot, write(tmp_path, "header.csv", "id,comment\n\n"),
            "header rows but no data rows")


def test_qualtrics_header_rows_only(project, tmp_path, snapshot):
    from test_import_platforms import qualtrics_rows

    refused(project, snapshot, write(tmp_path, "q.csv", csv_text(qualtrics_rows(0))),
            "header rows but no data rows")


def test_binary_garbage(project, tmp_path, snapshot):
    path = tmp_path / "survey.csv"
    path.write_bytes(bytes(range(256)) * 40)
    refused(project, snapshot, path, "not a spreadsheet or text file")


def test_truncated_xlsx(project, tmp_path, snapshot):
    from test_import_readers import make_workbook

    good = tmp_path / "good.xlsx"
    make_workbook(good)
    path = tmp_path / "truncated.xlsx"
    path.write_bytes(good.read_bytes()[:1500])
    refused(project, snapshot, path, "cannot be read as an Excel workbook.*damaged, truncated")


def test_renamed_text_as_xlsx(project, tmp_path, snapshot):
    path = write(tmp_path, "survey.xlsx", csv_text(simple_rows()))
    refused(project, snapshot, path, r"not an Excel workbook \(.xlsx\)")


def test_old_xls(project, tmp_path, snapshot):
    path = tmp_path / "survey.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    refused(project, snapshot, path, "cannot be read as an Excel workbook.*Word document")


def test_not_spss(project, tmp_path, snapshot):
    refused(project, snapshot, write(tmp_path, "survey.sav", csv_text(simple_rows())),
            "not an SPSS .sav file")


def test_real_truncated_spss(project, tmp_path, snapshot, real_samples):
    good = (real_samples / "spss" / "sample.sav").read_bytes()
    path = tmp_path / "cut.sav"
    path.write_bytes(good[:700])
    refused(project, snapshot, path, "this SPSS file cannot be read")


def test_unknown_sheet(project, tmp_path, snapshot):
    from test_import_readers import make_workbook

    path = tmp_path / "book.xlsx"
    make_workbook(path)
    before = snapshot(project)
    with pytest.raises(InputError, match='no sheet "Data"; its sheets are "About", "Responses"'):
        inspect_file(path, sheet="Data")
    assert snapshot(project) == before


def test_ragged_row_names_the_physical_line(project, tmp_path, snapshot):
    # the record "3,one,two" is the 4th row of a spreadsheet but the 5th line of the file
    text = ('id,comment\n1,"a cell\nover two lines"\n2,fine\n3,one,two\n')
    refused(project, snapshot, write(tmp_path, "ragged.csv", text),
            "has 3 cells but the header has 2 columns", line=5)


def test_short_rows_are_blanks(project, tmp_path):
    text = "id,comment,extra\n1,a long enough answer to count\n2,another long enough answer,x\n"
    result = attempt(project, write(tmp_path, "short.csv", text))
    assert result.respondents == 2


def test_duplicate_ids(project, tmp_path, snapshot):
    rows = [["id", "comment"], ["7", ANSWERS[0]], ["8", ANSWERS[1]], ["7", ANSWERS[2]]]
    refused(project, snapshot, write(tmp_path, "dup.csv", csv_text(rows)),
            r'the respondent id "7" appears twice, in lines 2 and 4', line=4, column="id")


def test_blank_id(project, tmp_path, snapshot):
    rows = [["id", "comment"], ["7", ANSWERS[0]], ["", ANSWERS[1]]]
    refused(project, snapshot, write(tmp_path, "blank.csv", csv_text(rows)),
            "no respondent id", line=3, column="id")


def test_duplicate_column_names(project, tmp_path, snapshot):
    rows = [["id", "comment", "dept", "comment"], ["1", ANSWERS[0], "A", ANSWERS[1]]]
    refused(project, snapshot, write(tmp_path, "dupcol.csv", csv_text(rows)),
            r'"comment" is used twice \(columns B and D\)', line=1, column="comment")


def test_nul_byte(project, tmp_path, snapshot):
    path = tmp_path / "nul.csv"
    path.write_bytes(b"id,comment\n1,fine answer here\n2,bro\x00ken\n")
    refused(project, snapshot, path, "NUL byte", line=3)


def test_undecodable_utf16(project, tmp_path, snapshot):
    good = "id\tcomment\n1\tfine\n".encode("utf-16-le")
    bad = "2\tbro".encode("utf-16-le") + b"\x00\xd8" + "ken\n".encode("utf-16-le")
    path = tmp_path / "unicode.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + good + bad)
    refused(project, snapshot, path, "not valid UTF-16-LE text", line=3)


def test_undecodable_single_byte(project, tmp_path, snapshot):
    path = tmp_path / "odd.csv"
    path.write_bytes(b"id,comment\n1,fine\n2,caf\xe9 \x81\x8d\n")
    refused(project, snapshot, path, "not valid UTF-8 or Windows-1252 text", line=3)


def test_unclosed_quote(project, tmp_path, snapshot):
    text = 'id,comment\n1,fine\n2,"never closed\n3,swallowed\n'
    refused(project, snapshot, write(tmp_path, "quote.csv", text), "never closed", line=3)


def test_no_open_ended_column(project, tmp_path, snapshot):
    rows = [["id", "dept"]] + [[str(i), "A"] for i in range(5)]
    refused(project, snapshot, write(tmp_path, "closed.csv", csv_text(rows)),
            "no open-ended question is chosen.*--open-ended")


def test_missing_open_ended_column(project, tmp_path, snapshot):
    refused(project, snapshot, survey_file(tmp_path), r'no column "Coment".*"Comment"',
            column="Coment", open_ended=["Coment"])


def test_missing_id_and_attribute_columns(project, tmp_path, snapshot):
    refused(project, snapshot, survey_file(tmp_path), 'no column "Respondent"',
            column="Respondent", id_column="Respondent")
    refused(project, snapshot, survey_file(tmp_path), 'no column "Dept"',
            column="Dept", attributes=["Dept"])


# -- verbatim text (property) ----------------------------------------------------------------------

cell_text = st.text(st.one_of(st.characters(blacklist_categories=("Cs", "Cc")),
                              st.sampled_from("\n\t\x0b")), min_size=1, max_size=40)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(cell_text, min_size=1, max_size=6))
def test_any_unicode_text_round_trips(tmp_path_factory, cells):
    folder = tmp_path_factory.mktemp("prop")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "answer"])
    for i, cell in enumerate(cells):
        writer.writerow([str(i + 1), cell])
    path = folder / "random.csv"
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    project = Project.create(folder / "p.postcoder")
    try:
        plan = inspect_file(path).with_mapping(id_column="id", open_ended=["answer"])
        import_survey(project, plan)
        [q] = surveys.list_questions(project.db)
        stored = {a.external_id: a.text for a in surveys.question_answers(project.db, q.id)}
        for i, cell in enumerate(cells):
            from post_coder.importing.values import ANSWER, kind
            expected = cell.strip() if kind(cell) == ANSWER else None
            assert stored.get(str(i + 1)) == expected
        assert q.blank_count + q.nonanswer_count + q.responses == len(cells)
    finally:
        project.close()


def test_store_keeps_numbers_as_numbers(project, tmp_path):
    attempt(project, survey_file(tmp_path))
    types = {r[0] for r in project.db.execute(
        "SELECT typeof(value) FROM variable_values").fetchall()}
    assert types == {"integer", "real", "text"}


def test_non_answers_in_attributes(project, tmp_path):
    rows = [["id", "condition", "rating", "age", "channels", "comment"]]
    conditions = ["Asthma", "Diabetes", "None", "Asthma", "N/A", "Diabetes"]
    ratings = ["Good", "Poor", "N/A", "Excellent", "Good", "Fair"]
    channels = ["Email;Phone;", "None;", "Phone;", "Email;", "Email;Phone;", "Phone;"]
    for i in range(6):
        rows.append([str(i + 1), conditions[i], ratings[i], "n/a" if i == 2 else str(30 + i),
                     channels[i], ANSWERS[i]])
    result = attempt(project, write(tmp_path, "na.csv", csv_text(rows)))
    variables = {v.name: v for v in surveys.list_variables(project.db)}
    # "None" is a real category for a categorical question: kept, and listed last
    assert variables["condition"].levels == ("Asthma", "Diabetes", "N/A", "None")
    assert variables["condition"].respondents == 6
    # on a scale, a number or a date, "N/A" means missing
    assert variables["rating"].levels == ("Poor", "Fair", "Good", "Excellent")
    assert variables["rating"].respondents == 5 and variables["age"].respondents == 5
    assert variables["channels"].levels == ("Email", "Phone", "None")
    rid = surveys.respondent_id_for(project.db, result.dataset_id, "2")
    assert surveys.variable_values_for(project.db, rid)["channels"] == ["None"]
