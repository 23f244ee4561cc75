"""The re-check queue: recheck list, confirm, remove (codings made under an earlier
definition of their code)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from post_coder.cli.common import CODER, JSON, PROJECT, _coder_id, _emit, _one_line, _open, _scope

_IDS = click.option("--id", "flag_ids", multiple=True, required=True, metavar="ID",
                    help="A flag's id (see `post-coder recheck list`); repeat for several.")


@click.group(name="recheck")
def recheck() -> None:
    """Codings to re-check after their code's definition changed: list, confirm, remove."""


@recheck.command(name="list")
@PROJECT
@click.option("--coder", metavar="NAME",
              help="Only this coder's (default: $POST_CODER_CODER's if set, else everyone's "
                   "you may see).")
@JSON
def recheck_list(project: Path, coder: str | None, as_json: bool) -> None:
    """The open flags: each coding with the definition it was made under and the new one.

    \b
    Example:
      post-coder recheck list study.postcoder --coder "Maya Chen"
    """
    from post_coder.coding.recheck import recheck_queue
    from post_coder.ids import CoderId

    with _open(project) as p:
        whose = _coder_id(p, project, coder) if coder else p.actor
        items = recheck_queue(p, _scope(p), coder=CoderId(whose) if whose else None)

    def text() -> None:
        for i in items:
            click.echo(f"{i.id}  {i.respondent} / {i.question}  \"{i.code}\" ({i.coder})")
            click.echo(f"    coded: {_one_line(i.segment, 100)}")
            for field in ("definition", "inclusion", "exclusion"):
                old, new = i.old[field], i.new[field]
                if old != new:
                    click.echo(f"    {field} v{i.from_version}: {old or '(empty)'}")
                    click.echo(f"    {field} v{i.version}: {new or '(empty)'}")
        if items:
            click.echo(f"{len(items)} to re-check. Confirm or remove with: post-coder recheck "
                       f"confirm|remove {project} --id ID")
        else:
            click.echo("Nothing to re-check: codings are flagged here when their code's "
                       "definition, inclusion or exclusion criteria change.")

    _emit(items, as_json, text)


@recheck.command(name="confirm")
@PROJECT
@_IDS
@CODER
def recheck_confirm(project: Path, flag_ids: tuple[str, ...], coder: str | None) -> None:
    """The codings still hold under the new definition (one undo step).

    \b
    Example:
      post-coder recheck confirm study.postcoder --id 3f2a… --as "Maya Chen"
    """
    from post_coder.coding.recheck import confirm_recheck

    _settle(project, coder, flag_ids, confirm_recheck, "Confirmed")


@recheck.command(name="remove")
@PROJECT
@_IDS
@CODER
def recheck_remove(project: Path, flag_ids: tuple[str, ...], coder: str | None) -> None:
    """The codings no longer hold: remove them (one undo step).

    \b
    Example:
      post-coder recheck remove study.postcoder --id 3f2a… --as "Maya Chen"
    """
    from post_coder.coding.recheck import remove_recheck

    _settle(project, coder, flag_ids, remove_recheck, "Removed")


def _settle(project: Path, coder: str | None, flag_ids: tuple[str, ...],
            action: Callable[..., object], done: str) -> None:
    """Confirm or remove the flagged codings as ``coder`` (one undo step), then say so."""
    with _open(project, coder) as p:
        action(p, list(flag_ids))
    n = len(set(flag_ids))
    click.echo(f"{done} {n} coding{'s' if n != 1 else ''}.")
