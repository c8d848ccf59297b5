"""Page dictionaries and destinations written straight to the bytes ReportLab would write for them.

ReportLab writes each page's dictionary through its general object writer: a dictionary
is built, its keys sorted and named, and every value formatted by type, for the page and
again for its resources. That took about 0.2 ms a page. A page of the shape every handout
page has (its contents, media box, parent, rotation, an empty transition, and resources of
the document's fonts, procedure sets and forms) is written here directly, to the same
bytes. A page with anything else (links or other annotations, colour spaces, graphics
states, shadings, page boxes, a duration, a thumbnail) is written by ReportLab, as is
every page of an encrypted document and every page when ``HANDOUTS_FAST_PATH=0``.

A handout's named destinations (where each card, week and box starts: some twenty) are
written the same way (``quick_destination``): ReportLab built an array object for each.

ReportLab internals used: ``PDFDocument.addPage`` (``document_objects.QuickDocument``'s), the
attributes ``Canvas.showPage`` sets on a ``PDFPage`` and that ``PDFPage.check_format``
completes (``MediaBox``, ``Contents``, ``Resources``, ``Parent``), the fields of
``PDFResourceDictionary``, ``PDFDocument.Reference``, ``fp_str``, ``PDFName`` and
``rl_config.pdfMultiLine``/``pdfComments``; a ``Destination``'s ``fmt`` and ``page`` and the
classes ``PDFDestinationFit``/``FitH``; a page's and a destination's ``format`` are replaced on
the instance, as a kept form's is (``forms``).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfdoc

from handouts.render.pdf import caches
from handouts.render.pdf.direct import Direct, joined, name_bytes, ref_bytes, stream_bytes

#: Page entries the quick writer leaves to ReportLab when they are set.
_OTHER_ENTRIES = tuple(name for name in pdfdoc.PDFPage.__NoDefault__
                       if name not in ("Parent", "MediaBox", "Resources", "Contents", "Rotate", "Trans", "Annots"))
#: Resource kinds a handout page never has: with any of them the page is left to ReportLab.
_OTHER_RESOURCES = ("ColorSpace", "ExtGState", "Pattern", "Properties", "Shading")


def quick_destination(destination: pdfdoc.Destination) -> None:
    """Have ``destination`` (bound to a page, fitted whole or at a height) write itself directly."""
    if caches.enabled():
        destination.format = Direct(destination, destination_bytes)


def page_bytes(page: pdfdoc.PDFPage, document: pdfdoc.PDFDocument) -> bytes | None:
    """``page`` as ReportLab writes it, or None when it has anything but the usual entries."""
    if (page.Override_default_compilation or type(page).__Defaults__ != pdfdoc.PDFPage.__Defaults__
            or page.Annots or any(getattr(page, name, None) is not None for name in _OTHER_ENTRIES)):
        return None
    page.check_format(document)  # ReportLab's own: media box, contents stream, resources, parent
    resources = _resources(page.Resources, document)
    transition = page.Trans
    rotate = page.Rotate
    if (resources is None or not isinstance(page.Parent, pdfdoc.PDFObjectReference)
            or not isinstance(page.MediaBox, pdfdoc.PDFArray) or type(rotate) not in (int, float)
            or not (transition is None or (type(transition) is pdfdoc.PDFDictionary and not transition.dict))):
        return None
    box = _numbers(page.MediaBox.sequence)
    if box is None:
        return None
    if type(page.Contents) is pdfdoc.PDFStream and not isinstance(page.Contents.format, Direct):
        page.Contents.format = Direct(page.Contents, stream_bytes)
    contents = document.Reference(page.Contents)  # registered here, in ReportLab's order
    entries = [b"/Contents " + ref_bytes(contents, document), b"/MediaBox " + box,
               b"/Parent " + ref_bytes(page.Parent, document), b"/Resources " + resources,
               b"/Rotate " + fp_str(rotate).encode()]
    if transition is not None:
        entries.append(b"/Trans <<\n\n>>")
    entries.append(b"/Type /Page")
    return b"<<\n" + joined(entries) + b"\n>>"


def _resources(resources: Any, document: pdfdoc.PDFDocument) -> bytes | None:
    """A page's resource dictionary as ReportLab writes it, or None when it holds anything unusual."""
    if (type(resources) is not pdfdoc.PDFResourceDictionary
            or any(getattr(resources, kind) for kind in _OTHER_RESOURCES)):
        return None
    entries = []
    font = resources.Font
    if isinstance(font, pdfdoc.PDFObjectReference):
        entries.append(b"/Font " + ref_bytes(font, document))
    elif font:
        return None
    procedures = resources.ProcSet
    if not isinstance(procedures, list) or not all(type(name) is str and _plain_name(name) for name in procedures):
        return None
    if procedures:
        entries.append(b"/ProcSet [ " + " ".join(procedures).encode() + b" ]")
    forms = resources.XObject
    if type(forms) is pdfdoc.PDFDictionary and forms.dict:
        named = []
        for name in sorted(forms.dict):
            reference = forms.dict[name]
            if type(reference) is not pdfdoc.PDFObjectReference:
                return None
            named.append(name_bytes(name) + b" " + ref_bytes(reference, document))
        entries.append(b"/XObject <<\n" + joined(named) + b"\n>>")
    elif forms:
        return None
    return b"<<\n" + joined(entries) + b"\n>>"


def _numbers(values: list[Any]) -> bytes | None:
    if len(values) > 10 or any(type(value) not in (int, float) for value in values):
        return None
    return b"[ " + b" ".join(fp_str(value).encode() for value in values) + b" ]"


@lru_cache(maxsize=256)
def _plain_name(name: str) -> bool:
    return len(name) > 1 and name.startswith("/") and pdfdoc.PDFName(name[1:]) == name


def destination_bytes(destination: pdfdoc.Destination, document: pdfdoc.PDFDocument) -> bytes | None:
    """``[ page /Fit ]`` or ``[ page /FitH top ]`` as ReportLab writes them; None for any other kind."""
    fitted, page = destination.fmt, destination.page
    if type(page) is not pdfdoc.PDFObjectReference:
        return None
    if type(fitted) is pdfdoc.PDFDestinationFit:
        return b"[ " + ref_bytes(page, document) + b" /Fit ]"
    if type(fitted) is pdfdoc.PDFDestinationFitH and type(fitted.top) in (int, float):
        return b"[ " + ref_bytes(page, document) + b" /FitH " + fp_str(fitted.top).encode() + b" ]"
    return None
