"""File ▸ Export…: each output's preview, options changing it, the background preview,
writing DOCX/XLSX/a report folder, plain errors, the blind round, Ctrl+E.

Driven for real on the demo project (offscreen). Expected values are known from the demo
(its codebook, its two coders' codings) and counted independently in the tests, never
with the export code.
"""

from __future__ import annotations

import csv
import re
import threading

import docx
import openpyxl
import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QKeySequence, QTextDocument
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QListWidget, QSpinBox

from post_coder.coding.coders import list_coders
from post_coder.coding.codings import list_codings
from post_coder.queries import (ResponseQuery, dataset_frame, questions, response_ids,
                                response_rows)
from post_coder.store.scope import ReadScope
from post_coder.team.rounds import create_round
from post_coder.ui.dialogs import export_dialog
from post_coder.ui.dialogs.export_dialog import PREPARING, READY, ExportDialog

pytestmark = pytest.mark.qt
EVERYONE = ReadScope.everyone()
DEMO = "POST peer-support evaluation (demo)"


@pytest.fixture
def dialog(qtbot, session):
    d = ExportDialog(session)
    qtbot.addWidget(d)
    d.resize(1366, 768)
    d.show()
    assert d.wait_for_preview()
    return d


def _option(d: ExportDialog, key: str, kind=QComboBox):
    return d.page().findChild(kind, f"export_{key}")


def _pick(combo: QComboBox, value) -> None:
    index = combo.findData(value)
    assert index >= 0, value
    combo.setCurrentIndex(index)


def _show(d: ExportDialog, key: str) -> str:
    d.choose(key)
    assert d.wait_for_preview()
    assert d.status.text() == READY, d.status.text()
    return d.preview.toPlainText()


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


# -- what each output shows ----------------------------------------------------------------

def test_outputs_offered_on_the_demo(dialog):
    keys = [dialog.output_combo.itemData(i) for i in range(dialog.output_combo.count())]
    # the demo has a stored RE-AIM spec but no review sessions: no minutes to offer
    assert keys == ["themes", "codebook", "agreement", "matrix", "reaim", "report"]
    formats = [dialog.format_combo.itemData(i) for i in range(dialog.format_combo.count())]
    assert formats == ["docx", "xlsx", "csv", "md", "tex", "html"]


def test_codebook_preview_shows_its_caption_and_first_code(dialog):
    lines = _lines(_show(dialog, "codebook"))
    assert f"Table 1. Codebook of {DEMO} (16 codes)" in lines
    first = lines.index("Perceived effectiveness")
    assert lines[first + 1].startswith("Umbrella theme for what respondents say POST has done "
                                       "for them or for their department.")
    assert "Respondents" not in lines


def test_changing_an_option_changes_the_preview(dialog):
    _show(dialog, "codebook")
    _option(dialog, "counts", QCheckBox).setChecked(True)
    assert dialog.status.text() == PREPARING
    assert dialog.wait_for_preview()
    lines = _lines(dialog.preview.toPlainText())
    assert "Respondents" in lines   # the column the option adds
    # Emotional relief and well-being: 14 respondents by any coder (counted below)
    row = lines.index("Emotional relief and well-being")
    assert "14" in lines[row:row + 8]


def _union_count(project, code_name: str) -> tuple[int, int]:
    """Respondents with the code by any coder, and respondents with an answer: counted
    from the codings and responses themselves."""
    coded = {c.respondent for c in list_codings(project, EVERYONE) if c.code == code_name}
    ids = response_ids(project, EVERYONE, ResponseQuery())
    answered = {r.respondent for r in response_rows(project, EVERYONE, ids)}
    return len(coded), len(answered)


def test_theme_table_counts_the_source_chosen(dialog, session):
    n, base = _union_count(session.project, "Emotional relief and well-being")
    assert (n, base) == (14, 46)  # the demo, as built
    dialog.choose("themes")
    _pick(_option(dialog, "source"), "union")
    lines = _lines(_show(dialog, "themes"))
    assert any(line.startswith("Table 1. Themes in responses to") for line in lines)
    assert "Respondents, n (%) (N = 46)" in " ".join(lines)
    row = lines.index("Emotional relief and well-being")
    assert lines[row + 2] == f"{n} (30.4%)"   # 14/46 = 30.43 %
    # the consensus layer (no review decision yet in the demo): the codes both coders
    # applied. Of the 14 respondents, one answer is an open disagreement (one coder applied
    # the code, the other did not; the demo's disagreements list has one on this code): 13/46
    _pick(_option(dialog, "source"), "consensus")
    assert dialog.wait_for_preview()
    lines = _lines(dialog.preview.toPlainText())
    row = lines.index("Emotional relief and well-being")
    assert lines[row + 2] == "13 (28.3%)"   # 13/46 = 28.26 %
    assert any("1 disagreement" in line or "disagreements not yet resolved" in line
               for line in lines)


def test_theme_options_reach_the_table(dialog):
    dialog.choose("themes")
    _pick(_option(dialog, "source"), "union")
    _pick(_option(dialog, "base"), "number")
    _option(dialog, "base_number", QSpinBox).setValue(200)
    _option(dialog, "quotes", QSpinBox).setValue(0)
    assert dialog.wait_for_preview()
    text = dialog.preview.toPlainText()
    assert "(N = 200)" in text and "14 (7.0%)" in text   # 14/200
    assert "Representative quotes" not in text
    questions = _option(dialog, "questions", QListWidget)
    for i in range(questions.count()):
        questions.item(i).setCheckState(Qt.CheckState.Unchecked)
    dialog.wait_for_preview()
    assert dialog.status.text().endswith("Tick at least one question.")
    assert not dialog.export_button.isEnabled()


def test_breakdown_and_quote_attribution(dialog, session):
    project = session.project
    ids = response_ids(project, EVERYONE, ResponseQuery())
    answered = {r.respondent for r in response_rows(project, EVERYONE, ids)}
    frame = dataset_frame(project, questions(project)[0].dataset_id)
    em = sum(1 for r in answered if frame.loc[r, "Department"] == "Emergency Medicine")
    assert em == 16
    dialog.choose("themes")
    _pick(_option(dialog, "source"), "union")
    by = _option(dialog, "by")
    # only the surveyed respondents' attributes: the training survey's "Department" is not
    # offered a second time (the demo's two datasets both have one)
    assert [by.itemText(i) for i in range(by.count())].count("Department") == 1
    by.setCurrentIndex(by.findText("Department"))
    tags = _option(dialog, "attribution", QListWidget)
    for i in range(tags.count()):
        if tags.item(i).text() in ("Department", "Role"):
            tags.item(i).setCheckState(Qt.CheckState.Checked)
    assert dialog.wait_for_preview()
    assert dialog.status.text() == READY
    text = " ".join(_lines(dialog.preview.toPlainText()))
    # of the demo's 46 respondents who answered, 16 work in Emergency Medicine
    assert f"Emergency Medicine, n (%) (N = {em})" in text
    assert "” — Emergency Medicine, " in text   # a quote tagged "— department, role"


def test_agreement_matrix_reaim_and_report_previews(dialog):
    lines = _lines(_show(dialog, "agreement"))
    assert "Table 1. Inter-coder agreement per code, all responses" in lines
    assert "Coders compared: Luis Ortega, Maya Chen." in " ".join(lines) or \
        "Coders compared: Maya Chen, Luis Ortega." in " ".join(lines)

    lines = _lines(_show(dialog, "matrix"))
    assert "Table 1. Response × code matrix (78 responses × 16 codes)" in lines
    assert "The first 20 of 78 responses; the file holds every one." in lines
    formats = [dialog.format_combo.itemData(i) for i in range(dialog.format_combo.count())]
    assert formats == ["xlsx", "csv"]

    text = _show(dialog, "reaim")
    lines = _lines(text)
    assert "Table 1. Reach: RE-AIM measures" in lines
    assert "75 (29.4%)" in lines   # 75 respondents of the 255 physicians invited
    # the figures are in the page, their images drawn from the embedded PNGs
    assert "Fig 1. Interactions recorded, June 2019 to May 2022, by department" in lines
    sources = re.findall(r'src="(data:image/png;base64,[^"]+)"', dialog.preview.toHtml())
    assert len(sources) >= 3
    image = dialog.preview.loadResource(QTextDocument.ResourceType.ImageResource.value,
                                        QUrl(sources[0]))
    assert image.width() == 1950   # 6.5 inches at 300 dpi

    lines = _lines(_show(dialog, "report"))
    assert "Codebook" in lines and "Inter-coder agreement" in lines
    assert "Left out of the report" in lines
    assert "minutes: no review sessions yet" in lines
    assert not dialog.format_combo.isVisible()


def test_the_preview_is_computed_off_the_ui_thread(dialog, monkeypatch):
    threads: list[int] = []
    real = export_dialog.preview_html

    def spy(*args, **kwargs):
        threads.append(threading.get_ident())
        return real(*args, **kwargs)

    monkeypatch.setattr(export_dialog, "preview_html", spy)
    dialog.choose("codebook")
    assert dialog.status.text() == PREPARING   # not computed on the spot
    assert threads == []
    assert dialog.wait_for_preview()
    assert threads and threading.main_thread().ident not in threads


def test_a_stale_preview_is_dropped(dialog):
    dialog.choose("codebook")
    dialog.refresh_preview()            # a first request under way…
    dialog.choose("agreement")
    dialog.refresh_preview()            # …replaced by a newer one
    assert dialog.wait_for_preview()
    QApplication.processEvents()
    assert "Inter-coder agreement per code" in dialog.preview.toPlainText()
    assert "Codebook of" not in dialog.preview.toPlainText()


def test_blind_round_shows_the_reason_not_a_traceback(dialog, session):
    _show(dialog, "agreement")
    assert dialog.export_button.isEnabled()
    # a blind round opens while the dialog is open: the preview follows the new scope
    session.run(None, create_round, "Blind round", [c.id for c in list_coders(session.project)],
                blind=True)
    assert session.scope.blind
    assert dialog.status.text() == PREPARING
    assert dialog.wait_for_preview()
    status = dialog.status.text()
    assert status.startswith("This output cannot be made: Agreement needs everyone's "
                             "codings")
    assert "open blind round" in status
    assert "Traceback" not in dialog.preview.toPlainText()
    assert "open blind round" in dialog.preview.toPlainText()
    assert not dialog.export_button.isEnabled()
    # the codebook is still there, counting only the coder's own codings
    dialog.choose("codebook")
    _option(dialog, "counts", QCheckBox).setChecked(True)
    assert dialog.wait_for_preview()
    assert dialog.status.text() == READY
    assert "your own codings: the round is blind" in dialog.preview.toPlainText()
    assert dialog.export_button.isEnabled()


# -- writing ---------------------------------------------------------------------------------

def test_export_codebook_docx_read_back(dialog, tmp_path):
    dialog.choose("codebook")
    _pick(dialog.format_combo, "docx")
    task = dialog.export_to(tmp_path / "codebook")   # the suffix is added
    assert task.wait()
    target = tmp_path / "codebook.docx"
    assert dialog.last_written == [target]
    assert dialog.result_label.text() == f"Wrote codebook.docx to {tmp_path}."
    assert dialog.open_folder.isVisible()
    table = docx.Document(str(target)).tables[0]
    assert [c.text for c in table.rows[0].cells][:2] == ["Code", "Definition"]
    assert table.rows[1].cells[0].text == "Perceived effectiveness"
    assert table.rows[1].cells[1].text.startswith("Umbrella theme for what respondents")


def test_export_themes_xlsx_read_back(dialog, tmp_path):
    dialog.choose("themes")
    _pick(_option(dialog, "source"), "union")
    _pick(dialog.format_combo, "xlsx")
    target = tmp_path / "themes.xlsx"
    assert dialog.export_to(target).wait()
    sheet = openpyxl.load_workbook(target).worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    found = [r for r in rows if r and isinstance(r[0], str)
             and r[0].strip() == "Emotional relief and well-being"]
    assert found and "14 (30.4%)" in found[0]


def test_export_themes_csv_as_the_command_writes_it(dialog, tmp_path):
    dialog.choose("themes")
    _pick(_option(dialog, "source"), "union")
    _pick(dialog.format_combo, "csv")
    target = tmp_path / "themes.csv"
    assert dialog.export_to(target).wait()
    rows = list(csv.reader(target.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0][:3] == ["Theme", "Definition", "Respondents, n (%) (N = 46)"]
    row = next(r for r in rows if r[0] == "– Emotional relief and well-being")
    assert row[2] == "14 (30.4%)"   # a sub-theme, marked as `export themes` marks it
    assert rows[-1][0].startswith("Note. ")


def test_export_reaim_docx_with_its_figures(dialog, tmp_path):
    dialog.choose("reaim")
    _pick(dialog.format_combo, "docx")
    target = tmp_path / "reaim.docx"
    assert dialog.export_to(target).wait()
    pngs = sorted(p.name for p in tmp_path.glob("fig-*.png"))
    assert len(pngs) >= 3 and all((tmp_path / p).with_suffix(".pdf").is_file() for p in pngs)
    written = docx.Document(str(target))
    assert len(written.inline_shapes) == len(pngs)
    reach = written.tables[0]
    cells = [c.text for row in reach.rows for c in row.cells]
    assert "75 (29.4%)" in cells and "255" in cells
    # without figures: tables only, no image beside the file
    _option(dialog, "figures", QCheckBox).setChecked(False)
    other = tmp_path / "tables-only"
    other.mkdir()
    assert dialog.export_to(other / "reaim.docx").wait()
    assert [p.name for p in other.iterdir()] == ["reaim.docx"]
    assert len(docx.Document(str(other / "reaim.docx")).inline_shapes) == 0


def test_export_report_folder_and_open_folder(dialog, tmp_path, monkeypatch):
    opened = []
    monkeypatch.setattr(export_dialog.QDesktopServices, "openUrl",
                        lambda url: opened.append(url.toLocalFile()))
    dialog.choose("report")
    folder = tmp_path / "report"
    assert dialog.export_to(folder).wait()
    assert (folder / "report.docx").is_file() and (folder / "codebook.xlsx").is_file()
    text = dialog.result_label.text()
    assert text.startswith(f"Wrote {len(dialog.last_written)} files to {folder}.")
    assert "Left out minutes: no review sessions yet" in text
    dialog.open_folder.click()
    assert opened == [str(folder)]


def test_export_to_a_missing_folder_says_so(dialog, tmp_path, qtbot):
    dialog.choose("codebook")
    _pick(dialog.format_combo, "docx")
    target = tmp_path / "nowhere" / "codebook.docx"
    task = dialog.export_to(target)
    assert task.wait()
    assert dialog.result_label.text().startswith("Nothing was written: ")
    assert "does not exist" in dialog.result_label.text()
    assert not target.exists() and not dialog.open_folder.isVisible()
    assert dialog.export_button.isEnabled()


def test_export_over_a_file_open_elsewhere_says_so(dialog, tmp_path, monkeypatch):
    import post_coder.files as files

    def refuse(*_args, **_kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files.os, "replace", refuse)
    dialog.choose("codebook")
    _pick(dialog.format_combo, "md")
    assert dialog.export_to(tmp_path / "codebook.md").wait()
    assert "may be open in another program" in dialog.result_label.text()


def test_cancel_before_writing_writes_nothing(dialog, tmp_path, monkeypatch):
    started = threading.Event()
    real = export_dialog.write_output

    def held(*args, **kwargs):  # the export waits until Cancel was pressed
        started.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(export_dialog, "write_output", held)
    dialog.choose("codebook")
    _pick(dialog.format_combo, "docx")
    task = dialog.export_to(tmp_path / "codebook.docx")
    task.dialog.canceled.emit()   # the progress dialog's Cancel
    started.set()
    assert task.wait()
    assert dialog.result_label.text() == "Export cancelled: nothing was written."
    assert not (tmp_path / "codebook.docx").exists()


# -- the menu --------------------------------------------------------------------------------

@pytest.fixture
def window(demo_window):
    return demo_window


def test_ctrl_e_opens_the_export_dialog(window, qtbot):
    assert window.export_action.shortcut() == QKeySequence("Ctrl+E")
    assert window.export_action.isEnabled()
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialogs = [w for w in QApplication.topLevelWidgets()
               if isinstance(w, ExportDialog) and w.isVisible()]
    assert len(dialogs) == 1
    assert dialogs[0].session is window.session
    assert dialogs[0].wait_for_preview()
    dialogs[0].close()
