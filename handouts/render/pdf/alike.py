"""Which objects of a handout are alike in every handout that holds them, each with a key.

A batch's print file holds each object once however many handouts have it: the
font subsets, the cards and weeks the fast path writes as forms, the cover. To
find an object again it reads it and everything it refers to (``combined``),
which was most of the print file's time. The renderer already knows these
objects: each came from something kept once per process, and is told by what
it was made from. Its key here says what the object and every object it refers
to are, so an object under a key the print file has written is not read again.

A key is made only where the kept value says everything its bytes and its
references' bytes depend on:

* a font subset's objects (``font_objects.Ready``): the subset's letters, font,
  name and settings;
* a cover's objects (``ready._Placed``): the cover's digest and the object's place;
* the document's font dictionary: the key of every font in it, by name;
* a form (``forms._ReadyForm``): its compressed stream, box, settings, the font
  dictionary's key and the key of each form it draws, by name.

Anything else (pages, their contents, the outline, a form ReportLab made) has
no key and is read as before. The keys are digests of plain values, so a
worker process makes the same key as the batch's own. They are found only when
asked: a batch's print file asks, a single handout never does.
"""

from __future__ import annotations

import hashlib
from typing import Any

from reportlab.pdfbase import pdfdoc

from handouts.render.pdf import caches
from handouts.render.pdf.font_objects import Ready
from handouts.render.pdf.forms import _ReadyForm
from handouts.render.pdf.ready import _Placed

#: Object numbers of a file and the keys of the objects under them.
Alike = tuple[tuple[int, bytes], ...]

#: Digests of what objects are, by those values.
_DIGESTS: caches.Capped[tuple[Any, ...], bytes] = caches.Capped(1024)
caches.ALL.append(_DIGESTS)


def alike_objects(doc: pdfdoc.PDFDocument) -> Alike:
    """Every object of the written document ``doc`` that has a key (see the module docstring), by its
    number."""
    objects, numbers = doc.idToObject, doc.idToObjectNumberAndVersion
    keys = _Keys(objects)
    return tuple((numbers[name][0], made) for name, obj in objects.items()
                 if name in numbers and (type(obj) in _KEYED or name == pdfdoc.BasicFonts)
                 and (made := keys.key(obj)) is not None)


def no_alike() -> Alike:
    """The objects alike of a document not written directly: none known."""
    return ()


class _Keys:
    """The keys of one document's objects, each found once. (A class, not a function calling itself by
    a name it closes over: that would be a cycle holding the document for the cycle collector.)"""

    def __init__(self, objects: dict[str, Any]) -> None:
        self.objects = objects
        self.found: dict[int, bytes | None] = {}

    def key(self, obj: Any) -> bytes | None:
        # a reference, or an object registered under a name, is written as what is under that name now
        # (a font subset's objects are put in place of ReportLab's under the same names: ``font_objects``)
        name = obj.name if isinstance(obj, pdfdoc.PDFObjectReference) else getattr(obj, pdfdoc.__InternalName__, None)
        if name is not None:
            obj = self.objects.get(name)
        found = self.found
        if id(obj) not in found:
            found[id(obj)] = None  # an object reached again from inside itself has no key
            found[id(obj)] = _digest(self._what(obj))
        return found[id(obj)]

    def _what(self, obj: Any) -> tuple[Any, ...] | None:
        """What ``obj`` and all it refers to are, as plain values; None when that is not known."""
        kind, objects = type(obj), self.objects
        if kind is Ready:
            return ("font", obj.key)
        if kind is _Placed:
            return ("cover", obj.key)
        if kind is _ReadyForm:
            fonts = self.key(objects.get(pdfdoc.BasicFonts))
            drawn = tuple((name, self.key(objects.get(name))) for name in obj.xobjects)
            if fonts is None or any(made is None for _, made in drawn):
                return None
            return ("form", obj.compressed, obj.box, pdfdoc.PDFFormXObject.hasImages, obj.compression, fonts, drawn)
        if obj is objects.get(pdfdoc.BasicFonts) and type(obj) is pdfdoc.PDFDictionary:
            fonts = tuple((name, self.key(value)) for name, value in obj.dict.items())
            return None if any(made is None for _, made in fonts) else ("fonts", fonts)
        return None


#: The kinds of object that may have a key of their own (the font dictionary may too).
_KEYED = (Ready, _Placed, _ReadyForm)


def _digest(what: tuple[Any, ...] | None) -> bytes | None:
    if what is None:
        return None
    found = _DIGESTS.get(what)
    if found is None:
        found = hashlib.blake2b(repr(what).encode(), digest_size=20).digest()
        _DIGESTS.put(what, found)
    return found
