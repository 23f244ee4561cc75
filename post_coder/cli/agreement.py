"""The agreement commands: agreement, disagreements, done (marks), log (the audit log)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from post_coder.cli.common import CODER, JSON, PROJECT, _coder_id, _emit, _open, _scope

_FORMAT = click.option("--format", "fmt", type=click.Choice(["csv", "md", "xlsx"]),
                       help="Write the table to --out in this format (default: its suffix).")


def _num(value: Any, places: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{places}f}"


def _table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(header)]
    for line in [header, *rows]:
        click.echo("  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip())


#: what a unit is, per unit of agreement (the Units column counts them)
_UNIT_WORDS = {"response": "a unit is a response x code",
               "character": "a unit is a character of those responses",
               "segment": "a unit is a segment, matched across coders by overlap"}


def _print_report(rep: dict[str, Any]) -> None:
    scope = f'round "{rep["round"]}"' if rep["round"] else "the whole project"
    unit = rep.get("unit", "response")
    what = _UNIT_WORDS[unit]
    if unit == "segment":
        what += f" >= {rep['overlap']:g}"
    click.echo(f"Agreement, {scope}: {len(rep['coders'])} coders ({', '.join(rep['coders'])}), "
               f"{rep['units']} responses marked done by two or more of them; {what}.")
    pairs = list(dict.fromkeys(p for c in rep["codes"] for p in c["pairs"]))
    header = ["Code", "Units", "Alpha [95% CI]", "% agree", "Fleiss", "Conger", "AC1",
              *[f"kappa {p}" for p in pairs], "Flag"]
    rows = []
    for c in rep["codes"]:
        ci = c["alpha_ci"]
        alpha = _num(c["krippendorff_alpha"]) + (f" [{_num(ci[0])}, {_num(ci[1])}]"
                                                 if ci else "")
        pct = "n/a" if c["percent_agreement"] is None else f"{100 * c['percent_agreement']:.1f}%"
        rows.append([c["code"], str(c["units"]), alpha, pct, _num(c["fleiss_kappa"]),
                     _num(c["conger_kappa"]), _num(c["gwet_ac1"]),
                     *[_num(c["pairs"].get(p)) for p in pairs], c["flag"] or ""])
    if rows:
        _table(header, rows)
    else:
        click.echo("No codes to report.")
    o = rep["overall"]
    click.echo(f"Overall: pooled alpha {_num(o['pooled_alpha'])}, mean alpha "
               f"{_num(o['mean_alpha'])} over {o['codes_with_alpha']} codes with an alpha.")
    lo, hi = rep["thresholds"]
    click.echo(f"Flags: low below {lo:g}, tentative below {hi:g}. n/a: not defined (see --json "
               "for the reason).")


def what_to_compare(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options choosing what an agreement report compares: --round, --question, --code,
    --coder (``agreement`` and ``export agreement``)."""
    for option in reversed((
            click.option("--round", "round_name", metavar="ROUND",
                         help="The round's responses and coders (default: every response, "
                              "every coder with done marks)."),
            click.option("--question", "question_names", multiple=True, metavar="QUESTION",
                         help="Only this question (short label, column name or full text); "
                              "repeat for several."),
            click.option("--code", "code_names", multiple=True, metavar="CODE",
                         help="Only this code; repeat for several (default: the active "
                              "codebook)."),
            click.option("--coder", "coder_names", multiple=True, metavar="NAME",
                         help="Compare these coders (2 to 8; repeat for each)."))):
        command = option(command)
    return command


def bootstrap(command: Callable[..., Any]) -> Callable[..., Any]:
    """--resamples and --seed of alpha's bootstrap interval."""
    command = click.option("--seed", type=int, default=0, show_default=True,
                           help="Seed of the bootstrap (the same seed gives the same "
                                "intervals).")(command)
    return click.option("--resamples", type=click.IntRange(min=0), default=1000,
                        show_default=True,
                        help="Bootstrap resamples for alpha's 95% interval (0: none).")(command)


@click.command()
@PROJECT
@what_to_compare
@click.option("--by", "by", metavar="ATTRIBUTE",
              help="One report per value of this attribute.")
@click.option("--where", "where", metavar="ATTR=VALUE",
              help="Only respondents with this attribute value, e.g. dept=ICU.")
@bootstrap
@click.option("--unit", type=click.Choice(["response", "character", "segment"]),
              default="response", show_default=True,
              help="What a unit is: a response x code, each character of the responses "
                   "(span codings), or segments matched across coders by overlap.")
@click.option("--overlap", type=float, metavar="SHARE",
              help="With --unit segment: the least overlap (shared characters / characters "
                   "in either, above 0 and at most 1) that matches two coders' segments "
                   "[default: 0.5].")
@JSON
@_FORMAT
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the table to this file (.csv, .md or .xlsx).")
def agreement(project: Path, round_name: str | None, question_names: tuple[str, ...],
              code_names: tuple[str, ...], coder_names: tuple[str, ...], by: str | None,
              where: str | None, resamples: int, seed: int, unit: str, overlap: float | None,
              as_json: bool, fmt: str | None, out: Path | None) -> None:
    """Inter-coder agreement per code: Krippendorff's alpha with its bootstrap interval,
    percent agreement, Cohen's (per pair), Fleiss' and Conger's kappa, Scott's pi, Gwet's
    AC1, Brennan-Prediger, and a flag for low alpha.

    The responses compared are those two or more of the coders marked done (post-coder
    done). A unit is a response x code (default), each character of those responses
    (--unit character: is it inside the coder's codings of the code) or a segment (--unit
    segment: the coders' spans of a code matched when they overlap by --overlap or more;
    an unmatched span is a unit of its own). A report for a round is kept in the project.
    Needs everyone's codings: not available to a coder during an open blind round, nor in
    a coder package.

    \b
    Example:
      post-coder agreement study.postcoder --round "Round 1"
      post-coder agreement study.postcoder --round "Round 1" --json
      post-coder agreement study.postcoder --round "Round 1" --unit segment --overlap 0.6
      post-coder agreement study.postcoder --by Department --format xlsx --out agreement.xlsx
    """
    from post_coder.export.tables import agreement_table, write_table
    from post_coder.team.agreement_report import agreement_by_attribute, agreement_report

    if fmt and out is None:
        raise click.UsageError("--format needs --out FILE")
    if as_json and out is not None:
        raise click.UsageError("choose --json or --out, not both")
    if by and where:
        raise click.UsageError("choose --by or --where, not both")
    if overlap is not None and unit != "segment":
        raise click.UsageError("--overlap is the matching threshold of --unit segment")
    if overlap is not None and not 0 < overlap <= 1:
        raise click.BadParameter(f"give a share above 0 and at most 1 (for example 0.5), not "
                                 f"{overlap:g}", param_hint="--overlap")
    options: dict[str, Any] = dict(
        round=round_name, questions=list(question_names) or None,
        codes=list(code_names) or None, coders=list(coder_names) or None,
        resamples=resamples, seed=seed, unit=unit,
        overlap=0.5 if overlap is None else overlap)
    with _open(project) as p:
        if by:
            reports = {v: r.as_dict() for v, r in
                       agreement_by_attribute(p, _scope(p), by, **options).items()}
        else:
            report = agreement_report(p, _scope(p), attribute=where, **options).as_dict()
    if out is not None:
        header, rows = (agreement_table(reports, by=by) if by else agreement_table(report))
        write_table(out, header, rows, fmt, title="Agreement")
        click.echo(f"Wrote {len(rows)} rows to {out}.")
        return
    if by:
        def text() -> None:
            for value, rep in reports.items():
                click.echo(f"== {by} = {value}")
                _print_report(rep)
                click.echo()
        _emit({"by": by, "reports": reports}, as_json, text)
    else:
        _emit(report, as_json, lambda: _print_report(report))


@click.command()
@PROJECT
@click.option("--round", "round_name", metavar="ROUND", help="Only this round.")
@click.option("--question", "question_names", multiple=True, metavar="QUESTION",
              help="Only this question (short label, column name or full text).")
@click.option("--code", "code_names", multiple=True, metavar="CODE", help="Only this code.")
@click.option("--coder-pair", metavar="A,B", help="Compare just these two coders.")
@click.option("--where", metavar="ATTR=VALUE", help="Only respondents with this attribute value.")
@click.option("--status", type=click.Choice(["open", "resolved"]),
              help="Only open or only resolved disagreements.")
@JSON
def disagreements(project: Path, round_name: str | None, question_names: tuple[str, ...],
                  code_names: tuple[str, ...], coder_pair: str | None, where: str | None,
                  status: str | None, as_json: bool) -> None:
    """List the responses × codes where the coders who marked the response done differ:
    who applied the code (and where), who did not, and counts per code.

    \b
    Example:
      post-coder disagreements study.postcoder --round "Round 1" --code "Lack of time"
      post-coder disagreements study.postcoder --coder-pair "Maya Chen,Luis Ortega" --json
    """
    from post_coder.team.agreement_report import disagreements as find

    pair = None
    if coder_pair is not None:
        names = [n.strip() for n in coder_pair.split(",")]
        if len(names) != 2 or not all(names):
            raise click.BadParameter("write the pair as two names with a comma, e.g. "
                                     '"Maya Chen,Luis Ortega"', param_hint="--coder-pair")
        pair = (names[0], names[1])
    with _open(project) as p:
        found = find(p, _scope(p), round=round_name, questions=list(question_names) or None,
                     codes=list(code_names) or None, coder_pair=pair, attribute=where,
                     status=status)

    def text() -> None:
        for d in found.rows:
            yes = ", ".join(n + ("" if all(s is None for s in spans) else " [" + ", ".join(
                f"{s[0]}:{s[1]}" for s in spans if s is not None) + "]")
                for n, spans in d.applied_by)
            click.echo(f"{d.respondent}\t{d.question}\t{d.code}\tapplied: {yes}\tnot: "
                       f"{', '.join(d.not_applied_by)}\t{d.status}")
        counts = ", ".join(f"{k} {v}" for k, v in found.counts.items())
        click.echo(f"{len(found.rows)} disagreements over {found.units} responses"
                   + (f" ({counts})" if counts else "") + ".")

    _emit(found, as_json, text)


@click.command()
@PROJECT
@click.option("--respondent", metavar="ID", help="The respondent's id in the survey.")
@click.option("--question", metavar="QUESTION",
              help="The question (short label, column name or full text).")
@click.option("--coder", "whose", metavar="NAME",
              help="Whose done mark (default: the coder acting, --as or $POST_CODER_CODER).")
@click.option("--undo", is_flag=True, help="Take the done mark back.")
@click.option("--nothing-applies", is_flag=True,
              help="Done, and no code applies (refused while the coder has codes on it).")
@click.option("--csv", "csv_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Mark the rows of a CSV with columns respondent, question, coder.")
@CODER
def done(project: Path, respondent: str | None, question: str | None, whose: str | None,
         undo: bool, nothing_applies: bool, csv_file: Path | None, coder: str | None) -> None:
    """Mark a response done for a coder: they have read it (coded it, or nothing applies).
    Agreement counts a response a coder has not marked done as missing for them, not as
    "no code".

    \b
    Example:
      post-coder done study.postcoder --respondent R012 --question feedback --coder "Maya Chen"
      post-coder done study.postcoder --respondent R012 --question feedback --nothing-applies
      post-coder done study.postcoder --csv done.csv
    """
    from post_coder.coding import done as service
    from post_coder.queries import find_response

    if csv_file is not None:
        if respondent or question or whose or undo or nothing_applies:
            raise click.UsageError("--csv takes the respondents, questions and coders from "
                                   "the file; give no other of these options")
        with _open(project, coder) as p:
            added = service.mark_done_csv(p, csv_file)
        click.echo(f"Marked {added} response{'' if added == 1 else 's'} done from "
                   f"{csv_file.name}.")
        return
    if not (respondent and question):
        raise click.UsageError("say which response: --respondent ID --question QUESTION "
                               "(or --csv FILE)")
    if undo and nothing_applies:
        raise click.UsageError("choose --undo or --nothing-applies, not both")
    with _open(project, coder) as p:
        if whose is not None:
            coder_id, name = _coder_id(p, project, whose), whose.strip()
        elif p.actor is not None:
            coder_id = p.actor
            name = (coder or os.environ.get("POST_CODER_CODER") or "").strip()
        else:
            raise click.UsageError("say whose mark it is: --coder NAME (or --as NAME, or set "
                                   "$POST_CODER_CODER)")
        response = find_response(p, respondent, question)
        if undo:
            service.unmark_done(p, response, coder_id)
        elif nothing_applies:
            service.nothing_applies(p, response, coder_id)
        else:
            service.mark_done(p, response, coder_id)
    what = ("is no longer done" if undo else
            "is done: nothing applies" if nothing_applies else "is done")
    click.echo(f"{respondent} / {question} {what} for {name}.")


@click.command(name="log")
@PROJECT
@click.option("--code", metavar="CODE", help="Only entries about this code (and its codings).")
@click.option("--coder", metavar="NAME", help="Only entries made by or about this coder.")
@click.option("--kind", metavar="ACTION",
              help="Only this action (apply, remove, create, rename, mark-done, …) or kind of "
                   "thing (coding, code, coder, done_mark, round, memo).")
@click.option("--since", metavar="DATE", help="Only entries from this date (YYYY-MM-DD, UTC) on.")
@JSON
@click.option("--csv", "csv_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the entries to this CSV file.")
def log(project: Path, code: str | None, coder: str | None, kind: str | None,
        since: str | None, as_json: bool, csv_file: Path | None) -> None:
    """The audit log: every change, oldest first — when, who, what, and the rationale given.

    \b
    Example:
      post-coder log study.postcoder --code "Lack of time"
      post-coder log study.postcoder --coder "Maya Chen" --kind rename --since 2026-01-01
      post-coder log study.postcoder --csv audit.csv
    """
    from post_coder.coding.history import audit_entries
    from post_coder.export.tables import audit_table, write_table

    if as_json and csv_file is not None:
        raise click.UsageError("choose --json or --csv, not both")
    with _open(project) as p:
        rows = audit_entries(p, _scope(p), code=code, coder=coder, kind=kind, since=since)
    if csv_file is not None:
        write_table(csv_file, *audit_table(rows), "csv")
        click.echo(f"Wrote {len(rows)} entries to {csv_file}.")
        return

    def text() -> None:
        for r in rows:
            why = f"  — {r.rationale}" if r.rationale else ""
            click.echo(f"{r.at[:19].replace('T', ' ')}  {r.who or '(no coder set)'}  {r.action} "
                       f"{r.entity}  {r.about}{why}")
        click.echo(f"{len(rows)} entries")

    _emit(rows, as_json, text)
