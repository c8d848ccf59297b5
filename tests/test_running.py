"""The running header and footer: long words are cut to their room, and a page drawn with the words'
widths and cuts already known is the same as one drawn from nothing."""

from __future__ import annotations

from io import BytesIO

import pdfplumber
import pytest
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from handouts.model.document import Running
from handouts.model.layout import BAND, MM
from handouts.render.pdf import pages
from handouts.render.pdf.fonts import register_fonts
from handouts.render.pdf.styles import MARGIN, Look

RUNNING = Running(clinic="Riverside Physiotherapy, Spine and Sports Injury Clinic of the Upper Valley",
                  patient="Zoë Łukasz Nguyễn Ñandú-Montgomery-Fitzwilliam", made="Made 7 December 2026",
                  page_format="Page {page} of {pages}",
                  edition="Content v2026.12, reviewed 2 December 2026 by the clinic's physiotherapists " * 3,
                  sample="SAMPLE: not a real clinic")
LOOKS = [pytest.param(Look(), id="letter"), pytest.param(Look(paper="a4", large_print=True), id="a4-large")]


def _forget() -> None:
    for remembered in (pages._fit, pages._printable, pages._width, pages._fitted_size, pages._edition_lines):
        remembered.cache_clear()


def _pages(look: Look, *, sheet: bool, forget_each_page: bool) -> bytes:
    register_fonts()
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=look.pagesize, invariant=1)
    for number in (1, 2, 3):
        if forget_each_page:
            _forget()
        pages._draw_running(canvas, look, RUNNING, number, 3, sheet=sheet)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@pytest.mark.parametrize("look", LOOKS)
@pytest.mark.parametrize("sheet", [False, True], ids=["page", "checklist-page"])
def test_remembered_widths_and_cuts_draw_the_same_pages(look: Look, sheet: bool) -> None:
    _forget()
    other = Look(paper="a4" if look.paper == "letter" else "letter", large_print=not look.large_print)
    for known, known_sheet in ((other, False), (other, True), (look, not sheet)):  # all but this page's cuts known
        _pages(known, sheet=known_sheet, forget_each_page=False)
    remembered = PdfReader(BytesIO(_pages(look, sheet=sheet, forget_each_page=False)))
    fresh = PdfReader(BytesIO(_pages(look, sheet=sheet, forget_each_page=True)))
    for ours, theirs in zip(remembered.pages, fresh.pages, strict=True):
        assert ours.get_contents().get_data() == theirs.get_contents().get_data()


@pytest.mark.parametrize("look", LOOKS)
@pytest.mark.parametrize("sheet", [False, True], ids=["page", "checklist-page"])
def test_long_words_are_cut_to_their_room(look: Look, sheet: bool) -> None:
    with pdfplumber.open(BytesIO(_pages(look, sheet=sheet, forget_each_page=False))) as pdf:
        for page in pdf.pages:
            text = page.extract_text()
            assert RUNNING.clinic not in text and "…" in text
            assert all(MARGIN / 2 <= char["x0"] and char["x1"] <= page.width - MARGIN / 2 + 0.5
                       for char in page.chars)
            header = [char for char in page.chars if char["top"] < MARGIN + 20]
            clinic = [char for char in header if "Bold" in char["fontname"]]
            patient = [char for char in header if "Bold" not in char["fontname"]]
            assert max(char["x1"] for char in clinic) < min(char["x0"] for char in patient)


def _primed_pages(look: Look, running: Running, *, sheet: bool) -> list[bytes]:
    """Three pages' running header and footer, drawn on a primed page as a handout's are."""
    from handouts.render.pdf.fonts import prime_subsets

    register_fonts()
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=look.pagesize, invariant=1)
    prime_subsets(canvas._doc)
    for number in (1, 2, 3):
        canvas.setFillColorRGB(0.9, 0.1, 0.1)  # the page's own drawing left other colours and fonts set
        canvas.setFont("Helvetica", 7)
        pages._draw_running(canvas, look, running, number, 3, sheet=sheet)
        canvas.showPage()
    canvas.save()
    return [page.get_contents().get_data() for page in PdfReader(BytesIO(buffer.getvalue())).pages]


@pytest.mark.parametrize("look", LOOKS)
@pytest.mark.parametrize("sheet", [False, True], ids=["page", "checklist-page"])
def test_kept_headers_and_footers_write_what_drawing_them_writes(look: Look, sheet: bool,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    plain_words = Running(clinic="Riverside Physiotherapy", patient="Ana María Pérez", made="Made 7 December 2026",
                          page_format="Page {page} of {pages}", edition="Content v2026.12",
                          sample="SAMPLE: not a real clinic")
    monkeypatch.setenv("HANDOUTS_FAST_PATH", "0")
    drawn = {words: _primed_pages(look, words, sheet=sheet) for words in (plain_words, RUNNING)}
    monkeypatch.setenv("HANDOUTS_FAST_PATH", "1")
    pages._RUNNING.clear()
    _primed_pages(look, plain_words, sheet=not sheet)  # other parts kept first
    for words in (plain_words, RUNNING):
        assert _primed_pages(look, words, sheet=sheet) == drawn[words]  # kept as they are drawn
        assert _primed_pages(look, words, sheet=sheet) == drawn[words]  # and written again from what was kept
    assert len(pages._RUNNING) >= 1 + 3 * 2  # the plain words' header, and footers of both sides


SPANISH = Running(clinic="Fisioterapia Riverside", patient="Zoë Ñandú", made="Fecha: 2 de diciembre de 2026",
                  page_format="Página {page} de {pages}",
                  edition="Contenido v2026.12, revisado el 2 de diciembre de 2026", sample="CLÍNICA DE MUESTRA")


def test_the_sample_notice_is_made_smaller_rather_than_cut_short() -> None:
    with pdfplumber.open(BytesIO(_pages_of(Look(paper="a4", large_print=True), SPANISH, sheet=False))) as pdf:
        for page in pdf.pages:
            assert "CLÍNICA DE MUESTRA" in page.extract_text() and "…" not in page.extract_text()


@pytest.mark.parametrize("look", LOOKS)
def test_the_sample_notice_stays_under_the_foot_a_checklist_page_keeps_clear(look: Look) -> None:
    """In large print its accented capitals reached above BAND, where a week that fills its page ends."""
    with pdfplumber.open(BytesIO(_pages_of(look, SPANISH, sheet=True))) as pdf:
        for page in pdf.pages:
            notice = [c for c in page.chars if c["text"] in "CLÍNICADEMUESTR" and "Bold" in c["fontname"]
                      and c["top"] > page.height / 2]
            assert notice
            # the glyph origin's height (the text matrix) and the bold face's accented capitals (0.927 em)
            assert max(c["matrix"][5] + 0.927 * c["size"] for c in notice) <= BAND * MM - 1


def _pages_of(look: Look, running: Running, *, sheet: bool) -> bytes:
    register_fonts()
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=look.pagesize, invariant=1)
    for number in (1, 2):
        pages._draw_running(canvas, look, running, number, 13, sheet=sheet)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
