"""Agreement on one response at a glance: the grid's Agreement marker.

For each response: do the coders who marked it done agree? They agree when each applied
the same set of active codes (nothing at all counts: they agree that nothing applies);
they disagree when any code was applied by some of them and not by others — exactly the
responses :func:`post_coder.team.agreement_report.disagreements` lists (without a round,
every coder with a done mark counts). With fewer than two coders done there is nothing to
compare. A coder's codings on a response they have not marked done are a missing rating,
never part of the comparison.

Like every agreement view it needs everyone's codings: a blind read scope or a coder
package is refused with :class:`~post_coder.team.agreement_report.AgreementHidden` (the
grid then shows no marker at all, never a false "agree").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from post_coder.project import Project
from post_coder.queries import CoderMarks, ReadScope, coder_marks, codebook_table
from post_coder.coding.coders import list_coders
from post_coder.team.agreement_report import check_visible

__all__ = ["AGREE", "DISAGREE", "TOO_FEW", "ResponseAgreement", "response_agreement"]

AGREE, DISAGREE, TOO_FEW = "agree", "disagree", "too few"


@dataclass(frozen=True)
class ResponseAgreement:
    """``state``: :data:`AGREE`, :data:`DISAGREE` or :data:`TOO_FEW` (fewer than two coders
    done). ``done``: the names of the coders who marked it done, by name. ``differ``: per
    code they differ on, (code name, names who applied it, names who did not)."""

    state: str
    done: tuple[str, ...]
    differ: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = ()
    #: the codes everyone applied (when they agree), in codebook order
    shared: tuple[str, ...] = ()

    def describe(self) -> str:
        """One plain sentence (the marker's tooltip)."""
        who = ", ".join(self.done)
        if self.state == TOO_FEW:
            return ("Fewer than two coders have marked this response done"
                    + (f" (done: {who})" if who else "") + ": nothing to compare yet.")
        if self.state == AGREE:
            what = ", ".join(self.shared) if self.shared else "nothing applies"
            return f"{who} agree: {what}."
        parts = [f"{code} ({', '.join(yes)} applied it; {', '.join(no)} did not)"
                 for code, yes, no in self.differ]
        return f"{who} disagree on " + "; ".join(parts) + "."


def response_agreement(project: Project, scope: ReadScope, response_ids: Sequence[str], *,
                       marks: Mapping[str, CoderMarks] | None = None
                       ) -> dict[str, ResponseAgreement]:
    """Response id → :class:`ResponseAgreement`, for a page of responses (``marks``: their
    :func:`~post_coder.queries.coder_marks` through ``scope``, when the caller has read them
    already). Raises ``AgreementHidden`` where not everyone's codings can be seen."""
    check_visible(project, scope)
    if marks is None:
        marks = coder_marks(project, scope, response_ids)
    names = {c.id: c.name for c in list_coders(project)}
    order = {row["id"]: (n, row["name"]) for n, row in
             enumerate(codebook_table(project, scope, with_counts=False))}
    out = {}
    for response in response_ids:
        mark = marks[response]
        done = sorted(mark.done, key=lambda c: (names.get(c, "").casefold(), c))
        who = tuple(names.get(c, "?") for c in done)
        if len(done) < 2:
            out[response] = ResponseAgreement(TOO_FEW, who)
            continue
        sets = {c: mark.active.get(c, frozenset()) for c in done}
        every = sorted(set().union(*sets.values()), key=lambda k: order.get(k, (1 << 30, k)))
        differ = []
        for code in every:
            yes = tuple(names.get(c, "?") for c in done if code in sets[c])
            if len(yes) < len(done):
                no = tuple(names.get(c, "?") for c in done if code not in sets[c])
                differ.append((order.get(code, (0, "?"))[1], yes, no))
        if differ:
            out[response] = ResponseAgreement(DISAGREE, who, tuple(differ))
        else:
            out[response] = ResponseAgreement(
                AGREE, who, shared=tuple(order.get(k, (0, "?"))[1] for k in every))
    return out
