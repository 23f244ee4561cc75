"""Small read helpers for the coding workspace: the store's read functions, shaped for views.

No SQL here: each helper calls a core or store *read* function and returns plain values the
widgets can show. Writes never come through this module (they go through ``Session.run``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from post_coder.coding.codebook import list_codes
from post_coder.coding.coders import list_coders
from post_coder.project import Project
from post_coder.queries import ReadScope, ResponseRow, response_rows
from post_coder.store import surveys
from post_coder.store.codes import Code
from post_coder.store.coders import Coder
from post_coder.store.surveys import QuestionInfo, VariableInfo

__all__ = ["Code", "Coder", "QuestionInfo", "TreeCode", "VariableInfo"]


@dataclass(frozen=True)
class TreeCode:
    """An active code with its place in the codebook tree (for combos, palettes, pins)."""

    code: Code
    depth: int
    parent_name: str
    is_leaf: bool


def questions(project: Project) -> list[QuestionInfo]:
    return surveys.list_questions(project.db)


def has_survey(project: Project) -> bool:
    return surveys.has_questions(project.db)


def variables(project: Project) -> list[VariableInfo]:
    """Attribute variables (names, labels, types, levels; not counted: fast)."""
    return surveys.list_variables(project.db, counts=False)


def variable_choices(project: Project, variable_id: str) -> list[str]:
    """The values a person can tick for a variable: its levels, else the values present."""
    for variable in variables(project):
        if variable.id == variable_id and variable.levels:
            return [str(v) for v in variable.levels]
    return [format_value(v) for v in surveys.variable_value_counts(project.db, variable_id)]


def format_value(value: Any) -> str:
    """A stored attribute value as text: multi-select lists joined, 3.0 shown as 3."""
    if isinstance(value, list):
        return "; ".join(format_value(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


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


def response_row(project: Project, scope: ReadScope, response_id: str) -> ResponseRow | None:
    found = response_rows(project, scope, [response_id])
    return found[0] if found else None


def coders(project: Project) -> list[Coder]:
    return list_coders(project)


def codes_by_id(project: Project) -> dict[str, Code]:
    """Every code, active or not (old codings may use merged or retired codes)."""
    return {c.id: c for c in list_codes(project, include_inactive=True)}


def code_tree(project: Project) -> list[TreeCode]:
    """Active codes in codebook order: each parent followed by its children (depth-first)."""
    codes = list_codes(project)
    known = {c.id for c in codes}
    children: dict[str | None, list[Code]] = {}
    for code in codes:
        parent = code.parent_id if code.parent_id in known else None
        children.setdefault(parent, []).append(code)
    for siblings in children.values():
        siblings.sort(key=lambda c: (c.sort_order, c.name.lower()))
    names = {c.id: c.name for c in codes}
    out: list[TreeCode] = []

    def walk(parent: str | None, depth: int) -> None:
        for code in children.get(parent, []):
            out.append(TreeCode(code, depth, names.get(parent or "", ""),
                                code.id not in children))
            walk(code.id, depth + 1)

    walk(None, 0)
    return out


def descendants(tree: list[TreeCode], code_id: str) -> list[str]:
    """``code_id`` and every active code below it."""
    by_parent: dict[str | None, list[str]] = {}
    for item in tree:
        by_parent.setdefault(item.code.parent_id, []).append(item.code.id)
    out, todo = [], [code_id]
    while todo:
        current = todo.pop(0)
        out.append(current)
        todo.extend(by_parent.get(current, []))
    return out
