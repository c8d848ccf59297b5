"""One exercise card: title band, then the picture with the dose under it, beside the steps and tips.

The picture column holds the figure, the dose box and any video code; the
text column holds the steps and whatever the template puts after the dose box
(what you need, where you feel it, cautions). Both columns fill at once, so a
card is about as tall as its longer column, not the sum of its parts.
A card is a single table inside ``KeepTogether``, so it is never split across pages.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Spacer, Table

from handouts.model.document import Block, Box, Card, Cards, Paragraph, Span, Video
from handouts.model.illustration import Illustration
from handouts.render.pdf.blocks import box_table, flowables, too_tall
from handouts.render.pdf.figures import figure_flowable, fitted_height
from handouts.render.pdf.fonts import FONT, register_fonts
from handouts.render.pdf.kept import Kept
from handouts.render.pdf.pages import MarkFlowable
from handouts.render.pdf.styles import BODY_SIZE, MUTED, TINT, Look, Text, table_style
from handouts.render.pdf.text import literal, markup

FIGURE_SHARE = 0.33  # of the card's width in normal print, kept for the exercise picture
MAX_FIGURE_SHARE = 0.45  # large print grows the picture with the text, up to this share


def figure_size(look: Look) -> tuple[float, float]:
    """Width and height of the picture space in a card: it grows with the print size."""
    share = min(FIGURE_SHARE * look.body_size / BODY_SIZE, MAX_FIGURE_SHARE)
    width = look.frame_width * share
    return width, width * 0.55


def card_padding(look: Look) -> float:
    """Padding inside a card: the same in large print, where the room goes to the bigger text."""
    return BODY_SIZE * 0.7


def picture_column(look: Look, illustration: Illustration | None, video: Video | None,
                   dose: Sequence[Box] = ()) -> list[Flowable]:
    """What sits left of the steps: the exercise's figure (or empty space), its dose, and a video QR code."""
    figure_width, figure_height = figure_size(look)
    inner = figure_width - 2 * card_padding(look)
    column: list[Flowable] = [
        figure_flowable(illustration, inner, fitted_height(illustration, inner, figure_height), accent=look.accent)
        if illustration is not None else Spacer(inner, figure_height)]
    for block in dose:
        column += [Spacer(1, look.body_size * 0.4), dose_column(block, look, inner)]
    if video is not None:
        side = look.body_size * 5.5
        widget = QrCodeWidget(video.url, barLevel="M")
        left, bottom, right, top = widget.getBounds()
        code = Drawing(side, side, transform=[side / (right - left), 0, 0, side / (top - bottom), 0, 0],
                       initialFontName=register_fonts())
        code.add(widget)
        code.hAlign = "CENTER"
        caption = ParagraphStyle("qr", parent=look.styles["cell"], alignment=TA_CENTER)
        column += [Spacer(1, look.body_size * 0.5), code, Text(literal(video.caption), caption)]
    return column


def _run_on(blocks: list[Block]) -> list[Block]:
    """Paragraphs run on as one (the ladder lines take less room so); anything else as it is."""
    if len(blocks) < 2 or not all(isinstance(b, Paragraph) for b in blocks):
        return blocks
    spans: list[Span] = []
    for block in blocks:
        spans += [*([Span(" ")] if spans else []), *block.text]  # type: ignore[union-attr]
    return [Paragraph(tuple(spans))]


def ladder_column(ladders: Sequence[Box], look: Look, width: float) -> list[Flowable]:
    """The ladder lines (easier, harder, build-up) under the dose box, as plain paragraphs."""
    column: list[Flowable] = []
    for ladder in ladders:
        column += [Spacer(1, look.body_size * 0.4), *flowables(ladder.blocks, look, {}, width=width)]
    return column


def dose_column(block: Box, look: Look, width: float) -> Table:
    """The dose box for the picture column: "Hold 20 seconds", the label in grey and the value in
    bold on one line when it fits, else the value on the lines under its label."""
    style = look.styles["dose_line"]
    pad = look.body_size * 0.5
    inner = width - 2 * pad
    rows: list[list[object]] = []
    for table in block.blocks:
        for cells in getattr(table, "rows", ()):
            label = f'<font color="#{MUTED.hexval()[2:]}" name="{FONT}">{markup(cells[0])}</font>'
            value = f"<b>{' '.join(markup(c) for c in cells[1:])}</b>"
            line = Text(f"{label}&nbsp; {value}", style)
            line.wrap(inner, look.frame_height)
            rows.append([line if len(line.blPara.lines) == 1 else [Text(label, style), Text(value, style)]])
    box = Table(rows, colWidths=[width])
    box.setStyle(table_style([
        ("BOX", (0, 0), (-1, -1), 0.75, MUTED),
        ("BACKGROUND", (0, 0), (-1, -1), TINT),
        ("LEFTPADDING", (0, 0), (-1, -1), pad),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), pad * 0.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, 0), pad),
        ("BOTTOMPADDING", (0, -1), (-1, -1), pad),
    ]))
    return box


#: Where a card's ladder lines (easier, harder, build-up) may go: under the dose box, after the
#: tips, or in a row of their own across the foot of the card.
LADDER_PLACES = ("left", "tips", "row")


def _card_table(card: Card, look: Look, *, tips_beside: bool, ladder: str = "tips",
                build_up_left: bool = False) -> tuple[Table, list[Flowable]]:
    """The card as one table, and the flowables inside it in reading order: the tips (what
    follows the dose box) in the text column under the steps when ``tips_beside``, else in a
    row of their own across the card; the ladder lines where ``ladder`` (one of LADDER_PLACES) says,
    and the build-up line under the dose box when ``build_up_left``, else first of the ladder lines."""
    styles = look.styles
    pad = card_padding(look)
    width = look.frame_width
    figure_width, _ = figure_size(look)
    text_width = width - figure_width - 2 * pad
    doses = [b for b in card.below if isinstance(b, Box) and b.kind == "dose"]
    builds = [b for b in card.below if isinstance(b, Box) and b.kind == "build-up"]
    ladders = [b for b in card.below if isinstance(b, Box) and b.kind == "ladder"]
    tips = [b for b in card.below if b not in doses and b not in ladders and b not in builds]
    left = builds if build_up_left else []
    ladder_blocks = _run_on([block for box in (*([] if build_up_left else builds), *ladders) for block in box.blocks])
    if ladder == "left":
        left, ladder_blocks = [*left, Box("ladder", tuple(ladder_blocks))], []
    if ladder == "tips":
        tips += ladder_blocks
    tips_width = (text_width if tips_beside else width - 2 * pad) - (pad if tips_beside else 0)
    tip_flowables: list[Flowable] = []
    for block in tips:
        tip_flowables += ([box_table(block, look, {}, tips_width)] if isinstance(block, Box)
                          else flowables([block], look, {}, width=tips_width))
    text = flowables(card.beside, look, {}, width=text_width - pad)
    rows: list[list[object]] = [
        [Text(markup(card.title), styles["card_title"]), ""],
        [picture_column(look, card.illustration, card.video, doses)
         + ladder_column(left, look, figure_width - 2 * pad),
         text + (tip_flowables if tips_beside else [])],
    ]
    if tip_flowables and not tips_beside:
        rows.append([tip_flowables, ""])
    row_flowables = flowables(ladder_blocks, look, {}, width=width - 2 * pad) if ladder == "row" and ladder_blocks \
        else []
    if row_flowables:
        rows.append([row_flowables, ""])
    table = Table(rows, colWidths=[figure_width, width - figure_width])
    commands: list[tuple[object, ...]] = [
        ("BOX", (0, 0), (-1, -1), 1.5, look.accent_colour),
        ("BACKGROUND", (0, 0), (-1, 0), look.accent_colour),
        ("SPAN", (0, 0), (-1, 0)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), pad),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), pad * 0.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), pad * 0.5),
        ("TOPPADDING", (0, 1), (-1, 1), pad),
    ]
    commands += [("SPAN", (0, r), (-1, r)) for r in range(2, len(rows))]
    if row_flowables:  # the ladder row follows the text closely, as a paragraph would
        commands.append(("TOPPADDING", (0, len(rows) - 1), (-1, len(rows) - 1), 0))
    table.setStyle(table_style(commands))
    return table, [*rows[1][0], *text, *tip_flowables, *row_flowables]  # type: ignore[misc]


def exercise_cards(cards: Cards, look: Look) -> list[Flowable]:
    """Every card of the plan, in order."""
    return [exercise_card(card, look) for card in cards.cards]


def exercise_card(card: Card, look: Look) -> Flowable:
    """The card for one exercise: title band, then the picture and dose beside the steps and tips."""
    kinds = {b.kind for b in card.below if isinstance(b, Box)}
    places = LADDER_PLACES if kinds & {"ladder", "build-up"} else ("tips",)
    table, parts = min((_card_table(card, look, tips_beside=beside, ladder=place, build_up_left=left)
                        for beside in (True, False) for place in places
                        for left in ((False, True) if "build-up" in kinds else (False,))),
                       key=lambda made: made[0].wrap(look.frame_width, look.frame_height)[1])
    content: list[Flowable] = [table]
    if too_tall(table, look):
        # Longer than a page (very long template text): a table cannot split, so the card's
        # parts flow on as separate pieces; `handouts check` reports the card as split.
        pad = card_padding(look)
        band = Table([[Text(markup(card.title), look.styles["card_title"])]], colWidths=[look.frame_width])
        band.setStyle(table_style([("BACKGROUND", (0, 0), (-1, -1), look.accent_colour),
                                   ("LEFTPADDING", (0, 0), (-1, -1), pad)]))
        content = [band, *parts]
    # The marks let `handouts check` prove from the PDF that no card was split across pages.
    end = MarkFlowable("card", f"card-{card.number}-end")
    end.spaceAfter = BODY_SIZE  # space between cards, dropped at the foot of a page
    return Kept([MarkFlowable("card", f"card-{card.number}-start"), *content, end])

