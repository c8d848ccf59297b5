"""The web form through Flask's test client: pages, plan, PDFs, batch zip, security."""

from __future__ import annotations

import io
import logging
import re
import tempfile
import threading
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterator
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
from handouts.web.forms import plain_warning
from handouts.web.security import CSRF_FIELD, HEADERS, TOKEN_COOKIE
from handouts.web.server import QuietRequestHandler, is_loopback

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
    assert library.dataset.exercise("hamstring-stretch").words("es").name in spanish


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
    assert ("Osteoporosis or fracture risk: Both knees to chest replaced by One knee to chest, since bending the "
            "spine forward to its limit may raise the risk of a spinal fracture.") in html
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


def test_batch_upload_over_the_limit_is_refused_plainly(client: FlaskClient) -> None:
    response = upload(client, CSV_HEADER + "x" * 2_100_000)
    assert response.status_code == 413
    assert "The file is larger than 2 MB" in response.get_data(as_text=True)
    huge = upload(client, b"x" * 4_100_000)
    assert huge.status_code == 413 and "The upload is too large" in huge.get_data(as_text=True)


def test_batch_run_sends_a_zip_of_handouts_manifest_and_print_file(client: FlaskClient) -> None:
    before = leftovers()
    checked = upload(client, CSV_ONE_BAD, date_format="DD/MM/YYYY").get_data(as_text=True)
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', checked.split("batch-run-form")[1]))
    assert fields["date_format"] == "DD/MM/YYYY"
    response = client.post("/batch/run", data={**fields, "cover": "yes"})
    data = response.data
    response.close()  # the zip is a temporary file, removed when closed
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["X-Handouts-Summary"] == "2 handouts made, 1 row left out"
    with zipfile.ZipFile(io.BytesIO(data)) as zipped:
        names = sorted(zipped.namelist())
        assert names == ["handouts/p-1.pdf", "handouts/p-3.pdf", "manifest.csv", "print.pdf"]
        manifest = zipped.read("manifest.csv").decode()
        assert "p-2" in manifest and "invalid" in manifest
        assert "Zoë Nguyễn" in pdf_text(zipped.read("handouts/p-1.pdf"))
        combined = zipped.read("print.pdf")
        assert page_count(combined) == (page_count(zipped.read("handouts/p-1.pdf"))
                                        + page_count(zipped.read("handouts/p-3.pdf")))
    assert leftovers() == before  # the upload, the handouts and the zip are gone


def leftovers() -> set[str]:
    """What the web app left in the temporary folder (it should leave nothing)."""
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
