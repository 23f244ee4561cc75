"""Faults from outside, made real: read-only files and folders, damaged pages.

File permissions do not bind root, and the test suite may run as root (containers, CI). As
root, :func:`as_other_user` acts as the unprivileged user "nobody" (effective uid 65534)
for the duration of the block, so ``chmod a-w`` stops writes exactly as it does for a
researcher; as anyone else it changes nothing. Files the block touches must sit in a folder
"nobody" can reach: :func:`open_folder`.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

NOBODY = 65534

needs_posix = pytest.mark.skipif(sys.platform == "win32",
                                 reason="folder permissions work differently on Windows")


@contextmanager
def as_other_user() -> Iterator[None]:
    """Run the block with file permissions that bind (see the module docstring)."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        yield
        return
    try:
        os.seteuid(NOBODY)
    except PermissionError:  # a container without CAP_SETUID
        pytest.skip("running as root, and cannot act as another user to make chmod bind")
    try:
        yield
    finally:
        os.seteuid(0)


@contextmanager
def open_folder() -> Iterator[Path]:
    """A fresh folder everyone may read and write (``chmod`` it to take that away)."""
    folder = Path(tempfile.mkdtemp(prefix="post-coder-faults-"))
    folder.chmod(0o777)
    try:
        yield folder
    finally:
        for path in [folder, *folder.rglob("*")]:
            path.chmod(path.stat().st_mode | stat.S_IWUSR | stat.S_IXUSR | stat.S_IRUSR)
        shutil.rmtree(folder)


def beside(path: Path) -> list[str]:
    """The names of the files next to ``path`` that start with its name (-wal, -shm…)."""
    return sorted(p.name for p in path.parent.iterdir()
                  if p.name.startswith(path.name) and p != path)


def damage_table(path: Path, table: str) -> None:
    """Overwrite the first b-tree page of ``table`` in the closed file ``path`` with junk."""
    con = sqlite3.connect(path)
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", [table]).fetchone()[0]
    con.close()
    assert root > 1
    with open(path, "r+b") as fh:
        fh.seek((root - 1) * page_size)
        fh.write(b"\x0d\xff\xff\xff\xff\x00" + b"\xa5" * 200)
