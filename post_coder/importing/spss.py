"""SPSS ``.sav`` files via pyreadstat.

Variable labels become question wording; value labels become the levels (in code order)
of a categorical, or ordinal, variable, and cells hold the label text. The file's own
character encoding is used (reported as the plan's encoding). Numbers are written out as
text the way SPSS shows them (``1`` not ``1.0``); dates as ISO text.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from post_coder.errors import InputError
from post_coder.importing.frame import Frame, Hint
from post_coder.importing.scales import ordinal_from_labels


def read_sav(path: Path, sha: str) -> Frame:
    import pyreadstat

    try:
        df, meta = pyreadstat.read_sav(str(path))
    except (pyreadstat.ReadstatError, pyreadstat.PyreadstatError, ValueError, OSError,
            UnicodeDecodeError) as exc:
        raise InputError(f"this SPSS file cannot be read ({exc}); it may be damaged or "
                         "truncated", file=path) from exc
    names = list(meta.column_names)
    if not names:
        raise InputError("the file is empty", file=path)
    labels = meta.column_names_to_labels or {}
    value_labels = meta.variable_value_labels or {}
    measures = meta.variable_measure or {}
    columns: dict[str, list[str]] = {}
    hints: dict[str, Hint] = {}
    for name in names:
        mapping = {_code_text(k): str(v) for k, v in value_labels.get(name, {}).items()}
        columns[name] = [_cell(v, mapping) for v in df[name].tolist()]
        if mapping:
            levels = list(dict.fromkeys(mapping.values()))
            ordinal = measures.get(name) == "ordinal" or ordinal_from_labels(levels)
            hints[name] = Hint(type="ordinal" if ordinal else "categorical", levels=levels,
                               labels=mapping)
    wording = {n: str(labels.get(n) or n) for n in names}
    return Frame(path=path, sha256=sha, format="sav", platform="generic", header_rows=0,
                 names=names, columns=columns, row_numbers=list(range(1, len(df) + 1)),
                 wording=wording, hints=hints, encoding=meta.file_encoding or None)


def _code_text(code: Any) -> str:
    if isinstance(code, float) and code.is_integer():
        return str(int(code))
    return str(code)


def _cell(value: Any, labels: dict[str, str]) -> str:
    if value is None or value != value:  # None, NaN, NaT
        return ""
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    elif isinstance(value, dt.datetime):
        text = value.strftime("%Y-%m-%d %H:%M:%S") if value.time() != dt.time(0) \
            else value.date().isoformat()
    elif isinstance(value, (dt.date, dt.time)):
        text = value.isoformat()
    else:
        text = str(value)
    return labels.get(text, text) if labels else text
