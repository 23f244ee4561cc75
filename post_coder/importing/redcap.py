"""A REDCap data dictionary beside its data export: labels, choices and field types.

REDCap's data dictionary (``Project_DataDictionary_2025-01-20.csv``) has one row per field:
``Variable / Field Name, Form Name, Section Header, Field Type, Field Label, Choices,
Calculations, OR Slider Labels, Field Note, Text Validation Type OR Show Slider Number, …,
Identifier?, …``. Applied to the frame of a raw export (columns named by field) or a
labels export (columns headed by field labels), it gives:

* each column its field label as wording (HTML taken off);
* dropdown and radio fields (and yes/no, true/false) their choices: raw codes become the
  choice labels, and the levels are the labels in the dictionary's order (ordinal when they
  read as a known scale, else categorical);
* checkbox fields (``field___1…``) one multi-select whose options are the choice labels;
* field types: ``notes`` is an open-ended question; ``text`` with a date or number
  validation is a date or a number (not open-ended); ``text`` without one is left to the
  usual inference (an open-ended candidate); ``file`` uploads and identifiers (``Identifier?
  = y``) are skipped; ``calc``, ``descriptive``, ``slider`` and ``sql`` fields are left as
  the data shows them.

A dictionary is given explicitly (``import --dictionary``) or found beside an export named
the REDCap way (``Project_DATA_….csv``, ``Project_DATA_LABELS_….csv``). A bad dictionary is
an :class:`InputError` naming the dictionary file, its line and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from post_coder.errors import InputError
from post_coder.importing import readers
from post_coder.importing.frame import Frame, Grid, Group, Hint
from post_coder.importing.platforms import PRIVATE, norm
from post_coder.importing.scales import ordinal_from_labels

#: the dictionary's columns (as REDCap heads them, and the API's names) → our key
_COLUMNS = {
    "variablefieldname": "name", "fieldname": "name",
    "formname": "form",
    "fieldtype": "type",
    "fieldlabel": "label",
    "choicescalculationsorsliderlabels": "choices", "selectchoicesorcalculations": "choices",
    "textvalidationtypeorshowslidernumber": "validation",
    "textvalidationtypeorshowslidernumberi": "validation",
    "identifier": "identifier",
}
_REQUIRED = {"name": "Variable / Field Name", "type": "Field Type", "label": "Field Label",
             "choices": "Choices, Calculations, OR Slider Labels"}
FIELD_TYPES = ("text", "notes", "dropdown", "radio", "checkbox", "yesno", "truefalse", "calc",
               "descriptive", "file", "slider", "sql")
_CHOICE_TYPES = ("dropdown", "radio", "checkbox")
_FIXED = {"yesno": [("1", "Yes"), ("0", "No")], "truefalse": [("1", "True"), ("0", "False")]}
_TAG = re.compile(r"<[^>]*>")
_FIELD_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
#: REDCap's download names: ``MyStudy_DATA_2025-01-20_1012.csv`` (raw),
#: ``MyStudy_DATA_LABELS_2025-01-20_1012.csv`` (labels), ``MyStudy_DataDictionary_2025-01-20.csv``
_EXPORT_NAME = re.compile(r"(.+?)_DATA_(?:LABELS_)?.*\.csv", re.I)
_DICTIONARY_NAME = "{prefix}_DataDictionary_*.csv"


@dataclass(frozen=True)
class Field:
    name: str
    form: str
    type: str
    label: str
    #: (code, label) in the dictionary's order; empty for fields without choices
    choices: list[tuple[str, str]] = field(default_factory=list)
    validation: str = ""
    identifier: bool = False
    #: the dictionary line the field is on (for messages)
    line: int = 0


def read_dictionary(path: str | Path) -> dict[str, Field]:
    """The fields of a REDCap data dictionary, by name, in order."""
    path = Path(path)
    grid = readers.read(path)
    if not isinstance(grid, Grid):
        raise InputError("this is not a REDCap data dictionary (a CSV file with one row per "
                         "field)", file=path)
    rows = grid.rows
    header = [c.strip() for c in rows[0]] if rows else []
    where = {_COLUMNS[norm(h)]: i for i, h in reversed(list(enumerate(header)))
             if norm(h) in _COLUMNS}
    missing = [heading for key, heading in _REQUIRED.items() if key not in where]
    if missing:
        raise InputError(f'this is not a REDCap data dictionary: it has no "{missing[0]}" '
                         "column (export it from REDCap: Project Setup ▸ Data Dictionary)",
                         file=path, line=grid.line(0), column=missing[0])
    fields: dict[str, Field] = {}
    for index in range(1, len(rows)):
        row = rows[index]
        if not "".join(row).strip():
            continue
        got = {key: (row[i].strip() if i < len(row) else "") for key, i in where.items()}
        line = grid.line(index)
        found = _field(path, header, where, got, line)
        if found.name in fields:
            raise InputError(f'the field "{found.name}" is listed twice (lines '
                             f"{fields[found.name].line} and {line})", file=path, line=line,
                             column=header[where["name"]])
        fields[found.name] = found
    if not fields:
        raise InputError("the data dictionary lists no fields", file=path)
    return fields


def _field(path: Path, header: list[str], where: dict[str, int], got: dict[str, str],
           line: int) -> Field:
    def bad(key: str, message: str) -> InputError:
        return InputError(message, file=path, line=line, column=header[where[key]])

    name, kind = got["name"], got["type"].lower()
    if not name:
        raise bad("name", "this field has no variable name")
    if not _FIELD_NAME.fullmatch(name):
        raise bad("name", f'"{name}" is not a REDCap variable name (letters, digits and '
                          "underscores, starting with a letter)")
    if kind not in FIELD_TYPES:
        shown = f'"{got["type"]}"' if got["type"] else "nothing"
        raise bad("type", f'the field "{name}" has the type {shown}; REDCap field types are '
                          + ", ".join(FIELD_TYPES))
    choices = _FIXED.get(kind, [])
    if kind in _CHOICE_TYPES:
        choices = _choices(got["choices"], lambda message: bad("choices", f'the field "{name}" '
                                                                          + message))
    return Field(name=name, form=got.get("form", ""), type=kind,
                 label=" ".join(_TAG.sub(" ", got["label"]).split()) or name,
                 choices=choices, validation=got.get("validation", "").lower(),
                 identifier=got.get("identifier", "").lower() in ("y", "yes"), line=line)


def _choices(text: str, bad) -> list[tuple[str, str]]:
    """``"1, Female | 2, Male"`` → [("1", "Female"), ("2", "Male")]."""
    if not text.strip():
        raise bad("has no choices; list them as 1, First | 2, Second")
    out: list[tuple[str, str]] = []
    for part in text.split("|"):
        code, comma, label = part.partition(",")
        code, label = code.strip(), " ".join(_TAG.sub(" ", label).split())
        if not comma or not code or not label:
            raise bad(f'has a choice "{part.strip()[:40]}" that is not "code, label" '
                      "(choices are separated by |, e.g. 1, First | 2, Second)")
        if any(code == c for c, _ in out):
            raise bad(f'has the choice code "{code}" twice')
        out.append((code, label))
    return out


def find_dictionary(export: str | Path) -> Path | None:
    """The data dictionary downloaded beside a REDCap export named the REDCap way
    (``MyStudy_DATA_….csv`` → ``MyStudy_DataDictionary_….csv``; the latest when there are
    several), or None."""
    export = Path(export)
    found = _EXPORT_NAME.fullmatch(export.name)
    if not found:
        return None
    pattern = _DICTIONARY_NAME.format(prefix=glob_escape(found.group(1)))
    candidates = sorted(p for p in export.parent.glob(pattern) if p.is_file())
    return candidates[-1] if candidates else None


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


# -- applying it to a frame ---------------------------------------------------------------------

def apply_dictionary(frame: Frame, path: str | Path) -> str:
    """Apply the dictionary at ``path`` to ``frame`` (see the module doc); returns a note
    saying what it did. Raises when none of its fields is a column of the file."""
    path = Path(path)
    fields = read_dictionary(path)
    by_label: dict[str, list[Field]] = {}
    for f in fields.values():
        by_label.setdefault(f.label.casefold(), []).append(f)
    used = 0
    for f in fields.values():
        if f.type == "checkbox":
            used += _checkbox(frame, f)
    grouped = {c for g in frame.groups for c in g.columns}
    for name in frame.names:
        if name in grouped:
            continue
        f = fields.get(name)
        raw = f is not None
        if f is None:
            same = by_label.get(" ".join(name.split()).casefold(), [])
            f = same[0] if len(same) == 1 else None
            if f is not None and f.name not in frame.columns:
                frame.aliases.setdefault(f.name, name)
        if f is None or f.type == "checkbox":
            continue
        used += 1
        _field_hint(frame, name, f, raw=raw)
    if not used:
        raise InputError(f"none of the data dictionary's fields is a column of {frame.path.name}"
                         "; is it the dictionary of another REDCap project?", file=path)
    return (f'read the REDCap data dictionary "{path.name}": labels, choices and field types '
            f"of {used} column{'' if used == 1 else 's'}")


def _field_hint(frame: Frame, name: str, f: Field, *, raw: bool) -> None:
    hint = frame.hints.setdefault(name, Hint())
    frame.wording[name] = f.label
    if f.identifier:
        hint.role, hint.note = "skip", f"{PRIVATE}: a REDCap identifier"
    elif f.type == "file":
        hint.role, hint.note = "skip", "REDCap file upload"
    if f.choices:
        mapping = dict(f.choices)
        if raw:  # a labels export holds the labels already
            frame.columns[name] = [mapping.get(v.strip(), v) for v in frame.columns[name]]
        levels = [label for _, label in f.choices]
        hint.type = "ordinal" if ordinal_from_labels(levels) else "categorical"
        hint.levels, hint.labels = levels, mapping
    elif f.type == "notes":
        if hint.role is None:
            hint.role, hint.note = "open_ended", "REDCap notes field"
        hint.type = "text"
    elif f.type == "text" and f.validation.startswith(("date", "datetime")):
        hint.type = "date"
        if hint.role is None:
            hint.role = "attribute"
    elif f.type == "slider" or (f.type == "text"
                                and f.validation.startswith(("number", "integer"))):
        hint.type = "numeric"
        if hint.role is None:
            hint.role = "attribute"


def _checkbox(frame: Frame, f: Field) -> int:
    """The columns ``field___code`` (raw) or ``Label (choice=Option)`` (labels) of a
    checkbox field as one multi-select group with the dictionary's options; 1 when found."""
    raw = {f"{f.name}___{code}".casefold(): label for code, label in f.choices}
    shown = {f"{f.label} (choice={label})".casefold(): label for _, label in f.choices}
    columns, options, by_name = [], [], False
    for name in frame.names:
        key = " ".join(name.split()).casefold()
        label = raw.get(key) or shown.get(key)
        if label is not None:
            columns.append(name)
            options.append(label)
            by_name = by_name or key in raw
    if not columns:
        return 0
    frame.groups = [g for g in frame.groups if not set(g.columns) & set(columns)]
    name = f.name if by_name else f.label
    if name in frame.columns:
        name = f"{name} (options)"
    if not by_name:
        frame.aliases.setdefault(f.name, name)
    frame.groups.append(Group(name, columns, options, wording=f.label,
                              checked=frozenset({"1", "checked"}),
                              unchecked=frozenset({"0", "unchecked"})))
    frame.groups.sort(key=lambda g: frame.names.index(g.columns[0]))
    for column in columns:
        frame.hints.setdefault(column, Hint())
    return 1
