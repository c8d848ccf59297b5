"""A finished PDF's pages as ``handouts check`` measures them: every printed character with its size
and box, and every drawn line, box and curve, on the page or inside the forms it draws.

Read with PDFium (pypdfium2), the reader in Chromium's PDF viewer, in C: about seven times
faster than pdfplumber's Python PDF parser, which is what a check of a whole batch spent most
of its time on. Positions and sizes are pdfplumber's: points from the page's top-left corner
(``top`` and ``bottom`` down from the top); a character's box as tall as its printed size, from
its font's descent under the baseline; its size scaled as the page prints it (a cover scaled to
fit A4 prints its letters smaller); a path's box the hull of its points, without its line width.
Lines of text are grouped with pdfplumber's own text tools, from these characters.

Needs pypdfium2 and pdfplumber (``pip install "handouts[tools]"``).
"""

from __future__ import annotations

import ctypes
import math
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from handouts.errors import InputError

#: (x0, top, x1, bottom): a path's box on the page.
Box = tuple[float, float, float, float]
#: A PDF matrix (a, b, c, d, e, f): x' = a x + c y + e, y' = b x + d y + f.
Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass
class ReadPage:
    """One page: its size, its characters (pdfplumber's keys: ``text``, ``size``, ``x0``, ``x1``,
    ``top``, ``bottom``, ``upright``) and the boxes of the paths drawn on it."""

    number: int  # from 1
    width: float
    height: float
    chars: list[dict[str, Any]] = field(default_factory=list)
    paths: list[Box] = field(default_factory=list)

    @cached_property
    def _textmap(self) -> Any:
        from pdfplumber.utils.text import chars_to_textmap

        return chars_to_textmap(self.chars, layout_bbox=(0, 0, self.width, self.height),
                                layout_width=self.width, layout_height=self.height)

    def extract_text(self) -> str:
        """The page's text, a line of text a line, as pdfplumber's ``Page.extract_text`` gives it."""
        return self._textmap.as_string if self.chars else ""

    def extract_text_lines(self) -> list[dict[str, Any]]:
        """The page's lines of text (``text``, ``x0``, ``top``, ``bottom``, ``chars``), top first."""
        return self._textmap.extract_text_lines(strip=True, return_chars=True) if self.chars else []


def read_pages(path: Path | bytes, *, password: str | None = None) -> list[ReadPage]:
    """Every page of the PDF at ``path`` (or in these bytes), opened with ``password`` when it is encrypted."""
    try:
        import pypdfium2
        import pypdfium2.raw as pdfium
    except ImportError:
        raise InputError('the check needs extra packages: pip install "handouts[tools]"') from None
    try:
        document = pypdfium2.PdfDocument(path, password=password or None)
    except pypdfium2.PdfiumError as exc:
        raise InputError(f"cannot read this PDF: {exc}", path=None if isinstance(path, bytes) else path) from None
    try:
        pages = []
        for index in range(len(document)):
            try:
                page = document[index]
            except pypdfium2.PdfiumError as exc:
                raise InputError(f"cannot read page {index + 1} of this PDF: {exc}",
                                 path=None if isinstance(path, bytes) else path) from None
            try:
                pages.append(_read(pdfium, page, index + 1))
            finally:
                page.close()
        return pages
    finally:
        document.close()


def _read(pdfium: Any, page: Any, number: int) -> ReadPage:
    width, height = page.get_size()
    read = ReadPage(number, width, height)
    text = page.get_textpage()
    try:
        read.chars = _chars(pdfium, text, height)
    finally:
        text.close()
    handle = page.raw
    for index in range(pdfium.FPDFPage_CountObjects(handle)):
        _paths(pdfium, pdfium.FPDFPage_GetObject(handle, index), _IDENTITY, height, read.paths)
    return read


def _chars(pdfium: Any, text: Any, height: float) -> list[dict[str, Any]]:
    handle = text.raw
    box, matrix = pdfium.FS_RECTF(), pdfium.FS_MATRIX()
    chars = []
    for index in range(pdfium.FPDFText_CountChars(handle)):
        if pdfium.FPDFText_IsGenerated(handle, index) == 1:
            continue  # a space or line break PDFium adds between runs of text: nothing printed
        code = pdfium.FPDFText_GetUnicode(handle, index)
        if not code or not pdfium.FPDFText_GetLooseCharBox(handle, index, box):
            continue
        size = pdfium.FPDFText_GetFontSize(handle, index)  # in text space: a scaled form prints it smaller
        if pdfium.FPDFText_GetMatrix(handle, index, matrix):
            size *= math.hypot(matrix.c, matrix.d)
        bottom = height - box.bottom  # the font's descent under the baseline
        top = bottom - size  # a letter's box is its font size tall, as pdfplumber has it (PDFium's reaches
        # higher for a capital with an accent)
        chars.append({"text": chr(code), "size": round(size, 4),
                      "x0": box.left, "x1": box.right, "top": top, "bottom": bottom, "doctop": top,
                      "upright": abs(pdfium.FPDFText_GetCharAngle(handle, index)) < 1e-3})
    return chars


def _paths(pdfium: Any, obj: Any, outer: Matrix, height: float, found: list[Box]) -> None:
    """The boxes of ``obj``'s paths (itself, or what it draws when it is a form), on the page."""
    kind = pdfium.FPDFPageObj_GetType(obj)
    if kind == pdfium.FPDF_PAGEOBJ_PATH:
        matrix = _then(_matrix(pdfium, obj), outer)
        points = [_apply(matrix, point) for point in _points(pdfium, obj)]
        if points:
            xs, ys = [x for x, _ in points], [y for _, y in points]
            found.append((min(xs), height - max(ys), max(xs), height - min(ys)))
    elif kind == pdfium.FPDF_PAGEOBJ_FORM:
        matrix = _then(_matrix(pdfium, obj), outer)
        for index in range(pdfium.FPDFFormObj_CountObjects(obj)):
            _paths(pdfium, pdfium.FPDFFormObj_GetObject(obj, index), matrix, height, found)


def _points(pdfium: Any, obj: Any) -> list[tuple[float, float]]:
    x, y = ctypes.c_float(), ctypes.c_float()
    points = []
    for index in range(pdfium.FPDFPath_CountSegments(obj)):
        if pdfium.FPDFPathSegment_GetPoint(pdfium.FPDFPath_GetPathSegment(obj, index), x, y):
            points.append((x.value, y.value))
    return points


def _matrix(pdfium: Any, obj: Any) -> Matrix:
    found = pdfium.FS_MATRIX()
    if not pdfium.FPDFPageObj_GetMatrix(obj, found):
        return _IDENTITY
    return (found.a, found.b, found.c, found.d, found.e, found.f)


def _then(inner: Matrix, outer: Matrix) -> Matrix:
    """``inner`` followed by ``outer``."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _apply(matrix: Matrix, point: tuple[float, float]) -> tuple[float, float]:
    a, b, c, d, e, f = matrix
    x, y = point
    return (a * x + c * y + e, b * x + d * y + f)
