"""The response × code matrix for mixed-methods analysis: one row per response, its
respondent's attributes, and a 0/1 column per code.

>>> from post_coder.project import Project
>>> from post_coder.export.matrix import code_matrix
>>> from post_coder.queries import ReadScope
>>> with Project.open("study.postcoder") as p:                        # doctest: +SKIP
...     df = code_matrix(p, ReadScope.everyone(), source="union", question="feedback")
>>> df.groupby("dept")["Peer support"].mean()                         # doctest: +SKIP

Whose codings count (``source``), the same words as the theme tables:

- ``"consensus"`` (the default): the consensus layer, what the team's review sessions
  decided applies and, where nothing was decided, the codes every coder who marked the
  response done applied (:func:`post_coder.team.review.consensus_codings`); disagreements
  nobody has resolved yet are left out, and the source's description says how many;
- ``"union"``: a code applies when any coder the reader may see applied it;
- ``"coder:NAME"``: one coder's codings.

Reads go through the read scope like every view: during an open blind round a coder's
matrix holds only their own codings (``union``), another coder's are refused, and the
consensus layer, which needs everyone's codings, is refused too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from post_coder.coding.codebook import descendants, list_codes, tree_order
from post_coder.coding.coders import find_coder
from post_coder.coding.codings import list_codings
from post_coder.errors import ConflictError, InputError
from post_coder.export.tables import write_table
from post_coder.project import Project
from post_coder.queries import (ReadScope, ResponseQuery, dataset_frame, find_question,
                                questions, response_ids, response_rows)
from post_coder.team.review import consensus_codings, unresolved_count, unresolved_note

__all__ = ["SOURCES", "Source", "applied_codes", "code_matrix", "parse_source",
           "write_matrix"]

#: the sources a person can name (besides "coder:NAME")
SOURCES = ("consensus", "union")


@dataclass(frozen=True)
class Source:
    """Whose codings count: ``kind`` "consensus", "union" or "coder" (with the coder's id
    and name)."""

    kind: str
    coder_id: str | None = None
    coder_name: str | None = None

    def describe(self) -> str:
        """How a table's note says it: "the consensus layer (review decisions)"…"""
        if self.kind == "consensus":
            return ("the consensus layer (review decisions; where there is none, the codes "
                    "all coders who read the response applied, or its only coder applied)")
        if self.kind == "union":
            return "the union of the coders' codings (a code applies if any coder applied it)"
        return f"{self.coder_name}'s codings"


def parse_source(project: Project, scope: ReadScope, source: str) -> Source:
    """``"consensus"``, ``"union"`` or ``"coder:NAME"`` as a :class:`Source`, checked
    against what ``scope`` may see; a plain error otherwise."""
    text = (source or "").strip()
    kind, _, name = text.partition(":")
    kind = kind.strip().lower()
    if kind == "consensus" and not name:
        if scope.blind:
            raise ConflictError("the consensus layer is hidden during an open blind round "
                                "(each coder sees only their own codings); choose the "
                                "source union for your own codings")
        return Source("consensus")
    if kind == "union" and not name:
        return Source("union")
    if kind == "coder" and name.strip():
        coder = find_coder(project, name.strip())
        if not scope.sees(coder.id):
            raise ConflictError(f"{coder.name}'s codings are hidden from you during an open "
                                "blind round; you can export your own")
        return Source("coder", coder.id, coder.name)
    raise InputError(f'choose the source consensus, union or coder:NAME, not "{source}"')


def applied_codes(project: Project, scope: ReadScope, source: Source,
                  question_ids: Sequence[str] | None = None) -> dict[str, set[str]]:
    """Response id → the ids of the codes that apply to it under ``source`` (responses
    with none are left out), over ``question_ids`` (default: every question)."""
    out: dict[str, set[str]] = {}
    if source.kind == "consensus":
        by_name = {c.name.casefold(): c.id for c in list_codes(project)}
        for c in consensus_codings(project, scope, questions=list(question_ids)
                                   if question_ids else None):
            code_id = by_name.get(c.code.casefold())
            if code_id is not None:
                out.setdefault(c.response_id, set()).add(code_id)
        return out
    coders = [source.coder_id] if source.kind == "coder" and source.coder_id else None
    for row in list_codings(project, scope, coders=coders,
                            questions=list(question_ids) if question_ids else None):
        out.setdefault(row.response_id, set()).add(row.code_id)
    return out


def _ones(rows: Sequence[Any], codes: Sequence[Any], applied: dict[str, set[str]],
          roll_up: bool) -> Any:
    """The matrix's code columns: a 0/1 array (int64) of ``rows`` × ``codes``, set where a
    code applies (with ``roll_up``, also where one of its sub-codes does), filled from the
    codes that apply rather than cell by cell (100,000 answers × 200 codes: 20 million)."""
    import numpy as np

    position = {r.id: i for i, r in enumerate(rows)}
    column = {c.id: j for j, c in enumerate(codes)}
    cells = [(i, column[code]) for response, applied_codes_ in applied.items()
             if (i := position.get(response)) is not None
             for code in applied_codes_ if code in column]
    ones = np.zeros((len(rows), len(codes)), dtype=np.int64)
    if cells:
        at = np.array(cells, dtype=np.int64)
        ones[at[:, 0], at[:, 1]] = 1
    if roll_up:  # (a sub-code's column rolled up already holds only codes of this branch)
        for j, code in enumerate(codes):
            below = [column[d] for d in descendants(codes, code.id) if d in column]
            if below:
                ones[:, j] = ones[:, [j, *below]].max(axis=1)
    return ones


def code_matrix(project: Project, scope: ReadScope, *, source: str = "consensus",
                question: str | None = None, roll_up: bool = False,
                text: bool = False) -> Any:
    """The response × code matrix as a pandas DataFrame.

    One row per stored response (an answer to an open-ended question; blanks and
    non-answers are not responses), in file order, question by question within a
    respondent. Columns: ``respondent`` (their id in the survey), ``question`` (its column
    name), ``text`` (the answer, with ``text=True``), then the respondent's attributes
    (typed as in :func:`post_coder.queries.dataset_frame`: numbers, dates, ordered levels,
    multi-select lists), then one column per active code in codebook order (each sub-code after its
    code), named after the code: 1 when the code applies to the response, else 0. A code named like an
    attribute gets " (code)" after its name.

    ``source``: "consensus" (default), "union" or "coder:NAME" (see the module).
    ``question``: only the answers to this question (column name or wording).
    ``roll_up``: a code's column is also 1 where one of its sub-codes applies.
    ``df.attrs`` holds ``source`` (its description; for the consensus layer with how many
    unresolved disagreements are left out), ``unresolved`` (that number; None for other
    sources), ``question``, ``codes`` (the code columns' names) and ``empty`` (True when
    no code applies anywhere: say so, a matrix of zeros is easy to misread).
    """
    import pandas as pd

    chosen = parse_source(project, scope, source)
    question_ids = [find_question(project, question)] if question else None
    ids = response_ids(project, scope, ResponseQuery(
        question_ids=tuple(question_ids) if question_ids else None))
    rows = response_rows(project, scope, ids)
    applied = applied_codes(project, scope, chosen, question_ids)
    codes = [c for c, _ in tree_order(list_codes(project))]
    dataset_of = {q.id: q.dataset_id for q in questions(project)}
    base = pd.DataFrame({"respondent": [r.respondent for r in rows],
                         "question": [r.question for r in rows]})
    if text:
        base["text"] = [r.text for r in rows]
    parts = []
    for dataset in dict.fromkeys(dataset_of[r.question_id] for r in rows):
        positions = [i for i, r in enumerate(rows) if dataset_of[r.question_id] == dataset]
        part = dataset_frame(project, dataset).reindex([rows[i].respondent for i in positions])
        part.index = pd.Index(positions)
        parts.append(part)
    attributes = (pd.concat(parts).sort_index() if len(parts) > 1 else parts[0]) if parts \
        else pd.DataFrame(index=pd.RangeIndex(0))
    attributes = attributes.reset_index(drop=True)
    taken = {str(n).casefold() for n in [*base.columns, *attributes.columns]}
    names: list[str] = []
    for code in codes:
        column = code.name if code.name.casefold() not in taken else f"{code.name} (code)"
        taken.add(column.casefold())
        names.append(column)
    ones = _ones(rows, codes, applied, roll_up)
    frame = pd.concat([base, attributes, pd.DataFrame(ones, index=base.index, columns=names)],
                      axis=1)
    left_out = None
    if chosen.kind == "consensus":
        left_out = unresolved_count(project, scope, questions=question_ids)
    frame.attrs["source"] = "; ".join(filter(None, (chosen.describe(),
                                                     unresolved_note(left_out or 0))))
    frame.attrs["unresolved"] = left_out
    frame.attrs["question"] = question
    frame.attrs["codes"] = names
    frame.attrs["empty"] = not ones.any()
    return frame


def _plain(value: Any) -> Any:
    """A DataFrame cell as a spreadsheet cell: numbers (whole ones as integers), dates as
    ISO text, multi-select lists joined with "; ", missing as empty."""
    import pandas as pd

    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    if value is None or pd.isna(value):  # None, NaN, NaT, pandas' NA
        return None
    if isinstance(value, (datetime, date)):
        return value.date().isoformat() if isinstance(value, datetime) and not (
            value.hour or value.minute or value.second) else value.isoformat()
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def write_matrix(project: Project, scope: ReadScope, path: str | Path,
                 fmt: str | None = None, **options: Any) -> tuple[Path, Any]:
    """Write :func:`code_matrix` (``options``: its keyword arguments) to ``path`` as CSV
    or XLSX (``fmt``, default: the suffix), whole or not at all; text neutralized so no
    cell runs as a formula. Returns the path and the DataFrame."""
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in ("csv", "xlsx"):
        raise InputError(f'write the matrix as csv or xlsx, not "{fmt or path.name}"',
                         file=path)
    frame = code_matrix(project, scope, **options)
    rows = [[_plain(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    write_table(path, [str(c) for c in frame.columns], rows, fmt, title="Matrix")
    return path, frame
