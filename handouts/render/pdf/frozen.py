"""Finished drawing kept per process: a block laid out and drawn once is replayed in later handouts.

A builder's flowables for a block (an exercise card, say) are built, measured
and drawn as usual the first time; what each table drew is recorded as PDF
operators. When a later handout asks for the same block with the same look
(the key holds the whole block, so its text, dose, number, figure and video,
and the paper, print size and colours), the recorded operators are written
again at the new place, with no paragraphs parsed, wrapped or drawn. The page
content is the same as drawing afresh.

Only what is portable between documents is recorded: text in the first,
primed subset of the shipped fonts (whose codes are the same in every
document, ``fonts.prime_subsets``), colours, paths, and the figures' forms. A
table that draws anything else (letters outside the primed subset, images,
transparency, links), a block whose flowables are not tables and marks (a card
taller than a page), or a block that is split across pages is laid out as
always.

ReportLab internals used: the canvas's ``_code`` (operators), ``_formsinuse``,
``_annotationrefs`` and ``_doc.fontMapping``; ``TTFont.getSubsetInternalName``
(which also makes the document embed the font); ``Canvas.beginForm`` and
``endForm`` to define a figure's form in a document that has not drawn it yet.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Table

from handouts.render.pdf import caches
from handouts.render.pdf.pages import MarkFlowable

_FONT_NAME = re.compile(r"/(F\d+)(\+(\d+))?(?=[\s/\[(<]|$)")
_UNPORTABLE = re.compile(r"(?:^|\s)(?:gs|sh|BI|scn|SCN|cs|CS)(?:\s|$)")
_PLACE = re.compile("\x00(\\d+)\x00")


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


#: Recorded tables, by (digest of the block's key, index of the table in the block's flowables).
DRAWN: caches.Capped[tuple[str, int], Drawn] = caches.Capped(512)
#: How a block's flowables are put together: a list of ('mark', prototype) and ('table', index).
RECIPES: caches.Capped[str, tuple[tuple[str, Any], ...]] = caches.Capped(512)
caches.ALL += [DRAWN, RECIPES]


def frozen_flowables(key: Any, build: Callable[[], Sequence[Flowable]]) -> list[Flowable]:
    """The flowables ``build`` makes, replayed from the record under ``key`` when there is one."""
    if not caches.enabled():
        return list(build())
    key = hashlib.sha256(repr(key).encode()).hexdigest()  # the same in every process, for the disk cache
    recipe = RECIPES.get(key)
    if recipe is not None:
        drawn = {part: DRAWN.get((key, part)) for kind, part in recipe if kind == "table"}
        if all(d is not None and all(caches.FIGURE_FORMS.get(name) is not None for name in d.forms)
               for d in drawn.values()):
            return [KeepTogether([_Replay(drawn[part]) if kind == "table"  # type: ignore[arg-type]
                                  else copy.copy(part) for kind, part in recipe])]
    made = list(build())
    if len(made) != 1 or type(made[0]) is not KeepTogether:
        return made
    content = made[0]._content
    if not all(type(f) is Table or type(f) is MarkFlowable for f in content):
        return made
    parts: list[tuple[str, Any]] = []
    recorded: list[Flowable] = []
    for flowable in content:
        if type(flowable) is MarkFlowable:
            parts.append(("mark", copy.copy(flowable)))
            recorded.append(flowable)
        else:
            parts.append(("table", len(parts)))
            recorded.append(_Recording(flowable, (key, len(parts) - 1)))
    RECIPES.put(key, tuple(parts))
    return [KeepTogether(recorded)]


class _Recording(Flowable):
    """A table drawn as usual, its operators recorded for later handouts when they are portable."""

    def __init__(self, table: Table, key: tuple[Any, int]) -> None:
        super().__init__()
        self.table = table
        self.key = key
        self.hAlign = table.hAlign

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
        colours = dict(canvas._colorsUsed)
        self.table.drawOn(canvas, 0, 0)
        if len(canvas._annotationrefs) != annotations or canvas._colorsUsed != colours:
            return
        drawn = _portable("\n".join(canvas._code[code:]), canvas, tuple(canvas._formsinuse[forms:]))
        if drawn is not None:
            text, fonts, used = drawn
            DRAWN.put(self.key, Drawn(self.width, self.height, self.hAlign, self.getSpaceBefore(),
                                      self.getSpaceAfter(), text, fonts, used))


def _portable(text: str, canvas: Canvas, used: tuple[str, ...]) -> tuple[str, tuple[str, ...], tuple[str, ...]] | None:
    """``text`` with its font names as holes, the fonts, and the figure forms; None when not portable."""
    if _UNPORTABLE.search(text) or "\x00" in text:
        return None
    if any(caches.FIGURE_FORMS.get(name) is None for name in used):
        return None
    internal = {mapped.lstrip("/"): name for name, mapped in canvas._doc.fontMapping.items()}
    fonts: list[str] = []
    portable = True

    def hole(match: re.Match[str]) -> str:
        nonlocal portable
        font = internal.get(match.group(1))
        if font is None or match.group(3) != "0":  # a standard font, or a subset this document made
            portable = False
            return match.group(0)
        if font not in fonts:
            fonts.append(font)
        return f"\x00{fonts.index(font)}\x00"

    text = _FONT_NAME.sub(hole, text)
    return (text, tuple(fonts), tuple(dict.fromkeys(used))) if portable else None


class _Replay(Flowable):
    """A recorded table written again: the same operators, this document's font names."""

    def __init__(self, drawn: Drawn) -> None:
        super().__init__()
        self.drawn = drawn
        self.width, self.height = drawn.width, drawn.height
        self.hAlign = drawn.h_align
        self.spaceBefore, self.spaceAfter = drawn.space_before, drawn.space_after

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        return []

    def draw(self) -> None:
        canvas: Canvas = self.canv
        doc = canvas._doc
        names = [pdfmetrics.getFont(font).getSubsetInternalName(0, doc) for font in self.drawn.fonts]
        for name in self.drawn.forms:
            if not canvas.hasForm(name):
                width, height, operators = caches.FIGURE_FORMS.get(name)  # type: ignore[misc]
                canvas.beginForm(name, 0, 0, width, height)
                canvas._code.extend(operators)
                canvas.endForm()
        # the record holds the table's own save, translation and restore, as its drawOn made them
        canvas._code.append(_PLACE.sub(lambda m: names[int(m.group(1))], self.drawn.text))
        canvas._formsinuse.extend(self.drawn.forms)
