"""The weekly checklist: one grid per week, real dates, tick boxes per session.

Rows are the plan's exercises (with how many times a day), a walking row for
minutes and a pain row (0 to 10); columns are seven real days. Each week starts
on a new page, so a week is one sheet to pin up. Every tick box and write-in
cell notes where it was drawn in a ``Placements`` list, which becomes the
document's layout map.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Table

from handouts.model.document import Checklist, Day, GridRow, TickBox, Week
from handouts.model.layout import PlacedBox, PlacedCell, Rect
from handouts.render.pdf.styles import INK, RULE, TINT, Look, Text, table_style
from handouts.render.pdf.text import literal

LABEL_SHARE = 0.28  # of the grid's width, for the row labels
LARGE_LABEL_SHARE = 0.30  # large print: day columns show only "Mon 7", so labels get more room


@dataclass
class Placements:
    """Where one build drew its tick boxes and write-in cells (page numbers of the body, from 1)."""

    boxes: list[PlacedBox] = field(default_factory=list)
    cells: list[PlacedCell] = field(default_factory=list)


def _on_page(canvas: Canvas, x: float, y: float, width: float, height: float) -> Rect:
    """A rectangle drawn at (x, y) in the canvas's current coordinates, in page coordinates."""
    a, b, c, d, e, f = canvas._currentMatrix  # noqa: SLF001 - ReportLab keeps the transform here
    (x0, y0), (x1, y1) = [(a * px + c * py + e, b * px + d * py + f) for px, py in ((x, y), (x + width, y + height))]
    return Rect(min(x0, x1), min(y0, y1), abs(x1 - x0), abs(y1 - y0))


class TickBoxes(Flowable):
    """A day's empty squares to tick for one exercise, wrapped into as many rows as the cell needs."""

    def __init__(self, boxes: Sequence[TickBox], size: float, gap: float, placements: Placements) -> None:
        super().__init__()
        self.boxes, self.size, self.gap, self.placements = tuple(boxes), size, gap, placements
        self.count = len(self.boxes)
        self.per_row = self.count

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.per_row = max(1, min(self.count, int((available_width + self.gap) // (self.size + self.gap))))
        rows = -(-self.count // self.per_row)
        self.width = available_width
        self.height = rows * self.size + (rows - 1) * self.gap
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.setStrokeColor(INK)
        canvas.setLineWidth(1.2)
        page = canvas.getPageNumber()
        for index, box in enumerate(self.boxes):
            row, column = divmod(index, self.per_row)
            in_row = min(self.per_row, self.count - row * self.per_row)
            row_width = in_row * self.size + (in_row - 1) * self.gap
            x = (self.width - row_width) / 2 + column * (self.size + self.gap)
            y = self.height - (row + 1) * self.size - row * self.gap
            canvas.rect(x, y, self.size, self.size, stroke=1, fill=0)
            self.placements.boxes.append(PlacedBox(page, _on_page(canvas, x, y, self.size, self.size),
                                                   box.exercise_id, box.date, box.session))


@dataclass(frozen=True)
class WriteIn:
    """A cell of the grid the patient writes in: its row, its first and last column, what it records."""

    row: int
    first: int
    last: int
    kind: str
    date: date | None
    week: int


class GridTable(Table):
    """A week's table that notes where its write-in cells (walking, pain, notes) were drawn.

    A grid too tall for a page is split by ReportLab into plain pieces, which note nothing.
    """

    def __init__(self, *args: Any, cells: Sequence[WriteIn] = (), placements: Placements | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.write_ins = tuple(cells)
        self.placements = placements

    def draw(self) -> None:
        super().draw()
        if self.placements is None:
            return
        canvas, page = self.canv, self.canv.getPageNumber()
        columns, rows = self._colpositions, self._rowpositions  # noqa: SLF001 - set by Table's layout
        for cell in self.write_ins:
            x, top, bottom = columns[cell.first], rows[cell.row], rows[cell.row + 1]
            rect = _on_page(canvas, x, bottom, columns[cell.last + 1] - x, top - bottom)
            self.placements.cells.append(PlacedCell(page, rect, cell.kind, cell.date, cell.week))


def checklist_grids(checklist: Checklist, look: Look, placements: Placements) -> list[Flowable]:
    """One titled grid per week, each starting on a new page after the first."""
    story: list[Flowable] = []
    for index, week in enumerate(checklist.weeks):
        if index:
            story.append(PageBreak())
        story.extend(_week(week, look, placements))
    return story


def _week(week: Week, look: Look, placements: Placements) -> list[Flowable]:
    styles = look.styles
    width = look.frame_width
    label_width = width * (LARGE_LABEL_SHARE if look.large_print else LABEL_SHARE)
    day_width = (width - label_width) / 7
    head = styles["cell_bold"]

    def label(row: GridRow) -> Text:
        hint = f"<br/>{literal(row.hint)}" if row.hint else ""
        return Text(f"<b>{literal(row.label)}</b>{hint}", styles["cell"])

    def day_heading(day: Day) -> Text:
        # Large print has no room for "10 Dec" in a day column: the week's title names the months.
        below = str(day.date.day) if look.large_print else day.label
        return Text(f"<b>{literal(day.weekday)}</b><br/>{literal(below).replace(' ', '&nbsp;')}", styles["cell"])

    rows: list[list[object]] = [[Text(literal(week.corner), head), *[day_heading(d) for d in week.days]]]
    gap = look.tick_size * 0.4
    write_ins: list[WriteIn] = []
    for row in week.rows:
        index = len(rows)
        if row.kind == "exercise":
            rows.append([label(row), *[
                TickBoxes([TickBox(row.exercise_id or "", day.date, s) for s in range(1, row.sessions + 1)],
                          look.tick_size, gap, placements)
                for day in week.days]])
        elif row.kind == "notes":
            rows.append([label(row), *[""] * 7])
            write_ins.append(WriteIn(index, 1, 7, "notes", None, week.number))
        else:
            rows.append([label(row), *[""] * 7])
            write_ins += [WriteIn(index, column, column, row.kind, day.date, week.number)
                          for column, day in enumerate(week.days, start=1)]
    first_write_in = min((w.row for w in write_ins), default=len(rows) - 1)

    heights = [None] * (len(rows) - 1) + [look.body_size * 2.6]
    table = GridTable(rows, colWidths=[label_width] + [day_width] * 7, rowHeights=heights, repeatRows=1,
                      cells=write_ins, placements=placements)
    table.setStyle(table_style([
        ("GRID", (0, 0), (-1, -1), 0.75, RULE),
        ("BOX", (0, 0), (-1, -1), 1.5, INK),
        ("BACKGROUND", (0, 0), (-1, 0), TINT),
        ("BACKGROUND", (0, first_write_in), (0, -1), TINT),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("VALIGN", (0, -1), (-1, -1), "TOP"),
        ("SPAN", (1, -1), (-1, -1)),
        ("ALIGN", (1, 0), (-1, 0), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 1), (-1, -1), look.body_size * 0.25),
        ("BOTTOMPADDING", (0, 1), (-1, -1), look.body_size * 0.3),
    ]))
    return [KeepTogether([Text(literal(week.title), styles["h2"]), table])]
