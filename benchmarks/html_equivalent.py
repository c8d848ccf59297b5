"""The same handout as HTML, for WeasyPrint to print: the comparison the fast path is measured against.

Built from the same ``HandoutDoc`` the PDF renderer draws, with its running header
and footer as CSS page-margin boxes, a cover page, the safety boxes, the exercise
cards (each kept whole, its figure as inline SVG) and the weekly grids with tick
boxes, so both renderers print equivalent pages.
"""

from __future__ import annotations

from html import escape

from reportlab.graphics import renderSVG

from handouts.model.document import (
    Block,
    Box,
    Card,
    Cards,
    Checklist,
    HandoutDoc,
    Heading,
    Inline,
    ListBlock,
    PageBreak,
    Paragraph,
    Table,
    Week,
)
from handouts.render.pdf.figures import figure_drawing

CSS = """
@page { size: %(paper)s; margin: 25mm 12mm 22mm 12mm;
  @top-left { content: "%(clinic)s"; font: bold 12pt DejaVu Sans; color: %(accent)s; }
  @top-right { content: "%(patient)s"; font: 12pt DejaVu Sans; color: #4A4A4A; }
  @bottom-left { content: "%(made)s"; font: 12pt DejaVu Sans; color: #4A4A4A; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font: bold 12pt DejaVu Sans; } }
body { font: %(size)spt/1.3 "DejaVu Sans"; color: #1A1A1A; }
h1 { font-size: 18pt; color: %(accent)s; page-break-after: avoid; } h2 { font-size: 16pt; } h3 { font-size: 14pt; }
.cover { page: cover; height: 240mm; page-break-after: always; }
.cover .band { background: %(accent)s; color: white; padding: 12mm; font: bold 24pt DejaVu Sans; }
.box { border: 1.5pt solid #1A1A1A; padding: 8pt; margin: 8pt 0; page-break-inside: avoid; }
.box.emergency { border: 3pt solid #A40000; background: #FFF4F2; }
.box.note, .box.dose { border: 1pt solid #4A4A4A; background: #EEF3F8; }
.card { border: 1.5pt solid %(accent)s; margin: 0 0 14pt; page-break-inside: avoid; }
.card .title { background: %(accent)s; color: white; font: bold 16pt DejaVu Sans; padding: 4pt 8pt; }
.card .row { display: flex; gap: 8pt; padding: 8pt; } .card .picture { width: 33%%; }
.card .below { padding: 0 8pt 8pt; }
table.week { border-collapse: collapse; width: 100%%; page-break-inside: avoid; margin-bottom: 12pt; }
table.week td, table.week th { border: 0.75pt solid #8C8C8C; padding: 3pt; text-align: center; }
table.week td.label { text-align: left; background: #EEF3F8; }
.tick { display: inline-block; width: %(tick)spt; height: %(tick)spt; border: 1.2pt solid #1A1A1A; margin: 1pt; }
"""


def _inline(text: Inline) -> str:
    out = []
    for span in text:
        piece = escape(span.text)
        if span.italic:
            piece = f"<i>{piece}</i>"
        if span.bold:
            piece = f"<b>{piece}</b>"
        out.append(piece)
    return "".join(out)


def _blocks(blocks: tuple[Block, ...] | list[Block], accent: str) -> str:
    out = []
    for block in blocks:
        if isinstance(block, Heading):
            out.append(f"<h{block.level}>{_inline(block.text)}</h{block.level}>")
        elif isinstance(block, Paragraph):
            out.append(f"<p>{_inline(block.text)}</p>")
        elif isinstance(block, ListBlock):
            tag = "ol" if block.ordered else "ul"
            out.append(f"<{tag}>" + "".join(f"<li>{_inline(i)}</li>" for i in block.items) + f"</{tag}>")
        elif isinstance(block, Table):
            rows = "".join("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in row) + "</tr>" for row in block.rows)
            out.append(f"<table>{rows}</table>")
        elif isinstance(block, Box):
            out.append(f'<div class="box {block.kind}">{_blocks(block.blocks, accent)}</div>')
        elif isinstance(block, PageBreak):
            out.append('<div style="page-break-after: always"></div>')
        elif isinstance(block, Cards):
            out.extend(_card(card, accent) for card in block.cards)
        elif isinstance(block, Checklist):
            out.extend(_week(week) for week in block.weeks)
    return "\n".join(out)


def _card(card: Card, accent: str) -> str:
    picture = ""
    if card.illustration is not None:
        picture = renderSVG.drawToString(figure_drawing(card.illustration, 170, 95, accent=accent))
        picture = picture[picture.index("<svg"):]  # drop the XML declaration: it is inline
    return (f'<div class="card"><div class="title">{_inline(card.title)}</div>'
            f'<div class="row"><div class="picture">{picture}</div><div>{_blocks(card.beside, accent)}</div></div>'
            f'<div class="below">{_blocks(card.below, accent)}</div></div>')


def _week(week: Week) -> str:
    head = "".join(f"<th>{escape(d.weekday)}<br>{escape(d.label)}</th>" for d in week.days)
    rows = []
    for row in week.rows:
        cells = "".join(f"<td>{'<span class=tick></span>' * row.sessions}</td>" for _ in week.days) \
            if row.kind == "exercise" else "<td></td>" * len(week.days)
        rows.append(f'<tr><td class="label"><b>{escape(row.label)}</b><br>{escape(row.hint)}</td>{cells}</tr>')
    return (f"<h2>{escape(week.title)}</h2><table class=week><tr><th>{escape(week.corner)}</th>{head}</tr>"
            + "".join(rows) + "</table>")


def to_html(doc: HandoutDoc, *, clinic_address: str = "") -> str:
    """The handout as one HTML page, cover first."""
    setup, running = doc.setup, doc.running
    css = CSS % {
        "paper": "letter" if setup.paper == "letter" else "A4", "accent": setup.accent,
        "clinic": running.clinic.replace('"', "'"), "patient": running.patient.replace('"', "'"),
        "made": running.made.replace('"', "'"), "size": 16 if setup.large_print else 12.5,
        "tick": 18 if setup.large_print else 14,
    }
    cover = (f'<div class="cover"><div class="band">{escape(running.clinic)}</div>'
             f'<h1>{escape(doc.title)}</h1><p>{escape(clinic_address)}</p></div>')
    return (f'<!doctype html><html lang="{doc.language}"><head><meta charset="utf-8"><style>{css}</style></head>'
            f"<body>{cover}{_blocks(doc.blocks, setup.accent)}</body></html>")
