"""SQL for exchanging work between laptops: coder packages, work files and merges.

Codings are read in their *true* state: a coding hidden as a duplicate
(``duplicate_of`` set) counts as live while the coding it duplicates is live, and as
removed (when that one was removed) otherwise. Merges compare true states and write
back both the true state and which duplicates to hide.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NamedTuple

from sqlite_utils import Database

from post_coder.store import journal, meta

#: ``meta`` key of a coder package: which coder, which rounds, the codebook it started from
PACKAGE_KEY = "package"

#: a coding's true state, in this column order (the columns of ``store.codings.Coding``);
#: the lead's rows add the stored ``deleted_at`` and ``duplicate_of``
CODING_COLUMNS = ("id", "response_id", "code_id", "coder_id", "span_start", "span_end",
                  "created_at", "updated_at", "deleted_at")



class TrueCoding(NamedTuple):
    """A coding's true state (``CODING_COLUMNS``): what a merge compares and a work file
    carries."""

    id: str
    response_id: str
    code_id: str
    coder_id: str
    span_start: int | None
    span_end: int | None
    created_at: str
    updated_at: str
    deleted_at: str | None


class StoredCoding(NamedTuple):
    """A coding as a merge writes it: the true state's columns, with the stored
    ``deleted_at`` (set on a hidden duplicate too) and ``duplicate_of``."""

    id: str
    response_id: str
    code_id: str
    coder_id: str
    span_start: int | None
    span_end: int | None
    created_at: str
    updated_at: str
    deleted_at: str | None
    duplicate_of: str | None


class LeadCoding(NamedTuple):
    """A coding of this project as a merge reads it: the true state, then what is stored."""

    id: str
    response_id: str
    code_id: str
    coder_id: str
    span_start: int | None
    span_end: int | None
    created_at: str
    updated_at: str
    deleted_at: str | None
    stored_deleted_at: str | None
    duplicate_of: str | None

    def true(self) -> TrueCoding:
        return TrueCoding._make(self[:9])

    def stored(self) -> StoredCoding:
        return StoredCoding(*self[:8], self.stored_deleted_at, self.duplicate_of)


_TRUE_SELECT = """
SELECT c.id, c.response_id, c.code_id, c.coder_id, c.span_start, c.span_end, c.created_at,
       c.updated_at,
       CASE WHEN c.duplicate_of IS NULL THEN c.deleted_at
            WHEN w.id IS NOT NULL AND w.deleted_at IS NULL THEN NULL
            ELSE coalesce(w.deleted_at, c.deleted_at) END,
       c.deleted_at, c.duplicate_of
FROM codings c LEFT JOIN codings w ON w.id = c.duplicate_of
"""


def package_record(db: Database) -> dict[str, Any] | None:
    """The coder package's record (``team.package.PackageInfo`` fields), ``None`` in the
    lead's project."""
    raw = meta.get(db, PACKAGE_KEY)
    return json.loads(raw) if raw else None


# -- reading a project's work --------------------------------------------------------------

def true_codings(db: Database, coder_id: str | None = None) -> list[TrueCoding]:
    """Every coding (of one coder, or of all) in its true state (``CODING_COLUMNS``), in
    response and code order (the order that is quickest to write back)."""
    order = " ORDER BY c.response_id, c.code_id, c.id"
    if coder_id is None:
        rows = db.execute(_TRUE_SELECT + order).fetchall()
    else:
        rows = db.execute(_TRUE_SELECT + " WHERE c.coder_id = ?" + order, [coder_id]).fetchall()
    make = TrueCoding._make
    return [make(r[:9]) for r in rows]


def memos_by(db: Database, author_id: str | None) -> list[tuple]:
    """Memos (live and deleted) by one author, or all memos when ``author_id`` is None."""
    cols = "id, target_type, target_id, author_id, body, created_at, updated_at, deleted_at"
    if author_id is None:
        return db.execute(f"SELECT {cols} FROM memos ORDER BY id").fetchall()
    return db.execute(f"SELECT {cols} FROM memos WHERE author_id = ? ORDER BY id",
                      [author_id]).fetchall()


def live_codings_by_others_since(db: Database, coder_id: str, since: str
                                 ) -> list[tuple[str, str, int]]:
    """(coder id, name, live codings) made at or after ``since`` by coders other than
    ``coder_id``, by name."""
    return db.execute(
        "SELECT k.id, k.name, count(*) FROM codings c JOIN coders k ON k.id = c.coder_id"
        " WHERE c.coder_id != ? AND c.created_at >= ? AND c.deleted_at IS NULL"
        " GROUP BY k.id ORDER BY k.name", [coder_id, since]).fetchall()


# -- the lead's side of a merge ------------------------------------------------------------

def _fill(db: Database, table: str, columns: str, rows: Iterable[Sequence[Any]]) -> None:
    n = columns.count(",") + 1
    db.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table} ({columns}, PRIMARY KEY ({columns}))"
               " WITHOUT ROWID")
    db.execute(f"DELETE FROM temp.{table}")
    marks = ", ".join("?" for _ in range(n))
    db.conn.executemany(f"INSERT OR IGNORE INTO temp.{table} VALUES ({marks})", rows)


def _lead(rows: Iterable[Sequence[Any]]) -> dict[str, LeadCoding]:
    make = LeadCoding._make
    return {r[0]: make(r) for r in rows}


def codings_of_coders(db: Database, coder_ids: Sequence[str]) -> dict[str, LeadCoding]:
    """Every coding (live, hidden or removed) by these coders: id → true state + stored
    ``deleted_at`` and ``duplicate_of``."""
    rows = db.execute(_TRUE_SELECT + " WHERE c.coder_id IN (SELECT value FROM json_each(?))",
                      [json.dumps(list(coder_ids))]).fetchall()
    return _lead(rows)


def codings_at(db: Database, pairs: Iterable[tuple[str, str]]) -> dict[str, LeadCoding]:
    """Live codings (shown or hidden as duplicates) of these (response, coder) pairs."""
    _fill(db, "merge_pairs", "response_id, coder_id", pairs)
    shown = _TRUE_SELECT + (" JOIN temp.merge_pairs t ON t.response_id = c.response_id"
                            " AND t.coder_id = c.coder_id WHERE c.deleted_at IS NULL")
    rows = db.execute(shown).fetchall()
    out = _lead(rows)
    db.execute("CREATE TEMP TABLE IF NOT EXISTS merge_shown (id TEXT PRIMARY KEY) WITHOUT ROWID")
    db.execute("DELETE FROM temp.merge_shown")
    db.conn.executemany("INSERT OR IGNORE INTO temp.merge_shown VALUES (?)", ((i,) for i in out))
    hidden = _TRUE_SELECT + " JOIN temp.merge_shown t ON t.id = c.duplicate_of"
    out.update(_lead(db.execute(hidden).fetchall()))
    return out


def live_codings_of_codes(db: Database, code_ids: Sequence[str]) -> dict[str, LeadCoding]:
    """Live codings (shown or hidden as duplicates) of these codes."""
    rows = db.execute(_TRUE_SELECT + " WHERE c.code_id IN (SELECT value FROM json_each(?))"
                      " AND (c.deleted_at IS NULL OR c.duplicate_of IS NOT NULL)",
                      [json.dumps(list(code_ids))]).fetchall()
    return _lead(rows)


def live_count_by_others(db: Database, code_id: str, coder_ids: Sequence[str]) -> int:
    """Live codings of the code by coders other than these."""
    return db.execute(
        "SELECT count(*) FROM codings WHERE code_id = ? AND deleted_at IS NULL"
        " AND coder_id NOT IN (SELECT value FROM json_each(?))",
        [code_id, json.dumps(list(coder_ids))]).fetchone()[0]


def missing_responses(db: Database, response_ids: Iterable[str]) -> list[str]:
    rows = db.execute("SELECT j.value FROM json_each(?) j"
                      " WHERE NOT EXISTS (SELECT 1 FROM responses r WHERE r.id = j.value)",
                      [json.dumps(list(response_ids))])
    return [r[0] for r in rows]


def existing_ids(db: Database, table: str, ids: Sequence[str]) -> set[str]:
    """Which of ``ids`` exist in ``table`` (coders, codes, codings, memos, rounds)."""
    if table not in {"coders", "codes", "codings", "memos", "rounds"}:
        raise ValueError(table)
    rows = db.execute(f"SELECT id FROM {table} WHERE id IN (SELECT value FROM json_each(?))",
                      [json.dumps(list(ids))])
    return {r[0] for r in rows}


def memos_by_ids(db: Database, ids: Sequence[str]) -> dict[str, tuple]:
    rows = db.execute(
        "SELECT id, target_type, target_id, author_id, body, created_at, updated_at, deleted_at"
        " FROM memos WHERE id IN (SELECT value FROM json_each(?))", [json.dumps(list(ids))])
    return {r[0]: tuple(r) for r in rows}


# -- writing a merge -------------------------------------------------------------------------

_STORED = ("id, response_id, code_id, coder_id, span_start, span_end, created_at, updated_at,"
           " deleted_at, duplicate_of")


@contextmanager
def references_checked_by_caller(db: Database) -> Iterator[None]:
    """Skip SQLite's per-row foreign-key checks for a merge whose references were all
    checked beforehand, set-wise (``missing_responses``, the codebook and coder checks).

    Only outside a transaction does this take effect (SQLite ignores the pragma inside
    one); nested in a larger action the checks simply stay on.
    """
    on = db.execute("PRAGMA foreign_keys").fetchone()[0]
    if db.conn.in_transaction or not on:
        yield
        return
    db.execute("PRAGMA foreign_keys = OFF")
    try:
        yield
    finally:
        db.execute("PRAGMA foreign_keys = ON")


@contextmanager
def bulk_writes(db: Database) -> Iterator[None]:
    """For a large, non-undoable write (a merge): no undo journal, a larger page cache.

    The undo journal's TEMP triggers are dropped for the duration (inside the transaction:
    a rollback restores them) and installed again afterwards.
    """
    cache = db.execute("PRAGMA cache_size").fetchone()[0]
    size = db.execute("PRAGMA page_count").fetchone()[0] * db.execute(
        "PRAGMA page_size").fetchone()[0]
    # enough to keep the whole file in memory while it is rewritten: 256 MB to 1 GB
    db.execute(f"PRAGMA cache_size = -{min(max(size * 3 // 2048, 262144), 1048576)}")
    journal.uninstall(db)
    try:
        yield
    finally:
        journal.install(db)
        db.execute(f"PRAGMA cache_size = {int(cache)}")


def hide_codings(db: Database, rows: Iterable[tuple[str, str]]) -> None:
    """(id, deleted_at): take shown codings out of the way before they are rewritten."""
    db.conn.executemany("UPDATE codings SET deleted_at = ? WHERE id = ?",
                        ((at, i) for i, at in rows))


def update_codings(db: Database, rows: Iterable[Sequence[Any]]) -> None:
    """Rewrite codings; each row in the stored column order (``CODING_COLUMNS`` +
    ``duplicate_of``)."""
    db.conn.executemany(
        "UPDATE codings SET response_id = ?, code_id = ?, coder_id = ?, span_start = ?,"
        " span_end = ?, created_at = ?, updated_at = ?, deleted_at = ?, duplicate_of = ?"
        " WHERE id = ?", ((*r[1:], r[0]) for r in rows))


def insert_codings(db: Database, rows: Sequence[Sequence[Any]]) -> None:
    """Insert codings given in the stored column order (``CODING_COLUMNS`` +
    ``duplicate_of``).

    Most are of whole responses, never changed and shown: those bind six values instead of
    ten (a fifth quicker for a quarter of a million codings).
    """
    plain = [(r[0], r[1], r[2], r[3], r[6], r[8]) for r in rows
             if r[4] is None and r[6] == r[7] and r[9] is None]
    db.conn.executemany(
        f"INSERT INTO codings ({_STORED}) VALUES (?1, ?2, ?3, ?4, NULL, NULL, ?5, ?5, ?6, NULL)",
        plain)
    if len(plain) < len(rows):
        db.conn.executemany(
            f"INSERT INTO codings ({_STORED}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [r for r in rows if not (r[4] is None and r[6] == r[7] and r[9] is None)])


def upsert_memos(db: Database, rows: Iterable[Sequence[Any]]) -> None:
    db.conn.executemany(
        "INSERT INTO memos (id, target_type, target_id, author_id, body, created_at, updated_at,"
        " deleted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET"
        " target_type = excluded.target_type, target_id = excluded.target_id,"
        " author_id = excluded.author_id, body = excluded.body,"
        " created_at = excluded.created_at, updated_at = excluded.updated_at,"
        " deleted_at = excluded.deleted_at", rows)


def set_code_name(db: Database, code_id: str, name: str) -> None:
    db.execute("UPDATE codes SET name = ? WHERE id = ?", [name, code_id])


# -- the merge log and the codebook bases ----------------------------------------------------

def merged_before(db: Database, sha256: str) -> str | None:
    """When a file with this content was merged, if it was."""
    row = db.execute("SELECT merged_at FROM merges WHERE sha256 = ? ORDER BY seq LIMIT 1",
                     [sha256]).fetchone()
    return row[0] if row else None


def log_merge(db: Database, *, id: str, sha256: str, kind: str, source: str | None,
              coder_id: str | None, file_name: str, made_at: str | None, merged_at: str,
              merged_by: str | None, summary: dict[str, Any]) -> None:
    db.execute(
        "INSERT INTO merges (id, sha256, kind, source, coder_id, file_name, made_at, merged_at,"
        " merged_by, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [id, sha256, kind, source, coder_id, file_name, made_at, merged_at, merged_by,
         json.dumps(summary, ensure_ascii=False, sort_keys=True)])


def merges(db: Database) -> list[dict[str, Any]]:
    rows = db.execute("SELECT id, sha256, kind, source, coder_id, file_name, made_at, merged_at,"
                      " merged_by, summary FROM merges ORDER BY seq").fetchall()
    keys = ("id", "sha256", "kind", "source", "coder_id", "file_name", "made_at", "merged_at",
            "merged_by", "summary")
    return [{**dict(zip(keys, r)), "summary": json.loads(r[9])} for r in rows]


def bases(db: Database, source: str) -> dict[str, tuple[dict[str, Any], str | None]]:
    """Code id → (the code's fields last taken from this source, where its codings go)."""
    rows = db.execute("SELECT code_id, fields, redirect FROM merge_bases WHERE source = ?",
                      [source]).fetchall()
    return {r[0]: (json.loads(r[1]), r[2]) for r in rows}


def set_bases(db: Database, source: str,
              rows: Iterable[tuple[str, dict[str, Any], str | None]]) -> None:
    db.conn.executemany(
        "INSERT INTO merge_bases (source, code_id, fields, redirect) VALUES (?, ?, ?, ?)"
        " ON CONFLICT(source, code_id) DO UPDATE SET fields = excluded.fields,"
        " redirect = excluded.redirect",
        ((source, c, json.dumps(f, ensure_ascii=False, sort_keys=True), r) for c, f, r in rows))


# -- coder packages ------------------------------------------------------------------------------

def withhold_codings(db: Database, coder_id: str, response_ids: Iterable[str]) -> list[str]:
    """Delete every other coder's codings of these responses (for a blind package).

    Returns the deleted ids. Memos on those codings, and other coders' memos on the
    responses, go too (see :func:`withhold_memos`).
    """
    _fill(db, "package_responses", "id", ((i,) for i in response_ids))
    ids = [r[0] for r in db.execute(
        "SELECT id FROM codings WHERE coder_id IS NOT ? AND response_id IN"
        " (SELECT id FROM temp.package_responses)", [coder_id])]
    _fill(db, "package_codings", "id", ((i,) for i in ids))
    db.execute("DELETE FROM codings WHERE id IN (SELECT id FROM temp.package_codings)")
    return ids


def withhold_memos(db: Database, coder_id: str) -> list[str]:
    """Delete memos on withheld codings and other people's memos on withheld responses."""
    ids = [r[0] for r in db.execute(
        "SELECT id FROM memos WHERE (target_type = 'coding' AND target_id IN"
        " (SELECT id FROM temp.package_codings)) OR (target_type = 'response'"
        " AND author_id IS NOT ? AND target_id IN (SELECT id FROM temp.package_responses))",
        [coder_id])]
    db.execute("DELETE FROM memos WHERE id IN (SELECT value FROM json_each(?))",
               [json.dumps(ids)])
    return ids


def withhold_decisions(db: Database) -> list[str]:
    """Delete review decisions on the withheld responses (after :func:`withhold_codings`):
    the team's decisions there would tell a blind coder what the others coded."""
    ids = [r[0] for r in db.execute(
        "SELECT id FROM review_decisions WHERE response_id IN"
        " (SELECT id FROM temp.package_responses)")]
    db.execute("DELETE FROM review_decisions WHERE id IN (SELECT value FROM json_each(?))",
               [json.dumps(ids)])
    return ids


def audit_entries_for_scan(db: Database) -> list[tuple[int, str, str | None, str | None,
                                                       str | None]]:
    """(seq, entity, entity_id, before, after) of every audit entry."""
    return db.execute("SELECT seq, entity, entity_id, before, after FROM audit_log").fetchall()


def purge_audit(db: Database, seqs: Sequence[int]) -> None:
    """Delete audit entries from a package copy (the append-only triggers are lifted for it)."""
    if not seqs:
        return
    triggers = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
                          " AND tbl_name = 'audit_log'").fetchall()
    for name, _ in triggers:
        db.execute(f'DROP TRIGGER "{name}"')
    _fill(db, "package_audit", "seq", ((s,) for s in seqs))
    db.execute("DELETE FROM audit_log WHERE seq IN (SELECT seq FROM temp.package_audit)")
    for _, sql in triggers:
        db.execute(sql)


def vacuum(db: Database) -> None:
    """Rewrite the file so deleted rows leave no trace in free pages."""
    db.execute("VACUUM")
