"""The review window's two dialogs: O (another code instead) and R (refine the definition).

- :class:`OtherCodePicker`: the code palette (type to find a code, Enter chooses) without
  the code under review and without "create": new codes are added in the codebook.
- :class:`RefineDialog`: the code editor for the code under review, with the decision for
  the response under the new definition. Saving hands the changed texts, the rationale
  (required) and the decision to ``decide``; the review window records them as one
  "Review decision" step (:func:`post_coder.team.review.decide` with ``redefine=``), so
  the change is versioned in the codebook's history with its rationale.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (QButtonGroup, QLabel, QListWidgetItem, QRadioButton,
                               QVBoxLayout, QWidget)

from post_coder.coding import codebook
from post_coder.errors import InputError
from post_coder.ui.dialogs.code_editor import CodeEditorDialog
from post_coder.ui.errors import show_error
from post_coder.ui.session import Session
from post_coder.ui.widgets.code_palette import CodePalette, CodeRole, CreateRole

#: ``decide(applies=, redefine=, rationale=, parent=)`` → whether it was recorded
Decide = Callable[..., bool]


class OtherCodePicker(CodePalette):
    """O: find the code that applies instead by typing; Enter chooses. Lists the active codes
    except the one under review (no "create" entry: add new codes in the codebook)."""

    def __init__(self, session: Session, exclude: str, parent: QWidget | None = None) -> None:
        self._exclude = exclude
        super().__init__(session, None, parent, create=lambda name: False)
        self.setObjectName("reviewOtherCodePicker")
        self.setWindowTitle("Another code applies instead")
        self.help.setText("Type to find a code · ↑↓ choose · Enter: that code applies "
                          "instead · Esc cancel")

    def _refilter(self, text: str) -> None:
        super()._refilter(text)
        for row in reversed(range(self.list.count())):
            item: QListWidgetItem = self.list.item(row)
            if item.data(CreateRole) is not None or item.data(CodeRole) == self._exclude:
                self.list.takeItem(row)
        if self.list.count():
            self.list.setCurrentRow(0)

    def choose(self, text: str) -> None:
        """Type ``text`` into the search box (tests, scripting)."""
        self.filter_edit.setText(text)


class RefineDialog(CodeEditorDialog):
    """R: the code editor for the code under review, with the decision under the new
    definition. Saving records both as one "Review decision" step; the texts changed go to
    the codebook's history with the rationale (required)."""

    def __init__(self, session: Session, code_id: str, decide: Decide,
                 parent: QWidget | None = None) -> None:
        super().__init__(session, code_id, parent=parent)
        self.setObjectName("reviewRefineDialog")
        self.setWindowTitle(f'Refine "{self._code.name}" now')
        self._decide = decide
        for widget in (self.name_edit, self.parent_combo, self.color_button):
            widget.setEnabled(False)
            widget.setToolTip("Change this in the codebook; here only the definition and "
                              "criteria change with the decision")
        self.rationale_edit.setPlaceholderText("Why the definition changes (required: it "
                                               "goes into the codebook's history and the "
                                               "minutes)")
        self.applies_radio = QRadioButton("The code &applies (under the new definition)", self,
                                          objectName="refineApplies")
        self.not_applies_radio = QRadioButton("It does &not apply", self,
                                              objectName="refineNotApplies")
        self.applies_radio.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.applies_radio)
        group.addButton(self.not_applies_radio)
        box = QVBoxLayout()
        box.addWidget(QLabel("<b>Decision for this response</b>", self))
        box.addWidget(self.applies_radio)
        box.addWidget(self.not_applies_radio)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertLayout(1, box)
        self.ok_button.setText("Save definition and decide")
        self.text_edits["definition"].setFocus()

    def _save(self) -> bool:
        values = self.values()
        texts = {k: values[k] for k in codebook.TEXT_FIELDS
                 if values[k] != getattr(self._code, k).strip()}
        if not texts:
            show_error(self, InputError("the definition and criteria are unchanged: change "
                                        "them, or press Cancel and decide with A or N"))
            return False
        return self._decide(applies=self.applies_radio.isChecked(), redefine=texts,
                                   rationale=self.rationale() or "", parent=self)
