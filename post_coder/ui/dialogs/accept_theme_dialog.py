"""Accept a suggested theme into the code tree (Analysis ▸ Suggest Themes ▸ Accept as
Theme…): the ticked answers are coded with the suggestion's label either way; the
dialog asks where that code goes.

- **Under an existing theme**: the new code is a sub-code of a code you choose.
- **Under a new theme**: a new top-level code (the theme), with the new code under it.
- **As the theme itself**: the new code is a top-level parent, and the existing codes you
  tick move under it.

OK calls ``write(options)`` with the keyword arguments of
:func:`post_coder.suggest.themes.accept_theme` (``parent``, ``new_parent`` or
``subcodes``); the dialog closes once it succeeded and stays open (the error shown) if it
did not. The code lists follow the codebook while the dialog is open: a code an undo
removed leaves them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QDialog, QDialogButtonBox, QLabel,
                               QLineEdit, QListWidget, QListWidgetItem, QRadioButton,
                               QVBoxLayout, QWidget)

from post_coder.changes import Changes
from post_coder.coding.codebook import list_codes, tree_order
from post_coder.ui.session import Session

CODE_ROLE = Qt.ItemDataRole.UserRole
#: the three places the code can go (the radio buttons' ids)
UNDER_EXISTING, UNDER_NEW, OVER_CODES = range(3)


class AcceptThemeDialog(QDialog):
    """``AcceptThemeDialog(session, name, answers, write)``: ``name`` the code's name,
    ``answers`` how many answers are ticked."""

    def __init__(self, session: Session, name: str, answers: int,
                 write: Callable[[dict[str, Any]], bool], parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.setObjectName("acceptThemeDialog")
        self.setWindowTitle("Accept as Theme")
        self.setMinimumWidth(480)
        self.session = session
        self.name = name
        self._write = write
        plural = "" if answers == 1 else "s"
        intro = QLabel(f"The {answers} ticked answer{plural} will be coded with “{name}”, as "
                       "you. Where does that code go?")
        intro.setObjectName("acceptThemeIntro")
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)

        self.under_existing = QRadioButton("A code &under an existing theme:")
        self.parent_combo = QComboBox()
        self.parent_combo.setObjectName("acceptThemeParent")
        self.under_new = QRadioButton("A code under a &new theme, called:")
        self.new_name = QLineEdit()
        self.new_name.setObjectName("acceptThemeNewName")
        self.new_name.setPlaceholderText("the theme's name, e.g. Fear of exposure")
        shown = name.replace("&", "&&")  # not a shortcut key
        self.over_codes = QRadioButton(f"“{shown}” &itself is the theme: put these codes "
                                       "under it")
        self.children = QListWidget()
        self.children.setObjectName("acceptThemeChildren")
        self.group = QButtonGroup(self)
        for n, button in enumerate((self.under_existing, self.under_new, self.over_codes)):
            self.group.addButton(button, n)
        note = QLabel("One action: Edit ▸ Undo (Ctrl+Z) takes all of it back.")
        note.setObjectName("acceptThemeNote")

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setObjectName("acceptThemeOk")
        self.ok_button.setText("Accept")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        for button, field in ((self.under_existing, self.parent_combo),
                              (self.under_new, self.new_name),
                              (self.over_codes, self.children)):
            layout.addWidget(button)
            layout.addWidget(field)
        layout.addWidget(note)
        layout.addWidget(self.buttons)

        self.refill()
        self.group.idToggled.connect(lambda *_: self._update())
        self.new_name.textChanged.connect(self._update)
        self.children.itemChanged.connect(self._update)
        # a new theme is always possible; the others need codes to choose from
        (self.under_existing if self.parent_combo.count() else self.under_new).setChecked(True)
        self._update()
        session.project_did_change.connect(self._project_changed)

    # -- the codes to choose from ---------------------------------------------------------
    def refill(self) -> None:
        """The active codes, in codebook order, keeping what was chosen where it still
        exists."""
        chosen, ticked = self.parent_combo.currentData(), set(self.subcodes())
        codes = tree_order(list_codes(self.session.project))
        self.parent_combo.clear()
        self.children.blockSignals(True)
        self.children.clear()
        for code, depth in codes:
            self.parent_combo.addItem("    " * depth + code.name, code.id)
            item = QListWidgetItem("    " * depth + code.name, self.children)
            item.setData(CODE_ROLE, code.id)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if code.id in ticked
                               else Qt.CheckState.Unchecked)
        self.children.blockSignals(False)
        if chosen is not None and self.parent_combo.findData(chosen) >= 0:
            self.parent_combo.setCurrentIndex(self.parent_combo.findData(chosen))
        has = bool(codes)
        for widget in (self.under_existing, self.parent_combo, self.over_codes, self.children):
            widget.setEnabled(has)
        if not has and not self.under_new.isChecked():
            self.under_new.setChecked(True)

    def _project_changed(self, changes: Changes, _initiator: object) -> None:
        if changes.codes:
            self.refill()
            self._update()

    def subcodes(self) -> list[str]:
        items = (self.children.item(n) for n in range(self.children.count()))
        return [it.data(CODE_ROLE) for it in items if it.checkState() == Qt.CheckState.Checked]

    # -- the choice -----------------------------------------------------------------------
    def choice(self) -> dict[str, Any] | None:
        """``accept_theme``'s keyword arguments for the place chosen (None: incomplete)."""
        where = self.group.checkedId()
        if where == UNDER_EXISTING:
            parent = self.parent_combo.currentData()
            return None if parent is None else {"parent": parent}
        if where == UNDER_NEW:
            name = " ".join(self.new_name.text().split())
            return {"new_parent": name} if name else None
        if where == OVER_CODES:
            below = self.subcodes()
            return {"subcodes": below} if below else None
        return None

    def _update(self) -> None:
        where = self.group.checkedId()
        self.parent_combo.setEnabled(where == UNDER_EXISTING and self.parent_combo.count() > 0)
        self.new_name.setEnabled(where == UNDER_NEW)
        self.children.setEnabled(where == OVER_CODES and self.children.count() > 0)
        self.ok_button.setEnabled(self.choice() is not None)

    def accept(self) -> None:
        options = self.choice()
        if options is None or not self.ok_button.isEnabled():
            return
        self.ok_button.setEnabled(False)  # while it is saved
        done = self._write(options)
        self._update()
        if done:
            super().accept()
