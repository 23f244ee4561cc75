"""Files written whole or not at all.

Every file POST Coder writes for people (tables, codebooks, minutes) is written beside its
target under a temporary name and moved into place only when complete, so a failure (a
full disk, a crash, a bug) never leaves half a file under the name asked for.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from post_coder.errors import PostCoderError


def _umask() -> int:
    """The process's umask (read by setting it and putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


#: the permissions of a new file, as ``open()`` would give it (a temporary file is private)
_NEW_FILE_MODE = 0o666 & ~_umask()


@contextmanager
def written_whole(path: str | Path, what: str) -> Iterator[Path]:
    """Yield a temporary path beside ``path`` to write to; on leaving the block without an
    error it replaces ``path``, with the permissions of the file it replaces (a new file's
    as ``open()`` would give them, not the temporary file's private ones). The temporary
    file never outlives the block. An ``OSError`` becomes a plain error: "the ``what``
    could not be written (reason)", naming the file."""
    path = Path(path)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    os.close(fd)
    partial = Path(name)
    try:
        yield partial
        try:
            mode = path.stat().st_mode & 0o7777
        except OSError:
            mode = _NEW_FILE_MODE
        os.chmod(partial, mode)
        os.replace(partial, path)
    except OSError as exc:
        raise PostCoderError(f"the {what} could not be written ({exc.strerror or exc})",
                             file=path) from exc
    finally:
        partial.unlink(missing_ok=True)
