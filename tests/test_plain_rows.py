"""A table without lines is drawn where ReportLab's Table drew it: every letter in the same place."""

from __future__ import annotations

from io import BytesIO

import pdfplumber
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.platypus import Flowable, SimpleDocTemplate, Table

from handouts.compose.markup import inline
from handouts.model import document as doc
from handouts.render.pdf.blocks import _plain_table
from handouts.render.pdf.plain_rows import PlainRows
from handouts.render.pdf.styles import Look, table_style

WORDS = st.lists(st.sampled_from(["Zoë", "Łukasz", "Nguyễn", "back", "pain", "a", "disc", "stage", "7", "December",
                                  "physical", "therapist", "(bulges)", "early,", "strong"]), min_size=1, max_size=40)


def _table(rows: list[list[str]]) -> doc.Table:
    return doc.Table(tuple(tuple(inline(cell) for cell in row) for row in rows))


def _as_reportlab_table(block: doc.Table, look: Look, width: float) -> Table:
    """The same rows as the ReportLab Table the handout used before (the reference)."""
    plain = _plain_table(block, look, width)
    rows = [[cell if cell is not None else "" for cell in row] for row in plain.rows]
    table = Table(rows, colWidths=plain.widths, hAlign="LEFT")
    table.setStyle(table_style([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                ("BOTTOMPADDING", (0, 0), (-1, -1), look.body_size * 0.2),
                                ("TOPPADDING", (0, 0), (-1, -1), 0)]))
    table.spaceAfter = plain.spaceAfter
    return table


def _letters(story: list[Flowable], look: Look) -> list[list[tuple[str, float, float]]]:
    buffer = BytesIO()
    SimpleDocTemplate(buffer, pagesize=look.pagesize).build(story)
    with pdfplumber.open(BytesIO(buffer.getvalue())) as pdf:
        return [[(c["text"], round(c["x0"], 2), round(c["top"], 2)) for c in page.chars] for page in pdf.pages]


@pytest.mark.parametrize("look", [Look(), Look(paper="a4", large_print=True)])
@settings(max_examples=15)  # each example writes and reads two PDFs
@given(rows=st.lists(st.lists(WORDS.map(" ".join), min_size=1, max_size=3), min_size=1, max_size=6))
def test_plain_rows_put_every_letter_where_the_table_did(look: Look, rows: list[list[str]]) -> None:
    block = _table(rows)
    width = look.frame_width
    ours = _letters([_plain_table(block, look, width)], look)
    theirs = _letters([_as_reportlab_table(block, look, width)], look)
    assert ours == theirs


def test_plain_rows_split_between_rows_as_the_table_did() -> None:
    look = Look()
    block = _table([[f"Row {n}", "a value long enough to wrap onto a second line of the cell " * 3]
                    for n in range(40)])
    width = look.frame_width
    ours = _letters([_plain_table(block, look, width)], look)
    theirs = _letters([_as_reportlab_table(block, look, width)], look)
    assert len(ours) > 1  # it had to split
    assert ours == theirs


def test_a_row_taller_than_the_room_left_is_not_split_inside() -> None:
    look = Look()
    rows = PlainRows([[None]], [100.0])
    assert rows.split(100, 10) == [rows] and rows.height == 0  # an empty row takes no room
    block = _table([["For", "**Zoë**"]])
    table = _plain_table(block, look, look.frame_width)
    assert table.split(look.frame_width, 5) == []
