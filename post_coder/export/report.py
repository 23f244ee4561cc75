"""The whole report in one folder: every part as its own files, plus ``report.docx``
holding all of them in order.

A part is built by a *section builder*: a function taking the :class:`ReportContext`
(project, read scope, output folder, options) and returning a :class:`Part` — its title,
its blocks (tables, figures, text) and any files it wrote itself (figures, the matrix,
``summary.json``) — or None when it has nothing to report. :data:`SECTIONS` lists the
builders in report order; a new kind of output joins the report by adding its builder
there. A builder that cannot report for a reason a person can act on (a blind round hides
the codings agreement needs, fewer than two coders) raises a
:class:`~post_coder.errors.PostCoderError`; the part is left out and the reason is listed
in :attr:`ReportResult.skipped`.

Every part is built (parts with data files of their own write them as they are built)
before the documents are written; each file is written whole or not at all. The report
reads through the scope it is given, like every export.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from post_coder.errors import InputError, PostCoderError
from post_coder.export.agreement import agreement_block
from post_coder.export.codebook import codebook_table_block
from post_coder.export.document import Block, Document, Heading, Paragraph
from post_coder.export.matrix import write_matrix
from post_coder.export.minutes import minutes_block
from post_coder.export.reaim import SpecError, check_spec, summarize
from post_coder.export.reaim.stored import stored_spec, stored_spec_text
from post_coder.export.reaim.tables import SUMMARY_JSON, reaim_blocks, write_summary_json
from post_coder.export.themes import ThemeSpec, count_themes, theme_tables
from post_coder.export.writers import format_of, write_document
from post_coder.project import Project
from post_coder.queries import ReadScope
from post_coder.team.agreement_report import agreement_report, check_visible
from post_coder.team.review import list_sessions, review_minutes
from post_coder.team.rounds import list_rounds

__all__ = ["COMBINED", "SECTIONS", "Part", "ReportContext", "ReportOptions", "ReportResult",
           "Skipped", "Written", "write_report"]

#: the name of the document holding every part
COMBINED = "report.docx"


@dataclass(frozen=True)
class ReportOptions:
    #: whose codings count (theme tables, the matrix): "consensus", "union", "coder:NAME"
    source: str = "consensus"
    #: only this round's agreement and minutes (default: every round)
    round: str | None = None
    #: bootstrap resamples for agreement's intervals, and their seed
    resamples: int = 1000
    seed: int = 0
    #: the formats each part is written in (besides the combined DOCX)
    formats: tuple[str, ...] = ("docx", "xlsx")
    #: theme tables: an attribute to break the counts down by, attributes tagging quotes
    by: str | None = None
    attribution: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReportContext:
    project: Project
    scope: ReadScope
    folder: Path
    options: ReportOptions


@dataclass
class Part:
    """One part of the report: ``name`` (its files' stem), ``title`` (its heading in the
    combined document), its blocks in order, and the files it wrote itself."""

    name: str
    title: str
    blocks: list[Block]
    files: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class Skipped:
    name: str
    reason: str


@dataclass(frozen=True)
class Written:
    """What one part put in the folder: its files, and its tables and figures."""

    name: str
    title: str
    files: tuple[Path, ...]
    tables: int
    figures: int


@dataclass
class ReportResult:
    files: list[Path]
    skipped: list[Skipped]
    #: each part written, in report order (the combined document is in ``files`` last)
    parts: list[Written] = field(default_factory=list)
    #: tables and figures in the combined document
    tables: int = 0
    figures: int = 0


SectionBuilder = Callable[[ReportContext], "Part | None"]


def themes_part(ctx: ReportContext) -> Part:
    """One theme table per RE-AIM dimension that has themes (in RE-AIM order), then the
    themes without a dimension; one table when no theme has a dimension."""
    spec = ThemeSpec(source=ctx.options.source, by=ctx.options.by,
                     attribution=ctx.options.attribution)
    themes = count_themes(ctx.project, ctx.scope, spec)
    if not themes.rows:
        raise InputError("the codebook has no themes yet")
    if not any(r.n for r in themes.rows):
        hint = (" (the consensus layer holds the review decisions and the codes the coders "
                "agree on; --source union counts every coder's codings)" if ctx.options.source.strip() ==
                "consensus" else "")
        raise InputError(f"no respondent has a code from the source "
                         f'"{ctx.options.source}" yet{hint}')
    tables = theme_tables(ctx.project, ctx.scope, spec, themes=themes)
    return Part("themes", "Theme tables", list(tables))


def reaim_part(ctx: ReportContext) -> Part:
    """The RE-AIM summary of the spec stored in the project: a table per dimension with its
    figures after it, the PRISM context notes, and summary.json (every number)."""
    if stored_spec_text(ctx.project) is None:
        raise InputError("the project has no RE-AIM spec yet; import one with: post-coder "
                         "reaim spec import PROJECT SPEC.toml")
    spec = stored_spec(ctx.project)
    problems = check_spec(ctx.project, spec)
    if problems:
        raise SpecError(problems)
    results = summarize(ctx.project, spec, ctx.scope)
    files = [write_summary_json(results, ctx.folder / SUMMARY_JSON, spec)]
    blocks, figure_files = reaim_blocks(results, spec, ctx.folder)
    return Part("reaim", "RE-AIM summary", [Paragraph(spec.title), *blocks],
                files + figure_files)


def codebook_part(ctx: ReportContext) -> Part:
    return Part("codebook", "Codebook",
                [codebook_table_block(ctx.project, ctx.scope, counts=True)])


def _rounds(ctx: ReportContext) -> list[str]:
    if ctx.options.round is not None:
        return [ctx.options.round]
    return [r.id for r in list_rounds(ctx.project)]


def agreement_part(ctx: ReportContext) -> Part:
    """One agreement table per round (or for the whole project when there are none);
    computed now, not stored."""
    check_visible(ctx.project, ctx.scope)
    blocks: list[Block] = []
    reasons = []
    for round_id in _rounds(ctx) or [None]:
        try:
            report = agreement_report(ctx.project, ctx.scope, round=round_id,
                                      resamples=ctx.options.resamples, seed=ctx.options.seed,
                                      store_report=False)
        except PostCoderError as exc:
            reasons.append(str(exc))
            continue
        blocks.append(agreement_block(report.as_dict()))
    if not blocks:
        raise InputError(reasons[0] if reasons else "nothing to compare")
    return Part("agreement", "Inter-coder agreement", blocks)


def minutes_part(ctx: ReportContext) -> Part | None:
    """The minutes of every round that had review sessions."""
    check_visible(ctx.project, ctx.scope)
    names = {r.id: r.name for r in list_rounds(ctx.project)}
    blocks: list[Block] = []
    for round_id in _rounds(ctx):
        if list_sessions(ctx.project, round_id):
            rows = review_minutes(ctx.project, round_id)
            blocks.append(minutes_block(names.get(round_id, round_id), rows))
    if not blocks:
        raise InputError("no review sessions yet")
    return Part("minutes", "Discrepancy review minutes", blocks)


def matrix_part(ctx: ReportContext) -> Part:
    """The response × code matrix as CSV and XLSX (data for analysis, not a table to
    print: the document says where it is)."""
    files = []
    for suffix in ("csv", "xlsx"):
        path, frame = write_matrix(ctx.project, ctx.scope, ctx.folder / f"matrix.{suffix}",
                                   source=ctx.options.source)
        files.append(path)
    text = (f"The response × code matrix ({len(frame)} responses; the respondents' "
            f"attributes and a 0/1 column for each of {len(frame.attrs['codes'])} codes) is "
            f"in matrix.csv and matrix.xlsx. Source: {frame.attrs['source']}.")
    if frame.attrs["empty"]:
        text += " No response has a code from this source yet."
    return Part("matrix", "Response × code matrix", [Paragraph(text)], files)


#: the report's sections in order: theme tables, RE-AIM tables and figures, codebook,
#: agreement report, review minutes, matrix
SECTIONS: list[tuple[str, SectionBuilder]] = [
    ("themes", themes_part),
    ("reaim", reaim_part),
    ("codebook", codebook_part),
    ("agreement", agreement_part),
    ("minutes", minutes_part),
    ("matrix", matrix_part),
]


def write_report(project: Project, scope: ReadScope, folder: str | Path,
                 options: ReportOptions = ReportOptions(), *,
                 sections: list[tuple[str, SectionBuilder]] | None = None) -> ReportResult:
    """Build every section and write the report into ``folder`` (made if missing; its
    parent must exist): each part as ``NAME.FORMAT`` for each of ``options.formats``, and
    ``report.docx`` with every part in order. Returns the files written and the parts
    left out with the reason."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError("that is a file; give a folder for the report", file=folder)
    if not folder.parent.is_dir():
        raise InputError(f'the folder "{folder.parent}" does not exist', file=folder)
    formats = tuple(dict.fromkeys(format_of(folder / f"x.{f}") for f in options.formats))
    folder.mkdir(exist_ok=True)
    ctx = ReportContext(project, scope, folder, options)
    parts: list[Part] = []
    skipped: list[Skipped] = []
    for name, build in sections if sections is not None else SECTIONS:
        try:
            part = build(ctx)
        except PostCoderError as exc:
            skipped.append(Skipped(name, str(exc)))
            continue
        if part is not None:
            parts.append(part)
    written: list[Written] = []
    for part in parts:
        own = list(part.files)
        document = Document(f"{part.title}: {project.name}", list(part.blocks))
        if document.tables() or document.figures():  # else only text: its files are the part
            for fmt in formats:
                if fmt in ("xlsx", "csv") and not document.tables():
                    continue
                own += write_document(document, folder / f"{part.name}.{fmt}", fmt)
        written.append(Written(part.name, part.title, tuple(own), len(document.tables()),
                               len(document.figures())))
    combined = Document(f"{project.name}: report", [])
    for part in parts:
        combined.add(Heading(part.title, 1), *part.blocks)
    files = [f for w in written for f in w.files]
    files += write_document(combined, folder / COMBINED, "docx")
    return ReportResult(files, skipped, written, len(combined.tables()),
                        len(combined.figures()))
