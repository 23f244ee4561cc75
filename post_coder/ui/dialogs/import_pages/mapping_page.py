"""Import wizard, page 3: map the columns (id, open-ended questions, attributes)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QCheckBox, QVBoxLayout, QWizardPage

from post_coder.errors import PostCoderError
from post_coder.importing import ImportPlan, import_problem
from post_coder.ui.dialogs.import_mapping import MappingTable
from post_coder.ui.dialogs.import_pages.common import error_label, set_message, set_error

if TYPE_CHECKING:
    from post_coder.ui.dialogs.import_wizard import ImportWizard

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
        self.is_table = QCheckBox("This file is a data table (no answers to code)")
        self.is_table.setObjectName("mappingIsTable")
        self.is_table.setToolTip("An interaction log or a program table: its rows are kept "
                                 "as a dataset of their own, every column kept is an attribute")
        self.message = error_label("mappingMessage")
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.no_id)
        layout.addWidget(self.is_table)
        layout.addWidget(self.message)
        self._shown: ImportPlan | None = None
        self.table.mapping_changed.connect(self._changed)
        self.table.id_chosen.connect(lambda: self._set_no_id(False))
        self.no_id.toggled.connect(self._no_id_toggled)
        self.is_table.toggled.connect(self._table_toggled)

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
        if not same_columns:
            self.is_table.blockSignals(True)
            self.is_table.setChecked(False)
            self.is_table.blockSignals(False)
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

    def _table_toggled(self, checked: bool) -> None:
        if checked:  # a data table has nothing to code: open-ended columns become attributes
            self.table.apply_choices({name: ("attribute", kind) for name, (role, kind)
                                      in self.table.choices().items() if role == "open_ended"})
        self._changed()

    def _changed(self) -> None:
        """Apply the table to the plan; say in plain words what stops the import."""
        plan = self._wizard.plan
        if plan is None:
            return
        id_column = self.table.id_column()
        problem: str | PostCoderError = ""
        mapped = None
        if self.is_table.isChecked():
            plan = plan.as_table()
        try:
            mapped = plan.with_mapping(id_column=id_column, open_ended=self.table.names("open_ended"),
                                       attributes=self.table.names("attribute"),
                                       types=self.table.type_overrides(plan.columns),
                                       levels=self.table.level_overrides(plan.columns)
                                       ).with_labels(self.table.label_overrides(plan.columns))
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
