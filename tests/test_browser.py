"""The web form in a real browser: Playwright drives Debian's chromium against a live server.

Skipped (with the reason) only when chromium is missing or cannot start; .ci/run installs it.
"""

from __future__ import annotations

import io
import json
import shutil
import tempfile
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import UNICODE_NAME
from helpers import pdf_text
from werkzeug.serving import make_server

from handouts.run.library import Library
from handouts.web import create_app
from handouts.web.server import QuietRequestHandler

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")
Axe = pytest.importorskip("axe_playwright_python.sync_playwright",
                          reason="axe-playwright-python is not installed (pip install -e '.[test]')").Axe

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
CSV_ONE_BAD = ("patient_id,name,diagnosis,phase,start_date\n"
               "p-1,Zoë Nguyễn,herniated-disc,acute,2026-12-07\n"
               "p-2,Ñandú Pérez,nonspecific,accute,2026-12-07\n"
               "p-3,Björn Ågren,spinal-stenosis,subacute,2026-12-08\n")
TIMEOUT_MS = 10_000
# One budget for every wait: the page's own (set on each context below) and the assertions', which
# otherwise keep Playwright's 5 s default however the context is set. A check or a batch answered by
# the server while the rest of the suite fills both cores can take longer than 5 s.
sync_api.expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    server = make_server("127.0.0.1", 0, create_app(), threaded=True, request_handler=QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.port}"
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture(scope="module")
def browser() -> Iterator[sync_api.Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"chromium is not installed at {CHROMIUM} (apt-get install -y chromium)")
    with sync_api.sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=30_000)
        except sync_api.Error as exc:
            pytest.skip(f"chromium cannot start: {str(exc).splitlines()[0]}")
        yield launched
        launched.close()


@pytest.fixture
def page(browser: sync_api.Browser, base_url: str) -> Iterator[sync_api.Page]:
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    opened = context.new_page()
    problems: list[str] = []
    opened.on("pageerror", lambda exc: problems.append(str(exc)))
    # Answers such as 422 (a form with errors) are expected; any other console error is not.
    opened.on("console", lambda message: problems.append(message.text)
              if message.type == "error" and "Failed to load resource" not in message.text else None)
    yield opened
    context.close()
    assert not problems, f"the page reported errors: {problems}"


def fill_patient(page: sync_api.Page, diagnosis: str, phase: str) -> None:
    page.fill("#field-patient_id", "p-0042")
    page.fill("#field-name", UNICODE_NAME)
    page.select_option("#field-diagnosis", diagnosis)
    page.select_option("#field-phase", phase)


def test_plan_updates_with_the_stretching_only_warning(page: sync_api.Page, base_url: str) -> None:
    page.goto(base_url + "/")
    fill_patient(page, "herniated-disc", "acute")
    plan = page.locator("#plan")
    sync_api.expect(plan.locator("#row-prone-on-elbows")).to_be_visible()
    page.select_option("#field-add_exercise", "prone-plank")
    page.click("#add-exercise")
    warning = page.locator("#plan-warnings li[data-code=removed-strengthening]")
    sync_api.expect(warning).to_contain_text("Acute phase is stretching only: removed Plank on elbows.")
    sync_api.expect(plan.locator("#row-prone-plank")).to_have_class("exercise left-out")
    sync_api.expect(page.locator("#plan-status")).to_have_text("Plan updated: 3 exercises, 1 warning to check.")
    page.check("#field-allow_strengthening")
    sync_api.expect(page.locator("#plan-warnings li[data-code=kept-strengthening]")).to_be_visible()
    sync_api.expect(plan.locator("#row-prone-plank")).to_have_class("exercise")
    sync_api.expect(page.locator("#field-allow_strengthening")).to_be_focused()


def test_download_gives_the_pdf_with_the_patient_and_exercises(page: sync_api.Page, base_url: str,
                                                               library: Library) -> None:
    page.goto(base_url + "/")
    fill_patient(page, "spinal-stenosis", "acute")
    sync_api.expect(page.locator("#row-seated-flexion")).to_be_visible()
    page.focus("#down-double-knee-to-chest")
    page.keyboard.press("Enter")
    exercises = page.locator("input[name=exercises]")
    sync_api.expect(exercises).to_have_value("seated-flexion,double-knee-to-chest,walking")  # second of three
    sync_api.expect(page.locator("#down-double-knee-to-chest")).to_be_focused()
    page.keyboard.press("Enter")
    sync_api.expect(exercises).to_have_value("seated-flexion,walking,double-knee-to-chest")
    # Now last, its "down" button is disabled: the keyboard stays on the same exercise, on "up".
    sync_api.expect(page.locator("#up-double-knee-to-chest")).to_be_focused()
    page.fill("#dose-seated-flexion-times_a_day", "4")
    page.keyboard.press("Tab")
    sync_api.expect(page.locator("#dose-seated-flexion-times_a_day")).to_have_value("4")
    with page.expect_download() as download:
        page.click("button[value=download]")
    assert download.value.suggested_filename == "p-0042.pdf"
    text = pdf_text(Path(download.value.path()).read_bytes())
    assert UNICODE_NAME in text
    names = {i: library.dataset.exercise(i).words("en").name for i in ("seated-flexion", "double-knee-to-chest")}
    assert text.index(names["seated-flexion"]) < text.index(names["double-knee-to-chest"])  # the order chosen
    assert "4 times a day" in text


def test_preview_shows_the_pdf_inline_and_errors_beside_fields(page: sync_api.Page, base_url: str) -> None:
    page.goto(base_url + "/checklist")
    fill_patient(page, "nonspecific", "subacute")
    page.fill("#field-name", "")
    page.fill("#field-weeks", "13")
    page.click("#preview-button")
    sync_api.expect(page.locator("#name-error")).to_have_text("Enter the patient's name.")
    sync_api.expect(page.locator("#weeks-error")).to_have_text("'13' is not a whole number from 1 to 12.")
    sync_api.expect(page.locator("#field-name")).to_be_focused()
    page.fill("#field-name", UNICODE_NAME)
    page.fill("#field-weeks", "3")
    page.click("#preview-button")
    sync_api.expect(page.locator("#preview")).to_be_visible()
    assert (page.locator("#preview-frame").get_attribute("src") or "").startswith("blob:")
    sync_api.expect(page.locator("#name-error")).to_be_hidden()


def test_batch_shows_the_bad_rows_message_then_gives_the_zip(page: sync_api.Page, base_url: str) -> None:
    page.goto(base_url + "/batch")
    page.set_input_files("#field-csv", files=[{"name": "week.csv", "mimeType": "text/csv",
                                               "buffer": CSV_ONE_BAD.encode()}])
    page.get_by_role("button", name="Check the file").click()
    row = page.locator("#line-3")
    sync_api.expect(row).to_contain_text("p-2")
    sync_api.expect(row).to_contain_text("Column phase: 'accute' is not one of acute, subacute, maintenance")
    sync_api.expect(page.locator("#check-result")).to_contain_text("2 rows ready")
    with page.expect_download() as problems:
        page.get_by_role("button", name="Download every problem and note (CSV)").click()
    assert problems.value.suggested_filename == "week-problems.csv"
    listed = Path(problems.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert listed[0] == "line,patient_id,kind,message" and listed[1].startswith("3,p-2,problem,")
    with page.expect_download() as download:
        page.get_by_role("button", name="Make 2 handouts (zip)").click()
    sync_api.expect(page.locator("#batch-status")).to_contain_text("2 handouts made, 1 row left out")
    with zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes())) as zipped:
        assert sorted(zipped.namelist()) == ["handouts/p-1.pdf", "handouts/p-1.plan.json", "handouts/p-3.pdf",
                                             "handouts/p-3.plan.json", "manifest.csv", "print.pdf"]


def test_next_handout_from_the_ticked_changes(page: sync_api.Page, base_url: str) -> None:
    next_proposed(page, base_url, "en")
    sync_api.expect(page.locator("#phase-question")).to_contain_text("Is the patient ready for the maintenance phase?")
    assert page.locator("#phase-question input").count() == 0
    sync_api.expect(page.locator("input[name=change]")).to_have_count(4)
    page.get_by_label("Both knees to chest instead of One knee to chest (harder version)").uncheck()
    with page.expect_download() as download:
        page.get_by_role("button", name="Make the next handout (zip: PDF and plan record)").click()
    assert download.value.suggested_filename == "p-9-next.zip"
    with zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes())) as zipped:
        assert sorted(zipped.namelist()) == ["p-9.pdf", "p-9.plan.json"]
        made = json.loads(zipped.read("p-9.plan.json"))
    assert [e["id"] for e in made["plan"]["exercises"]] == ["one-knee-to-chest", "plank-on-knees",
                                                             "low-back-bridge", "walking"]
    assert made["request"]["phase"] == "subacute" and made["request"]["start_date"] == "2026-12-14"


def test_every_button_works_without_javascript(browser: sync_api.Browser, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "/")
    page.select_option("#field-diagnosis", "nonspecific")
    page.select_option("#field-phase", "acute")
    page.press("#field-weeks", "Enter")  # Enter in a field shows the plan, as "Show plan" does
    sync_api.expect(page.locator("#row-double-knee-to-chest")).to_be_visible()
    page.click("#remove-double-knee-to-chest")
    sync_api.expect(page.locator("input[name=exercises]")).to_have_value("piriformis-stretch,hamstring-stretch,walking")
    page.click("button[value=download]")
    sync_api.expect(page.locator("#name-error")).to_have_text("Enter the patient's name.")
    context.close()


FOCUSABLE = """() => {
  const all = document.querySelectorAll('a[href], button, input, select, textarea, summary');
  return Array.from(all).filter(el => !el.disabled && el.type !== 'hidden' && el.tabIndex >= 0 &&
                                      el.getClientRects().length > 0)
              .map((el, i) => { el.dataset.k = String(i); return el.id || el.name || el.textContent.trim(); });
}"""
ACTIVE = """() => { const el = document.activeElement;
  return el && el.dataset.k !== undefined ? [el.dataset.k, getComputedStyle(el).outlineStyle] : null; }"""


def tab_through(page: sync_api.Page) -> tuple[list[str], set[str], set[str]]:
    """Every control Tab should reach, the ones it reached, and any shown without a focus ring."""
    controls = page.evaluate(FOCUSABLE)
    reached: set[str] = set()
    unringed: set[str] = set()
    for _ in range(len(controls) * 3):
        page.keyboard.press("Tab")
        active = page.evaluate(ACTIVE)
        if active is None:
            continue
        key, outline = active
        reached.add(key)
        if outline == "none" and int(key) > 0:  # the skip link is styled on its own
            unringed.add(controls[int(key)])
        if len(reached) == len(controls):
            break
    return controls, reached, unringed


@pytest.mark.parametrize("path", ["/", "/batch", "/next", "/exercises"])
def test_keyboard_alone_reaches_every_control(page: sync_api.Page, base_url: str, path: str) -> None:
    page.goto(base_url + path)
    if path == "/":
        fill_patient(page, "herniated-disc", "subacute")
        sync_api.expect(page.locator("#row-walking")).to_be_visible()
        page.locator("body").click(position={"x": 5, "y": 5})
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
    controls, reached, unringed = tab_through(page)
    missed = [controls[i] for i in range(len(controls)) if str(i) not in reached]
    assert len(controls) > 5 and not missed, f"Tab never reached: {missed}"
    assert not unringed, f"focused without a visible focus ring: {sorted(unringed)}"


CONTROL_PROPERTIES = """() => Object.fromEntries(['patient_id', 'name', 'weeks', 'clinician'].map(name => {
  const el = document.getElementById('field-' + name);
  return [name, {autocomplete: el.autocomplete, maxLength: el.maxLength, min: el.min, max: el.max,
                 spellcheck: el.spellcheck}];
}))"""


@pytest.mark.parametrize("path", ["/", "/checklist"])
def test_input_limits_and_autocomplete_reach_the_browser(page: sync_api.Page, base_url: str, path: str) -> None:
    page.goto(base_url + path)
    found = page.evaluate(CONTROL_PROPERTIES)
    assert found["patient_id"] == {"autocomplete": "off", "maxLength": 64, "min": "", "max": "", "spellcheck": False}
    assert found["name"]["autocomplete"] == "off" and found["name"]["maxLength"] == 120
    assert (found["weeks"]["min"], found["weeks"]["max"]) == ("1", "12")
    assert found["clinician"]["autocomplete"] == "name"
    page.fill("#field-weeks", "13")
    assert page.evaluate("() => document.getElementById('field-weeks').validity.rangeOverflow") is True


class PlanRefreshGate:
    """Holds the page's plan refreshes to ``url`` until ``release``; any that arrive later pass at once.

    So an answer can be made to come after another, whatever order the browser sends them in.
    """

    def __init__(self, page: sync_api.Page, url: str) -> None:
        self.held: list[sync_api.Route] = []
        self.released = False
        page.route(url, self._route)

    def _route(self, route: sync_api.Route) -> None:
        if not self.released and 'name="action"\r\n\r\nplan\r\n' in (route.request.post_data or ""):
            self.held.append(route)
        else:
            route.continue_()

    def release(self) -> None:
        self.released = True
        for route in self.held:
            route.continue_()


def test_a_late_plan_refresh_never_wipes_the_previews_field_errors(page: sync_api.Page, base_url: str) -> None:
    page.goto(base_url + "/checklist")
    gate = PlanRefreshGate(page, base_url + "/checklist")  # answered after the preview's answer
    fill_patient(page, "nonspecific", "subacute")  # two plan refreshes: diagnosis, then phase
    page.fill("#field-name", "")
    page.click("#preview-button")
    error = page.locator("#name-error")
    sync_api.expect(error).to_have_text("Enter the patient's name.")
    sync_api.expect(page.locator("#plan")).to_have_attribute("aria-busy", "true")  # the refreshes wait
    gate.release()
    sync_api.expect(page.locator("#plan")).to_have_attribute("aria-busy", "false")  # both late answers handled
    sync_api.expect(error).to_have_text("Enter the patient's name.")
    sync_api.expect(page.locator("#field-name")).to_have_attribute("aria-invalid", "true")
    sync_api.expect(page.locator("#plan-message")).to_have_text("Fix the fields marked above to see the plan.")


def test_preview_without_javascript_opens_apart_and_keeps_the_form(browser: sync_api.Browser, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(base_url + "/")
    fill_patient(page, "nonspecific", "acute")
    page.fill("#field-notes", "Walk to the shop and back.")
    with context.expect_event("response", lambda r: r.request.method == "POST") as answer, \
            context.expect_page() as opened:
        page.click("#preview-button")
    assert answer.value.status == 200 and answer.value.header_value("content-type") == "application/pdf"
    assert opened.value is not page and answer.value.frame.page is opened.value
    assert page.url == base_url + "/"
    sync_api.expect(page.locator("#field-name")).to_have_value(UNICODE_NAME)
    sync_api.expect(page.locator("#field-notes")).to_have_value("Walk to the shop and back.")
    context.close()


def test_long_notes_are_counted_live_and_refused_in_the_same_words(page: sync_api.Page, base_url: str) -> None:
    expected = "The notes are 2,143 characters long; the limit is 2,000. Shorten them by 143."
    page.goto(base_url + "/")
    gate = PlanRefreshGate(page, base_url + "/")
    fill_patient(page, "nonspecific", "subacute")
    sync_api.expect(page.locator("#notes-count")).to_have_text("0 of 2,000 characters")
    page.fill("#field-notes", "z" * 2143)  # as a paste: one input event
    sync_api.expect(page.locator("#field-notes")).to_have_value("z" * 2143)  # not cut
    sync_api.expect(page.locator("#notes-error")).to_have_text(expected)
    gate.release()  # answers to refreshes sent before the paste: they must not clear the message
    sync_api.expect(page.locator("#plan")).to_have_attribute("aria-busy", "false")
    sync_api.expect(page.locator("#notes-count")).to_have_text("2,143 of 2,000 characters")
    sync_api.expect(page.locator("#notes-error")).to_have_text(expected)
    sync_api.expect(page.locator("#field-notes")).to_have_attribute("aria-invalid", "true")
    sync_api.expect(page.locator("#notes-status")).to_have_text("The notes are longer than 2,000 characters.")
    page.click("button[value=download]")  # an ordinary submission: the server's answer
    sync_api.expect(page.locator("#error-summary")).to_contain_text(expected)
    sync_api.expect(page.locator("#notes-error")).to_have_text(expected)
    page.fill("#field-notes", "z" * 2000)
    sync_api.expect(page.locator("#notes-error")).to_be_hidden()
    sync_api.expect(page.locator("#notes-count")).to_have_text("2,000 of 2,000 characters")


def test_cover_and_password_reach_the_pdf_and_stay_out_of_plan_refreshes(page: sync_api.Page, base_url: str) -> None:
    from pypdf import PdfReader

    cover = Path(__file__).parents[1] / "data" / "clinics" / "sample" / "cover-es.pdf"
    refreshes: list[str] = []
    page.on("request", lambda r: refreshes.append(r.post_data or "")
            if r.method == "POST" and 'name="action"\r\n\r\nplan\r\n' in (r.post_data or "") else None)
    page.goto(base_url + "/checklist")
    page.set_input_files("#field-cover_file", str(cover))
    page.fill("#field-password", "open sesame 7")
    page.fill("#field-password_again", "open sesame 7")
    fill_patient(page, "nonspecific", "subacute")
    sync_api.expect(page.locator("#row-walking")).to_be_visible()
    with page.expect_download() as download:
        page.click("button[value=download]")
    reader = PdfReader(Path(download.value.path()))
    assert reader.is_encrypted and reader.decrypt("open sesame 7")
    cover_pages = len(PdfReader(cover).pages)
    assert len(reader.pages) > cover_pages  # the cover, then the checklist
    assert "Week 1" not in reader.pages[0].extract_text() and "Week 1" in reader.pages[cover_pages].extract_text()
    assert refreshes and not [body for body in refreshes if "open sesame" in body or "cover_file" in body]


# --- accessibility: axe-core on every page, both languages, wide and phone-sized --------------------------------

VIEWPORTS = {"wide": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def show_plan(page: sync_api.Page, base_url: str, language: str) -> None:
    """The make page with a plan: a warning, a row left out by the rules, dose inputs."""
    page.goto(base_url + "/")
    page.select_option("#field-language", language)
    fill_patient(page, "herniated-disc", "acute")
    sync_api.expect(page.locator("#row-prone-on-elbows")).to_be_visible()
    page.select_option("#field-add_exercise", "prone-plank")
    page.click("#add-exercise")
    sync_api.expect(page.locator("#row-prone-plank")).to_have_class("exercise left-out")
    sync_api.expect(page.locator("#plan")).to_have_attribute("aria-busy", "false")


def errors_in_full(path: str) -> Any:
    """Download with nothing typed: the page comes back with its errors."""
    def open_page(page: sync_api.Page, base_url: str, language: str) -> None:
        page.goto(base_url + path)
        page.select_option("#field-language", language)
        page.click("button[value=download]")
        sync_api.expect(page.locator("#error-summary")).to_be_visible()
    return open_page


CSV_WITH_NOTES = ("patient_id,name,diagnosis,phase,exercises,language\n"
                  "p-1,Zoë Nguyễn,herniated-disc,acute,prone-on-elbows;prone-plank,{language}\n"
                  "p-2,Ñandú Pérez,nonspecific,accute,,{language}\n")


def batch_checked(page: sync_api.Page, base_url: str, language: str) -> None:
    page.goto(base_url + "/batch")
    page.set_input_files("#field-csv", files=[{"name": "week.csv", "mimeType": "text/csv",
                                               "buffer": CSV_WITH_NOTES.format(language=language).encode()}])
    page.get_by_role("button", name="Check the file").click()
    sync_api.expect(page.locator("#line-3")).to_be_visible()
    page.locator("details.notes summary").click()


def batch_without_file(page: sync_api.Page, base_url: str, language: str) -> None:
    page.goto(base_url + "/batch")
    page.get_by_role("button", name="Check the file").click()
    sync_api.expect(page.locator("#csv-error")).to_be_visible()


def batch_unreadable(page: sync_api.Page, base_url: str, language: str) -> None:
    page.goto(base_url + "/batch")
    page.set_input_files("#field-csv", files=[{"name": "week.xlsx", "mimeType": "application/octet-stream",
                                               "buffer": b"PK\x03\x04" + b"\x00" * 64}])
    page.get_by_role("button", name="Check the file").click()
    sync_api.expect(page.locator("#error-summary")).to_be_visible()


NEXT_EXERCISES = "one-knee-to-chest,abdominal-bracing,low-back-bridge,walking"


def next_files(language: str, tmp: Path) -> tuple[bytes, bytes]:
    """A week's plan record (subacute) and what the patient ticked: all done, pain falling."""
    from click.testing import CliRunner

    from handouts.cli import cli

    result = CliRunner().invoke(cli, ["make", "--patient-id", "p-9", "--name", UNICODE_NAME, "--start-date",
                                      "2026-12-07", "--weeks", "1", "--leg-pain", "no", "--no-cover", "--diagnosis",
                                      "nonspecific", "--phase", "subacute", "--language", language, "--exercises",
                                      NEXT_EXERCISES, "-o", str(tmp), "--force"])
    assert result.exit_code == 0, result.output
    record = (tmp / "p-9.plan.json").read_bytes()
    rows = ["patient_id,date,exercise_id,sessions_planned,sessions_ticked,pain,walking_minutes"]
    for day, pain in enumerate([6, 6, 5, 4, 3, 3, 2]):
        for exercise in json.loads(record)["plan"]["exercises"]:
            n = exercise["dose"]["times_a_day"]
            rows.append(f"p-9,2026-12-{7 + day:02d},{exercise['id']},{n},{n},{pain},"
                        f"{30 if exercise['id'] == 'walking' else ''}")
    return record, ("\n".join(rows) + "\n").encode()


def next_proposed(page: sync_api.Page, base_url: str, language: str) -> None:
    """The Next handout page with the changes proposed: tick boxes and the next phase as a question."""
    with tempfile.TemporaryDirectory() as folder:
        record, adherence = next_files(language, Path(folder))
    page.goto(base_url + "/next")
    page.set_input_files("#field-record", files=[{"name": "p-9.plan.json", "mimeType": "application/json",
                                                  "buffer": record}])
    page.set_input_files("#field-adherence", files=[{"name": "adherence.csv", "mimeType": "text/csv",
                                                     "buffer": adherence}])
    page.get_by_role("button", name="Show the proposed changes").click()
    sync_api.expect(page.locator("#phase-question")).to_be_visible()


def next_errors(page: sync_api.Page, base_url: str, language: str) -> None:
    page.goto(base_url + "/next")
    page.fill("#field-pain", "3, 12")
    page.get_by_role("button", name="Show the proposed changes").click()
    sync_api.expect(page.locator("#error-summary")).to_be_visible()


def simple(path: str) -> Any:
    def open_page(page: sync_api.Page, base_url: str, language: str) -> None:
        page.goto(base_url + path.format(language=language))
    return open_page


PAGES = {
    "make": simple("/"),
    "make-plan": show_plan,
    "make-errors": errors_in_full("/"),
    "checklist-errors": errors_in_full("/checklist"),
    "checklist": simple("/checklist"),
    "batch": simple("/batch"),
    "batch-checked": batch_checked,
    "batch-no-file": batch_without_file,
    "batch-unreadable": batch_unreadable,
    "exercises": simple("/exercises?language={language}"),
    "next": simple("/next"),
    "next-proposed": next_proposed,
    "next-errors": next_errors,
    "not-found": simple("/no-such-page"),
}
SERIOUS = ("serious", "critical")


OUTSIDE_MAIN = """() => {
  const main = document.querySelector('main');
  const right = main.getBoundingClientRect().right - parseFloat(getComputedStyle(main).paddingRight);
  return Array.from(main.querySelectorAll('*'))
    .filter(el => !el.closest('.table-scroll, .visually-hidden') && el.getClientRects().length > 0 &&
                  el.getBoundingClientRect().right > right + 0.5)
    .map(el => el.id || el.textContent.trim().slice(0, 30) || el.tagName);
}"""


def test_plan_rows_on_a_phone_give_the_name_the_width(page: sync_api.Page, base_url: str) -> None:
    page.set_viewport_size(VIEWPORTS["phone"])
    show_plan(page, base_url, "en")
    rows = page.evaluate("""() => Array.from(document.querySelectorAll('.exercise')).map(row => [
        row.id, row.querySelector('.exercise-name').getBoundingClientRect().width / row.getBoundingClientRect().width,
        row.querySelector('.row-buttons').getBoundingClientRect().top >=
          row.querySelector('.exercise-body').getBoundingClientRect().bottom])""")
    assert len(rows) == 4  # two stretches and walking printed, the plank left out by the acute rule
    for row_id, share, buttons_below in rows:
        assert share > 0.6 and buttons_below, row_id


@pytest.mark.parametrize("name", ["make-errors", "checklist-errors", "batch-no-file", "batch-unreadable",
                                  "next-errors"])
def test_a_page_of_errors_starts_at_its_summary(page: sync_api.Page, base_url: str, name: str) -> None:
    PAGES[name](page, base_url, "en")
    sync_api.expect(page.locator("#error-summary")).to_be_focused()
    sync_api.expect(page.locator("#error-summary")).to_have_attribute("role", "alert")


def test_spanish_words_are_marked_spanish_in_an_english_page(page: sync_api.Page, base_url: str) -> None:
    page.goto(base_url + "/exercises?language=es")
    assert page.evaluate("() => document.documentElement.lang") == "en"
    languages = page.evaluate("""() => Array.from(document.querySelectorAll(
        '.library-item h2, .library-item img, .steps li, .cautions li')).map(el => el.closest('[lang]').lang)""")
    assert len(languages) > 20 and set(languages) == {"es"}
    assert page.evaluate("() => document.querySelector('.dose-line').closest('[lang]').lang") == "en"


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_nothing_serious_and_the_page_fits_a_phone(page: sync_api.Page, base_url: str, name: str,
                                                             language: str) -> None:
    """The page opened once, checked wide, then narrowed to a phone's width (the styles' media
    queries apply as they do on a phone) and checked again; there nothing may stick out sideways
    (Spanish has the longer words)."""
    found: list[str] = []
    PAGES[name](page, base_url, language)
    for viewport, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        results = Axe().run(page, options={"resultTypes": ["violations"]}).response
        found += [f"{viewport}: {v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]} {v['help']}"
                  for v in results["violations"] if v["impact"] in SERIOUS]
    assert not found, "\n".join(found)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]
    assert page.evaluate(OUTSIDE_MAIN) == []
