"""Render a ``HandoutDoc`` to PDF: the pages, then the cover in front, with the layout map of the checklist.

``render`` is the PDF renderer's one entry point: it returns the finished
file's bytes, its page count and where every tick box and write-in cell was
drawn (page numbers counted after the cover).

Two paths make the same file. The fast path (the default) writes it in one
ReportLab pass, the cover drawn from forms prepared once per process
(``once``). The plain path lays out the pages, then pypdf puts the cover in
front and sets the document's parts (``assemble``); it is taken when the file
is encrypted, and for every file when ``HANDOUTS_FAST_PATH=0``.
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO

from reportlab import rl_config
from reportlab.platypus import Flowable

from handouts.model.document import Cards, Checklist, HandoutDoc
from handouts.model.layout import LayoutMap, SheetPage
from handouts.render.pdf import caches, disk_cache
from handouts.render.pdf.alike import Alike, no_alike
from handouts.render.pdf.assemble import Body, assemble
from handouts.render.pdf.blocks import story as page_story
from handouts.render.pdf.cards import exercise_cards
from handouts.render.pdf.checklist import Placements, checklist_grids
from handouts.render.pdf.cover import Cover
from handouts.render.pdf.frozen import frozen_flowables
from handouts.render.pdf.once import FinalCanvas, Finish
from handouts.render.pdf.pages import Furniture, HandoutDocument, NumberedCanvas, SheetIds, maker
from handouts.render.pdf.styles import Look

# Streams are compressed with Flate alone: ReportLab's default ASCII85 layer adds a quarter to
# every stream. ReportLab reads this setting while it writes, so it is set once for the process
# here and never switched per build (a switch would race between the web server's threads).
rl_config.useA85 = 0


def fast_path() -> bool:
    """False when ``HANDOUTS_FAST_PATH=0`` asks for the plain path (pypdf assembles every file)."""
    return caches.enabled()


@dataclass(frozen=True)
class Rendered:
    """A finished PDF: its bytes, pages (cover included), cover pages, and the layout map."""

    pdf: bytes
    pages: int
    cover_pages: int
    layout: LayoutMap
    #: Objects alike in other handouts, found when asked (``alike``).
    alike: Callable[[], Alike] = dataclasses.field(default=no_alike, repr=False, compare=False)


#: What the final canvas adds to a document when it saves (``once``), made for that document.
FinishFor = Callable[[HandoutDocument], Finish]

#: A document id's letters: upper case and digits (no 0, 1, I, O), as a QR's alphanumeric mode holds them.
ID_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_document_id() -> str:
    """A random id for one printed document (10 letters, 50 bits): its checklist pages' QR carries it.

    Each of the 32 letters stands for five of 50 random bits, read from the system in one call (a
    choice per letter read the system ten times or more)."""
    bits = int.from_bytes(secrets.token_bytes(7), "big") >> 6
    return "".join(ID_LETTERS[bits >> shift & 31] for shift in range(0, 50, 5))


def _build(doc: HandoutDoc, finish_for: FinishFor | None = None, *, document_id: str | None = None,
           cover_pages: int = 0) -> tuple[bytes, HandoutDocument, LayoutMap]:
    """Lay out and write the document's pages; every page gets its running header and footer, and every
    page with tick boxes its markers and QR page id (``document_id``, random when not given). With
    ``finish_for`` the canvas writes the finished file (``once.FinalCanvas``). The layout map counts the
    pages of the finished file, with ``cover_pages`` of cover in front; the QR page ids count the body's."""
    look = Look.of(doc.setup)
    placements = Placements(cover_pages=cover_pages)
    document_id = document_id or new_document_id()
    sheets = SheetIds(document_id, placements.body_pages)
    builders = {
        Cards: lambda block: _cards(block, look),
        Checklist: lambda block: checklist_grids(
            block, look, placements, lambda key, build: frozen_flowables(key, build, placements)),
    }
    story = page_story(doc.blocks, look, builders)
    buffer = BytesIO()
    document = HandoutDocument(buffer, look, title=doc.title, author=doc.author)
    furniture = Furniture(look, doc.running, sheets)
    make = (maker(NumberedCanvas, furniture=furniture) if finish_for is None
            else maker(FinalCanvas, furniture=furniture, finish=finish_for(document)))
    document.build(story, canvasmaker=make)
    pages = sorted(placements.body_pages())
    layout = LayoutMap(look.pagesize, tuple(placements.boxes), tuple(placements.cells), paper=look.paper,
                       document_id=document_id, sheets=tuple(SheetPage(p + cover_pages, p) for p in pages))
    return buffer.getvalue(), document, layout


def _cards(block: Cards, look: Look) -> list[Flowable]:
    """The exercise cards, each replayed from its record when an earlier handout drew the same card."""
    out: list[Flowable] = []
    for card in block.cards:
        one = dataclasses.replace(block, cards=(card,))
        out += frozen_flowables(("card", caches.said(card), look), lambda one=one: exercise_cards(one, look))  # type: ignore[misc]
    return out


def render_body(doc: HandoutDoc, *, document_id: str | None = None, cover_pages: int = 0) -> Body:
    """Lay out the document's pages with ReportLab (see ``_build``)."""
    pdf, document, layout = _build(doc, document_id=document_id, cover_pages=cover_pages)
    return Body(pdf, document.page, tuple(document.marks), layout)


def render(doc: HandoutDoc, *, cover: Cover | None = None, password: str | None = None, duplex: bool = False,
           extra_metadata: dict[str, str] | None = None, document_id: str | None = None) -> Rendered:
    """The finished PDF of ``doc``: ``cover`` in front, AES-256 with ``password``, and with ``duplex``
    a blank last page when the count is odd, so a two-sided print ends cleanly."""
    cover_pages = cover.page_count if cover is not None else 0
    if fast_path():
        disk_cache.load_once()
    if password or not fast_path():
        body = render_body(doc, document_id=document_id, cover_pages=cover_pages)
        pdf, pages = assemble(body, doc, cover=cover, extra_metadata=extra_metadata, password=password,
                              duplex=duplex)
        return Rendered(pdf, pages, cover_pages, body.layout)
    finishes: list[Finish] = []

    def finish_for(document: HandoutDocument) -> Finish:
        finishes.append(Finish(doc, document, cover=cover.ready() if cover is not None else None, duplex=duplex,
                               extra_metadata=extra_metadata))
        return finishes[-1]

    pdf, document, layout = _build(doc, finish_for, document_id=document_id, cover_pages=cover_pages)
    return Rendered(pdf, finishes[-1].pages, cover_pages, layout, document.alike)
