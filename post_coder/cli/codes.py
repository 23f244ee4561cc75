"""The codebook commands: codes list, add, import, rename, redefine, move, merge, split,
retire, dimension (a theme's RE-AIM dimension) ("merge codes" here is codebook refinement,
not merging a coder's work), its history (codes history, as-of, diff) and a coder's number
keys (codes keys, pin, unpin)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from post_coder.cli.common import CODER, JSON, PROJECT, _emit, _open, _scope


# -- codebook -----------------------------------------------------------------------------
@click.group()
def codes() -> None:
    """List and refine the codebook (add, rename, redefine, move, merge, split, retire),
    read its history (history, as-of, diff) and pin codes to a coder's keys 1–9 (keys, pin,
    unpin)."""


def _print_codes(rows: list, show_status: bool) -> None:
    from post_coder.coding.codebook import tree_order

    # children of inactive parents (not listed) come after the tree
    for r, depth in tree_order(rows, link=lambda r: (r["id"], r["parent_id"]), orphans_last=True):
        status = f"  [{r['status']}]" if show_status and r["status"] != "active" else ""
        click.echo(f"{'  ' * depth}{r['name']}  ({r['respondents']} respondents, "
                   f"{r['codings']} codings){status}")
        if r["definition"]:
            click.echo(f"{'  ' * depth}    {r['definition']}")
    if not rows:
        click.echo("The codebook is empty. Add a code with: post-coder codes add PROJECT NAME")


@codes.command(name="list")
@PROJECT
@click.option("--all", "include_all", is_flag=True, help="Include merged and retired codes.")
@JSON
def codes_list(project: Path, include_all: bool, as_json: bool) -> None:
    """List the codebook as a tree, with distinct respondents and codings per code.

    \b
    Example:
      post-coder codes list study.postcoder --json
    """
    from post_coder.queries import codebook_table

    with _open(project) as p:
        rows = codebook_table(p, _scope(p), include_inactive=include_all)
    _emit(rows, as_json, lambda: _print_codes(rows, include_all))


@codes.command(name="add")
@PROJECT
@click.argument("name")
@click.option("--parent", help="Put the new code under this code.")
@click.option("--definition", default="", help="What the code means.")
@click.option("--inclusion", default="", help="When to apply it.")
@click.option("--exclusion", default="", help="When not to apply it.")
@click.option("--example", default="", help="A typical example.")
@click.option("--color", help="Color as #RRGGBB.")
@click.option("--rationale", help="Why (kept in the audit log).")
@CODER
def codes_add(project: Path, name: str, parent: str | None, definition: str, inclusion: str,
              exclusion: str, example: str, color: str | None, rationale: str | None,
              coder: str | None) -> None:
    """Add a code to the codebook.

    \b
    Example:
      post-coder codes add study.postcoder "Lack of time" --parent Barriers \\
          --definition "Time pressure keeps the respondent from using the program."
    """
    from post_coder.coding.codebook import add_code, find_code

    with _open(project, coder) as p:
        parent_id = find_code(p, parent).id if parent else None
        add_code(p, name, parent=parent_id, definition=definition, inclusion=inclusion,
                 exclusion=exclusion, example=example, color=color, rationale=rationale)
    click.echo(f'Added code "{name}".')


@codes.command(name="import")
@PROJECT
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@CODER
def codes_import(project: Path, file: Path, coder: str | None) -> None:
    """Add the codes of a codebook CSV (name, parent, definition, inclusion, exclusion,
    example, color).

    \b
    Example:
      post-coder codes import study.postcoder starter-codebook.csv
    """
    from post_coder.coding.codebook_io import import_codebook_csv

    with _open(project, coder) as p:
        changes = import_codebook_csv(p, file)
    click.echo(f"Added {len(changes.created)} codes from {file.name}.")


@codes.command(name="rename")
@PROJECT
@click.argument("code")
@click.argument("new_name")
@click.option("--rationale", help="Why (kept in the audit log).")
@CODER
def codes_rename(project: Path, code: str, new_name: str, rationale: str | None,
                 coder: str | None) -> None:
    """Rename a code.

    \b
    Example:
      post-coder codes rename study.postcoder "Time" "Lack of time"
    """
    from post_coder.coding.codebook import find_code, rename_code

    with _open(project, coder) as p:
        rename_code(p, find_code(p, code).id, new_name, rationale=rationale)
    click.echo(f'Renamed "{code}" to "{new_name}".')


@codes.command(name="redefine")
@PROJECT
@click.argument("code")
@click.option("--definition", help="What the code means.")
@click.option("--inclusion", help="When to apply it.")
@click.option("--exclusion", help="When not to apply it.")
@click.option("--example", help="A typical example.")
@click.option("--color", help="Color as #RRGGBB.")
@click.option("--rationale", help="Why (kept in the audit log).")
@CODER
def codes_redefine(project: Path, code: str, rationale: str | None, coder: str | None,
                   color: str | None, **texts: str | None) -> None:
    """Change a code's definition, inclusion and exclusion criteria, example or color.

    \b
    Example:
      post-coder codes redefine study.postcoder "Stigma" --exclusion "Privacy worries"
    """
    from post_coder.coding.codebook import find_code
    from post_coder.coding.refine import edit_code

    given = {k: v for k, v in {**texts, "color": color}.items() if v is not None}
    if not given:
        raise click.UsageError("say what to change, e.g. --definition \"…\"")
    with _open(project, coder) as p:
        edit_code(p, find_code(p, code).id, given, rationale=rationale, label="Redefine code")
    click.echo(f'Updated "{code}".')


@codes.command(name="move")
@PROJECT
@click.argument("code")
@click.option("--to", "parent", help="The new parent code.")
@click.option("--top", is_flag=True, help="Move to the top level.")
@click.option("--rationale", help="Why (kept in the audit log).")
@CODER
def codes_move(project: Path, code: str, parent: str | None, top: bool, rationale: str | None,
               coder: str | None) -> None:
    """Move a code under another code, or to the top level.

    \b
    Example:
      post-coder codes move study.postcoder "Lack of time" --to Barriers
    """
    from post_coder.coding.codebook import find_code, move_code

    if bool(parent) == top:
        raise click.UsageError("give either --to PARENT or --top")
    with _open(project, coder) as p:
        parent_id = find_code(p, parent).id if parent else None
        move_code(p, find_code(p, code).id, parent_id, rationale=rationale)
    click.echo(f'Moved "{code}" {"to the top level" if top else f"under {parent!r}"}.')


@codes.command(name="merge")
@PROJECT
@click.argument("sources", nargs=-1, required=True)
@click.option("--into", "target", required=True, help="The code that remains.")
@click.option("--rationale", help="Why (kept in the audit log).")
@CODER
def codes_merge(project: Path, sources: tuple[str, ...], target: str, rationale: str | None,
                coder: str | None) -> None:
    """Merge codes into one: their codings move to it, duplicates collapse.

    \b
    Example:
      post-coder codes merge study.postcoder "Busy" "No time" --into "Lack of time"
    """
    from post_coder.coding.codebook import find_code, merge_codes

    with _open(project, coder) as p:
        merge_codes(p, [find_code(p, s).id for s in sources], find_code(p, target).id,
                    rationale=rationale)
    click.echo(f"Merged {', '.join(repr(s) for s in sources)} into {target!r}.")


@codes.command(name="split")
@PROJECT
@click.argument("code")
@click.argument("new_name")
@click.option("--coding", "coding_ids", multiple=True, metavar="ID",
              help="Id of a coding to move (see `post-coder codings --json`).")
@click.option("--respondent", "respondents", multiple=True, metavar="ID",
              help="Move this respondent's codings of CODE (repeat for several).")
@click.option("--definition", default="", help="Definition of the new code.")
@click.option("--rationale", help="Why (kept in the audit log).")
@CODER
def codes_split(project: Path, code: str, new_name: str, coding_ids: tuple[str, ...],
                respondents: tuple[str, ...], definition: str, rationale: str | None,
                coder: str | None) -> None:
    """Split a code: make NEW_NAME beside it and move the chosen codings to it.

    \b
    Example:
      post-coder codes split study.postcoder "Support" "Financial support" \\
          --respondent R012 --respondent R031
    """
    from post_coder.coding.codebook import find_code, split_code
    from post_coder.coding.codings import list_codings

    if not coding_ids and not respondents:
        raise click.UsageError("choose the codings to move with --coding or --respondent")
    with _open(project, coder) as p:
        source = find_code(p, code)
        chosen = list(coding_ids)
        if respondents:
            wanted = set(respondents)
            chosen += [c.id for c in list_codings(p, _scope(p), codes=[source.id])
                       if c.respondent in wanted]
        split_code(p, source.id, new_name, chosen, definition=definition, rationale=rationale)
    click.echo(f'Split {len(set(chosen))} codings of "{code}" into "{new_name}".')


@codes.command(name="retire")
@PROJECT
@click.argument("code")
@click.option("--rationale", help="Why (kept in the audit log).")
@CODER
def codes_retire(project: Path, code: str, rationale: str | None, coder: str | None) -> None:
    """Retire a code: it leaves the codebook, its codings stay on record.

    \b
    Example:
      post-coder codes retire study.postcoder "Misc" --rationale "Too vague"
    """
    from post_coder.coding.codebook import find_code, retire_code

    with _open(project, coder) as p:
        retire_code(p, find_code(p, code).id, rationale=rationale)
    click.echo(f'Retired "{code}".')


@codes.command(name="dimension")
@PROJECT
@click.argument("code", required=False)
@click.argument("dimension", required=False)
@click.option("--clear", is_flag=True, help="Take the theme out of its dimension.")
@click.option("--rationale", help="Why (kept in the audit log).")
@CODER
@JSON
def codes_dimension(project: Path, code: str | None, dimension: str | None, clear: bool,
                    rationale: str | None, coder: str | None, as_json: bool) -> None:
    """Put a theme (a top-level code) in a RE-AIM dimension: Reach, Effectiveness,
    Adoption, Implementation or Maintenance (or its first letter). Its sub-codes go with
    it. Theme tables group themes by dimension. Without CODE, lists the themes and their
    dimensions.

    \b
    Example:
      post-coder codes dimension study.postcoder "Peer support" Effectiveness
      post-coder codes dimension study.postcoder "Barriers" --clear
      post-coder codes dimension study.postcoder
    """
    from post_coder.coding.codebook import find_code, list_codes
    from post_coder.coding.themes import dimensions, set_dimension

    if code is None:
        if dimension is not None or clear:
            raise click.UsageError("name the theme (CODE) whose dimension to set or clear")
        with _open(project) as p:
            dims = dimensions(p)
            themes = [(c.name, dims.get(c.id)) for c in list_codes(p) if c.parent_id is None]
        _emit([{"theme": n, "dimension": d} for n, d in themes], as_json,
              lambda: [click.echo(f"{n}\t{d or '(none)'}") for n, d in themes])
        return
    if (dimension is None) == (not clear):
        raise click.UsageError("give the DIMENSION, or --clear (one of them)")
    with _open(project, coder) as p:
        found = find_code(p, code)
        set_dimension(p, found.id, None if clear else dimension, rationale=rationale)
        now_in = dimensions(p).get(found.id)
    click.echo(f'"{found.name}" is now in {now_in}.' if now_in
               else f'"{found.name}" is in no RE-AIM dimension now.')


# -- the codebook's history ---------------------------------------------------------------------
def _when(at: str) -> str:
    return at[:16].replace("T", " ")


def _print_fields(changes: dict[str, tuple[str, str]], indent: str = "    ") -> None:
    from post_coder.coding.code_history import FIELD_LABELS

    for field, (before, after) in changes.items():
        click.echo(f"{indent}{FIELD_LABELS[field]}: {before or '(empty)'} → {after or '(empty)'}")


@codes.command(name="history")
@PROJECT
@click.argument("code")
@JSON
def codes_history(project: Path, code: str, as_json: bool) -> None:
    """Every version of a code, oldest first: when, who, what changed and why.

    CODE may also be a merged or retired code.

    \b
    Example:
      post-coder codes history study.postcoder "Lack of time"
    """
    from post_coder.coding.code_history import code_versions, find_any_code

    with _open(project) as p:
        versions = code_versions(p, find_any_code(p, code).id)

    def text() -> None:
        previous = None
        for v in versions:
            why = f"  — {v.rationale}" if v.rationale else ""
            related = f" ({', '.join(v.related_names)})" if v.related_names else ""
            click.echo(f"v{v.version}  {_when(v.at)}  {v.coder or '(no coder set)'}  "
                       f"{v.action}{related}{why}")
            if previous is None:
                click.echo(f'    "{v.name}"' + (f": {v.definition}" if v.definition else ""))
            else:
                _print_fields({f: (previous.fields()[f], v.fields()[f]) for f in v.fields()
                               if previous.fields()[f] != v.fields()[f]})
            previous = v

    _emit(versions, as_json, text)


@codes.command(name="as-of")
@PROJECT
@click.option("--date", "date", metavar="WHEN",
              help="A date (YYYY-MM-DD: the end of that day, UTC) or date and time.")
@click.option("--round", "round_name", metavar="ROUND",
              help="A round: when it was closed (or made, if it is still open).")
@click.option("--all", "include_all", is_flag=True,
              help="Include the codes merged or retired by then.")
@JSON
def codes_as_of(project: Path, date: str | None, round_name: str | None, include_all: bool,
                as_json: bool) -> None:
    """The codebook as it was at a moment or a round: the tree with each code's fields then.

    \b
    Example:
      post-coder codes as-of study.postcoder --date 2026-03-01
      post-coder codes as-of study.postcoder --round "Round 1" --json
    """
    from post_coder.coding.code_history import codebook_as_of, parse_moment, round_moment
    from post_coder.team.rounds import find_round

    if (date is None) == (round_name is None):
        raise click.UsageError("give either --date WHEN or --round ROUND")
    with _open(project) as p:
        moment = (parse_moment(date) if date is not None
                  else round_moment(find_round(p, round_name or "")))
        tree = codebook_as_of(p, moment, include_inactive=include_all)
    data = {"moment": moment, "codes": [{**v.as_dict(), "depth": d} for v, d in tree]}

    def text() -> None:
        click.echo(f"The codebook as of {_when(moment)} UTC:")
        for v, depth in tree:
            status = f"  [{v.status}]" if v.status != "active" else ""
            click.echo(f"{'  ' * depth}{v.name}  (v{v.version}){status}")
            for field in ("definition", "inclusion", "exclusion"):
                value = getattr(v, field)
                if value:
                    click.echo(f"{'  ' * depth}    {field}: {value}")
        if not tree:
            click.echo("(no codes yet)")

    _emit(data, as_json, text)


@codes.command(name="diff")
@PROJECT
@click.argument("code", required=False)
@click.option("--from", "first", required=True, metavar="N|WHEN",
              help="A version number of CODE, or a date (YYYY-MM-DD) or date and time.")
@click.option("--to", "second", metavar="N|WHEN",
              help="The same (default: the latest version, or now).")
@JSON
def codes_diff(project: Path, code: str | None, first: str, second: str | None,
               as_json: bool) -> None:
    """What changed: in CODE between two versions (or dates), or without CODE in the whole
    codebook between two dates (codes added, removed, changed).

    \b
    Example:
      post-coder codes diff study.postcoder "Lack of time" --from 1 --to 3
      post-coder codes diff study.postcoder --from 2026-03-01 --to 2026-03-15
    """
    from post_coder.coding.code_history import (code_versions, codebook_diff, find_any_code,
                                                parse_moment, version_at, version_diff)
    numbers = first.isdigit() and (second is None or second.isdigit())
    if code is None and numbers:
        raise click.UsageError("version numbers need a CODE; for the whole codebook give dates")
    with _open(project) as p:
        if code is None:
            d = codebook_diff(p, parse_moment(first), parse_moment(second) if second else None)
            _emit(d, as_json, lambda: _print_codebook_diff(d))
            return
        found = find_any_code(p, code)
        if numbers:
            last = code_versions(p, found.id)[-1].version
            a, b = int(first), int(second) if second else last
        else:
            def number(when: str) -> int:
                v = version_at(p, found.id, parse_moment(when))
                if v is None:
                    raise click.UsageError(f'"{found.name}" did not exist yet at {when}')
                return v.version
            a = number(first)
            b = number(second) if second else code_versions(p, found.id)[-1].version
        changes = version_diff(p, found.id, a, b)
    data = {"code": found.name, "from": a, "to": b,
            "fields": {k: list(v) for k, v in changes.items()}}

    def text() -> None:
        click.echo(f'"{found.name}", version {a} → {b}:')
        _print_fields(changes, "  ")
        if not changes:
            click.echo("  no differences")

    _emit(data, as_json, text)


def _print_codebook_diff(d) -> None:  # noqa: ANN001 - a CodebookDiff
    click.echo(f"The codebook from {_when(d.since)} to {_when(d.until)} UTC:")
    for v in d.added:
        click.echo(f'  added: "{v.name}"')
    for v in d.removed:
        click.echo(f'  removed: "{v.name}"')
    for v, fields in d.changed:
        click.echo(f'  changed: "{v.name}"')
        _print_fields(fields)
    if not (d.added or d.removed or d.changed):
        click.echo("  no changes")


# -- keys 1–9 ---------------------------------------------------------------------------------
KEY_CODER = click.option("--coder", metavar="NAME",
                         help="Whose keys (each coder has their own). Default: "
                              "$POST_CODER_CODER.")


def _key_coder(coder: str | None) -> str:
    name = coder or os.environ.get("POST_CODER_CODER")
    if not name:
        raise click.UsageError("say whose keys with --coder NAME (each coder has their own)")
    return name


@codes.command(name="keys")
@PROJECT
@KEY_CODER
@JSON
def codes_keys(project: Path, coder: str | None, as_json: bool) -> None:
    """Show which code each number key 1–9 applies in the app, for a coder.

    Keys the coder has not pinned hold the first nine codes without sub-codes, in
    codebook order.

    \b
    Example:
      post-coder codes keys study.postcoder --coder "Maya Chen"
    """
    from post_coder.cli.common import _coder_id
    from post_coder.coding.keys import key_table

    with _open(project) as p:
        name = coder or os.environ.get("POST_CODER_CODER")
        table = key_table(p, _coder_id(p, project, name) if name else None)

    def text() -> None:
        for k in table:
            where = "pinned" if k.pinned else "default"
            click.echo(f"{k.key}  {k.code_name}  ({where})" if k.code_name else f"{k.key}  -")

    _emit(table, as_json, text)


@codes.command(name="pin")
@PROJECT
@click.argument("code")
@click.argument("key", type=click.IntRange(1, 9))
@KEY_CODER
@click.option("--rationale", help="Why (kept in the audit log).")
def codes_pin(project: Path, code: str, key: int, coder: str | None,
              rationale: str | None) -> None:
    """Put CODE on number key KEY (1–9) for a coder: pressing KEY in the app applies it.

    A code already on that key makes way; the code leaves any other key.

    \b
    Example:
      post-coder codes pin study.postcoder "Lack of time" 1 --coder "Maya Chen"
    """
    from post_coder.coding.codebook import find_code
    from post_coder.coding.keys import pin_key

    with _open(project, _key_coder(coder)) as p:
        found = find_code(p, code)
        pin_key(p, found.id, key, p.actor, rationale=rationale)
    click.echo(f'Pinned "{found.name}" to key {key}.')


@codes.command(name="unpin")
@PROJECT
@click.argument("code")
@KEY_CODER
@click.option("--rationale", help="Why (kept in the audit log).")
def codes_unpin(project: Path, code: str, coder: str | None, rationale: str | None) -> None:
    """Take CODE off the key it was pinned to for a coder (the key gets its default back).

    \b
    Example:
      post-coder codes unpin study.postcoder "Lack of time" --coder "Maya Chen"
    """
    from post_coder.coding.codebook import find_code
    from post_coder.coding.keys import unpin_key

    with _open(project, _key_coder(coder)) as p:
        found = find_code(p, code)
        unpin_key(p, found.id, p.actor, rationale=rationale)
    click.echo(f'Unpinned "{found.name}".')
