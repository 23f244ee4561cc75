"""Small read helpers for the coding workspace: the core's reads, shaped for views.

No SQL and no store here: each helper calls a core *read* function (``post_coder.queries``
and the services) and returns plain values the widgets can show. Writes never come through
this module (they go through ``Session.run``).
"""

from __future__ import annotations

from dataclasses import dataclass

from post_coder.coding.codebook import list_codes
from post_coder.coding.coders import list_coders
from post_coder.project import Project
from post_coder.queries import (Code, Coder, QuestionInfo, ReadScope, ResponseRow, VariableInfo,
                                attribute_values, format_value, has_survey, questions,
                                respondent_attributes, response_rows, variable_choices,
                                variables)

__all__ = ["Code", "Coder", "QuestionInfo", "TreeCode", "VariableInfo", "attribute_values",
           "format_value", "has_survey", "questions", "respondent_attributes",
           "variable_choices", "variables"]


@dataclass(frozen=True)
class TreeCode:
    """An active code with its place in the codebook tree (for combos, palettes, pins)."""

    code: Code
    depth: int
    parent_name: str
    is_leaf: bool


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
