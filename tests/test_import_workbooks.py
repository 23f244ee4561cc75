"""OpenDocument ``.ods`` and Excel 97-2003 ``.xls`` workbooks (read with python-calamine).

No .ods writer is installed (odfpy is not a dependency), so the tests build a minimal .ods by
hand: a zip holding ``mimetype`` (stored first, uncompressed), a manifest and ``content.xml``.
No .xls writer exists offline either (xlwt is not installed): the .xls path is tested with a
stand-in for calamine's workbook, fed an OLE file (the .xls container's first bytes), and with
a real OLE header that calamine cannot read (a damaged file).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from post_coder.importing import import_survey, inspect_file, sheet_names
from post_coder.store import surveys
from tests.import_helpers import ANSWERS, refused

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
       'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
       'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')


def ods_bytes(sheets: dict[str, list[list[object]]]) -> bytes:
    def cell(value: object) -> str:
        if value is None:
            return "<table:table-cell/>"
        if isinstance(value, (int, float)):
            return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                    f"<text:p>{value}</text:p></table:table-cell>")
        return (f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}'
                "</text:p></table:table-cell>")
    tables = "".join(
        f'<table:table table:name="{escape(name)}">'
        + "".join("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>"
                  for row in rows)
        + "</table:table>" for name, rows in sheets.items())
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_NS} '
               f'office:version="1.2"><office:body><office:spreadsheet>{tables}'
               "</office:spreadsheet></office:body></office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
                '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type='
                '"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
                'manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


SURVEY = [["id", "department", "years", "comment"]] + [
    [f"R{i}", ["Nursing", "Pharmacy"][i % 2], i + 1, ANSWERS[i]] for i in range(6)]
NOTES = [["about"], ["made-up notes sheet"]]


def test_ods_sheets_and_import(project, tmp_path):
    path = tmp_path / "survey.ods"
    path.write_bytes(ods_bytes({"Notes": NOTES, "Responses": SURVEY}))
    assert sheet_names(path) == ["Notes", "Responses"]
    plan = inspect_file(path, sheet="Responses")
    assert (plan.format, plan.sheet, plan.row_count, plan.id_column) == (
        "ods", "Responses", 6, "id")
    assert plan.open_ended == ["comment"]
    assert plan.column("years").type == "numeric"
    assert plan.preview[1] == {"id": "R1", "department": "Pharmacy", "years": "2",
                               "comment": ANSWERS[1]}
    result = import_survey(project, plan)
    assert (result.respondents, result.responses) == (6, 6)
    stored = surveys.find_datasets_by_sha256(project.db, plan.sha256)
    assert [(d.format, d.original_name) for d in stored] == [("ods", "survey.ods")]


def test_ods_unknown_sheet_lists_the_sheets(tmp_path):
    path = tmp_path / "survey.ods"
    path.write_bytes(ods_bytes({"Notes": NOTES, "Responses": SURVEY}))
    with pytest.raises(Exception, match=r'no sheet "Answers"; its sheets are "Notes", '
                                        r'"Responses"') as caught:
        inspect_file(path, sheet="Answers")
    assert "survey.ods" in str(caught.value)


def test_ods_error_rows_are_spreadsheet_rows(project, tmp_path, snapshot):
    rows = [list(r) for r in SURVEY]
    rows[4][0] = "R1"  # spreadsheet row 5 repeats row 3's id
    path = tmp_path / "survey.ods"
    path.write_bytes(ods_bytes({"Responses": rows}))
    refused(project, snapshot, path, 'respondent id "R1" appears twice, in rows 3 and 5', row=5)


def test_damaged_ods(project, tmp_path, snapshot):
    good = ods_bytes({"Responses": SURVEY})
    path = tmp_path / "survey.ods"
    path.write_bytes(good[:200])
    refused(project, snapshot, path, "cannot be read as an OpenDocument spreadsheet: it may be "
                                     "damaged")


def test_renamed_text_as_ods(project, tmp_path, snapshot):
    path = tmp_path / "survey.ods"
    path.write_text("id,comment\n1,hello\n", encoding="utf-8")
    refused(project, snapshot, path, r"not an OpenDocument spreadsheet \(.ods\)")


class _Sheet:
    def __init__(self, rows):
        self.rows = rows

    def to_python(self, skip_empty_area=False):
        return self.rows


class _Book:
    def __init__(self, sheets):
        self.sheets = sheets
        self.sheet_names = list(sheets)

    def get_sheet_by_name(self, name):
        return _Sheet(self.sheets[name])


def test_xls_through_calamine(project, tmp_path, monkeypatch):
    """A stand-in workbook (see the module docstring) as calamine returns one for an .xls:
    floats for numbers, a datetime for a date cell."""
    import datetime as dt

    import python_calamine

    seen: list[bytes] = []

    def from_filelike(filelike, *args, **kwargs):
        seen.append(filelike.read())
        rows = [["id", "visited", "years", "comment"]] + [
            [float(100 + i), dt.datetime(2025, 3, i + 1), float(i) + 0.5, ANSWERS[i]]
            for i in range(5)]
        return _Book({"Sheet1": rows})

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", from_filelike)
    path = tmp_path / "survey.xls"
    path.write_bytes(OLE + b"\x00" * 600)
    plan = inspect_file(path)
    assert seen and seen[0].startswith(OLE)
    assert (plan.format, plan.sheet, plan.row_count, plan.id_column) == ("xls", "Sheet1", 5, "id")
    assert plan.preview[0] == {"id": "100", "visited": "2025-03-01", "years": "0.5",
                               "comment": ANSWERS[0]}
    assert plan.column("visited").type == "date"
    result = import_survey(project, plan)
    assert (result.respondents, result.responses) == (5, 5)


def test_password_protected_xls(project, tmp_path, snapshot, monkeypatch):
    import python_calamine

    def locked(filelike, *args, **kwargs):
        raise python_calamine.PasswordError("workbook is encrypted")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", locked)
    path = tmp_path / "locked.xls"
    path.write_bytes(OLE + b"\x00" * 600)
    refused(project, snapshot, path, "password-protected \\(encrypted\\); save an unprotected")


def test_damaged_xls(project, tmp_path, snapshot):
    """A real calamine, given an OLE header with nothing behind it."""
    path = tmp_path / "damaged.xls"
    path.write_bytes(OLE + b"\x00" * 600)
    refused(project, snapshot, path, "cannot be read as an Excel workbook: it may be damaged")
