"""Analysis ▸ Suggest Code Groupings: parent themes proposed for existing codes
(:mod:`post_coder.suggest.groupings`), with their evidence and the codes' dendrogram.

Run clusters the codes in the background (a progress dialog that can cancel) by how often
they are applied together and how alike their coded text reads. Each proposal lists its
codes and evidence; the dendrogram shows every code, with the cut as a dashed line.
Rename edits the proposed parent's name; Accept as Parent Code makes it a top-level code
with the proposal's codes moved under it (one undoable action; the proposal leaves the
list, and comes back if the accept is undone); Dismiss drops it. The coders in "Learn
from" follow the project (one added in Team ▸ Coders… is listed at once; see
:meth:`~post_coder.ui.suggestion_window.SuggestionWindow.source_combo`).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDoubleSpinBox, QHBoxLayout, QLabel, QPushButton, QWidget

from post_coder.progress import Progress
from post_coder.project import Project
from post_coder.suggest import groupings as groupings_service
from post_coder.ui.session import Session
from post_coder.ui.suggestion_window import ProposalWindow
from post_coder.ui.tasks import Task
from post_coder.ui.widgets.figure_view import FigureView

EMPTY = ("Run to see which of your codes could go under a shared parent theme, judged on "
         "this computer from how they are used; nothing is sent anywhere.")


class GroupingsPanel(ProposalWindow):
    """One window per session (see ``MainWindow.show_groupings``)."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent, name="groupingsPanel",
                         title="Suggest Code Groupings", empty=EMPTY,
                         headers=["Proposed parent", "Codes", "Similarity"])
        self.result: groupings_service.Groupings | None = None

        self.source = self.source_combo([("Every coding you see", "union"),
                                          ("Consensus layer", "consensus")])
        self.source.setObjectName("groupingsSource")
        self.cut = QDoubleSpinBox()
        self.cut.setObjectName("groupingsCut")
        self.cut.setRange(0.05, 1.0)
        self.cut.setSingleStep(0.05)
        self.cut.setValue(groupings_service.CUT)
        self.cut.setToolTip("Group codes closer than this distance (1 − similarity)")
        self.add_option("&Learn from:", self.source)
        self.add_option("&Cut:", self.cut)

        self.tree.setColumnWidth(0, 200)
        self.tree.setColumnWidth(1, 200)
        self.evidence = QLabel("")
        self.evidence.setObjectName("groupingEvidence")
        self.evidence.setWordWrap(True)
        self.figure = FigureView(name="code-dendrogram", parent=self)
        self.rename_button = QPushButton("Re&name…")
        self.rename_button.clicked.connect(self.start_rename)
        self.dismiss_button = QPushButton("&Dismiss")
        self.dismiss_button.clicked.connect(self.dismiss_current)
        self.accept_button = QPushButton("&Accept as Parent Code")
        self.accept_button.setToolTip("Make a top-level code with this name and move these "
                                      "codes under it (one step: Ctrl+Z undoes it)")
        self.accept_button.clicked.connect(self.accept_current)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for b in (self.rename_button, self.dismiss_button, self.accept_button):
            buttons.addWidget(b)
        self.lay_out(self.tree, [self.evidence, self.figure, buttons], (480, 720))
        self._update_buttons()

    def run(self) -> Task | None:
        if self.running:
            return self.task
        scope, source, cut = self.session.scope, self.source.currentData(), self.cut.value()

        def work(project: Project, progress: Progress) -> tuple[Any, Any]:
            found = groupings_service.suggest_groupings(project, scope, source=source,
                                                        cut=round(cut, 2), progress=progress)
            return found, groupings_service.dendrogram_figure(found)

        return self.start("Grouping the codes…", work, self._found)

    def _found(self, result: tuple[groupings_service.Groupings, Any]) -> None:
        found, figure = result
        self.result = found
        self.set_proposals(list(found.groupings), [g.label for g in found.groupings])
        self.figure.set_figure(figure)
        self.summary.setText(f"{len(found.groupings)} proposed parent themes for "
                             f"{len(found.codes)} codes used in {found.source}.")
        self.fill()

    def fill(self, select: int | None = None) -> None:
        if self.result is None:
            empty = EMPTY
        elif self.result.groupings:
            empty = "No groupings left in the list."
        else:
            empty = (f"No codes are close enough to group (cut {self.result.cut}); the "
                     "dendrogram shows how far apart they are: raise the cut and Run again.")
        self.fill_rows({i: [self.labels[i], ", ".join(self.proposals[i].codes),
                            f"{self.proposals[i].similarity:.2f}"] for i in self.listed()},
                       select, empty)
        if self.result is not None and not self.result.groupings:
            self.stack.setCurrentIndex(1)  # the dendrogram is still worth seeing
            self.evidence.setText(self.empty.text())

    def show_current(self) -> None:
        i = self.current_index()
        if i is not None:
            g = self.proposals[i]
            self.evidence.setText(
                f"<b>{self.labels[i]}</b>: {', '.join(g.codes)}<br>Applied together to "
                f"{g.together} answers (co-occurrence {g.co_occurrence:.2f}); their text "
                f"reads alike {g.text_similarity:.2f}. Shared terms: "
                + (", ".join(t for t, _ in g.shared_terms) or "none"))
        self._update_buttons()

    def _update_buttons(self) -> None:
        has = self.current_index() is not None
        self.rename_button.setEnabled(has)
        self.dismiss_button.setEnabled(has)
        self.accept_button.setEnabled(has and not self.session.readonly)

    def accept_current(self) -> Any:
        """A new top-level code with the proposal's codes under it (one undoable action)."""
        i = self.current_index()
        if i is None or self.session.readonly:
            return None
        g, name = self.proposals[i], self.labels[i]
        changes = self.session.run(self, groupings_service.accept_grouping, name, g.code_ids,
                                   definition="Accepted from a suggested grouping",
                                   initiator=self)
        if changes is not None:
            self.mark_accepted(i, changes.new_id)
            self.summary.setText(f"Made “{name}” the parent of {', '.join(g.codes)} "
                                 "(Edit ▸ Undo takes it back).")
        return changes
