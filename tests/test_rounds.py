"""Coding rounds: coders, responses (all or a seeded sample), blinding, closing."""

from collections import Counter

import pytest

from post_coder.coding.coders import add_coder, list_coders
from post_coder.demo import build_demo
from post_coder.errors import ConflictError, InputError, NotFoundError
from post_coder.queries import find_question
from post_coder.store import audit
from post_coder.store import surveys
from post_coder.store.scope import ReadScope
from post_coder.team import rounds
from post_coder.team.rounds import Sample, create_round, draw_sample


@pytest.fixture
def team(surveyed):
    p = surveyed
    p.lead = add_coder(p, "Ana Lead").new_id
    p.maya = add_coder(p, "Maya Chen").new_id
    p.luis = add_coder(p, "Luis Ortega").new_id
    p.actor = p.lead
    return p


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.postcoder"
    build_demo(path).close()
    return path


@pytest.fixture
def demo(demo_path, tmp_path):
    from tests.team_helpers import copy_project

    p = copy_project(demo_path, tmp_path / "demo.postcoder")
    yield p
    p.close()


def test_round_of_all_responses(team):
    p = team
    rid = create_round(p, "Round 1", [p.maya, p.luis]).new_id
    [info] = rounds.list_rounds(p)
    assert info.id == rid and info.name == "Round 1" and info.round.blind
    assert info.round.status == "open" and info.responses == 8
    assert sorted(name for _, name in info.coders) == ["Luis Ortega", "Maya Chen"]
    assert info.coded == {p.maya: 0, p.luis: 0}
    assert info.round.created_by == p.lead and isinstance(info.round.sample["seed"], int)
    assert len(rounds.round_response_ids(p, rid)) == 8
    [entry] = audit.entries(p.db, entity="round")
    assert entry.action == "create" and entry.after["responses"] == 8
    assert {"id": p.maya, "name": "Maya Chen", "done": 0} in info.as_dict()["coders"]
    assert rounds.find_round(p, "round 1").id == rid


def test_round_of_one_question_and_progress(team):
    from post_coder.coding import codebook
    from post_coder.coding.codings import apply_code

    p = team
    rid = create_round(p, "Suggestions", [p.maya], questions=[find_question(p, "suggestions")],
                       blind=False).new_id
    ids = rounds.round_response_ids(p, rid)
    assert len(ids) == 3
    code = codebook.add_code(p, "Time").new_id
    apply_code(p, ids[0], code, p.maya)
    apply_code(p, ids[0], code, p.maya, start=0, end=4)
    assert rounds.list_rounds(p)[0].coded == {p.maya: 1}


@pytest.mark.parametrize("kwargs,error,message", [
    ({"coders": []}, InputError, "at least one coder"),
    ({"coders": ["nobody"]}, NotFoundError, "does not exist"),
    ({"sample": Sample(fraction=1.5)}, InputError, "fraction"),
    ({"sample": Sample(fraction=0.2, size=3)}, InputError, "not both"),
    ({"sample": Sample(size=0)}, InputError, "at least 1"),
    ({"sample": Sample(stratify_by="dept")}, InputError, "fraction or a size"),
    ({"sample": Sample(fraction=0.5, stratify_by="depts")}, NotFoundError, 'Did you mean "dept"'),
    ({"questions": []}, InputError, "no responses"),
])
def test_bad_rounds_are_refused_and_change_nothing(team, snapshot, kwargs, error, message):
    p = team
    before = snapshot(p)
    args = {"coders": [p.maya], **kwargs}
    with pytest.raises(error, match=message):
        create_round(p, "Round", args.pop("coders"), **args)
    assert snapshot(p) == before


def test_round_names_are_unique(team):
    p = team
    create_round(p, "Round 1", [p.maya])
    with pytest.raises(ConflictError, match="already a round"):
        create_round(p, "ROUND 1", [p.luis])


def test_stratified_sample_takes_the_fraction_of_each_group(demo):
    p = demo
    coders = [c.id for c in list_coders(p)]
    rid = create_round(p, "20% per department", coders,
                       sample=Sample(fraction=0.2, stratify_by="Department", seed=42)).new_id
    chosen = set(rounds.round_response_ids(p, rid))
    department = {v.name: v for v in surveys.list_variables(p.db)}["Department"]
    by_respondent = {}
    for answer in surveys.question_answers(p.db, find_question(p, _first_question(p))):
        by_respondent[answer.respondent_id] = answer.response_id
    people = Counter()
    taken = Counter()
    rows = p.db.execute("SELECT respondent_id, value FROM variable_values WHERE variable_id = ?",
                        [department.id]).fetchall()
    respondents_of_round = {r for r, in p.db.execute(
        "SELECT DISTINCT r.respondent_id FROM round_responses x JOIN responses r"
        " ON r.id = x.response_id WHERE x.round_id = ?", [rid])}
    answering = {r for r, in p.db.execute("SELECT DISTINCT respondent_id FROM responses")}
    for respondent, value in rows:
        if respondent in answering:
            people[value] += 1
            taken[value] += respondent in respondents_of_round
    assert set(taken) == set(people)
    for value, n in people.items():
        assert taken[value] == max(1, int(0.2 * n + 0.5)), value
    # every answer of a chosen respondent is in the round
    all_answers = {r for r, in p.db.execute(
        "SELECT id FROM responses WHERE respondent_id IN (SELECT value FROM json_each(?))",
        [__import__("json").dumps(sorted(respondents_of_round))])}
    assert chosen == all_answers
    # the same seed draws the same sample; the seed is kept with the round
    again = create_round(p, "Same seed", coders, sample=Sample(fraction=0.2,
                                                               stratify_by="Department",
                                                               seed=42)).new_id
    assert rounds.round_response_ids(p, again) == rounds.round_response_ids(p, rid)
    info = {r.name: r for r in rounds.list_rounds(p)}
    assert info["Same seed"].round.sample == {"fraction": 0.2, "size": None,
                                              "stratify_by": "Department", "seed": 42,
                                              "questions": None}
    assert rounds.sample_description(info["Same seed"].round) == \
        "20% of respondents per Department (seed 42)"


def _first_question(p):
    return surveys.list_questions(p.db)[0].column_name


def test_sample_size_per_group_and_random_sample(demo):
    p = demo
    coders = [c.id for c in list_coders(p)]
    rid = create_round(p, "Three per role", coders,
                       sample=Sample(size=3, stratify_by="Role", seed=1)).new_id
    respondents = {r for r, in p.db.execute(
        "SELECT DISTINCT r.respondent_id FROM round_responses x JOIN responses r"
        " ON r.id = x.response_id WHERE x.round_id = ?", [rid])}
    everyone = p.db.execute(
        "SELECT x.respondent_id, x.value FROM variable_values x JOIN variables v"
        " ON v.id = x.variable_id WHERE v.name = 'Role' AND x.respondent_id IN"
        " (SELECT respondent_id FROM responses)").fetchall()
    roles = Counter(v for r, v in everyone if r in respondents)
    available = Counter(v for _, v in everyone)
    assert roles == {role: min(3, n) for role, n in available.items()}
    plain = create_round(p, "Ten", coders, sample=Sample(size=10, seed=5)).new_id
    assert len({r for r, in p.db.execute(
        "SELECT DISTINCT r.respondent_id FROM round_responses x JOIN responses r"
        " ON r.id = x.response_id WHERE x.round_id = ?", [plain])}) == 10


def test_draw_sample_is_pure_and_seeded():
    frame = [(f"p{i}", f"r{i}-{q}", '["A"]' if i % 2 else '["B"]')
             for i in range(40) for q in range(2)]
    one = draw_sample(frame, Sample(fraction=0.25, stratify_by="x"), seed=3)
    assert one == draw_sample(frame, Sample(fraction=0.25, stratify_by="x"), seed=3)
    assert one != draw_sample(frame, Sample(fraction=0.25, stratify_by="x"), seed=4)
    assert len(one) == 2 * 10  # 5 of 20 in each group, both answers of each
    assert one == [r for _, r, _ in frame if r in set(one)]  # in frame order
    assert draw_sample(frame, Sample(), seed=1) == [r for _, r, _ in frame]


def test_blinding_follows_open_blind_rounds(team):
    p = team
    assert rounds.read_scope(p, p.maya) == ReadScope(p.maya, None)
    rid = create_round(p, "Blind", [p.maya, p.luis],
                       questions=[find_question(p, "feedback")]).new_id
    create_round(p, "Open", [p.lead], blind=False)
    assert rounds.read_scope(p, p.maya) == ReadScope(p.maya, (p.maya,))
    assert rounds.read_scope(p, p.luis) == ReadScope(p.luis, (p.luis,))
    assert rounds.read_scope(p, p.lead) == ReadScope(p.lead, None)  # not in the blind round
    assert rounds.read_scope(p, None) == ReadScope.everyone()
    assert rounds.hidden_response_ids(p, p.maya) == set(rounds.round_response_ids(p, rid))
    assert rounds.hidden_response_ids(p, p.lead) == set()
    rounds.close_round(p, rid, rationale="agreement computed")
    assert not rounds.read_scope(p, p.maya).blind
    assert rounds.hidden_response_ids(p, p.maya) == set()
    closed = rounds.find_round(p, "Blind")
    assert closed.status == "closed" and closed.closed_by == p.lead and closed.closed_at
    entry = audit.entries(p.db, entity="round", entity_id=rid)[-1]
    assert entry.action == "close" and entry.rationale == "agreement computed"
    with pytest.raises(ConflictError, match="already closed"):
        rounds.close_round(p, rid)
    with pytest.raises(NotFoundError, match='no round called "Blnd". Did you mean "Blind"'):
        rounds.find_round(p, "Blnd")

