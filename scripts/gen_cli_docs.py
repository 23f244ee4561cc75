"""Write docs/cli.md from the commands' own --help (run after changing the CLI).

tests/test_docs.py fails when docs/cli.md is out of date, so the docs cannot drift.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from click.testing import CliRunner

from post_coder.cli import main

DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def commands(group: click.Group = main, prefix: tuple[str, ...] = ()):
    yield prefix
    for name in sorted(group.commands):
        cmd = group.commands[name]
        if isinstance(cmd, click.Group):
            yield from commands(cmd, prefix + (name,))
        else:
            yield prefix + (name,)


def render() -> str:
    parts = ["# Command-line reference", "",
             "Generated from `post-coder … --help` by `scripts/gen_cli_docs.py`; do not edit.",
             ""]
    runner = CliRunner()
    for path in commands():
        title = " ".join(("post-coder",) + path)
        result = runner.invoke(main, [*path, "--help"], prog_name="post-coder", terminal_width=100)
        parts += [f"## {title}", "", "```text", result.output.rstrip(), "```", ""]
    return "\n".join(parts)


if __name__ == "__main__":
    text = render()
    if "--check" in sys.argv:
        sys.exit(0 if DOC.exists() and DOC.read_text(encoding="utf-8") == text else 1)
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC}")
