"""The read-back furniture of a checklist page: six ArUco markers and a QR page id.

The markers are drawn from stored bit patterns (OpenCV's 4x4 dictionary,
``DICT_4X4_50``), so printing needs no OpenCV; a test checks the patterns
against OpenCV where it is installed.
"""

from __future__ import annotations

from reportlab.graphics.barcode import qrencoder
from reportlab.lib import colors
from reportlab.pdfgen.canvas import Canvas

from handouts.model.layout import QR_MODULES, Rect, SheetMarks

#: The inner 4x4 bits of the markers this tool prints, row by row from the top, '1' white:
#: OpenCV's DICT_4X4_50 ids 0 to 5 (Letter) and 10 to 15 (A4).
ARUCO_4X4_BITS = {
    0: "1011010100110010", 1: "0000111110011010", 2: "0011001100101101",
    3: "1001100101000110", 4: "0101010010011110", 5: "0111100111001101",
    10: "1111100110010001", 11: "0001000110100111", 12: "0000111010110111",
    13: "0010101000001111", 14: "0010010010110001", 15: "0010011000111110",
}


def draw_marker(canvas: Canvas, marker_id: int, rect: Rect) -> None:
    """A marker: a black square with a one-cell black border and its 4x4 white bits inside."""
    cell = rect.width / 6
    canvas.saveState()
    canvas.setFillColor(colors.black)
    canvas.rect(rect.x, rect.y, rect.width, rect.height, stroke=0, fill=1)
    canvas.setFillColor(colors.white)
    for index, bit in enumerate(ARUCO_4X4_BITS[marker_id]):
        if bit == "1":
            row, column = divmod(index, 4)
            # a hair wider than the cell so neighbouring white cells leave no seam
            canvas.rect(rect.x + (column + 1) * cell - 0.05, rect.y + rect.height - (row + 2) * cell - 0.05,
                        cell + 0.1, cell + 0.1, stroke=0, fill=1)
    canvas.restoreState()


def draw_qr(canvas: Canvas, text: str, rect: Rect) -> None:
    """The page id as a QR code (version 1, error correction M) filling ``rect`` exactly, without its
    quiet zone: the band around it is kept blank instead. Drawn module by module, as plain squares."""
    code = qrencoder.QRCode(1, qrencoder.QRErrorCorrectLevel.M)
    code.addData(text)
    code.make()
    count = code.getModuleCount()
    if count != QR_MODULES:
        raise ValueError(f"page id {text!r} does not fit a version 1 QR code")
    module = rect.width / count
    canvas.saveState()
    canvas.setFillColor(colors.black)
    for row in range(count):
        for column in range(count):
            if code.isDark(row, column):
                canvas.rect(rect.x + column * module - 0.05, rect.y + rect.height - (row + 1) * module - 0.05,
                            module + 0.1, module + 0.1, stroke=0, fill=1)
    canvas.restoreState()


def draw_sheet_marks(canvas: Canvas, marks: SheetMarks, text: str) -> None:
    """Every marker and the QR of one checklist page."""
    for marker in marks.markers:
        draw_marker(canvas, marker.id, marker.rect)
    draw_qr(canvas, text, marks.qr)


__all__ = ["ARUCO_4X4_BITS", "QR_MODULES", "draw_marker", "draw_qr", "draw_sheet_marks"]
