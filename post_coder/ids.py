"""Typed ids. Every entity is keyed by a UUID string so project files can be merged."""

from __future__ import annotations

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
