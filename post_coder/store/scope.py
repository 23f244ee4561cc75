"""The read scope: whose codings and memos a read may return.

Every read of codings, memos and their counts takes a :class:`ReadScope` and filters with
:func:`coders_clause`, the one place the scope becomes SQL. The scope for a person is built
by :func:`post_coder.team.rounds.read_scope` (while they code in an open blind round:
only their own codings and memos, project-wide); a read meant to see everything says so
with ``ReadScope.everyone()``. A read given anything else (``None``, a tuple of coder ids)
raises ``TypeError``, so a new read cannot forget the scope silently.
"""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class ReadScope:
    """Who reads (``coder_id``) and whose codings and memos they see (``visible_coders``;
    ``None``: everyone's)."""

    coder_id: str | None
    visible_coders: tuple[str, ...] | None

    def __post_init__(self) -> None:
        if self.visible_coders is not None:
            object.__setattr__(self, "visible_coders", tuple(self.visible_coders))

    @classmethod
    def everyone(cls) -> ReadScope:
        """Everyone's codings and memos (the lead's tools, writes checking what exists)."""
        return cls(None, None)

    @property
    def blind(self) -> bool:
        """Whether other coders' codings and memos are hidden."""
        return self.visible_coders is not None

    def sees(self, coder_id: str | None) -> bool:
        """Whether codings or memos by ``coder_id`` are in this scope."""
        return self.visible_coders is None or coder_id in self.visible_coders


def coders_clause(scope: ReadScope, column: str) -> tuple[str, list[str]]:
    """``(" AND column IN (…)", [param])`` limiting ``column`` (a coder or author id) to the
    scope, or ``("", [])`` when the scope sees everyone. Rows whose column is NULL (a memo
    without an author) are outside a blind scope."""
    if not isinstance(scope, ReadScope):
        raise TypeError(f"reads of codings and memos need a ReadScope (ReadScope.everyone() "
                        f"for all of them), not {scope!r}")
    if scope.visible_coders is None:
        return "", []
    return (f" AND {column} IN (SELECT value FROM json_each(?))",
            [json.dumps(list(scope.visible_coders))])
