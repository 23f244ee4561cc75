"""Themes suggested from the answers themselves (TF-IDF, then NMF or k-means; see
:func:`post_coder.coding.similarity.topics`), or — with the optional semantic extra — from
what the answers mean (sentence embeddings, then k-means; see :mod:`.embeddings`).

Which answers: every open-ended answer, or those of some questions, only those nobody has
coded yet (among the codings the reader may see), or those a full-text search finds. Every
answer considered ends in exactly one theme or in ``skipped`` with the reason: blank, only
common words ("n/a", "none"), fewer words than the minimum, or no word that any other answer
shares. Deterministic for a seed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from post_coder.changes import Changes
from post_coder.coding.similarity import K_RANGE, METHODS, content_words, topics
from post_coder.errors import InputError
from post_coder.progress import Progress, ensure
from post_coder.project import Project
from post_coder.queries import ReadScope, ResponseQuery, find_question, response_ids, response_rows
from post_coder.suggest.embeddings import FEATURES, answer_vectors

__all__ = ["Member", "Skipped", "Theme", "ThemeSuggestions", "accept_theme", "label_of",
           "suggest_themes"]

#: representative quotes per theme (3–5)
QUOTES = 3


@dataclass(frozen=True)
class Member:
    response_id: str
    respondent: str
    question: str
    #: how strongly the answer belongs to the theme, 0–1
    score: float

    def as_dict(self) -> dict[str, Any]:
        return {"respondent": self.respondent, "question": self.question, "score": self.score}


@dataclass(frozen=True)
class Skipped:
    response_id: str
    respondent: str
    question: str
    text: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"respondent": self.respondent, "question": self.question, "text": self.text,
                "reason": self.reason}


@dataclass(frozen=True)
class Theme:
    #: made from the top terms ("night shifts / workload / overtime"); a person renames it
    label: str
    #: the top terms, each with its weight relative to the top term (1.0)
    terms: tuple[tuple[str, float], ...]
    #: answers nearest the centre of the theme's answers, nearest first
    quotes: tuple[str, ...]
    #: strongest member first
    members: tuple[Member, ...]

    @property
    def size(self) -> int:
        return len(self.members)

    def as_dict(self) -> dict[str, Any]:
        return {"label": self.label, "terms": [[t, w] for t, w in self.terms],
                "size": self.size, "quotes": list(self.quotes),
                "members": [m.as_dict() for m in self.members]}


@dataclass(frozen=True)
class ThemeSuggestions:
    #: largest first
    themes: tuple[Theme, ...]
    k: int
    seed: int
    skipped: tuple[Skipped, ...]
    method: str = "nmf"
    #: number of themes → its score, when the number was chosen automatically
    k_scores: dict[int, float] | None = None
    #: what the answers were compared by: "tfidf" (their words) or "semantic" (meaning)
    features: str = "tfidf"

    def as_dict(self) -> dict[str, Any]:
        """The JSON of ``post-coder suggest themes --json``."""
        return {"themes": [t.as_dict() for t in self.themes], "k": self.k, "seed": self.seed,
                "skipped": [s.as_dict() for s in self.skipped]}


def label_of(terms: Sequence[tuple[str, float]], words: int = 3) -> str:
    """A theme's label from its top terms: up to ``words`` of them, a word pair taking the
    place of its own words ("night shifts / workload", not "shifts / night / night shifts")."""
    names = [t for t, _ in terms]
    pairs = [t for t in names if " " in t]
    chosen: list[str] = []
    for term in names:
        pick = term
        if " " not in term:
            pick = next((p for p in pairs if term in p.split()), term)
        if any(pick == c or set(pick.split()) <= set(c.split()) for c in chosen):
            continue
        chosen = [c for c in chosen if not set(c.split()) <= set(pick.split())]
        chosen.append(pick)
        if len(chosen) == words:
            break
    return " / ".join(chosen) or "(no terms)"


def suggest_themes(project: Project, scope: ReadScope, *, questions: Sequence[str] = (),
                   uncoded: bool = False, search: str | None = None, k: int | None = None,
                   k_range: tuple[int, int] = K_RANGE, method: str | None = None,
                   seed: int = 0, min_words: int = 1, quotes: int = QUOTES,
                   features: str = "tfidf", progress: Progress | None = None
                   ) -> ThemeSuggestions:
    """Suggest themes in the answers (see the module). ``questions`` by short label, column
    name or wording (default: every open-ended question); ``uncoded``: only answers without
    a coding the reader sees; ``search``: only answers the full-text search finds. ``k``:
    the number of themes (default: chosen over ``k_range``). ``features``: compare the
    answers by their words ("tfidf", the default) or by their meaning ("semantic": sentence
    embeddings from the optional extra, :mod:`.embeddings`; raises
    :class:`~.embeddings.SemanticUnavailable` when it is not installed). ``method``: "nmf"
    or "kmeans" (default: NMF for words; meaning is always grouped by k-means, as NMF needs
    features that are never negative). ``progress`` may cancel
    (:class:`~post_coder.errors.Cancelled`) between steps; nothing is written."""
    progress = ensure(progress)
    if features not in FEATURES:
        raise InputError(f'the features are "tfidf" (words) or "semantic" (meaning), not '
                         f'"{features}"')
    if method is None:
        method = "kmeans" if features == "semantic" else "nmf"
    if method not in METHODS:
        raise InputError(f'the method is "nmf" or "kmeans", not "{method}"')
    if features == "semantic" and method != "kmeans":
        raise InputError("grouping answers by meaning uses k-means: NMF needs features that "
                         "are never negative, and sentence embeddings are not")
    if not 3 <= quotes <= 5:
        raise InputError("ask for 3 to 5 quotes per theme")
    if min_words < 1:
        raise InputError("the minimum length is at least one word")
    if k is not None and k < 2:
        raise InputError("ask for at least 2 themes (or leave the number to be chosen)")
    if k_range[0] < 2 or k_range[1] < k_range[0]:
        raise InputError("the range of themes to choose from starts at 2 or more and does "
                         "not end before it starts")
    question_ids = tuple(dict.fromkeys(find_question(project, q) for q in questions)) or None
    progress.update(0, 1, "Reading the answers")
    query = ResponseQuery(question_ids=question_ids, coded=False if uncoded else None,
                          text=search or None)
    rows = response_rows(project, scope, response_ids(project, scope, query))
    if not rows:
        raise InputError("no answers match: nothing to suggest themes from"
                         + (" (every answer has a coding already)" if uncoded else ""))
    progress.update(0, 1, "Reading the answers")
    skipped: list[Skipped] = []
    kept = []
    for row, n in zip(rows, content_words([r.text for r in rows])):
        reason = None
        if not row.text.strip():
            reason = "blank"
        elif n == 0:
            reason = "only common words (such as “none” or “n/a”): nothing to compare"
        elif n < min_words:
            reason = (f"too short: {n} word{'' if n == 1 else 's'} once common words are "
                      f"left out, fewer than the minimum of {min_words}")
        if reason:
            skipped.append(Skipped(row.id, row.respondent, row.question, row.text, reason))
        else:
            kept.append(row)
    if not kept:
        raise InputError(f"none of the {len(rows)} answers is long enough to group "
                         "(see the minimum number of words)")
    vectors = None
    if features == "semantic":
        vectors = answer_vectors([r.text for r in kept], progress)
    try:
        found = topics([r.text for r in kept], k=k, k_range=k_range, method=method, seed=seed,
                       n_central=quotes, vectors=vectors, progress=progress)
    except ValueError as exc:
        raise InputError(f"cannot suggest themes: {exc}") from exc
    members: list[list[Member]] = [[] for _ in range(found.k)]
    for i, row in enumerate(kept):
        t = found.theme[i]
        if t < 0:
            skipped.append(Skipped(row.id, row.respondent, row.question, row.text,
                                   "no word in common with any other answer"))
        else:
            members[t].append(Member(row.id, row.respondent, row.question,
                                     round(found.score[i], 4)))
    order = {r.id: i for i, r in enumerate(rows)}
    themes = []
    for t in range(found.k):
        ranked = sorted(members[t], key=lambda m: (-m.score, order[m.response_id]))
        terms = tuple(found.terms[t])
        themes.append(Theme(label_of(terms), terms,
                            tuple(kept[i].text for i in found.central[t]), tuple(ranked)))
    themes.sort(key=lambda th: -th.size)  # stable: equal sizes keep the model's order
    skipped.sort(key=lambda s: order[s.response_id])
    return ThemeSuggestions(tuple(themes), found.k, seed, tuple(skipped), method,
                            dict(found.scores) or None, features)


def accept_theme(project: Project, name: str, response_ids: Sequence[str], coder: str, *,
                 parent: str | None = None, new_parent: str | None = None,
                 subcodes: Sequence[str] = (), definition: str = "") -> Changes:
    """Accept a suggested theme as a new code named ``name``, applied by ``coder`` — a
    person — to the members they ticked (``response_ids``): one action and one undo step,
    "Accept suggested theme", whatever it writes.

    Where the code goes: at the top level; under ``parent`` (an existing code's id: a
    code in that theme); or under ``new_parent``, the name of a new top-level code made in
    the same action (a new theme). ``subcodes``, existing codes' ids, move under the new
    code: the suggestion becomes the theme over them. ``changes.created`` is the new
    parent's id (when there is one), the new code's, then its codings'."""
    from post_coder.coding.codebook import add_code
    from post_coder.coding.codings import accept_codes
    from post_coder.coding.refine import move_codes

    if not response_ids:
        raise InputError("tick at least one answer to code with the new theme")
    if parent is not None and new_parent is not None:
        raise InputError("put the new code under an existing theme or a new one, not both")
    if new_parent is not None and " ".join(new_parent.split()).casefold() == \
            " ".join(name.split()).casefold():
        raise InputError(f'the new theme and the code are both called "{name.strip()}": '
                         "give the theme another name")
    with project.transact("Accept suggested theme") as step:
        if new_parent is not None:
            parent = add_code(project, new_parent,
                              rationale=f'made to hold the suggested theme "{name.strip()}"'
                              ).new_id
        code = add_code(project, name, parent=parent, definition=definition).new_id
        accept_codes(project, [(r, code) for r in dict.fromkeys(response_ids)], coder)
        if subcodes:
            move_codes(project, list(dict.fromkeys(subcodes)), code)
    return step.changes
