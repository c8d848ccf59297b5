"""Finished drawing kept per process: a block laid out and drawn once is replayed in later handouts.

A builder's flowables for a block (an exercise card, a safety box, a checklist
week) are built, measured and drawn as usual the first time; what each table and
paragraph drew is recorded as PDF operators, and where it drew its tick boxes and
write-in cells. When a later handout asks for the same block with the same look
(the key holds the whole block, so its text, dose, number, figure and video, a
week's dates and rows, and the paper, print size and colours), the recorded
operators are written again at the new place, with no paragraphs parsed, wrapped
or drawn, and the boxes are noted again on the page it lands on.

Recorded drawing is written as a form XObject named by a digest of what it
draws, the first time as on every replay, so a handout's bytes never depend on
what was cached, and the same card in many handouts is one object in a combined
print file (``combined`` writes each distinct object once).

Only what is portable between documents is recorded: text in the first,
primed subset of the shipped fonts (whose codes are the same in every
document, ``fonts.prime_subsets``), colours, paths, and the figures' forms. A
table that draws anything else (letters outside the primed subset, images,
transparency, links), a block made of other flowables (a card taller than a
page), or a block that is split across pages is laid out as always.

ReportLab internals used: the canvas's ``_code`` (operators), ``_formsinuse``,
``_annotationrefs``, ``_colorsUsed``, ``_currentMatrix`` and ``_doc.fontMapping``;
``TTFont.getSubsetInternalName`` (which also makes the document embed the font);
``Canvas.beginForm`` and ``endForm`` to define a form in the middle of a page; ``KeepTogether``'s
``_H``, ``_H0`` and ``_wrapInfo`` and ``flowables._listWrapOn`` to measure a replayed block.
"""

from __future__ import annotations

import copy
import functools
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Table

from handouts.model.layout import PlacedBox, PlacedCell, Rect
from handouts.render.pdf import caches
from handouts.render.pdf.checklist import GridTable
from handouts.render.pdf.forms import define_form
from handouts.render.pdf.kept import Kept
from handouts.render.pdf.pages import MarkFlowable
from handouts.render.pdf.portable import draw_recorded, filled, portable
from handouts.render.pdf.styles import Text


@dataclass(frozen=True)
class Drawn:
    """What one table drew: its size and spacing, and its operators with the fonts left as holes."""

    width: float
    height: float
    h_align: str
    space_before: float
    space_after: float
    text: str
    fonts: tuple[str, ...]
    forms: tuple[str, ...]  # the figure forms it draws
    #: The tick boxes and write-in cells it drew, from its own origin (``Placed``), page left out.
    places: tuple[tuple[Any, ...], ...] = ()


#: Recorded tables, by (digest of the block's key, index of the table in the block's flowables).
DRAWN: caches.Capped[tuple[str, int], Drawn] = caches.Capped(512)
#: How a block's flowables are put together: a list of ('mark', prototype) and ('table', index).
RECIPES: caches.Capped[str, tuple[tuple[str, Any], ...]] = caches.Capped(512)
caches.ALL += [DRAWN, RECIPES]


def frozen_flowables(key: Any, build: Callable[[], Sequence[Flowable]],
                     placements: Placements | None = None) -> list[Flowable]:
    """The flowables ``build`` makes, replayed from the record under ``key`` when there is one.

    ``placements`` is where the block's tick boxes and write-in cells are noted as they are drawn
    (a checklist week): a replay notes them again at the place and page it is drawn on.
    """
    if not caches.enabled():
        return list(build())
    key = _digest(key)
    recipe = RECIPES.get(key)
    if recipe is not None:
        drawn = {part: DRAWN.get((key, part)) for kind, part in recipe if kind == "table"}
        if all(d is not None and all(caches.FIGURE_FORMS.get(name) is not None for name in d.forms)
               and (placements is not None or not d.places) for d in drawn.values()):
            return [_KeptReplay([_Replay(drawn[part], placements) if kind == "table"  # type: ignore[arg-type]
                                 else copy.copy(part) for kind, part in recipe])]
    made = list(build())
    if len(made) != 1 or type(made[0]) not in (KeepTogether, Kept):
        return made
    content = made[0]._content
    if not all(type(f) in _RECORDABLE for f in content):
        return made
    parts: list[tuple[str, Any]] = []
    recorded: list[Flowable] = []
    for flowable in content:
        if type(flowable) is MarkFlowable:
            parts.append(("mark", copy.copy(flowable)))
            recorded.append(flowable)
        else:
            parts.append(("table", len(parts)))
            recorded.append(_Recording(flowable, (key, len(parts) - 1), placements))
    RECIPES.put(key, tuple(parts))
    return [Kept(recorded)]


def _digest(key: Any) -> str:
    """The key's digest, the same in every process (for the disk cache); worked out once per process for a
    key seen before. A card's or week's key holds its words as one kept string (``caches.said``), so it
    hashes at the cost of a look-up; put into words and digested again, a card's few kilobytes of key took
    more time than replaying the card."""
    found = _DIGESTS.get(key)
    if found is None:
        found = hashlib.sha256(repr(key).encode()).hexdigest()
        _DIGESTS.put(key, found)
    return found


#: Block keys' digests, by the key.
_DIGESTS: caches.Capped[Any, str] = caches.Capped(1024)
caches.ALL.append(_DIGESTS)


class _KeptReplay(Kept):
    """A replayed block, kept whole (its parts have fixed sizes and make no frame actions)."""


class Placements(Protocol):
    """Where a build notes the tick boxes and write-in cells it draws (``checklist.Placements``)."""

    boxes: list[PlacedBox]
    cells: list[PlacedCell]

    def page_of(self, canvas: Canvas) -> int: ...


#: The flowables a block may be made of to be recorded: tables (a checklist week's grid notes its
#: boxes), paragraphs (a week's title) and marks; anything else is laid out as always.
_RECORDABLE = (Table, GridTable, Text, MarkFlowable)


def _origin(canvas: Canvas) -> tuple[float, float] | None:
    """Where the canvas's origin is on the page, when it is only moved (not turned or scaled)."""
    a, b, c, d, e, f = canvas._currentMatrix
    return (e, f) if (a, b, c, d) == (1, 0, 0, 1) else None


def _relative(placed: PlacedBox | PlacedCell, origin: tuple[float, float]) -> tuple[Any, ...]:
    """A box or cell drawn on the page as plain data, from ``origin`` (a record is kept on disk too)."""
    rect = placed.rect
    where = (rect.x - origin[0], rect.y - origin[1], rect.width, rect.height)
    if isinstance(placed, PlacedBox):
        return ("box", *where, placed.exercise_id, placed.date.isoformat(), placed.session, placed.kind)
    return ("cell", *where, placed.kind, placed.date.isoformat() if placed.date else "", placed.week)


def _placed(record: tuple[Any, ...], page: int, origin: tuple[float, float]) -> PlacedBox | PlacedCell:
    """The box or cell of ``record`` drawn again on ``page`` from ``origin``."""
    kind, x, y, width, height, *rest = record
    rect = Rect(x + origin[0], y + origin[1], width, height)
    if kind == "box":
        exercise_id, day, session, box_kind = rest
        return PlacedBox(page, rect, exercise_id, _day(day), session, box_kind)
    cell_kind, day, week = rest
    return PlacedCell(page, rect, cell_kind, _day(day) if day else None, week)


_day = functools.lru_cache(maxsize=1024)(date.fromisoformat)  # a week's seven days, over and over


class _Recording(Flowable):
    """A table drawn as usual, its operators recorded for later handouts when they are portable."""

    def __init__(self, table: Flowable, key: tuple[Any, int], placements: Placements | None) -> None:
        super().__init__()
        self.table = table
        self.key = key
        self.placements = placements
        self.hAlign = getattr(table, "hAlign", "LEFT")

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 - ReportLab's names
        self.width, self.height = self.table.wrapOn(self.canv, availWidth, availHeight)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        return self.table.splitOn(self.canv, availWidth, availHeight)  # drawn in parts: nothing recorded

    def getSpaceBefore(self) -> float:  # noqa: N802 - ReportLab's name
        return self.table.getSpaceBefore()

    def getSpaceAfter(self) -> float:  # noqa: N802 - ReportLab's name
        return self.table.getSpaceAfter()

    def draw(self) -> None:
        canvas: Canvas = self.canv
        code, forms, annotations = len(canvas._code), len(canvas._formsinuse), len(canvas._annotationrefs)
        boxes, cells = (len(self.placements.boxes), len(self.placements.cells)) if self.placements else (0, 0)
        colours = dict(canvas._colorsUsed)
        self.table.drawOn(canvas, 0, 0)
        if len(canvas._annotationrefs) != annotations or canvas._colorsUsed != colours:
            return
        places: tuple[tuple[Any, ...], ...] = ()
        if self.placements is not None:
            origin = _origin(canvas)
            if origin is None:
                return
            places = tuple(_relative(p, origin) for p in (*self.placements.boxes[boxes:],
                                                          *self.placements.cells[cells:]))
        used = tuple(dict.fromkeys(canvas._formsinuse[forms:]))
        recorded = portable("\n".join(canvas._code[code:]), canvas, _known_figure, used)
        if recorded is not None:
            text, fonts = recorded
            drawn = Drawn(self.width, self.height, self.hAlign, self.getSpaceBefore(), self.getSpaceAfter(), text,
                          fonts, used, places)
            DRAWN.put(self.key, drawn)
            # written as every replay writes it, so a handout's bytes never depend on what was cached
            del canvas._code[code:], canvas._formsinuse[forms:]
            _write(canvas, drawn)


#: Form names, by the operators and figures they draw.
_FORM_NAMES: caches.Capped[tuple[str, tuple[str, ...]], str] = caches.Capped(512)
caches.ALL.append(_FORM_NAMES)

#: How far a recorded table's form reaches past its own box (rules are drawn centred on its edges).
FORM_MARGIN = 36.0


def _known_figure(name: str) -> bool:
    return caches.FIGURE_FORMS.get(name) is not None


def _write(canvas: Canvas, drawn: Drawn) -> None:
    """``drawn`` written with this document's font names, as a form XObject named by what it draws (so
    the same card in many handouts is one object in a combined print file), and drawn here."""
    for name in drawn.forms:
        if not canvas.hasForm(name):
            width, height, operators = _figure(name)
            define_form(canvas, name, (0, 0, width, height), operators)
    # the record holds the table's own save, translation and restore, as its drawOn made them
    text = filled(canvas, (drawn.text, drawn.fonts))
    key = (text, drawn.forms)  # a str keeps its hash: a record replayed again is not hashed again
    form = _FORM_NAMES.get(key)
    if form is None:
        form = "Rec" + hashlib.sha256("\0".join((text, *drawn.forms)).encode()).hexdigest()[:32]
        _FORM_NAMES.put(key, form)
    if not canvas.hasForm(form):
        define_form(canvas, form, (-FORM_MARGIN, -FORM_MARGIN, drawn.width + FORM_MARGIN,
                                    drawn.height + FORM_MARGIN), text, drawn.forms)
    canvas.doForm(form)


def _figure(name: str) -> tuple[float, float, str]:
    """A recorded figure's size and operators as one text, joined once per process: the same str each
    time, so the form's lookups hash it once (joining and hashing a figure's operators for every card
    drawn was most of the time of defining its form)."""
    width, height, operators = caches.FIGURE_FORMS.get(name)  # type: ignore[misc]
    return width, height, caches.made_from(_JOINED, name, operators, lambda: "\n".join(operators))


#: Each figure's operators (as kept in ``caches.FIGURE_FORMS``) and the same joined, by the figure's name.
_JOINED: caches.Capped[str, tuple[tuple[str, ...], str]] = caches.Capped(256)
caches.ALL.append(_JOINED)


class _Replay(Flowable):
    """A recorded table written again (``_write``), its tick boxes and cells noted where it is drawn."""

    def __init__(self, drawn: Drawn, placements: Placements | None = None) -> None:
        super().__init__()
        self.drawn = drawn
        self.placements = placements
        self.width, self.height = drawn.width, drawn.height
        self.hAlign = drawn.h_align
        self.spaceBefore, self.spaceAfter = drawn.space_before, drawn.space_after

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        return []

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802,N803
        if getattr(self, "_showBoundary", None):
            super().drawOn(canvas, x, y, _sW)
        else:  # it writes forms and notes boxes, and sets nothing on the canvas
            draw_recorded(self, canvas, x, y, _sW, self.draw)

    def draw(self) -> None:
        canvas: Canvas = self.canv
        _write(canvas, self.drawn)
        if self.placements is not None and self.drawn.places:
            origin = _origin(canvas)
            if origin is None:
                raise ValueError("a recorded checklist drawn turned or scaled")
            page = self.placements.page_of(canvas)
            key = (self.drawn.text, self.drawn.places, page, origin)
            found = _PLACED.get(key)
            if found is None:  # a week mostly lands where it did in the last handout: its boxes are the same
                placed = [_placed(record, page, origin) for record in self.drawn.places]
                found = (tuple(p for p in placed if isinstance(p, PlacedBox)),
                         tuple(p for p in placed if isinstance(p, PlacedCell)))
                _PLACED.put(key, found)
            self.placements.boxes.extend(found[0])
            self.placements.cells.extend(found[1])


#: A record's boxes and cells as placed on a page at a place (immutable, so shared by every handout).
_PLACED: caches.Capped[tuple[Any, ...], tuple[tuple[PlacedBox, ...], tuple[PlacedCell, ...]]] = caches.Capped(256)
caches.ALL.append(_PLACED)
