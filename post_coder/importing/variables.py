"""Changing an imported attribute variable after the import: its level order.

:func:`set_levels` is one undoable action (one transaction, an Edit ▸ Undo step) with an
audit entry holding the levels before and after. The ``variables`` table is in the undo
journal (``store/journal.py``) since short labels (``importing/labels.py``) became editable.
"""

from __future__ import annotations

from collections.abc import Collection

import difflib
from typing import Any

from post_coder.changes import Changes
from post_coder.errors import InputError, NotFoundError
from post_coder.importing.mapping import check_levels
from post_coder.store import surveys
from post_coder.store.surveys import VariableInfo

#: types whose values are levels that have an order
ORDERED_TYPES = ("ordinal", "categorical", "multi_select")


def find_variable(project: Any, variable: str,
                  within: Collection[str] | None = None) -> VariableInfo:
    """The attribute variable with this id, short label, name or full text (in one dataset
    only). ``within``: dataset ids to prefer when the name is in several datasets (a theme
    table's attribution looks in the surveys its answers come from, not in a data table
    that has a column of the same name)."""
    if within is not None:
        named = [v for v in variable_matches(project.db, variable) if v.dataset_id in within]
        if len(named) == 1:
            return named[0]
    return _find(project.db, variable)


def variable_matches(db: Any, variable: str) -> list[VariableInfo]:
    """The variables with this id, or this short label, name or full text (any case, spaces
    as written or on one line)."""
    found = surveys.list_variables(db, counts=False)
    by_id = [v for v in found if v.id == variable]
    if by_id:
        return by_id
    exact = [v for v in found if variable in (v.name, v.short_label)]
    if exact:
        return exact
    wanted = " ".join(variable.split()).casefold()
    return [v for v in found if wanted and wanted in {
        " ".join(text.split()).casefold() for text in (v.name, v.short_label, v.label)}]


def _find(db: Any, variable: str) -> VariableInfo:
    named = variable_matches(db, variable)
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        shown = "; ".join(f'"{v.shown}" (column "{v.name}", dataset '
                          f'"{_dataset_name(db, v.dataset_id)}")' for v in named[:6])
        raise InputError(f'{len(named)} attributes match "{variable}": {shown}. Give the '
                         "column name or full text of one, or the variable's id")
    found = surveys.list_variables(db, counts=False)
    close = difflib.get_close_matches(variable, [v.shown for v in found], n=3, cutoff=0.6)
    hint = (" Did you mean " + " or ".join(f'"{c}"' for c in close) + "?") if close else ""
    raise NotFoundError(f'there is no attribute variable "{variable}" in this project.{hint}')


def _dataset_name(db: Any, dataset_id: str) -> str:
    found = surveys.get_dataset(db, dataset_id)
    return found.name if found else "?"


def set_levels(project: Any, variable: str, levels: list[str], *,
               rationale: str | None = None) -> Changes:
    """Give an ordinal, categorical or multi-select variable its levels in this order
    (low → high for a scale). Every stored value must be among them; levels nobody chose
    may be added. One undoable action with an audit entry."""
    found, ordered = _checked(project.db, variable, levels)
    if ordered == list(found.levels):
        return Changes(label="Set levels")  # nothing to do: no undo step
    with project.transact("Set levels") as step:
        found, ordered = _checked(step.db, variable, levels)
        surveys.update_variable_levels(step.db, found.id, ordered)
        step.mark("datasets")
        step.audit("set_levels", "variable", found.id, before=list(found.levels),
                   after=ordered, rationale=rationale)
    return step.changes


def _checked(db: Any, variable: str, levels: list[str]) -> tuple[VariableInfo, list[str]]:
    found = _find(db, variable)
    if found.type not in ORDERED_TYPES:
        raise InputError(f'"{found.name}" is a {found.type} variable; only ordinal, '
                         "categorical and multi-select variables have levels to order")
    stored = [surveys.format_value(v) for v in surveys.variable_value_counts(db, found.id)]
    try:
        ordered = check_levels(list(levels), stored, found.type == "multi_select")
    except ValueError as exc:
        raise InputError(f'the levels given for "{found.name}" {exc}') from None
    return found, ordered
