"""A checklist week taller than a page (large print, leg pain, many exercises) is printed in parts.

Each part is kept whole under the day headings, later parts under the week's
"continued" title; every tick box and write-in cell is still in the layout map,
and a week takes two pages, never three, wherever on a page it starts.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from helpers import pdf_text
from pypdf import PdfReader
from reportlab.platypus import Spacer

from handouts.compose.document import compose
from handouts.model import HandoutRequest, Patient
from handouts.model.document import Checklist, HandoutDoc, Week
from handouts.model.options import PrintOptions
from handouts.render.pdf.checklist import Placements, TallWeek, checklist_grids
from handouts.render.pdf.pages import HandoutDocument
from handouts.render.pdf.styles import Look
from handouts.report.check import check_pdf
from handouts.rules.plan import make_plan
from handouts.run.handout import make_handout
from handouts.run.library import Library

TODAY = date(2026, 12, 2)


def _request(**changes: object) -> HandoutRequest:
    values: dict[str, object] = {
        "patient": Patient("p-tall", "Zoë Ñandú"), "diagnosis": "nonspecific", "phase": "maintenance",
        "start_date": date(2026, 12, 10), "large_print": True, "leg_pain": True, "language": "es",
    }
    values.update(changes)
    return HandoutRequest(**values)  # type: ignore[arg-type]


def _checklist(doc: HandoutDoc) -> Checklist:
    found = [block for block in doc.blocks if isinstance(block, Checklist)]
    assert len(found) == 1
    return found[0]


def _doc(library: Library, request: HandoutRequest) -> HandoutDoc:
    plan = make_plan(request, library.dataset)
    return compose(plan, library.templates(plan.language), today=TODAY, kind="checklist")


def _rows_by_page(placements: Placements, week: int, days: set[date]) -> dict[int, set[tuple[str, str]]]:
    """The grid rows of ``week`` drawn on each page: its ticked rows, and its notes."""
    rows: dict[int, set[tuple[str, str]]] = defaultdict(set)
    for box in placements.boxes:
        if box.date in days:
            rows[box.page].add((box.kind, box.exercise_id))
    for cell in placements.cells:
        if cell.week == week and cell.kind == "notes":
            rows[cell.page].add(("notes", ""))
    return rows


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_a_tall_week_is_printed_in_two_whole_parts_and_every_box_is_mapped(library: Library, tmp_path: Path,
                                                                          paper: str) -> None:
    request = _request(paper=paper)
    doc = _doc(library, request)
    weeks = _checklist(doc).weeks
    handout = make_handout(request, library=library, options=PrintOptions(kind="checklist", today=TODAY,
                                                                          use_cover=False))
    path = tmp_path / "tall.pdf"
    path.write_bytes(handout.pdf)

    report = check_pdf(path, safety_phrases=library.templates("es").labels["safety_phrases"], page_targets=False)
    kept = report.measure("weeks kept whole")
    assert kept.ok, kept
    assert "week-1, week-2 taller than a page" in kept.value
    assert report.measure("QR and markers clear").ok
    blocks = {b.name: b for b in report.layout.blocks}  # type: ignore[union-attr]
    assert [blocks[f"week-{w.number}"].last_page - blocks[f"week-{w.number}"].first_page for w in weeks] == [1, 1]

    text = pdf_text(handout.pdf)
    assert "Semana 1 (continuación)" in text and "Semana 2 (continuación)" in text

    # Every box of every week is in the map once, on the page its part was drawn on; each week's
    # notes and pain-score cells too (a part split by the table itself would have lost them).
    layout = handout.layout
    expected = sorted((b.exercise_id, b.date, b.session, b.kind) for w in weeks for b in w.boxes())
    assert sorted((b.exercise_id, b.date, b.session, b.kind) for b in layout.boxes) == expected
    assert sorted(c.week for c in layout.cells if c.kind == "notes") == [1, 2]
    assert len([c for c in layout.cells if c.kind in ("pain", "leg_pain")]) == 2 * 7 * len(weeks)
    for box in layout.boxes:
        week = next(w for w in weeks if box.date in {d.date for d in w.days})
        assert box.page in (blocks[f"week-{week.number}"].first_page, blocks[f"week-{week.number}"].last_page)


def test_a_week_that_fits_a_page_is_never_printed_in_parts(library: Library) -> None:
    look_of = {large: Look(paper="letter", large_print=large) for large in (False, True)}
    for large, leg_pain in ((False, True), (True, False)):
        doc = _doc(library, _request(large_print=large, leg_pain=leg_pain, language="en"))
        made = checklist_grids(_checklist(doc), look_of[large], Placements())
        assert not [f for f in made if isinstance(f, TallWeek)], (large, leg_pain)


def _place_after(height: float, week: Week, look: Look) -> tuple[HandoutDocument, Placements]:
    """One tall week laid out under ``height`` points of other content."""
    placements = Placements()
    document = HandoutDocument(BytesIO(), look, title="t", author="a")
    document.build([Spacer(1, height), *checklist_grids(Checklist((week,)), look, placements)])
    return document, placements


def test_wherever_a_tall_week_starts_it_takes_two_pages_and_no_part_is_a_lone_row(library: Library) -> None:
    doc = _doc(library, _request())
    week = _checklist(doc).weeks[0]
    look = Look.of(doc.setup)
    made = checklist_grids(Checklist((week,)), look, Placements())
    assert [type(f) for f in made] == [TallWeek]
    days = {d.date for d in week.days}
    rows = len(week.rows)
    for height in range(0, int(look.frame_height), 23):
        document, placements = _place_after(height, week, look)
        marks = {m.name: m.page for m in document.marks}
        assert marks["week-1-end"] - marks["week-1-start"] == 1, height  # two pages, never three
        by_page = _rows_by_page(placements, 1, days)
        assert sorted(len(r) for r in by_page.values()) and sum(len(r) for r in by_page.values()) == rows, height
        assert min(len(r) for r in by_page.values()) >= TallWeek.MIN_LINES, (height, dict(by_page))
        assert len(by_page) == 2, height
        # back pain and leg pain are ticked together: never split between them
        assert any({("pain", "pain"), ("leg_pain", "leg_pain")} <= rows for rows in by_page.values()), height


def test_the_checklist_heading_and_instructions_go_with_the_first_part_of_a_tall_week(library: Library) -> None:
    """They ended the page before, the instructions split mid-sentence (Spanish, A4, large print)."""
    request = _request(paper="a4")
    handout = make_handout(request, library=library, options=PrintOptions(today=TODAY, use_cover=False))
    reader = PdfReader(BytesIO(handout.pdf))
    section = next(item for item in reader.outline if item.title == "Su registro de cada semana")
    heading_page = reader.get_destination_page_number(section)
    week_page = reader.get_destination_page_number(reader.named_destinations["week-1-start"])
    assert heading_page == week_page
    instructions = " ".join(reader.pages[heading_page].extract_text().split())
    assert "Marque una casilla" in instructions and "Traiga estas hojas a su próxima cita" in instructions


def test_old_templates_without_the_continued_title_repeat_the_weeks_own(library: Library) -> None:
    templates = library.templates("en")
    grid = {k: v for k, v in templates.labels["grid"].items() if k != "week_continued"}
    older = dataclasses.replace(templates, labels={**templates.labels, "grid": grid})
    plan = make_plan(_request(language="en"), library.dataset)
    week = _checklist(compose(plan, older, today=TODAY, kind="checklist")).weeks[0]
    assert week.continued == week.title
    assert _checklist(compose(plan, templates, today=TODAY, kind="checklist")).weeks[0].continued == "Week 1 (continued)"
