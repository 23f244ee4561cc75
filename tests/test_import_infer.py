"""Column types, levels, non-answers, the open-ended suggestion and a person's mapping."""

from __future__ import annotations

import pytest

from import_helpers import ANSWERS, csv_text, write
from post_coder.errors import InputError
from post_coder.importing import inspect_file
from post_coder.importing.infer import profile
from post_coder.importing.scales import ordinal_levels
from post_coder.importing.values import BLANK, NONANSWER, ANSWER, kind, parse_number


@pytest.mark.parametrize("cell", ["", "   ", "\t\n"])
def test_blank_cells(cell):
    assert kind(cell) == BLANK


@pytest.mark.parametrize("cell", ["N/A", "n/a", "NA", "-", "--", ".", "none", "None", "NONE.",
                                  "nothing", "Nothing!", "no comment", "No comments.", "nil",
                                  "n.a.", "  n/a  ", "...", "?"])
def test_non_answers(cell):
    assert kind(cell) == NONANSWER


@pytest.mark.parametrize("cell", ["No", "nothing else to add, it was great", "None of the staff",
                                  "NAb", "0", "I have no comment on parking but the food was"
                                  " cold"])
def test_real_answers(cell):
    assert kind(cell) == ANSWER


def test_profile_counts():
    p = profile(["a long answer", "", " ", "N/A", "none", "a long answer", "other"])
    assert (p.n_answers, p.n_blank, p.n_nonanswer, p.n_unique) == (3, 2, 2, 2)
    assert p.sample == ["a long answer", "other"]


def test_numbers():
    assert parse_number("42") == 42 and isinstance(parse_number("42"), int)
    assert parse_number("-3.25") == -3.25
    assert parse_number("1e3") == 1000.0
    assert parse_number("007") is None           # codes keep their zeros
    assert parse_number("3,5") is None
    assert parse_number("3,5", decimal_comma=True) == 3.5
    assert parse_number("12 apples") is None


@pytest.mark.parametrize("values, expected", [
    (["Agree", "Strongly disagree", "Neither agree nor disagree", "Strongly agree"],
     ["Strongly disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]),
    (["Satisfied", "very dissatisfied", "Very satisfied"],
     ["very dissatisfied", "Satisfied", "Very satisfied"]),
    (["Likely", "Very unlikely", "Extremely likely", "Neutral"],
     ["Very unlikely", "Neutral", "Likely", "Extremely likely"]),
    (["Very helpful", "Not at all helpful", "Somewhat helpful"],
     ["Not at all helpful", "Somewhat helpful", "Very helpful"]),
    (["Good", "Excellent", "Poor", "Fair"], ["Poor", "Fair", "Good", "Excellent"]),
    (["Always", "Never", "Sometimes", "Rarely", "Often"],
     ["Never", "Rarely", "Sometimes", "Often", "Always"]),
    (["3 - Neutral", "1 - Awful", "5 - Superb"], ["1 - Awful", "3 - Neutral", "5 - Superb"]),
])
def test_known_scales_are_ordinal(values, expected):
    assert ordinal_levels(values) == expected


@pytest.mark.parametrize("values", [["Yes", "No"], ["Red", "Blue"], ["10:10:10", "23:10:10"]])
def test_not_scales(values):
    assert ordinal_levels(values) is None


def typed_file(tmp_path):
    rows = [["id", "yesno", "likert", "score", "when", "channels", "dept", "comment", "code"]]
    agree = ["Agree", "Disagree", "Strongly agree", "Neither agree nor disagree"]
    channels = ["Email;Phone", "Phone", "Email;Web", "Web;Phone", "Email", "Phone;Email"]
    for i in range(12):
        rows.append([str(i + 1), ["Yes", "No"][i % 2], agree[i % 4], str(i * 1.5),
                     f"2024-01-{i + 1:02d}", channels[i % 6], ["A", "B", "C"][i % 3],
                     ANSWERS[i % 8] + f" ({i})" if i < 10 else "N/A", f"0{i % 3}"])
    return write(tmp_path, "typed.csv", csv_text(rows))


def test_inferred_types(tmp_path):
    plan = inspect_file(typed_file(tmp_path))
    types = {c.name: c.type for c in plan.columns}
    assert types == {"id": "numeric", "yesno": "categorical", "likert": "ordinal",
                     "score": "numeric", "when": "date", "channels": "multi_select",
                     "dept": "categorical", "comment": "text", "code": "categorical"}
    assert plan.column("yesno").levels == ["No", "Yes"]
    assert plan.column("channels").levels == ["Email", "Phone", "Web"]
    assert plan.column("code").levels == ["00", "01", "02"]
    comment = plan.column("comment")
    assert (comment.n_answers, comment.n_nonanswer, comment.n_blank) == (10, 2, 0)
    assert comment.role == "open_ended" and comment.sample[0].startswith("The staff")
    assert plan.open_ended == ["comment"]
    assert set(plan.attributes) == {"yesno", "likert", "score", "when", "channels", "dept", "code"}


def test_short_labels_are_never_open_ended(tmp_path):
    rows = [["id", "colour", "comment"]]
    rows += [[str(i), ["Red", "Green", "Blue"][i % 3], ANSWERS[i % 8]] for i in range(30)]
    plan = inspect_file(write(tmp_path, "c.csv", csv_text(rows)))
    assert plan.column("colour").role == "attribute"
    assert plan.open_ended == ["comment"]


# -- with_mapping ---------------------------------------------------------------------------------

def test_with_mapping_roles_and_types(tmp_path):
    plan = inspect_file(typed_file(tmp_path))
    mapped = plan.with_mapping(id_column=None, open_ended=["comment", "dept"],
                               attributes=["likert", "id"], types={"likert": "categorical"})
    assert mapped.id_column is None
    assert mapped.open_ended == ["dept", "comment"]          # file order
    assert mapped.attributes == ["id", "likert"]
    assert mapped.column("yesno").role == "skip"
    assert mapped.column("likert").type == "categorical"
    assert mapped.column("likert").levels == ["Agree", "Disagree", "Neither agree nor disagree",
                                              "Strongly agree"]
    assert plan.column("likert").type == "ordinal"            # the original plan is untouched
    kept = plan.with_mapping(open_ended=["dept"])
    assert kept.id_column == plan.id_column
    assert "comment" not in kept.open_ended and "likert" in kept.attributes


def test_with_mapping_types_recompute_levels(tmp_path):
    plan = inspect_file(typed_file(tmp_path)).with_mapping(types={"dept": "ordinal",
                                                                  "yesno": "text"})
    assert plan.column("dept").levels == ["A", "B", "C"]
    assert plan.column("yesno").levels == []


@pytest.mark.parametrize("mapping, column, match", [
    ({"open_ended": ["coment"]}, "coment", r'no column "coment".*did you mean "comment"'),
    ({"attributes": ["DEPT"]}, "DEPT", r'did you mean "dept"'),
    ({"id_column": "respondent"}, "respondent", r'no column "respondent".*the columns are "id"'),
    ({"types": {"zzz": "numeric"}}, "zzz", r'no column "zzz"'),
    ({"types": {"dept": "number"}}, "dept", r'"number" is not a column type'),
    ({"open_ended": ["comment"], "attributes": ["comment"]}, "comment", "both open-ended"),
    ({"id_column": "id", "open_ended": ["id"]}, "id", "respondent id; it cannot also be"),
])
def test_with_mapping_refuses_bad_columns(tmp_path, mapping, column, match):
    plan = inspect_file(typed_file(tmp_path))
    with pytest.raises(InputError, match=match) as err:
        plan.with_mapping(**mapping)
    assert err.value.column == column
    assert "typed.csv" in str(err.value)


def test_group_option_column_is_explained(tmp_path):
    rows = [["record_id", "c___1", "c___2", "notes"]]
    rows += [[str(i), "1", "0", ANSWERS[i]] for i in range(4)]
    plan = inspect_file(write(tmp_path, "r.csv", csv_text(rows)))
    with pytest.raises(InputError, match='one option of the multi-select question "c"'):
        plan.with_mapping(attributes=["c___1"])
    with pytest.raises(InputError, match="multi-select question made of 2 columns"):
        plan.with_mapping(open_ended=["c"])


def test_describe(tmp_path):
    plan = inspect_file(typed_file(tmp_path))
    text = plan.describe()
    assert "File: typed.csv" in text
    assert "Format: CSV, comma-delimited, encoding utf-8" in text
    assert "Rows: 12 respondents" in text
    assert 'Respondent id: column "id"' in text
    assert "levels: Disagree < Neither agree nor disagree < Agree < Strongly agree" in text
    assert "Open-ended questions to code: comment" in text
    line = next(line for line in text.splitlines() if line.endswith("  comment"))
    assert line.split()[:5] == ["open-ended", "text", "10", "0", "2"]
    none = plan.with_mapping(id_column=None, open_ended=[]).describe()
    assert "none (respondents are numbered by row)" in none
    assert "choose one with --open-ended COLUMN" in none


def test_describe_warns_about_duplicate_ids(tmp_path):
    rows = [["id", "comment"], ["1", ANSWERS[0]], ["2", ANSWERS[1]], ["1", ANSWERS[2]]]
    plan = inspect_file(write(tmp_path, "dup.csv", csv_text(rows)))
    assert plan.warnings and 'respondent id "1" appears twice' in plan.warnings[0]
    assert "Warning:" in plan.describe()
    assert plan.with_mapping(id_column=None).warnings == []
