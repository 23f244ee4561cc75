"""Benchmark: theme suggestions (kind 1) on 2,000 and 100,000 answers, and the quality of the
suggestions on the labelled synthetic corpus of the tests (tests/suggest_corpus.py).

Builds a project per size from the corpus generator (six known themes, varied wording and
length, very short answers, 1% noise such as "n/a"), imports scikit-learn first (it costs
seconds once, at the first suggestion; the targets are after that), then times
``suggest_themes`` from the project — reading the answers through the read scope, TF-IDF,
choosing the number of themes over 2–10 (the eigengap of the answers' similarity graph, on
a seeded sample of at most 10,000 answers) and the final NMF fit (iterations capped at
200) — and the same for k-means with k given. How well the number is chosen is measured by
benchmarks/bench_auto_k.py.
Targets: 2k ≤ 0.5 s (best of 3), 100k ≤ 15 s (one run). Prints the adjusted Rand index and NMI against the known
themes for each run, and for kind 3 (codes learned from 250 coded answers of the 420-answer
test corpus) precision and recall at the default confidence.

When the optional semantic extra is installed (``pip install "post-coder[semantic]"``), it
also times themes by meaning (sentence embeddings, then k-means) on the sizes up to 10,000
(embedding runs at a few thousand answers a second, so 100k would take most of a minute),
after loading the model once, and compares words (TF-IDF) with meaning on the test corpus
itself (420 answers, seed 12, as in tests/test_suggest.py): ARI and NMI, number chosen and
k = 6, over seeds 0–4.

    .venv/bin/python benchmarks/bench_suggest.py [sizes…]     (default: 2000 100000)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.suggest_corpus import THEMES, corpus, csv_text  # noqa: E402


def build(folder: Path, n: int, *, seed: int = 5, noise: int | None = None):
    """A project of ``n`` answers from the generator (1% noise unless ``noise`` is given),
    and each respondent's true theme."""
    from post_coder.importing import import_survey, inspect_file
    from post_coder.project import Project

    answers = corpus(n, seed=seed, noise=n // 100 if noise is None else noise)
    source = folder / f"corpus-{n}.csv"
    source.write_text(csv_text(answers), encoding="utf-8")
    p = Project.create(folder / f"corpus-{n}.postcoder")
    plan = inspect_file(source).with_mapping(id_column="id", open_ended=["barriers"],
                                             attributes=["site"])
    import_survey(p, plan)
    return p, {a.respondent: a.theme for a in answers}


def quality(found, truth) -> str:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    got = {m.respondent: i for i, t in enumerate(found.themes) for m in t.members}
    people = [r for r in got if truth[r]]
    a = [truth[r] for r in people]
    b = [got[r] for r in people]
    return (f"ARI {adjusted_rand_score(a, b):.3f}, NMI {normalized_mutual_info_score(a, b):.3f}"
            f", k {found.k}, skipped {len(found.skipped)}")


def timed(label: str, fn, repeat: int = 1):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    extra = f" (first {times[0]:.3f} s, best of {repeat})" if repeat > 1 else ""
    print(f"  {label:<44} {min(times):7.3f} s{extra}", flush=True)
    return result


def kind3() -> None:
    from post_coder.coding.codebook import add_code
    from post_coder.coding.coders import add_coder
    from post_coder.coding.codings import accept_codes
    from post_coder.queries import ReadScope, response_ids, response_rows
    from post_coder.suggest.codes import suggest_codes

    everyone = ReadScope.everyone()
    with tempfile.TemporaryDirectory() as tmp:
        answers = corpus(420, noise=12)
        source = Path(tmp) / "c.csv"
        source.write_text(csv_text(answers), encoding="utf-8")
        from post_coder.importing import import_survey, inspect_file
        from post_coder.project import Project

        with Project.create(Path(tmp) / "c.postcoder") as p:
            import_survey(p, inspect_file(source).with_mapping(
                id_column="id", open_ended=["barriers"], attributes=["site"]))
            ana = add_coder(p, "Ana").new_id
            ben = add_coder(p, "Ben").new_id
            code = {t: add_code(p, t).new_id for t in THEMES}
            rows = {r.respondent: r for r in response_rows(p, everyone,
                                                           response_ids(p, everyone))}
            accept_codes(p, [(rows[a.respondent].id, code[a.theme]) for a in answers[:250]
                            if a.theme and a.respondent in rows], ana)
            found = timed("kind 3: learn 6 codes, suggest", lambda: suggest_codes(
                p, everyone, source="coder:Ana", coder=ben))
        truth = {a.respondent: a.theme for a in answers}
        targets = [a.respondent for a in answers[250:] if a.theme]
        hits = [s for s in found.suggestions if truth[s.respondent] == s.code]
        print(f"  kind 3 at confidence {found.min_confidence}: precision "
              f"{len(hits) / len(found.suggestions):.3f}, recall "
              f"{len({s.respondent for s in hits}) / len(targets):.3f} "
              f"({len(found.suggestions)} suggestions for {len(targets)} themed answers)")


def semantic_available() -> bool:
    from post_coder.suggest.embeddings import available

    return available()


def compare_on_test_corpus() -> None:
    """Words vs meaning on the corpus of tests/test_suggest.py, one run per seed."""
    from post_coder.queries import ReadScope
    from post_coder.suggest.themes import suggest_themes

    everyone = ReadScope.everyone()
    with tempfile.TemporaryDirectory() as tmp:
        p, truth = build(Path(tmp), 420, seed=12, noise=12)
        with p:
            for features in ("tfidf", "semantic"):
                for k in (None, 6):
                    for seed in range(5):
                        found = suggest_themes(p, everyone, features=features, k=k, seed=seed)
                        how = "chosen" if k is None else "k = 6"
                        print(f"  {features:<8} {how:<7} seed {seed}: {quality(found, truth)}")


def main(sizes: list[int]) -> None:
    t0 = time.perf_counter()
    import sklearn.cluster  # noqa: F401
    import sklearn.decomposition  # noqa: F401
    import sklearn.feature_extraction.text  # noqa: F401
    print(f"importing scikit-learn: {time.perf_counter() - t0:.2f} s (once, at the first "
          "suggestion)")
    from post_coder.queries import ReadScope
    from post_coder.suggest.themes import suggest_themes

    semantic = semantic_available()
    if semantic:
        from post_coder.suggest.embeddings import embed

        t0 = time.perf_counter()
        embed(["loading the model"])
        print(f"loading the sentence-embedding model: {time.perf_counter() - t0:.2f} s (once, "
              "at the first themes by meaning)")
    else:
        print('themes by meaning: not measured (pip install "post-coder[semantic]")')
    everyone = ReadScope.everyone()
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            print(f"\n{n:,} answers (six themes, {n // 100} noise answers)")
            p, truth = timed("building the project (not timed below)",
                             lambda: build(Path(tmp), n))
            with p:
                # a first small run warms scikit-learn's and numpy's code paths
                suggest_themes(p, everyone, k=2, search="stigma")
                repeat = 3 if n <= 10000 else 1  # the machine's load varies: best of 3
                found = timed("themes, NMF, number chosen (2-10)",
                              lambda: suggest_themes(p, everyone), repeat)
                print(f"    {quality(found, truth)}")
                found = timed("themes, NMF, k = 6", lambda: suggest_themes(p, everyone, k=6),
                              repeat)
                print(f"    {quality(found, truth)}")
                found = timed("themes, k-means, k = 6",
                              lambda: suggest_themes(p, everyone, k=6, method="kmeans"),
                              repeat)
                print(f"    {quality(found, truth)}")
                if semantic and n <= 10000:
                    found = timed("themes by meaning, number chosen (2-10)",
                                  lambda: suggest_themes(p, everyone, features="semantic"),
                                  repeat)
                    print(f"    {quality(found, truth)}")
                    found = timed("themes by meaning, k = 6",
                                  lambda: suggest_themes(p, everyone, features="semantic",
                                                         k=6), repeat)
                    print(f"    {quality(found, truth)}")
    if semantic:
        print("\nkind 1 on the test corpus (420 answers, six themes): words vs meaning")
        compare_on_test_corpus()
    print("\nkind 3 on the test corpus (420 answers, 250 coded by one coder)")
    kind3()


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [2000, 100000])
