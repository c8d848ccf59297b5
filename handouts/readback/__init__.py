"""Read ticked checklists back from scans and phone photos: ``read(paths) -> Result``.

Each page: markers → the page square-on → its QR page id → the layout JSON written
beside the PDF → every box found again and read as ticked, blank or unsure. Pages
that are not checklist pages of a known document are listed, never dropped. Needs
the optional extra: ``pip install "handouts[read]"`` (OpenCV and NumPy).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from handouts.errors import HandoutError, InputError, flatten
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
    """The layout JSON files in some folders, found by the document id their pages' QR codes carry.

    A plan record (``<id>.plan.json``) in the same folders stands in for a lost layout file: the
    handout is made again from it, with its document id, which draws the same boxes in the same
    places. ``library`` (a callable) gives the data and templates to make it with.
    """

    def __init__(self, folders: Iterable[str | Path], *, library: Callable[[], Any] | None = None) -> None:
        self.found: dict[str, tuple[Path, LayoutMap, str]] = {}
        self.plans: dict[str, Path] = {}
        self.problems: dict[str, str] = {}  # document id -> why its plan record could not stand in
        self.notes: list[str] = []
        self.folders = [Path(f) for f in folders]
        self._library = library
        self._opened: Any = None
        for folder in self.folders:
            if folder.is_dir():
                for path in sorted(folder.glob("*.layout.json")):
                    self._add(path)
                for path in sorted(folder.glob("*.plan.json")):
                    self._add_plan(path)

    def _add_plan(self, path: Path) -> None:
        """Note which document a plan record printed (made again only when a page of it has no layout file)."""
        try:
            if not path.is_file() or path.stat().st_size > LAYOUT_LIMIT:
                return
            document_id = json.loads(path.read_text(encoding="utf-8")).get("document_id")
        except (OSError, ValueError, AttributeError):
            return  # read properly, with its problems named, only if a page needs it
        if isinstance(document_id, str):
            self.plans.setdefault(document_id, path)

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
        if document_id not in self.found and document_id in self.plans and document_id not in self.problems:
            self._rebuild(document_id, self.plans[document_id])
        return self.found.get(document_id)

    def _rebuild(self, document_id: str, path: Path) -> None:
        """The layout made again from the plan record at ``path``; a problem is kept in ``problems``."""
        from handouts.load.plan_record import read_plan_record
        from handouts.model.options import PrintOptions
        from handouts.run.handout import make_handout
        from handouts.run.library import open_library

        try:
            if self._opened is None:
                self._opened = self._library() if self._library else open_library()
            library = self._opened
            record = read_plan_record(path, library.dataset)
            printing = PrintOptions(use_cover=False, today=record.made, document_id=document_id)
            handout = make_handout(record.request, library=library, options=printing)
        except HandoutError as exc:
            problems = "; ".join(e.message for e in flatten(exc))
            self.problems[document_id] = (f"its layout file is missing and its plan record {path.name} cannot stand "
                                          f"in: {problems}; correct the record, or find its .layout.json")
            return
        edition = handout.plan.edition
        if edition is not None and record.content_version and record.content_version != edition.version:
            self.notes.append(f"{path}: made with content v{record.content_version}, this handouts has "
                              f"v{edition.version}; the boxes of the layout made again from it may have moved "
                              "(keep the .layout.json files)")
        self.add(handout.layout, patient_id=record.request.patient.patient_id, path=path)


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
        page.reason = layouts.problems.get(document_id) or (
            f"no layout for document {document_id} (looked in: {folders}); pass --layouts with the folder its "
            "PDF was written to (its .layout.json, or its .plan.json)")
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
         keep_images: bool = True, library: Callable[[], Any] | None = None) -> Result:
    """Read every page of the scans and photos at ``paths``.

    Layout JSON files (or, for a lost one, the plan record beside the same PDF) are looked for in
    ``layouts`` (default: ``output/`` and each scan's folder). ``library`` gives the data and templates a
    plan record is made again with (default: ``open_library()``). A file that cannot be used (a 1-bit
    scan, a damaged file) is listed as an unreadable page.
    """
    require_extra()
    from handouts.readback.images import page_images

    folders = list(layouts) if layouts is not None else ["output", *sorted({str(Path(p).parent) for p in paths})]
    index = Layouts(folders, library=library)
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
    result.notes = list(index.notes)  # with any made while reading (a plan record of an older content edition)
    return result
