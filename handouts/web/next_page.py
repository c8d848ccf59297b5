"""The "Next handout" page: a plan record (and what the patient ticked) in, the proposed changes out,
each with a tick box; the next handout made from the ticked ones, with its plan record, as a zip.

The same library calls as ``handouts next`` (``handouts.run.next_plan``). The uploads live in a
temporary folder for one request; the page sends them back with the tick boxes (as the batch page
does), so nothing is kept between requests. The next phase is only ever asked about: no tick box
can change it.
"""

from __future__ import annotations

import base64
import binascii
import io
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Blueprint, render_template, request, send_file
from werkzeug.datastructures import FileStorage

from handouts import clock
from handouts.errors import HandoutError, flatten
from handouts.load import fields
from handouts.model import Dataset
from handouts.model.options import PrintOptions
from handouts.rules.progress import NEXT_PHASE, Change, exercise_name, picked
from handouts.run.handout import make_handout
from handouts.run.next_plan import NextPlan, next_request, propose_next
from handouts.run.record import RECORD_SUFFIX, plan_record, record_bytes
from handouts.web.forms import sentence, ui_language
from handouts.web.uploads import MAX_UPLOAD_BYTES, safe_name
from handouts.web.views import settings

bp = Blueprint("next", __name__)

#: The uploads, by form field: the name each goes by when none came with it, and what the page calls it.
UPLOADS = {"record": ("plan.json", "Plan record"), "adherence": ("adherence.csv", "Adherence CSV")}
KIND_WORDS = {"harder": "harder version", "easier": "easier version", "dose": "build-up"}


@dataclass
class NextForm:
    """What the page shows: the typed values, a message per field, and the proposal once there is one."""

    pain: str = ""
    start_date: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    found: NextPlan | None = None
    files: dict[str, tuple[str, str]] = field(default_factory=dict)  # field -> (name, base64 data)
    ticked: tuple[str, ...] | None = None  # the tick boxes as sent back (None: all ticked, as first shown)


@bp.route("/next", methods=["GET", "POST"])
def page() -> Any:
    """Upload a plan record (and an adherence CSV, or typed pain scores) and see the proposed changes."""
    if request.method == "GET":
        return render_template("next.html", **_context(NextForm()))
    form = NextForm(pain=request.form.get("pain", "").strip())
    uploads: dict[str, tuple[str, bytes]] = {}
    for name, (default, label) in UPLOADS.items():
        upload: FileStorage | None = request.files.get(name)
        if upload is None or not upload.filename:
            continue
        data = upload.read(MAX_UPLOAD_BYTES + 1)
        if len(data) > MAX_UPLOAD_BYTES:
            form.errors[name] = f"The {label.lower()} is larger than {MAX_UPLOAD_BYTES // 1_000_000} MB."
        uploads[name] = (_file_name(upload.filename, default), data)
    if "record" not in uploads:
        form.errors.setdefault("record", "Choose the plan record (the .plan.json file saved beside the handout).")
    return _propose(form, uploads)


@bp.post("/next/make")
def make() -> Any:
    """Make the next handout from the ticked changes: a zip of the PDF and its plan record."""
    form = NextForm(pain=request.form.get("pain", "").strip(), start_date=request.form.get("start_date", "").strip(),
                    ticked=tuple(i for i in request.form.getlist("change") if i))
    uploads: dict[str, tuple[str, bytes]] = {}
    for name, (default, _) in UPLOADS.items():
        text = request.form.get(f"{name}_data", "")
        if not text:
            continue
        try:
            uploads[name] = (_file_name(request.form.get(f"{name}_name"), default),
                             base64.b64decode(text, validate=True))
        except (binascii.Error, ValueError):
            form.errors["record"] = "The files did not come back with the form. Choose them again."
    if "record" not in uploads:
        form.errors.setdefault("record", "The files did not come back with the form. Choose them again.")
    response = _propose(form, uploads)
    if form.errors or form.found is None:
        return response
    found = form.found
    start = None
    if form.start_date:
        try:
            start = fields.iso_date(form.start_date)
        except ValueError as exc:  # shown with the proposal and the ticks as they were
            form.errors["start_date"] = sentence(str(exc))
            return render_template("next.html", **_context(form)), 422
    try:
        chosen = picked(found.changes, form.ticked or ())
    except HandoutError as exc:
        form.errors["form"] = sentence(exc.message)
        return render_template("next.html", **_context(form)), 422
    next_req = next_request(found, chosen, start_date=start)
    today = clock.today()
    try:
        handout = make_handout(next_req, library=settings().library, options=PrintOptions(today=today))
    except HandoutError as exc:
        form.errors["form"] = " ".join(sentence(e.message) for e in flatten(exc))
        return render_template("next.html", **_context(form)), 422
    patient_id = next_req.patient.patient_id
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{patient_id}.pdf", handout.pdf)
        archive.writestr(f"{patient_id}{RECORD_SUFFIX}", record_bytes(plan_record(handout.plan, made=today,
                                                                                 document_id=handout.layout.document_id)))
    buffer.seek(0)
    return send_file(buffer, mimetype="application/zip", as_attachment=True,
                     download_name=f"{patient_id}-next.zip", max_age=0)


def _file_name(given: str | None, default: str) -> str:
    """The upload's own name made safe (``default`` when it has none): the name its messages use."""
    return safe_name(given) if given and given.strip() else default


@contextmanager
def _files(uploads: dict[str, tuple[str, bytes]]) -> Iterator[dict[str, Path]]:
    """The uploads as files in a temporary folder removed afterwards, each under its own name."""
    with tempfile.TemporaryDirectory(prefix="handouts-web-") as folder:
        paths = {}
        for number, (name, (filename, data)) in enumerate(uploads.items()):
            path = Path(folder) / str(number) / filename
            path.parent.mkdir()
            path.write_bytes(data)
            paths[name] = path
        yield paths


def _propose(form: NextForm, uploads: dict[str, tuple[str, bytes]]) -> Any:
    """Fill ``form.found`` from the uploads, or its errors naming the file, row and column; the page."""
    scores: tuple[int, ...] = ()
    if form.pain:
        try:
            scores = fields.pain_scores(form.pain)
        except ValueError as exc:
            form.errors["pain"] = sentence(str(exc))
    if form.errors:
        return render_template("next.html", **_context(form)), 422
    with _files(uploads) as paths:
        try:
            form.found = propose_next(paths["record"], library=settings().library, adherence=paths.get("adherence"),
                                      pain=scores)
        except HandoutError as exc:
            for error in flatten(exc):
                where = next((n for n, p in paths.items() if error.path == str(p)), "record")
                text = str(error)
                for name, path in paths.items():
                    text = text.replace(str(path), uploads[name][0])
                text = text if text.endswith(".") else text + "."  # as it is: it starts with the file's own name
                form.errors[where] = (form.errors[where] + " " if where in form.errors else "") + text
            return render_template("next.html", **_context(form)), 422
    form.files = {n: (f, base64.b64encode(d).decode("ascii")) for n, (f, d) in uploads.items()}
    if not form.start_date:
        form.start_date = form.found.first_day.isoformat()
    return render_template("next.html", **_context(form))


@dataclass(frozen=True)
class Line:
    """One proposed change as the page shows it."""

    kind: str
    text: str
    reason: str
    exercise_id: str = ""


def lines(found: NextPlan, dataset: Dataset) -> list[Line]:
    """The proposal in plain words: what changes (with a tick box), what stays, what was not offered, and
    the next phase as a question."""
    language = ui_language(dataset)  # the page's language, as on the make page (the handout's may differ)
    shown = []
    for change in found.changes:
        name = exercise_name(dataset, change.exercise_id, language)
        reason = sentence(change.reason)
        if change.kind == "phase":
            nxt = NEXT_PHASE.get(change.old, "")
            shown.append(Line("phase", f"Is the patient ready for the {nxt} phase?", reason))
        elif change.kind == "same":
            shown.append(Line("same", f"{name}: the same", reason))
        elif change.kind == "dropped":
            shown.append(Line("dropped", f"{exercise_name(dataset, change.new_exercise_id, language)}: not offered",
                              reason))
        else:
            shown.append(Line(change.kind, _change_words(change, name, dataset, found), reason,
                              change.exercise_id or ""))
    return shown


#: A dose number in words, for the tick box's label.
DOSE_WORDS = {"hold": "hold {} seconds", "hold_up_to": "build up to {} seconds", "repeat": "{} times",
              "sets": "{} sets", "times_a_day": "{} times a day", "minutes": "walk {} minutes",
              "minutes_up_to": "build up to {} minutes"}


def _change_words(change: Change, name: str, dataset: Dataset, found: NextPlan) -> str:
    kind = KIND_WORDS.get(change.kind, change.kind)
    language = ui_language(dataset)
    if change.new_exercise_id:
        return f"{exercise_name(dataset, change.new_exercise_id, language)} instead of {name} ({kind})"
    last = next((p.dose for p in found.last.exercises if p.id == change.exercise_id), None)
    new = ", ".join(DOSE_WORDS.get(f, f + " {}").format(v) for f, v in change.dose)
    old = ", ".join(DOSE_WORDS.get(f, f + " {}").format(getattr(last, f, None)) for f, _ in change.dose)
    return f"{name}: {new} instead of {old} ({kind})"


def _context(form: NextForm) -> dict[str, Any]:
    dataset = settings().library.dataset
    found = form.found
    return {"page": "next", "title": "Next handout", "form": form, "max_mb": MAX_UPLOAD_BYTES // 1_000_000,
            "lines": lines(found, dataset) if found else [],
            "patient_id": found.last.request.patient.patient_id if found else "",
            "phase": found.last.request.phase if found else "",
            "started": found.last.request.start_date.isoformat() if found else ""}
