"""Flat tables written as CSV, Markdown or XLSX: the agreement report and the audit log.

Files are written whole or not at all (a temporary file beside the target, then a rename).
Text cells a spreadsheet would read as a formula (starting with = + - @, a tab or a
carriage return) are written with a leading apostrophe, so a code name or a rationale
can never run as a formula in Excel or LibreOffice.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from post_coder.files import written_whole
from post_coder.errors import InputError
from post_coder.team.agreement_report import COEFFICIENT_KEYS

__all__ = ["FORMATS", "agreement_table", "audit_table", "neutralize", "write_table"]

FORMATS = ("csv", "md", "xlsx")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

#: column headings of the coefficients, in :data:`COEFFICIENT_KEYS` order
COEFFICIENT_HEADINGS = {
    "krippendorff_alpha": "Krippendorff's alpha", "percent_agreement": "% agreement",
    "cohen_kappa": "Cohen's kappa", "cohen_kappa_linear": "Cohen's kappa (linear)",
    "cohen_kappa_quadratic": "Cohen's kappa (quadratic)", "fleiss_kappa": "Fleiss' kappa",
    "conger_kappa": "Conger's kappa", "scott_pi": "Scott's pi", "gwet_ac1": "Gwet's AC1",
    "brennan_prediger": "Brennan-Prediger"}


def neutralize(value: Any) -> Any:
    """A text cell that would start a formula, with a leading apostrophe; else unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


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
    whole or not at all. Numbers stay numbers; an empty cell is None."""
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise InputError(f'write the table as csv, md or xlsx, not "{fmt or path.name}"',
                         file=path)
    if not path.parent.is_dir():
        raise InputError("the folder does not exist", file=path)
    with written_whole(path, "table") as tmp:
        if fmt == "csv":
            with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow([neutralize(h) for h in header])
                for row in rows:
                    writer.writerow(["" if v is None else neutralize(v) for v in row])
        elif fmt == "md":
            tmp.write_text(_markdown(header, rows), encoding="utf-8")
        else:
            _xlsx(tmp, header, rows, title)
    return path


def _md_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}"
    return " ".join(str(value).split()).replace("|", "\\|")


def _markdown(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(_md_cell(h) for h in header) + " |",
             "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_md_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _xlsx(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]], title: str) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append([neutralize(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([neutralize(v) for v in row])
    percent = {i for i, h in enumerate(header) if str(h).startswith("%")}
    for row in sheet.iter_rows(min_row=2):
        for i, cell in enumerate(row):
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula
            elif isinstance(cell.value, float):  # shown as a reader expects, stored in full
                cell.number_format = "0.0%" if i in percent else "0.000"
    sheet.freeze_panes = "A2"
    book.save(path)
