"""The coding commands: code (apply codings from a CSV), codings (list, remove, exemplar)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from post_coder.cli.common import (_READING, CODER, JSON, PROJECT, _DefaultCommandGroup, _emit,
                                   _one_line, _open, _scope)


# -- coding -------------------------------------------------------------------------------
@click.command()
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


@click.group(name="codings", cls=_DefaultCommandGroup)
def codings_group() -> None:
    """List codings (`codings PROJECT` is `codings list PROJECT`), remove them, or mark
    them as exemplar quotes.

    \b
    Example:
      post-coder codings study.postcoder --code "Lack of time"
      post-coder codings remove study.postcoder --respondent R012 --code "Lack of time"
      post-coder codings exemplar study.postcoder --id 0b5f…
    """


@codings_group.command(name="list")
@PROJECT
@click.option("--code", "code_names", multiple=True, metavar="CODE", help="Only this code.")
@click.option("--coder", "coder_names", multiple=True, metavar="CODER", help="Only this coder.")
@click.option("--question", "question_names", multiple=True, metavar="QUESTION",
              help="Only this question (short label, column name or full text).")
@click.option("--limit", type=int, help="At most this many rows.")
@click.option("--layer", type=click.Choice(["coders", "consensus"]), default="coders",
              show_default=True,
              help="coders: each coder's codings; consensus: the team's layer (review "
                   "decisions, else the codes the coders agree on), with its source.")
@JSON
@click.option("--csv", "csv_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the codings to this CSV file: respondent, question (short label), "
                   "question_text (in full), code, coder, start, end, segment, id, "
                   "created_at; `post-coder code` reads it back.")
def codings(project: Path, code_names: tuple[str, ...], coder_names: tuple[str, ...],
            question_names: tuple[str, ...], limit: int | None, layer: str,
            as_json: bool, csv_file: Path | None) -> None:
    """List codings, filtered by code, coder and question; or, with --layer consensus, the
    consensus layer: per response and code, the latest review decision (source "decided"),
    else a code every coder who marked the response done applied ("agreed"; "single" when
    one coder did). Disagreements nobody has resolved yet are left out, and counted.

    \b
    Example:
      post-coder codings study.postcoder --code "Lack of time" --coder "Maya Chen"
      post-coder codings study.postcoder --question Q14 --csv q14-codings.csv
      post-coder codings study.postcoder --layer consensus --json
    """
    from post_coder.coding.codebook import find_code
    from post_coder.coding.coders import find_coder
    from post_coder.coding.codings import list_codings
    from post_coder.queries import find_question

    if csv_file is not None and (as_json or layer == "consensus"):
        raise click.UsageError("--csv writes the coders' codings: leave out --json and "
                               "--layer consensus")
    if layer == "consensus":
        _consensus(project, code_names, coder_names, question_names, limit, as_json)
        return
    with _open(project) as p:
        rows = list_codings(
            p, _scope(p),
            codes=[find_code(p, c).id for c in code_names] or None,
            coders=[find_coder(p, c).id for c in coder_names] or None,
            questions=[find_question(p, q) for q in question_names] or None,
            limit=limit)
    if csv_file is not None:
        _write_codings(csv_file, rows)
        return

    def text() -> None:
        for r in rows:
            click.echo(_coding_line(r))
        click.echo(f"{len(rows)} codings")

    _emit(rows, as_json, text)


def _consensus(project: Path, code_names: tuple[str, ...], coder_names: tuple[str, ...],
               question_names: tuple[str, ...], limit: int | None, as_json: bool) -> None:
    from post_coder.cli.review import consensus_lines
    from post_coder.queries import find_question
    from post_coder.team.review import consensus_codings, unresolved_count

    if coder_names:
        raise click.UsageError("the consensus layer belongs to the team, not to a coder: "
                               "leave out --coder")
    with _open(project) as p:
        scope = _scope(p)
        found = [find_question(p, q) for q in question_names] or None
        rows = consensus_codings(p, scope, codes=code_names or None, questions=found)
        left_out = unresolved_count(p, scope, codes=code_names or None, questions=found)
    rows = rows[:limit] if limit is not None else rows
    _emit(rows, as_json, lambda: consensus_lines(rows, left_out))


CSV_HEADER = ["respondent", "question", "question_text", "code", "coder", "start", "end",
              "segment", "id", "created_at"]


def _write_codings(path: Path, rows: list[Any]) -> None:
    from post_coder.export.tables import write_table

    write_table(path, CSV_HEADER, [
        [r.respondent, r.question, r.question_text, r.code, r.coder, r.span_start, r.span_end,
         r.segment, r.id, r.created_at] for r in rows], "csv")
    click.echo(f"Wrote {len(rows)} codings to {path}.")


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
              help="Only codings of this question (short label, column name or full text).")
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


@codings_group.command(name="exemplar")
@PROJECT
@click.option("--id", "coding_ids", multiple=True, required=True, metavar="ID",
              help="A coding's id (see `post-coder codings PROJECT --json`); repeat for several.")
@click.option("--off", is_flag=True, help="Take the exemplar mark away.")
@CODER
def codings_exemplar(project: Path, coding_ids: tuple[str, ...], off: bool,
                     coder: str | None) -> None:
    """Mark codings as exemplar quotes of their codes (--off: unmark them). Theme tables
    quote the marked codings; where a code has none, they suggest its most central
    segments. All the codings given as one action, or none if one is unknown.

    \b
    Example:
      post-coder codings exemplar study.postcoder --id 0b5f…
      post-coder codings exemplar study.postcoder --id 0b5f… --off
    """
    from post_coder.coding.themes import is_exemplar, mark_exemplars

    wanted = list(dict.fromkeys(coding_ids))
    with _open(project, coder) as p:
        already = sum(is_exemplar(p, c) != off for c in wanted)
        mark_exemplars(p, _scope(p), wanted, on=not off)
    changed = len(wanted) - already
    plural = "" if changed == 1 else "s"
    click.echo((f"Unmarked {changed} exemplar quote{plural}" if off else
                f"Marked {changed} coding{plural} as exemplar quote{plural}")
               + (f" ({already} already {'unmarked' if off else 'marked'})." if already
                  else "."))
