"""Draw the sample clinic's one-page cover (data/clinics/sample/cover.pdf).

A real clinic exports its own cover from any design program; this one only
shows where such a page goes. Run: python scripts/make_sample_cover.py
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from handouts.render.pdf.fonts import FONT, FONT_BOLD, register_fonts
from handouts.render.pdf.styles import WARN_BORDER

FOLDER = Path(__file__).resolve().parent.parent / "data" / "clinics" / "sample"
WORDS = {
    "cover.pdf": ("Your home exercise plan", [
        "Inside you will find the exercises your physical",
        "therapist chose for you, how much to do, a weekly",
        "checklist, and when to stop and get help.",
    ], "Physiotherapy Clinic", "Phone", "SAMPLE: not a real clinic"),
    "cover-es.pdf": ("Su plan de ejercicios en casa", [
        "Aquí encontrará los ejercicios que su fisioterapeuta",
        "eligió para usted, cuánto hacer, un registro semanal",
        "y cuándo parar y pedir ayuda.",
    ], "Fisioterapia", "Teléfono", "CLÍNICA DE MUESTRA"),
}
ACCENT = colors.HexColor("#1F4E79")


def main() -> None:
    register_fonts()
    for name, words in WORDS.items():
        draw(FOLDER / name, *words)


def draw(out: Path, title: str, lines: list[str], clinic: str, phone: str, sample: str) -> None:
    """One cover; ``sample`` says in red, as every page of a sample handout does, that the clinic is made up."""
    width, height = LETTER
    canvas = Canvas(str(out), pagesize=LETTER, invariant=True, initialFontName=FONT)
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
    canvas.drawString(155, height - 150, clinic)
    canvas.setFillColor(colors.HexColor("#1A1A1A"))
    size = min(30.0, (width - 144) / stringWidth(title, FONT_BOLD, 1))  # the title fits the page
    canvas.setFont(FONT_BOLD, size)
    canvas.drawString(72, height - 340, title)
    canvas.setFont(FONT, 16)
    for i, line in enumerate(lines):
        canvas.drawString(72, height - 390 - i * 24, line)
    canvas.setFillColor(WARN_BORDER)  # the colour of the sample notice in the footer
    canvas.setFont(FONT_BOLD, 14)
    canvas.drawString(72, 180, sample)
    canvas.setFillColor(colors.HexColor("#1A1A1A"))
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(2)
    canvas.line(72, 150, width - 72, 150)
    canvas.setFont(FONT, 14)
    canvas.drawString(72, 120, "12 River Street, Springfield, ST 12345")
    canvas.drawString(72, 98, f"{phone} 555-0142  ·  riverside-physio.example")
    canvas.showPage()
    canvas.save()


if __name__ == "__main__":
    main()
