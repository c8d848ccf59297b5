"""Read the tick boxes of a page put square-on: find each printed square, then the ink inside it.

Paper curl and a phone's lens move boxes a few millimetres from where the markers
put them, so each box is found again by its printed outline near where it should
be, and a box whose match strays from its neighbours' is held to their shift.
Inside an inset clear of the outline, ink is measured against the paper around
that box (shadows and yellow paper included) and each box is called:

- ticked: a mark of some length (a check, a cross, a scribble, a partial stroke);
- blank: nothing, a stray dot, or a box filled in completely (the sheet's way to undo a tick);
- unsure: faint marks, a half-filled box, a tick crossed out, or one stroke running
  into the next box. Unsure boxes go to the clinician's review, never to a guess.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from handouts.model.layout import MM, PlacedBox
from handouts.readback.locate import PX_PER_MM

SEARCH_MM = 4.0  # how far from its expected place a box is looked for
NEIGHBOURS_MM = 30.0  # boxes this close share a shift (paper curl moves them together)
STRAY_MM = 1.0  # a box whose own match strays this far from its neighbours' is held to theirs
PRINTED_STROKE_MM = 0.42  # the box's outline, 1.2 points
INSET_MM = 0.5  # the ink is measured this far inside the outline
TICKED, BLANK, UNSURE = "ticked", "blank", "unsure"
# Measured on the synthetic set (benchmarks/readback_bench.py): the inset's share of ink, and mark lengths.
FILLED = 0.93  # a box filled in: the sheet's way to undo a tick
MOSTLY_FILLED = 0.85  # thick crossing-out, or a fill not finished: the clinician decides
DOT_MM = 1.2  # marks shorter than this are dust or a pen resting
MARK_MM = 2.0  # the shortest stroke taken as a tick


@dataclass
class BoxRead:
    """How one box was read."""

    box: PlacedBox
    state: str  # ticked, blank or unsure
    reason: str  # why: 'mark', 'empty', 'filled: undone', 'faint', 'crossed out', 'shared stroke', ...
    ink: float  # share of the inset that is ink
    length_mm: float  # stroke length of the marks inside, in mm
    rect_px: tuple[int, int, int, int]  # where the box was found on the square-on page: x, y, width, height
    shift_mm: tuple[float, float]


def box_px(box: PlacedBox, page_height: float) -> tuple[float, float, float]:
    """Where a box should be on the square-on page: left, top and side in pixels."""
    r = box.rect
    return r.x / MM * PX_PER_MM, (page_height - r.y - r.height) / MM * PX_PER_MM, r.width / MM * PX_PER_MM


def _outline(side: int, stroke: int, pad: int) -> Any:
    import numpy

    size = side + 2 * pad
    template = numpy.zeros((size, size), numpy.float32)
    template[pad:pad + side, pad:pad + side] = 1.0
    template[pad + stroke:pad + side - stroke, pad + stroke:pad + side - stroke] = 0.0
    return template


def _match(dark: Any, x: float, y: float, side: float, reach: float) -> tuple[float, float, float]:
    """The offset (dx, dy) in px within ``reach`` where a square outline of ``side`` best fits, and its score."""
    import cv2

    stroke = max(2, int(round(PRINTED_STROKE_MM * PX_PER_MM)))
    pad = 2
    side_px = int(round(side))
    template = _outline(side_px, stroke, pad)
    r = int(round(reach))
    x0, y0 = int(round(x)) - pad - r, int(round(y)) - pad - r
    x1, y1 = x0 + side_px + 2 * pad + 2 * r, y0 + side_px + 2 * pad + 2 * r
    h, w = dark.shape
    if x0 < 0 or y0 < 0 or x1 > w or y1 > h:
        return 0.0, 0.0, 0.0
    crop = dark[y0:y1, x0:x1].astype("float32")
    result = cv2.matchTemplate(crop, template, cv2.TM_CCOEFF_NORMED)
    _, score, _, (bx, by) = cv2.minMaxLoc(result)
    return bx - r + (round(x) - x), by - r + (round(y) - y), float(score)


def register(dark: Any, boxes: Sequence[PlacedBox], page_height: float) -> list[tuple[float, float, float]]:
    """Each box's place on the square-on page (left, top, side in px), found by its outline."""
    import numpy

    expected = [box_px(b, page_height) for b in boxes]
    reach = SEARCH_MM * PX_PER_MM
    found = [_match(dark, x, y, s, reach) for x, y, s in expected]
    centres = numpy.array([(x + s / 2, y + s / 2) for x, y, s in expected]) if expected else numpy.zeros((0, 2))
    shifts = numpy.array([(dx, dy) for dx, dy, _ in found]) if found else numpy.zeros((0, 2))
    good = numpy.array([score > 0.45 for _, _, score in found])
    placed = []
    for index, (x, y, s) in enumerate(expected):
        near = numpy.linalg.norm(centres - centres[index], axis=1) < NEIGHBOURS_MM * PX_PER_MM
        pool = near & good
        if pool.sum() >= 3:
            median = numpy.median(shifts[pool], axis=0)
        else:
            median = numpy.median(shifts[good], axis=0) if good.any() else numpy.zeros(2)
        dx, dy, score = found[index]
        if score < 0.45 or numpy.hypot(dx - median[0], dy - median[1]) > STRAY_MM * PX_PER_MM:
            rx, ry, _ = _match(dark, x + median[0], y + median[1], s, STRAY_MM * PX_PER_MM)
            dx, dy = median[0] + rx, median[1] + ry
        placed.append((x + dx, y + dy, s))
    return placed


def darkness(image: Any) -> Any:
    """Ink as darkness: 255 minus the darkest colour channel, so blue, red and green ink count as dark."""
    import numpy

    return (255 - image.min(axis=2)).astype(numpy.uint8)


def _ink_mask(dark: Any, x0: int, y0: int, x1: int, y1: int, paper: float, *, weak: bool = False) -> Any:
    import numpy

    level = 255 - paper  # the paper's brightness
    threshold = max(16.0, 0.15 * level) if weak else max(30.0, 0.30 * level)
    return (dark[y0:y1, x0:x1].astype(numpy.float32) - paper > threshold).astype(numpy.uint8)


def _strokes(mask: Any) -> tuple[float, float]:
    """(longest, total) stroke length in px of the marks in ``mask``: half each mark's outline."""
    import cv2

    contours, _ = cv2.findContours(mask, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_NONE)
    if not contours:
        return 0.0, 0.0
    lengths = [cv2.arcLength(c, True) / 2 for c in contours]
    return max(lengths), sum(lengths)


def _paper(dark: Any, x: int, y: int, side: int) -> float:
    """The paper's darkness around a box: most pixels near a box are paper."""
    import numpy

    margin = int(2.5 * PX_PER_MM)
    region = dark[max(0, y - margin):y + side + margin, max(0, x - margin):x + side + margin]
    return float(numpy.percentile(region, 30)) if region.size else 0.0


def classify(dark: Any, box: PlacedBox, place: tuple[float, float, float],
             expected: tuple[float, float, float]) -> BoxRead:
    """Read one box found at ``place`` (left, top, side in px)."""
    x, y, side = place
    inset = int(round((PRINTED_STROKE_MM + INSET_MM) * PX_PER_MM))
    x0, y0 = int(round(x)) + inset, int(round(y)) + inset
    x1, y1 = int(round(x + side)) - inset, int(round(y + side)) - inset
    paper = _paper(dark, int(round(x)), int(round(y)), int(round(side)))
    mask = _ink_mask(dark, x0, y0, x1, y1, paper)
    area = max(1, mask.size)
    ink = float(mask.sum()) / area
    longest, total = _strokes(mask)
    longest_mm, total_mm = longest / PX_PER_MM, total / PX_PER_MM
    shift = ((x - expected[0]) / PX_PER_MM, (y - expected[1]) / PX_PER_MM)
    rect = (int(round(x)), int(round(y)), int(round(side)), int(round(side)))

    def read(state: str, reason: str) -> BoxRead:
        return BoxRead(box, state, reason, round(ink, 4), round(total_mm, 2), rect, shift)

    if ink >= FILLED:
        return read(BLANK, "filled: undone")
    if ink >= MOSTLY_FILLED:
        return read(UNSURE, "mostly filled: a tick crossed out, or not quite undone")
    if longest_mm < DOT_MM:
        weak = _ink_mask(dark, x0, y0, x1, y1, paper, weak=True)
        weak_longest, _ = _strokes(weak)
        if weak_longest / PX_PER_MM >= MARK_MM:
            return read(UNSURE, "faint mark")
        return read(BLANK, "empty" if total_mm < 0.3 else "stray dot")
    if longest_mm < MARK_MM:
        return read(UNSURE, "small mark")
    return read(TICKED, "mark")


def shared_strokes(dark: Any, reads: list[BoxRead]) -> None:
    """Mark unsure the boxes of a cell joined by one stroke across the gap between them."""
    import cv2
    import numpy

    cells: dict[tuple[object, ...], list[BoxRead]] = {}
    for read in reads:
        cells.setdefault((read.box.page, read.box.kind, read.box.exercise_id, read.box.date), []).append(read)
    stroke = int(round(PRINTED_STROKE_MM * PX_PER_MM)) + 2
    for group in cells.values():
        inked = [r for r in group if r.length_mm > 0.3 and r.reason != "filled: undone"]
        for a, b in ((a, b) for i, a in enumerate(inked) for b in inked[i + 1:]):
            ax, ay, aside, _ = a.rect_px
            bx, by, bside, _ = b.rect_px
            if max(abs(ax - bx), abs(ay - by)) > 2.2 * aside:
                continue  # not neighbours
            x0, y0 = min(ax, bx), min(ay, by)
            x1, y1 = max(ax + aside, bx + bside), max(ay + aside, by + bside)
            paper = (_paper(dark, ax, ay, aside) + _paper(dark, bx, by, bside)) / 2
            mask = _ink_mask(dark, x0, y0, x1, y1, paper)
            for px, py, side in ((ax, ay, aside), (bx, by, bside)):  # drop the printed outlines
                outline = numpy.zeros_like(mask)
                cv2.rectangle(outline, (px - x0, py - y0), (px - x0 + side, py - y0 + side), 1, stroke)
                mask[outline > 0] = 0
            mask = cv2.dilate(mask, numpy.ones((stroke + 2, stroke + 2), numpy.uint8))
            _, labels = cv2.connectedComponents(mask)
            inset = stroke + 2

            def core(px: int, py: int, side: int) -> set[int]:
                region = labels[py - y0 + inset:py - y0 + side - inset, px - x0 + inset:px - x0 + side - inset]
                return set(numpy.unique(region)) - {0}

            if core(ax, ay, aside) & core(bx, by, bside):
                for read in (a, b):
                    read.state, read.reason = UNSURE, "shared stroke"


def read_boxes(image: Any, boxes: Sequence[PlacedBox], page_height: float) -> list[BoxRead]:
    """Every box of one page, read on the square-on ``image``."""
    dark = darkness(image)
    placed = register(dark, boxes, page_height)
    reads = [classify(dark, box, place, box_px(box, page_height)) for box, place in zip(boxes, placed)]
    shared_strokes(dark, reads)
    return reads
