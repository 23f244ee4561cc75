"""Small read helpers for the coding workspace: the core's reads, shaped for views.

No SQL and no store here: each helper calls a core *read* function (``post_coder.queries``
and the services) and returns plain values the widgets can show. Writes never come through
this module (they go through ``Session.run``).
"""

from __future__ import annotations

from dataclasses import dataclass

from post_coder.coding.codebook import list_codes, tree_order
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
    codes = sorted(list_codes(project), key=lambda c: (c.sort_order, c.name.lower()))
    names = {c.id: c.name for c in codes}
    parents = {c.parent_id for c in codes}
    return [TreeCode(code, depth, names.get(code.parent_id or "", "") if depth else "",
                     code.id not in parents)
            for code, depth in tree_order(codes)]
