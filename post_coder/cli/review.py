"""The review commands: open a discrepancy-review session for a round, record decisions,
see progress, pause, resume, close, and write the minutes (see docs/agreement.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from post_coder.cli.common import CODER, JSON, PROJECT, _emit, _one_line, _open, _scope

ROUND = click.option("--round", "round_name", required=True, metavar="ROUND",
                     help="The round (name or id).")


def _live_session(p: Any, round_name: str, project: Path) -> Any:
    from post_coder.errors import NotFoundError
    from post_coder.team.review import current_session

    s = current_session(p, round_name)
    if s is None:
        raise NotFoundError(f'round "{round_name}" has no open review session; open one with: '
                            f'post-coder review open "{project}" --round "{round_name}"')
    return s


@click.group()
def review() -> None:
    """Discrepancy review: settle the disagreements of a round; the decisions form the
    consensus layer (the coders' own codings are never changed).

    \b
    Example:
      post-coder review open study.postcoder --round "Round 1" --participant Ana
      post-coder review status study.postcoder --round "Round 1"
    """


@review.command(name="open")
@PROJECT
@ROUND
@click.option("--participant", "participants", multiple=True, metavar="NAME",
              help="Someone taking part (repeat for each); goes into the minutes.")
@CODER
def review_open(project: Path, round_name: str, participants: tuple[str, ...],
                coder: str | None) -> None:
    """Open a review session for a round (one open or paused session per round).

    \b
    Example:
      post-coder review open study.postcoder --round "Round 1" \\
          --participant "Maya Chen" --participant "Luis Ortega"
    """
    from post_coder.team.review import open_session, progress

    with _open(project, coder) as p:
        session = open_session(p, _scope(p), round_name, participants).new_id
        done = progress(p, _scope(p), session)
    click.echo(f'Opened a review session for round "{round_name}": {done} '
               f"({done.open} open).")


@review.command(name="decide")
@PROJECT
@ROUND
@click.option("--respondent", required=True, metavar="ID",
              help="The respondent's id in the survey.")
@click.option("--question", required=True, metavar="QUESTION",
              help="The question (short label, column name or full text).")
@click.option("--code", required=True, metavar="CODE", help="The code the decision is about.")
@click.option("--applies", "verdict", flag_value="applies", help="The code applies.")
@click.option("--not-applies", "verdict", flag_value="not_applies",
              help="The code does not apply.")
@click.option("--instead", metavar="CODE", help="This other code applies instead.")
@click.option("--note", default="", metavar="TEXT", help="Why (goes into the minutes).")
@CODER
def review_decide(project: Path, round_name: str, respondent: str, question: str, code: str,
                  verdict: str | None, instead: str | None, note: str,
                  coder: str | None) -> None:
    """Record the team's decision on one disagreement, in the round's open session.
    Deciding the same response and code again replaces the decision.

    \b
    Example:
      post-coder review decide study.postcoder --round "Round 1" --respondent R012 \\
          --question feedback --code "Lack of time" --not-applies --note "about staffing"
      post-coder review decide study.postcoder --round "Round 1" --respondent R012 \\
          --question feedback --code "Lack of time" --instead "Workload"
    """
    from post_coder.team.review import decide, find_response, progress

    if (verdict is None) == (instead is None):
        raise click.UsageError("give exactly one of --applies, --not-applies, --instead CODE")
    with _open(project, coder) as p:
        scope = _scope(p)
        session = _live_session(p, round_name, project)
        response = find_response(p, respondent, question)
        decide(p, scope, session.id, response, code,
               applies=None if verdict is None else verdict == "applies",
               other_code=instead, note=note)
        done = progress(p, scope, session.id)
    what = (f'"{instead}" applies instead of "{code}"' if instead
            else f'"{code}" {"applies" if verdict == "applies" else "does not apply"}')
    click.echo(f"Decided: {what} ({respondent}, {question}). {done}.")


@review.command(name="status")
@PROJECT
@ROUND
@JSON
def review_status(project: Path, round_name: str, as_json: bool) -> None:
    """Show a round's review progress ("14 of 57 resolved") and the open disagreements.

    \b
    Example:
      post-coder review status study.postcoder --round "Round 1" --json
    """
    from post_coder.team.agreement_report import disagreements
    from post_coder.team.review import ReviewProgress, list_sessions

    with _open(project) as p:
        found = disagreements(p, _scope(p), round=round_name)
        sessions = list_sessions(p, round_name)
    done = ReviewProgress(sum(d.status == "resolved" for d in found.rows), len(found.rows))
    still = [d for d in found.rows if d.status == "open"]
    data = {"round": round_name, "progress": done.as_dict(),
            "sessions": [s.as_dict() for s in sessions],
            "open": [d.as_dict() for d in still]}

    def text() -> None:
        state = sessions[-1].status if sessions else "none yet"
        click.echo(f'Round "{round_name}": {done}; review session: {state}.')
        for d in still:
            yes = ", ".join(n for n, _ in d.applied_by)
            click.echo(f"{d.respondent}\t{d.question}\t{d.code}\tapplied by {yes}; not by "
                       f"{', '.join(d.not_applied_by)}")

    _emit(data, as_json, text)


def _status_command(name: str, verb: str, doc: str) -> click.Command:
    @click.command(name=name, help=doc)
    @PROJECT
    @ROUND
    @CODER
    def command(project: Path, round_name: str, coder: str | None) -> None:
        from post_coder.team import review as core

        with _open(project, coder) as p:
            session = _live_session(p, round_name, project)
            getattr(core, f"{name}_session")(p, _scope(p), session.id)
        click.echo(f'{verb} the review session of round "{round_name}".')

    return command


for _name, _verb, _doc in (
        ("pause", "Paused", "Pause the round's review session (resume it another day).\n\n"
         "\b\nExample:\n  post-coder review pause study.postcoder --round \"Round 1\""),
        ("resume", "Resumed", "Resume the round's paused review session.\n\n"
         "\b\nExample:\n  post-coder review resume study.postcoder --round \"Round 1\""),
        ("close", "Closed", "Close the round's review session; its decisions stay.\n\n"
         "\b\nExample:\n  post-coder review close study.postcoder --round \"Round 1\"")):
    review.add_command(_status_command(_name, _verb, _doc))


@review.command(name="minutes")
@PROJECT
@ROUND
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              metavar="FILE",
              help="The file to write: .docx (Word), .xlsx, .csv, .md, .tex or .html.")
@click.option("--format", "fmt", type=click.Choice(["docx", "xlsx", "csv", "md", "tex", "html"]),
              help="The format (default: the suffix of --out).")
def review_minutes(project: Path, round_name: str, out: Path, fmt: str | None) -> None:
    """Write the minutes of a round's review sessions — each decision with its note or
    rationale, participants and time — as a Word table (for a methods section), a
    spreadsheet, CSV, Markdown, LaTeX or HTML.

    \b
    Example:
      post-coder review minutes study.postcoder --round "Round 1" --out minutes.docx
    """
    from post_coder.export.minutes import write_minutes

    with _open(project) as p:
        n = write_minutes(p, _scope(p), round_name, out, fmt)
    click.echo(f"Wrote {n} decision{'' if n == 1 else 's'} to {out.name}.")


def consensus_lines(rows: list[Any], unresolved: int = 0) -> None:
    """Print consensus codings (``codings --layer consensus``): respondent, question, code,
    source, and for a decision who decided, when and the note; then the counts."""
    for r in rows:
        line = f"{r.respondent}\t{r.question}\t{r.code}"
        if r.source == "decided":
            how = "" if r.decision == "applies" else f" (instead of {r.decided_code})"
            note = f"\t{_one_line(r.note, 60)}" if r.note else ""
            line += (f"{how}\tdecided\t{r.decided_by or ''}\t"
                     f"{r.decided_at[:16].replace('T', ' ')}{note}")
        else:
            line += f"\t{r.source}"
        click.echo(line)
    per = {s: sum(r.source == s for r in rows) for s in ("decided", "agreed", "single")}
    click.echo(f"{len(rows)} consensus codings ("
               + ", ".join(f"{n} {s}" for s, n in per.items()) + ")"
               + (f"; {unresolved} disagreement{'s' if unresolved != 1 else ''} not yet "
                  "resolved left out" if unresolved else ""))
