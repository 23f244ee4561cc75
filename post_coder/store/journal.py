"""The undo journal: TEMP triggers record the inverse SQL of every change to undoable tables.

Following SQLite's trigger-based undo/redo technique: each INSERT, UPDATE or DELETE on a
journaled table appends the statement that reverses it to the connection's TEMP
``undo_log``. A step is the range of log rows one action wrote; undoing it replays them
backwards, and the triggers record the reverse of *that*, which becomes the redo step.
The log lives in TEMP, per connection and per session: it is never saved in the file.
"""

from __future__ import annotations

from sqlite_utils import Database

#: journaled tables → the change kind (``changes.KINDS``) each belongs to
JOURNALED = {"coders": "coders", "codes": "codes", "codings": "codings", "memos": "memos"}
#: tables whose rows travel between laptops with tombstones: undoing the creation of such a
#: row removes it with a tombstone (stamped at undo time), so the removal travels too
TOMBSTONED = {"codings", "memos"}
#: SQL text that evaluates, when the undo runs, to the time in the format of ``db.now()``
_NOW = "'(strftime(''%Y-%m-%dT%H:%M:%f'', ''now'') || ''+00:00'')'"


def install(db: Database) -> None:
    """Create the TEMP log and triggers on this connection (idempotent)."""
    db.execute("CREATE TEMP TABLE IF NOT EXISTS undo_log ("
               "seq INTEGER PRIMARY KEY, tbl TEXT NOT NULL, sql TEXT NOT NULL)")
    for table in JOURNALED:
        cols = [r[1] for r in db.execute(f"PRAGMA main.table_info({table})")]
        undo_insert = ("'DELETE FROM main.{t} WHERE id=' || quote(new.id)").format(t=table)
        if table in TOMBSTONED:
            undo_insert = ("'UPDATE main.{t} SET deleted_at=' || {now} || ', updated_at=' || "
                           "{now} || ' WHERE id=' || quote(new.id)").format(t=table, now=_NOW)
        quoted_old = " || ',' || ".join(f"quote(old.{c})" for c in cols)
        sets_old = " || ',' || ".join(f"'{c}=' || quote(old.{c})" for c in cols)
        db.executescript(f"""
CREATE TEMP TRIGGER IF NOT EXISTS undo_{table}_insert AFTER INSERT ON main.{table} BEGIN
  INSERT INTO undo_log(tbl, sql) VALUES ('{table}', {undo_insert});
END;
CREATE TEMP TRIGGER IF NOT EXISTS undo_{table}_update AFTER UPDATE ON main.{table} BEGIN
  INSERT INTO undo_log(tbl, sql) VALUES ('{table}',
    'UPDATE main.{table} SET ' || {sets_old} || ' WHERE id=' || quote(old.id));
END;
CREATE TEMP TRIGGER IF NOT EXISTS undo_{table}_delete AFTER DELETE ON main.{table} BEGIN
  INSERT INTO undo_log(tbl, sql) VALUES ('{table}',
    'INSERT INTO main.{table}({", ".join(cols)}) VALUES(' || {quoted_old} || ')');
END;
""")


def last_seq(db: Database) -> int:
    return db.execute("SELECT ifnull(max(seq), 0) FROM temp.undo_log").fetchone()[0]


def tables_between(db: Database, first: int, last: int) -> set[str]:
    rows = db.execute("SELECT DISTINCT tbl FROM temp.undo_log WHERE seq BETWEEN ? AND ?",
                      [first, last]).fetchall()
    return {r[0] for r in rows}


def replay_backwards(db: Database, first: int, last: int) -> None:
    """Run the inverse statements of log rows ``first..last``, newest first."""
    rows = db.execute("SELECT sql FROM temp.undo_log WHERE seq BETWEEN ? AND ? ORDER BY seq DESC",
                      [first, last]).fetchall()
    for (sql,) in rows:
        db.execute(sql)


def forget(db: Database, first: int, last: int) -> None:
    db.execute("DELETE FROM temp.undo_log WHERE seq BETWEEN ? AND ?", [first, last])


def clear(db: Database) -> None:
    db.execute("DELETE FROM temp.undo_log")
