"""RE-AIM results as document tables (one per dimension) and as files: ``summary.json``,
each dimension's table in any of the writers' formats, and the figures (:mod:`.figures`)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from post_coder.errors import InputError
from post_coder.export.document import Column, Document, Figure, Row, Table
from post_coder.export.numbers import n_percent
from post_coder.export.reaim.spec import DIMENSIONS, Spec
from post_coder.export.tables import write_table
from post_coder.export.writers import write_document
from post_coder.files import written_whole
from post_coder.team.review import unresolved_note

__all__ = ["HEADINGS", "SUMMARY_JSON", "reaim_blocks", "reaim_tables", "value_text",
           "write_summary", "write_summary_json"]

#: the columns of every dimension's table
HEADINGS = ("Measure", "n (%) / value", "Denominator", "Note")
COLUMNS = (Column(HEADINGS[0]), Column(HEADINGS[1]), Column(HEADINGS[2], "count"),
           Column(HEADINGS[3]))
SUMMARY_JSON = "summary.json"


def _number(value: Any, decimals: int | None = None) -> str:
    if value is None:
        return "—"
    if decimals is not None and isinstance(value, (int, float)):
        return f"{value:.{decimals}f}"
    return str(value)


def _n_pct(entry: dict[str, Any], decimals: int) -> str:
    return n_percent(entry["n"], entry["denominator"], decimals)


def value_text(r: dict[str, Any]) -> str:
    """The measure's headline as a table prints it ("75 (29.4%)", "mean 68.0 (SD 40.1)…")."""
    d, kind = r["decimals"], r["kind"]
    if kind in ("proportion", "retention", "coded"):
        return _n_pct(r, d)
    if kind == "count":
        return str(r["n"]) if not r["filter_missing"] and r["n"] == r["denominator"] \
            else _n_pct(r, d)
    if kind == "distribution":
        top = r.get("top_box")
        return (f"n = {r['n']}; top-{len(top['levels'])}-box {_n_pct(top, d)}" if top
                else f"n = {r['n']}")
    if kind == "multi_select":
        return f"base {r['n']}"
    if kind == "numeric":
        if not r["n"]:
            return "no values"
        sd = f" (SD {_number(r['sd'], d)})" if r["sd"] is not None else ""
        return (f"mean {_number(r['mean'], d)}{sd}; median {_number(r['median'])}; "
                f"range {_number(r['min'])}–{_number(r['max'])}")
    if kind == "events":
        if not r["periods"]:
            return "no events"
        unit = r["period"]
        return (f"{r['n']} in {len(r['periods'])} {unit}s; mean {_number(r['mean'], d)} per "
                f"{unit} (median {_number(r['median'])}, range {_number(r['min'])}–"
                f"{_number(r['max'])})")
    raise AssertionError(kind)


def _notes(r: dict[str, Any]) -> str:
    parts = []
    if r["kind"] == "numeric" or r["missing"]:
        if r["missing"] or r["kind"] == "numeric":
            parts.append(f"{r['missing']} missing")
    if r["filter_missing"]:
        parts.append(f"{r['filter_missing']} left out: a filter column was blank")
    zero = r.get("zero_groups") or []
    if zero:
        parts.append(f"{len(zero)} with none: " + ", ".join(zero))
    undeclared = [e["label"] for e in r["groups"] + r["levels"] if not e.get("declared", True)]
    if undeclared:
        parts.append("not in the declared list: " + ", ".join(undeclared))
    if r.get("outside"):
        parts.append(f"{r['outside']} outside {r['start']} to {r['end']}")
    if r["kind"] == "coded":
        parts.append(f"source: {r['source']}")
        if r.get("unresolved"):
            parts.append(unresolved_note(r["unresolved"]))
    if r["kind"] == "multi_select":
        parts.append("base: " + ("respondents who ticked an option" if r["base"] == "answered"
                                 else "every row the filter keeps"))
    if r["note"]:
        parts.append(r["note"])
    return "; ".join(parts)


def _rows(r: dict[str, Any]) -> list[Row]:
    d = r["decimals"]
    denominator = {"numeric": r["n"], "events": None}.get(r["kind"], r["denominator"])
    rows = [Row((r["label"], value_text(r), denominator, _notes(r)))]
    for entry in r["groups"] + r["levels"]:
        rows.append(Row((entry["label"], _n_pct(entry, d), entry["denominator"], ""),
                        kind="indented"))
    if r.get("top_box"):
        rows.append(Row((r["top_box"]["label"], _n_pct(r["top_box"], d),
                         r["top_box"]["denominator"], ""), kind="indented"))
    for year in r.get("years") or ():
        unit = r["period"] + ("" if year["periods"] == 1 else "s")
        rows.append(Row((f"Year {year['label']}", f"{year['n']} ({_number(year['mean'], d)} "
                         f"per {r['period']})", None, f"{year['periods']} {unit}"),
                        kind="indented"))
    return rows


def reaim_tables(results: Sequence[dict[str, Any]], spec: Spec | None = None) -> list[Table]:
    """One table per RE-AIM dimension that has measures ("Measure | n (%) / value |
    Denominator | Note"; groups, levels and study years as indented rows under their
    measure), then the PRISM context notes when the spec has some."""
    tables = []
    for dimension in DIMENSIONS:
        mine = [r for r in results if r["dimension"] == dimension]
        if not mine:
            continue
        rows = [row for r in mine for row in _rows(r)]
        tables.append(Table(f"{dimension}: RE-AIM measures", COLUMNS, tuple(rows),
                            ("Percentages are of the denominator shown, rounded half away "
                             "from zero.",), name=dimension.lower()))
    if spec is not None and spec.context:
        tables.append(Table.plain("PRISM context", ("Factor", "Note"),
                                  [list(c) for c in spec.context], name="context"))
    return tables


def _plain_rows(table: Table) -> list[list[Any]]:
    return [[("    " + str(row.cells[0])) if row.kind == "indented" else row.cells[0],
             *row.cells[1:]] for row in table.rows]


def write_summary_json(results: Sequence[dict[str, Any]], path: str | Path,
                       spec: Spec | None = None) -> Path:
    """``summary.json``: ``{"title", "measures": [...]}``, whole or not at all."""
    path = Path(path)
    body = {"title": spec.title if spec else "RE-AIM summary", "measures": list(results)}
    with written_whole(path, "summary") as tmp:
        tmp.write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def reaim_blocks(results: Sequence[dict[str, Any]], spec: Spec | None, folder: str | Path,
                 *, figures: bool = True) -> tuple[list[Table | Figure], list[Path]]:
    """The RE-AIM part of a document: each dimension's table followed by its figures
    (drawn into ``folder``; see :mod:`.figures`), then the PRISM context notes. Also the
    figure files written (PNG, SVG, PDF of each)."""
    from post_coder.export.reaim.figures import reaim_figures

    drawn = reaim_figures(results, spec, folder) if figures and spec is not None else {}
    by_name = {dimension.lower(): figs for dimension, figs in drawn.items()}
    blocks: list[Table | Figure] = []
    for table in reaim_tables(results, spec):
        blocks.append(table)
        blocks += by_name.get(table.name or "", [])
    files = [f.image.with_suffix(f".{fmt}") for figs in drawn.values() for f in figs
             for fmt in ("png", "svg", "pdf")]
    return blocks, files


def write_summary(results: Sequence[dict[str, Any]], out: str | Path, spec: Spec | None = None,
                  *, formats: Sequence[str] = ("csv", "md"), figures: bool = True
                  ) -> list[Path]:
    """Write ``summary.json``, the figures (``fig-reach-….png/.svg/.pdf``, with ``spec``)
    and every dimension's table (``reaim-reach.csv``, ``reaim-reach.docx``…) into the
    folder ``out`` (made when missing); the paths written, in order. CSV and Markdown hold
    the table; DOCX, LaTeX and HTML the table and the dimension's figures; XLSX one sheet."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError("this is a file, not a folder", file=out)
    out.mkdir(parents=True, exist_ok=True)
    written = [write_summary_json(results, out / SUMMARY_JSON, spec)]
    blocks, figure_files = reaim_blocks(results, spec, out, figures=figures)
    written += figure_files
    parts: list[tuple[Table, list[Figure]]] = []
    for block in blocks:
        if isinstance(block, Table):
            parts.append((block, []))
        else:
            parts[-1][1].append(block)
    for table, figs in parts:
        stem = re.sub(r"[^a-z0-9]+", "-", (table.name or table.caption).lower()).strip("-")
        for fmt in formats:
            target = out / f"reaim-{stem}.{fmt}"
            if fmt in ("csv", "md"):
                written.append(write_table(target, [c.heading for c in table.columns],
                                           _plain_rows(table), fmt, title=table.caption))
            else:
                title = spec.title if spec is not None else "RE-AIM summary"
                written += write_document(Document(title, [table, *figs]), target, fmt)
    return written
