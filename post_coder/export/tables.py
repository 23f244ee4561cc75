"""Flat tables written as CSV, Markdown or XLSX: the agreement report and the audit log.

They are written by the document writers (:mod:`post_coder.export.writers`): whole or not
at all, and text cells a spreadsheet would read as a formula (starting with = + - @, or a
tab or carriage return) get a leading apostrophe
(:func:`~post_coder.export.writers.cells.neutralize`, re-exported here), so a code name
or a rationale can never run as a formula in Excel or LibreOffice.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from post_coder.errors import InputError
from post_coder.export.document import Column, Document, Row, Table
from post_coder.export.writers import write_document
from post_coder.export.writers.cells import neutralize
from post_coder.team.agreement_report import COEFFICIENT_KEYS

__all__ = ["FORMATS", "agreement_table", "audit_table", "flat_columns", "neutralize",
           "write_table"]

FORMATS = ("csv", "md", "xlsx")

#: column headings of the coefficients, in :data:`COEFFICIENT_KEYS` order
COEFFICIENT_HEADINGS = {
    "krippendorff_alpha": "Krippendorff's alpha", "percent_agreement": "% agreement",
    "cohen_kappa": "Cohen's kappa", "cohen_kappa_linear": "Cohen's kappa (linear)",
    "cohen_kappa_quadratic": "Cohen's kappa (quadratic)", "fleiss_kappa": "Fleiss' kappa",
    "conger_kappa": "Conger's kappa", "scott_pi": "Scott's pi", "gwet_ac1": "Gwet's AC1",
    "brennan_prediger": "Brennan-Prediger"}


def agreement_table(report: dict[str, Any], *, by: str | None = None
                    ) -> tuple[list[str], list[list[Any]]]:
    """One row per code of a report (``AgreementReport.as_dict()``), or of several
    (``by``: attribute name → ``{value: report}``, the value as the first column):
    code, units, every coefficient, the alpha interval, each pair's Cohen's kappa, flag and
    the reasons for what is not defined."""
    reports = report if by is not None else {None: report}
    pairs = list(dict.fromkeys(p for r in reports.values() for c in r["codes"]
                               for p in c["pairs"]))
    header = ([by] if by is not None else []) + ["Code", "Units"] + [
        COEFFICIENT_HEADINGS[k] for k in COEFFICIENT_KEYS] + [
        "alpha 95% CI low", "alpha 95% CI high"] + [f"Cohen's kappa {p}" for p in pairs] + [
        "Flag", "Notes"]
    rows = []
    for value, r in reports.items():
        for c in r["codes"]:
            ci = c["alpha_ci"] or [None, None]
            notes = "; ".join(f"{COEFFICIENT_HEADINGS.get(k, k)}: {v}"
                              for k, v in c["notes"].items())
            rows.append(([value] if by is not None else []) + [c["code"], c["units"]]
                        + [c[k] for k in COEFFICIENT_KEYS] + list(ci)
                        + [c["pairs"].get(p) for p in pairs] + [c["flag"] or "", notes])
    return header, rows


#: the audit log's columns (``post-coder log --csv``, View ▸ History ▸ Export)
AUDIT_HEADER = ("When (UTC)", "Who", "Action", "Entity", "About", "Step", "Rationale",
                "Before", "After")


def audit_table(rows: Sequence[Any]) -> tuple[list[str], list[list[Any]]]:
    """The audit log's rows (:class:`post_coder.coding.history.AuditRow`) as a table: one
    row per entry, the before and after images as compact JSON."""
    return list(AUDIT_HEADER), [
        [r.at, r.who or "", r.action, r.entity, r.about, r.step, r.rationale or "",
         _compact(r.before), _compact(r.after)] for r in rows]


def _compact(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def write_table(path: str | Path, header: Sequence[str], rows: Sequence[Sequence[Any]],
                fmt: str | None = None, *, title: str = "Table") -> Path:
    """Write the table to ``path`` as ``fmt`` (csv, md or xlsx; default: the file's suffix),
    whole or not at all, through the document writers (:mod:`post_coder.export.writers`).
    Numbers stay numbers (a column headed "%…" holds proportions, shown as percentages;
    other fractional numbers with three decimals); an empty cell is None. ``title``: the
    XLSX sheet's name."""
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise InputError(f'write the table as csv, md or xlsx, not "{fmt or path.name}"',
                         file=path)
    if not path.parent.is_dir():
        raise InputError("the folder does not exist", file=path)
    table = Table("", tuple(flat_columns(header, rows)), tuple(Row(tuple(r)) for r in rows),
                  name=title)
    write_document(Document("", [table]), path, fmt)
    return path


def flat_columns(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[Column]:
    """How a flat table's columns are shown: a heading starting with "%" holds proportions
    shown as percentages; a column with fractional numbers shows three decimals; anything
    else as it is."""
    out = []
    for i, heading in enumerate(header):
        if str(heading).startswith("%"):
            out.append(Column(heading, "percent", 1))
        elif any(isinstance(r[i], float) for r in rows):
            out.append(Column(heading, "decimal", 3))
        else:
            out.append(Column(heading))
    return out
