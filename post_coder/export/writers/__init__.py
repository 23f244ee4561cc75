"""Writers: a :class:`~post_coder.export.document.Document` (or one table) as a file.

=====  ======================================================================
docx   Word: real tables, numbered captions, notes, figures (:mod:`.word`)
xlsx   one sheet per table, numbers with their formats (:mod:`.sheets`)
csv    one file per table, UTF-8 with a BOM (:mod:`.sheets`)
md     Markdown pipe tables (:mod:`.markdown`)
tex    LaTeX, booktabs rules, longtable (:mod:`.latex`)
html   one self-contained page (:mod:`.html_page`)
=====  ======================================================================

:func:`write_document` and :func:`write_table_file` write whole or not at all: every file
goes to a temporary name beside its target and is moved into place only once all of them
are complete, so a failure leaves nothing half-written (and no earlier file of several
replaced). In XLSX and CSV no text cell can run as a formula
(:func:`~post_coder.export.writers.cells.neutralize`).
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

from post_coder.errors import InputError
from post_coder.export.document import Document, Table
from post_coder.export.writers.cells import neutralize, numbered
from post_coder.files import written_whole

__all__ = ["FORMATS", "check_target", "format_of", "neutralize", "write_document",
           "write_table_file"]

#: the formats, by the name a person gives (the file suffix)
FORMATS = ("docx", "xlsx", "csv", "md", "tex", "html")
_ALIASES = {"markdown": "md", "latex": "tex", "htm": "html", "word": "docx", "excel": "xlsx"}


def format_of(path: str | Path, fmt: str | None = None) -> str:
    """The format asked for (``fmt``, else the file's suffix); a plain error for others."""
    path = Path(path)
    name = (fmt or path.suffix.lstrip(".")).strip().lower()
    name = _ALIASES.get(name, name)
    if name not in FORMATS:
        raise InputError(f'write {", ".join(FORMATS[:-1])} or {FORMATS[-1]}, not '
                         f'"{fmt or path.suffix or path.name}"', file=path)
    return name


def check_target(path: Path) -> None:
    """A plain error unless ``path`` can be a file to write: its folder exists and it is
    not itself a folder."""
    if path.is_dir():
        raise InputError("that is a folder; give a file name to write", file=path)
    if not path.parent.is_dir():
        raise InputError(f'the folder "{path.parent}" does not exist', file=path)


def csv_paths(document: Document, path: Path) -> list[Path]:
    """Where the CSV files of ``document``'s tables go: ``path`` for a single table, else
    ``stem-table-1.csv``, ``stem-table-2.csv``… beside it."""
    n = len(document.tables())
    if n == 1:
        return [path]
    return [path.with_name(f"{path.stem}-table-{i}{path.suffix or '.csv'}")
            for i in range(1, n + 1)]


def write_document(document: Document, path: str | Path, fmt: str | None = None) -> list[Path]:
    """Write ``document`` to ``path`` as ``fmt`` (default: the file's suffix) and return the
    files written (several only for CSV, one per table). XLSX and CSV hold the tables
    only; a document without tables cannot be written as either."""
    path = Path(path)
    fmt = format_of(path, fmt)
    check_target(path)
    tables = document.tables()
    if fmt in ("xlsx", "csv") and not tables:
        raise InputError(f"there is no table to write as {fmt.upper()}", file=path)
    targets = csv_paths(document, path) if fmt == "csv" else [path]
    for target in targets:
        check_target(target)
    with ExitStack() as stack:
        temps = [stack.enter_context(written_whole(t, "export")) for t in targets]
        _write(document, fmt, path, temps)
    return targets


def _write(document: Document, fmt: str, path: Path, temps: list[Path]) -> None:
    if fmt == "docx":
        from post_coder.export.writers.word import write_docx
        write_docx(document, temps[0])
    elif fmt == "xlsx":
        from post_coder.export.writers.sheets import write_xlsx
        labels = [label for label in numbered(document) if label and label.startswith("Table")]
        write_xlsx(list(zip(labels, document.tables())), temps[0])
    elif fmt == "csv":
        from post_coder.export.writers.sheets import write_csv
        for table, temp in zip(document.tables(), temps):
            write_csv(table, temp)
    elif fmt == "md":
        from post_coder.export.writers.markdown import markdown
        temps[0].write_text(markdown(document, path), encoding="utf-8")
    elif fmt == "tex":
        from post_coder.export.writers.latex import latex
        temps[0].write_text(latex(document, path), encoding="utf-8")
    else:
        from post_coder.export.writers.html_page import html_page
        temps[0].write_text(html_page(document), encoding="utf-8")


def write_table_file(table: Table, path: str | Path, fmt: str | None = None, *,
                     title: str = "") -> Path:
    """Write one table (as "Table 1") to ``path``; ``title``: the document's title in the
    formats that have one (DOCX, Markdown, LaTeX, HTML)."""
    return write_document(Document(title, [table]), path, fmt)[0]
