"""The page shown when no project is open: new, open, recent files, the demo."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton,
                               QVBoxLayout, QWidget)

from post_coder import __version__


class StartPage(QWidget):
    new_requested = Signal()
    open_requested = Signal()
    demo_requested = Signal()
    recent_requested = Signal(str)

    def __init__(self, recent: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("startPage")
        title = QLabel(f"<h1>POST Coder</h1><p>Code open-ended survey responses as a team, "
                       f"measure agreement and publish theme tables.</p>"
                       f"<p style='color: gray'>Version {__version__}</p>")
        title.setWordWrap(True)
        buttons = QHBoxLayout()
        for text, name, signal in (("New project…", "startNew", self.new_requested),
                                   ("Open project…", "startOpen", self.open_requested),
                                   ("Open demo project", "startDemo", self.demo_requested)):
            button = QPushButton(text)
            button.setObjectName(name)
            button.clicked.connect(signal.emit)
            buttons.addWidget(button)
        buttons.addStretch()
        self.recent = QListWidget()
        self.recent.setObjectName("recentFiles")
        for path in recent:
            item = QListWidgetItem(Path(path).name)
            item.setToolTip(path)
            item.setData(Qt.ItemDataRole.UserRole, path)
            self.recent.addItem(item)
        self.recent.itemActivated.connect(
            lambda item: self.recent_requested.emit(item.data(Qt.ItemDataRole.UserRole)))
        recent_label = QLabel("<b>Open recent</b>" if recent else
                              "<i>Projects you open will be listed here.</i>")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 36, 48, 36)
        layout.addWidget(title)
        layout.addLayout(buttons)
        layout.addSpacing(16)
        layout.addWidget(recent_label)
        layout.addWidget(self.recent, 1)
        self.recent.setVisible(bool(recent))
        if not recent:
            layout.addStretch(1)
