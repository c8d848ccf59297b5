"""Put the clinic's cover in front of the handout pages, add bookmarks and neutral metadata."""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from handouts import __version__
from handouts.model.document import HandoutDoc
from handouts.model.layout import LayoutMap
from handouts.render.pdf.cover import Cover
from handouts.render.pdf.pages import Mark

#: Named destination on the first page after the cover.
BODY_START = "body-start"


@dataclass(frozen=True)
class Body:
    """The laid-out pages of a document (no cover), where its sections and cards are, and its layout map
    (which counts the pages of the finished file, cover included)."""

    pdf: bytes
    pages: int
    marks: tuple[Mark, ...]
    layout: LayoutMap


def assemble(body: Body, doc: HandoutDoc, *, cover: Cover | None,
             extra_metadata: dict[str, str] | None = None, password: str | None = None,
             duplex: bool = False) -> tuple[bytes, int]:
    """The final PDF (cover, then body) and its page count; AES-256 encrypted when given a password;
    with ``duplex``, a blank last page when the count is odd, so a two-sided print ends cleanly."""
    from pypdf import PdfReader, PdfWriter  # only the plain path and encryption need pypdf
    from pypdf.generic import Fit, NameObject, TextStringObject

    body_reader = PdfReader(BytesIO(body.pdf))
    writer = PdfWriter()
    width, height = (float(v) for v in body_reader.pages[0].mediabox.upper_right)
    cover_pages = 0
    if cover is not None:
        for page in cover.pages_for(width, height):
            writer.add_page(page)
        cover_pages = cover.page_count
        writer.add_outline_item(title=doc.cover_label, page_number=0)
    for page in body_reader.pages:
        writer.add_page(page)
    writer.add_named_destination(title=BODY_START, page_number=cover_pages)
    if duplex and len(writer.pages) % 2:
        writer.add_blank_page(width=width, height=height)
    for mark in body.marks:
        if mark.kind == "section":
            writer.add_outline_item(title=mark.name, page_number=cover_pages + mark.page)
        else:
            # at the mark's height, so a check can measure a card or week from the file alone
            writer.add_named_destination(title=mark.name, page_number=cover_pages + mark.page,
                                         fit=Fit.fit_horizontally(top=mark.y))
    writer.page_mode = "/UseOutlines"
    writer._root_object[NameObject("/Lang")] = TextStringObject(doc.language)
    metadata = {"/Title": doc.title, "/Author": doc.author, "/Creator": "handouts",
                "/Producer": f"handouts {__version__}"}
    metadata.update(extra_metadata or {})
    writer.metadata = None
    writer.add_metadata(metadata)
    if password:
        # AES-256, never pypdf's default RC4; printing stays allowed for the patient.
        writer.encrypt(user_password=password, algorithm="AES-256")
    out = BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages)
