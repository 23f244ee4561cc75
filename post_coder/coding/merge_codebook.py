"""Merging codebooks: a three-way comparison per code, and the conflicts it finds.

For every code a file brings, each field is compared between *theirs* (the file), *mine*
(this project) and the *base* (what the code was when the coder's package was made, or
what was last taken from that package). A field only they changed is taken; a field only
this project changed is kept; a field both changed differently is a conflict. A code
retired or merged on one side and used (or edited) on the other is a conflict too, and so
is a new code whose name another code already has. Conflicts are never settled silently:
the lead decides (keep mine, keep theirs, keep both, or rename) and the decision goes to
the audit log. Pure: no database access (the caller passes what it needs).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from post_coder.coding._common import check_name
from post_coder.coding.workfile import CODE_FIELDS, code_fields
from post_coder.errors import ConflictError, InputError
from post_coder.store.codes import Code

KEEP_MINE, KEEP_THEIRS, KEEP_BOTH, RENAME = "keep-mine", "keep-theirs", "keep-both", "rename:"
_STATUS = ("status", "merged_into")
_TEXT = ("definition", "inclusion", "exclusion", "example")
#: in a stored base: the ``updated_at`` of the code as last taken from that package
_SEEN = "_updated_at"
_NAMESPACE = uuid.UUID("5c0a6b8e-3f0c-4b7a-9a55-0d6f1e6c2b11")


@dataclass(frozen=True)
class Conflict:
    """A codebook difference the lead has to decide."""

    code_id: str
    #: the code's name in this project (or in the file, for a code new to this project)
    name: str
    #: rename | redefine | name-clash | deleted-used | used-deleted
    kind: str
    fields: tuple[str, ...]
    mine: dict[str, Any]
    theirs: dict[str, Any]
    options: tuple[str, ...]
    message: str
    #: the decision taken (one of ``options``, or ``rename:NEW``), if any
    decision: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class CodebookPlan:
    lead: dict[str, Code]
    final: dict[str, Code]
    conflicts: list[Conflict]
    #: their code id → the code their codings of it go to (after a keep-both)
    redirects: dict[str, str] = field(default_factory=dict)
    #: (code id, their fields, redirect) to remember as the source's new base
    bases: list[tuple[str, dict[str, Any], str | None]] = field(default_factory=list)

    @property
    def inserts(self) -> list[Code]:
        return [c for i, c in self.final.items() if i not in self.lead]

    @property
    def updates(self) -> list[tuple[Code, Code]]:
        return [(self.lead[i], c) for i, c in self.final.items()
                if i in self.lead and c != self.lead[i]]

    @property
    def restatus(self) -> set[str]:
        """Codes whose status or merge target changes (their codings must be re-keyed)."""
        return {i for i, c in self.final.items() if i in self.lead
                and (c.status, c.merged_into) != (self.lead[i].status, self.lead[i].merged_into)}

    @property
    def unresolved(self) -> list[Conflict]:
        return [c for c in self.conflicts if c.decision is None]

    def chain(self, code_id: str) -> str:
        """Where a coding of ``code_id`` belongs: follows merged codes to the code that stays."""
        seen = {code_id}
        code = self.final.get(code_id)
        while code is not None and code.status == "merged" and code.merged_into:
            if code.merged_into in seen:
                break
            seen.add(code.merged_into)
            code_id = code.merged_into
            code = self.final.get(code_id)
        return code_id


@dataclass
class _Pending:
    theirs: Code
    mine: Code | None
    kind: str
    fields: tuple[str, ...]
    message: str
    options: tuple[str, ...]
    other: str | None = None  # the clashing code (name-clash)


def plan_codebook(
    lead: dict[str, Code],
    incoming: Sequence[tuple[Code, dict[str, Any] | None]],
    stored: Mapping[str, tuple[dict[str, Any], str | None]],
    *,
    new_use: Callable[[str], int],
    used_elsewhere: Callable[[str], int],
    resolutions: Mapping[str, str],
    default: str | None,
    label: str,
    tag: str,
    source: str,
) -> CodebookPlan:
    """Compare, take what is safe, list the conflicts and apply the decisions given.

    ``new_use(code)``: live codings of the code the file adds; ``used_elsewhere(code)``:
    live codings of the code here that the file does not hold. ``label`` names the file's
    side in messages ("Maya Chen's work"), ``tag`` marks names kept apart by keep-both
    ("MC"). ``stored``: per code, the fields last taken from this ``source`` and where its
    codings are redirected. Unresolved conflicts are left as keep-mine in ``final``.
    """
    plan = CodebookPlan(lead, dict(lead), [])
    pending: list[_Pending] = []
    for theirs, file_base in sorted(incoming, key=lambda x: x[0].id):
        stored_base, redirect = stored.get(theirs.id, (None, None))
        if redirect:
            plan.redirects[theirs.id] = redirect
        fields_ = {**code_fields(theirs), _SEEN: theirs.updated_at}
        if stored_base is not None and _state(fields_) < _state(stored_base):
            continue  # an older state than one already taken from this package: nothing new
        base = ({f: stored_base[f] for f in CODE_FIELDS} if stored_base is not None
                else file_base)
        if stored_base != fields_:
            plan.bases.append((theirs.id, fields_, redirect))
        mine = lead.get(theirs.id)
        if mine is None:
            plan.final[theirs.id] = theirs
            continue
        p = _compare(plan, theirs, mine, base, new_use, used_elsewhere, label)
        if p is not None:
            pending.append(p)
    pending += _used_here_but_gone(plan, {c.id for c, _ in incoming}, new_use, label)
    pending += _name_clashes(plan, label)
    for p in pending:
        decision = _decision(p, resolutions, default)
        plan.conflicts.append(Conflict(
            p.theirs.id, p.mine.name if p.mine else p.theirs.name, p.kind, p.fields,
            {f: getattr(p.mine, f) for f in p.fields} if p.mine else {},
            {f: getattr(p.theirs, f) for f in p.fields}, p.options, p.message, decision))
        if decision is not None:
            _apply(plan, p, decision, tag, source)
    _check(plan)
    return plan


def _state(fields_: dict[str, Any]) -> tuple[str, str]:
    """Orders the states of one code from one package: by time, then (a tie) by content."""
    return (fields_.get(_SEEN, ""),
            json.dumps({f: fields_.get(f) for f in CODE_FIELDS}, sort_keys=True))


def _compare(plan: CodebookPlan, theirs: Code, mine: Code, base: dict[str, Any] | None,
             new_use: Callable[[str], int], used_elsewhere: Callable[[str], int],
             label: str) -> _Pending | None:
    t, m = code_fields(theirs), code_fields(mine)
    if t == m:  # the same values: keep the later time, so the order of merges does not matter
        current = plan.final[mine.id]
        if theirs.updated_at > current.updated_at:
            plan.final[mine.id] = replace(current, updated_at=theirs.updated_at)
        return None
    take: list[str] = []
    clash: list[str] = []
    for f in CODE_FIELDS:
        if f in _STATUS or t[f] == m[f]:
            continue
        if base is not None and t[f] == base[f]:
            continue  # only this project changed it
        (take if base is not None and m[f] == base[f] else clash).append(f)
    ts, ms = (t["status"], t["merged_into"]), (m["status"], m["merged_into"])
    bs = (base["status"], base["merged_into"]) if base is not None else None
    lead_deleted = they_deleted = False
    if ts != ms:
        if bs is not None and ts == bs:
            lead_deleted = ms[0] != "active"
        elif bs is not None and ms == bs:
            they_deleted = ts[0] != "active"
            if not they_deleted:
                take += _STATUS
        elif ms[0] != "active" and ts[0] == "active":
            lead_deleted = True
        elif ms[0] == "active" and ts[0] != "active":
            they_deleted = True
        else:
            clash += _STATUS
    name = base["name"] if base is not None else mine.name
    used = new_use(mine.id) if lead_deleted else 0
    if lead_deleted and (used or take or clash):
        use = f"still uses it ({used} new codings)" if used else "changed it"
        return _Pending(theirs, mine, "deleted-used",
                        tuple(dict.fromkeys([*_STATUS, *take, *clash])),
                        f'"{name}" was {_gone(mine, plan.final)} here, but {label} {use}',
                        (KEEP_MINE, KEEP_THEIRS, RENAME))
    if they_deleted:
        elsewhere = used_elsewhere(mine.id)
        if elsewhere:
            _take(plan, theirs, mine, take)
            gone = _gone(theirs, plan.final).replace("merged", f'merged "{name}"', 1)
            if gone == "retired":
                gone = f'retired "{name}"'
            return _Pending(theirs, mine, "used-deleted", tuple([*_STATUS, *clash]),
                            f"{label} {gone}, but it still has {elsewhere} other codings here",
                            (KEEP_MINE, KEEP_THEIRS))
        take += _STATUS
    _take(plan, theirs, mine, take)
    if clash:
        kind = "rename" if "name" in clash else "redefine"
        if kind == "rename":
            msg = (f'"{name}" was renamed differently: "{mine.name}" here, "{theirs.name}" '
                   f"in {label}")
        else:
            msg = (f'"{name}" was changed differently here and in {label} '
                   f"({', '.join(clash)})")
        return _Pending(theirs, mine, kind, tuple(clash), msg,
                        (KEEP_MINE, KEEP_THEIRS, KEEP_BOTH, RENAME))
    return None


def _gone(code: Code, codes: Mapping[str, Code]) -> str:
    """'retired', or 'merged into "Other"'."""
    if code.status == "merged":
        target = codes.get(code.merged_into or "")
        return f'merged into "{target.name}"' if target else "merged"
    return "retired"


def _take(plan: CodebookPlan, theirs: Code, mine: Code, fields_: Sequence[str]) -> None:
    if not fields_:
        return
    values: dict[str, Any] = {f: getattr(theirs, f) for f in fields_}
    if "parent_id" in values:
        values["sort_order"] = theirs.sort_order
    current = plan.final[mine.id]
    plan.final[mine.id] = replace(current, **values,
                                  updated_at=max(current.updated_at, theirs.updated_at))


def _used_here_but_gone(plan: CodebookPlan, theirs: set[str], new_use: Callable[[str], int],
                        label: str) -> list[_Pending]:
    """Codes retired or merged here that the file still uses without having changed them
    (an unchanged code does not travel in a work file: their version is the one here,
    still in use)."""
    out = []
    for code in sorted(plan.lead.values(), key=lambda c: c.id):
        if code.status == "active" or code.id in theirs:
            continue
        used = new_use(code.id)
        if used:
            out.append(_Pending(
                replace(code, status="active", merged_into=None), code, "deleted-used",
                _STATUS, f'"{code.name}" was {_gone(code, plan.final)} here, but {label} '
                f"still uses it ({used} new codings)", (KEEP_MINE, KEEP_THEIRS, RENAME)))
    return out


def _name_clashes(plan: CodebookPlan, label: str) -> list[_Pending]:
    """New or renamed codes whose name an active code here already has."""
    by_name: dict[str, list[str]] = {}
    for i, c in plan.final.items():
        if c.status == "active":
            by_name.setdefault(c.name.casefold(), []).append(i)
    out = []
    for ids in by_name.values():
        if len(ids) < 2:
            continue
        ours = [i for i in ids if i in plan.lead and plan.final[i].name == plan.lead[i].name
                and plan.lead[i].status == "active"]
        keep = ours[0] if ours else min(ids)
        for i in sorted(ids):
            if i == keep:
                continue
            theirs, mine = plan.final[i], plan.lead.get(i)
            if mine is None:
                plan.final[i] = replace(theirs, status="merged", merged_into=keep)
                out.append(_Pending(theirs, None, "name-clash", ("name",),
                                    f'{label} adds a code "{theirs.name}", and this project '
                                    "already has a code with that name",
                                    (KEEP_MINE, KEEP_THEIRS, KEEP_BOTH, RENAME), other=keep))
            else:
                plan.final[i] = replace(plan.final[i], name=mine.name, status=mine.status,
                                        merged_into=mine.merged_into)
                out.append(_Pending(theirs, mine, "name-clash", ("name",),
                                    f'{label} renames "{mine.name}" to "{theirs.name}", which '
                                    f'is already the name of another code',
                                    (KEEP_MINE, RENAME), other=keep))
    return out


def _decision(p: _Pending, resolutions: Mapping[str, str], default: str | None) -> str | None:
    keys = {p.theirs.id.casefold(), p.theirs.name.casefold()}
    if p.mine is not None:
        keys |= {p.mine.name.casefold()}
    chosen = next((v for k, v in resolutions.items() if k.strip().casefold() in keys), None)
    explicit = chosen is not None
    chosen = chosen if explicit else default
    if chosen is None:
        return None
    chosen = chosen.strip()
    if chosen.startswith(RENAME) and RENAME in p.options:
        check_name(chosen[len(RENAME):], "new code name")
        return RENAME + chosen[len(RENAME):].strip()
    if chosen in p.options and chosen != RENAME:
        return chosen
    if not explicit:
        return None  # the default does not apply to this kind of conflict
    names = ", ".join("rename:NEW NAME" if o == RENAME else o for o in p.options)
    raise InputError(f'"{chosen}" is not a way to settle the conflict on "{p.theirs.name}"; '
                     f"choose {names}")


def _apply(plan: CodebookPlan, p: _Pending, decision: str, tag: str, source: str) -> None:
    theirs, mine, cid = p.theirs, p.mine, p.theirs.id
    new_name = decision[len(RENAME):] if decision.startswith(RENAME) else None
    if p.kind == "name-clash":
        if mine is None:  # a new code of theirs; final has it merged into ours for now
            if decision == KEEP_THEIRS:
                plan.final[cid] = theirs
                other = plan.final[p.other or ""]
                plan.final[other.id] = replace(other, status="merged", merged_into=cid,
                                               updated_at=max(other.updated_at,
                                                              theirs.updated_at))
            elif decision == KEEP_BOTH:
                plan.final[cid] = replace(theirs, name=_unique(plan, theirs.name, tag))
            elif new_name is not None:
                plan.final[cid] = replace(theirs, name=new_name)
        elif new_name is not None:
            plan.final[cid] = replace(plan.final[cid], name=new_name,
                                      updated_at=max(mine.updated_at, theirs.updated_at))
        return
    current = plan.final[cid]
    stamp = max(current.updated_at, theirs.updated_at)
    if decision == KEEP_MINE:
        return
    if p.kind == "deleted-used":
        values = {f: getattr(theirs, f) for f in p.fields if f not in _STATUS}
        plan.final[cid] = replace(current, **values, status="active", merged_into=None,
                                  updated_at=stamp)
    elif decision == KEEP_BOTH:
        twin_id = str(uuid.uuid5(_NAMESPACE, f"{cid}:{source}"))
        parent = theirs.parent_id if theirs.parent_id in plan.final else current.parent_id
        plan.final[twin_id] = replace(theirs, id=twin_id, name=_unique(plan, theirs.name, tag),
                                      parent_id=parent, status="active", merged_into=None)
        plan.redirects[cid] = twin_id
        plan.bases = [(c, f, twin_id if c == cid else r) for c, f, r in plan.bases]
        if cid not in {c for c, _, _ in plan.bases}:
            plan.bases.append((cid, {**code_fields(theirs), _SEEN: theirs.updated_at}, twin_id))
        return
    elif decision == KEEP_THEIRS:
        plan.final[cid] = replace(current, **{f: getattr(theirs, f) for f in p.fields},
                                  updated_at=stamp)
    if new_name is not None:
        plan.final[cid] = replace(plan.final[cid], name=new_name, updated_at=stamp)


def _unique(plan: CodebookPlan, name: str, tag: str) -> str:
    taken = {c.name.casefold() for c in plan.final.values() if c.status == "active"}
    if name.casefold() not in taken:
        return name
    candidate, n = f"{name} ({tag})", 2
    while candidate.casefold() in taken:
        candidate, n = f"{name} ({tag} {n})", n + 1
    return candidate


def _check(plan: CodebookPlan) -> None:
    """The merged codebook must be one a person could have made. (While a conflict is
    undecided the names are not checked: the preview must still list the conflicts.)"""
    seen: dict[str, str] = {}
    for c in sorted(plan.final.values(), key=lambda c: c.id):
        if c.status != "active" or plan.unresolved:
            continue
        key = c.name.casefold()
        if key in seen:
            raise ConflictError(f'after these decisions two codes would be called "{c.name}"; '
                                f'settle it with rename:NEW NAME')
        seen[key] = c.id
    for c in plan.final.values():
        for ref in (c.parent_id, c.merged_into):
            if ref is not None and ref not in plan.final:
                raise InputError(f'the code "{c.name}" refers to a code that is in neither the '
                                 "file nor this project")
    for c in plan.final.values():
        up, steps = c.parent_id, 0
        while up is not None:
            if up == c.id or steps > len(plan.final):
                raise ConflictError(f'the code "{c.name}" was moved here and in the file so '
                                    "that it would end up inside itself; move it back first")
            up, steps = plan.final[up].parent_id, steps + 1
