"""Tables of the Team ▸ Agreement window: the per-code report, disagreements, convergence.

Each model only says what a cell shows; the numbers and the reasons come from the core
(:mod:`post_coder.team.agreement_report`). A coefficient that is not defined shows
:data:`NOT_DEFINED` with the core's reason as its tooltip; a flagged code shows its flag
as text *and* as a tinted cell (colour alone would leave out colour-blind readers and
printouts).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from post_coder.team.agreement_report import Disagreement
from post_coder.ui.models import ReadOnlyTableModel

NOT_DEFINED = "n/d"
#: the flags' tints (light, so the dark text stays readable)
LOW_COLOR = QColor("#f6c9c9")
TENTATIVE_COLOR = QColor("#fbe3a6")
#: the report's columns after Code and Units (Cohen's kappa per pair comes after % agreement)
HEAD = ("krippendorff_alpha", "alpha_ci", "percent_agreement")
TAIL = ("fleiss_kappa", "conger_kappa", "scott_pi", "gwet_ac1", "brennan_prediger", "flag")
HEADINGS = {"value": "Value", "code": "Code", "units": "Units", "krippendorff_alpha": "α",
            "alpha_ci": "α 95% CI", "percent_agreement": "% agreement",
            "fleiss_kappa": "Fleiss κ", "conger_kappa": "Conger κ", "scott_pi": "Scott π",
            "gwet_ac1": "Gwet AC1", "brennan_prediger": "Brennan–Prediger", "flag": "Flag"}
HEADING_TIPS = {
    "units": "Responses that two or more of the coders marked done",
    "krippendorff_alpha": "Krippendorff's alpha (nominal); n/d: not defined, hover for why",
    "alpha_ci": "95% bootstrap confidence interval of alpha (1,000 resamples of responses)",
    "percent_agreement": "Share of agreeing coder pairs per response, averaged",
    "fleiss_kappa": "Fleiss' kappa", "conger_kappa": "Conger's kappa", "scott_pi": "Scott's pi",
    "gwet_ac1": "Gwet's AC1", "brennan_prediger": "Brennan and Prediger's kappa",
    "flag": "Low: alpha below the lower threshold; tentative: below the upper one"}
#: role returning a code row's code id (None on the overall rows)
CodeIdRole = Qt.ItemDataRole.UserRole + 1
#: role returning a disagreement's response id
ResponseIdRole = Qt.ItemDataRole.UserRole + 2


def number(value: float | None, percent: bool = False) -> str:
    if value is None:
        return NOT_DEFINED
    text = f"{value:.1%}" if percent else f"{value:.3f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.%") else text  # no "-0.000"


def flag_text(flag: str | None, alpha: float | None, thresholds: tuple[float, float]) -> str:
    """What the Flag column says: the flag with the threshold it is below, or "OK"."""
    if alpha is None:
        return NOT_DEFINED
    if flag == "low":
        return f"Low (α < {thresholds[0]:.3f})"
    if flag == "tentative":
        return f"Tentative (α < {thresholds[1]:.3f})"
    return "OK"


@dataclass(frozen=True)
class AgreementRow:
    """One line of the table: a code (``entry`` is the report's code dict), or the
    report's overall figures (``kind`` "pooled" or "mean", ``entry`` its ``overall``)."""

    kind: str
    entry: dict[str, Any]
    thresholds: tuple[float, float]
    value: str | None = None
    depth: int = 0


class AgreementModel(ReadOnlyTableModel[AgreementRow]):
    """The per-code report (one or several, for "split by attribute"): see the module
    docstring. Columns depend on the report's coder pairs."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.keys: list[str] = []
        self.pairs: list[str] = []
        self.HEADERS = ()  # type: ignore[misc]

    def set_reports(self, reports: dict[str | None, dict[str, Any]],
                    depths: dict[str, int] | None = None) -> None:
        """``reports``: attribute value (None when not split) → ``AgreementReport.as_dict()``;
        ``depths``: code id → depth in the codebook tree (sub-codes are indented)."""
        split = any(v is not None for v in reports)
        pairs = list(dict.fromkeys(p for r in reports.values() for c in r["codes"]
                                   for p in c["pairs"]))
        rows: list[AgreementRow] = []
        for value, r in reports.items():
            thresholds = (float(r["thresholds"][0]), float(r["thresholds"][1]))
            for c in r["codes"]:
                rows.append(AgreementRow("code", c, thresholds, value,
                                         (depths or {}).get(c["code_id"], 0)))
            rows.append(AgreementRow("pooled", r["overall"], thresholds, value))
            rows.append(AgreementRow("mean", r["overall"], thresholds, value))
        self.beginResetModel()
        self.pairs = pairs
        self.keys = (["value"] if split else []) + ["code", "units", *HEAD] + [
            f"pair:{p}" for p in pairs] + list(TAIL)
        # the columns depend on the report: this model's headers are its own
        self.HEADERS = tuple(HEADINGS.get(k) or f"κ {k[5:]}"  # type: ignore[misc]
                             for k in self.keys)
        self.TIPS = {i: HEADING_TIPS.get(k)  # type: ignore[misc]
                     or f"Cohen's kappa of {k[5:].replace(' / ', ' and ')}"
                     for i, k in enumerate(self.keys) if k not in ("value", "code")}
        self._rows = rows
        self.endResetModel()

    def column_of(self, key: str) -> int:
        return self.keys.index(key)

    def row_of_code(self, name: str, value: str | None = None) -> int:
        return next((n for n, r in enumerate(self._rows) if r.kind == "code"
                     and r.entry["code"] == name and r.value == value), -1)

    def cell(self, r: AgreementRow, column: int, role: int) -> Any:
        key = self.keys[column]
        if role == CodeIdRole:
            return r.entry.get("code_id") if r.kind == "code" else None
        if role == Qt.ItemDataRole.FontRole and r.kind != "code":
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and key not in ("value", "code", "flag"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if r.kind != "code":
            return _overall_cell(r, key, role)
        if role == Qt.ItemDataRole.BackgroundRole and key in ("flag", "krippendorff_alpha"):
            color = {"low": LOW_COLOR, "tentative": TENTATIVE_COLOR}.get(r.entry["flag"])
            return QBrush(color) if color is not None else None
        if role == Qt.ItemDataRole.ForegroundRole and key in ("flag", "krippendorff_alpha") \
                and r.entry["flag"]:
            return QBrush(QColor("#202020"))
        if role == Qt.ItemDataRole.DisplayRole:
            return _code_text(r, key)
        if role == Qt.ItemDataRole.ToolTipRole:
            return _code_tip(r, key)
        return None


def _code_value(r: AgreementRow, key: str) -> Any:
    if key.startswith("pair:"):
        return r.entry["pairs"].get(key[5:])
    return r.entry.get(key)


def _code_text(r: AgreementRow, key: str) -> str:
    e = r.entry
    if key == "value":
        return r.value or ""
    if key == "code":
        return "    " * r.depth + e["code"]
    if key == "units":
        return f"{e['units']:,}"
    if key == "alpha_ci":
        ci = e["alpha_ci"]
        return NOT_DEFINED if ci is None else f"{ci[0]:.3f} – {ci[1]:.3f}"
    if key == "flag":
        return flag_text(e["flag"], e["krippendorff_alpha"], r.thresholds)
    return number(_code_value(r, key), percent=key == "percent_agreement")


def _code_tip(r: AgreementRow, key: str) -> str | None:
    e, notes = r.entry, r.entry["notes"]
    if key == "code":
        prevalence = ", ".join(f"{n} {p:.0%}" for n, p in e["prevalence"].items()
                               if p is not None)
        return f"{e['code']}: applied by {prevalence}" if prevalence else e["code"]
    if key == "alpha_ci" and e["alpha_ci"] is None:
        if e["krippendorff_alpha"] is None:
            return notes.get("krippendorff_alpha")
        return "no bootstrap interval was computed for this code"
    if key == "flag":
        if e["krippendorff_alpha"] is None:
            return "no alpha, so no flag: " + notes.get("krippendorff_alpha", "")
        low, high = r.thresholds
        return (f"alpha {e['krippendorff_alpha']:.3f}; low below {low:.3f}, tentative "
                f"below {high:.3f}")
    if key.startswith("pair:") and _code_value(r, key) is None:
        return notes.get(f"cohen_kappa {key[5:]}")
    if key in notes and _code_value(r, key) is None:
        return notes[key]
    return None


def _overall_cell(r: AgreementRow, key: str, role: int) -> Any:
    o = r.entry
    field = "pooled_alpha" if r.kind == "pooled" else "mean_alpha"
    if role == Qt.ItemDataRole.DisplayRole:
        if key == "value":
            return r.value or ""
        if key == "code":
            return ("Overall (pooled)" if r.kind == "pooled" else
                    f"Mean over {o['codes_with_alpha']} code"
                    f"{'s' if o['codes_with_alpha'] != 1 else ''}")
        if key == "units":
            return f"{o['units']:,}"
        if key == "krippendorff_alpha":
            return number(o[field])
        return ""
    if role == Qt.ItemDataRole.ToolTipRole:
        if key == "code":
            return ("Alpha over every response × code at once" if r.kind == "pooled" else
                    "The mean of the codes' alphas that are defined")
        if key == "krippendorff_alpha" and o[field] is None:
            return o["notes"].get(field)
    return None


# -- disagreements ---------------------------------------------------------------------------

RESPONDENT, QUESTION, CODE, APPLIED, NOT_APPLIED, STATUS, TEXT = range(7)


def spans_text(spans: tuple[tuple[int, int] | None, ...]) -> str:
    parts = ["whole response" if s is None else f"characters {s[0]}–{s[1]}" for s in spans]
    return ", ".join(parts) or "whole response"


@dataclass(frozen=True)
class DisagreementRow:
    item: Disagreement
    text: str


class DisagreementModel(ReadOnlyTableModel[DisagreementRow]):
    """One row per disagreement (response × code where the coders differ)."""

    HEADERS = ("Respondent", "Question", "Code", "Applied by", "Not applied by", "Status",
               "Response")
    TIPS = {APPLIED: "Who applied the code, and to what (a span or the whole response)",
            NOT_APPLIED: "Who marked the response done without applying the code",
            STATUS: "Resolved once a review session has recorded a decision on it"}

    def response_id(self, row: int) -> str | None:
        r = self.row_at(row)
        return r.item.response_id if r else None

    def cell(self, r: DisagreementRow, column: int, role: int) -> Any:
        d = r.item
        if role == ResponseIdRole:
            return d.response_id
        if role == Qt.ItemDataRole.DisplayRole:
            if column == APPLIED:
                return "; ".join(f"{n} ({spans_text(s)})" for n, s in d.applied_by)
            return (d.respondent, d.question, d.code, "", ", ".join(d.not_applied_by),
                    d.status, " ".join(r.text.split()))[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == TEXT:
                return r.text
            if column == QUESTION:
                return d.question
            if column == APPLIED:
                return "\n".join(f"{n}: {spans_text(s)}" for n, s in d.applied_by)
        return None


class CountsModel(ReadOnlyTableModel[tuple[str, int]]):
    """Disagreements per code (every code compared, 0 included)."""

    HEADERS = ("Code", "Disagreements")

    def cell(self, r: tuple[str, int], column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return r[column] if column == 0 else f"{r[1]:,}"
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


# -- convergence -----------------------------------------------------------------------------

class ConvergenceModel(ReadOnlyTableModel[dict[str, Any]]):
    """Per round, its latest stored whole-round report (``convergence``'s rows): the overall
    alphas, then one column per code."""

    FIXED = ("Round", "Computed (UTC)", "Units", "Pooled α", "Mean α")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.codes: list[str] = []
        self.HEADERS = self.FIXED  # type: ignore[misc]

    def set_rows(self, rows: Any, order: Callable[[str], Any] | None = None) -> None:
        """``order``: a code name's sort key for the code columns (the codebook's order)."""
        rows = list(rows)
        self.codes = list(dict.fromkeys(c for r in rows for c in r["codes"]))
        if order is not None:
            self.codes.sort(key=order)
        self.HEADERS = self.FIXED + tuple(f"α {c}" for c in self.codes)  # type: ignore[misc]
        super().set_rows(rows)

    def cell(self, r: dict[str, Any], column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column == 0:
            return r["round"]
        if column == 1:
            return r["computed_at"][:16].replace("T", " ")
        if column == 2:
            return f"{r['units']:,}"
        if column == 3:
            return number(r["pooled_alpha"])
        if column == 4:
            return number(r["mean_alpha"])
        return number(r["codes"].get(self.codes[column - 5]))
