"""Codebook refinement beyond single edits ("merge codes", "split code"): previews and
compound actions. (Merging a coder's *work* is teamwork: :mod:`post_coder.team.merge`.)

The previews (what merging codes or splitting a code would do) are pure functions over
``list_codes`` / ``list_codings`` rows, so a dialog can show them before anything is
written. The compound actions (edit several fields, move or copy segments to another code)
each run as one ``project.transact``: one transaction, one audit trail, one undo step.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from post_coder.changes import Changes
from post_coder.coding import codebook
from post_coder.coding.codings import apply_code, list_codings, remove_coding
from post_coder.errors import InputError
from post_coder.ids import CodeId, CoderId, CodingId, ResponseId
from post_coder.project import Project
from post_coder.store.responses import rows as response_rows
from post_coder.store import surveys
from post_coder.store.codes import Code
from post_coder.store.codings import CodingRow
from post_coder.store.scope import ReadScope

#: the fields of a code the editor can change
EDITABLE = ("name", "parent_id", "color", *codebook.TEXT_FIELDS)


# -- merge preview -------------------------------------------------------------------------

@dataclass(frozen=True)
class MergePreview:
    """What ``merge_codes(sources, target)`` would do, computed before doing it."""

    #: codings that change code to the target
    moving: int
    #: codings dropped because the same coder already has the target on the same segment
    duplicates: int
    #: names of sub-codes that move under the target
    subcodes: tuple[str, ...]
    #: why the merge cannot run, or None
    problem: str | None = None

    @property
    def total(self) -> int:
        return self.moving + self.duplicates


def _key(row: CodingRow) -> tuple[str, str, int | None, int | None]:
    return (row.response_id, row.coder_id, row.span_start, row.span_end)


def merge_preview(codes: Sequence[Code], codings: Sequence[CodingRow],
                  sources: Sequence[str], target: str | None) -> MergePreview:
    """Preview a merge from the active codes and the live codings of sources and target.

    Mirrors ``codebook.merge_codes``: sources are merged in order; a source coding whose
    (response, coder, span) the target already has — including from an earlier source —
    collapses into it instead of moving.
    """
    sources = list(dict.fromkeys(sources))
    by_id = {c.id: c for c in codes}
    problem = None
    if not sources:
        problem = "Choose at least one code to merge."
    elif target is None or target not in by_id:
        problem = "Choose the code to merge into."
    elif target in sources:
        problem = f'"{by_id[target].name}" cannot be merged into itself.'
    else:
        above = set(codebook.ancestors(codes, target))
        inside = [s for s in sources if s in above]
        if inside:
            problem = (f'"{by_id[target].name}" is inside "{by_id[inside[0]].name}"; '
                       "move it out before merging.")
    held = {_key(r) for r in codings if r.code_id == target}
    by_code: dict[str, list[CodingRow]] = {}
    for r in codings:
        by_code.setdefault(r.code_id, []).append(r)
    moving = duplicates = 0
    for source in sources:
        if source == target:
            continue
        for r in by_code.get(source, ()):
            if _key(r) in held:
                duplicates += 1
            else:
                moving += 1
                held.add(_key(r))
    subcodes = tuple(c.name for c in codes
                     if c.parent_id in sources and c.id not in sources and c.id != target)
    return MergePreview(moving, duplicates, subcodes, problem)


def load_merge_preview(project: Project, scope: ReadScope, sources: Sequence[str],
                       target: str | None) -> MergePreview:
    """:func:`merge_preview` with the codings ``scope`` sees read from the project."""
    wanted = [*sources, *([target] if target else [])]
    rows = list_codings(project, scope, codes=[CodeId(c) for c in wanted]) if wanted else []
    return merge_preview(codebook.list_codes(project), rows, sources, target)


# -- split preview -------------------------------------------------------------------------

@dataclass(frozen=True)
class SplitPreview:
    moving: int
    staying: int
    #: distinct responses the new code would have
    responses: int


def split_preview(rows: Sequence[CodingRow], chosen: Iterable[str]) -> SplitPreview:
    chosen = set(chosen)
    picked = [r for r in rows if r.id in chosen]
    return SplitPreview(len(picked), len(rows) - len(picked), len({r.response_id for r in picked}))


# -- editing a code ------------------------------------------------------------------------

def code_edits(before: Code, values: Mapping[str, Any]) -> dict[str, Any]:
    """The editable fields whose value differs from ``before`` (texts compared stripped)."""
    out: dict[str, Any] = {}
    for name in EDITABLE:
        if name not in values:
            continue
        new, old = values[name], getattr(before, name)
        if isinstance(new, str) and name != "parent_id":
            new = new.strip()
            if name == "color":
                new, old = new.lower(), (old or "").lower()
        if new != old:
            out[name] = new
    return out


def edit_code(project: Project, code_id: CodeId, values: Mapping[str, Any], *,
              rationale: str | None = None, label: str = "Edit code") -> Changes:
    """Apply only what changed (name, parent, color, texts) as one action, ``label`` (the
    app's code editor: "Edit code"; ``post-coder codes redefine``: "Redefine code")."""
    with project.transact(label) as step:
        edits = code_edits(codebook.get_code(project, code_id), values)
        if "name" in edits:
            codebook.rename_code(project, code_id, edits["name"], rationale=rationale)
        texts = {k: edits[k] for k in codebook.TEXT_FIELDS if k in edits}
        if texts:
            codebook.redefine_code(project, code_id, rationale=rationale, **texts)
        if "color" in edits:
            codebook.recolor_code(project, code_id, edits["color"], rationale=rationale)
        if "parent_id" in edits:
            codebook.move_code(project, code_id, edits["parent_id"], rationale=rationale)
    return step.changes


def move_codes(project: Project, code_ids: Sequence[str], parent: str | None) -> Changes:
    """Put several codes under ``parent`` (None: top level) as one action."""
    label = "Move code" if len(code_ids) == 1 else "Move codes"
    with project.transact(label) as step:
        for cid in dict.fromkeys(code_ids):
            codebook.move_code(project, CodeId(cid), CodeId(parent) if parent else None)
    return step.changes


# -- moving and copying segments -----------------------------------------------------------

def _chosen_rows(project: Project, coding_ids: Sequence[str],
                 codes: Sequence[str] | None) -> list[CodingRow]:
    wanted = set(coding_ids)
    if not wanted:
        raise InputError("select at least one segment first")
    among = [CodeId(c) for c in codes] if codes is not None else None
    # a write: the ids come from a view that read them through the person's scope
    rows = [r for r in list_codings(project, ReadScope.everyone(), codes=among)
            if r.id in wanted]
    if len(rows) != len(wanted):
        raise InputError("some of the selected segments were removed meanwhile; "
                         "refresh and select them again")
    return rows


def copy_segments(project: Project, coding_ids: Sequence[str], target: CodeId, *,
                  source_codes: Sequence[str] | None = None) -> Changes:
    """Code the same segments with ``target`` too (same coder, same span). One action.

    ``source_codes`` (the codes the segments are coded with, if known) narrows the read.
    """
    with project.transact("Copy segments to code") as step:
        for r in _chosen_rows(project, coding_ids, source_codes):
            apply_code(project, ResponseId(r.response_id), target, CoderId(r.coder_id),
                       start=r.span_start, end=r.span_end)
    return step.changes


def move_segments(project: Project, coding_ids: Sequence[str], target: CodeId, *,
                  source_codes: Sequence[str] | None = None) -> Changes:
    """Recode segments: apply ``target`` (same coder, same span) and remove the original.

    One action, so one Undo restores every segment.
    """
    with project.transact("Move segments to code") as step:
        for r in _chosen_rows(project, coding_ids, source_codes):
            if r.code_id == target:
                continue
            apply_code(project, ResponseId(r.response_id), target, CoderId(r.coder_id),
                       start=r.span_start, end=r.span_end)
            remove_coding(project, CodingId(r.id))
    return step.changes


# -- respondent attributes -----------------------------------------------------------------

class AttributeLookup:
    """Respondent attributes for responses, read once per respondent and cached."""

    def __init__(self, project: Project) -> None:
        self._project = project
        self._respondent: dict[str, str] = {}
        self._values: dict[str, dict[str, Any]] = {}

    def clear(self) -> None:
        """Forget what was read (after responses or attributes changed)."""
        self._respondent.clear()
        self._values.clear()

    def prepare(self, response_ids: Iterable[str]) -> None:
        """Look up the respondents of these responses in one read."""
        missing = [r for r in dict.fromkeys(response_ids) if r not in self._respondent]
        # only the respondent of each response is used, never its codes
        for row in (response_rows(self._project.db, ReadScope.everyone(), missing)
                    if missing else []):
            self._respondent[row.id] = row.respondent_id

    def values(self, response_id: str) -> dict[str, Any]:
        if response_id not in self._respondent:
            self.prepare([response_id])
        respondent = self._respondent.get(response_id)
        if respondent is None:
            return {}
        if respondent not in self._values:
            self._values[respondent] = surveys.variable_values_for(self._project.db, respondent)
        return self._values[respondent]

    def lines(self, response_id: str) -> list[str]:
        """``["dept: EM", "role: Attending"]`` (multi-select values joined by commas)."""
        return [f"{k}: {surveys.format_value(v, ', ')}"
                for k, v in self.values(response_id).items()]

