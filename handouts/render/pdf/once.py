"""One ReportLab pass writes the final file: the cover in front, bookmarks, destinations, language, metadata.

This is what ``assemble`` does with pypdf after the pages are made, done instead
while ReportLab writes them, so a handout is serialised once and never parsed
back. The cover comes as ready form XObjects (``ready.ReadyPages``), parsed once
per process. Encryption still goes through pypdf (``build.render`` takes that path).

ReportLab internals used: the canvas's ``_bookmarkReference`` destinations bound
to pages by their internal names ``Page<n>``, the catalog's ``Names``, ``Lang``
and page mode, ``PDFDocument.info`` replaced by the exact fields the handout
sets, ``Canvas._startPage`` (to add the duplex blank page after the last page)
and ``Canvas.showPage`` called on the base class, as the page-numbering canvas does.
"""

from __future__ import annotations

from typing import Any

from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFInfo, PDFObjectReference, PDFString
from reportlab.pdfgen.canvas import Canvas

from handouts import __version__
from handouts.model.document import HandoutDoc
from handouts.render.pdf.document_objects import quick_info
from handouts.render.pdf.page_objects import quick_destination
from handouts.render.pdf.pages import HandoutDocument, NumberedCanvas
from handouts.render.pdf.ready import ReadyPages

#: Named destination on the first page after the cover (the pypdf path writes the same).
BODY_START = "body-start"


def metadata(doc: HandoutDoc, extra: dict[str, str] | None) -> dict[str, str]:
    """The document information of a handout: neutral unless the caller adds to it."""
    fields = {"/Title": doc.title, "/Author": doc.author, "/Creator": "handouts",
              "/Producer": f"handouts {__version__}"}
    fields.update(extra or {})
    return fields


class _Info(PDFInfo):
    """Exactly the given fields, where ReportLab's own adds dates, keywords and a subject."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__()
        self.fields = fields

    def format(self, document: Any) -> bytes:
        return PDFDictionary({key.lstrip("/"): PDFString(value) for key, value in self.fields.items()}).format(document)


class Finish:
    """What the final canvas adds when it saves: cover pages first, then the document's own parts."""

    def __init__(self, doc: HandoutDoc, document: HandoutDocument, *, cover: ReadyPages | None, duplex: bool,
                 extra_metadata: dict[str, str] | None) -> None:
        self.doc = doc
        self.document = document  # its marks and page count are complete when the canvas saves
        self.cover = cover
        self.duplex = duplex
        self.extra_metadata = extra_metadata
        self.blank_after: int | None = None  # pages written, after which a blank page goes
        self.pages = 0

    @property
    def cover_pages(self) -> int:
        return len(self.cover.forms) if self.cover is not None else 0

    def draw_cover(self, canvas: Canvas) -> None:
        """Each cover page drawn on a page of the handout's paper, scaled to fit and centred."""
        assert self.cover is not None
        self.cover.place(canvas._doc)
        width, height = canvas._pagesize
        for page, (left, bottom, source_width, source_height) in enumerate(self.cover.boxes):
            canvas.saveState()
            if abs(source_width - width) >= 1 or abs(source_height - height) >= 1:
                scale = min(width / source_width, height / source_height)
                canvas.transform(scale, 0, 0, scale, (width - source_width * scale) / 2 - left * scale,
                                 (height - source_height * scale) / 2 - bottom * scale)
            canvas.doForm(self.cover.form_name(page))
            canvas.restoreState()
            Canvas.showPage(canvas)

    def document_parts(self, canvas: Canvas) -> None:
        """Bookmarks, named destinations, language, page mode and metadata."""
        first = self.cover_pages
        named: dict[str, Any] = {}

        def destination(key: str, page: int, top: float | None = None) -> Any:
            dest = canvas._bookmarkReference(key)
            dest.fit() if top is None else dest.fith(top)
            dest.setPage(PDFObjectReference(f"Page{page + 1}"))
            quick_destination(dest)
            return dest

        if self.cover is not None:
            destination("outline-cover", 0)
            canvas.addOutlineEntry(self.doc.cover_label, "outline-cover")
        named[BODY_START] = destination(BODY_START, first)
        sections = 0
        for mark in self.document.marks:
            if mark.kind == "section":
                sections += 1
                destination(f"outline-{sections}", first + mark.page)
                canvas.addOutlineEntry(mark.name, f"outline-{sections}")
            else:
                named[mark.name] = destination(mark.name, first + mark.page, mark.y)
        items: list[Any] = []
        for name in sorted(named, key=lambda n: n.encode("utf-16-be")):
            items += [PDFString(name), named[name]]
        catalog = canvas._doc.Catalog
        catalog.Names = PDFDictionary({"Dests": PDFDictionary({"Names": PDFArray(items)})})
        catalog.Lang = PDFString(self.doc.language)
        canvas.showOutline()
        canvas._doc.info = _Info(metadata(self.doc, self.extra_metadata))
        quick_info(canvas._doc.info)
        self.pages = first + self.document.page
        if self.duplex and self.pages % 2:
            self.blank_after = self.pages
            self.pages += 1


class FinalCanvas(NumberedCanvas):
    """The page-numbering canvas writing the finished file: cover, body, then its ``Finish``'s parts."""

    def __init__(self, *args: Any, finish: Finish, **kwargs: Any) -> None:
        self._finish = finish  # before the base class starts the first page (``_startPage`` reads it)
        super().__init__(*args, **kwargs)

    def save(self) -> None:
        finish = self._finish
        if finish.cover is not None:
            finish.draw_cover(self)
        finish.document_parts(self)
        super().save()

    def _startPage(self) -> None:  # noqa: N802 - ReportLab's name
        super()._startPage()
        finish = self._finish
        if finish.blank_after is not None and self._doc.pageCounter - 1 == finish.blank_after:
            finish.blank_after = None
            Canvas.showPage(self)  # the duplex blank page, with no header or footer
