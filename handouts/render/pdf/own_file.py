"""Read back a PDF this program wrote, without a general PDF parser: its objects as bytes with holes.

A handout made by the fast path is written by ReportLab in one pass: a classic
cross-reference table, every object written once in full, a flat page tree.
For such a file the print file needs no more than each object's bytes and
where its references are, so it can copy the object renumbered. Anything else
(an encrypted handout, an object stream, a page with annotations, a nested page
tree) is refused with ``NotOwnFile``, and the caller reads that file with pypdf.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Union

from handouts.render.pdf import caches

#: An object's bytes, with the numbers of the objects it refers to in between.
Parts = tuple[Union[bytes, int], ...]

_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_XREF_ROW = re.compile(rb"(\d{10}) (\d{5}) ([nf])")
#: A cross-reference row as the PDF standard has it: exactly 20 bytes, ending in " \n", "\r\n" or " \r".
_XREF_ROWS = re.compile(rb"(\d{10}) \d{5} ([nf])(?: \n|\r\n| \r)")
_XREF_ROW_SIZE = 20
_HEAD = re.compile(rb"\s*(\d+) (\d+) obj\b")
_TOKEN = re.compile(rb"""
    (?P<space>\s+) | (?P<comment>%[^\r\n]*) | (?P<open><<|\[) | (?P<close>>>|\]) | (?P<string>\() |
    (?P<hex><[0-9A-Fa-f\s]*>) | (?P<name>/[^\s/\[\]()<>{}%]*) | (?P<number>[+-]?(?:\d+\.?\d*|\.\d+)) |
    (?P<word>[A-Za-z]+)
""", re.VERBOSE)
#: A reference, as ReportLab writes it: two integers and R, after a space or a delimiter.
_REFERENCE = re.compile(rb"(?<=[\s\[\]<>])(\d+)\s+(\d+)\s+R(?![A-Za-z])")
#: Where an object's dictionary or value ends: its stream or its end.
_BODY_END = re.compile(rb"(?<=[\s\]>])(stream|endobj)(?![A-Za-z])")
#: Page entries the print file drops, as the pypdf path does: with any of them the file is read by pypdf.
UNSUPPORTED_PAGE_KEYS = (b"/Annots", b"/AA", b"/B", b"/StructParents", b"/Thumb")
_UNSUPPORTED = tuple(key + end for key in UNSUPPORTED_PAGE_KEYS for end in (b" ", b"\n"))
_MEDIA_BOX = re.compile(rb"/MediaBox\s*(\[[^\]]*\])")
_ROOT = re.compile(rb"/Root\s+(\d+)\s+0\s+R\b")


#: Objects as read (``OwnFile.parts``), by their bytes.
_READ: caches.Capped[bytes, Parts] = caches.Capped(1024)
caches.ALL.append(_READ)


class NotOwnFile(ValueError):
    """The file is not one this reader takes; read it with pypdf."""


@dataclass(frozen=True)
class Page:
    """A page: its object with ``/Parent`` taken out, and its media box."""

    parts: Parts
    box: bytes


class OwnFile:
    """The objects of a PDF this program wrote, by number."""

    def __init__(self, data: bytes) -> None:
        if not data.startswith(b"%PDF-") or b"/Encrypt" in data[-2048:]:
            raise NotOwnFile("not a plain PDF")
        found = _STARTXREF.search(data[-64:])
        if found is None:
            raise NotOwnFile("no startxref")
        start = int(found.group(1))
        if data[start:start + 4] != b"xref":
            raise NotOwnFile("no classic cross-reference table")
        self.data = data
        self.table = start
        self.offsets = _xref(data, start)
        self._starts: list[int] | None = None
        trailer = data.find(b"trailer", start)
        if trailer < 0:
            raise NotOwnFile("no trailer")
        root = _ROOT.search(data, trailer, data.find(b"startxref", trailer))
        if root is None:
            raise NotOwnFile("no /Root reference")
        self.root = int(root.group(1))  # all the trailer says that is read here
        self._parts: dict[int, Parts] = {}

    def parts(self, number: int) -> Parts:
        """Object ``number``'s bytes, its references as holes.

        An object is read once per process for the same bytes (``_READ``): the handouts of a batch
        hold many objects alike, outlines and destinations among them, whose strings are read token
        by token. What an object reads as depends only on its own bytes, from its number up to the
        next object (or the cross-reference table)."""
        if number not in self._parts:
            offset = self.offsets.get(number)
            if offset is None:
                raise NotOwnFile(f"object {number} is not in the table")
            whole = self.data[offset:self._end(offset)]
            found = _READ.get(whole)
            if found is None:
                head = _HEAD.match(self.data, offset)
                if head is None or int(head.group(1)) != number:
                    raise NotOwnFile(f"object {number} is not where the table says")
                found = _split_object(self.data, head.end())
                _READ.put(whole, found)
            self._parts[number] = found
        return self._parts[number]

    def _end(self, offset: int) -> int:
        """Where the object at ``offset`` ends at the latest: the next object, or the table."""
        if self._starts is None:
            self._starts = sorted({*self.offsets.values(), self.table})
        later = bisect.bisect_right(self._starts, offset)
        return self._starts[later] if later < len(self._starts) else len(self.data)

    def pages(self) -> list[Page]:
        """The pages in order (a flat page tree only)."""
        pages = _ref(self.parts(self.root), b"/Pages")
        tree = self.parts(pages)
        kids = _value(tree, b"/Kids")
        out = []
        for part in kids:
            if isinstance(part, int):
                page = self.parts(part)
                # A page read as these very parts before, in a tree read as that very tree, is the same
                # page (parts are kept per process by their bytes: the handouts of a batch share most).
                found = _PAGES.get((id(page), id(tree)))
                if found is None or found[0] is not page or found[1] is not tree:
                    found = (page, tree, _page(page, tree))
                    _PAGES.put((id(page), id(tree)), found)
                out.append(found[2])
        if not out:
            raise NotOwnFile("no pages")
        return out


def _xref(data: bytes, start: int) -> dict[int, int]:
    offsets: dict[int, int] = {}
    position = data.index(b"\n", start) + 1
    while True:
        line_end = data.index(b"\n", position)
        line = data[position:line_end].split()
        if len(line) != 2 or not all(item.isdigit() for item in line):
            break
        first, count = int(line[0]), int(line[1])
        position = line_end + 1
        rows = _XREF_ROWS.findall(data, position, position + _XREF_ROW_SIZE * count)
        if len(rows) == count:  # every row its 20 bytes, so one after another: read at once
            offsets.update((number, int(offset)) for number, (offset, kind) in enumerate(rows, first) if kind == b"n")
            position += _XREF_ROW_SIZE * count
            continue
        for number in range(first, first + count):
            row = _XREF_ROW.match(data, position)
            if row is None:
                raise NotOwnFile("a damaged cross-reference row")
            if row.group(3) == b"n":
                offsets[number] = int(row.group(1))
            position = data.index(b"\n", position) + 1
    return offsets


def _split_object(data: bytes, position: int) -> Parts:
    """``_split(data, position, whole_object=True)`` by two regular expressions, for an object
    without strings, hex strings or comments (all that ReportLab writes but a few); any other
    object is split token by token."""
    end = _BODY_END.search(data, position)
    if end is None:
        return _split(data, position, whole_object=True)
    body = data[position:end.start()]
    if b"(" in body or b"%" in body or body.count(b"<") != 2 * body.count(b"<<") or b"<<<" in body:
        return _split(data, position, whole_object=True)
    out: list[bytes | int] = []
    kept = position
    for found in _REFERENCE.finditer(data, position, end.start()):
        out += [data[kept:found.start()], int(found.group(1))]
        kept = found.end()
    if end.group(1) == b"endobj":
        out.append(data[kept:end.start()].rstrip())
        return _joined(out)
    close = data.find(b"endobj", _stream_end(data, end.end(), out, kept))
    if close < 0:
        raise NotOwnFile("an object without its end")
    out.append(data[kept:close].rstrip())
    return _joined(out)


def _split(data: bytes, position: int = 0, *, whole_object: bool = False) -> Parts:
    """The bytes from ``position``, references cut out as numbers; an object ends at ``endobj``
    (its stream, if any, copied as it is) when ``whole_object``."""
    out: list[bytes | int] = []
    kept = position
    recent: list[tuple[int, int]] = []  # (start, value) of the last integer tokens
    depth = 0
    while position < len(data):
        token = _TOKEN.match(data, position)
        if token is None:
            raise NotOwnFile("unexpected bytes")
        kind, end = token.lastgroup, token.end()
        if kind == "string":
            end = _string_end(data, position)
        if kind in ("space", "comment"):
            position = end
            continue
        if kind == "number" and token.group().isdigit():
            recent = [*recent[-1:], (position, int(token.group()))]
        elif kind == "word" and token.group() == b"R" and len(recent) == 2:
            (first, number), _ = recent
            out += [data[kept:first], number]
            kept = end
            recent = []
        else:
            recent = []
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth -= 1
        elif kind == "word" and whole_object and depth == 0 and token.group() in (b"stream", b"endobj"):
            if token.group() == b"endobj":
                out.append(data[kept:position].rstrip())
                return _joined(out)
            close = data.find(b"endobj", _stream_end(data, end, out, kept))
            if close < 0:
                raise NotOwnFile("an object without its end")
            out.append(data[kept:close].rstrip())
            return _joined(out)
        position = end
    if whole_object:
        raise NotOwnFile("an object without its end")
    out.append(data[kept:position])
    return _joined(out)


def _stream_end(data: bytes, position: int, parts: list[bytes | int], kept: int) -> int:
    """Where the stream that starts after ``position`` ends (by its direct /Length)."""
    head = b"".join(p for p in parts if isinstance(p, bytes)) + data[kept:position]
    length = re.search(rb"/Length\s+(\d+)(?!\s+\d+\s+R)", head)
    if length is None:
        raise NotOwnFile("a stream without a direct length")
    start = position + (2 if data[position:position + 2] == b"\r\n" else 1)
    end = start + int(length.group(1))
    if data.find(b"endstream", end, end + 32) < 0:
        raise NotOwnFile("a stream whose length is wrong")
    return end


def _string_end(data: bytes, position: int) -> int:
    depth, index = 0, position
    while index < len(data):
        char = data[index:index + 1]
        if char == b"\\":
            index += 2
            continue
        if char == b"(":
            depth += 1
        elif char == b")":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    raise NotOwnFile("an unclosed string")


def _joined(parts: list[bytes | int]) -> Parts:
    out: list[bytes | int] = []
    for part in parts:
        if isinstance(part, bytes) and out and isinstance(out[-1], bytes):
            out[-1] += part
        elif part != b"":
            out.append(part)
    return tuple(out)


def _page(page: Parts, tree: Parts) -> Page:
    """A page object's parts as copied: without its ``/Parent``, with its media box (or its tree's)."""
    text = b"".join(p for p in page if type(p) is bytes)
    if b"/Type /Pages" in text or any(key in text for key in _UNSUPPORTED):
        raise NotOwnFile("a page this reader does not copy")
    return Page(_without(page, b"/Parent"), _media_box(text, tree))


#: Pages as copied, by the identity of the parts they were read as (kept with them).
_PAGES: caches.Capped[tuple[int, int], tuple[Parts, Parts, Page]] = caches.Capped(512)
caches.ALL.append(_PAGES)


def _ref(parts: Parts, key: bytes) -> int:
    """The object a top-level ``key`` refers to."""
    for index, part in enumerate(parts[:-1]):
        if isinstance(part, bytes) and part.rstrip().endswith(key) and isinstance(parts[index + 1], int):
            return parts[index + 1]  # type: ignore[return-value]
    raise NotOwnFile(f"no {key.decode()} reference")


def _value(parts: Parts, key: bytes) -> Parts:
    """The parts of an array held under ``key`` (``[ 5 0 R 6 0 R ]``)."""
    for index, part in enumerate(parts):
        if isinstance(part, bytes) and key in part:
            tail = part[part.index(key) + len(key):]
            if not tail.lstrip().startswith(b"["):
                break
            items: list[bytes | int] = [tail]
            for later in parts[index + 1:]:
                if isinstance(later, bytes) and b"]" in later:
                    items.append(later[:later.index(b"]") + 1])
                    return tuple(items)
                items.append(later)
    raise NotOwnFile(f"no {key.decode()} array")


def _without(parts: Parts, key: bytes) -> Parts:
    """``parts`` with a top-level ``key n 0 R`` entry taken out."""
    for index, part in enumerate(parts[:-1]):
        if isinstance(part, bytes) and part.rstrip().endswith(key) and isinstance(parts[index + 1], int):
            head = part.rstrip()[:-len(key)]
            return _joined([*parts[:index], head, *parts[index + 2:]])
    return parts


def _media_box(page: bytes, tree: Parts) -> bytes:
    """The media box of a page (its bytes without the references), else of its page tree."""
    for text in (page, b"".join(p for p in tree if type(p) is bytes)):
        found = _MEDIA_BOX.search(text)
        if found:
            return found.group(1)
    raise NotOwnFile("no media box")
