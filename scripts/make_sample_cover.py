"""Draw the sample clinic's one-page cover (data/clinics/sample/cover.pdf).

A real clinic exports its own cover from any design program; this one only
shows where such a page goes. Run: python scripts/make_sample_cover.py
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen.canvas import Canvas

from handouts.styles import FONT, FONT_BOLD, register_fonts

OUT = Path(__file__).resolve().parent.parent / "data" / "clinics" / "sample" / "cover.pdf"
ACCENT = colors.HexColor("#1F4E79")


def main() -> None:
    register_fonts()
    width, height = LETTER
    canvas = Canvas(str(OUT), pagesize=LETTER, invariant=True, initialFontName=FONT)
    canvas.setTitle("Riverside Physiotherapy cover")
    canvas.setFillColor(ACCENT)
    canvas.rect(0, height - 250, width, 250, stroke=0, fill=1)
    canvas.setFillColor(colors.white)
    canvas.circle(90, height - 125, 42, stroke=0, fill=1)
    canvas.setFillColor(ACCENT)
    canvas.setFont(FONT_BOLD, 40)
    canvas.drawCentredString(90, height - 139, "R")
    canvas.setFillColor(colors.white)
    canvas.setFont(FONT_BOLD, 34)
    canvas.drawString(155, height - 118, "Riverside")
    canvas.setFont(FONT, 24)
    canvas.drawString(155, height - 150, "Physiotherapy Clinic")
    canvas.setFillColor(colors.HexColor("#1A1A1A"))
    canvas.setFont(FONT_BOLD, 30)
    canvas.drawString(72, height - 340, "Your home exercise plan")
    canvas.setFont(FONT, 16)
    lines = [
        "Inside you will find the exercises your physiotherapist",
        "chose for you, how much to do, a weekly checklist,",
        "and when to stop and get help.",
    ]
    for i, line in enumerate(lines):
        canvas.drawString(72, height - 390 - i * 24, line)
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(2)
    canvas.line(72, 150, width - 72, 150)
    canvas.setFont(FONT, 14)
    canvas.drawString(72, 120, "12 River Street, Springfield, ST 12345")
    canvas.drawString(72, 98, "Phone 555-0142  ·  riverside-physio.example")
    canvas.showPage()
    canvas.save()


if __name__ == "__main__":
    main()
