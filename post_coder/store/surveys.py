"""SQL for importing survey files and reading back their structure.

Tables: ``datasets`` (one per imported file), ``respondents`` (one per data row),
``questions`` + ``responses`` (the open-ended answers to code) and ``variables`` +
``variable_values`` (respondent attributes such as department or a Likert item).

The bulk writers take iterables of tuples and use ``executemany``; they are meant to be
called in batches from inside one ``Project.transact`` block. Values in
``variable_values.value`` are numbers (int/float) for numeric variables and text otherwise;
a multi-select answer is one row per selected option; blanks are not stored.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from operator import itemgetter
from typing import Any, TypeVar

from sqlite_utils import Database

from post_coder.progress import alongside


@dataclass(frozen=True)
class DatasetInfo:
    id: str
    name: str
    original_name: str
    sha256: str
    format: str
    platform: str | None
    kind: str
    options: dict[str, Any]
    row_count: int
    imported_at: str
    imported_by: str | None
    respondents: int
    questions: int
    responses: int


@dataclass(frozen=True)
class QuestionInfo:
    id: str
    dataset_id: str
    column_name: str
    wording: str
    position: int
    #: responses stored (answered, to code)
    responses: int
    blank_count: int
    nonanswer_count: int
    #: what views show (see ``store/labels.py``); the full text is ``wording``
    short_label: str = ""

    @property
    def shown(self) -> str:
        return self.short_label or self.column_name


@dataclass(frozen=True)
class VariableInfo:
    id: str
    dataset_id: str
    name: str
    label: str
    type: str
    levels: tuple[str, ...]
    position: int
    #: respondents with at least one stored value
    respondents: int
    #: what views show (see ``store/labels.py``); the full text is ``label``
    short_label: str = ""

    @property
    def shown(self) -> str:
        return self.short_label or self.name


@dataclass(frozen=True)
class RespondentAnswer:
    """One stored response, with where it came from (for checks and exports)."""

    response_id: str
    respondent_id: str
    external_id: str
    row_number: int
    text: str


# -- writing -------------------------------------------------------------------------------

def find_datasets_by_sha256(db: Database, sha256: str) -> list[DatasetInfo]:
    """Datasets imported from a file with this content, oldest first."""
    return _datasets(db, "WHERE d.sha256 = ?", [sha256])


def insert_dataset(
    db: Database, *, id: str, name: str, original_name: str, sha256: str, format: str,
    platform: str | None, options: dict[str, Any], row_count: int, imported_at: str,
    imported_by: str | None, kind: str = "survey",
) -> None:
    """``kind`` is 'survey' (answers to code) or 'log' (a data table: rows of variables only)."""
    db.execute(
        "INSERT INTO datasets (id, name, original_name, sha256, format, platform, kind, options,"
        " row_count, imported_at, imported_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [id, name, original_name, sha256, format, platform, kind,
         json.dumps(options, ensure_ascii=False, sort_keys=True), row_count, imported_at,
         imported_by],
    )


def insert_respondents(db: Database, rows: Iterable[tuple[str, str, str, int]]) -> None:
    """Rows of (id, dataset_id, external_id, row_number), in multi-row statements of
    :data:`STATEMENT_ROWS` (half the time of one statement per row)."""
    rows = list(rows)
    for start in range(0, len(rows), STATEMENT_ROWS):
        chunk = rows[start:start + STATEMENT_ROWS]
        db.conn.execute(
            "INSERT INTO respondents (id, dataset_id, external_id, row_number) VALUES "
            + ",".join(["(?, ?, ?, ?)"] * len(chunk)), list(chain.from_iterable(chunk)))


def insert_questions(db: Database, rows: Iterable[tuple[str, str, str, str, int, int, int]]) -> None:
    """Rows of (id, dataset_id, column_name, wording, position, blank_count, nonanswer_count)."""
    db.conn.executemany(
        "INSERT INTO questions (id, dataset_id, column_name, wording, position, blank_count,"
        " nonanswer_count) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)


#: characters of response text per ``INSERT`` statement at most (a longer text goes alone):
#: SQLite holds a statement's bound values together, and a 50 MB answer among 5,000 others
#: cost 100 MB more than on its own
STATEMENT_TEXT = 4_000_000
#: rows per ``INSERT`` statement at most: a statement keeps SQLite's copy of the values last
#: bound to it (until it is bound again), and each statement length is a statement of its
#: own in the connection's cache. Statements of a whole 5,000-row batch kept 10 MB of an
#: import's answers in memory; 500 rows insert as fast.
STATEMENT_ROWS = 500


def insert_responses(db: Database, rows: Iterable[tuple[str, str, str, str]]) -> None:
    """Rows of (id, respondent_id, question_id, text), inserted in order.

    The rows go in multi-row ``INSERT … VALUES`` statements of :data:`STATEMENT_ROWS`
    (fewer when SQLite's limit on bound values or :data:`STATEMENT_TEXT` says so): with
    one statement per row the FTS5 trigger flushes the full-text index on every row, which
    is about five times slower. The texts are bound as they are (no JSON copy of a batch
    holding a 50 MB answer); a long one may be given :func:`handed`.
    """
    per_statement = max(1, min(STATEMENT_ROWS,
                               db.conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // 4))
    rows = list(rows)
    lengths = list(map(len, map(itemgetter(3), rows)))
    for start, end in statement_spans(lengths, per_statement):
        _insert_responses(db, rows[start:end])


def statement_spans(lengths: list[int], per_statement: int) -> Iterator[tuple[int, int]]:
    """(start, end) of each statement's rows, given each row's text length: in order, as
    many rows as fit (at most ``per_statement``, and at most :data:`STATEMENT_TEXT`
    characters unless one row alone has more). A run of rows that fits whole is taken at
    once (summed in C); rows are counted one by one only where a long text is near."""
    start, n = 0, len(lengths)
    while start < n:
        end = min(n, start + per_statement)
        if sum(lengths[start:end]) > STATEMENT_TEXT:
            end, size = start + 1, lengths[start]
            while end < n and end - start < per_statement \
                    and size + lengths[end] <= STATEMENT_TEXT:
                size += lengths[end]
                end += 1
        yield start, end
        start = end


class _Handed:
    """A long response text that SQLite takes over: the first (and only) time the
    ``sqlite3`` module asks for its value (through ``__conform__``, its adaptation
    protocol, just before binding it), the text is given and forgotten. SQLite binds a
    copy of it; when the holder had the only reference, the text is freed there, before
    SQLite makes the row out of that copy, instead of being held a third time until the
    statement ends."""

    __slots__ = ("text", "length")

    def __init__(self, text: str) -> None:
        self.text: str | None = text
        self.length = len(text)

    def __len__(self) -> int:
        return self.length

    def __conform__(self, protocol: object) -> str:
        text, self.text = self.text, None
        if text is None:
            raise RuntimeError("a long response text was already handed to SQLite")
        return text


def handed(text: str) -> Any:
    """``text`` as :func:`insert_responses` best takes it: a text longer than
    :data:`STATEMENT_TEXT` in a holder that gives it to SQLite once and forgets it (see
    :class:`_Handed`; a caller that keeps no other reference has it freed as soon as
    SQLite has its copy), any other text as it is."""
    return _Handed(text) if len(text) > STATEMENT_TEXT else text


#: one response with a long text: ``WHERE ?`` lets the statement run again inserting nothing
_ONE_LONG = ("INSERT INTO responses (id, respondent_id, question_id, text) SELECT ?, ?, ?, ?"
             " WHERE ?")


def _insert_responses(db: Database, chunk: list[tuple[str, str, str, str]]) -> None:
    if len(chunk) == 1 and len(chunk[0][3]) > STATEMENT_TEXT:
        db.conn.execute(_ONE_LONG, [*chunk[0], 1])
        # a cached statement keeps SQLite's copy of its bound values until it is bound again:
        # bind nothing to it, or a 50 MB answer stays in memory twice for the whole import
        db.conn.execute(_ONE_LONG, [None, None, None, None, 0])
        return
    db.conn.execute(
        "INSERT INTO responses (id, respondent_id, question_id, text) VALUES "
        + ",".join(["(?, ?, ?, ?)"] * len(chunk)),
        list(chain.from_iterable(chunk)))


#: the trigger that adds each inserted response to the full-text index (migration
#: 0002_response_search)
SEARCH_TRIGGER = "responses_fts_insert"


@contextmanager
def responses_indexed_at_end(db: Database) -> Iterator[SearchFill]:
    """Inside a transaction: the responses inserted in the block are added to the full-text
    index in one ``INSERT … SELECT`` (a :class:`SearchFill`, which the block gets) instead
    of by :data:`SEARCH_TRIGGER` statement by statement. The fill runs when the block ends,
    or earlier through :meth:`SearchFill.fill_while`.

    The trigger is dropped for the block and created again, from its own stored SQL, at the
    end; the index then holds the same words and rows as the trigger would have written
    (search results are identical). Bulk loading this way is faster (one pass, no flush of
    the index's pending terms per statement) and a very long answer's row and its index
    terms are not built in memory at the same time. When the block raises, nothing is
    restored here: the caller's transaction is rolled back, which brings the trigger back.
    The block must only insert responses (no updates or deletes: those keep their triggers,
    but an update of a row inserted in the block would be indexed twice).
    """
    if not db.conn.in_transaction:
        raise RuntimeError("responses_indexed_at_end needs an open transaction")
    row = db.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                     [SEARCH_TRIGGER]).fetchone()
    if row is None:
        raise RuntimeError(f"the trigger {SEARCH_TRIGGER} is missing")
    (last,) = db.execute("SELECT ifnull(max(seq), 0) FROM responses").fetchone()
    db.execute(f"DROP TRIGGER {SEARCH_TRIGGER}")
    fill = SearchFill(db, last)
    yield fill
    fill.finish()
    db.execute(row[0])


_T = TypeVar("_T")


class SearchFill:
    """Adds the responses after ``seq`` ``after`` to the full-text index, in one statement,
    once (:meth:`finish`, or :meth:`fill_while`)."""

    def __init__(self, db: Database, after: int) -> None:
        self.conn, self.after = db.conn, after
        self.done = False

    def fill_while(self, work: Callable[[], _T]) -> _T:
        """Fill the index here while ``work`` (Python only: it must not use the connection)
        runs beside it (:func:`~post_coder.progress.alongside`), and return what it
        returns (or raise what it raised, once the fill is over). SQLite fills the index
        outside Python's lock, so ``work`` runs on the other core meanwhile; it starts
        once the statements before the fill are done. (The other way round — the fill in
        a thread — lost the overlap: the thread waited for the lock between statements.)"""
        if self.done:
            return work()
        self._prepare()
        with alongside(work) as result:
            self._fill()
        self._restore()
        return result()

    def finish(self) -> None:
        """Fill the index (once: nothing more when it is filled already)."""
        if not self.done:
            self._prepare()
            self._fill()
            self._restore()

    def _prepare(self) -> None:
        # FTS5 writes its pending terms out each time they pass its hash size: fewer,
        # larger writes fill the index a sixth faster; the setting is put back (a config row)
        _search_hash_size(self.conn, BULK_HASH_BYTES)

    def _fill(self) -> None:
        self.conn.execute("INSERT INTO responses_fts(rowid, text) SELECT seq, text"
                          " FROM responses WHERE seq > ? ORDER BY seq", [self.after])
        self.done = True

    def _restore(self) -> None:
        _search_hash_size(self.conn, HASH_BYTES)


#: FTS5's memory for terms not yet written to the full-text index (its default, 1 MiB), and
#: while an import fills it in one pass (at most this much more memory held)
HASH_BYTES = 2**20
BULK_HASH_BYTES = 8 * 2**20


def _search_hash_size(conn: sqlite3.Connection, size: int) -> None:
    conn.execute("INSERT INTO responses_fts(responses_fts, rank) VALUES ('hashsize', ?)", [size])


def insert_variables(
    db: Database, rows: Iterable[tuple[str, str, str, str, str, list[str], int]]
) -> None:
    """Rows of (id, dataset_id, name, label, type, levels, position); levels become JSON."""
    db.conn.executemany(
        "INSERT INTO variables (id, dataset_id, name, label, type, levels, position)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        ((i, d, n, lab, t, json.dumps(list(lv), ensure_ascii=False), p)
         for i, d, n, lab, t, lv, p in rows))


def update_variable_levels(db: Database, variable_id: str, levels: list[str]) -> None:
    """Replace a variable's levels (their order is the order shown and exported)."""
    db.execute("UPDATE variables SET levels = ? WHERE id = ?",
               [json.dumps(list(levels), ensure_ascii=False), variable_id])


def set_short_labels(db: Database, dataset_id: str, labels: dict[str, str]) -> None:
    """Give a dataset's questions and variables these short labels, by column name."""
    for table, column in (("questions", "column_name"), ("variables", "name")):
        db.conn.executemany(
            f"UPDATE {table} SET short_label = ? WHERE dataset_id = ? AND {column} = ?",
            [(label, dataset_id, name) for name, label in labels.items()])


def update_short_label(db: Database, table: str, row_id: str, label: str) -> None:
    """Rename one question's (``table`` "questions") or variable's short label."""
    assert table in ("questions", "variables")
    db.execute(f"UPDATE {table} SET short_label = ? WHERE id = ?", [label, row_id])


def names_in_dataset(db: Database, dataset_id: str) -> list[tuple[str, str, str]]:
    """(id, column name, short label) of a dataset's questions and variables."""
    return db.execute(
        "SELECT id, column_name, short_label FROM questions WHERE dataset_id = ? UNION ALL"
        " SELECT id, name, short_label FROM variables WHERE dataset_id = ?",
        [dataset_id, dataset_id]).fetchall()


def insert_variable_values(db: Database, rows: Iterable[tuple[str, str, Any]]) -> None:
    """Rows of (variable_id, respondent_id, value); value is int, float or str.

    They go in as multi-row ``INSERT … VALUES`` statements of :data:`STATEMENT_ROWS` (or
    fewer, as SQLite's limit on bound values says): a fifth faster than one statement per
    row, and a tenth faster than 5,000-row statements."""
    per_statement = max(1, min(STATEMENT_ROWS,
                               db.conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // 3))
    rows = list(rows)
    for start in range(0, len(rows), per_statement):
        chunk = rows[start:start + per_statement]
        db.conn.execute(
            "INSERT INTO variable_values (variable_id, respondent_id, value) VALUES "
            + ",".join(["(?, ?, ?)"] * len(chunk)),
            list(chain.from_iterable(chunk)))


# -- reading -------------------------------------------------------------------------------

_DATASET_SELECT = """
SELECT d.id, d.name, d.original_name, d.sha256, d.format, d.platform, d.kind, d.options,
       d.row_count, d.imported_at, d.imported_by,
       (SELECT count(*) FROM respondents p WHERE p.dataset_id = d.id),
       (SELECT count(*) FROM questions q WHERE q.dataset_id = d.id),
       (SELECT count(*) FROM responses r JOIN questions q ON q.id = r.question_id
         WHERE q.dataset_id = d.id)
FROM datasets d
"""


def _datasets(db: Database, where: str, params: list[Any]) -> list[DatasetInfo]:
    rows = db.execute(_DATASET_SELECT + where + " ORDER BY d.imported_at, d.rowid",
                      params).fetchall()
    return [DatasetInfo(*r[:7], json.loads(r[7] or "{}"), *r[8:]) for r in rows]


def list_datasets(db: Database) -> list[DatasetInfo]:
    """Every dataset in the project, in import order."""
    return _datasets(db, "", [])


def get_dataset(db: Database, dataset_id: str) -> DatasetInfo | None:
    found = _datasets(db, "WHERE d.id = ?", [dataset_id])
    return found[0] if found else None


def has_questions(db: Database) -> bool:
    """Whether any open-ended question was imported (cheap: no counting)."""
    return db.execute("SELECT 1 FROM questions LIMIT 1").fetchone() is not None


def list_questions(db: Database, dataset_id: str | None = None) -> list[QuestionInfo]:
    """Open-ended questions with their response, blank and non-answer counts."""
    sql = ("SELECT q.id, q.dataset_id, q.column_name, q.wording, q.position,"
           " (SELECT count(*) FROM responses r WHERE r.question_id = q.id),"
           " q.blank_count, q.nonanswer_count, q.short_label"
           " FROM questions q JOIN datasets d ON d.id = q.dataset_id")
    params: list[Any] = []
    if dataset_id is not None:
        sql += " WHERE q.dataset_id = ?"
        params.append(dataset_id)
    sql += " ORDER BY d.imported_at, d.rowid, q.position"
    return [QuestionInfo(*r) for r in db.execute(sql, params).fetchall()]


def list_variables(db: Database, dataset_id: str | None = None, *, counts: bool = True,
                   surveys_only: bool = False) -> list[VariableInfo]:
    """Attribute variables with their type, levels and how many respondents have a value.

    ``counts=False`` skips the counting (``respondents`` is then -1): views that only need
    names and levels stay fast on large projects. ``surveys_only`` leaves out the columns of
    data tables (datasets of kind 'log'), which have no responses to filter or compare.
    """
    count = ("(SELECT count(DISTINCT x.respondent_id) FROM variable_values x"
             "  WHERE x.variable_id = v.id)" if counts else "-1")
    sql = ("SELECT v.id, v.dataset_id, v.name, v.label, v.type, v.levels, v.position,"
           f" {count}, v.short_label FROM variables v JOIN datasets d ON d.id = v.dataset_id")
    params: list[Any] = []
    where = []
    if dataset_id is not None:
        where.append("v.dataset_id = ?")
        params.append(dataset_id)
    if surveys_only:
        where.append("d.kind = 'survey'")
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY d.imported_at, d.rowid, v.position"
    return [VariableInfo(r[0], r[1], r[2], r[3], r[4], tuple(json.loads(r[5] or "[]")), r[6], r[7],
                         r[8])
            for r in db.execute(sql, params).fetchall()]


def format_value(value: Any, sep: str = "; ") -> str:
    """A stored attribute value as text: multi-select lists joined by ``sep``, 3.0 shown
    as 3, nothing as ""."""
    if isinstance(value, list):
        return sep.join(format_value(v, sep) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def variable_values_for(db: Database, respondent_id: str) -> dict[str, Any]:
    """Attributes of one respondent: variable name → value (a list for multi-select)."""
    rows = db.execute(  # by its dataset's variables: the primary key finds each value
        "SELECT v.name, v.type, v.levels, x.value FROM respondents p"
        " JOIN variables v ON v.dataset_id = p.dataset_id"
        " JOIN variable_values x ON x.variable_id = v.id AND x.respondent_id = p.id"
        " WHERE p.id = ? ORDER BY v.position", [respondent_id]).fetchall()
    out: dict[str, Any] = {}
    for name, kind, levels, value in rows:
        if kind == "multi_select":
            out.setdefault(name, []).append(value)
        else:
            out[name] = value
    for name, kind, levels, _ in rows:
        if kind == "multi_select":
            order = {lv: i for i, lv in enumerate(json.loads(levels or "[]"))}
            out[name].sort(key=lambda v: (order.get(v, len(order)), str(v)))
    return out


def variable_values_for_many(db: Database, respondent_ids: list[str],
                             variable_ids: list[str]) -> dict[tuple[str, str], list[Any]]:
    """(respondent id, variable id) → values, for a page of respondents at once."""
    rows = db.execute(
        "SELECT x.respondent_id, x.variable_id, x.value FROM variable_values x"
        " WHERE x.respondent_id IN (SELECT value FROM json_each(?))"
        " AND x.variable_id IN (SELECT value FROM json_each(?))",
        [json.dumps(list(respondent_ids)), json.dumps(list(variable_ids))]).fetchall()
    out: dict[tuple[str, str], list[Any]] = {}
    for respondent, variable, value in rows:
        out.setdefault((respondent, variable), []).append(value)
    return out


def respondent_id_for(db: Database, dataset_id: str, external_id: str) -> str | None:
    row = db.execute("SELECT id FROM respondents WHERE dataset_id = ? AND external_id = ?",
                     [dataset_id, external_id]).fetchone()
    return row[0] if row else None


def question_answers(db: Database, question_id: str) -> list[RespondentAnswer]:
    """Stored responses to one question, in file order."""
    rows = db.execute(
        "SELECT r.id, p.id, p.external_id, p.row_number, r.text FROM responses r"
        " JOIN respondents p ON p.id = r.respondent_id WHERE r.question_id = ?"
        " ORDER BY p.row_number", [question_id]).fetchall()
    return [RespondentAnswer(*r) for r in rows]


def variable_value_counts(db: Database, variable_id: str) -> dict[Any, int]:
    """Value → number of respondents with it (for multi-select: per option)."""
    rows = db.execute(
        "SELECT value, count(*) FROM variable_values WHERE variable_id = ? GROUP BY value"
        " ORDER BY value", [variable_id]).fetchall()
    return dict(rows)


def find_datasets(db: Database, name_or_id: str) -> list[DatasetInfo]:
    """Datasets whose id or name is ``name_or_id``, in import order."""
    return _datasets(db, "WHERE d.id = ? OR d.name = ?", [name_or_id, name_or_id])


def dataset_respondents(db: Database, dataset_id: str) -> list[tuple[str, str, int]]:
    """(respondent id, external id, row number) of every row of a dataset, in file order."""
    return db.execute("SELECT id, external_id, row_number FROM respondents WHERE dataset_id = ?"
                      " ORDER BY row_number", [dataset_id]).fetchall()


def dataset_values(db: Database, dataset_id: str) -> list[tuple[str, str, Any]]:
    """(variable id, respondent id, value) of every stored value of a dataset's variables."""
    return db.execute(
        "SELECT x.variable_id, x.respondent_id, x.value FROM variable_values x"
        " JOIN variables v ON v.id = x.variable_id WHERE v.dataset_id = ?",
        [dataset_id]).fetchall()
