"""The pages of the import wizard: pick a file, preview it, map its columns, confirm.

Each page reads and writes the plan kept on the wizard (``wizard.plan``: what
``inspect_file`` found; ``wizard.mapped``: that plan with the person's choices). The pages
never write to the project: the wizard runs the import itself when Finish is pressed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QFileDialog, QFormLayout, QHBoxLayout, QHeaderView,
    QLabel, QLineEdit, QPlainTextEdit, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout,
    QWizardPage,
)

from post_coder.errors import PostCoderError
from post_coder.importing import ImportPlan, import_problem, inspect_file, sheet_names
from post_coder.ui.dialogs.import_mapping import MappingTable
from post_coder.ui.errors import show_unexpected

if TYPE_CHECKING:
    from post_coder.ui.dialogs.import_wizard import ImportWizard

FILE_FILTERS = ("Survey files (*.csv *.tsv *.txt *.xlsx *.xlsm *.sav *.zsav);;"
                "CSV, TSV or text (*.csv *.tsv *.txt);;Excel workbook (*.xlsx *.xlsm);;"
                "SPSS data file (*.sav *.zsav);;All files (*)")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
PLATFORMS = {
    "qualtrics": "Qualtrics export", "qualtrics-legacy": "Qualtrics export (legacy format)",
    "surveymonkey": "SurveyMonkey export", "microsoft-forms": "Microsoft Forms export",
    "google-forms": "Google Forms export", "redcap": "REDCap export",
    "limesurvey": "LimeSurvey export", "typeform": "Typeform export",
    "alchemer": "Alchemer (SurveyGizmo) export", "kobotoolbox": "KoboToolbox export",
    "odk": "ODK Central export", "generic": "Plain table (no survey tool recognised)",
}
FORMATS = {"csv": "Text (CSV/TSV)", "xlsx": "Excel workbook", "sav": "SPSS data file"}
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe (|)"}
ERROR_STYLE = "color: #b00020;"


def error_label(name: str) -> QLabel:
    """A red, wrapping label for plain-words problems on a page (hidden when empty)."""
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setStyleSheet(ERROR_STYLE)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


def set_message(label: QLabel, text: str, capitalize: bool = True) -> None:
    label.setText(sentence(text, capitalize))
    label.setVisible(bool(text))


def set_error(label: QLabel, exc: PostCoderError) -> None:
    """The core's message as it is; it starts with the file name (kept as spelled) if known."""
    set_message(label, str(exc), capitalize=exc.file is None)


def sentence(text: str, capitalize: bool = True) -> str:
    text = text.strip()
    if not text:
        return ""
    if capitalize:
        text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


# -- 1. the file --------------------------------------------------------------------------------

class FilePage(QWizardPage):
    """Type or browse to a survey export; for a workbook, choose the sheet."""

    def __init__(self, wizard: "ImportWizard") -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Choose the survey file")
        self.setSubTitle("A CSV, TSV or text export, an Excel workbook (.xlsx) or an SPSS data "
                         "file (.sav) from Qualtrics, REDCap, Google or Microsoft Forms…")
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("importPath")
        self.path_edit.setPlaceholderText("Path to the survey file")
        self.browse = QPushButton("Browse…")
        self.browse.setObjectName("importBrowse")
        self.sheet_label = QLabel("Sheet:")
        self.sheet_combo = QComboBox()
        self.sheet_combo.setObjectName("importSheet")
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
        layout.addWidget(self.error)
        layout.addStretch(1)
        self._show_sheets([])

        self.browse.clicked.connect(self._browse)
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
        try:
            plan = inspect_file(Path(path), sheet=sheet or None)
        except PostCoderError as exc:
            set_error(self.error, exc)
            return False
        except Exception as exc:  # a bug: say so, with the details one click away
            show_unexpected(self, exc)
            set_message(self.error, f"{Path(path).name}: POST Coder could not read this file",
                        capitalize=False)
            return False
        set_message(self.error, "")
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


# -- 2. preview ---------------------------------------------------------------------------------

def platform_text(plan: ImportPlan) -> str:
    """``Qualtrics export (3 header rows)``."""
    text = PLATFORMS.get(plan.platform, plan.platform)
    if plan.header_rows > 1:
        text += f" ({plan.header_rows} header rows)"
    return text


def format_text(plan: ImportPlan) -> str:
    text = FORMATS.get(plan.format, plan.format.upper())
    if plan.sheet:
        text += f', sheet "{plan.sheet}" ({len(plan.sheets)} in the workbook)'
    return text


class PreviewPage(QWizardPage):
    """What was detected, and the first rows as read."""

    def __init__(self, wizard: "ImportWizard") -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Check the file")
        self.setSubTitle("This is how POST Coder reads the file. If the columns look wrong, go "
                         "back and choose another file or sheet.")
        self.fields: dict[str, QLabel] = {}
        form = QFormLayout()
        for key, label in (("format", "Format"), ("platform", "Survey tool"),
                           ("encoding", "Encoding"), ("delimiter", "Delimiter"),
                           ("rows", "Rows")):
            value = QLabel()
            value.setObjectName(f"preview{key.title()}")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fields[key] = value
            form.addRow(label + ":", value)
        self.warnings = error_label("previewWarnings")
        self.table = QTableWidget()
        self.table.setObjectName("previewTable")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.warnings)
        layout.addWidget(self.table, 1)

    def initializePage(self) -> None:
        plan = self._wizard.plan
        assert plan is not None
        self.fields["format"].setText(format_text(plan))
        self.fields["platform"].setText(platform_text(plan))
        self.fields["encoding"].setText(plan.encoding or "not applicable")
        self.fields["delimiter"].setText(DELIMITERS.get(plan.delimiter or "", plan.delimiter or "")
                                         or "not applicable")
        shown = len(plan.preview)
        self.fields["rows"].setText(plural(plan.row_count, "respondent") + (
            f" (the first {shown} are shown)" if 0 < shown < plan.row_count else ""))
        set_message(self.warnings, " ".join(sentence(w) for w in [*plan.notes, *plan.warnings]))
        headers = list(plan.preview[0]) if plan.preview else []
        self.table.clear()
        self.table.setColumnCount(len(headers))
        self.table.setRowCount(len(plan.preview))
        self.table.setHorizontalHeaderLabels(headers)
        for r, row in enumerate(plan.preview):
            for c, name in enumerate(headers):
                text = row.get(name, "")
                item = QTableWidgetItem(" ".join(text.split())[:200])
                item.setToolTip(text[:1000])
                self.table.setItem(r, c, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for c in range(len(headers)):
            self.table.setColumnWidth(c, 160)


# -- 3. columns ---------------------------------------------------------------------------------

class MappingPage(QWizardPage):
    """One row per column: its role and (for attributes) its type, as suggested, editable."""

    def __init__(self, wizard: "ImportWizard") -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Choose what each column is")
        self.setSubTitle("Open-ended questions are the answers you will code. Attributes "
                         "(department, role, rating…) let you filter and compare. Skipped "
                         "columns are not imported.")
        self.table = MappingTable()
        self.no_id = QCheckBox("No id column (number respondents by row)")
        self.no_id.setObjectName("mappingNoId")
        self.message = error_label("mappingMessage")
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.no_id)
        layout.addWidget(self.message)
        self._shown: ImportPlan | None = None
        self.table.mapping_changed.connect(self._changed)
        self.table.id_chosen.connect(lambda: self._set_no_id(False))
        self.no_id.toggled.connect(self._no_id_toggled)

    def initializePage(self) -> None:
        plan = self._wizard.plan
        assert plan is not None
        if plan is self._shown:
            return
        previous = self.table.choices() if self._shown is not None else {}
        same_columns = (self._shown is not None and self._shown.path == plan.path
                        and [c.name for c in self._shown.columns] == [c.name for c in plan.columns])
        self._shown = plan
        self.table.fill(plan.columns)
        if same_columns:  # the same file inspected again: keep the person's choices
            self.table.apply_choices(previous)
        self._set_no_id(self.table.id_column() is None)
        self._changed()

    def isComplete(self) -> bool:
        return self._wizard.mapped is not None and not self.message.text()

    def validatePage(self) -> bool:
        return self.isComplete()

    def _set_no_id(self, checked: bool) -> None:
        self.no_id.blockSignals(True)
        self.no_id.setChecked(checked)
        self.no_id.blockSignals(False)

    def _no_id_toggled(self, checked: bool) -> None:
        if checked:
            self.table.clear_id()
        self._changed()

    def _changed(self) -> None:
        """Apply the table to the plan; say in plain words what stops the import."""
        plan = self._wizard.plan
        if plan is None:
            return
        id_column = self.table.id_column()
        problem: str | PostCoderError = ""
        mapped = None
        try:
            mapped = plan.with_mapping(id_column=id_column, open_ended=self.table.names("open_ended"),
                                       attributes=self.table.names("attribute"),
                                       types=self.table.type_overrides(plan.columns))
        except PostCoderError as exc:
            problem = exc
        if mapped is not None:
            problem = import_problem(mapped, numbered_by_row=self.no_id.isChecked())
        self._wizard.mapped = None if problem else mapped
        if isinstance(problem, PostCoderError):
            set_error(self.message, problem)
        else:
            set_message(self.message, problem)
        self.completeChanged.emit()


# -- 4. summary ---------------------------------------------------------------------------------

def summary_text(plan: ImportPlan) -> str:
    """What the import will bring in, in plain words."""
    who = (f'ids from column "{plan.id_column}"' if plan.id_column
           else "numbered by row, since there is no id column")
    lines = [f"File: {plan.path.name}", f"Respondents: {plan.row_count:,} ({who})", "",
             "Open-ended questions to code:"]
    for c in plan.columns:
        if c.role == "open_ended":
            lines.append(f"  • {_title(c.name, c.wording)}")
            lines.append(f"      {plural(c.n_answers, 'answer')} to code, {c.n_blank:,} blank, "
                         f"{plural(c.n_nonanswer, 'non-answer')}")
    attributes = [c for c in plan.columns if c.role == "attribute"]
    lines += ["", "Attributes:" if attributes else "Attributes: none"]
    lines += [f"  • {_title(c.name, c.wording)} ({c.type.replace('_', '-')})" for c in attributes]
    skipped = [c.name for c in plan.columns if c.role == "skip"]
    if skipped:
        lines += ["", f"Not imported: {plural(len(skipped), 'column')} ({', '.join(skipped)})"]
    return "\n".join(lines)


def _title(name: str, wording: str) -> str:
    if not wording or wording == name:
        return name
    wording = " ".join(wording.split())
    return f"{name} “{wording[:79] + '…' if len(wording) > 80 else wording}”"


class SummaryPage(QWizardPage):
    """What will be imported, the dataset name, and "import again" for a file seen before."""

    def __init__(self, wizard: "ImportWizard") -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Import")
        self.setSubTitle("Check what will be imported, then press Import.")
        self.text = QPlainTextEdit()
        self.text.setObjectName("summaryText")
        self.text.setReadOnly(True)
        self.name = QLineEdit()
        self.name.setObjectName("datasetName")
        self.duplicate = QLabel()
        self.duplicate.setObjectName("duplicateMessage")
        self.duplicate.setWordWrap(True)
        self.again = QCheckBox("Import again anyway")
        self.again.setObjectName("importAgain")
        self.error = error_label("importFailure")
        self.status = QLabel()
        self.status.setObjectName("importStatus")
        self.status.setWordWrap(True)
        self._duplicate = False
        form = QFormLayout()
        form.addRow("Dataset name:", self.name)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addLayout(form)
        layout.addWidget(self.duplicate)
        layout.addWidget(self.again)
        layout.addWidget(self.error)
        layout.addWidget(self.status)
        self.show_duplicate("")
        self.name.textChanged.connect(self.completeChanged)
        self.again.toggled.connect(self.completeChanged)

    def initializePage(self) -> None:
        plan = self._wizard.mapped
        assert plan is not None
        self.text.setPlainText(summary_text(plan))
        if not self.name.text().strip() or self.name.property("path") != str(plan.path):
            self.name.setText(plan.path.stem)
            self.name.setProperty("path", str(plan.path))
        set_message(self.error, "")
        self.status.setText("")
        self.show_duplicate(self._wizard.earlier_import(plan))

    def show_duplicate(self, message: str) -> None:
        """Offer "Import again anyway" when the file was imported before (``message`` says when)."""
        self._duplicate = bool(message)
        self.duplicate.setText(sentence(message))
        self.duplicate.setVisible(self._duplicate)
        if not message:
            self.again.setChecked(False)
        self.again.setVisible(self._duplicate)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        if self._wizard.running or not self.name.text().strip():
            return False
        return not self._duplicate or self.again.isChecked()

    def validatePage(self) -> bool:
        """Finish: start the import; the wizard closes itself once it has succeeded."""
        if self._wizard.result is not None:
            return True
        if self.isComplete():
            self._wizard.start_import(self.name.text().strip(), self.again.isChecked())
        return False
