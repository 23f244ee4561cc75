"""Short labels of questions and attributes: chosen in the import wizard, renamed later.

Every question and attribute variable has a short label ("Q14", "Q13 [Privacy concerns]")
that views, the command line and exports show instead of the whole column heading; the
full text stays on hover and in the response viewer. The import suggests them
(``store/labels.py``); :func:`apply_labels` takes a person's choices before the import and
:func:`rename_question` / :func:`rename_attribute` afterwards, each one undoable action
with an audit entry.

A label is one line, at most :data:`MAX_LENGTH` characters, unique in its dataset (ignoring
case) among the questions' and attributes' labels, and never another column's name, so
that ``--question`` finds one thing by it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from post_coder.changes import Changes
from post_coder.errors import ConflictError, InputError, NotFoundError
from post_coder.store import responses as responses_store
from post_coder.store import surveys
from post_coder.store.labels import MAX_LENGTH

if TYPE_CHECKING:
    from post_coder.importing.plan import ImportPlan


def clean_label(label: str) -> str:
    """``label`` on one line, checked: not empty, not too long."""
    text = " ".join(str(label).split())
    if not text:
        raise InputError("a short label cannot be empty")
    if len(text) > MAX_LENGTH:
        raise InputError(f"a short label has at most {MAX_LENGTH} characters "
                         f"(this one has {len(text)}); keep the full text as the question")
    return text


def _clash(label: str, own_name: str, others: Iterable[tuple[str, str]]) -> str | None:
    """Which other column (name, label) ``label`` would clash with, if any."""
    key = label.casefold()
    for name, other in others:
        if key == other.casefold():
            return f'"{name}" already has the short label "{other}"'
        if key == name.casefold() and key != own_name.casefold():
            return f'it is the name of another column, "{name}"'
    return None


def apply_labels(plan: "ImportPlan", labels: dict[str, str]) -> "ImportPlan":
    """``plan`` with these short labels (column → label), checked (see module doc)."""
    wanted = {plan.column(name).name: label for name, label in labels.items()}
    columns = list(plan.columns)
    for name, label in wanted.items():
        try:
            text = clean_label(label)
        except InputError as exc:
            raise InputError(f'{exc.message} (column "{name}")', file=plan.path,
                             column=name) from None
        columns = [replace(c, short_label=text) if c.name == name else c for c in columns]
    for c in columns:
        if c.name in wanted:
            problem = _clash(c.short_label, c.name, [(o.name, o.short_label) for o in columns
                                                     if o.name != c.name and o.role != "skip"])
            if problem:
                raise InputError(f'the short label "{c.short_label}" cannot be used: '
                                 f"{problem}; choose another", file=plan.path, column=c.name)
    return replace(plan, columns=columns)


def write_plan_labels(db: Any, dataset_id: str, plan: "ImportPlan") -> None:
    """Store the plan's short labels for a dataset just imported (suggestions for the rest)."""
    from post_coder.store import labels as store_labels

    surveys.set_short_labels(db, dataset_id, {c.name: c.short_label for c in plan.columns
                                              if c.short_label and c.role != "skip"})
    store_labels.fill_missing(db, dataset_id)


# -- renaming afterwards -----------------------------------------------------------------------

def rename_question(project: Any, question_id: str, label: str, *,
                    rationale: str | None = None) -> Changes:
    """Give an imported open-ended question a new short label (one undoable action)."""
    text = clean_label(label)
    with project.transact("Rename question") as step:
        _rename(step, "questions", question_id, text, rationale)
    return step.changes


def rename_attribute(project: Any, variable_id: str, label: str, *,
                     rationale: str | None = None) -> Changes:
    """Give an imported attribute variable a new short label (one undoable action)."""
    text = clean_label(label)
    with project.transact("Rename attribute") as step:
        _rename(step, "variables", variable_id, text, rationale)
    return step.changes


def _rename(step: Any, table: str, row_id: str, text: str, rationale: str | None) -> None:
    dataset_id, name, before = _row(step.db, table, row_id)
    if before == text:
        return
    others = [(n, lab or n) for i, n, lab in surveys.names_in_dataset(step.db, dataset_id)
              if i != row_id]
    problem = _clash(text, name, others)
    if problem:
        raise ConflictError(f'the short label "{text}" cannot be used: {problem}; '
                            "choose another")
    surveys.update_short_label(step.db, table, row_id, text)
    step.audit("rename", "question" if table == "questions" else "variable", row_id,
               before={"name": name, "short_label": before},
               after={"name": name, "short_label": text}, rationale=rationale)
    step.mark("datasets")


def _row(db: Any, table: str, row_id: str) -> tuple[str, str, str]:
    """(dataset id, column name, short label) of a question or variable."""
    if table == "questions":
        for q in surveys.list_questions(db):
            if q.id == row_id:
                return q.dataset_id, q.column_name, q.short_label
        raise NotFoundError("that question is not in this project")
    for v in surveys.list_variables(db, counts=False):
        if v.id == row_id:
            return v.dataset_id, v.name, v.short_label
    raise NotFoundError("that attribute is not in this project")


def find_labelled(project: Any, name: str) -> tuple[str, str]:
    """("question" or "attribute", id) of the one question or attribute ``name`` names (its
    short label, column name or full text); a plain error listing candidates otherwise."""
    from post_coder.importing.variables import variable_matches

    questions = {q for q, _ in responses_store.find_questions(project.db, name)}
    attributes = variable_matches(project.db, name)
    if len(questions) == 1 and not attributes:
        return "question", questions.pop()
    if len(attributes) == 1 and not questions:
        return "attribute", attributes[0].id
    if not questions and not attributes:
        shown = ", ".join(f'"{n}"' for n in _all_labels(project.db)[:20]) or "none yet"
        raise NotFoundError(f'there is no question or attribute "{name}" (there are: {shown})')
    if questions and not attributes:
        responses_store.find_question(project.db, name)  # raises, listing the candidates
    candidates = [f'question "{q.shown}" (dataset {_dataset(project.db, q.dataset_id)})'
                  for q in surveys.list_questions(project.db) if q.id in questions]
    candidates += [f'attribute "{v.shown}" (dataset {_dataset(project.db, v.dataset_id)})'
                   for v in attributes]
    raise NotFoundError(f'{len(candidates)} questions and attributes match "{name}": '
                        f'{"; ".join(candidates)}. Give the column name or full text of one')


def _dataset(db: Any, dataset_id: str) -> str:
    found = surveys.get_dataset(db, dataset_id)
    return f'"{found.name}"' if found else "?"


def _all_labels(db: Any) -> list[str]:
    return ([q.shown for q in surveys.list_questions(db)]
            + [v.shown for v in surveys.list_variables(db, counts=False)])
