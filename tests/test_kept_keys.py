"""The fast-path switch and the keys of kept paragraphs: cheap to look up, and still exact."""

from __future__ import annotations

import pytest
from reportlab.lib.styles import ParagraphStyle

from handouts import fast_path
from handouts.render.pdf import caches


def test_the_switch_is_read_once_for_a_handout_and_each_time_outside(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HANDOUTS_FAST_PATH", "1")
    with fast_path.one_reading():
        monkeypatch.setenv("HANDOUTS_FAST_PATH", "0")
        assert fast_path.enabled()  # the whole handout sees what it started with
    assert not fast_path.enabled()  # outside, the environment as it is now
    with fast_path.one_reading():
        assert not fast_path.enabled()
    assert caches.enabled is fast_path.enabled  # one switch, wherever it is asked


def test_styles_with_the_same_attributes_share_one_key_and_others_do_not() -> None:
    first = ParagraphStyle("a", fontSize=12, leading=15)
    same = ParagraphStyle("a", fontSize=12, leading=15)
    other = ParagraphStyle("a", fontSize=12, leading=16)
    assert caches.style_key(first) is caches.style_key(same)
    assert caches.style_key(first) is not caches.style_key(other)
    assert caches.style_key(first) != caches.style_key(other)
    kept = {(("text", caches.style_key(first)), 100.0): "drawn"}
    assert kept.get((("text", caches.style_key(same)), 100.0)) == "drawn"
    assert kept.get((("text", caches.style_key(other)), 100.0)) is None


def _drawn_text(prime: bool) -> str:
    from io import BytesIO

    import pdfplumber
    from reportlab.pdfgen.canvas import Canvas

    from handouts.render.pdf.fonts import prime_subsets, register_fonts
    from handouts.render.pdf.styles import Look, Text

    register_fonts()
    buffer = BytesIO()
    canvas = Canvas(buffer)
    if prime:
        prime_subsets(canvas._doc)
    paragraph = Text("Zoë Łukasz Nguyễn, Ñandú", Look().styles["body"])
    paragraph.wrapOn(canvas, 400, 100)
    paragraph.drawOn(canvas, 50, 700)
    canvas.save()
    with pdfplumber.open(BytesIO(buffer.getvalue())) as pdf:
        return pdf.pages[0].extract_text()


def test_a_paragraph_kept_from_a_primed_document_is_drawn_afresh_in_one_that_is_not() -> None:
    # Only a primed document gives its letters the codes the kept operators use.
    caches.clear_all()
    assert _drawn_text(prime=True) == "Zoë Łukasz Nguyễn, Ñandú"
    assert _drawn_text(prime=False) == "Zoë Łukasz Nguyễn, Ñandú"
    assert _drawn_text(prime=True) == "Zoë Łukasz Nguyễn, Ñandú"  # and replayed where it may be
