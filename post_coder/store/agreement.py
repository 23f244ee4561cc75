"""SQL for agreement: the done marks and codings of a set of responses as small integer
tables (for the per-code report), disagreement details, and stored reports."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlite_utils import Database

from post_coder.store.labels import QUESTION_LABEL
from post_coder.store.scope import ReadScope, coders_clause


@dataclass(frozen=True)
class UnitFilter:
    """Which responses count: a round's (or all), some questions, respondents with an
    attribute value; and whose work (coder ids)."""

    coder_ids: tuple[str, ...]
    round_id: str | None = None
    question_ids: tuple[str, ...] | None = None
    #: (variable ids of the attribute, the value as text)
    attribute: tuple[tuple[str, ...], str] | None = None


#: a coding read as one integer: (unit * _CODERS + coder number) * _CODES + code rowid
_CODERS = 8
_CODES = 1 << 24


@dataclass(frozen=True)
class Cells:
    """What :func:`read_cells` returns: the units (response seqs in file order; the unit
    number is the position), for each unit a bit mask of the coders who marked it done
    (bit ``g`` for ``coder_ids[g]``), every coding of the chosen coders on them as one
    integer (:meth:`split_codings`), and the rowids of the codes."""

    seqs: np.ndarray
    done_masks: np.ndarray
    codings: np.ndarray
    code_rowids: dict[str, int]
    #: with ``spans=True``: each coding's span start and end (-1 for a whole response), in
    #: the order of ``codings``, and each unit's text length in characters
    starts: np.ndarray | None = None
    ends: np.ndarray | None = None
    lengths: np.ndarray | None = None

    @staticmethod
    def split_codings(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(unit, coder number, code rowid) of coding cells."""
        rest, code = values // _CODES, values % _CODES
        return rest // _CODERS, rest % _CODERS, code


def _candidates(f: UnitFilter) -> tuple[str, list[Any]]:
    """SQL selecting (id, seq) of the responses the filter allows, and its params."""
    if f.round_id is not None:
        sql = ("SELECT x.response_id AS id, r.seq AS seq FROM round_responses x"
               " JOIN responses r ON r.id = x.response_id WHERE x.round_id = ?")
        params: list[Any] = [f.round_id]
    else:
        sql, params = "SELECT r.id AS id, r.seq AS seq FROM responses r WHERE 1", []
    if f.question_ids is not None:
        sql += " AND r.question_id IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(list(f.question_ids)))
    if f.attribute is not None:
        variables, value = f.attribute
        sql += (" AND EXISTS (SELECT 1 FROM variable_values v WHERE v.respondent_id ="
                " r.respondent_id AND v.variable_id IN (SELECT value FROM json_each(?))"
                " AND CAST(v.value AS TEXT) = ?)")
        params += [json.dumps(list(variables)), value]
    return sql, params


def _coder_number(column: str, coder_ids: Sequence[str]) -> tuple[str, list[str]]:
    """SQL turning a coder id into its position in ``coder_ids`` (NULL for others)."""
    whens = " ".join("WHEN ? THEN " + str(g) for g in range(len(coder_ids)))
    return f"CASE {column} {whens} END", list(coder_ids)


def _units_select(f: UnitFilter) -> tuple[str, list[Any]]:
    """SQL selecting (response_id, u, seq, mask): the allowed responses that two or more of
    the coders marked done, numbered in file order from 0, with the mask of who did."""
    if not 1 <= len(f.coder_ids) <= _CODERS:
        raise ValueError("agreement compares 1 to 8 coders")
    candidates, params = _candidates(f)
    number, ids = _coder_number("d.coder_id", f.coder_ids)
    sql = (f"SELECT id, row_number() OVER (ORDER BY seq) - 1, seq, mask FROM"
           f" (SELECT c.id, c.seq, (SELECT sum(1 << {number}) FROM done_marks d"
           f"   WHERE d.response_id = c.id AND d.deleted_at IS NULL) AS mask"
           # LIMIT/OFFSET keeps SQLite from flattening the subquery, which would compute
           # each response's mask three times (once per use below)
           f"  FROM ({candidates}) c LIMIT -1 OFFSET 0)"
           f" WHERE mask & (mask - 1) != 0")  # two or more bits: two or more coders
    return sql, [*ids, *params]


def _ints(text: str | None) -> np.ndarray:
    if not text:
        return np.zeros(0, dtype=np.int64)
    return np.fromstring(text, dtype=np.int64, sep=",")


@contextmanager
def _snapshot(db: Database) -> Iterator[None]:
    """One consistent read (a deferred read transaction) unless already in one."""
    if db.conn.in_transaction:
        yield
        return
    db.execute("BEGIN")
    try:
        yield
    finally:
        db.execute("ROLLBACK")


def read_cells(db: Database, scope: ReadScope, f: UnitFilter,
               code_ids: Sequence[str] | None = None, *, spans: bool = False) -> Cells:
    """The units, done marks and codings (that ``scope`` sees) agreement works on, read as
    integers in three queries. The units go to a TEMP table (on a connection that may not
    write even TEMP tables they are recomputed in the second query). Codings of a response
    the coder has not marked done come too (the caller takes them as missing). With
    ``spans`` also the codings' spans and the units' text lengths (in characters)."""
    visible, scoped = coders_clause(scope, "c.coder_id")
    units_sql, units_params = _units_select(f)
    number, ids = _coder_number("c.coder_id", f.coder_ids)
    codes = ""
    code_params: list[str] = []
    if code_ids is not None:
        codes = " AND c.code_id IN (SELECT value FROM json_each(?))"
        code_params = [json.dumps(list(code_ids))]
    with _snapshot(db):
        try:
            db.execute("CREATE TEMP TABLE IF NOT EXISTS agreement_units (response_id TEXT"
                       " PRIMARY KEY, u INTEGER NOT NULL, seq INTEGER NOT NULL,"
                       " mask INTEGER NOT NULL) WITHOUT ROWID")
            db.execute("DELETE FROM temp.agreement_units")
            db.execute(f"INSERT INTO temp.agreement_units {units_sql}", units_params)
            source, prefix, params = "temp.agreement_units", "", []
        except sqlite3.OperationalError:  # a read-only connection (query_only)
            source = "units"
            prefix = f"WITH units(response_id, u, seq, mask) AS ({units_sql}) "
            params = units_params
        try:
            seqs, masks = db.execute(
                f"{prefix}SELECT group_concat(seq, ','), group_concat(mask, ',') FROM"
                f" (SELECT seq, mask FROM {source} ORDER BY u)", params).fetchone()
            extra = (", group_concat(ifnull(c.span_start, -1), ','),"
                     " group_concat(ifnull(c.span_end, -1), ',')" if spans else "")
            row = db.execute(
                f"{prefix}SELECT group_concat((u.u * {_CODERS} + {number}) * {_CODES} + k.rowid,"
                # the units drive the join (CROSS JOIN keeps that order; the unary + keeps
                # SQLite from walking the codings by coder instead): one index seek each
                f" ','){extra} FROM {source} u CROSS JOIN codings c"
                " ON c.response_id = u.response_id JOIN codes k ON k.id = c.code_id"
                f" WHERE c.deleted_at IS NULL{visible} AND +c.coder_id IN"
                f" (SELECT value FROM json_each(?)){codes}",
                [*params, *ids, *scoped, json.dumps(list(f.coder_ids)), *code_params]
            ).fetchone()
            codings = _ints(row[0])
            starts = ends = lengths = None
            if spans:  # one aggregate pass: the three lists are in the same order
                starts, ends = _ints(row[1]), _ints(row[2])
                lengths = _ints(db.execute(
                    f"{prefix}SELECT group_concat(n, ',') FROM (SELECT length(r.text) AS n"
                    f" FROM {source} u JOIN responses r ON r.id = u.response_id ORDER BY u.u)",
                    params).fetchone()[0])
        finally:
            if source != "units":
                db.execute("DELETE FROM temp.agreement_units")
        code_rowids = dict(db.execute("SELECT id, rowid FROM codes").fetchall())
    return Cells(_ints(seqs), _ints(masks), codings, code_rowids, starts, ends, lengths)


def responses_by_seq(db: Database, seqs: Sequence[int]) -> dict[int, tuple[str, str, str]]:
    """seq → (response id, the respondent's id in the survey, question column name)."""
    rows = db.execute(
        f"SELECT r.seq, r.id, p.external_id, {QUESTION_LABEL} FROM responses r"
        " JOIN respondents p ON p.id = r.respondent_id JOIN questions q ON q.id = r.question_id"
        " WHERE r.seq IN (SELECT value FROM json_each(?))",
        [json.dumps([int(s) for s in seqs])]).fetchall()
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def spans(db: Database, scope: ReadScope, response_ids: Sequence[str],
          code_ids: Sequence[str], coder_ids: Sequence[str]) -> list[tuple]:
    """(response id, code id, coder id, span start, span end) of the live codings ``scope``
    sees of these responses, codes and coders (ends None for a whole response)."""
    visible, scoped = coders_clause(scope, "c.coder_id")
    return db.execute(
        "SELECT c.response_id, c.code_id, c.coder_id, c.span_start, c.span_end FROM codings c"
        " WHERE c.deleted_at IS NULL AND c.response_id IN (SELECT value FROM json_each(?))"
        # the unary + keeps SQLite from seeking every response x code x coder in the index
        " AND +c.code_id IN (SELECT value FROM json_each(?))"
        f" AND +c.coder_id IN (SELECT value FROM json_each(?)){visible}"
        " ORDER BY c.span_start",
        [json.dumps(list(response_ids)), json.dumps(list(code_ids)),
         json.dumps(list(coder_ids)), *scoped]).fetchall()


def question_ids(db: Database, ids: Sequence[str]) -> set[str]:
    """Which of ``ids`` are question ids."""
    rows = db.execute("SELECT id FROM questions WHERE id IN (SELECT value FROM json_each(?))",
                      [json.dumps(list(ids))])
    return {r[0] for r in rows}


def attribute_values(db: Database, variable_ids: Sequence[str]) -> list[str]:
    """The values (as text) respondents have for these variables, sorted."""
    rows = db.execute("SELECT DISTINCT CAST(value AS TEXT) AS v FROM variable_values"
                      " WHERE variable_id IN (SELECT value FROM json_each(?)) ORDER BY v",
                      [json.dumps(list(variable_ids))])
    return [r[0] for r in rows]


def coders_done_in_round(db: Database, round_id: str | None) -> list[str]:
    """Coders with a live done mark on the round's responses (or on any, without a round)."""
    if round_id is None:
        rows = db.execute("SELECT DISTINCT coder_id FROM done_marks WHERE deleted_at IS NULL")
    else:
        rows = db.execute("SELECT DISTINCT d.coder_id FROM done_marks d JOIN round_responses x"
                          " ON x.response_id = d.response_id AND x.round_id = ?"
                          " WHERE d.deleted_at IS NULL", [round_id])
    return [r[0] for r in rows]


# -- stored reports --------------------------------------------------------------------------

def save_report(db: Database, *, id: str, round_id: str | None, computed_at: str,
                computed_by: str | None, filters: dict[str, Any], report: dict[str, Any]) -> None:
    db.execute("INSERT INTO agreement_reports (id, round_id, computed_at, computed_by, filters,"
               " report) VALUES (?, ?, ?, ?, ?, ?)",
               [id, round_id, computed_at, computed_by,
                json.dumps(filters, ensure_ascii=False, sort_keys=True),
                json.dumps(report, ensure_ascii=False)])


def reports(db: Database, round_id: str | None = None) -> list[tuple]:
    """(id, round id, computed_at, computed_by, filters, report) in the order computed, for
    one round or every round."""
    sql = ("SELECT id, round_id, computed_at, computed_by, filters, report"
           " FROM agreement_reports")
    if round_id is None:
        rows = db.execute(sql + " ORDER BY seq").fetchall()
    else:
        rows = db.execute(sql + " WHERE round_id = ? ORDER BY seq", [round_id]).fetchall()
    return [(r[0], r[1], r[2], r[3], json.loads(r[4]), json.loads(r[5])) for r in rows]
