"""Agreement from a project: the per-code report, disagreements, and stored reports.

The unit is a response × code: did this coder apply this code to this response? The units
are the responses (of a round, or of the whole project) that at least two of the chosen
coders marked done (:mod:`post_coder.coding.done`); a response a coder has not marked done
is a missing rating for that coder, never a 0. A code's rating is its own codings: a
parent code is not applied where only its sub-code was (``roll_up=True`` counts the
sub-codes' codings for the parent too). Whole-response and span codings both count as
"applied". The statistics are :func:`post_coder.coding.agreement.pattern_report`'s (every
code at once, the units counted per pattern from the codings). With span codings the unit
can also be a character of those responses, or a segment matched across coders by overlap
(``unit="character"`` / ``"segment"``; see :mod:`post_coder.coding.agreement._spans`).

Agreement needs everyone's codings: a blind read scope, or a coder package (where the
others' codings are withheld or out of date), is refused with :class:`AgreementHidden` —
during an open blind round only the lead's project shows agreement and disagreements.

Every report computed for a round is stored (:func:`stored_reports`, :func:`convergence`),
so convergence across rounds can be shown.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np

from post_coder.coding.agreement import (BINARY, character_counts, group_alpha,
                                         pattern_report, response_counts, segment_counts)
from post_coder.coding.codebook import descendants, find_code, list_codes, tree_order
from post_coder.coding.coders import find_coder
from post_coder.team.package import package_info
from post_coder.team.rounds import find_round
from post_coder.errors import ConflictError, InputError, NotFoundError
from post_coder.ids import new_id
from post_coder.project import Project
from post_coder.store import agreement as store
from post_coder.store import codes as codes_store
from post_coder.store import coders as coders_store
from post_coder.store import responses as responses_store
from post_coder.store import review as review_store
from post_coder.store import rounds as rounds_store
from post_coder.store.agreement import UnitFilter
from post_coder.store.db import now
from post_coder.store.scope import ReadScope

__all__ = ["COEFFICIENT_KEYS", "DEFAULT_THRESHOLDS", "AgreementHidden", "AgreementReport",
           "Disagreement", "Disagreements", "StoredReport", "agreement_by_attribute",
           "UNITS", "agreement_report", "check_visible", "convergence", "disagreements",
           "stored_reports"]

#: alpha below the first is flagged "low", below the second "tentative" (Krippendorff 2004:
#: 0.667 the lowest conceivable limit, 0.80 for conclusions)
DEFAULT_THRESHOLDS = (0.667, 0.80)
#: every coefficient a code's entry holds, in this order
COEFFICIENT_KEYS = ("krippendorff_alpha", "percent_agreement", "cohen_kappa",
                    "cohen_kappa_linear", "cohen_kappa_quadratic", "fleiss_kappa",
                    "conger_kappa", "scott_pi", "gwet_ac1", "brennan_prediger")
_COHEN = ("cohen_kappa", "cohen_kappa_linear", "cohen_kappa_quadratic")
_MAX_CODERS = 8
#: what a unit of agreement can be
UNITS = ("response", "character", "segment")


class AgreementHidden(ConflictError):
    """Agreement was asked for where not everyone's codings can be seen."""


# -- what to compare ---------------------------------------------------------------------------

@dataclass
class _Spec:
    round_id: str | None
    round_name: str | None
    coders: list[coders_store.Coder]
    codes: list[codes_store.Code]
    question_ids: tuple[str, ...] | None
    attribute: tuple[str, str] | None
    variable_ids: tuple[str, ...] | None
    roll_up: bool
    chosen_codes: bool = False
    chosen_coders: bool = False
    unit: str = "response"
    overlap: float | None = None

    def unit_filter(self) -> UnitFilter:
        attr = None
        if self.attribute is not None:
            attr = (self.variable_ids or (), self.attribute[1])
        return UnitFilter(tuple(c.id for c in self.coders), self.round_id, self.question_ids,
                          attr)

    def filters(self) -> dict[str, Any]:
        return {"round": self.round_name,
                "questions": None if self.question_ids is None else list(self.question_ids),
                "codes": [c.name for c in self.codes] if self.chosen_codes else None,
                "coders": [c.name for c in self.coders] if self.chosen_coders else None,
                "attribute": None if self.attribute is None else "=".join(self.attribute),
                "roll_up": self.roll_up, "unit": self.unit, "overlap": self.overlap}


def check_visible(project: Project, scope: ReadScope) -> None:
    """Refuse (:class:`AgreementHidden`) where not everyone's codings can be seen: a blind
    read scope, or a coder package. Review sessions share the rule."""
    if not isinstance(scope, ReadScope):
        raise TypeError(f"agreement reads codings and needs a ReadScope, not {scope!r}")
    info = package_info(project)
    if info is not None:
        raise AgreementHidden(f"agreement needs everyone's codings; only the lead's project "
                              f"shows it (this is {info.coder_name}'s coder package)")
    if scope.blind:
        raise AgreementHidden("agreement needs everyone's codings; only the lead's project "
                              "shows it (during an open blind round each coder sees only "
                              "their own codings)")


def _attribute(value: str | tuple[str, str] | None) -> tuple[str, str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        name, sep, wanted = value.partition("=")
        if not sep or not name.strip():
            raise InputError(f'write the attribute filter as NAME=VALUE (for example '
                             f'dept=ICU), not "{value}"')
        return name.strip(), wanted.strip()
    return value[0], value[1]


def _spec(project: Project, round: str | None, questions: Sequence[str] | None,
          codes: Sequence[str] | None, coders: Sequence[str] | None,
          attribute: str | tuple[str, str] | None, roll_up: bool) -> _Spec:
    db = project.db
    r = find_round(project, round) if round is not None else None
    if coders is not None:
        people = list({c.id: c for c in (find_coder(project, x) for x in coders)}.values())
    else:
        ids = (rounds_store.coder_ids(db, r.id) if r is not None
               else store.coders_done_in_round(db, None))
        people = [c for c in (coders_store.get(db, i) for i in ids) if c is not None]
    people.sort(key=lambda c: (c.name.casefold(), c.id))
    if len(people) > _MAX_CODERS:
        raise InputError(f"agreement compares at most {_MAX_CODERS} coders at a time; choose "
                         "which coders to compare")
    # codebook order: each code right after its parent, siblings by their sort order
    rank = {c.id: i for i, (c, _) in enumerate(
        tree_order(codes_store.list_(db, include_inactive=True)))}
    if codes is not None:
        chosen = list({c.id: c for c in (find_code(project, x) for x in codes)}.values())
    else:
        chosen = codes_store.list_(db)
    chosen.sort(key=lambda c: rank.get(c.id, len(rank)))
    attr = _attribute(attribute)
    variable_ids = None
    if attr is not None:
        variable_ids = tuple(rounds_store.variable_ids_named(db, attr[0]))
        if not variable_ids:
            names = ", ".join(f'"{n}"' for n in rounds_store.variable_names(db)) or "none"
            raise NotFoundError(f'there is no attribute "{attr[0]}" (attributes: {names})')
    return _Spec(r.id if r else None, r.name if r else None, people, chosen,
                 _questions(project, questions), attr, variable_ids,
                 roll_up, codes is not None, coders is not None)


def _questions(project: Project, questions: Sequence[str] | None) -> tuple[str, ...] | None:
    """Question ids from ids, column names or wordings."""
    if questions is None:
        return None
    known = store.question_ids(project.db, questions)
    out = []
    for q in questions:
        if q in known:
            out.append(q)
            continue
        out.append(responses_store.find_question(project.db, q))
    return tuple(dict.fromkeys(out))


@dataclass
class _Data:
    units: np.ndarray       # response seqs, sorted
    done: np.ndarray        # units x coders
    n_codes: int
    #: the codings as (report code, unit, coder) arrays — a coding counts once for each
    #: report code it rates (roll-up); codings of a coder not done on the unit included
    codings: tuple[np.ndarray, np.ndarray, np.ndarray]
    #: with spans: each coding's (start, end) arrays (-1 for the whole response) and the
    #: units' text lengths
    spans: tuple[np.ndarray, np.ndarray] | None = None
    lengths: np.ndarray | None = None
    _ratings: np.ndarray | None = None

    @property
    def ratings(self) -> np.ndarray:
        """codes x units x coders: did the coder apply the code (and mark the unit done);
        built on first use (the per-code report works from the codings)."""
        if self._ratings is None:
            k, u, g = self.codings
            ratings = np.zeros((self.n_codes, *self.done.shape), dtype=bool)
            ratings[k, u, g] = True
            ratings &= self.done[None, :, :]  # a coding where the coder is not done is missing
            self._ratings = ratings
        return self._ratings


def _collect(project: Project, scope: ReadScope, spec: _Spec, spans: bool = False) -> _Data:
    """The done mask and the codings as integer arrays (read as integers, spread without a
    loop over codings); with ``spans`` also the codings' spans and the texts' lengths."""
    db = project.db
    n_coders, n_codes = len(spec.coders), len(spec.codes)
    targets: dict[str, list[int]] = {c.id: [k] for k, c in enumerate(spec.codes)}
    if spec.roll_up:
        codebook = list_codes(project)
        for k, c in enumerate(spec.codes):
            for d in sorted(descendants(codebook, c.id)):
                targets.setdefault(d, []).append(k)
    wanted = sorted(targets) if (spec.roll_up or spec.chosen_codes) else None
    cells = store.read_cells(db, scope, spec.unit_filter(), wanted, spans=spans)
    done = ((cells.done_masks[:, None] >> np.arange(n_coders)) & 1).astype(bool)
    found: list[tuple[np.ndarray, ...]] = []
    if n_codes and len(cells.seqs):
        unit, coder, code = cells.split_codings(cells.codings)
        width = max(len(t) for t in targets.values())
        slots = np.full((width, max(cells.code_rowids.values(), default=0) + 1), -1,
                        dtype=np.int64)  # code rowid -> the report's codes it counts for
        for code_id, ks in targets.items():
            rowid = cells.code_rowids.get(code_id)
            if rowid is not None:
                slots[:len(ks), rowid] = ks
        for slot in slots:
            k = slot[code]
            ok = k >= 0
            found.append((k[ok], unit[ok], coder[ok])
                         + ((cells.starts[ok], cells.ends[ok]) if spans else ()))
    columns = 5 if spans else 3
    empty = np.zeros(0, dtype=np.int64)
    arrays = [np.concatenate([f[j] for f in found] + [empty]) for j in range(columns)]
    return _Data(cells.seqs, done, n_codes, (arrays[0], arrays[1], arrays[2]),
                 (arrays[3], arrays[4]) if spans else None, cells.lengths if spans else None)


# -- the report ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class AgreementReport:
    """Per-code agreement of a round (or the project) and the overall figures.

    ``codes``: one dict per code (in codebook order) with ``code``, ``code_id``, ``units``
    (responses, characters or segment units, as ``unit`` says), every coefficient
    in :data:`COEFFICIENT_KEYS` (None where not defined, the reason in ``notes``),
    ``alpha_ci`` ([low, high] or None), ``pairs`` ("Coder A / Coder B" → Cohen's kappa),
    ``prevalence`` (coder name → share of their done units where they applied the code),
    ``flag`` ("low", "tentative" or None) and ``notes``. ``overall``: ``pooled_alpha``
    (alpha over every response × code unit at once), ``mean_alpha`` (mean of the codes'
    alphas that are defined) and how many codes it averages. ``groups``: the
    multi-category alpha of each group of mutually exclusive codes.
    """

    round_id: str | None
    round: str | None
    coders: tuple[str, ...]
    units: int
    codes: tuple[dict[str, Any], ...]
    overall: dict[str, Any]
    groups: tuple[dict[str, Any], ...]
    filters: dict[str, Any]
    thresholds: tuple[float, float]
    resamples: int
    seed: int
    computed_at: str
    id: str = field(default="")
    #: what a unit is: "response" (a response x code), "character" or "segment" (see
    #: :func:`agreement_report`); ``overlap``: the segment matching threshold
    unit: str = "response"
    overlap: float | None = None

    def code(self, name: str) -> dict[str, Any]:
        for c in self.codes:
            if c["code"].casefold() == name.casefold() or c["code_id"] == name:
                return c
        raise KeyError(name)

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["thresholds"] = list(self.thresholds)
        d["codes"] = [dict(c) for c in self.codes]
        d["groups"] = [dict(g) for g in self.groups]
        return d


def _none(v: float) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)


def _flag(alpha: float | None, thresholds: tuple[float, float]) -> str | None:
    if alpha is None:
        return None
    if alpha < thresholds[0]:
        return "low"
    if alpha < thresholds[1]:
        return "tentative"
    return None


def _code_entry(report: Any, i: int, code: codes_store.Code, names: list[str],
                thresholds: tuple[float, float], unit: str = "response") -> dict[str, Any]:
    res = report.result(i)
    notes = {k: v for k, v in res["notes"].items() if k in BINARY}
    entry: dict[str, Any] = {"code": code.name, "code_id": code.id, "units": res["units"]}
    pairs: dict[str, float | None] = {}
    for (g, h), kappa in res["pairs"].items():
        label = f"{names[g]} / {names[h]}"
        pairs[label] = kappa
        why = res["notes"].get(f"cohen_kappa {g}-{h}")
        if why:
            notes[f"cohen_kappa {label}"] = why
    for key in COEFFICIENT_KEYS:
        if key in _COHEN:
            # two categories: linear and quadratic weights are the plain kappa
            if len(names) == 2:
                value = next(iter(pairs.values()))
                if value is None:
                    notes[key] = notes[f"cohen_kappa {names[0]} / {names[1]}"]
            else:
                value = None
                notes[key] = (f"Cohen's kappa compares exactly two coders and this report has "
                              f"{len(names)}; see Conger's kappa or the kappa of each pair")
            entry[key] = value
        else:
            entry[key] = res[key]
    entry["alpha_ci"] = res["alpha_ci"]
    entry["pairs"] = pairs
    entry["prevalence"] = dict(zip(names, res["prevalence"]))
    entry["flag"] = _flag(entry["krippendorff_alpha"], thresholds)
    entry["notes"] = notes
    return entry


def agreement_report(
    project: Project,
    scope: ReadScope,
    *,
    round: str | None = None,
    questions: Sequence[str] | None = None,
    codes: Sequence[str] | None = None,
    coders: Sequence[str] | None = None,
    attribute: str | tuple[str, str] | None = None,
    exclusive_groups: Mapping[str, Sequence[str]] | None = None,
    roll_up: bool = False,
    resamples: int = 1000,
    seed: int = 0,
    thresholds: tuple[float, float] = DEFAULT_THRESHOLDS,
    store_report: bool = True,
    unit: str = "response",
    overlap: float = 0.5,
) -> AgreementReport:
    """Agreement per code over the responses that two or more of the coders marked done.

    ``unit``: what is rated — "response" (default: did the coder apply the code to the
    response), "character" (each character of those responses: is it in one of the coder's
    codings of the code; a whole-response coding covers every character) or "segment" (the
    coders' segments of the code matched across coders when their overlap, intersection over
    union in characters, is at least ``overlap``, default 0.5; see
    :mod:`post_coder.coding.agreement._spans`). The coefficients, interval and flags are the
    same for every unit; a code's ``units`` counts responses, characters or segment units.

    ``round``: a round's name or id (default: every response; the coders default to the
    round's, or to everyone with a done mark). ``questions``: question ids or column
    names;
    ``codes``/``coders``: names or ids (default: the active codebook, in codebook order);
    ``attribute``: ``"dept=ICU"`` or ``("dept", "ICU")``, only those respondents;
    ``exclusive_groups``: name → codes that exclude each other, reported as one
    multi-category alpha each; ``roll_up``: a parent code counts its sub-codes' codings;
    ``resamples``/``seed``: the bootstrap interval of alpha (0: none); ``thresholds``: the
    "low" and "tentative" limits for alpha. A report for a round is stored (unless
    ``store_report`` is False or the file is read-only). Raises :class:`AgreementHidden`
    for a blind scope or in a coder package.
    """
    check_visible(project, scope)
    low, high = thresholds
    if not 0 <= low <= high <= 1:
        raise InputError("the thresholds must be two numbers between 0 and 1, the lower first "
                         "(for example 0.667 and 0.80)")
    if unit not in UNITS:
        raise InputError(f'the unit of agreement is "response", "character" or "segment", '
                         f'not "{unit}"')
    if (isinstance(overlap, bool) or not isinstance(overlap, (int, float))
            or not 0 < overlap <= 1):
        raise InputError(f"the overlap threshold must be a number above 0 and at most 1 (for "
                         f"example 0.5), not {overlap!r}")
    spec = _spec(project, round, questions, codes, coders, attribute, roll_up)
    spec.unit = unit
    spec.overlap = float(overlap) if unit == "segment" else None
    if len(spec.coders) < 2:
        raise InputError("agreement needs at least two coders; "
                         + ("the round has fewer" if spec.round_id else
                            "fewer than two coders have marked responses done"))
    data = _collect(project, scope, spec, spans=unit != "response")
    names = [c.name for c in spec.coders]
    codes_out: list[dict[str, Any]] = []
    if spec.codes:
        report = _unit_report(data, len(spec.codes), len(names), unit, float(overlap),
                              resamples, seed)
        codes_out = [_code_entry(report, i, c, names, thresholds, unit)
                     for i, c in enumerate(spec.codes)]
    overall = _overall(report if spec.codes else None, codes_out, len(data.units))
    groups = _groups(project, data, spec, exclusive_groups or {})
    result = AgreementReport(spec.round_id, spec.round_name, tuple(names), len(data.units),
                             tuple(codes_out), overall, groups, spec.filters(),
                             (float(low), float(high)), int(resamples), int(seed), now(),
                             unit=unit, overlap=spec.overlap)
    if spec.round_id is not None and store_report and not project.readonly:
        result = _store(project, result)
    return result


def _unit_report(data: _Data, n_codes: int, n_coders: int, unit: str, overlap: float,
                 resamples: int, seed: int) -> Any:
    """The per-code statistics for the unit: response x code from the ratings, characters
    and segments from the spans as pattern counts (the same closed form)."""
    if unit == "response":
        counts = response_counts(n_codes, data.done, *data.codings)
    else:
        assert data.spans is not None and data.lengths is not None
        where = (data.lengths, data.done, *data.codings, *data.spans)
        counts = (character_counts(n_codes, *where) if unit == "character" else
                  segment_counts(n_codes, *where, overlap=overlap))
    return pattern_report(counts, n_coders, resamples=resamples, seed=seed)


def _overall(report: Any, codes_out: list[dict[str, Any]], units: int) -> dict[str, Any]:
    alphas = [c["krippendorff_alpha"] for c in codes_out if c["krippendorff_alpha"] is not None]
    out: dict[str, Any] = {"units": units, "codes": len(codes_out), "pooled_alpha": None,
                           "mean_alpha": None, "codes_with_alpha": len(alphas), "notes": {}}
    if alphas:
        out["mean_alpha"] = float(np.mean(alphas))
    else:
        out["notes"]["mean_alpha"] = "not defined: no code has a defined alpha"
    pooled = None if report is None else _none(report.pooled_alpha)
    out["pooled_alpha"] = pooled
    if pooled is None:
        out["notes"]["pooled_alpha"] = (
            "not defined: no response was done by two coders, or no code was ever applied "
            "(or every one always)" if units else
            "not defined: no response was marked done by two or more of the coders")
    return out


def _groups(project: Project, data: _Data, spec: _Spec,
            groups: Mapping[str, Sequence[str]]) -> tuple[dict[str, Any], ...]:
    index = {c.id: k for k, c in enumerate(spec.codes)}
    out = []
    for name, members in groups.items():
        found = [find_code(project, m) for m in members]
        if len(found) < 2:
            raise InputError(f'the group "{name}" needs at least two codes')
        missing = [c.name for c in found if c.id not in index]
        if missing:
            raise InputError(f'the group "{name}" has codes that are not in this report: '
                             + ", ".join(missing))
        alpha, why = group_alpha(data.ratings[[index[c.id] for c in found]], data.done)
        entry = {"group": name, "codes": [c.name for c in found], "krippendorff_alpha": alpha,
                 "notes": {"krippendorff_alpha": why} if why else {}}
        if spec.unit != "response":  # one value per response and coder: the response unit
            entry["unit"] = "response"
        out.append(entry)
    return tuple(out)


def agreement_by_attribute(project: Project, scope: ReadScope, attribute: str,
                           **options: Any) -> dict[str, AgreementReport]:
    """One report per value of an attribute (``"dept"`` → {"EM": …, "ICU": …}); the options
    are :func:`agreement_report`'s. Values where fewer than two coders share a response
    give reports with no units."""
    check_visible(project, scope)
    variables = rounds_store.variable_ids_named(project.db, attribute)
    if not variables:
        names = ", ".join(f'"{n}"' for n in rounds_store.variable_names(project.db)) or "none"
        raise NotFoundError(f'there is no attribute "{attribute}" (attributes: {names})')
    return {value: agreement_report(project, scope, attribute=(attribute, value), **options)
            for value in store.attribute_values(project.db, variables)}


# -- stored reports ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class StoredReport:
    id: str
    round_id: str | None
    computed_at: str
    computed_by: str | None
    filters: dict[str, Any]
    report: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _store(project: Project, result: AgreementReport) -> AgreementReport:
    report_id = new_id()
    result = replace(result, id=report_id)
    filters = dict(result.filters)
    with project.transact("Store agreement report", outside_history=True):
        store.save_report(project.db, id=report_id, round_id=result.round_id,
                          computed_at=result.computed_at, computed_by=project.actor,
                          filters=filters, report=result.as_dict())
    return result


def stored_reports(project: Project, round: str | None = None) -> list[StoredReport]:
    """The reports computed so far, oldest first: of one round (name or id) or of all."""
    round_id = find_round(project, round).id if round is not None else None
    return [StoredReport(*r) for r in store.reports(project.db, round_id)]


def convergence(project: Project) -> list[dict[str, Any]]:
    """Per round (in the order the rounds were created), its latest stored whole-round report:
    ``round``, ``computed_at``, ``pooled_alpha``, ``mean_alpha`` and ``codes`` (code name →
    alpha) — the table and chart of agreement across rounds. Rounds with no stored
    whole-round report are left out."""
    latest: dict[str, StoredReport] = {}
    for r in stored_reports(project):
        if r.round_id is not None and _whole_round(r):
            latest[r.round_id] = r
    out = []
    for rnd in rounds_store.list_(project.db):
        r = latest.get(rnd.id)
        if r is None:
            continue
        rep = r.report
        out.append({"round": rnd.name, "round_id": rnd.id, "computed_at": r.computed_at,
                    "units": rep["units"], "pooled_alpha": rep["overall"]["pooled_alpha"],
                    "mean_alpha": rep["overall"]["mean_alpha"],
                    "codes": {c["code"]: c["krippendorff_alpha"] for c in rep["codes"]}})
    return out


def _whole_round(r: StoredReport) -> bool:
    """Whether a stored report covers its whole round with the default unit (no question,
    code, coder or attribute chosen, sub-codes not rolled up, response x code units)."""
    f = r.filters
    return f.get("unit", "response") == "response" and not any(
        f.get(k) is not None and f.get(k) is not False
        for k in ("questions", "codes", "coders", "attribute", "roll_up"))


# -- disagreements ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Disagreement:
    """A response × code where the coders who marked the response done differ.

    ``applied_by``: (coder name, spans) for each coder who applied the code — spans as
    (start, end) pairs, ``None`` for the whole response; ``not_applied_by``: the coders
    who marked the response done without applying it. ``status`` is "open" until a review
    session records a decision on it; then it is "resolved".
    """

    response_id: str
    respondent: str
    question: str
    code_id: str
    code: str
    applied_by: tuple[tuple[str, tuple[tuple[int, int] | None, ...]], ...]
    not_applied_by: tuple[str, ...]
    status: str = "open"

    def as_dict(self) -> dict[str, Any]:
        return {"response_id": self.response_id, "respondent": self.respondent,
                "question": self.question, "code_id": self.code_id, "code": self.code,
                "applied_by": [{"coder": n, "spans": [list(s) if s else None for s in spans]}
                               for n, spans in self.applied_by],
                "not_applied_by": list(self.not_applied_by), "status": self.status}


@dataclass(frozen=True)
class Disagreements:
    rows: tuple[Disagreement, ...]
    #: code name → number of disagreements, for every code compared (0 included)
    counts: dict[str, int]
    coders: tuple[str, ...]
    units: int

    def as_dict(self) -> dict[str, Any]:
        return {"coders": list(self.coders), "units": self.units, "counts": self.counts,
                "disagreements": [r.as_dict() for r in self.rows]}


def disagreements(
    project: Project,
    scope: ReadScope,
    *,
    round: str | None = None,
    questions: Sequence[str] | None = None,
    codes: Sequence[str] | None = None,
    coders: Sequence[str] | None = None,
    coder_pair: tuple[str, str] | None = None,
    attribute: str | tuple[str, str] | None = None,
    status: str | None = None,
) -> Disagreements:
    """The disagreements of a round (or of the project), in file order then codebook order.

    Filters as :func:`agreement_report`; ``coder_pair`` (two names or ids) compares just
    those two coders (the responses both marked done). ``status``: "open" or "resolved"
    (a response × code with a review decision, in any session, is resolved; see
    :mod:`post_coder.team.review`). ``counts``: per code, the disagreements listed."""
    check_visible(project, scope)
    if status not in (None, "open", "resolved"):
        raise InputError(f'the status is "open" or "resolved", not "{status}"')
    if coder_pair is not None:
        if len(set(coder_pair)) != 2:
            raise InputError("a coder pair is two different coders")
        coders = list(coder_pair)
    spec = _spec(project, round, questions, codes, coders, attribute, False)
    if len(spec.coders) < 2:
        raise InputError("disagreements need at least two coders")
    data = _collect(project, scope, spec)
    names = [c.name for c in spec.coders]
    applied = data.ratings.sum(axis=2, dtype=np.int8)   # codes x units (8 coders at most)
    rated = data.done.sum(axis=1, dtype=np.int8)[None, :]
    split = (applied > 0) & (applied < rated)
    k_idx, u_idx = np.nonzero(split)
    order = np.lexsort((k_idx, u_idx))  # by response (seq: file order), then code
    k_idx, u_idx = k_idx[order], u_idx[order]
    seqs = data.units[u_idx].tolist()
    info = store.responses_by_seq(project.db, sorted(set(seqs)))
    spans: dict[tuple[str, str, str], list[tuple[int, int] | None]] = {}
    if seqs:
        ids = sorted({info[s][0] for s in seqs})
        for r, k, c, start, end in store.spans(project.db, scope, ids,
                                                [c.id for c in spec.codes],
                                                [c.id for c in spec.coders]):
            spans.setdefault((r, k, c), []).append(None if start is None else (start, end))
    applied = data.ratings[k_idx, u_idx, :].tolist()
    rated = data.done[u_idx, :].tolist()
    decided = review_store.decided_keys(project.db, [info[s][0] for s in set(seqs)])
    rows = []
    counts = {c.name: 0 for c in spec.codes}
    for k, s, yes_row, done_row in zip(k_idx.tolist(), seqs, applied, rated):
        response_id, respondent, question = info[s]
        code = spec.codes[k]
        state = "resolved" if (response_id, code.id) in decided else "open"
        if status is not None and state != status:
            continue
        yes = tuple((names[g], tuple(spans.get((response_id, code.id, spec.coders[g].id), ())))
                    for g, a in enumerate(yes_row) if a)
        no = tuple(names[g] for g, (a, d) in enumerate(zip(yes_row, done_row)) if d and not a)
        rows.append(Disagreement(response_id, respondent, question, code.id, code.name, yes, no,
                                 state))
        counts[code.name] += 1
    return Disagreements(tuple(rows), counts, tuple(names), len(data.units))
