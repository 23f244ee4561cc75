"""Theme tables: themes with their sub-codes, how many respondents raised each, and quotes.

A theme is a top-level code; its sub-codes follow it as indented rows. Each row has the
code's definition, n (%) of respondents with an explicit denominator, optionally one
n (%) column per value of an attribute (each with its own denominator), and representative
quotes with an attribution tag built from chosen attributes ("— EM, Attending").

Counting rules (stated in the table's notes):

- A respondent counts once per row: a row's n is the number of respondents with the code
  or any code below it, however many segments or sub-codes they have.
- The denominator (the *base*) is, by default, the respondents who answered the question(s)
  (a stored, codable answer to at least one of them); or every respondent of the
  dataset(s) (``base="all"``); or a number the investigators give (``base=255``).
- A breakdown column's denominator is the base's respondents with that value of the
  attribute; respondents without a value form a "Not recorded" column.
- The codes come from the consensus layer by default (``source="consensus"``: what review
  decisions say applies, else what every coder who marked the response done applied, see
  :func:`post_coder.team.review.consensus_codings`; the note says how many disagreements
  nobody has resolved yet are left out), or from one coder (``"coder:NAME"``), or from
  the union of the coders' codings (``"union"``: a respondent counts when any coder
  applied the code).

Quotes: the codings investigators marked as exemplar quotes (:mod:`post_coder.coding.themes`)
of the row's code (or a code below it); where none is marked, the segments nearest the
centre of the row's segments (:func:`post_coder.coding.similarity.central_segments`),
named as suggested in the notes.

Everything is read through the reader's :class:`ReadScope`: during an open blind round a
coder's table holds only their own codings, and the consensus layer (made from everyone's)
is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from post_coder.coding.codebook import descendants, list_codes, tree_order
from post_coder.coding.coders import find_coder
from post_coder.coding.similarity import central_segments
from post_coder.coding.themes import DIMENSIONS, dimensions, find_dimension
from post_coder.errors import ConflictError, InputError
from post_coder.export.document import Column, Row, Table
from post_coder.export.numbers import n_percent
from post_coder.importing.variables import find_variable
from post_coder.project import Project
from post_coder.queries import find_question, questions
from post_coder.store import surveys
from post_coder.store import themes as store
from post_coder.store.scope import ReadScope
from post_coder.store.surveys import format_value
from post_coder.team.review import CONSENSUS_NOTE, unresolved_count, unresolved_note

__all__ = ["NOT_RECORDED", "Quote", "ThemeRow", "ThemeSpec", "Themes", "count_themes", "flat",
           "theme_table", "theme_tables"]

#: the breakdown column of respondents without a value of the attribute
NOT_RECORDED = "Not recorded"
#: the rows of themes without a RE-AIM dimension, when others have one
NO_DIMENSION = "Other themes"


@dataclass(frozen=True)
class ThemeSpec:
    """What a theme table counts and shows."""

    #: questions by column name, wording or id (empty: every open-ended question)
    questions: Sequence[str] = ()
    #: "consensus", "union" or "coder:NAME"
    source: str = "consensus"
    #: "answered" (who answered the questions), "all" (everyone in the datasets) or a number
    base: str | int = "answered"
    #: an attribute to break the counts down by (one column per value)
    by: str | None = None
    #: quotes per row (0: no quote column)
    quotes: int = 2
    #: attributes whose values tag each quote ("— EM, Attending")
    attribution: Sequence[str] = ()
    #: only the themes of this RE-AIM dimension
    dimension: str | None = None


@dataclass(frozen=True)
class Quote:
    text: str
    tag: str
    #: marked by the team (``False``: suggested, the segment most central to the row)
    exemplar: bool

    def __str__(self) -> str:
        return f"“{self.text}”" + (f" — {self.tag}" if self.tag else "")


@dataclass(frozen=True)
class ThemeRow:
    code_id: str
    name: str
    definition: str
    #: 0 for a theme, 1 for its sub-codes, 2 below them…
    depth: int
    #: the theme's RE-AIM dimension (sub-codes go with their theme)
    dimension: str | None
    #: respondents with the code or any code below it
    n: int
    #: breakdown value → n (in :attr:`Themes.groups` order)
    by_group: dict[str, int] = field(default_factory=dict)
    quotes: tuple[Quote, ...] = ()


@dataclass(frozen=True)
class Themes:
    """A theme table's numbers before layout: rows in codebook order and their bases."""

    rows: tuple[ThemeRow, ...]
    #: the denominator of n (%)
    denominator: int
    #: (breakdown value, its denominator), in level order
    groups: tuple[tuple[str, int], ...]
    spec: ThemeSpec
    questions: tuple[str, ...]   # as a reader names them (wording, else column name)
    source_note: str
    base_note: str
    by_label: str | None = None


# -- counting -------------------------------------------------------------------------------

def count_themes(project: Project, scope: ReadScope, spec: ThemeSpec = ThemeSpec()) -> Themes:
    """Count a theme table (see the module): rows, denominators, quotes."""
    if spec.quotes < 0:
        raise InputError("the number of quotes per theme cannot be negative")
    question_ids, question_names = _questions(project, spec.questions)
    codes = list_codes(project)
    active = {c.id for c in codes}
    segments, source_note = _segments(project, scope, spec.source, question_ids, active)
    people, base_note, denominator = _base(project, spec.base, question_ids)
    by_code: dict[str, list[_Segment]] = {}
    for s in segments:
        by_code.setdefault(s.code_id, []).append(s)

    groups, group_of, by_label = _groups(project, spec.by, spec.base, people)
    tags = _tags(project, spec.attribution, {s.respondent for s in segments})
    dims = dimensions(project)
    rows = []
    theme_dimension: str | None = None
    for code, depth in tree_order(codes):
        if depth == 0:
            theme_dimension = dims.get(code.id)
        below = {code.id} | descendants(codes, code.id)
        pool = [s for c in below for s in by_code.get(c, ())]
        who = {s.respondent for s in pool}
        if people is not None:
            who &= people
        by_group = {g: sum(1 for r in who if g in group_of.get(r, ())) for g, _ in groups}
        pool.sort(key=lambda s: s.order)  # file order, whatever the codes' order
        rows.append(ThemeRow(code.id, code.name, code.definition, depth, theme_dimension,
                             len(who), by_group, _quotes(pool, spec.quotes, tags)))
    if spec.dimension is not None:
        wanted = find_dimension(spec.dimension)
        rows = [r for r in rows if r.dimension == wanted]
        if not rows:
            raise InputError(f"no theme is in the RE-AIM dimension {wanted} yet; put one there "
                             "with `post-coder codes dimension` or, in the app, the codebook's "
                             "RE-AIM dimension menu")
    return Themes(tuple(rows), denominator, tuple(groups), spec, tuple(question_names),
                  source_note, base_note, by_label)


def _questions(project: Project, names: Sequence[str]) -> tuple[list[str], list[str]]:
    known = questions(project)
    if not known:
        raise InputError("the project has no open-ended questions yet; import a survey first")
    if names:
        ids = list(dict.fromkeys(find_question(project, q) for q in names))
    else:
        ids = [q.id for q in known]
    label = {q.id: (q.wording.strip() or q.column_name) for q in known}
    return ids, [label.get(i, i) for i in ids]


@dataclass(frozen=True)
class _Segment:
    order: int           # position in file order
    respondent: str
    code_id: str
    text: str
    exemplar: bool


def _segments(project: Project, scope: ReadScope, source: str, question_ids: list[str],
              active: set[str]) -> tuple[list[_Segment], str]:
    """What the table counts, and the note saying where it comes from."""
    kind, _, name = source.partition(":")
    kind = kind.strip().lower()
    db = project.db
    if kind == "consensus" and not name:
        if scope.blind:
            raise ConflictError(
                "the consensus layer is made from everyone's codings, and during an open "
                "blind round you see only your own; export your own codings instead "
                "(source coder:YOUR NAME)")
        # the layer holds active codes only, as the table does
        left_out = unresolved_count(project, scope, questions=question_ids)
        marked = store.exemplar_responses(db, scope)
        resolve = _merged_into(project)
        out = []
        for i, (response_id, respondent, code_id, text) in enumerate(
                store.consensus_segments(db, scope, question_ids)):
            code_id = resolve(code_id)
            if code_id in active:
                out.append(_Segment(i, respondent, code_id, text,
                                    (response_id, code_id) in marked))
        return out, (f"{CONSENSUS_NOTE} {unresolved_note(left_out)}." if left_out
                     else CONSENSUS_NOTE)
    if kind == "union" and not name:
        coder_ids = None
        note = ("Source: the union of the coders' codings (a respondent counts when any coder "
                "applied the code).")
        if scope.blind:
            note = ("Source: your own codings only (an open blind round hides the other "
                    "coders' codings).")
    elif kind == "coder" and name.strip():
        coder = find_coder(project, name.strip())
        if not scope.sees(coder.id):
            raise ConflictError(f"during an open blind round you see only your own codings, "
                                f"not {coder.name}'s")
        coder_ids = [coder.id]
        note = f"Source: the codings of {coder.name}."
    else:
        raise InputError(f'the source is "consensus", "union" or "coder:NAME", not "{source}"')
    marked = store.exemplar_codings(db, scope)
    rows = store.coded_segments(db, scope, question_ids, coder_ids)
    return [_Segment(i, who, code, text, cid in marked)
            for i, (cid, _, who, code, text) in enumerate(rows) if code in active], note


def _merged_into(project: Project) -> Callable[[str], str]:
    """code id → the active code it ended up in (a review decision about a code merged
    since counts for the code it was merged into)."""
    everything = {c.id: c for c in list_codes(project, include_inactive=True)}

    def resolve(code_id: str) -> str:
        seen = set()
        code = everything.get(code_id)
        while code is not None and code.status == "merged" and code.merged_into \
                and code.id not in seen:
            seen.add(code.id)
            code = everything.get(code.merged_into)
        return code.id if code is not None else code_id

    return resolve


def _base(project: Project, base: str | int, question_ids: list[str]
          ) -> tuple[set[str] | None, str, int]:
    """(the base's respondents, or None for a given number; its note; the denominator)."""
    db = project.db
    if isinstance(base, str) and base.strip().isdigit():
        base = int(base.strip())
    if isinstance(base, int) and not isinstance(base, bool):
        if base <= 0:
            raise InputError("a base must be a number of respondents above 0")
        answered = len(store.answering(db, question_ids))
        if base < answered:
            raise InputError(f"a base of {base} is smaller than the {answered} respondents who "
                             "answered; give at least that many")
        return None, (f"Denominator: a base of {base} respondents given by the investigators "
                      f"({answered} of them answered)."), base
    choice = str(base).strip().lower()
    if choice == "answered":
        people = {r for r, _ in store.answering(db, question_ids)}
        return people, (f"Denominator: the {len(people)} respondents who answered the "
                        "question(s)."), len(people)
    if choice == "all":
        people = {r for r, _ in store.everyone_asked(db, question_ids)}
        return people, (f"Denominator: all {len(people)} respondents of the survey, whether "
                        "they answered or not."), len(people)
    raise InputError(f'the base is "answered", "all" or a number of respondents, not "{base}"')


def _groups(project: Project, by: str | None, base: str | int, people: set[str] | None
            ) -> tuple[list[tuple[str, int]], dict[str, set[str]], str | None]:
    """The breakdown: [(value, denominator)] in level order, respondent → their values."""
    if by is None:
        return [], {}, None
    if people is None:
        raise InputError("a breakdown by an attribute needs respondents to count in each group; "
                         f"use the base \"answered\" or \"all\" with it, not {base}")
    variable = find_variable(project, by, _surveys(project))
    found = surveys.variable_values_for_many(project.db, sorted(people), [variable.id])
    group_of: dict[str, set[str]] = {}
    for (respondent, _), values in found.items():
        group_of[respondent] = {format_value(v) for v in values if format_value(v)}
    for respondent in people:
        if not group_of.get(respondent):
            group_of[respondent] = {NOT_RECORDED}
    levels = [str(v) for v in variable.levels]
    present = {g for gs in group_of.values() for g in gs} - {NOT_RECORDED}
    order = levels + sorted(present - set(levels), key=str.casefold)
    if any(NOT_RECORDED in gs for gs in group_of.values()):
        order.append(NOT_RECORDED)
    groups = [(g, sum(1 for gs in group_of.values() if g in gs)) for g in order]
    return groups, group_of, variable.label or variable.name


def _surveys(project: Project) -> set[str]:
    """The datasets with open-ended questions (where theme tables' respondents come from)."""
    return {q.dataset_id for q in surveys.list_questions(project.db)}


def _tags(project: Project, attributes: Sequence[str], respondents: set[str]
          ) -> dict[str, str]:
    """respondent → "EM, Attending" (their values of ``attributes``, in that order)."""
    if not attributes or not respondents:
        return {}
    variables = [find_variable(project, a, _surveys(project)) for a in attributes]
    found = surveys.variable_values_for_many(project.db, sorted(respondents),
                                             [v.id for v in variables])
    out = {}
    for respondent in respondents:
        parts = [format_value(sorted(found.get((respondent, v.id), []), key=str), "; ")
                 for v in variables]
        out[respondent] = ", ".join(p for p in parts if p)
    return out


def _quotes(pool: list[_Segment], k: int, tags: dict[str, str]) -> tuple[Quote, ...]:
    """The row's exemplar quotes (up to ``k``, in file order); where none is marked, the
    ``k`` segments most central to the row's segments (same text counted once)."""
    if k == 0 or not pool:
        return ()
    unique: dict[str, _Segment] = {}
    for s in pool:
        text = " ".join(s.text.split())
        if text and (text not in unique or (s.exemplar and not unique[text].exemplar)):
            unique[text] = s
    texts = list(unique)
    marked = [t for t in texts if unique[t].exemplar]
    if marked:
        chosen, exemplar = marked[:k], True
    else:
        chosen, exemplar = [texts[i] for i in central_segments(texts, k)], False
    return tuple(Quote(t, tags.get(unique[t].respondent, ""), exemplar) for t in chosen)


# -- layout ---------------------------------------------------------------------------------

def _columns(themes: Themes) -> tuple[Column, ...]:
    cols = [Column("Theme"), Column("Definition"),
            Column(f"Respondents, n (%) (N = {themes.denominator})")]
    cols += [Column(f"{value}, n (%) (N = {n})") for value, n in themes.groups]
    if themes.spec.quotes:
        cols.append(Column("Representative quotes"))
    return tuple(cols)


def _cells(themes: Themes, row: ThemeRow) -> tuple[str, ...]:
    cells = [row.name, row.definition, n_percent(row.n, themes.denominator)]
    cells += [n_percent(row.by_group.get(value, 0), n) for value, n in themes.groups]
    if themes.spec.quotes:
        cells.append("\n".join(str(q) for q in row.quotes))
    return tuple(cells)


def _row(themes: Themes, row: ThemeRow) -> Row:
    return Row(_cells(themes, row), "data" if row.depth == 0 else "indented")


def _notes(themes: Themes, rows: Sequence[ThemeRow]) -> tuple[str, ...]:
    notes = [themes.source_note, themes.base_note,
             "A respondent counts once per theme: n is the number of respondents with the "
             "theme or any of its sub-codes (sub-codes are indented under their theme)."]
    if themes.groups:
        notes.append(f"By {themes.by_label}: each column's denominator (N) is the "
                     f"respondents of the base with that value"
                     + (f"; \"{NOT_RECORDED}\": no value recorded" if any(
                         g == NOT_RECORDED for g, _ in themes.groups) else "") + ".")
    if themes.spec.quotes:
        quoted = [r for r in rows if r.quotes]
        suggested = [r.name for r in quoted if not r.quotes[0].exemplar]
        central = ("suggested: the segments most central to the theme by text similarity "
                   "(TF-IDF, cosine to the centroid)")
        if suggested and len(suggested) == len(quoted):
            notes.append(f"Quotes: {central}; no exemplar quote has been marked.")
        elif suggested:
            notes.append(f"Quotes: exemplar quotes marked by the team; {central}, where none "
                         f"is marked: {', '.join(suggested)}.")
        elif quoted:
            notes.append("Quotes: exemplar quotes marked by the team.")
    return tuple(notes)


def _caption(themes: Themes, dimension: str | None) -> str:
    what = f"{dimension} themes" if dimension else "Themes"
    asked = "; ".join(f"“{q}”" for q in themes.questions)
    return f"{what} in responses to {asked}"


def _by_dimension(themes: Themes) -> list[tuple[str | None, list[ThemeRow]]]:
    """Rows grouped by their theme's dimension in RE-AIM order; the themes without one
    last (``None`` when no theme has a dimension)."""
    if not any(r.dimension for r in themes.rows):
        return [(None, list(themes.rows))]
    groups = [(d, [r for r in themes.rows if r.dimension == d]) for d in DIMENSIONS]
    groups.append((NO_DIMENSION, [r for r in themes.rows if r.dimension is None]))
    return [(d, rows) for d, rows in groups if rows]


def theme_table(project: Project, scope: ReadScope, spec: ThemeSpec = ThemeSpec(),
                *, themes: Themes | None = None) -> Table:
    """One theme table: with ``spec.dimension``, that dimension's themes; otherwise every
    theme, under a heading row per RE-AIM dimension when themes have dimensions."""
    themes = themes or count_themes(project, scope, spec)
    grouped = _by_dimension(themes)
    rows: list[Row] = []
    for dimension, members in grouped:
        if dimension is not None and spec.dimension is None:
            rows.append(Row((dimension,), "heading"))
        rows += [_row(themes, r) for r in members]
    dimension = find_dimension(spec.dimension) if spec.dimension else None
    return Table(_caption(themes, dimension), _columns(themes), tuple(rows),
                 _notes(themes, themes.rows), name="themes")


def theme_tables(project: Project, scope: ReadScope, spec: ThemeSpec = ThemeSpec(),
                 *, themes: Themes | None = None) -> list[Table]:
    """One table per RE-AIM dimension that has themes (in RE-AIM order, themes without a
    dimension last), or one table when no theme has a dimension (for a report)."""
    themes = themes or count_themes(project, scope, spec)
    out = []
    for dimension, members in _by_dimension(themes):
        label = None if dimension in (None, NO_DIMENSION) else dimension
        caption = _caption(themes, label)
        if dimension == NO_DIMENSION:
            caption = "Other themes" + caption[len("Themes"):]
        out.append(Table(caption, _columns(themes), tuple(_row(themes, r) for r in members),
                         _notes(themes, members),
                         name=f"themes-{(label or 'other').lower()}" if dimension else "themes"))
    return out


def flat(table: Table) -> tuple[list[str], list[list[object]]]:
    """A table as a header and plain rows, for CSV and Markdown: a heading row is its text
    and empty cells, a sub-theme's name starts with "– ", and the notes follow an empty row.
    """
    width = len(table.columns)
    rows: list[list[object]] = []
    for row in table.rows:
        if row.kind == "heading":
            rows.append([row.cells[0], *[""] * (width - 1)])
        elif row.kind == "indented":
            rows.append([f"– {row.cells[0]}", *row.cells[1:]])
        else:
            rows.append(list(row.cells))
    if table.notes:
        rows.append([""] * width)
        rows += [[f"Note. {note}", *[""] * (width - 1)] for note in table.notes]
    return [c.heading for c in table.columns], rows

