"""Helpers for the teamwork tests: project states to compare, codings as coders see them."""

from __future__ import annotations

from pathlib import Path

from post_coder.project import Project, copy_file
from post_coder.store import exchange as exchange_store

#: the tables that make up what a team has done (not the logs of how it was merged)
STATE_TABLES = ("coders", "codes", "codings", "memos", "rounds", "round_coders",
                "round_responses", "merge_bases")


def state(project: Project) -> dict[str, list[tuple]]:
    """The team's work in a project, for order-independence comparisons."""
    from tests.conftest import dump

    everything = dump(project)
    return {t: everything[t] for t in STATE_TABLES}


def true_codings(project: Project, coder_id: str | None = None) -> dict[str, tuple]:
    """id → true state (``store.exchange.CODING_COLUMNS``) of every coding."""
    return {r[0]: r for r in exchange_store.true_codings(project.db, coder_id)}


def shown(project: Project) -> dict[str, tuple]:
    """id → stored row of every coding a person sees (live, not hidden)."""
    return {r[0]: r for r in project.db.execute(
        "SELECT id, response_id, code_id, coder_id, span_start, span_end FROM codings"
        " WHERE deleted_at IS NULL").fetchall()}


def hidden_duplicates(project: Project) -> dict[str, str]:
    return dict(project.db.execute(
        "SELECT id, duplicate_of FROM codings WHERE duplicate_of IS NOT NULL").fetchall())


def copy_project(source: Path, target: Path) -> Project:
    copy_file(source, target)
    return Project.open(target)
