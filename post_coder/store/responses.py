"""SQL for reading responses: filtered id lists, pages of rows, full-text search, frequencies.

Filtering and sorting happen here, in SQL, so a view over 100k responses only ever holds
ids and the page it shows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace

from sqlite_utils import Database

from post_coder.errors import InputError, NotFoundError
from post_coder.store.labels import QUESTION_LABEL
from post_coder.store.scope import ReadScope, coders_clause


@dataclass(frozen=True)
class ResponseQuery:
    """Which responses to list. Every given criterion must hold (AND)."""

    question_ids: tuple[str, ...] | None = None
    dataset_ids: tuple[str, ...] | None = None
    #: (variable id, allowed values): the respondent has one of the values (OR within)
    attributes: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: full-text search, in the syntax of :func:`to_match`
    text: str | None = None
    #: True: has a live coding; False: has none (both by ``coder_ids`` when given, and
    #: always only among the codings the read scope sees)
    coded: bool | None = None
    code_ids: tuple[str, ...] | None = None
    coder_ids: tuple[str, ...] | None = None
    #: 'respondent' (file order), 'question', 'length' (longest first), 'relevance' (text)
    sort: str = "respondent"
    descending: bool = False


@dataclass(frozen=True)
class ResponseRow:
    id: str
    respondent_id: str
    respondent: str
    question_id: str
    #: the question's short label; its full text is ``question_text``
    question: str
    text: str
    codes: tuple[str, ...] = field(default=())
    question_text: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class SearchHit:
    response_id: str
    respondent: str
    #: the question's short label; its full text is ``question_text``
    question: str
    snippet: str
    question_text: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class CodeCount:
    code_id: str
    name: str
    parent_id: str | None
    color: str
    respondents: int
    codings: int
    #: distinct respondents coded with this code or any code below it
    respondents_with_children: int

    def as_dict(self) -> dict:
        return asdict(self)


_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


@dataclass(frozen=True)
class SearchTerm:
    """One word or phrase of a search, as typed (no quotes, ``*`` or ``-``)."""

    text: str
    #: ``word*``: the last word matches the start of words
    prefix: bool = False


@dataclass(frozen=True)
class ParsedSearch:
    """What a person typed, read once: every group must match (a group is one term, or
    terms joined by ``OR``); no excluded term may."""

    groups: tuple[tuple[SearchTerm, ...], ...]
    excluded: tuple[SearchTerm, ...]

    def looked_for(self) -> tuple[SearchTerm, ...]:
        """The terms a hit is found by (the excluded ones are never in a hit)."""
        return tuple(term for group in self.groups for term in group)


def parse_search(text: str) -> ParsedSearch:
    """Read a search the way :func:`to_match` runs it: words must all appear (any order);
    ``"exact phrase"``; ``prefix*``; ``OR`` between two terms; ``-word`` or ``-"a phrase"``
    excludes. Raises :class:`InputError` when nothing is left to look for."""
    groups: list[list[SearchTerm]] = []
    excluded: list[SearchTerm] = []
    pending_or = False
    for m in _TOKEN.finditer(text):
        negate, phrase, word = m.group(1), m.group(2), m.group(3)
        if word == "OR" and groups:
            pending_or = True
            continue
        if phrase is not None:
            term = SearchTerm(phrase)
        else:
            negate = "-" if word.startswith("-") and len(word) > 1 else ""
            word = word[1:] if negate else word
            prefix = word.endswith("*") and len(word.rstrip("*")) > 0
            term = SearchTerm(word.rstrip("*"), prefix)
        if not term.text:
            continue
        if negate:
            excluded.append(term)
        elif pending_or:
            groups[-1].append(term)
            pending_or = False
        else:
            groups.append([term])
    if not groups:
        raise InputError("a search needs at least one word or phrase to look for")
    return ParsedSearch(tuple(tuple(g) for g in groups), tuple(excluded))


def to_match(text: str) -> str:
    """Translate what a person types (see :func:`parse_search`) into an FTS5 MATCH
    expression. Punctuation never causes a syntax error."""
    parsed = parse_search(text)
    positives = [" OR ".join(_term(t) for t in group) for group in parsed.groups]
    expr = " AND ".join(f"({p})" if " OR " in p else p for p in positives)
    for n in parsed.excluded:
        expr = f"({expr}) NOT {_term(n)}"
    return expr


def _term(term: SearchTerm) -> str:
    return _quote(term.text) + ("*" if term.prefix else "")


def _quote(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


def _where(q: ResponseQuery, scope: ReadScope) -> tuple[list[str], list[object]]:
    where: list[str] = []
    params: list[object] = []
    if q.question_ids is not None:
        where.append("r.question_id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(list(q.question_ids)))
    if q.dataset_ids is not None:
        where.append("q.dataset_id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(list(q.dataset_ids)))
    for variable_id, values in q.attributes:
        where.append("EXISTS (SELECT 1 FROM variable_values v WHERE v.respondent_id ="
                     " r.respondent_id AND v.variable_id = ? AND CAST(v.value AS TEXT) IN"
                     " (SELECT value FROM json_each(?)))")
        params += [variable_id, json.dumps([str(v) for v in values])]
    if q.text:
        where.append("r.seq IN (SELECT rowid FROM responses_fts WHERE responses_fts MATCH ?)")
        params.append(to_match(q.text))
    visible, scoped = coders_clause(scope, "c.coder_id")
    coding = ["c.response_id = r.id", "c.deleted_at IS NULL" + visible]
    coding_params: list[object] = [*scoped]
    if q.coder_ids is not None:
        coding.append("c.coder_id IN (SELECT value FROM json_each(?))")
        coding_params.append(json.dumps(list(q.coder_ids)))
    if q.coded is False:
        where.append(f"NOT EXISTS (SELECT 1 FROM codings c WHERE {' AND '.join(coding)})")
        params += coding_params
    elif q.coded or q.code_ids is not None or q.coder_ids is not None:
        if q.code_ids is not None:
            coding.append("c.code_id IN (SELECT value FROM json_each(?))")
            coding_params.append(json.dumps(list(q.code_ids)))
        where.append(f"EXISTS (SELECT 1 FROM codings c WHERE {' AND '.join(coding)})")
        params += coding_params
    return where, params


_ORDER = {
    # responses are stored respondent by respondent in file order (see the importer), so
    # file order is rowid order: no sort needed, and a LIMIT returns at once
    "respondent": "r.seq {d}",
    "question": "q.position {d}, p.row_number, r.seq",
    "length": "length(r.text) {d}, r.seq",
    "id": "p.external_id {d}, q.position",
}


def ids(db: Database, scope: ReadScope, q: ResponseQuery, *,
        limit: int | None = None) -> list[str]:
    """Ids of the matching responses, in the query's order (at most ``limit``); coding
    criteria look only at the codings ``scope`` sees."""
    if q.text and q.sort == "respondent":
        return _text_ids_in_file_order(db, scope, q, limit)
    where, params = _where(q, scope)
    sql = ("SELECT r.id FROM responses r JOIN respondents p ON p.id = r.respondent_id"
           " JOIN questions q ON q.id = r.question_id")
    if where:
        sql += " WHERE " + " AND ".join(where)
    if q.sort == "relevance" and q.text:
        sql = sql.replace("SELECT r.id FROM responses r",
                          "SELECT r.id FROM responses r JOIN responses_fts f ON f.rowid = r.seq", 1)
        sql += " AND responses_fts MATCH ? ORDER BY bm25(responses_fts)"
        params.append(to_match(q.text))
    else:
        order = _ORDER.get(q.sort)
        if order is None:
            raise ValueError(f"unknown sort {q.sort!r}")
        sql += " ORDER BY " + order.format(d="DESC" if q.descending else "ASC")
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [r[0] for r in db.execute(sql, params).fetchall()]


def _text_ids_in_file_order(db: Database, scope: ReadScope, q: ResponseQuery,
                            limit: int | None) -> list[str]:
    """A text search in file order, walking the index's matches in rowid (= file) order.

    The first page then comes back without collecting every match first.
    """
    where, params = _where(replace(q, text=None), scope)
    sql = ("SELECT r.id FROM responses_fts f JOIN responses r ON r.seq = f.rowid"
           " JOIN respondents p ON p.id = r.respondent_id JOIN questions q ON q.id = r.question_id"
           " WHERE responses_fts MATCH ?")
    params = [to_match(q.text or ""), *params]
    if where:
        sql += " AND " + " AND ".join(where)
    sql += " ORDER BY f.rowid " + ("DESC" if q.descending else "ASC")
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [r[0] for r in db.execute(sql, params).fetchall()]


def count(db: Database, scope: ReadScope, q: ResponseQuery) -> int:
    where, params = _where(q, scope)
    sql = ("SELECT count(*) FROM responses r JOIN respondents p ON p.id = r.respondent_id"
           " JOIN questions q ON q.id = r.question_id")
    if where:
        sql += " WHERE " + " AND ".join(where)
    return db.execute(sql, params).fetchone()[0]


def rows(db: Database, scope: ReadScope, response_ids: list[str], *,
         coder_ids: tuple[str, ...] | None = None) -> list[ResponseRow]:
    """The rows for these ids, in the same order (a page of a view), each with the codes
    applied by the coders ``scope`` sees (and among them ``coder_ids``, when given)."""
    coder_filter, scoped = coders_clause(scope, "c.coder_id")
    params = [json.dumps(response_ids), *scoped]
    if coder_ids is not None:
        coder_filter += " AND c.coder_id IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(list(coder_ids)))
    sql = f"""
        SELECT r.id, r.respondent_id, p.external_id, r.question_id, {QUESTION_LABEL}, r.text,
               (SELECT json_group_array(name) FROM (
                    SELECT DISTINCT k.name AS name FROM codings c JOIN codes k ON k.id = c.code_id
                    WHERE c.response_id = r.id AND c.deleted_at IS NULL{coder_filter}
                    ORDER BY k.sort_order, k.name)), q.wording
        FROM json_each(?) j
        JOIN responses r ON r.id = j.value
        JOIN respondents p ON p.id = r.respondent_id
        JOIN questions q ON q.id = r.question_id
        ORDER BY j.key
    """
    # the correlated sub-select's parameters come first in the statement text
    params = params[1:] + params[:1]
    out = []
    for r in db.execute(sql, params).fetchall():
        out.append(ResponseRow(r[0], r[1], r[2], r[3], r[4], r[5], tuple(json.loads(r[6])),
                               r[7]))
    return out


def coder_codes(db: Database, scope: ReadScope,
                response_ids: Sequence[str]) -> list[tuple[str, str, str, str, str]]:
    """(response id, coder id, code id, code name, code status) of every live coding
    ``scope`` sees on these responses, each code once per coder, in codebook order (a page
    of the grid shown per coder)."""
    visible, scoped = coders_clause(scope, "c.coder_id")
    rows = db.execute(
        "SELECT DISTINCT c.response_id, c.coder_id, k.id, k.name, k.status, k.sort_order"
        " FROM codings c JOIN codes k ON k.id = c.code_id"
        " WHERE c.deleted_at IS NULL AND c.response_id IN (SELECT value FROM json_each(?))"
        f"{visible} ORDER BY k.sort_order, k.name COLLATE NOCASE",
        [json.dumps(list(response_ids)), *scoped]).fetchall()
    return [tuple(r[:5]) for r in rows]


def get_text(db: Database, response_id: str) -> str | None:
    row = db.execute("SELECT text FROM responses WHERE id = ?", [response_id]).fetchone()
    return row[0] if row else None


def search(db: Database, text: str, *, limit: int = 100,
           question_ids: tuple[str, ...] | None = None) -> list[SearchHit]:
    """Best-matching responses first, each with a snippet marking the hits in [brackets]."""
    params: list[object] = [to_match(text)]
    extra = ""
    if question_ids is not None:
        extra = " AND r.question_id IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(list(question_ids)))
    params.append(limit)
    sql = f"""
        SELECT r.id, p.external_id, {QUESTION_LABEL},
               snippet(responses_fts, 0, '[', ']', '…', 16), q.wording
        FROM responses_fts f
        JOIN responses r ON r.seq = f.rowid
        JOIN respondents p ON p.id = r.respondent_id
        JOIN questions q ON q.id = r.question_id
        WHERE responses_fts MATCH ?{extra}
        ORDER BY bm25(responses_fts), r.seq
        LIMIT ?
    """
    return [SearchHit(*r) for r in db.execute(sql, params).fetchall()]


def code_counts(db: Database, scope: ReadScope, *,
                question_ids: tuple[str, ...] | None = None,
                coder_ids: tuple[str, ...] | None = None,
                include_inactive: bool = False) -> list[CodeCount]:
    """Per code: distinct respondents, live codings, and respondents incl. sub-codes, counting
    the codings ``scope`` sees (and among them ``coder_ids``, when given).

    Only active codes unless ``include_inactive`` (merged and retired codes too).
    """
    visible, scoped = coders_clause(scope, "c.coder_id")
    filters, params = ["c.deleted_at IS NULL" + visible], [*scoped]
    if question_ids is not None:
        filters.append("r.question_id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(list(question_ids)))
    if coder_ids is not None:
        filters.append("c.coder_id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(list(coder_ids)))
    # every (code, respondent, coding) once; the parents' roll-up joins the same rows to a
    # small (ancestor, descendant) table, so no step multiplies the codings by the tree
    live = ("SELECT c.id AS id, c.code_id AS code_id, r.respondent_id AS respondent_id"
            " FROM codings c JOIN responses r ON r.id = c.response_id"
            f" WHERE {' AND '.join(filters)}")
    own = {r[0]: (r[1], r[2]) for r in db.execute(
        f"SELECT code_id, count(DISTINCT respondent_id), count(*) FROM ({live})"
        " GROUP BY code_id", params).fetchall()}
    codes = db.execute(
        "SELECT id, name, parent_id, color, status FROM codes"
        " WHERE status = 'active' OR ? ORDER BY sort_order, name COLLATE NOCASE",
        [1 if include_inactive else 0]).fetchall()
    below = _descendant_pairs(db)
    rolled: dict[str, int] = {}
    if below:
        rolled = dict(db.execute(
            f"""WITH map(root, id) AS (SELECT json_extract(value, '$[0]'),
                                              json_extract(value, '$[1]') FROM json_each(?))
                SELECT map.root, count(DISTINCT live.respondent_id)
                FROM map JOIN ({live}) live ON live.code_id = map.id GROUP BY map.root""",
            [json.dumps(below), *params]).fetchall())
    out = []
    for code_id, name, parent_id, color, status in codes:
        respondents, codings = own.get(code_id, (0, 0))
        with_children = rolled.get(code_id, respondents) if status == "active" else 0
        out.append(CodeCount(code_id, name, parent_id, color, respondents, codings,
                             with_children))
    return out


def _descendant_pairs(db: Database) -> list[tuple[str, str]]:
    """(code, itself or any active code below it) for every active code that has children."""
    rows = db.execute(
        """WITH RECURSIVE tree(root, id) AS (
               SELECT p.id, p.id FROM codes p WHERE p.status = 'active'
                   AND EXISTS (SELECT 1 FROM codes k WHERE k.parent_id = p.id
                               AND k.status = 'active')
               UNION ALL
               SELECT tree.root, c.id FROM codes c JOIN tree ON c.parent_id = tree.id
               WHERE c.status = 'active')
           SELECT root, id FROM tree""").fetchall()
    return [(r[0], r[1]) for r in rows]


def respondents_answering(db: Database, question_ids: tuple[str, ...] | None = None) -> int:
    """How many respondents gave at least one (codable) response to these questions."""
    if question_ids is None:
        return db.execute("SELECT count(DISTINCT respondent_id) FROM responses").fetchone()[0]
    return db.execute(
        "SELECT count(DISTINCT respondent_id) FROM responses WHERE question_id IN"
        " (SELECT value FROM json_each(?))", [json.dumps(list(question_ids))]).fetchone()[0]


def find_questions(db: Database, name: str) -> list[tuple[str, str]]:
    """(id, column name) of questions whose short label, column name or wording (its full
    text, spaces as written or on one line) is ``name`` (any case)."""
    return [(r[0], r[1]) for r in _matching(db, name)]


def _matching(db: Database, name: str) -> list[tuple[str, str, str, str]]:
    """(id, column name, short label, dataset name) of the questions ``name`` names."""
    wanted = " ".join(name.split()).casefold()
    rows = db.execute(
        "SELECT q.id, q.column_name, q.short_label, q.wording, d.name FROM questions q"
        " JOIN datasets d ON d.id = q.dataset_id"
        " ORDER BY d.imported_at, d.rowid, q.position").fetchall()
    return [(r[0], r[1], r[2], r[4]) for r in rows if wanted and wanted in {
        " ".join(text.split()).casefold() for text in (r[1], r[2], r[3])}]


def find_question(db: Database, name: str) -> str:
    """The id of the one open-ended question ``name`` names: its short label, column name
    or full text, in any case (the single lookup rule of ``--question`` and the CSV files).

    ``NotFoundError`` naming the questions there are, or, when several match, each of them
    with its column and dataset.
    """
    found = _matching(db, name)
    if not found:
        names = ", ".join(f'"{n}"' for n in question_names(db)) or "none yet"
        raise NotFoundError(f'there is no open-ended question "{name}" (questions: {names})')
    if len(found) > 1:
        shown = "; ".join(f'"{label or column}" (column "{_cut(column)}", dataset "{dataset}")'
                          for _, column, label, dataset in found[:6])
        more = f"; and {len(found) - 6} more" if len(found) > 6 else ""
        columns = {column.casefold() for _, column, _, _ in found}
        advice = ("Give the column name of one, or rename" if len(columns) == len(found)
                  else "Rename")
        raise NotFoundError(f'{len(found)} questions match "{name.strip()}": {shown}{more}. '
                            f"{advice} the short label of one to tell them apart")
    return found[0][0]


def _cut(text: str, limit: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def question_names(db: Database) -> list[str]:
    """What each question is called in views (its short label), in survey order."""
    return [r[0] for r in db.execute(
        "SELECT coalesce(nullif(q.short_label, ''), q.column_name) FROM questions q"
        " JOIN datasets d ON d.id = q.dataset_id ORDER BY d.imported_at, d.rowid, q.position")]


def by_respondent(db: Database, question_id: str) -> dict[str, str]:
    """Respondent external id → response id, for one question."""
    rows = db.execute(
        "SELECT p.external_id, r.id FROM responses r JOIN respondents p"
        " ON p.id = r.respondent_id WHERE r.question_id = ?", [question_id]).fetchall()
    return dict(rows)



def known_respondents(db: Database, external_ids: Sequence[str]) -> set[str]:
    """Which of these respondent ids (as in the survey file) the project has."""
    rows = db.execute("SELECT DISTINCT external_id FROM respondents WHERE external_id IN"
                      " (SELECT value FROM json_each(?))", [json.dumps(list(external_ids))])
    return {r[0] for r in rows.fetchall()}
