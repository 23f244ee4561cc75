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
import re
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from post_coder.coding._common import check_name
from post_coder.errors import ConflictError, InputError
from post_coder.store.codes import Code
from post_coder.team.workfile import CODE_FIELDS, code_fields

KEEP_MINE, KEEP_THEIRS, KEEP_BOTH, RENAME = "keep-mine", "keep-theirs", "keep-both", "rename:"
#: the kinds of conflict
KINDS = ("rename", "redefine", "name-clash", "deleted-used", "used-deleted")
#: a decision key naming one conflict: "CODE [kind]"
_QUALIFIED = re.compile(r"^(?P<code>.*?)\s*\[\s*(?P<kind>[a-z-]+)\s*\]$")
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
    #: every field of the code on each side, to show them side by side: ``mine`` (for a
    #: new code whose name is taken: the code here with that name), ``theirs``, and
    #: ``base`` (as it was when the package was made) when known
    sides: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """The key that names exactly this conflict in ``resolutions`` ("<code id> [kind]");
        a code has at most one conflict of each kind."""
        return f"{self.code_id} [{self.kind}]"

    @property
    def label(self) -> str:
        """How messages name this conflict ("Time pressure [rename]"); also a valid key."""
        return f"{self.name} [{self.kind}]"

    def as_dict(self) -> dict:
        return {**asdict(self), "key": self.key}


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
    #: further names the conflict is known by (the code's name in the package's base)
    aliases: tuple[str, ...] = ()
    base: dict[str, Any] | None = None  # the code's fields at the base, when known

    @property
    def name(self) -> str:
        return self.mine.name if self.mine else self.theirs.name

    def known_as(self) -> set[str]:
        names = {self.theirs.id, self.theirs.name, *self.aliases}
        if self.mine is not None:
            names.add(self.mine.name)
        return {n.strip().casefold() for n in names}


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
    for p, decision in zip(pending, _decisions(pending, resolutions, default)):
        plan.conflicts.append(Conflict(
            p.theirs.id, p.name, p.kind, p.fields,
            {f: getattr(p.mine, f) for f in p.fields} if p.mine else {},
            {f: getattr(p.theirs, f) for f in p.fields}, p.options, p.message, decision,
            _sides(plan, p)))
        if decision is not None:
            _apply(plan, p, decision, tag, source)
    _check(plan)
    return plan


def _sides(plan: CodebookPlan, p: _Pending) -> dict[str, dict[str, Any]]:
    mine = p.mine if p.mine is not None else plan.final.get(p.other or "")
    sides = {"theirs": code_fields(p.theirs)}
    if mine is not None:
        sides["mine"] = code_fields(mine)
    if p.base is not None:
        sides["base"] = {f: p.base[f] for f in CODE_FIELDS}
    return sides


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
                        (KEEP_MINE, KEEP_THEIRS, RENAME), aliases=(name,), base=base)
    if they_deleted:
        elsewhere = used_elsewhere(mine.id)
        if elsewhere:
            _take(plan, theirs, mine, take)
            gone = _gone(theirs, plan.final).replace("merged", f'merged "{name}"', 1)
            if gone == "retired":
                gone = f'retired "{name}"'
            return _Pending(theirs, mine, "used-deleted", tuple([*_STATUS, *clash]),
                            f"{label} {gone}, but it still has {elsewhere} other codings here",
                            (KEEP_MINE, KEEP_THEIRS), aliases=(name,), base=base)
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
                        (KEEP_MINE, KEEP_THEIRS, KEEP_BOTH, RENAME), aliases=(name,), base=base)
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


def _decisions(pending: Sequence[_Pending], resolutions: Mapping[str, str],
               default: str | None) -> list[str | None]:
    """The decision for each conflict, from ``resolutions`` and then ``default``.

    A key names a code (its id, or any name the conflict shows: here, in the file, in the
    package's base) and may add the kind in brackets ("Burnout [name-clash]") to name one
    of two conflicts on the same code. A plain key settles each conflict of its code that
    the decision applies to; a bracketed one wins over it. A key that matches no conflict,
    or a decision that does not apply, is an error, never ignored.
    """
    chosen: list[str | None] = [None] * len(pending)
    exact = [False] * len(pending)
    for key, value in resolutions.items():
        kind, hits = _matching(key, pending)
        if not hits:
            raise InputError(_no_match(key, pending))
        if len({pending[i].theirs.id for i in hits}) > 1:
            raise InputError(f'"{key.strip()}" names conflicts on {len(hits)} different codes; '
                             f"name one: {_labels(pending[i] for i in hits)}")
        fitting = [i for i in hits if _fit(pending[i], value) is not None]
        if not fitting or (kind is not None and len(fitting) < len(hits)):
            p = pending[hits[0]]
            names = ", ".join("rename:NEW NAME" if o == RENAME else o for o in p.options)
            raise InputError(f'"{value.strip()}" is not a way to settle the conflict on '
                             f"{_labels([p])}; choose {names}")
        for i in fitting:
            decision = _fit(pending[i], value)
            if exact[i] and kind is None:
                continue  # a key naming this very conflict wins over a plain one
            if chosen[i] is not None and chosen[i] != decision and exact[i] == (kind is not None):
                raise InputError(f"two different decisions were given for the conflict on "
                                 f"{_labels([pending[i]])}: {chosen[i]} and {decision}")
            chosen[i], exact[i] = decision, kind is not None
    return [c if c is not None else (_fit(p, default) if default else None)
            for p, c in zip(pending, chosen)]


def _matching(key: str, pending: Sequence[_Pending]) -> tuple[str | None, list[int]]:
    """(the kind the key names or None, indexes of the conflicts the key names)."""
    match = _QUALIFIED.match(key.strip())
    if match and match["kind"] in KINDS:
        code, kind = match["code"].casefold(), match["kind"]
        hits = [i for i, p in enumerate(pending) if code in p.known_as() and p.kind == kind]
        if hits:
            return kind, hits
    # a plain key (also a code whose own name ends in brackets)
    code = key.strip().casefold()
    return None, [i for i, p in enumerate(pending) if code in p.known_as()]


def _fit(p: _Pending, value: str) -> str | None:
    """The decision ``value`` for this conflict, or None when it is not one of its options."""
    value = value.strip()
    if value.startswith(RENAME) and RENAME in p.options:
        return RENAME + check_name(value[len(RENAME):], "new code name")
    if value in p.options and value != RENAME:
        return value
    return None


def _labels(pending: Iterable[_Pending]) -> str:
    return ", ".join(f'"{p.name} [{p.kind}]"' for p in pending)


def _no_match(key: str, pending: Sequence[_Pending]) -> str:
    if not pending:
        return f'"{key.strip()}" matches no codebook conflict: there are none to settle'
    return (f'"{key.strip()}" matches no codebook conflict; the conflicts are '
            f"{_labels(pending)}")


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


def describe_changes(plan: CodebookPlan) -> tuple[str, ...]:
    """One plain line per code the merge adds or changes ('"Lack of time": renamed to
    "Time pressure"'), in name order: the preview names every code that changes."""
    names = {i: c.name for i, c in {**plan.lead, **plan.final}.items()}

    def parent(code_id: str | None) -> str:
        return f'under "{names.get(code_id, "?")}"' if code_id else "to the top level"

    lines = []
    for code in plan.inserts:
        if code.status == "merged":
            what = f'merges into "{names.get(code.merged_into or "", "?")}"'
        else:
            what = "new code" + (f' {parent(code.parent_id)}' if code.parent_id else "")
            what += ", retired" if code.status == "retired" else ""
        lines.append((code.name.casefold(), f'"{code.name}": {what}'))
    for before, after in plan.updates:
        parts = []
        if after.name != before.name:
            parts.append(f'renamed to "{after.name}"')
        changed = [f for f in (*_TEXT, "color") if getattr(after, f) != getattr(before, f)]
        if changed:
            parts.append(f"{', '.join(changed)} changed")
        if after.parent_id != before.parent_id:
            parts.append(f"moved {parent(after.parent_id)}")
        if (after.status, after.merged_into) != (before.status, before.merged_into):
            if after.status == "active":
                parts.append("back in use")
            elif after.status == "merged":
                parts.append(f'merged into "{names.get(after.merged_into or "", "?")}"')
            else:
                parts.append("retired")
        if parts:
            lines.append((before.name.casefold(), f'"{before.name}": {"; ".join(parts)}'))
    return tuple(line for _, line in sorted(lines))
