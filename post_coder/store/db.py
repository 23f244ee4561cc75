"""Connections, pragmas, transactions and file identification."""

from __future__ import annotations

import datetime as _dt
import sqlite3
from pathlib import Path

from sqlite_utils import Database

#: ``PRAGMA application_id`` of every POST Coder project file ("POST" in ASCII)
APPLICATION_ID = 0x504F5354
SQLITE_MAGIC = b"SQLite format 3\x00"


def now() -> str:
    """The current UTC time as ISO 8601 with milliseconds (sorts as text)."""
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="milliseconds")


def file_header(path: Path) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(100)


def connect(path: Path | str, *, readonly: bool = False) -> Database:
    """Open a connection with POST Coder's pragmas (WAL, foreign keys, synchronous=NORMAL).

    The connection runs in autocommit mode: nothing is ever written outside an explicit
    transaction opened by :func:`begin`.
    """
    if readonly:
        conn = sqlite3.connect(
            f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, isolation_level=None,
            check_same_thread=False,
        )
    else:
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout = 5000")
    db = Database(conn, execute_plugins=False)
    if not readonly:
        db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA synchronous = NORMAL")
    return db


def application_id(db: Database) -> int:
    return db.execute("PRAGMA application_id").fetchone()[0]


def set_application_id(db: Database) -> None:
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")


#: files up to this size get SQLite's full structure check on open; larger ones a cheap one
QUICK_CHECK_LIMIT = 16 * 1024 * 1024


def quick_check(db: Database) -> str:
    """``'ok'`` or SQLite's first complaint about the file's structure."""
    return db.execute("PRAGMA quick_check(1)").fetchone()[0]


def structure_check(db: Database, file_size: int) -> str:
    """``'ok'`` or what is wrong, in time that does not grow with the project.

    Small files get ``PRAGMA quick_check``. For large ones (where that takes seconds) the
    file must be as long as its page count says (a truncated copy is not) and the schema
    must read; SQLite reports any other damage as soon as a damaged page is touched.
    """
    if file_size <= QUICK_CHECK_LIMIT:
        return quick_check(db)
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    page_size = db.execute("PRAGMA page_size").fetchone()[0]
    # pages still in the write-ahead log (after a crash) may lie beyond the main file's end
    wal_size = wal_path(db).stat().st_size if wal_path(db).exists() else 0
    if pages * page_size > file_size + wal_size:
        return f"the file is shorter ({file_size:,} bytes) than its {pages:,} pages"
    db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return "ok"



def begin(db: Database) -> None:
    """Start a write transaction now (``BEGIN IMMEDIATE``: takes the write lock up front)."""
    db.execute("BEGIN IMMEDIATE")


def commit(db: Database) -> None:
    db.execute("COMMIT")


def rollback(db: Database) -> None:
    if db.conn.in_transaction:
        db.execute("ROLLBACK")


def in_transaction(db: Database) -> bool:
    return db.conn.in_transaction


def checkpoint(db: Database) -> None:
    """Fold the WAL into the main file (on close, so a copied file is complete)."""
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def backup_to(db: Database, target: Path) -> None:
    """Write a consistent copy of the project to ``target`` (SQLite online backup)."""
    dest = sqlite3.connect(str(target))
    try:
        db.conn.backup(dest)
    finally:
        dest.close()


def wal_path(db: Database) -> Path:
    """The write-ahead log file beside the database file."""
    name = db.execute("PRAGMA database_list").fetchone()[2]
    return Path(name + "-wal")
