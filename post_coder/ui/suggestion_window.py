"""What the suggestion windows (Analysis ▸ Suggest Themes, Suggest Codes) share: a row of
options ending in Run, a clear empty state until a run has something to show, a list with a
summary under it beside the details of its current item, and the run itself in the
background (:func:`post_coder.ui.tasks.run_task`, on a read-only snapshot, with a progress
dialog that can cancel). The first run in a session loads the text tools (scikit-learn,
a few seconds) and says so; the app never loads them at start-up.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QLabel,
                               QPushButton, QSplitter, QStackedWidget, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

from post_coder.changes import Changes
from post_coder.coding.codebook import list_codes
from post_coder.coding.coders import list_coders
from post_coder.errors import InputError
from post_coder.progress import Progress
from post_coder.project import Project
from post_coder.queries import questions
from post_coder.ui.errors import show_error
from post_coder.ui.session import Session
from post_coder.ui.tasks import Task, run_task

LOADING = "Loading the text tools…"
ID_ROLE = Qt.ItemDataRole.UserRole
#: role of a "Learn from" choice holding its coder's id (see ``source_combo``)
CODER_ROLE = Qt.ItemDataRole.UserRole + 1


def existing_codes(project: Project, ids: Iterable[str]) -> set[str]:
    """Which of these codes exist in the project (active, merged or retired: an undone
    accept's code is gone altogether)."""
    wanted = set(ids)
    return {c.id for c in list_codes(project, include_inactive=True) if c.id in wanted}


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

    def source_combo(self, fixed: Sequence[tuple[str, str]]) -> QComboBox:
        """Where a run learns from: the ``fixed`` choices (text, source), the first being the
        default, then each coder's codings (``coder:NAME``), by name.

        The coders follow the project (:meth:`_list_coders`): one added later (Team ▸
        Coders…, a merge that brings new coders, an undo) is listed at once, one gone (the
        undo of adding them) leaves, a renamed one is shown by the new name. The choice
        stays where it was (on the same coder, renamed or not); when its coder is gone it
        falls back to the default."""
        combo = QComboBox()
        for text, source in fixed:
            combo.addItem(text, source)
        self._sources, self._fixed_sources = combo, len(fixed)
        self._list_coders()
        self.session.project_did_change.connect(self._coders_changed)
        return combo

    def _coders_changed(self, changes: Changes, _initiator: object) -> None:
        if changes.coders or changes.project:
            self._list_coders()

    def _list_coders(self) -> None:
        """The coders after the fixed choices, as they are now; the choice kept (see
        :meth:`source_combo`)."""
        combo, fixed = self._sources, self._fixed_sources
        was = combo.currentIndex()
        chosen = combo.itemData(was, CODER_ROLE) if was >= fixed else None
        combo.blockSignals(True)
        try:
            while combo.count() > fixed:
                combo.removeItem(fixed)
            for c in list_coders(self.session.project):
                combo.addItem(f"{c.name}'s codings", f"coder:{c.name}")
                combo.setItemData(combo.count() - 1, c.id, CODER_ROLE)
            found = combo.findData(chosen, CODER_ROLE) if chosen is not None else -1
            # a fixed choice stays; a coder's, while they are listed; else the default
            combo.setCurrentIndex(found if found >= 0 else was if 0 <= was < fixed else 0)
        finally:
            combo.blockSignals(False)

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
    """A suggestion window whose list holds proposals a person may rename, accept and
    dismiss (themes, groupings): ``proposals`` with their ``labels``, shown in ``tree`` with
    the label in column 0 (F2 or a double-click edits it; Delete dismisses). Subclasses
    implement :meth:`fill` (calling :meth:`fill_rows`) and :meth:`show_current`.

    A proposal stays in ``proposals`` (its index is its identity) when it leaves the list:
    dismissed, or accepted — then the list remembers the code accepting it made, and while
    that code exists the proposal stays out. Undoing the accept (Edit ▸ Undo, Ctrl+Z, in
    any window) removes the code, so the proposal is back in the list, as it was, to accept
    again; Redo takes it out again. The window follows every change the session announces."""

    def __init__(self, session: Session, parent: QWidget | None, *, name: str, title: str,
                 empty: str, headers: list[str]) -> None:
        super().__init__(session, parent, name=name, title=title, empty=empty)
        self.proposals: list[Any] = []
        self.labels: list[str] = []
        #: proposal index → the first code accepting it made
        self.accepted: dict[int, str] = {}
        self.dismissed: set[int] = set()
        #: which of the codes in ``accepted`` exist (read after every change of codes)
        self._existing: set[str] = set()
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
        session.project_did_change.connect(self._project_changed)

    def fill(self, select: int | None = None) -> None:  # pragma: no cover - each its own
        raise NotImplementedError

    def show_current(self) -> None:  # pragma: no cover - each window has its own
        raise NotImplementedError

    def label_changed(self, i: int) -> None:
        """Proposal ``i`` was renamed (by default: show the current one again)."""
        self.show_current()

    def codes_changed(self) -> None:
        """The codebook changed (an accept, an undo, an edit anywhere): by default nothing
        more than bringing back the proposals whose accept was undone."""

    # -- which proposals are listed -------------------------------------------------------
    def set_proposals(self, proposals: list[Any], labels: list[str]) -> None:
        """A new run's proposals: every one listed, nothing accepted or dismissed yet."""
        self.proposals, self.labels = list(proposals), list(labels)
        self.accepted, self.dismissed = {}, set()

    def listed(self) -> list[int]:
        """The indices of the proposals in the list: neither dismissed nor accepted (an
        accept whose code no longer exists was undone)."""
        return [i for i in range(len(self.proposals)) if i not in self.dismissed
                and self.accepted.get(i) not in self._existing]

    def fill_rows(self, rows: dict[int, list[str]], select: int | None,
                  empty_text: str) -> dict[int, QTreeWidgetItem]:
        """One editable row per listed proposal (``rows``: the texts by proposal index, in
        order), proposal ``select`` current (or the first); the list or the empty state."""
        self._filling = True
        self.tree.clear()
        items = {}
        for i, row in rows.items():
            item = QTreeWidgetItem(row)
            item.setData(0, ID_ROLE, i)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            self.tree.addTopLevelItem(item)
            items[i] = item
        self._filling = False
        order = list(rows)
        self.show_list(self.tree, order.index(select) if select in rows else 0, empty_text)
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

    def _after(self, i: int) -> int | None:
        """The proposal to select once ``i`` leaves the list: the next listed, or the
        last."""
        rest = [j for j in self.listed() if j != i]
        return next((j for j in rest if j > i), rest[-1] if rest else None)

    def mark_accepted(self, i: int, code_id: str) -> None:
        """Proposal ``i`` was accepted and made the code ``code_id``: it leaves the list
        while that code exists."""
        after = self._after(i)
        self.accepted[i] = code_id
        self._existing.add(code_id)
        self.fill(select=after)

    def dismiss_current(self) -> None:
        i = self.current_index()
        if i is not None:
            after = self._after(i)
            self.dismissed.add(i)
            self.fill(select=after)

    def _project_changed(self, changes: Changes, initiator: object) -> None:
        if not changes.codes:
            return
        before = self.listed()
        if self.accepted:
            self._existing = existing_codes(self.session.project, self.accepted.values())
        self.codes_changed()
        now = self.listed()
        if now == before:
            return
        back = [i for i in now if i not in before]
        current = self.current_index()
        self.fill(select=back[0] if back else current)
        if back:
            names = ", ".join(f"“{self.labels[i]}”" for i in back)
            self.summary.setText(f"{names} {'is' if len(back) == 1 else 'are'} back in the "
                                 "list: accepting it was undone.")
        else:
            self.summary.setText(f"{changes.label}: accepted again, it left the list.")
