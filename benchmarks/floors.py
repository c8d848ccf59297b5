"""The floors a handout's time is measured against: the same pages drawn with no layout work at all.

Both read a finished handout back with pdfplumber once, then draw it again on a bare
ReportLab canvas with the same embedded fonts, so each floor makes a valid PDF of the
same pages:

* text floor - every line of text at its place, in its font and size (cover included);
* fair floor - the text, and every rectangle, line and curve (boxes, grids, tick boxes,
  the figures and the cover's shapes) at precomputed positions: what any renderer must
  at least draw, with no measuring, wrapping or page breaking.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

import pdfplumber
from reportlab.lib.colors import Color
from reportlab.pdfgen.canvas import Canvas

from handouts.render.pdf.fonts import FONT, FONT_BOLD, FONT_ITALIC

Colour = tuple[float, ...] | None


@dataclass
class PageDrawing:
    """What one page draws, read back from a PDF."""

    lines: list[tuple[float, float, str, str, float]] = field(default_factory=list)  # x, y, text, font, size
    rects: list[tuple[float, float, float, float, Colour, Colour, float]] = field(default_factory=list)
    paths: list[tuple[Sequence[tuple[float, float]], Colour, float]] = field(default_factory=list)


def read_pages(pdf: Path) -> tuple[tuple[float, float], list[PageDrawing]]:
    """The page size and, per page, its text lines, rectangles and paths (in canvas coordinates)."""
    pages = []
    with pdfplumber.open(pdf) as document:
        size = (float(document.pages[0].width), float(document.pages[0].height))
        for page in document.pages:
            height = float(page.height)
            drawing = PageDrawing()
            for line in page.extract_text_lines():
                first = line["chars"][0]
                name = first["fontname"]
                font = FONT_BOLD if "Bold" in name else FONT_ITALIC if "Oblique" in name else FONT
                drawing.lines.append((line["x0"], height - line["bottom"], line["text"], font, first["size"]))
            for r in page.rects:
                drawing.rects.append((r["x0"], height - r["bottom"], r["width"], r["height"],
                                      _colour(r.get("non_stroking_color")) if r.get("fill") else None,
                                      _colour(r.get("stroking_color")) if r.get("stroke") else None,
                                      float(r.get("linewidth") or 1)))
            for shape in [*page.lines, *page.curves]:
                points = [(x, height - y) for x, y in shape["pts"]]
                drawing.paths.append((points, _colour(shape.get("stroking_color")), float(shape.get("linewidth") or 1)))
            pages.append(drawing)
    return size, pages


def _colour(value: Any) -> Colour:
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, (int, float)) for v in value):
        return tuple(float(v) for v in value)
    return None


def _set(canvas: Canvas, colour: Colour, *, stroke: bool) -> None:
    if colour is None:
        return
    if len(colour) == 1:
        colour = colour * 3
    if len(colour) == 3:
        (canvas.setStrokeColor if stroke else canvas.setFillColor)(Color(*colour))
    elif len(colour) == 4:
        (canvas.setStrokeColorCMYK if stroke else canvas.setFillColorCMYK)(*colour)


def text_floor(size: tuple[float, float], pages: list[PageDrawing], out: Path) -> Callable[[], None]:
    """Draw only the text lines of every page and write the file."""

    def draw() -> None:
        buffer = BytesIO()
        canvas = Canvas(buffer, pagesize=size, invariant=True, initialFontName=FONT)
        for page in pages:
            for x, y, text, font, font_size in page.lines:
                canvas.setFont(font, font_size)
                canvas.drawString(x, y, text)
            canvas.showPage()
        canvas.save()
        out.write_bytes(buffer.getvalue())

    return draw


def fair_floor(size: tuple[float, float], pages: list[PageDrawing], out: Path) -> Callable[[], None]:
    """Draw every shape and text line of every page at its place and write the file."""

    def draw() -> None:
        buffer = BytesIO()
        canvas = Canvas(buffer, pagesize=size, invariant=True, initialFontName=FONT)
        for page in pages:
            for x, y, width, height, fill, stroke, line_width in page.rects:
                _set(canvas, fill, stroke=False)
                _set(canvas, stroke, stroke=True)
                canvas.setLineWidth(line_width)
                canvas.rect(x, y, width, height, stroke=int(stroke is not None), fill=int(fill is not None))
            for points, stroke, line_width in page.paths:
                _set(canvas, stroke, stroke=True)
                canvas.setLineWidth(line_width)
                path = canvas.beginPath()
                path.moveTo(*points[0])
                for point in points[1:]:
                    path.lineTo(*point)
                canvas.drawPath(path, stroke=1, fill=0)
            canvas.setFillColor(Color(0, 0, 0))
            for x, y, text, font, font_size in page.lines:
                canvas.setFont(font, font_size)
                canvas.drawString(x, y, text)
            canvas.showPage()
        canvas.save()
        out.write_bytes(buffer.getvalue())

    return draw
