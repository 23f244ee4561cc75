"""The errors POST Coder shows to people.

Every error the core raises on purpose is a :class:`PostCoderError`. Its ``str()`` is one
plain sentence a researcher can act on, naming the file, row and column where they apply.
Fronts (app and CLI) show that sentence and nothing else; anything that is not a
``PostCoderError`` is a bug and is reported as such.
"""

from __future__ import annotations

from pathlib import Path


class PostCoderError(Exception):
    """Base class: a plain message plus where the problem is (file, line or row, column)."""

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        row: int | None = None,
        column: str | None = None,
        line: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = Path(file).name if file is not None else None
        self.row = row
        self.column = column
        #: the physical line of a text file (counting line breaks inside quoted cells)
        self.line = line

    def location(self) -> str:
        """``'survey.csv, row 12, column "Q3"'`` — whatever parts are known."""
        parts = []
        if self.file:
            parts.append(self.file)
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f'column "{self.column}"')
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.location()
        return f"{where}: {self.message}" if where else self.message


class ProjectFileError(PostCoderError):
    """The file is not a POST Coder project, is corrupt, or is from a newer version."""


class ProjectDamagedError(ProjectFileError):
    """The project file is damaged; nothing more is written to it."""


class ProjectBusyError(PostCoderError):
    """Another window or program held the project's write lock for too long."""


class ProjectReadOnlyError(PostCoderError):
    """The project is open for viewing and exporting only (a read-only file or folder)."""


class DiskFullError(PostCoderError):
    """The disk (or the file's size limit) is full; the action was not saved."""


class StorageError(PostCoderError):
    """The disk or network folder failed to read or write the file."""


class InputError(PostCoderError):
    """Input from a person or a file that cannot be used as it is (bad survey file, bad CSV…)."""


class DuplicateImportError(InputError):
    """The same file (by content) was imported into this project before."""


class NotFoundError(PostCoderError):
    """A code, coder, response… that was asked for does not exist."""


class ConflictError(PostCoderError):
    """The action would clash with what is already in the project (a duplicate name…)."""


class NothingToUndoError(PostCoderError):
    """Undo or redo was asked for with nothing to undo or redo."""


class UndoConflictError(PostCoderError):
    """Undo or redo refused: another window or program changed the rows it would write."""


class Cancelled(Exception):
    """Long work was cancelled by the person who started it. Not an error: shown silently."""
