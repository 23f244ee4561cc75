"""Editing a coder (``coders.update_coder``), and work a package's work file would leave
out because it was recorded under another name (``exchange.codings_by_others``)."""

from __future__ import annotations

import pytest

from post_coder.coding import codebook
from post_coder.coding.coders import add_coder, list_coders, update_coder
from post_coder.coding.codings import apply_code, list_codings
from post_coder.errors import ConflictError, InputError, NotFoundError
from post_coder.project import Project
from post_coder.store import audit
from post_coder.team.merge import merge
from post_coder.team.package import codings_by_others, export_package, export_work
from tests.conftest import response_id
from tests.test_cli import run
from post_coder.store.scope import ReadScope

EVERYONE = ReadScope.everyone()


@pytest.fixture
def team(surveyed):
    p = surveyed
    p.ana = add_coder(p, "Ana Lead").new_id
    p.maya = add_coder(p, "Maya Chen", color="#1f77b4").new_id
    p.actor = p.ana
    p.code = codebook.add_code(p, "Time").new_id
    apply_code(p, response_id(p, "R1"), p.code, p.maya)
    return p


def coder(p: Project, coder_id: str):
    return next(c for c in list_coders(p) if c.id == coder_id)


def test_rename_keeps_the_id_and_the_codings_and_is_one_undo_step(team):
    p = team
    changes = update_coder(p, p.maya, name="Maya Chen-Ruiz", rationale="married")
    assert changes.coders and changes.label == "Rename coder"
    assert coder(p, p.maya).name == "Maya Chen-Ruiz" and coder(p, p.maya).initials == "MC"
    assert [c.coder_id for c in list_codings(p, EVERYONE)] == [p.maya]
    [entry] = [e for e in audit.entries(p.db, entity="coder", entity_id=p.maya)
               if e.action == "rename"]
    assert entry.actor == p.ana and entry.rationale == "married"
    assert (entry.before["name"], entry.after["name"]) == ("Maya Chen", "Maya Chen-Ruiz")
    assert p.undo_label() == "Rename coder"
    p.undo()
    assert coder(p, p.maya).name == "Maya Chen"


def test_initials_and_color_are_an_edit(team):
    p = team
    assert update_coder(p, p.maya, initials="MCR", color="#D62728").label == "Edit coder"
    c = coder(p, p.maya)
    assert (c.name, c.initials, c.color) == ("Maya Chen", "MCR", "#d62728")
    [entry] = [e for e in audit.entries(p.db, entity="coder", entity_id=p.maya)
               if e.action == "edit"]
    assert entry.before["initials"] == "MC" and entry.after["color"] == "#d62728"
    # the same name in another case is still theirs; no change at all writes nothing
    update_coder(p, p.maya, name="maya chen")
    assert coder(p, p.maya).name == "maya chen"
    before = len(audit.entries(p.db, entity="coder"))
    assert not update_coder(p, p.maya, name="maya chen", initials="MCR").coders
    assert len(audit.entries(p.db, entity="coder")) == before


@pytest.mark.parametrize("kwargs, error, words", [
    ({"name": "ana lead"}, ConflictError, 'already a coder called "Ana Lead"'),
    ({"name": "  "}, InputError, "name cannot be empty"),
    ({"initials": ""}, InputError, "initials cannot be empty"),
    ({"color": "blue"}, InputError, '"blue" is not a color'),
])
def test_bad_edits_are_refused_and_change_nothing(team, snapshot, kwargs, error, words):
    before = snapshot(team)
    with pytest.raises(error, match=words):
        update_coder(team, team.maya, **kwargs)
    assert snapshot(team) == before


def test_an_unknown_coder_is_not_found(team):
    with pytest.raises(NotFoundError, match="that coder does not exist"):
        update_coder(team, "nobody", name="X")


def test_work_recorded_under_another_name_is_reported_not_lost_silently(team, tmp_path):
    p = team
    assert codings_by_others(p) == []  # not a package
    path = export_package(p, p.maya, tmp_path / "maya.postcoder").path
    with Project.open(path) as package:
        short = add_coder(package, "Maya C.").new_id  # her saved name on the laptop
        package.actor = short
        for respondent in ("R2", "R3", "R4"):
            apply_code(package, response_id(package, respondent), p.code, short)
        apply_code(package, response_id(package, "R5"), p.code, p.maya)
        assert codings_by_others(package) == [(short, "Maya C.", 3)]
        summary = export_work(package, tmp_path / "maya.postcoder-work")
    assert summary.coder == "Maya Chen" and summary.codings == 2
    assert summary.left_out == (("Maya C.", 3),)
    assert summary.as_dict()["left_out"] == [{"coder": "Maya C.", "codings": 3}]
    text = summary.left_out_text()
    assert text.startswith("3 codings made in this package since it was made are recorded "
                           "under “Maya C.”, not under Maya Chen, whose package this is, so "
                           "they are not in the work file.")
    assert "Team ▸ Merge Another Project File…" in text
    # what the text advises works: the whole package brings them, under "Maya C."
    assert merge(p, path).merged
    by = {c.name: c.id for c in list_coders(p)}
    assert len(list_codings(p, EVERYONE, coders=[by["Maya C."]])) == 3


def test_work_export_warns_on_the_command_line(tmp_path):
    lead = tmp_path / "lead.postcoder"
    run("demo", lead, "--no-app")
    run("package", "export", lead, tmp_path / "luis", "--coder", "Luis Ortega")
    package = tmp_path / "luis.postcoder"
    with Project.open(package) as p:
        luis_o = add_coder(p, "Luis O.").new_id
        apply_code(p, list_codings(p, EVERYONE)[0].response_id, codebook.find_code(p, "Stigma").id,
                   luis_o)
    result = run("work", "export", package, tmp_path / "w")
    assert "Luis Ortega's" in result.output
    assert result.stderr.startswith("Warning: 1 coding made in this package since it was "
                                     "made is recorded under “Luis O.”, not under Luis "
                                     "Ortega, whose package this is, so it is not in the work "
                                     "file.")
