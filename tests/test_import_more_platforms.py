"""More survey platforms and their layouts: SurveyMonkey's two header rows, Typeform and
LimeSurvey repeating column names, Qualtrics 2016-17's Python-style third header row,
ODK Central, KoboToolbox, Alchemer; machine-written values never offered to code; columns
given by code or label; error positions as physical lines; mixed UTF-8/Windows-1252 lines.

Each layout is tested over a made-up fixture in tests/fixtures/ (see its README.md), and the
same checks over the real exports in ../shared/survey-formats/real-2 are the ``test_real2_*``
tests, skipped where that folder is missing.
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from import_helpers import refused, write
from post_coder.cli import main
from post_coder.importing import import_survey, inspect_file
from post_coder.store import surveys

FIXTURES = Path(__file__).resolve().parent / "fixtures"
HELPED = "What helped you most after a difficult case?"


def roles(plan) -> dict[str, str]:
    return {c.name: c.role for c in plan.columns}


def notes(plan) -> dict[str, str]:
    return {c.name: c.note for c in plan.columns}


def respondents(project) -> list[tuple[str, int]]:
    return [tuple(r) for r in project.db.execute(
        "SELECT external_id, row_number FROM respondents ORDER BY row_number")]


def answers(project, column: str) -> list[str]:
    [question] = [q for q in surveys.list_questions(project.db) if q.column_name == column]
    return [a.text for a in surveys.question_answers(project.db, question.id)]


# -- SurveyMonkey ---------------------------------------------------------------------------------

def test_surveymonkey_second_header_row_is_a_header(project):
    plan = inspect_file(FIXTURES / "surveymonkey_2hdr.csv")
    assert (plan.platform, plan.header_rows, plan.row_count) == ("surveymonkey", 2, 6)
    assert plan.id_column == "Respondent ID" and plan.warnings == []
    assert plan.open_ended == [HELPED]
    heard = plan.column("How did you hear about the program?")
    assert heard.type == "multi_select"
    assert heard.source_columns == [
        "How did you hear about the program? - E-mail", "How did you hear about the program? - Poster",
        "How did you hear about the program? - A colleague",
        "How did you hear about the program? - Grand rounds"]
    other = "Which kinds of support did you use? Please select all that apply. - Other (please specify)"
    assert plan.column(other).sample == ["A walk outside"]
    r = roles(plan)
    assert r["Collector ID"] == r["IP Address"] == "skip"
    assert r["Start Date"] == "attribute" and plan.column("Start Date").type == "date"
    assert "Rows: 6 respondents" in plan.describe()
    import_survey(project, plan)
    assert [e for e, _ in respondents(project)] == [str(11840562300 + 17 * i) for i in range(6)]
    assert [n for _, n in respondents(project)] == [3, 4, 5, 6, 7, 8]


def test_real2_surveymonkey_exports(real2_samples, project):
    plan = inspect_file(real2_samples / "surveymonkey_2hdr_openended.csv")
    assert (plan.platform, plan.header_rows, plan.row_count) == ("surveymonkey", 2, 2778)
    assert plan.id_column == "RespondentID" and plan.warnings == []
    assert plan.open_ended == ["In your own words, what would you call the part of the country "
                               "you live in now?"]
    zip_code = next(c for c in plan.columns if c.name.startswith("In what ZIP code"))
    assert zip_code.role != "open_ended"
    assert "Which of the following states do you consider part of the Midwest? Please select all "\
           "that apply. - Iowa" in plan.column(
               "Which of the following states do you consider part of the Midwest? Please select "
               "all that apply.").source_columns
    result = import_survey(project, plan)
    assert result.respondents == 2778
    assert respondents(project)[0] == ("3126807211", 3)
    assert all(e.isdigit() for e, _ in respondents(project))

    latin = inspect_file(real2_samples / "surveymonkey_2hdr_latin1.csv")
    assert (latin.platform, latin.header_rows, latin.row_count) == ("surveymonkey", 2, 1186)
    assert latin.id_column == "RespondentID" and latin.warnings == []
    assert latin.open_ended == []


# -- Typeform and LimeSurvey: repeated column names -----------------------------------------------

def test_typeform_repeated_names_are_kept_and_said(project):
    plan = inspect_file(FIXTURES / "typeform_repeated.csv")
    assert (plan.platform, plan.header_rows, plan.row_count) == ("typeform", 1, 6)
    assert plan.id_column == "#"
    names = [c.name for c in plan.columns]
    assert names == ["#", "Are you a physician?", "Why or why not?", "Phone call", "Coffee chat",
                     "Other", "Did you recommend the program to a colleague?",
                     "Why or why not? (2)", "Phone call (2)", "Coffee chat (2)", "Other (2)",
                     "Start Date (UTC)", "Submit Date (UTC)", "Network ID"]
    assert plan.open_ended == ["Why or why not?", "Why or why not? (2)"]
    assert plan.notes == [
        "4 column names are used more than once in the header (normal in Typeform exports); "
        "every column is kept and each repeat has a number after its name: \"Why or why not?\" "
        "(2); \"Phone call\" (2); \"Coffee chat\" (2); and 1 more"]
    assert "Note: 4 column names are used more than once" in plan.describe()
    r = roles(plan)
    assert r["Network ID"] == "skip" and r["Submit Date (UTC)"] == "attribute"
    # checkbox columns holding their own heading are not something to code
    assert r["Phone call"] == r["Coffee chat (2)"] == "attribute"
    result = import_survey(project, plan)
    assert result.questions == [("Why or why not?", 6, 0, 0), ("Why or why not? (2)", 6, 0, 0)]
    assert answers(project, "Why or why not? (2)")[1] == "Not yet, it still feels too personal to bring up."


def test_dry_run_of_repeated_names_shows_the_note(tmp_path):
    runner = CliRunner()
    project = tmp_path / "s.postcoder"
    assert runner.invoke(main, ["new", str(project)]).exit_code == 0
    result = runner.invoke(main, ["import", str(project), str(FIXTURES / "typeform_repeated.csv"),
                                  "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "is used twice" not in result.output
    assert "Note: 4 column names are used more than once in the header" in result.output


def test_limesurvey_full_text_german_semicolon_bom(project):
    plan = inspect_file(FIXTURES / "limesurvey_fulltext_de.csv")
    assert (plan.platform, plan.encoding, plan.delimiter) == ("limesurvey", "utf-8-sig", ";")
    assert plan.id_column == "Antwort ID" and plan.row_count == 6
    assert plan.open_ended == ["Was hat Ihnen nach einem belastenden Fall am meisten geholfen?"]
    repeated = "Wie hilfreich war das Gespräch?  [Erstes Gespräch]"
    assert plan.column(repeated).sample[0] == "hilfreich"
    assert plan.column(repeated + " (2)").sample[0] == "sehr hilfreich"
    assert plan.column("Welche Angebote haben Sie genutzt?").source_columns == [
        "Welche Angebote haben Sie genutzt? [Telefonat]",
        "Welche Angebote haben Sie genutzt? [Kaffeegespräch]"]
    assert len(plan.notes) == 1 and plan.notes[0].startswith(
        "1 column name is used more than once in the header (normal in LimeSurvey exports)")
    import_survey(project, plan)
    assert [e for e, _ in respondents(project)] == ["1", "2", "3", "4", "5", "6"]


def test_real2_typeform(real2_samples, project):
    path = real2_samples / "typeform_osmi2018.csv"
    plan = inspect_file(path)
    assert (plan.platform, plan.row_count, plan.id_column) == ("typeform", 417, "#")
    assert [i for i, c in enumerate(plan.columns) if c.role == "open_ended"] == [
        14, 17, 19, 40, 43, 45, 97, 99, 105, 109, 110]
    assert len(plan.columns) == 123
    assert plan.notes[0].startswith("15 column names are used more than once in the header")
    assert plan.column("Are you self-employed?").name == "Are you self-employed?"
    result = import_survey(project, plan)
    assert result.respondents == 417


def test_real2_limesurvey_full_text(real2_samples, project):
    path = real2_samples / "limesurvey_fulltext_de_semicolon_bom.csv"
    with path.open(encoding="utf-8-sig", newline="") as f:
        head = next(csv.reader(f, delimiter=";"))
    plan = inspect_file(path)
    assert (plan.platform, plan.row_count, plan.id_column) == ("limesurvey", 96, "Antwort ID")
    assert plan.notes[0].startswith("5 column names are used more than once")
    chosen = plan.open_ended
    assert {head[i] for i in (20, 28, 315, 316)} <= set(chosen)
    assert all(n.endswith("[Sonstiges]") for n in chosen if n not in {head[i] for i in (20, 28, 315, 316)})
    assert len(chosen) > 4
    assert import_survey(project, plan).respondents == 96


# -- LimeSurvey "code. text" headings and question codes ------------------------------------------

def test_limesurvey_code_text_headings(project):
    plan = inspect_file(FIXTURES / "limesurvey_codetext.csv")
    assert (plan.platform, plan.row_count, plan.id_column) == ("limesurvey", 6, "id. Response ID")
    assert plan.open_ended == ["B2[other]. Which kinds of support did you use? [Other]",
                               "C3. What helped you most after a difficult case?"]
    r = roles(plan)
    assert r["seed. Seed"] == r["lastpage. Last page"] == "skip"
    assert r["submitdate. Date submitted"] == "attribute"
    assert plan.column("C3. What helped you most after a difficult case?").wording == HELPED
    # the code alone names the column too
    mapped = plan.with_mapping(id_column="id", open_ended=["C3"], attributes=["A1"])
    assert mapped.id_column == "id. Response ID"
    assert mapped.open_ended == ["C3. What helped you most after a difficult case?"]
    assert mapped.attributes == ["A1. Which best describes your role?"]
    import_survey(project, mapped)
    assert [e for e, _ in respondents(project)] == ["2", "3", "4", "5", "6", "7"]


def test_real2_limesurvey_codes_and_code_text(real2_samples, project):
    codes = inspect_file(real2_samples / "limesurvey_codes_excelmac.xlsx")
    assert (codes.platform, codes.row_count, codes.id_column) == ("limesurvey", 257, "id")
    assert codes.open_ended == ["g3", "g4", "ae1", "ae2", "ae3", "ae4", "ae5", "ae7", "ae8", "ae9",
                                "ae11", "au2", "au5", "au8", "au11", "au12", "f01", "f02", "f03",
                                "f99"]
    text = inspect_file(real2_samples / "limesurvey_codetext_libreoffice.xlsx")
    assert (text.platform, text.row_count, text.id_column) == ("limesurvey", 22, "id. Response ID")
    chosen = {n.split(".")[0] for n in text.open_ended}
    assert {"B10", "C9", "D3", "E3", "H2"} <= chosen and "C1" not in chosen
    assert all(c in {"B10", "C9", "D3", "E3", "H2"} or "other" in c or "comment" in c
               for c in chosen)
    assert len(chosen) == 20
    import_survey(project, codes)
    import_survey(project, text)
    ids = [e for e, _ in respondents(project)]
    assert len(ids) == 257 + 22 and all(e.isdigit() for e in ids)


# -- Qualtrics 2016-17: third header row in Python style ------------------------------------------

def test_qualtrics_2016_third_header_row(project):
    plan = inspect_file(FIXTURES / "qualtrics_2016.csv")
    assert (plan.platform, plan.header_rows, plan.row_count) == ("qualtrics", 3, 5)
    assert plan.id_column == "ResponseID"
    assert plan.open_ended == ["Q1_TEXT", "Q2"]
    assert notes(plan)["Q1_TEXT"] == notes(plan)["Q2"] == "Qualtrics text entry"
    assert plan.column("Q2").wording == HELPED
    assert all("ImportId" not in v for row in plan.preview for v in row.values())
    result = import_survey(project, plan)
    assert result.questions == [("Q1_TEXT", 2, 3, 0), ("Q2", 5, 0, 0)]
    assert respondents(project)[0] == ("R_2xPq7LmNc4VbT0a", 4)


def test_real2_qualtrics_2016_and_2017(real2_samples, project):
    small = inspect_file(real2_samples / "qualtrics_insights2016_comments.csv")
    assert (small.header_rows, small.row_count, small.open_ended) == (3, 10, ["Q1_TEXT", "Q2"])
    assert small.id_column == "ResponseID"
    import_survey(project, small)
    long = inspect_file(real2_samples / "qualtrics_insights2017_longexhaustive.csv")
    assert (long.header_rows, long.row_count, long.id_column) == (3, 31, "ResponseID")
    expected = (["Q6_TEXT", "Q7_TEXT", "Q16_-2_TEXT", "Q26_Q26_5_TEXT", "Q35_Q35_5_TEXT",
                 "Q45#1_Q45_5_3_TEXT", "Q45#2_Q45_5_4_TEXT"]
                + [f"Q46_{a}_{b}_TEXT" for a in (1, 2, 3) for b in (1, 2, 3)]
                + [f"Q50_{a}_{b}_TEXT" for a in (1, 2, 3, 4) for b in (1, 2, 3)]
                + ["Q50_4_TEXT", "Q47", "q48_jellyfish_though"])
    assert sorted(long.open_ended) == sorted(expected)
    result = import_survey(project, long)
    assert result.respondents == 31
    ids = [e for e, _ in respondents(project)]
    assert len(ids) == 10 + 31 and all(e.startswith("R_") for e in ids)


# -- ODK, KoboToolbox, Alchemer: system columns and machine values ------------------------------

def test_odk_key_and_meta_columns(project):
    plan = inspect_file(FIXTURES / "odk_central.csv")
    assert (plan.platform, plan.row_count, plan.id_column) == ("odk", 4, "KEY")
    assert plan.open_ended == ["visit-what_went_well"]
    r, n = roles(plan), notes(plan)
    assert r["meta-instanceID"] == r["SubmitterName"] == r["Status"] == "skip"
    assert r["visit-photo"] == "skip" and n["visit-photo"] == "file names"
    assert {n[f"visit-location-{p}"] for p in ("Latitude", "Longitude", "Altitude", "Accuracy")} \
        == {"location (GPS)"}
    for name in ("SubmissionDate", "visit-start_datetime", "visit-end_datetime"):
        assert plan.column(name).type == "date", name
    import_survey(project, plan)
    assert respondents(project)[0] == ("uuid:3f0c2a9e-5b7d-4e61-9a8c-1d2e3f4a5b6c", 2)
    [start] = [v for v in surveys.list_variables(project.db) if v.name == "visit-start_datetime"]
    person = surveys.respondent_id_for(project.db, start.dataset_id,
                                       "uuid:3f0c2a9e-5b7d-4e61-9a8c-1d2e3f4a5b6c")
    # the time as the respondent's clock showed it; the +02:00 offset is set aside
    assert surveys.variable_values_for(project.db, person)["visit-start_datetime"] \
        == "2024-05-01 09:10:21"


def test_kobotoolbox_system_columns(project):
    plan = inspect_file(FIXTURES / "kobo_system_columns.csv")
    assert (plan.platform, plan.row_count, plan.id_column) == ("kobotoolbox", 6, "_id")
    assert plan.open_ended == ["Notes"]
    r, n = roles(plan), notes(plan)
    assert (plan.column("start").type, r["start"]) == ("date", "attribute")
    assert (plan.column("end").type, r["end"]) == ("date", "attribute")
    assert (r["point"], n["point"]) == ("skip", "GPS coordinates")
    assert (r["Photo_URL"], n["Photo_URL"]) == ("skip", "web links")
    assert (r["Photo"], n["Photo"]) == ("skip", "file names")
    assert r["_uuid"] == r["_index"] == r["_status"] == r["_notes"] == "skip"
    assert n["_point_latitude"] == "location (GPS)"
    import_survey(project, plan)
    assert [e for e, _ in respondents(project)] == [str(128393877 + i) for i in range(6)]


def test_alchemer_date_submitted_is_a_date(project):
    plan = inspect_file(FIXTURES / "alchemer.csv")
    assert (plan.platform, plan.row_count, plan.id_column) == ("alchemer", 6, "Response ID")
    assert plan.open_ended == [HELPED]
    r = roles(plan)
    assert plan.column("Date Submitted").type == plan.column("Time Started").type == "date"
    assert r["SessionID"] == r["User Agent"] == r["Referer"] == r["IP Address"] == "skip"
    assert r["Latitude"] == r["Longitude"] == r["Contact ID"] == r["Comments"] == "skip"
    assert notes(plan)["Comments"] == "no answers"   # a question may be called "Comments"
    import_survey(project, plan)
    [submitted] = [v for v in surveys.list_variables(project.db) if v.name == "Date Submitted"]
    person = surveys.respondent_id_for(project.db, submitted.dataset_id, "101")
    assert surveys.variable_values_for(project.db, person)["Date Submitted"] == "2025-01-10 13:12:44"


def test_machine_values_are_never_open_ended(tmp_path):
    head = ["id", "link", "uuid", "gps", "picture", "comment"]
    rows = [head] + [[str(i), f"https://example.org/peer-support/stories/{i}?from=newsletter",
                      f"{i:08x}-1c2d-4e5f-8a9b-0c1d2e3f4a5b", f"45.50{i}17 -73.56{i}73 30.5 4.0",
                      f"Debrief photo from the staff room {i}.jpeg",
                      f"Answer number {i} written by a person in words."] for i in range(8)]
    path = write(tmp_path, "machine.csv", "".join(",".join(r) + "\n" for r in rows))
    plan = inspect_file(path)
    assert plan.open_ended == ["comment"]
    assert notes(plan) == {"id": "", "link": "web links", "uuid": "identifiers (UUIDs)",
                           "gps": "GPS coordinates", "picture": "file names", "comment": ""}


# -- real-2: KoboToolbox, ODK, .zsav --------------------------------------------------------------

def test_real2_kobotoolbox(real2_samples, project):
    plan = inspect_file(real2_samples / "kobo_xmlvalues_semicolon.csv")
    assert (plan.platform, plan.row_count, plan.id_column) == ("kobotoolbox", 3203, "_id")
    chosen = set(plan.open_ended)
    assert {"Notes", "Problem_notes", "Cortex_description", "Recycling_description",
            "Weathering_description"} <= chosen
    assert all(n in {"Notes", "Problem_notes"} or n.endswith("_description") for n in chosen)
    r = roles(plan)
    for name in ("point", "Photo", "Photo_URL", "Artifact_photo", "Artifact_photo_URL", "_uuid"):
        assert r[name] == "skip", name
    assert plan.column("start").type == plan.column("end").type == "date"
    assert import_survey(project, plan).respondents == 3203


def test_real2_odk_and_zsav(real2_samples, project, snapshot):
    odk = inspect_file(real2_samples / "odk_central_flora.csv")
    assert (odk.platform, odk.row_count, odk.id_column) == ("odk", 2, "KEY")
    assert odk.open_ended == ["location-area_name"]
    import_survey(project, odk)
    assert [e for e, _ in respondents(project)] == [
        "uuid:d5e78a78-34db-483d-978f-d9c9a3bc7b69", "uuid:529cb189-8bb2-4cf1-9041-dcde716efb4f"]
    zsav = real2_samples / "spss_sample.zsav"
    plan = inspect_file(zsav)
    assert (plan.format, plan.row_count, plan.open_ended) == ("sav", 5, [])
    refused(project, snapshot, zsav, "no open-ended question is chosen")
    result = import_survey(project, plan.with_mapping(open_ended=["mychar"]), allow_duplicate=True)
    assert result.respondents == 5


# -- columns given by code or label ---------------------------------------------------------------

def test_legacy_qualtrics_columns_by_code_or_label(project):
    plan = inspect_file(FIXTURES / "qualtrics_legacy.csv")
    by_code = plan.with_mapping(id_column="V1", attributes=["V8"], open_ended=["Q2"],
                                types={"V8": "text"})
    by_label = plan.with_mapping(id_column="ResponseID", attributes=["StartDate"],
                                 open_ended=[HELPED], types={"StartDate": "text"})
    for mapped in (by_code, by_label):
        assert mapped.id_column == "ResponseID"
        assert mapped.attributes == ["StartDate"] and mapped.column("StartDate").type == "text"
        assert mapped.open_ended == ["Q2"]
    import_survey(project, by_code)
    assert [e for e, _ in respondents(project)][0] == "R_6mNbVcXzAsDfGhJ"


def test_cli_id_column_by_legacy_code(tmp_path):
    runner = CliRunner()
    project = tmp_path / "s.postcoder"
    runner.invoke(main, ["new", str(project)])
    result = runner.invoke(main, ["import", str(project), str(FIXTURES / "qualtrics_legacy.csv"),
                                  "--id-column", "V1", "--open-ended", "V12", "--dry-run"])
    assert result.exit_code != 0 and 'there is no column "V12"' in result.output
    result = runner.invoke(main, ["import", str(project), str(FIXTURES / "qualtrics_legacy.csv"),
                                  "--id-column", "V1", "--attributes", "V10", "--type",
                                  "V10=categorical"])
    assert result.exit_code == 0, result.output
    assert "Imported 3 respondents" in result.output


def test_typeform_heading_as_written_names_the_cleaned_column():
    plan = inspect_file(FIXTURES / "typeform_repeated.csv")
    mapped = plan.with_mapping(attributes=["Are you a <strong>physician</strong>?"])
    assert mapped.attributes == ["Are you a physician?"]


# -- error positions: physical lines --------------------------------------------------------------

MULTI = 'id,comment\n1,"a cell\nover two lines"\n'   # the next record starts on line 4


def test_undecodable_byte_names_its_physical_line(project, tmp_path, snapshot):
    path = tmp_path / "odd.csv"
    path.write_bytes(MULTI.encode() + b"2,caf\xe9 \x81\n")
    refused(project, snapshot, path, "not valid UTF-8 or Windows-1252 text", line=4)


def test_nul_byte_names_its_physical_line(project, tmp_path, snapshot):
    path = tmp_path / "nul.csv"
    path.write_bytes(MULTI.encode() + b"2,fine\n3,bro\x00ken\n")
    refused(project, snapshot, path, "NUL byte", line=5)


def test_unclosed_quote_names_the_line_where_the_cell_opens(project, tmp_path, snapshot):
    text = MULTI + '2,fine\n3,"never closed\n4,swallowed\n'
    refused(project, snapshot, write(tmp_path, "quote.csv", text), "never closed", line=5)


def test_repeated_id_names_physical_lines(project, tmp_path, snapshot):
    text = MULTI + "2,fine answer\n1,again\n"
    refused(project, snapshot, write(tmp_path, "dup.csv", text),
            r'the respondent id "1" appears twice, in lines 2 and 5', line=5, column="id")


def test_excel_sep_line_counts_as_a_line(project, tmp_path, snapshot):
    text = "sep=;\nid;comment\n1;fine answer here\n2;one;two\n"
    refused(project, snapshot, write(tmp_path, "sep.csv", text),
            "has 3 cells but the header has 2 columns", line=4)


def test_workbook_positions_are_rows(project, tmp_path, snapshot):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["id", "comment"], ["1", "a cell\nover two lines"], ["2", "fine"], ["1", "x"]):
        sheet.append(row)
    book.save(tmp_path / "dup.xlsx")
    refused(project, snapshot, tmp_path / "dup.xlsx",
            r'the respondent id "1" appears twice, in rows 2 and 4', row=4, column="id")


def test_mixed_utf8_and_cp1252_lines(project, tmp_path):
    plan = inspect_file(FIXTURES / "mixed_utf8_cp1252.csv")
    assert plan.encoding == "utf-8"
    assert plan.notes == ["lines 4, 6 of this UTF-8 file are not valid UTF-8 and were read as "
                          "Windows-1252 (as Excel saves them); check the accented letters there"]
    assert plan.warnings == []
    import_survey(project, plan)
    [department] = [v for v in surveys.list_variables(project.db) if v.name == "department"]
    assert surveys.variable_value_counts(project.db, department.id) == {"Médecine": 3,
                                                                        "Chirurgie": 3}
    assert answers(project, "comment")[0].endswith("which meant a lot. — café")
    runner = CliRunner()
    target = tmp_path / "s.postcoder"
    runner.invoke(main, ["new", str(target)])
    result = runner.invoke(main, ["import", str(target), str(FIXTURES / "mixed_utf8_cp1252.csv"),
                                  "--dry-run"])
    assert "Note: lines 4, 6 of this UTF-8 file are not valid UTF-8" in result.output


def test_single_cp1252_line_with_bom(tmp_path):
    data = "id,comment\n1,Très bien expliqué par l’équipe\n".encode("utf-8")
    data = b"\xef\xbb\xbf" + data + '2,"Déjà vu, encore une fois"\n'.encode("cp1252")
    path = tmp_path / "bom.csv"
    path.write_bytes(data)
    plan = inspect_file(path)
    assert plan.encoding == "utf-8-sig"
    assert plan.notes[0].startswith("line 3 of this UTF-8 file is not valid UTF-8 and was read")
    assert plan.preview[1]["comment"] == "Déjà vu, encore une fois"


@pytest.mark.parametrize("name", ["surveymonkey_2hdr.csv", "typeform_repeated.csv",
                                  "qualtrics_2016.csv", "odk_central.csv",
                                  "limesurvey_codetext.csv", "limesurvey_fulltext_de.csv",
                                  "kobo_system_columns.csv", "alchemer.csv",
                                  "mixed_utf8_cp1252.csv"])
def test_fixture_is_documented(name):
    assert f"`{name}`" in (FIXTURES / "README.md").read_text(encoding="utf-8")
