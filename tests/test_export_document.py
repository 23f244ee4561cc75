"""The format-neutral document model every exporter builds."""

import pytest

from post_coder.export.document import Column, Document, Figure, Heading, Row, Table


def test_a_row_must_fill_the_columns_except_a_heading_row():
    cols = (Column("Theme"), Column("n (%)", "percent"))
    Table("Themes", cols, (Row(("Effectiveness",), "heading"), Row(("Burnout", 0.5))))
    with pytest.raises(ValueError, match="row 2 of table 'Themes' has 1 cells for 2 columns"):
        Table("Themes", cols, (Row(("a", 1)), Row(("b",))))


def test_plain_tables_and_document_order(tmp_path):
    t1 = Table.plain("First", ["a", "b"], [[1, 2]], notes=["n = 2"])
    t2 = Table.plain("Second", ["c"], [["x"], ["y"]])
    fig = Figure("A figure", tmp_path / "f.png")
    doc = Document("Report").add(Heading("Results"), t1, fig, t2)
    assert doc.tables() == [t1, t2]
    assert doc.figures() == [fig]
    assert t1.columns[0].format == "text" and t1.rows[0].cells == (1, 2)
    assert t1.notes == ("n = 2",)
