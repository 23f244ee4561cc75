"""Reading the codebook's history: a code's versions, the codebook as of a moment or a
round, and what changed between two versions or two moments.

The versions are written by :mod:`post_coder.coding.code_versions` with every change. The
command line (``codes history``, ``codes as-of``, ``codes diff``) and the app's Codebook ▸
History… read them through these functions, so both show the same.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import asdict, dataclass
from typing import Any

from post_coder.coding._common import did_you_mean
from post_coder.coding.codebook import tree_order
from post_coder.coding.coders import list_coders
from post_coder.coding.history import parse_since
from post_coder.errors import InputError, NotFoundError
from post_coder.project import Project
from post_coder.store import code_versions as store
from post_coder.store import codes as codes_store
from post_coder.store.code_versions import Version
from post_coder.store.codes import Code
from post_coder.store.db import now
from post_coder.store.rounds import Round

__all__ = ["CodeVersion", "CodebookDiff", "FIELD_LABELS", "codebook_as_of", "codebook_diff",
           "code_versions", "find_any_code", "parse_moment", "round_moment", "version_at", "version_diff"]

#: the fields a diff compares, in the order people read them, with their labels
FIELD_LABELS = {"name": "Name", "parent": "Parent", "definition": "Definition",
                "inclusion": "Inclusion", "exclusion": "Exclusion", "example": "Example",
                "color": "Color", "status": "Status"}


@dataclass(frozen=True)
class CodeVersion:
    """One version of a code with the names behind its ids: ``coder`` (who made the
    change), ``parent`` (the parent code's name at that time), ``related_names``."""

    code_id: str
    version: int
    at: str
    coder: str | None
    action: str
    name: str
    parent_id: str | None
    parent: str | None
    definition: str
    inclusion: str
    exclusion: str
    example: str
    color: str
    status: str
    merged_into: str | None
    related: tuple[str, ...]
    related_names: tuple[str, ...]
    rationale: str | None
    sort_order: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def fields(self) -> dict[str, str]:
        """The compared fields as text (``FIELD_LABELS`` order)."""
        return {f: (getattr(self, f) or "") for f in FIELD_LABELS}


class _Names:
    """Names of codes as of a moment and of coders, looked up once."""

    def __init__(self, project: Project) -> None:
        self.db = project.db
        self.coders = {c.id: c.name for c in list_coders(project)}
        self._versions: dict[str, list[Version]] = {}

    def code(self, code_id: str | None, at: str) -> str | None:
        if code_id is None:
            return None
        if code_id not in self._versions:
            self._versions[code_id] = store.for_code(self.db, code_id)
        earlier = [v for v in self._versions[code_id] if v.at <= at]
        if earlier:
            return earlier[-1].name
        current = codes_store.get(self.db, code_id)
        return current.name if current else None

    def named(self, v: Version) -> CodeVersion:
        return CodeVersion(
            v.code_id, v.version, v.at, self.coders.get(v.coder_id or ""), v.action, v.name,
            v.parent_id, self.code(v.parent_id, v.at), v.definition, v.inclusion, v.exclusion,
            v.example, v.color, v.status, v.merged_into, v.related,
            tuple(self.code(r, v.at) or "?" for r in v.related), v.rationale, v.sort_order)


def find_any_code(project: Project, name_or_id: str) -> Code:
    """The code with this id or name: the active one of that name, else a merged or retired
    one (the history of a code outlives it); a clear error otherwise."""
    db = project.db
    code = codes_store.get(db, name_or_id) or codes_store.by_name(db, name_or_id)
    if code is not None:
        return code
    wanted = name_or_id.strip().casefold()
    gone = [c for c in codes_store.list_(db, include_inactive=True)
            if c.name.casefold() == wanted]
    if gone:
        return max(gone, key=lambda c: c.updated_at)
    names = [c.name for c in codes_store.list_(db, include_inactive=True)]
    raise NotFoundError(f'there is no code called "{name_or_id}" in the codebook.'
                        + did_you_mean(name_or_id, names))


def code_versions(project: Project, code_id: str) -> list[CodeVersion]:
    """Every version of the code, oldest first."""
    if codes_store.get(project.db, code_id) is None:
        raise NotFoundError("that code does not exist")
    names = _Names(project)
    return [names.named(v) for v in store.for_code(project.db, code_id)]


def version_diff(project: Project, code_id: str, first: int, second: int
                 ) -> dict[str, tuple[str, str]]:
    """What differs between two versions of a code: field → (in ``first``, in ``second``)
    (only the fields that differ; ``FIELD_LABELS`` order)."""
    by_number = {v.version: v for v in code_versions(project, code_id)}
    for n in (first, second):
        if n not in by_number:
            last = max(by_number) if by_number else 0
            raise NotFoundError(f"the code has no version {n} (its versions are 1 to {last})")
    return _field_diff(by_number[first], by_number[second])


def version_at(project: Project, code_id: str, moment: str) -> CodeVersion | None:
    """The code as it was at ``moment`` (None: it did not exist yet)."""
    earlier = [v for v in code_versions(project, code_id) if v.at <= moment]
    return earlier[-1] if earlier else None


def _field_diff(a: CodeVersion, b: CodeVersion) -> dict[str, tuple[str, str]]:
    before, after = a.fields(), b.fields()
    return {f: (before[f], after[f]) for f in FIELD_LABELS if before[f] != after[f]}


# -- the codebook as of a moment -------------------------------------------------------------

def parse_moment(value: str) -> str:
    """A date (2026-12-07: the end of that day, UTC) or a date and time (UTC unless it says
    otherwise) as the versions' time text; a plain error otherwise."""
    text = value.strip()
    moment = parse_since(text)
    if len(text) == 10:  # a whole day: up to its last moment
        day = _dt.date.fromisoformat(moment)
        end = _dt.datetime.combine(day, _dt.time(23, 59, 59, 999000), _dt.timezone.utc)
        return end.isoformat(timespec="milliseconds")
    return moment


def round_moment(r: Round) -> str:
    """The moment a round stands for: when it was closed, or when it was made if it is open."""
    return r.closed_at or r.created_at


def codebook_as_of(project: Project, moment: str, *, include_inactive: bool = False
                   ) -> list[tuple[CodeVersion, int]]:
    """The codebook at ``moment`` (see :func:`parse_moment`) as a tree, (code as it was
    then, depth); codes merged or retired by then only with ``include_inactive``."""
    names = _Names(project)
    then = [names.named(v) for v in store.as_of(project.db, moment)
            if include_inactive or v.status == "active"]
    return tree_order(then, link=lambda v: (v.code_id, v.parent_id), orphans_last=True)


@dataclass(frozen=True)
class CodebookDiff:
    """How the codebook changed from ``since`` to ``until``: codes added (active at
    ``until`` but not at ``since``), removed (the reverse: merged, retired, or undone),
    and changed (in both, with field → (before, after))."""

    since: str
    until: str
    added: tuple[CodeVersion, ...]
    removed: tuple[CodeVersion, ...]
    changed: tuple[tuple[CodeVersion, dict[str, tuple[str, str]]], ...]

    def as_dict(self) -> dict[str, Any]:
        return {"since": self.since, "until": self.until,
                "added": [v.as_dict() for v in self.added],
                "removed": [v.as_dict() for v in self.removed],
                "changed": [{"code": v.as_dict(), "fields": {k: list(d) for k, d in f.items()}}
                            for v, f in self.changed]}


def codebook_diff(project: Project, since: str, until: str | None = None) -> CodebookDiff:
    """What changed in the codebook between two moments (see :func:`parse_moment`;
    ``until`` None: now)."""
    until = until or now()
    if until < since:
        raise InputError("the second moment is before the first; give them oldest first")
    before = {v.code_id: v for v, _ in codebook_as_of(project, since)}
    after = {v.code_id: v for v, _ in codebook_as_of(project, until)}
    changed = []
    for code_id, v in after.items():
        if code_id in before:
            fields = _field_diff(before[code_id], v)
            if fields:
                changed.append((v, fields))
    return CodebookDiff(since, until,
                        tuple(v for c, v in after.items() if c not in before),
                        tuple(v for c, v in before.items() if c not in after),
                        tuple(changed))
