"""Reading survey files: encodings, delimiters, quoting, Excel sheets, SPSS."""

from __future__ import annotations

import codecs

import openpyxl
import pandas as pd
import pyreadstat
import pytest

from import_helpers import ANSWERS, csv_text, simple_rows, write
from post_coder.errors import InputError
from post_coder.importing import inspect_file, sheet_names
from post_coder.importing.readers import cell_text, sniff_delimiter

UNICODE_ROWS = [["id", "Ville", "Avis"],
                ["1", "Montréal", "Très bien, l’équipe était géniale « merci »"],
                ["2", "Zürich", "Größere Räume wären schön – sonst alles gut"],
                ["3", "Kraków", "Świetna obsługa, ale długo czekałem na wizytę"]]


@pytest.mark.parametrize("encoding, expected", [
    ("utf-8", "utf-8"),
    ("utf-8-sig", "utf-8-sig"),
    ("utf-16", "utf-16-le"),      # Python writes a little-endian BOM
    ("utf-16-be-bom", "utf-16-be"),
])
def test_encodings_with_and_without_bom(tmp_path, encoding, expected):
    text = csv_text(UNICODE_ROWS, "\t" if encoding.startswith("utf-16") else ",")
    if encoding == "utf-16-be-bom":
        data = codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    else:
        data = text.encode(encoding)
    path = tmp_path / "survey.txt"
    path.write_bytes(data)
    plan = inspect_file(path)
    assert plan.encoding == expected
    assert [c.name for c in plan.columns] == ["id", "Ville", "Avis"]  # no BOM in the name
    assert plan.preview[0]["Avis"] == "Très bien, l’équipe était géniale « merci »"
    assert plan.preview[2]["Ville"] == "Kraków"


def test_excel_unicode_text_is_utf16_tab_separated(tmp_path):
    path = write(tmp_path, "export.txt", csv_text(UNICODE_ROWS, "\t"), encoding="utf-16",
                 newline="\r\n")
    plan = inspect_file(path)
    assert (plan.format, plan.delimiter, plan.encoding) == ("tsv", "\t", "utf-16-le")
    assert plan.preview[1]["Avis"].startswith("Größere")


def test_cp1252_fallback(tmp_path):
    path = write(tmp_path, "legacy.csv", csv_text(UNICODE_ROWS[:3]), encoding="cp1252")
    plan = inspect_file(path)
    assert plan.encoding == "cp1252"
    assert plan.preview[0]["Avis"] == "Très bien, l’équipe était géniale « merci »"


@pytest.mark.parametrize("delimiter, fmt", [(",", "csv"), (";", "csv"), ("\t", "tsv"),
                                            ("|", "csv")])
def test_delimiter_is_sniffed(tmp_path, delimiter, fmt):
    rows = simple_rows()
    rows[1][2] = "Commas, semicolons; and pipes | inside a quoted cell"
    path = write(tmp_path, "survey.csv", csv_text(rows, delimiter))
    plan = inspect_file(path)
    assert (plan.delimiter, plan.format) == (delimiter, fmt)
    assert plan.preview[0]["comment"] == "Commas, semicolons; and pipes | inside a quoted cell"


def test_sniffer_prefers_steady_columns():
    text = "a;b;c\n1;2,5;x\n3;4,5;y\n"
    assert sniff_delimiter(text) == ";"
    assert sniff_delimiter("a\tb\nx, y\tz\n") == "\t"


def test_quoted_multiline_cells_and_crlf(tmp_path):
    rows = simple_rows()
    rows[2][2] = "First line\nsecond line, with comma\n\nfourth after a blank line"
    path = write(tmp_path, "survey.csv", csv_text(rows), newline="\r\n")
    plan = inspect_file(path)
    assert plan.row_count == 8
    # the CSV writer turned \n into \r\n inside the cell too; the preview keeps the raw text
    assert plan.preview[1]["comment"].replace("\r\n", "\n") == rows[2][2]
    assert plan.preview[2]["id"] == "102"


def test_trailing_comma_on_every_line_is_ignored(tmp_path):
    text = "".join(",".join(r) + ",\n" for r in [["id", "q"], ["1", "yes"], ["2", "no"]])
    plan = inspect_file(write(tmp_path, "t.csv", text))
    assert [c.name for c in plan.columns] == ["id", "q"]


def test_no_final_newline_and_blank_lines(tmp_path):
    path = write(tmp_path, "t.csv", "id,q\n\n1,hello there\n\n2,bye now")
    plan = inspect_file(path)
    assert plan.row_count == 2
    assert plan.preview[1] == {"id": "2", "q": "bye now"}


def test_cells_are_text_not_na(tmp_path):
    path = write(tmp_path, "t.csv", "id,code,comment\n1,NA,None\n2,007,N/A\n3,1e3,null\n")
    plan = inspect_file(path)
    assert [r["code"] for r in plan.preview] == ["NA", "007", "1e3"]
    assert [r["comment"] for r in plan.preview] == ["None", "N/A", "null"]


# -- Excel ---------------------------------------------------------------------------------------

def make_workbook(path):
    wb = openpyxl.Workbook()
    intro = wb.active
    intro.title = "About"
    intro["A1"] = "This workbook holds the survey on the second sheet."
    data = wb.create_sheet("Responses")
    data.append(["Respondent ID", "Department", "Score", "When", "Comment"])
    import datetime as dt
    for i, answer in enumerate(ANSWERS[:5]):
        data.append([1000 + i, "Nursing" if i % 2 else "Pharmacy", 3.5 + i,
                     dt.datetime(2024, 3, i + 1, 9, 30), answer])
    data.append([])
    data.append([2000, "Nursing", None, None, "  spaced  "])
    wb.save(path)


def test_xlsx_sheets_default_first_and_selectable(tmp_path):
    path = tmp_path / "survey.xlsx"
    make_workbook(path)
    assert sheet_names(path) == ["About", "Responses"]
    with pytest.raises(InputError, match='sheet "About" has header rows but no data rows; the '
                                         "workbook's other sheets are \"Responses\""):
        inspect_file(path)  # the first sheet is the default
    plan = inspect_file(path, sheet="Responses")
    assert (plan.sheet, plan.sheets, plan.format) == ("Responses", ["About", "Responses"], "xlsx")
    assert plan.row_count == 6
    assert plan.id_column == "Respondent ID"
    assert plan.preview[0]["Respondent ID"] == "1000"           # not "1000.0"
    assert plan.preview[0]["Score"] == "3.5"
    assert plan.preview[0]["When"] == "2024-03-01 09:30:00"
    assert plan.column("When").type == "date"
    assert plan.open_ended == ["Comment"]


def test_xlsx_saved_with_csv_extension_still_reads(tmp_path):
    path = tmp_path / "survey.csv"
    make_workbook(path)
    assert inspect_file(path, sheet="Responses").format == "xlsx"


def test_cell_text_matches_what_excel_shows():
    import datetime as dt
    assert cell_text(None) == ""
    assert cell_text(2.0) == "2"
    assert cell_text(0.1 + 0.2) == "0.3"
    assert cell_text(True) == "TRUE"
    assert cell_text(dt.datetime(2024, 1, 18, 14, 18, 57, 66000)) == "2024-01-18 14:18:57"
    assert cell_text(dt.datetime(2024, 1, 18)) == "2024-01-18"


# -- SPSS ---------------------------------------------------------------------------------------

def write_sav(path):
    df = pd.DataFrame({
        "caseid": [1.0, 2.0, 3.0, 4.0],
        "sat": [1.0, 3.0, 5.0, float("nan")],
        "dept": [1.0, 2.0, 1.0, 9.0],
        "fb": ["Wonderful care from everyone on the ward.",
               "Too slow to answer the phone, twice.",
               "", "ప్రతి ఒక్కరూ చాలా సహాయకారిగా ఉన్నారు"],
    })
    pyreadstat.write_sav(
        df, str(path),
        column_labels={"caseid": "Case number", "sat": "How satisfied were you?",
                       "dept": "Department", "fb": "What else would you like to tell us?"},
        variable_value_labels={
            "sat": {1.0: "Very dissatisfied", 2.0: "Dissatisfied", 3.0: "Neutral",
                    4.0: "Satisfied", 5.0: "Very satisfied"},
            "dept": {1.0: "Nursing", 2.0: "Pharmacy"}},
        variable_measure={"sat": "ordinal", "dept": "nominal"})


def test_sav_labels_levels_and_unicode(tmp_path):
    path = tmp_path / "survey.sav"
    write_sav(path)
    plan = inspect_file(path)
    assert plan.format == "sav" and plan.encoding and plan.encoding.upper().startswith("UTF")
    sat = plan.column("sat")
    assert sat.wording == "How satisfied were you?"
    assert (sat.type, sat.levels) == ("ordinal", ["Very dissatisfied", "Dissatisfied", "Neutral",
                                                   "Satisfied", "Very satisfied"])
    dept = plan.column("dept")
    assert dept.type == "categorical"
    assert dept.levels == ["Nursing", "Pharmacy", "9"]   # labels in code order, then unlabelled
    assert [r["sat"] for r in plan.preview] == ["Very dissatisfied", "Neutral", "Very satisfied", ""]
    assert plan.id_column == "caseid"
    assert plan.open_ended == ["fb"]
    assert plan.preview[3]["fb"] == "ప్రతి ఒక్కరూ చాలా సహాయకారిగా ఉన్నారు"


def test_excel_sep_line_names_the_delimiter(tmp_path):
    plan = inspect_file(write(tmp_path, "sep.csv", "sep=;\nid;comment\n1;hello, world\n"))
    assert plan.delimiter == ";"
    assert plan.preview == [{"id": "1", "comment": "hello, world"}]


def test_unnamed_columns_get_letters(tmp_path):
    plan = inspect_file(write(tmp_path, "blank.csv", "id,,comment,\n1,x,hello there,\n"))
    assert [c.name for c in plan.columns] == ["id", "Column B", "comment"]
