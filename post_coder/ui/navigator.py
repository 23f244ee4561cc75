"""The navigator: datasets and their open-ended questions, with answered/coded counts, and
their attributes.

Questions and attributes show their short labels, with the full text on hover. Right-click
(or F2) ▸ Rename short label…; on an attribute with levels, Edit level order….
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QDialog, QLabel, QMenu, QTreeWidget, QTreeWidgetItem,
                               QVBoxLayout, QWidget)

from post_coder.changes import Changes
from post_coder.queries import ProjectSummary, more_codings_than, project_summary
from post_coder.ui.background import SMALL_PROJECT_CODINGS, BackgroundReader
from post_coder.ui.dialogs.label_dialogs import LevelOrderDialog, ShortLabelDialog
from post_coder.ui.models import reads
from post_coder.ui.session import Session

ID_ROLE = Qt.ItemDataRole.UserRole
#: on an attribute's row: its VariableInfo (ID_ROLE stays None: it filters nothing)
ATTRIBUTE_ROLE = Qt.ItemDataRole.UserRole + 1
#: on a question's row: (short label, full text)
QUESTION_ROLE = Qt.ItemDataRole.UserRole + 2
#: attribute types whose levels have an order a person may change
ORDERED = ("ordinal", "categorical", "multi_select")


class QuestionNavigator(QWidget):
    """Emits ``question_selected(question_id or None)`` (None = all questions)."""

    question_selected = Signal(object)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.tree = QTreeWidget()
        self.tree.setObjectName("questionTree")
        self.tree.setHeaderLabels(["Questions", "Answered", "Coded"])
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self.tree.currentItemChanged.connect(self._current_changed)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._menu_at)
        rename = QAction("Rename short label…", self.tree, objectName="renameLabelAction")
        rename.setShortcut("F2")
        rename.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        rename.triggered.connect(lambda: self.rename_label())
        self.tree.addAction(rename)
        self.empty = QLabel("No survey yet.\nFile ▸ Import survey… (Ctrl+I)")
        self.empty.setObjectName("questionsEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree)
        layout.addWidget(self.empty)
        session.project_did_change.connect(self._changed)
        session.visibility_did_change.connect(self.reload)
        self._later = QTimer(self)  # coded counts refresh once after a burst of codings
        self._later.setSingleShot(True)
        self._later.setInterval(300)
        self._later.timeout.connect(self.reload)
        # a large project's coded counts are read in the background (see reload)
        self._large = more_codings_than(session.project, session.scope,
                                        SMALL_PROJECT_CODINGS)
        self.reader = BackgroundReader(session.project.path, self)
        self.reader.did_finish.connect(self._populate)
        self.reload()

    def _changed(self, changes: Changes, initiator: object) -> None:
        if changes.datasets or changes.responses:
            self.reload()
        elif changes.codings:
            self._later.start()

    def reload(self) -> None:
        scope = self.session.scope
        if self._large:
            self.reader.request(lambda reader: project_summary(reader, scope))
        else:
            self._populate(project_summary(self.session.project, scope))

    def _populate(self, summary: ProjectSummary) -> None:
        self._large = summary.totals["codings"] > SMALL_PROJECT_CODINGS
        current = self.current_question_id()
        self.tree.blockSignals(True)
        self.tree.clear()
        everything = QTreeWidgetItem(["All questions", str(summary.totals["responses"]), ""])
        everything.setData(0, ID_ROLE, None)
        self.tree.addTopLevelItem(everything)
        select = everything
        variables = reads.variables(self.session.project)
        surveys = [d for d in summary.datasets if d["kind"] != "log"]  # tables: nothing to code
        for d in surveys:
            ds = QTreeWidgetItem([d["name"], "", ""])
            ds.setData(0, ID_ROLE, None)
            ds.setToolTip(0, f"{d['original_name']} — {d['respondents']} respondents")
            self.tree.addTopLevelItem(ds)
            for q in (q for q in summary.questions if q["dataset_id"] == d["id"]):
                shown = q.get("short_label") or q["column_name"]
                item = QTreeWidgetItem([shown, str(q["responses"]), str(q["coded"])])
                item.setData(0, ID_ROLE, q["id"])
                item.setData(0, QUESTION_ROLE, (shown, q["wording"] or q["column_name"]))
                item.setToolTip(0, q["wording"] or q["column_name"])
                item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight)
                item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight)
                ds.addChild(item)
                if q["id"] == current:
                    select = item
            self._add_attributes(ds, d["id"], variables)
            ds.setExpanded(True)
        self.tree.setCurrentItem(select)
        self.tree.blockSignals(False)
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(0, self.tree.header().ResizeMode.Stretch)
        self.tree.resizeColumnToContents(1)
        self.tree.resizeColumnToContents(2)
        has_data = bool(surveys)
        self.tree.setVisible(has_data)
        self.empty.setVisible(not has_data)

    def _add_attributes(self, parent: QTreeWidgetItem, dataset_id: str,
                        variables: list[reads.VariableInfo]) -> None:
        """An "Attributes" row under the dataset, one child per attribute (collapsed)."""
        mine = [v for v in variables if v.dataset_id == dataset_id]
        if not mine:
            return
        group = QTreeWidgetItem([f"Attributes ({len(mine)})", "", ""])
        group.setData(0, ID_ROLE, None)
        group.setToolTip(0, "The respondents' attributes (filter by them in the filter bar)")
        parent.addChild(group)
        for v in mine:
            item = QTreeWidgetItem([v.shown, "", ""])
            item.setData(0, ID_ROLE, None)
            item.setData(0, ATTRIBUTE_ROLE, v)
            kind = v.type.replace("_", "-")
            levels = f"\nLevels: {' < '.join(v.levels)}" if v.type == "ordinal" and v.levels \
                else ""
            item.setToolTip(0, f"{v.label or v.name}\n({kind}){levels}")
            group.addChild(item)

    def _menu_at(self, pos: QPoint) -> None:
        item = self.tree.itemAt(pos)
        if item is None:
            return
        menu = self.context_menu(item)
        if menu is not None:
            menu.exec(self.tree.viewport().mapToGlobal(pos))

    def context_menu(self, item: QTreeWidgetItem) -> QMenu | None:
        """The menu a right-click on ``item`` opens (None on rows with nothing to do)."""
        variable = item.data(0, ATTRIBUTE_ROLE)
        if item.data(0, QUESTION_ROLE) is None and variable is None:
            return None
        menu = QMenu(self.tree)
        menu.setObjectName("navigatorMenu")
        menu.addAction("Rename short label…", lambda: self.rename_label(item))
        if variable is not None and variable.type in ORDERED:
            menu.addAction("Edit level order…", lambda: self.edit_level_order(item))
        return menu

    def rename_label(self, item: QTreeWidgetItem | None = None) -> ShortLabelDialog | None:
        """Open the rename dialog for a question or attribute row (the current one)."""
        item = item or self.tree.currentItem()
        if item is None:
            return None
        variable = item.data(0, ATTRIBUTE_ROLE)
        if variable is not None:
            dialog = ShortLabelDialog(self.session, "attribute", variable.id, variable.shown,
                                      variable.label or variable.name, self)
        elif item.data(0, QUESTION_ROLE) is not None:
            shown, full = item.data(0, QUESTION_ROLE)
            dialog = ShortLabelDialog(self.session, "question", item.data(0, ID_ROLE), shown,
                                      full, self)
        else:
            return None
        return self._open(dialog)

    def edit_level_order(self, item: QTreeWidgetItem | None = None) -> LevelOrderDialog | None:
        item = item or self.tree.currentItem()
        variable = item.data(0, ATTRIBUTE_ROLE) if item is not None else None
        if variable is None or variable.type not in ORDERED:
            return None
        levels = list(variable.levels) or reads.variable_choices(self.session.project,
                                                                  variable.id)
        return self._open(LevelOrderDialog(self.session, variable.id, variable.shown,
                                           levels, self))

    def _open(self, dialog: QDialog) -> QDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def current_question_id(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, ID_ROLE) if item is not None else None

    def _current_changed(self, item: QTreeWidgetItem | None, _old: object) -> None:
        if item is not None and (item.data(0, ID_ROLE) or item.text(0) == "All questions"):
            self.question_selected.emit(item.data(0, ID_ROLE))
