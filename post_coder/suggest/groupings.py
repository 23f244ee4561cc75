"""Groupings of existing codes into parent themes, suggested from how the codes are used.

Two codes are alike when they are applied to the same answers (co-occurrence: the Jaccard
index of the sets of answers each is applied to) and when their coded segments use the same
words (the cosine between the centroids of their segments' TF-IDF vectors). The similarity
is the mean of the two (``weight`` shifts it); the codes are clustered by average linkage on
1 − similarity, and each cluster of two or more codes below the ``cut`` is a proposed
parent theme, with its evidence: the terms its codes' segments share, how often they are
applied together, and how alike their segments read. :func:`dendrogram_figure` draws the
whole tree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from post_coder.changes import Changes
from post_coder.coding.codebook import list_codes
from post_coder.coding.similarity import tfidf
from post_coder.errors import InputError
from post_coder.progress import Progress, ensure
from post_coder.project import Project
from post_coder.queries import ReadScope, find_question, response_rows
from post_coder.suggest._source import labelled

__all__ = ["CUT", "Grouping", "Groupings", "accept_grouping", "dendrogram_figure",
           "suggest_groupings"]

#: codes closer than this (1 − similarity) are proposed under one parent
CUT = 0.75


@dataclass(frozen=True)
class Grouping:
    label: str
    codes: tuple[str, ...]
    code_ids: tuple[str, ...]
    #: terms the codes' segments share, with their least weight among the codes
    shared_terms: tuple[tuple[str, float], ...]
    #: mean Jaccard index of the codes' answers, over pairs
    co_occurrence: float
    #: answers with two or more of the codes
    together: int
    #: mean cosine of the codes' segment centroids, over pairs
    text_similarity: float
    #: mean combined similarity over pairs
    similarity: float

    def as_dict(self) -> dict[str, Any]:
        return {"label": self.label, "codes": list(self.codes),
                "shared_terms": [[t, w] for t, w in self.shared_terms],
                "co_occurrence": self.co_occurrence, "together": self.together,
                "text_similarity": self.text_similarity, "similarity": self.similarity}


@dataclass(frozen=True)
class Groupings:
    #: most alike first
    groupings: tuple[Grouping, ...]
    #: the codes clustered, in the linkage's leaf numbering
    codes: tuple[str, ...]
    #: scipy's linkage matrix: rows (left, right, distance, size)
    linkage: tuple[tuple[float, float, float, int], ...]
    cut: float
    source: str

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "cut": self.cut, "codes": list(self.codes),
                "groupings": [g.as_dict() for g in self.groupings],
                "linkage": [list(row) for row in self.linkage]}


def suggest_groupings(project: Project, scope: ReadScope, *, source: str = "union",
                      questions: Sequence[str] = (), weight: float = 0.5, cut: float = CUT,
                      progress: Progress | None = None) -> Groupings:
    """Propose parent themes for the codes (see the module), from ``source``: "union" (every
    coding the reader sees), "consensus" or "coder:NAME". ``weight``: the share of
    co-occurrence in the similarity (the rest is text). Nothing is written."""
    import numpy as np
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    progress = ensure(progress)
    if not 0.0 <= weight <= 1.0:
        raise InputError("the weight of co-occurrence is between 0 and 1")
    if not 0.0 < cut <= 1.0:
        raise InputError("the cut is a distance above 0 and at most 1")
    question_ids = list(dict.fromkeys(find_question(project, q) for q in questions)) or None
    progress.update(0, 3, "Reading the codings")
    examples, note = labelled(project, scope, source, question_ids)
    names = {c.id: c.name for c in list_codes(project)}
    used = [c for c in names if any(e.code_id == c for e in examples)]
    if len(used) < 2:
        raise InputError(f"at least two codes need codings in {note} to group them")
    texts = {}
    if any(not e.segment for e in examples):  # the consensus layer codes whole answers
        ids = list(dict.fromkeys(e.response_id for e in examples))
        texts = {r.id: r.text for r in response_rows(project, scope, ids)}
    segments: dict[str, list[str]] = {c: [] for c in used}
    answers: dict[str, set[str]] = {c: set() for c in used}
    for e in examples:
        segments[e.code_id].append(e.segment or texts.get(e.response_id, ""))
        answers[e.code_id].add(e.response_id)
    progress.update(1, 3, "Comparing the codes")
    n = len(used)
    jaccard = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            union = len(answers[used[i]] | answers[used[j]])
            jaccard[i, j] = jaccard[j, i] = (len(answers[used[i]] & answers[used[j]]) / union
                                             if union else 0.0)
    pool = [s for c in used for s in segments[c]]
    try:
        matrix, vocabulary = tfidf(pool)
        matrix = matrix.tocsr()
    except ValueError:
        matrix, vocabulary = None, []
    centres = np.zeros((n, len(vocabulary)))
    start = 0
    for i, c in enumerate(used):
        if matrix is not None:
            centres[i] = np.asarray(matrix[start:start + len(segments[c])].mean(axis=0)).ravel()
        start += len(segments[c])
    norms = np.linalg.norm(centres, axis=1)
    norms[norms == 0] = 1.0
    unit = centres / norms[:, None]
    cosine = np.clip(unit @ unit.T, 0.0, 1.0)
    similarity = weight * jaccard + (1.0 - weight) * cosine
    distance = 1.0 - similarity
    np.fill_diagonal(distance, 0.0)
    progress.update(2, 3, "Clustering")
    Z = linkage(squareform(distance, checks=False), method="average")
    clusters = fcluster(Z, t=cut, criterion="distance")
    groupings = []
    for label in sorted(set(clusters)):
        members = [i for i in range(n) if clusters[i] == label]
        if len(members) < 2:
            continue
        pairs = [(a, b) for k, a in enumerate(members) for b in members[k + 1:]]

        def mean(m: Any) -> float:
            return round(float(np.mean([m[a, b] for a, b in pairs])), 4)

        least = centres[members].min(axis=0)
        top = [j for j in np.argsort(-least, kind="stable")[:5] if least[j] > 0]
        shared = tuple((vocabulary[j], round(float(least[j]), 4)) for j in top)
        sets = [answers[used[i]] for i in members]
        together = sum(1 for r in set().union(*sets) if sum(r in s for s in sets) >= 2)
        codes = tuple(names[used[i]] for i in members)
        title = " / ".join(t for t, _ in shared[:3]) or " + ".join(codes)
        groupings.append(Grouping(title, codes, tuple(used[i] for i in members), shared,
                                  mean(jaccard), together, mean(cosine), mean(similarity)))
    groupings.sort(key=lambda g: (-g.similarity, g.codes))
    progress.update(3, 3, "Done")
    return Groupings(tuple(groupings), tuple(names[c] for c in used),
                     tuple((float(a), float(b), round(float(d), 6), int(s)) for a, b, d, s in Z),
                     cut, note)


def dendrogram_figure(groupings: Groupings, *, title: str = "Codes clustered") -> Any:
    """The codes' dendrogram as a matplotlib Figure (Agg, no pyplot): codes down the left,
    distance (1 − similarity) along the bottom, the cut as a dashed line."""
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from scipy.cluster.hierarchy import dendrogram

    Z = np.array(groupings.linkage, dtype=float)
    tree = dendrogram(Z, labels=list(groupings.codes), no_plot=True, orientation="right")
    fig = Figure(figsize=(6.5, max(2.0, 0.35 * len(groupings.codes) + 1.0)),
                 layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    for xs, ys in zip(tree["icoord"], tree["dcoord"]):
        ax.plot(ys, xs, color="#333333", linewidth=1.2)
    ax.set_yticks([5 + 10 * i for i in range(len(tree["ivl"]))], labels=tree["ivl"])
    ax.set_ylim(0, 10 * len(tree["ivl"]))
    ax.axvline(groupings.cut, color="#b03030", linestyle="--", linewidth=1)
    ax.set_xlim(0, 1.0)
    ax.set_xlabel("Distance (1 − similarity of use and wording)")
    ax.set_title(title)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig


def accept_grouping(project: Project, name: str, code_ids: Sequence[str], *,
                    definition: str = "") -> Changes:
    """Accept a proposed grouping: a new top-level code ``name`` with the grouping's codes
    moved under it, in one action and one undo step, "Accept suggested grouping".
    ``changes.created`` starts with the new code's id."""
    from post_coder.coding.codebook import add_code
    from post_coder.coding.refine import move_codes

    if len(set(code_ids)) < 2:
        raise InputError("a grouping has two or more codes")
    with project.transact("Accept suggested grouping") as step:
        parent = add_code(project, name, definition=definition).new_id
        move_codes(project, list(dict.fromkeys(code_ids)), parent)
    return step.changes
