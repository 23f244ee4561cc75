"""Team ▸ Coders…: everyone who codes in this project; add a colleague, edit a coder.

Adding a colleague here (name, initials, color) lets the lead put them in a round and
make them a coder package. It never changes who is coding in this window (that is Edit ▸
Change Coder…), so the audit log keeps the right person. Each add or edit is one action
(``coders.add_coder`` / ``coders.update_coder``) and one step in Edit ▸ Undo.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (QAbstractItemView, QColorDialog, QDialog, QDialogButtonBox,
                               QFormLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout,
                               QWidget)

from post_coder.changes import Changes
from post_coder.coding.coders import add_coder, default_initials, list_coders, update_coder
from post_coder.ids import CoderId
from post_coder.team.package import package_info
from post_coder.ui.dialogs.rationale_dialog import rationale_field
from post_coder.ui.session import Session

NAME, INITIALS, COLOR = range(3)
#: role of a name cell holding the coder's id
CODER_ID_ROLE = Qt.ItemDataRole.UserRole + 1
INTRO = ("Everyone who codes in this project. Add a colleague before putting them in a "
         "round or making them a coder package. This does not change who you are in this "
         "window: you code as {you} (Edit ▸ Change Coder…).")
PACKAGE_INTRO = ("Everyone who codes in this project. This file is a coder package: coders "
                 "are added and renamed in the lead's project (a change made here would not "
                 "travel with your work). You code as {you}.")


def _swatch(color: str) -> QIcon:
    pixmap = QPixmap(16, 16)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


class CodersDialog(QDialog):
    """``CodersDialog(session)``: the coders table with Add colleague… and Edit…."""

    #: a coder was added or edited (their id)
    coder_saved = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.editor: CoderEditor | None = None
        self.lead = package_info(session.project) is None
        self.setObjectName("codersDialog")
        self.setWindowTitle("Coders")
        self.setMinimumSize(460, 320)
        self.intro = QLabel(self, objectName="codersIntro", wordWrap=True)
        self.table = QTableWidget(0, 3, self, objectName="codersTable")
        self.table.setHorizontalHeaderLabels(["Name", "Initials", "Color"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(INITIALS, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLOR, QHeaderView.ResizeMode.ResizeToContents)
        self.table.activated.connect(lambda *_: self.edit_selected())
        self.table.currentCellChanged.connect(lambda *_: self._update_buttons())
        self.add_button = QPushButton("&Add colleague…", self, objectName="addCoderButton")
        self.add_button.setToolTip("Add a coder to this project (does not change who you are)")
        self.add_button.clicked.connect(lambda: self.add())
        self.edit_button = QPushButton("&Edit…", self, objectName="editCoderButton")
        self.edit_button.setToolTip("Change the selected coder's name, initials or color")
        self.edit_button.clicked.connect(lambda: self.edit_selected())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.setObjectName("codersButtons")
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.edit_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(buttons)
        session.project_did_change.connect(self._changed)
        self.reload()

    def reload(self, select: str | None = None) -> None:
        coders = list_coders(self.session.project)
        you = next((c.name for c in coders if c.id == self.session.coder_id), None)
        intro = INTRO if self.lead else PACKAGE_INTRO
        self.intro.setText(intro.format(you=f"“{you}”" if you else "nobody yet"))
        select = select or self.current_coder_id()
        self.table.setRowCount(len(coders))
        for row, c in enumerate(coders):
            name = QTableWidgetItem(c.name + ("  (you)" if c.id == self.session.coder_id
                                              else ""))
            name.setData(CODER_ID_ROLE, c.id)
            self.table.setItem(row, NAME, name)
            self.table.setItem(row, INITIALS, QTableWidgetItem(c.initials))
            color = QTableWidgetItem(_swatch(c.color), c.color)
            self.table.setItem(row, COLOR, color)
            if c.id == select:
                self.table.setCurrentCell(row, NAME)
        if self.table.currentRow() < 0 and coders:
            self.table.setCurrentCell(0, NAME)
        self._update_buttons()

    def current_coder_id(self) -> str | None:
        item = self.table.item(self.table.currentRow(), NAME)
        return item.data(CODER_ID_ROLE) if item is not None else None

    def row_of(self, coder_id: str) -> int:
        return next((r for r in range(self.table.rowCount())
                     if self.table.item(r, NAME).data(CODER_ID_ROLE) == coder_id), -1)

    def _update_buttons(self) -> None:
        self.add_button.setEnabled(self.lead)
        self.edit_button.setEnabled(self.lead and self.current_coder_id() is not None)

    def _changed(self, changes: Changes, initiator: object) -> None:
        if changes.coders or changes.project:
            self.reload()

    # -- actions -------------------------------------------------------------------------------
    def add(self) -> CoderEditor | None:
        if not self.lead:
            return None
        return self._open(CoderEditor(self.session, None, self))

    def edit_selected(self) -> CoderEditor | None:
        coder_id = self.current_coder_id()
        if coder_id is None or not self.lead:
            return None
        return self._open(CoderEditor(self.session, coder_id, self))

    def _open(self, editor: CoderEditor) -> CoderEditor:
        self.editor = editor
        editor.saved.connect(lambda coder_id: (self.reload(coder_id),
                                               self.coder_saved.emit(coder_id)))
        editor.finished.connect(editor.deleteLater)
        editor.open()
        return editor


class CoderEditor(QDialog):
    """Add a colleague (``coder_id=None``) or edit a coder: name, initials, color."""

    #: the coder's id, after a successful add or edit
    saved = Signal(str)

    def __init__(self, session: Session, coder_id: str | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.coder = next((c for c in list_coders(session.project) if c.id == coder_id), None)
        self.setObjectName("coderEditor")
        self.setWindowTitle(f"Edit “{self.coder.name}”" if self.coder else "Add a colleague")
        self.name_edit = QLineEdit(self.coder.name if self.coder else "", self,
                                   objectName="coderNameEdit")
        self.name_edit.setPlaceholderText("e.g. Maya Chen")
        self.initials_edit = QLineEdit(self.coder.initials if self.coder else "", self,
                                       objectName="coderInitialsEdit")
        self.initials_edit.setMaxLength(4)
        self.initials_edit.setPlaceholderText("MC")
        self._initials_touched = self.coder is not None
        self.initials_edit.textEdited.connect(self._touch)
        self.name_edit.textChanged.connect(self._suggest)
        self.color_button = QPushButton(self, objectName="coderColorButton")
        self.color_button.setToolTip("The coder's color in comparisons and agreement views")
        self.color_button.clicked.connect(lambda: self.choose_color())
        self.rationale_edit = rationale_field(self, "coderRationaleEdit")
        self.rationale_edit.setVisible(self.coder is not None)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.setObjectName("coderEditorButtons")
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setObjectName("coderEditorOk")
        self.ok_button.setText("Save" if self.coder else "Add colleague")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&Name", self.name_edit)
        form.addRow("&Initials", self.initials_edit)
        form.addRow("&Color", self.color_button)
        if self.coder is not None:
            form.addRow("&Why", self.rationale_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self._color: str | None = None
        self.set_color(self.coder.color if self.coder else None)
        self._suggest(self.name_edit.text())
        self.name_edit.setFocus()

    def _touch(self) -> None:
        self._initials_touched = True

    def _suggest(self, text: str) -> None:
        if not self._initials_touched:
            self.initials_edit.setText(default_initials(text) if text.strip() else "")
        self.ok_button.setEnabled(bool(text.strip()))

    def set_color(self, color: str | None) -> None:
        self._color = QColor(color).name() if color else None
        if self._color is None:
            self.color_button.setIcon(QIcon())
            self.color_button.setText("Automatic")
        else:
            self.color_button.setIcon(_swatch(self._color))
            self.color_button.setText(self._color)

    def choose_color(self) -> QColorDialog:
        """The color picker (non-blocking); picking a color updates the button."""
        dialog = QColorDialog(QColor(self._color or "#1f77b4"), self)
        dialog.setObjectName("coderColorDialog")
        dialog.colorSelected.connect(lambda c: self.set_color(c.name()))
        dialog.open()
        return dialog

    def accept(self) -> None:
        name = self.name_edit.text().strip()
        initials = self.initials_edit.text().strip() or None
        if self.coder is None:
            result = self.session.run(self, add_coder, name, initials=initials,
                                      color=self._color, initiator=self)
            coder_id = result.new_id if result is not None else None
        else:
            c = self.coder
            changed = {k: v for k, v in (("name", name), ("initials", initials),
                                         ("color", self._color))
                       if v is not None and v != getattr(c, k)}
            if not changed:
                super().accept()
                return
            result = self.session.run(
                self, update_coder, CoderId(c.id), **changed,
                rationale=self.rationale_edit.text().strip() or None, initiator=self)
            coder_id = c.id if result is not None else None
        if coder_id is None:
            return  # the error is shown; the dialog stays open to fix it
        self.saved.emit(coder_id)
        super().accept()
