"""What the suggestion windows (Analysis ▸ Suggest Themes, Suggest Codes) share: a row of
options ending in Run, a clear empty state until a run has something to show, a list with a
summary under it beside the details of its current item, and the run itself in the
background (:func:`post_coder.ui.tasks.run_task`, on a read-only snapshot, with a progress
dialog that can cancel). The first run in a session loads the text tools (scikit-learn,
a few seconds) and says so; the app never loads them at start-up.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QLabel,
                               QPushButton, QSplitter, QStackedWidget, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

from post_coder.errors import InputError
from post_coder.progress import Progress
from post_coder.project import Project
from post_coder.queries import questions
from post_coder.ui.errors import show_error
from post_coder.ui.session import Session
from post_coder.ui.tasks import Task, run_task

LOADING = "Loading the text tools…"
ID_ROLE = Qt.ItemDataRole.UserRole


def text_tools_loaded() -> bool:
    """Whether scikit-learn is loaded already (a run then starts at once)."""
    return "sklearn" in sys.modules


class SuggestionWindow(QWidget):
    """A window of its own over the main window; subclasses fill ``options`` and call
    :meth:`lay_out`."""

    def __init__(self, session: Session, parent: QWidget | None, *, name: str, title: str,
                 empty: str) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.session = session
        self.task: Task | None = None
        self.options = QHBoxLayout()
        self.run_button = QPushButton("&Run")
        self.run_button.setObjectName(f"{name}Run")
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(self.run)
        self.summary = QLabel("")
        self.summary.setObjectName(f"{name}Summary")
        self.summary.setWordWrap(True)
        self.empty = QLabel(empty)
        self.empty.setObjectName(f"{name}Empty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)

    def question_combo(self) -> QComboBox:
        """All open-ended questions, or one (its column name as the data)."""
        combo = QComboBox()
        combo.addItem("All open-ended questions", None)
        for q in questions(self.session.project):
            combo.addItem(q.shown, q.column_name)
        return combo

    def add_option(self, label: str | None, widget: QWidget) -> None:
        if label:
            tag = QLabel(label)
            tag.setBuddy(widget)
            self.options.addWidget(tag)
        self.options.addWidget(widget)

    def lay_out(self, listing: QWidget, details: list[QWidget | QHBoxLayout],
                sizes: tuple[int, int]) -> None:
        """The options row with Run; then the empty state, or the list with the summary
        under it beside the details (top to bottom; the first list-like one stretches)."""
        self.options.addStretch(1)
        self.options.addWidget(self.run_button)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(listing, 1)
        lv.addWidget(self.summary)
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        for part in details:
            if isinstance(part, QHBoxLayout):
                rv.addLayout(part)
            else:
                rv.addWidget(part, 0 if isinstance(part, QLabel) else 1)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes(list(sizes))
        self.stack.addWidget(split)
        layout = QVBoxLayout(self)
        layout.addLayout(self.options)
        layout.addWidget(self.stack, 1)
        self.resize(1100, 700)

    def show_list(self, listing: QTreeWidget, select: int, empty_text: str) -> None:
        """The list with its row ``select`` (or the last) current when it has rows, or else
        the empty state saying ``empty_text``."""
        n = listing.topLevelItemCount()
        self.stack.setCurrentIndex(1 if n else 0)
        if n:
            listing.setCurrentItem(listing.topLevelItem(min(select, n - 1)))
        else:
            self.empty.setText(empty_text)

    # -- running ---------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.task is not None and self.task.running

    def run(self) -> Task | None:  # pragma: no cover - each window has its own
        raise NotImplementedError

    def start(self, title: str, work: Callable[[Project, Progress], Any],
              on_done: Callable[[Any], None]) -> Task:
        """Run ``work`` on a read-only snapshot; ``on_done(result)`` on the UI thread."""
        def done(result: Any) -> None:
            self.run_button.setEnabled(True)
            on_done(result)

        self.run_button.setEnabled(False)
        self.task = run_task(self, title if text_tools_loaded() else LOADING,
                             self.session.project.path, work, done)
        for signal in (self.task.failed, self.task.cancelled):
            signal.connect(lambda *_: self.run_button.setEnabled(True))
        return self.task

    def coder(self) -> str | None:
        """The coder acting (whom accepting applies codes as); says so when nobody is."""
        if self.session.coder_id is None:
            show_error(self, InputError("choose who you are first (Edit ▸ Change Coder…): "
                                        "what you accept is applied as you"))
        return self.session.coder_id

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if self.running:
            self.task.cancel()
        super().closeEvent(event)


class ProposalWindow(SuggestionWindow):
    """A suggestion window whose list holds proposals a person may rename and dismiss
    (themes, groupings): ``proposals`` with their ``labels``, shown in ``tree`` with the
    label in column 0 (F2 or a double-click edits it; Delete dismisses). Subclasses
    implement :meth:`fill` (calling :meth:`fill_rows`) and :meth:`show_current`."""

    def __init__(self, session: Session, parent: QWidget | None, *, name: str, title: str,
                 empty: str, headers: list[str]) -> None:
        super().__init__(session, parent, name=name, title=title, empty=empty)
        self.proposals: list[Any] = []
        self.labels: list[str] = []
        self._filling = False
        self.tree = QTreeWidget()
        self.tree.setObjectName(f"{name}List")
        self.tree.setHeaderLabels(headers)
        self.tree.setRootIsDecorated(False)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.DoubleClicked)
        self.tree.currentItemChanged.connect(lambda *_: self.show_current())
        self.tree.itemChanged.connect(self._renamed)
        QShortcut(QKeySequence(Qt.Key.Key_F2), self.tree, self.start_rename)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.tree,
                  self.dismiss_current)

    def fill(self, select: int = 0) -> None:  # pragma: no cover - each window has its own
        raise NotImplementedError

    def show_current(self) -> None:  # pragma: no cover - each window has its own
        raise NotImplementedError

    def label_changed(self, i: int) -> None:
        """Proposal ``i`` was renamed (by default: show the current one again)."""
        self.show_current()

    def fill_rows(self, rows: list[list[str]], select: int,
                  empty_text: str) -> list[QTreeWidgetItem]:
        """One editable row per proposal (in order); the list or the empty state."""
        self._filling = True
        self.tree.clear()
        items = []
        for i, row in enumerate(rows):
            item = QTreeWidgetItem(row)
            item.setData(0, ID_ROLE, i)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            self.tree.addTopLevelItem(item)
            items.append(item)
        self._filling = False
        self.show_list(self.tree, select, empty_text)
        self.show_current()
        return items

    def current_index(self) -> int | None:
        item = self.tree.currentItem()
        return None if item is None else item.data(0, ID_ROLE)

    def start_rename(self) -> None:
        item = self.tree.currentItem()
        if item is not None:
            self.tree.editItem(item, 0)

    def rename(self, label: str) -> None:
        """Set the current proposal's label (what the editor does)."""
        item = self.tree.currentItem()
        if item is not None:
            item.setText(0, label)

    def _renamed(self, item: QTreeWidgetItem, column: int) -> None:
        if self._filling or column != 0:
            return
        i = item.data(0, ID_ROLE)
        label = " ".join(item.text(0).split())
        if label:  # an empty name keeps the old one
            self.labels[i] = label
        self._filling = True
        item.setText(0, self.labels[i])
        self._filling = False
        self.label_changed(i)

    def drop(self, i: int) -> None:
        """Take proposal ``i`` off the list (accepted or dismissed)."""
        del self.proposals[i]
        del self.labels[i]
        self.fill(select=i)

    def dismiss_current(self) -> None:
        i = self.current_index()
        if i is not None:
            self.drop(i)
