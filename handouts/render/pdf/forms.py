"""Form XObjects defined from operators a process has written before, their streams compressed once.

A card, a checklist week, a figure or a page's markers draw the same operators in
many handouts. Each is written as a form XObject: ReportLab's ``beginForm`` and
``endForm`` define it, so its resources are this document's, and its stream is
the compressed bytes kept from the first time (the bytes ``endForm`` would write).
The same form in many handouts is then one object in a combined print file.

The whole form object, once formatted, is kept too, by its stream and the object
numbers of what it refers to (the document's fonts, the forms it draws): the
handouts of a batch number their objects alike, so most forms are written from
the bytes kept. On the fast path a form is registered as a small stand-in
(``_ReadyForm``) that makes the ReportLab form object only when those bytes are
not kept.

ReportLab internals used: ``Canvas.beginForm``/``endForm`` in the middle of a page,
the canvas's ``_formsinuse``, ``_preamble`` and ``_pageCompression``; on the fast path the form
object is made as ``endForm`` makes it (``PDFFormXObject``, its ``hasImages``, ``setStreamList``,
its ``_colorsUsed``, ``ExtGState``, ``XObjects`` and ``Annots``, ``PDFDocument.addForm`` and
``xobjDict``), and a stand-in registered in its place (``PDFObject``, ``xObjectName``); the
document's ``idToObject``, ``idToObjectNumberAndVersion``, ``BasicFonts`` and ``encrypt``, and a
form's ``Contents`` stream given with its ``Filter`` already set (ReportLab then writes it as it is).
"""

from __future__ import annotations

import zlib

from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas

from handouts.render.pdf import caches

Box = tuple[float, float, float, float]

#: Form streams as written (compressed), by their operators and the canvas's preamble.
_COMPRESSED: caches.Capped[tuple[str, str], bytes] = caches.Capped(512)
caches.ALL.append(_COMPRESSED)


def define_form(canvas: Canvas, name: str, box: Box, operators: str, forms: tuple[str, ...] = ()) -> None:
    """Define form ``name`` in ``canvas``'s document: ``operators`` (which draw the forms ``forms``)
    clipped to ``box``."""
    if not caches.enabled():  # the plain path defines it with beginForm and endForm and compresses it afresh
        canvas.beginForm(name, *box)
        canvas._formsinuse.extend(forms)
        canvas.endForm()
        form = canvas._doc.idToObject[pdfdoc.xObjectName(name)]
        form.Contents = _stream(zlib.compress(pdfdoc.pdfdocEnc(f"{canvas._preamble}\n{operators}")))
        return
    key = (operators, canvas._preamble)  # the recorded str keeps its hash: a lookup costs little
    compressed = _COMPRESSED.get(key)
    if compressed is None:
        compressed = zlib.compress(pdfdoc.pdfdocEnc(f"{canvas._preamble}\n{operators}"))
        _COMPRESSED.put(key, compressed)
    canvas._doc.addForm(name, _ReadyForm(canvas, box, forms, compressed))


def _stream(compressed: bytes) -> pdfdoc.PDFStream:
    """A form's contents: its compressed operators, written as they are."""
    return pdfdoc.PDFStream(pdfdoc.PDFDictionary({"Filter": pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])}),
                            compressed)


class _ReadyForm(pdfdoc.PDFObject):
    """A form defined on the fast path, standing for the ``PDFFormXObject`` ``beginForm`` and ``endForm``
    would make with nothing drawn between them and the kept stream set after: written as the bytes
    ReportLab wrote for the same form earlier in the process, when it refers to the same object numbers
    for the fonts and forms it uses (a batch numbers its handouts alike); else that form is made and
    written by ReportLab. Defining it costs a fraction of making the form, which most handouts never
    need to do."""

    def __init__(self, canvas: Canvas, box: Box, forms: tuple[str, ...], compressed: bytes) -> None:
        self.box, self.forms, self.compressed = box, forms, compressed
        self.preamble, self.compression = canvas._preamble, canvas._pageCompression
        self.xobjects = tuple(dict.fromkeys(pdfdoc.xObjectName(name) for name in forms))

    def format(self, document: pdfdoc.PDFDocument) -> bytes:
        if not isinstance(document.encrypt, pdfdoc.NoEncryption):
            return self._form(document).format(document)
        numbers = document.idToObjectNumberAndVersion
        refers = (numbers.get(pdfdoc.BasicFonts), tuple((name, numbers.get(name)) for name in self.xobjects))
        key = ((self.compressed, self.box, pdfdoc.PDFFormXObject.hasImages, self.compression), refers)
        found = _FORMATTED.get(key)
        if found is None:
            found = self._form(document).format(document)
            _FORMATTED.put(key, found)
        return found

    def _form(self, document: pdfdoc.PDFDocument) -> pdfdoc.PDFFormXObject:
        """The form as ``endForm`` makes it after ``beginForm`` with nothing drawn, its stream the kept one."""
        lower_x, lower_y, upper_x, upper_y = self.box
        form = pdfdoc.PDFFormXObject(lowerx=lower_x, lowery=lower_y, upperx=upper_x, uppery=upper_y)
        form.compression = self.compression
        form.setStreamList([self.preamble])
        form._colorsUsed = {}  # what a form with nothing drawn gets from endForm: no colours, states or links
        form.ExtGState = None
        form.XObjects = document.xobjDict(list(self.forms)) if self.forms else None
        form.Annots = []
        form.Contents = _stream(self.compressed)
        return form


#: Forms as ReportLab formats them, by their stream and what they refer to.
_FORMATTED: caches.Capped[tuple[object, ...], bytes] = caches.Capped(512)
caches.ALL.append(_FORMATTED)


def draw_form(canvas: Canvas, name: str, box: Box, operators: str) -> None:
    """Draw ``operators`` as form ``name``, defining it first when this document has not."""
    if not canvas.hasForm(name):
        define_form(canvas, name, box, operators)
    canvas.doForm(name)
