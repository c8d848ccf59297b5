"""The "Read checklists" page in a real browser: axe-core finds nothing serious, on a desktop and a phone,
before and after a photo is read; the unsure box is decided with the keyboard alone and the CSV downloaded."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from test_browser import OUTSIDE_MAIN, SERIOUS, VIEWPORTS, Axe, base_url, browser, page, sync_api  # noqa: F401
from test_web_read import sheet  # noqa: F401

pytest.importorskip("cv2")


def read_a_photo(page: sync_api.Page, base_url: str, sheet: dict[str, Any], folder: Path) -> None:  # noqa: F811
    photo, layout = folder / "visit.jpg", folder / "p-0031.layout.json"
    photo.write_bytes(sheet["jpeg"])
    layout.write_bytes(sheet["layout"])
    page.goto(base_url + "/read")
    page.set_input_files("#field-scans", str(photo))
    page.set_input_files("#field-layouts", str(layout))
    page.click("#read-button")
    sync_api.expect(page.locator("#read-result")).to_contain_text("1 of 1 page read.")


@pytest.mark.parametrize("after", [False, True], ids=["form", "as-read"])
def test_axe_finds_nothing_serious_and_it_fits_a_phone(page: sync_api.Page, base_url: str,  # noqa: F811
                                                       sheet: dict[str, Any], tmp_path: Path, after: bool) -> None:  # noqa: F811
    found: list[str] = []
    for viewport, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        if after:
            read_a_photo(page, base_url, sheet, tmp_path)
        else:
            page.goto(base_url + "/read")
        results = Axe().run(page, options={"resultTypes": ["violations"]}).response
        found += [f"{viewport}: {v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]} {v['help']}"
                  for v in results["violations"] if v["impact"] in SERIOUS]
        if viewport == "phone":
            assert page.evaluate("() => document.documentElement.scrollWidth") <= size["width"]
            assert page.evaluate(OUTSIDE_MAIN) == []
    assert not found, "\n".join(found)


def test_an_unsure_box_is_decided_by_keyboard_and_the_csv_downloaded(page: sync_api.Page, base_url: str,  # noqa: F811
                                                                     sheet: dict[str, Any], tmp_path: Path) -> None:  # noqa: F811
    read_a_photo(page, base_url, sheet, tmp_path)
    choice = page.locator(".unsure-box input[value='ticked']").first
    choice.focus()
    page.keyboard.press("Space")
    sync_api.expect(choice).to_be_checked()
    with page.expect_download() as download:
        page.click("#download-adherence")
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    faint = sheet["faint"]
    row = next(r for r in rows if r["date"] == "2026-12-08" and r["exercise_id"] == faint.exercise_id)
    assert (row["sessions_ticked"], row["unsure"]) == ("1", "0")
