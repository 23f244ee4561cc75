"""Which codings a suggestion learns from: the consensus layer, one coder's codings, or the
union of the codings the reader sees, read through the reader's scope."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from post_coder.coding.codebook import list_codes
from post_coder.coding.codings import list_codings
from post_coder.coding.coders import find_coder
from post_coder.errors import ConflictError, InputError
from post_coder.project import Project
from post_coder.queries import ReadScope
from post_coder.team.review import consensus_codings

SOURCES = "consensus, union or coder:NAME"


@dataclass(frozen=True)
class Labelled:
    response_id: str
    code_id: str
    #: the coded text (a span's text, or the whole answer)
    segment: str


def labelled(project: Project, scope: ReadScope, source: str,
             question_ids: Sequence[str] | None, *, allow_union: bool = True
             ) -> tuple[list[Labelled], str]:
    """The codings of active codes ``source`` names, in file order, and a sentence saying
    where they come from. The consensus layer is made from everyone's codings: refused to a
    blind scope."""
    kind, _, name = source.partition(":")
    kind = kind.strip().lower()
    active = {c.id: c for c in list_codes(project)}
    if kind == "consensus" and not name:
        if scope.blind:
            raise ConflictError("the consensus layer is made from everyone's codings, and "
                                "during an open blind round you see only your own; learn from "
                                "your own codings instead (source coder:YOUR NAME)")
        resolve = _by_name(project)
        out = []
        for c in consensus_codings(project, scope, questions=question_ids):
            code_id = resolve.get(c.code)
            if code_id in active:
                out.append(Labelled(c.response_id, code_id, ""))
        return out, ("the consensus layer (the team's review decisions, else the codes every "
                     "coder who read an answer applied)")
    if kind == "union" and not name and allow_union:
        rows = list_codings(project, scope, questions=question_ids)
        note = "the codings of every coder you see"
    elif kind == "coder" and name.strip():
        coder = find_coder(project, name.strip())
        if not scope.sees(coder.id):
            raise ConflictError(f"during an open blind round you see only your own codings, "
                                f"not {coder.name}'s")
        rows = list_codings(project, scope, coders=[coder.id], questions=question_ids)
        note = f"the codings of {coder.name}"
    else:
        choices = SOURCES if allow_union else "consensus or coder:NAME"
        raise InputError(f'learn from {choices}, not "{source}"')
    return [Labelled(r.response_id, r.code_id, r.segment) for r in rows
            if r.code_id in active], note


def _by_name(project: Project) -> dict[str, str]:
    """code name → the id of the active code it is, or was merged into."""
    everything = list_codes(project, include_inactive=True)
    by_id = {c.id: c for c in everything}
    out = {}
    for code in everything:
        seen, current = set(), code
        while current.status == "merged" and current.merged_into in by_id \
                and current.id not in seen:
            seen.add(current.id)
            current = by_id[current.merged_into]
        out.setdefault(code.name, current.id)
    for code in everything:  # an active code's own name wins
        if code.status == "active":
            out[code.name] = code.id
    return out
