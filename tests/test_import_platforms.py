"""Survey platforms: header rows, wording, id column, system columns, multi-select groups.

Synthetic exports of each platform, then every real export in ../shared/survey-formats/real/
(skipped where that folder is missing; test_import_fixtures.py checks the same quirks over
tests/fixtures/).
"""

from __future__ import annotations

import json

import pytest

from import_helpers import ANSWERS, csv_text, write
from post_coder.importing import inspect_file


def roles(plan) -> dict[str, str]:
    return {c.name: c.role for c in plan.columns}


# -- synthetic exports ---------------------------------------------------------------------------

def qualtrics_rows(n: int = 6) -> list[list[str]]:
    tags = ["StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)",
            "Finished", "RecordedDate", "ResponseId", "RecipientEmail", "Q1", "Q2", "Q3"]
    labels = ["Start Date", "End Date", "Response Type", "IP Address", "Progress",
              "Duration (in seconds)", "Finished", "Recorded Date", "Response ID",
              "Recipient Email", "How satisfied are you with the service?",
              "What could we do better?", "Department"]
    imports = ["startDate", "endDate", "status", "ipAddress", "progress", "duration",
               "finished", "recordedDate", "_recordId", "recipientEmail", "QID1", "QID2_TEXT",
               "QID3"]
    rows = [tags, labels, [json.dumps({"ImportId": i}) for i in imports]]
    levels = ["Very satisfied", "Satisfied", "Dissatisfied"]
    for i in range(n):
        rows.append([f"2024-05-0{i + 1} 10:00:00", f"2024-05-0{i + 1} 10:05:00", "0",
                     f"10.0.0.{i}", "100", "300", "1", f"2024-05-0{i + 1} 10:05:00",
                     f"R_{i:04d}abc", "", levels[i % 3], ANSWERS[i], ["A", "B"][i % 2]])
    return rows


def test_qualtrics_current(tmp_path):
    plan = inspect_file(write(tmp_path, "qualtrics.csv", csv_text(qualtrics_rows())))
    assert plan.platform == "qualtrics"
    assert plan.header_rows == 3 and plan.row_count == 6
    assert plan.id_column == "ResponseId"
    assert plan.open_ended == ["Q2"]
    assert plan.column("Q2").wording == "What could we do better?"
    assert plan.column("Q1").type == "ordinal"
    assert plan.column("Q1").levels == ["Dissatisfied", "Satisfied", "Very satisfied"]
    r = roles(plan)
    assert r["IPAddress"] == "skip" and r["RecipientEmail"] == "skip"
    assert r["StartDate"] == "attribute" and plan.column("StartDate").type == "date"
    assert r["Q3"] == "attribute"


def test_qualtrics_legacy_two_rows_and_trailing_comma(tmp_path):
    head = ["V1", "V2", "V3", "V4", "V5", "V6", "V7", "V8", "V9", "V10", "Q1", "Q2"]
    labels = ["ResponseID", "ResponseSet", "Name", "ExternalDataReference", "EmailAddress",
              "IPAddress", "Status", "StartDate", "EndDate", "Finished",
              "Which site?", "Tell us about your visit"]
    lines = [head, labels]
    for i in range(5):
        lines.append([f"R_{i}x", "Default Response Set", "Anonymous", "", "", f"1.2.3.{i}", "0",
                      "2017-07-18 08:28:09", "2017-07-18 08:28:48", "1", "North",
                      ANSWERS[i]])
    text = "\ufeff" + "".join(",".join(f'"{c}"' if "," in c else c for c in r) + ",\n"
                              for r in lines)
    plan = inspect_file(write(tmp_path, "legacy.csv", text))
    assert plan.platform == "qualtrics-legacy"
    assert plan.header_rows == 2 and plan.row_count == 5
    assert plan.id_column == "ResponseID"
    assert [c.name for c in plan.columns][-2:] == ["Q1", "Q2"]   # no empty trailing column
    assert plan.column("Q2").wording == "Tell us about your visit"
    assert plan.open_ended == ["Q2"]
    assert roles(plan)["Name"] == "skip" and roles(plan)["IPAddress"] == "skip"


def surveymonkey_rows() -> list[list[str]]:
    head = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address",
            "Email Address", "First Name", "Last Name", "Custom Data 1",
            "How did you hear about us?", "", "", "What did you like most?",
            "Which clinic did you visit?", ""]
    subs = ["", "", "", "", "", "", "", "", "", "Email", "Website", "A friend",
            "Open-Ended Response", "Response", "Other (please specify)"]
    rows = [head, subs]
    for i in range(6):
        rows.append([str(118120333334 + i), "4242", "05/01/2024 10:00:00 AM",
                     "05/01/2024 10:07:00 AM", f"10.1.1.{i}", "", "", "", "",
                     "Email" if i % 2 == 0 else "", "Website" if i % 3 == 0 else "",
                     "A friend" if i % 2 else "", ANSWERS[i], ["North", "South"][i % 2],
                     "the mobile unit" if i == 5 else ""])
    return rows


def test_surveymonkey_two_header_rows(tmp_path):
    plan = inspect_file(write(tmp_path, "monkey.csv", csv_text(surveymonkey_rows())))
    assert plan.platform == "surveymonkey"
    assert plan.header_rows == 2 and plan.row_count == 6
    assert plan.id_column == "Respondent ID"
    names = [c.name for c in plan.columns]
    assert "What did you like most?" in names
    assert "Which clinic did you visit? - Other (please specify)" in names
    assert plan.open_ended == ["What did you like most?"]
    heard = plan.column("How did you hear about us?")
    assert heard.type == "multi_select"
    assert heard.levels == ["Email", "Website", "A friend"]
    assert heard.source_columns == ["How did you hear about us? - Email",
                                    "How did you hear about us? - Website",
                                    "How did you hear about us? - A friend"]
    assert plan.column("Which clinic did you visit? - Other (please specify)").wording == \
        "Which clinic did you visit? — Other (please specify)"
    r = roles(plan)
    assert r["IP Address"] == r["Email Address"] == r["First Name"] == "skip"
    assert r["Collector ID"] == "skip" and r["Start Date"] == "attribute"


def test_microsoft_forms(tmp_path):
    rows = [["Id", "Start time", "Completion time", "Email", "Name", "Which channels?",
             "What should we change?"]]
    channels = ["Email;Phone;", "Email;", "Website;Phone;", "Phone;", "Email;Website;", "Email;"]
    for i in range(6):
        rows.append([str(i + 1), f"9/{i + 1}/2024 11:27", f"9/{i + 1}/2024 11:30", "anonymous", "",
                     channels[i], ANSWERS[i]])
    plan = inspect_file(write(tmp_path, "forms.csv", csv_text(rows)))
    assert plan.platform == "microsoft-forms"
    assert plan.id_column == "Id"
    assert plan.open_ended == ["What should we change?"]
    assert plan.column("Which channels?").type == "multi_select"
    assert plan.column("Which channels?").levels == ["Email", "Phone", "Website"]
    assert plan.column("Start time").type == "date"
    assert roles(plan)["Email"] == "skip" and roles(plan)["Name"] == "skip"


def test_google_forms(tmp_path):
    rows = [["Timestamp", "Email Address", "How often do you visit?", "Why?"]]
    freq = ["Never", "Sometimes", "Often", "Always", "Rarely", "Sometimes"]
    for i in range(6):
        rows.append([f"1/{18 + i}/2024 14:18:57", f"p{i}@example.org", freq[i], ANSWERS[i]])
    plan = inspect_file(write(tmp_path, "google.csv", csv_text(rows), newline="\r\n"))
    assert plan.platform == "google-forms"
    assert plan.id_column is None
    assert plan.open_ended == ["Why?"]
    assert plan.column("How often do you visit?").levels == ["Never", "Rarely", "Sometimes",
                                                             "Often", "Always"]
    assert roles(plan)["Email Address"] == "skip"
    assert roles(plan)["Timestamp"] == "attribute"


def test_redcap_raw_with_checkboxes(tmp_path):
    rows = [["record_id", "redcap_survey_identifier", "age", "contact___1", "contact___2",
             "contact___3", "feedback", "survey_complete"]]
    for i in range(6):
        rows.append([str(i + 1), "", str(30 + i), str(i % 2), "1" if i < 3 else "0",
                     "0", ANSWERS[i], "2"])
    plan = inspect_file(write(tmp_path, "redcap.csv", csv_text(rows)))
    assert plan.platform == "redcap"
    assert plan.id_column == "record_id"
    contact = plan.column("contact")
    assert contact.type == "multi_select" and contact.levels == ["1", "2", "3"]
    assert contact.source_columns == ["contact___1", "contact___2", "contact___3"]
    assert contact.n_answers == 5 and contact.n_blank == 1   # row 6 selected nothing
    assert roles(plan)["survey_complete"] == "skip"
    assert plan.open_ended == ["feedback"]


def test_redcap_labels_export(tmp_path):
    rows = [["Record ID", "Survey Identifier", "Contact (choice=Email)",
             "Contact (choice=Phone)", "Feedback", "Complete?", "Follow-up notes", "Complete?"]]
    for i in range(6):
        rows.append([str(i + 1), "", "Checked" if i % 2 else "Unchecked",
                     "Checked" if i < 2 else "Unchecked", ANSWERS[i], "Complete", "",
                     "Incomplete"])
    plan = inspect_file(write(tmp_path, "redcap_labels.csv", csv_text(rows)))
    assert plan.platform == "redcap"
    assert plan.id_column == "Record ID"
    assert plan.column("Contact").levels == ["Email", "Phone"]
    names = [c.name for c in plan.columns]
    assert "Complete?" in names and "Complete? (2)" in names   # disambiguated, not an error
    assert roles(plan)["Complete?"] == "skip"
    assert plan.open_ended == ["Feedback"]


def test_limesurvey_codes(tmp_path):
    rows = [["id", "submitdate", "lastpage", "startlanguage", "seed", "ipaddr", "G1Q1",
             "G1Q2[SQ001]", "G1Q2[SQ002]", "G1Q2[other]", "G1Q3"]]
    for i in range(6):
        rows.append([str(i + 1), f"2024-02-0{i + 1} 12:00:00", "3", "en", "12345", "127.0.0.1",
                     ["Agree", "Disagree", "Strongly agree"][i % 3], "Y" if i % 2 else "",
                     "Y", "bicycle" if i == 0 else "", ANSWERS[i]])
    plan = inspect_file(write(tmp_path, "lime.csv", csv_text(rows)))
    assert plan.platform == "limesurvey"
    assert plan.id_column == "id"
    assert plan.column("G1Q2").type == "multi_select"
    assert plan.column("G1Q2").levels == ["SQ001", "SQ002"]
    assert plan.column("G1Q1").type == "ordinal"
    assert plan.open_ended == ["G1Q3"]
    assert roles(plan)["ipaddr"] == "skip" and roles(plan)["submitdate"] == "attribute"


def test_limesurvey_full_headings(tmp_path):
    rows = [["Response ID", "Date submitted", "Last page", "Start language", "Seed",
             "Which fruit do you eat? [Apple]", "Which fruit do you eat? [Pear]",
             "Anything else you want to tell us?"]]
    for i in range(6):
        rows.append([str(i + 1), f"2024-02-0{i + 1} 12:00:00", "2", "de", "99",
                     "Yes" if i % 2 else "", "Yes", ANSWERS[i]])
    plan = inspect_file(write(tmp_path, "lime_full.csv", csv_text(rows)))
    assert plan.platform == "limesurvey"
    assert plan.id_column == "Response ID"
    assert plan.column("Which fruit do you eat?").levels == ["Apple", "Pear"]
    assert plan.open_ended == ["Anything else you want to tell us?"]


def test_generic_table(tmp_path):
    rows = [["Participant", "Team", "Comments"]]
    rows += [[f"P{i}", "Red", ANSWERS[i]] for i in range(5)]
    plan = inspect_file(write(tmp_path, "plain.csv", csv_text(rows)))
    assert plan.platform == "generic"
    assert plan.id_column is None          # "Participant" is not a known id name
    assert plan.open_ended == ["Comments"]


# -- real exports --------------------------------------------------------------------------------

@pytest.fixture
def real(real_samples):
    return real_samples


def test_real_qualtrics(real):
    plan = inspect_file(real / "qualtrics" / "sample.csv")
    assert (plan.platform, plan.header_rows, plan.row_count) == ("qualtrics", 3, 1)
    assert plan.id_column == "ResponseId"
    assert plan.open_ended == ["Q2"]
    assert plan.column("Q2").wording == "This is a free text question."
    assert plan.column("RecipientLastName").wording == "Nachname des Empfängers"
    assert plan.preview[0]["ResponseId"] == "R_2YPOQ602ER1jkf1"
    assert plan.preview[0]["Q2"] == "Hello World!"
    assert roles(plan)["IPAddress"] == "skip"


def test_real_qualtrics_legacy(real):
    plan = inspect_file(real / "qualtrics" / "sample_legacy.csv")
    assert (plan.platform, plan.header_rows, plan.encoding) == ("qualtrics-legacy", 2, "utf-8-sig")
    assert plan.id_column == "ResponseID"
    assert plan.open_ended == ["Q2"]
    assert plan.column("Q2").wording == "This is a free text question."
    assert [c.name for c in plan.columns][-1] == "LocationAccuracy"
    assert plan.preview[0]["ResponseID"] == "R_2YPOQ602ER1jkf1"


def test_real_redcap_simple(real):
    plan = inspect_file(real / "redcap" / "simple_data.csv")
    assert plan.platform == "redcap" and plan.id_column == "record_id"
    assert plan.row_count == 5
    assert plan.open_ended == ["comments"]
    assert plan.column("race").source_columns == [f"race___{i}" for i in range(1, 7)]
    assert plan.preview[3]["comments"] == ("This record doesn't have a DAG assigned\n\nSo call up "
                                           "Trudy on the telephone\nSend her a letter in the mail")
    assert roles(plan)["email"] == "skip" and roles(plan)["demographics_complete"] == "skip"


def test_real_redcap_survey_and_checkboxes(real):
    survey = inspect_file(real / "redcap" / "survey_data.csv")
    assert survey.platform == "redcap" and survey.id_column == "participant_id"
    assert survey.column("consent").source_columns == ["consent___1"]
    assert roles(survey)["redcap_survey_identifier"] == "skip"
    assert survey.open_ended == []      # every free-text field is empty in this export
    boxes = inspect_file(real / "redcap" / "checkboxes-1_data.csv")
    assert boxes.column("check_two").levels == ["a", "b", "c", "d", "e"]
    assert boxes.open_ended == ["desired_result"]


def test_real_google_forms_csv_and_xlsx(real):
    csv_plan = inspect_file(real / "google-forms" / "sp24_Form_Responses_1.csv")
    xlsx_plan = inspect_file(real / "google-forms" / "sp24_survey_results.xlsx")
    for plan in (csv_plan, xlsx_plan):
        assert plan.platform == "google-forms" and plan.id_column is None
        assert plan.row_count == 91
        assert plan.open_ended == ["What is the rationale behind your opinion?"]
        assert plan.column("Timestamp").type == "date"
    assert xlsx_plan.sheet == "Form Responses 1"
    assert csv_plan.preview[0]["What is the rationale behind your opinion?"] == \
        "If you asked for a sandwich and someone gave you a hotdog you’d be confused"
    assert csv_plan.preview[2]["What is your field of study or major?"] == "Computer science "
    assert xlsx_plan.preview[0]["Timestamp"] == "2024-01-18 14:18:57"


def test_real_ms_forms_is_really_cp1252(real):
    plan = inspect_file(real / "ms-forms" / "Hot-Dog-Form-Fa24.csv")
    assert plan.platform == "microsoft-forms" and plan.id_column == "Id"
    assert plan.encoding == "cp1252"     # despite its name, the re-saved file has a 0x92 byte
    assert plan.open_ended == ["What is your major?"]
    assert roles(plan)["Email"] == "skip"
    majors = [r["What is your major?"] for r in inspect_file(
        real / "ms-forms" / "Hot-Dog-Form-Fa24.csv").preview]
    assert "Psych" in majors
    assert plan.row_count == 187


def test_real_excel_utf8_bom_crlf(real):
    plan = inspect_file(real / "excel" / "fa25_responses_excel_utf8.csv")
    assert plan.encoding == "utf-8-sig" and plan.platform == "google-forms"
    assert [c.name for c in plan.columns][0] == "Timestamp"
    assert plan.column("What year are you in?").type == "numeric"
    assert plan.open_ended == []        # no free-text question in this export
    assert "--open-ended" in plan.describe()


def test_real_spss(real):
    plan = inspect_file(real / "spss" / "sample.sav")
    assert plan.format == "sav" and plan.encoding == "windows-1252"
    assert plan.column("mylabl").levels == ["Male", "Female"]
    assert plan.column("myord").type == "ordinal"
    assert plan.column("myord").levels == ["low", "medium", "high"]
    assert plan.column("mydate").type == "date" and plan.column("dtime").type == "date"
    assert plan.open_ended == []
    telugu = inspect_file(real / "spss" / "tegulu.sav")
    assert telugu.encoding == "UTF-8"
    assert telugu.open_ended == ["Q16br9oe_Q24br9oe"]
    assert telugu.column("record").wording == "record : Record number"
    assert telugu.preview[0]["Q16br9oe_Q24br9oe"].startswith("నేను గతంలో వాడిన")
