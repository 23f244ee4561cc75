"""Codebooks as CSV files: bring in a starter codebook, hand one out.

Columns: ``name, parent, definition, inclusion, exclusion, example, color`` (only ``name``
is required). A parent is named by its code name and may appear later in the file.
"""

from __future__ import annotations

import csv
from pathlib import Path

from post_coder.changes import Changes
from post_coder.coding._common import read_csv_table
from post_coder.coding.codebook import add_code, list_codes
from post_coder.files import written_whole
from post_coder.errors import InputError, PostCoderError
from post_coder.project import Project
from post_coder.store import codes as store

COLUMNS = ("name", "parent", "definition", "inclusion", "exclusion", "example", "color")


def import_codebook_csv(project: Project, path: str | Path) -> Changes:
    """Add every code in the CSV (one action). Names already in the codebook are an error."""
    path = Path(path)
    rows = _read(path)
    names = {r["name"].lower(): i for i, r in rows}
    with project.transact("Import codebook") as step:
        done: dict[str, str] = {}

        def add(i: int, row: dict[str, str], seen: tuple[str, ...] = ()) -> str:
            key = row["name"].lower()
            if key in done:
                return done[key]
            parent_name = row.get("parent", "").strip()
            parent_id = None
            if parent_name:
                if parent_name.lower() in seen + (key,):
                    raise InputError(f'"{row["name"]}" is inside itself through its parents',
                                     file=path, row=i, column="parent")
                if parent_name.lower() in names:
                    j = names[parent_name.lower()]
                    parent_id = add(j, dict(rows)[j], seen + (key,))
                else:
                    existing = store.by_name(project.db, parent_name)
                    if existing is None:
                        raise InputError(f'the parent code "{parent_name}" is neither in the '
                                         "file nor in the codebook", file=path, row=i,
                                         column="parent")
                    parent_id = existing.id
            try:
                done[key] = add_code(
                    project, row["name"], parent=parent_id,
                    **{k: row.get(k, "") for k in ("definition", "inclusion", "exclusion",
                                                    "example")},
                    color=row.get("color") or None).new_id
            except PostCoderError as exc:
                raise InputError(exc.message, file=path, row=i, column="name") from exc
            return done[key]

        for i, row in rows:
            add(i, row)
    return step.changes


def _read(path: Path) -> list[tuple[int, dict[str, str]]]:
    rows = read_csv_table(path, ("name",), "codebook file")
    seen: dict[str, int] = {}
    for i, row in rows:
        if not row.get("name"):
            raise InputError("the code name is empty", file=path, row=i, column="name")
        key = row["name"].lower()
        if key in seen:
            raise InputError(f'the code "{row["name"]}" is listed twice (also row {seen[key]})',
                             file=path, row=i, column="name")
        seen[key] = i
    if not rows:
        raise InputError("the codebook file has no codes", file=path)
    return rows


def export_codebook_csv(project: Project, path: str | Path) -> int:
    """Write the active codebook to a CSV (UTF-8 with BOM, so Excel reads it). Returns rows."""
    codes = list_codes(project)
    by_id = {c.id: c.name for c in codes}
    path = Path(path)
    with written_whole(path, "codebook") as partial:
        with open(partial, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(COLUMNS)
            for c in codes:
                writer.writerow([c.name, by_id.get(c.parent_id or "", ""), c.definition,
                                 c.inclusion, c.exclusion, c.example, c.color])
    return len(codes)
