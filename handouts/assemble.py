"""Put the clinic's cover in front of the handout pages, add bookmarks and neutral metadata.

A cover PDF is untrusted input: it is size- and page-capped, refused when
encrypted or unreadable, scaled onto the handout's paper, and only its page
content is copied (no annotations, actions or scripts).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.errors import PdfReadError, PyPdfError
from pypdf.generic import NameObject, TextStringObject

from . import __version__
from .document import Body
from .errors import CoverError

MAX_COVER_BYTES = 20_000_000
MAX_COVER_PAGES = 4
#: Named destination on the first page after the cover.
BODY_START = "body-start"
_STRIPPED_PAGE_KEYS = ("/Annots", "/AA", "/B", "/Thumb")

# pypdf logs repairs of damaged files; they are not the user's business here.
logging.getLogger("pypdf").setLevel(logging.ERROR)


@dataclass(frozen=True)
class Cover:
    """The pages of a checked cover PDF."""

    path: Path
    pages: tuple[PageObject, ...]


def load_cover(path: Path) -> Cover:
    """Read and check a cover PDF once per process (cached by path, size and time)."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise CoverError(f"cannot read the cover: {exc.strerror or exc}", path=path) from None
    return _load_cover(path.resolve(), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=8)
def _load_cover(path: Path, size: int, mtime: int) -> Cover:
    if size > MAX_COVER_BYTES:
        raise CoverError(f"the cover is {size / 1e6:.1f} MB; the limit is {MAX_COVER_BYTES // 1_000_000} MB", path=path)
    data = path.read_bytes()
    if not data.lstrip()[:5].startswith(b"%PDF-"):
        raise CoverError("this is not a PDF file; export the cover page as PDF", path=path)
    try:
        reader = PdfReader(BytesIO(data))
        if reader.is_encrypted:
            raise CoverError("the cover is password-protected; save a copy without a password", path=path)
        pages = tuple(reader.pages)
        if not pages:
            raise CoverError("the cover has no pages", path=path)
        if len(pages) > MAX_COVER_PAGES:
            raise CoverError(f"the cover has {len(pages)} pages; at most {MAX_COVER_PAGES} are allowed", path=path)
        for page in pages:
            page.get_contents()  # parse now, so a damaged page fails here and not mid-batch
    except CoverError:
        raise
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise CoverError(f"the cover PDF is damaged and cannot be used ({type(exc).__name__})", path=path) from None
    return Cover(path, pages)


def _cover_page(page: PageObject, width: float, height: float) -> PageObject:
    """A blank page of the handout's size with the cover page scaled and centred on it."""
    box = page.mediabox
    source_width, source_height = float(box.width), float(box.height)
    blank = PageObject.create_blank_page(width=width, height=height)
    if abs(source_width - width) < 1 and abs(source_height - height) < 1:
        blank.merge_page(page)
    else:
        scale = min(width / float(box.width), height / float(box.height))
        dx = (width - float(box.width) * scale) / 2 - float(box.left) * scale
        dy = (height - float(box.height) * scale) / 2 - float(box.bottom) * scale
        blank.merge_transformed_page(page, Transformation().scale(scale).translate(dx, dy))
    for key in _STRIPPED_PAGE_KEYS:
        if key in blank:
            del blank[NameObject(key)]
    return blank


def assemble(body: Body, *, cover: Cover | None, author: str, cover_label: str,
             extra_metadata: dict[str, str] | None = None) -> tuple[bytes, int]:
    """The final PDF (cover, then body) and its page count."""
    body_reader = PdfReader(BytesIO(body.pdf))
    writer = PdfWriter()
    width, height = (float(v) for v in body_reader.pages[0].mediabox.upper_right)
    cover_pages = 0
    if cover is not None:
        for page in cover.pages:
            writer.add_page(_cover_page(page, width, height))
        cover_pages = len(cover.pages)
        writer.add_outline_item(title=cover_label, page_number=0)
    for page in body_reader.pages:
        writer.add_page(page)
    writer.add_named_destination(title=BODY_START, page_number=cover_pages)
    for mark in body.marks:
        if mark.kind == "section":
            writer.add_outline_item(title=mark.name, page_number=cover_pages + mark.page)
        else:
            writer.add_named_destination(title=mark.name, page_number=cover_pages + mark.page)
    writer.page_mode = "/UseOutlines"
    writer._root_object[NameObject("/Lang")] = TextStringObject(body.language)
    metadata = {"/Title": body.title, "/Author": author, "/Creator": "handouts",
                "/Producer": f"handouts {__version__}"}
    metadata.update(extra_metadata or {})
    writer.metadata = None
    writer.add_metadata(metadata)
    out = BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages)
