"""A table without lines (label | value rows), laid out without ReportLab's general Table.

Who a handout is for (the patient's name, the clinician, the stage) is such a table, and it
differs in every handout, so it cannot be replayed like a card. As a ReportLab ``Table`` it
took about 1.5 ms of each handout, spent on what a table without lines never uses: a style
for every cell, spans, rules and backgrounds. ``PlainRows`` puts the same paragraphs where
that Table put them (with VALIGN TOP and no left or top padding):

* each column as wide as given; a cell's text starts at the column's left edge and wraps
  ``RIGHT_PADDING`` short of its right edge (ReportLab's default right padding);
* each row as tall as its tallest cell plus ``bottom``; each cell's text at the top of its row;
* on a page with too little room it splits between rows, as the Table did.

An empty cell (``None``) takes no height: every cell a template writes holds a paragraph,
which is always taller than the empty line a Table gave a blank cell.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.platypus import Flowable

#: ReportLab's default right padding of a table cell: the text of a cell wraps this much short of its edge.
RIGHT_PADDING = 6.0


class PlainRows(Flowable):
    """Rows of cells (flowables, or None for an empty cell) in columns of ``widths``."""

    def __init__(self, rows: Sequence[Sequence[Flowable | None]], widths: Sequence[float], *,
                 bottom: float = 0.0) -> None:
        super().__init__()
        self.rows = [list(row) for row in rows]
        self.widths = list(widths)
        self.bottom = bottom
        self.hAlign = "LEFT"
        self.width = sum(self.widths)
        self.height = 0.0
        self._heights: list[float] = []

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 - ReportLab's names
        self._heights = [self._row_height(row) for row in self.rows]
        self.height = sum(self._heights)
        return self.width, self.height

    def _row_height(self, row: Sequence[Flowable | None]) -> float:
        tallest = 0.0
        for cell, width in zip(row, self.widths):
            if cell is not None:
                tallest = max(tallest, cell.wrapOn(self.canv if hasattr(self, "canv") else None,
                                                   width - RIGHT_PADDING, 72000)[1])
        return tallest + self.bottom

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803 - ReportLab's names
        """The rows that fit ``availHeight``, then the rest; nothing when not even the first row fits."""
        self.wrap(availWidth, availHeight)
        used, fit = 0.0, 0
        for height in self._heights:
            if used + height > availHeight:
                break
            used, fit = used + height, fit + 1
        if fit == 0 or fit == len(self.rows):
            return [] if fit == 0 else [self]
        first, rest = (PlainRows(part, self.widths, bottom=self.bottom) for part in (self.rows[:fit], self.rows[fit:]))
        first.spaceBefore, rest.spaceAfter = self.getSpaceBefore(), self.getSpaceAfter()
        return [first, rest]

    def draw(self) -> None:
        if len(self._heights) != len(self.rows):
            self.wrap(self.width, 72000)
        top = self.height
        for row, height in zip(self.rows, self._heights):
            left = 0.0
            for cell, width in zip(row, self.widths):
                if cell is not None:
                    cell.drawOn(self.canv, left, top - cell.height)
                left += width
            top -= height
