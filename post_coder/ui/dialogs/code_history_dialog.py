"""Codebook ▸ Code History…: a code's versions, two of them side by side, and the codebook as
of a date or a round.

Everything comes from :mod:`post_coder.coding.code_history` (the same reads as
``post-coder codes history``, ``codes diff`` and ``codes as-of``). Read-only.
"""

from __future__ import annotations

from PySide6.QtCore import QDateTime, QItemSelection, QItemSelectionModel, QTimeZone
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDateTimeEdit, QDialog,
                               QDialogButtonBox, QFormLayout, QHBoxLayout, QHeaderView, QLabel,
                               QRadioButton, QTableWidget, QTableWidgetItem, QTabWidget,
                               QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from post_coder.coding import code_history
from post_coder.coding.codebook import list_codes, tree_order
from post_coder.errors import PostCoderError
from post_coder.team.rounds import list_rounds
from post_coder.ui.session import Session

#: the versions table's columns
VERSION, WHEN, WHO, ACTION, WHY = range(5)
#: the comparison's columns
FIELD, FIRST, SECOND = range(3)


def _when(at: str) -> str:
    return at[:16].replace("T", " ")


class CodeHistoryDialog(QDialog):
    """``CodeHistoryDialog(session, code_id=None)``: pick a code, read its versions; select
    two to compare them (one: compared with the version before); the "As of" tab shows the
    codebook at a date or a round."""

    def __init__(self, session: Session, code_id: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("codeHistoryDialog")
        self.setWindowTitle("Codebook history")
        self.resize(900, 620)
        self._versions: list[code_history.CodeVersion] = []

        self.code_combo = QComboBox(self, objectName="historyCodeCombo")
        codes = list_codes(session.project, include_inactive=True)
        for code, depth in tree_order(codes, orphans_last=True):
            status = "" if code.status == "active" else f"  [{code.status}]"
            self.code_combo.addItem("    " * depth + code.name + status, code.id)
        picker = QFormLayout()
        picker.addRow("&Code", self.code_combo)

        # -- the versions of one code
        self.versions_table = QTableWidget(0, 5, self, objectName="historyVersionsTable")
        self.versions_table.setHorizontalHeaderLabels(["Version", "When (UTC)", "Who", "Change",
                                                       "Why"])
        self.versions_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.versions_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.versions_table.setSelectionMode(
            QAbstractItemView.SelectionMode.ExtendedSelection)
        self.versions_table.verticalHeader().hide()
        header = self.versions_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(WHY, QHeaderView.ResizeMode.Stretch)
        self.compare_label = QLabel(self, objectName="historyCompareLabel", wordWrap=True)
        self.compare_table = QTableWidget(0, 3, self, objectName="historyCompareTable")
        self.compare_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.compare_table.setWordWrap(True)
        self.compare_table.verticalHeader().hide()
        compare_header = self.compare_table.horizontalHeader()
        compare_header.setSectionResizeMode(FIELD, QHeaderView.ResizeMode.ResizeToContents)
        compare_header.setSectionResizeMode(FIRST, QHeaderView.ResizeMode.Stretch)
        compare_header.setSectionResizeMode(SECOND, QHeaderView.ResizeMode.Stretch)
        # wrapped texts take the height their column's width needs
        compare_header.sectionResized.connect(
            lambda *_: self.compare_table.resizeRowsToContents())
        versions_page = QWidget(self)
        versions_layout = QVBoxLayout(versions_page)
        versions_layout.addWidget(QLabel("Select two versions to compare them side by side "
                                         "(Ctrl+click); one is compared with the version "
                                         "before it.", versions_page, wordWrap=True))
        versions_layout.addWidget(self.versions_table, 2)
        versions_layout.addWidget(self.compare_label)
        versions_layout.addWidget(self.compare_table, 3)

        # -- the codebook as of a date or a round
        self.date_radio = QRadioButton("&Date", self, objectName="asOfDateRadio")
        self.round_radio = QRadioButton("&Round", self, objectName="asOfRoundRadio")
        self.date_edit = QDateTimeEdit(self, objectName="asOfDateEdit")
        self.date_edit.setTimeZone(QTimeZone.utc())
        self.date_edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDateTime(QDateTime.currentDateTimeUtc())
        self.round_combo = QComboBox(self, objectName="asOfRoundCombo")
        for info in list_rounds(session.project):
            r = info.round
            state = "closed " + _when(r.closed_at) if r.closed_at else "open"
            self.round_combo.addItem(f"{r.name} ({state})", r.id)
        self._rounds = {info.round.id: info.round for info in list_rounds(session.project)}
        self.round_radio.setEnabled(self.round_combo.count() > 0)
        self.date_radio.setChecked(True)
        choose = QHBoxLayout()
        choose.addWidget(QLabel("As of:", self))
        choose.addWidget(self.date_radio)
        choose.addWidget(self.date_edit)
        choose.addWidget(QLabel("UTC", self))
        choose.addSpacing(16)
        choose.addWidget(self.round_radio)
        choose.addWidget(self.round_combo, 1)
        self.as_of_label = QLabel(self, objectName="asOfLabel", wordWrap=True)
        self.as_of_tree = QTreeWidget(self, objectName="asOfTree")
        self.as_of_tree.setHeaderLabels(["Code", "Definition", "Inclusion", "Exclusion"])
        self.as_of_tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.as_of_tree.setWordWrap(True)
        for column, width in enumerate((240, 280, 170)):
            self.as_of_tree.setColumnWidth(column, width)
        as_of_page = QWidget(self)
        as_of_layout = QVBoxLayout(as_of_page)
        as_of_layout.addLayout(choose)
        as_of_layout.addWidget(self.as_of_label)
        as_of_layout.addWidget(self.as_of_tree, 1)

        self.tabs = QTabWidget(self, objectName="historyTabs")
        self.tabs.addTab(versions_page, "&Versions of the code")
        self.tabs.addTab(as_of_page, "Codebook &as of…")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.setObjectName("historyButtons")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(picker)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)

        self.code_combo.currentIndexChanged.connect(self.load_versions)
        self.versions_table.itemSelectionChanged.connect(self.update_comparison)
        for signal in (self.date_radio.toggled, self.date_edit.dateTimeChanged,
                       self.round_combo.currentIndexChanged):
            signal.connect(self.update_as_of)
        if code_id is not None and self.code_combo.findData(code_id) >= 0:
            self.code_combo.setCurrentIndex(self.code_combo.findData(code_id))
        self.load_versions()
        self.update_as_of()

    # -- versions --------------------------------------------------------------------------
    def code_id(self) -> str | None:
        return self.code_combo.currentData()

    def load_versions(self) -> None:
        code_id = self.code_id()
        self._versions = (code_history.code_versions(self.session.project, code_id)
                          if code_id else [])
        table = self.versions_table
        table.setRowCount(len(self._versions))
        for row, v in enumerate(self._versions):
            related = f" ({', '.join(v.related_names)})" if v.related_names else ""
            for column, text in ((VERSION, str(v.version)), (WHEN, _when(v.at)),
                                 (WHO, v.coder or "—"), (ACTION, v.action + related),
                                 (WHY, v.rationale or "")):
                table.setItem(row, column, QTableWidgetItem(text))
        if self._versions:  # the latest, compared with the one before
            self.select_versions(len(self._versions))
        self.update_comparison()

    def select_versions(self, *numbers: int) -> None:
        """Select these versions (as Ctrl+click does)."""
        table = self.versions_table
        chosen = QItemSelection()
        for n in numbers:  # not selectRow: it toggles while Ctrl is held
            chosen.select(table.model().index(n - 1, 0),
                          table.model().index(n - 1, table.columnCount() - 1))
        flags = QItemSelectionModel.SelectionFlag
        table.selectionModel().select(chosen, flags.ClearAndSelect | flags.Rows)

    def compared(self) -> tuple[int, int] | None:
        """The two version numbers compared (older first), or None."""
        rows = sorted({i.row() for i in self.versions_table.selectionModel().selectedRows()})
        if not rows or len(rows) > 2:
            return None
        if len(rows) == 1:
            return (rows[0], rows[0] + 1) if rows[0] > 0 else (1, 1)
        return rows[0] + 1, rows[1] + 1

    def update_comparison(self) -> None:
        pair = self.compared()
        table = self.compare_table
        if pair is None or not self._versions:
            table.setRowCount(0)
            many = len(self.versions_table.selectionModel().selectedRows()) > 2
            self.compare_label.setText("Select at most two versions to compare." if many
                                       else "")
            return
        first, second = (self._versions[n - 1] for n in pair)
        table.setHorizontalHeaderLabels(["", f"Version {first.version}",
                                         f"Version {second.version}"])
        before, after = first.fields(), second.fields()
        differ = [f for f in code_history.FIELD_LABELS if before[f] != after[f]]
        if first.version == second.version:
            self.compare_label.setText(f"Version {first.version}: the code as it was made.")
        else:
            self.compare_label.setText(
                f"Version {first.version} → {second.version}: "
                + (f"{len(differ)} field{'s differ' if len(differ) != 1 else ' differs'} "
                   f"({', '.join(code_history.FIELD_LABELS[f].lower() for f in differ)})."
                   if differ else "no field differs."))
        table.setRowCount(len(code_history.FIELD_LABELS))
        bold = QFont(table.font())
        bold.setBold(True)
        for row, (field, label) in enumerate(code_history.FIELD_LABELS.items()):
            for column, text in ((FIELD, label), (FIRST, before[field]), (SECOND, after[field])):
                item = QTableWidgetItem(text)
                if field in differ:
                    item.setFont(bold)
                table.setItem(row, column, item)
        table.resizeRowsToContents()

    def compared_rows(self) -> list[tuple[str, str, str]]:
        """The comparison as shown: (field, first, second) per row."""
        table = self.compare_table
        return [tuple(table.item(r, c).text() for c in range(3))  # type: ignore[misc]
                for r in range(table.rowCount())]

    # -- as of ------------------------------------------------------------------------------
    def moment(self) -> str | None:
        if self.round_radio.isChecked():
            r = self._rounds.get(self.round_combo.currentData())
            return code_history.round_moment(r) if r else None
        chosen = self.date_edit.dateTime().toUTC().toString("yyyy-MM-ddTHH:mm")
        return code_history.parse_moment(chosen)[:17] + "59.999+00:00"  # the whole minute

    def update_as_of(self) -> None:
        self.date_edit.setEnabled(self.date_radio.isChecked())
        self.round_combo.setEnabled(self.round_radio.isChecked())
        self.as_of_tree.clear()
        moment = self.moment()
        if moment is None:
            self.as_of_label.setText("Choose a date or a round.")
            return
        try:
            tree = code_history.codebook_as_of(self.session.project, moment)
        except PostCoderError as exc:
            self.as_of_label.setText(str(exc))
            return
        items: dict[str, QTreeWidgetItem] = {}
        for v, _depth in tree:
            parent = items.get(v.parent_id or "")
            item = QTreeWidgetItem([v.name, v.definition, v.inclusion, v.exclusion])
            item.setToolTip(0, f"Version {v.version}, {_when(v.at)} UTC")
            for column, text in enumerate((v.definition, v.inclusion, v.exclusion), start=1):
                item.setToolTip(column, text)
            if parent is None:
                self.as_of_tree.addTopLevelItem(item)
            else:
                parent.addChild(item)
            items[v.code_id] = item
        self.as_of_tree.expandAll()
        where = (f"round “{self.round_combo.currentText()}”" if self.round_radio.isChecked()
                 else f"{_when(moment)} UTC")
        self.as_of_label.setText(
            f"The codebook as of {where}: {len(tree)} code{'s' if len(tree) != 1 else ''} "
            "(read-only)." if tree else f"There were no codes yet as of {where}.")

    def as_of_rows(self) -> list[tuple[int, str, str]]:
        """The tree as shown: (depth, name, definition), top to bottom."""
        out: list[tuple[int, str, str]] = []

        def walk(item: QTreeWidgetItem, depth: int) -> None:
            out.append((depth, item.text(0), item.text(1)))
            for i in range(item.childCount()):
                walk(item.child(i), depth + 1)

        for i in range(self.as_of_tree.topLevelItemCount()):
            walk(self.as_of_tree.topLevelItem(i), 0)
        return out
