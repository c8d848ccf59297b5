"""Helpers for reading real PDFs in tests."""

from __future__ import annotations

from io import BytesIO

from pypdf import PdfReader


def pdf_text(pdf: bytes, pages: slice | None = None) -> str:
    """All text of a PDF (or of some pages), whitespace collapsed to single spaces."""
    reader = PdfReader(BytesIO(pdf))
    chosen = reader.pages[pages] if pages else reader.pages
    return " ".join(" ".join((page.extract_text() or "").split()) for page in chosen)


def page_count(pdf: bytes) -> int:
    return len(PdfReader(BytesIO(pdf)).pages)
