"""The agreement report as a publication table (from
:func:`post_coder.team.agreement_report.agreement_report`).

The short table a methods section needs — per code: units, Krippendorff's alpha with its
bootstrap interval, percent agreement, Cohen's kappa (two coders) or Fleiss' kappa (more),
Gwet's AC1 and the flag — with notes saying who was compared, what a unit is, the
overall alpha, the flag limits and why a coefficient is not defined. ``full=True`` gives
every coefficient and each pair's kappa (:func:`post_coder.export.tables.agreement_table`).
Agreement needs everyone's codings: a blind reader is refused, as in the app.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from post_coder.export.document import Column, Document, Row, Table
from post_coder.export.tables import COEFFICIENT_HEADINGS, agreement_table, flat_columns
from post_coder.export.writers import write_document
from post_coder.project import Project
from post_coder.queries import ReadScope
from post_coder.team.agreement_report import agreement_report

__all__ = ["agreement_block", "agreement_document", "write_agreement"]


def _number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def agreement_block(report: dict[str, Any], *, full: bool = False) -> Table:
    """A report (``AgreementReport.as_dict()``) as a :class:`Table`."""
    where = f'round "{report["round"]}"' if report["round"] else "all responses"
    caption = f"Inter-coder agreement per code, {where}"
    coders = list(report["coders"])
    notes = [f"Coders compared: {', '.join(coders)}. A unit is a response that two or more "
             f"of them marked done ({report['units']} units); a code applies to a unit "
             "when the coder applied it anywhere in the response."]
    overall = report["overall"]
    notes.append(f"Overall: pooled Krippendorff's alpha {_number(overall['pooled_alpha'])}; "
                 f"mean alpha {_number(overall['mean_alpha'])} over "
                 f"{overall['codes_with_alpha']} codes with a defined alpha.")
    if report["resamples"]:
        notes.append(f"95% CI: bootstrap of the units, {report['resamples']} resamples "
                     f"(seed {report['seed']}).")
    low, high = report["thresholds"]
    notes.append(f"Flag: low when alpha is below {low:g}, tentative below {high:g}.")
    if full:
        header, rows = agreement_table(report)
        return Table(caption, tuple(flat_columns(header, rows)),
                     tuple(Row(tuple(r)) for r in rows), tuple(notes), name="Agreement")
    kappa = "cohen_kappa" if len(coders) == 2 else "fleiss_kappa"
    columns = (Column("Code"), Column("Units", "count"),
               Column("Krippendorff's alpha", "decimal", 3), Column("95% CI"),
               Column("% agreement", "percent", 1),
               Column(COEFFICIENT_HEADINGS[kappa], "decimal", 3),
               Column("Gwet's AC1", "decimal", 3), Column("Flag"))
    rows = []
    for c in report["codes"]:
        ci = c["alpha_ci"]
        rows.append(Row((c["code"], c["units"], c["krippendorff_alpha"],
                         f"[{ci[0]:.3f}, {ci[1]:.3f}]" if ci else None,
                         c["percent_agreement"], c[kappa], c["gwet_ac1"], c["flag"] or "")))
        notes += _undefined(c, ("krippendorff_alpha", kappa, "gwet_ac1"))
    return Table(caption, columns, tuple(rows), tuple(notes), name="Agreement")


def _undefined(code: dict[str, Any], keys: tuple[str, ...]) -> list[str]:
    """Why a code's coefficients are blank: one note per reason ("Privacy: Krippendorff's
    alpha and Cohen's kappa not defined: every rating is the same value …")."""
    reasons: dict[str, list[str]] = {}
    for key in keys:
        why = code["notes"].get(key)
        if why and code[key] is None:
            why = why.removeprefix("not defined: ").removeprefix("not defined ")
            reasons.setdefault(why, []).append(COEFFICIENT_HEADINGS[key])
    return [f"{code['code']}: {' and '.join(names)} not defined: {why}."
            for why, names in reasons.items()]


def agreement_document(project: Project, scope: ReadScope, *, full: bool = False,
                       **options: Any) -> Document:
    """The agreement report of a round (``round=``) or the project, computed now and not
    stored (``options``: :func:`agreement_report`'s)."""
    report = agreement_report(project, scope, store_report=False, **options).as_dict()
    return Document(f"Inter-coder agreement: {project.name}",
                    [agreement_block(report, full=full)])


def write_agreement(project: Project, scope: ReadScope, path: str | Path,
                    fmt: str | None = None, *, full: bool = False,
                    **options: Any) -> list[Path]:
    return write_document(agreement_document(project, scope, full=full, **options), path, fmt)
