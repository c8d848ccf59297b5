"""Form XObjects defined from operators a process has written before, their streams compressed once.

A card, a checklist week, a figure or a page's markers draw the same operators in
many handouts. Each is written as a form XObject: ReportLab's ``beginForm`` and
``endForm`` define it, so its resources are this document's, and its stream is
the compressed bytes kept from the first time (the bytes ``endForm`` would write).
The same form in many handouts is then one object in a combined print file.

ReportLab internals used: ``Canvas.beginForm``/``endForm`` in the middle of a page,
the canvas's ``_formsinuse`` and ``_preamble``, the document's ``idToObject``, and
a form's ``Contents`` stream given with its ``Filter`` already set (ReportLab then
writes it as it is).
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
    canvas.beginForm(name, *box)
    canvas._formsinuse.extend(forms)
    canvas.endForm()
    key = (operators, canvas._preamble)  # the recorded str keeps its hash: a lookup costs little
    keep = caches.enabled()  # the plain path compresses it afresh, the same
    compressed = _COMPRESSED.get(key) if keep else None
    if compressed is None:
        compressed = zlib.compress(pdfdoc.pdfdocEnc(f"{canvas._preamble}\n{operators}"))
        if keep:
            _COMPRESSED.put(key, compressed)
    form = canvas._doc.idToObject[pdfdoc.xObjectName(name)]
    form.Contents = pdfdoc.PDFStream(pdfdoc.PDFDictionary({"Filter": pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])}),
                                     compressed)


def draw_form(canvas: Canvas, name: str, box: Box, operators: str) -> None:
    """Draw ``operators`` as form ``name``, defining it first when this document has not."""
    if not canvas.hasForm(name):
        define_form(canvas, name, box, operators)
    canvas.doForm(name)
