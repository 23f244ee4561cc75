"""The ``post-coder`` program: the command line, able to open the desktop app.

Sits above both fronts: it hands the CLI a way to start the app, so ``post-coder``,
``post-coder open FILE`` and ``post-coder demo`` open windows, while the CLI module itself
stays free of Qt.
"""

from __future__ import annotations

from pathlib import Path

import click

from post_coder import cli


def launch(path: Path | None, *, demo: bool = False, screenshot: Path | None = None,
           summary: str | None = None) -> int:
    """Open the app (on ``path``); without a screen, say so and show the summary instead."""
    from post_coder.ui.app import has_display, run_app

    if screenshot is None and not has_display():
        click.echo("No display was found, so the app cannot open its window here.", err=True)
        if summary:
            click.echo(summary)
        click.echo("Run this on a desktop, or add --screenshot FILE.png to render the window.",
                   err=True)
        return 0
    return run_app(path=path, demo=demo and path is None, screenshot=screenshot)


def main() -> None:
    cli.set_app_launcher(launch)
    cli.main()
