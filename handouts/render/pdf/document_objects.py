"""The document's own objects written straight to the bytes ReportLab would write for them.

After the pages (``page_objects``), what ReportLab still wrote through its general
object writer were the objects every handout has once or once a page: each page's
content stream, the catalog, the page tree, the outline and its entries, the
information dictionary, the font dictionary and the named destinations. Building a
dictionary, naming and sorting its keys and formatting every value by type took
about a tenth of a warm handout. Here each is written directly, to the same bytes
(``tests/test_page_objects.py`` holds them equal). The file itself is put together
the same way (``file_bytes``): each object framed and numbered, the cross-reference
table and the trailer. An object holding anything unusual is written by ReportLab,
as is every object of an encrypted document and everything when ``HANDOUTS_FAST_PATH=0``.

ReportLab internals used: ``PDFDocument.format`` and ``addPage`` (overridden by ``QuickDocument``,
which a canvas's document becomes by ``__class__``: the outline's entries exist only once
``Outlines.prepare`` has run), its ``Catalog``, ``Pages``,
``Outlines``, ``info`` and ``idToObject``; the fields of ``PDFCatalog``, ``PDFPages``,
``PDFOutlines`` and ``OutlineEntryObject``; ``PDFStream``'s ``dictionary``, ``filters``
and ``content`` and the filter ``PDFZCompress``; ``PDFDocument.Reference``; the
``__RefOnly__`` marker; for the file, ``numberToId``, ``idToObjectNumberAndVersion``,
``idToOffset``, ``_pdfVersion``, ``ID``, ``_digiSigs`` and ``encrypt`` (``NoEncryption``),
``PDFFile``'s header, ``PDFTrailer``, ``pdfdoc.format`` and ``rl_config.invariant``/``pdfComments``.
Each object's ``format`` is replaced on the instance (``page_objects.Direct``).
"""

from __future__ import annotations

from typing import Any

from reportlab import rl_config
from reportlab.pdfbase import pdfdoc

from handouts.render.pdf import caches
from handouts.render.pdf.alike import Alike, alike_objects
from handouts.render.pdf.direct import Direct, dict_bytes, value_bytes
from handouts.render.pdf.page_objects import page_bytes

#: Catalog entries a handout sets (more than these: the catalog is left to ReportLab).
_CATALOG = ("Lang", "Names", "Outlines", "PageMode", "Pages", "Type")


class QuickDocument(pdfdoc.PDFDocument):
    """A ReportLab document that writes its pages (``page_objects``), its catalog, page tree, outline,
    information, font dictionary and named destinations, and the file itself directly when it saves
    (see the module docstring). A canvas's document becomes one with ``quick_document``.

    A class, not functions set on the document: a function that refers to its document, held by it,
    would make the document a cycle, left with all its objects for the cycle collector."""

    written_directly = False  # the whole file put together by ``file_bytes``

    def addPage(self, page: pdfdoc.PDFPage) -> None:  # noqa: N802 - ReportLab's name
        page.format = Direct(page, page_bytes)
        super().addPage(page)

    def format(self) -> bytes:
        # the outline's entries are made by now; the page tree and the named destinations are
        # registered only as the catalog is written
        catalog = self.Catalog
        for obj in [*self.idToObject.values(), self.Pages, getattr(catalog, "Names", None)]:
            write = _WRITERS.get(type(obj))
            if write is not None and not isinstance(obj.format, Direct):
                obj.format = Direct(obj, write)
        written = file_bytes(self)
        if written is None:
            return super().format()
        self.written_directly = True
        return written

    def alike(self) -> Alike:
        """Its objects alike in other handouts, by number (``alike``): known once written directly."""
        return alike_objects(self) if self.written_directly else ()


def quick_document(doc: pdfdoc.PDFDocument) -> None:
    """Have ``doc`` (a canvas's, before anything is drawn) write itself directly (``QuickDocument``);
    left as it is when ``HANDOUTS_FAST_PATH=0``."""
    if caches.enabled() and type(doc) is pdfdoc.PDFDocument:
        doc.__class__ = QuickDocument


def file_bytes(doc: pdfdoc.PDFDocument) -> bytes | None:
    """The whole file as ``PDFDocument.format`` writes it (each object numbered and framed, the
    cross-reference table, the trailer), without a wrapper object, an encoding pass and an offset
    count for each object; None for a document it must write itself (encrypted, signed, with
    comments)."""
    if (type(doc.encrypt) is not pdfdoc.NoEncryption or getattr(doc, "_digiSigs", None)
            or (not rl_config.invariant and rl_config.pdfComments)):
        return None
    catalog, info = doc.Catalog, doc.info
    doc.Reference(catalog)
    doc.Reference(info)
    numbers, objects, offsets = doc.numberToId, doc.idToObject, doc.idToOffset
    versions = doc.idToObjectNumberAndVersion
    header = pdfdoc.PDFFile(doc._pdfVersion).format(doc)
    out, at, rows = [header], len(header), ["0000000000 65535 f "]
    counter = 1
    while counter in numbers:  # objects may be registered while others are written: numbers grows
        oid = numbers[counter]
        number, version = versions[oid]
        content = pdfdoc.format(objects[oid], doc, toplevel=1)
        written = b"%d %d obj\n%s%sendobj\n" % (number, version, content, b"" if content.endswith(b"\n") else b"\n")
        offsets[oid] = at
        rows.append("%0.10d %0.5d n " % (at, version))
        out.append(written)
        at += len(written)
        counter += 1
    if len(rows) - 1 != len(numbers):  # ReportLab's own check: object numbers that are not 1, 2, 3...
        raise ValueError(f"counter {counter} doesn't match number to id dictionary {len(numbers)}")
    out.append(("xref\n0 %d\n%s\n" % (len(rows), "\n".join(rows))).encode("ascii"))
    trailer = pdfdoc.PDFTrailer(startxref=at, Size=len(numbers) + 1, Root=doc.Reference(catalog),
                                Info=doc.Reference(info), ID=doc.ID())
    out.append(trailer.format(doc))
    return b"".join(out)


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
