"""The weekly checklist: one grid per week, real dates, tick boxes per session.

Rows are the plan's exercises (with how many times a day), walking in 10-minute
blocks, back pain (and leg pain, when the patient has it) ticked as better, same
or worse than yesterday with the 0 to 10 score written below; columns are seven
real days. A week is kept whole with its title, and weeks follow each other, so
two normal-print weeks share a page when both fit; a week taller than a page
(large print, many exercises) is printed in two parts, each kept whole under its
own title and the day headings (``TallWeek``). Every tick box and write-in
cell notes where it was drawn in a ``Placements`` list, which becomes the
document's layout map.

The boxes are made to be read back from a scan or a photo: at least 5 mm, 3.6 mm
apart and 2.6 mm from the cell's rules, so a big tick stays in its own box.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Table
from reportlab.platypus.doctemplate import NullActionFlowable

from handouts.model.document import TICK_ROWS, Checklist, Day, GridRow, TickBox, Week
from handouts.model.layout import MM, PlacedBox, PlacedCell, Rect
from handouts.render.pdf import caches
from handouts.render.pdf.fonts import FONT, FONT_BOLD
from handouts.render.pdf.kept import Kept
from handouts.render.pdf.pages import MarkFlowable
from handouts.render.pdf.styles import INK, RULE, TINT, Look, Text, table_style
from handouts.render.pdf.text import literal

MIN_LABEL_SHARE = 0.24  # of the grid's width, at least, for the row labels
LARGE_LABEL_SHARE = 0.30  # large print: day columns are narrower for the bigger tick boxes
TICK_GAP = 3.6 * MM  # between tick boxes, side by side or stacked
TICK_CLEAR = 2.6 * MM  # between a tick box and its cell's rules
CELL_PAD = 2  # points left and right in a cell
CHOICE_INSET = 2  # points more between a pain row's "better / same / worse" and the rule after them


@dataclass
class Placements:
    """Where one build drew its tick boxes and write-in cells, on the pages of the finished file: the
    body's page numbers (from 1) after ``cover_pages`` pages of cover."""

    boxes: list[PlacedBox] = field(default_factory=list)
    cells: list[PlacedCell] = field(default_factory=list)
    cover_pages: int = 0

    def page_of(self, canvas: Canvas) -> int:
        """The page of the finished file the canvas draws on."""
        return canvas.getPageNumber() + self.cover_pages

    def body_pages(self) -> set[int]:
        """The body's pages (from 1, cover left out) with tick boxes."""
        return {box.page - self.cover_pages for box in self.boxes}


def _on_page(canvas: Canvas, x: float, y: float, width: float, height: float) -> Rect:
    """A rectangle drawn at (x, y) in the canvas's current coordinates, in page coordinates."""
    a, b, c, d, e, f = canvas._currentMatrix  # noqa: SLF001 - ReportLab keeps the transform here
    (x0, y0), (x1, y1) = [(a * px + c * py + e, b * px + d * py + f) for px, py in ((x, y), (x + width, y + height))]
    return Rect(min(x0, x1), min(y0, y1), abs(x1 - x0), abs(y1 - y0))


def _tick_boxes(canvas: Canvas, placed: Iterable[tuple[TickBox, float, float]], size: float,
                placements: Placements) -> None:
    """Empty squares to tick, each at its (x, y), noted in ``placements`` where they land on the page."""
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(1.2)
    page = placements.page_of(canvas)
    for box, x, y in placed:
        canvas.rect(x, y, size, size, stroke=1, fill=0)
        placements.boxes.append(PlacedBox(page, _on_page(canvas, x, y, size, size),
                                          box.exercise_id, box.date, box.session, box.kind))


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
        _tick_boxes(self.canv, (self._place(index, box) for index, box in enumerate(self.boxes)), self.size,
                    self.placements)

    def _place(self, index: int, box: TickBox) -> tuple[TickBox, float, float]:
        row, column = divmod(index, self.per_row)
        in_row = min(self.per_row, self.count - row * self.per_row)
        row_width = in_row * self.size + (in_row - 1) * self.gap
        x = (self.width - row_width) / 2 + column * (self.size + self.gap)
        return box, x, self.height - (row + 1) * self.size - row * self.gap


class PainBoxes(Flowable):
    """A day's pain check: better, same and worse stacked at the cell's left, the 0 to 10 score written
    beside them (a write-in cell the reader crops for the clinician, never parses)."""

    def __init__(self, boxes: Sequence[TickBox], size: float, gap: float, placements: Placements,
                 week: int) -> None:
        super().__init__()
        self.boxes, self.size, self.gap, self.placements, self.week = tuple(boxes), size, gap, placements, week

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        self.height = len(self.boxes) * (self.size + self.gap) - self.gap
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        page = self.placements.page_of(canvas)
        _tick_boxes(canvas, ((box, 0, self.height - (index + 1) * self.size - index * self.gap)
                             for index, box in enumerate(self.boxes)), self.size, self.placements)
        left = self.size + TICK_CLEAR
        score = _on_page(canvas, left, -TICK_CLEAR, self.width + TICK_CLEAR - left, self.height + 2 * TICK_CLEAR)
        self.placements.cells.append(PlacedCell(page, score, self.boxes[0].kind, self.boxes[0].date, self.week))


class PainLabel(Flowable):
    """The label of a pain row: its name and hint at the left, and level with each box of the day
    cells, that box's word (better, same, worse) at the right."""

    def __init__(self, name: Text, choices: Sequence[str], font_size: float, size: float, gap: float) -> None:
        super().__init__()
        self.name, self.choices, self.font_size, self.size, self.gap = name, tuple(choices), font_size, size, gap
        self.choice_width = max(stringWidth(c, FONT, font_size) for c in self.choices)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        _, text_height = self.name.wrap(available_width - self.choice_width - CHOICE_INSET - 4, available_height)
        boxes = len(self.choices) * (self.size + self.gap) - self.gap
        self.height = max(text_height, boxes)
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        self.name.drawOn(canvas, 0, self.height - self.name.height)
        canvas.setFont(FONT, self.font_size)
        canvas.setFillColor(INK)
        top = (self.height + len(self.choices) * (self.size + self.gap) - self.gap) / 2  # the boxes' top
        for index, choice in enumerate(self.choices):
            middle = top - index * (self.size + self.gap) - self.size / 2
            canvas.drawRightString(self.width - CHOICE_INSET, middle - self.font_size * 0.35, choice)


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

    It is never left for ReportLab to split (its split pieces would be plain tables, noting
    nothing): a week taller than a page is a ``TallWeek``, each part a grid of its own.
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
        canvas, page = self.canv, self.placements.page_of(self.canv)
        columns, rows = self._colpositions, self._rowpositions  # noqa: SLF001 - set by Table's layout
        for cell in self.write_ins:
            x, top, bottom = columns[cell.first], rows[cell.row], rows[cell.row + 1]
            rect = _on_page(canvas, x, bottom, columns[cell.last + 1] - x, top - bottom)
            self.placements.cells.append(PlacedCell(page, rect, cell.kind, cell.date, cell.week))


Replay = Callable[[Any, Callable[[], list[Flowable]]], list[Flowable]]


def checklist_grids(checklist: Checklist, look: Look, placements: Placements,
                    replay: Replay | None = None) -> list[Flowable]:
    """One titled grid per week, each kept whole; a week that does not fit the rest of a page starts the next.

    ``replay(key, build)`` may give a week's flowables as an earlier handout drew them
    (``frozen.frozen_flowables``): the same week (dates, rows, doses) on the same paper draws the same.
    """
    out: list[Flowable] = []
    for week in checklist.weeks:
        build = lambda week=week: [_week(week, look, placements)]  # noqa: E731
        made = replay(("week", caches.said(week), look), build) if replay is not None else build()
        for flowable in made:
            flowable.reserve_band = True  # a page with tick boxes keeps its foot for the QR page id (pages.BandFrame)
        out += made
    return out


def _day_width(week: Week, look: Look, width: float) -> float:
    """A day's column: room for two tick boxes side by side and its heading ("Wed 30") on one
    line, the rest of the width going to the row labels (large print: a fixed share)."""
    if look.large_print:
        return width * (1 - LARGE_LABEL_SHARE) / 7
    size = look.styles["grid"].fontSize
    boxes = 2 * look.tick_size + TICK_GAP + 2 * TICK_CLEAR - 2 * CELL_PAD
    heading = max(stringWidth(literal(day.weekday), FONT_BOLD, size) + stringWidth("\u00a030", FONT, size)
                  for day in week.days)
    return min(max(boxes, heading) + 2 * CELL_PAD + 1, width * (1 - MIN_LABEL_SHARE) / 7)


@dataclass(frozen=True)
class _Line:
    """A row of a week's grid under the day headings: its cells, and the kind of row (``GridRow.kind``)."""

    cells: tuple[object, ...]
    kind: str


def _week(week: Week, look: Look, placements: Placements) -> Flowable:
    """The week's title and grid, kept whole; a week taller than a checklist page is a ``TallWeek``."""
    styles = look.styles
    width = look.frame_width - 2 * MM  # 1 mm in from each side: 3 mm clear of the side markers
    day_width = _day_width(week, look, width)
    label_width = width - 7 * day_width
    head = styles["grid_bold"]

    def label(row: GridRow) -> Text:
        # The hint ("3 times a day") follows the name on its last line when it fits there whole,
        # else it starts a line of its own.
        name = f"<b>{literal(row.label)}</b>"
        if not row.hint:
            return Text(name, styles["grid"])
        room = label_width - 5
        alone = Text(name, styles["grid"])
        alone.wrap(room, look.frame_height)
        joined = Text(f"{name} {literal(row.hint).replace(' ', '&nbsp;')}", styles["grid"])
        joined.wrap(room, look.frame_height)
        if len(joined.blPara.lines) <= len(alone.blPara.lines):
            return joined
        return Text(f"{name}<br/>{literal(row.hint)}", styles["grid"])

    def day_heading(day: Day) -> Text:
        # "Mon 7": the week's title names the months, and one line leaves room for a second week;
        # large print has no room for that in a day's column, so the number goes under the day.
        between = "<br/>" if look.large_print else " "
        return Text(f"<b>{literal(day.weekday)}</b>{between}{day.date.day}", styles["grid"])

    header = (Text(literal(week.corner), head), *[day_heading(d) for d in week.days])
    lines: list[_Line] = []
    for row in week.rows:
        if row.kind in ("pain", "leg_pain"):
            name = Text(f"<b>{literal(row.label)}</b><br/>{literal(row.hint)}", styles["grid"])
            lines.append(_Line((PainLabel(name, row.choices, styles["grid"].fontSize, look.tick_size, TICK_GAP),
                                *[PainBoxes(row.tick_boxes(day.date), look.tick_size, TICK_GAP, placements,
                                            week.number) for day in week.days]), row.kind))
        elif row.kind in TICK_ROWS:
            lines.append(_Line((label(row), *[TickBoxes(row.tick_boxes(day.date), look.tick_size, TICK_GAP,
                                                        placements) for day in week.days]), row.kind))
        elif row.kind == "notes":
            lines.append(_Line((label(row), *[""] * 7), row.kind))

    def grid(part: Sequence[_Line]) -> GridTable:
        return _grid(week, look, placements, header, part, [label_width] + [day_width] * 7)

    title = Text(literal(week.title), styles["h2"])
    # The marks let a check prove from the PDF that no week was split, and measure it. The start mark
    # goes after the title: KeepTogether takes its space-before from its first flowable, and a mark
    # there would hide the title's from its measure.
    start, end = MarkFlowable("week", f"week-{week.number}-start"), MarkFlowable("week", f"week-{week.number}-end")
    end.spaceAfter = look.body_size * 0.8
    table = grid(lines)
    if _stacked([title, start], width, look.frame_height) + table.wrap(width, look.frame_height)[1] \
            <= look.sheet_height:
        return Kept([title, start, table, end])
    continued = Text(literal(week.continued or week.title), styles["h2"])
    return TallWeek([title, start], continued, week.number, lines, grid, end, look.sheet_height)


def _grid(week: Week, look: Look, placements: Placements, header: Sequence[object], lines: Sequence[_Line],
          widths: Sequence[float]) -> GridTable:
    """The grid of ``lines`` (a whole week, or a part of one) under the day headings."""
    rows = [list(header), *[list(line.cells) for line in lines]]
    notes = [index for index, line in enumerate(lines, start=1) if line.kind == "notes"]
    heights = [None if index not in notes else look.body_size * 2.4 for index in range(len(rows))]
    clear = TICK_CLEAR
    table = GridTable(rows, colWidths=list(widths), rowHeights=heights, repeatRows=1,
                      cells=[WriteIn(index, 1, 7, "notes", None, week.number) for index in notes],
                      placements=placements)
    table.setStyle(table_style([
        ("GRID", (0, 0), (-1, -1), 0.75, RULE),
        ("BOX", (0, 0), (-1, -1), 1.5, INK),
        ("BACKGROUND", (0, 0), (-1, 0), TINT),
        *[("BACKGROUND", (0, i), (0, i), TINT) for i, line in enumerate(lines, start=1) if line.kind != "exercise"],
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (1, 0), (-1, 0), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("LEFTPADDING", (0, 0), (0, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), look.body_size * 0.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), look.body_size * 0.25),
        # tick boxes keep clear of the cell's rules, so a big tick stays inside its own cell
        ("LEFTPADDING", (1, 1), (-1, -1), clear),
        ("RIGHTPADDING", (1, 1), (-1, -1), clear),
        *[cmd for i, line in enumerate(lines, start=1) if line.kind in TICK_ROWS
          for cmd in (("TOPPADDING", (1, i), (-1, i), clear), ("BOTTOMPADDING", (1, i), (-1, i), clear))],
        *[cmd for i in notes for cmd in (("VALIGN", (0, i), (-1, i), "TOP"), ("SPAN", (1, i), (-1, i)))],
    ]))
    table.reserve_band = True
    return table


class TallWeek(Flowable):
    """A week taller than a checklist page, printed in parts split between its rows.

    Each part is kept whole under the day headings. The first part has the week's
    title, each later one the week's "continued" title and a mark of its own
    ('week-2-part2'); the start and end marks go round the whole week. So a check
    can tell a week printed in parts on purpose from one a table split, and measure
    that it had to be. The week starts in the room left on a page when its title and
    ``MIN_LINES`` rows fit there and the rest then fits the next page; else it starts
    the next page. So a week that is a little taller than a page takes two pages,
    never three, and no part is a lone row.
    """

    MIN_LINES = 2
    reserve_band = True  # a page with tick boxes keeps its foot for the QR page id (pages.BandFrame)

    def __init__(self, heads: Sequence[Flowable], continued: Text, number: int, lines: Sequence[_Line],
                 grid: Callable[[Sequence[_Line]], GridTable], end: MarkFlowable, page: float, part: int = 1) -> None:
        super().__init__()
        self.heads, self.continued, self.number, self.part = list(heads), continued, number, part
        self.lines, self.grid, self.end = list(lines), grid, end
        self.page = page  # a checklist page's room for a week

    def getSpaceBefore(self) -> float:  # noqa: N802 - ReportLab's name
        return self.heads[0].getSpaceBefore()  # the title's, as a frame will take it before the first part

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 - ReportLab's names
        self.width = availWidth
        return availWidth, 0xFFFFFF  # as KeepTogether: always asked to split, which places its parts

    def lead_with(self, flowables: Sequence[Flowable]) -> None:
        """Print ``flowables`` (a section's heading and introduction) over the week's first part, kept
        with it: they move to the next page with the week rather than end a page alone or split."""
        self.heads = [*flowables, *self.heads]

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803 - ReportLab's names
        heads, header, rows = self._heights(self.heads, availWidth)
        count = len(self.lines)
        # Each part goes back to the document behind a no-op, as KeepTogether's own parts do: the first
        # flowable of a split is added as it is, and a KeepTogether never is.
        if heads + header + sum(rows) <= availHeight:
            return [NullActionFlowable(), self._part(self.heads, self.lines, last=True)]
        fits = [k for k in range(1, count) if heads + header + sum(rows[:k]) <= availHeight]
        if not fits:
            return []  # not one row fits under the title: the next page
        fresh = availHeight >= self.page - 1  # the top of a page: no better place is coming
        take = min(fits[-1], max(count - self.MIN_LINES, 1))  # leave the next part more than a lone row
        if (self.lines[take - 1].kind, self.lines[take].kind) == ("pain", "leg_pain") \
                and take - 1 >= (1 if fresh else self.MIN_LINES):
            take -= 1  # back pain and leg pain side by side, ticked together
        following = TallWeek([self.continued, MarkFlowable("week", f"week-{self.number}-part{self.part + 1}")],
                             self.continued, self.number, self.lines[take:], self.grid, self.end, self.page,
                             self.part + 1)
        if not fresh:
            more = _stacked(following.heads, availWidth, self.page)  # its title over the same rows
            from_top = [k for k in range(1, count) if heads + header + sum(rows[:k]) <= self.page]
            if take < self.MIN_LINES or (more + header + sum(rows[take:]) > self.page and from_top
                                         and more + header + sum(rows[from_top[-1]:]) <= self.page):
                return []  # starting on the next page, the week takes two pages, not three
        return [NullActionFlowable(), self._part(self.heads, self.lines[:take], last=False), following]

    def _part(self, heads: Sequence[Flowable], lines: Sequence[_Line], *, last: bool) -> KeepTogether:
        part = Kept([*heads, self.grid(lines), *([self.end] if last else [])])
        part.reserve_band = True
        return part

    def _heights(self, heads: Sequence[Flowable], width: float) -> tuple[float, float, list[float]]:
        """The heads' height as a frame stacks them (with the space after the last), the day headings'
        and each row's."""
        table = self.grid(self.lines)
        table.wrap(width, self.page)
        return _stacked(heads, width, self.page), table._rowHeights[0], list(table._rowHeights[1:])  # noqa: SLF001


def _stacked(flowables: Sequence[Flowable], width: float, height: float) -> float:
    """The height ``flowables`` take in a frame, from the top of the first (its space before is the
    frame's to give) to the end of the space after the last, spaces collapsed as ``Frame._add``
    collapses them: a mark passes on its own space after (``MarkFlowable.apply``)."""
    total, after, first = 0.0, 0.0, True
    for flowable in flowables:
        if isinstance(flowable, MarkFlowable):
            after = flowable.getSpaceAfter()
            total += after
            first = first and not after
            continue
        _, drawn = flowable.wrap(width, height)
        before = 0.0 if first else max(flowable.getSpaceBefore() - after, 0.0)
        after = flowable.getSpaceAfter()
        total += before + drawn + after
        first = False
    return total
