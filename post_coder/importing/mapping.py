"""A person's choices applied to an :class:`ImportPlan`, and the plan in plain words."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from post_coder.errors import InputError
from post_coder.importing import infer
from post_coder.importing.frame import Hint
from post_coder.importing.plan import id_warnings, inspected_frame
from post_coder.importing.platforms import PLATFORM_NAMES

if TYPE_CHECKING:
    from post_coder.importing.plan import ColumnPlan, ImportPlan

_ROLE_WORDS = {"id": "id", "open_ended": "open-ended", "attribute": "attribute", "skip": "skip"}
_DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


def apply_mapping(plan: "ImportPlan", *, id_column: Any, open_ended: list[str] | None,
                  attributes: list[str] | None, types: dict[str, str] | None,
                  keep: Any, levels: dict[str, list[str]] | None = None) -> "ImportPlan":
    for name in [*(open_ended or []), *(attributes or []), *(types or {}), *(levels or {})]:
        plan.column(name)  # raises for an unknown column
    # columns may be given by code, heading or wording: from here on, by name
    if open_ended is not None:
        open_ended = [plan.resolve(n) for n in open_ended]
    if attributes is not None:
        attributes = [plan.resolve(n) for n in attributes]
    if types is not None:
        types = {plan.resolve(n): t for n, t in types.items()}
    if id_column is not keep and id_column is not None:
        id_column = plan.column(id_column).name
    new_id = plan.id_column if id_column is keep else id_column
    if new_id is not None:
        _check_plain(plan, plan.column(new_id), "the respondent id")
    chosen_open = _resolve(plan, "open_ended", open_ended, attributes, new_id)
    chosen_attrs = _resolve(plan, "attribute", attributes, open_ended, new_id)
    for name in chosen_open:
        _check_plain(plan, plan.column(name), "an open-ended question")
    columns = []
    for c in plan.columns:
        role = ("id" if c.name == new_id else "open_ended" if c.name in chosen_open
                else "attribute" if c.name in chosen_attrs else "skip")
        columns.append(replace(c, role=role))
    columns = [_retype(plan, c, types[c.name]) if types and c.name in types else c
               for c in columns]
    if levels:
        ordered = {plan.resolve(n): lv for n, lv in levels.items()}
        columns = [_reorder(plan, c, ordered[c.name]) if c.name in ordered else c
                   for c in columns]
    if plan.is_table and chosen_open:
        name = sorted(chosen_open)[0]
        raise InputError("it cannot be an open-ended question in a data table, which has "
                         "nothing to code; make it an attribute, or import the file as a "
                         "survey to code it", file=plan.path, column=name)
    frame = inspected_frame(plan)
    warnings = id_warnings(frame, new_id) if frame is not None else []
    return replace(plan, columns=columns, id_column=new_id, warnings=warnings)


def _resolve(plan: "ImportPlan", role: str, given: list[str] | None, other: list[str] | None,
             new_id: str | None) -> set[str]:
    """The columns that get ``role``: as given, or as planned minus those now chosen otherwise."""
    if given is not None:
        for name in given:
            if name == new_id:
                raise InputError(f'column "{name}" is the respondent id; it cannot also be '
                                 f"{_ROLE_WORDS[role]}", file=plan.path, column=name)
            if other is not None and name in other:
                raise InputError(f'column "{name}" cannot be both open-ended and an attribute',
                                 file=plan.path, column=name)
        return set(given)
    taken = set(other or []) | {new_id}
    return {c.name for c in plan.columns if c.role == role and c.name not in taken}


def _check_plain(plan: "ImportPlan", column: "ColumnPlan", what: str) -> None:
    if len(column.source_columns) > 1:
        raise InputError(f'column "{column.name}" is a multi-select question made of '
                         f"{len(column.source_columns)} columns; it cannot be {what}",
                         file=plan.path, column=column.name)


def _retype(plan: "ImportPlan", column: "ColumnPlan", kind: str) -> "ColumnPlan":
    kind = kind.strip().lower().replace("-", "_").replace(" ", "_")
    if kind not in infer.TYPES:
        raise InputError(f'"{kind}" is not a column type; use one of {", ".join(infer.TYPES)}',
                         file=plan.path, column=column.name)
    if len(column.source_columns) > 1 and kind != "multi_select":
        raise InputError(f'column "{column.name}" is a multi-select question; its type stays '
                         "multi_select", file=plan.path, column=column.name)
    if kind == column.type:
        return column
    frame = inspected_frame(plan)
    if frame is None:
        return replace(column, type=kind, levels=[])
    p = infer.profile(frame.columns[column.name], decimal_comma=frame.delimiter == ";")
    hint = frame.hint(column.name)
    levels = infer.levels_for(kind, p, Hint(levels=hint.levels))
    return replace(column, type=kind, levels=levels)


def _reorder(plan: "ImportPlan", column: "ColumnPlan", given: list[str]) -> "ColumnPlan":
    """``column`` with its levels in the order given. A column of another type becomes
    ordinal; a multi-select keeps its type (the order is that of its options)."""
    answers = _answers(plan, column)
    try:
        ordered = check_levels(given, answers, column.type == "multi_select")
    except ValueError as exc:
        raise InputError(f'the levels given for column "{column.name}" {exc}', file=plan.path,
                         column=column.name) from None
    kind = column.type if column.type in ("ordinal", "categorical", "multi_select") \
        else "ordinal"
    extra = [lv for lv in column.levels if lv not in ordered and lv not in answers]
    return replace(column, type=kind, levels=ordered + extra)


def _answers(plan: "ImportPlan", column: "ColumnPlan") -> list[str]:
    """The answers a level order must cover: a multi-select's options, else the column's
    distinct answers (non-answers such as "N/A" aside)."""
    if column.type == "multi_select":
        return list(column.levels)
    frame = inspected_frame(plan)
    if frame is None or column.name not in frame.columns:
        return list(column.levels)
    return list(infer.profile(frame.columns[column.name]).counts)


def check_levels(given: list[str], answers: list[str], options: bool = False) -> list[str]:
    """The levels as given (trimmed), or ValueError (a phrase finishing "the levels given
    for …") when one is empty or repeated, or when an answer is left out."""
    levels = [lv.strip() for lv in given]
    if not levels or any(not lv for lv in levels):
        raise ValueError("include an empty level; separate levels with |, e.g. "
                         '"Low|Medium|High"')
    repeated = sorted({lv for lv in levels if levels.count(lv) > 1})
    if repeated:
        raise ValueError(f'name "{repeated[0]}" twice')
    missing = [a for a in answers if a not in levels]
    if missing:
        shown = ", ".join(f'"{m}"' for m in missing[:5]) + (" …" if len(missing) > 5 else "")
        what = "options" if options else "answers"
        raise ValueError(f"leave out {len(missing)} of its {what}: {shown}; list every one "
                         "(levels nobody chose may be added)")
    return levels


# -- describe ---------------------------------------------------------------------------------

def describe(plan: "ImportPlan") -> str:
    """The plan as text: file, detected format, and one line per column."""
    lines = [f"File: {plan.path.name}", "Format: " + _format_line(plan),
             f"Platform: {PLATFORM_NAMES.get(plan.platform, plan.platform)}"
             + (f" ({plan.header_rows} header rows)" if plan.header_rows > 1 else ""),
             f"Rows: {plan.row_count}" if plan.is_table else
             f"Rows: {plan.row_count} respondent{'' if plan.row_count == 1 else 's'}",
             ("Row id: " if plan.is_table else "Respondent id: ")
             + (f'column "{plan.id_column}"' if plan.id_column
                else f"none ({'rows' if plan.is_table else 'respondents'} are numbered by row)"),
             "", f"Columns ({len(plan.columns)}):",
             f"  {'role':<11} {'type':<13} {'answers':>7} {'blank':>6} {'non-ans':>7}  column"]
    for c in plan.columns:
        lines += _column_lines(c)
    lines.append("")
    if plan.is_table:
        lines.append("Imported as a data table (no answers to code): "
                     + (", ".join(plan.attributes) or "no column chosen"))
    elif plan.open_ended:
        lines.append("Open-ended questions to code: " + ", ".join(plan.open_ended))
    else:
        lines.append("No open-ended question found: choose one with --open-ended COLUMN, or "
                     "import the file as a data table with --table.")
    lines += [f"Note: {n}" for n in plan.notes]
    lines += [f"Warning: {w}" for w in plan.warnings]
    return "\n".join(lines)


def _format_line(plan: "ImportPlan") -> str:
    parts = [plan.format.upper()]
    if plan.delimiter:
        parts.append(f"{_DELIMITERS.get(plan.delimiter, repr(plan.delimiter))}-delimited")
    if plan.encoding:
        parts.append(f"encoding {plan.encoding}")
    if plan.sheet:
        parts.append(f'sheet "{plan.sheet}" (of {len(plan.sheets)})')
    return ", ".join(parts)


def _column_lines(c: "ColumnPlan") -> list[str]:
    label = c.name if c.wording in ("", c.name) else f'{c.name}  "{_short(c.wording, 70)}"'
    if c.note:
        label += f"  ({c.note})"
    lines = [f"  {_ROLE_WORDS[c.role]:<11} {c.type:<13} {c.n_answers:>7} {c.n_blank:>6} "
             f"{c.n_nonanswer:>7}  {label}"]
    if c.short_label and c.short_label != c.name and c.role != "skip":
        lines.append(f"{'':>50}short label: {c.short_label}")
    if c.levels and c.role != "skip":
        sep = " < " if c.type == "ordinal" else ", "
        lines.append(f"{'':>50}levels: {_short(sep.join(c.levels), 100)}")
    if c.role == "open_ended" and c.sample:
        lines.append(f"{'':>50}e.g. \"{_short(c.sample[0], 80)}\"")
    return lines


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"
