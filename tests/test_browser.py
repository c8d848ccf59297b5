"""The web form in a real browser: Playwright drives Debian's chromium against a live server.

Skipped (with the reason) only when chromium is missing or cannot start; .ci/run installs it.
"""

from __future__ import annotations

import io
import shutil
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import UNICODE_NAME
from helpers import pdf_text
from werkzeug.serving import make_server

from handouts.run.library import Library
from handouts.web import create_app
from handouts.web.server import QuietRequestHandler

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
CSV_ONE_BAD = ("patient_id,name,diagnosis,phase,start_date\n"
               "p-1,Zoë Nguyễn,herniated-disc,acute,2026-12-07\n"
               "p-2,Ñandú Pérez,nonspecific,accute,2026-12-07\n"
               "p-3,Björn Ågren,spinal-stenosis,subacute,2026-12-08\n")
TIMEOUT_MS = 10_000


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
    with page.expect_download() as download:
        page.get_by_role("button", name="Make 2 handouts (zip)").click()
    sync_api.expect(page.locator("#batch-status")).to_contain_text("2 handouts made, 1 row left out")
    with zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes())) as zipped:
        assert sorted(zipped.namelist()) == ["handouts/p-1.pdf", "handouts/p-3.pdf", "manifest.csv", "print.pdf"]


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


@pytest.mark.parametrize("path", ["/", "/batch", "/exercises"])
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
