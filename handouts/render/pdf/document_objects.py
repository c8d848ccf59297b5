"""The document's own objects written straight to the bytes ReportLab would write for them.

After the pages (``page_objects``), what ReportLab still wrote through its general
object writer were the objects every handout has once or once a page: each page's
content stream, the catalog, the page tree, the outline and its entries, the
information dictionary, the font dictionary and the named destinations. Building a
dictionary, naming and sorting its keys and formatting every value by type took
about a tenth of a warm handout. Here each is written directly, to the same bytes
(``tests/test_page_objects.py`` holds them equal). An object holding anything
unusual is written by ReportLab, as is every object of an encrypted document and
everything when ``HANDOUTS_FAST_PATH=0``.

ReportLab internals used: ``PDFDocument.format`` (wrapped per document: the outline's
entries exist only once ``Outlines.prepare`` has run), its ``Catalog``, ``Pages``,
``Outlines``, ``info`` and ``idToObject``; the fields of ``PDFCatalog``, ``PDFPages``,
``PDFOutlines`` and ``OutlineEntryObject``; ``PDFStream``'s ``dictionary``, ``filters``
and ``content`` and the filter ``PDFZCompress``; ``PDFDocument.Reference``; the
``__RefOnly__`` marker. Each object's ``format`` is replaced on the instance (``page_objects.Direct``).
"""

from __future__ import annotations

from typing import Any

from reportlab.pdfbase import pdfdoc

from handouts.render.pdf import caches
from handouts.render.pdf.direct import Direct, dict_bytes, value_bytes

#: Catalog entries a handout sets (more than these: the catalog is left to ReportLab).
_CATALOG = ("Lang", "Names", "Outlines", "PageMode", "Pages", "Type")


def quick_document(doc: pdfdoc.PDFDocument) -> None:
    """Have ``doc`` write its catalog, page tree, outline, information, font dictionary and named
    destinations directly when it saves (see the module docstring)."""
    if not caches.enabled():
        return
    format_document = doc.format

    def format_all() -> bytes:
        # the outline's entries are made by now; the page tree and the named destinations are
        # registered only as the catalog is written
        catalog = doc.Catalog
        for obj in [*doc.idToObject.values(), doc.Pages, getattr(catalog, "Names", None)]:
            write = _WRITERS.get(type(obj))
            if write is not None and not isinstance(obj.format, Direct):
                obj.format = Direct(obj, write)
        return format_document()

    doc.format = format_all


def _catalog(catalog: pdfdoc.PDFCatalog, document: pdfdoc.PDFDocument) -> bytes | None:
    entries = {key: getattr(catalog, key, default) for key, default in catalog.__Defaults__.items()}
    entries.update({key: getattr(catalog, key, None) for key in catalog.__NoDefault__})
    entries = {key: value for key, value in entries.items() if value is not None}
    if not set(entries) <= set(_CATALOG):
        return None
    for key in catalog.__Refs__:
        if key in entries:
            entries[key] = document.Reference(entries[key])
    return dict_bytes(entries, document)


def _pages(pages: pdfdoc.PDFPages, document: pdfdoc.PDFDocument) -> bytes | None:
    if getattr(pages, "Parent", None) is not None:
        return None
    kids = pdfdoc.PDFArray(pages.pages)
    kids.References(document)
    return dict_bytes({"Count": len(pages.pages), "Kids": kids, "Type": pages.__Defaults__["Type"]}, document)


def _outlines(outlines: pdfdoc.PDFOutlines, document: pdfdoc.PDFDocument) -> bytes | None:
    return dict_bytes({"Type": pdfdoc.PDFName("Outlines"), "Count": outlines.count, "First": outlines.first,
                       "Last": outlines.last}, document)


def _outline_entry(entry: pdfdoc.OutlineEntryObject, document: pdfdoc.PDFDocument) -> bytes | None:
    entries = {"Title": pdfdoc.PDFString(entry.Title), "Parent": entry.Parent, "Dest": entry.Dest}
    for key in ("Prev", "Next", "First", "Last", "Count"):
        value = getattr(entry, key)
        if value is not None:
            entries[key] = value
    return dict_bytes(entries, document)


def quick_info(info: Any) -> None:
    """Have the handout's information dictionary (``once._Info``: exactly its fields, each a string)
    write itself directly."""
    if caches.enabled():
        info.format = Direct(info, lambda info, document: dict_bytes(
            {key.lstrip("/"): pdfdoc.PDFString(value) for key, value in info.fields.items()}, document))


_WRITERS = {
    pdfdoc.PDFCatalog: _catalog,
    pdfdoc.PDFPages: _pages,
    pdfdoc.PDFOutlines: _outlines,
    pdfdoc.OutlineEntryObject: _outline_entry,
    pdfdoc.PDFDictionary: value_bytes,  # a plain dictionary (not an ordered one, whose order is kept)
}
