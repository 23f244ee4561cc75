"""The coding grid's model: ordered response ids in memory, rows fetched by page on demand.

Only the id list of the current :class:`ResponseQuery` is held (filtering and sorting run in
SQL). ``data()`` fetches the ~200-row page around the row it is asked for into an id-keyed
cache. After an action the cache is marked stale and rows refetch lazily as they repaint;
the model resets only when the query (or the set of responses) changes. ``flags()`` never
fetches. There is no proxy model: ``sort()`` changes the query's sort and reloads the ids.

A new query shows its first rows at once: the model runs it with a LIMIT, and when that
many came back it loads the whole id list in the background on a read-only connection
(:class:`~post_coder.ui.background.BackgroundReader`), then appends the remaining rows (a newer query makes an older load stale).

Every read goes through the model's read scope (``set_scope``; the workspace passes the
session's): the Codes and Coded columns and the coding filters see only its codings.

Codes per coder (``set_coder_mode``): pooled (one list), with each coder's initials in the
Codes column ("AB Burnout · CD Burnout, Workload"), or one column per coder (the coders
at work the scope sees, after the fixed columns and before the attribute columns). The
Done column is the reader's own done mark (:mod:`post_coder.coding.done`). The Agreement
column (:mod:`post_coder.team.unit_agreement`) holds a marker only where agreement may be
seen (``agreement_visible``: not in a blind scope or a coder package); elsewhere it is
empty, never a false "agree", and the workspace hides it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QColor

from post_coder.changes import Changes
from post_coder.project import Project
from post_coder.queries import (Coder, CoderMarks, ReadScope, ResponseQuery, coder_marks,
                                coders_at_work, response_ids, response_rows)
from post_coder.team.agreement_report import AgreementHidden, check_visible
from post_coder.team.unit_agreement import DISAGREE, TOO_FEW, ResponseAgreement, response_agreement
from post_coder.ui.background import BackgroundReader
from post_coder.ui.models import Index, reads, read_only_row_flags

PAGE_SIZE = 200
#: rows the first, synchronous run of a query returns; the rest load in the background
HEAD_ROWS = 2 * PAGE_SIZE
#: rows kept in the cache before it is emptied (a bound on memory for huge projects)
CACHE_LIMIT = 20_000
SNIPPET_CHARS = 240

RESPONDENT, QUESTION, RESPONSE, CODES, CODED, DONE, AGREEMENT = range(7)
HEADERS = ("Respondent", "Question", "Response", "Codes", "Coded", "Done", "Agreement")
#: how the codes are shown per coder: one pooled list, with initials, one column per coder
POOLED, INITIALS, COLUMNS = "pooled", "initials", "columns"
CODER_MODES = (POOLED, INITIALS, COLUMNS)
NOTHING_APPLIES = "(nothing applies)"
#: what the Agreement column shows for each state
AGREEMENT_TEXT = {"agree": "agree", DISAGREE: "disagree", TOO_FEW: "<2 done"}
#: column → ResponseQuery.sort (columns not listed cannot be sorted)
SORT_KEYS = {RESPONDENT: "respondent", QUESTION: "question", RESPONSE: "length"}
#: role that returns a row's response id without fetching anything
ResponseIdRole = Qt.ItemDataRole.UserRole + 1
#: role that returns the answer for wrapped rows (whitespace runs as one space, bounded)
ResponseTextRole = Qt.ItemDataRole.UserRole + 16
#: characters of an answer a wrapped row can show (a few lines of the widest column)
WRAPPED_CHARS = 2000



@dataclass(frozen=True)
class _Row:
    respondent: str
    respondent_id: str
    question: str
    snippet: str
    text: str
    codes: str
    coded: bool
    attributes: tuple[str, ...]
    generation: int
    #: the reader's done mark: "" (not done), "✓" or "✓ none" (done, nothing applies)
    done: str = ""
    #: per coder column (COLUMNS mode): (cell text, tooltip)
    by_coder: tuple[tuple[str, str], ...] = ()
    agreement: ResponseAgreement | None = None
    question_text: str = ""


def snippet(text: str, limit: int = SNIPPET_CHARS) -> str:
    """One line of the response: whitespace runs (newlines too) become one space."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


class ResponseTableModel(QAbstractTableModel):
    """Responses matching a query; see the module docstring for how rows are loaded."""

    #: the whole id list of the current query is in (after a background load)
    loading_did_finish = Signal()
    #: agreement became visible (True) or hidden (False): show or hide its column
    agreement_visibility_did_change = Signal(bool)

    def __init__(self, project: Project, scope: ReadScope,
                 query: ResponseQuery = ResponseQuery(), parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._project = project
        self._scope = scope
        self._query = query
        #: loads the whole id list of a long query (a newer query drops an older load)
        self._loader = BackgroundReader(project.path, self)
        self._loader.did_finish.connect(self._on_ids_loaded)
        self._loader.did_fail.connect(self._on_load_failed)
        self._ids: list[str] = self._first_ids(query)
        self._rows_of: dict[str, int] | None = None
        self._cache: dict[str, _Row] = {}
        self._generation = 0
        self._attribute_ids: list[str] = []
        self._attribute_labels: list[str] = []
        self._coder_mode = POOLED
        self._coders: dict[str, Coder] = {}
        #: the coders with a column of their own (COLUMNS mode)
        self._coder_columns: list[Coder] = []
        self._agreement_visible = self._check_agreement()
        self._attribute_tips: dict[str, str] = {}
        #: how many pages were fetched, and which (tests and diagnostics)
        self.fetch_count = 0
        self.fetched_pages: list[int] = []

    # -- the query ---------------------------------------------------------------------------
    @property
    def query(self) -> ResponseQuery:
        return self._query

    def set_query(self, query: ResponseQuery) -> None:
        """Show the responses of another query (runs it first: a bad query changes nothing)."""
        ids = self._first_ids(query)
        self.beginResetModel()
        self._query, self._ids = query, ids
        self._rows_of = None
        self._cache.clear()
        self.endResetModel()

    def detach(self) -> None:
        """The project is closing: drop any background load still under way."""
        self._loader.cancel()
        self._complete = True

    @property
    def complete(self) -> bool:
        """Whether every row of the query is in (no background load under way)."""
        return self._complete

    def wait_until_complete(self, ms: int = 30_000) -> bool:
        """Process events until the background load is in (tests, benchmarks, exports)."""
        self._loader.wait(ms)
        return self._complete

    def _first_ids(self, query: ResponseQuery) -> list[str]:
        self._loader.cancel()  # a newer query makes an older load stale
        head = response_ids(self._project, self._scope, query, limit=HEAD_ROWS)
        self._complete = len(head) < HEAD_ROWS
        if not self._complete:
            scope = self._scope
            self._loader.request(lambda reader: response_ids(reader, scope, query))
        return head

    def _on_load_failed(self, error: BaseException) -> None:
        self._complete = True  # the short list stays; the reader logged the error
        self.loading_did_finish.emit()

    def _on_ids_loaded(self, ids: list[str]) -> None:
        self._complete = True
        if ids[:len(self._ids)] == self._ids:
            if len(ids) > len(self._ids):
                self.beginInsertRows(QModelIndex(), len(self._ids), len(ids) - 1)
                self._ids, self._rows_of = ids, None
                self.endInsertRows()
        else:  # the project changed in between: show the complete, current list
            self.beginResetModel()
            self._ids, self._rows_of = ids, None
            self._cache.clear()
            self.endResetModel()
        self.loading_did_finish.emit()

    def reload(self) -> None:
        """Run the current query again (responses were added or removed)."""
        self.set_query(self._query)

    def apply_changes(self, changes: Changes) -> None:
        """React to an action: new id list if responses changed, else stale rows."""
        if changes.coders or changes.project or changes.responses or changes.datasets:
            self._coders = {}
            self._update_agreement_visible()
        if self._coder_mode == COLUMNS and (changes.coders or changes.project):
            # (the reader always has a column; others' work arrives by merges, which mark
            # coders and project — counting every coding after each one would stall)
            self._update_coder_columns()
        if changes.responses or changes.datasets:
            if changes.datasets and self._attribute_ids:
                self.set_attribute_columns(list(self._attribute_ids))  # renamed labels
            self.reload()
        elif changes.codings or changes.codes or changes.coders:
            self.mark_stale()

    @property
    def scope(self) -> ReadScope:
        return self._scope

    def set_scope(self, scope: ReadScope) -> None:
        """Read through another scope (blinding began or ended): the query runs again."""
        if scope != self._scope:
            self._scope = scope
            self._update_agreement_visible()
            self._update_coder_columns()
            self.reload()

    # -- codes per coder, done marks and agreement -------------------------------------------
    @property
    def coder_mode(self) -> str:
        return self._coder_mode

    def set_coder_mode(self, mode: str) -> None:
        """Show the codes pooled, with each coder's initials, or in one column per coder."""
        if mode not in CODER_MODES:
            raise ValueError(f"unknown coder mode {mode!r}")
        if mode == self._coder_mode:
            return
        self._coder_mode = mode
        self._update_coder_columns()
        self.mark_stale()

    def coder_columns(self) -> list[str]:
        """Ids of the coders with a column of their own (in one-column-per-coder mode)."""
        return [c.id for c in self._coder_columns]

    @property
    def agreement_visible(self) -> bool:
        """Whether the Agreement column may show markers (everyone's codings are visible)."""
        return self._agreement_visible

    def _check_agreement(self) -> bool:
        try:
            check_visible(self._project, self._scope)
        except AgreementHidden:
            return False
        return True

    def _update_agreement_visible(self) -> None:
        visible = self._check_agreement()
        if visible != self._agreement_visible:
            self._agreement_visible = visible
            self.mark_stale()
            self.agreement_visibility_did_change.emit(visible)

    def _coder_info(self) -> dict[str, Coder]:
        if not self._coders:
            self._coders = {c.id: c for c in reads.coders(self._project)}
        return self._coders

    def _update_coder_columns(self) -> None:
        """The coders at work that the scope sees (and the reader), by name."""
        wanted: list[Coder] = []
        if self._coder_mode == COLUMNS:
            working = {c.id for c in coders_at_work(self._project, self._scope)}
            working.add(self._scope.coder_id or "")
            wanted = sorted((c for c in reads.coders(self._project)
                             if c.id in working and self._scope.sees(c.id)),
                            key=lambda c: (c.name.casefold(), c.id))
        if [c.id for c in wanted] == self.coder_columns():
            if wanted != self._coder_columns:  # renamed: same columns, new headers
                self._coder_columns = wanted
                self.headerDataChanged.emit(Qt.Orientation.Horizontal, len(HEADERS),
                                            len(HEADERS) + len(wanted) - 1)
            return
        first = len(HEADERS)
        if self._coder_columns:
            self.beginRemoveColumns(QModelIndex(), first, first + len(self._coder_columns) - 1)
            self._coder_columns = []
            self.endRemoveColumns()
        self._generation += 1  # cached rows lack the new cells
        if wanted:
            self.beginInsertColumns(QModelIndex(), first, first + len(wanted) - 1)
            self._coder_columns = wanted
            self.endInsertColumns()

    def mark_stale(self) -> None:
        """Cached rows refetch the next time they are shown; nothing is reset."""
        self._generation += 1
        if self._ids:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._ids) - 1, self.columnCount() - 1))

    # -- ids and rows ------------------------------------------------------------------------
    def response_ids(self) -> list[str]:
        """The ordered ids of every row (a copy)."""
        return list(self._ids)

    def response_id(self, row: int) -> str | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, response_id: str | None) -> int:
        """The row showing ``response_id``, or -1."""
        if response_id is None:
            return -1
        if self._rows_of is None:
            self._rows_of = {rid: n for n, rid in enumerate(self._ids)}
        return self._rows_of.get(response_id, -1)

    # -- attribute columns -------------------------------------------------------------------
    def attribute_columns(self) -> list[str]:
        return list(self._attribute_ids)

    def set_attribute_columns(self, variable_ids: list[str]) -> None:
        """Show these respondent attributes as extra columns (after the fixed ones)."""
        # an attribute's short label heads its column; its full text is the header's tooltip
        found = reads.variables(self._project)
        labels = {v.id: v.shown for v in found}
        self._attribute_tips = {v.id: v.label or v.name for v in found}
        wanted = [v for v in dict.fromkeys(variable_ids) if v in labels]
        if wanted == self._attribute_ids:  # the same columns: their labels may be renamed
            self._attribute_labels = [labels[v] for v in wanted]
            if wanted:
                self.headerDataChanged.emit(Qt.Orientation.Horizontal, len(HEADERS),
                                            len(HEADERS) + len(wanted) - 1)
            return
        first = self._attributes_first()
        if self._attribute_ids:
            self.beginRemoveColumns(QModelIndex(), first, first + len(self._attribute_ids) - 1)
            self._attribute_ids, self._attribute_labels = [], []
            self.endRemoveColumns()
        self._generation += 1  # cached rows lack the new values
        if wanted:
            self.beginInsertColumns(QModelIndex(), first, first + len(wanted) - 1)
            self._attribute_ids = wanted
            self._attribute_labels = [labels[v] for v in wanted]
            self.endInsertColumns()

    def _attributes_first(self) -> int:
        return len(HEADERS) + len(self._coder_columns)

    # -- Qt model API ------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else (self._attributes_first() + len(self._attribute_ids))

    def flags(self, index: Index) -> Qt.ItemFlag:
        return read_only_row_flags(index)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < self.columnCount():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._header(section)
        if role == Qt.ItemDataRole.ToolTipRole:
            coder = self._column_coder(section)
            if coder is not None:
                return f"Codes applied by {coder.name}"
            if section >= self._attributes_first():
                return self._attribute_tips.get(
                    self._attribute_ids[section - self._attributes_first()])
            return _HEADER_TIPS.get(section, self._header(section))
        if role == Qt.ItemDataRole.InitialSortOrderRole and section == RESPONSE:
            return Qt.SortOrder.DescendingOrder  # longest first
        return None

    def _header(self, section: int) -> str:
        if section < len(HEADERS):
            return HEADERS[section]
        coder = self._column_coder(section)
        if coder is not None:
            return f"{coder.initials} codes"
        return self._attribute_labels[section - self._attributes_first()]

    def _column_coder(self, section: int) -> Coder | None:
        n = section - len(HEADERS)
        return self._coder_columns[n] if 0 <= n < len(self._coder_columns) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self._valid(index):
            return None
        if role == ResponseIdRole:
            return self._ids[index.row()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return (Qt.AlignmentFlag.AlignCenter if index.column() in (CODED, DONE, AGREEMENT)
                    else None)
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == AGREEMENT:
            row = self._row(index.row())
            disagree = row is not None and row.agreement is not None and \
                row.agreement.state == DISAGREE
            return QColor("#b3261e") if disagree else None
        if role == ResponseTextRole and index.column() == RESPONSE:
            row = self._row(index.row())
            return snippet(row.text, WRAPPED_CHARS) if row is not None else None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        row = self._row(index.row())
        if row is None:
            return "(no longer in the project)" if index.column() == RESPONSE else ""
        column = index.column()
        if len(HEADERS) <= column < self._attributes_first():
            text, tip = row.by_coder[column - len(HEADERS)]
            return tip if role == Qt.ItemDataRole.ToolTipRole else text
        if column >= self._attributes_first():
            return row.attributes[column - self._attributes_first()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(row, column)
        return _display(row, column)

    def _valid(self, index: Index) -> bool:
        return (index.isValid() and index.model() is self and 0 <= index.row() < len(self._ids)
                and 0 <= index.column() < self.columnCount())

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = SORT_KEYS.get(column)
        if key is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) != (self._query.sort, self._query.descending):
            self.set_query(replace(self._query, sort=key, descending=descending))

    def sort_column(self) -> int:
        """The column the current query is sorted by, or -1."""
        for column, key in SORT_KEYS.items():
            if key == self._query.sort:
                return column
        return -1

    # -- fetching ----------------------------------------------------------------------------
    def _row(self, row: int) -> _Row | None:
        response_id = self._ids[row]
        cached = self._cache.get(response_id)
        if cached is None or cached.generation != self._generation:
            self._fetch_page(row // PAGE_SIZE)
            cached = self._cache.get(response_id)
        return cached

    def _fetch_page(self, page: int) -> None:
        ids = self._ids[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]
        rows = response_rows(self._project, self._scope, ids, coder_ids=self._query.coder_ids)
        marks = coder_marks(self._project, self._scope, [r.id for r in rows])
        agreement: dict[str, ResponseAgreement] = {}
        if self._agreement_visible:
            try:
                agreement = response_agreement(self._project, self._scope,
                                               [r.id for r in rows], marks=marks)
            except AgreementHidden:  # hidden since the last check: no marker, never "agree"
                agreement = {}
        attributes: dict[str, tuple[str, ...]] = {}
        if self._attribute_ids:
            attributes = reads.attribute_values(
                self._project, [r.respondent_id for r in rows], self._attribute_ids)
        if len(self._cache) + len(ids) > CACHE_LIMIT:
            self._cache.clear()
        for r in ids:
            self._cache.pop(r, None)  # a removed response shows as gone, not as stale
        blank = ("",) * len(self._attribute_ids)
        for r in rows:
            mark = marks[r.id]
            codes = (", ".join(r.codes) if self._coder_mode == POOLED
                     else self._with_initials(mark))
            self._cache[r.id] = _Row(
                r.respondent, r.respondent_id, r.question, snippet(r.text), r.text,
                codes, bool(r.codes), attributes.get(r.respondent_id, blank),
                self._generation, self._done_text(mark),
                tuple(_coder_cell(mark, c) for c in self._coder_columns),
                agreement.get(r.id), question_text=r.question_text)
        self.fetch_count += 1
        self.fetched_pages.append(page)

    def _done_text(self, mark: CoderMarks) -> str:
        me = self._scope.coder_id
        if me is None or me not in mark.done:
            return ""
        return "✓" if mark.codes.get(me) else "✓ none"

    def _with_initials(self, mark: CoderMarks) -> str:
        """'AB Burnout · CD Burnout, Workload' (the coders "Coded by" allows, by name)."""
        allowed = self._query.coder_ids
        parts = []
        for coder in sorted(self._coder_info().values(),
                            key=lambda c: (c.name.casefold(), c.id)):
            if allowed is not None and coder.id not in allowed:
                continue
            if not self._scope.sees(coder.id):
                continue
            codes = mark.codes.get(coder.id)
            if codes:
                parts.append(f"{coder.initials} {', '.join(codes)}")
            elif coder.id in mark.done:
                parts.append(f"{coder.initials} {NOTHING_APPLIES}")
        return " · ".join(parts)


_HEADER_TIPS = {
    RESPONDENT: "Respondent id, in file order (click to sort)",
    QUESTION: "The open-ended question answered (click to sort by question)",
    RESPONSE: "The answer, on one line (click to sort by length)",
    CODES: "Codes applied (by the coder chosen in “Coded by”, if any); View ▸ Codes by "
           "Coder shows whose they are",
    CODED: "✓ when the response has at least one code",
    DONE: "✓ when you marked the response done (Enter, or applying a code); ✓ none: done, "
          "nothing applies (0)",
    AGREEMENT: "Whether the coders who marked the response done applied the same codes "
               "(agree), not (disagree), or fewer than two coders are done (<2 done)",
}


def _display(row: _Row, column: int) -> str:
    if column == RESPONDENT:
        return row.respondent
    if column == QUESTION:
        return row.question
    if column == RESPONSE:
        return row.snippet
    if column == CODES:
        return row.codes
    if column == CODED:
        return "✓" if row.coded else ""
    if column == DONE:
        return row.done
    if column == AGREEMENT:
        return AGREEMENT_TEXT[row.agreement.state] if row.agreement else ""
    return ""


def _tooltip(row: _Row, column: int) -> str:
    if column == QUESTION:  # the short label is shown; its full text on hover
        return row.question_text or row.question
    if column == RESPONSE:
        return row.text if len(row.text) <= 1500 else row.text[:1499] + "…"
    if column == DONE:
        return {"": "Not marked done by you yet (Enter marks it done and moves on)",
                "✓": "You marked this response done",
                "✓ none": "You marked this response done: nothing applies"}[row.done]
    if column == AGREEMENT:
        return row.agreement.describe() if row.agreement else ""
    return _display(row, column)


def _coder_cell(mark: CoderMarks, coder: Coder) -> tuple[str, str]:
    """(text, tooltip) of a coder's own column."""
    codes = mark.codes.get(coder.id)
    if codes:
        return ", ".join(codes), f"{coder.name}: {', '.join(codes)}"
    if coder.id in mark.done:
        return NOTHING_APPLIES, f"{coder.name} marked it done: nothing applies"
    return "", f"{coder.name} has not marked it done"
