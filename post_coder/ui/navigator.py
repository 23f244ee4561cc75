"""The navigator: datasets and their open-ended questions, with answered/coded counts."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from post_coder.changes import Changes
from post_coder.queries import ProjectSummary, project_summary, project_totals
from post_coder.ui.background import SMALL_PROJECT_CODINGS, BackgroundReader
from post_coder.ui.session import Session

ID_ROLE = Qt.ItemDataRole.UserRole


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
        self._large = (project_totals(session.project, session.scope)["codings"]
                       > SMALL_PROJECT_CODINGS)
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
        surveys = [d for d in summary.datasets if d["kind"] != "log"]  # tables: nothing to code
        for d in surveys:
            ds = QTreeWidgetItem([d["name"], "", ""])
            ds.setData(0, ID_ROLE, None)
            ds.setToolTip(0, f"{d['original_name']} — {d['respondents']} respondents")
            self.tree.addTopLevelItem(ds)
            for q in (q for q in summary.questions if q["dataset_id"] == d["id"]):
                item = QTreeWidgetItem([q["column_name"], str(q["responses"]), str(q["coded"])])
                item.setData(0, ID_ROLE, q["id"])
                item.setToolTip(0, q["wording"])
                item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight)
                item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight)
                ds.addChild(item)
                if q["id"] == current:
                    select = item
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

    def current_question_id(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, ID_ROLE) if item is not None else None

    def _current_changed(self, item: QTreeWidgetItem | None, _old: object) -> None:
        if item is not None and (item.data(0, ID_ROLE) or item.text(0) == "All questions"):
            self.question_selected.emit(item.data(0, ID_ROLE))
