"""The PDF objects of each embedded font subset, serialised once per process.

Every handout embeds the same primed subsets (``fonts.prime_subsets``), and ReportLab wrote
their objects afresh each time: a 256-number ``/Widths`` array per subset, its font
descriptor, its ToUnicode CMap (built and compressed), the font file's stream dictionary.
That was most of the time ReportLab spent serialising a handout. Here each subset's objects
are serialised the first time the subset is seen with those codes, and later documents write
the ready bytes; the object numbers they refer to are filled in per document, so the file is
byte for byte the one ReportLab would write. Once every part of every subset of a font is
ready, ReportLab's own objects are not even built: the ready ones are registered under the
same names and in the same order as ``TTFont.addObjects`` registers its own.

ReportLab internals touched: ``TTFont.addObjects`` is wrapped per registered font (the
objects are built by ReportLab as before, then each one it registered in
``PDFDocument.idToObject``, under the subset's internal name, ``fontDescriptor:``,
``toUnicodeCMap:`` and ``fontFile:``, is swapped for a ready one), ``TTFont.state`` (read
before the objects are added, for the subsets' codes), ``PDFObjectReference``,
``PDFObject.format`` and ``NoEncryption`` (an encrypting document, and everything when
``HANDOUTS_FAST_PATH=0``, is written the plain way); for registering ready objects without
ReportLab's, what ``addObjects`` does itself: ``ttfonts.SUBSETN``, ``getSubsetInternalName``,
the face's ``name``, ``subfontNameX`` and ``filename``, ``state.frozen``, the document's
``Reference`` and its ``BasicFonts`` dictionary.
"""

from __future__ import annotations

import copy
import re
from array import array
from collections.abc import Callable
from typing import Any

from reportlab import rl_config
from reportlab.pdfbase import pdfdoc, ttfonts

from handouts.render.pdf import caches

#: Ready parts of font objects: bytes, with the references they hold left as references.
READY: caches.Capped[tuple[Any, ...], tuple[Any, ...]] = caches.Capped(256)
caches.ALL.append(READY)

_SLOT = re.compile(rb"\x00(\d+)\x00")


class _Slot(pdfdoc.PDFObject):
    """Stands for a reference while an object is serialised without its document's numbers."""

    def __init__(self, index: int) -> None:
        self.index = index

    def format(self, document: Any) -> bytes:
        return b"\x00%d\x00" % self.index


class Ready(pdfdoc.PDFObject):
    """A PDF object serialised before: its bytes, with the references it holds formatted per document."""

    __RefOnly__ = 1

    def __init__(self, parts: tuple[bytes | pdfdoc.PDFObjectReference, ...], plain: pdfdoc.PDFObject | None,
                 key: tuple[Any, ...]) -> None:
        """``plain``: the object ReportLab built, written instead in an encrypted document (None when it
        was never built: only for a document that is not encrypted). ``key``: its key in ``READY``, which
        says what it and every object it refers to are (the subset's letters, font, name and settings)."""
        self.parts, self.plain, self.key = parts, plain, key
        comment = getattr(plain, "__Comment__", None)
        if comment is not None:
            self.__Comment__ = comment

    def format(self, document: Any) -> bytes:
        if self.plain is not None and not isinstance(document.encrypt, pdfdoc.NoEncryption):
            return self.plain.format(document)
        return b"".join(part if part.__class__ is bytes else part.format(document)  # type: ignore[union-attr]
                        for part in self.parts)


def serialised(obj: pdfdoc.PDFObject, document: Any) -> tuple[bytes | pdfdoc.PDFObjectReference, ...] | None:
    """``obj`` as ReportLab formats it, cut at the references it holds (kept as references);
    None when it cannot be cut cleanly (the plain object is then written)."""
    shallow = copy.copy(obj)
    fields = shallow.dict if isinstance(shallow, pdfdoc.PDFDictionary) else vars(shallow)
    if isinstance(shallow, pdfdoc.PDFDictionary):
        shallow.dict = fields = dict(fields)
    references: list[pdfdoc.PDFObjectReference] = []
    for name, value in list(fields.items()):
        if isinstance(value, pdfdoc.PDFObjectReference):
            fields[name] = _Slot(len(references))
            references.append(value)
    text = shallow.format(document)
    if not references:
        return (text,)  # a stream's compressed bytes may hold any byte: nothing to cut
    pieces = _SLOT.split(text)
    if len(pieces) != 2 * len(references) + 1 or text.count(b"\x00") != 2 * len(references):
        return None
    parts: list[bytes | pdfdoc.PDFObjectReference] = []
    for index, piece in enumerate(pieces):
        parts.append(piece if index % 2 == 0 else references[int(piece)])
    return tuple(part for part in parts if part != b"")


def ready_objects(add_objects: Callable[[Any], None], font: Any) -> Callable[[Any], None]:
    """``font.addObjects`` writing each subset's objects from ready bytes (see the module docstring)."""

    def add(doc: Any) -> None:
        state = font.state.get(doc)
        prefix = state.internalName if state is not None else None
        # each subset's letters as one bytes object: a key holding it is hashed in one pass, and that
        # hash is kept for the subset's four look-ups (a tuple of 256 code points was hashed at each)
        subsets = [array("I", codes).tobytes() for codes in state.subsets] if prefix is not None else []
        usable = bool(subsets) and caches.enabled() and isinstance(doc.encrypt, pdfdoc.NoEncryption)
        if usable and _add_ready(doc, font, state, subsets):
            return
        add_objects(doc)
        if usable:
            for number, codes in enumerate(subsets):
                _swap_subset(doc, font, f"{prefix}+{number}", codes)

    return add


def _subset_parts(doc: Any, font: Any, number: int, codes: bytes) -> list[tuple[str, Any, Any]] | None:
    """The ready parts of subset ``number``, each with the name ReportLab registers it under and its key, in
    the order ReportLab registers them (CMap, font file, descriptor, font); None unless all four are ready."""
    internal = font.getSubsetInternalName(number, doc)[1:]  # named already: the font was drawn with
    base = b"".join((ttfonts.SUBSETN(number), b"+", font.face.name, font.face.subfontNameX)).decode("pdfdoc")
    setting = (rl_config.pdfMultiLine, doc.compression, font.fontName, codes, base)
    named = [("toUnicodeCMap:" + base, ("cmap",)), (f"fontFile:{font.face.filename}({base})", ("file",)),
             ("fontDescriptor:" + base, ("descriptor",)), (internal, ("font", internal))]
    found = [(name, (*setting, *key), READY.get((*setting, *key))) for name, key in named]
    return None if any(parts is None for _, _, parts in found) else found


def _add_ready(doc: Any, font: Any, state: Any, subsets: list[bytes]) -> bool:
    """Register every subset's objects from ready parts, as ``TTFont.addObjects`` registers its own, without
    building them first; False (and nothing done) unless every part of every subset is ready."""
    if rl_config.pdfComments:  # the ready parts keep no comments
        return False
    ready = [_subset_parts(doc, font, number, codes) for number, codes in enumerate(subsets)]
    if any(parts is None for parts in ready):
        return False
    state.frozen = 1
    fonts = doc.idToObject["BasicFonts"].dict
    for parts in ready:
        for name, key, kept in parts:  # type: ignore[union-attr]
            obj = Ready(kept, None, key)
            doc.Reference(obj, name)
        fonts[name] = obj  # the last one is the font itself
    del font.state[doc]
    return True


def _swap_subset(doc: Any, font: Any, internal: str, codes: bytes) -> None:
    """Put ready objects in place of the ones ReportLab registered for the subset named ``internal``."""
    pdf_font = doc.idToObject.get(internal)
    if pdf_font is None:
        return
    base = pdf_font.BaseFont
    setting = (rl_config.pdfMultiLine, doc.compression, font.fontName, codes, base)
    for name, key in ((internal, ("font", internal)),
                      ("fontDescriptor:" + base, ("descriptor",)),
                      ("toUnicodeCMap:" + base, ("cmap",)),
                      (f"fontFile:{font.face.filename}({base})", ("file",))):
        plain = doc.idToObject.get(name)
        if plain is None or isinstance(plain, Ready):
            continue
        full = (*setting, *key)
        parts = READY.get(full)
        if parts is None:
            parts = serialised(plain, doc)
            if parts is None:
                continue
            READY.put(full, parts)
        doc.idToObject[name] = Ready(parts, plain, full)
