"""The pages: make a handout, checklist only, batch from a CSV, exercise library.

Each view parses the request, calls the library (through ``forms`` and
``uploads``) and renders a template. Nothing is kept between requests except
the browser's own cookies.
"""

from __future__ import annotations

import base64
import binascii
from io import BytesIO
from typing import Any

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request, send_file, url_for
from werkzeug.exceptions import HTTPException

from handouts import clock
from handouts.errors import ErrorList, HandoutError, flatten
from handouts.load.fields import MAX_WEEKS, MIN_WEEKS
from handouts.load.request_fields import MAX_NAME, MAX_NOTES
from handouts.model import KINDS, PAPERS
from handouts.model.options import PrintOptions
from handouts.render.pdf.cover import MAX_COVER_BYTES, MAX_COVER_PAGES
from handouts.report.describe import describe_dose
from handouts.run.batch import BatchOptions
from handouts.run.handout import make_handout, output_path
from handouts.web.forms import (
    DIRECTION_CHOICES,
    KIND_LABELS,
    LABELS,
    LEG_PAIN_CHOICES,
    FormState,
    apply_edit,
    blank_state,
    pretty_id,
    read_form,
    sentence,
    source_label,
    ui_language,
)
from handouts.web.pdfoptions import MAX_REQUEST_BYTES, RETYPE_PASSWORD, PdfOptions, pdf_options, typed_password
from handouts.web.settings import Settings
from handouts.web.uploads import (
    DATE_FORMATS,
    MAX_UPLOAD_BYTES,
    SHOWN_ROWS,
    check_upload,
    make_zip,
    problems_csv,
    safe_name,
    summary,
)

bp = Blueprint("web", __name__)

ACTIONS = ("plan", "preview", "download")
PAGES = {
    "handout": ("Make a handout", "Patient, diagnosis and phase; check the plan; preview or download the PDF."),
    "checklist": ("Checklist only", ("The weekly tick-box checklist alone, for a patient who already has the "
                                     "exercise pages.")),
}
LANGUAGE_NAMES = {"en": "English", "es": "Spanish (español)"}
#: The library's own limits, given to the browser so it can hold to them while typing.
LIMITS = {"patient_id": 64, "name": MAX_NAME, "notes": MAX_NOTES, "weeks": (MIN_WEEKS, MAX_WEEKS)}
#: Said beside the notes by the server and, while typing, by the page's script (which fills in the numbers).
NOTES_TOO_LONG = "The notes are {count} characters long; the limit is {limit}. Shorten them by {over}."
NOTES_COUNT = "{count} of {limit} characters"


def settings() -> Settings:
    return current_app.extensions["handouts"]  # type: ignore[no-any-return]


@bp.route("/", methods=["GET", "POST"])
def make() -> Any:
    """Make a handout: the form, the plan, the PDF."""
    return _handout_form("handout")


@bp.route("/checklist", methods=["GET", "POST"])
def checklist() -> Any:
    """The weekly checklist alone."""
    return _handout_form("checklist")


def room_for_a_cover() -> None:
    """Let the handout pages take a request as large as a cover PDF at its limit (others keep the app's)."""
    if request.endpoint in ("web.make", "web.checklist"):
        request.max_content_length = MAX_REQUEST_BYTES


def _handout_form(kind: str) -> Any:
    library = settings().library
    today = clock.today()
    if request.method == "GET":
        return render_template("make.html", **_form_context(kind, blank_state(today, library.dataset)))
    form = request.form.to_dict()
    # A browser sends a line break as CR LF but counts it as one character, as the limit does.
    form["notes"] = form.get("notes", "").replace("\r\n", "\n")
    action = form.get("action", "plan") if form.get("action") in ACTIONS else "plan"
    edit = form.get("edit", "")
    state = read_form(form, library, today=today, plan_only=action == "plan" or bool(edit))
    if edit:
        chosen = apply_edit(state, edit, form.get("add_exercise", ""), library.dataset)
        state = read_form(form, library, today=today, plan_only=True, exercises=chosen)
        action = "plan"
    if len(state.values["notes"]) > MAX_NOTES:
        state.errors["notes"] = _notes_too_long(len(state.values["notes"]))
    with pdf_options(request.files, form, state.errors) as options:
        if action != "plan" and state.ready:
            try:
                return _pdf(kind, state, options, inline=action == "preview")
            except HandoutError as exc:
                for error in flatten(exc):  # beside its field (a name the font cannot print), else for the form
                    state.errors[error.field or "form"] = sentence(error.message)
    status = 200 if action == "plan" else 422
    context = _form_context(kind, state)
    _name_the_choices(state, context)
    if _wants_json():
        return jsonify(html=render_template("_plan.html", **context), errors=state.errors,
                       status=state.status()), status
    if typed_password(form) and "password_again" not in state.errors:
        state.errors["password"] = RETYPE_PASSWORD  # a new page: its password boxes are empty
    return render_template("make.html", **context), status


def _pdf(kind: str, state: FormState, options: PdfOptions, *, inline: bool) -> Response:
    assert state.request is not None
    # The clinic's cover in front of a handout; a checklist has one only when chosen (make_handout).
    printing = PrintOptions(kind=kind, cover=options.cover, password=options.password, today=clock.today())
    handout = make_handout(state.request, library=settings().library, options=printing)
    name = output_path(None, state.request.patient.patient_id, kind=kind).name
    return send_file(BytesIO(handout.pdf), mimetype="application/pdf", as_attachment=not inline,
                     download_name=name, max_age=0)


def _form_context(kind: str, state: FormState) -> dict[str, Any]:
    dataset = settings().library.dataset
    language = ui_language(dataset)
    default_clinic = dataset.clinic(None)
    in_list = {r.id for r in state.rows}
    return {
        "kind": kind, "page": kind, "title": PAGES[kind][0], "lead": PAGES[kind][1], "state": state,
        "labels": LABELS, "kinds": KIND_LABELS, "limits": LIMITS, "notes_count": _notes_count,
        "notes_too_long": NOTES_TOO_LONG.replace("{limit}", f"{MAX_NOTES:,}"),
        "notes_count_text": NOTES_COUNT.replace("{limit}", f"{MAX_NOTES:,}"),
        "max_cover_pages": MAX_COVER_PAGES, "max_cover_mb": MAX_COVER_BYTES // 1_000_000,
        "diagnoses": [(d, protocol.name) for d, protocol in dataset.protocols.items()],
        "phases": list(dataset.region.phases.items()),
        "directions": DIRECTION_CHOICES,
        "leg_pain_choices": LEG_PAIN_CHOICES,
        "precautions": list(dataset.region.precautions.items()),
        "overrides": list(dataset.region.overrides.items()),
        "clinics": [(c.id, c.name) for c in dataset.clinics.values()],
        "default_clinic": default_clinic,
        "languages": [(code, LANGUAGE_NAMES.get(code, code)) for code in dataset.languages],
        "default_language": LANGUAGE_NAMES.get(default_clinic.language, default_clinic.language),
        "papers": [(p, _paper_name(p)) for p in PAPERS],
        "default_paper": _paper_name(default_clinic.paper),
        "addable": sorted(((e.words(language).name, e) for e in dataset.exercises.values() if e.id not in in_list),
                          key=lambda pair: (KINDS.index(pair[1].kind), pair[0])),
        "picture_url": _picture_url,
        "describe_dose": describe_dose,
        "form_url": url_for("web.make" if kind == "handout" else "web.checklist"),
    }


#: The form's lists, by field: a value not on its list is answered with the names the list shows.
CHOICE_LISTS = {"diagnosis": "diagnoses", "phase": "phases", "clinic": "clinics", "language": "languages",
                "paper": "papers"}


def _name_the_choices(state: FormState, context: dict[str, Any]) -> None:
    """'Choose a diagnosis from the list: Herniated disc, ...' instead of the library's list of ids."""
    for name, options in CHOICE_LISTS.items():
        value = state.values.get(name, "").strip()
        shown = [text for _, text in context[options]]
        if name in state.errors and value and value.lower() not in {key for key, _ in context[options]}:
            names = ", ".join(shown[:-1]) + f" or {shown[-1]}" if len(shown) > 1 else shown[0]
            state.errors[name] = f"Choose a {LABELS[name].lower()} from the list: {names}."


def _notes_too_long(count: int) -> str:
    return NOTES_TOO_LONG.format(count=f"{count:,}", limit=f"{MAX_NOTES:,}", over=f"{count - MAX_NOTES:,}")


def _notes_count(text: str) -> str:
    return NOTES_COUNT.format(count=f"{len(text):,}", limit=f"{MAX_NOTES:,}")


def _paper_name(paper: str) -> str:
    return "A4" if paper == "a4" else paper.capitalize()


def _picture_url(exercise_id: str) -> str:
    return url_for("web.picture", exercise_id=exercise_id, suffix=settings().figure_suffix)


def _wants_json() -> bool:
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


@bp.route("/batch", methods=["GET", "POST"])
def batch() -> Any:
    """Upload a patients CSV and see every row's problems before anything is made."""
    if request.method == "GET":
        return render_template("batch.html", **_batch_context())
    upload = request.files.get("csv")
    date_format = request.form.get("date_format") if request.form.get("date_format") in DATE_FORMATS else None
    if upload is None or not upload.filename:
        return render_template("batch.html", **_batch_context(
            upload_error="Choose a CSV file to check.")), 422
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        return render_template("batch.html", **_batch_context(
            upload_error=f"The file is larger than {MAX_UPLOAD_BYTES // 1_000_000} MB. Split it, or use "
                         "the command line: handouts batch FILE.csv")), 413
    name = safe_name(upload.filename)
    checked = check_upload(data, name, settings().library, today=clock.today(), date_format=date_format)
    return render_template("batch.html", **_batch_context(
        checked=checked, csv_data=base64.b64encode(data).decode("ascii"), csv_name=name,
        date_format=date_format or "")), 422 if checked.problem else 200


def _checked_data() -> bytes:
    """The CSV sent back with the page after the check ('' when missing or damaged)."""
    try:
        return base64.b64decode(request.form.get("csv_data", ""), validate=True)
    except (binascii.Error, ValueError):
        return b""


def _not_back() -> Any:
    return render_template("batch.html", **_batch_context(
        upload_error="The checked file did not come back with the form. Choose it again.")), 422


@bp.post("/batch/problems")
def batch_problems() -> Any:
    """Every problem and plan note of the checked file as a CSV (the page lists the first few hundred)."""
    data = _checked_data()
    if not data:
        return _not_back()
    date_format = request.form.get("date_format") if request.form.get("date_format") in DATE_FORMATS else None
    name = safe_name(request.form.get("csv_name"))
    checked = check_upload(data, name, settings().library, today=clock.today(), date_format=date_format)
    if checked.problem:
        return render_template("batch.html", **_batch_context(checked=checked)), 422
    return send_file(BytesIO(problems_csv(checked)), mimetype="text/csv", as_attachment=True,
                     download_name=f"{name.rsplit('.', 1)[0]}-problems.csv", max_age=0)


@bp.post("/batch/run")
def batch_run() -> Any:
    """Make every good row's handout and send a zip: handouts, manifest.csv, print.pdf."""
    data = _checked_data()
    if not data:
        return _not_back()
    date_format = request.form.get("date_format") if request.form.get("date_format") in DATE_FORMATS else None
    app_settings = settings()
    # One process: forking a threaded web server is not safe, and a handout takes a few hundredths of a second.
    printing = PrintOptions(use_cover=bool(request.form.get("cover")), duplex=bool(request.form.get("duplex")))
    options = BatchOptions(workers=1, date_format=date_format, printing=printing, data=app_settings.data,
                           templates=app_settings.templates)
    try:
        made = make_zip(data, safe_name(request.form.get("csv_name")), options)
    except HandoutError as exc:
        errors = exc.errors if isinstance(exc, ErrorList) else [exc]
        return render_template("batch.html", **_batch_context(
            run_errors=[sentence(e.message) for e in errors])), 422
    response = send_file(made.file, mimetype="application/zip", as_attachment=True,
                         download_name=f"handouts-{clock.today().isoformat()}.zip", max_age=0)
    response.headers["X-Handouts-Summary"] = summary(made.result)
    return response


def _batch_context(**extra: Any) -> dict[str, Any]:
    context: dict[str, Any] = {"page": "batch", "title": "Batch from a CSV", "checked": None, "upload_error": "",
                               "run_errors": [], "date_formats": DATE_FORMATS, "date_format": "",
                               "max_mb": MAX_UPLOAD_BYTES // 1_000_000, "shown_rows": SHOWN_ROWS}
    context.update(extra)
    return context


@bp.get("/exercises")
def exercises() -> Any:
    """Every exercise with its picture, steps and dose."""
    dataset = settings().library.dataset
    language = request.args.get("language", "")
    if language not in dataset.languages:
        language = ui_language(dataset)
    items = sorted(dataset.exercises.values(), key=lambda e: (KINDS.index(e.kind), e.words(language).name))
    return render_template(
        "exercises.html", page="exercises", title="Exercise library", exercises=items, language=language,
        languages=[(code, LANGUAGE_NAMES.get(code, code)) for code in dataset.languages], kinds=KIND_LABELS,
        picture_url=_picture_url, describe_dose=describe_dose, pretty_id=pretty_id,
        sources=dataset.region.sources, source_label=source_label)


@bp.get("/exercises/picture/<exercise_id>.<suffix>")
def picture(exercise_id: str, suffix: str) -> Response:
    """An exercise's picture alone, as the library draws it (cached per process)."""
    app_settings = settings()
    if suffix != app_settings.figure_suffix:
        abort(404)
    data = app_settings.picture(exercise_id)
    if data is None:
        abort(404)
    mimetype = "image/png" if suffix == "png" else "image/svg+xml"
    return Response(data, mimetype=mimetype, headers={"Cache-Control": "private, max-age=3600"})


ERROR_PAGES = {
    400: ("The form could not be used", ("It has expired or was not sent from this page. Go back, reload the "
                                         "page and try again; what you typed may need typing again.")),
    401: ("This handouts server needs its access token",
          "Open the address that the 'handouts serve' command printed (it ends in ?token=...)."),
    404: ("Page not found", "Use the links at the top of the page."),
    405: ("Page not found", "Use the links at the top of the page."),
    413: ("The upload is too large", (f"A patients CSV can be up to {MAX_UPLOAD_BYTES // 1_000_000} MB and a cover "
                                      f"PDF up to {MAX_COVER_BYTES // 1_000_000} MB. For a larger CSV use the "
                                      "command line: handouts batch FILE.csv")),
}


@bp.app_errorhandler(HTTPException)
def http_error(exc: HTTPException) -> Any:
    """A plain page (or JSON for the page's own script) instead of the framework's default."""
    code = exc.code or 500
    heading, text = ERROR_PAGES.get(code, ("Something went wrong", "Reload the page and try again."))
    if _wants_json():
        return jsonify(error=f"{heading}. {text}"), code
    response = Response(render_template("error.html", page="", title=heading, heading=heading, text=text),
                        status=code, mimetype="text/html")
    if code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="handouts"'
    return response


@bp.app_errorhandler(HandoutError)
def handout_error(exc: HandoutError) -> Any:
    """A user-fixable problem outside a form (e.g. a broken clinic cover): say it plainly."""
    text = sentence(exc.message)
    if _wants_json():
        return jsonify(error=text), 422
    return render_template("error.html", page="", title="The handout could not be made",
                           heading="The handout could not be made", text=text), 422
