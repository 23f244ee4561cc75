"""Analysis ▸ Suggest Code Groupings on a small synthetic survey (tests/suggest_corpus.py):
Ben codes the "time" answers as "shifts" or "workload" and the "privacy" answers as
"stigma" or "confidential" by their words, so two pairs of codes belong together."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from post_coder.coding.codebook import add_code, list_codes
from post_coder.coding.codings import accept_codes
from post_coder.project import Project
from post_coder.store.scope import ReadScope
from post_coder.suggest.groupings import suggest_groupings
from post_coder.ui.groupings_panel import GroupingsPanel
from tests.ui.suggest_helpers import open_window, run, small_survey

EVERYONE = ReadScope.everyone()
SPLIT = {"shifts": ("time", ("shift", "rota", "hours")),
         "workload": ("time", ("workload", "busy", "understaffed", "overtime", "rota")),
         "stigma": ("privacy", ("stigma", "judged", "gossip", "reputation")),
         "confidential": ("privacy", ("confidential", "privacy", "record", "anonym", "gossip"))}


def _ben_splits_two_themes(p, answers, rows, ids):
    code = {name: add_code(p, name).new_id for name in SPLIT}
    accept_codes(p, [(rows[a.respondent], code[name]) for a in answers
                     if a.respondent in rows for name, (theme, words) in SPLIT.items()
                     if a.theme == theme and any(w in a.text.lower() for w in words)],
                 ids["Ben"])


@pytest.fixture
def small(tmp_path):
    path, ids = small_survey(tmp_path, ["Ben"], _ben_splits_two_themes)
    project = Project.open(path)
    yield project, ids["Ben"]
    project.close()


@pytest.fixture
def panel(qtbot, small):
    return open_window(qtbot, GroupingsPanel, *small)


def _run(qtbot, w):
    run(qtbot, w)


def _listed(w):
    return [tuple(w.tree.topLevelItem(i).text(1).split(", "))
            for i in range(w.tree.topLevelItemCount())]


def test_proposals_and_dendrogram_then_accept_and_undo(qtbot, panel, small):
    project, _ = small
    assert panel.stack.currentWidget() is panel.empty
    _run(qtbot, panel)
    assert sorted(_listed(panel)) == [("shifts", "workload"), ("stigma", "confidential")]
    expected = suggest_groupings(project, EVERYONE)
    assert _listed(panel) == [g.codes for g in expected.groupings]
    labels = [t.get_text() for t in panel.figure.figure().axes[0].get_yticklabels()]
    assert sorted(labels) == ["confidential", "shifts", "stigma", "workload"]
    first, second = _listed(panel)
    panel.rename("Getting through the day")
    assert panel.tree.topLevelItem(0).text(0) == "Getting through the day"
    qtbot.mouseClick(panel.accept_button, Qt.MouseButton.LeftButton)
    panel.session.wait()
    codes = {c.name: c for c in list_codes(project)}
    parent = codes["Getting through the day"]
    assert {n for n, c in codes.items() if c.parent_id == parent.id} == set(first)
    assert project.undo_label() == "Accept suggested grouping"
    assert _listed(panel) == [second]  # accepted: it leaves the list
    panel.dismiss_current()
    assert panel.tree.topLevelItemCount() == 0
    assert panel.stack.currentWidget() is panel.empty
    panel.session.undo(panel)
    panel.session.wait()
    assert "Getting through the day" not in {c.name for c in list_codes(project)}
    assert all(c.parent_id is None for c in list_codes(project))
    # the undone accept is back in the list, with its new name, to accept again (the
    # dismissed one stays out)
    assert _listed(panel) == [first]
    assert panel.tree.topLevelItem(0).text(0) == "Getting through the day"
    assert panel.accept_button.isEnabled()
    assert "back in the list" in panel.summary.text()
    panel.session.redo(panel)
    panel.session.wait()
    assert _listed(panel) == [] and panel.stack.currentWidget() is panel.empty


def test_nothing_close_enough_still_shows_the_dendrogram(qtbot, panel):
    panel.cut.setValue(0.05)
    _run(qtbot, panel)
    assert panel.tree.topLevelItemCount() == 0
    assert panel.stack.currentWidget() is not panel.empty
    assert "No codes are close enough to group (cut 0.05)" in panel.evidence.text()
    assert panel.figure.figure() is not None
