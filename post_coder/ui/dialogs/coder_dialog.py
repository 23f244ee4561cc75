"""First launch: who is coding? Every coding is attributed to this name."""

from __future__ import annotations

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
                               QVBoxLayout, QWidget)

from post_coder.coding.coders import default_initials


class CoderDialog(QDialog):
    """Asks for the coder's name and initials (kept in settings and in the project)."""

    def __init__(self, parent: QWidget | None = None, name: str = "", initials: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("coderDialog")
        self.setWindowTitle("Who is coding?")
        intro = QLabel("POST Coder records who applied each code, so that the team can "
                       "compare coders and settle disagreements. Enter your name as your "
                       "colleagues know it.")
        intro.setWordWrap(True)
        self.name = QLineEdit(name)
        self.name.setObjectName("coderName")
        self.name.setPlaceholderText("e.g. Maya Chen")
        self.initials = QLineEdit(initials)
        self.initials.setObjectName("coderInitials")
        self.initials.setMaxLength(4)
        self.initials.setPlaceholderText("MC")
        self._initials_touched = bool(initials)
        self.initials.textEdited.connect(self._touch)
        self.name.textChanged.connect(self._suggest)
        form = QFormLayout()
        form.addRow("Your name:", self.name)
        form.addRow("Initials:", self.initials)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        self.buttons.setObjectName("coderButtons")
        self.buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self._suggest(self.name.text())

    def _touch(self) -> None:
        self._initials_touched = True

    def _suggest(self, text: str) -> None:
        if not self._initials_touched:
            self.initials.setText(default_initials(text) if text.strip() else "")
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(text.strip()) and len(text.strip()) <= 200)

    def identity(self) -> tuple[str, str]:
        name = self.name.text().strip()
        return name, (self.initials.text().strip() or default_initials(name))
