"""Helpers for the teamwork tests: project states to compare, codings as coders see them."""

from __future__ import annotations

from pathlib import Path

from post_coder.project import Project, copy_file
from post_coder.store import team as exchange_store

#: the tables that make up what a team has done (not the logs of how it was merged)
STATE_TABLES = ("coders", "codes", "codings", "done_marks", "memos", "rounds",
                "round_coders", "round_responses", "merge_bases")


def state(project: Project) -> dict[str, list[tuple]]:
    """The team's work in a project, for order-independence comparisons."""
    from tests.conftest import dump

    everything = dump(project)
    return {t: everything[t] for t in STATE_TABLES}


def true_codings(project: Project, coder_id: str | None = None) -> dict[str, tuple]:
    """id → true state (``store.team.CODING_COLUMNS``) of every coding."""
    return {r[0]: r for r in exchange_store.true_codings(project.db, coder_id)}


def shown(project: Project) -> dict[str, tuple]:
    """id → stored row of every coding a person sees (live, not hidden)."""
    return {r[0]: r for r in project.db.execute(
        "SELECT id, response_id, code_id, coder_id, span_start, span_end FROM codings"
        " WHERE deleted_at IS NULL").fetchall()}


def hidden_duplicates(project: Project) -> dict[str, str]:
    return dict(project.db.execute(
        "SELECT id, duplicate_of FROM codings WHERE duplicate_of IS NOT NULL").fetchall())


def copy_project(source: Path, target: Path) -> Project:
    copy_file(source, target)
    return Project.open(target)


class BlindTeam:
    """A small team project for blinding tests (the ``surveyed`` survey: R1–R6, questions
    feedback and suggestions), built by :func:`blind_team`. Attributes are ids.

    Coders: Ana Lead (not in the round), Maya Chen and Luis Ortega. Codes: Support, and
    Barriers with Time below it. Codings (fb = feedback, sg = suggestions):

    ====  =====  ======  ========  =================
    id    coder  answer  code      extent
    ====  =====  ======  ========  =================
    m1    Maya   R1 fb   Support   whole
    m2    Maya   R2 fb   Support   span 0–3
    l1    Luis   R1 fb   Time      span 4–10
    l2    Luis   R3 fb   Time      whole
    l3    Luis   R3 sg   Support   whole
    a1    Ana    R4 fb   Support   whole
    ====  =====  ======  ========  =================

    Memos: Maya on the project and on Support; Luis on the project, on Support, on R1 fb and
    on his coding l1; Ana on the project; one project memo without an author. The round
    "Blind" (Maya and Luis, the feedback question) is created by ``open_round``.
    """

    MEMOS = {"maya": ["Maya: project idea", "Maya: support means peers"],
             "luis": ["Luis: project plan", "Luis: support is broad", "Luis: R1 is vivid",
                      "Luis: why time"],
             "ana": ["Ana: lead note"], None: ["Unsigned note"]}

    def __init__(self, project: Project) -> None:
        self.project = project


def blind_team(project: Project) -> BlindTeam:
    """Fill a ``surveyed`` project as :class:`BlindTeam` describes (no round yet)."""
    from post_coder.coding.codebook import add_code
    from post_coder.coding.coders import add_coder
    from post_coder.coding.codings import apply_code
    from post_coder.coding.memos import add_memo
    from post_coder.queries import find_question
    from post_coder.store import responses

    t = BlindTeam(project)
    p = project
    t.ana = add_coder(p, "Ana Lead").new_id
    t.maya = add_coder(p, "Maya Chen").new_id
    t.luis = add_coder(p, "Luis Ortega").new_id
    t.support = add_code(p, "Support").new_id
    t.barriers = add_code(p, "Barriers").new_id
    t.time = add_code(p, "Time", parent=t.barriers).new_id
    t.feedback = find_question(p, "feedback")
    t.suggestions = find_question(p, "suggestions")
    fb = responses.by_respondent(p.db, t.feedback)
    sg = responses.by_respondent(p.db, t.suggestions)
    t.r1, t.r2, t.r3, t.r4 = fb["R1"], fb["R2"], fb["R3"], fb["R4"]
    t.r3_sg = sg["R3"]
    t.m1 = apply_code(p, t.r1, t.support, t.maya).new_id
    t.m2 = apply_code(p, t.r2, t.support, t.maya, start=0, end=3).new_id
    t.l1 = apply_code(p, t.r1, t.time, t.luis, start=4, end=10).new_id
    t.l2 = apply_code(p, t.r3, t.time, t.luis).new_id
    t.l3 = apply_code(p, t.r3_sg, t.support, t.luis).new_id
    t.a1 = apply_code(p, t.r4, t.support, t.ana).new_id
    for actor, target, body in ((t.maya, ("project", None), "Maya: project idea"),
                                (t.maya, ("code", t.support), "Maya: support means peers"),
                                (t.luis, ("project", None), "Luis: project plan"),
                                (t.luis, ("code", t.support), "Luis: support is broad"),
                                (t.luis, ("response", t.r1), "Luis: R1 is vivid"),
                                (t.luis, ("coding", t.l1), "Luis: why time"),
                                (t.ana, ("project", None), "Ana: lead note"),
                                (None, ("project", None), "Unsigned note")):
        p.actor = actor
        add_memo(p, *target, body)
    p.actor = t.ana
    p.clear_history()
    return t


def open_round(team: BlindTeam, *, blind: bool = True) -> str:
    """Open the round "Blind" (Maya and Luis, the feedback question); returns its id."""
    from post_coder.team.rounds import create_round

    return create_round(team.project, "Blind", [team.maya, team.luis], blind=blind,
                        questions=[team.feedback]).new_id
