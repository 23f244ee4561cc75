"""Every format quirk of the real exports, over the project's own made-up fixtures.

The text files are committed in tests/fixtures/ (see its README.md for the quirk each one
carries); the .xlsx and .sav files are written here at test time with openpyxl and
pyreadstat. These tests need nothing beside the checkout. The same checks over the real
exports in ../shared/survey-formats/real are the ``test_real_*`` tests, which are skipped
where that folder is missing.
"""

from __future__ import annotations

import csv
import datetime as dt
import struct
from pathlib import Path

import openpyxl
import pandas as pd
import pyreadstat
import pytest

from import_helpers import refused
from post_coder.importing import import_survey, inspect_file
from post_coder.store import surveys

FIXTURES = Path(__file__).resolve().parent / "fixtures"

GOOGLE_OPEN = "What would make you more likely to reach out to a peer supporter?"
MS_OPEN = "What would you tell a colleague about the program?"


def roles(plan) -> dict[str, str]:
    return {c.name: c.role for c in plan.columns}


def stored_answers(project, column: str) -> list[str]:
    [question] = [q for q in surveys.list_questions(project.db) if q.column_name == column]
    return [a.text for a in surveys.question_answers(project.db, question.id)]


# -- files written at test time ----------------------------------------------------------------

def google_xlsx(path: Path) -> Path:
    """The Google Forms CSV fixture as Google Sheets saves it: sheet "Form Responses 1",
    the timestamp a real date-time cell, blank answers empty cells."""
    with (FIXTURES / "google_forms.csv").open(encoding="utf-8", newline="") as f:
        head, *rows = list(csv.reader(f))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Form Responses 1"
    sheet.append(head)
    for row in rows:
        stamp = dt.datetime.strptime(row[0], "%m/%d/%Y %H:%M:%S")
        sheet.append([stamp] + [cell if cell else None for cell in row[1:]])
        sheet.cell(row=sheet.max_row, column=1).number_format = "m/d/yyyy h:mm:ss"
    book.save(path)
    return path


#: placeholder text written by pyreadstat (which always writes UTF-8) → the Windows-1252
#: bytes put in its place; each pair has the same length, so no offset in the file moves
CP1252_PATCHES = {
    b"Caf^ chats after rounds": "Café chats after rounds".encode("cp1252"),
    b"It^s hard to find time": "It’s hard to find time".encode("cp1252"),
    b"My r^sum^ of the year: tired": "My résumé of the year: tired".encode("cp1252"),
    b"Anything else^": "Anything else…".encode("cp1252"),
    b"M^decin r^sident": "Médecin résident".encode("cp1252"),
}


def windows_1252_sav(path: Path) -> Path:
    """A .sav like SPSS on Windows writes: value labels, an ordinal, dates, times, and the
    file's character encoding record saying windows-1252 (with text in that encoding)."""
    df = pd.DataFrame({
        "site": ["N", "S", "N", "E", "S"],
        "hours": [52.5, 61.0, -1.0, 48.25, 70.0],
        "joined": [dt.date(2019, 9, 2), dt.date(2021, 1, 11), dt.date(2016, 7, 1),
                   dt.date(2023, 3, 6), None],
        "last_call": [dt.datetime(2025, 2, 3, 21, 40, 5), dt.datetime(2025, 2, 4, 7, 0, 0),
                      dt.datetime(2025, 1, 30, 13, 15, 30), dt.datetime(2025, 2, 1, 0, 0, 0),
                      None],
        "role": [1.0, 2.0, 1.0, 3.0, 2.0],
        "burnout": [2.0, 3.0, 1.0, 2.0, float("nan")],
        "shift_end": [dt.time(19, 30), dt.time(7, 0), dt.time(23, 45), dt.time(8, 15), None],
        "remark": ["Caf^ chats after rounds", "It^s hard to find time", "", "Nothing",
                   "My r^sum^ of the year: tired"],
    })
    pyreadstat.write_sav(
        df, str(path),
        column_labels={"role": "Current role", "burnout": "Burnout this month",
                       "remark": "Anything else^"},
        variable_value_labels={"role": {1.0: "Attending", 2.0: "M^decin r^sident",
                                        3.0: "Fellow"},
                               "burnout": {1.0: "low", 2.0: "medium", 3.0: "high"}},
        variable_measure={"role": "scale", "burnout": "ordinal"})
    data = path.read_bytes()
    # extension record 7, subtype 20: the character encoding name
    utf8 = struct.pack("<4i", 7, 20, 1, 5) + b"UTF-8"
    assert data.count(utf8) == 1
    data = data.replace(utf8, struct.pack("<4i", 7, 20, 1, 12) + b"windows-1252")
    for placeholder, text in CP1252_PATCHES.items():
        assert data.count(placeholder) == 1, placeholder
        data = data.replace(placeholder, text)
    path.write_bytes(data)
    return path


#: one answer longer than 255 bytes: SPSS stores it as a "very long string" in segments
LONG_GREEK = ("Μετά τον θάνατο ενός νεαρού ασθενούς στη βάρδιά μου, η ομάδα υποστήριξης "
              "συναδέλφων με κάλεσε την ίδια νύχτα. Μιλήσαμε για μία ώρα και για πρώτη φορά "
              "δεν ένιωσα ότι έπρεπε να κρύψω πόσο με είχε επηρεάσει.")


def utf8_long_string_sav(path: Path) -> Path:
    """One respondent, a record number with a variable label, one long Greek answer."""
    df = pd.DataFrame({"record": [317.0], "q_open": [LONG_GREEK]})
    pyreadstat.write_sav(df, str(path), column_labels={"record": "record : Record number"})
    return path


@pytest.fixture
def google_forms_xlsx(tmp_path: Path) -> Path:
    return google_xlsx(tmp_path / "Peer support survey (Responses).xlsx")


@pytest.fixture
def cp1252_sav(tmp_path: Path) -> Path:
    return windows_1252_sav(tmp_path / "wellbeing.sav")


@pytest.fixture
def greek_sav(tmp_path: Path) -> Path:
    return utf8_long_string_sav(tmp_path / "greek.sav")


# -- Qualtrics -------------------------------------------------------------------------------------

def test_qualtrics_new_export_three_header_rows():
    plan = inspect_file(FIXTURES / "qualtrics_new.csv")
    assert (plan.platform, plan.header_rows, plan.row_count) == ("qualtrics", 3, 5)
    assert plan.encoding == "utf-8"
    assert plan.id_column == "ResponseId"
    assert plan.open_ended == ["Q2"]
    assert plan.column("Q2").wording == "What helped you most after a difficult case?"
    assert plan.column("RecipientFirstName").wording == "Prénom du destinataire"
    assert plan.column("RecordedDate").wording == "Date d’enregistrement"
    assert plan.preview[0]["ResponseId"] == "R_3kTq8WzLm2PvYx1"
    assert plan.preview[0]["Q2"] == ("Talking it through with a colleague who had been there, "
                                     "two days after the code.")
    r = roles(plan)
    assert r["IPAddress"] == r["RecipientEmail"] == r["LocationLatitude"] == "skip"
    assert r["Q2 - Topics"] == "skip"          # the empty Text iQ column
    assert r["StartDate"] == "attribute" and plan.column("StartDate").type == "date"


def test_qualtrics_legacy_export_two_header_rows_bom_trailing_comma():
    plan = inspect_file(FIXTURES / "qualtrics_legacy.csv")
    assert (plan.platform, plan.header_rows, plan.encoding) == ("qualtrics-legacy", 2, "utf-8-sig")
    assert plan.row_count == 3
    assert plan.id_column == "ResponseID"
    assert plan.open_ended == ["Q2"]
    assert plan.column("Q2").wording == "What helped you most after a difficult case?"
    assert [c.name for c in plan.columns][0] == "ResponseID"        # no BOM in the name
    assert [c.name for c in plan.columns][-1] == "LocationAccuracy"  # no empty trailing column
    assert plan.preview[0]["ResponseID"] == "R_6mNbVcXzAsDfGhJ"
    assert plan.preview[0]["ResponseSet"] == "Ensemble de réponses par défaut"
    assert roles(plan)["Name"] == "skip" and roles(plan)["IPAddress"] == "skip"


def test_qualtrics_import_counts_blank_and_non_answer(project):
    result = import_survey(project, inspect_file(FIXTURES / "qualtrics_new.csv"))
    assert result.respondents == 5
    assert result.questions == [("Q2", 3, 1, 1)]      # 3 answers, 1 blank, "n/a"
    [q2] = surveys.list_questions(project.db)
    assert q2.wording == "What helped you most after a difficult case?"
    assert stored_answers(project, "Q2")[1] == ("The supporter called me back the same evening; "
                                                "I slept properly for the first time that week.")


# -- REDCap ----------------------------------------------------------------------------------------

def test_redcap_checkbox_columns_form_one_question():
    plan = inspect_file(FIXTURES / "redcap_data.csv")
    assert (plan.platform, plan.id_column, plan.row_count) == ("redcap", "record_id", 5)
    assert plan.open_ended == ["comments"]
    support = plan.column("support")
    assert support.type == "multi_select"
    assert support.source_columns == [f"support___{i}" for i in range(1, 6)]
    assert support.levels == ["1", "2", "3", "4", "5"]
    assert plan.preview[3]["comments"] == ("Asked for someone outside my own hospital\n\n"
                                           "We spoke on the Monday\nand again after the inquest")
    r = roles(plan)
    assert r["email"] == r["address"] == r["telephone"] == r["dob"] == "skip"
    assert r["demographics_complete"] == r["peer_support_complete"] == "skip"
    assert r["years_in_practice"] == "attribute"


def test_redcap_survey_project_columns():
    plan = inspect_file(FIXTURES / "redcap_survey.csv")
    assert (plan.platform, plan.id_column, plan.row_count) == ("redcap", "participant_id", 3)
    assert plan.column("consent").source_columns == ["consent___1"]
    r = roles(plan)
    assert r["redcap_survey_identifier"] == "skip"
    assert r["screening_survey_timestamp"] == "attribute"
    assert r["wellbeing_survey_timestamp"] == "attribute"   # "[not completed]" is not an answer
    assert plan.open_ended == []       # every free-text field is empty in this export


def test_redcap_checkbox_codes_that_are_letters():
    plan = inspect_file(FIXTURES / "redcap_checkboxes.csv")
    assert plan.platform == "redcap" and plan.id_column == "record_id"
    assert plan.column("topics").levels == ["a", "b", "c", "d", "e"]
    assert plan.column("contact_mode").levels == ["1", "2", "3"]
    assert plan.open_ended == ["what_would_help"]


def test_redcap_import_stores_selected_options_and_multiline_text(project):
    result = import_survey(project, inspect_file(FIXTURES / "redcap_data.csv"))
    support = next(v for v in surveys.list_variables(project.db) if v.name == "support")
    assert support.type == "multi_select" and support.levels == ("1", "2", "3", "4", "5")
    rid = surveys.respondent_id_for(project.db, result.dataset_id, "5")
    assert surveys.variable_values_for(project.db, rid)["support"] == ["2", "5"]
    rid = surveys.respondent_id_for(project.db, result.dataset_id, "4")
    assert surveys.variable_values_for(project.db, rid)["support"] == ["1", "5"]
    texts = stored_answers(project, "comments")
    assert texts[4] == ("First contact felt awkward\n\nBy the third call it was the most "
                        "useful hour of my month")


def test_redcap_blank_checkboxes_select_nothing(project):
    result = import_survey(project, inspect_file(FIXTURES / "redcap_checkboxes.csv"))
    assert result.questions == [("what_would_help", 4, 0, 0)]
    values = {rid: surveys.variable_values_for(
        project.db, surveys.respondent_id_for(project.db, result.dataset_id, rid))
        for rid in ("1", "2", "3")}
    assert values["1"]["topics"] == ["a", "c"] and values["1"]["contact_mode"] == ["1"]
    assert values["2"]["topics"] == ["b", "d"] and "contact_mode" not in values["2"]
    assert values["3"]["contact_mode"] == ["2", "3"] and values["3"]["topics"] == ["e"]


# -- Google Forms, Microsoft Forms, Excel ----------------------------------------------------------

def test_google_forms_csv_crlf_without_final_newline():
    data = (FIXTURES / "google_forms.csv").read_bytes()
    assert b"\r\n" in data and not data.endswith(b"\n")   # the fixture keeps its quirks
    plan = inspect_file(FIXTURES / "google_forms.csv")
    assert (plan.platform, plan.id_column, plan.row_count) == ("google-forms", None, 7)
    assert plan.open_ended == [GOOGLE_OPEN]
    assert plan.column("Timestamp").type == "date"
    assert roles(plan)["Timestamp"] == "attribute"
    assert plan.preview[0][GOOGLE_OPEN] == "If I knew they wouldn’t tell my program director anything"
    assert plan.preview[2]["What is your specialty?"] == "Emergency medicine "   # kept as written
    assert plan.preview[6]["Which hospital site do you work at?"] == "North"    # the last row
    assert plan.column("What is your specialty?").levels == [
        "Anesthesiology", "Emergency medicine", "Internal medicine", "Pediatrics", "Surgery"]


def test_google_forms_xlsx_has_the_same_survey(google_forms_xlsx):
    plan = inspect_file(google_forms_xlsx)
    assert (plan.format, plan.sheet) == ("xlsx", "Form Responses 1")
    assert (plan.platform, plan.id_column, plan.row_count) == ("google-forms", None, 7)
    assert plan.open_ended == [GOOGLE_OPEN]
    assert plan.column("Timestamp").type == "date"
    assert plan.preview[0]["Timestamp"] == "2025-02-03 08:14:09"
    assert plan.preview[1][GOOGLE_OPEN] == ""                   # an empty cell
    assert plan.preview[3][GOOGLE_OPEN] == "Shorter wait.\nI waited nine days for a first call"


def test_google_forms_xlsx_import(project, google_forms_xlsx):
    result = import_survey(project, inspect_file(google_forms_xlsx))
    assert result.respondents == 7
    assert result.questions == [(GOOGLE_OPEN, 5, 2, 0)]
    assert stored_answers(project, GOOGLE_OPEN)[1] == (
        "Honestly just knowing it exists – I didn’t until today")      # outer spaces trimmed


def test_microsoft_forms_in_windows_1252():
    path = FIXTURES / "ms_forms_cp1252.csv"
    assert b"\x92" in path.read_bytes()       # a Windows-1252 apostrophe, not valid UTF-8
    plan = inspect_file(path)
    assert (plan.platform, plan.id_column, plan.encoding) == ("microsoft-forms", "Id", "cp1252")
    assert plan.row_count == 5
    assert plan.open_ended == [MS_OPEN]
    assert plan.preview[0][MS_OPEN] == "It’s confidential and the supporter really gets it"
    assert plan.preview[3][MS_OPEN] == "Café chats after rounds helped more than I expected"
    assert plan.column("Start time").type == "date"
    tried = plan.column("Which formats have you tried?")
    assert tried.type == "multi_select"
    assert tried.levels == ["Coffee chat", "Phone call", "Video call"]
    r = roles(plan)
    assert r["Email"] == r["Name"] == "skip"


def test_microsoft_forms_import_decodes_every_answer(project):
    result = import_survey(project, inspect_file(FIXTURES / "ms_forms_cp1252.csv"))
    assert result.questions == [(MS_OPEN, 4, 0, 1)]
    assert stored_answers(project, MS_OPEN) == [
        "It’s confidential and the supporter really gets it",
        "I haven’t used it yet but I’d try it",
        "Go early – don’t wait until you’re exhausted",
        "Café chats after rounds helped more than I expected",
    ]


def test_excel_csv_utf8_with_bom_and_crlf():
    data = (FIXTURES / "excel_utf8_bom_crlf.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.endswith(b"\r\n")
    plan = inspect_file(FIXTURES / "excel_utf8_bom_crlf.csv")
    assert (plan.encoding, plan.platform, plan.row_count) == ("utf-8-sig", "google-forms", 6)
    assert [c.name for c in plan.columns][0] == "Timestamp"
    assert plan.column("What year of residency are you in?").type == "numeric"
    assert plan.column("Would you recommend peer support to a colleague?").levels == [
        "No", "Not sure", "Yes"]
    assert plan.preview[5]["Timestamp"] == "9/1/2025 21:30:02"      # no stray \r
    assert plan.open_ended == []        # no free-text question in this export
    assert "--open-ended" in plan.describe()


# -- non-Latin text --------------------------------------------------------------------------------

NON_LATIN = [
    "Η συζήτηση με έναν συνάδελφο μετά τη βάρδια με βοήθησε να κοιμηθώ ξανά.",
    "同僚と話せたことで、一人ではないと感じました。夜勤明けでも相談できて良かったです。",
    "ساعدني الحديث مع زميل يفهم ضغط العمل بعد وفاة مريض.",
    "Мне было важно, что разговор остался между нами.",
    "特にありませんが、プログラムがあることは安心材料です。",
]


def test_non_latin_answers_round_trip(project):
    plan = inspect_file(FIXTURES / "non_latin.csv")
    assert (plan.platform, plan.encoding, plan.id_column) == ("generic", "utf-8", "participant_id")
    assert plan.open_ended == ["experience"]
    assert [row["experience"] for row in plan.preview] == NON_LATIN
    result = import_survey(project, plan)
    assert result.questions == [("experience", 5, 0, 0)]
    assert stored_answers(project, "experience") == NON_LATIN
    rid = surveys.respondent_id_for(project.db, result.dataset_id, "P03")
    assert surveys.variable_values_for(project.db, rid) == {"site": "Amman", "language": "ar"}


# -- SPSS ------------------------------------------------------------------------------------------

def test_spss_value_labels_in_windows_1252(cp1252_sav):
    plan = inspect_file(cp1252_sav)
    assert plan.format == "sav" and plan.encoding == "windows-1252"
    role = plan.column("role")
    assert role.wording == "Current role"
    assert (role.type, role.levels) == ("categorical", ["Attending", "Médecin résident", "Fellow"])
    assert [row["role"] for row in plan.preview] == [
        "Attending", "Médecin résident", "Attending", "Fellow", "Médecin résident"]
    burnout = plan.column("burnout")
    assert (burnout.type, burnout.levels) == ("ordinal", ["low", "medium", "high"])
    assert plan.column("joined").type == "date" and plan.column("last_call").type == "date"
    assert plan.preview[0]["last_call"] == "2025-02-03 21:40:05"
    assert plan.preview[1]["joined"] == "2021-01-11"
    assert plan.column("hours").type == "numeric"
    assert plan.open_ended == ["remark"]
    assert plan.column("remark").wording == "Anything else…"
    assert plan.preview[1]["remark"] == "It’s hard to find time"


def test_spss_import_stores_labels_not_codes(project, cp1252_sav):
    result = import_survey(project, inspect_file(cp1252_sav))
    assert result.questions == [("remark", 3, 1, 1)]
    assert stored_answers(project, "remark") == [
        "Café chats after rounds", "It’s hard to find time", "My résumé of the year: tired"]
    variables = {v.name: v for v in surveys.list_variables(project.db)}
    assert variables["role"].levels == ("Attending", "Médecin résident", "Fellow")
    assert variables["burnout"].type == "ordinal"
    rid = surveys.respondent_id_for(project.db, result.dataset_id, "2")
    values = surveys.variable_values_for(project.db, rid)
    assert (values["role"], values["burnout"]) == ("Médecin résident", "high")


def test_spss_utf8_very_long_string(project, greek_sav):
    assert len(LONG_GREEK.encode("utf-8")) > 255       # stored in several segments
    plan = inspect_file(greek_sav)
    assert plan.encoding == "UTF-8"
    assert plan.open_ended == ["q_open"]
    assert plan.column("record").wording == "record : Record number"
    assert plan.preview[0]["q_open"] == LONG_GREEK
    import_survey(project, plan)
    assert stored_answers(project, "q_open") == [LONG_GREEK]


@pytest.mark.parametrize("keep", [100, 400, 0.5, -1])
def test_truncated_spss_names_the_file(project, tmp_path, snapshot, cp1252_sav, keep):
    good = cp1252_sav.read_bytes()
    cut = int(len(good) * keep) if isinstance(keep, float) else keep
    path = tmp_path / "wellbeing-cut.sav"
    path.write_bytes(good[:cut])
    refused(project, snapshot, path, "this SPSS file cannot be read .*; it may be damaged or "
                                     "truncated")
