"""The import wizard's column table: one row per column, with a role and a type combo.

Only one column can be the respondent id: choosing a new one turns the old one into
"Skip". A multi-select question (several columns of the file) can only be an attribute or
skipped, and keeps its type. The type can be changed for attributes only, and the levels
of an ordinal, categorical or multi-select attribute put in another order (the Levels
cell: double-click or F2, levels separated by ``|``, low to high). The short label every
view will show for a column is suggested and can be edited (the Short label cell).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QHeaderView, QTableWidget, \
    QTableWidgetItem, QWidget

from post_coder.importing import ColumnPlan

ROLES = {"id": "Respondent id", "open_ended": "Open-ended question", "attribute": "Attribute",
         "skip": "Skip"}
TYPES = {"categorical": "categorical", "ordinal": "ordinal", "numeric": "numeric",
         "date": "date", "multi_select": "multi-select", "text": "text"}
HEADERS = ("Column", "Short label", "Role", "Type", "Answers", "Blank", "Non-answers", "Sample",
           "Levels")
NAME, LABEL, ROLE, TYPE, ANSWERS, BLANK, NONANSWER, SAMPLE, LEVELS = range(len(HEADERS))
#: types whose levels have an order the person may change
ORDERED = ("ordinal", "categorical", "multi_select")
LEVEL_SEP = " | "


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


class MappingTable(QTableWidget):
    """Edits the role and type of every column of an :class:`ImportPlan`."""

    #: any role or type changed (by the person or by demoting the old id)
    mapping_changed = Signal()
    #: a column was made the respondent id
    id_chosen = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(HEADERS), parent)
        self.setObjectName("mappingTable")
        self.setHorizontalHeaderLabels(list(HEADERS))
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setWordWrap(True)
        rows = self.verticalHeader()
        rows.setVisible(False)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().lineSpacing() * 2 + 10)  # name + wording
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        # name, sample, short label and role fit the wizard's smallest width (tests/ui/test_laptop)
        for column, width in ((NAME, 200), (LABEL, 120), (ROLE, 160), (TYPE, 120), (ANSWERS, 70),
                              (BLANK, 60), (NONANSWER, 90), (SAMPLE, 180)):
            self.setColumnWidth(column, width)
        # what a column holds, beside its name: in view without scrolling on a laptop
        header.moveSection(header.visualIndex(SAMPLE), NAME + 1)
        self._columns: list[ColumnPlan] = []
        self._filling = False
        self.itemChanged.connect(self._item_changed)

    # -- filling ---------------------------------------------------------------------------------

    def fill(self, columns: list[ColumnPlan]) -> None:
        """Show these columns with their suggested roles and types."""
        self._columns = list(columns)
        self._filling = True
        self.setRowCount(0)
        self.setRowCount(len(columns))
        for row, column in enumerate(columns):
            self._fill_row(row, column)
        self._filling = False
        QTimer.singleShot(0, self, self.show_questions)  # once the page has its size

    def show_questions(self) -> None:
        """Scroll the open-ended rows into view (a survey with many system columns)."""
        questions = [n for n, c in enumerate(self._columns) if c.role == "open_ended"]
        for row in questions[-1:] + questions[:1]:  # the last, then the first, if room
            self.scrollTo(self.model().index(row, NAME),
                          QAbstractItemView.ScrollHint.EnsureVisible)

    def _fill_row(self, row: int, column: ColumnPlan) -> None:
        text = column.name
        if column.wording and column.wording != column.name:
            text += "\n" + _short(column.wording, 90)
        item = QTableWidgetItem(text)
        item.setToolTip("\n".join(filter(None, [column.wording, column.note and
                                                  f"({column.note})"])))
        self.setItem(row, NAME, item)
        group = len(column.source_columns) > 1
        role = QComboBox()
        role.setObjectName(f"mappingRole_{row}")
        for key, label in ROLES.items():
            role.addItem(label, key)
        if group:  # a multi-select question can be neither the id nor a question to code
            model = role.model()
            assert isinstance(model, QStandardItemModel)
            for key in ("id", "open_ended"):
                model.item(role.findData(key)).setEnabled(False)
        role.setCurrentIndex(role.findData(column.role))
        role.setToolTip(f"Suggested: {ROLES[column.role]}"
                        + (f" ({column.note})" if column.note else ""))
        kind = QComboBox()
        kind.setObjectName(f"mappingType_{row}")
        for key, label in TYPES.items():
            kind.addItem(label, key)
        kind.setCurrentIndex(kind.findData(column.type))
        self.setCellWidget(row, ROLE, role)
        self.setCellWidget(row, TYPE, kind)
        for col, value in ((ANSWERS, column.n_answers), (BLANK, column.n_blank),
                           (NONANSWER, column.n_nonanswer)):
            number = QTableWidgetItem(f"{value:,}")
            number.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.setItem(row, col, number)
        sample = QTableWidgetItem("; ".join(_short(s, 40) for s in column.sample[:3]))
        sample.setToolTip("\n".join(_short(s, 300) for s in column.sample[:5]))
        self.setItem(row, SAMPLE, sample)
        for col in (NAME, ANSWERS, BLANK, NONANSWER, SAMPLE):
            cell = self.item(row, col)
            cell.setFlags(cell.flags() & ~Qt.ItemFlag.ItemIsEditable)
        levels = QTableWidgetItem(LEVEL_SEP.join(column.levels))
        levels.setToolTip("The levels in order (low to high for a scale), separated by |. "
                          "Double-click or press F2 to change the order.")
        self.setItem(row, LEVELS, levels)
        label = QTableWidgetItem(column.short_label)
        label.setToolTip("What every view, the command line and exports will show for this "
                         "column (the full text stays on hover). Double-click or press F2 to "
                         "change it.")
        self.setItem(row, LABEL, label)
        self._update_type(row)
        role.currentIndexChanged.connect(lambda _index, r=row: self._role_changed(r))
        kind.currentIndexChanged.connect(lambda _index, r=row: self._kind_changed(r))

    # -- reading -------------------------------------------------------------------------------

    def role_combo(self, row: int) -> QComboBox:
        combo = self.cellWidget(row, ROLE)
        assert isinstance(combo, QComboBox)
        return combo

    def type_combo(self, row: int) -> QComboBox:
        combo = self.cellWidget(row, TYPE)
        assert isinstance(combo, QComboBox)
        return combo

    def row_of(self, name: str) -> int:
        return next(i for i, c in enumerate(self._columns) if c.name == name)

    def role(self, row: int) -> str:
        return str(self.role_combo(row).currentData())

    def kind(self, row: int) -> str:
        return str(self.type_combo(row).currentData())

    def names(self, role: str) -> list[str]:
        return [c.name for i, c in enumerate(self._columns) if self.role(i) == role]

    def id_column(self) -> str | None:
        found = self.names("id")
        return found[0] if found else None

    def type_overrides(self, columns: list[ColumnPlan]) -> dict[str, str]:
        """Attribute types changed from what the file suggested."""
        planned = {c.name: c.type for c in columns}
        return {c.name: self.kind(i) for i, c in enumerate(self._columns)
                if self.role(i) == "attribute" and self.kind(i) != planned.get(c.name)}

    def level_overrides(self, columns: list[ColumnPlan]) -> dict[str, list[str]]:
        """Attribute levels the person put in another order (or otherwise edited)."""
        planned = {c.name: list(c.levels) for c in columns}
        out = {}
        for i, c in enumerate(self._columns):
            item = self.item(i, LEVELS)
            if item is None or self.role(i) != "attribute" or self.kind(i) not in ORDERED:
                continue
            given = [part.strip() for part in item.text().split("|")]
            if given != planned.get(c.name) and item.text().strip():
                out[c.name] = given
        return out

    def label_overrides(self, columns: list[ColumnPlan]) -> dict[str, str]:
        """Short labels the person changed (of the columns to import)."""
        planned = {c.name: c.short_label for c in columns}
        out = {}
        for i, c in enumerate(self._columns):
            item = self.item(i, LABEL)
            if item is not None and self.role(i) != "skip" \
                    and item.text() != planned.get(c.name):
                out[c.name] = item.text()
        return out

    def choices(self) -> dict[str, tuple[str, str]]:
        return {c.name: (self.role(i), self.kind(i)) for i, c in enumerate(self._columns)}

    # -- changing ------------------------------------------------------------------------------

    def apply_choices(self, choices: dict[str, tuple[str, str]]) -> None:
        """Set roles and types by column name (columns not named keep theirs), quietly."""
        for i, c in enumerate(self._columns):
            if c.name in choices:
                role, kind = choices[c.name]
                self._set_quietly(self.role_combo(i), role)
                self._set_quietly(self.type_combo(i), kind)
                self._update_type(i)

    def clear_id(self) -> None:
        """No respondent id: the id column (if any) is skipped."""
        for i in range(self.rowCount()):
            if self.role(i) == "id":
                self._set_quietly(self.role_combo(i), "skip")
                self._update_type(i)

    def _kind_changed(self, row: int) -> None:
        self._update_type(row)
        self.mapping_changed.emit()

    def _role_changed(self, row: int) -> None:
        if self.role(row) == "id":
            for i in range(self.rowCount()):
                if i != row and self.role(i) == "id":
                    self._set_quietly(self.role_combo(i), "skip")
                    self._update_type(i)
            self.id_chosen.emit()
        self._update_type(row)
        self.mapping_changed.emit()

    def _update_type(self, row: int) -> None:
        """The type matters (and can change) for attributes only; a group stays multi-select."""
        group = len(self._columns[row].source_columns) > 1
        self.type_combo(row).setEnabled(self.role(row) == "attribute" and not group)
        levels = self.item(row, LEVELS)
        if levels is not None:
            filling, self._filling = self._filling, True
            editable = self.role(row) == "attribute" and self.kind(row) in ORDERED
            flags = levels.flags() | Qt.ItemFlag.ItemIsEditable if editable \
                else levels.flags() & ~Qt.ItemFlag.ItemIsEditable
            levels.setFlags(flags)
            self._filling = filling

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if not self._filling and item.column() in (LEVELS, LABEL):
            self.mapping_changed.emit()

    @staticmethod
    def _set_quietly(combo: QComboBox, key: str) -> None:
        combo.blockSignals(True)
        combo.setCurrentIndex(max(0, combo.findData(key)))
        combo.blockSignals(False)
