"""A new measure drafted from a column: the kind its type suggests, a label from its short
label, a free id. The app's spec editor adds measures this way ("a measure from a column in
a few clicks"); the draft is a plain spec table, checked like any other."""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from post_coder.export.reaim.data import ColumnInfo

__all__ = ["draft_measure", "suggested_kinds"]

#: column kind → the measure kind it suggests first
_SUGGESTED = {"ordinal": "distribution", "categorical": "distribution",
              "multi_select": "multi_select", "numeric": "numeric", "date": "events"}


def suggested_kinds(column_kind: str) -> list[str]:
    """The measure kinds that fit a column of this kind, the suggested one first; "count"
    (rows with a value, or rows per category) fits every column."""
    first = _SUGGESTED.get(column_kind)
    return [first, "count"] if first else ["count"]


def _free_id(name: str, taken: Collection[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:30].strip("_") or "measure"
    if not base[0].isalpha():
        base = "m_" + base
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}_{number}", number + 1
    return candidate


def draft_measure(dataset: str, column: ColumnInfo, kind: str | None = None, *,
                  label: str | None = None, taken: Collection[str] = ()) -> dict[str, Any]:
    """A measure of ``column`` of ``dataset`` as a spec table: ``kind`` (default: the one
    the column suggests), ``label`` (default: the column's short label), an id made from
    the column's name that no measure in ``taken`` has.

    distribution, multi_select and numeric read the column; events count its dates per
    month; count counts rows per category of a categorical column, or the rows where the
    column has a value."""
    kind = kind or suggested_kinds(column.kind)[0]
    entry: dict[str, Any] = {"id": _free_id(column.name, taken),
                             "label": (label if label is not None else column.shown).strip(),
                             "kind": kind, "dataset": dataset}
    if kind in ("distribution", "multi_select", "numeric"):
        entry["column"] = column.name
    elif kind == "events":
        entry.update(date=column.name, period="month")
    elif kind == "count":
        if column.kind in ("categorical", "ordinal"):
            entry["group_by"] = column.name
        else:
            entry["filter"] = [{"column": column.name, "op": "not missing"}]
    else:
        raise ValueError(f"a measure of kind {kind!r} is not drafted from a column")
    return entry
