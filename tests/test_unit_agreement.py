"""Per-response reads for the grid: each coder's codes and done marks, the Agreement
marker, codebook counts per coder — worked out by hand on :class:`tests.trio_helpers.Trio`."""

from __future__ import annotations

import pytest

from post_coder import queries
from post_coder.store.scope import ReadScope
from post_coder.team.agreement_report import AgreementHidden, disagreements
from post_coder.team.rounds import close_round, create_round, read_scope
from post_coder.team.unit_agreement import AGREE, DISAGREE, TOO_FEW, response_agreement
from tests.trio_helpers import Trio

EVERYONE = ReadScope.everyone()


@pytest.fixture
def trio(surveyed) -> Trio:
    return Trio(surveyed)


def test_the_marker_of_every_response_is_the_one_worked_out_by_hand(trio):
    r, sg = trio.r, trio.sg
    found = response_agreement(trio.project, EVERYONE, [*r.values(), *sg.values()])
    assert {k: v.state for k, v in found.items()} == {
        r["R1"]: AGREE, r["R2"]: DISAGREE, r["R3"]: AGREE, r["R4"]: TOO_FEW,
        r["R5"]: DISAGREE, sg["R1"]: TOO_FEW, sg["R3"]: TOO_FEW, sg["R5"]: TOO_FEW}
    assert found[r["R1"]].describe() == "Ana Bell, Carl Diaz, Eve Fox agree: Burnout."
    assert found[r["R3"]].describe() == "Ana Bell, Carl Diaz agree: nothing applies."
    assert found[r["R2"]].describe() == ("Ana Bell, Carl Diaz disagree on Workload (Carl Diaz "
                                         "applied it; Ana Bell did not).")
    assert found[r["R5"]].differ == (("Support", ("Ana Bell", "Carl Diaz"), ("Eve Fox",)),)
    # Carl's Workload on R4 is a missing rating (he took his done mark back), never a 0
    assert found[r["R4"]].done == ("Ana Bell",)
    assert found[r["R4"]].describe() == ("Fewer than two coders have marked this response "
                                         "done (done: Ana Bell): nothing to compare yet.")
    assert found[sg["R1"]].done == ()


def test_the_disagreeing_responses_are_those_the_disagreements_list_holds(trio):
    listed = {d.response_id for d in disagreements(trio.project, EVERYONE).rows}
    assert listed == {trio.r["R2"], trio.r["R5"]}
    marked = {k for k, v in response_agreement(trio.project, EVERYONE,
                                               list(trio.r.values())).items()
              if v.state == DISAGREE}
    assert marked == listed


def test_a_blind_scope_gets_no_marker_at_all(trio):
    p = trio.project
    round_id = create_round(p, "Blind", [trio.ab, trio.cd], blind=True).new_id
    with pytest.raises(AgreementHidden):
        response_agreement(p, read_scope(p, trio.ab), [trio.r["R1"]])
    # Eve is not in the round: she sees everyone's codings, so she may see agreement
    assert response_agreement(p, read_scope(p, trio.ef), [trio.r["R1"]])[trio.r["R1"]].state \
        == AGREE
    close_round(p, round_id)
    assert response_agreement(p, read_scope(p, trio.ab), [trio.r["R2"]])[trio.r["R2"]].state \
        == DISAGREE


def test_coder_marks_show_each_coders_codes_and_hide_the_others_in_a_blind_round(trio):
    p, r = trio.project, trio.r
    marks = queries.coder_marks(p, EVERYONE, [r["R2"], r["R3"], r["R4"]])
    assert marks[r["R2"]].codes == {trio.ab: ("Burnout",), trio.cd: ("Burnout", "Workload")}
    assert marks[r["R2"]].done == {trio.ab, trio.cd}
    assert marks[r["R3"]].codes == {} and marks[r["R3"]].nothing_applies(trio.ab)
    assert marks[r["R4"]].done == {trio.ab} and marks[r["R4"]].codes[trio.cd] == ("Workload",)
    create_round(p, "Blind", [trio.ab, trio.cd], blind=True)
    blind = queries.coder_marks(p, read_scope(p, trio.ab), [r["R2"]])[r["R2"]]
    assert blind.codes == {trio.ab: ("Burnout",)}
    assert blind.done == {trio.ab, trio.cd}  # a done mark shows no codes


def test_code_counts_per_coder_and_hidden_ones(trio):
    p = trio.project
    assert [c.name for c in queries.coders_at_work(p, EVERYONE)] == ["Ana Bell", "Carl Diaz",
                                                                     "Eve Fox"]
    per = queries.code_counts_by_coder(p, EVERYONE, [trio.ab, trio.cd, trio.ef])
    respondents = {coder: {code: per[coder][code].respondents
                           for code in (trio.burnout, trio.workload, trio.support)}
                   for coder in per}
    assert respondents == {
        trio.ab: {trio.burnout: 2, trio.workload: 0, trio.support: 2},
        trio.cd: {trio.burnout: 2, trio.workload: 2, trio.support: 1},
        trio.ef: {trio.burnout: 1, trio.workload: 0, trio.support: 0}}
    create_round(p, "Blind", [trio.ab, trio.cd], blind=True)
    blind = queries.code_counts_by_coder(p, read_scope(p, trio.ab), [trio.ab, trio.cd, trio.ef])
    assert blind[trio.cd] is None and blind[trio.ef] is None
    assert blind[trio.ab][trio.support].respondents == 2
    with pytest.raises(TypeError):
        queries.code_counts_by_coder(p, None, [])


def test_a_coder_package_gets_no_marker_even_without_a_blind_round(trio, tmp_path):
    from post_coder.project import Project
    from post_coder.team.package import export_package

    path = export_package(trio.project, trio.ab, tmp_path / "ana").path
    package = Project.open(path)
    try:
        with pytest.raises(AgreementHidden, match="coder package"):
            response_agreement(package, read_scope(package, trio.ab), [trio.r["R1"]])
    finally:
        package.close()
