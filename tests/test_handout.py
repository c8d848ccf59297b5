"""Real handouts, read back from the PDF: text, pages, fonts, sizes, metadata, bookmarks."""

from __future__ import annotations

import dataclasses
from io import BytesIO

import pdfplumber
import pytest
from conftest import START
from helpers import page_count, pdf_text
from pypdf import PdfReader

from handouts.compose.document import compose
from handouts.model.options import PrintOptions
from handouts.render.pdf.build import render
from handouts.render.pdf.fonts import has_glyph
from handouts.render.pdf.styles import MARGIN
from handouts.report.check import check_pdf
from handouts.rules.plan import make_plan
from handouts.run.handout import make_handout


@pytest.fixture(scope="module")
def maintenance(library):  # type: ignore[no-untyped-def]
    from datetime import date

    from handouts.model import HandoutRequest, Patient

    request = HandoutRequest(patient=Patient("p-001", "Zoë Łukasz Nguyễn Ñandú"), diagnosis="nonspecific",
                             phase="maintenance", start_date=date(2026, 12, 7), clinician="Ana Ruiz",
                             notes="Walk <b>every</b> day & rest.\nSecond line.")
    return make_handout(request, library=library, options=PrintOptions(today=date(2026, 11, 25)))


def test_a_checklist_alone_gets_a_cover_only_when_one_is_named(library, request_for) -> None:  # type: ignore[no-untyped-def]
    """The clinic's cover introduces the exercise pages ("Inside you will find the exercises..."): a
    checklist made through the library has none unless asked, as on the command line and the web."""
    request = request_for()
    assert make_handout(request, library=library, options=PrintOptions(kind="checklist")).cover_pages == 0
    cover = library.dataset.clinic(None).covers["en"]
    named = make_handout(request, library=library, options=PrintOptions(kind="checklist", cover=cover))
    assert named.cover_pages == 1
    assert make_handout(request, library=library).cover_pages == 1  # a handout: the clinic's own


def test_acute_herniated_disc_has_cover_and_no_strengthening(library, request_for) -> None:  # type: ignore[no-untyped-def]
    handout = make_handout(request_for(diagnosis="herniated-disc", phase="acute"), library=library)
    assert handout.cover_pages == 1
    assert page_count(handout.pdf) == handout.pages
    text = pdf_text(handout.pdf)
    assert "Lying face down on elbows" in text and "Standing back bend" in text
    for exercise in library.dataset.exercises.values():
        if exercise.kind == "strengthen":
            assert exercise.words("en").name not in text
    assert "your exercises are stretches and short walks" in text  # walking is part of every acute plan
    assert "Keep moving." in text and "Try not to rest in bed." in text  # stretches only is not rest
    assert "Heat or ice may ease the pain" in text and "pharmacist" in text
    assert "Walking" not in pdf_text(handout.pdf, slice(1, 3))


def test_text_names_patient_diagnosis_exercises_and_doses(maintenance) -> None:  # type: ignore[no-untyped-def]
    text = pdf_text(maintenance.pdf)
    assert "Zoë Łukasz Nguyễn Ñandú" in text
    assert "Made for low back pain" in text
    assert "It is for you alone" in text
    for phrase in [
        "1. Lying face down on elbows", "Hold 30 seconds, then build up to 3 minutes", "How often 3 times a day",
        "2. Both knees to chest", "Hold 20 seconds Repeat 3 times How often 2 times a day",
        "Hamstring stretch", "Hold 1 minute Repeat 2 times on each side How often 2 times a day",
        "Plank on elbows", "Hold 10 seconds, then build up to 1 minute",
        "Bridge", "Hold 5 seconds Repeat 10 times, rest, then do 10 more",
        "Walking", "Walk 10 minutes at first, then slowly build up to 30 minutes",
    ]:
        assert phrase in text, phrase


def test_safety_notes_and_contacts_are_printed(maintenance) -> None:  # type: ignore[no-untyped-def]
    text = pdf_text(maintenance.pdf)
    for phrase in [
        "Go to a hospital emergency department now, or call 911, if you have any of these",
        "cauda equina syndrome", "control your bladder or bowels",
        "around your bottom or on your inner thighs", "sexual function",
        "Red: stop and call us if pain spreads further down your leg", "See a doctor soon",
        "one leg getting weaker", "a fever", "after a fall or an injury", "weight loss you cannot explain",
        "new or changed back pain and you have had cancer", "very bad pain at night",
        "555-0142", "555-0199",
    ]:
        assert phrase in text, phrase


def test_checklist_has_real_dates_and_its_rows(library, request_for) -> None:  # type: ignore[no-untyped-def]
    handout = make_handout(request_for(weeks=3), library=library, options=PrintOptions(use_cover=False))
    reader = PdfReader(BytesIO(handout.pdf))
    pages = [" ".join((p.extract_text() or "").split()) for p in reader.pages]
    week = {n: [i for i, t in enumerate(pages) if f"Week {n}: {dates}" in t]
            for n, dates in ((1, "Mon 7 Dec to Sun 13 Dec"), (2, "Mon 14 Dec to Sun 20 Dec"),
                             (3, "Mon 21 Dec to Sun 27 Dec"))}
    assert [len(found) for found in week.values()] == [1, 1, 1]
    # week 1 comes with the checklist's heading and words; each week of this plan fills its own page
    assert week[1][0] < week[2][0] < week[3][0]
    grid = pages[week[2][0]]
    for label in ["Mon 14", "Tue 15", "Sun 20", "Walking a box for each 10 minutes",
                  "Back pain", "write 0 to 10 beside", "better", "same", "worse",
                  "Lying face down on elbows 3 times a day", "Bridge 1 time a day", "Notes:"]:
        assert label in grid, label


def test_tick_boxes_match_times_a_day(maintenance) -> None:  # type: ignore[no-untyped-def]
    with pdfplumber.open(BytesIO(maintenance.pdf)) as pdf:
        page = next(p for p in pdf.pages if "Week 1:" in (p.extract_text() or ""))
        squares = [r for r in page.rects if abs(r["width"] - r["height"]) < 0.5 and 10 < r["width"] < 20
                   and not r["fill"]]  # the side markers are filled squares
    # elbows 3, knee-to-chest 2, hamstring 2, plank 1, bridge 1: 9 boxes a day, 7 days; then walking's
    # 10-minute blocks and back pain's better, same and worse
    blocks = max(b.session for b in maintenance.layout.boxes if b.kind == "walking")
    assert len(squares) == (9 + blocks + 3) * 7


def test_weeks_option_sets_the_number_of_grids(library, request_for) -> None:  # type: ignore[no-untyped-def]
    text = pdf_text(make_handout(request_for(weeks=3), library=library, options=PrintOptions(use_cover=False)).pdf)
    assert "Week 3: Mon 21 Dec to Sun 27 Dec" in text and "Week 4" not in text


def test_every_font_is_embedded_and_text_is_at_least_12pt(maintenance) -> None:  # type: ignore[no-untyped-def]
    reader = PdfReader(BytesIO(maintenance.pdf))
    fonts = {}
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant.get("/FontDescriptor")
            fonts[font["/BaseFont"]] = descriptor is not None and any(
                k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert fonts and all(fonts.values()), fonts
    with pdfplumber.open(BytesIO(maintenance.pdf)) as pdf:
        # The content edition, small in the bottom margin under the footer, is for the clinic, not the patient.
        sizes = [c["size"] for page in pdf.pages[1:] for c in page.chars
                 if c["text"].strip() and c["top"] < page.height - MARGIN]
        edition = {c["size"] for page in pdf.pages[1:] for c in page.chars if c["top"] >= page.height - MARGIN}
    assert min(sizes) >= 12
    assert edition and min(edition) >= 8


def test_every_character_of_patient_data_has_a_glyph() -> None:
    for text in ["Zoë Łukasz Nguyễn Ñandú", "Søren Ørsted-Ågren", "Đặng Thị Ngọc Ánh", "Renée O'Connor-Müller"]:
        missing = [c for c in text if not has_glyph(c)]
        assert not missing, missing


def test_markup_in_patient_text_prints_literally(library, request_for) -> None:  # type: ignore[no-untyped-def]
    from handouts.model import Patient

    name = 'Ann <font color="red">&amp; <a href="http://x">Bo</a>'
    notes = "Use <b>ice</b> & rest < 3 days; **not bold**"
    handout = make_handout(request_for(patient=Patient("p-2", name), notes=notes), library=library, options=PrintOptions(use_cover=False))
    text = pdf_text(handout.pdf)
    assert name in text
    assert notes in text


def test_metadata_is_neutral_unless_asked(library, request_for, maintenance) -> None:  # type: ignore[no-untyped-def]
    metadata = PdfReader(BytesIO(maintenance.pdf)).metadata
    assert metadata["/Title"] == "Home exercise plan"  # the same word in US and British English
    assert metadata["/Author"] == "Riverside Physiotherapy Clinic"
    assert not any("Zoë" in str(v) or "Nandú" in str(v) for v in metadata.values())
    named = make_handout(request_for(), library=library, options=PrintOptions(name_in_metadata=True))
    assert "Zoë Łukasz Nguyễn Ñandú" in str(PdfReader(BytesIO(named.pdf)).metadata.values())


def test_bookmarks_point_at_their_sections(maintenance) -> None:  # type: ignore[no-untyped-def]
    reader = PdfReader(BytesIO(maintenance.pdf))
    marks = {item.title: reader.get_destination_page_number(item) for item in reader.outline}
    assert list(marks) == ["Cover page", "Your home exercise plan", "Your exercises", "Easing the pain",
                           "Your weekly checklist"]
    assert marks["Cover page"] == 0
    for title, page in marks.items():
        if title != "Cover page":
            assert title in (reader.pages[page].extract_text() or "")


def test_cards_are_never_split_across_pages(library, request_for) -> None:  # type: ignore[no-untyped-def]
    every = tuple(library.dataset.exercises)
    for paper in ("letter", "a4"):
        handout = make_handout(request_for(exercises=every, paper=paper), library=library, options=PrintOptions(use_cover=False))
        reader = PdfReader(BytesIO(handout.pdf))
        titles = cards = 0
        for page in reader.pages:
            text = " ".join((page.extract_text() or "").split())
            on_page = sum(1 for e in handout.plan.exercises
                          if f"{handout.plan.exercises.index(e) + 1}. {e.exercise.words('en').name}" in text)
            assert on_page == text.count("How often"), text[:200]
            titles += on_page
            cards += text.count("How often")
        assert titles == len(handout.plan.exercises) == cards


@pytest.mark.parametrize(("paper", "size"), [("letter", (612, 792)), ("a4", (595, 842))])
def test_paper_sizes_apply_to_every_page_including_the_cover(library, request_for, paper, size) -> None:  # type: ignore[no-untyped-def]
    handout = make_handout(request_for(paper=paper), library=library)
    for page in PdfReader(BytesIO(handout.pdf)).pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == size


def test_checklist_alone(library, request_for) -> None:  # type: ignore[no-untyped-def]
    handout = make_handout(request_for(weeks=2), library=library, options=PrintOptions(kind="checklist", use_cover=False))
    text = pdf_text(handout.pdf)
    assert "Week 1: Mon 7 Dec" in text and "Week 2: Mon 14 Dec" in text
    assert "Go to a hospital emergency department now" in text
    assert "Lie on your stomach" not in text  # no exercise steps
    # Two weekly grids of 6 rows; the pain guide and the red flags no longer fit under the second one.
    assert handout.pages == 3 and handout.cover_pages == 0
    assert PdfReader(BytesIO(handout.pdf)).metadata["/Title"] == "Home exercise checklist"


def test_large_print_uses_bigger_type(library, request_for) -> None:  # type: ignore[no-untyped-def]
    handout = make_handout(request_for(large_print=True), library=library, options=PrintOptions(use_cover=False))
    with pdfplumber.open(BytesIO(handout.pdf)) as pdf:
        body = [round(c["size"], 1) for page in pdf.pages for c in page.chars
                if c["text"].strip() and c["top"] < page.height - MARGIN]  # not the small content edition
    assert min(size for size in body if size != 14.0) >= 16  # 14 pt: running header and footer


def test_acute_text_matches_a_plan_that_keeps_strengthening(library, request_for) -> None:  # type: ignore[no-untyped-def]
    kept = make_handout(request_for(phase="acute", overrides=frozenset({"allow_strengthening"}),
                                    exercises=("prone-on-elbows", "prone-plank")), library=library, options=PrintOptions(use_cover=False))
    text = pdf_text(kept.pdf)
    assert "chose a few strengthening exercises for you" in text and "stretches only" not in text


def test_checklist_sheet_prints_the_notes_and_clinician(library, request_for) -> None:  # type: ignore[no-untyped-def]
    handout = make_handout(request_for(notes="Keep walking each day."), library=library, options=PrintOptions(kind="checklist", use_cover=False))
    first = pdf_text(handout.pdf, slice(0, 1))
    assert "Keep walking each day." in first and "Your physical therapist Ana Ruiz" in first


@pytest.mark.parametrize(("language", "edition"), [
    pytest.param("en", "Content v2026.12, reviewed 2 December 2026", id="en"),
    pytest.param("es", "Contenido v2026.12, revisado el 2 de diciembre de 2026", id="es"),
])
def test_every_page_prints_the_content_edition_without_adding_pages(
        library, request_for, language, edition) -> None:  # type: ignore[no-untyped-def]
    request = request_for(language=language)
    plan = make_plan(request, library.dataset)
    doc = compose(plan, library.templates(language), today=START)
    assert doc.running.edition == edition
    with_edition = render(doc)
    reader = PdfReader(BytesIO(with_edition.pdf))
    assert all(edition in " ".join((page.extract_text() or "").split()) for page in reader.pages)
    without = render(dataclasses.replace(doc, running=dataclasses.replace(doc.running, edition="")))
    assert with_edition.pages == without.pages
    checklist = compose(plan, library.templates(language), today=START, kind="checklist")
    assert edition in pdf_text(render(checklist).pdf)


def test_acute_sciatica_with_leg_pain_and_osteoporosis_prints_the_gentler_stretches(
        library, request_for, tmp_path) -> None:  # type: ignore[no-untyped-def]
    request = request_for(diagnosis="sciatica", phase="acute", leg_pain=True, precautions=frozenset({"osteoporosis"}),
                          exercises=("hamstring-stretch", "double-knee-to-chest", "piriformis-stretch"))
    for language, bent_knee, one_knee, strap, both_knees in (
            ("en", "Hamstring stretch, knee bent", "One knee to chest", "Loop a belt or strap", "Both knees to chest"),
            ("es", "con la rodilla doblada", "Una rodilla al pecho", "Pase un cinturón", "Las dos rodillas al pecho")):
        handout = make_handout(dataclasses.replace(request, language=language), library=library,
                               options=PrintOptions(use_cover=False))
        text = pdf_text(handout.pdf)
        assert bent_knee in text and one_knee in text
        assert strap not in text and both_knees not in text
        path = tmp_path / f"{language}.pdf"
        path.write_bytes(handout.pdf)
        report = check_pdf(path, safety_phrases=library.templates(language).labels["safety_phrases"])
        assert report.ok, report.measures  # reading level, sizes and cards kept whole with the new cards


def test_an_emergency_box_taller_than_a_page_keeps_its_red_border_on_both_pages(library, request_for) -> None:  # type: ignore[no-untyped-def]
    """Spanish, large print, Letter: the checklist's safety box is taller than a page. It was printed
    without its border (and its last sign alone on a page of its own); it now splits between its
    blocks, each part framed in red."""
    from datetime import date

    request = request_for(language="es", large_print=True, leg_pain=True, diagnosis="nonspecific", phase="subacute",
                          start_date=date(2026, 12, 10))
    handout = make_handout(request, library=library, options=PrintOptions(kind="checklist"))
    red = (0.64, 0.0, 0.0)  # WARN_BORDER
    framed = []
    with pdfplumber.open(BytesIO(handout.pdf)) as pdf:
        for page in pdf.pages:
            sides = [line for line in page.lines + page.rects if line.get("stroking_color")
                     and tuple(round(c, 2) for c in line["stroking_color"]) == red and line["height"] > 50]
            if sides:
                framed.append((page.page_number, " ".join((page.extract_text() or "").split())))
    assert len(framed) == 2, [number for number, _ in framed]
    text = " ".join(words for _, words in framed)
    assert "Rojo: pare y llámenos" in text and "Vaya ahora mismo a la sala de emergencias" in text
    assert "Consulte pronto a un médico" in framed[-1][1] and "una pierna más débil" in framed[-1][1]
