"""A handout as a document no renderer owns: what the compose stage makes and a renderer draws.

Text is plain spans (words with bold or italic), never renderer markup, so a
PDF renderer and any later one (HTML, say) draw the same document. The
checklist is data too: one row per exercise with how many sessions a day, so
every tick box is known by (exercise, date, session) before it is drawn.
"""

from __future__ import annotations

import string
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from handouts.model.illustration import Illustration


@dataclass(frozen=True)
class Span:
    """A run of literal text, perhaps bold or italic."""

    text: str
    bold: bool = False
    italic: bool = False


#: A line of text: spans in reading order.
Inline = tuple[Span, ...]


def plain_text(inline: Inline) -> str:
    """The words of ``inline`` without their emphasis."""
    return "".join(span.text for span in inline)


@dataclass(frozen=True)
class Heading:
    level: int  # 1 to 3; level 1 starts a section (a bookmark)
    text: Inline


@dataclass(frozen=True)
class Paragraph:
    text: Inline


@dataclass(frozen=True)
class ListBlock:
    ordered: bool
    items: tuple[Inline, ...]


@dataclass(frozen=True)
class Table:
    """Label and value rows, e.g. who the handout is for, or a dose."""

    rows: tuple[tuple[Inline, ...], ...]


@dataclass(frozen=True)
class Box:
    """A framed group of blocks: 'emergency', 'safety', 'note' or 'dose' (renderers may add more looks)."""

    kind: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class PageBreak:
    """The next block starts a new page."""


@dataclass(frozen=True)
class Video:
    """A web address printed as a QR code under an exercise's picture, with a caption."""

    url: str
    caption: str


@dataclass(frozen=True)
class Card:
    """One exercise: its title, the blocks beside the picture (the steps), and those below (dose, tips)."""

    exercise_id: str
    number: int
    title: Inline
    beside: tuple[Block, ...]
    below: tuple[Block, ...]
    illustration: Illustration | None = None
    video: Video | None = None


@dataclass(frozen=True)
class Cards:
    """The exercise cards, in plan order; each is printed whole."""

    cards: tuple[Card, ...]


@dataclass(frozen=True)
class Day:
    """A column of the weekly grid."""

    date: date
    weekday: str  # e.g. "Mon"
    label: str  # the rest of the short date, e.g. "7 Dec"


@dataclass(frozen=True)
class TickBox:
    """One box to tick: a session of an exercise on a day."""

    exercise_id: str
    date: date
    session: int  # 1 to the exercise's times a day; the 10-minute block; 1, 2, 3 = better, same, worse
    kind: str = "exercise"  # 'exercise', 'walking', 'pain' or 'leg_pain' (handouts.model.layout.BOX_KINDS)


#: The kinds of row in a weekly grid.
#: Tick rows: an exercise's sessions, walking in 10-minute blocks, and back (or leg) pain against
#: yesterday, three boxes a day (better, same, worse) with the 0 to 10 score written beside; the notes.
ROW_KINDS = ("exercise", "walking", "pain", "leg_pain", "notes")
TICK_ROWS = ("exercise", "walking", "pain", "leg_pain")


@dataclass(frozen=True)
class GridRow:
    """A row of the weekly grid: an exercise's tick boxes, or a cell per day to write in."""

    kind: str  # one of ROW_KINDS
    label: str
    hint: str = ""
    exercise_id: str | None = None
    sessions: int = 0  # tick boxes per day (exercise and walking rows)
    choices: tuple[str, ...] = ()  # pain rows: the words of its boxes, e.g. ('better', 'same', 'worse')

    def tick_boxes(self, day: date) -> list[TickBox]:
        """The boxes this row has on ``day`` (none for the notes)."""
        if self.kind in ("pain", "leg_pain"):
            return [TickBox(self.kind, day, value, self.kind) for value in range(1, len(self.choices) + 1)]
        if self.kind in ("exercise", "walking"):
            return [TickBox(self.exercise_id or self.kind, day, s, self.kind) for s in range(1, self.sessions + 1)]
        return []


@dataclass(frozen=True)
class Week:
    """One week's grid: seven real days, a row per exercise, then walking, pain and notes."""

    number: int  # 1-based
    title: str
    corner: str  # the heading over the row labels, e.g. "Exercise"
    days: tuple[Day, ...]
    rows: tuple[GridRow, ...]
    continued: str = ""  # the title over its second part when it needs two pages, e.g. "Week 1 (continued)"

    def boxes(self) -> Iterator[TickBox]:
        """Every tick box of the week, row by row, day by day, session by session."""
        for row in self.rows:
            for day in self.days:
                yield from row.tick_boxes(day.date)


@dataclass(frozen=True)
class Checklist:
    """The weekly grids, one per week."""

    weeks: tuple[Week, ...]


Block = Heading | Paragraph | ListBlock | Table | Box | PageBreak | Cards | Checklist


def blocks_text(blocks: Sequence[Block]) -> Iterator[Inline]:
    """Every line of text in ``blocks`` in reading order, boxes and cards included."""
    for block in blocks:
        if isinstance(block, (Heading, Paragraph)):
            yield block.text
        elif isinstance(block, ListBlock):
            yield from block.items
        elif isinstance(block, Table):
            yield from (cell for row in block.rows for cell in row)
        elif isinstance(block, Box):
            yield from blocks_text(block.blocks)
        elif isinstance(block, Cards):
            for card in block.cards:
                yield card.title
                yield from blocks_text(card.beside)
                yield from blocks_text(card.below)


def fill(text: str, values: Mapping[str, object]) -> str:
    """A label with each ``{name}`` filled from ``values``.

    Labels are checked when they load (plain fields from a fixed list, small
    widths), so this never reaches into an object or pads without end.
    """
    out = []
    for literal, name, spec in _fields(text):
        out.append(literal)
        if name is not None:
            out.append(format(values[name], spec or ""))
    return "".join(out)


@lru_cache(maxsize=256)
def _fields(text: str) -> tuple[tuple[str, str | None, str | None], ...]:
    return tuple((literal, name, spec) for literal, name, spec, _ in string.Formatter().parse(text))


@dataclass(frozen=True)
class Running:
    """The words of the running header and footer of every page."""

    clinic: str
    patient: str
    made: str  # e.g. "Made 7 December 2026"
    page_format: str  # e.g. "Page {page} of {pages}"
    edition: str = ""  # e.g. "Content v2026.12, reviewed 2 December 2026", small under the footer
    sample: str = ""  # e.g. "SAMPLE: not a real clinic", printed in the footer when the clinic is the sample one

    def page_label(self, page: int, pages: int) -> str:
        """e.g. 'Page 2 of 6'."""
        return fill(self.page_format, {"page": page, "pages": pages})


@dataclass(frozen=True)
class PageSetup:
    """What the document asks of its pages: paper, print size and the clinic's colour."""

    paper: str = "letter"
    large_print: bool = False
    accent: str = "#1F4E79"


@dataclass(frozen=True)
class HandoutDoc:
    """A whole handout (or checklist sheet), ready for any renderer."""

    kind: str  # 'handout' or 'checklist'
    title: str  # the document title (metadata)
    language: str
    author: str  # the clinic
    blocks: tuple[Block, ...]
    running: Running
    setup: PageSetup = field(default_factory=PageSetup)
    cover_label: str = "Cover page"  # the bookmark of a cover, in the document's language
