"""The layout map a render returns: every tick box where a square is drawn, and what it records."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from io import BytesIO

import pdfplumber
import pytest

from handouts.run.handout import make_handout

TOLERANCE = 0.5  # points


@pytest.fixture(scope="module")
def drawn(library):  # type: ignore[no-untyped-def]
    from conftest import START, UNICODE_NAME

    from handouts.model import HandoutRequest, Patient

    # 2 sessions a day for the hamstring stretch, walking, and a cover in front (1 page)
    request = HandoutRequest(patient=Patient("p-map", UNICODE_NAME), diagnosis="nonspecific", phase="subacute",
                             start_date=START, weeks=2)
    return make_handout(request, library=library)


def _squares(page: pdfplumber.page.Page) -> list[tuple[float, float, float, float]]:
    """Every drawn rectangle as (x, y from the bottom, width, height)."""
    return [(r["x0"], page.height - r["bottom"], r["width"], r["height"]) for r in page.rects]


def test_every_box_in_the_map_is_a_drawn_square(drawn) -> None:  # type: ignore[no-untyped-def]
    assert drawn.cover_pages == 1
    with pdfplumber.open(BytesIO(drawn.pdf)) as pdf:
        squares = {number: _squares(page) for number, page in enumerate(pdf.pages, start=1)}
        for box in drawn.layout.boxes:
            r = box.rect
            assert any(abs(x - r.x) < TOLERANCE and abs(y - r.y) < TOLERANCE and abs(w - r.width) < TOLERANCE
                       and abs(h - r.height) < TOLERANCE for x, y, w, h in squares[box.page]), box
        # and no tick-box-sized square is drawn that the map does not know
        size = drawn.layout.boxes[0].rect.width
        mapped = Counter(box.page for box in drawn.layout.boxes)
        drawn_boxes = Counter(n for n, found in squares.items() for _, _, w, h in found
                              if abs(w - size) < TOLERANCE and abs(h - size) < TOLERANCE)
        assert drawn_boxes == mapped


def test_each_box_records_its_exercise_day_and_session(drawn) -> None:  # type: ignore[no-untyped-def]
    plan = drawn.plan
    ticked = [p for p in plan.exercises if p.exercise.kind != "aerobic"]
    days = [plan.request.start_date + timedelta(days=i) for i in range(7 * plan.request.weeks)]
    expected = {(p.id, day, session) for p in ticked for day in days for session in range(1, p.dose.times_a_day + 1)}
    recorded = [(b.exercise_id, b.date, b.session) for b in drawn.layout.boxes if b.kind == "exercise"]
    assert len(recorded) == len(set(recorded)) == len(expected)
    assert set(recorded) == expected
    assert any(session == 2 for _, _, session in recorded)  # the twice-a-day stretches
    # walking in 10-minute blocks, and back pain ticked better, same or worse, every day
    others = Counter((b.kind, b.value) for b in drawn.layout.boxes if b.kind != "exercise")
    blocks = {value for kind, value in others if kind == "walking"}
    assert blocks and all(others["walking", b] == len(days) for b in blocks)
    assert {v: others["pain", v] for v in ("better", "same", "worse")} == dict.fromkeys(("better", "same", "worse"), len(days))


def test_boxes_sit_in_their_exercise_row_and_day_column(drawn) -> None:  # type: ignore[no-untyped-def]
    language = drawn.plan.language
    names = {p.id: p.exercise.words(language).name for p in drawn.plan.exercises}
    with pdfplumber.open(BytesIO(drawn.pdf)) as pdf:
        for box in drawn.layout.boxes:
            if box.kind != "exercise":
                continue
            page = pdf.pages[box.page - 1]
            middle = page.height - (box.rect.y + box.rect.height / 2)  # from the top, as pdfplumber counts
            words = page.extract_words()
            # the row: the exercise's name starts on a line level with the box's row
            row_words = [w for w in words if w["x1"] < box.rect.x and abs(w["top"] - middle) < 40]
            assert names[box.exercise_id].split()[0] in " ".join(w["text"] for w in row_words), box
            # the column: the day's number heads the column (between two vertical rules) the box sits in
            rules = sorted({line["x0"] for line in page.lines if abs(line["x0"] - line["x1"]) < 0.1})
            left = max(x for x in rules if x <= box.rect.x)
            right = min(x for x in rules if x >= box.rect.x + box.rect.width)
            heads = [w for w in words if w["text"] == str(box.date.day) and w["top"] < middle
                     and left < w["x0"] and w["x1"] < right]
            assert heads, box


def test_write_in_cells_for_the_pain_score_and_notes(drawn) -> None:  # type: ignore[no-untyped-def]
    cells = drawn.layout.cells
    weeks = drawn.plan.request.weeks
    assert Counter(c.kind for c in cells) == {"pain": 7 * weeks, "notes": weeks}
    for cell in cells:
        assert cell.page > drawn.cover_pages and cell.rect.width > 0 and cell.rect.height > 0
    pain = sorted((c for c in cells if c.kind == "pain" and c.week == 1), key=lambda c: c.rect.x)
    assert [c.date for c in pain] == sorted(c.date for c in pain)
    # the score is written beside the day's three pain boxes, right of them and level with them
    for cell in pain:
        boxes = [b for b in drawn.layout.boxes if b.kind == "pain" and b.date == cell.date]
        assert len(boxes) == 3
        assert all(b.rect.x + b.rect.width < cell.rect.x for b in boxes)
        assert all(cell.rect.y <= b.rect.y and b.rect.y + b.rect.height <= cell.rect.y + cell.rect.height for b in boxes)


@pytest.mark.parametrize("fast", ["1", "0"])
def test_a_cover_in_front_moves_every_box_cell_and_sheet_but_not_the_qr_page(library, request_for, fast: str,  # type: ignore[no-untyped-def]
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The map counts the finished file's pages (the QR counts the body's): with a cover of n pages every
    box, cell and sheet is n pages later than without it, and each sheet's QR page is its body page."""
    from dataclasses import replace

    from handouts.model.options import PrintOptions

    monkeypatch.setenv("HANDOUTS_FAST_PATH", fast)
    request = request_for(weeks=2)
    with_cover = make_handout(request, library=library, options=PrintOptions(document_id="ABCDEFGHJK"))
    without = make_handout(request, library=library, options=PrintOptions(document_id="ABCDEFGHJK", use_cover=False))
    n = with_cover.cover_pages
    assert n >= 1 and without.cover_pages == 0 and with_cover.pages == without.pages + n
    assert with_cover.layout.boxes == tuple(replace(b, page=b.page + n) for b in without.layout.boxes)
    assert with_cover.layout.cells == tuple(replace(c, page=c.page + n) for c in without.layout.cells)
    assert [(s.page, s.qr_page) for s in with_cover.layout.sheets] == [
        (s.page + n, s.page) for s in without.layout.sheets]
    assert {b.page for b in with_cover.layout.boxes} == {s.page for s in with_cover.layout.sheets}


def _json_module_layout(record: dict[str, object]) -> bytes:
    """The layout JSON as the json module writes it, a dictionary at a time: what ``layout_json``
    wrote before it wrote the boxes' lines itself, kept as the reference it must equal."""
    import json

    lines = ["{"]
    items = list(record.items())
    for index, (key, value) in enumerate(items):
        comma = "," if index < len(items) - 1 else ""
        if isinstance(value, list) and value and isinstance(value[0], dict):
            inner = ",\n".join("    " + json.dumps(v, ensure_ascii=False) for v in value)
            lines.append(f"  {json.dumps(key)}: [\n{inner}\n  ]{comma}")
        else:
            lines.append(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}{comma}")
    lines.append("}")
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.mark.parametrize("changes", [
    pytest.param({}, id="letter"),
    pytest.param({"paper": "a4", "leg_pain": True, "diagnosis": "herniated-disc", "phase": "acute"}, id="a4-leg-pain"),
    pytest.param({"large_print": True, "language": "es"}, id="large-spanish"),
])
def test_the_layout_json_is_the_record_as_the_json_module_writes_it(library, changes) -> None:  # type: ignore[no-untyped-def]
    import dataclasses
    import json

    from conftest import START

    from handouts.model import HandoutRequest, Patient
    from handouts.model.layout import layout_from_record, layout_record
    from handouts.run.layout_file import layout_json

    request = dataclasses.replace(HandoutRequest(
        patient=Patient("p-json", 'Zoë "Ñandú" \\ Nguyễn'), diagnosis="nonspecific", phase="subacute",
        start_date=START, weeks=2), **changes)
    layout = make_handout(request, library=library).layout
    assert layout.boxes and layout.cells and any(c.date is None for c in layout.cells)
    record = layout_record(layout, patient_id='p-"json" ✓', kind="handout")
    written = layout_json(layout, patient_id='p-"json" ✓', kind="handout")
    assert written == _json_module_layout(record)
    assert json.loads(written) == record
    assert layout_from_record(json.loads(written)) == layout_from_record(record)
