"""SQL for theme tables: exemplar marks, RE-AIM dimensions of codes, and the reads a theme
table counts from (who answered, what was coded, the consensus layer); see migration
``0009_exemplars``."""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlite_utils import Database

from post_coder.store.review import consensus_sql
from post_coder.store.scope import ReadScope, coders_clause

#: the RE-AIM dimensions, in the framework's order (the CHECK of ``code_dimensions``)
DIMENSIONS = ("Reach", "Effectiveness", "Adoption", "Implementation", "Maintenance")


# -- exemplar marks -------------------------------------------------------------------------

def is_exemplar(db: Database, coding_id: str) -> bool:
    return db.execute("SELECT 1 FROM exemplars WHERE coding_id = ?",
                      [coding_id]).fetchone() is not None


def mark_exemplar(db: Database, coding_id: str, by: str | None, at: str) -> None:
    db.execute("INSERT INTO exemplars (coding_id, marked_by, marked_at) VALUES (?, ?, ?)",
               [coding_id, by, at])


def unmark_exemplar(db: Database, coding_id: str) -> None:
    db.execute("DELETE FROM exemplars WHERE coding_id = ?", [coding_id])


def exemplar_codings(db: Database, scope: ReadScope) -> set[str]:
    """Ids of the live codings ``scope`` sees that are marked as exemplar quotes."""
    visible, params = coders_clause(scope, "c.coder_id")
    rows = db.execute("SELECT e.coding_id FROM exemplars e JOIN codings c ON c.id = e.coding_id"
                      f" WHERE c.deleted_at IS NULL{visible}", params).fetchall()
    return {r[0] for r in rows}


def exemplar_responses(db: Database, scope: ReadScope) -> set[tuple[str, str]]:
    """(response id, code id) of every exemplar coding ``scope`` sees (the consensus layer
    has no codings of its own: a marked coding of the same response and code stands in)."""
    visible, params = coders_clause(scope, "c.coder_id")
    rows = db.execute("SELECT c.response_id, c.code_id FROM exemplars e"
                      " JOIN codings c ON c.id = e.coding_id"
                      f" WHERE c.deleted_at IS NULL{visible}", params).fetchall()
    return {(r[0], r[1]) for r in rows}


# -- RE-AIM dimensions ----------------------------------------------------------------------

def dimensions(db: Database) -> dict[str, str]:
    """Code id → its RE-AIM dimension, for the codes that have one."""
    return dict(db.execute("SELECT code_id, dimension FROM code_dimensions").fetchall())


def set_dimension(db: Database, code_id: str, dimension: str | None, by: str | None,
                  at: str) -> None:
    """Give the code a dimension (``None``: take it away)."""
    db.execute("DELETE FROM code_dimensions WHERE code_id = ?", [code_id])
    if dimension is not None:
        db.execute("INSERT INTO code_dimensions (code_id, dimension, set_at, set_by)"
                   " VALUES (?, ?, ?, ?)", [code_id, dimension, at, by])


# -- what a theme table counts --------------------------------------------------------------

def answering(db: Database, question_ids: Sequence[str]) -> list[tuple[str, str]]:
    """(respondent id, dataset id) of everyone with a stored (codable) answer to any of
    these questions, in file order."""
    return db.execute(
        "SELECT DISTINCT p.id, p.dataset_id FROM responses r"
        " JOIN respondents p ON p.id = r.respondent_id"
        " WHERE r.question_id IN (SELECT value FROM json_each(?))"
        " ORDER BY p.dataset_id, p.row_number", [json.dumps(list(question_ids))]).fetchall()


def everyone_asked(db: Database, question_ids: Sequence[str]) -> list[tuple[str, str]]:
    """(respondent id, dataset id) of every respondent of the datasets holding these
    questions (whether they answered or not), in file order."""
    return db.execute(
        "SELECT p.id, p.dataset_id FROM respondents p WHERE p.dataset_id IN"
        " (SELECT dataset_id FROM questions WHERE id IN (SELECT value FROM json_each(?)))"
        " ORDER BY p.dataset_id, p.row_number", [json.dumps(list(question_ids))]).fetchall()


def coded_segments(db: Database, scope: ReadScope, question_ids: Sequence[str],
                   coder_ids: Sequence[str] | None = None) -> list[tuple]:
    """Live codings ``scope`` sees on these questions (only ``coder_ids``' when given):
    (coding id, response id, respondent id, code id, segment text), in file order."""
    visible, params = coders_clause(scope, "c.coder_id")
    sql = ("SELECT c.id, c.response_id, r.respondent_id, c.code_id,"
           " CASE WHEN c.span_start IS NULL THEN r.text"
           "      ELSE substr(r.text, c.span_start + 1, c.span_end - c.span_start) END"
           " FROM codings c JOIN responses r ON r.id = c.response_id"
           " JOIN questions q ON q.id = r.question_id"
           f" WHERE c.deleted_at IS NULL{visible}"
           " AND r.question_id IN (SELECT value FROM json_each(?))")
    args = [*params, json.dumps(list(question_ids))]
    if coder_ids is not None:
        sql += " AND c.coder_id IN (SELECT value FROM json_each(?))"
        args.append(json.dumps(list(coder_ids)))
    return db.execute(sql + " ORDER BY q.position, r.seq, c.span_start, c.id", args).fetchall()


def consensus_segments(db: Database, scope: ReadScope,
                       question_ids: Sequence[str]) -> list[tuple]:
    """The consensus layer on these questions (:func:`post_coder.store.review.consensus_sql`):
    (response id, respondent id, code id, response text), in file order."""
    layer, params = consensus_sql(None, question_ids, scope)
    return db.execute(
        f"{layer}SELECT k.response_id, r.respondent_id, k.code_id, r.text FROM layer k"
        " JOIN responses r ON r.id = k.response_id JOIN questions q ON q.id = r.question_id"
        " ORDER BY q.position, r.seq, k.code_id", params).fetchall()
