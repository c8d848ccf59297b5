"""Render the pictures the README shows (docs/*.png) from the bundled sample data.

Needs pdftoppm (Debian/Ubuntu: apt-get install poppler-utils).
Run: python scripts/make_docs.py
"""

from __future__ import annotations

import dataclasses
import subprocess
import tempfile
from datetime import date
from io import BytesIO
from pathlib import Path

from pypdf import PdfReader

from handouts.model import HandoutRequest, Patient
from handouts.model.options import PrintOptions
from handouts.run.handout import make_handout
from handouts.run.library import open_library

DOCS = Path(__file__).resolve().parent.parent / "docs"


def render(pdf: bytes, prefix: str, dpi: int = 60, page: int | None = None) -> None:
    """PNG pages of ``pdf`` as docs/PREFIX-N.png (or docs/PREFIX.png for one ``page``)."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "handout.pdf"
        source.write_bytes(pdf)
        pages = ["-f", str(page), "-l", str(page), "-singlefile"] if page else []
        subprocess.run(["pdftoppm", "-png", "-r", str(dpi), *pages, str(source), str(DOCS / prefix)], check=True)


def main() -> None:
    DOCS.mkdir(exist_ok=True)
    for old in DOCS.glob("sample-page-*.png"):
        old.unlink()
    library = open_library()
    request = HandoutRequest(
        patient=Patient("p-0009", "Dvořák Jiří"), diagnosis="nonspecific", phase="maintenance",
        start_date=date(2026, 12, 7), clinician="Ana Ruiz", leg_pain=False,
        notes="Walk with your dog every morning, as we discussed.")
    render(make_handout(request, library=library, options=PrintOptions(today=date(2026, 12, 4))).pdf, "sample-page")
    # The first exercise page, standard, Spanish and large print, for the README's comparison.
    variants = {"exercises-en": {}, "exercises-es": {"language": "es"}, "exercises-large": {"large_print": True}}
    for name, changes in variants.items():
        handout = make_handout(dataclasses.replace(request, **changes), library=library, options=PrintOptions(today=date(2026, 12, 4)))
        first_card = next(i for i in range(handout.pages) if "1. " in _page_text(handout.pdf, i)
                          and ("Hold" in _page_text(handout.pdf, i) or "Mantenga" in _page_text(handout.pdf, i)))
        render(handout.pdf, name, dpi=50, page=first_card + 1)


def _page_text(pdf: bytes, index: int) -> str:
    return PdfReader(BytesIO(pdf)).pages[index].extract_text() or ""


if __name__ == "__main__":
    main()
