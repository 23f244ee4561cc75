"""``export``: publication outputs written to files, one command per kind
(:mod:`.themes`: theme tables)."""

from __future__ import annotations

import click

from post_coder.cli import themes


@click.group(name="export")
def export() -> None:
    """Write publication outputs: theme tables.

    \b
    Example:
      post-coder export themes study.postcoder --out themes.csv
    """


export.add_command(themes.themes)
