"""The read-back furniture of a checklist page: six ArUco markers and a QR page id.

The markers are drawn from stored bit patterns (OpenCV's 4x4 dictionary,
``DICT_4X4_50``), so printing needs no OpenCV; a test checks the patterns
against OpenCV where it is installed.

Each marker cell, and each run of dark QR modules in a row, is a rectangle of
its own, a hair (0.05 pt) larger all round so neighbours overlap and no seam
shows, filled on its own: renderers snap a lone filled rectangle to whole pixels
(poppler, and Acrobat by poppler's account) but not one of many in a path. A
page's six markers are the same on every page of that paper: their operators are
made once per process (``caches.SHEET_MARKERS``) and drawn as one form XObject,
which a combined print file holds once. The plain path
(``HANDOUTS_FAST_PATH=0``) makes the operators afresh for each page, the same.

ReportLab internals used: the canvas's ``_code`` list of drawing operators and
``_pagesize``, and ``fp_str`` for writing numbers as the canvas does.
"""

from __future__ import annotations

import functools
import hashlib

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfgen.canvas import Canvas

from handouts.model.layout import QR_MODULES, Marker, Rect, SheetMarks
from handouts.render.pdf import caches
from handouts.render.pdf.forms import draw_form
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


#: How far each run of dark QR modules reaches past its modules, in points: neighbouring runs
#: overlap a hair, so no seam shows between rows.
QR_OVERLAP = 0.05


def qr_operators(text: str, rect: Rect) -> str:
    """The operators that draw ``text`` as a QR code (version 1, error correction M) filling ``rect``
    exactly, without its quiet zone: the band around it is kept blank instead.

    Each run of dark modules in a row is one rectangle, filled on its own (renderers snap a lone
    filled rectangle to whole pixels, so every edge stays sharp), in module units: the QR's top left
    corner is the origin and rows count down.

    Raises ValueError when ``text`` does not fit version 1 at error correction M.
    """
    module = rect.width / QR_MODULES
    columns, rows, runs = _run_words(round(QR_OVERLAP / module, 3))
    code = ["q", BLACK, f"{fp_str(module, 0, 0, -module, rect.x, rect.y + rect.height)} cm"]
    for row, dark in enumerate(qr_rows(text)):
        column = 0
        at = rows[row]
        while dark:
            skip = (dark & -dark).bit_length() - 1  # light modules before the next dark one
            dark >>= skip
            column += skip
            run = (~dark & (dark + 1)).bit_length() - 1  # dark modules in a row from here
            code.append(columns[column] + at + runs[run])
            dark >>= run
            column += run
    code.append("Q")
    return "\n".join(code)


@functools.lru_cache(maxsize=4)
def _run_words(hair: float) -> tuple[list[str], list[str], list[str]]:
    """The pieces of a run's rectangle, ``n x y w h re f*``, in module units widened by ``hair`` on every
    side: by column (``"n x "``), by row (``"y"``) and by length (``" w h re f*"``). Written once
    for the few sizes a QR is drawn at, as ``fp_str`` writes each number."""
    columns = [f"n {fp_str(column - hair)} " for column in range(QR_MODULES)]
    rows = [fp_str(row - hair) for row in range(QR_MODULES)]
    runs = [f" {fp_str(run + 2 * hair, 1 + 2 * hair)} re f*" for run in range(QR_MODULES + 1)]
    return columns, rows, runs


def draw_sheet_marks(canvas: Canvas, marks: SheetMarks, text: str) -> None:
    """Every marker and the QR of one checklist page. The markers, the same on every page of the paper,
    are one form XObject (``forms``): a combined print file holds them once."""
    operators = marker_operators(marks.markers)
    keep = caches.enabled()
    name = _MARKS_FORMS.get(operators) if keep else None
    if name is None:
        name = "Marks" + hashlib.sha256(operators.encode()).hexdigest()[:16]
        if keep:
            _MARKS_FORMS.put(operators, name)
    width, height = canvas._pagesize
    draw_form(canvas, name, (0, 0, width, height), operators)
    canvas._code.append(qr_operators(text, marks.qr))


#: The markers' form name, by their operators.
_MARKS_FORMS: caches.Capped[str, str] = caches.Capped(16)
caches.ALL.append(_MARKS_FORMS)


__all__ = ["ARUCO_4X4_BITS", "QR_MODULES", "draw_sheet_marks", "marker_operators", "qr_operators"]
