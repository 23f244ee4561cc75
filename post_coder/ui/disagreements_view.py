"""The Agreement window's Disagreements tab: every response × code where the coders differ.

Rows come from :func:`post_coder.team.agreement_report.disagreements` (a read: it runs on a
read-only snapshot through :class:`~post_coder.ui.background.BackgroundReader`, so the
window never waits), filtered by the window's round, question and attribute value and by
this tab's code, coder pair and status (open / resolved). Beside them, the number of
disagreements per code. Double-click or Enter on a row asks to show that response in the
coding workspace (``response_requested``). The tab reloads after every action while it is
shown (codings, done marks and review decisions change it), and when it is next shown
otherwise.
"""

from __future__ import annotations

from itertools import combinations
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QHeaderView, QLabel, QSplitter,
                               QVBoxLayout, QWidget)

from post_coder.errors import PostCoderError
from post_coder.project import Project
from post_coder.queries import ReadScope, response_rows
from post_coder.team.agreement_report import AgreementHidden, disagreements
from post_coder.team.rounds import list_rounds
from post_coder.ui.background import BackgroundReader
from post_coder.ui.errors import show_unexpected
from post_coder.ui.models import reads
from post_coder.ui.models.agreement_models import (QUESTION, TEXT, CountsModel,
                                                   DisagreementModel, DisagreementRow)
from post_coder.ui.widgets.filter_bar import _fill
from post_coder.ui.widgets.tables import read_only_table

if TYPE_CHECKING:
    from post_coder.ui.agreement_window import SharedFilters
    from post_coder.ui.session import Session

#: a burst of actions reloads the tab once
RELOAD_AFTER_MS = 300


def load_disagreements(project: Project, scope: ReadScope, options: dict[str, Any]
                       ) -> tuple[Any, dict[str, str]] | PostCoderError:
    """The disagreements and each one's response text (in the background)."""
    try:
        found = disagreements(project, scope, **options)
    except PostCoderError as exc:
        return exc
    ids = list(dict.fromkeys(d.response_id for d in found.rows))
    texts = {r.id: r.text for r in response_rows(project, scope, ids)} if ids else {}
    return found, texts


class DisagreementsView(QWidget):
    """See the module docstring."""

    response_requested = Signal(str)
    #: rows were (re)loaded
    loaded = Signal()

    def __init__(self, session: "Session", filters: "SharedFilters",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.filters = session, filters
        self.result: Any = None
        self._stale = True
        self._reader = BackgroundReader(session.project.path, self)
        self._reader.did_finish.connect(self._loaded)
        self._reader.did_fail.connect(self._failed)
        self._timer = QTimer(self, singleShot=True, interval=RELOAD_AFTER_MS)
        self._timer.timeout.connect(self.reload)
        self.code = QComboBox(objectName="disagreementCode")
        self.pair = QComboBox(objectName="disagreementPair",
                              toolTip="Compare just two coders (the responses both marked done)")
        self.status = QComboBox(objectName="disagreementStatus",
                                toolTip="Resolved: a review session recorded a decision")
        for text, data in (("Open and resolved", None), ("Open", "open"),
                           ("Resolved", "resolved")):
            self.status.addItem(text, data)
        self.summary = QLabel(objectName="disagreementSummary", wordWrap=True)
        self.model = DisagreementModel(self)
        self.table = read_only_table(self.model, "disagreementTable")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(TEXT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(QUESTION, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(QUESTION, 180)  # a question's wording can be long: see its tooltip
        self.table.setToolTip("Double-click or Enter: show this response in the coding "
                              "workspace")
        self.table.doubleClicked.connect(lambda index: self.open_row(index.row()))
        self.table.installEventFilter(self)
        self.counts = CountsModel(self)
        self.counts_table = read_only_table(self.counts, "disagreementCounts")
        self.counts_table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Stretch)
        self.counts_table.setToolTip("Double-click a code to list only its disagreements")
        self.counts_table.doubleClicked.connect(self._count_chosen)

        row = QHBoxLayout()
        for text, widget in (("C&ode:", self.code), ("Coder &pair:", self.pair),
                             ("S&tatus:", self.status)):
            label = QLabel(text)
            label.setBuddy(widget)
            row.addWidget(label)
            row.addWidget(widget)
        row.addStretch(1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(self.counts_table)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)
        self.refresh_choices()
        for combo in (self.code, self.pair, self.status):
            combo.currentIndexChanged.connect(lambda _=0: self.reload())
        filters.changed.connect(self._filters_changed)

    # -- choices ---------------------------------------------------------------------------
    def refresh_choices(self) -> None:
        _fill(self.code, "All codes", [("    " * t.depth + t.code.name, t.code.id, "")
                                       for t in reads.code_tree(self.session.project)])
        self._fill_pairs()

    def _fill_pairs(self) -> None:
        round_id = self.filters.round_id()
        people: list[tuple[str, str]]
        if round_id is not None:
            found = next((r for r in list_rounds(self.session.project) if r.id == round_id),
                         None)
            people = list(found.coders) if found else []
        else:
            people = [(c.id, c.name) for c in reads.coders(self.session.project)]
        people.sort(key=lambda p: p[1].casefold())
        _fill(self.pair, "All coders", [(f"{a[1]} / {b[1]}", f"{a[0]}|{b[0]}", "")
                                        for a, b in combinations(people, 2)])

    def options(self) -> dict[str, Any]:
        pair = self.pair.currentData()
        code = self.code.currentData()
        return {"round": self.filters.round_id(), "questions": self.filters.question_ids(),
                "attribute": self.filters.attribute(), "codes": [code] if code else None,
                "coder_pair": tuple(pair.split("|")) if pair else None,
                "status": self.status.currentData()}

    # -- loading -------------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the disagreements again in the background."""
        window = self.window()
        if getattr(window, "hidden", False):
            return
        self._timer.stop()
        self._stale = False
        options, scope = self.options(), self.session.scope
        self.summary.setText("Finding disagreements…")
        self._reader.request(lambda project: load_disagreements(project, scope, options))

    def reload_if_stale(self) -> None:
        if self._stale:
            self.reload()

    def project_changed(self) -> None:
        """After an action: reload soon if the tab is shown, else when it is next shown."""
        if self.isVisible():
            self._timer.start()
        else:
            self._stale = True

    def cancel(self) -> None:
        self._reader.cancel()
        self._timer.stop()

    def wait(self, ms: int = 30_000) -> bool:
        """Process events until the newest load has arrived (tests)."""
        return self._reader.wait(ms)

    def _filters_changed(self) -> None:
        self._fill_pairs()
        if self.isVisible():
            self.reload()
        else:
            self._stale = True

    def _loaded(self, outcome: Any) -> None:
        if isinstance(outcome, AgreementHidden):
            window = self.window()
            if hasattr(window, "show_hidden"):
                window.show_hidden(str(outcome))
            return
        if isinstance(outcome, PostCoderError):
            self.result = None
            self.model.set_rows([])
            self.counts.set_rows([])
            text = str(outcome)
            self.summary.setText(text[:1].upper() + text[1:])
            self.loaded.emit()
            return
        found, texts = outcome
        self.result = found
        # the responses in file order (as found); within one, codes in the codebook's tree
        tree = reads.code_tree(self.session.project)
        by_id = {t.code.id: n for n, t in enumerate(tree)}
        by_name = {t.code.name: n for n, t in enumerate(tree)}
        first: dict[str, int] = {}
        rows = sorted(found.rows, key=lambda d: (first.setdefault(d.response_id, len(first)),
                                                 by_id.get(d.code_id, len(by_id))))
        self.model.set_rows([DisagreementRow(d, texts.get(d.response_id, "")) for d in rows])
        self.counts.set_rows(sorted(found.counts.items(),
                                    key=lambda kv: by_name.get(kv[0], len(by_name))))
        n = len(found.rows)
        self.summary.setText(
            f"{n:,} disagreement{'s' if n != 1 else ''} over {found.units:,} responses marked "
            f"done by two or more of {', '.join(found.coders)}. Double-click or Enter shows "
            "a response in the coding workspace.")
        self.loaded.emit()

    def _failed(self, error: BaseException) -> None:
        self.summary.setText("The disagreements could not be read.")
        show_unexpected(self, error)

    # -- going to a response ---------------------------------------------------------------------
    def open_row(self, row: int) -> None:
        response = self.model.response_id(row)
        if response:
            self.response_requested.emit(response)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.table and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            index = self.table.currentIndex()
            if index.isValid():
                self.open_row(index.row())
                return True
        return super().eventFilter(watched, event)

    def _count_chosen(self, index: Any) -> None:
        r = self.counts.row_at(index.row())
        if r is None:
            return
        code_id = next((t.code.id for t in reads.code_tree(self.session.project)
                        if t.code.name == r[0]), None)
        at = self.code.findData(code_id)
        if at >= 0:
            self.code.setCurrentIndex(at)
