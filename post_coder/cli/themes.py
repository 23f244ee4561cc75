"""``export themes``: a theme table written as DOCX, XLSX, CSV, Markdown, LaTeX or HTML (see
:mod:`post_coder.export.themes`)."""

from __future__ import annotations

from pathlib import Path

import click

from post_coder.cli.common import PROJECT, _open, _scope

#: formats `export themes` writes: CSV and Markdown as a flat table (heading rows as rows,
#: sub-themes marked "– ", the notes under it); the others through the document writers
THEME_FORMATS = ("docx", "xlsx", "csv", "md", "tex", "html")


@click.command(name="themes")
@PROJECT
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="The file to write.")
@click.option("--format", "fmt", type=click.Choice(THEME_FORMATS),
              help="docx (Word), xlsx (Excel), csv, md (Markdown), tex (LaTeX) or html "
                   "(default: from the file's extension).")
@click.option("--question", "question_names", multiple=True, metavar="Q",
              help="Only this question (column name or wording); repeat for several. "
                   "Default: every open-ended question.")
@click.option("--source", default="consensus", show_default=True,
              metavar="consensus|union|coder:NAME",
              help="Count the consensus layer (review decisions, else the codes the coders "
                   "agree on), the union of the coders' codings, or one coder's codings.")
@click.option("--base", default="answered", show_default=True, metavar="answered|all|N",
              help="The denominator: respondents who answered the question(s), all "
                   "respondents, or a number.")
@click.option("--by", "by", metavar="ATTRIBUTE",
              help="Add an n (%) column per value of this attribute, each with its own "
                   "denominator.")
@click.option("--quotes", type=click.IntRange(min=0), default=2, show_default=True,
              help="Representative quotes per theme (0: no quote column).")
@click.option("--attribution", "attribution", multiple=True, metavar="ATTRIBUTE",
              help="Tag each quote with the respondent's value of this attribute "
                   "(\"— EM, Attending\"); repeat for several.")
@click.option("--dimension", metavar="D",
              help="Only the themes of this RE-AIM dimension (see `codes dimension`).")
def themes(project: Path, out: Path, fmt: str | None, question_names: tuple[str, ...],
           source: str, base: str, by: str | None, quotes: int,
           attribution: tuple[str, ...], dimension: str | None) -> None:
    """Write a theme table: themes (top-level codes) with their sub-codes indented, each
    with its definition, n (%) of respondents (a respondent counts once per theme), an
    optional breakdown by an attribute and representative quotes (exemplars marked with
    `codings exemplar`; where none, the most central segments). The notes under the table
    state the source and the denominator. Themes with a RE-AIM dimension are grouped under
    a heading row per dimension. Reads what the coder you act as may see (blind rounds
    stay blind).

    \b
    Example:
      post-coder export themes study.postcoder --out themes.docx
      post-coder export themes study.postcoder --out themes.md --question feedback \\
          --by dept --attribution dept --attribution role --dimension Effectiveness
      post-coder export themes study.postcoder --out ana.csv --source "coder:Ana" --base all
    """
    from post_coder.errors import InputError
    from post_coder.export.document import Document
    from post_coder.export.tables import write_table
    from post_coder.export.themes import ThemeSpec, count_themes, flat, theme_table
    from post_coder.export.writers import write_document

    chosen = (fmt or out.suffix.lstrip(".")).lower()
    if chosen not in THEME_FORMATS:
        raise InputError("write the theme table as " + ", ".join(THEME_FORMATS[:-1])
                         + f' or {THEME_FORMATS[-1]} (--format), not "{chosen or out.name}"',
                         file=out)
    spec = ThemeSpec(questions=question_names, source=source, base=base, by=by,
                     quotes=quotes, attribution=attribution, dimension=dimension)
    with _open(project) as p:
        counted = count_themes(p, _scope(p), spec)
        table = theme_table(p, _scope(p), spec, themes=counted)
    if chosen in ("csv", "md"):
        header, rows = flat(table)
        write_table(out, header, rows, chosen, title="Themes")
    else:
        write_document(Document("Themes", [table]), out, chosen)
    themes_n = sum(1 for r in counted.rows if r.depth == 0)
    click.echo(f"Wrote {table.caption} ({themes_n} theme{'' if themes_n == 1 else 's'}, "
               f"{len(counted.rows) - themes_n} sub-codes; N = {counted.denominator}) to "
               f"{out}.")
