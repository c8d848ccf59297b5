"""The page frame of a handout: margins, running header and footer, "Page X of Y".

Headers and footers are drawn when the document is saved, once the page count
is known, so every page can say "Page 2 of 6" in a single layout pass. The
same words recur on every page and in every handout of a clinic, so what is
worked out from them alone (printable text, widths, shortening, the edition's
lines) is kept per process in small least-recently-used caches: pure functions
of their arguments, the fonts being registered once per process.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate
from reportlab.platypus.doctemplate import ActionFlowable

from handouts.model.document import Running
from handouts.model.layout import (
    BAND,
    CORNER_INSET,
    CORNER_MARKER,
    MARKER_CLEAR,
    MM,
    QR_CLEAR,
    QR_MODULE,
    QR_MODULES,
    page_id,
    sheet_marks,
)
from handouts.render.pdf import caches
from handouts.render.pdf.alike import Alike, no_alike
from handouts.render.pdf.document_objects import quick_document
from handouts.render.pdf.fonts import FONT, FONT_BOLD, prime_subsets
from handouts.render.pdf.markers import draw_sheet_marks
from handouts.render.pdf.portable import filled, portable
from handouts.render.pdf.styles import (
    FOOTER_SPACE,
    HEADER_SPACE,
    MARGIN,
    MUTED,
    RULE,
    WARN_BORDER,
    Look,
)
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


class MarkFlowable(ActionFlowable):
    """An invisible flowable that makes the document note the page and height it lands on.

    The document applies a mark, as it does a change of page template, where a flowable
    is wrapped, fitted and drawn in the frame: the fifteen or so marks of a handout took
    a few per cent of its time that way. ``apply`` leaves the frame as ``Frame._add``
    leaves it after a flowable of no size: the mark notes the frame's height; a frame
    with no room left ends first (the mark then notes the top of the next page); the
    space after the mark (a week's end) is taken and kept for the next flowable's space
    before. ReportLab internals used: ``Frame._y``, ``_y1p``, ``_atTop``, ``_oASpace``
    and ``_prevASpace``, and ``BaseDocTemplate.handle_frameEnd``.
    """

    def __init__(self, kind: str, name: str) -> None:
        super().__init__()
        self.kind = kind
        self.name = name
        self.y = 0.0

    def apply(self, doc: BaseDocTemplate) -> None:
        frame = doc.frame
        if frame._y - frame._y1p <= 0:  # as a flowable of no size that does not fit: the next frame
            doc.handle_frameEnd()
            doc.clean_hanging()  # the next page begun, as the document begins it before its next flowable
            frame = doc.frame
        self.y = y = frame._y  # a frame draws straight on the page, so this is the height on the page
        after = self.getSpaceAfter()
        if frame._oASpace:
            frame._prevASpace = after
        if after:
            frame._atTop = 0
            frame._y = y - after


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

    #: Its objects alike in other handouts, found when asked (``alike``; known only for a file written
    #: directly, by ``document_objects.QuickDocument``).
    alike: Callable[[], Alike] = staticmethod(no_alike)

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

    def build(self, flowables: list[Flowable], filename: Any = None, canvasmaker: Any = Canvas) -> None:
        """ReportLab's build, then the links that make the template and its canvas a cycle are cut (the
        template holds the canvas, which holds it back, and the template holds itself in its namespace):
        a written handout's objects are then freed as soon as they are unused, not left for the cycle
        collector."""
        try:
            super().build(flowables, filename, canvasmaker)
            self.alike = getattr(self.canv._doc, "alike", no_alike)
        finally:
            self._nameSpace.clear()
            self.__dict__.pop("canv", None)

    def handle_flowable(self, flowables: list[Flowable]) -> None:
        """ReportLab's step for the next flowable; a mark is applied at once. Before an action, ReportLab
        lets the document filter the list (this one does not), inserts a break a flowable asks for before
        it, and keeps flowables marked keep-with-next together: a mark asks for neither. A handout has
        some 25 marks."""
        first = flowables[0]
        if type(first) is MarkFlowable:
            del flowables[0]
            first.apply(self)
            self.afterFlowable(first)
            return
        super().handle_flowable(flowables)

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 - ReportLab's hook name
        if type(flowable) is MarkFlowable:  # applied on the page it is noted on (``MarkFlowable.apply``)
            self.marks.append(Mark(flowable.kind, flowable.name, self.page - 1, round(flowable.y, 2)))


#: The content edition's size against the running footer's.
EDITION_SCALE = 0.7


@lru_cache(maxsize=1024)
def _fit(text: str, font: str, size: float, width: float) -> str:
    """``text`` shortened with '…' so it fits ``width`` points."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


_printable = lru_cache(maxsize=1024)(printable)
_width = lru_cache(maxsize=1024)(stringWidth)


@lru_cache(maxsize=256)
def _fitted_size(text: str, font: str, size: float, room: float, smallest: float = 12) -> float:
    """A size for ``text`` that fits ``room``, stepping down from ``size`` to ``smallest`` at most (a long
    date in large print rather than lose its year; the sample notice rather than be cut short)."""
    while size > smallest and stringWidth(text, font, size) > room:
        size -= 0.5
    return size


#: How far above its baseline an accented capital of the shipped bold face reaches, in ems ("Í": 0.927).
ACCENTED_CAP = 0.93


@lru_cache(maxsize=256)
def _edition_lines(edition: str, small: float, room: float) -> tuple[str, ...]:
    """At most two lines, each fitted to ``room``; a word that does not fit the second is cut with '…'."""
    lines = [""]
    for word in edition.split():
        joined = f"{lines[-1]} {word}".strip()
        if stringWidth(joined, FONT, small) <= room or not lines[-1] or len(lines) == 2:
            lines[-1] = joined
        else:
            lines.append(word)
    return tuple(_fit(line, FONT, small, room) for line in lines)


#: On a checklist page the running header and footer start clear of the corner markers.
SHEET_INSET = (CORNER_INSET + CORNER_MARKER + MARKER_CLEAR + 1) * MM


#: On a checklist page the footer sits this much higher, so the content edition can take two lines under it.
SHEET_FOOT_RAISE = 1.5 * MM


def _draw_running(canvas: Canvas, look: Look, running: Running, page: int, pages: int, *, sheet: bool = False,
                  here: dict[tuple[Any, ...], str] | None = None) -> None:
    """The running header and footer of a page; ``here`` keeps what this document drew (``_kept``)."""
    width, height = look.pagesize
    left = SHEET_INSET if sheet else MARGIN
    right = width - (SHEET_INSET if sheet else MARGIN)
    canvas.saveState()
    # The clinic's half of the header is the same in every handout, the patient's half on every page of
    # one handout, and a footer on the same page of many handouts.
    _kept(canvas, ("header clinic", look, running.clinic, left, right),
          lambda: _draw_header_clinic(canvas, look, running, left, right), here)
    _kept(canvas, ("header patient", look, running.patient, left, right),
          lambda: _draw_header_patient(canvas, look, running, left, right), here)
    label = running.page_label(page, pages)
    if sheet:
        _kept(canvas, ("sheet footer", look, running.made, label, running.sample, running.edition, left, right),
              lambda: _draw_sheet_footer(canvas, look, running, label, left, right), here)
    else:
        _kept(canvas, ("footer", look, running.made, label, running.sample, running.edition, left, right),
              lambda: _draw_footer(canvas, look, running, label, left, right), here)
    canvas.restoreState()


def _kept(canvas: Canvas, key: tuple[Any, ...], draw: Callable[[], None],
          here: dict[tuple[Any, ...], str] | None = None) -> None:
    """``draw()``, or on the fast path the operators it wrote for the same ``key`` before in this process.

    Each part sets every font, colour and line width it uses, so what it writes depends on its key
    alone. Only words in the primed font subset are kept for other documents (``portable``); a part
    with rarer letters (a patient's name in the header) is kept in ``here`` for the other pages of this
    document, whose font names are its own."""
    if not caches.enabled():
        draw()
        return
    found = _RUNNING.get(key)
    if found is not None:
        canvas._code.append(filled(canvas, found))
        return
    written = here.get(key) if here is not None else None
    if written is not None:
        canvas._code.append(written)
        return
    start = len(canvas._code)
    draw()
    written = "\n".join(canvas._code[start:])
    recorded = portable(written, canvas, lambda name: False)
    if recorded is not None:
        _RUNNING.put(key, recorded)
    elif here is not None:
        del canvas._code[start:]
        canvas._code.append(written)  # one entry, as a kept part is written: the same bytes
        here[key] = written


#: Running headers and footers as operators with their fonts as holes, by their words, place and look.
_RUNNING: caches.Capped[tuple[Any, ...], tuple[str, tuple[str, ...]]] = caches.Capped(512)
caches.ALL.append(_RUNNING)


def _header_line(look: Look, left: float, right: float) -> tuple[float, float, float]:
    """The header's type size, the width each half may take, and its baseline."""
    size = look.running_size
    return size, (right - left) / 2 - 6, look.pagesize[1] - MARGIN - size


def _draw_header_clinic(canvas: Canvas, look: Look, running: Running, left: float, right: float) -> None:
    """The clinic's name at the top left, in its colour."""
    size, half, top = _header_line(look, left, right)
    canvas.setFillColor(look.accent_colour)
    canvas.setFont(FONT_BOLD, size)
    canvas.drawString(left, top, _fit(_printable(running.clinic), FONT_BOLD, size, half))


def _draw_header_patient(canvas: Canvas, look: Look, running: Running, left: float, right: float) -> None:
    """The patient's name at the top right, and the rule under the header."""
    size, half, top = _header_line(look, left, right)
    canvas.setFillColor(MUTED)
    canvas.setFont(FONT, size)
    canvas.drawRightString(right, top, _fit(_printable(running.patient), FONT, size, half))
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.75)
    canvas.line(left, top - 6, right, top - 6)


def _draw_footer(canvas: Canvas, look: Look, running: Running, page_label: str, left: float, right: float) -> None:
    size = look.running_size
    canvas.setFillColor(MUTED)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.75)
    half = (right - left) / 2 - 6
    bottom = MARGIN
    canvas.line(left, bottom + size + 6, right, bottom + size + 6)
    made = _fit(_printable(running.made), FONT, size, half)
    canvas.setFont(FONT, size)
    canvas.drawString(left, bottom, made)
    canvas.setFont(FONT_BOLD, size)
    label = _printable(page_label)
    canvas.drawRightString(right, bottom, label)
    if running.sample:  # the fictional sample clinic: say so between the date and the page number
        canvas.setFillColor(WARN_BORDER)
        start = left + _width(made, FONT, size) + 12
        end = right - _width(label, FONT_BOLD, size) - 12
        sample = _printable(running.sample)
        small = _fitted_size(sample, FONT_BOLD, size, end - start, smallest=9)  # smaller rather than cut short
        canvas.setFont(FONT_BOLD, small)
        canvas.drawCentredString((start + end) / 2, bottom, _fit(sample, FONT_BOLD, small, end - start))
    if running.edition:
        # For the clinic, not the patient: small, in the margin under the footer, so no page loses space.
        small = round(size * EDITION_SCALE, 1)
        canvas.setFillColor(MUTED)
        canvas.setFont(FONT, small)
        canvas.drawString(left, bottom - small - 3, _fit(_printable(running.edition), FONT, small, right - left))


def _draw_sheet_footer(canvas: Canvas, look: Look, running: Running, page_label: str, left: float,
                       right: float) -> None:
    """A checklist page's footer: the QR page id in the middle, the date left of it and the page number
    right of it, the sample notice above, and the content edition under the date (two lines if need be)."""
    size = look.running_size
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.75)
    width = look.pagesize[0]
    qr_half = QR_MODULE * QR_MODULES * MM / 2 + QR_CLEAR * MM
    left_end, right_start = width / 2 - qr_half, width / 2 + qr_half
    bottom = MARGIN + SHEET_FOOT_RAISE
    rule = bottom + size + 6
    canvas.line(left, rule, left_end, rule)
    canvas.line(right_start, rule, right, rule)
    canvas.setFillColor(MUTED)
    made = _printable(running.made)
    made_size = _fitted_size(made, FONT, size, left_end - left)
    canvas.setFont(FONT, made_size)
    canvas.drawString(left, bottom, _fit(made, FONT, made_size, left_end - left))
    canvas.setFont(FONT_BOLD, size)
    canvas.drawRightString(right, bottom, _fit(_printable(page_label), FONT_BOLD, size, right - right_start))
    if running.sample:
        # Above the rule, and under the page's foot that the checklist keeps clear (BAND): in large
        # print the notice's accented capitals reached the lowest row of a week that fills its page.
        canvas.setFillColor(WARN_BORDER)
        canvas.drawString(left, min(rule + 5, BAND * MM - 2 - ACCENTED_CAP * size),
                          _fit(_printable(running.sample), FONT_BOLD, size, left_end - left))
    if running.edition:
        small = round(size * EDITION_SCALE, 1)
        canvas.setFillColor(MUTED)
        canvas.setFont(FONT, small)
        for number, line in enumerate(_edition_lines(_printable(running.edition), small, left_end - left)):
            canvas.drawString(left, bottom - (small + 2) * (number + 1) - 1, line)


@dataclass
class SheetIds:
    """What a checklist page's QR says: the document's random id; ``pages`` says which pages have tick boxes."""

    document_id: str
    pages: Callable[[], set[int]]


@dataclass(frozen=True)
class Furniture:
    """What every page carries besides the story: the running header and footer, and on each page with
    tick boxes the markers and QR page id of ``sheets``."""

    look: Look
    running: Running
    sheets: SheetIds | None = None


class NumberedCanvas(Canvas):
    """A canvas that draws each page's ``Furniture`` once the page count is known.

    One class for every document, told its furniture when it is made (``maker``): a class made per
    document would be new to the interpreter each time, its attribute caches and the specialised
    code that calls its methods starting cold, and would be left for the cycle collector."""

    def __init__(self, *args: Any, furniture: Furniture, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._furniture = furniture
        self._page_states: list[dict[str, Any]] = []
        # ReportLab writes PDF 1.4 once a colour with an alpha is set (every text colour has one, at 1),
        # so a document that draws a paragraph is 1.4; one whose blocks are all replayed from what an
        # earlier handout drew sets no colour that way and would say 1.3. Every document says 1.4.
        self._doc.ensureMinPdfVersion("transparency")
        prime_subsets(self._doc)
        quick_document(self._doc)

    def showPage(self) -> None:  # noqa: N802 - ReportLab's name
        self._page_states.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        look, running, sheets = self._furniture.look, self._furniture.running, self._furniture.sheets
        pages = len(self._page_states)
        with_boxes = sheets.pages() if sheets else set()
        here: dict[tuple[Any, ...], str] = {}  # running parts this document drew, for its other pages
        for number, state in enumerate(self._page_states, start=1):
            self.__dict__.update(state)
            sheet = sheets is not None and number in with_boxes
            _draw_running(self, look, running, number, pages, sheet=sheet, here=here)
            if sheet:
                draw_sheet_marks(self, sheet_marks(look.paper, look.pagesize),
                                 page_id(sheets.document_id, number))  # type: ignore[union-attr]
            Canvas.showPage(self)
        self._page_states.clear()  # each state holds the canvas's own dictionary: let it go with the canvas
        Canvas.save(self)


def maker(canvas: type[NumberedCanvas], **settings: Any) -> Callable[..., Canvas]:
    """What ReportLab's ``build`` calls to make the canvas: ``canvas`` told ``settings``."""
    return partial(canvas, **settings)

