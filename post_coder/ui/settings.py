"""Per-user settings: the coder's name, recent files, window state.

Stored with QSettings. ``POST_CODER_SETTINGS`` may name an .ini file to use instead
(tests, screenshots, a portable install) so nothing touches the real user profile.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings

MAX_RECENT = 10


def app_settings() -> QSettings:
    path = os.environ.get("POST_CODER_SETTINGS")
    if path:
        return QSettings(path, QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "POST Coder",
                     "POST Coder")


def coder_identity(settings: QSettings) -> tuple[str, str] | None:
    name = str(settings.value("coder/name", "") or "").strip()
    initials = str(settings.value("coder/initials", "") or "").strip()
    return (name, initials) if name else None


def set_coder_identity(settings: QSettings, name: str, initials: str) -> None:
    settings.setValue("coder/name", name)
    settings.setValue("coder/initials", initials)
    settings.sync()


def recent_files(settings: QSettings) -> list[str]:
    value = settings.value("recent/files", []) or []
    if isinstance(value, str):
        value = [value]
    return [v for v in value if v]


def add_recent_file(settings: QSettings, path: Path) -> None:
    text = str(Path(path).resolve())
    files = [f for f in recent_files(settings) if f != text]
    settings.setValue("recent/files", [text, *files][:MAX_RECENT])
    settings.sync()


def remove_recent_file(settings: QSettings, path: str) -> None:
    settings.setValue("recent/files", [f for f in recent_files(settings) if f != path])
    settings.sync()


def grid_coder_mode(settings: QSettings) -> str:
    """How the grid shows codes per coder: "pooled", "initials" or "columns"."""
    value = str(settings.value("grid/coders", "pooled") or "pooled")
    return value if value in ("pooled", "initials", "columns") else "pooled"


def set_grid_coder_mode(settings: QSettings, mode: str) -> None:
    settings.setValue("grid/coders", mode)
    settings.sync()


def codebook_by_coder(settings: QSettings) -> bool:
    """Whether the codebook shows a count column per coder."""
    return str(settings.value("codebook/by_coder", "false")).lower() in ("true", "1")


def set_codebook_by_coder(settings: QSettings, on: bool) -> None:
    settings.setValue("codebook/by_coder", "true" if on else "false")
    settings.sync()


def show_code_suggestions(settings: QSettings) -> bool:
    """Whether the response viewer shows codes suggested by Analysis ▸ Suggest Codes."""
    return str(settings.value("viewer/suggestions", "true")).lower() in ("true", "1")


def set_show_code_suggestions(settings: QSettings, on: bool) -> None:
    settings.setValue("viewer/suggestions", "true" if on else "false")
    settings.sync()
