"""Text similarity of survey answers: the one module every text-based feature uses.

Theme tables ask it for representative quotes (the segments nearest the centre of a code's
segments); theme suggestions cluster with the same features. Answers are short, so the
features are TF-IDF over words and word pairs (unigrams and bigrams), English stop words
left out, with sublinear term frequency (a word said five times is not five times the
evidence). Every result is deterministic: ties go to the earlier text.

scikit-learn takes seconds to import, so it is imported inside the functions that need it,
never when this module is imported (the app and the command line start without it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["central_segments", "centroid_similarity", "tfidf"]


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
    import numpy as np

    centroid = np.asarray(matrix.mean(axis=0)).ravel()
    norm = float(np.linalg.norm(centroid))
    if norm == 0.0:
        return [0.0] * len(texts)
    # rows are L2-normalised already: the dot product with the unit centroid is the cosine
    scores = matrix @ (centroid / norm)
    return [float(s) for s in np.asarray(scores).ravel()]


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
