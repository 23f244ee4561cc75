"""Codes suggested for responses a coder has not coded yet, learned from the team's codings.

One classifier per code (logistic regression on TF-IDF features of the whole answer,
classes balanced) learns from the consensus layer (default) or one coder's codings: an
answer with the code is an example of it, every other answer with a code is an example of
its absence. A code needs :data:`MIN_EXAMPLES` answers with it and as many without; those
with fewer are listed as not learned, with the reason. Each suggestion carries the
classifier's probability (its confidence) and the words that weighed most for it.

Suggestions are made for the answers the coder has neither coded nor marked done (and that
are not among the examples); a suggestion is never a coding until a coder accepts it:
:func:`accept` applies the accepted codes, as that coder, in one undoable action. Dismissing
the suggestions of an answer is :func:`reject`: the coder records that nothing applies (the
answer is done for them, with no codes), so it is not suggested to them again. Machine
suggestions are never a coder: agreement sees only what people applied.

:class:`SuggestionQueue` is one run's suggestions as a queue to go through answer by answer
(what is still open, which codes are ticked, what comes next); the app's Suggest Codes
window and its response viewer share one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from post_coder.changes import Changes
from post_coder.coding.codebook import list_codes
from post_coder.coding.codings import accept_codes
from post_coder.coding.done import nothing_applies
from post_coder.coding.similarity import tfidf
from post_coder.errors import InputError
from post_coder.progress import Progress, ensure
from post_coder.project import Project
from post_coder.queries import (ReadScope, ResponseQuery, coder_marks, find_question,
                                response_ids, response_rows)
from post_coder.suggest._source import labelled

__all__ = ["CodeSuggestion", "CodeSuggestions", "DEFAULT_CONFIDENCE", "MIN_EXAMPLES",
           "SuggestionQueue", "accept", "reject", "suggest_codes"]

#: suggestions below this probability are not shown (``--min-confidence``)
DEFAULT_CONFIDENCE = 0.6
#: answers with a code (and as many without) a classifier needs before it suggests
MIN_EXAMPLES = 3


@dataclass(frozen=True)
class CodeSuggestion:
    response_id: str
    respondent: str
    question: str
    text: str
    code_id: str
    code: str
    #: the classifier's probability that the code applies, 0–1
    confidence: float
    #: the answer's words that weighed most for the code
    because: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"respondent": self.respondent, "question": self.question, "text": self.text,
                "code": self.code, "confidence": self.confidence,
                "because": list(self.because)}


@dataclass(frozen=True)
class CodeSuggestions:
    #: in file order, then most confident first
    suggestions: tuple[CodeSuggestion, ...]
    #: where the examples came from, in words
    source: str
    min_confidence: float
    #: code name → answers with it among the examples, for the codes learned
    learned: dict[str, int]
    #: (code name, why no classifier was learned for it)
    not_learned: tuple[tuple[str, str], ...]
    #: answers the suggestions were made for
    considered: int
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "min_confidence": self.min_confidence,
                "considered": self.considered, "learned": self.learned,
                "not_learned": [{"code": c, "reason": r} for c, r in self.not_learned],
                "suggestions": [s.as_dict() for s in self.suggestions]}


def suggest_codes(project: Project, scope: ReadScope, *, source: str = "consensus",
                  questions: Sequence[str] = (), codes: Sequence[str] = (),
                  coder: str | None = None, min_confidence: float = DEFAULT_CONFIDENCE,
                  progress: Progress | None = None) -> CodeSuggestions:
    """Suggest codes (see the module) for the answers of ``questions`` (default: all) that
    ``coder`` (an id; default the reader) has neither coded nor marked done; with no coder,
    for the answers nobody the reader sees has coded. ``codes`` (names or ids): only these.
    ``progress`` is updated per code and may cancel. Nothing is written."""
    import numpy as np

    progress = ensure(progress)
    if not 0.0 <= min_confidence <= 1.0:
        raise InputError("the minimum confidence is between 0 and 1")
    question_ids = list(dict.fromkeys(find_question(project, q) for q in questions)) or None
    coder = coder if coder is not None else scope.coder_id
    examples, note = labelled(project, scope, source, question_ids, allow_union=False)
    names = {c.id: c.name for c in list_codes(project)}
    wanted = None
    if codes:
        by_name = {n.casefold(): i for i, n in names.items()}
        wanted = set()
        for c in codes:
            found = c if c in names else by_name.get(c.strip().casefold())
            if found is None:
                raise InputError(f'there is no active code "{c}" in the codebook')
            wanted.add(found)
    applied: dict[str, set[str]] = {}
    for e in examples:
        applied.setdefault(e.response_id, set()).add(e.code_id)
    if not applied:
        raise InputError(f"there is nothing to learn from: {note} has no codings yet"
                         + (" for these questions" if question_ids else ""))
    progress.update(0, 1, "Reading the answers")
    query = ResponseQuery(question_ids=tuple(question_ids) if question_ids else None,
                          coded=False, coder_ids=(coder,) if coder else None)
    targets = [r for r in response_ids(project, scope, query) if r not in applied]
    if coder and targets:
        marks = coder_marks(project, scope, targets)
        targets = [r for r in targets if coder not in marks[r].done]
    train_ids = list(applied)
    rows = response_rows(project, scope, train_ids + targets)
    texts = [r.text for r in rows]
    learned: dict[str, int] = {}
    not_learned: list[tuple[str, str]] = []
    counts = {c: sum(1 for s in applied.values() if c in s) for c in names}
    candidates = [c for c in names if (wanted is None or c in wanted) and counts[c] > 0]
    for c in names:
        if (wanted is None or c in wanted) and counts[c] == 0:
            not_learned.append((names[c], "no answer has it in " + note))
    suggestions: list[CodeSuggestion] = []
    if targets and candidates:
        try:
            matrix, vocabulary = tfidf(texts)
        except ValueError as exc:
            raise InputError(f"cannot learn codes: {exc}") from exc
        matrix = matrix.tocsr()
        n_train = len(train_ids)
        X, T = matrix[:n_train], matrix[n_train:]
        for i, c in enumerate(candidates):
            progress.update(i, len(candidates), f"Learning {names[c]}")
            y = np.array([c in applied[r] for r in train_ids])
            positives, negatives = int(y.sum()), int((~y).sum())
            if positives < MIN_EXAMPLES or negatives < MIN_EXAMPLES:
                few = "with" if positives < MIN_EXAMPLES else "without"
                not_learned.append((names[c], f"fewer than {MIN_EXAMPLES} answers {few} it "
                                              f"in {note} ({positives} with, {negatives} "
                                              "without)"))
                continue
            learned[names[c]] = positives
            probability, weights = _classify(X, y, T)
            for j in np.flatnonzero(probability >= min_confidence):
                row = rows[n_train + j]
                suggestions.append(CodeSuggestion(
                    row.id, row.respondent, row.question, row.text, c, names[c],
                    round(float(probability[j]), 4), _because(T[j], weights, vocabulary)))
    order = {r: i for i, r in enumerate(targets)}
    suggestions.sort(key=lambda s: (order[s.response_id], -s.confidence, s.code))
    return CodeSuggestions(tuple(suggestions), note, min_confidence, learned,
                           tuple(not_learned), len(targets))


def _classify(X: Any, y: Any, T: Any) -> tuple[Any, Any]:
    """(each target's probability of the code, the model's weight per term)."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(class_weight="balanced", C=4.0, max_iter=1000,
                               solver="liblinear", random_state=0)
    model.fit(X, y)
    return model.predict_proba(T)[:, 1], model.coef_[0]


def _because(row: Any, weights: Any, vocabulary: list[str], n: int = 3) -> tuple[str, ...]:
    contributions = sorted(((float(v * weights[j]), vocabulary[j])
                            for j, v in zip(row.indices, row.data) if weights[j] > 0),
                           key=lambda cw: (-cw[0], cw[1]))
    return tuple(term for _, term in contributions[:n])


def accept(project: Project, suggestions: Sequence[CodeSuggestion], coder: str) -> Changes:
    """Apply the accepted suggestions' codes, as ``coder`` (a person, never the computer), in
    one action and one undo step, "Accept suggested codes". Each answer is marked done for
    the coder, as any coding does."""
    if not suggestions:
        raise InputError("no suggestion to accept")
    return accept_codes(project, [(s.response_id, s.code_id) for s in suggestions], coder)


def reject(project: Project, response_id: str, coder: str) -> Changes:
    """Dismiss the suggestions for an answer: ``coder`` records that no code applies (it is
    done for them, with no codes; one undoable action), so it is not suggested again."""
    return nothing_applies(project, response_id, coder)


class SuggestionQueue:
    """The answers of one run (:class:`CodeSuggestions`) still to accept or reject, in the
    run's order, with the codes ticked for each (all, at first). Answering one (:meth:`answer`)
    takes it out; :meth:`follow` reads the project after a change and decides again which
    answers are open. The rule:

    - An answer is open while the queue's coder has left it as the run found it: none of
      their live codings on it (of any code) and no done mark of theirs. A run suggests only
      for such answers (see the module), so this is comparing each answer with what it was
      when the run read the project. Accepting (codings, done), rejecting (done), coding it
      by hand (keys 1–9, the palette, the grid: a coding, which marks it done too), marking
      it done, or a merged work file bringing the coder's codings all take it out.
    - It is open again, in its place, once the coder's codings and done mark on it are
      gone again (Edit ▸ Undo of whatever took it out), and leaves again on Redo. An answer
      the coder coded, then uncoded by hand, stays out: it is still done for them.
    - An answer answered here by another coder (``answered``; the app never does, since it
      puts the queue away when the coder changes) is out while it is done for that coder.
    - Suggestions of a code no longer active leave; an answer with none left is not open.

    With no coder (a run for the answers nobody the reader sees has coded), only the last
    two rules apply. Nothing here writes: accepting and rejecting are :func:`accept` and
    :func:`reject`."""

    def __init__(self, result: CodeSuggestions, coder: str | None) -> None:
        self.result = result
        #: the coder the run suggested for (whose uncoded answers these are)
        self.coder = coder
        self._position = {rid: n for n, rid in enumerate(
            dict.fromkeys(s.response_id for s in result.suggestions))}
        self.open = _by_answer(result.suggestions)
        #: answered here: response id → the coder who answered (out while done for them)
        self.answered: dict[str, str] = {}
        self._unticked: set[tuple[str, str]] = set()

    def __len__(self) -> int:
        return len(self.open)

    def __contains__(self, response_id: object) -> bool:
        return response_id in self.open

    def ids(self) -> list[str]:
        """The open answers (response ids), in the run's order."""
        return list(self.open)

    def suggestions(self, response_id: str | None) -> list[CodeSuggestion]:
        """The open answer's suggestions, most confident first ([] if it is not open)."""
        return list(self.open.get(response_id, ())) if response_id is not None else []

    def is_ticked(self, response_id: str, code_id: str) -> bool:
        return (response_id, code_id) not in self._unticked

    def tick(self, response_id: str, code_id: str, on: bool) -> None:
        (self._unticked.discard if on else self._unticked.add)((response_id, code_id))

    def ticked(self, response_id: str | None) -> list[CodeSuggestion]:
        """The suggestions of the answer whose codes are ticked: what accepting applies."""
        return [s for s in self.suggestions(response_id)
                if self.is_ticked(s.response_id, s.code_id)]

    def answer(self, response_id: str, coder: str) -> None:
        """``coder`` accepted or rejected this answer's suggestions: it leaves the queue."""
        self.open.pop(response_id, None)
        self.answered[response_id] = coder

    def position(self, response_id: str | None) -> int | None:
        """Where the answer is in the run's order (open or not); None if not in the run."""
        return self._position.get(response_id) if response_id is not None else None

    def after(self, response_id: str | None) -> list[str]:
        """The open answers after this one in the run's order, then those before it (coming
        round again); every open answer when it is not in the run."""
        start = self.position(response_id)
        if start is None:
            return self.ids()
        later = [r for r in self.open if self._position[r] > start]
        return later + [r for r in self.open if self._position[r] < start]

    def successor(self, response_id: str | None) -> str | None:
        """The open answer that takes this one's place in the list: the next after it, else
        the last; None when none is open."""
        start = self.position(response_id)
        others = [r for r in self.open if r != response_id]
        later = (r for r in others if start is not None and self._position[r] > start)
        return next(later, others[-1] if others else None)

    def follow(self, project: Project) -> list[str] | None:
        """Re-read what is open after a change of the project (the rule: see the class);
        None when nothing changed, else the answers back in the queue (in order; often
        none). One read of the coder's codings and done marks on every answer of the run,
        however many."""
        out = self._out(project)
        active = {c.id for c in list_codes(project)}
        open_now = _by_answer(s for s in self.result.suggestions
                              if s.response_id not in out and s.code_id in active)
        if open_now == self.open:
            return None
        back = [rid for rid in open_now if rid not in self.open]
        self.open = open_now
        return back

    def _out(self, project: Project) -> set[str]:
        """The answers of the run no longer as the run found them (see the class)."""
        if self.coder is None and not self.answered:
            return set()
        # only the coder's own codings are read (the done marks need no scope)
        scope = ReadScope(self.coder, (self.coder,) if self.coder is not None else ())
        marks = coder_marks(project, scope, list(self._position))
        return {rid for rid, m in marks.items()
                if (self.coder is not None and (self.coder in m.done or m.codes.get(self.coder)))
                or self.answered.get(rid) in m.done}


def _by_answer(suggestions: Iterable[CodeSuggestion]) -> dict[str, list[CodeSuggestion]]:
    out: dict[str, list[CodeSuggestion]] = {}
    for s in suggestions:
        out.setdefault(s.response_id, []).append(s)
    return out
