"""Typed ids. Every entity is keyed by a UUID string so project files can be merged."""

from __future__ import annotations

import os
import uuid
from typing import NewType

ProjectId = NewType("ProjectId", str)
DatasetId = NewType("DatasetId", str)
RespondentId = NewType("RespondentId", str)
VariableId = NewType("VariableId", str)
QuestionId = NewType("QuestionId", str)
ResponseId = NewType("ResponseId", str)
CoderId = NewType("CoderId", str)
CodeId = NewType("CodeId", str)
CodingId = NewType("CodingId", str)
MemoId = NewType("MemoId", str)


def new_id() -> str:
    """A fresh random UUID (version 4) as a 36-character string."""
    return str(uuid.uuid4())


def new_ids(count: int) -> list[str]:
    """``count`` fresh random UUIDs (version 4, as :func:`new_id`), made in bulk and handed
    out in sorted order (so the indexes an import fills grow at their end).

    One call to the system's random source for all of them, formatted with numpy: an import
    of 100,000 rows needs several hundred thousand ids, and ``uuid.uuid4()`` one by one plus
    a sort in Python takes seconds.
    """
    if count <= 0:
        return []
    import numpy as np  # local: only imports need ids by the hundred thousand

    raw = np.frombuffer(os.urandom(16 * count), dtype=np.uint8).reshape(count, 16).copy()
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40  # version 4
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80  # variant RFC 4122
    # numeric order of the bytes = order of the text: the first eight bytes decide it (a
    # sort of one key, not two), unless two ids share them (about never: then both halves)
    high = raw[:, :8].copy().view(">u8").ravel()
    order = np.argsort(high)
    first = high[order]
    if (first[1:] == first[:-1]).any():
        order = np.lexsort((raw[:, 8:].copy().view(">u8").ravel(), high))
    # hex digits made in C, each id's 32 put between its dashes, ids one to a line
    hexed = np.frombuffer(raw[order].tobytes().hex().encode("ascii"), dtype=np.uint8)
    text = np.full((count, 37), ord("-"), dtype=np.uint8)
    text[:, _HEX_COLUMNS] = hexed.reshape(count, 32)
    text[:, 36] = ord("\n")
    ids = text.tobytes().decode("ascii").split("\n")
    ids.pop()  # the empty text after the last line's end
    return ids


#: where the 32 hex digits go in ``xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx``
_HEX_COLUMNS = [i for i in range(36) if i not in (8, 13, 18, 23)]
