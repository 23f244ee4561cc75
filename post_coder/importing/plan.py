"""Inspect a survey file and propose how to import it: an :class:`ImportPlan`.

``inspect_file`` reads the file, recognises the platform, profiles every column and
suggests a role for each: the respondent ``id``, ``open_ended`` questions to code,
``attribute`` variables (department, Likert items…) or ``skip`` (personal data, system
columns, empty columns). :meth:`ImportPlan.with_mapping` applies a person's choices on top;
:meth:`ImportPlan.describe` explains the plan in plain text (``import --dry-run``).
"""

from __future__ import annotations

import difflib
import gc
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from post_coder.errors import InputError
from post_coder.importing import build, infer, readers, redcap
from post_coder.importing.frame import Frame, Grid, Hint
from post_coder.importing.values import kinds
from post_coder.store.labels import suggest as suggest_labels

ROLES = ("id", "open_ended", "attribute", "skip")
#: ImportPlan.kind of a survey (answers to code) and of a data table (an interaction log, a
#: program table: rows of variables, no text to code); stored as datasets.kind
SURVEY, TABLE = "survey", "log"
#: platforms that list a checkbox question's answers in one cell separated by commas
COMMA_LISTS = ("google-forms", "qualtrics", "qualtrics-legacy")
PREVIEW_ROWS = 10
#: characters of a cell kept in the preview and a column's samples (views show 300 at
#: most): the plan does not keep a long answer alive besides the table it was read from
PREVIEW_CHARS = 1000
_KEEP: Any = object()
#: distinct cells of a column suggested as an attribute up to which the inspection keeps
#: its cell kinds for the import (which then makes no set of its cells; at most the
#: sample ``values.date_format`` reads, so a date column's answers are read whole)
FEW_CELLS = 200


@dataclass(frozen=True)
class ColumnPlan:
    name: str
    wording: str
    role: str
    type: str
    levels: list[str]
    #: the file's columns behind this one (several for a multi-select group)
    source_columns: list[str]
    n_answers: int
    n_blank: int
    n_nonanswer: int
    n_unique: int
    mean_length: float
    sample: list[str]
    #: why the role was suggested, e.g. "personal data"
    note: str = ""
    #: what views will show for it ("Q14"; see ``store/labels.py``): suggested, editable
    short_label: str = ""


@dataclass(frozen=True)
class ImportPlan:
    path: Path
    format: str
    platform: str
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    sheets: list[str]
    header_rows: int
    row_count: int
    columns: list[ColumnPlan]
    id_column: str | None
    preview: list[dict[str, str]]
    sha256: str = ""
    #: problems the import would refuse (blank or repeated respondent ids)
    warnings: list[str] = field(default_factory=list)
    #: things worth knowing that do not stop the import (repeated column names numbered,
    #: lines read in another encoding)
    notes: list[str] = field(default_factory=list)
    #: other names a column may be given by (the ``V1`` code of a legacy Qualtrics column, a
    #: LimeSurvey question code, a heading as written before cleaning) → its name
    aliases: dict[str, str] = field(default_factory=dict)
    #: SURVEY, or TABLE for a data table imported without open-ended questions
    kind: str = SURVEY
    #: the REDCap data dictionary applied (given, or found beside the export), or None
    dictionary: Path | None = None
    _frame: Frame | None = field(default=None, repr=False, compare=False)

    @property
    def open_ended(self) -> list[str]:
        return [c.name for c in self.columns if c.role == "open_ended"]

    @property
    def attributes(self) -> list[str]:
        return [c.name for c in self.columns if c.role == "attribute"]

    def column(self, name: str) -> ColumnPlan:
        """The column called ``name``: its name, a code or heading from another header row,
        or its question wording when no other column has the same."""
        resolved = self.resolve(name)
        for c in self.columns:
            if c.name == resolved:
                return c
        raise self._unknown(name)

    def resolve(self, name: str) -> str:
        """The column name meant by ``name`` (see :meth:`column`); ``name`` if none is."""
        names = {c.name for c in self.columns}
        if name in names:
            return name
        if name in self.aliases and self.aliases[name] in names:
            return self.aliases[name]
        wanted = " ".join(name.split())
        by_wording = {c.name for c in self.columns if " ".join(c.wording.split()) == wanted}
        if len(by_wording) == 1:
            return by_wording.pop()
        return name

    def with_mapping(self, *, id_column: str | None = _KEEP, open_ended: list[str] | None = None,
                     attributes: list[str] | None = None,
                     types: dict[str, str] | None = None,
                     levels: dict[str, list[str]] | None = None) -> "ImportPlan":
        """A copy with these choices applied; columns neither id, open-ended nor attribute are
        skipped. ``id_column=None`` numbers respondents by row. ``levels`` gives a column's
        levels in order (an ordered scale low → high, or a category order); every answer in
        the column must be among them."""
        from post_coder.importing.mapping import apply_mapping

        return apply_mapping(self, id_column=id_column, open_ended=open_ended,
                             attributes=attributes, types=types, levels=levels, keep=_KEEP)

    def with_labels(self, labels: dict[str, str]) -> "ImportPlan":
        """A copy with these short labels (column → label; a column may be given as for
        :meth:`column`). Each must be unique in the file and not another column's name."""
        from post_coder.importing.labels import apply_labels

        return apply_labels(self, labels)

    @property
    def is_table(self) -> bool:
        return self.kind == TABLE

    def as_table(self) -> "ImportPlan":
        """A copy planned as a data table (see :data:`TABLE`): the columns suggested as
        open-ended become attributes (text), nothing is to be coded."""
        columns = [replace(c, role="attribute") if c.role == "open_ended" else c
                   for c in self.columns]
        return replace(self, columns=columns, kind=TABLE)

    def describe(self) -> str:
        from post_coder.importing.mapping import describe

        return describe(self)

    def _unknown(self, name: str) -> InputError:
        names = [c.name for c in self.columns]
        for c in self.columns:
            if name in c.source_columns and c.name != name:
                return InputError(f'column "{name}" is one option of the multi-select question '
                                  f'"{c.name}"; use "{c.name}"', file=self.path, column=name)
        close = [n for n in names if n.casefold() == name.casefold()]
        close += [n for n in difflib.get_close_matches(name, names, n=3, cutoff=0.5)
                  if n not in close]
        hint = ("; did you mean " + " or ".join(f'"{n}"' for n in close[:3]) + "?") if close \
            else f"; the columns are {_listing(names)}"
        return InputError(f'there is no column "{name}" in this file{hint}', file=self.path,
                          column=name)


def _listing(names: list[str], limit: int = 12) -> str:
    shown = ", ".join(f'"{n}"' for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def load_frame(path: str | Path, *, sheet: str | None = None,
               dictionary: str | Path | None = None) -> Frame:
    """Read a survey file into a :class:`Frame` (header rows handled, checked), with the
    labels, choices and field types of a REDCap data ``dictionary`` when one is given."""
    read = readers.read(path, sheet=sheet)
    frame = build.to_frame(read) if isinstance(read, Grid) else build.finish_sav(read)
    if dictionary is not None:
        frame.notes.append(redcap.apply_dictionary(frame, dictionary))
    return frame


def inspected_frame(plan: ImportPlan) -> Frame | None:
    """The table ``plan`` was inspected from, with its cells (None for a plan made without
    one). When an import took the cells (:meth:`Frame.release`: the import failed or was
    cancelled, and the plan is used again), they are read from the file again into the
    same frame, so every copy of the plan has them back; a file whose contents changed
    since it was inspected is refused."""
    frame = plan._frame
    if frame is not None and frame.released:
        fresh = load_frame(frame.path, sheet=frame.sheet, dictionary=plan.dictionary)
        if fresh.sha256 != frame.sha256:
            raise InputError("the file changed since it was inspected; inspect it again",
                             file=plan.path)
        frame.columns, frame.released = fresh.columns, False
    return frame


@contextmanager
def collection_paused() -> Iterator[None]:
    """Python's cycle collector paused while a file is read or imported: the tens of
    thousands of rows and cells it builds (none of them in a cycle; they are freed by
    reference counts as ever) would trigger it every few hundred, each time walking the
    objects still young (~0.04 s of CPU in a 20,000-row workbook's inspection). Then the
    collector is on again, unless it was off before."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


@collection_paused()
def inspect_file(path: str | Path, *, sheet: str | None = None,
                 dictionary: str | Path | None = None) -> ImportPlan:
    """Read a survey file and suggest how to import it (nothing is written anywhere).

    ``dictionary``: a REDCap data dictionary to apply; without one, a dictionary downloaded
    beside a REDCap export named the REDCap way is found and applied (when it cannot be
    read, a note says why and the export is read without it)."""
    found = None
    if dictionary is None:
        found = redcap.find_dictionary(path)
    try:
        frame = load_frame(path, sheet=sheet, dictionary=dictionary or found)
    except InputError as exc:
        if found is None or exc.file != found.name:
            raise
        frame = load_frame(path, sheet=sheet)
        frame.notes.append(f'the REDCap data dictionary "{found.name}" found beside the export '
                           f"was not used: {exc}")
        found = None
    else:
        if found is not None:
            frame.notes[-1] += " (found beside the export)"
    columns = plan_columns(frame)
    preview = [{n: frame.columns[n][i][:PREVIEW_CHARS] for n in frame.names}
               for i in range(min(PREVIEW_ROWS, frame.row_count))]
    return ImportPlan(
        path=Path(path), format=frame.format, platform=frame.platform, encoding=frame.encoding,
        delimiter=frame.delimiter, sheet=frame.sheet, sheets=list(frame.sheets),
        header_rows=frame.header_rows, row_count=frame.row_count, columns=columns,
        id_column=frame.id_column, preview=preview, sha256=frame.sha256,
        warnings=id_warnings(frame, frame.id_column), notes=list(frame.notes),
        aliases=dict(frame.aliases),
        dictionary=Path(dictionary or found) if (dictionary or found) else None, _frame=frame)


def plan_columns(frame: Frame) -> list[ColumnPlan]:
    """One ColumnPlan per column (a multi-select group counts as one), with suggested roles."""
    decimal_comma = frame.delimiter == ";"
    grouped = {c: g for g in frame.groups for c in g.columns}
    items: list[tuple[ColumnPlan, Hint, infer.Profile]] = []
    for name in frame.names:
        group = grouped.get(name)
        if group is not None:
            if name != group.columns[0]:
                continue
            p = infer.group_profile(frame, group)
            hint = Hint(type="multi_select", levels=list(group.options), role="attribute")
            items.append((_column(group.name, group.wording or group.name, "multi_select",
                                  list(group.options), list(group.columns), p), hint, p))
            continue
        hint = frame.hint(name)
        cells = frame.columns[name]
        cell_kinds = kinds(Counter(cells))
        p = infer.profile(cells, decimal_comma=decimal_comma,
                          comma_lists=frame.platform in COMMA_LISTS, cell_kinds=cell_kinds)
        kind, levels = infer.infer_type(p, hint)
        # kept for a column that may be suggested as a question, or of few distinct cells
        if kind == "text" or hint.role == "open_ended" or len(cell_kinds.counts) <= FEW_CELLS:
            frame.cell_kinds[name] = (cells, cell_kinds)
        items.append((_column(name, frame.wording.get(name, name), kind, levels, [name], p,
                              hint.note), hint, p))
    columns = _suggest_roles(items, frame.id_column)
    # the cell kinds are kept for the suggested questions and the suggested attributes of
    # few distinct cells only (the import reuses them): a Counter of every column of a wide
    # file would be a lot to hold
    roles = {c.name: c.role for c in columns}
    frame.cell_kinds = {
        n: kept for n, kept in frame.cell_kinds.items() if roles.get(n) == "open_ended"
        or roles.get(n) == "attribute" and len(kept[1].counts) <= FEW_CELLS}
    suggested = suggest_labels([(c.name, c.wording) for c in columns])
    return [replace(c, short_label=label) for c, label in zip(columns, suggested)]


def _column(name: str, wording: str, kind: str, levels: list[str], sources: list[str],
            p: infer.Profile, note: str = "") -> ColumnPlan:
    return ColumnPlan(name=name, wording=wording, role="skip", type=kind, levels=levels,
                      source_columns=sources, n_answers=p.n_answers, n_blank=p.n_blank,
                      n_nonanswer=p.n_nonanswer, n_unique=p.n_unique,
                      mean_length=round(p.mean_length, 1),
                      sample=[s[:PREVIEW_CHARS] for s in p.sample], note=note)


def _suggest_roles(items: list[tuple[ColumnPlan, Hint, infer.Profile]],
                   id_column: str | None) -> list[ColumnPlan]:
    out = []
    for column, hint, p in items:
        machine = None
        if column.name == id_column:
            role = "id"
        elif hint.role == "attribute" or hint.role == "open_ended":
            role = hint.role if p.n_answers else "skip"
        elif hint.role == "skip":
            role = "skip"
        elif column.type in ("text", "categorical") and (machine := infer.machine_values(p)):
            role = "skip"
        elif infer.looks_open_ended(column.type, p) and not infer.own_heading(p, column.name):
            role = "open_ended"
        else:
            role = "attribute" if p.n_answers else "skip"
        note = column.note or machine or ("no answers" if role == "skip" and not p.n_answers
                                          else "")
        out.append(replace(column, role=role, note=note))
    if not any(c.role == "open_ended" for c in out):
        free = [(c.name, c.type, p) for c, (_, hint, p) in zip(out, items)
                if c.role == "attribute" and hint.role is None]
        best = infer.fallback_open_ended(free)
        out = [replace(c, role="open_ended") if c.name == best else c for c in out]
    return out


def id_warnings(frame: Frame, id_column: str | None) -> list[str]:
    """Problems the import will refuse, shown early (blank or repeated respondent ids)."""
    if id_column is None or id_column not in frame.columns:
        return []
    if ids_fit(frame.columns[id_column]):
        return []
    seen: dict[str, int] = {}
    for value, row in zip(frame.columns[id_column], frame.row_numbers):
        key = value.strip()
        if not key:
            return [f'{frame.unit} {row} has no respondent id in column "{id_column}"; choose '
                    "another id column or none (--no-id)"]
        if key in seen:
            return [f'the respondent id "{key}" appears twice in column "{id_column}" '
                    f"({frame.unit}s {seen[key]} and {row}); choose another id column or none "
                    "(--no-id)"]
        seen[key] = row
    return []


def ids_fit(keys: list[str]) -> bool:
    """Whether these respondent ids (trimmed) are none blank and none repeated: checked in
    C (:func:`id_warnings` then finds the first problem, row by row)."""
    unique = set(map(str.strip, keys))
    return len(unique) == len(keys) and "" not in unique
