"""One combined PDF for the printer: every handout in order, padded for duplex if asked."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from .output import write_atomic


def page_count(pdf: bytes) -> int:
    """Pages in a PDF held in memory."""
    return len(PdfReader(BytesIO(pdf)).pages)


def write_combined(files: list[Path], target: Path, *, duplex: bool = False, force: bool = False) -> tuple[int, int]:
    """Concatenate ``files`` into ``target``; with ``duplex`` each starts on a front side.

    Objects repeated across handouts (the cover, fonts) are stored once.
    Returns the page count and the size in bytes.
    """
    writer = PdfWriter()
    for path in files:
        reader = PdfReader(path)
        start = len(writer.pages)
        writer.append(reader, import_outline=False)
        writer.add_outline_item(title=path.stem, page_number=start)
        if duplex and len(reader.pages) % 2:
            last = reader.pages[-1].mediabox
            writer.add_blank_page(width=float(last.width), height=float(last.height))
    writer.compress_identical_objects()
    writer.add_metadata({"/Title": "Handouts for printing", "/Creator": "handouts"})
    buffer = BytesIO()
    writer.write(buffer)
    data = buffer.getvalue()
    write_atomic(target, data, force=force)
    return len(writer.pages), len(data)
