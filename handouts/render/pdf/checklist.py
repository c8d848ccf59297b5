"""The weekly checklist: one grid per week, real dates, tick boxes per session.

Rows are the plan's exercises (with how many times a day), a walking row for
minutes and a pain row (0 to 10); columns are seven real days from the start
date. Each week starts on a new page, so a week is one sheet to pin up.
"""

from __future__ import annotations

from datetime import date, timedelta

from reportlab.platypus import Flowable, KeepTogether, PageBreak, Table

from handouts.compose.markup import clean, xml_escape
from handouts.compose.templates import Templates
from handouts.model import Plan
from handouts.render.pdf.styles import INK, RULE, TINT, Look, Text, table_style

LABEL_SHARE = 0.28  # of the grid's width, for the row labels
LARGE_LABEL_SHARE = 0.30  # large print: day columns show only "Mon 7", so labels get more room


class TickBoxes(Flowable):
    """``count`` empty squares to tick, wrapped into as many rows as the cell needs."""

    def __init__(self, count: int, size: float, gap: float) -> None:
        super().__init__()
        self.count, self.size, self.gap = count, size, gap
        self.per_row = count

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
        for index in range(self.count):
            row, column = divmod(index, self.per_row)
            in_row = min(self.per_row, self.count - row * self.per_row)
            row_width = in_row * self.size + (in_row - 1) * self.gap
            x = (self.width - row_width) / 2 + column * (self.size + self.gap)
            y = self.height - (row + 1) * self.size - row * self.gap
            canvas.rect(x, y, self.size, self.size, stroke=1, fill=0)


def week_days(start: date, week: int) -> list[date]:
    """The seven dates of week ``week`` (0-based) from ``start``."""
    first = start + timedelta(days=7 * week)
    return [first + timedelta(days=i) for i in range(7)]


def checklist_grids(plan: Plan, templates: Templates, look: Look) -> list[Flowable]:
    """One titled grid per week, each starting on a new page after the first."""
    story: list[Flowable] = []
    for week in range(plan.request.weeks):
        if week:
            story.append(PageBreak())
        story.extend(_week(plan, templates, look, week))
    return story


def _week(plan: Plan, templates: Templates, look: Look, week: int) -> list[Flowable]:
    styles = look.styles
    grid = templates.labels["grid"]
    days = week_days(plan.request.start_date, week)
    title = grid["week"].format(n=week + 1, first=templates.short_date(days[0]), last=templates.short_date(days[-1]))
    width = look.frame_width
    label_width = width * (LARGE_LABEL_SHARE if look.large_print else LABEL_SHARE)
    day_width = (width - label_width) / 7
    head = styles["cell_bold"]

    def label(name: str, hint: str) -> Text:
        return Text(f"<b>{xml_escape(clean(name))}</b><br/>{xml_escape(clean(hint))}", styles["cell"])

    def day_heading(day: date) -> Text:
        weekday, _, rest = templates.short_date(day).partition(" ")
        # Large print has no room for "10 Dec" in a day column: the week's title names the months.
        below = str(day.day) if look.large_print else rest
        return Text(f"<b>{xml_escape(weekday)}</b><br/>{xml_escape(below).replace(' ', '&nbsp;')}",
                         styles["cell"])

    rows: list[list[object]] = [[Text(xml_escape(grid["exercise"]), head), *[day_heading(d) for d in days]]]
    gap = look.tick_size * 0.4
    for planned in plan.exercises:
        words = planned.exercise.words(plan.language)
        if planned.exercise.kind == "aerobic":
            continue  # walking has its own row for minutes
        times = planned.dose.times_a_day
        rows.append([label(words.name, templates.times_a_day(times)),
                     *[TickBoxes(times, look.tick_size, gap) for _ in days]])
    walking_row = len(rows)
    if plan.has_walking:
        rows.append([label(grid["walking"], grid["walking_hint"]), *[""] * 7])
    rows.append([label(grid["pain"], grid["pain_hint"]), *[""] * 7])
    rows.append([Text(f"<b>{xml_escape(grid['notes'])}</b>", styles["cell"]), *[""] * 7])

    heights = [None] * (len(rows) - 1) + [look.body_size * 2.6]
    table = Table(rows, colWidths=[label_width] + [day_width] * 7, rowHeights=heights, repeatRows=1)
    table.setStyle(table_style([
        ("GRID", (0, 0), (-1, -1), 0.75, RULE),
        ("BOX", (0, 0), (-1, -1), 1.5, INK),
        ("BACKGROUND", (0, 0), (-1, 0), TINT),
        ("BACKGROUND", (0, walking_row), (0, -1), TINT),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("VALIGN", (0, -1), (-1, -1), "TOP"),
        ("SPAN", (1, -1), (-1, -1)),
        ("ALIGN", (1, 0), (-1, 0), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 1), (-1, -1), look.body_size * 0.25),
        ("BOTTOMPADDING", (0, 1), (-1, -1), look.body_size * 0.3),
    ]))
    return [KeepTogether([Text(xml_escape(title), styles["h2"]), table])]
