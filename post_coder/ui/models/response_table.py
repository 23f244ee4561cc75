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
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, Signal

from post_coder.changes import Changes
from post_coder.project import Project
from post_coder.queries import ReadScope, ResponseQuery, response_ids, response_rows
from post_coder.ui.background import BackgroundReader
from post_coder.ui.models import Index, reads, read_only_row_flags

PAGE_SIZE = 200
#: rows the first, synchronous run of a query returns; the rest load in the background
HEAD_ROWS = 2 * PAGE_SIZE
#: rows kept in the cache before it is emptied (a bound on memory for huge projects)
CACHE_LIMIT = 20_000
SNIPPET_CHARS = 240

RESPONDENT, QUESTION, RESPONSE, CODES, CODED = range(5)
HEADERS = ("Respondent", "Question", "Response", "Codes", "Coded")
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


def snippet(text: str, limit: int = SNIPPET_CHARS) -> str:
    """One line of the response: whitespace runs (newlines too) become one space."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


class ResponseTableModel(QAbstractTableModel):
    """Responses matching a query; see the module docstring for how rows are loaded."""

    #: the whole id list of the current query is in (after a background load)
    loading_did_finish = Signal()

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
        if changes.responses or changes.datasets:
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
            self.reload()

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
        labels = {v.id: (v.label or v.name) for v in reads.variables(self._project)}
        wanted = [v for v in dict.fromkeys(variable_ids) if v in labels]
        if wanted == self._attribute_ids:
            return
        first = len(HEADERS)
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

    # -- Qt model API ------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS) + len(self._attribute_ids)

    def flags(self, index: Index) -> Qt.ItemFlag:
        return read_only_row_flags(index)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < self.columnCount():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._header(section)
        if role == Qt.ItemDataRole.ToolTipRole:
            return _HEADER_TIPS.get(section, self._header(section))
        if role == Qt.ItemDataRole.InitialSortOrderRole and section == RESPONSE:
            return Qt.SortOrder.DescendingOrder  # longest first
        return None

    def _header(self, section: int) -> str:
        if section < len(HEADERS):
            return HEADERS[section]
        return self._attribute_labels[section - len(HEADERS)]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self._valid(index):
            return None
        if role == ResponseIdRole:
            return self._ids[index.row()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter if index.column() == CODED else None
        if role == ResponseTextRole and index.column() == RESPONSE:
            row = self._row(index.row())
            return snippet(row.text, WRAPPED_CHARS) if row is not None else None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        row = self._row(index.row())
        if row is None:
            return "(no longer in the project)" if index.column() == RESPONSE else ""
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(row, index.column())
        return _display(row, index.column())

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
            self._cache[r.id] = _Row(
                r.respondent, r.respondent_id, r.question, snippet(r.text), r.text,
                ", ".join(r.codes), bool(r.codes), attributes.get(r.respondent_id, blank),
                self._generation)
        self.fetch_count += 1
        self.fetched_pages.append(page)


_HEADER_TIPS = {
    RESPONDENT: "Respondent id, in file order (click to sort)",
    QUESTION: "The open-ended question answered (click to sort by question)",
    RESPONSE: "The answer, on one line (click to sort by length)",
    CODES: "Codes applied (by the coder chosen in “Coded by”, if any)",
    CODED: "✓ when the response has at least one code",
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
    return row.attributes[column - len(HEADERS)]


def _tooltip(row: _Row, column: int) -> str:
    if column == RESPONSE:
        return row.text if len(row.text) <= 1500 else row.text[:1499] + "…"
    return _display(row, column)
