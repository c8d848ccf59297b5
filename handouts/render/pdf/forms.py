"""Form XObjects defined from operators a process has written before, their streams compressed once.

A card, a checklist week, a figure or a page's markers draw the same operators in
many handouts. Each is written as a form XObject: ReportLab's ``beginForm`` and
``endForm`` define it, so its resources are this document's, and its stream is
the compressed bytes kept from the first time (the bytes ``endForm`` would write).
The same form in many handouts is then one object in a combined print file.

The whole form object, once formatted, is kept too, by its stream and the object
numbers of what it refers to (the document's fonts, the forms it draws): the
handouts of a batch number their objects alike, so most forms are written from
the bytes kept.

ReportLab internals used: ``Canvas.beginForm``/``endForm`` in the middle of a page,
the canvas's ``_formsinuse``, ``_preamble`` and ``_pageCompression``; on the fast path the form
object is made as ``endForm`` makes it (``PDFFormXObject``, ``setStreamList``, its
``_colorsUsed``, ``ExtGState``, ``XObjects`` and ``Annots``, ``PDFDocument.addForm`` and
``xobjDict``); the document's ``idToObject``,
``idToObjectNumberAndVersion`` and ``encrypt``, a form's ``Contents`` stream given
with its ``Filter`` already set (ReportLab then writes it as it is), and its
``format`` replaced on the instance.
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
    keep = caches.enabled()  # the plain path defines it with beginForm and endForm and compresses it afresh
    if keep:
        _add_form(canvas, name, box, forms)
    else:
        canvas.beginForm(name, *box)
        canvas._formsinuse.extend(forms)
        canvas.endForm()
    key = (operators, canvas._preamble)  # the recorded str keeps its hash: a lookup costs little
    compressed = _COMPRESSED.get(key) if keep else None
    if compressed is None:
        compressed = zlib.compress(pdfdoc.pdfdocEnc(f"{canvas._preamble}\n{operators}"))
        if keep:
            _COMPRESSED.put(key, compressed)
    form = canvas._doc.idToObject[pdfdoc.xObjectName(name)]
    form.Contents = pdfdoc.PDFStream(pdfdoc.PDFDictionary({"Filter": pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])}),
                                     compressed)
    if keep:
        form.format = _KeptFormat(form, (compressed, box, form.hasImages, form.compression))


def _add_form(canvas: Canvas, name: str, box: Box, forms: tuple[str, ...]) -> None:
    """Add an empty form ``name`` to ``canvas``'s document as ``beginForm`` then ``endForm`` with nothing
    drawn between them would (its stream is set after), without saving, resetting and restoring the
    canvas's whole graphics state and accumulators, which was most of the time of defining a form."""
    lower_x, lower_y, upper_x, upper_y = box
    form = pdfdoc.PDFFormXObject(lowerx=lower_x, lowery=lower_y, upperx=upper_x, uppery=upper_y)
    form.compression = canvas._pageCompression
    form.setStreamList([canvas._preamble])
    form._colorsUsed = {}  # what a form with nothing drawn gets from endForm: no colours, states or links
    form.ExtGState = None
    form.XObjects = canvas._doc.xobjDict(list(forms)) if forms else None
    form.Annots = []
    canvas._doc.addForm(name, form)


class _KeptFormat:
    """A form's ``format``: the bytes ReportLab wrote for the same form, with the same object numbers for
    the fonts and forms it refers to, earlier in the process (a batch writes its handouts alike)."""

    def __init__(self, form: pdfdoc.PDFFormXObject, content: tuple[object, ...]) -> None:
        self.form, self.content = form, content
        self.plain = type(form).format.__get__(form)

    def __call__(self, document: pdfdoc.PDFDocument) -> bytes:
        if not isinstance(document.encrypt, pdfdoc.NoEncryption):
            return self.plain(document)
        numbers = document.idToObjectNumberAndVersion
        refers = (numbers.get(pdfdoc.BasicFonts),
                  tuple((name, numbers.get(name)) for name in (self.form.XObjects.dict if self.form.XObjects else ())))
        key = (self.content, refers)
        found = _FORMATTED.get(key)
        if found is None:
            found = self.plain(document)
            _FORMATTED.put(key, found)
        return found


#: Forms as ReportLab formats them, by their stream and what they refer to.
_FORMATTED: caches.Capped[tuple[object, ...], bytes] = caches.Capped(512)
caches.ALL.append(_FORMATTED)


def draw_form(canvas: Canvas, name: str, box: Box, operators: str) -> None:
    """Draw ``operators`` as form ``name``, defining it first when this document has not."""
    if not canvas.hasForm(name):
        define_form(canvas, name, box, operators)
    canvas.doForm(name)
