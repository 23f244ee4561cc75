import pytest

from post_coder.coding import codebook
from post_coder.coding.coders import add_coder
from post_coder.coding.codings import apply_code
from post_coder.errors import InputError
from post_coder.queries import (ResponseQuery, code_frequencies, codebook_table, count_responses,
                                find_question, next_uncoded, parse_search, response_ids,
                                response_rows, search, search_spans, to_match)
from post_coder.store.responses import ParsedSearch, SearchTerm
from post_coder.store import surveys
from tests.conftest import response_id
from post_coder.store.scope import ReadScope

EVERYONE = ReadScope.everyone()


def _respondents(p, query):
    return [r.respondent for r in response_rows(p, EVERYONE, response_ids(p, EVERYONE, query))]


@pytest.fixture
def coded(surveyed):
    p = surveyed
    p.maya = add_coder(p, "Maya Chen").new_id
    p.luis = add_coder(p, "Luis Ortega").new_id
    p.barriers = codebook.add_code(p, "Barriers").new_id
    p.time = codebook.add_code(p, "Lack of time", parent=p.barriers).new_id
    p.privacy = codebook.add_code(p, "Privacy", parent=p.barriers).new_id
    apply_code(p, response_id(p, "R3"), p.time, p.maya)
    apply_code(p, response_id(p, "R3", "suggestions"), p.time, p.luis)
    apply_code(p, response_id(p, "R1", "suggestions"), p.time, p.maya)
    apply_code(p, response_id(p, "R4"), p.privacy, p.luis)
    return p


def test_list_by_question_and_order(coded):
    p = coded
    feedback = find_question(p, "feedback")
    assert _respondents(p, ResponseQuery(question_ids=(feedback,))) == ["R1", "R2", "R3", "R4",
                                                                        "R5"]
    assert count_responses(p, EVERYONE) == 8  # 5 feedback + 3 suggestions (N/A, blank, none)
    rows = response_rows(p, EVERYONE, response_ids(
        p, EVERYONE, ResponseQuery(sort="length", descending=True)))
    assert [len(r.text) for r in rows] == sorted((len(r.text) for r in rows), reverse=True)


def test_attribute_filters(coded):
    p = coded
    dept = next(v for v in surveys.list_variables(p.db) if v.name == "dept")
    role = next(v for v in surveys.list_variables(p.db) if v.name == "role")
    feedback = find_question(p, "feedback")
    q = ResponseQuery(question_ids=(feedback,), attributes=((dept.id, ("ICU", "OBGYN")),))
    assert _respondents(p, q) == ["R3", "R4", "R5"]
    q = ResponseQuery(question_ids=(feedback,),
                      attributes=((dept.id, ("ICU",)), (role.id, ("Lead",))))
    assert _respondents(p, q) == ["R5"]


def test_coded_uncoded_code_and_coder_filters(coded):
    p = coded
    feedback = find_question(p, "feedback")
    fb = (feedback,)
    assert _respondents(p, ResponseQuery(question_ids=fb, coded=True)) == ["R3", "R4"]
    assert _respondents(p, ResponseQuery(question_ids=fb, coded=False)) == ["R1", "R2", "R5"]
    assert _respondents(p, ResponseQuery(code_ids=(p.time,))) == ["R1", "R3", "R3"]
    assert _respondents(p, ResponseQuery(coder_ids=(p.luis,))) == ["R3", "R4"]
    assert _respondents(p, ResponseQuery(question_ids=fb, coded=False, coder_ids=(p.luis,))) == [
        "R1", "R2", "R3", "R5"]
    rows = response_rows(p, EVERYONE, response_ids(
        p, EVERYONE, ResponseQuery(question_ids=fb, coded=True)))
    assert [r.codes for r in rows] == [("Lack of time",), ("Privacy",)]


# (respondent, question) of every hit: best match first for search() and the "relevance"
# sort, file order (respondent by respondent, question by question) for the default sort
@pytest.mark.parametrize("text,best_first,file_order", [
    # "Protected time, please" (3 words) beats 8 and 12 words with one "time" each
    ("time", [("R3", "suggestions"), ("R1", "suggestions"), ("R3", "feedback")],
     [("R1", "suggestions"), ("R3", "feedback"), ("R3", "suggestions")]),
    ('"peer support"', [("R1", "suggestions")], [("R1", "suggestions")]),
    ("priva*", [("R4", "feedback")], [("R4", "feedback")]),
    ("time -schedule", [("R3", "suggestions"), ("R3", "feedback")],
     [("R3", "feedback"), ("R3", "suggestions")]),
    ("privacy OR sleep", [("R4", "feedback"), ("R5", "feedback")],
     [("R4", "feedback"), ("R5", "feedback")]),
    ("cafe", [("R5", "feedback")], [("R5", "feedback")]),            # diacritics folded
    ("peer-support", [("R1", "suggestions")], [("R1", "suggestions")]),  # not syntax
    ("schedule protected", [], []),
])
def test_full_text_search(coded, text, best_first, file_order):
    p = coded
    assert [(h.respondent, h.question) for h in search(p, text)] == best_first

    def listed(**kwargs):
        ids = response_ids(p, EVERYONE, ResponseQuery(text=text, **kwargs))
        return [(r.respondent, r.question) for r in response_rows(p, EVERYONE, ids)]

    assert listed() == file_order
    assert listed(sort="relevance") == best_first


def test_search_snippet_marks_hits(coded):
    [hit] = search(coded, "privacy")
    assert hit.snippet == "I worried about [privacy] and who would find out I asked for help."
    assert (hit.respondent, hit.question) == ("R4", "feedback")
    assert hit.response_id == response_id(coded, "R4")


#: relevance and file order differ on purpose: the shortest answers that say "burnout" most
#: often come last in the file, and S1's "after" (one word: a perfect match) is in another
#: question than S1's long "before"
RANKED_CSV = """id,before,after
S1,"Burnout came up once in a long answer about rotas, parking, food, pay and the old building.","burnout"
S2,"burnout burnout","Nothing to add."
S3,"Burnout at work, burnout at home, burnout everywhere.","Less burnout please, and more staff on nights."
S4,"Quiet weeks are fine.",""
"""


@pytest.fixture
def ranked(project, tmp_path):
    from post_coder.importing import import_survey, inspect_file

    f = tmp_path / "ranked.csv"
    f.write_text(RANKED_CSV, encoding="utf-8")
    import_survey(project, inspect_file(f).with_mapping(id_column="id",
                                                        open_ended=["before", "after"]))
    return project


def test_search_ranks_by_relevance_not_file_order(ranked):
    p = ranked
    hits = search(p, "burnout")
    assert [(h.respondent, h.question) for h in hits] == [
        ("S2", "before"), ("S1", "after"), ("S3", "before"), ("S3", "after"), ("S1", "before")]
    assert [h.snippet for h in hits] == [
        "[burnout] [burnout]",
        "[burnout]",
        "[Burnout] at work, [burnout] at home, [burnout] everywhere.",
        "Less [burnout] please, and more staff on nights.",
        "[Burnout] came up once in a long answer about rotas, parking, food, pay and the old…"]
    assert [(h.respondent, h.question) for h in search(p, "burnout", limit=2)] == [
        ("S2", "before"), ("S1", "after")]


def test_search_in_one_question_leaves_out_hits_in_the_other(ranked):
    p = ranked
    before, after = find_question(p, "before"), find_question(p, "after")
    # the best hit of all (S1 "after") is in the other question: it must not be listed
    assert [(h.respondent, h.question) for h in search(p, "burnout", question_ids=(before,))] \
        == [("S2", "before"), ("S3", "before"), ("S1", "before")]
    assert [(h.respondent, h.question) for h in search(p, "burnout", question_ids=(after,))] \
        == [("S1", "after"), ("S3", "after")]
    assert search(p, "nights", question_ids=(before,)) == []
    assert [h.respondent for h in search(p, "nights", question_ids=(before, after))] == ["S3"]
    q = ResponseQuery(text="burnout", question_ids=(before,), sort="relevance")
    assert _respondents(p, q) == ["S2", "S3", "S1"]
    q = ResponseQuery(text="burnout", question_ids=(before,))
    assert _respondents(p, q) == ["S1", "S2", "S3"]


def test_to_match_rejects_empty_and_handles_quotes():
    with pytest.raises(InputError, match="at least one word"):
        to_match("-time")
    with pytest.raises(InputError):
        to_match('  ""  ')
    assert to_match('say "hi') == '"say" AND "hi"'
    assert to_match("a OR b c") == '("a" OR "b") AND "c"'


def test_code_frequencies_count_distinct_respondents(coded):
    p = coded
    freq = {f.code.name: f for f in code_frequencies(p, EVERYONE)}
    assert freq["Lack of time"].code.respondents == 2      # R1, R3 (R3 twice)
    assert freq["Lack of time"].code.codings == 3
    assert freq["Barriers"].code.respondents == 0
    assert freq["Barriers"].code.respondents_with_children == 3
    assert freq["Lack of time"].denominator == 5
    assert freq["Lack of time"].percent == 40.0
    only_luis = {f.code.name: f.code.respondents
                 for f in code_frequencies(p, EVERYONE, coder_ids=(p.luis,))}
    assert only_luis == {"Barriers": 0, "Lack of time": 1, "Privacy": 1}
    fb = {f.code.name: f.code.respondents
          for f in code_frequencies(p, EVERYONE, question_ids=(find_question(p, "feedback"),))}
    assert fb["Lack of time"] == 1


def test_codebook_table_counts_and_inactive(coded):
    p = coded
    codebook.retire_code(p, p.privacy)
    active = {r["name"]: r for r in codebook_table(p, EVERYONE)}
    assert "Privacy" not in active and active["Lack of time"]["respondents"] == 2
    everything = {r["name"]: r for r in codebook_table(p, EVERYONE, include_inactive=True)}
    assert everything["Privacy"]["status"] == "retired" and everything["Privacy"]["codings"] == 1


def test_next_uncoded_goes_forward_then_wraps(coded):
    p = coded
    feedback = find_question(p, "feedback")
    ids = response_ids(p, EVERYONE, ResponseQuery(question_ids=(feedback,)))  # R1 … R5
    r3 = response_id(p, "R3")
    assert ids.index(r3) == 2
    assert next_uncoded(p, EVERYONE, p.maya, ids, 2, question_ids=(feedback,)) == 3
    assert next_uncoded(p, EVERYONE, p.maya, ids, 1, question_ids=(feedback,)) == 1
    assert next_uncoded(p, EVERYONE, p.maya, ids, 5, question_ids=(feedback,)) == 0  # wrapped
    assert next_uncoded(p, EVERYONE, p.maya, [r3], 0, question_ids=(feedback,)) is None
    assert next_uncoded(p, EVERYONE, p.luis, [r3], 0, question_ids=(feedback,)) == 0
    assert next_uncoded(p, EVERYONE, p.maya, [], 0) is None


def test_find_question_names_the_questions_or_the_ambiguity(surveyed, survey_csv):
    from post_coder.errors import NotFoundError
    from post_coder.importing import import_survey, inspect_file

    with pytest.raises(NotFoundError) as err:
        find_question(surveyed, "Q9")
    assert err.value.message == ('there is no open-ended question "Q9" (questions: '
                                 '"feedback", "suggestions")')
    plan = inspect_file(survey_csv).with_mapping(id_column="id", open_ended=["feedback"])
    import_survey(surveyed, plan, allow_duplicate=True)
    with pytest.raises(NotFoundError) as err:
        find_question(surveyed, "FEEDBACK")
    assert err.value.message == (
        '2 questions match "FEEDBACK": "feedback" (column "feedback", dataset "survey"); '
        '"feedback" (column "feedback", dataset "survey"). Rename the short label of one to '
        "tell them apart")


# -- the terms a search looks for, and where they are in a text (highlighting hits) ------------

def test_parse_search_reads_groups_prefixes_and_exclusions():
    assert parse_search('late OR "night shift" priv* -"free time" -x') == ParsedSearch(
        groups=((SearchTerm("late"), SearchTerm("night shift")), (SearchTerm("priv", True),)),
        excluded=(SearchTerm("free time"), SearchTerm("x")))
    with pytest.raises(InputError):
        parse_search("-only -excluded")


TEXT = "Peer-support calls at night; the PEER support line. Café time, timing! e-mail 🙂 privacy"


@pytest.mark.parametrize("search_text,hits", [
    ("peer", ["Peer", "PEER"]),                          # case folded, punctuation splits
    ('"peer support"', ["Peer-support", "PEER support"]),  # a phrase across punctuation
    ("tim*", ["time", "timing"]),                          # word starts
    ("cafe", ["Café"]),                                    # accents folded
    ("night OR nothing", ["night"]),
    ("time -timing", ["time"]),                            # excluded words never marked
    ("email", []),                                         # "e-mail" is two words
    ("e-mail", ["e-mail"]),
    ("privacy", ["privacy"]),                              # after an emoji: code points
    ("supp* line", ["support", "support", "line"]),
    ("", []),
    ("-night", []),                                        # nothing to look for
])
def test_search_spans_mark_what_the_search_looks_for(search_text, hits):
    assert [TEXT[s:e] for s, e in search_spans(TEXT, search_text)] == hits


def test_search_spans_are_sorted_and_merged():
    assert search_spans("a peer support b", '"peer support" support peer') == [(2, 14)]
    assert search_spans("night nights", "night*") == [(0, 5), (6, 12)]


@pytest.mark.parametrize("text", ["time", '"peer support"', "priva*", "privacy OR sleep",
                                  "cafe", "peer-support", "protected OR schedule", "sleep*"])
def test_a_response_has_hits_exactly_when_the_search_finds_it(coded, text):
    """The highlighting reads the search as the index runs it: the same responses (for a
    search of one term or one OR group)."""
    p = coded
    found = set(response_ids(p, EVERYONE, ResponseQuery(text=text)))
    every = response_rows(p, EVERYONE, response_ids(p, EVERYONE))
    assert found  # each search finds something, so the comparison means something
    assert {r.id for r in every if search_spans(r.text, text)} == found


def test_every_word_of_an_all_words_search_is_marked_in_what_it_finds(coded):
    p = coded
    [found] = response_rows(p, EVERYONE, response_ids(p, EVERYONE, ResponseQuery(
        text="protected time")))
    assert [found.text[s:e].lower() for s, e in search_spans(found.text, "protected time")] \
        == ["protected", "time"]
