"""Team ▸ Agreement…: inter-coder agreement per code, disagreements, and convergence.

A window of its own (not modal: code in the main window while it is open) with the filters
every tab shares on top — round, question, attribute = value — and three tabs:

- **Agreement**: the per-code report (:func:`post_coder.team.agreement_report.agreement_report`)
  for the chosen code and coders, optionally one report per value of an attribute
  ("split by"), with the "low" and "tentative" thresholds. Compute (F5) runs it off the UI
  thread with a busy bar and Cancel: a round's report is stored (a write), so it is a job
  on the session's one writer; a report without a round writes nothing and runs on a
  read-only snapshot. Cancel drops the result (a report the writer has already begun is
  still stored: it is a true report of that moment). Export… writes the table as CSV,
  Markdown or XLSX (:func:`post_coder.export.tables.write_table`).
- **Disagreements** (:mod:`post_coder.ui.disagreements_view`).
- **Convergence** (:mod:`post_coder.ui.convergence_view`).

Where agreement may not be shown (a blind read scope, a coder package) the window shows
the core's :class:`~post_coder.team.agreement_report.AgreementHidden` sentence instead of
the tabs, and computes nothing.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QDeadlineTimer, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFileDialog, QHBoxLayout,
                               QLabel, QMenu, QProgressBar, QPushButton, QStackedWidget,
                               QTabWidget, QToolButton, QVBoxLayout, QWidget)

from post_coder.changes import Changes
from post_coder.errors import Cancelled, PostCoderError
from post_coder.export.tables import agreement_table, write_table
from post_coder.progress import Progress
from post_coder.project import Project
from post_coder.queries import ReadScope
from post_coder.team.agreement_report import (DEFAULT_THRESHOLDS, AgreementHidden,
                                                agreement_by_attribute, agreement_report,
                                                check_visible)
from post_coder.team.package import package_info
from post_coder.team.rounds import list_rounds
from post_coder.ui.background import BackgroundReader
from post_coder.ui.convergence_view import ConvergenceView
from post_coder.ui.disagreements_view import DisagreementsView
from post_coder.ui.errors import show_error, show_unexpected
from post_coder.ui.models import reads
from post_coder.ui.models.agreement_models import AgreementModel
from post_coder.ui.session import Session
from post_coder.ui.widgets.filter_bar import _combo, _fill
from post_coder.ui.widgets.tables import read_only_table
from post_coder.ui.workspace import CodingWorkspace

#: bootstrap resamples for alpha's interval (the issue asks for at least 1,000)
RESAMPLES = 1000
EXPORT_FILTERS = {"CSV (*.csv)": ".csv", "Markdown (*.md)": ".md",
                  "Excel workbook (*.xlsx)": ".xlsx"}
STALE = "The filters changed: press Compute (F5) to update the table."
NOT_YET = "Choose the filters and press Compute (F5)."


def compute_reports(project: Project, scope: ReadScope, options: dict[str, Any],
                    split: str | None, progress: Progress) -> dict[str | None, Any] | Exception:
    """The job behind Compute (on the writer, or a read-only snapshot): value → report, or
    the plain error to show in the window (a report that cannot be made is not a crash)."""
    if progress.cancelled:
        raise Cancelled()
    try:
        if split is not None:
            rest = {k: v for k, v in options.items() if k != "attribute"}
            return dict(agreement_by_attribute(project, scope, split, **rest))
        return {None: agreement_report(project, scope, **options)}
    except PostCoderError as exc:
        return exc


class SharedFilters(QWidget):
    """Round, question and attribute = value: the filters every tab uses."""

    changed = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.round = _combo("agreementRound", "A round's report is stored, for convergence "
                                              "across rounds; every response is not")
        self.round.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.question = _combo("agreementQuestion", "Only the responses to one question")
        self.variable = _combo("agreementAttribute", "Only respondents with one value of an "
                                                     "attribute")
        self.value = _combo("agreementValue", "The attribute's value")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for text, widget in (("&Round:", self.round), ("&Question:", self.question),
                             ("A&ttribute:", self.variable), ("=", self.value)):
            label = QLabel(text)
            label.setBuddy(widget)
            layout.addWidget(label)
            layout.addWidget(widget)
        layout.addStretch(1)
        self.refresh(first=True)
        for combo in (self.round, self.question, self.value):
            combo.currentIndexChanged.connect(lambda _=0: self.changed.emit())
        self.variable.currentIndexChanged.connect(self._variable_chosen)

    def refresh(self, first: bool = False) -> None:
        project = self.session.project
        rounds = list_rounds(project)
        _fill(self.round, "Every response (not stored)",
              [(f"{r.name} ({r.round.status}{', blind' if r.round.blind else ''})", r.id,
                f"{r.responses:,} responses; coders " + ", ".join(n for _, n in r.coders))
               for r in rounds])
        if first and rounds:
            self.round.setCurrentIndex(len(rounds))  # the latest round
        _fill(self.question, "All questions",
              [(q.column_name, q.id, q.wording) for q in reads.questions(project)])
        _fill(self.variable, "(any)", [(v.label or v.name, v.name, v.name)
                                       for v in reads.variables(project)])
        self._fill_values()

    def _variable_chosen(self) -> None:
        self._fill_values()
        self.changed.emit()

    def _fill_values(self) -> None:
        name = self.variable.currentData()
        variable = next((v for v in reads.variables(self.session.project) if v.name == name),
                        None)
        values = reads.variable_choices(self.session.project, variable.id) if variable else []
        _fill(self.value, "(any value)", [(v, v, "") for v in values])
        self.value.setEnabled(bool(values))

    def round_id(self) -> str | None:
        return self.round.currentData()

    def question_ids(self) -> list[str] | None:
        q = self.question.currentData()
        return [q] if q else None

    def attribute(self) -> tuple[str, str] | None:
        name, value = self.variable.currentData(), self.value.currentData()
        return (name, value) if name and value is not None else None

    def set_round(self, round_id: str | None) -> None:
        self.round.setCurrentIndex(max(self.round.findData(round_id), 0))

    def set_attribute(self, name: str | None, value: str | None = None) -> None:
        self.variable.setCurrentIndex(max(self.variable.findData(name), 0))
        if value is not None:
            self.value.setCurrentIndex(max(self.value.findData(value), 0))


class AgreementTab(QWidget):
    """The per-code report with its own filters, thresholds, Compute, Cancel and Export."""

    #: a report was computed (a round's is stored: the convergence tab reloads)
    computed = Signal()

    def __init__(self, session: Session, filters: SharedFilters,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.filters = session, filters
        #: the last reports shown (value → AgreementReport.as_dict()), and their split
        self.reports: dict[str | None, dict[str, Any]] = {}
        self.split_by: str | None = None
        self.running = False
        self._generation = 0
        self._progress: Progress | None = None
        self._reader = BackgroundReader(session.project.path, self)
        self._reader.did_finish.connect(lambda out: self._finished(*out))
        self._reader.did_fail.connect(self._reader_failed)
        self._build()
        self.refresh_choices()

    # -- building ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.code = _combo("agreementCode", "One code, or every active code in codebook order")
        self.coders_button = QToolButton(objectName="agreementCoders", text="Coders: all",
                                         popupMode=QToolButton.ToolButtonPopupMode.InstantPopup,
                                         toolTip="Compare only some coders (at least two); none "
                                                 "ticked: all the round's coders (without a "
                                                 "round: all who marked responses done)")
        self.coders_menu = QMenu(self.coders_button)
        self.coders_button.setMenu(self.coders_menu)
        self.split = _combo("agreementSplit", "One report per value of an attribute (for "
                                              "example per department)")
        self.roll_up = QCheckBox("Parents &include sub-codes", objectName="agreementRollUp",
                                 toolTip="A parent code counts as applied where one of its "
                                         "sub-codes was (else only its own codings count)")
        self.low = self._threshold("agreementLow", DEFAULT_THRESHOLDS[0],
                                   "Alpha below this is flagged low (Krippendorff: 0.667 is "
                                   "the lowest conceivable limit)")
        self.high = self._threshold("agreementHigh", DEFAULT_THRESHOLDS[1],
                                    "Alpha below this is flagged tentative (Krippendorff: 0.80 "
                                    "for drawing conclusions)")
        self.compute_button = QPushButton("&Compute", objectName="agreementCompute",
                                          toolTip="Compute the report (F5); a round's report "
                                                  "is stored for the convergence tab")
        self.compute_button.setDefault(True)
        self.compute_button.clicked.connect(self.compute)
        self.cancel_button = QPushButton("Cancel", objectName="agreementCancel", visible=False)
        self.cancel_button.clicked.connect(self.cancel)
        self.export_button = QPushButton("&Export…", objectName="agreementExport",
                                         enabled=False, toolTip="Write the table as CSV, "
                                                                "Markdown or XLSX")
        self.export_button.clicked.connect(lambda: self.export())
        self.busy = QProgressBar(objectName="agreementBusy", visible=False, maximumWidth=140,
                                 textVisible=False)
        self.busy.setRange(0, 0)
        self.status = QLabel(NOT_YET, objectName="agreementStatus", wordWrap=True)
        self.model = AgreementModel(self)
        self.table = read_only_table(self.model, "agreementTable")
        self.table.setAlternatingRowColors(True)

        row = QHBoxLayout()
        for text, widget in (("C&ode:", self.code), (None, self.coders_button),
                             ("&Split by:", self.split), (None, self.roll_up),
                             ("Flag α below", self.low),
                             ("and", self.high)):
            if text:
                label = QLabel(text)
                label.setBuddy(widget)
                row.addWidget(label)
            row.addWidget(widget)
        row.addStretch(1)
        for widget in (self.busy, self.cancel_button, self.compute_button, self.export_button):
            row.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        refresh = QAction("Compute", self, objectName="agreementComputeAction",
                          shortcut=QKeySequence(QKeySequence.StandardKey.Refresh))
        refresh.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        refresh.triggered.connect(self.compute)
        self.addAction(refresh)
        for combo in (self.code, self.split):
            combo.currentIndexChanged.connect(self._mark_stale)
        for spin in (self.low, self.high):
            spin.valueChanged.connect(self._mark_stale)
        self.roll_up.toggled.connect(self._mark_stale)
        self.filters.changed.connect(self._mark_stale)

    def _threshold(self, name: str, value: float, tip: str) -> QDoubleSpinBox:
        spin = QDoubleSpinBox(objectName=name, toolTip=tip, decimals=3, minimum=0.0,
                              maximum=1.0, singleStep=0.01)
        spin.setValue(value)
        return spin

    def refresh_choices(self) -> None:
        project = self.session.project
        tree = reads.code_tree(project)
        self._depths = {t.code.id: t.depth for t in tree}
        _fill(self.code, "All codes", [("    " * t.depth + t.code.name, t.code.id,
                                        t.code.definition or "") for t in tree])
        _fill(self.split, "(no split)", [(v.label or v.name, v.name, v.name)
                                         for v in reads.variables(project)])
        ticked = set(self.chosen_coders() or ())
        self.coders_menu.clear()
        for coder in reads.coders(project):
            action = self.coders_menu.addAction(coder.name)
            action.setCheckable(True)
            action.setChecked(coder.id in ticked)
            action.setData(coder.id)
            action.toggled.connect(self._coders_toggled)
        self._coders_toggled()

    def _coders_toggled(self, *_: object) -> None:
        names = [a.text() for a in self.coders_menu.actions() if a.isChecked()]
        self.coders_button.setText("Coders: " + (", ".join(names) if names else "all"))
        self.coders_button.setMinimumWidth(
            self.coders_button.fontMetrics().horizontalAdvance(self.coders_button.text()) + 36)
        self._mark_stale()

    # -- the report's options --------------------------------------------------------------------
    def chosen_coders(self) -> list[str] | None:
        if not hasattr(self, "coders_menu"):
            return None
        ids = [a.data() for a in self.coders_menu.actions() if a.isChecked()]
        return ids or None

    def set_coders(self, coder_ids: list[str] | None) -> None:
        for action in self.coders_menu.actions():
            action.setChecked(action.data() in (coder_ids or ()))

    def options(self) -> tuple[dict[str, Any], str | None]:
        """The core's keyword arguments for the filters shown, and the attribute to split by."""
        split = self.split.currentData()
        code = self.code.currentData()
        options: dict[str, Any] = {
            "round": self.filters.round_id(), "questions": self.filters.question_ids(),
            "codes": [code] if code else None, "coders": self.chosen_coders(),
            "attribute": self.filters.attribute(),  # not used when split
            "thresholds": (round(self.low.value(), 3), round(self.high.value(), 3)),
            "roll_up": self.roll_up.isChecked(), "resamples": RESAMPLES, "seed": 0}
        return options, split

    # -- computing ---------------------------------------------------------------------------------
    def compute(self) -> None:
        """Compute the report off the UI thread (see the module docstring)."""
        if not self.isEnabled():
            return
        self._generation += 1
        generation = self._generation
        options, split = self.options()
        scope = self.session.scope
        progress = self._progress = Progress()
        self._set_running(True)

        def job(project: Project) -> Any:
            return compute_reports(project, scope, options, split, progress)

        if options["round"] is not None and not self.session.readonly:  # stored: a write
            self.session.submit(self, job, label="Agreement report",
                                on_done=lambda out: self._finished(generation, out),
                                on_failed=lambda exc: self._failed(generation))
        else:  # nothing to store: a read-only snapshot
            self._reader.request(lambda project: (generation, job(project)))

    def cancel(self) -> None:
        """Stop waiting: the table stays as it was (see the module docstring)."""
        if not self.running:
            return
        if self._progress is not None:
            self._progress.cancel()
        self._generation += 1
        self._reader.cancel()
        self._set_running(False)
        self.status.setText("Cancelled; the table shows the last report computed."
                            if self.reports else "Cancelled. " + NOT_YET)

    def wait(self, ms: int = 30_000) -> bool:
        """Process events until the computation has delivered (tests)."""
        deadline = QDeadlineTimer(ms)
        while self.running and not deadline.hasExpired():
            QCoreApplication.processEvents()
            threading.Event().wait(0.005)
        return not self.running

    def _set_running(self, running: bool) -> None:
        self.running = running
        self.busy.setVisible(running)
        self.cancel_button.setVisible(running)
        self.compute_button.setEnabled(not running)
        if running:
            self.status.setText("Computing agreement…")

    def _failed(self, generation: int) -> None:
        if generation == self._generation:
            self._set_running(False)
            self.status.setText("The report could not be computed.")

    def _reader_failed(self, error: BaseException) -> None:
        self._set_running(False)
        self.status.setText("The report could not be computed.")
        show_unexpected(self, error)

    def _finished(self, generation: int, outcome: Any) -> None:
        if generation != self._generation:
            return  # cancelled, or a newer computation replaced it
        self._set_running(False)
        if isinstance(outcome, AgreementHidden):
            self.window_hidden(str(outcome))
            return
        if isinstance(outcome, Exception):
            self.status.setText(_sentence(str(outcome)))
            return
        options, split = self.options()
        self.reports = {value: _tree_order(report.as_dict(), self._depths)
                        for value, report in outcome.items()}
        self.split_by = split
        self.model.set_reports(self.reports, self._depths)
        self.export_button.setEnabled(bool(self.reports))
        self.status.setText(self._summary())
        self.computed.emit()

    def window_hidden(self, text: str) -> None:
        window = self.window()
        if isinstance(window, AgreementWindow):
            window.show_hidden(text)

    def _summary(self) -> str:
        first = next(iter(self.reports.values()), None)
        if first is None:
            return f"The attribute “{self.split_by}” has no values."
        where = f"round “{first['round']}”" if first["round"] else "every response"
        coders = ", ".join(first["coders"])
        if self.split_by:
            units = sum(r["units"] for r in self.reports.values())
            text = (f"{where}, split by {self.split_by} ({len(self.reports)} values, "
                    f"{units:,} responses in all); coders {coders}.")
        else:
            text = (f"{where}: {first['units']:,} responses marked done by two or more of "
                    f"{coders}.")
        stored = first["round"] and first.get("id")
        text = text[0].upper() + text[1:]
        return text + (" Stored for the convergence tab." if stored else "")

    def _mark_stale(self, *_: object) -> None:
        if self.reports and not self.running:
            self.status.setText(STALE)

    # -- export --------------------------------------------------------------------------------
    def export(self, path: str | Path | None = None) -> Path | None:
        """Write the table shown (one row per code) as CSV, Markdown or XLSX."""
        if not self.reports:
            return None
        if path is None:
            suggested = self.session.project.path.with_name(
                f"{self.session.project.path.stem} agreement.csv")
            chosen, kind = QFileDialog.getSaveFileName(self, "Export agreement",
                                                       str(suggested), ";;".join(EXPORT_FILTERS))
            if not chosen:
                return None
            if not Path(chosen).suffix and kind in EXPORT_FILTERS:
                chosen += EXPORT_FILTERS[kind]
            path = chosen
        if self.split_by:
            header, rows = agreement_table(self.reports, by=self.split_by)
        else:
            header, rows = agreement_table(self.reports[None])
        try:
            written = write_table(path, header, rows, title="Agreement")
        except PostCoderError as exc:
            show_error(self, exc)
            return None
        self.status.setText(f"Wrote {len(rows)} rows to {written.name}.")
        return written


def _tree_order(report: dict[str, Any], tree: dict[str, int]) -> dict[str, Any]:
    """The report with its codes in the codebook tree's order (each parent followed by its
    sub-codes), as the codebook panel shows them; codes not in the tree go last."""
    place = {code_id: n for n, code_id in enumerate(tree)}
    report["codes"] = sorted(report["codes"], key=lambda c: place.get(c["code_id"], len(place)))
    return report


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


class AgreementWindow(QWidget):
    """Team ▸ Agreement… (see the module docstring)."""

    #: show this response in the main window's coding workspace
    response_requested = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("agreementWindow")
        self.setWindowFlag(Qt.WindowType.Window)
        self.setWindowTitle("Agreement — POST Coder")
        self.session = session
        self.filters = SharedFilters(session, self)
        self.agreement = AgreementTab(session, self.filters, self)
        self.disagreements = DisagreementsView(session, self.filters, self)
        self.disagreements.response_requested.connect(self.response_requested)
        self.convergence = ConvergenceView(session, self.agreement, self)
        self.agreement.computed.connect(self.convergence.reload)
        self.tabs = QTabWidget(objectName="agreementTabs")
        self.tabs.addTab(self.agreement, "&Agreement")
        self.tabs.addTab(self.disagreements, "&Disagreements")
        self.tabs.addTab(self.convergence, "Co&nvergence")
        self.tabs.currentChanged.connect(self._tab_changed)
        self.hidden_label = QLabel(objectName="agreementHidden", wordWrap=True,
                                   alignment=Qt.AlignmentFlag.AlignCenter)
        hidden = QWidget(objectName="agreementHiddenPage")
        hidden_layout = QVBoxLayout(hidden)
        hidden_layout.addStretch(1)
        title = QLabel("<b>Agreement is not shown here</b>", alignment=Qt.AlignmentFlag.AlignCenter)
        hidden_layout.addWidget(title)
        hidden_layout.addWidget(self.hidden_label)
        hidden_layout.addStretch(1)
        self.stack = QStackedWidget(objectName="agreementStack")
        self.stack.addWidget(self.tabs)
        self.stack.addWidget(hidden)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filters)
        layout.addWidget(self.stack, 1)
        escape = QAction("Cancel or close", self, objectName="agreementEscape",
                         shortcut=QKeySequence(Qt.Key.Key_Escape))
        escape.triggered.connect(self.escape)
        self.addAction(escape)
        session.visibility_did_change.connect(self.check_visible)
        session.project_did_change.connect(self._project_changed)
        self.resize(1180, 640)
        self.check_visible()

    @property
    def hidden(self) -> bool:
        return self.stack.currentIndex() == 1

    def check_visible(self) -> bool:
        """Show the tabs, or the plain reason agreement is hidden here; True if shown."""
        try:
            check_visible(self.session.project, self.session.scope)
        except AgreementHidden as exc:
            self.show_hidden(str(exc))
            return False
        was_hidden = self.hidden
        self.stack.setCurrentIndex(0)
        self.filters.setEnabled(True)
        self.filters.show()
        self.agreement.setEnabled(True)
        if was_hidden:
            self.disagreements.reload()
        return True

    def show_hidden(self, text: str) -> None:
        self.agreement.cancel()
        self.disagreements.cancel()
        hint = ("Open the lead's project to see agreement and disagreements." if
                package_info(self.session.project) is not None else
                "They appear here once the blind round is closed; until then the lead, who "
                "does not code in the round, sees them.")
        self.hidden_label.setText(_sentence(text) + "\n\n" + hint)
        self.stack.setCurrentIndex(1)
        self.filters.setEnabled(False)
        self.filters.hide()
        self.agreement.setEnabled(False)

    def compute(self) -> None:
        self.agreement.compute()

    def escape(self) -> None:
        """Esc: cancel the computation under way, else close the window."""
        if self.agreement.running:
            self.agreement.cancel()
        else:
            self.close()

    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.disagreements:
            self.disagreements.reload_if_stale()

    def _project_changed(self, changes: Changes, initiator: object) -> None:
        if changes.project or changes.codes or changes.coders or changes.datasets:
            self.filters.refresh()
            self.agreement.refresh_choices()
            self.disagreements.refresh_choices()
        self.check_visible()
        self.disagreements.project_changed()


def reveal_response(workspace: CodingWorkspace, response_id: str) -> bool:
    """Select this response in the coding workspace's list, clearing its filters if they
    hide it; True if it is now the current response."""
    if workspace.select_response(response_id):
        return _focus(workspace)
    model = workspace.model
    if not model.complete:
        model.wait_until_complete(10_000)
        if workspace.select_response(response_id):
            return _focus(workspace)
    workspace.filter_bar.clear()
    if not workspace.select_response(response_id) and not model.complete:
        model.wait_until_complete(10_000)
        workspace.select_response(response_id)
    if workspace.current_response_id() != response_id:
        workspace.say("That response is not in this project any more.")
        return False
    workspace.say("Showing the response from the Agreement window (filters cleared).")
    return _focus(workspace)


def _focus(workspace: CodingWorkspace) -> bool:
    window = workspace.window()
    window.raise_()
    window.activateWindow()
    workspace.table.setFocus()
    return True
