"""Font subsets written from ready bytes give the very file ReportLab writes without them."""

from __future__ import annotations

from io import BytesIO

import pikepdf
import pytest
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from handouts.render.pdf import font_objects
from handouts.render.pdf.fonts import (
    FONT,
    FONT_BOLD,
    FONT_ITALIC,
    prime_subsets,
    register_fonts,
)

NAME = "Zoë Łukasz Nguyễn Ñandú"  # ễ lies outside the primed subset: a second subset of each face


def _pdf(faces: tuple[str, ...], *, password: str | None = None) -> bytes:
    """A one-page file drawing ``NAME`` in each face, in that order (the first face used becomes F1)."""
    register_fonts()
    out = BytesIO()
    canvas = Canvas(out, invariant=1, encrypt=password)
    prime_subsets(canvas._doc)
    for line, face in enumerate(faces):
        canvas.setFont(face, 12)
        canvas.drawString(72, 700 - 20 * line, f"{face}: {NAME} – “quoted” · 10×")
    canvas.showPage()
    canvas.save()
    return out.getvalue()


@pytest.mark.parametrize("faces", [
    pytest.param((FONT, FONT_BOLD, FONT_ITALIC), id="regular-first"),
    pytest.param((FONT_ITALIC, FONT), id="italic-first"),
])
def test_ready_font_objects_write_the_same_bytes_as_reportlab(faces: tuple[str, ...],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HANDOUTS_FAST_PATH", "0")
    plain = _pdf(faces)
    monkeypatch.setenv("HANDOUTS_FAST_PATH", "1")
    font_objects.READY.clear()
    first = _pdf(faces)  # serialises each subset's objects and keeps them
    kept = len(font_objects.READY)
    again = _pdf(faces)  # writes them from the ready bytes
    assert kept >= 4 * 2 * len(faces)  # font, descriptor, CMap and file of two subsets a face
    assert first == plain
    assert again == plain


def test_the_ready_objects_stand_in_the_document(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HANDOUTS_FAST_PATH", "1")
    register_fonts()
    canvas = Canvas(BytesIO(), invariant=1)
    prime_subsets(canvas._doc)
    canvas.setFont(FONT, 12)
    canvas.drawString(72, 700, NAME)
    canvas.showPage()
    canvas.save()
    ready = [name for name, obj in canvas._doc.idToObject.items() if isinstance(obj, font_objects.Ready)]
    assert sorted(name.split(":")[0].split("+")[0].rstrip("0123456789") for name in ready) == sorted(
        ["F", "F", "fontDescriptor", "fontDescriptor", "toUnicodeCMap", "toUnicodeCMap", "fontFile", "fontFile"])


def test_an_encrypted_file_is_written_the_plain_way(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HANDOUTS_FAST_PATH", "1")
    _pdf((FONT,))  # the subsets' ready objects are kept
    reader = PdfReader(BytesIO(_pdf((FONT, FONT_BOLD), password="secret")))
    assert reader.decrypt("secret")
    text = reader.pages[0].extract_text()
    assert NAME in text and "“quoted”" in text


def test_qpdf_finds_nothing_wrong(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HANDOUTS_FAST_PATH", "1")
    _pdf((FONT, FONT_BOLD))
    with pikepdf.open(BytesIO(_pdf((FONT, FONT_BOLD)))) as document:
        assert document.check_pdf_syntax() == []
