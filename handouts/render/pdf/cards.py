"""One exercise card: title band, picture space beside the steps, dose box, tips.

A card is a single table inside ``KeepTogether``, so it is never split across pages.
"""

from __future__ import annotations

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table

from handouts.model.document import Box, Card, Cards, Video
from handouts.model.illustration import Illustration
from handouts.render.pdf.blocks import box_table, flowables, too_tall
from handouts.render.pdf.figures import figure_flowable
from handouts.render.pdf.fonts import register_fonts
from handouts.render.pdf.pages import MarkFlowable
from handouts.render.pdf.styles import Look, Text, table_style
from handouts.render.pdf.text import literal, markup

FIGURE_SHARE = 0.33  # of the card's width, kept for the exercise picture


def figure_size(look: Look) -> tuple[float, float]:
    """Width and height of the picture space in a card."""
    width = look.frame_width * FIGURE_SHARE
    return width, width * 0.55


def picture_column(look: Look, illustration: Illustration | None, video: Video | None) -> list[Flowable]:
    """What sits left of the steps: the exercise's figure (or empty space) and a video QR code."""
    figure_width, figure_height = figure_size(look)
    inner = figure_width - 2 * look.body_size * 0.7
    column: list[Flowable] = [
        figure_flowable(illustration, inner, figure_height, accent=look.accent)
        if illustration is not None else Spacer(inner, figure_height)]
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


def exercise_cards(cards: Cards, look: Look) -> list[Flowable]:
    """Every card of the plan, in order."""
    return [exercise_card(card, look) for card in cards.cards]


def exercise_card(card: Card, look: Look) -> Flowable:
    """The card for one exercise: title band, picture beside the steps, then the dose box and tips."""
    styles = look.styles
    pad = look.body_size * 0.7
    width = look.frame_width
    figure_width, _ = figure_size(look)
    text_width = width - figure_width - 2 * pad
    rows: list[list[object]] = [
        [Text(markup(card.title), styles["card_title"]), ""],
        [picture_column(look, card.illustration, card.video), flowables(card.beside, look, {}, width=text_width - pad)],
    ]
    for block in card.below:
        if isinstance(block, Box):
            rows.append([box_table(block, look, {}, width - 2 * pad), ""])
        else:
            rows.append([flowables([block], look, {}, width=width - 2 * pad), ""])

    table = Table(rows, colWidths=[figure_width, width - figure_width])
    accent = look.accent_colour
    commands: list[tuple[object, ...]] = [
        ("BOX", (0, 0), (-1, -1), 1.5, accent),
        ("BACKGROUND", (0, 0), (-1, 0), accent),
        ("SPAN", (0, 0), (-1, 0)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), pad),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), pad * 0.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), pad * 0.5),
        ("TOPPADDING", (0, 1), (-1, 1), pad),
    ]
    commands += [("SPAN", (0, r), (-1, r)) for r in range(2, len(rows))]
    table.setStyle(table_style(commands))
    content: list[Flowable] = [table]
    if too_tall(table, look):
        # Longer than a page (very long template text): a table cannot split, so the card's
        # parts flow on as separate pieces; `handouts check` reports the card as split.
        band = Table([[rows[0][0]]], colWidths=[width])
        band.setStyle(table_style([("BACKGROUND", (0, 0), (-1, -1), accent), ("LEFTPADDING", (0, 0), (-1, -1), pad)]))
        content = [band, *rows[1][0], *rows[1][1]]
        for row in rows[2:]:
            content.extend(row[0] if isinstance(row[0], list) else [row[0]])
    # The marks let `handouts check` prove from the PDF that no card was split across pages.
    end = MarkFlowable("card", f"card-{card.number}-end")
    end.spaceAfter = look.body_size * 1.2  # space between cards, dropped at the foot of a page
    return KeepTogether([MarkFlowable("card", f"card-{card.number}-start"), *content, end])

