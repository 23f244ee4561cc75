"""What every command shares: the project argument and common options, opening a project
as a coder, printing (text or ``--json``), turning errors into one plain line, and the hook
that lets ``post-coder`` open the desktop app."""

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


class _DefaultCommandGroup(click.Group):
    """A group with a default command: ``codings PROJECT …`` is ``codings list PROJECT …``
    (a subclass names it in ``default_command``)."""

    default_command = "list"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


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


def app_launcher() -> AppLauncher | None:
    """What opens the desktop app, or ``None`` (a purely textual command line)."""
    return _launcher


SCREENSHOT = click.option("--screenshot", type=click.Path(dir_okay=False, path_type=Path),
                          help="Render the app's main window to this PNG and exit.")

CODER = click.option("--as", "coder", metavar="NAME",
                     help="Coder on whose behalf to act (audit log). Default: $POST_CODER_CODER.")


def _one_line(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
