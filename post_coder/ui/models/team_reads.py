"""Read helpers for the teamwork screens: rounds, sample previews, merge summaries.

Qt-free and SQL-free: each helper calls a core *read* function (the sample preview draws
with the core's pure :func:`~post_coder.team.rounds.draw_sample` on
:func:`~post_coder.team.rounds.sampling_frame`, exactly as ``create_round`` will) and
returns plain values for the views.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from post_coder.project import Project
from post_coder.queries import VariableInfo, variables
from post_coder.team.merge import MergePlan
from post_coder.team.merge_codebook import KEEP_BOTH, KEEP_MINE, KEEP_THEIRS, RENAME, Conflict
from post_coder.team.package import package_info
from post_coder.team.rounds import RoundInfo, Sample, draw_sample, sample_description

#: attribute types a round can be stratified by (one value per respondent)
STRATIFIABLE = ("categorical", "ordinal")
#: how each merge decision reads in a combo
DECISION_TEXT = {KEEP_MINE: "Keep this project's version", KEEP_THEIRS: "Take theirs",
                 KEEP_BOTH: "Keep both (as two codes)", RENAME: "Rename to…"}

Frame = list[tuple[str, str, str]]


def is_lead(project: Project) -> bool:
    """Whether this is the lead's project (not a coder package made from it)."""
    return package_info(project) is None


def stratifiable_variables(project: Project) -> list[VariableInfo]:
    return [v for v in variables(project) if v.type in STRATIFIABLE]


@dataclass(frozen=True)
class SamplePreview:
    responses: int
    respondents: int
    #: (stratum, responses) when stratified, in stratum order
    per_stratum: tuple[tuple[str, int], ...]

    def describe(self, stratify_label: str | None) -> str:
        n = self.responses
        text = f"{n} response{'s' if n != 1 else ''} ({self.respondents} respondents) " \
               "will be in this round"
        if stratify_label and self.per_stratum:
            parts = ", ".join(f"{s} {k}" for s, k in self.per_stratum)
            text += f" (per {stratify_label}: {parts})"
        return text + "."


def preview_sample(frame: Frame, sample: Sample, seed: int) -> SamplePreview:
    """What ``create_round`` would take from ``frame`` with this sample and seed."""
    chosen = set(draw_sample(frame, sample, seed))
    per: Counter[str] = Counter()
    respondents = set()
    for respondent, response, stratum in frame:
        if response in chosen:
            respondents.add(respondent)
            per[_stratum_text(stratum)] += 1
    strata = tuple(sorted(per.items())) if sample.stratify_by else ()
    return SamplePreview(len(chosen), len(respondents), strata)


def _stratum_text(stratum: str) -> str:
    try:
        values = json.loads(stratum)
    except (TypeError, ValueError):
        return str(stratum)
    return "; ".join(map(str, values)) if values else "(no value)"


@dataclass(frozen=True)
class RoundRow:
    """One round as the rounds panel shows it."""

    id: str
    name: str
    blind: bool
    open: bool
    coders: str
    sample: str
    responses: int
    progress: str
    coder_ids: tuple[str, ...]


def round_rows(rounds: Sequence[RoundInfo]) -> list[RoundRow]:
    out = []
    for info in rounds:
        r = info.round
        progress = ", ".join(f"{_first(name)} {info.coded.get(cid, 0)}/{info.responses}"
                             for cid, name in info.coders)
        out.append(RoundRow(r.id, r.name, r.blind, r.status == "open",
                            ", ".join(name for _, name in info.coders), sample_description(r),
                            info.responses, progress, tuple(c for c, _ in info.coders)))
    return out


def _first(name: str) -> str:
    return name.split()[0] if name.split() else name


def plan_summary(plan: MergePlan) -> str:
    """The preview of a merge in a few plain lines."""
    done = plan.already_done()
    if done:
        return done
    lines = [f"{plan.source} ({plan.file})"]
    lines += [line[:1].upper() + line[1:] for line in plan.count_lines()]
    lines.append(f"Conflicts: {len(plan.conflicts)}"
                 + (" — choose what to do with each below" if plan.conflicts else ""))
    return "\n".join(lines)


def conflict_text(conflict: Conflict) -> str:
    """The core's plain description, with typographic quotes."""
    text = re.sub(r'"([^"]*)"', "“\\1”", conflict.message)
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


#: the fields of a code, as the side-by-side comparison of a conflict names them
SIDE_FIELDS = (("name", "Name"), ("definition", "Definition"), ("inclusion", "Include when"),
               ("exclusion", "Exclude when"), ("example", "Example"), ("color", "Color"),
               ("parent_id", "Under"), ("status", "Status"))


@dataclass(frozen=True)
class SideRow:
    """One field of a conflicting code: as it was (base), here (mine) and in the file."""

    label: str
    base: str | None
    mine: str
    theirs: str

    @property
    def differs(self) -> bool:
        return self.mine != self.theirs


def conflict_sides(conflict: Conflict, code_names: dict[str, str]) -> list[SideRow]:
    """The conflict's fields (and always the name and definition) side by side.

    ``code_names`` names the codes a parent or merge target may refer to. ``base`` is
    ``None`` in every row when the file's base is unknown.
    """
    sides = conflict.sides
    mine, theirs, base = sides.get("mine", {}), sides.get("theirs", {}), sides.get("base")
    shown = set(conflict.fields) | {"name", "definition"}
    if "merged_into" in shown:
        shown.add("status")
    rows = []
    for field_, label in SIDE_FIELDS:
        if field_ not in shown:
            continue

        def value(side: dict | None) -> str:
            return _field_text(side or {}, field_, code_names)

        rows.append(SideRow(label, value(base) if base is not None else None,
                            value(mine) if mine else "—", value(theirs)))
    return rows


def _field_text(side: dict, field_: str, code_names: dict[str, str]) -> str:
    value = side.get(field_)
    if field_ == "parent_id":
        return f"“{code_names.get(value, 'a code new in the file')}”" if value else "(top level)"
    if field_ == "status":
        if value == "merged":
            target = side.get("merged_into")
            return f"merged into “{code_names.get(target, 'a code new in the file')}”"
        return {"active": "in use", "retired": "retired"}.get(value, str(value))
    return str(value or "") or "(empty)"
