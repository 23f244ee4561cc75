"""Publication outputs: ``export`` (one command per output: codebook, agreement, matrix…)
and ``report`` (everything in one folder).

Every ``export`` command takes the project, ``--out FILE`` and ``--format`` (default: the
suffix of ``--out``), reads as the coder it runs for (blind rounds stay blind) and writes
whole or not at all. A new output is one more ``@export.command`` here (or a command added
with ``export.add_command``).
"""

from __future__ import annotations

from pathlib import Path

import click

from post_coder.cli.agreement import bootstrap, what_to_compare
from post_coder.cli.common import PROJECT, _open, _scope
from post_coder.cli import themes

FORMATS = ("docx", "xlsx", "csv", "md", "tex", "html")

OUT = click.option("--out", required=True, type=click.Path(path_type=Path), metavar="FILE",
                   help="The file to write (its suffix gives the format unless --format).")
FORMAT = click.option("--format", "fmt", type=click.Choice(FORMATS),
                      help="docx (Word), xlsx (Excel), csv, md (Markdown), tex (LaTeX) or "
                           "html. Default: the suffix of --out.")
SOURCE = click.option("--source", default="consensus", show_default=True,
                      metavar="consensus|union|coder:NAME",
                      help="Whose codings count: the consensus layer (review decisions, else "
                           "the codes the coders agree on), the union of the coders' codings, "
                           "or one coder's.")


def _wrote(what: str, files: list[Path]) -> None:
    names = ", ".join(f.name for f in files)
    click.echo(f"Wrote {what} to {names}.")


@click.group()
def export() -> None:
    """Write a publication output: the codebook, the agreement report, the response × code
    matrix, a theme table.

    \b
    Example:
      post-coder export codebook study.postcoder --out codebook.docx
      post-coder export agreement study.postcoder --round "Round 1" --out agreement.xlsx
      post-coder export matrix study.postcoder --source union --out matrix.csv
      post-coder export themes study.postcoder --out themes.csv
    """


@export.command(name="codebook")
@PROJECT
@OUT
@FORMAT
@click.option("--counts", is_flag=True,
              help="Add how many respondents each code reaches (codings you may see).")
@click.option("--all", "include_inactive", is_flag=True,
              help="Also merged and retired codes, with their status.")
def export_codebook(project: Path, out: Path, fmt: str | None, counts: bool,
                    include_inactive: bool) -> None:
    """The codebook: each code's definition, inclusion and exclusion criteria and example,
    sub-codes indented under their code.

    \b
    Example:
      post-coder export codebook study.postcoder --out codebook.docx
      post-coder export codebook study.postcoder --counts --format xlsx --out codebook.xlsx
    """
    from post_coder.export.codebook import write_codebook

    with _open(project) as p:
        files = write_codebook(p, _scope(p), out, fmt, counts=counts,
                               include_inactive=include_inactive)
    _wrote("the codebook", files)


@export.command(name="agreement")
@PROJECT
@OUT
@FORMAT
@what_to_compare
@bootstrap
@click.option("--full", is_flag=True,
              help="Every coefficient and each pair's kappa (default: the short table).")
def export_agreement(project: Path, out: Path, fmt: str | None, round_name: str | None,
                     question_names: tuple[str, ...], code_names: tuple[str, ...],
                     coder_names: tuple[str, ...], resamples: int, seed: int,
                     full: bool) -> None:
    """The agreement report as a table: per code, units, Krippendorff's alpha with its 95%
    interval, percent agreement, Cohen's or Fleiss' kappa, Gwet's AC1 and the flag, with
    notes saying who was compared and what a unit is. Computed now, not stored. Needs
    everyone's codings (not during an open blind round).

    \b
    Example:
      post-coder export agreement study.postcoder --round "Round 1" --out agreement.docx
      post-coder export agreement study.postcoder --full --out agreement.xlsx
    """
    from post_coder.export.agreement import write_agreement

    with _open(project) as p:
        files = write_agreement(p, _scope(p), out, fmt, full=full, round=round_name,
                                questions=list(question_names) or None,
                                codes=list(code_names) or None,
                                coders=list(coder_names) or None, resamples=resamples,
                                seed=seed)
    _wrote("the agreement report", files)


@export.command(name="matrix")
@PROJECT
@OUT
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]),
              help="csv or xlsx. Default: the suffix of --out.")
@SOURCE
@click.option("--question", metavar="QUESTION",
              help="Only the answers to this question (column name or wording).")
@click.option("--roll-up", is_flag=True,
              help="A code's column is also 1 where one of its sub-codes applies.")
@click.option("--text", is_flag=True, help="Add the answers' text.")
def export_matrix(project: Path, out: Path, fmt: str | None, source: str,
                  question: str | None, roll_up: bool, text: bool) -> None:
    """The response × code matrix for mixed-methods analysis: one row per response, the
    respondent's attributes, and a 0/1 column per code. In Python:
    post_coder.export.matrix.code_matrix gives it as a pandas DataFrame.

    \b
    Example:
      post-coder export matrix study.postcoder --out matrix.csv
      post-coder export matrix study.postcoder --source union --question feedback --out m.xlsx
    """
    from post_coder.export.matrix import write_matrix

    with _open(project) as p:
        path, frame = write_matrix(p, _scope(p), out, fmt, source=source, question=question,
                                   roll_up=roll_up, text=text)
    click.echo(f"Wrote {len(frame)} responses × {len(frame.attrs['codes'])} codes to "
               f"{path.name} (source: {frame.attrs['source']}).")
    if frame.attrs["empty"] and len(frame):
        click.echo("No response has a code from this source yet: every code column is 0."
                   + (" The consensus layer holds review decisions and the codes the coders "
                      "agree on; --source union gives every coder's codings."
                      if source.strip() == "consensus"
                      else ""), err=True)


@click.command()
@PROJECT
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              metavar="DIR", help="The folder to write into (made if missing).")
@SOURCE
@click.option("--round", "round_name", metavar="ROUND",
              help="Only this round's agreement and minutes (default: every round).")
@click.option("--formats", default="docx,xlsx", show_default=True, metavar="LIST",
              help="The formats of each part's own files, comma-separated (docx, xlsx, csv, "
                   "md, tex, html).")
@click.option("--by", "by", metavar="ATTRIBUTE",
              help="Theme tables: add an n (%) column per value of this attribute.")
@click.option("--attribution", "attribution", multiple=True, metavar="ATTRIBUTE",
              help="Theme tables: tag each quote with the respondent's value of this "
                   "attribute; repeat for several.")
@bootstrap
def report(project: Path, out: Path, source: str, round_name: str | None, formats: str,
           by: str | None, attribution: tuple[str, ...], resamples: int, seed: int) -> None:
    """Write every publication output into one folder: the theme tables (one per RE-AIM
    dimension), the RE-AIM summary of the stored spec (a table per dimension, its figures
    as PNG, SVG and PDF, summary.json), the codebook, the agreement report of each round,
    the review minutes and the response × code matrix, each as its own files, plus
    report.docx holding all of them in order with numbered tables and figures. A part that
    cannot be made (for example agreement during an open blind round, or RE-AIM without a
    stored spec) is left out and said why.

    \b
    Example:
      post-coder report study.postcoder --out report
      post-coder report study.postcoder --out report --formats docx,xlsx,md,html
      post-coder report study.postcoder --out report --source union --attribution Role
    """
    from post_coder.export.report import COMBINED, ReportOptions, write_report

    wanted = tuple(f.strip().lower() for f in formats.split(",") if f.strip())
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown:
        raise click.BadParameter(f"{unknown[0]} is not one of {', '.join(FORMATS)}",
                                 param_hint="--formats")
    with _open(project) as p:
        result = write_report(p, _scope(p), out, ReportOptions(
            source=source, round=round_name, resamples=resamples, seed=seed,
            formats=wanted, by=by, attribution=attribution))
    click.echo(f"Wrote {len(result.files)} files to {out}:")
    for part in result.parts:
        names = [f.name for f in part.files]
        shown = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6
                                         else "")
        counts = []
        if part.tables:
            counts.append(f"{part.tables} table{'' if part.tables == 1 else 's'}")
        if part.figures:
            counts.append(f"{part.figures} figure{'' if part.figures == 1 else 's'}")
        what = f" ({', '.join(counts)})" if counts else ""
        click.echo(f"  {part.title}{what}: {shown}")
    click.echo(f"  Everything in order: {COMBINED} ({result.tables} tables, "
               f"{result.figures} figures)")
    for s in result.skipped:
        click.echo(f"Left out {s.name}: {s.reason}", err=True)


export.add_command(themes.themes)
