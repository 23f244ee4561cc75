"""Read-only questions about a project: which responses, what text, how often each code.

The UI's grid and the CLI's listings call these; filtering and sorting run in SQL. Every
read that involves codings or memos takes a :class:`ReadScope` (whose codings the reader
may see: :func:`post_coder.team.rounds.read_scope`, or ``ReadScope.everyone()``).
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any
from dataclasses import dataclass

from post_coder.errors import InputError, NotFoundError
from post_coder.project import Project
from post_coder.store import coders as coders_store
from post_coder.store import codes as codes_store
from post_coder.store import agreement as agreement_store
from post_coder.store import counts, surveys
from post_coder.store import done as done_store
from post_coder.store import responses as store
from post_coder.store.codes import Code
from post_coder.store.coders import Coder
from post_coder.store.codings import Coding, CodingRow
from post_coder.store.responses import (CodeCount, ParsedSearch, ResponseQuery, ResponseRow,
                                        SearchHit, SearchTerm, parse_search, to_match)
from post_coder.store.scope import ReadScope
from post_coder.store.surveys import DatasetInfo, QuestionInfo, VariableInfo, format_value

# The record types are re-exported: the fronts (ui/, cli) read through this module and the
# services, never from post_coder.store (an import-linter contract).
__all__ = [
    "Code", "CodeCount", "CodeFrequency", "Coder", "CoderMarks", "Coding", "CodingRow",
    "DatasetInfo", "code_counts_by_coder", "coder_marks", "coders_at_work",
    "ParsedSearch", "QuestionInfo", "ReadScope", "ResponseQuery", "ResponseRow", "SearchHit",
    "SearchTerm", "VariableInfo", "parse_search", "search_spans",
    "attribute_values", "code_frequencies", "count_responses", "datasets_with_sha256",
    "find_response", "format_value", "has_survey", "next_uncoded", "questions", "respondent_attributes", "response_ids",
    "response_rows", "search", "to_match", "variable_choices", "variables",
]


def response_ids(project: Project, scope: ReadScope, query: ResponseQuery = ResponseQuery(), *,
                 limit: int | None = None) -> list[str]:
    """Ids of the responses matching ``query``, in its sort order (the first ``limit``).
    Its coding criteria (coded, uncoded, codes, coders) see only ``scope``'s codings."""
    return store.ids(project.db, scope, query, limit=limit)


def count_responses(project: Project, scope: ReadScope,
                    query: ResponseQuery = ResponseQuery()) -> int:
    return store.count(project.db, scope, query)


def response_rows(project: Project, scope: ReadScope, ids: list[str], *,
                  coder_ids: tuple[str, ...] | None = None) -> list[ResponseRow]:
    """A page of rows for these ids (same order), with the codes ``scope`` sees applied to
    each (only those by ``coder_ids``, when given)."""
    return store.rows(project.db, scope, ids, coder_ids=coder_ids)


def next_uncoded(project: Project, scope: ReadScope, coder_id: str, ids: Sequence[str],
                 start: int, *, question_ids: tuple[str, ...] | None = None) -> int | None:
    """Where "Next uncoded response" goes: the position in ``ids`` (a view's list, in its
    order) of the first response at or after ``start``, wrapping round to the top, that
    ``coder_id`` has not coded; ``None`` when every one has their codes."""
    uncoded = set(store.ids(project.db, scope, ResponseQuery(
        question_ids=question_ids, coded=False, coder_ids=(coder_id,))))
    for position in [*range(start, len(ids)), *range(min(start, len(ids)))]:
        if ids[position] in uncoded:
            return position
    return None


@dataclass(frozen=True)
class CoderMarks:
    """One response as each coder left it: who marked it done, and the codes of each coder
    the read scope sees."""

    response_id: str
    #: ids of the coders who marked it done (a mark shows no codes, so it needs no scope)
    done: frozenset[str]
    #: coder id → names of the codes they applied, in codebook order (coders ``scope`` sees)
    codes: dict[str, tuple[str, ...]]
    #: coder id → ids of the *active* codes among them (what agreement compares)
    active: dict[str, frozenset[str]]

    def nothing_applies(self, coder_id: str) -> bool:
        """Whether the coder marked it done without applying any code (only meaningful for
        a coder the scope sees)."""
        return coder_id in self.done and not self.codes.get(coder_id)


def coder_marks(project: Project, scope: ReadScope, ids: Sequence[str]) -> dict[str, CoderMarks]:
    """Per response of ``ids`` (a page of a view): done marks and each visible coder's
    codes (the grid's per-coder view, its Done column and agreement marker)."""
    done: dict[str, set[str]] = {r: set() for r in ids}
    for response, coder in done_store.live_for_responses(project.db, ids):
        done.setdefault(response, set()).add(coder)
    names: dict[str, dict[str, list[str]]] = {r: {} for r in ids}
    active: dict[str, dict[str, set[str]]] = {r: {} for r in ids}
    for response, coder, code_id, name, status in store.coder_codes(project.db, scope, ids):
        names.setdefault(response, {}).setdefault(coder, []).append(name)
        if status == "active":
            active.setdefault(response, {}).setdefault(coder, set()).add(code_id)
    return {r: CoderMarks(r, frozenset(done.get(r, ())),
                          {c: tuple(v) for c, v in names.get(r, {}).items()},
                          {c: frozenset(v) for c, v in active.get(r, {}).items()})
            for r in ids}


def coders_at_work(project: Project, scope: ReadScope) -> list[Coder]:
    """The coders who have marked a response done or applied a code ``scope`` sees, by name
    (whose work a per-coder view shows)."""
    ids = set(agreement_store.coders_done_in_round(project.db, None))
    ids |= set(counts.codings_per_coder(project.db, scope))
    return [c for c in coders_store.list_(project.db) if c.id in ids]


def code_counts_by_coder(project: Project, scope: ReadScope,
                         coder_ids: Sequence[str]) -> dict[str, dict[str, CodeCount] | None]:
    """Coder id → (code id → that coder's counts, as :func:`codebook_table` counts them), for
    active codes; ``None`` for a coder whose codings ``scope`` hides (hidden, never 0)."""
    if not isinstance(scope, ReadScope):
        raise TypeError(f"reads of codings need a ReadScope, not {scope!r}")
    out: dict[str, dict[str, CodeCount] | None] = {}
    for coder in coder_ids:
        out[coder] = ({c.code_id: c for c in store.code_counts(project.db, scope,
                                                                coder_ids=(coder,))}
                      if scope.sees(coder) else None)
    return out


def search_spans(text: str, search: str | ParsedSearch | None) -> list[tuple[int, int]]:
    """Where a search's words and phrases occur in ``text``: sorted, non-overlapping
    (start, end) code-point spans, end exclusive, for highlighting hits. Reads the search
    with :func:`parse_search` (the grid's filter runs the same parse) and matches words as
    the full-text index does: case and accents ignored, punctuation separates words,
    ``prefix*`` matches word starts. An excluded term is never highlighted; a search with
    nothing to look for highlights nothing."""
    if not search or not text:
        return []
    if isinstance(search, str):
        try:
            search = parse_search(search)
        except InputError:
            return []
    words = _words(text)
    found: list[tuple[int, int]] = []
    for term in search.looked_for():
        wanted = [w for _, _, w in _words(term.text)]
        if not wanted:
            continue
        last = len(wanted) - 1
        for i in range(len(words) - last):
            if all(words[i + k][2] == wanted[k] for k in range(last)) and (
                    words[i + last][2].startswith(wanted[last]) if term.prefix
                    else words[i + last][2] == wanted[last]):
                found.append((words[i][0], words[i + last][1]))
    spans: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return spans


@lru_cache(maxsize=256)
def _words(text: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, folded word) of each word, split and folded as the index's unicode61
    tokenizer does (letters, digits and private-use characters make words; case and
    diacritics are dropped)."""
    out = []
    start = None
    for i, ch in enumerate(text + " "):
        category = unicodedata.category(ch)
        inside = category[0] in "LN" or category in ("Co", "Mn")
        if inside and start is None:
            start = i
        elif not inside and start is not None:
            out.append((start, i, _fold(text[start:i])))
            start = None
    return tuple(out)


def _fold(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word)
                   if unicodedata.category(c) != "Mn").casefold()


def search(project: Project, text: str, *, limit: int = 100,
           question_ids: tuple[str, ...] | None = None) -> list[SearchHit]:
    """Full-text search: words (all must appear), "phrases", prefix*, OR, -exclusions."""
    return store.search(project.db, text, limit=limit, question_ids=question_ids)


@dataclass(frozen=True)
class CodeFrequency:
    """How many respondents a code reaches, with a percentage of those who answered."""

    code: CodeCount
    percent: float
    percent_with_children: float
    denominator: int

    def as_dict(self) -> dict:
        return {**self.code.as_dict(), "percent": self.percent,
                "percent_with_children": self.percent_with_children,
                "denominator": self.denominator}


def code_frequencies(project: Project, scope: ReadScope, *,
                     question_ids: tuple[str, ...] | None = None,
                     coder_ids: tuple[str, ...] | None = None) -> list[CodeFrequency]:
    """Distinct respondents per active code (n and % of respondents who answered), from the
    codings ``scope`` sees (only those by ``coder_ids``, when given)."""
    counts = store.code_counts(project.db, scope, question_ids=question_ids,
                               coder_ids=coder_ids)
    denominator = store.respondents_answering(project.db, question_ids)

    def pct(n: int) -> float:
        return round(100.0 * n / denominator, 1) if denominator else 0.0

    return [CodeFrequency(c, pct(c.respondents), pct(c.respondents_with_children), denominator)
            for c in counts]


def codebook_table(project: Project, scope: ReadScope, *, include_inactive: bool = False,
                   with_counts: bool = True) -> list[dict]:
    """The codebook with counts: every code's fields plus ``respondents`` and ``codings``
    (counting the codings ``scope`` sees; all 0 with ``with_counts=False``, which is instant
    however many codings there are)."""
    found = ({c.code_id: c for c in store.code_counts(
        project.db, scope, include_inactive=include_inactive)}
        if with_counts else {})
    out = []
    for code in codes_store.list_(project.db, include_inactive=include_inactive):
        c = found.get(code.id)
        out.append({**code.as_dict(), "respondents": c.respondents if c else 0,
                    "codings": c.codings if c else 0,
                    "respondents_with_children": c.respondents_with_children if c else 0})
    return out


def find_question(project: Project, name: str) -> str:
    """The id of the open-ended question with this short label, column name or full text
    (any case); a plain error naming the questions there are, or every candidate when
    several match (the one lookup rule: ``--question``, the CSV files, the app)."""
    return store.find_question(project.db, name)


# -- the survey: questions, attributes, datasets ---------------------------------------------

def questions(project: Project) -> list[QuestionInfo]:
    return surveys.list_questions(project.db)


def has_survey(project: Project) -> bool:
    return surveys.has_questions(project.db)


def variables(project: Project) -> list[VariableInfo]:
    """Survey attribute variables (names, labels, types, levels; not counted: fast); a data
    table's columns are not among them (see :func:`dataset_frame`)."""
    return surveys.list_variables(project.db, counts=False, surveys_only=True)


def datasets_with_sha256(project: Project, sha256: str) -> list[DatasetInfo]:
    """Datasets imported from a file with these contents, earliest first."""
    return surveys.find_datasets_by_sha256(project.db, sha256)


def find_dataset(project: Project, dataset: str) -> DatasetInfo:
    """The dataset with this id or name; a plain error if there is none or several."""
    found = surveys.find_datasets(project.db, dataset)
    if not found:
        names = ", ".join(f'"{d.name}"' for d in surveys.list_datasets(project.db)) or "none"
        raise NotFoundError(f'there is no dataset "{dataset}" in this project; its datasets: '
                            f"{names}")
    if len({d.id for d in found}) > 1:
        raise NotFoundError(f'{len(found)} datasets are called "{dataset}"; give its id instead')
    return found[0]


def dataset_frame(project: Project, dataset: str) -> Any:
    """A dataset's rows (a data table's, or a survey's attributes) as a pandas DataFrame.

    One row per respondent / table row in file order, indexed by its id (``id``: the id
    column's values, or the row numbers when there was none). One column per variable, by
    name, typed: numbers as floats, dates as ``datetime64`` (a column with any value that is
    not a date stays text), ordinal levels as an ordered ``Categorical``, categorical ones as
    a ``Categorical``, multi-select answers as lists of options, text as text. A missing value
    is NaN/NaT/None (an empty list for multi-select).
    """
    import pandas as pd  # local: pandas is slow to import and only needed here

    info = find_dataset(project, dataset)
    db = project.db
    people = surveys.dataset_respondents(db, info.id)
    row_of = {pid: i for i, (pid, _, _) in enumerate(people)}
    variables = surveys.list_variables(db, info.id, counts=False)
    cells: dict[str, list[Any]] = {v.id: [None] * len(people) for v in variables}
    multi = {v.id for v in variables if v.type == "multi_select"}
    for variable_id, respondent_id, value in surveys.dataset_values(db, info.id):
        column, i = cells[variable_id], row_of[respondent_id]
        if variable_id in multi:
            column[i] = (column[i] or []) + [value]
        else:
            column[i] = value
    index = pd.Index([external for _, external, _ in people], name="id")
    data = {v.name: _typed(pd, v, cells[v.id], index) for v in variables}
    return pd.DataFrame(data, index=index)


def _typed(pd: Any, variable: VariableInfo, values: list[Any], index: Any) -> Any:
    kind = variable.type
    if kind == "numeric":
        return pd.Series(pd.to_numeric(pd.Series(values, dtype=object)).to_numpy(dtype=float),
                         index=index)
    if kind == "date":
        texts = pd.Series(values, dtype=object, index=index)
        dates = pd.to_datetime(texts, format="ISO8601", errors="coerce")
        return dates if dates.notna().sum() == texts.notna().sum() else texts
    if kind in ("ordinal", "categorical"):
        levels = list(variable.levels) or sorted({v for v in values if v is not None}, key=str)
        extra = sorted({v for v in values if v is not None and v not in levels}, key=str)
        return pd.Series(pd.Categorical(values, categories=levels + extra,
                                        ordered=kind == "ordinal"), index=index)
    if kind == "multi_select":
        order = {lv: i for i, lv in enumerate(variable.levels)}
        return pd.Series([sorted(v, key=lambda o: (order.get(o, len(order)), str(o)))
                          if v else [] for v in values], index=index, dtype=object)
    return pd.Series(values, index=index, dtype=object)


def variable_choices(project: Project, variable_id: str) -> list[str]:
    """The values a person can tick for a variable: its levels, else the values present."""
    for variable in variables(project):
        if variable.id == variable_id and variable.levels:
            return [str(v) for v in variable.levels]
    return [format_value(v) for v in surveys.variable_value_counts(project.db, variable_id)]


def attribute_values(project: Project, respondent_ids: Iterable[str],
                     variable_ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Respondent id → the values of ``variable_ids`` (as text), for one page of a table."""
    respondents = list(dict.fromkeys(respondent_ids))
    found = surveys.variable_values_for_many(project.db, respondents, list(variable_ids))
    levels = {v.id: {lv: i for i, lv in enumerate(v.levels)} for v in variables(project)}

    def text(respondent: str, variable: str) -> str:
        values = found.get((respondent, variable), [])
        order = levels.get(variable, {})
        values.sort(key=lambda v: (order.get(v, len(order)), str(v)))
        return format_value(values if len(values) > 1 else (values[0] if values else None))

    return {r: tuple(text(r, v) for v in variable_ids) for r in respondents}


def respondent_attributes(project: Project, respondent_id: str) -> list[tuple[str, str]]:
    """(label, value) pairs for one respondent, in variable order."""
    labels = {v.name: (v.label or v.name) for v in variables(project)}
    values = surveys.variable_values_for(project.db, respondent_id)
    return [(labels.get(name, name), format_value(value)) for name, value in values.items()]


@dataclass(frozen=True)
class ProjectSummary:
    """What a project holds, for ``post-coder info`` and the app's status bar."""

    name: str
    id: str
    path: str
    totals: dict[str, int]
    datasets: list[dict]
    questions: list[dict]
    coders: list[dict]

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)

    def describe(self) -> str:
        t = self.totals
        lines = [f"Project: {self.name}", f"File: {self.path}", ""]
        if not self.datasets:
            lines.append("No survey imported yet. Import one with: "
                         "post-coder import PROJECT FILE --dry-run")
        for d in self.datasets:
            if d["kind"] == "log":
                lines.append(f"Data table {d['name']} ({d['format']}): {d['respondents']} rows, "
                             f"{d['variables']} columns, no answers to code, imported "
                             f"{d['imported_at'][:16]}")
                continue
            lines.append(f"Dataset {d['name']} ({d['format']}, {d['platform'] or 'generic'}): "
                         f"{d['respondents']} respondents, imported {d['imported_at'][:16]}")
        for q in self.questions:
            shown = q["short_label"] or q["column_name"]
            lines.append(f"  Question {shown}: {q['responses']} responses "
                         f"({q['coded']} coded), {q['blank_count']} blank, "
                         f"{q['nonanswer_count']} non-answers")
            full = " ".join((q["wording"] or q["column_name"]).split())
            if full != shown:
                lines.append(f"    “{full}”")
        lines.append("")
        coders = ", ".join(f"{c['name']} ({c['initials']}, "
                           + ("codings hidden" if c["codings"] is None
                              else f"{c['codings']} codings") + ")"
                           for c in self.coders) or "none yet"
        lines.append(f"Coders: {coders}")
        lines.append(f"Codebook: {t['codes']} active codes; {t['codings']} codings; "
                     f"{t['memos']} memos")
        return "\n".join(lines)


def project_totals(project: Project, scope: ReadScope) -> dict[str, int]:
    """Headline counts (datasets, respondents, responses, coders, codes, and the codings
    and memos ``scope`` sees)."""
    return counts.totals(project.db, scope)


def more_codings_than(project: Project, scope: ReadScope, limit: int) -> bool:
    """Whether ``scope`` sees more than ``limit`` live codings (cheap: counts to limit + 1)."""
    return counts.more_codings_than(project.db, scope, limit)


def project_summary(project: Project, scope: ReadScope) -> ProjectSummary:
    """Datasets, questions, coders and totals; coded counts from the codings ``scope``
    sees."""
    db = project.db
    coded = counts.coded_per_question(db, scope)
    per_coder = counts.codings_per_coder(db, scope)
    return ProjectSummary(
        name=project.name, id=project.id, path=str(project.path),
        totals=counts.totals(db, scope),
        datasets=[{**{k: v for k, v in dataclasses.asdict(d).items() if k != "options"},
                   "variables": len(surveys.list_variables(db, d.id, counts=False))}
                  for d in surveys.list_datasets(db)],
        questions=[{**dataclasses.asdict(q), "coded": coded.get(q.id, 0)}
                   for q in surveys.list_questions(db)],
        # another coder's count is None (not 0) while the scope hides their codings
        coders=[{**c.as_dict(), "codings": per_coder.get(c.id, 0) if scope.sees(c.id) else None}
                for c in coders_store.list_(db)],
    )


def find_response(project: Project, respondent: str, question: str) -> str:
    """The id of ``respondent``'s answer (their id in the survey) to ``question`` (column
    name or wording); a plain error if there is none."""
    qid = find_question(project, question)
    found = store.by_respondent(project.db, qid).get(respondent.strip())
    if found is None:
        raise NotFoundError(f'respondent "{respondent}" has no answer to "{question}"')
    return found
