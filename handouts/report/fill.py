"""How full each page of a finished handout is, measured on the PDF alone.

A page's fill is how far down the body frame (between the running header and
footer) its text, rules and boxes reach, as a share of the frame's height: a
page whose last line sits halfway down is 50% filled, whatever is above it.
Cover pages (before the handout's ``body-start`` destination) are not measured.

A page left half empty is *forced* when the next page starts with an exercise
card, a checklist week or a framed box (with any heading kept with it) taller
than the room left: keeping that whole is what emptied the page. The renderer
marks where each card, week and box starts and ends (named destinations at
their height on the page), so this too is read from the file.

Needs pypdfium2 and pdfplumber (``pip install "handouts[tools]"``): the pages are read by
``read_pages``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from handouts.errors import InputError
from handouts.render.pdf.assemble import BODY_START
from handouts.model.layout import BAND, MARKER_CLEAR, MM, QR_CLEAR, sheet_marks
from handouts.render.pdf.styles import FOOTER_SPACE, HEADER_SPACE, MARGIN, PAGE_SIZES
from handouts.report.read_pages import Box, ReadPage, read_pages

#: A page that is not its handout's last and is filled less than this is half empty (issue 15's measure).
HALF_EMPTY = 0.60
#: Points the ink of a card or week (what the PDF shows) may measure less than the room it took on
#: the page: the space above its heading and the leading under its last line.
SLACK = 20.0
_BLOCK_MARK = re.compile(r"(card|week|box)-(\d+)-(start|end|part\d+)")


@dataclass(frozen=True)
class PageFill:
    """One body page: its number in the file (from 1, cover included) and how full it is.

    ``top`` and ``bottom`` are where its content starts and ends, in points down from the
    top of the body frame; ``frame`` is the frame's height; ``fill`` is ``bottom / frame``.
    """

    number: int
    top: float
    bottom: float
    frame: float
    final: bool

    @property
    def fill(self) -> float:
        return self.bottom / self.frame

    @property
    def free(self) -> float:
        """Points left under the content, down to the foot of the frame."""
        return self.frame - self.bottom


@dataclass(frozen=True)
class Block:
    """An exercise card or checklist week as drawn: pages (from 1) and heights down the frame where it
    starts and ends."""

    name: str  # e.g. 'card-3', 'week-2', 'box-1'
    first_page: int
    last_page: int
    start: float
    end: float
    parts: tuple[int, ...] = ()  # pages where a later part of a week printed in parts starts ('week-2-part2')

    @property
    def whole(self) -> bool:
        return self.first_page == self.last_page


@dataclass(frozen=True)
class PageReport:
    """Every body page's fill, every card and week, and the half-empty pages with what forced each."""

    pages: list[PageFill]
    blocks: list[Block]

    def half_empty(self, share: float = HALF_EMPTY) -> list[PageFill]:
        """The pages that are not the last and are filled less than ``share``."""
        return [p for p in self.pages if not p.final and p.fill < share]

    def forced_by(self, page: PageFill, kinds: tuple[str, ...] = ("card", "week", "box")) -> Block | None:
        """The card, week or box (of ``kinds``) that starts the next page and did not fit the room left on ``page``."""
        following = [b for b in self.blocks if b.first_page == page.number + 1 and b.name.split("-")[0] in kinds]
        if not following:
            return None
        first = min(following, key=lambda b: b.start)
        after = next((p for p in self.pages if p.number == page.number + 1), None)
        if after is None or first.start - after.top > after.frame * HALF_EMPTY:
            return None  # something else came first on the next page
        needed = first.end - after.top  # the card or week, and what was kept with it above
        room = page.free
        if first.name.startswith("week-") and page.frame > after.frame:
            room -= page.frame - after.frame  # with a week on it, the page would keep its foot for the QR
        return first if needed > room - SLACK else None

    def drawn_height(self, block: Block) -> float:
        """The height ``block`` took down the frame over all its pages: from its start to the foot of its
        page's content, the pages between, and from the top of its last page's content to its end."""
        if block.whole:
            return block.end - block.start
        pages = {p.number: p for p in self.pages}
        between = sum(pages[n].bottom - pages[n].top for n in range(block.first_page + 1, block.last_page))
        return pages[block.first_page].bottom - block.start + between + block.end - pages[block.last_page].top

    def in_parts(self, block: Block) -> bool:
        """True for a block printed in parts on purpose because it is taller than a page's frame (a large-print
        checklist week with many rows): each page after its first starts a part of it, under its own title.
        A block that a table split at the foot of a page is not."""
        page = next(p for p in self.pages if p.number == block.first_page)
        later = set(range(block.first_page + 1, block.last_page + 1))
        return not block.whole and later <= set(block.parts) and self.drawn_height(block) > page.frame

    def unforced(self, share: float = HALF_EMPTY) -> list[PageFill]:
        """Half-empty pages that no card, week or box forced."""
        return [p for p in self.half_empty(share) if self.forced_by(p) is None]


def body_frame(page: ReadPage) -> tuple[float, float]:
    """The body frame's top and bottom, in points down from the top of the page; a checklist page
    keeps a taller foot for its QR page id."""
    return MARGIN + HEADER_SPACE, page.height - (BAND * MM if _is_sheet(page) else MARGIN + FOOTER_SPACE)


def _is_sheet(page: ReadPage) -> bool:
    """True for a checklist page: one with its QR page id drawn."""
    qr = _furniture(page)[-1]
    return any(_inside(path, qr) for path in page.paths)


def crowded(page: ReadPage) -> int | None:
    """On a checklist page, how many letters and lines are printed inside the blank paper a reader
    needs around the QR page id and the corner markers; None on a page without them. Around a marker that is
    ``MARKER_CLEAR``; beside and under the QR ``QR_CLEAR``, and above it the page's foot that the body
    keeps clear (``BAND``). A scan of a page whose checklist runs into the QR's quiet zone may not be
    read back."""
    if not _is_sheet(page):
        return None
    furniture = _furniture(page)
    clear = MARKER_CLEAR * MM
    zones = [(x0 - clear, top - clear, x1 + clear, bottom + clear) for x0, top, x1, bottom in furniture[:-1]]
    x0, _, x1, bottom = furniture[-1]
    zones.append((x0 - QR_CLEAR * MM, page.height - BAND * MM, x1 + QR_CLEAR * MM, bottom + QR_CLEAR * MM))
    drawn = [(c["x0"], c["top"], c["x1"], c["bottom"]) for c in page.chars if c["text"].strip()]
    drawn += [path for path in page.paths if not any(_inside(path, rect) for rect in furniture)]
    return sum(1 for box in drawn if any(_overlap(box, zone) for zone in zones))


def _inside(box: Box, rect: Box) -> bool:
    """True when ``box`` lies wholly within ``rect`` (both x0, top, x1, bottom)."""
    return rect[0] <= box[0] and box[2] <= rect[2] and rect[1] <= box[1] and box[3] <= rect[3]


def _overlap(box: Box, zone: Box, slack: float = 0.5) -> bool:
    """True when ``box`` reaches more than ``slack`` points into ``zone``; a rule (a box without
    height or width) counts as a point thick."""
    x0, top, x1, bottom = box
    if x1 - x0 < 1:
        x0, x1 = (x0 + x1) / 2 - 0.5, (x0 + x1) / 2 + 0.5
    if bottom - top < 1:
        top, bottom = (top + bottom) / 2 - 0.5, (top + bottom) / 2 + 0.5
    return min(x1, zone[2]) - max(x0, zone[0]) > slack and min(bottom, zone[3]) - max(top, zone[1]) > slack


def _furniture(page: ReadPage) -> list[tuple[float, float, float, float]]:
    """Where a checklist page's markers and QR may be (x0, top, x1, bottom): they are no content."""
    size = (float(page.width), float(page.height))
    paper = min(PAGE_SIZES, key=lambda p: abs(PAGE_SIZES[p][0] - size[0]) + abs(PAGE_SIZES[p][1] - size[1]))
    marks = sheet_marks(paper, size)
    return [(r.x - 0.5, size[1] - r.y - r.height - 0.5, r.x + r.width + 0.5, size[1] - r.y + 0.5)
            for r in (*(m.rect for m in marks.markers), marks.qr)]


def _extent(page: ReadPage) -> tuple[float, float] | None:
    """The top and bottom of everything drawn inside the body frame, or None for an empty frame."""
    top, bottom = body_frame(page)
    furniture = _furniture(page)
    edges = [(c["top"], c["bottom"]) for c in page.chars if c["text"].strip()]
    edges += [(path[1], path[3]) for path in page.paths if not any(_inside(path, rect) for rect in furniture)]
    inside = [(max(t, top), min(b, bottom)) for t, b in edges if b > top + 0.5 and t < bottom - 0.5]
    if not inside:
        return None
    return min(t for t, _ in inside), max(b for _, b in inside)


def measure_pages(path: Path | BinaryIO, *, password: str | None = None) -> PageReport:
    """The fill of every body page of the PDF at ``path`` (a path or a binary stream, opened with
    ``password`` when it is encrypted), and its cards and weeks."""
    try:
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError
    except ImportError:
        raise InputError('measuring pages needs extra packages: pip install "handouts[tools]"') from None
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and password:
            reader.decrypt(password)
    except (OSError, PyPdfError, KeyError, ValueError) as exc:
        raise InputError(f"cannot read this PDF: {exc}", path=getattr(path, "name", None)) from None
    if hasattr(path, "seek"):
        path.seek(0)
        source: Path | bytes = path.read()  # type: ignore[union-attr]
    else:
        source = path  # type: ignore[assignment]
    return measure_read(reader, read_pages(source, password=password), name=getattr(path, "name", None))


def measure_read(reader: Any, pages: list[ReadPage], *, name: object = None) -> PageReport:
    """``measure_pages`` for a PDF already read: by pypdf (``reader``) and by ``read_pages`` (``pages``,
    all of them), so a caller that reads the pages anyway (``handouts check``) reads them once."""
    from pypdf.errors import PyPdfError

    try:
        destinations = reader.named_destinations
        first = reader.get_destination_page_number(destinations[BODY_START]) if BODY_START in destinations else 0
        heights = [float(page.mediabox.height) for page in reader.pages]
        frame_top = MARGIN + HEADER_SPACE
        ends: dict[str, dict[str, tuple[int, float]]] = {}
        for mark, destination in destinations.items():
            match = _BLOCK_MARK.fullmatch(str(mark))
            if match and destination.top is not None:
                page = reader.get_destination_page_number(destination)
                down = heights[page] - float(destination.top) - frame_top
                ends.setdefault(f"{match[1]}-{match[2]}", {})[match[3]] = (page + 1, down)
    except (OSError, PyPdfError, KeyError, ValueError) as exc:
        raise InputError(f"cannot read this PDF: {exc}", path=name) from None
    fills = []
    body = pages[first:]
    for index, page in enumerate(body):
        top, bottom = body_frame(page)
        found = _extent(page)
        start_at, end_at = (found[0] - top, found[1] - top) if found else (0.0, 0.0)
        fills.append(PageFill(first + index + 1, start_at, end_at, bottom - top, index == len(body) - 1))
    blocks = [Block(mark, marks["start"][0], marks["end"][0], marks["start"][1], marks["end"][1],
                    tuple(sorted(page for key, (page, _) in marks.items() if key.startswith("part"))))
              for mark, marks in ends.items() if {"start", "end"} <= set(marks)]
    return PageReport(fills, sorted(blocks, key=lambda b: (b.first_page, b.start)))


def page_fills(path: Path | BinaryIO) -> list[PageFill]:
    """The fill of every body page of the PDF at ``path``."""
    return measure_pages(path).pages
