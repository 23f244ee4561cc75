"""Text similarity of survey answers: the one module every text-based feature uses.

Theme tables ask it for representative quotes (the segments nearest the centre of a code's
segments); the suggestions (:mod:`post_coder.suggest`) find themes with :func:`topics` (NMF
or k-means over the same features), compare codes and learn codes from them. Answers are short, so the
features are TF-IDF over words and word pairs (unigrams and bigrams), English stop words
left out, with sublinear term frequency (a word said five times is not five times the
evidence). Every result is deterministic: ties go to the earlier text.

scikit-learn takes seconds to import, so it is imported inside the functions that need it,
never when this module is imported (the app and the command line start without it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from post_coder.progress import Progress, ensure

__all__ = ["METHODS", "Topics", "central_segments", "centroid_similarity", "content_words",
           "tfidf", "topics"]


def tfidf(texts: Sequence[str], *, min_df: int | float = 1) -> tuple[Any, list[str]]:
    """The TF-IDF matrix (one L2-normalised row per text, sparse) and its vocabulary in
    column order. Unigrams and bigrams, English stop words removed, sublinear tf, accents
    stripped. A text left with no word (empty, or only stop words) is a row of zeros.
    ``ValueError`` when no text has a word at all."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(ngram_range=(1, 2), stop_words="english", sublinear_tf=True,
                                 strip_accents="unicode", min_df=min_df)
    try:
        matrix = vectorizer.fit_transform([t or "" for t in texts])
    except ValueError as exc:  # an empty vocabulary: nothing but stop words
        raise ValueError("the texts have no words to compare (only stop words or blanks)"
                         ) from exc
    return matrix, list(vectorizer.get_feature_names_out())


def centroid_similarity(texts: Sequence[str]) -> list[float]:
    """Each text's cosine similarity to the centroid of all of them (0 for a text with no
    word; every text 0 when none has one)."""
    if not texts:
        return []
    try:
        matrix, _ = tfidf(texts)
    except ValueError:
        return [0.0] * len(texts)
    return [float(s) for s in _to_centre(matrix)]


def _to_centre(rows: Any) -> Any:
    """Each row's cosine to the centroid of the rows (an array; zeros when the centroid is
    zero). The rows are L2-normalised already: the dot product with the unit centroid is the
    cosine."""
    import numpy as np

    centroid = np.asarray(rows.mean(axis=0)).ravel()
    norm = float(np.linalg.norm(centroid))
    if norm == 0.0:
        return np.zeros(rows.shape[0])
    return np.asarray(rows @ (centroid / norm)).ravel()


def central_segments(texts: Sequence[str], k: int) -> list[int]:
    """Indexes of the ``k`` texts nearest the centroid of all of them (cosine over TF-IDF),
    nearest first; equal scores (within 1e-9) keep the texts' order. Fewer when there are
    fewer texts; a text with no words comes last."""
    if k <= 0 or not texts:
        return []
    scores = centroid_similarity(texts)
    # round away float noise so equal texts tie exactly, and ties keep the given order
    order = sorted(range(len(texts)), key=lambda i: (-round(scores[i], 9), i))
    return order[:k]


# -- themes: topics over the same features ----------------------------------------------------

#: how themes are found: non-negative matrix factorisation (default) or k-means
METHODS = ("nmf", "kmeans")
#: the range the number of themes is chosen from when none is given
K_RANGE = (2, 10)
#: texts whose similarities choose the number of themes (a seeded sample above this);
#: fewer with dense features (``vectors``), whose similarities are held as a matrix
CHOICE_SAMPLE = 10000
DENSE_CHOICE_SAMPLE = 2000
#: every two texts count as this much alike whatever their words, as a share of a text's
#: mean similarity to all the others: a few texts that share words only among themselves
#: then cannot pass for a theme of their own
REGULARISE = 0.3
#: the same for dense features (``vectors``), whose affinity is the squared cosine
DENSE_REGULARISE = 0.1
#: an eigenvalue under this (the largest is 1) stands for no group of texts
NO_GROUP = 0.05
#: two themes are chosen only when some gap is at least this wide: under it no number is
#: clear, and two themes (half the answers or more in one) would tell the reader least
TWO_CLEAR = 0.1
#: at most this many iterations per fit (large surveys stop early rather than run long)
MAX_ITER = 200
#: k-means starts on dense features (``vectors``), the best kept; 3 on TF-IDF
DENSE_STARTS = 10


@dataclass(frozen=True)
class Topics:
    """Themes found in texts (see :func:`topics`). Indexes are positions in the given texts."""

    k: int
    method: str
    #: number of themes → how clearly the texts fall into that many groups (the relative
    #: eigengap, 0…1; see :func:`topics`), when the number was chosen
    scores: dict[int, float]
    #: per text: its theme (0…k-1), or -1 for a text with no feature (``no_features``)
    theme: list[int]
    #: per text: how strongly it belongs to its theme, 0…1
    score: list[float]
    #: per theme: the top terms, each weight relative to the theme's top term (1.0)
    terms: list[list[tuple[str, float]]]
    #: per theme: its members nearest the centroid of its members, nearest first (one per
    #: distinct text)
    central: list[list[int]]


def content_words(texts: Sequence[str]) -> list[int]:
    """How many words each text has once stop words are left out (the words :func:`tfidf`
    sees; "n/a", "none", "no" have none)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    analyze = TfidfVectorizer(stop_words="english", strip_accents="unicode").build_analyzer()
    return [len(analyze(t or "")) for t in texts]


def topics(texts: Sequence[str], *, k: int | None = None, k_range: tuple[int, int] = K_RANGE,
           method: str = "nmf", seed: int = 0, n_terms: int = 10, n_central: int = 5,
           max_iter: int = MAX_ITER, vectors: Any = None,
           progress: Progress | None = None) -> Topics:
    """Group texts into themes over their TF-IDF features (or over ``vectors``).

    ``method`` "nmf": non-negative matrix factorisation (a text's theme is its largest
    component, its score that component's share); "kmeans": k-means on the unit rows (score:
    cosine to the cluster's centre). Without ``k``, the number in ``k_range`` is chosen from
    the spectrum of the texts' similarity graph (on a seeded sample of at most
    :data:`CHOICE_SAMPLE` texts; :data:`DENSE_CHOICE_SAMPLE` with ``vectors``). Texts that
    fall into n clear groups give the graph's normalised affinity matrix n eigenvalues near
    the top, then a drop (the eigengap); the wider the drop, the less those n groups change
    when the texts change a little (the Davis–Kahan theorem: the gap measures the stability
    of the grouping). Each number n scores its relative gap (λn − λn+1) / λn and the
    highest score wins (a tie: the smaller number) — two only when some gap is at least
    :data:`TWO_CLEAR`: when no number is clear, two themes would tell least. The affinity
    is the cosine between two texts plus :data:`REGULARISE` of the mean, so a few texts that
    share words only among themselves do not pass for a theme (with ``vectors``: the
    squared cosine, 0 when negative, plus :data:`DENSE_REGULARISE` of the mean). On
    synthetic corpora of 3–9 known themes (benchmarks/bench_auto_k.py, docs/suggestions.md)
    it finds the true number far more often than scoring a trial fit per number by
    silhouette (the rule used before) or by the fits' stability under subsampling, and
    costs one small eigenvalue problem instead of a fit per number. Words must occur in at
    least two texts once there are 50 or more. Deterministic for a seed. ``progress`` is
    updated between steps and may cancel. ``ValueError`` with a plain reason when there is
    too little to group.

    ``vectors``: other features to group by, a dense array with one unit-length row per text
    (sentence embeddings: :mod:`post_coder.suggest.embeddings`); a row of zeros is a text
    with no feature. Only k-means takes them (NMF needs features that are never negative,
    and embeddings are not). The themes' terms still come from the TF-IDF of their members
    (the mean of their rows), so a theme reads the same either way.

    The numeric libraries run on one thread here: the matrices of survey answers are small
    enough that threads buy little, and on a busy laptop (or beside the app's own threads)
    they cost several times the time; one thread also keeps results identical run to run."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return _topics(texts, k, k_range, method, seed, n_terms, n_central, max_iter,
                       vectors, ensure(progress))


def _topics(texts: Sequence[str], k: int | None, k_range: tuple[int, int], method: str,
            seed: int, n_terms: int, n_central: int, max_iter: int, vectors: Any,
            progress: Progress) -> Topics:
    import numpy as np

    if method not in METHODS:
        raise ValueError(f'the method is "nmf" or "kmeans", not "{method}"')
    progress.update(0, 1, "Reading the answers")
    if vectors is None:
        matrix, vocabulary = tfidf(texts, min_df=2 if len(texts) >= 50 else 1)
        matrix = matrix.tocsr()
        active = np.flatnonzero(np.diff(matrix.indptr) > 0)
        X = matrix[active]
    else:
        if method != "kmeans":
            raise ValueError("grouping by meaning uses k-means (NMF needs features that are "
                             "never negative)")
        vectors = np.asarray(vectors, dtype=np.float64)
        if vectors.ndim != 2 or vectors.shape[0] != len(texts):
            raise ValueError(f"there are {len(texts)} texts but {vectors.shape[0]} vectors")
        try:
            matrix, vocabulary = tfidf(texts, min_df=2 if len(texts) >= 50 else 1)
            matrix = matrix.tocsr()
        except ValueError:  # no word to name the themes by: they are grouped all the same
            matrix, vocabulary = None, []
        active = np.flatnonzero(np.abs(vectors).sum(axis=1) > 0)
        X = vectors[active]
    distinct = len({" ".join((texts[i] or "").lower().split()) for i in active})
    if distinct < 2:
        raise ValueError("there are fewer than two different answers to group")
    scores: dict[int, float] = {}
    if k is None:
        low, high = k_range
        candidates = [n for n in range(max(2, low), high + 1) if n < distinct]
        if not candidates:
            candidates = [2]
        progress.update(0, 2, "Choosing the number of themes")
        rng = np.random.default_rng(seed)
        size = CHOICE_SAMPLE if vectors is None else DENSE_CHOICE_SAMPLE
        sample = (np.sort(rng.choice(X.shape[0], size, replace=False))
                  if X.shape[0] > size else np.arange(X.shape[0]))
        k, scores = _choose_k(X[sample], candidates)
        step, steps = 1, 2
    else:
        if k < 1:
            raise ValueError("ask for at least one theme")
        if k > distinct:
            raise ValueError(f"there are only {distinct} different answers to group; ask for "
                             f"{distinct} themes or fewer")
        step, steps = 0, 1
    progress.update(step, steps, f"Finding {k} themes")
    labels, strength, weights = _fit(X, k, method, seed, max_iter)
    progress.update(steps, steps, "Describing the themes")
    # themes nobody belongs to are dropped; the rest keep their order
    used = [t for t in range(k) if np.any(labels == t)]
    renumber = {t: i for i, t in enumerate(used)}
    theme = [-1] * len(texts)
    score = [0.0] * len(texts)
    for row, original in enumerate(active):
        theme[original] = renumber[int(labels[row])]
        score[original] = float(strength[row])
    terms, central = [], []
    for t in used:
        if vectors is None:
            w = np.asarray(weights[t]).ravel()
        elif matrix is None:
            w = np.zeros(0)
        else:  # the mean TF-IDF row of the theme's members
            w = np.asarray(matrix[active[labels == t]].mean(axis=0)).ravel()
        top = [j for j in np.argsort(-w, kind="stable")[:n_terms] if w[j] > 0]
        peak = float(w[top[0]]) if top else 1.0
        terms.append([(vocabulary[j], round(float(w[j]) / peak, 4)) for j in top])
        members = np.flatnonzero(labels == t)
        central.append([int(active[members[i]]) for i in
                        _nearest_centre(X[members], [texts[active[m]] for m in members],
                                        n_central)])
    return Topics(len(used), method, scores, theme, score, terms, central)


def _choose_k(X: Any, candidates: list[int]) -> tuple[int, dict[int, float]]:
    """The number of themes among ``candidates`` the rows fall into most clearly, and each
    candidate's score (its relative eigengap; see :func:`topics`)."""
    top = [max(0.0, float(v)) for v in _spectrum(X, max(candidates) + 1)]
    # an eigenvalue near 0 is no group at all (a handful of texts has only a few)
    scores = {n: round((top[n - 1] - top[n]) / top[n - 1], 6) if top[n - 1] >= NO_GROUP
              else 0.0 for n in candidates}
    pool = candidates
    if max(scores.values()) < TWO_CLEAR and max(candidates) > 2:
        pool = [n for n in candidates if n > 2]
    return max(pool, key=lambda n: (scores[n], -n)), scores


def _spectrum(X: Any, m: int) -> Any:
    """The ``m`` largest eigenvalues, largest first, of the rows' normalised affinity
    D^-½ (A + t/n) D^-½: A the cosines between the unit rows (dense rows: their squares,
    negative cosines taken as 0), t :data:`REGULARISE` (:data:`DENSE_REGULARISE`) of the
    mean row sum of A, D the row sums of A + t/n. The largest is 1. Sparse rows (TF-IDF,
    never negative) are multiplied through without forming A."""
    import numpy as np
    from scipy.sparse.linalg import ArpackNoConvergence, LinearOperator, eigsh

    n = X.shape[0]
    sparse = hasattr(X, "tocsr")
    if sparse:
        degree = np.asarray(X @ np.asarray(X.sum(axis=0)).ravel()).ravel()
        affinity = None
    else:  # embeddings: cosines are high across the board, squaring sharpens them
        affinity = np.clip(X @ X.T, 0.0, None) ** 2
        degree = affinity.sum(axis=1)
    t = (REGULARISE if sparse else DENSE_REGULARISE) * float(degree.mean())
    scale = 1.0 / np.sqrt(degree + t)

    def dense() -> Any:
        a = (X @ X.T).toarray() if sparse else affinity
        return np.sort(np.linalg.eigvalsh(scale[:, None] * (a + t / n) * scale[None, :])
                       )[::-1][:m]

    if n <= 4 * m + 20:
        return dense()
    if sparse:
        def times(v: Any) -> Any:
            u = scale * np.asarray(v).ravel()
            return scale * (np.asarray(X @ (X.T @ u)).ravel() + t / n * u.sum())
    else:
        def times(v: Any) -> Any:
            u = scale * np.asarray(v).ravel()
            return scale * (affinity @ u + t / n * u.sum())
    try:  # the same start every time: the same eigenvalues
        values = eigsh(LinearOperator((n, n), matvec=times, dtype=np.float64), k=m,
                       which="LA", v0=np.ones(n), tol=1e-8, return_eigenvectors=False)
    except ArpackNoConvergence:  # rare: solve it whole
        return dense()
    return np.sort(values)[::-1]


def _fit(X: Any, k: int, method: str, seed: int, max_iter: int) -> tuple[Any, Any, Any]:
    """(each row's theme, its membership score, each theme's term weights)."""
    import warnings

    import numpy as np
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # the iterations are capped
        if method == "kmeans":
            from sklearn.cluster import KMeans

            # dense features (embeddings) have more local optima than sparse TF-IDF rows:
            # more starts, the best kept, make the result depend less on the seed
            starts = 3 if hasattr(X, "tocsr") else DENSE_STARTS
            model = KMeans(n_clusters=k, random_state=seed,
                           n_init=starts if X.shape[0] <= 20000 else 1, max_iter=max_iter)
            labels = model.fit_predict(X)
            centres = model.cluster_centers_
            norms = np.linalg.norm(centres, axis=1)
            norms[norms == 0] = 1.0
            cosine = np.asarray(X @ (centres / norms[:, None]).T)
            strength = np.clip(cosine[np.arange(X.shape[0]), labels], 0.0, 1.0)
            return labels, strength, centres
        from sklearn.decomposition import NMF

        model = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=max_iter,
                    tol=1e-3)
        W = model.fit_transform(X)
        H = model.components_
        totals = W.sum(axis=1)
        labels = np.argmax(W, axis=1)
        strength = np.divide(W[np.arange(X.shape[0]), labels], totals,
                             out=np.zeros(X.shape[0]), where=totals > 0)
        lost = np.flatnonzero(totals == 0)
        if len(lost):  # no component at all: the topic its words weigh most in, score 0
            labels[lost] = np.argmax(np.asarray(X[lost] @ H.T), axis=1)
        return labels, strength, H


def _nearest_centre(rows: Any, texts: Sequence[str], n: int) -> list[int]:
    """Positions of the ``n`` rows nearest the centroid of all of them (cosine), nearest
    first, one per distinct text (ties keep the given order)."""
    if n <= 0 or rows.shape[0] == 0:
        return []
    cosine = _to_centre(rows)
    out, seen = [], set()
    for i in sorted(range(rows.shape[0]), key=lambda i: (-round(float(cosine[i]), 9), i)):
        key = " ".join((texts[i] or "").lower().split())
        if key not in seen:
            seen.add(key)
            out.append(i)
            if len(out) == n:
                break
    return out
