"""``label`` and ``levels``: questions' and attributes' short labels, attributes' level order."""

from __future__ import annotations

from pathlib import Path

import click

from post_coder.cli.common import CODER, JSON, PROJECT, _emit, _one_line, _open


@click.command(name="label")
@PROJECT
@click.argument("name", required=False)
@click.argument("new_label", required=False)
@click.option("--rationale", help="Why (kept in the audit log).")
@JSON
@CODER
def label(project: Path, name: str | None, new_label: str | None, rationale: str | None,
          as_json: bool, coder: str | None) -> None:
    """Show the short labels of the questions and attributes, or give one a new short
    label. NAME is its short label, column name or full text. Short labels are what the app,
    the command line and exports show; each is unique in its survey. Undo in the app takes
    a rename back.

    \b
    Example:
      post-coder label study.postcoder
      post-coder label study.postcoder Q14 "Comments" --rationale "as in the report"
      post-coder label study.postcoder "Q13 [Privacy concerns]" "Barrier: privacy"
    """
    from post_coder.importing import find_labelled, rename_attribute, rename_question
    from post_coder.queries import questions, variables

    if name is None:
        with _open(project) as p:
            rows = ([{"kind": "question", "short_label": q.shown, "column": q.column_name,
                      "full_text": q.wording or q.column_name} for q in questions(p)]
                    + [{"kind": "attribute", "short_label": v.shown, "column": v.name,
                        "full_text": v.label or v.name, "type": v.type}
                       for v in variables(p)])

        def text() -> None:
            for r in rows:
                full = "" if r["full_text"] == r["short_label"] \
                    else f"  “{_one_line(r['full_text'], 90)}”"
                click.echo(f"{r['kind']:<9}  {r['short_label']}{full}")
            click.echo(f"{len(rows)} questions and attributes")

        _emit(rows, as_json, text)
        return
    if new_label is None:
        raise click.UsageError("give the new short label after the name: "
                               'post-coder label PROJECT NAME "NEW LABEL"')
    with _open(project, coder) as p:
        kind, item_id = find_labelled(p, name)
        rename = rename_question if kind == "question" else rename_attribute
        rename(p, item_id, new_label, rationale=rationale)
    click.echo(f'The {kind} "{name}" is now labelled "{" ".join(new_label.split())}".')


@click.command(name="levels")
@PROJECT
@click.argument("attribute")
@click.option("--order", metavar="A|B|C",
              help="The levels in their new order, low to high, separated by | (every answer "
                   "must be listed; levels nobody chose may be added).")
@click.option("--rationale", help="Why (kept in the audit log).")
@JSON
@CODER
def levels(project: Path, attribute: str, order: str | None, rationale: str | None,
           as_json: bool, coder: str | None) -> None:
    """Show an attribute's levels in order, or put them in another order (an ordered scale
    low to high, or a category order for filters and exports). ATTRIBUTE is its short
    label, column name or full text. Undo in the app takes a change back.

    \b
    Example:
      post-coder levels study.postcoder "Quality of sessions"
      post-coder levels study.postcoder Q3 --order "Never|Monthly|Weekly|Daily"
    """
    from post_coder.importing import find_variable, set_levels

    if order is None:
        with _open(project) as p:
            found = find_variable(p, attribute)
        data = {"attribute": found.shown, "column": found.name, "type": found.type,
                "levels": list(found.levels)}

        def text() -> None:
            click.echo(f"{found.shown} ({found.type.replace('_', '-')}):")
            for n, level in enumerate(found.levels, start=1):
                click.echo(f"  {n}. {level}")
            if not found.levels:
                click.echo("  (no levels: not an ordered or categorical attribute)")

        _emit(data, as_json, text)
        return
    with _open(project, coder) as p:
        found = find_variable(p, attribute)
        set_levels(p, found.id, [part.strip() for part in order.split("|")],
                   rationale=rationale)
        after = find_variable(p, found.id)
    click.echo(f"The levels of {after.shown} are now: {' < '.join(after.levels)}.")
