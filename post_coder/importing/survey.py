"""Import a survey file into a project, following an :class:`ImportPlan`.

The file is not parsed again: the import uses the table the plan was inspected from, after
hashing the file to check it did not change since (a plan is only a proposal: a changed
file is refused); every value is checked and converted *before* anything is written, then one ``project.transact("Import survey")`` writes the dataset, its
respondents, questions, responses and attribute variables, with one audit entry. A failure
or a cancel rolls the whole import back.

Stored text: a response is the cell's text with leading/trailing whitespace removed and
line breaks written as ``\\n``; nothing inside it changes. Blank cells and non-answers
("N/A", "none", "-"…) are not stored as responses but counted per question.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain, compress, islice, repeat
from operator import contains, is_not
from typing import Any

from post_coder.changes import Changes
from post_coder.errors import DuplicateImportError, InputError
from post_coder.ids import new_id, new_ids
from post_coder.importing import infer, readers
from post_coder.importing.frame import Frame
from post_coder.importing.labels import write_plan_labels
from post_coder.importing.plan import (
    ColumnPlan, ImportPlan, collection_paused, ids_fit, load_frame,
)
from post_coder.importing.values import (
    ANSWER, BLANK, clean_text, comma_options, date_format, kind, kinds, parse_dates, parse_number,
    split_options,
)
from post_coder.progress import Progress, ensure
from post_coder.store import db as store_db, surveys

BATCH = 5000


@dataclass(frozen=True)
class ImportResult:
    dataset_id: str
    respondents: int
    responses: int
    #: (column name, responses stored, blank, non-answers) per open-ended question
    questions: list[tuple[str, int, int, int]]
    changes: Changes = field(default_factory=Changes)


@dataclass
class _Question:
    column: ColumnPlan
    #: per row: the text to store, or None; emptied once handed to the writing
    texts: list[str | None]
    blank: int
    nonanswer: int
    #: responses to store (texts that are not None)
    stored: int = 0
    #: the length of the longest text (0: none)
    longest: int = 0


@dataclass
class _Variable:
    column: ColumnPlan
    #: per row: None, one value, or (multi-select) a list of values, each once
    values: list[Any]


def import_problem(plan: ImportPlan, *, numbered_by_row: bool) -> str:
    """What stops importing with this mapping, in the import wizard's words ("" when
    nothing does): no open-ended question chosen (in a survey; a data table has none), no
    id column chosen while respondents are not to be ``numbered_by_row``, or the plan's
    first warning (such as repeated ids)."""
    if plan.is_table and not plan.attributes:
        return "choose at least one column to keep: set its role to “Attribute”"
    if not plan.open_ended and not plan.is_table:
        return ("choose at least one open-ended question to code: set a column's role "
                "to “Open-ended question”")
    if plan.id_column is None and not numbered_by_row:
        return ("choose the column that holds the respondent id, or tick “No id "
                "column” to number respondents by row")
    if plan.warnings:
        return plan.warnings[0]
    return ""


def earlier_import(project: Any, plan: ImportPlan) -> str:
    """Why importing ``plan``'s file again needs a deliberate choice ("" when the file is new
    to the project): the same contents were imported before."""
    earlier = surveys.find_datasets_by_sha256(project.db, plan.sha256)
    if not earlier:
        return ""
    return (f"{_imported_as(earlier[0])}; importing it again adds its respondents a second "
            "time")


def _imported_as(first: surveys.DatasetInfo) -> str:
    when = first.imported_at[:16].replace("T", " ")
    return f'this file was already imported as dataset "{first.name}" on {when} UTC'


@collection_paused()
def import_survey(project: Any, plan: ImportPlan, *, name: str | None = None,
                  allow_duplicate: bool = False, progress: Progress | None = None) -> ImportResult:
    """Import the planned file into ``project`` as one undoable-free action (see module doc)."""
    progress = ensure(progress)
    roles = [c.role for c in plan.columns]
    total = plan.row_count * (1 + roles.count("open_ended") + roles.count("attribute"))
    progress.update(0, total, f"Reading {plan.path.name}")
    frame = _frame(plan)
    if plan.is_table:
        if not plan.attributes:
            raise InputError("no column is chosen to keep: choose the data table's columns "
                             "with --attributes COLUMN", file=plan.path)
    elif not plan.open_ended:
        raise InputError("no open-ended question is chosen: choose the column(s) to code with "
                         "--open-ended COLUMN, or import the file as a data table (--table)",
                         file=plan.path)
    external = _external_ids(frame, plan)
    questions = [_question(frame, c) for c in plan.columns if c.role == "open_ended"]
    attributes = [c for c in plan.columns if c.role == "attribute"]
    # new rows only, each after its parents: no foreign-key look-ups (a test checks them)
    with project.transact("Import survey", undoable=False, checkpoint_later=True,
                          new_rows_only=True) as step:
        earlier = surveys.find_datasets_by_sha256(step.db, frame.sha256)
        if earlier and not allow_duplicate:
            raise DuplicateImportError(
                f"{_imported_as(earlier[0])}; import it again only on purpose "
                "(--allow-duplicate)", file=plan.path)
        # the answers are converted: from here on the import holds the only copy of each
        # answer, and hands a long one over to SQLite whole (see _write_answers); the
        # attributes' cells are converted while SQLite indexes the answers (_Writer.write)
        frame.release(keep={n for c in attributes for n in c.source_columns})
        writer = _Writer(step.db, progress, frame, questions, attributes)
        try:
            dataset_id = writer.write(project, plan, name, external)
        finally:
            frame.release()  # the attributes' cells too, when the import stopped before
        write_plan_labels(step.db, dataset_id, plan)
        summary = _summary(plan, frame, name, writer)
        step.mark("datasets", "responses")
        step.created(dataset_id)
        step.audit("import", "dataset", dataset_id, after=summary)
    return ImportResult(
        dataset_id=dataset_id, respondents=frame.row_count, responses=writer.responses,
        questions=[(q.column.name, q.stored, q.blank, q.nonanswer) for q in questions],
        changes=step.changes)


def _frame(plan: ImportPlan) -> Frame:
    """The file as the plan read it: the frame ``inspect_file`` parsed (the file is hashed
    again, not parsed again), or the file read afresh for a plan without one; either way
    refused when the file's contents are not those inspected."""
    frame = plan._frame
    if frame is not None and frame.path == plan.path and not frame.released:
        sha = readers.file_sha256(plan.path)
    else:
        frame = load_frame(plan.path, sheet=plan.sheet, dictionary=plan.dictionary)
        sha = frame.sha256
    if sha != plan.sha256:
        raise InputError("the file changed since it was inspected; inspect it again",
                         file=plan.path)
    return frame


def _external_ids(frame: Frame, plan: ImportPlan) -> list[str]:
    if plan.id_column is None:
        return [str(i) for i in range(1, frame.row_count + 1)]
    if plan.id_column not in frame.columns:
        raise InputError(f'there is no column "{plan.id_column}" in this file', file=plan.path,
                         column=plan.id_column)
    keys = list(map(str.strip, frame.columns[plan.id_column]))
    if not ids_fit(keys):  # a blank or repeated id (what id_warnings says)
        raise _id_error(frame, plan.id_column)
    return keys


def _id_error(frame: Frame, column: str) -> InputError:
    seen: dict[str, int] = {}
    for value, row in zip(frame.columns[column], frame.row_numbers):
        key = value.strip()
        if not key:
            return InputError("this row has no respondent id; choose another id column or none "
                              "(--no-id)", file=frame.path, column=column, **frame.at(row))
        if key in seen:
            return InputError(f'the respondent id "{key}" appears twice, in {frame.unit}s '
                              f"{seen[key]} and {row}; choose another id column or none (--no-id)",
                              file=frame.path, column=column, **frame.at(row))
        seen[key] = row
    raise AssertionError("no id problem found")


# -- converting values --------------------------------------------------------------------------

def _question(frame: Frame, column: ColumnPlan) -> _Question:
    cells = frame.columns[column.name]
    cell_kinds = frame.kept_kinds(column.name)
    if cell_kinds is None:
        cell_kinds = kinds(Counter(cells))
    counts, texts, not_answers, trimmed = cell_kinds
    # the text stored for a cell, where it is not the cell itself (found in C): its trimmed
    # text, line breaks as \n where it has a CR, None for blanks and non-answers
    changed = {} if trimmed else \
        dict(compress(zip(counts, texts), map(is_not, counts, texts)))
    for value, text in compress(zip(counts, texts), map(contains, texts, repeat("\r"))):
        changed[value] = clean_text(text)
    blank = nonanswer = 0
    for value, k in not_answers.items():
        changed[value] = None
        if k == BLANK:
            blank += counts[value]
        else:
            nonanswer += counts[value]
    stored = list(map(changed.get, cells, cells))  # any other cell is stored as it is
    return _Question(column, stored, blank, nonanswer, len(stored) - blank - nonanswer,
                     max(map(len, filter(None, stored)), default=0))


def _variable(frame: Frame, column: ColumnPlan) -> _Variable:
    if len(column.source_columns) > 1 or column.source_columns != [column.name]:
        group = next(g for g in frame.groups if g.columns == column.source_columns)
        # an option twice in a row (two columns of the group naming it) is stored once
        return _Variable(column, [list(dict.fromkeys(v)) or None
                                  for v in infer.group_selections(frame, group)])
    cells = frame.columns[column.name]
    kept = frame.kept_kinds(column.name)  # its distinct cells counted by the inspection
    # distinct cells in order of first appearance, as the inspection saw them (the same
    # run after run: a set's order changes with Python's string hashing)
    mapping = _value_mapping(frame, column, dict.fromkeys(cells) if kept is None else kept.counts)
    return _Variable(column, list(map(mapping.__getitem__, cells)))


def _value_mapping(frame: Frame, column: ColumnPlan, distinct: Iterable[str]) -> dict[str, Any]:
    """Cell text → stored value (None: not stored) for every distinct cell of a column."""
    out: dict[str, Any] = {}
    answers = []
    for value in distinct:
        text = value.strip()
        if not text:
            out[value] = None
        elif column.type in ("numeric", "date", "ordinal") and kind(value) != ANSWER:
            out[value] = None  # "N/A" in a number, date or scale column means missing
        else:
            answers.append(value)
    if column.type == "numeric":
        out.update(_numbers(frame, column, answers))
    elif column.type == "date":
        out.update(_dates(answers))
    elif column.type == "multi_select":
        probe = infer.Profile(counts={v.strip(): 1 for v in answers})  # type: ignore[arg-type]
        sep = infer.separator(probe)
        known = set(column.levels) | comma_options(v.strip() for v in answers)
        out.update({v: split_options(v, sep, known) or None for v in answers})
    else:
        out.update({v: clean_text(v) for v in answers})
    return out


def _numbers(frame: Frame, column: ColumnPlan, answers: list[str]) -> dict[str, Any]:
    comma = frame.delimiter == ";"
    out = {v: parse_number(v.strip(), decimal_comma=comma) for v in answers}
    if None in out.values():
        cells = frame.columns[column.name]
        index = next(i for i, v in enumerate(cells) if v in out and out[v] is None)
        raise InputError(f'"{cells[index].strip()[:40]}" is not a number; fix the cell or '
                         "import the column with another type", file=frame.path,
                         column=column.name, **frame.at(frame.row_numbers[index]))
    return out


def _dates(answers: list[str]) -> dict[str, Any]:
    texts = {v: v.strip() for v in answers}
    fmt = date_format(texts.values())
    parsed = parse_dates(list(set(texts.values())), fmt) if fmt else {}
    return {v: parsed.get(t) or t for v, t in texts.items()}


# -- writing ------------------------------------------------------------------------------------

class _Writer:
    """Writes one import in batches, reporting progress (which may cancel) between them."""

    def __init__(self, db: Any, progress: Progress, frame: Frame, questions: list[_Question],
                 attributes: list[ColumnPlan]) -> None:
        self.db, self.progress, self.frame = db, progress, frame
        self.questions, self.attributes = questions, attributes
        self.variables: list[_Variable] = []
        self.responses = 0
        self.values = 0
        self.done = 0
        self.total = frame.row_count * (1 + len(questions) + len(attributes))

    def write(self, project: Any, plan: ImportPlan, name: str | None,
              external: list[str]) -> str:
        dataset_id = new_id()
        surveys.insert_dataset(
            self.db, id=dataset_id, name=name or plan.path.stem, original_name=plan.path.name,
            sha256=self.frame.sha256, format=self.frame.format, platform=self.frame.platform,
            options=_options(plan), row_count=self.frame.row_count,
            imported_at=store_db.now(), imported_by=project.actor, kind=plan.kind)
        # ids are fresh UUIDs handed out in sorted order, so every index grows at its end
        people = new_ids(self.frame.row_count)
        self._batches("Saving respondents", surveys.insert_respondents,
                      zip(people, repeat(dataset_id), external, self.frame.row_numbers))
        ids = new_ids(len(self.questions))
        surveys.insert_questions(self.db, [
            (qid, dataset_id, q.column.name, q.column.wording or q.column.name,
             self._position(q.column), q.blank, q.nonanswer)
            for qid, q in zip(ids, self.questions)])
        # the full-text index is filled in one pass once every answer is in (see
        # surveys.responses_indexed_at_end); a cancel or failure rolls all of it back
        with surveys.responses_indexed_at_end(self.db) as index:
            self._write_answers(ids, people)
            # the answers are let go of by now: SQLite reads a long one back to index it
            self.progress.update(self.done, self.total, "Indexing answers for search")
            # SQLite fills the index, outside Python's lock, while the attributes' cells
            # are converted in a thread of its own, on the other core
            variable_ids, rows = index.fill_while(lambda: self._convert_attributes(people))
        self._write_variables(dataset_id, variable_ids, rows, len(people))
        return dataset_id

    def _convert_attributes(self, people: list[str]) -> tuple[list[str], list[tuple]]:
        """The attributes' values (:attr:`variables`), their ids and value rows (Python
        only: this runs while SQLite fills the search index)."""
        self.variables = [_variable(self.frame, c) for c in self.attributes]
        self.frame.release()
        variable_ids = new_ids(len(self.variables))
        return variable_ids, _value_rows(variable_ids, people,
                                         [v.values for v in self.variables])

    def _write_answers(self, question_ids: list[str], people: list[str]) -> None:
        """The responses (the questions' texts, which are emptied: a long answer is then
        held once, by the rows written here, until SQLite takes it; see surveys.handed)."""
        # respondent by respondent, then question by question: the file's order becomes the
        # table's rowid order, so listing responses "in file order" needs no sorting
        asked = len(self.questions)
        # built in C passes (no Python step per answer): every cell, then those answered
        cells = list(chain.from_iterable(zip(*(q.texts for q in self.questions))))
        for q in self.questions:
            q.texts = []
        kept = list(map(is_not, cells, repeat(None)))
        texts = list(compress(cells, kept))
        count = len(texts)
        del cells
        if any(q.longest > surveys.STATEMENT_TEXT for q in self.questions):
            texts = list(map(surveys.handed, texts))  # a call per answer only then
        persons = compress(chain.from_iterable(map(repeat, people, repeat(asked))), kept)
        questions = compress(chain.from_iterable(repeat(question_ids, len(people))), kept)
        answered = list(zip(new_ids(count), persons, questions, texts))
        del texts  # the rows hold each answer (or its holder) once
        self.responses += count
        self._batches("Saving answers", surveys.insert_responses, iter(answered),
                      per_row=len(people) * len(self.questions) / max(1, count))

    def _write_variables(self, dataset_id: str, ids: list[str], rows: list[tuple],
                         people: int) -> None:
        """The variables and their values (``rows``: see :func:`_value_rows`)."""
        surveys.insert_variables(self.db, [
            (vid, dataset_id, v.column.name, v.column.wording or v.column.name, v.column.type,
             _levels(v), self._position(v.column)) for vid, v in zip(ids, self.variables)])
        self.values += len(rows)
        self._batches("Saving attributes", surveys.insert_variable_values, iter(rows),
                      per_row=people * len(self.variables) / max(1, len(rows)))

    def _position(self, column: ColumnPlan) -> int:
        return self.frame.names.index(column.source_columns[0])

    def _batches(self, label: str, insert: Any, rows: Any, *, per_row: float = 1.0) -> None:
        """Insert ``rows`` BATCH at a time, updating progress (which may cancel) in between."""
        while True:
            chunk = list(islice(rows, BATCH))
            if not chunk:
                return
            self.progress.update(self.done, self.total, label)
            insert(self.db, chunk)
            self.done = min(self.total, self.done + round(len(chunk) * per_row))


def _value_rows(variable_ids: list[str], people: list[str],
                columns: list[list[Any]]) -> list[tuple]:
    """(variable id, respondent id, value) rows, variable by variable, respondent by
    respondent (both ids sorted): in the order of the table's key (variable, respondent,
    value), which then grows at its end only (a third cheaper than at one place a
    variable). A column's values are None or single values, or (a multi-select) None or
    lists holding each option once (see :func:`_variable`); the rows are made in C."""
    rows: list[tuple] = []
    for variable_id, values in zip(variable_ids, columns):
        given = list(map(is_not, values, repeat(None)))
        who, chosen = compress(people, given), list(compress(values, given))
        if list not in {*map(type, chosen)}:
            rows.extend(zip(repeat(variable_id), who, chosen))
        else:  # a row per option: each respondent repeated as many times as they chose
            each = chain.from_iterable(map(repeat, who, map(len, chosen)))
            rows.extend(zip(repeat(variable_id), each, chain.from_iterable(chosen)))
    return rows


def _levels(v: _Variable) -> list[str]:
    if v.column.type != "multi_select" or v.column.levels:
        return list(v.column.levels)
    seen: dict[str, None] = {}
    for value in v.values:
        for option in value or ():
            seen.setdefault(option, None)
    return list(seen)


def _options(plan: ImportPlan) -> dict[str, Any]:
    return {"encoding": plan.encoding, "delimiter": plan.delimiter, "sheet": plan.sheet,
            "header_rows": plan.header_rows, "id_column": plan.id_column,
            "dictionary": plan.dictionary.name if plan.dictionary else None,
            "open_ended": plan.open_ended, "attributes": plan.attributes,
            "types": {c.name: c.type for c in plan.columns if c.role == "attribute"}}


def _summary(plan: ImportPlan, frame: Frame, name: str | None, writer: _Writer) -> dict:
    return {"name": name or plan.path.stem, "kind": plan.kind, "file": plan.path.name,
            "sha256": frame.sha256,
            "format": frame.format, "platform": frame.platform, "rows": frame.row_count,
            "id_column": plan.id_column, "responses": writer.responses,
            "attribute_values": writer.values,
            "questions": [q.column.name for q in writer.questions],
            "variables": [v.column.name for v in writer.variables]}


__all__ = ["import_survey", "ImportResult"]
