import csv

import pytest

from post_coder.coding import codebook
from post_coder.coding.codebook_io import export_codebook_csv, import_codebook_csv
from post_coder.errors import InputError


def _write(tmp_path, text, name="codebook.csv"):
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    return f


def test_import_with_parents_in_any_order_then_export_round_trip(project, tmp_path):
    f = _write(tmp_path, "name,parent,definition,color\n"
                         "Lack of time,Barriers,No time to meet,#112233\n"
                         "Barriers,,What keeps people away,\n"
                         "Stigma,Barriers,,\n")
    changes = import_codebook_csv(project, f)
    assert len(changes.created) == 3 and changes.codes
    codes = {c.name: c for c in codebook.list_codes(project)}
    assert codes["Lack of time"].parent_id == codes["Barriers"].id
    assert codes["Lack of time"].color == "#112233"
    out = tmp_path / "out.csv"
    assert export_codebook_csv(project, out) == 3
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = {r["name"]: r for r in csv.DictReader(fh)}
    assert rows["Lack of time"]["parent"] == "Barriers"
    assert rows["Barriers"]["definition"] == "What keeps people away"
    # the exported file imports into another project unchanged
    from post_coder.project import Project
    other = Project.create(tmp_path / "other.postcoder")
    try:
        import_codebook_csv(other, out)
        assert {c.name for c in codebook.list_codes(other)} == set(codes)
    finally:
        other.close()


def test_parent_already_in_codebook(project, tmp_path):
    codebook.add_code(project, "Barriers")
    import_codebook_csv(project, _write(tmp_path, "name,parent\nTime,barriers\n"))
    assert codebook.find_code(project, "Time").parent_id == codebook.find_code(
        project, "Barriers").id


@pytest.mark.parametrize("body,msg", [
    ("label,parent\nX,\n", "needs the column name; missing: name"),
    ("name,parent\n", "has no codes"),
    ("name,parent\nA,\n,\n", 'row 3, column "name": the code name is empty'),
    ("name,parent\nA,\na,\n", "listed twice (also row 2)"),
    ("name,parent\nA,Nowhere\n", 'row 2, column "parent"'),
    ("name,parent\nA,B\nB,A\n", "inside itself"),
    ("name,color\nA,blue\n", "not a color"),
])
def test_bad_codebook_files_change_nothing(project, tmp_path, snapshot, body, msg):
    before = snapshot(project)
    with pytest.raises(InputError) as err:
        import_codebook_csv(project, _write(tmp_path, body))
    assert msg in str(err.value) and "codebook.csv" in str(err.value)
    assert snapshot(project) == before


def test_existing_name_is_an_error_naming_the_row(project, tmp_path):
    codebook.add_code(project, "Stigma")
    with pytest.raises(InputError, match='row 3, column "name": there is already a code'):
        import_codebook_csv(project, _write(tmp_path, "name\nNew\nstigma\n"))
    assert [c.name for c in codebook.list_codes(project)] == ["Stigma"]


def test_not_utf8_and_missing_file(project, tmp_path):
    f = tmp_path / "codebook.csv"
    f.write_bytes("name\nCaf\xe9\n".encode("cp1252"))
    with pytest.raises(InputError, match="not UTF-8"):
        import_codebook_csv(project, f)
    with pytest.raises(InputError, match="no such file"):
        import_codebook_csv(project, tmp_path / "nope.csv")
