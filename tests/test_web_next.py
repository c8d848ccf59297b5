"""The web's "Next handout" page through Flask's test client: upload, tick boxes, the zip, errors, CSRF."""

from __future__ import annotations

import base64
import io
import json
import re
import zipfile
from datetime import date, timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from helpers import pdf_text

from handouts.cli import cli
from handouts.web import create_app
from handouts.web.security import CSRF_FIELD

START = date(2026, 12, 7)
HEADER = "patient_id,date,exercise_id,sessions_planned,sessions_ticked,pain,walking_minutes\n"
FALLING = [6, 6, 5, 4, 3, 3, 2]
EXERCISES = "one-knee-to-chest,abdominal-bracing,low-back-bridge,walking"


@pytest.fixture(scope="module")
def app() -> Flask:
    made = create_app()
    made.testing = True
    return made


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="module")
def record(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, bytes]:
    """A week's plan record (subacute, four exercises) and an adherence CSV: everything done, pain falling."""
    folder = tmp_path_factory.mktemp("last")
    result = CliRunner().invoke(cli, ["make", "--patient-id", "p-9", "--name", "Ana <b>Ruiz</b>", "--start-date",
                                      START.isoformat(), "--weeks", "1", "--leg-pain", "no", "--no-cover",
                                      "--diagnosis", "nonspecific", "--phase", "subacute", "--exercises", EXERCISES,
                                      "-o", str(folder)])
    assert result.exit_code == 0, result.output
    data = (folder / "p-9.plan.json").read_bytes()
    lines = [HEADER]
    for day in range(7):
        for exercise in json.loads(data)["plan"]["exercises"]:
            n, walk = exercise["dose"]["times_a_day"], exercise["id"] == "walking"
            lines.append(f"p-9,{(START + timedelta(days=day)).isoformat()},{exercise['id']},{n},{n},{FALLING[day]},"
                         f"{30 if walk else ''}\n")
    return data, "".join(lines).encode()


def csrf(client: FlaskClient) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/next").get_data(as_text=True))
    assert match, "the page has no CSRF field"
    return match.group(1)


def upload(client: FlaskClient, record: bytes | None, adherence: bytes | None = None, *, pain: str = "",
           names: tuple[str, str] = ("p-9.plan.json", "adherence.csv")) -> tuple[int, str]:
    data: dict[str, Any] = {CSRF_FIELD: csrf(client), "pain": pain}
    if record is not None:
        data["record"] = (io.BytesIO(record), names[0])
    if adherence is not None:
        data["adherence"] = (io.BytesIO(adherence), names[1])
    response = client.post("/next", data=data, content_type="multipart/form-data")
    return response.status_code, response.get_data(as_text=True)


def make_form(html: str) -> dict[str, Any]:
    """The fields the proposal's form sends back (hidden inputs, start date, ticked boxes)."""
    form = re.search(r'<form method="post" action="/next/make".*?</form>', html, re.S)
    assert form, "no form to make the next handout"
    fields: dict[str, Any] = {"change": []}
    for tag in re.findall(r"<input[^>]*>", form.group(0)):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name and name.group(1) == "change":
            if " checked" in tag:
                fields["change"].append(value.group(1))  # type: ignore[union-attr]
        elif name:
            fields[name.group(1)] = value.group(1) if value else ""
    return fields


def summary(html: str) -> str:
    match = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert match, "no error summary"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0))).replace("&#39;", "'")


def test_the_page_is_in_the_menu_and_asks_for_the_record(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert '<a href="/next">Next handout</a>' in html
    page = client.get("/next").get_data(as_text=True)
    assert 'aria-current="page">Next handout' in page
    assert 'type="file" id="field-record" name="record"' in page and 'id="field-adherence"' in page


def test_each_change_has_a_tick_box_and_the_next_phase_is_only_asked(client: FlaskClient,
                                                                       record: tuple[bytes, bytes]) -> None:
    code, html = upload(client, *record)
    assert code == 200, summary(html)
    labels = re.findall(r'<label for="change-([^"]+)">([^<]+)</label>', html)
    assert labels == [
        ("one-knee-to-chest", "Both knees to chest instead of One knee to chest (harder version)"),
        ("abdominal-bracing", "Plank on knees instead of Stomach bracing (harder version)"),
        ("low-back-bridge", "Bridge: hold 10 seconds instead of hold 5 seconds (harder version)"),
        ("walking", "Walking: walk 14 minutes instead of walk 10 minutes (build-up)"),
    ]
    assert "Done 14 of 14 sessions (7 of 7 days in full), pain fell from 5.7 to 2.7." in html
    question = re.search(r'<div class="warnings" id="phase-question">.*?</div>', html, re.S)
    assert question and "Is the patient ready for the maintenance phase?" in question.group(0)
    assert "<input" not in question.group(0)
    assert make_form(html)["start_date"] == "2026-12-14"  # the day after the last week


def test_the_ticked_changes_make_the_next_handout_and_its_record(client: FlaskClient,
                                                                  record: tuple[bytes, bytes]) -> None:
    _, html = upload(client, *record)
    form = make_form(html)
    form["change"] = ["abdominal-bracing", "walking"]  # the clinician unticks the other two
    response = client.post("/next/make", data=form)
    assert response.status_code == 200, summary(response.get_data(as_text=True))
    assert response.headers["Content-Disposition"] == "attachment; filename=p-9-next.zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as zipped:
        assert sorted(zipped.namelist()) == ["p-9.pdf", "p-9.plan.json"]
        made = json.loads(zipped.read("p-9.plan.json"))
        text = pdf_text(zipped.read("p-9.pdf"))
    assert [e["id"] for e in made["plan"]["exercises"]] == ["one-knee-to-chest", "plank-on-knees",
                                                             "low-back-bridge", "walking"]
    assert made["request"]["dose_changes"] == {"walking": {"minutes": 14}}
    assert made["request"]["phase"] == "subacute" and made["request"]["start_date"] == "2026-12-14"
    assert made["request"]["name"] == "Ana <b>Ruiz</b>"
    assert "Plank on knees" in text and "Walk 14 minutes" in text


def test_no_tick_keeps_the_plan_on_new_dates(client: FlaskClient, record: tuple[bytes, bytes]) -> None:
    _, html = upload(client, *record)
    form = {**make_form(html), "change": [], "start_date": "2026-12-21"}
    response = client.post("/next/make", data=form)
    with zipfile.ZipFile(io.BytesIO(response.data)) as zipped:
        made = json.loads(zipped.read("p-9.plan.json"))
    assert made["request"]["exercises"] == EXERCISES.split(",") and made["request"]["dose_changes"] == {}
    assert made["plan"]["start_date"] == "2026-12-21"


@pytest.mark.parametrize("tick", ["phase", "maintenance", "bird-dog"])
def test_a_tick_the_page_never_offered_is_refused(client: FlaskClient, record: tuple[bytes, bytes], tick: str) -> None:
    _, html = upload(client, *record)
    response = client.post("/next/make", data={**make_form(html), "change": [tick]})
    assert response.status_code == 422 and response.mimetype == "text/html"
    assert f"'{tick}' is not an exercise in the diff" in summary(response.get_data(as_text=True))


def test_typed_pain_scores_are_used_without_a_csv(client: FlaskClient, record: tuple[bytes, bytes]) -> None:
    code, html = upload(client, record[0], pain="2, 3, 4, 5, 6")
    assert code == 200, summary(html)
    assert "No ticks recorded for it." in html and "Pain rose from 2.5 to 5.5." in html and 'name="pain" value="2, 3, 4, 5, 6"' in html


@pytest.mark.parametrize(
    ("change", "field", "expected"),
    [
        pytest.param(lambda r, a: (None, a), "record", "Choose the plan record", id="no-record"),
        pytest.param(lambda r, a: (r.replace(b'"phase": "subacute"', b'"phase": "accute"', 1), a), "record",
                     "p-9.plan.json: request.phase: 'accute' is not one of acute, subacute, maintenance",
                     id="bad-record"),
        pytest.param(lambda r, a: (b"{not json", a), "record", "p-9.plan.json", id="not-json"),
        pytest.param(lambda r, a: (r, a.replace(b"p-9,2026-12-09,walking,1,1", b"p-9,2026-12-09,walking,1,x")),
                     "adherence", "adherence.csv:13: column 'sessions_ticked': 'x' is not a whole number from 0 to 12",
                     id="bad-cell"),
        pytest.param(lambda r, a: (r, a.replace(b"p-9,2026-12-07,walking", b"p-9,2026-12-07,<script>x</script>")),
                     "adherence", "adherence.csv:5: column 'exercise_id': '&lt;script&gt;x&lt;/script&gt;' is not in the plan",
                     id="markup-in-a-cell"),
    ],
)
def test_a_bad_upload_is_named_with_its_file_row_and_column(client: FlaskClient, record: tuple[bytes, bytes],
                                                            change: Any, field: str, expected: str) -> None:
    code, html = upload(client, *change(*record))
    assert code == 422
    assert expected in summary(html)
    assert f'href="#field-{field}"' in html and "<script>x" not in html
    assert 'action="/next/make"' not in html


def test_a_bad_pain_score_is_named_beside_its_field(client: FlaskClient, record: tuple[bytes, bytes]) -> None:
    code, html = upload(client, record[0], pain="3, 12")
    assert code == 422
    assert "'12' is not a pain score from 0 to 10" in summary(html) and 'href="#field-pain"' in html


def test_a_bad_start_date_is_named_and_the_ticks_stay_as_they_were(client: FlaskClient,
                                                                     record: tuple[bytes, bytes]) -> None:
    _, html = upload(client, *record)
    response = client.post("/next/make", data={**make_form(html), "start_date": "1999-01-01", "change": ["walking"]})
    again = response.get_data(as_text=True)
    assert response.status_code == 422 and 'href="#field-start_date"' in again
    assert make_form(again)["change"] == ["walking"]


def test_the_files_must_come_back_with_the_form(client: FlaskClient) -> None:
    response = client.post("/next/make", data={CSRF_FIELD: csrf(client), "record_data": "%%%"})
    assert response.status_code == 422
    assert "did not come back with the form" in summary(response.get_data(as_text=True))


def test_without_the_csrf_token_nothing_is_read(client: FlaskClient, record: tuple[bytes, bytes]) -> None:
    client.get("/next")
    response = client.post("/next", data={"record": (io.BytesIO(record[0]), "p-9.plan.json")},
                           content_type="multipart/form-data")
    assert response.status_code == 400


def test_the_page_says_which_files_it_read(client: FlaskClient, record: tuple[bytes, bytes]) -> None:
    _, html = upload(client, *record, names=("p-9 (2).plan.json", "week 1.csv"))
    note = re.search(r'<p class="note" id="checked-files">(.*?)</p>', html, re.S)
    assert note and " ".join(note.group(1).split()) == \
        "From p-9_2.plan.json and week_1.csv: the subacute plan that started on 2026-12-07."


def test_a_file_sent_back_without_its_name_is_named_by_its_kind(client: FlaskClient) -> None:
    response = client.post("/next/make", data={CSRF_FIELD: csrf(client),
                                               "record_data": base64.b64encode(b"{not json").decode()})
    assert response.status_code == 422
    assert summary(response.get_data(as_text=True)).strip().startswith("Please check 1 thing plan.json")
