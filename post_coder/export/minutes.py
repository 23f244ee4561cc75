"""The minutes of a round's discrepancy review (:func:`post_coder.team.review.review_minutes`)
as a table for the methods section, in any export format (Word, a spreadsheet, …).

Review needs everyone's codings, so the minutes do too: a blind reader is refused.
"""

from __future__ import annotations

from pathlib import Path

from post_coder.export.document import Document, Table
from post_coder.export.writers import write_document
from post_coder.project import Project
from post_coder.queries import ReadScope
from post_coder.team.agreement_report import check_visible
from post_coder.team.review import MINUTES_COLUMNS, MinutesRow, review_minutes
from post_coder.team.rounds import find_round

__all__ = ["MINUTES_HEADINGS", "minutes_block", "minutes_document", "write_minutes"]

#: the column headings, in :data:`MINUTES_COLUMNS` order ("Decided at", …)
MINUTES_HEADINGS = tuple(c.replace("_", " ").capitalize() for c in MINUTES_COLUMNS)


def minutes_block(round_name: str, rows: list[MinutesRow]) -> Table:
    n = len(rows)
    return Table.plain(f"Decisions of the discrepancy-review sessions of {round_name} "
                       f"({n} decision{'' if n == 1 else 's'}).", MINUTES_HEADINGS,
                       [r.values() for r in rows], name="Minutes")


def minutes_document(project: Project, scope: ReadScope, round: str) -> Document:
    """The minutes of ``round`` (name or id) as a document."""
    check_visible(project, scope)
    r = find_round(project, round)
    return Document(f"Discrepancy review minutes: {r.name}",
                    [minutes_block(r.name, review_minutes(project, r.id))])


def write_minutes(project: Project, scope: ReadScope, round: str, path: str | Path,
                  fmt: str | None = None) -> int:
    """Write the round's minutes to ``path`` (any export format; default: its suffix),
    whole or not at all. Returns the number of decisions."""
    document = minutes_document(project, scope, round)
    write_document(document, path, fmt)
    return len(document.tables()[0].rows)
