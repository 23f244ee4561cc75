"""What one action changed, so views know what to refresh (Anki's ``OpChanges``)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

#: the kinds of thing an action can change; each is a flag on :class:`Changes`
KINDS = ("project", "datasets", "responses", "coders", "codes", "codings", "memos")


@dataclass(frozen=True)
class Changes:
    """Flags for what a committed action touched, plus the action's label."""

    label: str = ""
    project: bool = False
    datasets: bool = False
    responses: bool = False
    coders: bool = False
    codes: bool = False
    codings: bool = False
    memos: bool = False
    #: ids created by the action (e.g. the new code of ``add_code``), in order
    created: tuple[str, ...] = field(default=())

    def any(self) -> bool:
        return any(getattr(self, k) for k in KINDS)

    @property
    def new_id(self) -> str:
        """The first id the action created (raises if it created none)."""
        if not self.created:
            raise LookupError(f"{self.label!r} created nothing")
        return self.created[0]


assert {f.name for f in fields(Changes)} >= set(KINDS)
