"""Find a checklist page in a scan or photo: its markers, the paper, the page's geometry and its QR id.

The markers' ids name the paper and where each marker is, so a photo turned 90 or
180 degrees, or a page missing a corner, is put straight by a homography from the
markers found (a similarity when they all lie along one edge). The page is drawn
again square-on at ``PX_PER_MM``, and the QR is read where the layout puts it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from handouts.model.layout import (MM, PAPER_SIZES, QR_MODULES, SheetMarks, paper_of_marker, parse_page_id,
                                   sheet_marks)

PX_PER_MM = 8.0  # the square-on page: 203 dpi
DETECT_LONG_SIDE = 2400  # markers are looked for in a copy no larger than this


@dataclass
class Located:
    """A page put square-on: its paper, the square-on image, the markers used and how well they agree."""

    paper: str
    page_size_mm: tuple[float, float]
    image: Any  # BGR, the page square-on at PX_PER_MM
    markers: int
    method: str  # 'homography' or 'similarity'
    error_mm: float  # how far the markers land from where they were printed, on average


def _marker_corners_mm(marks: SheetMarks, page_height: float) -> dict[int, list[tuple[float, float]]]:
    """Each marker's corners in mm from the page's top-left, in OpenCV's order (its own top-left first)."""
    corners = {}
    for marker in marks.markers:
        r = marker.rect
        x, top = r.x / MM, (page_height - r.y - r.height) / MM
        size = r.width / MM
        corners[marker.id] = [(x, top), (x + size, top), (x + size, top + size), (x, top + size)]
    return corners


def _detector() -> Any:
    import cv2

    parameters = cv2.aruco.DetectorParameters()
    parameters.perspectiveRemovePixelPerCell = 8  # small markers: sample each bit from more pixels
    parameters.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_SUBPIX
    return cv2.aruco.ArucoDetector(cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50), parameters)


def find_markers(pixels: Any) -> dict[int, Any]:
    """The markers this tool prints found in ``pixels``: id → its 4 corners (pixels of the full image)."""
    import cv2
    import numpy

    grey = cv2.cvtColor(pixels, cv2.COLOR_BGR2GRAY)
    scale = min(1.0, DETECT_LONG_SIDE / max(grey.shape))
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else grey
    corners, ids, _ = _detector().detectMarkers(small)
    found: dict[int, Any] = {}
    if ids is None:
        return found
    for quad, marker_id in zip(corners, ids.flatten()):
        if paper_of_marker(int(marker_id)) is not None:
            found[int(marker_id)] = numpy.asarray(quad, dtype=numpy.float64).reshape(4, 2) / scale
    return found


def locate(pixels: Any, found: dict[int, Any]) -> Located | None:
    """The page square-on from its markers, or None when too few were found to place it."""
    import cv2
    import numpy

    if not found:
        return None
    papers = [paper_of_marker(i)[0] for i in found]  # type: ignore[index]
    paper = max(set(papers), key=papers.count)
    size = PAPER_SIZES[paper]
    marks = sheet_marks(paper, size)
    wanted = _marker_corners_mm(marks, size[1])
    source, target = [], []
    for marker_id, quad in found.items():
        if marker_id in wanted:
            source += list(quad)
            target += wanted[marker_id]
    src = numpy.asarray(source, dtype=numpy.float64)
    dst = numpy.asarray(target, dtype=numpy.float64) * PX_PER_MM
    centres = dst.reshape(-1, 4, 2).mean(axis=1)
    spread = numpy.linalg.eigvalsh(numpy.cov(centres.T)) if len(centres) >= 3 else numpy.zeros(2)
    if len(centres) >= 3 and spread.min() > (25 * PX_PER_MM) ** 2:
        matrix, _ = cv2.findHomography(src, dst, cv2.RANSAC, 3.0 * PX_PER_MM / 2)
        method = "homography"
    else:
        matrix = None
    if matrix is None:
        affine, _ = cv2.estimateAffinePartial2D(src, dst, method=cv2.LMEDS)
        if affine is None:
            return None
        matrix = numpy.vstack([affine, [0, 0, 1]])
        method = "similarity"
    projected = cv2.perspectiveTransform(src.reshape(-1, 1, 2), matrix).reshape(-1, 2)
    error = float(numpy.linalg.norm(projected - dst, axis=1).mean()) / PX_PER_MM
    width_mm, height_mm = size[0] / MM, size[1] / MM
    out = (int(round(width_mm * PX_PER_MM)), int(round(height_mm * PX_PER_MM)))
    image = cv2.warpPerspective(pixels, matrix, out, flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255))
    return Located(paper, (width_mm, height_mm), image, len(found), method, error)


def read_qr(located: Located) -> tuple[int, str, int] | None:
    """(layout version, document id, page) from the page's QR, read where the layout puts it; None if unread."""
    import cv2

    size = (located.page_size_mm[0] * MM, located.page_size_mm[1] * MM)
    qr = sheet_marks(located.paper, size).qr
    margin = 5.0
    left = qr.x / MM - margin
    top = (size[1] - qr.y - qr.height) / MM - margin
    side = qr.width / MM + 2 * margin
    x0, y0 = int(max(0, left * PX_PER_MM)), int(max(0, top * PX_PER_MM))
    x1, y1 = int((left + side) * PX_PER_MM), int((top + side) * PX_PER_MM)
    crop = cv2.cvtColor(located.image[y0:y1, x0:x1], cv2.COLOR_BGR2GRAY)
    if crop.size == 0:
        return None
    return decode_qr(crop, margin * PX_PER_MM, qr.width / MM * PX_PER_MM)


def _detectors() -> list[Any]:
    import cv2

    # the classic detector failed to decode a clean, square-on code from a 200 dpi scan (benchmark
    # scan-200, 1 page in 40: tests/cases/readback/qr-scan-200.png) that the ArUco-based one reads;
    # the classic one stays first, as it reads every other page of the benchmark
    return [cv2.QRCodeDetector(), cv2.QRCodeDetectorAruco()]


def decode_qr(crop: Any, at: float, side: float) -> tuple[int, str, int] | None:
    """(layout version, document id, page) from a greyscale square-on crop holding the QR ``at`` pixels
    from its top-left, ``side`` pixels wide; None if no page id is read."""
    import cv2

    attempts = [crop]
    _, otsu = cv2.threshold(cv2.GaussianBlur(crop, (3, 3), 0), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    attempts.append(otsu)
    attempts.append(cv2.resize(otsu, None, fx=2, fy=2, interpolation=cv2.INTER_NEAREST))
    attempts.append(_sampled(crop, at, side))
    for detector in _detectors():
        for attempt in attempts:
            if attempt is None:
                continue
            padded = cv2.copyMakeBorder(attempt, 40, 40, 40, 40, cv2.BORDER_CONSTANT, value=255)
            try:
                text, _, _ = detector.detectAndDecode(padded)
            except cv2.error:
                continue
            parsed = parse_page_id(text) if text else None
            if parsed:
                return parsed
    return None


def _finder() -> Any:
    import numpy

    pattern = numpy.ones((7, 7), bool)
    pattern[1:6, 1:6] = False
    pattern[2:5, 2:5] = True
    return pattern


def _sampled(crop: Any, at: float, side: float) -> Any:
    """The QR drawn again clean from its modules, sampled where the layout puts them (moved to where
    its three finder patterns fit best): for a code the detector cannot find in a blurred or dim photo."""
    import cv2
    import numpy

    count = QR_MODULES
    module = side / count
    finder = _finder()
    best, best_score = None, -1.0
    centres = (numpy.arange(count) + 0.5) * module
    steps = sorted(numpy.arange(-2.0, 2.01, 0.25), key=abs)  # nearest first: ties keep the least move
    for dy, dx in sorted(((a, b) for a in steps for b in steps), key=lambda d: abs(d[0]) + abs(d[1])):
        dx, dy = dx * PX_PER_MM, dy * PX_PER_MM
        xs = (at + dx + centres).astype(numpy.float32)
        ys = (at + dy + centres).astype(numpy.float32)
        map_x, map_y = numpy.meshgrid(xs, ys)
        values = cv2.remap(crop, map_x, map_y, cv2.INTER_LINEAR, borderValue=255)
        threshold, _ = cv2.threshold(values.astype(numpy.uint8), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        dark = values < threshold
        score = sum((dark[r:r + 7, c:c + 7] == finder).mean() for r, c in ((0, 0), (0, count - 7), (count - 7, 0)))
        if score > best_score:
            best, best_score = dark, score
    if best is None or best_score < 2.7:
        return None
    return numpy.kron(numpy.where(best, 0, 255).astype(numpy.uint8), numpy.ones((10, 10), numpy.uint8))
