"""The web form through Flask's test client: pages, plan, PDFs, batch zip, security."""

from __future__ import annotations

import csv
import http.client
import io
import ipaddress
import logging
import re
import socket
import string
import tempfile
import threading
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import UNICODE_NAME
from flask import Flask
from flask.testing import FlaskClient
from helpers import page_count, pdf_text
from werkzeug.datastructures import FileStorage
from werkzeug.serving import make_server
from werkzeug.test import encode_multipart

from handouts.cli import main
from handouts.model import PlanWarning
from handouts.web import create_app
from handouts.web import server as server_module
from handouts.web.forms import plain_warning
from handouts.web.security import CSRF_FIELD, HEADERS, TOKEN_COOKIE
from handouts.web.server import QuietRequestHandler, is_loopback, lan_addresses, serve

TOKEN = "a-long-enough-test-token-1234"
GOOD = {"patient_id": "p-042", "name": UNICODE_NAME, "diagnosis": "nonspecific", "phase": "maintenance",
        "start_date": "2026-12-07", "weeks": "2", "clinician": "Ana Ruiz"}
CSV_HEADER = "patient_id,name,diagnosis,phase,start_date\n"
CSV_ONE_BAD = (CSV_HEADER + "p-1,Zoë Nguyễn,herniated-disc,acute,2026-12-07\n"
               "p-2,Ñandú Pérez,nonspecific,accute,2026-12-07\n"
               "p-3,Björn Ågren,spinal-stenosis,subacute,2026-12-08\n")


@pytest.fixture(scope="module")
def app() -> Flask:
    made = create_app()
    made.testing = True
    return made


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def csrf(client: FlaskClient, path: str = "/") -> str:
    """Open a page (starting a session) and return the CSRF token from its form."""
    page = client.get(path)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    assert match, "the page has no CSRF field"
    return match.group(1)


def post(client: FlaskClient, data: dict[str, Any], path: str = "/", *, json: bool = False) -> Any:
    headers = {"Accept": "application/json"} if json else {}
    return client.post(path, data={CSRF_FIELD: csrf(client, path), **data}, headers=headers)


def error_beside(html: str, field: str) -> str:
    """The text of the message slot of ``field`` (empty when hidden)."""
    match = re.search(rf'<p class="field-error" id="{re.escape(field)}-error"[^>]*>([^<]*)</p>', html)
    assert match, f"no message slot for {field}"
    return match.group(1).replace("&#39;", "'")


# --- pages -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path, heading", [
    pytest.param("/", "Make a handout", id="make"),
    pytest.param("/checklist", "Checklist only", id="checklist"),
    pytest.param("/batch", "Batch from a CSV", id="batch"),
    pytest.param("/exercises", "Exercise library", id="exercises"),
    pytest.param("/exercises?language=es", "Exercise library", id="exercises-es"),
])
def test_every_page_renders_with_its_heading_and_navigation(client: FlaskClient, path: str, heading: str) -> None:
    response = client.get(path)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"<h1>{heading}</h1>" in html
    assert 'href="#main"' in html and 'aria-current="page"' in html


def test_form_controls_all_have_labels(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    ids = re.findall(r'<(?:input|select|textarea)(?![^>]*type="(?:hidden|submit)")[^>]*\bid="([^"]+)"', html)
    labelled = set(re.findall(r'<label for="([^"]+)"', html))
    assert ids and not set(ids) - labelled


class _Elements(HTMLParser):
    """Every element's attributes by id, as a browser's parser reads them."""

    def __init__(self) -> None:
        super().__init__()
        self.by_id: dict[str, dict[str, str | None]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.by_id[str(found["id"])] = {"tag": tag, **found}


def elements(html: str) -> dict[str, dict[str, str | None]]:
    parser = _Elements()
    parser.feed(html)
    return parser.by_id


@pytest.mark.parametrize("path", ["/", "/checklist"])
def test_input_attributes_are_real_attributes(client: FlaskClient, path: str) -> None:
    found = elements(client.get(path).get_data(as_text=True))
    assert {k: found["field-patient_id"].get(k) for k in ("autocomplete", "maxlength", "spellcheck")} == {
        "autocomplete": "off", "maxlength": "64", "spellcheck": "false"}
    assert {k: found["field-name"].get(k) for k in ("autocomplete", "maxlength")} == {
        "autocomplete": "off", "maxlength": "120"}
    assert {k: found["field-weeks"].get(k) for k in ("min", "max", "step", "inputmode")} == {
        "min": "1", "max": "12", "step": "1", "inputmode": "numeric"}
    assert found["field-clinician"].get("autocomplete") == "name"
    assert not any(name.startswith(('"', "&")) or name.endswith('"') for attrs in found.values() for name in attrs)


def test_exercise_library_shows_every_exercise_with_picture_steps_and_dose(client: FlaskClient,
                                                                          library: Any) -> None:
    html = client.get("/exercises").get_data(as_text=True)
    for exercise in library.dataset.exercises.values():
        words = exercise.words("en")
        assert f'id="{exercise.id}"' in html
        assert f"/exercises/picture/{exercise.id}.png" in html
        assert words.steps[0].replace("'", "&#39;") in html
    assert "Hold 20 s".lower() in html.lower() or "hold 20 s" in html
    spanish = client.get("/exercises?language=es").get_data(as_text=True)
    assert f'<h2 lang="es">{library.dataset.exercise("hamstring-stretch").words("es").name}</h2>' in spanish
    assert '<html lang="en">' in spanish and '<ol class="steps" lang="es">' in spanish


def test_exercise_library_says_where_each_exercise_comes_from(client: FlaskClient) -> None:
    html = client.get("/exercises").get_data(as_text=True)
    bracing = html[html.index('id="abdominal-bracing"'):html.index("</li>", html.index('id="abdominal-bracing"'))]
    assert re.search(r'<span class="tag tag-warn" title="Common practice, not from a named guideline[^"]*">'
                     r'Common practice</span>', bracing)
    assert re.search(r'<span class="tag" title="JOSPT 2021: George SZ et al\.[^"]*">JOSPT 2021</span>', bracing)
    assert "<strong>Where it comes from:</strong> Not from the source article. JOSPT 2021 lists" in bracing
    bridge = html[html.index('id="low-back-bridge"'):]
    assert '>The source article &#34;Lower Back Pain Exercises&#34;</span>' in bridge[:bridge.index("</li>")]


def test_exercise_picture_is_a_png_and_unknown_ones_are_404(client: FlaskClient) -> None:
    response = client.get("/exercises/picture/hamstring-stretch.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.data.startswith(b"\x89PNG")
    assert client.get("/exercises/picture/no-such-exercise.png").status_code == 404
    assert client.get("/exercises/picture/hamstring-stretch.gif").status_code == 404


def test_pictures_fall_back_to_svg_without_pypdfium2() -> None:
    app = create_app()
    app.extensions["handouts"].figure_suffix = "svg"
    client = app.test_client()
    html = client.get("/exercises").get_data(as_text=True)
    assert '<img src="/exercises/picture/walking.svg"' in html
    response = client.get("/exercises/picture/walking.svg")
    assert response.mimetype == "image/svg+xml" and b"<svg" in response.data and b"<script" not in response.data


# --- the plan ----------------------------------------------------------------------------------------------------

def test_plan_shows_the_protocol_exercises_before_any_pdf(client: FlaskClient) -> None:
    response = post(client, {"diagnosis": "herniated-disc", "phase": "acute", "action": "plan"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="row-prone-on-elbows"' in html and 'id="row-standing-extension"' in html
    assert "The default exercises for herniated disc, acute phase." in html


def test_acute_strengthening_is_removed_with_the_stretching_only_warning(client: FlaskClient) -> None:
    response = post(client, {"diagnosis": "herniated-disc", "phase": "acute",
                             "exercises": "prone-on-elbows,prone-plank", "action": "plan"}, json=True)
    data = response.get_json()
    assert response.status_code == 200 and data["errors"] == {}
    assert "Acute phase is stretching only: removed Plank on elbows." in data["html"]
    assert "Keep strengthening in the acute phase" in data["html"]
    assert "--allow" not in data["html"]
    assert 'class="exercise left-out" id="row-prone-plank"' in data["html"]
    assert data["status"] == "Plan updated: 2 exercises, 2 warnings to check."  # walking is added too


def test_a_start_date_a_year_back_is_warned_about_on_the_form(client: FlaskClient) -> None:
    data = post(client, {"diagnosis": "herniated-disc", "phase": "acute", "start_date": "2025-12-07"},
                json=True).get_json()
    assert data["errors"] == {}
    assert ("The checklist starts on 2025-12-07, 360 days before today, so all of its days are past; "
            "check the start date&#39;s year.") in data["html"]


def test_override_keeps_strengthening(client: FlaskClient) -> None:
    data = post(client, {"diagnosis": "herniated-disc", "phase": "acute", "exercises": "prone-on-elbows,prone-plank",
                         "allow_strengthening": "yes"}, json=True).get_json()
    assert 'class="exercise" id="row-prone-plank"' in data["html"]
    assert "keeping strengthening" in data["html"]


def test_the_patients_direction_makes_the_plan_and_a_mismatch_offers_its_tick_box(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert re.search(r'<select id="field-direction" name="direction"[^>]*data-replan', page)
    assert '<option value="flexion">Flexion</option>' in page
    flexion = post(client, {"diagnosis": "herniated-disc", "phase": "acute", "direction": "flexion"}, json=True)
    html = flexion.get_json()["html"]
    assert 'id="row-double-knee-to-chest"' in html and 'id="row-seated-flexion"' in html
    assert 'id="row-prone-on-elbows"' not in html and 'id="plan-warnings"' not in html
    against = post(client, {"diagnosis": "herniated-disc", "phase": "acute", "direction": "flexion",
                            "exercises": "prone-on-elbows"}, json=True).get_json()["html"]
    assert ("This patient&#39;s preferred direction is flexion; Lying face down on elbows goes the other way."
            in against)
    assert "Tick “Accept stretches against the patient&#39;s direction” below to change this." in against
    bad = post(client, {**GOOD, "direction": "sideways"}, json=True).get_json()
    assert bad["errors"]["direction"] == "'sideways' is not one of extension, flexion, none."


def test_leg_pain_and_precautions_on_the_form_change_the_plan(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert '<option value="">Not recorded</option>' in page
    assert 'name="precaution.osteoporosis" value="yes" data-replan' in page
    asked = post(client, {"diagnosis": "herniated-disc", "phase": "subacute"}, json=True).get_json()["html"]
    assert 'data-code="leg-pain-unknown"' in asked and "Choose “Leg pain” above." in asked
    html = post(client, {"diagnosis": "spinal-stenosis", "phase": "acute", "leg_pain": "yes",
                         "precaution.osteoporosis": "yes"}, json=True).get_json()["html"]
    assert 'id="row-one-knee-to-chest"' in html and 'id="row-double-knee-to-chest"' not in html
    assert ("Osteoporosis or fracture risk: Both knees to chest, Sitting forward bend replaced by One knee to chest "
            "(one exercise in place of both), since bending the spine forward to its limit may raise the risk of a "
            "spinal fracture.") in html
    assert "Tick “Keep bending forward to the end of range despite osteoporosis” below to change this." in html
    assert 'id="field-allow_nerve_tension" name="allow_nerve_tension"' in html
    sciatica = post(client, {"diagnosis": "sciatica", "phase": "acute", "exercises": "hamstring-stretch"},
                    json=True).get_json()["html"]
    assert 'id="row-hamstring-stretch-bent-knee"' in sciatica
    assert "Tick “Keep the straight-leg strap stretch despite leg pain” below to change this." in sciatica


@pytest.mark.parametrize("edit, expected", [
    pytest.param("up:standing-extension", "standing-extension,prone-on-elbows,walking", id="up"),
    pytest.param("down:prone-on-elbows", "standing-extension,prone-on-elbows,walking", id="down"),
    pytest.param("up:prone-on-elbows", "prone-on-elbows,standing-extension,walking", id="up-first-stays"),
    pytest.param("remove:prone-on-elbows", "standing-extension,walking", id="remove"),
    pytest.param("add", "prone-on-elbows,standing-extension,walking,hamstring-stretch", id="add"),
    pytest.param("reset", "", id="reset"),
])
def test_edits_reorder_add_and_remove_exercises(client: FlaskClient, edit: str, expected: str) -> None:
    data = post(client, {"diagnosis": "herniated-disc", "phase": "acute", "edit": edit,
                         "add_exercise": "hamstring-stretch"}, json=True).get_json()
    assert f'name="exercises" value="{expected}"' in data["html"]


def test_sciatica_asks_for_exercises_then_plans_them(client: FlaskClient) -> None:
    first = post(client, {"diagnosis": "sciatica", "phase": "subacute"}, json=True).get_json()
    assert ("There is no default exercise set for sciatica; choose the exercises (add the ones you want below)."
            in first["html"])
    added = post(client, {"diagnosis": "sciatica", "phase": "subacute", "edit": "add",
                          "add_exercise": "piriformis-stretch"}, json=True).get_json()
    assert 'id="row-piriformis-stretch"' in added["html"] and 'id="row-walking"' in added["html"]


def test_dose_change_within_bounds_reaches_the_pdf(client: FlaskClient) -> None:
    response = post(client, {**GOOD, "exercises": "hamstring-stretch", "dose.hamstring-stretch.hold": "45",
                             "action": "download"})
    assert response.status_code == 200
    assert "45 seconds" in pdf_text(response.data)


def test_dose_outside_safe_bounds_is_refused_beside_its_input(client: FlaskClient) -> None:
    response = post(client, {**GOOD, "exercises": "hamstring-stretch", "dose.hamstring-stretch.hold": "900",
                             "action": "download"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and response.mimetype == "text/html"
    assert error_beside(html, "dose-hamstring-stretch-hold") == "Enter a whole number from 15 to 90."
    assert 'id="dose-hamstring-stretch-hold" name="dose.hamstring-stretch.hold" value="900"' in html


def test_dose_inputs_carry_each_exercises_own_limits(client: FlaskClient) -> None:
    html = post(client, {**GOOD, "exercises": "prone-plank,low-back-bridge"}, json=True).get_json()["html"]
    assert re.search(r'name="dose.prone-plank.hold" value="10"\s+min="5" max="120"', html)
    assert re.search(r'name="dose.low-back-bridge.times_a_day" value="1"\s+min="1" max="2"', html)
    refused = post(client, {**GOOD, "exercises": "prone-plank", "dose.prone-plank.hold": "600"}, json=True)
    assert refused.get_json()["errors"]["dose.prone-plank.hold"] == "Enter a whole number from 5 to 120."
    kept = post(client, {**GOOD, "exercises": "prone-plank", "dose.prone-plank.hold": "20"}, json=True).get_json()
    assert "Plank on elbows: the new hold of 20 s still builds up to 60 s." in kept["html"]
    assert "Change the dose below." in kept["html"]


# --- validation beside the field ---------------------------------------------------------------------------------

@pytest.mark.parametrize("field, value, message", [
    pytest.param("patient_id", "", "Enter the patient ID.", id="id-missing"),
    pytest.param("patient_id", "../etc", "'../etc' is not a safe id: use 1 to 64 letters A-Z, digits, '.', '_' "
                 "or '-'.", id="id-unsafe"),
    pytest.param("name", "", "Enter the patient's name.", id="name-missing"),
    pytest.param("weeks", "20", "'20' is not a whole number from 1 to 12.", id="weeks"),
    pytest.param("start_date", "07/12/2026", "'07/12/2026' is ambiguous; write it as YYYY-MM-DD.", id="date"),
    pytest.param("phase", "", "Choose a phase.", id="phase-missing"),
])
def test_a_bad_field_shows_its_message_beside_the_field(client: FlaskClient, field: str, value: str,
                                                          message: str) -> None:
    response = post(client, {**GOOD, field: value, "action": "download"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert error_beside(html, field) == message
    assert re.search(rf'id="field-{field}"[^>]*aria-invalid="true"', html, re.DOTALL)
    assert f'<a href="#field-{field}">' in html  # and in the summary at the top


NOTES_OVER = "The notes are 2,143 characters long; the limit is 2,000. Shorten them by 143."


def test_notes_over_the_limit_get_a_plain_message_and_are_kept_whole(client: FlaskClient) -> None:
    notes = "x" * 2143
    response = post(client, {**GOOD, "notes": notes, "action": "download"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert error_beside(html, "notes") == NOTES_OVER
    found = elements(html)
    assert "maxlength" not in found["field-notes"] and found["field-notes"]["aria-invalid"] == "true"
    assert f">{notes}</textarea>" in html  # nothing cut: the clinician shortens it
    assert '<p class="hint count" id="notes-count">2,143 of 2,000 characters</p>' in html


def test_notes_line_breaks_count_once_as_the_browser_counts_them(client: FlaskClient) -> None:
    notes = "\r\n".join(["y" * 199] * 10)  # 1,999 characters as typed, 2,008 bytes as sent
    response = post(client, {**GOOD, "notes": notes, "action": "download"})
    assert response.status_code == 200 and response.mimetype == "application/pdf"


@pytest.mark.parametrize("field, value, message", [
    pytest.param("diagnosis", "backache", "Choose a diagnosis from the list: Herniated disc, Spinal stenosis, "
                 "General low back pain or Sciatica.", id="diagnosis"),
    pytest.param("phase", "later", "Choose a phase from the list: Acute, Subacute or Maintenance.", id="phase"),
    pytest.param("paper", "legal", "Choose a paper size from the list: Letter or A4.", id="paper"),
])
def test_a_value_not_on_a_list_is_answered_with_the_names_the_list_shows(client: FlaskClient, field: str,
                                                                          value: str, message: str) -> None:
    errors = post(client, {**GOOD, field: value}, json=True).get_json()["errors"]
    assert errors == {field: message}


def test_json_preview_with_errors_names_the_fields(client: FlaskClient) -> None:
    response = post(client, {**GOOD, "name": "", "action": "preview"}, json=True)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"name": "Enter the patient's name."}


def test_plan_shows_before_the_patient_is_typed(client: FlaskClient) -> None:
    data = post(client, {"diagnosis": "nonspecific", "phase": "acute"}, json=True).get_json()
    assert data["errors"] == {} and 'id="row-double-knee-to-chest"' in data["html"]


# --- PDFs --------------------------------------------------------------------------------------------------------

def test_download_is_a_real_pdf_with_the_patient_and_the_exercises(client: FlaskClient, library: Any) -> None:
    response = post(client, {**GOOD, "action": "download"})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == "attachment; filename=p-042.pdf"
    text = pdf_text(response.data)
    assert UNICODE_NAME in text
    for exercise_id in ("prone-on-elbows", "double-knee-to-chest", "low-back-bridge", "walking"):
        assert library.dataset.exercise(exercise_id).words("en").name in text


def test_preview_is_the_same_pdf_shown_inline(client: FlaskClient) -> None:
    response = post(client, {**GOOD, "action": "preview"}, json=True)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("inline")
    assert UNICODE_NAME in pdf_text(response.data)


def test_checklist_only_is_the_grid_without_cover(client: FlaskClient) -> None:
    response = post(client, {**GOOD, "action": "download"}, path="/checklist")
    assert response.headers["Content-Disposition"] == "attachment; filename=p-042-checklist.pdf"
    text = pdf_text(response.data)
    assert UNICODE_NAME in text and "Mon 7 Dec" in text.replace(",", "")
    assert page_count(response.data) < page_count(post(client, {**GOOD, "action": "download"}).data)


def test_spanish_large_print_a4_choices_reach_the_pdf(client: FlaskClient) -> None:
    from pypdf import PdfReader

    response = post(client, {**GOOD, "language": "es", "paper": "a4", "large_print": "yes", "action": "download"})
    reader = PdfReader(io.BytesIO(response.data))
    width = float(reader.pages[-1].mediabox.width)
    assert round(width) == 595  # A4
    assert "Estiramiento" in pdf_text(response.data)


def _body_size(pdf: bytes) -> float:
    """The most common character size on a PDF's first page."""
    import statistics

    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return statistics.mode(round(c["size"], 1) for c in document.pages[0].chars)


def test_checklist_page_offers_large_print_and_paper_and_uses_them(client: FlaskClient) -> None:
    from pypdf import PdfReader

    found = elements(client.get("/checklist").get_data(as_text=True))
    assert found["field-large_print"]["type"] == "checkbox" and found["field-paper"]["tag"] == "select"
    plain = post(client, {**GOOD, "action": "download"}, path="/checklist")
    large = post(client, {**GOOD, "paper": "a4", "large_print": "yes", "action": "download"}, path="/checklist")
    reader = PdfReader(io.BytesIO(large.data))
    assert round(float(reader.pages[0].mediabox.width)) == 595  # A4
    assert _body_size(large.data) >= 16 > _body_size(plain.data)  # large print: bigger type


# --- cover and password ------------------------------------------------------------------------------------------

CLINIC_COVER = Path(__file__).parents[1] / "data" / "clinics" / "sample" / "cover.pdf"


def with_cover(data: bytes, name: str = "cover.pdf") -> FileStorage:
    return FileStorage(io.BytesIO(data), name, content_type="application/pdf")


@pytest.mark.parametrize("path", ["/", "/checklist"])
def test_an_uploaded_cover_goes_in_front(client: FlaskClient, path: str) -> None:
    plain = post(client, {**GOOD, "action": "download"}, path=path)
    covered = post(client, {**GOOD, "action": "download", "cover_file": with_cover(make_cover(pages=2))}, path=path)
    assert covered.status_code == 200, covered.get_data(as_text=True)
    expected = page_count(plain.data) + 2 - (1 if path == "/" else 0)  # replaces the clinic's 1-page cover
    assert page_count(covered.data) == expected
    assert pdf_text(covered.data).startswith("An uploaded cover")


def make_cover(*, pages: int, padding: int = 0) -> bytes:
    """A cover PDF; ``padding`` characters of white text make it that much larger (stored uncompressed)."""
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out, invariant=1, pageCompression=0)
    for _ in range(pages):
        canvas.drawString(72, 720, "An uploaded cover")
        if padding:
            canvas.setFillColorRGB(1, 1, 1)
            canvas.drawString(72, 72, (string.ascii_letters * (padding // 52 + 1))[:padding])
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def test_a_cover_larger_than_a_csv_upload_is_taken(client: FlaskClient) -> None:
    cover = make_cover(pages=1, padding=4_200_000)
    assert len(cover) > create_app().config["MAX_CONTENT_LENGTH"]  # the limit of other requests
    fields = {CSRF_FIELD: csrf(client, "/checklist"), **GOOD, "action": "download", "cover_file": with_cover(cover)}
    boundary, body = encode_multipart(fields)  # encoded here, as in upload(): see there
    response = client.post("/checklist", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    plain = post(client, {**GOOD, "action": "download"}, path="/checklist")
    assert page_count(response.data) == page_count(plain.data) + 1


@pytest.mark.parametrize("data, message", [
    pytest.param(b"GIF89a not a pdf", "This is not a PDF file; export the cover page as PDF.", id="not-pdf"),
    pytest.param(b"%PDF-1.4\n1 0 obj <<>> garbage", "The cover PDF is damaged and cannot be used", id="damaged"),
    pytest.param(None, "The cover has 5 pages; at most 4 are allowed.", id="too-many-pages"),
])
def test_an_uploaded_cover_is_checked_like_the_cover_option(client: FlaskClient, data: bytes | None,
                                                             message: str) -> None:
    cover = with_cover(data if data is not None else make_cover(pages=5))
    response = post(client, {**GOOD, "action": "download", "cover_file": cover})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert error_beside(html, "cover_file").startswith(message)
    assert '<a href="#field-cover_file">' in html and "/tmp" not in html


def test_a_password_encrypts_the_pdf_and_is_never_shown(client: FlaskClient) -> None:
    from pypdf import PdfReader

    secret = "correct horse 42"
    response = post(client, {**GOOD, "action": "download", "password": secret, "password_again": secret})
    reader = PdfReader(io.BytesIO(response.data))
    assert response.status_code == 200 and reader.is_encrypted
    assert reader.decrypt(secret) and UNICODE_NAME in reader.pages[1].extract_text()
    differ = post(client, {**GOOD, "action": "download", "password": secret, "password_again": "other"})
    html = differ.get_data(as_text=True)
    assert differ.status_code == 422 and secret not in html
    assert error_beside(html, "password_again") == "The two passwords are not the same: type it again in both boxes."
    again = post(client, {**GOOD, "name": "", "action": "download", "password": secret, "password_again": secret})
    assert error_beside(again.get_data(as_text=True), "password") == (
        "Type the password again: it is never sent back to the page.")
    assert secret not in again.get_data(as_text=True)
    assert elements(html)["field-password"]["type"] == "password"


# --- batch -------------------------------------------------------------------------------------------------------

def upload(client: FlaskClient, text: str | bytes, name: str = "week.csv", **extra: str) -> Any:
    """POST a CSV as the browser does (the body encoded here: the test client's encoder leaves
    a temporary file open for large bodies)."""
    data = text.encode() if isinstance(text, str) else text
    fields = {CSRF_FIELD: csrf(client, "/batch"), "csv": FileStorage(io.BytesIO(data), name), **extra}
    boundary, body = encode_multipart(fields)
    return client.post("/batch", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def test_batch_upload_with_one_bad_row_shows_that_rows_message(client: FlaskClient) -> None:
    response = upload(client, CSV_ONE_BAD)
    html = response.get_data(as_text=True).replace("&#39;", "'")
    assert response.status_code == 200
    assert "2 rows ready;\n    1 row with problems will be left out." in html
    row = re.search(r'<tr id="line-3">(.*?)</tr>', html, re.DOTALL)
    assert row and "p-2" in row.group(1)
    assert "Column phase: 'accute' is not one of acute, subacute, maintenance (did you mean 'acute'?)." in row.group(1)
    assert 'id="line-2"' not in html
    assert "Make 2 handouts (zip)" in html


def test_batch_upload_shows_a_repeated_patient_id_before_running(client: FlaskClient) -> None:
    text = "patient_id,name,diagnosis,phase\np-1,Ann,nonspecific,acute\nP-1,Bo,nonspecific,acute\n"
    html = upload(client, text).get_data(as_text=True).replace("&#39;", "'")
    row = re.search(r'<tr id="line-3">(.*?)</tr>', html, re.DOTALL)
    assert row and "'P-1' is already used on line 2" in row.group(1)


def test_batch_upload_problems_with_the_whole_file(client: FlaskClient) -> None:
    boundary, body = encode_multipart({CSRF_FIELD: csrf(client, "/batch")})
    missing = client.post("/batch", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert error_beside(missing.get_data(as_text=True), "csv") == "Choose a CSV file to check."
    header_only = upload(client, "name,phase\nx,acute\n").get_data(as_text=True).replace("&#39;", "'")
    assert "The header has no 'patient_id', 'diagnosis' column" in header_only
    assert "/tmp" not in header_only


def hidden_fields(html: str) -> dict[str, str]:
    """The fields the checked page sends back with its next step."""
    form = re.search(r'<form[^>]*id="batch-run-form".*?</form>', html, re.DOTALL)
    assert form, "the page has no form carrying the checked file"
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form.group(0)))


def test_a_long_problem_list_shows_200_rows_and_downloads_in_full(client: FlaskClient) -> None:
    bad = "".join(f"b-{i},Ann,nonspecific,accute\n" for i in range(450))
    response = upload(client, "patient_id,name,diagnosis,phase\nok-1,Bo,nonspecific,acute\n" + bad)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert len(re.findall(r'<tr id="line-', html)) == 200
    assert "450 rows with problems will be left out" in html
    assert "<caption>Rows with problems: the first 200 of 450</caption>" in html
    assert 'id="line-202"' in html and 'id="line-203"' not in html  # lines 3 to 202
    assert "Make 1 handout (zip)" in html
    problems = client.post("/batch/problems", data=hidden_fields(html))
    assert problems.status_code == 200 and problems.mimetype == "text/csv"
    assert problems.headers["Content-Disposition"] == "attachment; filename=week-problems.csv"
    rows = list(csv.reader(io.StringIO(problems.data.decode("utf-8-sig"))))
    assert rows[0] == ["line", "patient_id", "kind", "message"]
    assert sum(1 for row in rows if row[2] == "problem") == 450  # every one, not only the 200 shown
    assert rows[-1][:3] == ["452", "b-449", "problem"] and "'accute' is not one of" in rows[-1][3]


def test_a_file_with_only_bad_rows_still_offers_the_problem_list(client: FlaskClient) -> None:
    html = upload(client, "patient_id,name,diagnosis,phase\n=cmd,Ann,nonspecific,accute\n").get_data(as_text=True)
    assert "Make 0" not in html and 'id="run-batch"' not in html
    rows = list(csv.reader(io.StringIO(client.post("/batch/problems", data=hidden_fields(html)).data.decode("utf-8-sig"))))
    assert rows[1][:3] == ["2", "'=cmd", "problem"]  # a formula is shown, never run


@pytest.mark.parametrize("row, message", [
    pytest.param("p-1,,nonspecific,acute", "Name is required.", id="name"),
    pytest.param(",Ann,nonspecific,acute", "Patient ID is required.", id="patient-id"),
    pytest.param("p-1,Ann,,acute", "Diagnosis is required.", id="diagnosis"),
])
def test_batch_problems_name_the_column_plainly(client: FlaskClient, row: str, message: str) -> None:
    html = upload(client, f"patient_id,name,diagnosis,phase\n{row}\n").get_data(as_text=True)
    line = re.search(r'<tr id="line-2">(.*?)</tr>', html, re.DOTALL)
    assert line and f"<li>{message}</li>" in line.group(1)


def test_an_excel_unicode_text_file_is_read(client: FlaskClient) -> None:
    text = "patient_id\tname\tdiagnosis\tphase\r\np-1\tZoë Nguyễn\tnonspecific\tacute\r\np-2\tÑandú\tnonspecific\taccute\r\n"
    html = upload(client, text.encode("utf-16"), name="week.txt").get_data(as_text=True).replace("&#39;", "'")
    assert "1 row ready" in html and "What the check found in week.txt" in html
    assert "'accute' is not one of" in html and "not UTF-8" not in html
    big_endian = upload(client, b"\xfe\xff" + CSV_ONE_BAD.encode("utf-16-be")).get_data(as_text=True)
    assert "2 rows ready" in big_endian


def test_a_workbook_is_named_as_what_it_is(client: FlaskClient) -> None:
    response = upload(client, b"PK\x03\x04" + b"\x00" * 64 + b"xl/workbook.xml", name="Week 49.xlsx")
    html = response.get_data(as_text=True).replace("&#39;", "'")
    assert response.status_code == 422
    assert "What the check found in Week_49.xlsx" in html
    assert "This is a spreadsheet workbook (.xlsx, .xls or .ods), not a text CSV file; save it as CSV" in html


def test_batch_upload_over_the_limit_is_refused_plainly(client: FlaskClient) -> None:
    response = upload(client, CSV_HEADER + "x" * 2_100_000)
    assert response.status_code == 413
    assert "The file is larger than 2 MB" in response.get_data(as_text=True)
    huge = upload(client, b"x" * 4_100_000)
    assert huge.status_code == 413 and "The upload is too large" in huge.get_data(as_text=True)


def test_batch_run_sends_a_zip_of_handouts_manifest_and_print_file(client: FlaskClient, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # A temporary folder of this test's own: the system's is shared with the other test processes,
    # whose uploads come and go in it while this test runs.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    before = leftovers()
    checked = upload(client, CSV_ONE_BAD, date_format="DD/MM/YYYY").get_data(as_text=True)
    fields = hidden_fields(checked)
    assert fields["date_format"] == "DD/MM/YYYY"
    response = client.post("/batch/run", data={**fields, "cover": "yes"})
    data = response.data
    response.close()  # the zip is a temporary file, removed when closed
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["X-Handouts-Summary"] == "2 handouts made, 1 row left out"
    with zipfile.ZipFile(io.BytesIO(data)) as zipped:
        names = sorted(zipped.namelist())
        assert names == ["handouts/p-1.pdf", "handouts/p-1.plan.json", "handouts/p-3.pdf", "handouts/p-3.plan.json",
                         "manifest.csv", "print.pdf"]
        manifest = zipped.read("manifest.csv").decode()
        assert "p-2" in manifest and "invalid" in manifest
        assert "Zoë Nguyễn" in pdf_text(zipped.read("handouts/p-1.pdf"))
        combined = zipped.read("print.pdf")
        assert page_count(combined) == (page_count(zipped.read("handouts/p-1.pdf"))
                                        + page_count(zipped.read("handouts/p-3.pdf")))
    assert leftovers() == before  # the upload, the handouts and the zip are gone


def leftovers() -> set[str]:
    """What the web app left in this process's temporary folder (it should leave nothing)."""
    return {p.name for p in Path(tempfile.gettempdir()).glob("handouts-web-*")}


def test_batch_run_without_the_checked_file_asks_again(client: FlaskClient) -> None:
    response = client.post("/batch/run", data={CSRF_FIELD: csrf(client, "/batch"), "csv_data": "not base64!"})
    assert response.status_code == 422
    assert "Choose it again" in response.get_data(as_text=True)


# --- security ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/batch", "/exercises", "/static/style.css", "/no-such-page"])
def test_security_headers_on_every_response(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    response.close()
    for name, value in HEADERS.items():
        assert response.headers[name] == value
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in policy and "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_pages_with_patient_data_are_never_cached(client: FlaskClient) -> None:
    assert client.get("/").headers["Cache-Control"] == "no-store"
    assert post(client, {**GOOD, "action": "download"}).headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ["/", "/checklist", "/batch", "/batch/run"])
@pytest.mark.parametrize("data", [
    pytest.param({}, id="missing"),
    pytest.param({CSRF_FIELD: "forged"}, id="wrong"),
])
def test_post_without_the_csrf_token_is_refused(client: FlaskClient, path: str, data: dict[str, str]) -> None:
    client.get("/")
    response = client.post(path, data={**GOOD, "action": "download", **data})
    assert response.status_code == 400
    assert "The form could not be used" in response.get_data(as_text=True)


def test_csrf_failure_answers_the_pages_script_in_json(client: FlaskClient) -> None:
    client.get("/")
    response = client.post("/", data=GOOD, headers={"Accept": "application/json"})
    assert response.status_code == 400 and "reload the page" in response.get_json()["error"]


def test_csrf_token_belongs_to_its_session(app: Flask) -> None:
    token = csrf(app.test_client())
    other = app.test_client()
    other.get("/")
    assert other.post("/", data={**GOOD, CSRF_FIELD: token}).status_code == 400


def test_session_cookie_is_strict_and_http_only(client: FlaskClient) -> None:
    cookie = client.get("/").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie


def test_other_host_names_are_refused_on_this_machine(client: FlaskClient) -> None:
    assert client.get("/", headers={"Host": "evil.example:8765"}).status_code == 400
    assert client.get("/", headers={"Host": "127.0.0.1:8765"}).status_code == 200


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2:8765", "127.255.255.254", "localhost:8765", "[::1]:8765",
                                  "[0:0:0:0:0:0:0:1]", "LOCALHOST"])
def test_every_loopback_host_name_is_accepted(client: FlaskClient, host: str) -> None:
    assert client.get("/", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8765", "localhost.evil.example", "128.0.0.1",
                                  "[::2]:8765", "192.168.1.5", "0.0.0.0", "127.0.0.1.evil.example"])
def test_foreign_hosts_get_one_plain_400_for_get_and_post(client: FlaskClient, host: str,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    got = client.get("/", headers={"Host": host})
    posted = client.post("/", data={**GOOD, "action": "download"}, headers={"Host": host})
    batch = client.post("/batch/run", data={"csv_data": "eA=="}, headers={"Host": host, "Accept": "application/json"})
    for response in (got, posted, batch):
        assert response.status_code == 400 and response.mimetype == "text/plain"
        assert response.get_data(as_text=True) == got.get_data(as_text=True)
        for name, value in HEADERS.items():
            assert response.headers[name] == value
    assert "answers only to" in got.get_data(as_text=True)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]  # no traceback in the log


@pytest.fixture(scope="module")
def token_app() -> Flask:
    return create_app(token=TOKEN, trusted_hosts=None)


def test_token_required_when_set(token_app: Flask) -> None:
    client = token_app.test_client()
    refused = client.get("/")
    assert refused.status_code == 401 and "needs its access token" in refused.get_data(as_text=True)
    assert client.get("/static/style.css").status_code == 401
    assert client.get("/?token=wrong-token-wrong-token").status_code == 401
    assert client.get("/", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_query_token_becomes_a_cookie_and_leaves_the_address(token_app: Flask) -> None:
    client = token_app.test_client()
    response = client.get(f"/exercises?language=es&token={TOKEN}")
    assert response.status_code == 303 and response.headers["Location"] == "/exercises?language=es"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"{TOKEN_COOKIE}=") and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert client.get("/exercises").status_code == 200
    download = post(client, {**GOOD, "action": "download"})
    assert download.status_code == 200 and download.mimetype == "application/pdf"


def test_post_needs_the_token_as_well(token_app: Flask) -> None:
    client = token_app.test_client()
    assert client.post("/", data={**GOOD, "action": "download"}).status_code == 401


# --- the serve command and its log -------------------------------------------------------------------------------

@pytest.mark.parametrize("args, message", [
    pytest.param(["--host", "0.0.0.0"], "error: --host: listening on 0.0.0.0 lets other machines reach the form; "
                 "also pass --token", id="no-token"),
    pytest.param(["--host", "0.0.0.0", "--token", "short"], "error: --token: the token is shorter than 16",
                 id="short-token"),
])
def test_serve_refuses_an_open_address_without_a_token(args: list[str], message: str, capsys: Any,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HANDOUTS_TOKEN", raising=False)
    assert main(["serve", *args]) == 2
    assert capsys.readouterr().err.startswith(message)


def test_serve_reports_a_port_in_use(capsys: Any) -> None:
    with running(create_app()) as url:
        port = url.rsplit(":", 1)[1].strip("/")
        assert main(["serve", "--port", port]) == 2
    assert f"error: --port: cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err


def serve_and_visit(monkeypatch: pytest.MonkeyPatch, host: str, visit: Any, *, token: str | None = None) -> list[str]:
    """Run ``serve`` as the command does, call ``visit(lines, port)`` while it answers, then stop it.

    Returns the lines ``serve`` printed.
    """
    lines: list[str] = []
    real = server_module.make_server

    def made(*args: Any, **kwargs: Any) -> Any:
        server = real(*args, **kwargs)

        def serve_briefly() -> None:
            thread = threading.Thread(target=type(server).serve_forever, args=(server,), daemon=True)
            thread.start()
            try:
                visit(lines, server.port)
            finally:
                server.shutdown()
                thread.join(5)

        server.serve_forever = serve_briefly
        return server

    monkeypatch.setattr(server_module, "make_server", made)
    serve(host=host, port=0, token=token, open_browser=False, data=None, templates=None, echo=lines.append)
    return lines


def fetch(address: str, port: int, path: str = "/", *, host: str | None = None, method: str = "GET",
          headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    """One request to ``address`` (only this machine's addresses), with any Host header."""
    connection = http.client.HTTPConnection(address.strip("[]"), port, timeout=10)
    try:
        sent = {"Host": host or f"{address}:{port}", **(headers or {})}
        body = urllib.parse.urlencode({**GOOD, "action": "download"}) if method == "POST" else None
        if body:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode("utf-8", "replace")
    finally:
        connection.close()


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "127.255.255.254", "::1", "localhost"])
def test_every_loopback_address_serves_its_printed_address_and_refuses_other_hosts(
        monkeypatch: pytest.MonkeyPatch, host: str, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.delenv("HANDOUTS_TOKEN", raising=False)
    if host == "::1" and not socket.has_ipv6:
        pytest.skip("this machine has no IPv6")

    def visit(lines: list[str], port: int) -> None:
        shown = f"[{host}]" if ":" in host else host
        assert lines[0] == f"handouts is running at http://{shown}:{port}/"
        assert fetch(shown, port)[0] == 200
        refused = [fetch(shown, port, host="attacker.example"),
                   fetch(shown, port, host=f"attacker.example:{port}", method="POST"),
                   fetch(shown, port, "/static/style.css", host="attacker.example")]
        for status, headers, body in refused:
            assert status == 400 and body == refused[0][2] and "answers only to localhost" in body
            assert headers["Content-Security-Policy"] == HEADERS["Content-Security-Policy"]

    serve_and_visit(monkeypatch, host, visit)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_an_open_address_prints_this_machines_network_addresses(monkeypatch: pytest.MonkeyPatch) -> None:
    # A documentation address (never contacted): the test only reads what is printed.
    monkeypatch.setattr(server_module, "lan_addresses", lambda *, ipv6: [] if ipv6 else ["192.0.2.10"])

    def visit(lines: list[str], port: int) -> None:
        status, headers, _ = fetch("127.0.0.1", port, f"/?token={TOKEN}")
        assert status == 303 and TOKEN_COOKIE in headers["Set-Cookie"]

    lines = serve_and_visit(monkeypatch, "0.0.0.0", visit, token=TOKEN)
    printed = "\n".join(lines)
    port = re.search(r"http://127\.0\.0\.1:(\d+)/", printed)
    assert port and "0.0.0.0" not in printed
    assert f"http://127.0.0.1:{port.group(1)}/?token={TOKEN} (this computer)" in printed
    assert f"http://192.0.2.10:{port.group(1)}/?token={TOKEN} (other computers on the network)" in printed


def test_network_addresses_are_reachable_kinds_only() -> None:
    for ipv6 in (False, True):
        for text in lan_addresses(ipv6=ipv6):
            address = ipaddress.ip_address(text)
            assert address.version == (6 if ipv6 else 4)
            assert not (address.is_loopback or address.is_unspecified or address.is_link_local)


@pytest.mark.parametrize("host, local", [("127.0.0.1", True), ("localhost", True), ("::1", True),
                                         ("0.0.0.0", False), ("192.168.1.5", False), ("example.org", False)])
def test_loopback_addresses(host: str, local: bool) -> None:
    assert is_loopback(host) is local


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def werkzeug_log() -> Iterator[list[str]]:
    logger = logging.getLogger("werkzeug")
    handler, level = _Records(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield handler.lines
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


class running:
    """A real server on a free port of this machine, as ``handouts serve`` runs it."""

    def __init__(self, app: Flask) -> None:
        self.server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietRequestHandler)

    def __enter__(self) -> str:
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return f"http://127.0.0.1:{self.server.port}/"

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


def test_request_log_has_no_query_strings_or_patient_data(werkzeug_log: list[str]) -> None:
    with running(create_app(token=TOKEN, trusted_hosts=None)) as url:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        page = opener.open(f"{url}?token={TOKEN}").read().decode()
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token
        body = urllib.parse.urlencode({**GOOD, CSRF_FIELD: token.group(1), "action": "download"}).encode()
        assert opener.open(url, data=body).read().startswith(b"%PDF")
    log = "\n".join(werkzeug_log)
    assert "GET / 303" in log and "POST / 200" in log
    for secret in (TOKEN, "token=", GOOD["patient_id"], GOOD["name"], "Zo"):
        assert secret not in log


def test_warnings_speak_of_the_forms_own_controls(app) -> None:  # type: ignore[no-untyped-def]
    dataset = app.extensions["handouts"].library.dataset
    added = PlanWarning("added", ("walking",), override="skip_walking", details=(("phase", "subacute"),))
    warning = plain_warning(added, dataset)
    assert warning.text == "Added Walking: part of every subacute plan."
    assert warning.hint == "Tick “Leave walking out” below to change this."
    removed = plain_warning(PlanWarning("removed-strengthening", ("prone-plank",), override="allow_strengthening",
                                        details=(("phase", "acute"),)), dataset)
    assert removed.text == "Acute phase is stretching only: removed Plank on elbows."
    assert "--" not in removed.text + removed.hint


def test_batch_problems_speak_of_this_page_and_the_csv_never_of_command_line_flags(client: FlaskClient) -> None:
    text = (CSV_HEADER + ",exercises").replace("\n,", ",") + "\n" + (
        "q-1,Ann,nonspecific,acute,03/04/2026,\n"
        "q-2,Bo,sciatica,subacute,2026-12-07,\n"
        "q-3,Cy,nonspecific,maintenance,2026-12-07,hamstring-stretch\n")
    page = upload(client, text).get_data(as_text=True)
    assert "under &#39;Dates in the file&#39;" in page or "under 'Dates in the file'" in page  # the ambiguous date
    assert "fill in the exercises column" in page  # sciatica has no defaults
    assert "set the skip_walking column to yes" in page  # walking added, with how to leave it out
    # (the form's CSRF token is random URL-safe base64, with "--" in about one page in a hundred)
    shown = re.sub(r'<!--.*?-->|<script.*?</script>|<style.*?</style>|name="csrf_token" value="[^"]*"', "", page,
                   flags=re.S)
    assert "--" not in shown


def test_an_upload_mixing_day_first_and_month_first_dates_names_the_lines(client: FlaskClient) -> None:
    text = CSV_HEADER + "m-1,Ann,nonspecific,acute,13/12/2026\nm-2,Bo,nonspecific,acute,12/14/2026\n"
    page = upload(client, text).get_data(as_text=True).replace("&#39;", "'")
    assert "'12/14/2026' reads only as MM/DD/YYYY, and line 2 reads only as DD/MM/YYYY" in page
    assert "under 'Dates in the file'" in page


@pytest.mark.parametrize("close", [False, True])
def test_a_body_the_server_lets_go_of_without_closing_still_closes_its_file(close: bool) -> None:
    """Werkzeug's server skips a body's close when the browser drops the connection mid-send (its
    clean-up reads the dropped socket first, and raises): the static file stayed open until the
    garbage collector found it, with a ResourceWarning (a browser test failed on it now and then)."""
    import gc
    import warnings

    from werkzeug.test import EnvironBuilder

    from handouts.web import create_app

    environ = EnvironBuilder(path="/static/favicon.svg", base_url="http://127.0.0.1/").get_environ()
    statuses: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        body = create_app()(environ, lambda status, headers, exc_info=None: statuses.append(status))
        assert next(iter(body)).startswith(b"<svg")  # sent in part, then the connection drops
        if close:
            body.close()  # type: ignore[attr-defined]
        del body
        gc.collect()
    assert statuses == ["200 OK"]
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []
