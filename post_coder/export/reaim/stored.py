"""The RE-AIM spec kept in the project (its TOML text as written), so the summary travels
with the data: saved as one undoable action, read back as text or as a :class:`Spec`."""

from __future__ import annotations

from post_coder.changes import Changes
from post_coder.errors import NotFoundError
from post_coder.export.reaim.spec import Spec, SpecError, parse_spec
from post_coder.export.reaim.summary import check_spec
from post_coder.ids import new_id
from post_coder.project import Project
from post_coder.store import summary_specs as store
from post_coder.store.db import now

__all__ = ["SPEC_NAME", "save_spec", "stored_spec", "stored_spec_text"]

#: the name the project's RE-AIM spec is kept under
SPEC_NAME = store.REAIM


def stored_spec_text(project: Project) -> str | None:
    """The stored spec's TOML text exactly as saved, or None when there is none."""
    found = store.get(project.db, SPEC_NAME)
    return found.toml if found else None


def stored_spec(project: Project) -> Spec:
    """The stored spec, parsed; a plain error when the project has none."""
    text = stored_spec_text(project)
    if text is None:
        raise NotFoundError("this project has no RE-AIM spec yet: give one with --spec "
                            "SPEC.toml (add --save to keep it in the project), or import one "
                            "with: post-coder reaim spec import PROJECT SPEC.toml")
    return parse_spec(text)


def save_spec(project: Project, text: str) -> Changes:
    """Keep ``text`` as the project's RE-AIM spec (replacing the one before): checked first
    (its shape, then against the project's datasets and codes), then saved as one undoable
    action "Save RE-AIM spec" with an audit entry holding the text before and after."""
    spec = parse_spec(text)
    problems = check_spec(project, spec)
    if problems:
        raise SpecError(problems)
    with project.transact("Save RE-AIM spec") as step:
        before, saved = store.put(step.db, SPEC_NAME, text, now(), project.actor, new_id())
        if before is None:
            step.created(saved.id)
        step.audit("save", "summary_spec", saved.id,
                   before={"toml": before.toml} if before else None, after={"toml": text})
        step.mark("project")
    return step.changes
