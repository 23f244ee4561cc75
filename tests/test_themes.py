"""Theme tables: n (%) of respondents with explicit denominators, breakdowns, sources, quotes
(exemplars and central segments), RE-AIM dimensions, the read scope.

The small project (the conftest survey: R1–R6; R6 left "feedback" blank; "suggestions" has
answers from R1, R3, R5 only — "N/A", "none" and blanks are not answers). Codes:

    Support            ├ Listening   ├ Connection   └ Unused (nobody)
    Barriers           ├ Time        └ Privacy
    Culture

Ana's codings (feedback): R1 Listening + Connection (two sub-codes, one respondent),
R2 Culture, R3 Time, R4 Privacy, R5 Connection; (suggestions): R3 Time.
Ben's codings (feedback): R2 Support (the theme itself), R5 Listening.
Consensus (``_consensus``: a round of Ana and Ben, review decisions): R1 Listening
applies, R2 Culture applies, R3 Time applies, R4 Privacy does NOT apply, R5 Support →
Connection instead. Applying a code marks the response done, so Ana marked R1–R5 done
(feedback) and R3 (suggestions), Ben R2 and R5. So the consensus layer also holds what
nobody decided but every done coder applied: R1 Connection and R3 Time (suggestions),
Ana alone ("single"); and leaves out two disagreements nobody resolved: R2 Support (Ben,
not Ana) and R5 Listening (Ben, not Ana).

Every expected number below is counted by hand from these lists.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from post_coder.coding import codebook
from post_coder.coding.coders import add_coder
from post_coder.coding.codings import apply_code, remove_coding
from post_coder.coding.similarity import central_segments, centroid_similarity
from post_coder.coding.themes import (dimensions, is_exemplar, mark_exemplar,
                                      set_dimension)
from post_coder.errors import ConflictError, InputError, NotFoundError
from post_coder.export.themes import ThemeSpec, count_themes, flat, theme_table, theme_tables
from post_coder.queries import find_question
from post_coder.store.scope import ReadScope
from post_coder.team import review
from post_coder.team.rounds import close_round, create_round, read_scope
from tests.conftest import response_id

EVERYONE = ReadScope.everyone()


class T:
    """Names for the test project's ids."""


@pytest.fixture
def t(surveyed):
    p = surveyed
    t = T()
    t.p = p
    t.ana = add_coder(p, "Ana").new_id
    t.ben = add_coder(p, "Ben").new_id
    code = {}
    code["Support"] = codebook.add_code(p, "Support", definition="Help from a peer").new_id
    for name in ("Listening", "Connection", "Unused"):
        code[name] = codebook.add_code(p, name, parent=code["Support"],
                                       definition=f"{name} def").new_id
    code["Barriers"] = codebook.add_code(p, "Barriers", definition="What stops use").new_id
    for name in ("Time", "Privacy"):
        code[name] = codebook.add_code(p, name, parent=code["Barriers"]).new_id
    code["Culture"] = codebook.add_code(p, "Culture", definition="Department culture").new_id
    t.code = code
    t.coding = {}

    def coded(who, respondent, name, question="feedback"):
        changes = apply_code(p, response_id(p, respondent, question), code[name], who)
        t.coding[(who, respondent, name, question)] = changes.new_id

    for respondent, name in (("R1", "Listening"), ("R1", "Connection"), ("R2", "Culture"),
                             ("R3", "Time"), ("R4", "Privacy"), ("R5", "Connection")):
        coded(t.ana, respondent, name)
    coded(t.ana, "R3", "Time", "suggestions")
    coded(t.ben, "R2", "Support")
    coded(t.ben, "R5", "Listening")
    t.coded = coded
    return t


def _consensus(t):
    p = t.p
    round_id = create_round(p, "Round 1", [t.ana, t.ben], blind=False).new_id
    session = review.open_session(p, EVERYONE, "Round 1", ("Ana", "Ben")).new_id
    for respondent, name, kw in (("R1", "Listening", {"applies": True}),
                                 ("R2", "Culture", {"applies": True}),
                                 ("R3", "Time", {"applies": True}),
                                 ("R4", "Privacy", {"applies": False}),
                                 ("R5", "Support", {"other_code": "Connection"})):
        review.decide(p, EVERYONE, session, response_id(p, respondent), name, **kw)
    return round_id


def _counts(themes):
    return {r.name: r.n for r in themes.rows}


# -- n (%) ----------------------------------------------------------------------------------

def test_one_coder_counts_each_respondent_once_per_theme(t):
    themes = count_themes(t.p, EVERYONE, ThemeSpec(questions=["feedback"], source="coder:Ana",
                                                   quotes=0))
    assert themes.denominator == 5  # R1–R5 answered "feedback"; R6 left it blank
    # Support: R1 (two sub-codes, counted once) and R5
    assert _counts(themes) == {"Support": 2, "Listening": 1, "Connection": 2, "Unused": 0,
                               "Barriers": 2, "Time": 1, "Privacy": 1, "Culture": 1}
    table = theme_table(t.p, EVERYONE, themes.spec, themes=themes)
    assert [c.heading for c in table.columns] == [
        "Theme", "Definition", "Respondents, n (%) (N = 5)"]
    assert [(r.cells, r.kind) for r in table.rows] == [
        (("Support", "Help from a peer", "2 (40.0%)"), "data"),
        (("Listening", "Listening def", "1 (20.0%)"), "indented"),
        (("Connection", "Connection def", "2 (40.0%)"), "indented"),
        (("Unused", "Unused def", "0 (0.0%)"), "indented"),
        (("Barriers", "What stops use", "2 (40.0%)"), "data"),
        (("Time", "", "1 (20.0%)"), "indented"),
        (("Privacy", "", "1 (20.0%)"), "indented"),
        (("Culture", "Department culture", "1 (20.0%)"), "data")]


def test_the_union_counts_a_respondent_when_any_coder_applied_the_code(t):
    themes = count_themes(t.p, EVERYONE, ThemeSpec(questions=["feedback"], source="union",
                                                   quotes=0))
    # Support: R1 (Ana), R2 (Ben: the theme itself), R5 (Ana and Ben) = 3 of 5
    assert _counts(themes) == {"Support": 3, "Listening": 2, "Connection": 2, "Unused": 0,
                               "Barriers": 2, "Time": 1, "Privacy": 1, "Culture": 1}


def test_the_consensus_layer_is_the_default_source(t):
    _consensus(t)
    themes = count_themes(t.p, EVERYONE, ThemeSpec(questions=["feedback"], quotes=0))
    # decided: R1 Listening; R5 Connection (instead of Support); R2 Culture; R3 Time; R4
    # nothing. Single-coded (Ana alone, nothing decided): R1 Connection. Left out: R2
    # Support and R5 Listening (Ana and Ben disagree, nobody decided)
    assert _counts(themes) == {"Support": 2, "Listening": 1, "Connection": 2, "Unused": 0,
                               "Barriers": 1, "Time": 1, "Privacy": 0, "Culture": 1}
    table = theme_table(t.p, EVERYONE, themes.spec, themes=themes)
    assert table.notes[:3] == (
        "Source: the consensus layer (the team's review decisions; where there is none, the "
        "codes all coders who read the response applied, or its only coder applied). "
        "2 disagreements not yet resolved are left out.",
        "Denominator: the 5 respondents who answered the question(s).",
        "A respondent counts once per theme: n is the number of respondents with the theme "
        "or any of its sub-codes (sub-codes are indented under their theme).")


def test_source_notes_name_the_source(t):
    def note(source):
        return theme_table(t.p, EVERYONE, ThemeSpec(source=source, quotes=0)).notes[0]

    assert note("union") == ("Source: the union of the coders' codings (a respondent counts "
                             "when any coder applied the code).")
    assert note("coder:Ben") == "Source: the codings of Ben."
    with pytest.raises(InputError, match='"consensus", "union" or "coder:NAME", not "both"'):
        note("both")
    with pytest.raises(NotFoundError, match="Zoe"):
        note("coder:Zoe")


def test_a_question_not_everyone_answered_has_its_own_denominator(t):
    themes = count_themes(t.p, EVERYONE, ThemeSpec(questions=["suggestions"],
                                                   source="coder:Ana", quotes=0))
    assert themes.denominator == 3  # R1, R3, R5 answered; "N/A", "none" and blanks did not
    assert _counts(themes)["Barriers"] == 1
    assert theme_table(t.p, EVERYONE, themes.spec, themes=themes).rows[4].cells[2] == \
        "1 (33.3%)"
    # both questions: R1–R5 answered one of them; R3's Time in both counts once
    both = count_themes(t.p, EVERYONE, ThemeSpec(questions=["feedback", "suggestions"],
                                                 source="coder:Ana", quotes=0))
    assert both.denominator == 5
    assert _counts(both)["Barriers"] == 2 and _counts(both)["Time"] == 1


def test_chosen_bases_all_respondents_or_a_number(t):
    every = count_themes(t.p, EVERYONE, ThemeSpec(questions=["feedback"], source="coder:Ana",
                                                  base="all", quotes=0))
    assert every.denominator == 6
    table = theme_table(t.p, EVERYONE, every.spec, themes=every)
    assert table.rows[0].cells[2] == "2 (33.3%)"
    assert table.notes[1] == ("Denominator: all 6 respondents of the survey, whether they "
                              "answered or not.")
    fixed = theme_table(t.p, EVERYONE, ThemeSpec(questions=["feedback"], source="coder:Ana",
                                                 base=16, quotes=0))
    assert fixed.columns[2].heading == "Respondents, n (%) (N = 16)"
    assert fixed.rows[0].cells[2] == "2 (12.5%)"
    assert fixed.notes[1] == ("Denominator: a base of 16 respondents given by the "
                              "investigators (5 of them answered).")
    with pytest.raises(InputError, match="smaller than the 5 respondents who answered"):
        count_themes(t.p, EVERYONE, ThemeSpec(questions=["feedback"], base=4))
    with pytest.raises(InputError, match='"answered", "all" or a number'):
        count_themes(t.p, EVERYONE, ThemeSpec(base="most"))


def test_a_breakdown_gives_each_value_its_own_denominator(t):
    table = theme_table(t.p, EVERYONE, ThemeSpec(questions=["feedback"], source="coder:Ana",
                                                 by="dept", quotes=0))
    # answered "feedback": EM R1 R2, ICU R3 R5, OBGYN R4; Anesthesia's only respondent (R6)
    # did not answer (a declared level: shown, with N = 0)
    assert [c.heading for c in table.columns] == [
        "Theme", "Definition", "Respondents, n (%) (N = 5)", "Anesthesia, n (%) (N = 0)",
        "EM, n (%) (N = 2)", "ICU, n (%) (N = 2)", "OBGYN, n (%) (N = 1)"]
    by_name = {r.cells[0]: r.cells[2:] for r in table.rows}
    assert by_name["Support"] == ("2 (40.0%)", "0 (—)", "1 (50.0%)", "1 (50.0%)", "0 (0.0%)")
    assert by_name["Barriers"] == ("2 (40.0%)", "0 (—)", "0 (0.0%)", "1 (50.0%)",
                                   "1 (100.0%)")
    assert by_name["Unused"] == ("0 (0.0%)", "0 (—)", "0 (0.0%)", "0 (0.0%)", "0 (0.0%)")
    assert table.notes[3] == ("By dept: each column's denominator (N) is the respondents of "
                              "the base with that value.")
    with pytest.raises(InputError, match="breakdown by an attribute needs"):
        count_themes(t.p, EVERYONE, ThemeSpec(by="dept", base=20))


# -- quotes: exemplars first, else the most central segments -----------------------------------

def test_central_segments_on_an_obvious_corpus():
    texts = ["parking fees downtown",
             "burnout from night shifts",
             "burnout night shifts staffing",
             "burnout from night shifts",
             "burnout"]
    assert central_segments(texts, 2) == [1, 3]  # the two identical, most central; in order
    assert central_segments(texts, 5)[-1] == 0    # the text sharing no word with the rest
    assert central_segments(texts, 0) == [] and central_segments([], 3) == []
    assert centroid_similarity(["the", "and"]) == [0.0, 0.0]  # only stop words: no ranking
    assert central_segments(["the", "and"], 2) == [0, 1]


def test_similarity_does_not_import_scikit_learn_until_used():
    code = ("import sys, post_coder.coding.similarity, post_coder.export.themes;"
            " print('sklearn' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_quotes_suggest_central_segments_until_an_exemplar_is_marked(t):
    p = t.p
    spec = ThemeSpec(questions=["feedback"], source="union", quotes=1,
                     attribution=["dept", "role"])
    themes = count_themes(p, EVERYONE, spec)
    quotes = {r.name: r.quotes for r in themes.rows}
    # Culture has one segment (R2's answer): it is the suggestion, tagged with R2's attributes
    assert [str(q) for q in quotes["Culture"]] == [
        "“Our department culture changed; people talk about hard cases now.” — EM, Lead"]
    assert quotes["Unused"] == ()
    assert not quotes["Culture"][0].exemplar
    # marking R4's Privacy coding makes it the Barriers theme's quote too (Time has none)
    mark_exemplar(p, EVERYONE, t.coding[(t.ana, "R4", "Privacy", "feedback")])
    themes = count_themes(p, EVERYONE, spec)
    quotes = {r.name: r.quotes for r in themes.rows}
    privacy = ("“I worried about privacy and who would find out I asked for help.” — OBGYN, "
               "Attending")
    assert [str(q) for q in quotes["Barriers"]] == [privacy]
    assert [str(q) for q in quotes["Privacy"]] == [privacy]
    assert quotes["Barriers"][0].exemplar
    table = theme_table(p, EVERYONE, spec, themes=themes)
    assert table.columns[-1].heading == "Representative quotes"
    assert table.notes[-1] == (
        "Quotes: exemplar quotes marked by the team; suggested: the segments most central to "
        "the theme by text similarity (TF-IDF, cosine to the centroid), where none is marked: "
        "Support, Listening, Connection, Time, Culture.")
    # Barriers quotes its sub-code Privacy's mark; Time (R3's segment, unmarked) is suggested
    assert [r.name for r in themes.rows if r.quotes and r.quotes[0].exemplar] == [
        "Barriers", "Privacy"]


def test_a_spanned_coding_quotes_its_span(t):
    p = t.p
    text = "Honestly I have no time for this, the shifts are too long."
    start = text.index("the shifts")
    c = apply_code(p, response_id(p, "R3"), t.code["Culture"], t.ben, start=start,
                   end=len(text) - 1).new_id
    mark_exemplar(p, EVERYONE, c)
    themes = count_themes(p, EVERYONE, ThemeSpec(questions=["feedback"], source="coder:Ben",
                                                 quotes=3))
    assert [q.text for q in {r.name: r for r in themes.rows}["Culture"].quotes] == [
        "the shifts are too long"]


# -- exemplar marks ---------------------------------------------------------------------------

def test_marking_an_exemplar_is_one_undoable_audited_action(t):
    p = t.p
    p.actor = t.ana
    coding = t.coding[(t.ana, "R1", "Listening", "feedback")]
    changes = mark_exemplar(p, EVERYONE, coding)
    assert changes.codings and changes.label == "Mark exemplar quote"
    assert is_exemplar(p, coding)
    row = p.db.execute("SELECT action, entity, entity_id, actor FROM audit_log"
                       " ORDER BY seq DESC LIMIT 1").fetchone()
    assert row == ("exemplar", "coding", coding, t.ana)
    assert mark_exemplar(p, EVERYONE, coding).any() is False  # already marked: nothing
    assert p.undo_label() == "Mark exemplar quote"
    p.undo()
    assert not is_exemplar(p, coding)
    p.redo()
    assert is_exemplar(p, coding)
    mark_exemplar(p, EVERYONE, coding, on=False)
    assert not is_exemplar(p, coding)
    p.undo()
    assert is_exemplar(p, coding)


def test_only_a_live_visible_coding_can_be_marked(t):
    p = t.p
    with pytest.raises(NotFoundError, match="no coding with the id"):
        mark_exemplar(p, EVERYONE, "nope")
    ben_coding = t.coding[(t.ben, "R5", "Listening", "feedback")]
    with pytest.raises(NotFoundError, match="no coding with the id"):
        mark_exemplar(p, ReadScope(t.ana, (t.ana,)), ben_coding)
    remove_coding(p, ben_coding)
    with pytest.raises(ConflictError, match="has been removed"):
        mark_exemplar(p, EVERYONE, ben_coding)
    assert not is_exemplar(p, ben_coding)


def test_a_removed_exemplar_coding_is_no_quote(t):
    p = t.p
    coding = t.coding[(t.ana, "R4", "Privacy", "feedback")]
    mark_exemplar(p, EVERYONE, coding)
    remove_coding(p, coding)
    themes = count_themes(p, EVERYONE, ThemeSpec(questions=["feedback"], source="union"))
    assert {r.name: r.quotes for r in themes.rows}["Privacy"] == ()


def test_an_exemplar_marks_the_consensus_quote_of_the_same_response_and_code(t):
    _consensus(t)
    p = t.p
    # R1 Listening is in the consensus layer; Ana's coding of it is marked
    mark_exemplar(p, EVERYONE, t.coding[(t.ana, "R1", "Listening", "feedback")])
    themes = count_themes(p, EVERYONE, ThemeSpec(questions=["feedback"]))
    support = {r.name: r for r in themes.rows}["Support"]
    assert [(q.text[:21], q.exemplar) for q in support.quotes] == [
        ("The peer supporter li", True)]


# -- RE-AIM dimensions -------------------------------------------------------------------------

def test_themes_grouped_by_dimension(t):
    p = t.p
    set_dimension(p, t.code["Support"], "effectiveness")
    set_dimension(p, t.code["Barriers"], "I")
    assert dimensions(p) == {t.code["Support"]: "Effectiveness",
                             t.code["Barriers"]: "Implementation"}
    spec = ThemeSpec(questions=["feedback"], source="coder:Ana", quotes=0)
    table = theme_table(p, EVERYONE, spec)
    assert [(r.cells[0], r.kind) for r in table.rows] == [
        ("Effectiveness", "heading"), ("Support", "data"), ("Listening", "indented"),
        ("Connection", "indented"), ("Unused", "indented"),
        ("Implementation", "heading"), ("Barriers", "data"), ("Time", "indented"),
        ("Privacy", "indented"),
        ("Other themes", "heading"), ("Culture", "data")]
    only = theme_table(p, EVERYONE, ThemeSpec(questions=["feedback"], source="coder:Ana",
                                              quotes=0, dimension="Implementation"))
    assert only.caption == "Implementation themes in responses to “feedback”"
    assert [r.cells[0] for r in only.rows] == ["Barriers", "Time", "Privacy"]
    tables = theme_tables(p, EVERYONE, spec)
    assert [tb.caption for tb in tables] == [
        "Effectiveness themes in responses to “feedback”",
        "Implementation themes in responses to “feedback”",
        "Other themes in responses to “feedback”"]
    assert [r.cells[0] for r in tables[2].rows] == ["Culture"]
    with pytest.raises(InputError, match="no theme is in the RE-AIM dimension Reach yet"):
        count_themes(p, EVERYONE, ThemeSpec(dimension="reach"))


def test_setting_a_dimension_is_undoable_and_checked(t):
    p = t.p
    set_dimension(p, t.code["Support"], "Effectiveness")
    with pytest.raises(InputError, match='"Listening" is a sub-code: it goes with its theme '
                                         '"Support"'):
        set_dimension(p, t.code["Listening"], "Reach")
    with pytest.raises(InputError, match='"Impact" is not a RE-AIM dimension'):
        set_dimension(p, t.code["Support"], "Impact")
    set_dimension(p, t.code["Support"], None)
    assert dimensions(p) == {}
    p.undo()
    assert dimensions(p) == {t.code["Support"]: "Effectiveness"}
    p.undo()
    assert dimensions(p) == {}


# -- the read scope ---------------------------------------------------------------------------

def test_a_blind_coder_exports_only_their_own_codings(t):
    p = t.p
    round_id = create_round(p, "Blind", [t.ana, t.ben], blind=True).new_id
    ana = read_scope(p, t.ana)
    assert ana.blind
    themes = count_themes(p, ana, ThemeSpec(questions=["feedback"], source="union", quotes=5))
    # Ben's R2 Support and R5 Listening are not there: Ana's own numbers
    assert _counts(themes)["Support"] == 2 and _counts(themes)["Listening"] == 1
    # quotes too: Ben's Support on R2 and Listening on R5 give none
    quoted = {r.name: sorted(q.text[:12] for q in r.quotes) for r in themes.rows}
    assert quoted["Support"] == ["Talking with", "The peer sup"]
    assert quoted["Listening"] == ["The peer sup"]
    everyone = count_themes(p, EVERYONE, themes.spec)
    assert sorted(q.text[:12] for q in everyone.rows[0].quotes) == [
        "Our departme", "Talking with", "The peer sup"]
    assert theme_table(p, ana, themes.spec, themes=themes).notes[0] == (
        "Source: your own codings only (an open blind round hides the other coders' "
        "codings).")
    with pytest.raises(ConflictError, match="not Ben's"):
        count_themes(p, ana, ThemeSpec(source="coder:Ben"))
    with pytest.raises(ConflictError, match="consensus layer is made from everyone's"):
        count_themes(p, ana, ThemeSpec())
    close_round(p, round_id)
    assert _counts(count_themes(p, read_scope(p, t.ana),
                                ThemeSpec(questions=["feedback"], source="union",
                                          quotes=0)))["Support"] == 3


def test_flat_rows_for_csv_and_markdown(t):
    p = t.p
    set_dimension(p, t.code["Barriers"], "Implementation")
    table = theme_table(p, EVERYONE, ThemeSpec(questions=["suggestions"], source="union",
                                               quotes=0))
    header, rows = flat(table)
    assert header == ["Theme", "Definition", "Respondents, n (%) (N = 3)"]
    assert rows[:4] == [["Implementation", "", ""],
                        ["Barriers", "What stops use", "1 (33.3%)"],
                        ["– Time", "", "1 (33.3%)"], ["– Privacy", "", "0 (0.0%)"]]
    assert rows[-len(table.notes) - 1] == ["", "", ""]
    assert rows[-1][0] == "Note. " + table.notes[-1]


def test_the_question_must_exist(t):
    with pytest.raises(NotFoundError, match='no open-ended question "wishes"'):
        count_themes(t.p, EVERYONE, ThemeSpec(questions=["wishes"]))
    assert find_question(t.p, "feedback")


def test_a_blind_coder_package_carries_no_mark_of_the_codings_it_withholds(t, tmp_path):
    from post_coder.project import Project
    from post_coder.team.package import export_package

    p = t.p
    ana_coding = t.coding[(t.ana, "R1", "Listening", "feedback")]
    ben_coding = t.coding[(t.ben, "R5", "Listening", "feedback")]
    mark_exemplar(p, EVERYONE, ana_coding)
    mark_exemplar(p, EVERYONE, ben_coding)
    set_dimension(p, t.code["Support"], "Effectiveness")
    create_round(p, "Blind", [t.ana, t.ben], blind=True)
    path = export_package(p, t.ana, tmp_path / "ana").path
    with Project.open(path) as package:
        assert is_exemplar(package, ana_coding) and not is_exemplar(package, ben_coding)
        assert package.db.execute("SELECT count(*) FROM exemplars").fetchone() == (1,)
        assert dimensions(package) == {t.code["Support"]: "Effectiveness"}


def test_attribution_and_breakdown_look_in_the_surveys_not_in_data_tables(demo_template,
                                                                           tmp_path):
    """The demo has a Department column in its survey and in its training-survey data
    table: a theme table's quotes and breakdown take the survey's (where its respondents
    are), instead of refusing the name as ambiguous."""
    import shutil

    from post_coder.export.themes import ThemeSpec, count_themes
    from post_coder.importing.variables import find_variable
    from post_coder.project import Project
    from post_coder.queries import dataset_frame

    target = tmp_path / "demo.postcoder"
    shutil.copyfile(demo_template, target)
    p = Project.open(target)
    try:
        with pytest.raises(InputError, match='2 attributes match "Department"'):
            find_variable(p, "Department")   # asked without a dataset it is ambiguous
        themes = count_themes(p, EVERYONE, ThemeSpec(source="union", by="Department",
                                                       attribution=["Department", "Role"]))
        survey_departments = set(dataset_frame(p, "Department-wide physician survey")
                                 ["Department"].dropna().astype(str))
        tags = {q.tag for r in themes.rows for q in r.quotes}
        assert tags and all(t.split(", ")[0] in survey_departments for t in tags)
        assert {g for g, _ in themes.groups} <= survey_departments | {"Not recorded"}
    finally:
        p.close()
