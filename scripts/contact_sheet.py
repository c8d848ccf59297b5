"""Draw every exercise's picture on one labelled sheet (docs/figures.png) for review.

Each figure is drawn at the size of an exercise card's picture space, so what you
see is what a patient gets. Example::

    .venv/bin/python scripts/contact_sheet.py --dpi 100 --out docs/figures.png
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path

from reportlab.graphics import renderPDF
from reportlab.lib import colors
from reportlab.pdfgen.canvas import Canvas

from handouts.load.illustration import parse_illustration
from handouts.load.yamlio import load_yaml
from handouts.render.pdf.cards import figure_size
from handouts.render.pdf.figures import figure_drawing, pdf_to_png
from handouts.render.pdf.styles import Look

ROOT = Path(__file__).resolve().parent.parent
COLUMNS = 3
GAP = 14.0
LABEL = 16.0


def contact_sheet(source: Path, *, mirrored_too: tuple[str, ...] = ("hamstring-stretch",)) -> bytes:
    """A one-page PDF with every figure in ``source`` (exercise YAML files), labelled by id."""
    look = Look()
    width, height = figure_size(look)
    width -= 2 * look.body_size * 0.7  # the card's cell padding, as in cards.exercise_card
    items = []
    for path in sorted(source.glob("*.yaml")):
        raw = load_yaml(path)
        ill = parse_illustration(raw["illustration"], path=path, exercise_id=raw["id"])
        items.append((raw["id"], ill, False))
        if raw["id"] in mirrored_too:
            items.append((f"{raw['id']} (mirrored)", ill, True))
    rows = -(-len(items) // COLUMNS)
    page = (COLUMNS * (width + GAP) + GAP, rows * (height + LABEL + GAP) + GAP)
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=page, invariant=1)
    for n, (label, ill, mirrored) in enumerate(items):
        x = GAP + (n % COLUMNS) * (width + GAP)
        y = page[1] - (n // COLUMNS + 1) * (height + LABEL + GAP)
        canvas.setStrokeColor(colors.HexColor("#CCCCCC"))
        canvas.rect(x, y + LABEL, width, height)
        renderPDF.draw(figure_drawing(ill, width, height, mirrored=mirrored), canvas, x, y + LABEL)
        canvas.setFillColor(colors.black)
        canvas.setFont("Helvetica", 9)
        canvas.drawString(x + 2, y + 4, label)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=ROOT / "data" / "regions" / "low-back" / "exercises")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "figures.png")
    parser.add_argument("--dpi", type=float, default=100)
    args = parser.parse_args(argv)
    pdf = contact_sheet(args.source)
    if args.out.suffix.lower() == ".pdf":
        args.out.write_bytes(pdf)
    else:
        args.out.write_bytes(pdf_to_png(pdf, dpi=args.dpi))
        print(f"wrote {args.out} ({args.dpi:g} dpi)")


if __name__ == "__main__":
    main()
