"""The rounds panel's Show contents…: a round's responses and each coder's progress."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressBar

from post_coder.coding import codebook
from post_coder.coding.coders import add_coder, list_coders
from post_coder.coding.codings import apply_code, list_codings
from post_coder.queries import response_rows
from post_coder.store.scope import ReadScope
from post_coder.team.rounds import Sample, create_round, round_response_ids
from post_coder.ui.dialogs.round_contents_dialog import RoundContentsDialog
from post_coder.ui.models.round_contents_model import (ANSWER, CODED_BY, QUESTION, RESPONDENT,
                                                      ResponseIdRole)
from post_coder.ui.rounds_panel import RoundsPanel

EVERYONE = ReadScope.everyone()

pytestmark = pytest.mark.qt


def test_double_click_shows_the_round_and_progress_follows_coding(qtbot, qtmodeltester,
                                                                    session):
    project = session.writer
    by_name = {c.name: c.id for c in list_coders(project)}
    maya, luis = by_name["Maya Chen"], by_name["Luis Ortega"]
    session.set_coder(maya)
    panel = RoundsPanel(session)
    qtbot.addWidget(panel)
    panel.resize(900, 400)
    panel.show()
    assert not panel.show_button.isEnabled() and panel.show_contents() is None
    ana = add_coder(project, "Ana Lead").new_id
    round_id = session.run(None, create_round, "Pilot", [maya, luis, ana], blind=False,
                           sample=Sample(size=6, seed=11)).new_id
    assert panel.show_button.isEnabled()
    ids = round_response_ids(project, round_id)

    def coded_by(coder: str) -> set[str]:
        return {c.response_id for c in list_codings(project, EVERYONE, coders=[coder])} & set(ids)

    rect = panel.table.visualRect(panel.model.index(0, 0))
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dialog = panel.dialog
    assert isinstance(dialog, RoundContentsDialog) and dialog.isVisible()
    assert dialog.windowTitle() == "Round “Pilot”"
    assert dialog.about_label.text() == (
        f"Open · not blind · {len(ids)} responses from 6 respondents · 6 respondents (seed 11)")
    progress = dialog.progress_table
    rows = {progress.item(r, 0).text(): progress.item(r, 1).text()
            for r in range(progress.rowCount())}
    maya_done = len(coded_by(maya))
    assert rows["Maya Chen"] == f"{maya_done} of {len(ids)} ({maya_done * 100 // len(ids)}%)"
    assert rows["Luis Ortega"].startswith(f"{len(coded_by(luis))} of {len(ids)}")
    bars = {progress.item(r, 0).text(): progress.cellWidget(r, 2)
            for r in range(progress.rowCount())}
    assert isinstance(bars["Maya Chen"], QProgressBar)
    assert (bars["Maya Chen"].value(), bars["Maya Chen"].maximum()) == (maya_done, len(ids))

    model = dialog.model
    qtmodeltester.check(model)
    assert model.rowCount() == len(ids)
    assert [model.index(r, 0).data(ResponseIdRole) for r in range(len(ids))] == ids
    first = response_rows(project, EVERYONE, [ids[0]])[0]
    assert [model.index(0, c).data() for c in (RESPONDENT, QUESTION)] == [
        first.respondent, first.question]
    assert model.index(0, ANSWER).data(Qt.ItemDataRole.ToolTipRole) == first.text
    dialog.reject()

    # Ana, who had coded nothing, codes one response of the round
    assert rows["Ana Lead"] == f"0 of {len(ids)} (0%)"
    todo = ids[2]
    session.run(None, apply_code, todo, codebook.find_code(project, "Stigma").id, ana)
    dialog = panel.show_contents()
    rows = {dialog.progress_table.item(r, 0).text(): dialog.progress_table.item(r, 1).text()
            for r in range(dialog.progress_table.rowCount())}
    assert rows["Ana Lead"] == f"1 of {len(ids)} ({100 // len(ids)}%)"
    assert rows["Maya Chen"].startswith(f"{maya_done} of {len(ids)}")
    assert "Ana Lead" in dialog.model.index(2, CODED_BY).data()
    assert "Ana Lead" not in dialog.model.index(1, CODED_BY).data()
    dialog.reject()
