"""Import wizard, page 2: what was found in the file (tool, format, a preview)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QFormLayout, QHeaderView, QLabel, QTableWidget, QTableWidgetItem,
    QVBoxLayout, QWizardPage,
)

from post_coder.importing import ImportPlan
from post_coder.ui.dialogs.import_pages.common import error_label, set_message, sentence, plural

if TYPE_CHECKING:
    from post_coder.ui.dialogs.import_wizard import ImportWizard

PLATFORMS = {
    "qualtrics": "Qualtrics export", "qualtrics-legacy": "Qualtrics export (legacy format)",
    "surveymonkey": "SurveyMonkey export", "microsoft-forms": "Microsoft Forms export",
    "google-forms": "Google Forms export", "redcap": "REDCap export",
    "limesurvey": "LimeSurvey export", "typeform": "Typeform export",
    "alchemer": "Alchemer (SurveyGizmo) export", "kobotoolbox": "KoboToolbox export",
    "odk": "ODK Central export", "generic": "Plain table (no survey tool recognised)",
}
FORMATS = {"csv": "Text (CSV/TSV)", "xlsx": "Excel workbook", "xls": "Excel 97-2003 workbook",
           "ods": "OpenDocument spreadsheet", "sav": "SPSS data file"}
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe (|)"}


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
