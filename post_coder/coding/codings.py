"""Applying and removing codings: a code on a whole response or on a span of it.

Spans count Unicode code points (Python string indices), ``start`` inclusive and ``end``
exclusive. Removing a coding leaves a tombstone so removals survive project merges.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from post_coder.changes import Changes
from post_coder.coding._common import read_csv_table
from post_coder.coding.codebook import add_code, find_code
from post_coder.coding.coders import ensure_coder
from post_coder.coding.done import mark_in_step
from post_coder.errors import ConflictError, InputError, NotFoundError
from post_coder.ids import CodeId, CoderId, CodingId, ResponseId, new_id
from post_coder.progress import Progress, ensure
from post_coder.project import Project, Step
from post_coder.store import codes as codes_store
from post_coder.store import coders as coders_store
from post_coder.store import codings as store
from post_coder.store import responses as responses_store
from post_coder.store import team as team_store
from post_coder.store.codings import Coding, CodingRow
from post_coder.store.db import now
from post_coder.store.scope import ReadScope


def apply_code(project: Project, response: ResponseId, code: CodeId, coder: CoderId, *,
               start: int | None = None, end: int | None = None) -> Changes:
    """Code a response (or the span ``start:end`` of it). Applying it twice changes nothing.

    The response is marked done for ``coder`` in the same action (see
    :mod:`post_coder.coding.done`)."""
    with project.transact("Apply code") as step:
        _apply(step, response, code, coder, start, end)
    return step.changes


def add_and_apply_code(project: Project, name: str, response: ResponseId, coder: CoderId, *,
                       start: int | None = None, end: int | None = None,
                       parent: CodeId | None = None) -> Changes:
    """Add a new code and apply it to a response (or the span ``start:end`` of it).

    One action and one undo step, "Add and apply code" (the code palette's "Create code");
    ``changes.created`` is the new code's id, then the new coding's.
    """
    with project.transact("Add and apply code") as step:
        code = CodeId(add_code(project, name, parent=parent).new_id)
        _apply(step, response, code, coder, start, end)
    return step.changes


def accept_codes(project: Project, pairs: Sequence[tuple[ResponseId, CodeId]],
                 coder: CoderId) -> Changes:
    """Apply suggested codes, each to a whole response, as ``coder`` (the person accepting
    them): one action and one undo step, "Accept suggested codes". A code the coder has
    applied already is left as it is; each response is marked done for the coder."""
    if not pairs:
        raise InputError("say which codes to apply to which responses")
    with project.transact("Accept suggested codes") as step:
        for response, code in pairs:
            _apply(step, response, code, coder, None, None)
    return step.changes


def _apply(step: Step, response: str, code: str, coder: str,
           start: int | None, end: int | None) -> str | None:
    db = step.db
    text = responses_store.get_text(db, response)
    if text is None:
        raise NotFoundError("that response no longer exists")
    found = codes_store.get(db, code)
    if found is None or found.status != "active":
        raise NotFoundError("that code is not in the active codebook")
    _check_span(text, start, end)
    if (start, end) == (0, len(text)):
        start = end = None  # a span over the whole text is the whole response
    if store.find_live(db, response, code, coder, start, end):
        return None
    at = now()
    coding = Coding(new_id(), response, code, coder, start, end, at, at, None)
    store.insert_many(db, [coding])
    step.audit("apply", "coding", coding.id, after=coding.as_dict())
    step.mark("codings")
    step.created(coding.id)
    mark_in_step(step, [response], coder)  # applying a code marks the response done
    return coding.id


def _check_span(text: str, start: int | None, end: int | None) -> None:
    if start is None and end is None:
        return
    if start is None or end is None:
        raise InputError("a span needs both a start and an end")
    if not (0 <= start < end <= len(text)):
        raise InputError(f"the span {start}–{end} is outside the response "
                         f"(it has {len(text)} characters)")


def remove_coding(project: Project, coding: CodingId) -> Changes:
    """Remove one coding (kept as a tombstone).

    In a coder package only the package coder's own codings can be removed (see
    :func:`check_removable`)."""
    with project.transact("Remove coding") as step:
        found = store.get(project.db, coding)
        if found is None or found.deleted_at is not None:
            raise NotFoundError("that coding has already been removed")
        _remove(step, [found])
    return step.changes


def remove_codings(project: Project, codings: Sequence[CodingId]) -> Changes:
    """Remove several codings as one action (one Undo brings them all back).

    Every id must be a live coding; otherwise nothing is removed."""
    with project.transact("Remove codings") as step:
        _remove(step, [_live(project, c) for c in dict.fromkeys(codings)])
    return step.changes


def remove_code(project: Project, response: ResponseId, code: CodeId, coder: CoderId) -> Changes:
    """Remove every coding of ``code`` by ``coder`` on the response (whole and spans)."""
    with project.transact("Remove code") as step:
        everyone = ReadScope.everyone()  # a write: it acts on the stored codings
        _remove(step, [c for c in store.live_for_response(project.db, everyone, response)
                       if c.code_id == code and c.coder_id == coder])
    return step.changes


def _remove(step: Step, codings: list[Coding]) -> None:
    check_removable(step.project, codings)
    store.tombstone(step.db, [c.id for c in codings], now())
    for c in codings:
        step.audit("remove", "coding", c.id, before=c.as_dict())
    if codings:
        step.mark("codings")


def _live(project: Project, coding_id: str) -> Coding:
    coding = store.get(project.db, coding_id)
    if coding is None:
        raise NotFoundError(f'there is no coding with the id "{coding_id}"')
    if coding.deleted_at is not None:
        raise NotFoundError(f'the coding "{coding_id}" has already been removed')
    return coding


def check_removable(project: Project, codings: Iterable[Coding | CodingRow]) -> None:
    """Refuse to remove other coders' codings in a coder package.

    A coder's work file carries only their own codings and removals, so removing a
    colleague's coding on a laptop would reach the lead only if the whole package were
    merged, and in an independent round it is almost always a slip. The lead removes
    other coders' codings in the lead's project. (The app can call this to decide whether
    to offer removal at all.)
    """
    package = team_store.package_record(project.db)
    if package is None:
        return
    codings = list(codings)
    others = [c for c in codings if c.coder_id != package["coder_id"]]
    if not others:
        return
    names = sorted({(coders_store.get(project.db, c.coder_id) or _UNKNOWN).name
                    for c in others})
    whose = (f"this coding is {names[0]}'s" if len(codings) == 1 else
             f"{len(others)} of these codings are by other coders ({', '.join(names)})")
    owner = package["coder_name"]
    raise ConflictError(f"{whose}: in {owner}'s coder package only "
                        f"{owner}'s own codings can be removed; the lead removes "
                        "other coders' codings in the lead's project")


_UNKNOWN = coders_store.Coder("", "another coder", "", "", "")


def select_codings(
    project: Project,
    *,
    ids: Sequence[str] = (),
    respondents: Sequence[str] = (),
    questions: Sequence[str] = (),
    codes: Sequence[CodeId] = (),
    coders: Sequence[CoderId] = (),
) -> list[CodingRow]:
    """The live codings that match every criterion given (ids, respondents by their id in
    the survey, question ids, code ids, coder ids); at least one must be given.

    An id that is not a live coding, or a respondent the project does not have, is an
    error (a typo should not quietly select nothing)."""
    if not (ids or respondents or questions or codes or coders):
        raise InputError("say which codings: give coding ids, or a respondent, question, "
                         "code or coder")
    for coding_id in ids:
        _live(project, coding_id)
    unknown = sorted(set(respondents) - responses_store.known_respondents(project.db,
                                                                         respondents))
    if unknown:
        raise NotFoundError(f'there is no respondent "{unknown[0]}" in this project')
    return store.rows(project.db, ReadScope.everyone(), code_ids=codes or None, coder_ids=coders or None,
                      question_ids=questions or None, coding_ids=ids or None,
                      respondents=respondents or None)


def codings_for_response(project: Project, scope: ReadScope,
                         response: ResponseId) -> list[Coding]:
    """The live codings of a response that ``scope`` sees."""
    return store.live_for_response(project.db, scope, response)


def list_codings(
    project: Project,
    scope: ReadScope,
    *,
    codes: Sequence[CodeId] | None = None,
    coders: Sequence[CoderId] | None = None,
    questions: Sequence[str] | None = None,
    responses: Sequence[ResponseId] | None = None,
    limit: int | None = None,
) -> list[CodingRow]:
    """Live codings ``scope`` sees, for display, filtered by codes, coders, questions or
    responses."""
    return store.rows(project.db, scope, code_ids=codes, coder_ids=coders, question_ids=questions,
                      response_ids=responses, limit=limit)


@dataclass(frozen=True)
class CodingsImport:
    rows: int
    applied: int
    already_present: int
    changes: Changes


REQUIRED = ("respondent", "question", "code", "coder")


def apply_codings_csv(project: Project, path: str | Path, *, create_codes: bool = False,
                      progress: Progress | None = None) -> CodingsImport:
    """Apply codings listed in a CSV with columns respondent, question, code, coder.

    Optional columns ``start`` and ``end`` give a span. Unknown coders are added; unknown
    codes are an error unless ``create_codes``. All rows are checked first: one bad row and
    nothing is applied.
    """
    path = Path(path)
    progress = ensure(progress)
    rows = _read_codings_csv(path)
    with project.transact("Apply codings from file") as step:
        resolved = _resolve_rows(project, path, rows, create_codes)
        applied = 0
        for n, (response, code, coder, start, end) in enumerate(resolved, start=1):
            try:
                if _apply(step, response, code, coder, start, end):
                    applied += 1
            except InputError as exc:
                raise InputError(exc.message, file=path, row=n + 1, column="start") from exc
            if n % 1000 == 0:
                progress.update(n, len(resolved), "Applying codings")
    return CodingsImport(len(rows), applied, len(rows) - applied, step.changes)


def _read_codings_csv(path: Path) -> list[dict[str, str]]:
    rows = [row for _, row in read_csv_table(path, REQUIRED, "file")]
    if not rows:
        raise InputError("the file has a header but no codings", file=path)
    return rows


def _resolve_rows(project: Project, path: Path, rows: list[dict[str, str]], create_codes: bool
                  ) -> list[tuple[str, str, str, int | None, int | None]]:
    db = project.db
    questions: dict[str, tuple[str, dict[str, str]]] = {}
    codes: dict[str, str] = {}
    coders: dict[str, str] = {}
    out = []
    for i, row in enumerate(rows, start=2):
        values = {k: (row.get(k) or "").strip() for k in (*REQUIRED, "start", "end")}
        for col in REQUIRED:
            if not values[col]:
                raise InputError(f"the {col} is empty", file=path, row=i, column=col)
        qname = values["question"]
        if qname not in questions:
            questions[qname] = _question(db, path, i, qname)
        qid, by_respondent = questions[qname]
        response = by_respondent.get(values["respondent"])
        if response is None:
            raise InputError(f'respondent "{values["respondent"]}" has no answer to "{qname}" '
                             "to code", file=path, row=i, column="respondent")
        cname = values["code"]
        if cname.lower() not in codes:
            codes[cname.lower()] = _code(project, path, i, cname, create_codes)
        coder = values["coder"]
        if coder.lower() not in coders:
            coders[coder.lower()] = ensure_coder(project, coder)
        start, end = _span(path, i, values["start"], values["end"])
        out.append((response, codes[cname.lower()], coders[coder.lower()], start, end))
    return out


def _question(db, path: Path, row: int, name: str) -> tuple[str, dict[str, str]]:
    try:
        question = responses_store.find_question(db, name)
    except NotFoundError as exc:
        raise InputError(exc.message, file=path, row=row, column="question") from exc
    return question, responses_store.by_respondent(db, question)


def _code(project: Project, path: Path, row: int, name: str, create: bool) -> str:
    try:
        return find_code(project, name).id
    except NotFoundError as exc:
        if create:
            return add_code(project, name).new_id
        raise InputError(f"{exc.message} Add it first, or use --create-codes",
                         file=path, row=row, column="code") from exc


def _span(path: Path, row: int, start: str, end: str) -> tuple[int | None, int | None]:
    if not start and not end:
        return None, None
    try:
        return int(start), int(end)
    except ValueError as exc:
        raise InputError("start and end must both be whole numbers (character positions)",
                         file=path, row=row, column="start") from exc
