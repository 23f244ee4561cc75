"""``post-coder``: the command line, a thin front over the same services as the app.

Every command opens the project, calls one core service and prints the outcome. Errors
print one plain line and exit non-zero. Listing commands take ``--json``. The commands live
by group: :mod:`.survey` (new, info, import, search, demo), :mod:`.codes` (the codebook),
:mod:`.codings` (code, codings), :mod:`.team` (coders, round, package, work, merge),
:mod:`.agreement` (agreement, disagreements, done, log), :mod:`.review` (discrepancy review),
:mod:`.recheck` (the re-check queue), :mod:`.reaim` (RE-AIM summaries);
:mod:`.labels` (label, levels: short labels and level order after the import);
:mod:`.export` (export, report: publication outputs; `export themes` in :mod:`.themes`);
:mod:`.suggest` (themes, code groupings and codes suggested by the computer);
:mod:`.common` holds what they share.
"""

from __future__ import annotations

from pathlib import Path

import click

from post_coder import __version__
from post_coder.cli import (agreement, codes, codings, export, labels, reaim, recheck, review,
                            suggest, survey, team)
from post_coder.cli.common import PROJECT, SCREENSHOT, _Group, app_launcher, set_app_launcher
from post_coder.project import Project

__all__ = ["main", "set_app_launcher"]


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
        if app_launcher() is None:
            click.echo(ctx.get_help())
        else:
            ctx.exit(app_launcher()(None, screenshot=screenshot))


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
    if app_launcher() is None:
        raise click.UsageError("the desktop app is not available in this command line")
    Project.open(project).close()  # a clear error here rather than in a window
    raise SystemExit(app_launcher()(project, screenshot=screenshot))


for command in (survey.new, survey.info, survey.import_, survey.search, survey.demo,
                codes.codes, codings.code, codings.codings_group, team.coders, team.round_,
                team.package, team.work, team.merge_, agreement.agreement,
                agreement.disagreements, agreement.done, agreement.log, review.review,
                recheck.recheck, labels.label, labels.levels, export.export, export.report,
                reaim.reaim, suggest.suggest):
    main.add_command(command)
