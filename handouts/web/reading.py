"""The "Read checklists" page: scans and photos of ticked checklists in, an adherence CSV out.

The uploads live in a temporary folder for the length of one request. The page shows
each page square-on with its boxes outlined (green ticked, grey blank, orange unsure)
and asks about each unsure box; what was read travels back with that form, signed
with this server's key, so nothing is kept between requests.
"""

from __future__ import annotations

import base64
import os
import tempfile
from dataclasses import dataclass, field
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, render_template, request, send_file
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from handouts.errors import HandoutError
from handouts.model.layout import PlacedBox, Rect
from handouts.web.forms import pretty_id, sentence
from handouts.web.security import CONTENT_SECURITY_POLICY

bp = Blueprint("reading", __name__)

#: Largest upload of scans, photos and layout files together; the command line reads more.
MAX_SCAN_BYTES = 60_000_000
MAX_FILES = 40
FORM_ROOM = 1_000_000  # the form's own fields and the multipart headers around the files
SCAN_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png", ".heic", ".heif")
#: The output folder the command line writes layout JSON files to, looked in besides the uploads.
OUTPUT_FOLDER = Path("output")
#: Decisions the page offers for an unsure box.
DECISIONS = {"ticked": "Ticked", "blank": "Blank", "unsure": "Leave it unsure"}
#: This page shows pictures made here as data: addresses (nothing is kept to serve them from).
READ_POLICY = CONTENT_SECURITY_POLICY.replace("img-src 'self'", "img-src 'self' data:")
PAGE_WIDTH_PX = 900  # the square-on page as shown
CROP_WIDTH_PX = 240  # an unsure box and what is around it, grown to be seen


def room_for_scans() -> None:
    """Let the read page take a request as large as a few scans (others keep the app's limit)."""
    if request.endpoint == "reading.read":
        request.max_content_length = MAX_SCAN_BYTES + FORM_ROOM


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="handouts-read")  # type: ignore[arg-type]


def _missing_extra() -> str:
    from handouts.readback import require_extra

    try:
        require_extra()
    except HandoutError as exc:
        return sentence(exc.message.replace("reading scans needs", "Reading scans needs"))
    return ""


@dataclass
class Unsure:
    """An unsure box the page asks about: its number in the reading, what it records and its picture."""

    index: int
    label: str
    reason: str
    picture: str


@dataclass
class ShownPage:
    """One page of the upload as the page shows it."""

    source: str
    status: str
    reason: str = ""
    patient_id: str = ""
    page: int = 0
    picture: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    unsure: list[Unsure] = field(default_factory=list)


@bp.route("/read", methods=["GET", "POST"])
def read() -> Any:
    """Upload scans and photos of checklists; see each page as read; decide the unsure boxes."""
    missing = _missing_extra()
    if request.method == "GET" or missing:
        return _page(missing=missing), (200 if request.method == "GET" else 422)
    scans = [f for f in request.files.getlist("scans") if f.filename]
    layouts = [f for f in request.files.getlist("layouts") if f.filename]
    if not scans:
        return _page(upload_error="Choose the scans or photos to read (PDF, JPEG or PNG)."), 422
    if len(scans) + len(layouts) > MAX_FILES:
        return _page(upload_error=f"Choose at most {MAX_FILES} files at a time."), 422
    with tempfile.TemporaryDirectory(prefix="handouts-read-") as folder:
        scan_paths = _save(scans, Path(folder) / "scans")
        layout_folder = Path(folder) / "layouts"
        _save(layouts, layout_folder)
        from handouts.readback import read as read_scans

        library = current_app.extensions["handouts"].library
        result = read_scans(scan_paths, layouts=[layout_folder, OUTPUT_FOLDER], library=lambda: library)
    pages, state = _shown(result)
    response = current_app.make_response((_page(
        result=result, pages=pages, state=_serializer().dumps(state), notes=_notes(result.notes, folder),
        summaries=[line.replace("(review.csv)", "(below)") for line in result.summaries()
                   if ": not read (" not in line]), 200))
    response.headers["Content-Security-Policy"] = READ_POLICY
    return response


@bp.errorhandler(413)
def too_large(exc: Exception) -> Any:
    """An upload over the limit: say the limit on this page, with the form to choose fewer files."""
    return _page(upload_error=f"The files chosen are larger than {MAX_SCAN_BYTES / 1_000_000:g} MB in all. Read them "
                              "a few at a time, or use the command line: handouts read SCAN..."), 413


@bp.post("/read/csv")
def adherence_csv() -> Any:
    """The adherence CSV of the pages read, with the unsure boxes decided on the page."""
    try:
        state = _serializer().loads(request.form.get("reading", ""))
    except BadSignature:
        return _page(upload_error="The reading did not come back with the form. Choose the scans again."), 422
    decisions = {int(key[len("decide-"):]): value for key, value in request.form.items()
                 if key.startswith("decide-") and key[len("decide-"):].isdigit() and value in DECISIONS}
    from handouts.readback.write import adherence_bytes

    result = _result_from(state, decisions)
    return send_file(BytesIO(adherence_bytes(result)), mimetype="text/csv", as_attachment=True,
                     download_name="adherence.csv", max_age=0)


def _page(**extra: Any) -> str:
    context: dict[str, Any] = {"page": "read", "title": "Read checklists", "missing": "", "upload_error": "",
                               "result": None, "pages": [], "state": "", "notes": [], "summaries": [],
                               "decisions": DECISIONS, "max_mb": MAX_SCAN_BYTES // 1_000_000,
                               "max_files": MAX_FILES, "output_folder": OUTPUT_FOLDER.resolve()}
    context.update(extra)
    return render_template("read.html", **context)


def _save(files: list[FileStorage], folder: Path) -> list[Path]:
    """The uploads written under safe names (numbered, so two 'scan.jpg' stay apart)."""
    folder.mkdir()
    paths = []
    for number, upload in enumerate(files, start=1):
        name = secure_filename(upload.filename or "") or f"file-{number}"
        path = folder / (name if not (folder / name).exists() else f"{number}-{name}")
        upload.save(path)
        paths.append(path)
    return paths


def _notes(notes: list[str], folder: str) -> list[str]:
    """The reader's notes without the temporary folder's path."""
    prefixes = [str(Path(folder) / part) + os.sep for part in ("layouts", "scans")]
    cleaned = []
    for note in notes:
        for prefix in prefixes:
            note = note.replace(prefix, "")
        cleaned.append(note)
    return cleaned


def _picture(image: Any, width: int) -> str:
    """``image`` as a JPEG data: address, ``width`` pixels wide (smaller ones grown, for a box's picture)."""
    import cv2

    scale = width / image.shape[1]
    if scale != 1:
        image = cv2.resize(image, None, fx=scale, fy=scale,
                           interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 85])
    return "data:image/jpeg;base64," + base64.b64encode(bytes(data)).decode("ascii") if ok else ""


def box_label(box: PlacedBox) -> str:
    """What a box records, in the clinician's words: 'Bridge, Mon 7 Dec, session 2'."""
    day = f"{box.date:%a} {box.date.day} {box.date:%b}"
    if box.kind == "walking":
        return f"Walking, {day}, 10 minutes (block {box.session})"
    if box.kind in ("pain", "leg_pain"):
        return f"{'Leg pain' if box.kind == 'leg_pain' else 'Pain'}, {day}: {box.value} than yesterday"
    return f"{pretty_id(box.exercise_id)}, {day}, session {box.session}"


def _shown(result: Any) -> tuple[list[ShownPage], list[dict[str, Any]]]:
    """Every page as the page shows it, and what was read as plain data for the next step."""
    from handouts.readback.result import READ
    from handouts.readback.write import annotated, box_crop

    shown, state, index = [], [], 0
    for page in result.pages:
        item = ShownPage(page.source, page.status, _web_reason(page), page.patient_id, page.page)
        if page.status == READ:
            item.picture = _picture(annotated(page), min(PAGE_WIDTH_PX, page.image.shape[1]))
            item.counts = {s: page.count(s) for s in ("ticked", "blank", "unsure")}
            boxes = []
            for read in page.boxes:
                b = read.box
                boxes.append([b.kind, b.exercise_id, b.date.isoformat(), b.session, read.state])
                if read.state == "unsure":
                    item.unsure.append(Unsure(index, box_label(b), read.reason, _picture(box_crop(page, read), CROP_WIDTH_PX)))
                index += 1
            state.append({"patient_id": page.patient_id, "boxes": boxes})
        elif page.image is not None:
            item.picture = _picture(page.image, min(PAGE_WIDTH_PX // 2, page.image.shape[1]))
        shown.append(item)
    return shown, state


def _web_reason(page: Any) -> str:
    """Why a page was not read, with this page's way to fix it."""
    if page.reason.startswith("no layout for document"):
        return (f"No layout for document {page.document_id}: add the .layout.json file written beside its PDF "
                f"(or the .plan.json there) to the upload, or keep it in {OUTPUT_FOLDER.resolve()}.")
    return sentence(page.reason)


def _result_from(state: list[dict[str, Any]], decisions: dict[int, str]) -> Any:
    """A Result of the pages read, with the unsure boxes the clinician decided set as decided."""
    from handouts.readback.boxes import BoxRead
    from handouts.readback.result import READ, PageRead, Result

    result, index = Result(), 0
    for page in state:
        reads = []
        for kind, exercise_id, day, session, read_state in page["boxes"]:
            if read_state == "unsure" and decisions.get(index, "unsure") != "unsure":
                read_state = decisions[index]
            box = PlacedBox(0, Rect(0, 0, 0, 0), exercise_id, date.fromisoformat(day), int(session), kind)
            reads.append(BoxRead(box, read_state, "decided on the page", 0.0, 0.0, (0, 0, 0, 0), (0.0, 0.0)))
            index += 1
        result.pages.append(PageRead("", READ, patient_id=page["patient_id"], boxes=reads))
    return result

