"""A form defined directly on the fast path is the object ReportLab's beginForm and endForm make."""

from __future__ import annotations

from io import BytesIO

import pytest
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas

from handouts.render.pdf import forms


@pytest.mark.parametrize("inner", [(), ("Inner",)])
@pytest.mark.parametrize("page_started", [False, True])
def test_a_form_made_directly_is_the_form_begin_and_end_form_make(monkeypatch: pytest.MonkeyPatch,
                                                                  inner: tuple[str, ...], page_started: bool) -> None:
    canvas = Canvas(BytesIO())
    if inner:
        canvas.beginForm("Inner", 0, 0, 10, 10)
        canvas.rect(0, 0, 10, 10)
        canvas.endForm()
    if page_started:
        canvas.setFillColorRGB(0.2, 0.4, 0.6)
        canvas.drawString(72, 72, "before")
    page_code = list(canvas._code)
    box = (-36.0, -36.0, 300.5, 200.25)
    operators = "0 0 m 100 100 l S" + ("\n/FormXob.Inner Do" if inner else "")
    monkeypatch.setenv("HANDOUTS_FAST_PATH", "0")
    forms.define_form(canvas, "Plain", box, operators, inner)
    monkeypatch.setenv("HANDOUTS_FAST_PATH", "1")
    forms.define_form(canvas, "Direct", box, operators, inner)
    assert canvas._code == page_code  # the page being drawn is left as it was
    doc = canvas._doc
    plain, direct = (doc.idToObject[pdfdoc.xObjectName(name)] for name in ("Plain", "Direct"))
    doc.Reference(doc.idToObject["BasicFonts"])  # numbered as when the file is written
    assert type(direct).__name__ == "_ReadyForm"
    assert direct.format(doc) == type(plain).format(plain, doc)
    canvas.doForm("Plain")
    canvas.doForm("Direct")
    canvas.showPage()
    canvas.save()
