"""The grid shows a query's first rows at once and loads the rest in the background."""

from __future__ import annotations

import threading

from post_coder.queries import ResponseQuery, count_responses, response_ids
from post_coder.ui.models import response_table
from post_coder.ui.models.response_table import HEAD_ROWS, ResponseTableModel
from post_coder.ui.session import Session
from tests.ui.test_workspace import open_workspace, write_survey
from post_coder.store.scope import ReadScope

EVERYONE = ReadScope.everyone()


def _big(project, tmp_path, n=3000):
    write_survey(project, tmp_path / "big.csv",
                 [(f"P{i:05d}", "ABC"[i % 3], f"Answer {i} about topic {i % 7}")
                  for i in range(n)])


def test_first_rows_at_once_then_the_rest(qtbot, project, tmp_path):
    _big(project, tmp_path)
    model = ResponseTableModel(project, EVERYONE)
    assert model.rowCount() == HEAD_ROWS and not model.complete
    with qtbot.waitSignal(model.loading_did_finish, timeout=10_000):
        pass
    assert model.complete and model.rowCount() == 3000
    assert model.response_ids() == response_ids(project, EVERYONE)


def test_a_newer_query_makes_the_older_load_stale(qtbot, project, tmp_path):
    _big(project, tmp_path)
    model = ResponseTableModel(project, EVERYONE)
    narrow = ResponseQuery(text="topic AND 3")
    model.set_query(narrow)  # while the first query's load may still run
    assert model.wait_until_complete()
    qtbot.wait(100)  # give a stale result time to arrive (it must be ignored)
    assert model.rowCount() == count_responses(project, EVERYONE, narrow)
    assert model.response_ids() == response_ids(project, EVERYONE, narrow)


def test_count_label_says_when_it_is_still_counting(qtbot, project, tmp_path, monkeypatch):
    _big(project, tmp_path)
    gate = threading.Event()
    real = response_table.response_ids

    def held(project, scope, query, limit=None):  # hold the background load until told
        if limit is None:
            gate.wait(10)
        return real(project, scope, query, limit=limit)

    monkeypatch.setattr(response_table, "response_ids", held)
    workspace = open_workspace(qtbot, Session(project))
    assert workspace.count_label.text() == f"{HEAD_ROWS}+ responses (counting…)"
    gate.set()
    qtbot.waitUntil(lambda: workspace.model.complete, timeout=10_000)
    assert workspace.count_label.text() == "3,000 responses"


def test_large_project_counts_come_from_background_reads(qtbot, session, monkeypatch):
    """Codebook and navigator counts on a large project: shown when the read returns."""
    from post_coder.coding.codebook import find_code
    from post_coder.coding.codings import apply_code
    from post_coder.queries import codebook_table, project_summary
    from post_coder.ui import background
    from post_coder.ui.models import codebook_model
    from post_coder.ui import navigator as navigator_module
    from post_coder.ui.codebook_panel import CodebookPanel
    from post_coder.ui.navigator import QuestionNavigator

    monkeypatch.setattr(background, "SMALL_PROJECT_CODINGS", 0)
    monkeypatch.setattr(codebook_model, "SMALL_PROJECT_CODINGS", 0)
    monkeypatch.setattr(navigator_module, "SMALL_PROJECT_CODINGS", 0)
    panel = CodebookPanel(session)
    qtbot.addWidget(panel)
    model = panel.model
    stigma = find_code(session.project, "Stigma").id
    assert model.index_of(stigma, 1).data() == "…"  # counting in the background
    assert model.counts_reader.wait()
    expected = {r["id"]: r["respondents"] for r in codebook_table(session.project, EVERYONE)}
    assert model.index_of(stigma, 1).data() == str(expected[stigma])

    navigator = QuestionNavigator(session)
    qtbot.addWidget(navigator)
    assert navigator.reader.wait()
    assert navigator.tree.topLevelItemCount() == 2

    # a coding refreshes the counts once, in the background, after a short pause
    response = next(r for r in session.project.db.execute(
        "SELECT r.id FROM responses r WHERE NOT EXISTS (SELECT 1 FROM codings c"
        " JOIN responses o ON o.id = c.response_id WHERE o.respondent_id = r.respondent_id"
        " AND c.code_id = ?)", [stigma]))[0]
    session.run(None, apply_code, response, stigma, session.coder_id)
    qtbot.waitUntil(lambda: model.index_of(stigma, 1).data() == str(expected[stigma] + 1),
                    timeout=10_000)
    coded = project_summary(session.project, EVERYONE).questions
    qtbot.waitUntil(lambda: sum(int(navigator.tree.topLevelItem(1).child(i).text(2))
                                for i in range(2)) == sum(q["coded"] for q in coded),
                    timeout=10_000)
