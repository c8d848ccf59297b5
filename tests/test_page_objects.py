"""Objects written directly (pages, destinations, content streams, the catalog, page tree, outline,
information, font dictionary and named destinations) are byte for byte what ReportLab writes, and
unusual ones are left to it."""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from datetime import date
from io import BytesIO
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas

from handouts.model.options import PrintOptions
from handouts.render.pdf import direct, document_objects, page_objects
from handouts.run.handout import make_handout

REQUESTS = [
    ({}, PrintOptions()),
    ({"paper": "a4", "large_print": True, "weeks": 2}, PrintOptions(duplex=True)),
    ({"language": "es", "diagnosis": "spinal-stenosis", "phase": "acute"}, PrintOptions(use_cover=False)),
    ({"diagnosis": "herniated-disc", "phase": "subacute"}, PrintOptions(kind="checklist")),
]


@pytest.fixture
def compared(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Every page written directly, also written by ReportLab: ("same" or "different", both) for each."""
    seen: list[tuple[str, str]] = []
    quick = page_objects.page_bytes

    def both(page: Any, document: Any) -> bytes | None:
        ours = quick(page, document)
        theirs = type(page).format(page, document)  # the contents stream is registered once: same numbers
        seen.append(("same" if ours == theirs else "different", repr((ours, theirs))))
        return ours

    monkeypatch.setattr(document_objects, "page_bytes", both)  # where a document's pages look it up
    return seen


@pytest.fixture
def destinations(monkeypatch: pytest.MonkeyPatch) -> list[tuple[bytes | None, bytes]]:
    """Every destination written directly, with what ReportLab writes for it."""
    seen: list[tuple[bytes | None, bytes]] = []
    quick = page_objects.destination_bytes

    def both(destination: Any, document: Any) -> bytes | None:
        ours = quick(destination, document)
        seen.append((ours, type(destination).format(destination, document)))
        return ours

    monkeypatch.setattr(page_objects, "destination_bytes", both)
    return seen


@pytest.mark.parametrize(("changes", "options"), REQUESTS)
def test_every_page_and_destination_is_the_bytes_reportlab_writes(library, request_for, compared, destinations,  # type: ignore[no-untyped-def]
                                                                  changes, options) -> None:
    handout = make_handout(request_for(**changes), library=library, options=options)
    assert len(compared) == handout.pages  # cover pages and the duplex blank page included
    assert all(how == "same" for how, _ in compared), [what for how, what in compared if how != "same"]
    assert len(destinations) >= 2  # the body's start and each card, week or box at least
    assert all(ours == theirs for ours, theirs in destinations), destinations
    assert any(b"/FitH" in ours for ours, _ in destinations)


def test_a_page_with_a_link_or_a_colour_space_is_written_by_reportlab(monkeypatch: pytest.MonkeyPatch) -> None:
    written: list[bytes | None] = []
    quick = page_objects.page_bytes

    def noting(page: Any, document: Any) -> bytes | None:
        written.append(quick(page, document))
        return written[-1]

    monkeypatch.setattr(document_objects, "page_bytes", noting)

    canvas = Canvas(BytesIO())
    document_objects.quick_document(canvas._doc)
    canvas.drawString(72, 72, "plain page")
    canvas.showPage()
    canvas.linkURL("https://example.org", (72, 72, 144, 90))
    canvas.showPage()
    canvas.save()
    assert written[0] is not None and written[1] is None  # the page with the link is left to ReportLab


@pytest.mark.parametrize(("changes", "options"), REQUESTS)
def test_a_handout_written_directly_is_the_file_reportlab_writes(  # type: ignore[no-untyped-def]
        library, request_for, monkeypatch: pytest.MonkeyPatch, changes, options) -> None:
    """The whole file, with every direct writer, and with each object's ``format`` left to ReportLab."""
    request = request_for(**changes)
    options = dataclasses.replace(options, document_id="TESTDOC234", today=date(2026, 12, 2))
    written: list[str] = []
    plain_call = direct.Direct.__call__

    def noting(self: direct.Direct, document: Any) -> bytes:
        written.append(type(self.obj()).__name__)
        return plain_call(self, document)

    monkeypatch.setattr(direct.Direct, "__call__", noting)
    files: list[bytes | None] = []
    whole = document_objects.file_bytes
    monkeypatch.setattr(document_objects, "file_bytes", lambda doc: files.append(whole(doc)) or files[-1])
    ours = make_handout(request, library=library, options=options).pdf
    assert {"PDFPage", "PDFStream", "PDFCatalog", "PDFPages", "PDFOutlines", "OutlineEntryObject", "PDFDictionary",
            "_Info"} <= set(written)
    assert files == [ours]  # the file itself written directly too
    monkeypatch.setattr(direct.Direct, "__call__", lambda self, document: type(self.obj()).format(self.obj(), document))
    monkeypatch.setattr(document_objects, "file_bytes", lambda doc: None)
    theirs = make_handout(request, library=library, options=options).pdf
    assert ours == theirs


def test_an_object_holding_anything_unusual_is_written_by_reportlab() -> None:
    canvas = Canvas(BytesIO())
    document = canvas._doc
    catalog = document.Catalog
    assert document_objects._catalog(catalog, document) is not None
    catalog.ViewerPreferences = pdfdoc.PDFDictionary({"HideToolbar": "/true"})
    assert document_objects._catalog(catalog, document) is None
    assert direct.value_bytes(pdfdoc.PDFDictionary({"A": 1, "B": pdfdoc.PDFString("x")}), document) == \
        pdfdoc.PDFDictionary({"A": 1, "B": pdfdoc.PDFString("x")}).format(document)
    assert direct.value_bytes(pdfdoc.PDFDictionary(OrderedDict(B=1, A=2)), document) is None  # keeps its order
    assert direct.value_bytes(pdfdoc.PDFArrayCompact([1, 2]), document) is None
    many = pdfdoc.PDFArray(list(range(25)))
    assert direct.value_bytes(many, document) == many.format(document)


@given(st.text(max_size=40))
def test_a_string_is_written_as_reportlab_writes_it(text: str) -> None:
    document = Canvas(BytesIO())._doc
    assert direct.string_bytes(pdfdoc.PDFString(text), document) == pdfdoc.PDFString(text).format(document)


@given(x=st.floats(-500, 500, allow_nan=False), y=st.floats(-800, 800, allow_nan=False),
       spare=st.floats(0, 100, allow_nan=False), align=st.sampled_from(["LEFT", "CENTER", "RIGHT"]),
       matrix=st.sampled_from([(1, 0, 0, 1, 0, 0), (1, 0, 0, 1, 34.01575, 707.1378), (0.5, 0, 0, 0.5, 10, 20),
                               (0, 1, -1, 0, 612, 0)]))
def test_a_recorded_drawing_is_placed_as_drawon_places_it(x: float, y: float, spare: float, align: str,
                                                           matrix: tuple[float, ...]) -> None:
    """``draw_recorded`` writes what ``Flowable.drawOn`` writes around a drawing that only appends
    operators, and the drawing sees the same transform; the canvas's transform is as it was after."""
    from reportlab.platypus import Flowable

    from handouts.render.pdf.portable import draw_recorded

    class Recorded(Flowable):
        def draw(self) -> None:
            self.seen = self.canv._currentMatrix
            self.canv._code.append("0 0 m 10 10 l S")

    canvases, seen = [], []
    for lean in (False, True):
        canvas = Canvas(BytesIO())
        canvas.transform(*matrix)
        canvas._code.append("BT ET")  # so the translation is not merged into the transform above
        flowable = Recorded()
        flowable.hAlign = align
        if lean:
            draw_recorded(flowable, canvas, x, y, spare, flowable.draw)
        else:
            flowable.drawOn(canvas, x, y, _sW=spare)
        canvases.append(canvas)
        seen.append(flowable.seen)
    plain, lean_canvas = canvases
    assert lean_canvas._code == plain._code
    assert seen[1] == seen[0]
    assert lean_canvas._currentMatrix == plain._currentMatrix
    assert not hasattr(flowable, "canv")
