"""New coding round: name, coders, which responses (all, random or stratified), seed, blind.

The preview ("15 responses will be in this round (per Department: …)") is drawn with the
core's own sampling (:func:`post_coder.team.rounds.draw_sample` on the store's sampling
frame), so it is exactly what OK creates. OK runs ``rounds.create_round`` through
``Session.run``; the dialog stays open if the core refuses (the message says why).
"""

from __future__ import annotations

import random

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QComboBox, QDialog, QDialogButtonBox,
                               QFormLayout, QHBoxLayout, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QPushButton, QRadioButton, QSpinBox,
                               QVBoxLayout, QWidget)

from post_coder.ids import CoderId
from post_coder.team.rounds import Sample, create_round, list_rounds, sampling_frame
from post_coder.ui.dialogs.coders_dialog import CoderEditor
from post_coder.ui.models import reads, team_reads
from post_coder.ui.session import Session

ID_ROLE = Qt.ItemDataRole.UserRole + 1
ALL, RANDOM, STRATIFIED = range(3)
BLIND_TEXT = ("While the round is open, each coder sees only their own codings of its "
              "responses, so nobody is swayed by the others. Closing the round (the lead "
              "does) shows everyone's codings, ready for comparison.")
SEED_TEXT = "The same seed gives the same sample: note it to draw the round again."


class RoundDialog(QDialog):
    """Opens a round; ``created_round_id`` is set once it exists."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.created_round_id: str | None = None
        self._frames: dict[tuple, team_reads.Frame] = {}
        self.setObjectName("roundDialog")
        self.setWindowTitle("New coding round")
        self.setMinimumWidth(560)
        project = session.project
        existing = len(list_rounds(project))
        self.name_edit = QLineEdit(f"Round {existing + 1}", self, objectName="roundNameEdit")
        self.coders_list = QListWidget(self, objectName="roundCodersList")
        self.coders_list.setMaximumHeight(90)
        for coder in reads.coders(project):
            self._add_coder_item(coder.id, coder.name)
        self.editor: CoderEditor | None = None
        self.add_coder_button = QPushButton("Add a colleague…", self,
                                            objectName="roundAddCoderButton")
        self.add_coder_button.setToolTip("Add someone who is not in the project yet "
                                         "(Team ▸ Coders…); it does not change who you are")
        self.add_coder_button.clicked.connect(lambda: self.add_colleague())
        self.question_combo = QComboBox(self, objectName="roundQuestionCombo")
        self.question_combo.addItem("All questions", None)
        for q in reads.questions(project):
            self.question_combo.addItem(q.shown, q.id)
            self.question_combo.setItemData(self.question_combo.count() - 1, q.wording,
                                            Qt.ItemDataRole.ToolTipRole)
        self._build_sample_controls()
        short = QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        for combo in (self.question_combo, self.stratify_combo):  # long question texts
            combo.setSizeAdjustPolicy(short)
            combo.setMinimumContentsLength(18)
        self.blind_check = QCheckBox("Blind: coders do not see each other's codings",
                                     self, objectName="roundBlindCheck", checked=True)
        blind_note = QLabel(BLIND_TEXT, self, objectName="roundBlindNote", wordWrap=True)
        blind_note.setStyleSheet("color: palette(placeholder-text);")
        self.preview_label = QLabel(self, objectName="roundPreview", wordWrap=True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.setObjectName("roundButtons")
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setObjectName("roundOk")
        self.ok_button.setText("Open round")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setObjectName("roundCancel")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("&Name", self.name_edit)
        coders_box = QVBoxLayout()
        coders_box.addWidget(self.coders_list)
        coders_box.addWidget(self.add_coder_button, 0, Qt.AlignmentFlag.AlignLeft)
        form.addRow("&Coders", coders_box)
        form.addRow("&Questions", self.question_combo)
        form.addRow("Responses", self._sample_box)
        form.addRow("&Seed", self._seed_box)
        form.addRow("", self.blind_check)
        form.addRow("", blind_note)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.preview_label)
        layout.addWidget(self.buttons)

        self._timer = QTimer(self, singleShot=True, interval=150)
        self._timer.timeout.connect(self.update_preview)
        for signal in (self.name_edit.textChanged, self.question_combo.currentIndexChanged,
                       self.mode_group.idClicked, self.percent_spin.valueChanged,
                       self.stratify_combo.currentIndexChanged, self.seed_spin.valueChanged,
                       self.coders_list.itemChanged):
            signal.connect(lambda *_: self._timer.start())
        self.update_preview()

    def _add_coder_item(self, coder_id: str, name: str) -> None:
        item = QListWidgetItem(name, self.coders_list)
        item.setData(ID_ROLE, coder_id)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked)

    def add_colleague(self) -> CoderEditor:
        """Add a coder to the project (and tick them for this round)."""
        editor = CoderEditor(self.session, None, self)
        editor.saved.connect(self._colleague_added)
        editor.finished.connect(editor.deleteLater)
        self.editor = editor
        editor.open()
        return editor

    def _colleague_added(self, coder_id: str) -> None:
        name = next(c.name for c in reads.coders(self.session.project) if c.id == coder_id)
        self._add_coder_item(coder_id, name)
        self._timer.start()  # the preview counts the coders again

    def _build_sample_controls(self) -> None:
        self.all_radio = QRadioButton("All responses", self, objectName="roundAllRadio")
        self.random_radio = QRadioButton("A random share of respondents", self,
                                         objectName="roundRandomRadio")
        self.stratified_radio = QRadioButton("The same share within each group of", self,
                                             objectName="roundStratifiedRadio")
        self.mode_group = QButtonGroup(self)
        for n, radio in enumerate((self.all_radio, self.random_radio, self.stratified_radio)):
            self.mode_group.addButton(radio, n)
        self.all_radio.setChecked(True)
        self.percent_spin = QSpinBox(self, objectName="roundPercentSpin", minimum=1,
                                     maximum=100, value=20, suffix=" %")
        self.percent_spin.setToolTip("The share of respondents to draw (all their answers "
                                     "to the chosen questions come along)")
        self.stratify_combo = QComboBox(self, objectName="roundStratifyCombo")
        for v in team_reads.stratifiable_variables(self.session.project):
            self.stratify_combo.addItem(v.shown, v.name)
            self.stratify_combo.setItemData(self.stratify_combo.count() - 1, v.label or v.name,
                                            Qt.ItemDataRole.ToolTipRole)
        self.stratified_radio.setEnabled(self.stratify_combo.count() > 0)
        self._sample_box = QWidget(self)
        box = QVBoxLayout(self._sample_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.all_radio)
        box.addWidget(self.random_radio)
        stratified = QHBoxLayout()
        stratified.addWidget(self.stratified_radio)
        stratified.addWidget(self.stratify_combo, 1)
        box.addLayout(stratified)
        share = QHBoxLayout()
        share.addWidget(QLabel("Share:"))
        share.addWidget(self.percent_spin)
        share.addStretch(1)
        box.addLayout(share)
        self.seed_spin = QSpinBox(self, objectName="roundSeedSpin", minimum=0, maximum=2**31 - 1,
                                  value=random.SystemRandom().randrange(1, 100_000))
        self.seed_spin.setToolTip(SEED_TEXT)
        self._seed_box = QWidget(self)
        seed = QHBoxLayout(self._seed_box)
        seed.setContentsMargins(0, 0, 0, 0)
        seed.addWidget(self.seed_spin)
        seed.addWidget(QLabel(SEED_TEXT, objectName="roundSeedNote", wordWrap=True), 1)

    # -- what the controls say ----------------------------------------------------------------
    def mode(self) -> int:
        return self.mode_group.checkedId()

    def set_mode(self, mode: int) -> None:
        self.mode_group.button(mode).setChecked(True)
        self._timer.start()

    def coder_ids(self) -> list[CoderId]:
        items = (self.coders_list.item(i) for i in range(self.coders_list.count()))
        return [CoderId(i.data(ID_ROLE)) for i in items
                if i.checkState() == Qt.CheckState.Checked]

    def set_coders(self, coder_ids: list[str]) -> None:
        for i in range(self.coders_list.count()):
            item = self.coders_list.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(ID_ROLE) in coder_ids
                               else Qt.CheckState.Unchecked)

    def questions(self) -> list[str] | None:
        question = self.question_combo.currentData()
        return [question] if question else None

    def sample(self) -> Sample:
        mode = self.mode()
        fraction = None if mode == ALL else self.percent_spin.value() / 100
        stratify = self.stratify_combo.currentData() if mode == STRATIFIED else None
        return Sample(fraction=fraction, stratify_by=stratify, seed=self.seed_spin.value())

    # -- preview and OK ------------------------------------------------------------------------
    def update_preview(self) -> None:
        sample = self.sample()
        self.percent_spin.setEnabled(self.mode() != ALL)
        self.stratify_combo.setEnabled(self.mode() == STRATIFIED)
        questions = self.questions()
        key = (tuple(questions or ()), sample.stratify_by)
        if key not in self._frames:
            self._frames[key] = sampling_frame(self.session.project, questions,
                                               sample.stratify_by)
        preview = team_reads.preview_sample(self._frames[key], sample, self.seed_spin.value())
        self.preview = preview
        label = self.stratify_combo.currentText() if sample.stratify_by else None
        text = preview.describe(label)
        problem = None
        if not preview.responses:
            problem = "There are no responses to code: import a survey or pick other questions."
        elif not self.coder_ids():
            problem = "Tick at least one coder."
        elif not self.name_edit.text().strip():
            problem = "Give the round a name."
        self.preview_label.setText(text if problem is None else f"{text}\n{problem}")
        self.ok_button.setEnabled(problem is None)

    def accept(self) -> None:
        self._timer.stop()
        self.update_preview()
        if not self.ok_button.isEnabled():
            return
        changes = self.session.run(self, create_round, self.name_edit.text(), self.coder_ids(),
                                   blind=self.blind_check.isChecked(),
                                   questions=self.questions(), sample=self.sample(),
                                   initiator=self)
        if changes is not None:
            self.created_round_id = changes.new_id
            super().accept()
