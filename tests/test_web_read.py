"""The web page "Read checklists": scans in, each page as read, unsure boxes decided, adherence CSV out."""

from __future__ import annotations

import csv
import io
import random
import re
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage

cv2 = pytest.importorskip("cv2")

from handouts.model import HandoutRequest, Patient  # noqa: E402
from handouts.model.layout import MM  # noqa: E402
from handouts.model.options import PrintOptions  # noqa: E402
from handouts.run.handout import make_handout  # noqa: E402
from handouts.run.layout_file import layout_json  # noqa: E402
from handouts.run.record import plan_record, record_bytes  # noqa: E402
from handouts.web import create_app  # noqa: E402
from handouts.web.security import CSRF_FIELD  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import readback_synth as synth  # noqa: E402

NAME = "Zoë Ñandú"
MONDAY = date(2026, 12, 7)


@pytest.fixture(scope="module")
def app() -> Flask:
    made = create_app()
    made.testing = True
    return made


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="module")
def sheet(library: Any) -> dict[str, Any]:
    """A one-week checklist of p-0031: its layout JSON, and a photo of its page with Monday ticked in blue
    and one faint mark (read as unsure) on Tuesday's first session."""
    request = HandoutRequest(patient=Patient("p-0031", NAME), diagnosis="nonspecific", phase="subacute",
                             start_date=MONDAY, weeks=1)
    handout = make_handout(request, library=library,
                           options=PrintOptions(use_cover=False, today=date(2026, 12, 2)))
    layout = handout.layout
    page = layout.sheets[0].page
    image = synth.render_page(handout.pdf, page, 200)
    px, height = 200 / 25.4, layout.page_size[1]
    rng = random.Random(3)

    def place(box: Any) -> tuple[float, float, float]:
        r = box.rect
        return r.x / MM * px, (height - r.y - r.height) / MM * px, r.width / MM * px

    on_page = [b for b in layout.boxes if b.page == page]
    for box in on_page:
        if box.date == MONDAY and box.kind == "exercise":
            synth.draw_mark(image, "check", place(box), px, rng, "blue")
    faint = next(b for b in on_page if b.kind == "exercise" and b.date == date(2026, 12, 8))
    x, y, side = place(faint)
    synth._stroke(image, [(x + 0.2 * side, y + 0.5 * side), (x + 0.45 * side, y + 0.8 * side),
                          (x + 0.85 * side, y + 0.15 * side)], (205, 205, 205), 0.3 * px, 1.0, rng)
    ok, jpeg = cv2.imencode(".jpg", cv2.rotate(image, cv2.ROTATE_90_CLOCKWISE), [cv2.IMWRITE_JPEG_QUALITY, 80])
    assert ok
    record = record_bytes(plan_record(handout.plan, made=date(2026, 12, 2), document_id=layout.document_id))
    return {"layout": layout_json(layout, patient_id="p-0031", kind="handout"), "plan": record,
            "jpeg": bytes(jpeg), "faint": faint, "document_id": layout.document_id}


def csrf(client: FlaskClient) -> str:
    page = client.get("/read")
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    assert match
    return match.group(1)


def upload(client: FlaskClient, sheet: dict[str, Any], *, with_layout: str | None = "layout") -> Any:
    files: dict[str, Any] = {CSRF_FIELD: csrf(client),
                             "scans": [FileStorage(io.BytesIO(sheet["jpeg"]), "visit photo.jpg", "scans")]}
    if with_layout:
        files["layouts"] = [FileStorage(io.BytesIO(sheet[with_layout]), f"p-0031.{with_layout}.json", "layouts")]
    return client.post("/read", data=files, content_type="multipart/form-data")


def test_the_page_is_in_the_navigation_with_its_form(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert 'href="/read"' in page and "Read checklists" in page
    form = client.get("/read").get_data(as_text=True)
    assert '<h1>Read checklists</h1>' in form and 'name="scans" multiple' in form and 'name="layouts"' in form


def test_a_photo_is_shown_as_read_and_its_unsure_box_is_asked_about(client: FlaskClient, sheet: dict[str, Any]) -> None:
    response = upload(client, sheet)
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert "1 of 1 page read." in page
    assert "p-0031 week 1: " in page
    assert 'src="data:image/jpeg;base64,' in page
    assert "img-src 'self' data:" in response.headers["Content-Security-Policy"]
    assert "no-store" in response.headers["Cache-Control"]
    assert NAME not in page and "Zo&#235;" not in page  # the layout never held the name
    assert re.search(r"<legend>[^<]*, Tue 8 Dec, session 1</legend>", page), page
    assert page.count('type="radio"') == 3 * page.count('class="unsure-box"') >= 3


def _decide(client: FlaskClient, page: str, choice: str) -> list[dict[str, str]]:
    reading = re.search(r'name="reading" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    names = set(re.findall(r'name="(decide-\d+)"', page))
    response = client.post("/read/csv", data={CSRF_FIELD: csrf(client), "reading": reading,
                                              **{name: choice for name in names}})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "adherence.csv" in response.headers["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


@pytest.mark.parametrize(("choice", "ticked", "unsure"), [
    pytest.param("ticked", "1", "0", id="decided-ticked"),
    pytest.param("blank", "0", "0", id="decided-blank"),
    pytest.param("unsure", "0", "1", id="left-unsure"),
])
def test_the_csv_has_the_ticks_and_the_decisions(client: FlaskClient, sheet: dict[str, Any], choice: str,
                                                  ticked: str, unsure: str) -> None:
    page = upload(client, sheet).get_data(as_text=True)
    rows = _decide(client, page, choice)
    assert rows and {r["patient_id"] for r in rows} == {"p-0031"}
    for row in rows:
        if row["date"] == "2026-12-07" and row["exercise_id"] != "walking":
            assert row["sessions_ticked"] == row["sessions_planned"], row
    faint = sheet["faint"]
    row = next(r for r in rows if r["date"] == "2026-12-08" and r["exercise_id"] == faint.exercise_id)
    assert (row["sessions_ticked"], row["unsure"]) == (ticked, unsure)


def test_a_missing_layout_says_to_upload_it(client: FlaskClient, sheet: dict[str, Any],
                                            monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no output/ folder here
    page = upload(client, sheet, with_layout=None).get_data(as_text=True)
    assert "0 of 1 page read." in page
    assert (f"Not read: No layout for document {sheet['document_id']}: add the .layout.json file written beside "
            "its PDF (or the .plan.json there) to the upload") in page
    assert "Download the adherence CSV" not in page


def test_a_plan_record_stands_in_for_a_lost_layout(client: FlaskClient, sheet: dict[str, Any]) -> None:
    by_layout = _decide(client, upload(client, sheet).get_data(as_text=True), "unsure")
    by_plan = _decide(client, upload(client, sheet, with_layout="plan").get_data(as_text=True), "unsure")
    assert by_plan == by_layout


def test_no_file_chosen_is_named_beside_the_field(client: FlaskClient) -> None:
    response = client.post("/read", data={CSRF_FIELD: csrf(client)}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Choose the scans or photos to read (PDF, JPEG or PNG)." in response.get_data(as_text=True)


def test_an_upload_over_the_limit_is_refused_on_the_page(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from handouts.web import reading

    # small, so the test client keeps the body in memory (a larger one is spooled to a file it leaves open)
    monkeypatch.setattr(reading, "MAX_SCAN_BYTES", 100_000)
    monkeypatch.setattr(reading, "FORM_ROOM", 10_000)
    files = {CSRF_FIELD: csrf(client), "scans": [FileStorage(io.BytesIO(b"x" * 200_000), "big.jpg", "scans")]}
    response = client.post("/read", data=files, content_type="multipart/form-data")
    assert response.status_code == 413
    assert ("The files chosen are larger than 0.1 MB in all. Read them a few at a time, or use the command line: "
            "handouts read SCAN...") in response.get_data(as_text=True)


def test_a_file_that_is_not_a_scan_is_listed_with_why(client: FlaskClient) -> None:
    files = {CSRF_FIELD: csrf(client), "scans": [FileStorage(io.BytesIO(b"not an image"), "notes.jpg", "scans")]}
    page = client.post("/read", data=files, content_type="multipart/form-data").get_data(as_text=True)
    assert "0 of 1 page read." in page and "notes.jpg" in page and "Not read: " in page


def test_a_reading_changed_on_the_way_back_is_refused(client: FlaskClient) -> None:
    response = client.post("/read/csv", data={CSRF_FIELD: csrf(client), "reading": "W10.forged"})
    assert response.status_code == 422
    assert "The reading did not come back with the form. Choose the scans again." in response.get_data(as_text=True)


def test_without_the_read_extra_the_page_says_what_to_install(client: FlaskClient,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "cv2", None)
    page = client.get("/read").get_data(as_text=True)
    assert "Reading is not installed" in page
    assert 'Reading scans needs the optional extra: pip install "handouts[read]" (OpenCV and NumPy).' in \
        page.replace("&#34;", '"')
