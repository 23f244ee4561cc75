"""Import wizard, page 1: pick the survey file (and the sheet of a workbook)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox, QFileDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout,
    QWizardPage,
)

from post_coder.errors import PostCoderError
from post_coder.importing import inspect_file, sheet_names
from post_coder.ui.dialogs.import_pages.common import error_label, set_message, set_error
from post_coder.ui.errors import show_unexpected

if TYPE_CHECKING:
    from post_coder.ui.dialogs.import_wizard import ImportWizard

FILE_FILTERS = ("Survey files (*.csv *.tsv *.txt *.xlsx *.xlsm *.xls *.ods *.sav *.zsav);;"
                "CSV, TSV or text (*.csv *.tsv *.txt);;Excel workbook (*.xlsx *.xlsm *.xls);;"
                "OpenDocument spreadsheet (*.ods);;"
                "SPSS data file (*.sav *.zsav);;All files (*)")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


# -- 1. the file --------------------------------------------------------------------------------

class FilePage(QWizardPage):
    """Type or browse to a survey export; for a workbook, choose the sheet."""

    def __init__(self, wizard: "ImportWizard") -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Choose the survey file")
        self.setSubTitle("A CSV, TSV or text export, a workbook (.xlsx, .xls, .ods) or an SPSS "
                         "data file (.sav) from Qualtrics, REDCap, Google or Microsoft Forms…")
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("importPath")
        self.path_edit.setPlaceholderText("Path to the survey file")
        self.browse = QPushButton("Browse…")
        self.browse.setObjectName("importBrowse")
        self.sheet_label = QLabel("Sheet:")
        self.sheet_combo = QComboBox()
        self.sheet_combo.setObjectName("importSheet")
        self.dictionary_label = QLabel("REDCap data dictionary (optional):")
        self.dictionary_edit = QLineEdit()
        self.dictionary_edit.setObjectName("importDictionary")
        self.dictionary_edit.setPlaceholderText(
            "Found automatically beside a PROJECT_DATA_….csv export")
        self.dictionary_edit.setToolTip(
            "The data dictionary (CSV) of a REDCap export: field labels, choice labels in "
            "order, checkbox options and field types")
        self.dictionary_label.setBuddy(self.dictionary_edit)
        self.dictionary_browse = QPushButton("Browse…")
        self.dictionary_browse.setObjectName("importDictionaryBrowse")
        self.dictionary_found = QLabel("")
        self.dictionary_found.setObjectName("importDictionaryFound")
        self.dictionary_found.setWordWrap(True)
        self.error = error_label("importError")
        self._sheets_for: str | None = None  # the path whose sheets the combo lists

        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse)
        sheet_row = QHBoxLayout()
        sheet_row.addWidget(self.sheet_label)
        sheet_row.addWidget(self.sheet_combo, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addLayout(sheet_row)
        dictionary_row = QHBoxLayout()
        dictionary_row.addWidget(self.dictionary_label)
        dictionary_row.addWidget(self.dictionary_edit, 1)
        dictionary_row.addWidget(self.dictionary_browse)
        layout.addLayout(dictionary_row)
        layout.addWidget(self.dictionary_found)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self._show_sheets([])

        self.browse.clicked.connect(self._browse)
        self.dictionary_browse.clicked.connect(self._browse_dictionary)
        self.dictionary_edit.textChanged.connect(lambda: set_message(self.error, ""))
        self.path_edit.textChanged.connect(self._path_edited)
        self.path_edit.editingFinished.connect(self._load_sheets)

    def path(self) -> str:
        return self.path_edit.text().strip().strip('"')

    def isComplete(self) -> bool:
        return bool(self.path())

    def validatePage(self) -> bool:
        """Inspect the file; on a problem say so in plain words and stay on this page."""
        path = self.path()
        if not path:
            set_message(self.error, "type the path of the survey file, or choose it with Browse")
            return False
        sheet = self.sheet_combo.currentText() if self._sheets_for == path else None
        dictionary = self.dictionary_edit.text().strip().strip('"')
        try:
            plan = inspect_file(Path(path), sheet=sheet or None,
                                dictionary=Path(dictionary) if dictionary else None)
        except PostCoderError as exc:
            set_error(self.error, exc)
            return False
        except Exception as exc:  # a bug: say so, with the details one click away
            show_unexpected(self, exc)
            set_message(self.error, f"{Path(path).name}: POST Coder could not read this file",
                        capitalize=False)
            return False
        set_message(self.error, "")
        self.dictionary_found.setText(
            f"Using the data dictionary {plan.dictionary.name}, found beside the export."
            if plan.dictionary is not None and not dictionary else "")
        if self._sheets_for != path:
            self._sheets_for = path
            self._show_sheets(plan.sheets, plan.sheet)
        self._wizard.set_plan(plan)
        return True

    def _browse(self) -> None:
        start = str(Path(self.path()).parent) if self.path() else ""
        chosen, _ = QFileDialog.getOpenFileName(self, "Import survey", start, FILE_FILTERS)
        if chosen:
            self.path_edit.setText(chosen)
            self._load_sheets()

    def _browse_dictionary(self) -> None:
        start = str(Path(self.path()).parent) if self.path() else ""
        chosen, _ = QFileDialog.getOpenFileName(self, "REDCap data dictionary", start,
                                                "CSV files (*.csv);;All files (*)")
        if chosen:
            self.dictionary_edit.setText(chosen)

    def _path_edited(self) -> None:
        set_message(self.error, "")
        if self._sheets_for is not None and self._sheets_for != self.path():
            self._sheets_for = None
            self._show_sheets([])
        self.completeChanged.emit()

    def _load_sheets(self) -> None:
        """List a workbook's sheets as soon as its path is known (problems wait for Next)."""
        path = self.path()
        if path == self._sheets_for or not path.lower().endswith(WORKBOOK_SUFFIXES):
            return
        try:
            sheets = sheet_names(path)
        except Exception:  # reported in plain words when Next inspects the file
            return
        self._sheets_for = path
        self._show_sheets(sheets)

    def _show_sheets(self, sheets: list[str], current: str | None = None) -> None:
        self.sheet_combo.clear()
        self.sheet_combo.addItems(sheets)
        if current:
            self.sheet_combo.setCurrentText(current)
        for widget in (self.sheet_label, self.sheet_combo):
            widget.setVisible(bool(sheets))
