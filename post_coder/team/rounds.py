"""Coding rounds: a name, the coders taking part, the responses to code, and blinding.

The responses are all answers to the chosen questions, or a sample of respondents (a
respondent's answers stay together): random, or stratified by an attribute ("20% per
department"). The sample is seeded and stored with the round, so it can be drawn again
and gives the same responses.

While a coder takes part in an open *blind* round they see only their own codings and
memos, project-wide: :func:`read_scope` builds the :class:`ReadScope` that every read of
codings, memos and counts takes (the app's session holds it; the CLI builds it for the
coder it acts as). A coder package made for a blind round holds none of the other coders'
codings of the round's responses at all (:mod:`post_coder.team.package`, with
:func:`hidden_response_ids`). Closing the round (the lead does) lifts the blinding.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from post_coder.changes import Changes
from post_coder.coding._common import check_name, did_you_mean
from post_coder.errors import ConflictError, InputError, NotFoundError
from post_coder.ids import CoderId, QuestionId, new_id
from post_coder.project import Project
from post_coder.store import coders as coders_store
from post_coder.store import rounds as store
from post_coder.store.db import now
from post_coder.store.rounds import Round
from post_coder.store.scope import ReadScope

__all__ = ["ReadScope", "Round", "RoundContents", "RoundInfo", "RoundResponse", "Sample",
           "close_round", "create_round", "draw_sample", "find_round", "hidden_response_ids",
           "list_rounds", "read_scope", "round_contents", "round_response_ids"]


@dataclass(frozen=True)
class Sample:
    """Which respondents a round takes: all (the default), a fraction or a number of them.

    With ``stratify_by`` (an attribute such as department) the fraction or number applies
    within each group of respondents sharing a value. ``seed`` makes the draw reproducible;
    a round stores the seed it used.
    """

    fraction: float | None = None
    size: int | None = None
    stratify_by: str | None = None
    seed: int | None = None

    def as_dict(self) -> dict:
        return asdict(self)

    def check(self) -> None:
        if self.fraction is not None and self.size is not None:
            raise InputError("give either a fraction or a size for the sample, not both")
        if self.fraction is not None and not 0 < self.fraction <= 1:
            raise InputError("the sample fraction must be more than 0 and at most 1 "
                             "(for example 0.2 for 20%)")
        if self.size is not None and self.size < 1:
            raise InputError("the sample size must be at least 1")
        if self.stratify_by is not None and self.fraction is None and self.size is None:
            raise InputError("a stratified sample needs a fraction or a size per group")


@dataclass(frozen=True)
class RoundInfo:
    """A round with what the lead wants to see at a glance."""

    round: Round
    coders: tuple[tuple[str, str], ...]  # (coder id, name)
    responses: int
    #: coder id → how many of the round's responses that coder has done (marked done;
    #: coding a response marks it done — see :mod:`post_coder.coding.done`)
    coded: dict[str, int]

    @property
    def id(self) -> str:
        return self.round.id

    @property
    def name(self) -> str:
        return self.round.name

    def as_dict(self) -> dict:
        return {**self.round.as_dict(), "responses": self.responses,
                "coders": [{"id": i, "name": n, "done": self.coded.get(i, 0)}
                           for i, n in self.coders]}


@dataclass(frozen=True)
class RoundResponse:
    """One response of a round, and which of the round's coders have coded it."""

    id: str
    respondent_id: str
    #: the respondent's id in the survey
    respondent: str
    question: str
    text: str
    #: ids of the round's coders who have done it (marked it done, or coded it)
    coded_by: tuple[str, ...]


@dataclass(frozen=True)
class RoundContents:
    """What a round holds: its responses (in file order) and each coder's progress."""

    info: RoundInfo
    responses: tuple[RoundResponse, ...]
    #: coder id → initials, for compact listings
    initials: dict[str, str]

    @property
    def respondents(self) -> int:
        return len({r.respondent_id for r in self.responses})

    def progress(self) -> list[tuple[str, str, int, int]]:
        """(coder id, name, responses done, responses in the round) per coder taking part."""
        total = len(self.responses)
        return [(cid, name, self.info.coded.get(cid, 0), total) for cid, name in self.info.coders]

    def as_dict(self) -> dict:
        names = dict(self.info.coders)
        return {**self.info.as_dict(), "respondents": self.respondents,
                "response_list": [{"id": r.id, "respondent": r.respondent,
                                   "question": r.question, "text": r.text,
                                   "done_by": [names.get(c, c) for c in r.coded_by]}
                                  for r in self.responses]}


def draw_sample(frame: Sequence[tuple[str, str, str]], sample: Sample, seed: int) -> list[str]:
    """The response ids a sample takes from ``frame`` (respondent, response, stratum), in
    frame order. Pure: the same frame, sample and seed always give the same responses."""
    respondents: dict[str, str] = {}
    for respondent, _, stratum in frame:
        respondents.setdefault(respondent, stratum)
    if sample.fraction is None and sample.size is None:
        chosen = set(respondents)
    else:
        groups: dict[str, list[str]] = {}
        for respondent, stratum in respondents.items():
            groups.setdefault(stratum if sample.stratify_by else "", []).append(respondent)
        chosen = set()
        for stratum in sorted(groups):
            members = groups[stratum]
            if sample.size is not None:
                k = sample.size
            else:
                k = max(1, int(sample.fraction * len(members) + 0.5))  # type: ignore[operator]
            rng = random.Random(f"{seed}:{stratum}")
            chosen.update(rng.sample(members, min(k, len(members))))
    return [response for respondent, response, _ in frame if respondent in chosen]


def sampling_frame(project: Project, question_ids: Sequence[str] | None,
                   stratify_by: str | None) -> list[tuple[str, str, str]]:
    """(respondent, response, stratum) rows a round draws from, as ``create_round`` reads
    them (a preview caches it: it is the slow part)."""
    variables = store.variable_ids_named(project.db, stratify_by) if stratify_by else None
    return store.sampling_frame(project.db, question_ids, variables)


def create_round(
    project: Project,
    name: str,
    coders: Sequence[CoderId],
    *,
    blind: bool = True,
    questions: Sequence[QuestionId] | None = None,
    sample: Sample | None = None,
) -> Changes:
    """Open a coding round; ``changes.new_id`` is its id.

    ``questions`` limits it to those questions (default: all); ``sample`` draws respondents
    (default: all of them). One undo step, like closing a round.
    """
    name = check_name(name, "round name")
    sample = sample or Sample()
    sample.check()
    if not coders:
        raise InputError("a round needs at least one coder")
    db = project.db
    with project.transact("Create round") as step:
        if store.by_name(db, name):
            raise ConflictError(f'there is already a round called "{name}"; choose another name')
        for coder in coders:
            if coders_store.get(db, coder) is None:
                raise NotFoundError("one of the coders chosen for the round does not exist")
        variable_ids = None
        if sample.stratify_by:
            variable_ids = store.variable_ids_named(db, sample.stratify_by)
            if not variable_ids:
                raise NotFoundError(f'there is no attribute "{sample.stratify_by}" to stratify '
                                    "by." + did_you_mean(sample.stratify_by,
                                                         store.variable_names(db)))
        seed = sample.seed if sample.seed is not None else secrets.randbelow(2**31)
        frame = store.sampling_frame(db, questions, variable_ids)
        chosen = draw_sample(frame, sample, seed)
        if not chosen:
            raise InputError("the round would have no responses to code; import a survey or "
                             "choose other questions")
        spec = {**sample.as_dict(), "seed": seed,
                "questions": list(questions) if questions is not None else None}
        r = Round(new_id(), name, blind, "open", spec, now(), project.actor, None, None)
        store.insert(db, r, list(dict.fromkeys(coders)), chosen)
        step.audit("create", "round", r.id,
                   after={**r.as_dict(), "coders": list(coders), "responses": len(chosen)})
        step.mark("project")
        step.created(r.id)
    return step.changes


def close_round(project: Project, round_id: str, *, rationale: str | None = None) -> Changes:
    """Close a round (the lead does): blinding ends, everyone's codings become visible."""
    with project.transact("Close round") as step:
        r = get_round(project, round_id)
        if r.status == "closed":
            raise ConflictError(f'the round "{r.name}" is already closed')
        at = now()
        store.close(project.db, r.id, at, project.actor)
        step.audit("close", "round", r.id, before={"status": "open"},
                   after={"status": "closed", "closed_at": at}, rationale=rationale)
        step.mark("project")
    return step.changes


def get_round(project: Project, round_id: str) -> Round:
    r = store.get(project.db, round_id)
    if r is None:
        raise NotFoundError("that round does not exist")
    return r


def find_round(project: Project, name_or_id: str) -> Round:
    r = store.get(project.db, name_or_id) or store.by_name(project.db, name_or_id)
    if r is None:
        names = [x.name for x in store.list_(project.db)]
        raise NotFoundError(f'there is no round called "{name_or_id}".'
                            + did_you_mean(name_or_id, names))
    return r


def list_rounds(project: Project) -> list[RoundInfo]:
    db = project.db
    out = []
    for r in store.list_(db):
        coders = tuple((c, (coders_store.get(db, c) or _unknown(c)).name)
                       for c in store.coder_ids(db, r.id))
        out.append(RoundInfo(r, coders, store.response_count(db, r.id),
                             store.coded_counts(db, r.id)))
    return out


def round_contents(project: Project, round_id: str) -> RoundContents:
    """The round's respondents and responses, and how far each of its coders has got.

    Only whether a coder has coded a response is told, never with which codes, so it
    shows nothing a blind round hides.
    """
    db = project.db
    r = get_round(project, round_id)
    people = [coders_store.get(db, c) or _unknown(c) for c in store.coder_ids(db, r.id)]
    coders = tuple((c.id, c.name) for c in people)
    responses = tuple(RoundResponse(i, p, ext, q, text, tuple(by))
                      for i, p, ext, q, text, by in store.contents(db, r.id))
    coded = {c: sum(1 for x in responses if c in x.coded_by) for c, _ in coders}
    return RoundContents(RoundInfo(r, coders, len(responses), coded), responses,
                         {c.id: c.initials for c in people})


def _unknown(coder_id: str) -> coders_store.Coder:
    return coders_store.Coder(coder_id, "(unknown coder)", "?", "#7f7f7f", "")


def round_response_ids(project: Project, round_id: str) -> list[str]:
    """The round's responses, in file order."""
    return store.response_ids(project.db, get_round(project, round_id).id)


def read_scope(project: Project, coder_id: str | None) -> ReadScope:
    """Whose codings and memos ``coder_id`` may see, for every read (see the module).

    While the coder takes part in an open blind round: only their own. It is deliberately
    project-wide (not per response): simpler to reason about, nothing of one's own is ever
    hidden, and nobody learns which responses the others coded. Otherwise (and with no
    coder) everyone's.
    """
    if coder_id is None or not store.open_blind_round_ids(project.db, coder_id):
        return ReadScope(coder_id, None)
    return ReadScope(coder_id, (coder_id,))


def hidden_response_ids(project: Project, coder_id: str) -> set[str]:
    """Responses on which other coders' codings are hidden from ``coder_id`` (the responses
    of the open blind rounds the coder takes part in)."""
    return store.blind_response_ids(project.db, coder_id)


def sample_description(r: Round) -> str:
    """'20% per Department (seed 42)' — how the round's responses were chosen."""
    s = r.sample
    if s.get("fraction") is None and s.get("size") is None:
        what = "all respondents"
    elif s.get("fraction") is not None:
        what = f"{s['fraction'] * 100:g}% of respondents"
    else:
        what = f"{s['size']} respondents"
    if s.get("stratify_by"):
        what += f" per {s['stratify_by']}"
    return f"{what} (seed {s.get('seed')})"
