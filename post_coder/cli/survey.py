"""The survey commands: new, info, import, search, demo."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from post_coder.cli.common import (CODER, JSON, PROJECT, SCREENSHOT, _emit, _one_line, _open,
                                   _scope, app_launcher)
from post_coder.project import Project
from post_coder.queries import ReadScope


# -- project ------------------------------------------------------------------------------
@click.command()
@PROJECT
@click.option("--name", help="Project name (default: the file name).")
def new(project: Path, name: str | None) -> None:
    """Create a new, empty project file.

    \b
    Example:
      post-coder new peer-support.postcoder --name "POST evaluation"
    """
    if project.suffix != ".postcoder":
        project = project.with_name(project.name + ".postcoder")
    Project.create(project, name=name).close()
    click.echo(f"Created {project}")


@click.command()
@PROJECT
@JSON
def info(project: Path, as_json: bool) -> None:
    """Show what a project holds: datasets, questions, coders, codebook, codings.

    \b
    Example:
      post-coder info study.postcoder --json
    """
    from post_coder.queries import project_summary

    with _open(project) as p:
        summary = project_summary(p, _scope(p))
    _emit(summary, as_json, lambda: click.echo(summary.describe()))


@click.command(name="import")
@PROJECT
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--id-column", help="Column holding the respondent id.")
@click.option("--no-id", is_flag=True, help="No id column: number respondents by row.")
@click.option("--open-ended", multiple=True, metavar="COLUMN",
              help="Open-ended question column to code (repeat for several).")
@click.option("--attributes", multiple=True, metavar="COLUMN",
              help="Attribute column to keep, e.g. department (repeat for several).")
@click.option("--type", "types", multiple=True, metavar="COLUMN=TYPE",
              help="Override a column's type: categorical, ordinal, numeric, date, "
                   "multi_select or text.")
@click.option("--levels", "level_orders", multiple=True, metavar="COLUMN=A|B|C",
              help="A column's levels in order, low to high, separated by | (makes it "
                   "ordinal unless it is categorical or multi-select); every answer in the "
                   "column must be listed.")
@click.option("--table", "as_table", is_flag=True,
              help="Import the file as a data table with no answers to code (an interaction "
                   "log, a program table): every column kept is an attribute.")
@click.option("--sheet", help="Sheet of a workbook: .xlsx, .xls or .ods (default: the first).")
@click.option("--dictionary", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="REDCap data dictionary (CSV) of the export: field labels, choices and "
                   "field types (default: a PROJECT_DataDictionary_….csv beside a "
                   "PROJECT_DATA_….csv export, when there is one).")
@click.option("--name", help="Name of the dataset in the project (default: the file name).")
@click.option("--dry-run", is_flag=True, help="Show the detected format and mapping; change nothing.")
@click.option("--allow-duplicate", is_flag=True, help="Import a file already imported before.")
@CODER
def import_(project: Path, file: Path, id_column: str | None, no_id: bool,
            open_ended: tuple[str, ...], attributes: tuple[str, ...], types: tuple[str, ...],
            level_orders: tuple[str, ...], as_table: bool, sheet: str | None,
            dictionary: Path | None, name: str | None, dry_run: bool, allow_duplicate: bool,
            coder: str | None) -> None:
    """Import a survey export (CSV, TSV, Excel, OpenDocument, SPSS) into the project.

    Columns are suggested automatically (respondent id, open-ended questions, attributes);
    the options override the suggestion. Run with --dry-run first to see it. A file with
    nothing to code (an interaction log: date, department, duration) is imported with
    --table as a data table of its own, its rows numbered unless --id-column is given.

    \b
    Example:
      post-coder import study.postcoder qualtrics.csv --dry-run
      post-coder import study.postcoder qualtrics.csv --id-column ResponseId \\
          --open-ended Q5 --open-ended Q6 --attributes Department --type Q2=ordinal \\
          --levels "Q3=Never|Monthly|Weekly|Daily"
      post-coder import study.postcoder interactions.csv --table --no-id
      post-coder import study.postcoder redcap_export.csv \\
          --dictionary MyStudy_DataDictionary_2025-01-20.csv
    """
    from post_coder.importing import import_survey, inspect_file

    plan = inspect_file(file, sheet=sheet, dictionary=dictionary)
    if as_table:
        plan = plan.as_table()
    mapping: dict[str, Any] = {}
    if no_id:
        mapping["id_column"] = None
    elif id_column:
        mapping["id_column"] = id_column
    if open_ended:
        mapping["open_ended"] = list(open_ended)
    if attributes:
        mapping["attributes"] = list(attributes)
    if types:
        mapping["types"] = _parse_types(types)
    if level_orders:
        mapping["levels"] = _parse_levels(level_orders, plan)
    if mapping:
        plan = plan.with_mapping(**mapping)
    if dry_run:
        click.echo(plan.describe())
        click.echo("\nDry run: nothing was imported.")
        return
    with _open(project, coder) as p:
        result = import_survey(p, plan, name=name, allow_duplicate=allow_duplicate)
    if plan.is_table:
        click.echo(f"Imported {result.respondents} rows of {len(plan.attributes)} columns "
                   f"from {file.name} as a data table (nothing to code).")
        return
    click.echo(f"Imported {result.respondents} respondents and {result.responses} responses "
               f"to code from {file.name}.")
    shown = {c.name: c.short_label or c.name for c in plan.columns}
    for q in result.questions:
        click.echo(f"  {shown.get(q[0], q[0])}: {q[1]} responses, {q[2]} blank, "
                   f"{q[3]} non-answers")


def _parse_types(items: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for item in items:
        column, sep, kind = item.rpartition("=")
        if not sep or not column:
            raise click.BadParameter(f"{item!r} should look like COLUMN=TYPE", param_hint="--type")
        out[column] = kind.strip()
    return out


def _parse_levels(items: tuple[str, ...], plan: Any) -> dict[str, list[str]]:
    """``COLUMN=a|b|c`` → {COLUMN: [a, b, c]}; the column is the first part before an
    ``=`` that names one (levels may hold ``=`` themselves: ``Q3=1 = Poor|2 = Fair``)."""
    out = {}
    for item in items:
        cuts = [i for i, ch in enumerate(item) if ch == "="]
        if not cuts or not item[:cuts[0]].strip():
            raise click.BadParameter(f"{item!r} should look like COLUMN=A|B|C",
                                     param_hint="--levels")
        known = [i for i in cuts if plan.resolve(item[:i].strip()) in
                 {c.name for c in plan.columns}]
        cut = known[0] if known else cuts[0]
        out[item[:cut].strip()] = item[cut + 1:].split("|")
    return out


@click.command()
@PROJECT
@click.argument("query")
@click.option("--question", "question_names", multiple=True, metavar="QUESTION",
              help="Only this question (short label, column name or full text).")
@click.option("--limit", type=int, default=50, show_default=True, help="At most this many hits.")
@JSON
def search(project: Path, query: str, question_names: tuple[str, ...], limit: int,
           as_json: bool) -> None:
    """Full-text search of responses: words (all must appear), "exact phrases",
    prefix*, OR, and -excluded words.

    \b
    Example:
      post-coder search study.postcoder '"peer support" time OR schedul*'
    """
    from post_coder.queries import find_question
    from post_coder.queries import search as run_search

    with _open(project) as p:
        qids = tuple(find_question(p, q) for q in question_names) or None
        hits = run_search(p, query, limit=limit, question_ids=qids)

    def text() -> None:
        for h in hits:
            click.echo(f"{h.respondent}\t{h.question}\t{_one_line(h.snippet, 120)}")
        click.echo(f"{len(hits)} responses match" + (" (limit reached)" if len(hits) == limit
                                                    else ""))

    _emit(hits, as_json, text)


# -- demo ---------------------------------------------------------------------------------
@click.command()
@click.argument("project", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--fresh", is_flag=True, help="Rebuild the demo project, replacing the file.")
@click.option("--no-app", is_flag=True, help="Only build it and print what is in it.")
@SCREENSHOT
def demo(project: Path | None, fresh: bool, no_app: bool, screenshot: Path | None) -> None:
    """Open the demo project (a fictional peer-support program evaluation) in the app.

    The demo is built the first time (default: ~/POST Coder/demo.postcoder) and reopened,
    with your changes, after that; --fresh rebuilds it.

    \b
    Example:
      post-coder demo
      post-coder demo --no-app /tmp/demo.postcoder --fresh
    """
    from post_coder.demo import open_or_build_demo
    from post_coder.queries import project_summary

    with open_or_build_demo(project, fresh=fresh) as p:
        path, summary = p.path, project_summary(p, ReadScope.everyone()).describe()
    launcher = app_launcher()
    if launcher is None or no_app:
        click.echo(f"Demo project: {path}\n")
        click.echo(summary)
        return
    raise SystemExit(launcher(path, demo=True, screenshot=screenshot, summary=summary))
