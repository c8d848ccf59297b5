"""`handouts check` measures real PDFs: it passes good handouts and catches each kind of fault."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from reportlab.pdfgen.canvas import Canvas

from handouts.cli import cli
from handouts.compose.templates import load_templates
from handouts.model.layout import BAND, MM, PAPER_SIZES, QR_BOTTOM, QR_MODULE, QR_MODULES, sheet_marks
from handouts.model.options import PrintOptions
from handouts.report.check import check_pdf
from handouts.report.fill import crowded
from handouts.report.read_pages import ReadPage
from handouts.run.handout import make_handout

PHRASES = ["Go to a hospital emergency department now", "Red: stop and call us", "further down your leg",
           "See a doctor soon"]


def write(tmp_path: Path, pdf: bytes, name: str = "h.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(pdf)
    return path


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({}, id="letter"),
        pytest.param({"paper": "a4"}, id="a4"),
        pytest.param({"large_print": True, "paper": "a4"}, id="large-a4"),
        pytest.param({"diagnosis": "herniated-disc", "phase": "acute"}, id="acute"),
    ],
)
def test_sample_handouts_pass(library, request_for, tmp_path: Path, changes: dict) -> None:  # type: ignore[no-untyped-def,type-arg]
    handout = make_handout(request_for(**changes), library=library)
    report = check_pdf(write(tmp_path, handout.pdf), min_size=16 if changes.get("large_print") else 12,
                       safety_phrases=PHRASES)
    assert report.ok, report.measures
    assert report.measure("cards kept whole").value == f"{len(handout.plan.exercises)} of {len(handout.plan.exercises)}"
    assert report.pages == handout.pages


def test_checklist_sheet_passes(library, request_for, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    handout = make_handout(request_for(), library=library, options=PrintOptions(kind="checklist"))
    assert check_pdf(write(tmp_path, handout.pdf), safety_phrases=PHRASES).ok


def test_small_unembedded_text_and_missing_warnings_fail(tmp_path: Path) -> None:
    path = tmp_path / "bad.pdf"
    canvas = Canvas(str(path))
    canvas.setFont("Helvetica", 8)
    canvas.drawString(72, 700, "Do the exercises every day. Hold each stretch for a while.")
    canvas.save()
    report = check_pdf(path, safety_phrases=PHRASES)
    assert not report.ok
    assert report.measure("smallest body text").value == "8.0 pt" and not report.measure("smallest body text").ok
    assert not report.measure("fonts embedded").ok and "Helvetica" in report.measure("fonts embedded").detail
    assert not report.measure("safety warnings").ok


def _custom(templates_copy: Path, name: str, text: str):  # type: ignore[no-untyped-def]
    from handouts.run.library import open_library

    (templates_copy / "en" / name).write_text(text, encoding="utf-8")
    load_templates.cache_clear()
    return open_library(None, templates_copy)


def test_a_card_too_long_for_a_page_is_reported_split(templates_copy: Path, request_for, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = (templates_copy / "en" / "exercise.md.j2").read_text()
    padded = source + "\n" + "\n".join(f"Extra line {i} to make this card too long." for i in range(80)) + "\n"
    library = _custom(templates_copy, "exercise.md.j2", padded)
    try:
        handout = make_handout(request_for(exercises=("hamstring-stretch",)), library=library, options=PrintOptions(use_cover=False))
    finally:
        load_templates.cache_clear()
    report = check_pdf(write(tmp_path, handout.pdf), safety_phrases=PHRASES)
    measure = report.measure("cards kept whole")
    assert not measure.ok and measure.detail == "card-1, card-2"  # hamstring and the walking rule 6 adds


def test_hard_words_fail_the_reading_level(templates_copy: Path, request_for, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = (templates_copy / "en" / "handout.md.j2").read_text()
    dense = ("Notwithstanding considerable interindividual variability, therapeutic exercise interventions "
             "demonstrate substantial effectiveness regarding musculoskeletal rehabilitation outcomes, "
             "particularly concerning lumbopelvic stabilisation and neuromuscular coordination. ") * 6
    library = _custom(templates_copy, "handout.md.j2", source.replace("This plan was made for you", dense + "\n\nThis plan was made for you"))
    try:
        handout = make_handout(request_for(), library=library, options=PrintOptions(use_cover=False))
    finally:
        load_templates.cache_clear()
    report = check_pdf(write(tmp_path, handout.pdf), safety_phrases=PHRASES)
    assert not report.measure("reading level").ok


def test_check_command(library, request_for, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    good = write(tmp_path, make_handout(request_for(), library=library).pdf, "good.pdf")
    result = CliRunner().invoke(cli, ["check", str(good)])
    assert result.exit_code == 0, result.output
    assert "ok   smallest body text 12.5 pt" in result.output
    large = CliRunner().invoke(cli, ["check", "--large-print", str(good)])
    assert large.exit_code == 1 and "FAIL smallest body text 12.5 pt  (needs at least 16 pt)" in large.output
    not_pdf = write(tmp_path, b"hello", "x.pdf")
    broken = CliRunner().invoke(cli, ["check", str(not_pdf)])
    assert broken.exit_code == 2 and "cannot read this PDF" in broken.output


def _letter_page(*rules_above_qr_mm: float, sheet: bool = True) -> ReadPage:
    """A Letter page with the QR page id drawn (when ``sheet``) and full-width rules this many mm above its top."""
    width, height = PAPER_SIZES["letter"]
    qr = sheet_marks("letter", (width, height)).qr
    qr_top = height - qr.y - qr.height  # down from the top of the page
    paths = [(qr.x + 1, qr_top + 1, qr.x + 5, qr_top + 5)] if sheet else []  # one dark module
    paths += [(36.0, qr_top - mm * MM, width - 36.0, qr_top - mm * MM) for mm in rules_above_qr_mm]
    return ReadPage(1, width, height, chars=[], paths=paths)


def test_a_rule_in_the_qr_s_quiet_zone_is_crowding_and_one_clear_of_it_is_not() -> None:
    # The body keeps the page's foot (BAND) clear: 2 mm of blank paper above the QR.
    above = BAND - QR_BOTTOM - QR_MODULE * QR_MODULES
    assert crowded(_letter_page(above - 1)) == 1  # how the first week ran into the QR when kept with its introduction
    assert crowded(_letter_page(-1.0)) == 1  # across the code itself
    assert crowded(_letter_page(above + 0.5)) == 0
    assert crowded(_letter_page(above - 1, sheet=False)) is None  # no QR on the page: nothing to keep clear
