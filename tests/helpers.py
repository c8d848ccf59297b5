"""Helpers for reading real PDFs in tests."""

from __future__ import annotations

from io import BytesIO

import pypdfium2
from pypdf import PdfReader


def pdf_text(pdf: bytes, pages: slice | None = None) -> str:
    """All text of a PDF (or of some pages), whitespace collapsed to single spaces.

    Read by PDFium, the reader in Chromium's PDF viewer, through each font's character map: it gives
    the words pypdf gives, about twenty times faster (pypdf parses every font's map again for every
    page and form, which was a good share of the test suite's time)."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        chosen = range(len(document))[pages] if pages else range(len(document))
        return " ".join(" ".join(_page_text(document[number]).split()) for number in chosen)
    finally:
        document.close()


def _page_text(page: pypdfium2.PdfPage) -> str:
    text_page = page.get_textpage()
    try:
        return text_page.get_text_range()
    finally:
        text_page.close()
        page.close()


def page_count(pdf: bytes) -> int:
    return len(PdfReader(BytesIO(pdf)).pages)
