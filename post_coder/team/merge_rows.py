"""Merging rows: codings and memos by UUID, done marks by (response, coder), rounds by id.

The rules for codings are pure functions of true states (:func:`join_codings`,
:func:`settle_codings`); the planners load what they need of this project and return the
rows to write, with counts for the preview. See :mod:`post_coder.team.merge`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import asdict, replace

from post_coder.errors import InputError
from post_coder.project import Project
from post_coder.store import done as done_store
from post_coder.store import rounds as rounds_store
from post_coder.store import team as store
from post_coder.store.team import LeadCoding, StoredCoding, TrueCoding
from post_coder.team.merge_codebook import CodebookPlan
from post_coder.team.workfile import Incoming

Chain = Callable[[str], str]


def _rank(row: TrueCoding, chain: Chain) -> tuple:
    return (row.deleted_at is not None, row.updated_at, row.deleted_at or "",
            chain(row.code_id), row.code_id, row.response_id, row.coder_id,
            -1 if row.span_start is None else row.span_start,
            -1 if row.span_end is None else row.span_end, row.created_at)


def join_codings(a: TrueCoding, b: TrueCoding, chain: Chain) -> TrueCoding:
    """Two versions of one coding (true states) → the one that stands: a removal wins,
    then the later change; ties go to the greater row. Commutative and idempotent."""
    return a if _rank(a, chain) >= _rank(b, chain) else b


def settle_codings(rows: Mapping[str, TrueCoding], chain: Chain) -> dict[str, StoredCoding]:
    """True states → stored rows: codings follow merged codes, and of live codings with the
    same key (response, code, coder, span) the smallest id is shown and the others are
    hidden as its duplicates."""
    out: dict[str, StoredCoding] = {}
    first: dict[tuple, TrueCoding] = {}
    more: dict[tuple, list[TrueCoding]] = {}
    setdefault = first.setdefault
    for r in rows.values():
        if r.deleted_at is not None:
            out[r.id] = StoredCoding(*r, None)
            continue
        key = (r.response_id, chain(r.code_id), r.coder_id, r.span_start, r.span_end)
        seen = setdefault(key, r)
        if seen is not r:
            more.setdefault(key, [seen]).append(r)
    for key, r in first.items():
        if key not in more:  # live and alone: shown, under the code it follows to
            out[r.id] = StoredCoding(r.id, r.response_id, key[1], r.coder_id, r.span_start,
                                     r.span_end, r.created_at, r.updated_at, None, None)
    for key, members in more.items():
        winner = min(m.id for m in members)
        for r in members:
            hidden = r.id != winner
            out[r.id] = StoredCoding(r.id, r.response_id, key[1], r.coder_id, r.span_start,
                                     r.span_end, r.created_at, r.updated_at,
                                     r.updated_at if hidden else None,
                                     winner if hidden else None)
    return out


def plan_codings(project: Project, inc: Incoming, codebook: CodebookPlan,
                  lead_rows: dict[str, LeadCoding]) -> tuple[list, list, dict, list]:
    db = project.db
    cmap = {c: codebook.chain(c) for c in codebook.final}
    chain = cmap.__getitem__
    redirects = codebook.redirects

    def redirect(row: TrueCoding) -> TrueCoding:
        to = redirects.get(row.code_id)
        return row if to is None else row._replace(code_id=to)

    theirs = {r.id: redirect(r) for r in inc.codings} if redirects else \
        {r.id: r for r in inc.codings}
    lead = lead_rows
    moved = sorted(codebook.restatus | set(redirects))
    if moved:  # other coders' codings of codes that change status, and what they meet there
        extra = {i: r for i, r in store.live_codings_of_codes(db, moved).items()
                 if i not in lead_rows}
        around = store.codings_at(db, {(r.response_id, r.coder_id) for r in extra.values()})
        lead = {**around, **extra, **lead_rows}
    if not lead:  # the first work of these coders here: every coding is new
        inserts = list(settle_codings(theirs, chain).values())
        shown = sum(1 for r in inserts if r.deleted_at is None)
        hidden = sum(1 for r in inserts if r.duplicate_of is not None)
        return [], inserts, {"new_codings": shown, "duplicates": hidden,
                             "tombstones": len(inserts) - shown - hidden}, []
    states: dict[str, TrueCoding] = {}
    for i, row in lead.items():
        other = theirs.get(i)
        if other is None:
            states[i] = row.true()
        else:
            mine = redirect(row.true()) if redirects else row.true()
            states[i] = join_codings(mine, other, chain)
    for i, row in theirs.items():
        if i not in states:
            states[i] = row
    counts: Counter[str] = Counter()
    updates, inserts, visible_before = [], [], []
    shown_before: set[tuple] | None = None
    for i, new in settle_codings(states, chain).items():
        row = lead.get(i)
        if row is None:
            inserts.append(new)
            was = False  # shown here before the merge
        else:
            if row.stored() == new:
                continue
            updates.append(new)
            was = row.stored_deleted_at is None
            if was:
                visible_before.append((i, new.updated_at))
        if new.deleted_at is None:
            if was:
                counts["changed_codings"] += 1
                continue
            if shown_before is None:
                shown_before = {(r.response_id, r.code_id, r.coder_id, r.span_start, r.span_end)
                                for r in lead.values() if r.stored_deleted_at is None}
            if (new.response_id, new.code_id, new.coder_id, new.span_start,
                    new.span_end) not in shown_before:
                counts["new_codings"] += 1
        elif new.duplicate_of is not None:
            counts["duplicates"] += 1  # shown once, behind an equal coding
        elif was:
            counts["removed_codings"] += 1
        else:
            counts["tombstones"] += 1
    return updates, inserts, dict(counts), visible_before


def _memo_rank(m: tuple) -> tuple:
    return (m[7] is not None, m[6], m[7] or "", m[4], m[1], m[2] or "", m[3] or "", m[5])


def plan_memos(project: Project, inc: Incoming, codebook: CodebookPlan, coders: set[str]
               ) -> tuple[list[tuple], dict[str, int]]:
    """Memos by UUID: a deletion wins, then the later edit. Their targets must exist."""
    if not inc.memos:
        return [], {}
    db = project.db
    theirs = [tuple(asdict(m).values()) for m in inc.memos]
    lead = store.memos_by_ids(db, [m[0] for m in theirs])
    codings = {r.id for r in inc.codings} | store.existing_ids(
        db, "codings", [m[2] for m in theirs if m[1] == "coding"])
    responses = {m[2] for m in theirs if m[1] == "response"}
    missing = set(store.missing_responses(db, responses))
    out, counts = [], Counter()
    for m in theirs:
        kind, target = m[1], m[2]
        ok = (kind == "project" or (kind == "code" and target in codebook.final)
              or (kind == "coding" and target in codings)
              or (kind == "response" and target not in missing))
        if not ok:
            raise InputError(f"the file has a memo on a {kind} that is not in this project",
                             file=inc.path)
        if m[3] is not None and m[3] not in coders:
            raise InputError("the file has a memo by someone this project does not know",
                             file=inc.path)
        mine = lead.get(m[0])
        final = m if mine is None else max(mine, m, key=_memo_rank)
        if final != mine:
            out.append(final)
            counts["new_memos" if mine is None else "changed_memos"] += 1
    return out, dict(counts)


def plan_rounds(project: Project, inc: Incoming, coders: set[str]) -> list[tuple]:
    """Rounds of a whole project that are new here, or closed there and open here."""
    db = project.db
    out: list[tuple] = []
    for r, round_coders, responses in sorted(inc.rounds, key=lambda x: x[0].id):
        mine = rounds_store.get(db, r.id)
        if mine is None:
            missing = set(store.missing_responses(db, responses))
            name, n = r.name, 2
            while rounds_store.by_name(db, name) is not None:
                name, n = f"{r.name} ({n})", n + 1
            known = replace(r, name=name,
                            created_by=r.created_by if r.created_by in coders else None,
                            closed_by=r.closed_by if r.closed_by in coders else None)
            out.append(("new", known, [c for c in round_coders if c in coders],
                        [x for x in responses if x not in missing]))
        elif mine.status == "open" and r.status == "closed":
            out.append(("close", replace(r, closed_by=r.closed_by if r.closed_by in coders
                                         else None), [], []))
    return out


def _done_rank(row: tuple) -> tuple:
    return (row[3], row[4] is not None, row[4] or "", row[2])


def join_done(a: tuple, b: tuple) -> tuple:
    """Two versions of one done mark (``store.done.COLUMNS``) → the one that stands: the
    later change (marking again after un-marking, or un-marking after marking); on a tie
    the un-marking, then the greater row. Commutative and idempotent."""
    return a if _done_rank(a) >= _done_rank(b) else b


def plan_done(project: Project, inc: Incoming, coders: set[str]) -> list[tuple]:
    """The done marks to write: theirs where they are new here or changed later there.

    Their responses must exist here and their coders be known (checked set-wise)."""
    if not inc.done:
        return []
    db = project.db
    if not {r[1] for r in inc.done} <= coders:
        raise InputError("the file has done marks by a coder this project does not know",
                         file=inc.path)
    missing = store.missing_responses(db, {r[0] for r in inc.done})
    if missing:
        raise InputError(f"the file has done marks on {len(missing)} responses that are not "
                         "in this project; it was not exported from this project",
                         file=inc.path)
    mine = done_store.rows_of_coders(db, sorted({r[1] for r in inc.done}))
    out = []
    for r in inc.done:
        here = mine.get((r[0], r[1]))
        if here is None or join_done(here, r) != here:
            out.append(tuple(r))
    return out
