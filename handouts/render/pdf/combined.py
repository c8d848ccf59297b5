"""One combined PDF for the printer: every handout in order, padded for duplex if asked.

The file is written as it goes, one handout at a time, so memory stays flat
however many handouts it holds. A handout the fast path wrote is copied from
its own bytes (``own_file``), with no general PDF parser reading it back; any
other file is read with pypdf. Objects repeated across handouts (the cover,
the font subsets every handout shares, the cards and weeks the fast path
writes as forms, pages' resource dictionaries) are written once: each object
is serialised with its references renumbered, children first, and an object
whose bytes were already written is not written again.

The document information (title, and the creator that marks a print file made
by handouts) is the first object, right after the header, so a later run can
tell its own print file from its first bytes.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import Sequence
from io import BytesIO
from typing import TYPE_CHECKING, Any, BinaryIO

from reportlab.pdfbase import pdfdoc

from handouts.render.pdf import caches
from handouts.render.pdf.alike import Alike
from handouts.render.pdf.own_file import NotOwnFile, OwnFile, Parts

if TYPE_CHECKING:  # pypdf is imported where a file is read with it: the fast path's print file needs none
    from pypdf import PdfReader
    from pypdf.generic import PdfObject

_CATALOG, _PAGES, _OUTLINES, _INFO = 1, 2, 3, 4  # object numbers reserved for the document's skeleton
CREATOR = b"/Creator (handouts print file)"
HEADER = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
_SKIPPED_PAGE_KEYS = {"/Parent", "/Annots", "/AA", "/B", "/StructParents", "/Thumb"}


def page_count(pdf: bytes) -> int:
    """Pages in a PDF held in memory."""
    from pypdf import PdfReader

    return len(PdfReader(BytesIO(pdf)).pages)


class _Serializer:
    """Writes PDF objects to a stream, renumbered, each distinct object once."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.offsets: dict[int, int] = {}
        self.next_number = _INFO + 1
        self.known: dict[bytes, int] = {}  # digest of an object's bytes -> its number
        self.in_progress: set[int] = set()
        #: Objects copied from handouts (``copy_own``), by their parts as read and the numbers their
        #: references got here: the fonts, forms and resources most handouts share are read as the same
        #: parts (``own_file._READ``), so they are found again without being joined and hashed.
        self.copied: OrderedDict[tuple[Parts, tuple[int, ...]], int] = OrderedDict()
        #: Objects by the key their renderer gave them (``alike``), least recently used dropped first.
        self.alike: OrderedDict[bytes, int] = OrderedDict()

    def write(self, number: int, body: bytes) -> None:
        self.offsets[number] = self.out.tell()
        self.out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")

    def add(self, body: bytes, *, share: bool = True) -> int:
        """Write ``body`` as a new object (or find it already written); return its number."""
        digest = hashlib.sha256(body).digest()
        if share and digest in self.known:
            return self.known[digest]
        number = self.next_number
        self.next_number += 1
        self.write(number, body)
        if share:
            self.known[digest] = number
        return number

    def known_alike(self, alike: Alike) -> dict[int, int]:
        """A file's numbering to start from: each of its objects under a key already written, numbered here."""
        mapping = {}
        for number, key in alike:
            found = self.alike.get(key)
            if found is not None:
                mapping[number] = found
                self.alike.move_to_end(key)
        return mapping

    def remember_alike(self, alike: Alike, mapping: dict[int, int]) -> None:
        """Remember under its key each object of a file that was written (or found) here."""
        for number, key in alike:
            if key not in self.alike and number in mapping:
                self.alike[key] = mapping[number]
                if len(self.alike) > _COPIED:
                    self.alike.popitem(last=False)

    def fill(self, parts: Parts, source: OwnFile, mapping: dict[int, int]) -> bytes:
        """An object of a file read by ``OwnFile``, each object it refers to written first and renumbered."""
        return _filled(parts, [self.copy_own(source, part, mapping) for part in parts if type(part) is int])

    def copy_own(self, source: OwnFile, number: int, mapping: dict[int, int]) -> int:
        """The number object ``number`` of ``source`` has here, written (or found already written)."""
        if number in self.in_progress and number not in mapping:
            mapping[number] = self.next_number  # a cycle: give it a number now
            self.next_number += 1
        if number not in mapping:
            self.in_progress.add(number)
            parts = source.parts(number)
            refs = tuple(self.copy_own(source, part, mapping) for part in parts if type(part) is int)
            self.in_progress.discard(number)
            if number in mapping:
                self.write(mapping[number], _filled(parts, refs))
            else:
                key = (parts, refs)
                found = self.copied.get(key)
                if found is None:
                    found = self.add(_filled(parts, refs))
                    self.copied[key] = found
                    if len(self.copied) > _COPIED:  # a handout's own objects are not seen again: keep few
                        self.copied.popitem(last=False)
                else:
                    self.copied.move_to_end(key)
                mapping[number] = found
        return mapping[number]

    def copy(self, value: PdfObject, mapping: dict[int, int]) -> PdfObject:
        """``value`` with every indirect reference replaced by one to its written copy."""
        from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject

        if isinstance(value, IndirectObject):
            source = value.idnum
            if source in self.in_progress and source not in mapping:
                # A cycle (an object reached again from inside itself): give it a number now.
                mapping[source] = self.next_number
                self.next_number += 1
            if source not in mapping:
                self.in_progress.add(source)
                body = _bytes(self.copy(value.get_object(), mapping))
                self.in_progress.discard(source)
                if source in mapping:
                    self.write(mapping[source], body)
                else:
                    mapping[source] = self.add(body)
            return IndirectObject(mapping[source], 0, None)  # type: ignore[arg-type]
        if isinstance(value, StreamObject):
            stream = StreamObject()
            for key in value:
                if key != "/Length":
                    stream[NameObject(key)] = self.copy(value.raw_get(key), mapping)
            stream._data = value._data  # still encoded: copied as it is, not recompressed
            return stream
        if isinstance(value, DictionaryObject):
            return DictionaryObject({NameObject(k): self.copy(value.raw_get(k), mapping) for k in value})
        if isinstance(value, ArrayObject):
            return ArrayObject(self.copy(item, mapping) for item in value)
        return value


#: Objects ``copy_own`` remembers by their parts (least recently used dropped first).
_COPIED = 2048


def _filled(parts: Parts, refs: Sequence[int]) -> bytes:
    """``parts`` with its holes filled by the references ``refs``, in order."""
    numbers = iter(refs)
    return b"".join(part if type(part) is bytes else b"%d 0 R" % next(numbers) for part in parts)


_RESOURCES = re.compile(rb"/Resources\s*<<")
_EMPTY_TRANSITION = re.compile(rb"/Trans\s*<<\s*>>")
_NESTING = re.compile(rb"<<|>>|\(")


def _shared_resources(page: bytes, serializer: _Serializer) -> bytes:
    """A page dictionary as ReportLab writes it, its resources (fonts and forms, the same on most pages
    of most handouts) moved into an object of their own that the serializer writes once, and its empty
    page transition left out."""
    page = _EMPTY_TRANSITION.sub(b"", page)
    found = _RESOURCES.search(page)
    if found is None:
        return page
    start = found.end() - 2
    depth = 0
    for token in _NESTING.finditer(page, start):  # the matching '>>' (resources hold names, numbers, references)
        if token[0] == b"(":
            return page  # a string: not a dictionary this reads
        depth += 1 if token[0] == b"<<" else -1
        if depth == 0:
            number = serializer.add(page[start:token.end()])
            return page[:found.start()] + b"/Resources %d 0 R" % number + page[token.end():]
    return page


def _text(text: str) -> bytes:
    """A text string (a title, a bookmark), as ReportLab writes one: in PDFDocEncoding when every letter
    has a code there, else in UTF-16 with its byte order mark."""
    return pdfdoc.PDFString(text).format(_NO_DOCUMENT)  # type: ignore[no-any-return]


_NO_DOCUMENT: Any = pdfdoc.DummyDoc()  # a string's format asks only for the (absent) encryption


def _bytes(value: PdfObject) -> bytes:
    buffer = BytesIO()
    value.write_to_stream(buffer)
    return buffer.getvalue()


class CombinedWriter:
    """Appends whole PDFs to one file, keeping one bookmark per appended document."""

    def __init__(self, out: BinaryIO, *, duplex: bool = False, title: str = "Handouts for printing") -> None:
        self.duplex = duplex
        self.serializer = _Serializer(out)
        self.pages: list[int] = []
        self.bookmarks: list[tuple[str, int]] = []
        out.write(HEADER)
        self.serializer.write(_INFO, b"<< /Title %s %s >>" % (_text(title), CREATOR))

    def append(self, data: bytes, title: str, *, alike: Alike = ()) -> None:
        """Copy the pages of the PDF ``data``, with one bookmark ``title`` at its first page.

        ``alike``: objects of a fast-path handout that its renderer knows by a key (``alike``): one under a
        key already written is not read again, and neither is anything it refers to."""
        try:
            if not caches.enabled():
                raise NotOwnFile("the plain path reads every file with pypdf")
            own = OwnFile(data)
            pages = own.pages()
        except NotOwnFile:  # not a file the fast path wrote (an encrypted handout, say): pypdf reads it
            from pypdf import PdfReader

            self._append_read(PdfReader(BytesIO(data)), title)
            return
        serializer = self.serializer
        mapping = serializer.known_alike(alike)
        serializer.in_progress.clear()
        self.bookmarks.append((title, len(self.pages)))
        for page in pages:
            body = _shared_resources(serializer.fill(page.parts, own, mapping).rstrip(), serializer)
            self.pages.append(serializer.add(body[:-2] + b"/Parent %d 0 R >>" % _PAGES, share=False))
        serializer.remember_alike(alike, mapping)
        if self.duplex and len(pages) % 2:
            self.pages.append(serializer.add(b"<< /Type /Page /Parent %d 0 R /MediaBox %s /Resources << >> >>"
                                             % (_PAGES, pages[-1].box), share=False))

    def _append_read(self, reader: PdfReader, title: str) -> None:
        from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

        mapping: dict[int, int] = {}
        self.serializer.in_progress.clear()
        self.bookmarks.append((title, len(self.pages)))
        box = None
        for page in reader.pages:
            copy = DictionaryObject({NameObject(k): self.serializer.copy(page.raw_get(k), mapping)
                                     for k in page if k not in _SKIPPED_PAGE_KEYS})
            copy[NameObject("/Parent")] = IndirectObject(_PAGES, 0, None)  # type: ignore[arg-type]
            self.pages.append(self.serializer.add(_bytes(copy), share=False))
            box = page.mediabox
        if self.duplex and len(reader.pages) % 2 and box is not None:
            blank = DictionaryObject({
                NameObject("/Type"): NameObject("/Page"),
                NameObject("/Parent"): IndirectObject(_PAGES, 0, None),  # type: ignore[arg-type]
                NameObject("/MediaBox"): ArrayObject(box),
                NameObject("/Resources"): DictionaryObject(),
            })
            self.pages.append(self.serializer.add(_bytes(blank), share=False))

    def finish(self) -> int:
        """Write the page tree, bookmarks, cross-reference table and trailer; return the page count."""
        s = self.serializer
        kids = b" ".join(b"%d 0 R" % n for n in self.pages)
        s.write(_PAGES, b"<< /Type /Pages /Count %d /Kids [ %s ] >>" % (len(self.pages), kids))
        items = [s.next_number + i for i in range(len(self.bookmarks))]
        s.next_number += len(items)
        for index, ((name, first), number) in enumerate(zip(self.bookmarks, items)):
            links = b"/Parent %d 0 R" % _OUTLINES
            if index:
                links += b" /Prev %d 0 R" % items[index - 1]
            if index + 1 < len(items):
                links += b" /Next %d 0 R" % items[index + 1]
            dest = self.pages[first] if first < len(self.pages) else self.pages[-1]
            s.write(number, b"<< /Title %s %s /Dest [ %d 0 R /Fit ] >>" % (
                _text(name), links, dest))
        ends = b" /First %d 0 R /Last %d 0 R" % (items[0], items[-1]) if items else b""
        s.write(_OUTLINES, b"<< /Type /Outlines /Count %d%s >>" % (len(items), ends))
        s.write(_CATALOG, b"<< /Type /Catalog /Pages %d 0 R /Outlines %d 0 R /PageMode /UseOutlines >>"
                % (_PAGES, _OUTLINES))
        out = s.out
        start = out.tell()
        size = s.next_number
        out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
        for number in range(1, size):
            offset = s.offsets.get(number)
            out.write(b"%010d 00000 n \n" % offset if offset is not None else b"0000000000 65535 f \n")
        out.write(b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
                  % (size, _CATALOG, _INFO, start))
        return len(self.pages)
