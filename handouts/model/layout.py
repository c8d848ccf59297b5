"""Where a renderer put the checklist on the pages: every tick box and write-in cell, as data.

Rectangles are in PDF points from the bottom-left corner of the page; pages are
numbered from 1 in the finished file, cover pages included, so a reader of a
ticked sheet finds each box where it was drawn.

A page with tick boxes also carries what lets a scan or photo of it be read back
(``SheetPage``): six ArUco markers and a QR page id. Their places are fixed per
paper size and layout version (``sheet_marks``), so the reader knows where to look.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

#: Bumped whenever what the map records changes meaning.
LAYOUT_VERSION = 2

MM = 72 / 25.4  # points in a millimetre

#: The kinds of tick box: an exercise session, a 10-minute block of walking, and the day's
#: back (and leg) pain against yesterday, one box each for better, same and worse.
BOX_KINDS = ("exercise", "walking", "pain", "leg_pain")
PAIN_VALUES = ("better", "same", "worse")  # ``session`` 1, 2, 3 of a pain box
WALK_BLOCK_MINUTES = 10

# The read-back furniture of a checklist page, in millimetres.
CORNER_MARKER = 8.0
CORNER_INSET = 5.0  # from the paper's edges
SIDE_MARKER = 6.0
SIDE_INSET = 4.0  # from the left and right edges, half-way down
MARKER_CLEAR = 2.0  # nothing else printed this close to a marker
QR_MODULE = 0.95  # a QR module; 0.55 mm failed on 1,600-pixel photos
QR_MODULES = 21  # version 1: the page id is 16 characters
QR_BOTTOM = 5.0  # from the paper's foot, in the middle: a page skewed on the glass loses its corners first
QR_CLEAR = 4.0  # blank paper around the QR (its quiet zone)
BAND = 27.0  # the foot of a checklist page kept for the QR and the footer

#: Paper sizes in points (ReportLab's LETTER and A4), for a reader that does not load ReportLab.
PAPER_SIZES = {"letter": (612.0, 792.0), "a4": (595.2755905511812, 841.8897637795277)}

#: Marker ids (OpenCV's 4x4 dictionary) by paper and place: the id tells the reader both.
MARKER_PLACES = ("top-left", "top-right", "bottom-right", "bottom-left", "middle-left", "middle-right")
MARKER_BASE = {"letter": 0, "a4": 10}


@dataclass(frozen=True)
class Rect:
    """A rectangle in points: left, bottom, width, height."""

    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class PlacedBox:
    """A tick box as drawn: which exercise, day and session it records.

    ``kind`` is one of BOX_KINDS: for walking ``session`` is the 10-minute block,
    for pain it is 1, 2 or 3 (better, same, worse than yesterday).
    """

    page: int
    rect: Rect
    exercise_id: str
    date: date
    session: int
    kind: str = "exercise"

    @property
    def value(self) -> str:
        """What a tick in the box says: 'session 2', '10-minute block 3' or 'better'."""
        if self.kind in ("pain", "leg_pain"):
            return PAIN_VALUES[self.session - 1]
        return str(self.session)


@dataclass(frozen=True)
class PlacedCell:
    """A grid cell the patient writes in: pain 0 to 10 for a day (back or leg), or the week's notes."""

    page: int
    rect: Rect
    kind: str  # 'pain', 'leg_pain' or 'notes'
    date: date | None  # None for the notes cell, which spans the week
    week: int


@dataclass(frozen=True)
class Marker:
    """An ArUco marker: its id in OpenCV's 4x4 dictionary and where it is printed (points)."""

    id: int
    place: str
    rect: Rect


@dataclass(frozen=True)
class SheetMarks:
    """The read-back furniture of one checklist page: markers and the QR page id."""

    markers: tuple[Marker, ...]
    qr: Rect


def page_id(document_id: str, page: int, version: int = LAYOUT_VERSION) -> str:
    """The QR payload of a checklist page: layout version, document id, page ('H2-AB3DEF7GHJ-4').

    Upper-case letters, digits and '-' only, so the code stays at QR version 1. No personal data.
    """
    return f"H{version}-{document_id}-{page}"


def parse_page_id(text: str) -> tuple[int, str, int] | None:
    """(version, document id, page) of a QR payload this tool printed, else None."""
    parts = text.strip().split("-")
    if len(parts) != 3 or not parts[0].startswith("H") or not parts[0][1:].isdigit() or not parts[2].isdigit():
        return None
    return int(parts[0][1:]), parts[1], int(parts[2])


def sheet_marks(paper: str, page_size: tuple[float, float]) -> SheetMarks:
    """Where the markers and the QR go on a checklist page of ``paper`` (Rects in points)."""
    width, height = page_size
    corner, inset = CORNER_MARKER * MM, CORNER_INSET * MM
    side, side_inset = SIDE_MARKER * MM, SIDE_INSET * MM
    spots = (
        (inset, height - inset - corner, corner),  # top-left
        (width - inset - corner, height - inset - corner, corner),  # top-right
        (width - inset - corner, inset, corner),  # bottom-right
        (inset, inset, corner),  # bottom-left
        (side_inset, (height - side) / 2, side),  # middle-left
        (width - side_inset - side, (height - side) / 2, side),  # middle-right
    )
    base = MARKER_BASE[paper]
    markers = tuple(Marker(base + i, place, Rect(x, y, size, size))
                    for i, (place, (x, y, size)) in enumerate(zip(MARKER_PLACES, spots)))
    qr_size = QR_MODULE * QR_MODULES * MM
    qr = Rect((width - qr_size) / 2, QR_BOTTOM * MM, qr_size, qr_size)
    return SheetMarks(markers, qr)


def paper_of_marker(marker_id: int) -> tuple[str, str] | None:
    """(paper, place) a marker id stands for, or None for an id this tool never prints."""
    for paper, base in MARKER_BASE.items():
        if base <= marker_id < base + len(MARKER_PLACES):
            return paper, MARKER_PLACES[marker_id - base]
    return None


@dataclass(frozen=True)
class SheetPage:
    """A page with tick boxes: its number (after the cover) and the page id its QR carries."""

    page: int
    qr_page: int  # the number in the QR: the page counted without the cover


@dataclass(frozen=True)
class LayoutMap:
    """Every tick box and write-in cell of a rendered document, and its read-back pages."""

    page_size: tuple[float, float]
    boxes: tuple[PlacedBox, ...] = ()
    cells: tuple[PlacedCell, ...] = ()
    version: int = LAYOUT_VERSION
    paper: str = "letter"
    document_id: str = ""
    sheets: tuple[SheetPage, ...] = ()

    def marks(self) -> SheetMarks:
        """Where this document's checklist pages carry their markers and QR."""
        return sheet_marks(self.paper, self.page_size)


# The layout JSON written beside each PDF: the map in millimetres from the page's top-left corner,
# as a scan or photo is read. Enough for the reader to find every box; the patient's id names whose
# sheet it is (the file name already does), and nothing else about the patient is in it.
LAYOUT_FORMAT = "handouts-layout"


def _mm(rect: Rect, page_height: float) -> list[float]:
    return [round(rect.x / MM, 3), round((page_height - rect.y - rect.height) / MM, 3),
            round(rect.width / MM, 3), round(rect.height / MM, 3)]


def _points(values: list[float], page_height: float) -> Rect:
    x, top, width, height = (float(v) * MM for v in values)
    return Rect(x, page_height - top - height, width, height)


def layout_record(layout: LayoutMap, *, patient_id: str, kind: str) -> dict[str, object]:
    """The layout JSON of a document: every tick box, write-in cell, marker and QR, in mm from the top-left."""
    height = layout.page_size[1]
    marks = layout.marks()
    return {
        "format": LAYOUT_FORMAT,
        "version": layout.version,
        "units": "mm from the top-left corner of the page: [left, top, width, height]",
        "document_id": layout.document_id,
        "patient_id": patient_id,
        "kind": kind,
        "paper": layout.paper,
        "page_size": [round(layout.page_size[0] / MM, 3), round(height / MM, 3)],
        "pages": [{"page": s.page, "qr_page": s.qr_page, "qr_text": page_id(layout.document_id, s.qr_page)}
                  for s in layout.sheets],
        "markers": [{"id": m.id, "place": m.place, "rect": _mm(m.rect, height)} for m in marks.markers],
        "qr": _mm(marks.qr, height),
        "boxes": [{"page": b.page, "kind": b.kind, "exercise_id": b.exercise_id, "date": b.date.isoformat(),
                   "session": b.session, "value": b.value, "rect": _mm(b.rect, height)} for b in layout.boxes],
        "cells": [{"page": c.page, "kind": c.kind, "date": c.date.isoformat() if c.date else None, "week": c.week,
                   "rect": _mm(c.rect, height)} for c in layout.cells],
    }


def layout_from_record(record: dict[str, object]) -> LayoutMap:
    """The map a layout JSON holds (``layout_record``'s inverse); KeyError or ValueError when it is not one."""
    if record.get("format") != LAYOUT_FORMAT:
        raise ValueError("not a handouts layout file")
    width, height = (float(v) * MM for v in record["page_size"])  # type: ignore[union-attr]
    boxes = tuple(PlacedBox(int(b["page"]), _points(b["rect"], height), str(b["exercise_id"]),
                            date.fromisoformat(b["date"]), int(b["session"]), str(b["kind"]))
                  for b in record["boxes"])  # type: ignore[union-attr]
    cells = tuple(PlacedCell(int(c["page"]), _points(c["rect"], height), str(c["kind"]),
                             date.fromisoformat(c["date"]) if c["date"] else None, int(c["week"]))
                  for c in record["cells"])  # type: ignore[union-attr]
    sheets = tuple(SheetPage(int(p["page"]), int(p["qr_page"])) for p in record["pages"])  # type: ignore[union-attr]
    return LayoutMap((width, height), boxes, cells, int(record["version"]), str(record["paper"]),  # type: ignore[arg-type]
                     str(record["document_id"]), sheets)
