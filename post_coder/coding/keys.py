"""Keys 1–9: which code each number key applies, chosen per coder, and what a key press does.

By default the keys hold the first nine active codes without sub-codes, in codebook order.
A coder can pin a code to a key ("Pin to key"): that key holds the pinned code from then
on, the code leaves its default key, and every key the coder did not pin keeps its default
code. A pin on a code that was merged or retired is ignored (the key is default again).
Pins are kept in the project per coder; pinning and unpinning are undoable actions in the
audit log.

Pressing a key toggles its code on the current response (:func:`toggle_code`): it applies
the code, or takes it off when the coder has already applied it there.
"""

from __future__ import annotations

from dataclasses import dataclass

from post_coder.changes import Changes
from post_coder.coding.codebook import get_code, list_codes, tree_order
from post_coder.coding.codings import apply_code, remove_code, remove_coding
from post_coder.errors import ConflictError, InputError, NotFoundError
from post_coder.ids import CodeId, CoderId, CodingId, ResponseId
from post_coder.project import Project
from post_coder.store import coders as coders_store
from post_coder.store import codings as codings_store
from post_coder.store import key_pins as store
from post_coder.store import responses as responses_store
from post_coder.store.db import now
from post_coder.store.scope import ReadScope

#: the number keys that apply codes
KEYS = tuple(range(1, 10))


@dataclass(frozen=True)
class KeyAssignment:
    """One number key: the code it applies (``None``: no code) and whether the coder
    pinned it there (``False``: the default)."""

    key: int
    code_id: str | None
    code_name: str | None
    pinned: bool

    def as_dict(self) -> dict:
        return {"key": self.key, "code_id": self.code_id, "code": self.code_name,
                "pinned": self.pinned}


def default_keys(project: Project) -> list[str]:
    """The codes on keys 1–9 when nothing is pinned: the first nine active codes without
    sub-codes, in codebook order."""
    codes = list_codes(project)
    parents = {c.parent_id for c in codes}
    return [c.id for c, _ in tree_order(codes) if c.id not in parents][:len(KEYS)]


def key_table(project: Project, coder: CoderId | str | None) -> list[KeyAssignment]:
    """Keys 1–9 for ``coder`` (``None``: nobody chosen, the defaults), in key order."""
    pins = store.for_coder(project.db, coder) if coder else {}
    defaults = default_keys(project)
    pinned = set(pins.values())
    names = {c.id: c.name for c in list_codes(project)}
    out = []
    for key in KEYS:
        if key in pins:
            out.append(KeyAssignment(key, pins[key], names.get(pins[key]), True))
            continue
        code = defaults[key - 1] if key <= len(defaults) else None
        if code in pinned:
            code = None  # the coder moved this code to another key
        out.append(KeyAssignment(key, code, names.get(code) if code else None, False))
    return out


def code_keys(project: Project, coder: CoderId | str | None) -> list[str | None]:
    """The code id on each key 1–9 for ``coder`` (index 0 is key 1; ``None``: no code)."""
    return [k.code_id for k in key_table(project, coder)]


def _check_key(key: int) -> int:
    if isinstance(key, bool) or not isinstance(key, int) or key not in KEYS:
        raise InputError(f"{key!r} is not a code key; the keys are 1 to 9")
    return key


def _coder(project: Project, coder: str) -> coders_store.Coder:
    found = coders_store.get(project.db, coder)
    if found is None:
        raise NotFoundError("that coder does not exist")
    return found


def pin_key(project: Project, code: CodeId, key: int, coder: CoderId, *,
            rationale: str | None = None) -> Changes:
    """Put ``code`` on number key ``key`` for ``coder`` (one undoable action).

    A code already pinned to that key makes way (it goes back to having no pinned key); a
    code pinned to another key moves. Pinning a code where it already is changes nothing."""
    key = _check_key(key)
    with project.transact("Pin code to key") as step:
        found = get_code(project, code)
        if found.status != "active":
            raise ConflictError(f'the code "{found.name}" is {found.status}; only codes in '
                                "the codebook can be put on a key")
        who = _coder(project, coder)
        pins = store.for_coder(project.db, who.id, active_only=False)
        if pins.get(key) == found.id:
            return step.changes
        old_key = next((k for k, c in pins.items() if c == found.id), None)
        displaced = pins.get(key)
        if displaced is not None:
            store.delete(project.db, who.id, key)
            step.audit("unpin", "code", displaced, before={"coder_id": who.id, "key": key},
                       after={"coder_id": who.id, "key": None, "replaced_by": found.id},
                       rationale=rationale)
        if old_key is not None:
            store.delete(project.db, who.id, old_key)
        store.insert(project.db, who.id, key, found.id, now())
        step.audit("pin", "code", found.id, before={"coder_id": who.id, "key": old_key},
                   after={"coder_id": who.id, "key": key}, rationale=rationale)
        step.mark("codes")
    return step.changes


def unpin_key(project: Project, code: CodeId, coder: CoderId, *,
              rationale: str | None = None) -> Changes:
    """Take ``code`` off the key ``coder`` pinned it to; that key gets its default code back."""
    with project.transact("Unpin code") as step:
        found = get_code(project, code)
        who = _coder(project, coder)
        pins = store.for_coder(project.db, who.id, active_only=False)
        key = next((k for k, c in pins.items() if c == found.id), None)
        if key is None:
            raise InputError(f'"{found.name}" is not pinned to a key for {who.name}')
        store.delete(project.db, who.id, key)
        step.audit("unpin", "code", found.id, before={"coder_id": who.id, "key": key},
                   after={"coder_id": who.id, "key": None}, rationale=rationale)
        step.mark("codes")
    return step.changes


# -- pressing a key --------------------------------------------------------------------------

@dataclass(frozen=True)
class KeyPress:
    """What pressing a code's key did: ``applied`` it, or took off ``removed`` codings."""

    changes: Changes
    applied: bool
    removed: int


def toggle_code(project: Project, response: ResponseId, code: CodeId, coder: CoderId, *,
                start: int | None = None, end: int | None = None) -> KeyPress:
    """What a number key does: apply ``code`` to the response (or the span ``start:end``),
    or, when ``coder`` already has it there, take it off (one undoable action either way).

    Without a span, "already there" is any coding of the code by the coder on the response
    (whole or spans): all of them are removed. With a span it is a coding of exactly that
    span (a span over the whole text is the whole response); other spans stay."""
    text = responses_store.get_text(project.db, response)
    if text is None:
        raise NotFoundError("that response no longer exists")
    if (start, end) == (0, len(text)):
        start = end = None
    mine = ReadScope(coder, (coder,))  # a write: the coder's own codings, whoever reads
    own = [c for c in codings_store.live_for_response(project.db, mine, response)
           if c.code_id == code and c.coder_id == coder]
    if start is None and end is None and own:
        return KeyPress(remove_code(project, response, code, coder), False, len(own))
    same = [c for c in own if (c.span_start, c.span_end) == (start, end)]
    if same:
        return KeyPress(remove_coding(project, CodingId(same[0].id)), False, 1)
    return KeyPress(apply_code(project, response, code, coder, start=start, end=end), True, 0)
