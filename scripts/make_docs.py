"""Render the pictures the README shows (docs/*.png) from the bundled sample data.

Needs pdftoppm (Debian/Ubuntu: apt-get install poppler-utils).
Run: python scripts/make_docs.py
"""

from __future__ import annotations

import subprocess
import tempfile
from datetime import date
from pathlib import Path

from handouts.handout import make_handout
from handouts.library import open_library
from handouts.models import HandoutRequest, Patient

DOCS = Path(__file__).resolve().parent.parent / "docs"


def render(pdf: bytes, prefix: str, dpi: int = 60) -> None:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "handout.pdf"
        source.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(source), str(DOCS / prefix)], check=True)


def main() -> None:
    DOCS.mkdir(exist_ok=True)
    for old in DOCS.glob("sample-page-*.png"):
        old.unlink()
    library = open_library()
    request = HandoutRequest(
        patient=Patient("p-0009", "Dvořák Jiří"), diagnosis="nonspecific", phase="maintenance",
        start_date=date(2026, 12, 7), clinician="Ana Ruiz",
        notes="Walk with your dog every morning, as we discussed.")
    render(make_handout(request, library=library, today=date(2026, 12, 4)).pdf, "sample-page")


if __name__ == "__main__":
    main()
