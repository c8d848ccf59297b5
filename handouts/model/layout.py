"""Where a renderer put the checklist on the pages: every tick box and write-in cell, as data.

Rectangles are in PDF points from the bottom-left corner of the page; pages are
numbered from 1 in the finished file, cover pages included, so a reader of a
ticked sheet finds each box where it was drawn.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

#: Bumped whenever what the map records changes meaning.
LAYOUT_VERSION = 1


@dataclass(frozen=True)
class Rect:
    """A rectangle in points: left, bottom, width, height."""

    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class PlacedBox:
    """A tick box as drawn: which exercise, day and session it records."""

    page: int
    rect: Rect
    exercise_id: str
    date: date
    session: int


@dataclass(frozen=True)
class PlacedCell:
    """A grid cell the patient writes in: walking minutes or pain for a day, or the week's notes."""

    page: int
    rect: Rect
    kind: str  # 'walking', 'pain' or 'notes'
    date: date | None  # None for the notes cell, which spans the week
    week: int


@dataclass(frozen=True)
class LayoutMap:
    """Every tick box and write-in cell of a rendered document."""

    page_size: tuple[float, float]
    boxes: tuple[PlacedBox, ...] = ()
    cells: tuple[PlacedCell, ...] = ()
    version: int = LAYOUT_VERSION

    def after(self, pages: int) -> LayoutMap:
        """The same map with ``pages`` pages (a cover) put in front."""
        if not pages:
            return self
        return replace(self, boxes=tuple(replace(b, page=b.page + pages) for b in self.boxes),
                       cells=tuple(replace(c, page=c.page + pages) for c in self.cells))
