"""Document blocks become ReportLab flowables; the exercise cards and weekly grids come from builders.

Each builder returns flowables and the story is only assembled here, so the
page rules (cards kept whole, a section's heading kept with its first card or
grid, no heading ever last on a page, safety boxes that stand out) live in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from io import BytesIO
from typing import Any

from reportlab.lib import colors
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    ListFlowable,
    ListItem,
    PageBreak,
    Paragraph,
    Table,
)
from reportlab.platypus.doctemplate import FrameBreak

from handouts.model import document as doc
from handouts.model.document import Block, Box, Cards, Checklist, Heading, ListBlock, plain_text
from handouts.render.pdf.frozen import frozen_flowables
from handouts.render.pdf.kept import Kept
from handouts.render.pdf.pages import MarkFlowable
from handouts.render.pdf.plain_rows import PlainRows
from handouts.render.pdf.styles import INK, MUTED, TINT, WARN_BORDER, WARN_FILL, Look, Text, table_style
from handouts.render.pdf.text import markup

#: Flowables for the blocks a page builder draws itself (the exercise cards, the weekly grids), by block type.
Builders = Mapping[type, Callable[[Any], Sequence[Flowable]]]
_BUILT = (Cards, Checklist)
_MEASURING = Canvas(BytesIO())  # some flowables need a canvas just to measure themselves

# How each kind of box looks: (border colour, border width, fill).
_BOXES: Mapping[str, tuple[colors.Color, float, colors.Color]] = {
    "emergency": (WARN_BORDER, 3.0, WARN_FILL),
    "safety": (INK, 1.5, colors.white),
    "note": (MUTED, 1.0, TINT),
    "dose": (MUTED, 0.75, TINT),
}


def flowables(blocks: Sequence[Block], look: Look, builders: Builders,
              *, width: float | None = None) -> list[Flowable]:
    """The flowables for ``blocks``; cards and grids come from ``builders``."""
    width = look.frame_width if width is None else width
    out: list[Flowable] = []
    intro_start: int | None = None  # where the current section's heading and intro began
    for block in blocks:
        made = _block(block, look, builders, width)
        if isinstance(block, Heading) and block.level == 1:
            intro_start = len(out)
        elif isinstance(block, _BUILT) and made and intro_start is not None:
            # Keep a section's heading and introduction on the page of its first card or grid.
            intro = out[intro_start:]
            del out[intro_start:]
            # A nested KeepTogether reports an endless height, which would always force a new page.
            first = made[0]._content if isinstance(made[0], KeepTogether) else [made[0]]
            if hasattr(made[0], "lead_with"):  # a week printed in parts: the intro goes over its first
                made[0].lead_with(intro)
            elif _height([*intro, *first], width, look) <= _room(look, made[0]):
                made = [_kept_with([*intro, *first], made[0]), *made[1:]]
            else:  # together they would not fit even an empty page: the card or grid starts a page
                out.extend(intro)
            intro_start = None
        elif isinstance(block, (Box, doc.PageBreak, *_BUILT)):
            intro_start = None
        out.extend(made)
    return out


def story(blocks: Sequence[Block], look: Look, builders: Builders) -> list[Flowable]:
    """The page's flowables for a whole document: ``flowables`` with every heading kept with what follows."""
    made = _keep_headings_with_next(flowables(blocks, look, builders))
    number_boxes(made)
    return made


class KeepWithNext(Kept):
    """A heading and the paragraph after it: the heading never ends a page.

    When both do not fit the rest of the page, the paragraph may still start
    under the heading if at least two of its lines fit (a paragraph never
    leaves one line behind); otherwise both move to the next page.
    """

    def split(self, aW: float, aH: float) -> list[Flowable]:  # noqa: N803 - ReportLab's names
        *heads, following = self._content
        if _height(self._content, aW, None) <= aH:
            return list(self._content)
        room = aH - _height(heads, aW, None) - following.getSpaceBefore()
        parts = following.splitOn(self.canv, aW, room) if room > 0 else []
        if parts:
            return [*heads, *parts]
        frame = getattr(self, "_frame", None)
        if frame is not None and getattr(frame, "_atTop", False):
            return list(self._content)  # already at the top of a page: nothing better to do
        return [FrameBreak(), *self._content]


def _is_heading(flowable: Flowable) -> bool:
    return getattr(flowable, "heading", False) or (isinstance(flowable, MarkFlowable) and flowable.kind == "section")


def _keep_headings_with_next(out: list[Flowable]) -> list[Flowable]:
    """Each heading (and the marks after it) joined to the flowable that follows it."""
    result: list[Flowable] = []
    index = 0
    while index < len(out):
        flowable = out[index]
        if not getattr(flowable, "heading", False):
            result.append(flowable)
            index += 1
            continue
        end = index + 1
        while end < len(out) and _is_heading(out[end]):
            end += 1
        if end == len(out):
            result.extend(out[index:])
            break
        heads, following = out[index:end], out[end]
        if hasattr(following, "lead_with"):  # a week printed in parts: the heading goes over its first
            following.lead_with(heads)
            result.append(following)
        elif isinstance(following, KeepTogether):  # a box: the heading goes where the whole box goes
            result.append(_kept_with([*heads, *following._content], following))
        elif isinstance(following, Paragraph):
            result.append(KeepWithNext([*heads, following]))
        else:
            result.append(_kept_with([*heads, following], following))
        index = end + 1
    return result


def _block(block: Block, look: Look, builders: Builders, width: float) -> list[Flowable]:
    styles = look.styles
    if isinstance(block, Heading):
        text = Text(markup(block.text), styles[f"h{block.level}"])
        text.heading = True  # kept with what follows it (_keep_headings_with_next)
        if block.level == 1:
            # The mark goes after the heading: KeepTogether takes its space-before from its first
            # flowable, and a zero-height mark there would hide the heading's from its measure.
            return [text, MarkFlowable("section", plain_text(block.text))]
        return [text]
    if isinstance(block, doc.Paragraph):
        return [Text(markup(block.text), styles["body"])]
    if isinstance(block, ListBlock):
        return [_list(block, look, width)]
    if isinstance(block, doc.Table):
        return [_plain_table(block, look, width)]
    if isinstance(block, Box):
        if _holds_built(block):  # a card or grid inside is the builders' to draw (and to place)
            return [box(block, look, builders, width)]
        return frozen_flowables(("box", repr(block), look, width), lambda: [box(block, look, builders, width)])
    if isinstance(block, doc.PageBreak):
        return [PageBreak()]
    if isinstance(block, _BUILT):
        return list(builders[type(block)](block))
    raise TypeError(f"unknown block {block!r}")


def _holds_built(block: Box) -> bool:
    return any(isinstance(inner, _BUILT) or (isinstance(inner, Box) and _holds_built(inner)) for inner in block.blocks)


#: A bullet list this long may be set in two columns (reading down the first, then the second).
TWO_COLUMN_ITEMS = 4


def _list(block: ListBlock, look: Look, width: float) -> Flowable:
    """The list in one column, or in two when it is a long bullet list that comes out at least
    two lines shorter that way (read down the first column, then the second)."""
    one = list_flowable(block, look)
    if block.ordered or len(block.items) < TWO_COLUMN_ITEMS:
        return one
    gap = look.body_size
    widths = [(width - gap) / 2 + gap, (width - gap) / 2]
    best: tuple[float, Table] | None = None
    for split in range(2, len(block.items) - 1):
        columns = [list_flowable(ListBlock(False, block.items[:split]), look),
                   list_flowable(ListBlock(False, block.items[split:]), look)]
        two = Table([columns], colWidths=widths, hAlign="LEFT")
        two.setStyle(table_style([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (0, 0), gap),
            ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ]))
        height = _height([two], width, look)
        if best is None or height < best[0]:
            best = (height, two)
    line = look.styles["list"].leading
    if best is not None and best[0] <= _height([one], width, look) - 2 * line:
        best[1].spaceAfter = one.getSpaceAfter()
        return best[1]
    return one


def list_flowable(block: ListBlock, look: Look) -> ListFlowable:
    """A bulleted or numbered list with hanging indents."""
    style = look.styles["list"]
    items = [ListItem(Text(markup(text), style)) for text in block.items]
    size = style.fontSize
    if block.ordered:
        return ListFlowable(items, bulletType="1", bulletFormat="%s.", bulletFontName=style.fontName,
                            bulletFontSize=size, leftIndent=size * 1.8, bulletDedent=size * 1.6,
                            spaceAfter=size * 0.4)
    return ListFlowable(items, bulletType="bullet", start="•", bulletFontName=style.fontName,
                        bulletFontSize=size, leftIndent=size * 1.3, bulletDedent=size, spaceAfter=size * 0.4)


def _plain_table(block: doc.Table, look: Look, width: float) -> PlainRows:
    """A label/value table without lines (e.g. who the handout is for)."""
    styles = look.styles
    rows: list[list[Flowable | None]] = [
        [Text(markup(cells[0]), styles["dose_label"]), *[Text(markup(c), styles["cell"]) for c in cells[1:]]]
        for cells in block.rows]
    columns = max(len(r) for r in rows)
    rows = [r + [None] * (columns - len(r)) for r in rows]
    label = width * 0.32
    table = PlainRows(rows, [label] + [(width - label) / max(columns - 1, 1)] * (columns - 1),
                      bottom=look.body_size * 0.2)
    table.spaceAfter = look.body_size * 0.3
    return table


def _kept_with(items: list[Flowable], following: Flowable) -> KeepTogether:
    """``items`` (a heading or introduction, then what ``following`` holds) kept together. When
    ``following`` is a checklist week, the group keeps its page's foot clear for the QR page id
    (``pages.BandFrame`` lifts the frame's foot for a flowable with ``reserve_band``): without it,
    a first week kept with its section's introduction ran into the QR's quiet zone."""
    kept = Kept(items)
    if getattr(following, "reserve_band", False):
        kept.reserve_band = True
    return kept


def _room(look: Look, following: Flowable) -> float:
    """The height a page has for ``following`` and what is kept with it: less on a page with tick
    boxes, whose foot is kept for the QR page id."""
    return look.sheet_height if getattr(following, "reserve_band", False) else look.frame_height


def _height(items: Sequence[Flowable], width: float, look: Look | None) -> float:
    """The height ``items`` take stacked, with their spacing."""
    total = 0.0
    for item in items:
        _, height = item.wrapOn(_MEASURING, width, look.frame_height if look else 1e6)
        total += height + item.getSpaceBefore() + item.getSpaceAfter()
    return total


def too_tall(flowable: Flowable, look: Look, width: float | None = None) -> bool:
    """True when ``flowable`` cannot fit on one page: a table then cannot split, so it must not be one."""
    _, height = flowable.wrap(look.frame_width if width is None else width, look.frame_height)
    return height > look.frame_height


def box(block: Box, look: Look, builders: Builders, width: float) -> Flowable:
    """A bordered box around its blocks, kept on one page when it fits on one.

    A box taller than a page is split between its blocks, each part with its border (the
    red border of the emergency signs is part of what they say). Only a box holding one
    block taller than a page is printed without its border, so the text flows on instead
    of stopping the layout.
    """
    table = box_table(block, look, builders, width)
    # Space as attributes, not Spacers: a frame drops them at the top and bottom of a page.
    table.spaceBefore = look.body_size * 0.5
    table.spaceAfter = look.body_size * 0.6
    if too_tall(table, look, width):
        if max(table._rowHeights) > look.frame_height:  # noqa: SLF001 - set by Table's layout (too_tall)
            return Kept(flowables(block.blocks, look, builders, width=width))
        return table
    # Marks as for cards and weeks (numbered by ``number_boxes``): a check can tell from the PDF
    # that a page was left short because the whole box did not fit.
    return Kept([MarkFlowable("box", "start"), table, MarkFlowable("box", "end")])


def number_boxes(story: Sequence[Flowable], count: int = 0) -> int:
    """Name the marks of a document's boxes 'box-1-start', 'box-1-end', ... in reading order, after
    ``count`` boxes; return the count of boxes named so far."""
    for item in story:
        if isinstance(item, KeepTogether):
            count = number_boxes(item._content, count)
        elif isinstance(item, MarkFlowable) and item.kind == "box" and item.name in ("start", "end"):
            count += item.name == "start"
            item.name = f"box-{count}-{item.name}"
    return count


def box_table(block: Box, look: Look, builders: Builders, width: float) -> Table:
    """The bordered table of a box (without the space after it)."""
    border, line_width, fill = _BOXES.get(block.kind, _BOXES["note"])
    padding = look.body_size * 0.8
    inner_width = width - 2 * padding - 2 * line_width
    if block.kind == "dose":
        inner: list[Flowable] = [dose_table(block, look, inner_width)]
    else:
        inner = flowables(block.blocks, look, builders, width=inner_width)
    # One row per flowable, so a box longer than a page can still split between rows.
    table = Table([[f] for f in inner], colWidths=[width])
    table.setStyle(table_style([
        ("BOX", (0, 0), (-1, -1), line_width, border),
        ("BACKGROUND", (0, 0), (-1, -1), fill),
        ("LEFTPADDING", (0, 0), (-1, -1), padding),
        ("RIGHTPADDING", (0, 0), (-1, -1), padding),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), look.body_size * 0.25),  # cells drop a paragraph's spaceAfter
        ("TOPPADDING", (0, 0), (-1, 0), padding * 0.6),
        ("BOTTOMPADDING", (0, -1), (-1, -1), padding * 0.4),
    ]))
    return table


def dose_table(block: Box, look: Look, width: float) -> Table:
    """The dose box's rows (label | value) as a two-column table."""
    styles = look.styles
    rows = [
        [Text(markup(cells[0]), styles["dose_label"]), Text(" ".join(markup(c) for c in cells[1:]), styles["dose_value"])]
        for table in block.blocks if isinstance(table, doc.Table) for cells in table.rows
    ]
    label = min(width * 0.3, look.body_size * 9)
    table = Table(rows, colWidths=[label, width - label], hAlign="LEFT")
    table.setStyle(table_style([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table
