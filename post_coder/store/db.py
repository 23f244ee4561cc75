"""Connections, pragmas, transactions and file identification."""

from __future__ import annotations

import datetime as _dt
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
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


#: how long a write waits for another window or program to finish its own write
BUSY_TIMEOUT_MS = 5000


#: bytes per database page of a new project file (SQLite's default is 4,096): an import
#: writes tens of megabytes, and with 16 KiB pages its B-trees have a quarter of the pages
#: to split, link and log — the import's SQLite work took about a fifth less CPU time in
#: ``benchmarks/bench_import.py``; larger pages gained nothing more. A file keeps the page
#: size it was created with.
PAGE_SIZE = 16384


def connect(path: Path | str, *, readonly: bool = False, new: bool = False) -> Database:
    """Open a connection with POST Coder's pragmas (WAL, foreign keys, synchronous=NORMAL).

    ``new``: the file is being created (it is empty): its pages get :data:`PAGE_SIZE`.

    The connection runs in autocommit mode: nothing is ever written outside an explicit
    transaction opened by :func:`begin`. A write waits up to :data:`BUSY_TIMEOUT_MS` for
    another connection's write to finish.

    ``readonly`` connections never write the file and leave nothing beside it: see
    :func:`_connect_readonly`.
    """
    if readonly:
        conn = _connect_readonly(Path(path))
    else:
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False,
                               timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_MS)}")
    db = Database(conn, execute_plugins=False)
    if new and not readonly:
        db.execute(f"PRAGMA page_size = {PAGE_SIZE}")  # before WAL, which fixes it
    if not readonly:
        db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA synchronous = NORMAL")
    return db


def _connect_readonly(path: Path) -> sqlite3.Connection:
    """A connection that cannot write, chosen so that it leaves no -wal or -shm behind.

    - A -wal file exists (the project is open elsewhere, or a crash left pages in it): a
      plain read-only connection, which reads those pages.
    - No -wal and the file and folder are writable: a normal connection with
      ``query_only``; SQLite removes the -wal and -shm it makes when it closes last (a
      ``mode=ro`` connection could not, and would leave them behind).
    - No -wal and the file or its folder is read-only: nobody is writing it (a writer
      would have made a -wal), so SQLite reads the file as it is and makes nothing beside it.
    """
    if not sidecar(path, "-wal").exists():
        if writable(path):
            conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False,
                                   timeout=BUSY_TIMEOUT_MS / 1000)
            conn.execute("PRAGMA query_only = ON")
            return conn
        return _connect_uri(path, "mode=ro&immutable=1")
    conn = _connect_uri(path, "mode=ro")
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError as exc:
        if error_kind(exc) not in ("readonly", "cantopen"):
            conn.close()
            raise
        conn.close()  # a -wal in a read-only folder: read the main file as it is
        return _connect_uri(path, "mode=ro&immutable=1")
    return conn


def _connect_uri(path: Path, query: str) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?{query}", uri=True,
                           isolation_level=None, check_same_thread=False,
                           timeout=BUSY_TIMEOUT_MS / 1000)


def writable(path: Path) -> bool:
    """Whether this process may change the file and create its -wal and -shm beside it."""
    effective = os.access in os.supports_effective_ids
    folder = path.parent if str(path.parent) else Path(".")
    return (os.access(path, os.W_OK, effective_ids=effective)
            and os.access(folder, os.W_OK, effective_ids=effective))


def sidecar(path: Path, suffix: str) -> Path:
    """The file SQLite keeps beside ``path``: ``-wal``, ``-shm`` or ``-journal``."""
    return Path(f"{path}{suffix}")


SIDECARS = ("-wal", "-shm", "-journal")


def remove_with_sidecars(path: Path) -> None:
    """Delete a scratch database file and anything SQLite left beside it."""
    for suffix in ("", *SIDECARS):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


#: what went wrong, by SQLite's primary result code (see :func:`error_kind`)
_KINDS = {
    sqlite3.SQLITE_BUSY: "busy",
    sqlite3.SQLITE_LOCKED: "busy",
    sqlite3.SQLITE_READONLY: "readonly",
    sqlite3.SQLITE_PERM: "readonly",
    sqlite3.SQLITE_FULL: "full",
    sqlite3.SQLITE_CORRUPT: "damaged",
    sqlite3.SQLITE_NOTADB: "damaged",
    sqlite3.SQLITE_IOERR: "io",
    sqlite3.SQLITE_CANTOPEN: "cantopen",
}


def error_kind(exc: BaseException) -> str | None:
    """``'busy'``, ``'readonly'``, ``'full'``, ``'damaged'``, ``'io'`` or ``'cantopen'``
    when ``exc`` is SQLite saying so; ``None`` for anything else (a bug, not the disk)."""
    if not isinstance(exc, sqlite3.Error):
        return None
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:
        return None
    return _KINDS.get(code & 0xFF)


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


def integrity_check(db: Database) -> str:
    """``'ok'`` or SQLite's first complaint, after reading every page and index entry.

    Takes seconds on a large project: run it off the UI thread.
    """
    return db.execute("PRAGMA integrity_check(1)").fetchone()[0]


def begin(db: Database) -> None:
    """Start a write transaction now (``BEGIN IMMEDIATE``: takes the write lock up front)."""
    db.execute("BEGIN IMMEDIATE")


def begin_read(db: Database) -> None:
    """Start a read transaction (``BEGIN DEFERRED``): one consistent snapshot, no write lock.

    Scratch TEMP tables may still be written inside it (they live in the connection's own
    temp database); a write to the project file would then have to wait for the lock.
    """
    db.execute("BEGIN DEFERRED")


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


def checkpoint_passive(db: Database) -> None:
    """Copy what the WAL holds into the main file as far as readers allow, waiting for
    nobody (``PASSIVE``; the WAL keeps anything a reader still needs)."""
    db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()


@contextmanager
def checkpoints_deferred(db: Database) -> Iterator[None]:
    """Commits in the block do not copy the WAL into the main file.

    By default a commit that leaves the WAL over 1,000 pages also checkpoints it, in the
    committing call. A committed transaction is safe in the WAL already (SQLite replays it
    on the next open after a crash, and every reader reads it there), so the copy can wait
    for :func:`checkpoint_passive` or the checkpoint at close. The connection's setting is
    restored after the block, whatever happens in it.
    """
    (before,) = db.execute("PRAGMA wal_autocheckpoint").fetchone()
    db.execute("PRAGMA wal_autocheckpoint = 0")
    try:
        yield
    finally:
        db.execute(f"PRAGMA wal_autocheckpoint = {int(before)}").fetchall()


def backup_to(db: Database, target: Path) -> None:
    """Write a consistent copy of the project to ``target`` (SQLite online backup).

    Whatever is at ``target`` (a scratch file a killed copy left, with its -wal) is removed
    first: the copy starts from nothing (SQLite refuses to copy into a file in WAL mode
    whose page size differs, and would otherwise read a stale -wal into the copy)."""
    remove_with_sidecars(target)
    dest = sqlite3.connect(str(target), timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        db.conn.backup(dest)
    finally:
        dest.close()


def wal_path(db: Database) -> Path:
    """The write-ahead log file beside the database file."""
    name = db.execute("PRAGMA database_list").fetchone()[2]
    return Path(name + "-wal")
