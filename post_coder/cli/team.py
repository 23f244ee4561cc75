"""The teamwork commands: coders, round, package, work, merge (see docs/teamwork.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from post_coder.cli.common import (_READING, CODER, JSON, PROJECT, _coder_id, _emit, _one_line,
                                   _open, _scope)


# -- coders -------------------------------------------------------------------------------
@click.group()
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


# == teamwork: rounds, coder packages, work files, merges ==================================
# (post_coder.team: .rounds, .package, .merge; see docs/teamwork.md)

@click.group(name="round")
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
              help="Only this question (short label, column name or full text; default: "
                   "all open-ended questions).")
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
                click.echo(f"    {coder_name}: {r.coded.get(coder_id, 0)} of {r.responses} done")
        if not rounds:
            click.echo("No rounds yet. Open one with: post-coder round create PROJECT NAME "
                       "--coder CODER")

    _emit(rounds, as_json, text)


@round_.command(name="show")
@PROJECT
@click.argument("name")
@JSON
def round_show(project: Path, name: str, as_json: bool) -> None:
    """Show a round: its coders and how many responses each has marked done, and its
    respondents and responses (with which coders have done each; never the codes).

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
            click.echo(f"    {coder_name}: {coded} of {of} done{share}")
        click.echo("Responses:")
        for x in contents.responses:
            by = ", ".join(contents.initials.get(c, "?") for c in x.coded_by) or "nobody yet"
            click.echo(f"    {x.respondent} · {_one_line(x.question, 40)} · done by {by}")
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


@click.group()
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


@click.group()
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


@click.command(name="merge")
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

