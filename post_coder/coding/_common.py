"""Helpers shared by the coding services: colors, look-ups with friendly errors."""

from __future__ import annotations

import csv
import difflib
import re
from pathlib import Path

from post_coder.errors import InputError

#: distinct colors, readable on white and on a dark background
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf",
           "#8c564b", "#e377c2", "#bcbd22", "#7f7f7f", "#393b79", "#637939")

_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


def palette_color(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def check_color(color: str) -> str:
    if not _COLOR.match(color or ""):
        raise InputError(f'"{color}" is not a color; write it as #RRGGBB, for example #1f77b4')
    return color.lower()


def check_name(name: str, what: str = "name") -> str:
    name = (name or "").strip()
    if not name:
        raise InputError(f"the {what} cannot be empty")
    if len(name) > 200:
        raise InputError(f"the {what} is too long (at most 200 characters)")
    if "\x00" in name or "\n" in name:
        raise InputError(f"the {what} must be one line of text")
    return name


def did_you_mean(name: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(name, candidates, n=3, cutoff=0.6)
    if not close:
        return ""
    return " Did you mean " + " or ".join(f'"{c}"' for c in close) + "?"


def read_csv_table(path: Path, required: tuple[str, ...], what: str
                   ) -> list[tuple[int, dict[str, str]]]:
    """(spreadsheet row number, cells by lower-case column) of a small UTF-8 CSV we read.

    Missing file, wrong encoding, broken quoting or a missing ``required`` column give one
    plain :class:`InputError` naming the file; cells are stripped.
    """
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            header = [(h or "").strip().lower() for h in reader.fieldnames or []]
            missing = [c for c in required if c not in header]
            if missing:
                raise InputError(f"the {what} needs the column{'s' if len(required) > 1 else ''}"
                                 f" {', '.join(required)}; missing: {', '.join(missing)}",
                                 file=path, row=1)
            reader.fieldnames = header
            return [(i, {k: (v or "").strip() for k, v in r.items() if k})
                    for i, r in enumerate(reader, start=2)]
    except FileNotFoundError as exc:
        raise InputError("there is no such file", file=path) from exc
    except UnicodeDecodeError as exc:
        raise InputError("the file is not UTF-8 text; save it as CSV UTF-8", file=path) from exc
    except csv.Error as exc:
        raise InputError(f"the file is not a readable CSV ({exc})", file=path) from exc
