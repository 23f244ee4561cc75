"""What a merge reads: a coder's work file, or a whole project file, as :class:`Incoming`.

A work file (``*.postcoder-work``) is one coder's work from their laptop::

    POST Coder work file\\n                   magic line
    {"format": "post-coder-work", ...}\\n    header: one line of JSON
    <gzip-compressed JSON payload>

The header names the project (its id), the coder, the package the work was done in and
the SHA-256 and size of the payload, so a file from another project, from a newer version
of POST Coder, cut short or changed after export is refused with a plain message before
anything is merged. The payload holds the coder's codings (removals as tombstones), their
done marks (un-markings as tombstones), their memos, their coder record and the codes they
added or changed, each with the values it had in the package (the base of the three-way
comparison). A work file from before done marks gets them from its live codings.

A whole project file is read the same way, without being changed: it is copied (SQLite
backup) to a temporary folder, upgraded there if it is older, and read from the copy.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import sqlite3
import tempfile
import zlib
from collections.abc import Sequence
from operator import itemgetter
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from post_coder import __version__
from post_coder.errors import InputError, ProjectFileError
from post_coder.project import Project
from post_coder.store import codes as codes_store
from post_coder.store import coders as coders_store
from post_coder.store import db as store_db
from post_coder.store import done as done_store
from post_coder.store import team as store
from post_coder.store import meta
from post_coder.store import rounds as rounds_store
from post_coder.store.coders import Coder
from post_coder.store.codes import Code
from post_coder.store.memos import Memo
from post_coder.store.rounds import Round
from post_coder.store.team import PACKAGE_KEY, TrueCoding

MAGIC = b"POST Coder work file\n"
FORMAT = "post-coder-work"
VERSION = 1
EXTENSION = ".postcoder-work"
#: the codebook fields a merge compares (the rest is bookkeeping)
CODE_FIELDS = ("name", "definition", "inclusion", "exclusion", "example", "color", "parent_id",
               "status", "merged_into")
#: the source of a project file that is not a coder package
PLAIN_COPY = "copy"

_CODE_NAMES = [f.name for f in fields(Code)]


def code_fields(code: Code) -> dict[str, Any]:
    return {f: getattr(code, f) for f in CODE_FIELDS}


@dataclass(frozen=True)
class Incoming:
    """Everything a merge takes from one file, in true states (see ``store.team``)."""

    kind: str  # "work" or "project"
    path: Path
    sha256: str
    project_id: str
    project_name: str
    made_at: str | None
    #: the coder package the work was done in (its id), or ``PLAIN_COPY``
    source: str
    #: whose work this is (work files); None for a whole project
    coder_id: str | None
    coders: tuple[Coder, ...]
    #: (their code, its values when the package was made, or None when unknown)
    codes: tuple[tuple[Code, dict[str, Any] | None], ...]
    #: true states (``store.team.TrueCoding``)
    codings: list[TrueCoding]
    memos: tuple[Memo, ...]
    rounds: tuple[tuple[Round, tuple[str, ...], tuple[str, ...]], ...] = ()
    #: done marks, tuples in ``store.done.COLUMNS`` order (un-markings as tombstones)
    done: tuple[tuple, ...] = ()

    @property
    def label(self) -> str:
        return self.path.name


# -- writing -------------------------------------------------------------------------------------

def write_work_file(target: Path, header: dict[str, Any], payload: dict[str, Any]) -> None:
    """Write atomically: a partial file never takes the target's name."""
    body = gzip.compress(json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
                         .encode("utf-8"), compresslevel=6, mtime=0)
    header = {"format": FORMAT, "version": VERSION, "app_version": __version__, **header,
              "payload_sha256": hashlib.sha256(body).hexdigest(), "payload_size": len(body)}
    line = json.dumps(header, ensure_ascii=False, sort_keys=True).encode("utf-8")
    tmp = target.with_name(target.name + ".partial")
    try:
        with open(tmp, "wb") as fh:
            fh.write(MAGIC + line + b"\n" + body)
        os.replace(tmp, target)
    except OSError as exc:
        raise InputError(f"the work file cannot be written ({exc.strerror})", file=target) from exc
    finally:
        tmp.unlink(missing_ok=True)


def code_record(code: Code, base: dict[str, Any] | None) -> dict[str, Any]:
    return {"code": code.as_dict(), "base": base}


# -- reading ---------------------------------------------------------------------------------------

def read_incoming(path: str | Path, project_id: str) -> Incoming:
    """Read a work file or a project file for merging into the project ``project_id``."""
    path = Path(path)
    if not path.exists():
        raise InputError("there is no such file", file=path)
    if path.is_dir():
        raise InputError("this is a folder, not a work file or project file", file=path)
    with open(path, "rb") as fh:
        start = fh.read(len(MAGIC))
    if start.startswith(store_db.SQLITE_MAGIC):
        return _read_project(path, project_id)
    if start == MAGIC:
        return _read_work(path, project_id)
    raise InputError("this is neither a POST Coder work file nor a project file", file=path)


def _damaged(path: Path, what: str) -> InputError:
    return InputError(f"the work file is damaged ({what}); export it again", file=path)


def _read_work(path: Path, project_id: str) -> Incoming:
    data = path.read_bytes()
    end = data.find(b"\n", len(MAGIC))
    if end < 0:
        raise InputError("the work file is incomplete (it was cut short); export it again",
                         file=path)
    try:
        header = json.loads(data[len(MAGIC):end].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _damaged(path, "its header cannot be read") from exc
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise _damaged(path, "its header is not a work file header")
    version = header.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise InputError(f"the work file was made by a newer version of POST Coder "
                         f"({header.get('app_version', 'unknown')}); update POST Coder to "
                         "merge it", file=path)
    if header.get("project_id") != project_id:
        raise InputError(f'the work file belongs to another project '
                         f'("{header.get("project_name", "unknown")}"), not this one; '
                         "merge it into the project it was exported from", file=path)
    body = data[end + 1:]
    if len(body) != header.get("payload_size"):
        raise InputError("the work file is incomplete (it was cut short while being copied); "
                         "export it again", file=path)
    sha = hashlib.sha256(body).hexdigest()
    if sha != header.get("payload_sha256"):
        raise InputError("the work file was changed after it was exported (its checksum does "
                         "not match); export it again", file=path)
    try:
        payload = json.loads(gzip.decompress(body).decode("utf-8"))
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _damaged(path, "its content cannot be read") from exc
    try:
        coder = _coder(header["coder"])
        coders = tuple(_coder(c) for c in payload["coders"])
        codes = tuple(_code_record(r) for r in payload["codes"])
        codings = decode_codings(payload["codings"], coder.id)
        memos = tuple(_memo(m) for m in payload["memos"])
        done = (decode_done(payload["done"], coder.id) if "done" in payload
                else done_from_codings(codings))
    except (KeyError, TypeError, ValueError) as exc:
        raise _damaged(path, "unexpected content") from exc
    if any(m.author_id != coder.id for m in memos):
        raise _damaged(path, "it holds memos by other people")
    if coder.id not in {c.id for c in coders}:
        coders = (coder, *coders)
    return Incoming("work", path, hashlib.sha256(data).hexdigest(), project_id,
                    str(header.get("project_name", "")), header.get("made_at"),
                    str(header.get("source") or PLAIN_COPY), coder.id, coders, codes, codings,
                    memos, done=done)


def _text(value: Any, *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise TypeError("text expected")
    return value


def _coder(d: dict[str, Any]) -> Coder:
    return Coder(*(_text(d[k]) for k in ("id", "name", "initials", "color", "created_at")))


def _code_record(r: dict[str, Any]) -> tuple[Code, dict[str, Any] | None]:
    d = r["code"]
    values = {k: d[k] for k in _CODE_NAMES}
    if values["status"] not in ("active", "merged", "retired"):
        raise ValueError("status")
    if not isinstance(values["sort_order"], int):
        raise TypeError("sort_order")
    for k in _CODE_NAMES:
        if k != "sort_order":
            _text(values[k], optional=k in ("parent_id", "merged_into", "created_by"))
    base = r.get("base")
    if base is not None:
        if not isinstance(base, dict) or set(base) != set(CODE_FIELDS):
            raise ValueError("base")
    return Code(**values), base


def encode_codings(rows: Sequence[tuple]) -> dict[str, list[Any]]:
    """Codings as columns, with responses, codes and coders as indexes into small tables
    (a quarter of the size, and several times quicker to read back)."""
    cols: list[Sequence[Any]] = list(zip(*rows)) if rows else [()] * 9

    def table(column: Sequence[str]) -> tuple[list[str], list[int]]:
        index: dict[str, int] = {}
        refs = [index.setdefault(v, len(index)) for v in column]
        return list(index), refs

    out: dict[str, list[Any]] = {"id": list(cols[0])}
    for name, n in (("response", 1), ("code", 2), ("coder", 3)):
        out[name + "s"], out[name] = table(cols[n])
    out["span_start"], out["span_end"] = list(cols[4]), list(cols[5])
    out["created_at"] = list(cols[6])
    out["updated_at"] = [None if u == c else u for c, u in zip(cols[6], cols[7])]
    out["deleted_at"] = list(cols[8])
    return out


def _types(values: Sequence[Any], allowed: set[type]) -> None:
    if not set(map(type, values)) <= allowed:
        raise TypeError("unexpected value")


def decode_codings(d: dict[str, Any], coder_id: str) -> list[TrueCoding]:
    """The rows of :func:`encode_codings`, every value checked (whole columns at a time)."""
    ids = d["id"]
    n = len(ids)
    columns = ("id", "response", "code", "coder", "span_start", "span_end", "created_at",
               "updated_at", "deleted_at")
    if not all(isinstance(d[c], list) and len(d[c]) == n for c in columns):
        raise ValueError("columns of different lengths")
    _types(ids, {str})
    resolved = []
    for name in ("response", "code", "coder"):
        table, refs = d[name + "s"], d[name]
        _types(table, {str})
        _types(refs, {int})
        if refs and (min(refs) < 0 or max(refs) >= len(table)):
            raise ValueError("reference out of range")
        resolved.append(list(itemgetter(*refs)(table)) if n > 1 else [table[i] for i in refs])
    if set(d["coders"]) - {coder_id}:
        raise ValueError("codings by other coders")
    starts, ends = d["span_start"], d["span_end"]
    if starts.count(None) != n or ends.count(None) != n:  # some codings are of spans
        _types(starts, {int, type(None)})
        _types(ends, {int, type(None)})
        if any((s is None) != (e is None) or (s is not None and not 0 <= s < e)
               for s, e in zip(starts, ends)):
            raise ValueError("span")
    created, updated, deleted = d["created_at"], d["updated_at"], d["deleted_at"]
    _types(created, {str})
    _types(updated, {str, type(None)})
    _types(deleted, {str, type(None)})
    if updated.count(None) == n:
        updated = created
    else:
        updated = [c if u is None else u for c, u in zip(created, updated)]
    return list(map(TrueCoding._make, zip(ids, *resolved, starts, ends, created, updated,
                                          deleted)))


def encode_done(rows: Sequence[tuple]) -> dict[str, list[Any]]:
    """One coder's done marks (``store.done.COLUMNS``) as columns; the coder is the file's."""
    cols: list[Sequence[Any]] = list(zip(*rows)) if rows else [()] * 5
    return {"response": list(cols[0]), "done_at": list(cols[2]),
            "updated_at": [None if u == d else u for d, u in zip(cols[2], cols[3])],
            "deleted_at": list(cols[4])}


def decode_done(d: dict[str, Any], coder_id: str) -> tuple[tuple, ...]:
    """The rows of :func:`encode_done`, every value checked."""
    n = len(d["response"])
    for c in ("response", "done_at", "updated_at", "deleted_at"):
        if not isinstance(d[c], list) or len(d[c]) != n:
            raise ValueError("done marks: columns of different lengths")
    _types(d["response"], {str})
    _types(d["done_at"], {str})
    _types(d["updated_at"], {str, type(None)})
    _types(d["deleted_at"], {str, type(None)})
    return tuple((r, coder_id, at, at if u is None else u, gone)
                 for r, at, u, gone in zip(d["response"], d["done_at"], d["updated_at"],
                                           d["deleted_at"]))


def done_from_codings(codings: Sequence[tuple]) -> tuple[tuple, ...]:
    """Done marks for a work file from before done marks: every response the coder has a
    live coding of is done (what round progress counted then), marked when first coded."""
    first: dict[tuple[str, str], str] = {}
    for r in codings:
        if r[8] is None:
            key = (r[1], r[3])
            if key not in first or r[6] < first[key]:
                first[key] = r[6]
    return tuple((k[0], k[1], at, at, None) for k, at in sorted(first.items()))


def _memo(row: list[Any]) -> Memo:
    if not isinstance(row, list) or len(row) != 8:
        raise ValueError("memo row")
    if row[1] not in ("project", "code", "response", "coding"):
        raise ValueError("memo target")
    for k, v in enumerate(row):
        _text(v, optional=k in (2, 3, 7))
    return Memo(*row)


# -- whole project files ----------------------------------------------------------------------------

def _read_project(path: Path, project_id: str) -> Incoming:
    with tempfile.TemporaryDirectory(prefix="post-coder-merge-") as tmp:
        copy = Path(tmp) / "other.postcoder"
        try:
            source = store_db.connect(path, readonly=True)
            try:
                store_db.backup_to(source, copy)
            finally:
                source.close()
        except sqlite3.DatabaseError as exc:
            raise ProjectFileError(f"the project file cannot be read ({exc})", file=path) from exc
        with open(copy, "rb") as fh:
            sha = hashlib.file_digest(fh, "sha256").hexdigest()
        try:
            other = Project.open(copy)
        except ProjectFileError as exc:
            raise ProjectFileError(exc.message, file=path) from exc
        try:
            if other.id != project_id:
                raise InputError(f'this is another project ("{other.name}"), not a copy of '
                                 "this one; only copies of the same project can be merged",
                                 file=path)
            return _project_incoming(other, path, sha)
        finally:
            other.close()


def _project_incoming(other: Project, path: Path, sha: str) -> Incoming:
    db = other.db
    package = json.loads(meta.get(db, PACKAGE_KEY) or "null")
    base = package["codebook"] if package else {}
    codes = tuple((c, base.get(c.id)) for c in codes_store.list_(db, include_inactive=True))
    memos = tuple(Memo(*m) for m in store.memos_by(db, None))
    return Incoming(
        "project", path, sha, other.id, other.name, package["made_at"] if package else None,
        package["id"] if package else PLAIN_COPY, None, tuple(coders_store.list_(db)), codes,
        store.true_codings(db), memos,
        tuple((r, tuple(c), tuple(x)) for r, c, x in rounds_store.all_round_rows(db)),
        done=tuple(tuple(r) for r in done_store.all_rows(db)))
