"""``post-coder``: the command line, a thin front over the same services as the app.

Every command opens the project, calls one core service and prints the outcome. Errors
print one plain line and exit non-zero. Listing commands take ``--json``.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shlex
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from post_coder import __version__
from post_coder.errors import Cancelled, PostCoderError
from post_coder.project import Project, plain_error
from post_coder.queries import ReadScope

PROJECT = click.argument("project", type=click.Path(dir_okay=False, path_type=Path))
JSON = click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")


class _Group(click.Group):
    """Turns core errors into one line and an exit code, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return _flushed(super().invoke(ctx))
        except BrokenPipeError:
            _quiet_broken_pipe(ctx)
        except PostCoderError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(1)
        except Cancelled:
            click.echo("Cancelled.", err=True)
            ctx.exit(130)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            plain = plain_error(exc)  # a lock held elsewhere, a full disk, a damaged file…
            if plain is not None:
                click.echo(f"Error: {plain}", err=True)
                ctx.exit(1)
            # a bug: say so plainly, keep the details for a report
            if os.environ.get("POST_CODER_DEBUG"):
                traceback.print_exc()
            click.echo(f"Error: something went wrong inside POST Coder ({type(exc).__name__}: "
                       f"{exc}). Nothing was saved from this command. Set POST_CODER_DEBUG=1 "
                       "to see details for a bug report.", err=True)
            ctx.exit(2)


def _flushed(value: Any) -> Any:
    sys.stdout.flush()  # a reader that went away shows here, not at exit
    return value


def _quiet_broken_pipe(ctx: click.Context) -> None:
    """The reader of the output went away (``post-coder codes list … | head``): stop
    quietly, as command-line tools do."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # nothing more to flush at exit
    except (OSError, ValueError):
        pass
    ctx.exit(141)  # 128 + SIGPIPE, what a shell reports for such a command


def _emit(data: Any, as_json: bool, text: Callable[[], None]) -> None:
    if as_json:
        click.echo(json.dumps(_plain(data), indent=2, ensure_ascii=False))
    else:
        text()


def _plain(data: Any) -> Any:
    if hasattr(data, "as_dict"):
        return data.as_dict()
    if dataclasses.is_dataclass(data) and not isinstance(data, type):
        return {k: _plain(v) for k, v in dataclasses.asdict(data).items()}
    if isinstance(data, (list, tuple)):
        return [_plain(d) for d in data]
    if isinstance(data, dict):
        return {k: _plain(v) for k, v in data.items()}
    return data


#: ``_open``'s default: the command only reads, so nobody acts and no coder is added
_READING = "\x00reading"


@contextmanager
def _open(path: Path, coder: str | None = _READING) -> Iterator[Project]:
    """Open the project. A command that writes passes its ``--as`` value (``None``: use
    $POST_CODER_CODER): that coder acts, and is added if the project does not know them
    (said on stderr). A command that only reads passes nothing and never adds a coder."""
    from post_coder.coding.coders import UnknownCoder, ensure_coder, find_coder, list_coders

    with Project.open(path) as project:
        if coder == _READING:
            # a known $POST_CODER_CODER reads as themselves (blind rounds stay blind)
            reader = os.environ.get("POST_CODER_CODER")
            if reader:
                try:
                    project.actor = find_coder(project, reader).id
                except UnknownCoder:
                    pass
            yield project
            return
        name = coder or os.environ.get("POST_CODER_CODER")
        if name:
            known = {c.id for c in list_coders(project)}
            project.actor = ensure_coder(project, name)
            if project.actor not in known:
                click.echo(f'Added "{name.strip()}" to the coders of {path.name} (acting as '
                           "them).", err=True)
        yield project


def _coder_id(p: Project, path: Path, name: str) -> str:
    """The id of a coder taking part in something; an unknown name says how to add them."""
    from post_coder.coding.coders import UnknownCoder, find_coder

    try:
        return find_coder(p, name).id
    except UnknownCoder as exc:
        raise UnknownCoder(f"{exc.message} If they are new, add them with: post-coder coders "
                           f'add {shlex.quote(str(path))} "{name.strip()}"', name) from exc


def _scope(project: Project) -> ReadScope:
    """What the coder the command acts as may see (blind rounds honoured, as in the app)."""
    from post_coder.team.rounds import read_scope

    return read_scope(project, project.actor)


#: opens the desktop app: ``launch(path, demo=, fresh=, screenshot=) -> exit code``; set by
#: :mod:`post_coder.launcher` (the ``post-coder`` program). Without it the CLI stays textual.
AppLauncher = Callable[..., int]
_launcher: AppLauncher | None = None


def set_app_launcher(launcher: AppLauncher | None) -> None:
    global _launcher
    _launcher = launcher


SCREENSHOT = click.option("--screenshot", type=click.Path(dir_okay=False, path_type=Path),
                          help="Render the app's main window to this PNG and exit.")

CODER = click.option("--as", "coder", metavar="NAME",
                     help="Coder on whose behalf to act (audit log). Default: $POST_CODER_CODER.")


@click.group(cls=_Group, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="POST Coder")
@SCREENSHOT
@click.pass_context
def main(ctx: click.Context, screenshot: Path | None) -> None:
    """POST Coder: code open-ended survey responses as a team.

    Without a command, opens the app's start page.

    \b
    Example:
      post-coder                      # the app: start page with recent projects
      post-coder demo                 # the demo project, in the app
      post-coder new study.postcoder
      post-coder import study.postcoder survey.csv --dry-run
    """
    if ctx.invoked_subcommand is None:
        if _launcher is None:
            click.echo(ctx.get_help())
        else:
            ctx.exit(_launcher(None, screenshot=screenshot))


@main.command(name="open")
@PROJECT
@SCREENSHOT
def open_(project: Path, screenshot: Path | None) -> None:
    """Open a project in the app.

    \b
    Example:
      post-coder open study.postcoder
      post-coder open study.postcoder --screenshot window.png
    """
    if _launcher is None:
        raise click.UsageError("the desktop app is not available in this command line")
    Project.open(project).close()  # a clear error here rather than in a window
    raise SystemExit(_launcher(project, screenshot=screenshot))


# -- project ------------------------------------------------------------------------------
@main.command()
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


@main.command()
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


@main.command(name="import")
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
@click.option("--sheet", help="Sheet of an Excel workbook (default: the first).")
@click.option("--name", help="Name of the dataset in the project (default: the file name).")
@click.option("--dry-run", is_flag=True, help="Show the detected format and mapping; change nothing.")
@click.option("--allow-duplicate", is_flag=True, help="Import a file already imported before.")
@CODER
def import_(project: Path, file: Path, id_column: str | None, no_id: bool,
            open_ended: tuple[str, ...], attributes: tuple[str, ...], types: tuple[str, ...],
            sheet: str | None, name: str | None, dry_run: bool, allow_duplicate: bool,
            coder: str | None) -> None:
    """Import a survey export (CSV, TSV, Excel, SPSS) into the project.

    Columns are suggested automatically (respondent id, open-ended questions, attributes);
    the options override the suggestion. Run with --dry-run first to see it.

    \b
    Example:
      post-coder import study.postcoder qualtrics.csv --dry-run
      post-coder import study.postcoder qualtrics.csv --id-column ResponseId \\
          --open-ended Q5 --open-ended Q6 --attributes Department --type Q2=ordinal
    """
    from post_coder.importing import import_survey, inspect_file

    plan = inspect_file(file, sheet=sheet)
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
    if mapping:
        plan = plan.with_mapping(**mapping)
    if dry_run:
        click.echo(plan.describe())
        click.echo("\nDry run: nothing was imported.")
        return
    with _open(project, coder) as p:
        result = import_survey(p, plan, name=name, allow_duplicate=allow_duplicate)
    click.echo(f"Imported {result.respondents} respondents and {result.responses} responses "
               f"to code from {file.name}.")
    for q in result.questions:
        click.echo(f"  {q[0]}: {q[1]} responses, {q[2]} blank, {q[3]} non-answers")


def _parse_types(items: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for item in items:
        column, sep, kind = item.rpartition("=")
        if not sep or not column:
            raise click.BadParameter(f"{item!r} should look like COLUMN=TYPE", param_hint="--type")
        out[column] = kind.strip()
    return out


# -- codebook -----------------------------------------------------------------------------
@main.group()
def codes() -> None:
    """List and refine the codebook (add, rename, redefine, move, merge, split, retire)."""


def _print_codes(rows: list, show_status: bool) -> None:
    from post_coder.coding.codebook import tree_order

    # children of inactive parents (not listed) come after the tree
    for r, depth in tree_order(rows, link=lambda r: (r["id"], r["parent_id"]), orphans_last=True):
        status = f"  [{r['status']}]" if show_status and r["status"] != "active" else ""
        click.echo(f"{'  ' * depth}{r['name']}  ({r['respondents']} respondents, "
                   f"{r['codings']} codings){status}")
        if r["definition"]:
            click.echo(f"{'  ' * depth}    {r['definition']}")
    if not rows:
        click.echo("The codebook is empty. Add a code with: post-coder codes add PROJECT NAME")


@codes.command(name="list")
@PROJECT
@click.option("--all", "include_all", is_flag=True, help="Include merged and retired codes.")
@JSON
def codes_list(project: Path, include_all: bool, as_json: bool) -> None:
    """List the codebook as a tree, with distinct respondents and codings per code.

    \b
    Example:
      post-coder codes list study.postcoder --json
    """
    from post_coder.queries import codebook_table

    with _open(project) as p:
        rows = codebook_table(p, _scope(p), include_inactive=include_all)
    _emit(rows, as_json, lambda: _print_codes(rows, include_all))


@codes.command(name="add")
@PROJECT
@click.argument("name")
@click.option("--parent", help="Put the new code under this code.")
@click.option("--definition", default="", help="What the code means.")
@click.option("--inclusion", default="", help="When to apply it.")
@click.option("--exclusion", default="", help="When not to apply it.")
@click.option("--example", default="", help="A typical example.")
@click.option("--color", help="Color as #RRGGBB.")
@click.option("--rationale", help="Why (kept in the audit log).")
@CODER
def codes_add(project: Path, name: str, parent: str | None, definition: str, inclusion: str,
              exclusion: str, example: str, color: str | None, rationale: str | None,
              coder: str | None) -> None:
    """Add a code to the codebook.

    \b
    Example:
      post-coder codes add study.postcoder "Lack of time" --parent Barriers \\
          --definition "Time pressure keeps the respondent from using the program."
    """
    from post_coder.coding.codebook import add_code, find_code

    with _open(project, coder) as p:
        parent_id = find_code(p, parent).id if parent else None
        add_code(p, name, parent=parent_id, definition=definition, inclusion=inclusion,
                 exclusion=exclusion, example=example, color=color, rationale=rationale)
    click.echo(f'Added code "{name}".')


@codes.command(name="import")
@PROJECT
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@CODER
def codes_import(project: Path, file: Path, coder: str | None) -> None:
    """Add the codes of a codebook CSV (name, parent, definition, inclusion, exclusion,
    example, color).

    \b
    Example:
      post-coder codes import study.postcoder starter-codebook.csv
    """
    from post_coder.coding.codebook_io import import_codebook_csv

    with _open(project, coder) as p:
        changes = import_codebook_csv(p, file)
    click.echo(f"Added {len(changes.created)} codes from {file.name}.")


@codes.command(name="rename")
@PROJECT
@click.argument("code")
@click.argument("new_name")
@click.option("--rationale", help="Why (kept in the audit log).")
@CODER
def codes_rename(project: Path, code: str, new_name: str, rationale: str | None,
                 coder: str | None) -> None:
    """Rename a code.

    \b
    Example:
      post-coder codes rename study.postcoder "Time" "Lack of time"
    """
    from post_coder.coding.codebook import find_code, rename_code

    with _open(project, coder) as p:
        rename_code(p, find_code(p, code).id, new_name, rationale=rationale)
    click.echo(f'Renamed "{code}" to "{new_name}".')


@codes.command(name="redefine")
@PROJECT
@click.argument("code")
@click.option("--definition", help="What the code means.")
@click.option("--inclusion", help="When to apply it.")
@click.option("--exclusion", help="When not to apply it.")
@click.option("--example", help="A typical example.")
@click.option("--color", help="Color as #RRGGBB.")
@click.option("--rationale", help="Why (kept in the audit log).")
@CODER
def codes_redefine(project: Path, code: str, rationale: str | None, coder: str | None,
                   color: str | None, **texts: str | None) -> None:
    """Change a code's definition, inclusion and exclusion criteria, example or color.

    \b
    Example:
      post-coder codes redefine study.postcoder "Stigma" --exclusion "Privacy worries"
    """
    from post_coder.coding.codebook import find_code
    from post_coder.coding.refine import edit_code

    given = {k: v for k, v in {**texts, "color": color}.items() if v is not None}
    if not given:
        raise click.UsageError("say what to change, e.g. --definition \"…\"")
    with _open(project, coder) as p:
        edit_code(p, find_code(p, code).id, given, rationale=rationale, label="Redefine code")
    click.echo(f'Updated "{code}".')


@codes.command(name="move")
@PROJECT
@click.argument("code")
@click.option("--to", "parent", help="The new parent code.")
@click.option("--top", is_flag=True, help="Move to the top level.")
@click.option("--rationale", help="Why (kept in the audit log).")
@CODER
def codes_move(project: Path, code: str, parent: str | None, top: bool, rationale: str | None,
               coder: str | None) -> None:
    """Move a code under another code, or to the top level.

    \b
    Example:
      post-coder codes move study.postcoder "Lack of time" --to Barriers
    """
    from post_coder.coding.codebook import find_code, move_code

    if bool(parent) == top:
        raise click.UsageError("give either --to PARENT or --top")
    with _open(project, coder) as p:
        parent_id = find_code(p, parent).id if parent else None
        move_code(p, find_code(p, code).id, parent_id, rationale=rationale)
    click.echo(f'Moved "{code}" {"to the top level" if top else f"under {parent!r}"}.')


@codes.command(name="merge")
@PROJECT
@click.argument("sources", nargs=-1, required=True)
@click.option("--into", "target", required=True, help="The code that remains.")
@click.option("--rationale", help="Why (kept in the audit log).")
@CODER
def codes_merge(project: Path, sources: tuple[str, ...], target: str, rationale: str | None,
                coder: str | None) -> None:
    """Merge codes into one: their codings move to it, duplicates collapse.

    \b
    Example:
      post-coder codes merge study.postcoder "Busy" "No time" --into "Lack of time"
    """
    from post_coder.coding.codebook import find_code, merge_codes

    with _open(project, coder) as p:
        merge_codes(p, [find_code(p, s).id for s in sources], find_code(p, target).id,
                    rationale=rationale)
    click.echo(f"Merged {', '.join(repr(s) for s in sources)} into {target!r}.")


@codes.command(name="split")
@PROJECT
@click.argument("code")
@click.argument("new_name")
@click.option("--coding", "coding_ids", multiple=True, metavar="ID",
              help="Id of a coding to move (see `post-coder codings --json`).")
@click.option("--respondent", "respondents", multiple=True, metavar="ID",
              help="Move this respondent's codings of CODE (repeat for several).")
@click.option("--definition", default="", help="Definition of the new code.")
@click.option("--rationale", help="Why (kept in the audit log).")
@CODER
def codes_split(project: Path, code: str, new_name: str, coding_ids: tuple[str, ...],
                respondents: tuple[str, ...], definition: str, rationale: str | None,
                coder: str | None) -> None:
    """Split a code: make NEW_NAME beside it and move the chosen codings to it.

    \b
    Example:
      post-coder codes split study.postcoder "Support" "Financial support" \\
          --respondent R012 --respondent R031
    """
    from post_coder.coding.codebook import find_code, split_code
    from post_coder.coding.codings import list_codings

    if not coding_ids and not respondents:
        raise click.UsageError("choose the codings to move with --coding or --respondent")
    with _open(project, coder) as p:
        source = find_code(p, code)
        chosen = list(coding_ids)
        if respondents:
            wanted = set(respondents)
            chosen += [c.id for c in list_codings(p, _scope(p), codes=[source.id])
                       if c.respondent in wanted]
        split_code(p, source.id, new_name, chosen, definition=definition, rationale=rationale)
    click.echo(f'Split {len(set(chosen))} codings of "{code}" into "{new_name}".')


@codes.command(name="retire")
@PROJECT
@click.argument("code")
@click.option("--rationale", help="Why (kept in the audit log).")
@CODER
def codes_retire(project: Path, code: str, rationale: str | None, coder: str | None) -> None:
    """Retire a code: it leaves the codebook, its codings stay on record.

    \b
    Example:
      post-coder codes retire study.postcoder "Misc" --rationale "Too vague"
    """
    from post_coder.coding.codebook import find_code, retire_code

    with _open(project, coder) as p:
        retire_code(p, find_code(p, code).id, rationale=rationale)
    click.echo(f'Retired "{code}".')


# -- coders -------------------------------------------------------------------------------
@main.group()
def coders() -> None:
    """The coders of a project: add colleagues, list them, rename them."""


@coders.command(name="add")
@PROJECT
@click.argument("name")
@click.option("--initials", help="Short form shown on codings (default: from the name).")
@click.option("--color", help="Color as #RRGGBB (default: the next palette color).")
@CODER
def coders_add(project: Path, name: str, initials: str | None, color: str | None,
               coder: str | None) -> None:
    """Add a coder (a colleague who will code) to the project.

    \b
    Example:
      post-coder coders add study.postcoder "Maya Chen" --initials MC --color "#1f77b4"
    """
    from post_coder.coding.coders import add_coder, find_coder

    with _open(project, coder) as p:
        added = find_coder(p, add_coder(p, name, initials=initials, color=color).new_id)
    click.echo(f'Added coder "{added.name}" ({added.initials}, {added.color}).')


@coders.command(name="list")
@PROJECT
@JSON
def coders_list(project: Path, as_json: bool) -> None:
    """List the coders with their initials, color and number of codings.

    \b
    Example:
      post-coder coders list study.postcoder --json
    """
    from post_coder.coding.coders import coder_table

    with _open(project) as p:
        rows = coder_table(p, _scope(p))

    def text() -> None:
        for r in rows:
            count = "codings hidden" if r["codings"] is None else f"{r['codings']} codings"
            click.echo(f"{r['name']}  ({r['initials']}, {r['color']})  {count}")
        if not rows:
            click.echo("No coders yet. Add one with: post-coder coders add PROJECT NAME")

    _emit(rows, as_json, text)


@coders.command(name="rename")
@PROJECT
@click.argument("old")
@click.argument("new")
@click.option("--initials", help="New initials too.")
@CODER
def coders_rename(project: Path, old: str, new: str, initials: str | None,
                  coder: str | None) -> None:
    """Rename a coder (OLD is their name, initials or id); their codings stay theirs.

    \b
    Example:
      post-coder coders rename study.postcoder "Maya C." "Maya Chen" --initials MC
    """
    from post_coder.coding.coders import find_coder, rename_coder

    with _open(project, coder) as p:
        before = find_coder(p, old)
        rename_coder(p, before.id, new, initials=initials)
        after = find_coder(p, before.id)
    click.echo(f'Renamed coder "{before.name}" to "{after.name}" ({after.initials}).')


# -- coding -------------------------------------------------------------------------------
@main.command()
@PROJECT
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--create-codes", is_flag=True, help="Add codes that are not in the codebook yet.")
@CODER
def code(project: Path, file: Path, create_codes: bool, coder: str | None) -> None:
    """Apply codings from a CSV with columns respondent, question, code, coder
    (optional start, end for a span). All rows or none.

    \b
    Example:
      post-coder code study.postcoder codings.csv
    """
    from post_coder.coding.codings import apply_codings_csv

    with _open(project, coder) as p:
        result = apply_codings_csv(p, file, create_codes=create_codes)
    click.echo(f"Applied {result.applied} codings from {file.name}"
               + (f" ({result.already_present} were already there)." if result.already_present
                  else "."))


class _ListByDefault(click.Group):
    """A group whose ``list`` command is the default: ``codings PROJECT …`` lists."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = ["list", *args]
        return super().parse_args(ctx, args)


@main.group(name="codings", cls=_ListByDefault)
def codings_group() -> None:
    """List codings (`codings PROJECT` is `codings list PROJECT`) or remove them.

    \b
    Example:
      post-coder codings study.postcoder --code "Lack of time"
      post-coder codings remove study.postcoder --respondent R012 --code "Lack of time"
    """


@codings_group.command(name="list")
@PROJECT
@click.option("--code", "code_names", multiple=True, metavar="CODE", help="Only this code.")
@click.option("--coder", "coder_names", multiple=True, metavar="CODER", help="Only this coder.")
@click.option("--question", "question_names", multiple=True, metavar="QUESTION",
              help="Only this question (column name).")
@click.option("--limit", type=int, help="At most this many rows.")
@JSON
def codings(project: Path, code_names: tuple[str, ...], coder_names: tuple[str, ...],
            question_names: tuple[str, ...], limit: int | None, as_json: bool) -> None:
    """List codings, filtered by code, coder and question.

    \b
    Example:
      post-coder codings study.postcoder --code "Lack of time" --coder "Maya Chen"
    """
    from post_coder.coding.codebook import find_code
    from post_coder.coding.coders import find_coder
    from post_coder.coding.codings import list_codings
    from post_coder.queries import find_question

    with _open(project) as p:
        rows = list_codings(
            p, _scope(p),
            codes=[find_code(p, c).id for c in code_names] or None,
            coders=[find_coder(p, c).id for c in coder_names] or None,
            questions=[find_question(p, q) for q in question_names] or None,
            limit=limit)

    def text() -> None:
        for r in rows:
            click.echo(_coding_line(r))
        click.echo(f"{len(rows)} codings")

    _emit(rows, as_json, text)


def _coding_line(r: Any) -> str:
    span = f" [{r.span_start}:{r.span_end}]" if r.span_start is not None else ""
    return f"{r.respondent}\t{r.question}\t{r.code}\t{r.coder}{span}\t{_one_line(r.segment, 80)}"


@codings_group.command(name="remove")
@PROJECT
@click.option("--id", "coding_ids", multiple=True, metavar="ID",
              help="A coding's id (see `post-coder codings PROJECT --json`); repeat for several.")
@click.option("--respondent", "respondents", multiple=True, metavar="ID",
              help="Only codings of this respondent (their id in the survey).")
@click.option("--question", "question_names", multiple=True, metavar="QUESTION",
              help="Only codings of this question (column name).")
@click.option("--code", "code_names", multiple=True, metavar="CODE", help="Only this code.")
@click.option("--coder", "coder_names", multiple=True, metavar="CODER",
              help="Only this coder's codings.")
@click.option("--dry-run", is_flag=True, help="List the codings that would go; remove nothing.")
@CODER
def codings_remove(project: Path, coding_ids: tuple[str, ...], respondents: tuple[str, ...],
                   question_names: tuple[str, ...], code_names: tuple[str, ...],
                   coder_names: tuple[str, ...], dry_run: bool, coder: str | None) -> None:
    """Remove the codings that match every option given (at least one), as one action.

    A removal is kept as a record, so it reaches the lead's project when work is merged.
    In a coder package only the package coder's own codings can be removed.

    \b
    Example:
      post-coder codings remove study.postcoder --id 0b5f…
      post-coder codings remove study.postcoder --respondent R012 --code "Lack of time" \\
          --coder "Maya Chen" --dry-run
    """
    from post_coder.coding.codebook import find_code
    from post_coder.coding.coders import find_coder
    from post_coder.coding.codings import check_removable, remove_codings, select_codings
    from post_coder.queries import find_question

    if not (coding_ids or respondents or question_names or code_names or coder_names):
        raise click.UsageError("say which codings to remove: --id, or one or more of "
                               "--respondent, --question, --code, --coder")
    with _open(project, _READING if dry_run else coder) as p:
        rows = select_codings(
            p, ids=coding_ids, respondents=respondents,
            questions=[find_question(p, q) for q in question_names],
            codes=[find_code(p, c).id for c in code_names],
            coders=[find_coder(p, c).id for c in coder_names])
        if dry_run:
            check_removable(p, rows)
        elif rows:
            remove_codings(p, [r.id for r in rows])
    if dry_run:
        for r in rows:
            click.echo(_coding_line(r))
        click.echo(f"{len(rows)} codings would be removed. Dry run: nothing was removed.")
    elif rows:
        click.echo(f"Removed {len(rows)} coding{'' if len(rows) == 1 else 's'}.")
    else:
        click.echo("No codings match; nothing was removed.")


@main.command()
@PROJECT
@click.argument("query")
@click.option("--question", "question_names", multiple=True, metavar="QUESTION",
              help="Only this question (column name).")
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


def _one_line(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


# -- demo ---------------------------------------------------------------------------------
@main.command()
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
    if _launcher is None or no_app:
        click.echo(f"Demo project: {path}\n")
        click.echo(summary)
        return
    raise SystemExit(_launcher(path, demo=True, screenshot=screenshot, summary=summary))


# == teamwork: rounds, coder packages, work files, merges ==================================
# (post_coder.team: .rounds, .package, .merge; see docs/teamwork.md)

@main.group(name="round")
def round_() -> None:
    """Coding rounds: which coders code which responses, and whether blind."""


def _fraction(value: str | None) -> float | None:
    if value is None:
        return None
    text = value.strip()
    try:
        number = float(text.rstrip("%"))
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a fraction such as 0.2 or 20%",
                                 param_hint="--fraction") from exc
    return number / 100 if text.endswith("%") or number > 1 else number


@round_.command(name="create")
@PROJECT
@click.argument("name")
@click.option("--coder", "coder_names", multiple=True, required=True, metavar="CODER",
              help="A coder taking part (repeat for each).")
@click.option("--question", "question_names", multiple=True, metavar="QUESTION",
              help="Only this question (default: all open-ended questions).")
@click.option("--fraction", help="Sample this share of respondents, e.g. 0.2 or 20%.")
@click.option("--size", type=int, help="Sample this many respondents.")
@click.option("--stratify-by", metavar="ATTRIBUTE",
              help="Apply --fraction or --size within each value of this attribute.")
@click.option("--seed", type=int, help="Seed of the random draw (default: a random one, kept).")
@click.option("--blind/--not-blind", default=True, show_default=True,
              help="Coders see only their own codings of the round's responses until it closes.")
@CODER
@JSON
def round_create(project: Path, name: str, coder_names: tuple[str, ...],
                 question_names: tuple[str, ...], fraction: str | None, size: int | None,
                 stratify_by: str | None, seed: int | None, blind: bool, coder: str | None,
                 as_json: bool) -> None:
    """Open a coding round: the coders taking part and the responses they code (all, or a
    seeded random or stratified sample of respondents).

    \b
    Example:
      post-coder round create study.postcoder "Round 1" --coder "Maya Chen" \\
          --coder "Luis Ortega" --fraction 20% --stratify-by Department --seed 42
    """
    from post_coder.team.rounds import Sample, create_round, list_rounds
    from post_coder.queries import find_question

    sample = Sample(fraction=_fraction(fraction), size=size, stratify_by=stratify_by, seed=seed)
    with _open(project, coder) as p:
        coders = [_coder_id(p, project, c) for c in coder_names]
        questions = [find_question(p, q) for q in question_names] or None
        round_id = create_round(p, name, coders, blind=blind, questions=questions,
                                sample=sample).new_id
        info = next(r for r in list_rounds(p) if r.id == round_id)
    _emit(info, as_json, lambda: click.echo(
        f'Opened round "{name}": {info.responses} responses for {len(coders)} coders'
        f"{' (blind)' if blind else ''}, seed {info.round.sample['seed']}."))


@round_.command(name="list")
@PROJECT
@JSON
def round_list(project: Path, as_json: bool) -> None:
    """List the rounds with their coders and how far each coder has got.

    \b
    Example:
      post-coder round list study.postcoder --json
    """
    from post_coder.team.rounds import list_rounds, sample_description

    with _open(project) as p:
        rounds = list_rounds(p)

    def text() -> None:
        for r in rounds:
            blind = "blind" if r.round.blind else "not blind"
            click.echo(f"{r.name}  [{r.round.status}, {blind}]  {r.responses} responses: "
                       f"{sample_description(r.round)}")
            for coder_id, coder_name in r.coders:
                click.echo(f"    {coder_name}: {r.coded.get(coder_id, 0)} of {r.responses} coded")
        if not rounds:
            click.echo("No rounds yet. Open one with: post-coder round create PROJECT NAME "
                       "--coder CODER")

    _emit(rounds, as_json, text)


@round_.command(name="show")
@PROJECT
@click.argument("name")
@JSON
def round_show(project: Path, name: str, as_json: bool) -> None:
    """Show a round: its coders and how far each has got, and its respondents and responses
    (with which coders have coded each; never the codes themselves).

    \b
    Example:
      post-coder round show study.postcoder "Round 1"
      post-coder round show study.postcoder "Round 1" --json
    """
    from post_coder.team.rounds import find_round, round_contents, sample_description

    with _open(project) as p:
        contents = round_contents(p, find_round(p, name).id)

    def text() -> None:
        r = contents.info.round
        blind = "blind" if r.blind else "not blind"
        total = len(contents.responses)
        click.echo(f"{r.name}  [{r.status}, {blind}]  {total} responses from "
                   f"{contents.respondents} respondents: {sample_description(r)}")
        click.echo("Progress:")
        for _, coder_name, coded, of in contents.progress():
            share = f" ({coded * 100 // of}%)" if of else ""
            click.echo(f"    {coder_name}: {coded} of {of} coded{share}")
        click.echo("Responses:")
        for x in contents.responses:
            by = ", ".join(contents.initials.get(c, "?") for c in x.coded_by) or "nobody yet"
            click.echo(f"    {x.respondent} · {_one_line(x.question, 40)} · coded by {by}")
            click.echo(f"        {_one_line(x.text, 72)}")

    _emit(contents, as_json, text)


@round_.command(name="close")
@PROJECT
@click.argument("name")
@click.option("--rationale", help="Why (kept in the audit log).")
@CODER
def round_close(project: Path, name: str, rationale: str | None, coder: str | None) -> None:
    """Close a round: blinding ends and everyone's codings become visible.

    \b
    Example:
      post-coder round close study.postcoder "Round 1"
    """
    from post_coder.team.rounds import close_round, find_round

    with _open(project, coder) as p:
        close_round(p, find_round(p, name).id, rationale=rationale)
    click.echo(f'Closed round "{name}".')


@main.group()
def package() -> None:
    """Coder packages: the project as one coder may see it, to code on their laptop."""


@package.command(name="export")
@PROJECT
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--coder", "coder_name", required=True, metavar="CODER",
              help="The coder the package is for.")
@click.option("--round", "round_name", metavar="ROUND",
              help="The round it is for (default: every open round of the coder).")
@click.option("--overwrite", is_flag=True, help="Replace TARGET if it exists.")
@CODER
def package_export(project: Path, target: Path, coder_name: str, round_name: str | None,
                   overwrite: bool, coder: str | None) -> None:
    """Write a coder package: the project with its responses, codebook and rounds, without
    other coders' codings of the responses of the coder's open blind rounds.

    \b
    Example:
      post-coder package export study.postcoder maya.postcoder --coder "Maya Chen"
    """
    from post_coder.team.package import export_package
    from post_coder.team.rounds import find_round

    with _open(project, coder) as p:
        round_id = find_round(p, round_name).id if round_name else None
        result = export_package(p, _coder_id(p, project, coder_name), target,
                                round_id=round_id, overwrite=overwrite)
    rounds = ", ".join(f'"{r}"' for r in result.rounds) or "no open round"
    click.echo(f"Wrote {result.path} for {result.coder} ({rounds}; {result.codings} codings"
               + (f", {result.withheld} of other coders withheld (blind)" if result.withheld
                  else "") + ").")


@main.group()
def work() -> None:
    """Work files: one coder's codings, removals, memos and codebook proposals."""


@work.command(name="export")
@PROJECT
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--coder", "coder_name", metavar="CODER",
              help="Whose work (default: the coder the package was made for).")
@click.option("--overwrite", is_flag=True, help="Replace TARGET if it exists.")
def work_export(project: Path, target: Path, coder_name: str | None, overwrite: bool) -> None:
    """Export my work from a coder package, for the lead to merge.

    \b
    Example:
      post-coder work export maya.postcoder maya-week1.postcoder-work
    """
    from post_coder.coding.coders import find_coder
    from post_coder.team.package import export_work

    with _open(project) as p:
        coder_id = find_coder(p, coder_name).id if coder_name else None
        result = export_work(p, target, coder_id=coder_id, overwrite=overwrite)
    click.echo(f"Wrote {result.path}: {result.coder}'s {result.codings} codings, "
               f"{result.removals} removals, {result.memos} memos, {result.codes} codebook "
               "proposals.")
    if result.left_out:
        click.echo(f"Warning: {result.left_out_text()}", err=True)


_DECISIONS = ("keep-mine", "keep-theirs", "keep-both", "rename:")


def _parse_resolutions(items: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for item in items:
        cuts = [i for d in _DECISIONS for i in [item.find("=" + d)] if i > 0]
        if not cuts:
            raise click.BadParameter(
                f"{item!r} should look like CODE=keep-mine, CODE=keep-theirs, CODE=keep-both "
                "or CODE=rename:NEW NAME", param_hint="--resolve")
        cut = min(cuts)
        out[item[:cut]] = item[cut + 1:]
    return out


@main.command(name="merge")
@PROJECT
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True,
              help="Show what would change (codings new/changed/removed, conflicts); "
                   "change nothing.")
@click.option("--resolve", "resolve", multiple=True, metavar="CODE=DECISION",
              help="Settle a codebook conflict: keep-mine, keep-theirs, keep-both or "
                   "rename:NEW NAME (repeat for each). CODE is the code as the conflict "
                   "names it (or its id); write it as listed, \"CODE [kind]\", to settle "
                   "one of two conflicts on the same code.")
@click.option("--resolve-all", "default",
              type=click.Choice(["keep-mine", "keep-theirs", "keep-both"]),
              help="Settle every other conflict this way, where it applies.")
@click.option("--rationale", help="Why (kept in the audit log with the decisions).")
@CODER
@JSON
def merge_(project: Path, file: Path, dry_run: bool, resolve: tuple[str, ...],
           default: str | None, rationale: str | None, coder: str | None,
           as_json: bool) -> None:
    """Merge a coder's work file, or a whole copy of the project, into the project.

    Nothing is merged while a codebook conflict has no decision: the conflicts are listed
    with their options. A --resolve that matches no conflict is an error. Merging the
    same file twice changes nothing.

    \b
    Example:
      post-coder merge study.postcoder maya-week1.postcoder-work --dry-run
      post-coder merge study.postcoder luis.postcoder-work \\
          --resolve "Stigma=keep-both" --resolve "Burnout [name-clash]=keep-mine"
    """
    from post_coder.team.merge import UnresolvedConflicts, merge, merge_preview

    resolutions = _parse_resolutions(resolve)
    with _open(project, _READING if dry_run else coder) as p:
        if dry_run:
            plan = merge_preview(p, file, resolutions=resolutions, default=default)
            _emit(plan, as_json, lambda: click.echo(plan.describe()
                                                     + "\n\nDry run: nothing was merged."))
            return
        try:
            result = merge(p, file, resolutions=resolutions, default=default,
                           rationale=rationale)
        except UnresolvedConflicts:
            plan = merge_preview(p, file, resolutions=resolutions, default=default)
            click.echo(plan.describe(), err=True)
            click.echo('Settle each conflict with --resolve "CODE=DECISION" (or --resolve-all); '
                       'CODE as listed, e.g. "Burnout" or "Burnout [name-clash]".', err=True)
            raise
    _emit(result.plan, as_json, lambda: click.echo(_merged_text(result)))


def _merged_text(result: Any) -> str:
    plan = result.plan
    if plan.already_merged_at:
        return plan.describe()
    if not result.merged:
        return "\n".join([f"Nothing to merge: {plan.source} ({plan.file}) brings nothing this "
                          "project does not already have."]
                         + [f"  {line}" for line in plan.count_lines()])
    return plan.describe() + "\nMerged."


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
