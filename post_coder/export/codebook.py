"""The codebook as a publication table: each code with its definition, inclusion and
exclusion criteria and example, sub-codes indented under their parent (codebook order).

With ``counts=True`` a column says how many respondents each code reaches, counted from
the codings the reader may see (during an open blind round, a coder's own). Retired and
merged codes are left out unless ``include_inactive`` (then a Status column says which).
"""

from __future__ import annotations

from pathlib import Path

from post_coder.coding.codebook import list_codes, tree_order
from post_coder.export.document import Column, Document, Row, Table
from post_coder.export.writers import write_document
from post_coder.project import Project
from post_coder.queries import ReadScope, codebook_table

__all__ = ["codebook_document", "codebook_table_block", "write_codebook"]


def codebook_table_block(project: Project, scope: ReadScope, *, counts: bool = False,
                         include_inactive: bool = False) -> Table:
    """The codebook as a :class:`Table`: Code, Definition, Include when, Exclude when,
    Example (then Respondents with ``counts``, Status with ``include_inactive``)."""
    codes = list_codes(project, include_inactive=include_inactive)
    reached = ({c["id"]: c["respondents"] for c in codebook_table(
        project, scope, include_inactive=include_inactive)} if counts else {})
    columns = [Column("Code"), Column("Definition"), Column("Include when"),
               Column("Exclude when"), Column("Example")]
    if counts:
        columns.append(Column("Respondents", "count"))
    if include_inactive:
        columns.append(Column("Status"))
    rows = []
    for code, depth in tree_order(codes, orphans_last=True):
        cells: list[object] = [code.name, code.definition, code.inclusion, code.exclusion,
                               code.example]
        if counts:
            cells.append(reached.get(code.id, 0))
        if include_inactive:
            cells.append(code.status)
        rows.append(Row(tuple(cells), "indented" if depth else "data"))
    notes = []
    if any(depth for _, depth in tree_order(codes)):
        notes.append("Sub-codes are indented under the code they belong to.")
    if counts:
        notes.append("Respondents: how many respondents have the code in at least one "
                     "answer" + (" (your own codings: the round is blind)."
                                 if scope.blind else ", by any coder."))
    n = len(codes)
    return Table(f"Codebook of {project.name} ({n} code{'' if n == 1 else 's'})",
                 tuple(columns), tuple(rows), tuple(notes), name="Codebook")


def codebook_document(project: Project, scope: ReadScope, **options: bool) -> Document:
    return Document(f"Codebook: {project.name}",
                    [codebook_table_block(project, scope, **options)])


def write_codebook(project: Project, scope: ReadScope, path: str | Path,
                   fmt: str | None = None, **options: bool) -> list[Path]:
    """Write the codebook to ``path`` in any export format (default: its suffix)."""
    return write_document(codebook_document(project, scope, **options), path, fmt)
