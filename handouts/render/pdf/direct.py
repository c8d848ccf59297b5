"""Writing ReportLab's PDF objects straight to the bytes it would write for them: the common parts.

ReportLab writes every object through its general object writer: a dictionary is
built, its keys sorted and named, and every value formatted by type. The writers of
``page_objects`` and ``document_objects`` write the objects every handout has
directly, and use these: ``Direct`` (an object's ``format`` that falls back to
ReportLab's own), the values, dictionaries and arrays of the kinds a handout's
objects hold, and a stream compressed with Flate.

ReportLab internals used: ``pdfdoc.format``'s rules for each kind of value (references,
numbers by ``fp_str``, names, strings, dictionaries with six entries a line, arrays
with ten values a line, objects marked ``__RefOnly__`` written as references),
``PDFStream``'s ``dictionary``, ``filters`` and ``content``, ``PDFZCompress``, and
``rl_config.pdfMultiLine``/``pdfComments``.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from reportlab import rl_config
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfdoc


class Direct:
    """An object's ``format``: its bytes as ``write`` writes them, or as ReportLab does when ``write``
    gives None (the object holds something it does not write), the document is encrypted, or ReportLab
    is set to write objects over several lines or with comments.

    It refers to its object weakly: the object holds it, and a strong reference back would make each
    a cycle, left for the cycle collector with the whole document once a handout is written."""

    __slots__ = ("obj", "write")

    def __init__(self, obj: Any, write: Callable[[Any, pdfdoc.PDFDocument], bytes | None]) -> None:
        self.obj, self.write = weakref.ref(obj), write

    def __call__(self, document: pdfdoc.PDFDocument) -> bytes:
        obj = self.obj()
        written = (self.write(obj, document)
                   if isinstance(document.encrypt, pdfdoc.NoEncryption) and not rl_config.pdfMultiLine
                   and not rl_config.pdfComments else None)
        return type(obj).format(obj, document) if written is None else written


def joined(entries: list[bytes]) -> bytes:
    """A dictionary's entries as ReportLab joins them: by spaces, with a line break after every six."""
    lines = [b" ".join(entries[start:start + 6]) for start in range(0, len(entries), 6)]
    return b" \n  ".join(lines)


@lru_cache(maxsize=1024)
def name_bytes(name: str) -> bytes:
    return pdfdoc.pdfdocEnc(pdfdoc.PDFName(name))


def stream_bytes(stream: pdfdoc.PDFStream, document: pdfdoc.PDFDocument) -> bytes | None:
    """A stream compressed with Flate alone and no entries of its own, as ReportLab writes it."""
    if (type(stream) is not pdfdoc.PDFStream or stream.dictionary.dict or stream.content is None
            or stream.filters != [pdfdoc.PDFZCompress]):
        return None
    content = pdfdoc.PDFZCompress.encode(stream.content)
    return (b"<<\n/Filter [ /FlateDecode ] /Length " + str(len(content)).encode() + b"\n>>\nstream\n" + content
            + b"endstream\n")


def ref_bytes(reference: pdfdoc.PDFObjectReference, document: pdfdoc.PDFDocument) -> bytes:
    """``12 0 R``, as ``PDFObjectReference.format`` writes it (without its text codec, a Python one)."""
    return b"%d %d R" % document.idToObjectNumberAndVersion[reference.name]


#: Text a PDF string holds as it is: printable ASCII but the backslash and parentheses (escaped otherwise).
_PLAIN_TEXT = re.compile(r"[ -'*-\[\]-~]*")


def string_bytes(string: pdfdoc.PDFString, document: pdfdoc.PDFDocument) -> bytes:
    """``(text)``, as ``PDFString.format`` writes plain text; anything else as it writes it."""
    text = string.s
    if (type(text) is str and string.escape == 1 and getattr(string, "enc", "auto") == "auto"
            and _PLAIN_TEXT.fullmatch(text)):
        return b"(" + text.encode("ascii") + b")"
    return string.format(document)  # type: ignore[no-any-return]


def value_bytes(value: Any, document: pdfdoc.PDFDocument) -> bytes | None:
    """A value inside an object, as ReportLab's ``pdfdoc.format`` writes it; None for a kind not written here."""
    kind = type(value)
    if kind is pdfdoc.PDFObjectReference:
        return ref_bytes(value, document)
    if kind is int or kind is float:
        return fp_str(value).encode()
    if kind is str:
        return value.encode("ascii") if value.isascii() else None
    if kind is pdfdoc.PDFString:
        return string_bytes(value, document)
    if kind is pdfdoc.Destination:
        return value.format(document)  # type: ignore[no-any-return]  # it writes itself directly
    if kind is pdfdoc.PDFDictionary:
        return dict_bytes(value.dict, document) if type(value.dict) is dict else None  # an OrderedDict keeps its order
    if kind is pdfdoc.PDFArray:
        return array_bytes(value.sequence, document)
    if isinstance(value, pdfdoc.PDFObject) and hasattr(value, pdfdoc.__RefOnly__):
        return document.Reference(value).format(document)  # type: ignore[no-any-return]
    return None


def dict_bytes(entries: dict[str, Any], document: pdfdoc.PDFDocument) -> bytes | None:
    """A dictionary, keys sorted, as ``PDFDictionary.format`` writes it."""
    written = []
    for key in sorted(entries):
        value = value_bytes(entries[key], document)
        if value is None:
            return None
        written.append(name_bytes(key) + b" " + value)
    return b"<<\n" + joined(written) + b"\n>>"


def array_bytes(values: list[Any], document: pdfdoc.PDFDocument) -> bytes | None:
    """An array as ``PDFArray.format`` writes it: a line break after every ten values."""
    written = []
    for value in values:
        one = value_bytes(value, document)
        if one is None:
            return None
        written.append(one)
    if len(written) > 10:
        for index in reversed(range(10, len(written), 10)):
            written.insert(index, b"\n ")
    return b"[ " + b" ".join(written) + b" ]"
