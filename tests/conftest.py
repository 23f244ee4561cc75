"""Shared fixtures: fresh projects, the shared/ folder, table dumps for "nothing changed"."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from post_coder.project import Project  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture
def shared() -> Path:
    """The read-only shared/ folder beside the checkout (real survey exports, schemas…)."""
    if not SHARED.is_dir():
        pytest.fail(f"shared/ folder not found at {SHARED}")
    return SHARED


@pytest.fixture
def project(tmp_path: Path):
    """A fresh, empty project file, closed after the test."""
    p = Project.create(tmp_path / "test.postcoder", name="Test project")
    yield p
    if p.db.conn is not None:
        try:
            p.close()
        except Exception:
            pass


def dump(project: Project) -> dict[str, list[tuple]]:
    """Every row of every table (FTS shadow tables included), for before/after comparisons."""
    db = project.db
    names = [r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " ORDER BY name")]
    out = {}
    for name in names:
        if name == "responses_fts":
            continue  # the virtual table itself; its shadow tables are dumped
        rows = db.execute(f'SELECT * FROM "{name}"').fetchall()
        out[name] = sorted(rows, key=repr)
    return out


@pytest.fixture
def snapshot():
    """``snapshot(project)`` → a dump of all tables; compare two with ``==``."""
    return dump
