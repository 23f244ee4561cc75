"""The undo journal: TEMP triggers record the inverse SQL of every change to undoable tables.

Following SQLite's trigger-based undo/redo technique: each INSERT, UPDATE or DELETE on a
journaled table appends the statement that reverses it to the connection's TEMP
``undo_log``. A step is the range of log rows one action wrote; undoing it replays them
backwards, and the triggers record the reverse of *that*, which becomes the redo step.
The log lives in TEMP, per connection and per session: it is never saved in the file.

Each log row also keeps the row's primary key (``k1``, ``k2``) and the *image* the change
left behind (every column, quoted; NULL when the row was deleted), and an update's row its
*old* values as a JSON array, replayed as a prepared statement; a clean-up row (see
:func:`_tombstones_of`) has neither. Before a step is replayed,
:func:`stale_rows` compares the rows it touched with the images its last change of each
left: a difference means someone else (another window or program, another connection)
changed the row since, and replaying the step would silently overwrite their change.

A test-mode guard (:func:`install_guard`) records writes to every other table, so that an
undoable action writing a table this journal does not cover fails loudly
(:func:`unjournaled_writes`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from sqlite_utils import Database

#: journaled tables → the change kind (``changes.KINDS``) each belongs to
JOURNALED = {"coders": "coders", "codes": "codes", "codings": "codings", "memos": "memos",
             "rounds": "project", "round_coders": "project", "round_responses": "project",
             "done_marks": "codings", "review_sessions": "project",
             "review_decisions": "codings", "code_versions": "codes",
             "recheck_flags": "codings", "questions": "datasets", "variables": "datasets",
             "key_pins": "codes", "exemplars": "codings", "code_dimensions": "codes",
             "summary_specs": "project"}
#: tables whose rows travel between laptops with tombstones: undoing the creation of such a
#: row removes it with a tombstone (stamped at undo time), so the removal travels too
TOMBSTONED = {"codings", "memos", "done_marks"}
#: tables any action may write without being journaled (the append-only audit log)
UNJOURNALED_OK = {"audit_log"}
#: how a row of each journaled table is named in messages: (noun, column holding its name)
NOUNS = {"coders": ("coder", "name"), "codes": ("code", "name"), "rounds": ("round", "name"),
         "codings": ("a coding", None), "memos": ("a memo", None),
         "round_coders": ("the coders of a round", None),
         "round_responses": ("the responses of a round", None),
         "done_marks": ("a done mark", None),
         "review_sessions": ("a review session", None),
         "review_decisions": ("a review decision", None),
         "code_versions": ("a version of a code", None),
         "recheck_flags": ("a re-check flag", None),
         "questions": ("question", "short_label"), "variables": ("attribute", "name"),
         "key_pins": ("a key pin", None), "exemplars": ("an exemplar mark", None),
         "code_dimensions": ("the RE-AIM dimension of a code", None),
         "summary_specs": ("the RE-AIM summary spec", None)}
#: SQL text that evaluates, when the undo runs, to the time in the format of ``db.now()``
_NOW = "'(strftime(''%Y-%m-%dT%H:%M:%f'', ''now'') || ''+00:00'')'"
_OPS = ("insert", "update", "delete")


def _columns(db: Database, table: str) -> tuple[list[str], list[str]]:
    """(all columns, primary-key columns) of a main table."""
    info = db.execute(f"PRAGMA main.table_info({table})").fetchall()
    cols = [r[1] for r in info]
    keys = [r[1] for r in sorted((r for r in info if r[5]), key=lambda r: r[5])]
    return cols, keys


def _image(cols: list[str], row: str) -> str:
    """SQL for the quoted image of a row: ``quote(new.a) || ',' || quote(new.b)…``."""
    return " || ',' || ".join(f"quote({row}.{c})" for c in cols)


def _where(keys: list[str], row: str) -> str:
    """SQL building the WHERE clause text that finds this row again: ``'id=' || quote(…)``."""
    return " || ' AND ' || ".join(f"'{k}=' || quote({row}.{k})" for k in keys)


def _key(keys: list[str], row: str) -> str:
    """SQL for the log's ``k1, k2``: the row's primary-key values (``k2`` NULL for one)."""
    assert 1 <= len(keys) <= 2, f"cannot journal a primary key of {len(keys)} columns"
    return ", ".join([f"{row}.{k}" for k in keys] + ["NULL"] * (2 - len(keys)))


def _tombstones_of(db: Database, table: str) -> str:
    """Trigger SQL logging, after the undo of an insert into ``table``, the removal of the
    tombstones that refer to the row (they would keep a removed code or coder alive).

    Undoing "Add code" after "Apply code" was undone leaves a tombstoned coding of the
    code; it goes with the code. A *live* coding of it (made since by someone else) is not
    removed: the foreign key refuses the undo.
    """
    out = []
    for other in sorted(TOMBSTONED):
        for fk in db.execute(f"PRAGMA main.foreign_key_list({other})").fetchall():
            if fk[2] == table:  # (id, seq, table, from, to, …)
                out.append(f"INSERT INTO undo_log(tbl, sql) VALUES ('{other}', "
                           f"'DELETE FROM main.{other} WHERE deleted_at IS NOT NULL AND "
                           f"{fk[3]}=' || quote(new.{fk[4]}));")
    return "\n  ".join(out)


def install(db: Database) -> None:
    """Create the TEMP log and triggers on this connection (idempotent)."""
    db.execute("CREATE TEMP TABLE IF NOT EXISTS undo_log (seq INTEGER PRIMARY KEY,"
               " tbl TEXT NOT NULL, sql TEXT NOT NULL, k1, k2, image TEXT, old TEXT)")
    for table in JOURNALED:
        cols, keys = _columns(db, table)
        where_new = _where(keys, "new")
        key_new, key_old = _key(keys, "new"), _key(keys, "old")
        undo_insert = f"'DELETE FROM main.{table} WHERE ' || {where_new}"
        if table in TOMBSTONED:
            undo_insert = ("'UPDATE main.{t} SET deleted_at=' || {now} || ', updated_at=' || "
                           "{now} || ' WHERE ' || {w}").format(t=table, now=_NOW, w=where_new)
        sets_old = " || ',' || ".join(f"'{c}=' || quote(old.{c})" for c in cols)
        db.executescript(f"""
CREATE TEMP TRIGGER IF NOT EXISTS undo_{table}_insert AFTER INSERT ON main.{table} BEGIN
  INSERT INTO undo_log(tbl, sql, k1, k2, image) VALUES ('{table}', {undo_insert},
    {key_new}, {_image(cols, "new")});
  {"" if table in TOMBSTONED else _tombstones_of(db, table)}
END;
CREATE TEMP TRIGGER IF NOT EXISTS undo_{table}_update AFTER UPDATE ON main.{table} BEGIN
  INSERT INTO undo_log(tbl, sql, k1, k2, image, old) VALUES ('{table}',
    'UPDATE main.{table} SET ' || {sets_old} || ' WHERE ' || {where_new},
    {key_new}, {_image(cols, "new")}, json_array({", ".join(f"old.{c}" for c in cols)}));
END;
CREATE TEMP TRIGGER IF NOT EXISTS undo_{table}_delete AFTER DELETE ON main.{table} BEGIN
  INSERT INTO undo_log(tbl, sql, k1, k2, image) VALUES ('{table}',
    'INSERT INTO main.{table}({", ".join(cols)}) VALUES(' || {_image(cols, "old")} || ')',
    {key_old}, NULL);
END;
""")


def uninstall(db: Database) -> None:
    """Drop the journal's triggers (for a large non-undoable write); :func:`install` again."""
    for table in JOURNALED:
        for op in _OPS:
            db.execute(f"DROP TRIGGER IF EXISTS temp.undo_{table}_{op}")


def last_seq(db: Database) -> int:
    return db.execute("SELECT ifnull(max(seq), 0) FROM temp.undo_log").fetchone()[0]


def tables_between(db: Database, first: int, last: int) -> set[str]:
    rows = db.execute("SELECT DISTINCT tbl FROM temp.undo_log WHERE seq BETWEEN ? AND ?",
                      [first, last]).fetchall()
    return {r[0] for r in rows}


def stale_rows(db: Database, first: int, last: int) -> list[str]:
    """The rows log rows ``first..last`` touched that no longer look as the step left them.

    Each is described in words (``code "Stigma"``, ``a coding``); empty when every row is
    exactly as the step's last change of it left it, so replaying the step is safe. One
    query per table, probing each row by its primary key.
    """
    stale = []
    for (table,) in db.execute("SELECT DISTINCT tbl FROM temp.undo_log WHERE seq BETWEEN ? AND ?"
                               " AND k1 IS NOT NULL ORDER BY tbl", [first, last]).fetchall():
        cols, keys = _columns(db, table)
        match = " AND ".join(f"t.{k} = u.k{n}" for n, k in enumerate(keys, start=1))
        rows = db.execute(
            f"SELECT u.k1, u.k2 FROM ("
            # SQLite takes the bare columns of an aggregate query from the row with max(seq)
            f"  SELECT k1, k2, image, max(seq) AS seq FROM temp.undo_log"
            f"  WHERE seq BETWEEN ? AND ? AND tbl = ? AND k1 IS NOT NULL GROUP BY k1, k2) u"
            f" WHERE u.image IS NOT (SELECT {_image(cols, 't')} FROM main.{table} t"
            f"  WHERE {match}) ORDER BY u.seq DESC", [first, last, table]).fetchall()
        stale += [_describe(db, table, keys, key) for key in rows]
    return list(dict.fromkeys(stale))


def _describe(db: Database, table: str, keys: list[str], key: tuple) -> str:
    noun, name_column = NOUNS.get(table, (f"a row of {table}", None))
    if name_column is None:
        return noun
    match = " AND ".join(f"{k} = ?" for k in keys)
    row = db.execute(f"SELECT {name_column} FROM main.{table} WHERE {match}",
                     list(key[:len(keys)])).fetchone()
    return f'{noun} "{row[0]}"' if row else f"a {noun} (since deleted)"


def replay_backwards(db: Database, first: int, last: int) -> None:
    """Run the inverse statements of log rows ``first..last``, newest first.

    The inverse of an UPDATE (the row's old values, kept as a JSON array) runs as one
    prepared statement per table with the values bound, so undoing a merge of 100,000
    codings compiles one statement, not 100,000; the rest run as logged. (JSON keeps the
    TEXT and INTEGER values of the journaled tables exactly.)
    """
    conn = db.conn
    updates: dict[str, tuple[str, int]] = {}  # table → (prepared UPDATE, key columns)
    for (table, sql, k1, k2, old) in _newest_first(db, first, last):
        if old is None:
            conn.execute(sql)
            continue
        if table not in updates:
            cols, keys = _columns(db, table)
            updates[table] = (f"UPDATE main.{table} SET {', '.join(f'{c} = ?' for c in cols)}"
                              f" WHERE {' AND '.join(f'{k} = ?' for k in keys)}", len(keys))
        update, n_keys = updates[table]
        conn.execute(update, [*json.loads(old), *(k1, k2)[:n_keys]])


def _newest_first(db: Database, first: int, last: int, chunk: int = 1000) -> Iterator[tuple]:
    """Log rows ``first..last`` (tbl, sql, k1, k2, old), newest first, read a chunk at a
    time: a whole step at once (100,000 rows) would keep as many tuples alive, and the
    UI thread's garbage collector would walk them all (a visible stall)."""
    high = last
    while high >= first:
        low = max(first, high - chunk + 1)
        yield from db.conn.execute("SELECT tbl, sql, k1, k2, old FROM temp.undo_log"
                                   " WHERE seq BETWEEN ? AND ? ORDER BY seq DESC",
                                   [low, high]).fetchall()
        high = low - 1


def forget(db: Database, first: int, last: int) -> None:
    db.execute("DELETE FROM temp.undo_log WHERE seq BETWEEN ? AND ?", [first, last])


def clear(db: Database) -> None:
    db.execute("DELETE FROM temp.undo_log")


# -- the test-mode guard: undoable actions write only journaled tables ---------------------------

class UnjournaledWriteError(RuntimeError):
    """An undoable action wrote a table the undo journal does not cover (a bug)."""


def install_guard(db: Database) -> None:
    """Record, in TEMP ``unjournaled_writes``, every write to a table not journaled here.

    Covers every ordinary main table except the journaled ones and the audit log; virtual
    tables and their shadow tables (written only by triggers on journaled or guarded
    tables) are left out.
    """
    db.execute("CREATE TEMP TABLE IF NOT EXISTS unjournaled_writes (tbl TEXT PRIMARY KEY)")
    tables = db.execute("SELECT name, sql FROM main.sqlite_master WHERE type = 'table'"
                        " AND name NOT LIKE 'sqlite%'").fetchall()
    virtual = [name for name, sql in tables if sql.upper().startswith("CREATE VIRTUAL")]
    for name, _ in tables:
        if (name in JOURNALED or name in UNJOURNALED_OK or name in virtual
                or any(name.startswith(v + "_") for v in virtual)):
            continue
        for op in _OPS:
            # no OR IGNORE: an outer statement's conflict clause (an upsert) overrides it
            db.execute(
                f'CREATE TEMP TRIGGER IF NOT EXISTS "guard_{name}_{op}" AFTER {op.upper()} ON'
                f' main."{name}" BEGIN INSERT INTO unjournaled_writes(tbl)'
                f" SELECT '{name}' WHERE NOT EXISTS (SELECT 1 FROM unjournaled_writes"
                f" WHERE tbl = '{name}'); END")


def reset_guard(db: Database) -> None:
    """Start a new action with nothing recorded (no-op without the guard)."""
    if _has_guard(db):
        db.execute("DELETE FROM temp.unjournaled_writes")


def unjournaled_writes(db: Database) -> list[str]:
    """The tables outside the journal written since :func:`reset_guard` (guard installed)."""
    if not _has_guard(db):
        return []
    return [r[0] for r in db.execute("SELECT tbl FROM temp.unjournaled_writes ORDER BY tbl")]


def _has_guard(db: Database) -> bool:
    return db.execute("SELECT 1 FROM temp.sqlite_master WHERE name = 'unjournaled_writes'"
                      ).fetchone() is not None
