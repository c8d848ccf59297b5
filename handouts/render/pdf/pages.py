"""The page frame of a handout: margins, running header and footer, "Page X of Y".

Headers and footers are drawn when the document is saved, once the page count
is known, so every page can say "Page 2 of 6" in a single layout pass.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from handouts.model.document import Running
from handouts.model.layout import BAND, CORNER_INSET, CORNER_MARKER, MARKER_CLEAR, MM, QR_RIGHT, page_id, sheet_marks
from handouts.render.pdf.fonts import FONT, FONT_BOLD, prime_subsets
from handouts.render.pdf.markers import draw_sheet_marks
from handouts.render.pdf.styles import FOOTER_SPACE, HEADER_SPACE, MARGIN, MUTED, RULE, WARN_BORDER, Look
from handouts.render.pdf.text import printable


@dataclass(frozen=True)
class Mark:
    """Where something starts or ends: a section's bookmark, or the ends of an exercise card, week or box.

    ``kind`` is 'section' (``name`` is the heading text), 'card' (``name`` is
    'card-3-start' or 'card-3-end'), 'week' ('week-2-start') or 'box' ('box-1-end');
    ``page`` is 0-based; ``y`` is the height on the page, in points from its foot.
    """

    kind: str
    name: str
    page: int
    y: float = 0.0


class MarkFlowable(Flowable):
    """An invisible flowable that makes the document note the page it lands on."""

    def __init__(self, kind: str, name: str) -> None:
        super().__init__()
        self.kind = kind
        self.name = name
        self.width = self.height = 0
        self.y = 0.0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802 - ReportLab's name
        self.y = y  # a frame draws straight on the page, so this is the height on the page
        super().drawOn(canvas, x, y, _sW)

    def draw(self) -> None:
        """Nothing to draw: the document notes the page in ``afterFlowable``."""


class BandFrame(Frame):
    """The body frame: a flowable with ``reserve_band`` set (a checklist week) lifts the frame's foot for
    the rest of the page, so the page's QR band and footer stay clear of it."""

    def __init__(self, *args: Any, band_bottom: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.band_bottom = band_bottom

    def _lift(self, flowable: Flowable) -> None:
        if getattr(flowable, "reserve_band", False) and self._y1p < self.band_bottom:
            self._y1p = self.band_bottom

    def add(self, flowable: Flowable, canv: Canvas, trySplit: int = 0) -> int:  # noqa: N803 - ReportLab's name
        self._lift(flowable)
        return super()._add(flowable, canv, trySplit)

    def split(self, flowable: Flowable, canv: Canvas) -> list[Flowable]:
        self._lift(flowable)
        return super().split(flowable, canv)


class HandoutDocument(BaseDocTemplate):
    """A one-frame document that records where each section starts."""

    def __init__(self, buffer: Any, look: Look, *, title: str, author: str) -> None:
        super().__init__(
            buffer, pagesize=look.pagesize, leftMargin=MARGIN, rightMargin=MARGIN,
            topMargin=MARGIN + HEADER_SPACE, bottomMargin=MARGIN + FOOTER_SPACE,
            title=title, author=author, subject="", creator="handouts", producer="handouts",
            invariant=True, initialFontName=FONT,
        )
        frame = BandFrame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body",
                          leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, band_bottom=BAND * MM)
        self.addPageTemplates([PageTemplate(id="page", frames=[frame])])
        self.marks: list[Mark] = []

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 - ReportLab's hook name
        if isinstance(flowable, MarkFlowable):
            self.marks.append(Mark(flowable.kind, flowable.name, self.page - 1, round(flowable.y, 2)))


#: The content edition's size against the running footer's.
EDITION_SCALE = 0.7


def _fit(text: str, font: str, size: float, width: float) -> str:
    """``text`` shortened with '…' so it fits ``width`` points."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


#: On a checklist page the running header and footer start clear of the corner markers.
SHEET_INSET = (CORNER_INSET + CORNER_MARKER + MARKER_CLEAR + 1) * MM


def _draw_running(canvas: Canvas, look: Look, running: Running, page: int, pages: int, *, sheet: bool = False) -> None:
    width, height = look.pagesize
    size = look.running_size
    left = SHEET_INSET if sheet else MARGIN
    right = width - (SHEET_INSET if sheet else MARGIN)
    # the footer's right end on a checklist page: clear of the QR and its blank border
    foot_right = width - (QR_RIGHT + 21 * 0.95 + 4) * MM if sheet else right
    half = (right - left) / 2 - 6
    top = height - MARGIN - size
    canvas.saveState()
    canvas.setFillColor(look.accent_colour)
    canvas.setFont(FONT_BOLD, size)
    canvas.drawString(left, top, _fit(printable(running.clinic), FONT_BOLD, size, half))
    canvas.setFillColor(MUTED)
    canvas.setFont(FONT, size)
    canvas.drawRightString(right, top, _fit(printable(running.patient), FONT, size, half))
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.75)
    canvas.line(left, top - 6, right, top - 6)
    bottom = MARGIN
    canvas.line(left, bottom + size + 6, foot_right, bottom + size + 6)
    foot_half = (foot_right - left) / 2 - 6
    made = _fit(printable(running.made), FONT, size, foot_half)
    canvas.drawString(left, bottom, made)
    canvas.setFont(FONT_BOLD, size)
    label = printable(running.page_label(page, pages))
    canvas.drawRightString(foot_right, bottom, label)
    if running.sample and sheet:  # a checklist page: on its own line above the footer, beside the QR
        canvas.setFillColor(WARN_BORDER)
        canvas.drawString(left, bottom + size + 12, _fit(printable(running.sample), FONT_BOLD, size, foot_right - left))
    elif running.sample:  # the fictional sample clinic: say so between the date and the page number
        canvas.setFillColor(WARN_BORDER)
        start = left + stringWidth(made, FONT, size) + 12
        end = foot_right - stringWidth(label, FONT_BOLD, size) - 12
        canvas.drawCentredString((start + end) / 2, bottom,
                                 _fit(printable(running.sample), FONT_BOLD, size, end - start))
    if running.edition:
        # For the clinic, not the patient: small, in the margin under the footer, so no page loses space.
        small = round(size * EDITION_SCALE, 1)
        canvas.setFillColor(MUTED)
        canvas.setFont(FONT, small)
        canvas.drawString(left, bottom - small - 3, _fit(printable(running.edition), FONT, small, foot_right - left))
    canvas.restoreState()


@dataclass
class SheetIds:
    """What a checklist page's QR says: the document's random id; ``pages`` says which pages have tick boxes."""

    document_id: str
    pages: Callable[[], set[int]]


def canvas_maker(look: Look, running: Running, sheets: SheetIds | None = None) -> type[Canvas]:
    """A Canvas class that draws the running header and footer once the page count is known, and on
    each page with tick boxes the markers and QR page id of ``sheets``."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._page_states: list[dict[str, Any]] = []
            prime_subsets(self._doc)

        def showPage(self) -> None:  # noqa: N802 - ReportLab's name
            self._page_states.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            pages = len(self._page_states)
            with_boxes = sheets.pages() if sheets else set()
            for number, state in enumerate(self._page_states, start=1):
                self.__dict__.update(state)
                sheet = sheets is not None and number in with_boxes
                _draw_running(self, look, running, number, pages, sheet=sheet)
                if sheet:
                    draw_sheet_marks(self, sheet_marks(look.paper, look.pagesize),
                                     page_id(sheets.document_id, number))  # type: ignore[union-attr]
                Canvas.showPage(self)
            Canvas.save(self)

    return NumberedCanvas

