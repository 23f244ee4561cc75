"""Import wizard, page 4: confirm what will be imported (and a file imported before)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout, QWizardPage,
)

from post_coder.importing import ColumnPlan, ImportPlan
from post_coder.ui.dialogs.import_pages.common import error_label, set_message, sentence, plural

if TYPE_CHECKING:
    from post_coder.ui.dialogs.import_wizard import ImportWizard

# -- 4. summary ---------------------------------------------------------------------------------

def summary_text(plan: ImportPlan) -> str:
    """What the import will bring in, in plain words."""
    who = (f'ids from column "{plan.id_column}"' if plan.id_column
           else "numbered by row, since there is no id column")
    lines = [f"File: {plan.path.name}", f"Respondents: {plan.row_count:,} ({who})", "",
             "Open-ended questions to code:"]
    for c in plan.columns:
        if c.role == "open_ended":
            lines.append(f"  • {_title(c)}")
            lines.append(f"      {plural(c.n_answers, 'answer')} to code, {c.n_blank:,} blank, "
                         f"{plural(c.n_nonanswer, 'non-answer')}")
    attributes = [c for c in plan.columns if c.role == "attribute"]
    lines += ["", "Attributes:" if attributes else "Attributes: none"]
    lines += [f"  • {_title(c)} ({c.type.replace('_', '-')})" for c in attributes]
    skipped = [c.name for c in plan.columns if c.role == "skip"]
    if skipped:
        lines += ["", f"Not imported: {plural(len(skipped), 'column')} ({', '.join(skipped)})"]
    return "\n".join(lines)


def _title(column: ColumnPlan) -> str:
    """The short label, then the full text when it says more."""
    shown = column.short_label or column.name
    full = " ".join((column.wording or column.name).split())
    if full == shown:
        return shown
    return f"{shown} “{full[:79] + '…' if len(full) > 80 else full}”"


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
