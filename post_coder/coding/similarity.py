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
#: texts fitted per candidate number of themes when choosing it (a seeded sample above this)
CHOICE_SAMPLE = 1000
#: iterations per fit while choosing the number of themes
CHOICE_ITER = 100
#: at most this many iterations per fit (large surveys stop early rather than run long)
MAX_ITER = 200
#: k-means starts on dense features (``vectors``), the best kept; 3 on TF-IDF
DENSE_STARTS = 10


@dataclass(frozen=True)
class Topics:
    """Themes found in texts (see :func:`topics`). Indexes are positions in the given texts."""

    k: int
    method: str
    #: number of themes → its score (mean silhouette × mean membership), when the number
    #: was chosen
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
    cosine to the cluster's centre). Without ``k``, every number in ``k_range`` is fitted
    (on a seeded sample of at most :data:`CHOICE_SAMPLE` texts, :data:`CHOICE_ITER`
    iterations) and scored by the mean silhouette of its grouping (cosine distance) times the
    mean membership score (how clearly texts belong to one theme: splitting a real theme in
    two blurs it); the first peak of that score wins (on short texts it keeps creeping up as
    themes are added, so its overall maximum overshoots). Words must occur in at least two
    texts once there are 50 or more. Deterministic for a seed. ``progress`` is updated
    between fits and may cancel. ``ValueError`` with a plain reason when there is
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
        rng = np.random.default_rng(seed)
        sample = (np.sort(rng.choice(X.shape[0], CHOICE_SAMPLE, replace=False))
                  if X.shape[0] > CHOICE_SAMPLE else np.arange(X.shape[0]))
        Xs = X[sample]
        for i, n in enumerate(candidates):
            progress.update(i, len(candidates) + 1, f"Trying {n} themes")
            labels, strength, _ = _fit(Xs, n, method, seed, min(max_iter, CHOICE_ITER))
            scores[n] = round(_silhouette(Xs, labels, n) * float(np.mean(strength)), 6)
        k = _first_peak(candidates, scores)
        step, steps = len(candidates), len(candidates) + 1
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


def _first_peak(candidates: list[int], scores: dict[int, float]) -> int:
    """The first number of themes scoring higher than the next; the best when the score
    only rises."""
    for n, following in zip(candidates, candidates[1:]):
        if scores[n] > scores[following]:
            return n
    return max(candidates, key=lambda n: (scores[n], -n))


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


def _silhouette(X: Any, labels: Any, k: int) -> float:
    """Mean silhouette of a grouping under cosine distance, exact and in O(nnz·k): the rows
    are unit vectors, so a row's mean distance to a group is 1 − its dot product with the
    group's mean (its own group's mean taken without itself). A row alone in its group
    scores 0."""
    import numpy as np

    n = X.shape[0]
    sizes = np.bincount(labels, minlength=k).astype(float)
    onehot = np.zeros((n, k))
    onehot[np.arange(n), labels] = 1.0
    sums = np.asarray((X.T @ onehot)).T            # k × terms: each group's sum of rows
    dots = np.asarray(X @ sums.T)                  # n × k: each row · each group's sum
    own = sizes[labels]
    self_dot = np.asarray((X.multiply(X) if hasattr(X, "multiply") else X * X).sum(axis=1)
                          ).ravel()
    a = 1.0 - np.divide(dots[np.arange(n), labels] - self_dot, own - 1,
                        out=np.zeros(n), where=own > 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_dist = 1.0 - dots / sizes
    mean_dist[:, sizes == 0] = np.inf
    mean_dist[np.arange(n), labels] = np.inf
    b = mean_dist.min(axis=1)
    if not np.isfinite(b).any():
        return 0.0
    s = np.where(own > 1, (b - a) / np.maximum(np.maximum(a, b), 1e-12), 0.0)
    return float(s.mean())


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
