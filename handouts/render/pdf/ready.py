"""A cover's pages as ready PDF objects that ReportLab writes into a handout as it is made.

A cover PDF is parsed once per process (``cover.load_cover``); this module turns
each of its pages into a form XObject, serialised once, with its references
left as holes. Placing the cover in a handout then costs a join of bytes per
object: no pypdf parse, merge or write per handout. Only a page's drawing is
kept (its content and resources), as the pypdf path keeps it.

ReportLab internals used: ``PDFDocument.Reference`` with a chosen internal name,
``idToObjectNumberAndVersion`` (to write a reference's object number) and the
``FormXob.<name>`` naming of ``xObjectName`` that ``Canvas.doForm`` looks up.
"""

from __future__ import annotations

import base64
import hashlib
import zlib
from dataclasses import dataclass
from io import BytesIO
from typing import TYPE_CHECKING, Any, Union

from reportlab.pdfbase.pdfdoc import PDFDocument, PDFObject, xObjectName

if TYPE_CHECKING:  # pypdf is imported only when a cover is parsed, not when one comes from the disk cache
    from pypdf import PageObject
    from pypdf.generic import DictionaryObject, IndirectObject, PdfObject

#: An object's bytes, with the local numbers of the objects it refers to in between.
Parts = tuple[Union[bytes, int], ...]


@dataclass(frozen=True)
class ReadyPages:
    """Cover pages as serialised objects: ``forms[i]`` is the local number of page i's form XObject."""

    objects: tuple[Parts, ...]
    forms: tuple[int, ...]
    boxes: tuple[tuple[float, float, float, float], ...]  # each page's media box: left, bottom, width, height
    digest: str

    def form_name(self, page: int) -> str:
        """The name ``Canvas.doForm`` draws page ``page`` by."""
        return f"Cover{self.digest}p{page}"

    def place(self, document: PDFDocument) -> None:
        """Register every object with ReportLab's ``document`` (once; a second call does nothing)."""
        names = [f"Cover{self.digest}o{index}" for index in range(len(self.objects))]
        for page, index in enumerate(self.forms):
            names[index] = xObjectName(self.form_name(page))
        if names and names[0] in document.idToObject:
            return
        for index, (parts, name) in enumerate(zip(self.objects, names)):
            document.Reference(_Placed(parts, names, (self.digest, index)), name)

    def to_json(self) -> dict[str, Any]:
        """Plain data for the disk cache (bytes as base64)."""
        return {"objects": [[base64.b64encode(p).decode() if isinstance(p, bytes) else p for p in parts]
                            for parts in self.objects],
                "forms": list(self.forms), "boxes": [list(box) for box in self.boxes], "digest": self.digest}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReadyPages:
        """The inverse of ``to_json``; raises ValueError, TypeError or KeyError on damaged data."""
        objects = tuple(tuple(base64.b64decode(p, validate=True) if isinstance(p, str) else int(p) for p in parts)
                        for parts in data["objects"])
        forms = tuple(int(f) for f in data["forms"])
        boxes = tuple((float(a), float(b), float(c), float(d)) for a, b, c, d in data["boxes"])
        if not all(0 <= f < len(objects) for f in forms) or len(boxes) != len(forms) or any(
                isinstance(p, int) and not 0 <= p < len(objects) for parts in objects for p in parts):
            raise ValueError("a damaged cover record")
        return cls(objects, forms, boxes, str(data["digest"]))


class _Placed(PDFObject):
    """One ready object: its bytes with the holes filled by the document's object numbers."""

    def __init__(self, parts: Parts, names: list[str], key: tuple[str, int]) -> None:
        self.parts = parts
        self.names = names
        self.key = key  # the cover's digest and the object's index: what it and all it refers to are

    def format(self, document: PDFDocument) -> bytes:
        numbers = document.idToObjectNumberAndVersion
        return b"".join(part if isinstance(part, bytes) else b"%d 0 R" % numbers[self.names[part]][0]
                        for part in self.parts)


def ready_pages(pages: tuple[PageObject, ...]) -> ReadyPages:
    """Serialise ``pages`` once as form XObjects (raises pypdf's errors on a damaged file)."""
    builder = _Builder()
    forms, boxes = [], []
    for page in pages:
        box = page.mediabox
        left, bottom = float(box.left), float(box.bottom)
        width, height = float(box.width), float(box.height)
        boxes.append((left, bottom, width, height))
        forms.append(builder.form(page, (left, bottom, left + width, bottom + height)))
    objects = tuple(builder.objects)  # type: ignore[arg-type]
    hashed = hashlib.sha256()
    for parts in objects:
        for part in parts:
            hashed.update(part if isinstance(part, bytes) else b"\0%d\0" % part)
        hashed.update(b"\0obj\0")
    digest = hashed.hexdigest()[:12]
    return ReadyPages(objects, tuple(forms), tuple(boxes), digest)


class _Builder:
    def __init__(self) -> None:
        self.objects: list[Parts | None] = []
        self.local: dict[int, int] = {}  # pypdf object number -> local number

    def _new(self) -> int:
        self.objects.append(None)
        return len(self.objects) - 1

    def ref(self, value: IndirectObject) -> int:
        source = value.idnum
        if source not in self.local:
            index = self.local[source] = self._new()  # before its children, so a cycle ends here
            self.objects[index] = _joined(self.parts(value.get_object()))
        return self.local[source]

    def parts(self, value: PdfObject) -> list[bytes | int]:
        from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

        if isinstance(value, IndirectObject):
            return [self.ref(value)]
        if isinstance(value, StreamObject):
            data = value._data  # still encoded: written as it is, never recompressed
            return [*self._dictionary(value, skip={"/Length"}, extra=b"/Length %d " % len(data)),
                    b"\nstream\n" + data + b"\nendstream"]
        if isinstance(value, DictionaryObject):
            return self._dictionary(value)
        if isinstance(value, ArrayObject):
            out: list[bytes | int] = [b"["]
            for item in value:
                out += [*self.parts(item), b" "]
            return [*out, b"]"]
        return [_bytes(value)]

    def _dictionary(self, value: DictionaryObject, *, skip: set[str] = frozenset(),  # type: ignore[assignment]
                    extra: bytes = b"") -> list[bytes | int]:
        from pypdf.generic import NameObject

        out: list[bytes | int] = [b"<< " + extra]
        for key in value:
            if key not in skip:
                out += [_bytes(NameObject(key)), b" ", *self.parts(value.raw_get(key)), b" "]
        return [*out, b">>"]

    def form(self, page: PageObject, bbox: tuple[float, float, float, float]) -> int:
        """A form XObject holding ``page``'s drawing and resources."""
        index = self._new()
        content, filters = _content(page)
        head: list[bytes | int] = [b"<< /Type /XObject /Subtype /Form /BBox [%s] " % b" ".join(
            _number(v) for v in bbox)]
        if "/Resources" in page:
            head += [b"/Resources ", *self.parts(page.raw_get("/Resources")), b" "]
        head.append(filters + b"/Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        self.objects[index] = _joined(head)
        return index


def _content(page: PageObject) -> tuple[bytes, bytes]:
    """The page's drawing as one stream's data, and the filter entries it needs."""
    from pypdf.generic import NameObject, StreamObject

    contents = page.get("/Contents")
    if contents is None:
        return b"", b""
    contents = contents.get_object()
    if isinstance(contents, StreamObject):
        filters = b""
        for key in ("/Filter", "/DecodeParms"):
            if key in contents:
                filters += _bytes(NameObject(key)) + b" " + _bytes(contents[key]) + b" "
        return contents._data, filters
    data = b"\n".join(item.get_object().get_data() for item in contents)
    return zlib.compress(data), b"/Filter /FlateDecode "


def _joined(parts: list[bytes | int]) -> Parts:
    """Adjacent bytes joined, so a ready object is a few pieces."""
    out: list[bytes | int] = []
    for part in parts:
        if isinstance(part, bytes) and out and isinstance(out[-1], bytes):
            out[-1] += part
        else:
            out.append(part)
    return tuple(out)


def _bytes(value: PdfObject) -> bytes:
    buffer = BytesIO()
    value.write_to_stream(buffer)
    return buffer.getvalue()


def _number(value: float) -> bytes:
    return (b"%d" % value) if value == int(value) else (b"%.4f" % value).rstrip(b"0")
