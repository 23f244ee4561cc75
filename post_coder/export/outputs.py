"""The publication outputs as one catalog, for fronts that offer them side by side (the
app's export dialog): what each output is called, the formats it can be written in, the
:class:`~post_coder.export.document.Document` it would write (for a preview) and writing it.

Every output is built by the same core function as its ``post-coder export`` command
(:mod:`.themes`, :mod:`.codebook`, :mod:`.agreement`, :mod:`.matrix`, :mod:`.minutes`,
:mod:`.reaim`, :mod:`.report`), with the same options as keyword arguments, and read
through the scope it is given: during an open blind round the core refuses what would
show others' codings, with its own plain message.

:func:`preview_html` renders the document as the HTML page the ``html`` format writes.
The response × code matrix is data for analysis rather than a table to print: its preview
shows its first rows. The full report's preview shows every part the report would hold
(built by the report's own section builders, on a scratch folder) and the parts it would
leave out, with the reason.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from post_coder.errors import InputError, PostCoderError
from post_coder.export.document import Document, Heading, Paragraph, Table
from post_coder.export.writers import FORMATS, write_document
from post_coder.export.writers.html_page import html_page
from post_coder.progress import Progress, ensure
from post_coder.project import Project
from post_coder.queries import ReadScope

__all__ = ["MATRIX_PREVIEW_ROWS", "OUTPUTS", "Output", "output_document", "preview_html",
           "write_output"]

#: rows of the response × code matrix shown in its preview
MATRIX_PREVIEW_ROWS = 20


@dataclass(frozen=True)
class Output:
    key: str
    #: what a person picks ("Theme table")
    label: str
    #: the formats it can be written in, first the default
    formats: tuple[str, ...]
    #: written into a folder (several files) rather than one file
    folder: bool = False


OUTPUTS: dict[str, Output] = {o.key: o for o in (
    Output("themes", "Theme table", FORMATS),
    Output("codebook", "Codebook", FORMATS),
    Output("agreement", "Agreement report", FORMATS),
    Output("matrix", "Response × code matrix", ("xlsx", "csv")),
    Output("reaim", "RE-AIM summary", FORMATS),
    Output("minutes", "Review minutes", FORMATS),
    Output("report", "Full report (folder)", ("docx", "xlsx", "csv", "md", "tex", "html"),
           folder=True),
)}


# -- the documents ---------------------------------------------------------------------------

def _themes(project: Project, scope: ReadScope, options: Mapping[str, Any],
            figures: Path | None) -> Document:
    from post_coder.export.themes import ThemeSpec, theme_table

    table = theme_table(project, scope, ThemeSpec(**options))
    return Document("Themes", [table])  # as `post-coder export themes` writes it


def _codebook(project: Project, scope: ReadScope, options: Mapping[str, Any],
              figures: Path | None) -> Document:
    from post_coder.export.codebook import codebook_document

    return codebook_document(project, scope, **options)


def _agreement(project: Project, scope: ReadScope, options: Mapping[str, Any],
               figures: Path | None) -> Document:
    from post_coder.export.agreement import agreement_document

    return agreement_document(project, scope, **options)


def _minutes(project: Project, scope: ReadScope, options: Mapping[str, Any],
             figures: Path | None) -> Document:
    from post_coder.export.minutes import minutes_document

    return minutes_document(project, scope, **options)


def _reaim(project: Project, scope: ReadScope, options: Mapping[str, Any],
           figures: Path | None) -> Document:
    """The stored spec's tables, each dimension's figures after its table (drawn into the
    folder ``figures``; none without one or with ``options["figures"]`` false), then the
    PRISM context notes: :func:`~post_coder.export.reaim.tables.reaim_blocks`, as in the
    report."""
    from post_coder.export.reaim import summarize
    from post_coder.export.reaim.stored import stored_spec
    from post_coder.export.reaim.tables import reaim_blocks

    spec = stored_spec(project)
    results = summarize(project, spec, scope)
    draw = figures is not None and bool(options.get("figures", True))
    blocks, _files = reaim_blocks(results, spec, figures or Path("."), figures=draw)
    return Document(spec.title, list(blocks))


def _matrix(project: Project, scope: ReadScope, options: Mapping[str, Any],
            figures: Path | None) -> Document:
    """The matrix's first rows as a table (the file holds every row)."""
    from post_coder.export.matrix import _plain, code_matrix

    frame = code_matrix(project, scope, **options)
    shown = frame.head(MATRIX_PREVIEW_ROWS)
    rows = [[_plain(v) for v in row] for row in shown.itertuples(index=False, name=None)]
    notes = [f"Source: {frame.attrs['source']}.",
             f"The first {len(shown)} of {len(frame)} responses; the file holds every one."]
    if frame.attrs["empty"] and len(frame):
        notes.append("No response has a code from this source yet: every code column is 0.")
    table = Table.plain(f"Response × code matrix ({len(frame)} responses × "
                        f"{len(frame.attrs['codes'])} codes)",
                        [str(c) for c in frame.columns], rows, notes=notes, name="Matrix")
    return Document(f"Response × code matrix: {project.name}", [table])


_BUILDERS: dict[str, Callable[[Project, ReadScope, Mapping[str, Any], Path | None],
                               Document]] = {
    "themes": _themes, "codebook": _codebook, "agreement": _agreement, "matrix": _matrix,
    "reaim": _reaim, "minutes": _minutes}


def output_document(key: str, project: Project, scope: ReadScope,
                    options: Mapping[str, Any], figures: Path | None = None) -> Document:
    """The document output ``key`` writes with ``options``; its figures (RE-AIM) are saved
    in the folder ``figures`` (None: no figures). Not the full report (see
    :func:`preview_html`, :func:`write_output`)."""
    if key == "report":
        raise InputError("the full report is a folder: see preview_html and write_output")
    return _BUILDERS[key](project, scope, options, figures)


def _report_options(options: Mapping[str, Any]) -> Any:
    from post_coder.export.report import ReportOptions

    return ReportOptions(**options)


def _report_preview(project: Project, scope: ReadScope, options: Mapping[str, Any]) -> str:
    from post_coder.export.report import SECTIONS, ReportContext

    combined = Document(f"{project.name}: report", [])
    left_out = []
    with tempfile.TemporaryDirectory(prefix="post-coder-preview-") as scratch:
        ctx = ReportContext(project, scope, Path(scratch), _report_options(options))
        for name, build in SECTIONS:
            try:
                part = build(ctx)
            except PostCoderError as exc:
                left_out.append(f"{name}: {exc}")
                continue
            if part is not None:
                combined.add(Heading(part.title, 1), *part.blocks)
        if left_out:
            combined.add(Heading("Left out of the report", 1),
                         *(Paragraph(line) for line in left_out))
        return html_page(combined)  # while its figures' files exist


def preview_html(key: str, project: Project, scope: ReadScope,
                 options: Mapping[str, Any]) -> str:
    """What output ``key`` would write, as one HTML page (tables, notes, figures)."""
    if key == "report":
        return _report_preview(project, scope, options)
    with tempfile.TemporaryDirectory(prefix="post-coder-preview-") as scratch:
        return html_page(output_document(key, project, scope, options, Path(scratch)))


# -- writing ---------------------------------------------------------------------------------

def _plain_os_error(exc: OSError, path: Path) -> PostCoderError:
    if isinstance(exc, PermissionError):
        return InputError("cannot write here: the file may be open in another program "
                          "(close it and try again), or the folder is read-only", file=path)
    if isinstance(exc, FileNotFoundError):
        return InputError("the folder does not exist", file=path)
    return InputError(f"the file could not be written ({exc.strerror or exc})", file=path)


def write_output(key: str, project: Project, scope: ReadScope, path: str | Path, fmt: str,
                 options: Mapping[str, Any], progress: Progress | None = None
                 ) -> tuple[list[Path], list[str]]:
    """Write output ``key`` to ``path`` (a folder for the full report) as ``fmt`` (the full
    report: its parts in ``options["formats"]``, plus report.docx). Returns the files
    written and the parts left out (with the reason; the full report only).

    The RE-AIM figures go beside the file as ``fig-DIMENSION-NAME.png/.svg/.pdf`` (not for
    XLSX and CSV, which hold tables only). ``progress`` can cancel (:class:`~post_coder.errors.Cancelled`) before the file is
    written, and between the full report's parts; a file once begun is written whole.
    """
    progress = ensure(progress)
    path = Path(path)
    try:
        if key == "report":
            return _write_report(project, scope, path, options, progress)
        progress.update(0, 2, "Preparing…")
        if key == "matrix":
            from post_coder.export.matrix import write_matrix

            progress.update(1, 2, "Writing…")  # a refusal (blind round) comes before the file
            written, _ = write_matrix(project, scope, path, fmt, **options)
            return [written], []
        # figures are files beside the document (embedded in DOCX and HTML as well)
        figures = None if fmt in ("xlsx", "csv") else path.parent
        if figures is not None and not figures.is_dir():
            raise InputError(f'the folder "{figures}" does not exist', file=path)
        document = output_document(key, project, scope, options, figures)
        progress.update(1, 2, "Writing…")
        if key == "themes" and fmt in ("csv", "md"):  # as `export themes` writes them
            from post_coder.export.tables import write_table
            from post_coder.export.themes import flat

            header, rows = flat(document.tables()[0])
            return [write_table(path, header, rows, fmt, title=document.title)], []
        return write_document(document, path, fmt), []
    except OSError as exc:
        raise _plain_os_error(exc, path) from exc
    except PostCoderError as exc:  # a writer's "could not be written": say what to do
        if isinstance(exc.__cause__, OSError):
            raise _plain_os_error(exc.__cause__, Path(exc.file or path)) from exc
        raise


def _write_report(project: Project, scope: ReadScope, folder: Path,
                  options: Mapping[str, Any], progress: Progress) -> tuple[list[Path], list[str]]:
    from post_coder.export.report import SECTIONS, write_report

    total = len(SECTIONS) + 1

    def step(i: int, name: str, build: Any) -> Any:
        def built(ctx: Any) -> Any:
            progress.update(i, total, f"Building the {name}…")
            return build(ctx)
        return built

    sections = [(name, step(i, name, build)) for i, (name, build) in enumerate(SECTIONS)]
    result = write_report(project, scope, folder, _report_options(options), sections=sections)
    return result.files, [f"{s.name}: {s.reason}" for s in result.skipped]
