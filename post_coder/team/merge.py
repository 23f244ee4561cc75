"""Merging a coder's work file, or a whole copy of the project, into this project.

Codings merge as a grow-only set with tombstones, keyed by UUID:

- a coding only one side has is kept (lossless);
- the same coding on both sides: a removal wins over a live coding (removals are never
  undone by a merge), otherwise the later ``updated_at`` wins; ties are broken on the
  whole row, so the outcome never depends on which file came first;
- a coding of a code merged here follows the merge to the code that stays;
- two live codings by the same coder of the same code, response and span (made on two
  laptops, or made the same by a code merge) are one coding: the smallest id is shown
  and the other is kept hidden as its duplicate (it comes back if that one is removed).

Done marks merge per (response, coder), the later change winning (marking again after
un-marking, or un-marking after marking; a tie goes to the un-marking).

The result is a function of everything merged so far, not of the order: merging the same
file again changes nothing, and A then B equals B then A. Codebooks merge three-way
(:mod:`post_coder.team.merge_codebook`); conflicts are listed and nothing is written
until each has a decision. A merge is one transaction: if anything fails, the project is
exactly as it was. Like an import it cannot be undone with Edit ▸ Undo.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from post_coder.changes import Changes
from post_coder.coding.code_versions import record as record_version
from post_coder.errors import ConflictError, InputError
from post_coder.ids import new_id
from post_coder.progress import Progress, ensure
from post_coder.project import Project, Step
from post_coder.store import codes as codes_store
from post_coder.store import coders as coders_store
from post_coder.store import team as store
from post_coder.store import db as store_db
from post_coder.store import done as done_store
from post_coder.store import rounds as rounds_store
from post_coder.store.db import now
from post_coder.team.merge_codebook import (CodebookPlan, Conflict, describe_changes,
                                              plan_codebook)
from post_coder.team.merge_rows import (join_codings, plan_codings, plan_done, plan_memos,
                                         plan_rounds, settle_codings)
from post_coder.team.workfile import Incoming, read_incoming

__all__ = ["Conflict", "MergePlan", "MergeResult", "UnresolvedConflicts", "join_codings",
           "merge", "merge_preview", "settle_codings"]


class UnresolvedConflicts(ConflictError):
    """The merge needs the lead's decision on these codebook conflicts first."""

    def __init__(self, conflicts: list[Conflict], *, file: Path) -> None:
        names = ", ".join(f'"{c.label}"' for c in conflicts)
        many = len(conflicts) > 1
        super().__init__(f"{len(conflicts)} codebook conflict{'s need' if many else ' needs'} "
                         f"a decision before merging ({names}); nothing was merged", file=file)
        self.conflicts = conflicts


@dataclass(frozen=True)
class MergePlan:
    """What a merge would do (``merge_preview``) or did (``merge``)."""

    file: str
    kind: str
    #: whose work: "Maya Chen's work" or the project file's name
    source: str
    #: when this very file was merged before (then the merge changes nothing)
    already_merged_at: str | None
    new_codings: int = 0
    changed_codings: int = 0
    removed_codings: int = 0
    #: live codings that are already here under another id (kept once)
    duplicates: int = 0
    #: removals recorded for codings this project did not show
    tombstones: int = 0
    new_codes: int = 0
    changed_codes: int = 0
    new_memos: int = 0
    changed_memos: int = 0
    new_coders: int = 0
    rounds: int = 0
    #: done marks new here, or changed (marked again, un-marked) there later
    done_marks: int = 0
    conflicts: tuple[Conflict, ...] = ()
    #: one line per code added or changed ('"Stigma": renamed to "Self-stigma"')
    code_changes: tuple[str, ...] = ()

    @property
    def unresolved(self) -> tuple[Conflict, ...]:
        return tuple(c for c in self.conflicts if c.decision is None)

    def as_dict(self) -> dict:
        return {**asdict(self), "conflicts": [c.as_dict() for c in self.conflicts],
                "unresolved": len(self.unresolved)}

    def already_done(self) -> str | None:
        """The sentence to show when this very file was merged before, else None."""
        if not self.already_merged_at:
            return None
        return (f"{self.file} was already merged on {self.already_merged_at[:16]}; "
                "merging it again changes nothing.")

    def count_lines(self) -> list[str]:
        """What the merge brings, one line per kind ("codings: 3 new, …"); the CLI and the
        app's preview both show these."""
        lines = [f"codings: {self.new_codings} new, {self.changed_codings} changed, "
                 f"{self.removed_codings} removed"
                 + (f", {self.duplicates} already here" if self.duplicates else "")
                 + (f", {self.tombstones} removals recorded" if self.tombstones else ""),
                 f"codebook: {self.new_codes} new codes, {self.changed_codes} changed",
                 f"memos: {self.new_memos} new, {self.changed_memos} changed"]
        if self.new_coders or self.rounds:
            lines.append(f"coders: {self.new_coders} new; rounds: {self.rounds} new or closed")
        if self.done_marks:
            lines.append(f"done marks: {self.done_marks} new or changed")
        return lines

    def describe(self) -> str:
        done = self.already_done()
        if done:
            return done
        lines = [f"Merging {self.source} ({self.file}):"]
        for line in self.count_lines():
            lines.append(f"  {line}")
            if line.startswith("codebook:"):
                lines += [f"    {change}" for change in self.code_changes]
        if self.conflicts:
            lines.append(f"  conflicts: {len(self.conflicts)} "
                         f"({len(self.unresolved)} without a decision)")
            for c in self.conflicts:
                how = f" → {c.decision}" if c.decision else ""
                lines.append(f"    {c.name} [{c.kind}]: {c.message}{how}")
                if not c.decision:
                    lines.append(f"      options: {', '.join(_option_names(c))}")
        else:
            lines.append("  conflicts: none")
        return "\n".join(lines)


def _option_names(c: Conflict) -> list[str]:
    return ["rename:NEW NAME" if o == "rename:" else o for o in c.options]


@dataclass(frozen=True)
class MergeResult:
    plan: MergePlan
    changes: Changes

    @property
    def merged(self) -> bool:
        return self.changes.any()


# -- planning ---------------------------------------------------------------------------------------

@dataclass
class _Work:
    plan: MergePlan
    incoming: Incoming
    codebook: CodebookPlan
    coders: list[coders_store.Coder]
    visible_before: list[tuple[str, str]]
    coding_updates: list[tuple]
    coding_inserts: list[tuple]
    memos: list[tuple]
    rounds: list[tuple[Any, ...]]
    done: list[tuple]


def merge_preview(project: Project, path: str | Path, *,
                  resolutions: Mapping[str, str] | None = None,
                  default: str | None = None) -> MergePlan:
    """What merging ``path`` would do, with the conflicts it finds. Writes nothing.

    Counts assume keep-mine for conflicts without a decision.
    """
    with _no_cyclic_gc():
        incoming = read_incoming(path, project.id)
        if store_db.in_transaction(project.db):  # inside a larger action: read within it
            return _plan(project, incoming, resolutions or {}, default).plan
        store_db.begin_read(project.db)  # a snapshot and scratch tables, never the write lock
        try:
            return _plan(project, incoming, resolutions or {}, default).plan
        finally:
            store_db.rollback(project.db)


def merge(project: Project, path: str | Path, *, resolutions: Mapping[str, str] | None = None,
          default: str | None = None, rationale: str | None = None,
          progress: Progress | None = None) -> MergeResult:
    """Merge a work file or a project file into ``project`` (one transaction, all or nothing).

    ``resolutions`` maps a code (name or id) to ``keep-mine``, ``keep-theirs``,
    ``keep-both`` or ``rename:NEW NAME``; ``default`` settles every other conflict it
    applies to. Raises :class:`UnresolvedConflicts` (and writes nothing) while a conflict
    has no decision. A file merged before is recognised by its content and changes nothing.
    """
    with _no_cyclic_gc():  # millions of short-lived tuples, none of them in cycles
        return _merge(project, path, resolutions, default, rationale, ensure(progress))


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _merge(project: Project, path: str | Path, resolutions: Mapping[str, str] | None,
           default: str | None, rationale: str | None, progress: Progress) -> MergeResult:
    progress.update(0, 4, "Reading the file")
    incoming = read_incoming(path, project.id)
    project.verify()  # never write a merge into a damaged file
    earlier = store.merged_before(project.db, incoming.sha256)
    if earlier:
        label, _ = _label(incoming)
        return MergeResult(MergePlan(incoming.label, incoming.kind, label, earlier),
                           Changes(label=f"Merge {incoming.label}"))
    with store.references_checked_by_caller(project.db), store.bulk_writes(project.db), \
            project.transact(f"Merge {incoming.label}", undoable=False) as step:
        progress.update(1, 4, "Comparing")
        work = _plan(project, incoming, resolutions or {}, default)
        if work.plan.already_merged_at:
            return MergeResult(work.plan, step.changes)
        if work.plan.unresolved:
            raise UnresolvedConflicts(list(work.plan.unresolved), file=incoming.path)
        progress.update(2, 4, "Merging")
        if _has_changes(work):
            _apply(step, work, rationale)
        progress.update(3, 4, "Merging")
    return MergeResult(work.plan, step.changes)


def _label(incoming: Incoming) -> tuple[str, str]:
    """("Maya Chen's work", "MC") or ('the project file "x.postcoder"', "copy")."""
    if incoming.coder_id is not None:
        coder = next((c for c in incoming.coders if c.id == incoming.coder_id), None)
        if coder is not None:
            return f"{coder.name}'s work", coder.initials
    return f'the project file "{incoming.label}"', "copy"


def _plan(project: Project, inc: Incoming, resolutions: Mapping[str, str],
          default: str | None) -> _Work:
    db = project.db
    label, tag = _label(inc)
    earlier = store.merged_before(db, inc.sha256)
    empty = MergePlan(inc.label, inc.kind, label, earlier)
    lead_codes = {c.id: c for c in codes_store.list_(db, include_inactive=True)}
    lead_coders = {c.id: c for c in coders_store.list_(db)}
    new_coders = _new_coders(lead_coders, inc)
    known_coders = set(lead_coders) | {c.id for c in new_coders}
    if earlier:
        return _Work(empty, inc, CodebookPlan(lead_codes, dict(lead_codes), []), [], [], [],
                     [], [], [], [])
    coders_in = _check_references(project, inc, lead_codes, known_coders)
    lead_rows = store.codings_of_coders(db, coders_in)
    if lead_rows:
        for r in inc.codings:
            mine = lead_rows.get(r.id)
            if mine is not None and (mine.response_id, mine.coder_id) != (r.response_id,
                                                                          r.coder_id):
                raise InputError("the file has a coding whose response or coder differs from "
                                 "the same coding here; it was changed after export",
                                 file=inc.path)

    uses: Counter[str] | None = None

    def new_use(code_id: str) -> int:
        """Live codings of the code that the file adds (or brings back) here."""
        nonlocal uses
        if uses is None:
            uses = Counter()
            for r in inc.codings:
                if r.deleted_at is None:
                    mine = lead_rows.get(r.id)
                    if mine is None or (mine.deleted_at is None
                                        and mine.updated_at < r.updated_at):
                        uses[r.code_id] += 1
        return uses[code_id]

    def used_elsewhere(code_id: str) -> int:
        """Live codings of the code here that the file does not hold."""
        incoming_ids = {r.id for r in inc.codings}
        mine = sum(1 for i, r in lead_rows.items()
                   if r.code_id == code_id and r.stored_deleted_at is None
                   and i not in incoming_ids)
        return mine + store.live_count_by_others(db, code_id, coders_in)

    their_codes = [(c if c.created_by in known_coders or c.created_by is None
                    else replace(c, created_by=None), base) for c, base in inc.codes]
    codebook = plan_codebook(
        lead_codes, their_codes, store.bases(db, inc.source), new_use=new_use,
        used_elsewhere=used_elsewhere,
        resolutions=resolutions, default=default, label=label, tag=tag, source=inc.source)
    updates, inserts, counts, visible_before = plan_codings(project, inc, codebook, lead_rows)
    memos, memo_counts = plan_memos(project, inc, codebook, known_coders)
    rounds = plan_rounds(project, inc, known_coders) if inc.rounds else []
    done = plan_done(project, inc, known_coders)
    plan = replace(empty, **counts, **memo_counts, new_codes=len(codebook.inserts),
                   changed_codes=len(codebook.updates), new_coders=len(new_coders),
                   rounds=len(rounds), done_marks=len(done),
                   conflicts=tuple(codebook.conflicts), code_changes=describe_changes(codebook))
    return _Work(plan, inc, codebook, new_coders, visible_before, updates, inserts, memos,
                 rounds, done)


def _has_changes(work: _Work) -> bool:
    return bool(work.coding_updates or work.coding_inserts or work.memos or work.coders
                or work.rounds or work.done or work.codebook.inserts or work.codebook.updates
                or work.codebook.bases)


def _new_coders(lead: dict[str, coders_store.Coder], inc: Incoming) -> list[coders_store.Coder]:
    names = {c.name.casefold() for c in lead.values()}
    out = []
    for c in sorted(inc.coders, key=lambda c: c.id):
        if c.id in lead:
            continue
        name, n = c.name, 2
        while name.casefold() in names:
            name, n = f"{c.name} ({n})", n + 1
        names.add(name.casefold())
        out.append(replace(c, name=name))
    return out


def _check_references(project: Project, inc: Incoming, lead_codes: dict[str, Any],
                      known_coders: set[str]) -> list[str]:
    """Everything the file's codings refer to must exist; returns the coders they are by."""
    codes = set(lead_codes) | {c.id for c, _ in inc.codes}
    if not {r.code_id for r in inc.codings} <= codes:
        raise InputError("the file has codings of a code that is in neither the file nor this "
                         "project; it was not exported from this project", file=inc.path)
    coders = {r.coder_id for r in inc.codings}
    if not coders <= known_coders:
        raise InputError("the file has codings by a coder this project does not know",
                         file=inc.path)
    missing = store.missing_responses(project.db, {r.response_id for r in inc.codings})
    if missing:
        raise InputError(f"the file has codings of {len(missing)} responses that are not in "
                         "this project; it was not exported from this project", file=inc.path)
    return sorted(coders | ({inc.coder_id} if inc.coder_id else set()))


# -- applying -----------------------------------------------------------------------------------

def _apply(step: Step, work: _Work, rationale: str | None) -> None:
    db, plan, cb = step.db, work.plan, work.codebook
    for coder in work.coders:
        coders_store.insert(db, coder)
        step.audit("merge-add", "coder", coder.id, after=coder.as_dict())
    renamed = [after for before, after in cb.updates
               if (before.name, before.status) != (after.name, after.status)]
    for code in renamed:
        codes_store.update(db, code.id, name=code.id)  # out of the way of the names index
    for code in cb.inserts:
        codes_store.insert(db, replace(code, parent_id=None, merged_into=None))
        step.audit("merge-add", "code", code.id, after=code.as_dict())
    for code in cb.inserts:
        if code.parent_id or code.merged_into:
            codes_store.update(db, code.id, parent_id=code.parent_id,
                               merged_into=code.merged_into)
    for before, after in cb.updates:
        values = {k: v for k, v in after.as_dict().items() if k in codes_store.EDITABLE}
        codes_store.update(db, after.id, **values)
        step.audit("merge-change", "code", after.id, before=before.as_dict(),
                   after=after.as_dict())
    for c in cb.conflicts:
        step.audit("resolve-conflict", "code", c.code_id,
                   before={"kind": c.kind, "mine": c.mine},
                   after={"decision": c.decision, "theirs": c.theirs, "file": plan.file},
                   rationale=rationale)
    store.hide_codings(db, work.visible_before)
    store.update_codings(db, work.coding_updates)
    store.insert_codings(db, work.coding_inserts)
    store.upsert_memos(db, work.memos)
    done_store.upsert_rows(db, work.done)
    # the codebook's history: a version per code added or changed (after the codings, so a
    # new definition flags the codings merged in too)
    for code in [*cb.inserts, *(after for _, after in cb.updates)]:
        record_version(step, code, "team-merge", rationale)
    for what, r, coders, responses in work.rounds:
        if what == "new":
            rounds_store.insert(db, r, coders, responses)
        else:
            rounds_store.set_closed(db, r.id, r.closed_at, r.closed_by)
        step.audit(f"merge-{what}", "round", r.id, after=r.as_dict())
    inc = work.incoming
    store.set_bases(db, inc.source, cb.bases)
    summary = {k: v for k, v in plan.as_dict().items()
               if isinstance(v, int) and not isinstance(v, bool)}
    merged_at = now()
    store.log_merge(db, id=new_id(), sha256=inc.sha256, kind=inc.kind, source=inc.source,
                    coder_id=inc.coder_id, file_name=inc.label, made_at=inc.made_at,
                    merged_at=merged_at, merged_by=step.project.actor, summary=summary)
    step.audit("merge", "project", None, after={"file": inc.label, "sha256": inc.sha256,
                                                 "kind": inc.kind, "source": plan.source,
                                                 **summary}, rationale=rationale)
    step.mark("project", "coders", "codes", "codings", "memos")
