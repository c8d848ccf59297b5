"""The read-back furniture of a checklist page: six ArUco markers and a QR page id.

The markers are drawn from stored bit patterns (OpenCV's 4x4 dictionary,
``DICT_4X4_50``), so printing needs no OpenCV; a test checks the patterns
against OpenCV where it is installed.

Each cell is a square of its own, a hair (0.05 pt) larger all round so
neighbours overlap and no seam shows, filled on its own: renderers snap a lone
filled rectangle to whole pixels (poppler, and Acrobat by poppler's account)
but not one of many in a path, so one path, or runs of cells merged into one
rectangle, would print with different edges. The operators are the very ones
``Canvas.rect`` writes, made without it: a page's six markers are the same on
every page of that paper, so they are made once per process
(``caches.SHEET_MARKERS``), and so is the square of each QR module in its place
(``caches.QR_MODULE_SQUARES``); a page then only picks its dark modules. The
plain path (``HANDOUTS_FAST_PATH=0``) makes them afresh for each page, the same.

ReportLab internals used: the canvas's ``_code`` list of drawing operators, and
``fp_str`` for writing numbers as the canvas does.
"""

from __future__ import annotations

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfgen.canvas import Canvas

from handouts.model.layout import QR_MODULES, Marker, Rect, SheetMarks
from handouts.render.pdf import caches
from handouts.render.pdf.qr import qr_rows

#: The inner 4x4 bits of the markers this tool prints, row by row from the top, '1' white:
#: OpenCV's DICT_4X4_50 ids 0 to 5 (Letter) and 10 to 15 (A4).
ARUCO_4X4_BITS = {
    0: "1011010100110010", 1: "0000111110011010", 2: "0011001100101101",
    3: "1001100101000110", 4: "0101010010011110", 5: "0111100111001101",
    10: "1111100110010001", 11: "0001000110100111", 12: "0000111010110111",
    13: "0010101000001111", 14: "0010010010110001", 15: "0010011000111110",
}

#: As ReportLab writes a fill of colors.black and of colors.white, and a filled rectangle
#: (``n x y w h re f*``, the canvas's default even-odd fill: the same as nonzero for a lone rectangle).
BLACK, WHITE = "0 0 0 rg", "1 1 1 rg"


def _square(x: float, y: float, width: float, height: float) -> str:
    return f"n {fp_str(x, y, width, height)} re f*"


def _marker(marker_id: int, rect: Rect) -> list[str]:
    """A marker: a black square with a one-cell black border and its 4x4 white bits inside."""
    cell = rect.width / 6
    code = ["q", BLACK, _square(rect.x, rect.y, rect.width, rect.height), WHITE]
    for index, bit in enumerate(ARUCO_4X4_BITS[marker_id]):
        if bit == "1":
            row, column = divmod(index, 4)
            # a hair wider than the cell so neighbouring white cells leave no seam
            code.append(_square(rect.x + (column + 1) * cell - 0.05, rect.y + rect.height - (row + 2) * cell - 0.05,
                                cell + 0.1, cell + 0.1))
    return [*code, "Q"]


def marker_operators(markers: tuple[Marker, ...]) -> str:
    """The operators that draw ``markers``, one after another."""
    keep = caches.enabled()
    found = caches.SHEET_MARKERS.get(markers) if keep else None
    if found is None:
        found = "\n".join(line for marker in markers for line in _marker(marker.id, marker.rect))
        if keep:
            caches.SHEET_MARKERS.put(markers, found)
    return found


def _module_squares(rect: Rect) -> tuple[tuple[str, ...], ...]:
    """The square of each QR module filling ``rect``, by row from the top and column from the left."""
    keep = caches.enabled()
    found = caches.QR_MODULE_SQUARES.get(rect) if keep else None
    if found is None:
        module = rect.width / QR_MODULES
        found = tuple(tuple(_square(rect.x + column * module - 0.05, rect.y + rect.height - (row + 1) * module - 0.05,
                                    module + 0.1, module + 0.1) for column in range(QR_MODULES))
                      for row in range(QR_MODULES))
        if keep:
            caches.QR_MODULE_SQUARES.put(rect, found)
    return found


def qr_operators(text: str, rect: Rect) -> str:
    """The operators that draw ``text`` as a QR code (version 1, error correction M) filling ``rect``
    exactly, without its quiet zone: the band around it is kept blank instead.

    Raises ValueError when ``text`` does not fit version 1 at error correction M.
    """
    squares = _module_squares(rect)
    code = ["q", BLACK]
    for row, dark in zip(squares, qr_rows(text)):
        while dark:
            lowest = dark & -dark
            code.append(row[lowest.bit_length() - 1])
            dark ^= lowest
    code.append("Q")
    return "\n".join(code)


def draw_marker(canvas: Canvas, marker_id: int, rect: Rect) -> None:
    """A marker: a black square with a one-cell black border and its 4x4 white bits inside."""
    canvas._code.append(marker_operators((Marker(marker_id, "", rect),)))


def draw_qr(canvas: Canvas, text: str, rect: Rect) -> None:
    """The page id as a QR code (version 1, error correction M) filling ``rect`` exactly, without its
    quiet zone: the band around it is kept blank instead."""
    canvas._code.append(qr_operators(text, rect))


def draw_sheet_marks(canvas: Canvas, marks: SheetMarks, text: str) -> None:
    """Every marker and the QR of one checklist page."""
    canvas._code.append(marker_operators(marks.markers))
    canvas._code.append(qr_operators(text, marks.qr))


__all__ = ["ARUCO_4X4_BITS", "QR_MODULES", "draw_marker", "draw_qr", "draw_sheet_marks", "marker_operators",
           "qr_operators"]
