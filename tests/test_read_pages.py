"""``handouts check`` reads pages with PDFium; what it reads is what pdfplumber's Python parser
reads: the same characters at the same sizes and heights, and the same paths, inside forms too."""

from __future__ import annotations

from io import BytesIO

import pdfplumber
import pytest

from handouts.errors import InputError
from handouts.model.options import PrintOptions
from handouts.report.read_pages import read_pages
from handouts.run.handout import make_handout
from handouts.run.library import Library


def _near(a: list[tuple[float, ...]], b: list[tuple[float, ...]], tolerance: float) -> bool:
    """Each of ``a`` matches one of ``b`` to within ``tolerance`` in every value, and none is left over."""
    left = list(b)
    for item in a:
        match = next((other for other in left if all(abs(x - y) <= tolerance for x, y in zip(item, other))), None)
        if match is None:
            return False
        left.remove(match)
    return not left


@pytest.mark.parametrize("changes", [{"paper": "a4"}, {"large_print": True, "language": "es"}], ids=["a4", "large-es"])
def test_pages_read_as_pdfplumber_reads_them(library: Library, request_for, changes: dict) -> None:  # type: ignore[no-untyped-def,type-arg]
    # A4 scales the clinic's cover to fit: its letters print smaller than their font size says.
    pdf = make_handout(request_for(**changes), library=library, options=PrintOptions(duplex=True)).pdf
    read = read_pages(pdf)
    with pdfplumber.open(BytesIO(pdf)) as document:
        assert len(read) == len(document.pages)
        for ours, theirs in zip(read, document.pages, strict=True):
            assert (ours.width, ours.height) == (pytest.approx(theirs.width), pytest.approx(theirs.height))
            chars = sorted((c["text"], round(c["size"], 1), c["top"]) for c in ours.chars if c["text"].strip())
            expected = sorted((c["text"], round(c["size"], 1), c["top"]) for c in theirs.chars if c["text"].strip())
            assert [c[:2] for c in chars] == [c[:2] for c in expected], ours.number
            assert all(abs(c[2] - e[2]) <= 0.2 for c, e in zip(chars, expected)), ours.number
            boxes = [(o["x0"], o["top"], o["x1"], o["bottom"]) for o in (*theirs.rects, *theirs.lines, *theirs.curves)]
            # A few curves in the figures reach up to 0.7 pt further in PDFium (a page's fill moves by 0.1%).
            assert _near(ours.paths, boxes, tolerance=1.0), ours.number
            assert " ".join(ours.extract_text().split()) == " ".join((theirs.extract_text() or "").split())


def test_an_encrypted_handout_is_read_with_its_password(library: Library, request_for) -> None:  # type: ignore[no-untyped-def]
    pdf = make_handout(request_for(), library=library, options=PrintOptions(password="open sesame")).pdf
    assert read_pages(pdf, password="open sesame")[-1].chars
    with pytest.raises(InputError, match="cannot read this PDF"):
        read_pages(pdf, password="wrong")


def test_what_is_not_a_pdf_is_an_input_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "notes.pdf"
    path.write_text("not a PDF")
    with pytest.raises(InputError, match="cannot read this PDF") as raised:
        read_pages(path)
    assert raised.value.path == str(path)
