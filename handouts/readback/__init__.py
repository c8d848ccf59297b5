"""Read ticked checklists back from scans and phone photos: ``read(paths) -> Result``.

Each page: markers → the page square-on → its QR page id → the layout JSON written
beside the PDF → every box found again and read as ticked, blank or unsure. Pages
that are not checklist pages of a known document are listed, never dropped. Needs
the optional extra: ``pip install "handouts[read]"`` (OpenCV and NumPy).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from handouts.errors import HandoutError, InputError
from handouts.model.layout import LAYOUT_FORMAT, LayoutMap, layout_from_record
from handouts.readback.result import DUPLICATE, READ, UNKNOWN, UNREADABLE, PageRead, Result

MISSING = 'reading scans needs the optional extra: pip install "handouts[read]" (OpenCV and NumPy)'
LAYOUT_LIMIT = 20 * 1024 * 1024

__all__ = ["Layouts", "PageRead", "Result", "read", "read_image", "require_extra"]


def require_extra() -> None:
    """Raise InputError naming the extra to install when OpenCV or NumPy is missing."""
    try:
        import cv2  # noqa: F401
        import numpy  # noqa: F401
    except ImportError:
        raise InputError(MISSING) from None
    if not hasattr(cv2, "aruco"):
        raise InputError("this OpenCV has no ArUco module; " + MISSING)


class Layouts:
    """The layout JSON files in some folders, found by the document id their pages' QR codes carry."""

    def __init__(self, folders: Iterable[str | Path]) -> None:
        self.found: dict[str, tuple[Path, LayoutMap, str]] = {}
        self.notes: list[str] = []
        self.folders = [Path(f) for f in folders]
        for folder in self.folders:
            if folder.is_dir():
                for path in sorted(folder.glob("*.layout.json")):
                    self._add(path)

    def _add(self, path: Path) -> None:
        try:
            if not path.is_file() or path.stat().st_size > LAYOUT_LIMIT:
                raise ValueError("not a regular file, or too large")
            record = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(record, dict) or record.get("format") != LAYOUT_FORMAT:
                raise ValueError("not a handouts layout file")
            layout = layout_from_record(record)
            self.found.setdefault(layout.document_id, (path, layout, str(record.get("patient_id", ""))))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            self.notes.append(f"{path}: skipped, cannot be read as a layout ({exc})")

    def add(self, layout: LayoutMap, *, patient_id: str, path: Path | None = None) -> None:
        """Know ``layout`` (e.g. one just made, or uploaded to the web page)."""
        self.found.setdefault(layout.document_id, (path or Path(f"{layout.document_id}.layout.json"), layout,
                                                   patient_id))

    def get(self, document_id: str) -> tuple[Path, LayoutMap, str] | None:
        return self.found.get(document_id)


def read_image(image: object, source: str, layouts: Layouts, *, keep_image: bool = True) -> PageRead:
    """Read one page image (BGR pixels, as OpenCV holds them) against the known ``layouts``."""
    require_extra()
    return _read_page(image, source, layouts, keep_image=keep_image)


def _read_page(image: object, source: str, layouts: Layouts, *, keep_image: bool) -> PageRead:
    from handouts.readback.boxes import read_boxes
    from handouts.readback.locate import find_markers, locate, read_qr

    started = time.perf_counter()
    markers = find_markers(image)
    located = locate(image, markers)
    if located is None:
        return PageRead(source, UNKNOWN, "no checklist markers found: not a checklist page of handouts, or the "
                        "page is cut off; scan the whole page")
    page = PageRead(source, UNREADABLE, method=located.method, image=located.image)
    qr = read_qr(located)
    if qr is None:
        page.reason = ("the page id (the QR code in the middle of the foot) could not be read; scan or "
                       "photograph it again, flat")
        return page
    version, document_id, qr_page = qr
    page.document_id = document_id
    known = layouts.get(document_id)
    if known is None:
        page.status = UNKNOWN
        folders = ", ".join(str(f) for f in layouts.folders) or "none"
        page.reason = (f"no layout for document {document_id} (looked in: {folders}); pass --layouts with the "
                       "folder its PDF was written to")
        return page
    path, layout, patient_id = known
    sheet = next((s for s in layout.sheets if s.qr_page == qr_page), None)
    if sheet is None or layout.version != version or layout.paper != located.paper:
        page.status = UNKNOWN
        page.reason = f"page {qr_page} of document {document_id} is not a checklist page in {path.name}"
        return page
    page.layout, page.patient_id, page.page = layout, patient_id, sheet.page
    boxes = [b for b in layout.boxes if b.page == sheet.page]
    page.boxes = read_boxes(located.image, boxes, layout.page_size[1])
    page.status, page.reason = READ, ""
    page.seconds = time.perf_counter() - started
    if not keep_image and not any(b.state == "unsure" for b in page.boxes):
        page.image = None  # nothing to crop for the review
    return page


def read(paths: Sequence[str | Path], *, layouts: Iterable[str | Path] | None = None,
         keep_images: bool = True) -> Result:
    """Read every page of the scans and photos at ``paths``.

    Layout JSON files are looked for in ``layouts`` (default: ``output/`` and each scan's folder).
    A file that cannot be used (a 1-bit scan, a damaged file) is listed as an unreadable page.
    """
    require_extra()
    from handouts.readback.images import page_images

    folders = list(layouts) if layouts is not None else ["output", *sorted({str(Path(p).parent) for p in paths})]
    index = Layouts(folders)
    result = Result(notes=list(index.notes))
    seen: dict[tuple[str, int], str] = {}
    for path in paths:
        try:
            for image in page_images(path):
                page = _read_page(image.pixels, image.name, index, keep_image=keep_images)
                key = (page.document_id, page.page)
                if page.status == READ and key in seen:
                    page = PageRead(page.source, DUPLICATE, f"the same page as {seen[key]}; read once",
                                    page.document_id, page.page, page.patient_id)
                elif page.status == READ:
                    seen[key] = page.source
                result.pages.append(page)
        except HandoutError as exc:
            result.pages.append(PageRead(Path(path).name if exc.row is None else f"{Path(path).name} page {exc.row}",
                                         UNREADABLE, exc.message))
    return result
