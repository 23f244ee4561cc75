"""RE-AIM summaries: ``reaim PROJECT`` (compute, check), ``reaim spec export|import``."""

from __future__ import annotations

from pathlib import Path

import click

from post_coder.cli.common import (CODER, JSON, PROJECT, _DefaultCommandGroup, _emit, _open,
                                   _scope)


class _SummaryByDefault(_DefaultCommandGroup):
    """``reaim PROJECT …`` is ``reaim summary PROJECT …``."""

    default_command = "summary"


@click.group(name="reaim", cls=_SummaryByDefault)
def reaim() -> None:
    """RE-AIM summaries from the project's data (`reaim PROJECT` is `reaim summary PROJECT`);
    `reaim spec export|import` moves the stored spec in and out. See docs/reaim.md.

    \b
    Example:
      post-coder reaim study.postcoder --spec reaim.toml --check
      post-coder reaim study.postcoder --spec reaim.toml --save --out results
      post-coder reaim study.postcoder --out results
    """


@reaim.command(name="summary")
@PROJECT
@click.option("--spec", "spec_file", type=click.Path(dir_okay=False, path_type=Path),
              help="The spec (TOML) to use; default: the one stored in the project.")
@click.option("--check", is_flag=True,
              help="Only check the spec against the project; list every problem.")
@click.option("--save", is_flag=True, help="Also keep --spec in the project (one undo step).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for summary.json and the tables (made if missing).")
@click.option("--format", "formats", multiple=True,
              type=click.Choice(["docx", "xlsx", "csv", "md", "tex", "html"]),
              help="Table formats to write (repeat; default: csv and md). DOCX, LaTeX and "
                   "HTML also hold the dimension's figures.")
@click.option("--no-figures", is_flag=True,
              help="Leave out the figures (PNG, SVG and PDF of each).")
@CODER
@JSON
def summary(project: Path, spec_file: Path | None, check: bool, save: bool, out: Path | None,
            formats: tuple[str, ...], no_figures: bool, coder: str | None,
            as_json: bool) -> None:
    """Compute the RE-AIM measures of a spec: writes summary.json (every number, by measure),
    one table per dimension (reaim-reach.csv, reaim-reach.md, …) and the figures into --out.

    Figures (PNG at 300 dpi, SVG and PDF): Likert bars for the distribution measures of a
    dimension that share a scale (or a `figure` caption), counts per period for events
    measures, counts per group for count measures with a group_by.

    Without --spec the spec stored in the project is used. With --check nothing is written:
    the spec is checked against the project's datasets, columns, levels, questions and codes,
    and every problem is listed with its measure and field.

    \b
    Example:
      post-coder reaim study.postcoder --spec reaim.toml --check
      post-coder reaim study.postcoder --spec reaim.toml --out results --format csv
      post-coder reaim study.postcoder --out results --format docx --format xlsx
    """
    from post_coder.export.reaim import SpecError, check_spec, read_spec, summarize
    from post_coder.export.reaim.stored import save_spec, stored_spec
    from post_coder.export.reaim.tables import value_text, write_summary

    if not check and out is None:
        raise click.UsageError("say where to write the results with --out DIR (or check the "
                               "spec with --check)")
    if save and spec_file is None:
        raise click.UsageError("--save keeps the spec given with --spec; give one")
    with (_open(project, coder) if save else _open(project)) as p:
        spec = read_spec(spec_file) if spec_file else stored_spec(p)
        where = spec_file.name if spec_file else "The stored spec"
        problems = check_spec(p, spec)
        if problems:
            raise SpecError(problems, file=spec_file)
        if check:
            counts = {}
            for m in spec.measures:
                counts[m.dimension] = counts.get(m.dimension, 0) + 1
            click.echo(f"{where} is ready: {len(spec.measures)} measures ("
                       + ", ".join(f"{d} {n}" for d, n in counts.items()) + ").")
            return
        results = summarize(p, spec, _scope(p))
        if save:  # only a spec that computed is kept
            save_spec(p, spec.text)
    written = write_summary(results, out, spec, formats=formats or ("csv", "md"),
                            figures=not no_figures)

    def text() -> None:
        for r in results:
            click.echo(f"{r['dimension']:<15} {r['label']}: {value_text(r)}")
        drawn = sum(1 for f in written if f.suffix == ".png")
        click.echo(f"Wrote {len(written)} files to {out} ({drawn} figure"
                   f"{'' if drawn == 1 else 's'} as PNG, SVG and PDF)"
                   + (" and saved the spec in the project." if save else "."))

    _emit(results, as_json, text)


@reaim.group(name="spec")
def spec_group() -> None:
    """The RE-AIM spec stored in the project: export it to a TOML file, import one."""


@spec_group.command(name="export")
@PROJECT
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
def spec_export(project: Path, file: Path) -> None:
    """Write the stored spec, exactly as saved, to FILE (- for the screen).

    \b
    Example:
      post-coder reaim spec export study.postcoder reaim.toml
    """
    from post_coder.export.reaim.stored import stored_spec
    from post_coder.files import written_whole

    with _open(project) as p:
        text = stored_spec(p).text
    if str(file) == "-":
        click.echo(text, nl=False)
        return
    with written_whole(file, "spec") as tmp:
        tmp.write_text(text, encoding="utf-8")
    click.echo(f"Wrote the RE-AIM spec to {file}.")


@spec_group.command(name="import")
@PROJECT
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@CODER
def spec_import(project: Path, file: Path, coder: str | None) -> None:
    """Keep the spec in FILE in the project, replacing the one before (checked against the
    project first; one undo step).

    \b
    Example:
      post-coder reaim spec import study.postcoder reaim.toml
    """
    from post_coder.export.reaim import SpecError, read_spec
    from post_coder.export.reaim.stored import save_spec

    spec = read_spec(file)
    with _open(project, coder) as p:
        try:
            save_spec(p, spec.text)
        except SpecError as exc:
            raise SpecError(exc.problems, file=file) from None
    click.echo(f"Saved the RE-AIM spec from {file.name} ({len(spec.measures)} measures) in "
               f"{project.name}.")
