"""The QR page id and the markers print as ReportLab draws them: the same symbol as ReportLab's own
encoder (the same mask, by the same score), and the same pixels as ``Canvas.rect`` square by square."""

from __future__ import annotations

from io import BytesIO

import pypdfium2
import pytest
import zxingcpp
from PIL import Image, ImageChops
from hypothesis import example, given
from hypothesis import strategies as st
from reportlab.graphics.barcode import qrencoder
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, letter
from reportlab.pdfgen.canvas import Canvas

from handouts.model.layout import QR_MODULES, Rect, page_id, sheet_marks
from handouts.render.pdf import caches
from handouts.render.pdf.build import ID_LETTERS, new_document_id
from handouts.render.pdf.markers import ARUCO_4X4_BITS, draw_sheet_marks
from handouts.render.pdf.qr import penalty, qr_rows

LEVEL_M = qrencoder.QRErrorCorrectLevel.M
ALPHANUMERIC = qrencoder.QRAlphaNum.chars
FINDER_LIKE = [True, False, True, True, True, False, True, False, False, False, False]


def _bits(modules: list[list[bool]] | tuple[tuple[bool, ...], ...]) -> tuple[int, ...]:
    return tuple(sum(1 << column for column, dark in enumerate(row) if dark) for row in modules)


def reportlab_rows(text: str) -> tuple[int, ...]:
    code = qrencoder.QRCode(1, LEVEL_M)
    code.addData(text)
    code.make()
    return _bits(code.modules)


@given(document_id=st.text(alphabet=ID_LETTERS, min_size=10, max_size=10), page=st.integers(1, 999))
@example(document_id="ABCDEFGHJK", page=3)
def test_a_page_id_makes_reportlabs_symbol(document_id: str, page: int) -> None:
    text = page_id(document_id, page)
    assert qr_rows(text) == reportlab_rows(text)


@given(st.one_of(st.text(alphabet=ALPHANUMERIC, max_size=22), st.text(alphabet="0123456789", max_size=36),
                 st.text(alphabet=st.characters(codec="utf-8"), max_size=16)))
@example("")
@example("A" * 20)  # alphanumeric: 20 fit version 1-M, with no room for the end code's four bits
@example("A" * 21)
@example("1" * 34)
def test_any_text_that_fits_makes_reportlabs_symbol(text: str) -> None:
    try:
        expected = reportlab_rows(text)
    except Exception as error:  # noqa: BLE001 - ReportLab raises a bare Exception when the text is too long
        assert "overflow" in str(error)
        with pytest.raises(ValueError, match="does not fit a version 1 QR code"):
            qr_rows(text)
    else:
        assert qr_rows(text) == expected


ROW = st.integers(0, (1 << QR_MODULES) - 1)


@st.composite
def symbols(draw: st.DrawFn) -> list[list[bool]]:
    """21x21 modules at random, a quarter, a half or three quarters dark, with finder-like patterns put in
    rows and columns, either way round, anywhere they fit, so every rule of the score is met."""
    rows = draw(st.lists(ROW, min_size=QR_MODULES, max_size=QR_MODULES))
    mixed = draw(st.sampled_from([None, int.__and__, int.__or__]))
    if mixed:
        rows = [mixed(a, b) for a, b in zip(rows, draw(st.lists(ROW, min_size=QR_MODULES, max_size=QR_MODULES)))]
    modules = [[bool(row >> column & 1) for column in range(QR_MODULES)] for row in rows]
    for line, start, across, reverse in draw(st.lists(st.tuples(st.integers(0, 20), st.integers(0, 10), st.booleans(),
                                                                st.booleans()), max_size=8)):
        pattern = FINDER_LIKE[::-1] if reverse else FINDER_LIKE
        for offset, dark in enumerate(pattern):
            if across:
                modules[line][start + offset] = dark
            else:
                modules[start + offset][line] = dark
    return modules


class _Symbol:
    def __init__(self, modules: list[list[bool]]) -> None:
        self.modules = modules


def _planted(start: int, *, across: bool) -> list[list[bool]]:
    """A symbol of stripes two modules wide, with one finder-like pattern at ``start`` in row or column 4."""
    modules = [[(row + column) // 2 % 2 == 0 for column in range(QR_MODULES)] for row in range(QR_MODULES)]
    for offset, dark in enumerate(FINDER_LIKE):
        if across:
            modules[4][start + offset] = dark
        else:
            modules[start + offset][4] = dark
    return modules


@given(symbols())
@example(_planted(0, across=True))
@example(_planted(10, across=True))  # ReportLab never looks at the last place a pattern can start
@example(_planted(0, across=False))  # nor in a column
def test_the_mask_score_is_reportlabs(modules: list[list[bool]]) -> None:
    assert penalty(_bits(modules)) == qrencoder.QRUtil.getLostPoint(_Symbol(modules))


def _reportlab_drawing(canvas: Canvas, marks, text: str) -> None:  # type: ignore[no-untyped-def]
    """The markers and QR drawn square by square with ``Canvas.rect``, from ReportLab's own QR symbol."""
    for marker in marks.markers:
        rect, cell = marker.rect, marker.rect.width / 6
        canvas.saveState()
        canvas.setFillColor(colors.black)
        canvas.rect(rect.x, rect.y, rect.width, rect.height, stroke=0, fill=1)
        canvas.setFillColor(colors.white)
        for index, bit in enumerate(ARUCO_4X4_BITS[marker.id]):
            if bit == "1":
                row, column = divmod(index, 4)
                canvas.rect(rect.x + (column + 1) * cell - 0.05, rect.y + rect.height - (row + 2) * cell - 0.05,
                            cell + 0.1, cell + 0.1, stroke=0, fill=1)
        canvas.restoreState()
    code = qrencoder.QRCode(1, LEVEL_M)
    code.addData(text)
    code.make()
    rect: Rect = marks.qr
    module = rect.width / QR_MODULES
    canvas.saveState()
    canvas.setFillColor(colors.black)
    for row in range(QR_MODULES):
        for column in range(QR_MODULES):
            if code.isDark(row, column):
                canvas.rect(rect.x + column * module - 0.05, rect.y + rect.height - (row + 1) * module - 0.05,
                            module + 0.1, module + 0.1, stroke=0, fill=1)
    canvas.restoreState()


def _page(paper_size: tuple[float, float], draw) -> Image.Image:  # type: ignore[no-untyped-def]
    """One page with what ``draw`` draws on it, rendered by pdfium at 300 dpi, in grey."""
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=paper_size)
    draw(canvas)
    canvas.showPage()
    canvas.save()
    return pypdfium2.PdfDocument(buffer.getvalue())[0].render(scale=300 / 72).to_pil().convert("L")


@pytest.mark.parametrize(("paper", "size"), [pytest.param("letter", letter, id="letter"),
                                             pytest.param("a4", A4, id="a4")])
def test_the_page_shows_reportlabs_symbol_and_the_markers_as_drawn_square_by_square(
        paper: str, size: tuple[float, float]) -> None:
    """Runs of modules and a form for the markers print what ReportLab's canvas draws square by square:
    the middle of every module is dark exactly where ReportLab's symbol is, and the pages differ at
    most in a pixel's shift along a few edges."""
    caches.clear_all()
    marks = sheet_marks(paper, size)
    scale = 300 / 72
    for text in (page_id("ABCDEFGHJK", 3), page_id("ZZZZ999922", 41), "H2-23456789AB-7"):
        for _ in range(2):  # made, then from the caches
            ours = _page(size, lambda canvas: draw_sheet_marks(canvas, marks, text))
            theirs = _page(size, lambda canvas: _reportlab_drawing(canvas, marks, text))
            rect, module = marks.qr, marks.qr.width / QR_MODULES
            for row, dark in enumerate(reportlab_rows(text)):
                for column in range(QR_MODULES):
                    x = (rect.x + (column + 0.5) * module) * scale
                    y = (size[1] - rect.y - rect.height + (row + 0.5) * module) * scale
                    assert (ours.getpixel((int(x), int(y))) < 128) == bool(dark >> column & 1), (text, row, column)
            differing = ImageChops.difference(ours, theirs).point(lambda v: 255 if v > 64 else 0)
            side = rect.width * scale
            assert differing.histogram()[255] < 0.01 * side * side  # an edge shifted here and there
            found = differing.getbbox()
            qr_box = (rect.x * scale - 2, (size[1] - rect.y - rect.height) * scale - 2,
                      (rect.x + rect.width) * scale + 2, (size[1] - rect.y) * scale + 2)
            assert found is None or (qr_box[0] <= found[0] and qr_box[1] <= found[1]
                                     and found[2] <= qr_box[2] and found[3] <= qr_box[3])  # the markers: exact
            assert [code.text for code in zxingcpp.read_barcodes(ours)] == [text]


def test_a_new_document_id_is_ten_letters_each_as_likely_in_every_place() -> None:
    """Each letter stands for five random bits: 32 letters, so every letter can come in every place (with
    2,000 ids a letter missing from a place by chance is about one in 10^27)."""
    assert len(ID_LETTERS) == 32 == len(set(ID_LETTERS))
    made = [new_document_id() for _ in range(2000)]
    assert len(set(made)) == len(made)
    assert all(len(made_id) == 10 and set(made_id) <= set(ID_LETTERS) for made_id in made)
    for place in range(10):
        assert {made_id[place] for made_id in made} == set(ID_LETTERS), place
