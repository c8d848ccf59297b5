"""The checklist pages can be read back: markers and a QR page id where the layout says, boxes that
can be told apart, and nothing printed near the markers or over the QR band."""

from __future__ import annotations

import itertools
from io import BytesIO

import pdfplumber
import pypdfium2
import pytest
import zxingcpp

from handouts.model.layout import MARKER_CLEAR, MM, PlacedBox, Rect, page_id
from handouts.model.options import PrintOptions
from handouts.render.pdf.markers import ARUCO_4X4_BITS
from handouts.run.handout import make_handout

LAYOUTS = [
    pytest.param({"paper": "letter"}, id="letter"),
    pytest.param({"paper": "a4", "large_print": True, "language": "es", "leg_pain": True}, id="a4-large-es-leg-pain"),
]


@pytest.fixture(scope="module", params=LAYOUTS)
def sheet(request, library):  # type: ignore[no-untyped-def]
    from conftest import START, UNICODE_NAME

    from handouts.model import HandoutRequest, Patient

    made = HandoutRequest(patient=Patient("p-marks", UNICODE_NAME), diagnosis="nonspecific", phase="subacute",
                          start_date=START, weeks=2, **request.param)
    return make_handout(made, library=library, options=PrintOptions(kind="checklist"))


def test_marker_bits_are_opencvs_4x4_dictionary() -> None:
    cv2 = pytest.importorskip("cv2")
    dictionary = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50)
    for marker_id, bits in ARUCO_4X4_BITS.items():
        image = cv2.aruco.generateImageMarker(dictionary, marker_id, 6)
        assert "".join("1" if v > 127 else "0" for v in image[1:5, 1:5].flatten()) == bits, marker_id


def test_each_checklist_page_has_its_markers_and_qr(sheet) -> None:  # type: ignore[no-untyped-def]
    layout = sheet.layout
    assert layout.sheets and {s.page for s in layout.sheets} == {b.page for b in layout.boxes}
    pdf = pypdfium2.PdfDocument(sheet.pdf)
    for page in layout.sheets:
        image = pdf[page.page - 1].render(scale=150 / 72).to_pil()
        texts = [code.text for code in zxingcpp.read_barcodes(image)]
        assert texts == [page_id(layout.document_id, page.qr_page)]
        cv2 = pytest.importorskip("cv2")
        import numpy

        grey = cv2.cvtColor(numpy.asarray(image), cv2.COLOR_RGB2GRAY)
        parameters = cv2.aruco.DetectorParameters()
        parameters.perspectiveRemovePixelPerCell = 8  # as the reader samples a small marker's bits
        detector = cv2.aruco.ArucoDetector(cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50), parameters)
        _, ids, _ = detector.detectMarkers(grey)
        assert sorted(ids.flatten()) == sorted(m.id for m in layout.marks().markers)


def _gap(a: Rect, b: Rect) -> float:
    dx = max(b.x - (a.x + a.width), a.x - (b.x + b.width), 0)
    dy = max(b.y - (a.y + a.height), a.y - (b.y + b.height), 0)
    return (dx * dx + dy * dy) ** 0.5


def test_boxes_are_big_apart_and_clear_of_the_rules(sheet) -> None:  # type: ignore[no-untyped-def]
    boxes: list[PlacedBox] = list(sheet.layout.boxes)
    assert min(b.rect.width for b in boxes) >= 5 * MM
    for page, group in itertools.groupby(sorted(boxes, key=lambda b: b.page), key=lambda b: b.page):
        rects = [b.rect for b in group]
        assert min(_gap(a, b) for a, b in itertools.combinations(rects, 2)) >= 3.5 * MM
        with pdfplumber.open(BytesIO(sheet.pdf)) as pdf:
            height = pdf.pages[page - 1].height
            rules = [Rect(line["x0"], height - line["bottom"], line["x1"] - line["x0"], line["bottom"] - line["top"])
                     for line in pdf.pages[page - 1].lines]
        for rect in rects:
            assert min(_gap(rect, rule) for rule in rules) >= 2.5 * MM - 0.4, rect  # less half a 0.75 pt rule


def test_nothing_is_printed_near_a_marker_or_over_the_qr(sheet) -> None:  # type: ignore[no-untyped-def]
    marks = sheet.layout.marks()
    keep_out = [m.rect for m in marks.markers] + [marks.qr]
    with pdfplumber.open(BytesIO(sheet.pdf)) as pdf:
        for page in sheet.layout.sheets:
            plumbed = pdf.pages[page.page - 1]
            height = plumbed.height
            things = [Rect(o["x0"], height - o["bottom"], o["x1"] - o["x0"], o["bottom"] - o["top"])
                      for o in (*plumbed.chars, *plumbed.lines, *plumbed.rects, *plumbed.curves)]
            for area in keep_out:
                near = [t for t in things if _gap(t, area) < MARKER_CLEAR * MM
                        and not (area.x - 0.5 <= t.x and t.x + t.width <= area.x + area.width + 0.5
                                 and area.y - 0.5 <= t.y and t.y + t.height <= area.y + area.height + 0.5)]
                assert near == [], (page, area)
