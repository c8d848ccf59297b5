"""Reading ticked checklists back: a few synthetic pages per condition (the full set is in
benchmarks/readback_bench.py), the command line end to end, and every refusal with its message."""

from __future__ import annotations

import csv
import io
import json
import random
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

cv2 = pytest.importorskip("cv2")

from handouts.cli import cli  # noqa: E402
from handouts.model.layout import MM, QR_MODULE, QR_MODULES, layout_from_record, page_id, parse_page_id  # noqa: E402
from handouts.readback import Layouts, read, read_image  # noqa: E402
from handouts.render.pdf.build import ID_LETTERS  # noqa: E402
from handouts.run.layout_file import layout_json  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import readback_synth as synth  # noqa: E402

CASES = Path(__file__).parent / "cases" / "readback"


@pytest.fixture(scope="module")
def documents(library):  # type: ignore[no-untyped-def]
    return synth.make_documents(library, len(synth.LAYOUTS))


@pytest.fixture(scope="module")
def layouts(documents):  # type: ignore[no-untyped-def]
    known = Layouts([])
    for document in documents:
        known.add(document.layout, patient_id="synthetic")
    return known


@given(document_id=st.text(alphabet=ID_LETTERS, min_size=10, max_size=10), page=st.integers(1, 999))
def test_page_id_round_trips(document_id: str, page: int) -> None:
    assert parse_page_id(page_id(document_id, page)) == (2, document_id, page)


@given(st.text(max_size=60))
def test_any_other_qr_text_is_no_page_id_and_never_an_error(text: str) -> None:
    parsed = parse_page_id(text)
    assert parsed is None or page_id(parsed[1], parsed[2], parsed[0]) == text.strip()


def test_layout_json_round_trips(documents) -> None:  # type: ignore[no-untyped-def]
    layout = documents[1].layout
    again = layout_from_record(json.loads(layout_json(layout, patient_id="p-1", kind="checklist")))
    assert (again.document_id, again.paper, again.sheets, again.version) == \
        (layout.document_id, layout.paper, layout.sheets, layout.version)
    assert [(b.kind, b.exercise_id, b.date, b.session, b.page) for b in again.boxes] == \
        [(b.kind, b.exercise_id, b.date, b.session, b.page) for b in layout.boxes]
    assert all(abs(a.rect.x - b.rect.x) < 0.01 * MM and abs(a.rect.y - b.rect.y) < 0.01 * MM
               for a, b in zip(again.boxes, layout.boxes))


@pytest.mark.parametrize("condition", synth.CONDITIONS)
def test_a_few_synthetic_pages_per_condition(condition: str, documents, layouts) -> None:  # type: ignore[no-untyped-def]
    score = synth.Score(condition)
    for sample in synth.samples(documents, condition, 2, seed=7):
        synth.score_page(score, sample, read_image(sample.image, condition, layouts, keep_image=False))
    row = score.row()
    assert score.identified == score.pages == 2, row
    assert score.boxes >= 150
    assert score.wrong <= 1, (row, score.mistakes)  # the full set holds it to 0.5% (scans) and 1% (photos)
    assert row["unsure %"] <= (4.0 if condition.startswith("photo") else 2.5), row


def test_a_qr_the_classic_opencv_detector_misses_is_still_read() -> None:
    from handouts.readback.locate import PX_PER_MM, decode_qr

    crop = cv2.imread(str(CASES / "qr-scan-200.png"), cv2.IMREAD_GRAYSCALE)
    assert cv2.QRCodeDetector().detectAndDecode(cv2.copyMakeBorder(crop, 40, 40, 40, 40, cv2.BORDER_CONSTANT,
                                                                  value=255))[0] == ""
    assert decode_qr(crop, 5 * PX_PER_MM, QR_MODULE * QR_MODULES * PX_PER_MM) == (2, "ZEYXFTYL34", 1)


def _tick(image, layout, boxes, dpi: float = 200) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(3)
    height = layout.page_size[1]
    px = dpi / 25.4
    for box in boxes:
        r = box.rect
        place = (r.x / MM * px, (height - r.y - r.height) / MM * px, r.width / MM * px)
        synth.draw_mark(image, "check", place, px, rng, "blue")


def test_batch_then_read_gives_the_ticks_drawn(tmp_path: Path) -> None:
    patients = tmp_path / "patients.csv"
    patients.write_text("patient_id,name,diagnosis,phase,start_date,weeks\n"
                        "p-0007,Zoë Ñandú,nonspecific,subacute,2026-12-07,1\n", encoding="utf-8")
    out = tmp_path / "out"
    made = CliRunner().invoke(cli, ["batch", str(patients), "-o", str(out)])
    assert made.exit_code == 0, made.output
    manifest = list(csv.DictReader(io.StringIO((out / "manifest.csv").read_text(encoding="utf-8-sig"))))
    assert manifest[0]["layout"] == "p-0007.layout.json"
    layout = layout_from_record(json.loads((out / "p-0007.layout.json").read_text(encoding="utf-8")))
    page = layout.sheets[0].page
    monday, tuesday = date(2026, 12, 7), date(2026, 12, 8)
    on_page = [b for b in layout.boxes if b.page == page]
    ticked = [b for b in on_page if b.date == monday and b.kind == "exercise"]  # every session on Monday
    ticked += [b for b in on_page if b.date == tuesday and b.kind == "walking" and b.session <= 2]  # 20 minutes
    ticked += [b for b in on_page if b.kind == "pain" and b.date == monday and b.value == "better"]
    image = synth.render_page((out / "p-0007.pdf").read_bytes(), page, 200)
    _tick(image, layout, ticked)
    scans = tmp_path / "scans"
    scans.mkdir()
    cv2.imwrite(str(scans / "visit.jpg"), cv2.rotate(image, cv2.ROTATE_180), [cv2.IMWRITE_JPEG_QUALITY, 70])
    result = CliRunner().invoke(cli, ["read", str(scans / "visit.jpg"), "--layouts", str(out), "-o", str(tmp_path / "read")])
    assert result.exit_code == 0, result.output
    assert "p-0007 week 1: " in result.output and "walked 20 minutes" in result.output
    rows = list(csv.DictReader(io.StringIO((tmp_path / "read" / "adherence.csv").read_text(encoding="utf-8"))))
    assert list(rows[0]) == ["patient_id", "date", "exercise_id", "sessions_planned", "sessions_ticked", "pain",
                             "walking_minutes", "leg_pain", "unsure"]
    for row in rows:
        planned = int(row["sessions_planned"])
        if row["exercise_id"] == "walking":
            expected = 2 if row["date"] == "2026-12-08" else 0
            assert (row["sessions_ticked"], row["walking_minutes"]) == (str(expected), str(10 * expected)), row
        else:
            assert row["sessions_ticked"] == str(planned if row["date"] == "2026-12-07" else 0), row
        assert row["pain"] == ("better" if row["date"] == "2026-12-07" else ""), row
        assert row["unsure"] == "0" and row["patient_id"] == "p-0007"
    again = CliRunner().invoke(cli, ["read", str(scans / "visit.jpg"), "--layouts", str(out), "-o", str(tmp_path / "read")])
    assert again.exit_code == 2 and "adherence.csv: the file exists; pass --force" in again.output


@pytest.mark.parametrize(("name", "message"), [
    pytest.param("one-bit.png", "is a 1-bit (black and white) scan, which loses faint and thin ticks; scan it again "
                 "in greyscale or colour", id="one-bit"),
    pytest.param("not-an-image.jpg", "cannot be read as an image (damaged, or not a JPEG or PNG)", id="not-an-image"),
    pytest.param("photo.heic", "is a HEIC photo; save it as JPEG first (on an iPhone: Settings, Camera, Formats, "
                 "Most Compatible)", id="heic"),
])
def test_a_file_that_cannot_be_read_is_listed_with_why(name: str, message: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["read", str(CASES / name), "--layouts", str(tmp_path), "-o", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert f"{name}: not read ({message})" in result.output
    review = list(csv.DictReader(io.StringIO((tmp_path / "review.csv").read_text(encoding="utf-8"))))
    assert [(r["source"], r["state"], r["reason"]) for r in review] == [(name, "unreadable", message)]


def test_a_page_of_another_document_or_no_checklist_is_listed_never_dropped(documents, tmp_path: Path) -> None:
    document = documents[0]
    page = document.layout.sheets[0].page
    cv2.imwrite(str(tmp_path / "known.png"), synth.render_page(document.pdf, page, 150))
    text_only = synth.render_page(document.pdf, page, 150)[300:900, 300:900]  # part of the grid, no marker
    cv2.imwrite(str(tmp_path / "blank.png"), text_only)
    result = read([tmp_path / "known.png", tmp_path / "blank.png"], layouts=[tmp_path / "nowhere"])
    assert [p.status for p in result.pages] == ["unknown", "unknown"]
    assert result.pages[0].reason.startswith(f"no layout for document {document.layout.document_id} (looked in: ")
    assert result.pages[1].reason.startswith("no checklist markers found")
    assert result.exit_code == 2


def test_the_reader_names_its_extra_when_opencv_is_missing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "cv2", None)
    result = CliRunner().invoke(cli, ["read", str(CASES / "one-bit.png"), "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert 'reading scans needs the optional extra: pip install "handouts[read]" (OpenCV and NumPy)' in result.output


def test_a_week_printed_in_two_parts_is_read_back_from_both_pages(library) -> None:  # type: ignore[no-untyped-def]
    """A large-print week taller than a page is printed in two parts: each sheet page is read from its own
    QR and boxes, and the two parts together give every box of the week."""
    from handouts.model import HandoutRequest, Patient
    from handouts.model.options import PrintOptions
    from handouts.run.handout import make_handout

    request = HandoutRequest(patient=Patient("s-tall", "Synthetic Patient"), diagnosis="nonspecific",
                             phase="subacute", start_date=date(2026, 12, 7), weeks=1, language="es",
                             large_print=True, leg_pain=True)
    handout = make_handout(request, library=library, options=PrintOptions(
        kind="checklist", use_cover=False, today=date(2026, 12, 2), document_id="TALLWEEK23"))
    document = synth.Document("letter-large-es-tall", handout.pdf, handout.layout)
    assert len(handout.layout.sheets) == 2  # the week's two parts
    known = Layouts([])
    known.add(handout.layout, patient_id="s-tall")
    score = synth.Score("scan-200")
    pages = synth.samples([document], "scan-200", 2, seed=11)
    for sample in pages:
        synth.score_page(score, sample, read_image(sample.image, "scan-200", known, keep_image=False))
    assert score.identified == score.pages == 2, score.row()
    assert {key for sample in pages for key in sample.truth} == {synth.box_key(b) for b in handout.layout.boxes}
    assert score.wrong == 0, (score.row(), score.mistakes)
