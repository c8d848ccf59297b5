"""A lost layout JSON is not fatal: the plan record carries the document id, so the same layout is made again
(``make --from-plan``, and ``handouts read`` from the plan record in the layouts folder)."""

from __future__ import annotations

import json
import random
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

cv2 = pytest.importorskip("cv2")

from handouts.cli import cli  # noqa: E402
from handouts.model.layout import MM, layout_from_record  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import readback_synth as synth  # noqa: E402

MAKE = ["make", "--patient-id", "p-0042", "--name", "Zoë Ñandú", "--diagnosis", "nonspecific", "--phase",
        "subacute", "--start-date", "2026-12-07", "--weeks", "1"]


@pytest.fixture
def made(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, [*MAKE, "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _scan(out: Path, tmp_path: Path) -> Path:
    """The checklist page drawn at 200 dpi with every Monday session and Tuesday's first ticked."""
    layout = layout_from_record(json.loads((out / "p-0042.layout.json").read_text(encoding="utf-8")))
    page = layout.sheets[0].page
    image = synth.render_page((out / "p-0042.pdf").read_bytes(), page, 200)
    px, height, rng = 200 / 25.4, layout.page_size[1], random.Random(4)
    for box in layout.boxes:
        if box.page == page and box.kind == "exercise" and (box.date == date(2026, 12, 7) or
                                                            (box.date == date(2026, 12, 8) and box.session == 1)):
            r = box.rect
            synth.draw_mark(image, "check", (r.x / MM * px, (height - r.y - r.height) / MM * px, r.width / MM * px),
                            px, rng, "black")
    path = tmp_path / "scans" / "visit.png"
    path.parent.mkdir()
    cv2.imwrite(str(path), image)
    return path


def test_the_plan_record_names_the_document_and_make_from_plan_draws_the_same_layout(made: Path,
                                                                                     tmp_path: Path) -> None:
    layout = json.loads((made / "p-0042.layout.json").read_text(encoding="utf-8"))
    record = json.loads((made / "p-0042.plan.json").read_text(encoding="utf-8"))
    assert record["document_id"] == layout["document_id"]
    again = CliRunner().invoke(cli, ["make", "--from-plan", str(made / "p-0042.plan.json"), "-o", str(tmp_path / "again")])
    assert again.exit_code == 0, again.output
    assert (tmp_path / "again" / "p-0042.layout.json").read_bytes() == (made / "p-0042.layout.json").read_bytes()


def test_a_lost_layout_is_made_again_from_the_plan_record_and_reads_the_same(made: Path, tmp_path: Path) -> None:
    scan = _scan(made, tmp_path)
    first = CliRunner().invoke(cli, ["read", str(scan), "--layouts", str(made), "-o", str(tmp_path / "first")])
    assert first.exit_code == 0, first.output
    (made / "p-0042.layout.json").unlink()
    second = CliRunner().invoke(cli, ["read", str(scan), "--layouts", str(made), "-o", str(tmp_path / "second")])
    assert second.exit_code == 0, second.output
    expected = (tmp_path / "first" / "adherence.csv").read_text(encoding="utf-8")
    assert (tmp_path / "second" / "adherence.csv").read_text(encoding="utf-8") == expected
    assert "p-0042,2026-12-07," in expected
    assert "Zoë" not in expected and "Zoë" not in second.output


def test_a_plan_record_that_cannot_stand_in_is_named_with_why(made: Path, tmp_path: Path) -> None:
    scan = _scan(made, tmp_path)
    (made / "p-0042.layout.json").unlink()
    record = json.loads((made / "p-0042.plan.json").read_text(encoding="utf-8"))
    record["request"]["phase"] = "accute"
    (made / "p-0042.plan.json").write_text(json.dumps(record), encoding="utf-8")
    result = CliRunner().invoke(cli, ["read", str(scan), "--layouts", str(made), "-o", str(tmp_path / "read")])
    assert result.exit_code == 2, result.output
    assert ("visit.png: not read (its layout file is missing and its plan record p-0042.plan.json cannot stand in: "
            "'accute' is not one of") in result.output
    assert "Traceback" not in result.output


def test_a_damaged_document_id_in_a_plan_record_is_named_with_its_key(made: Path, tmp_path: Path) -> None:
    record = json.loads((made / "p-0042.plan.json").read_text(encoding="utf-8"))
    record["document_id"] = "not an id"
    (made / "p-0042.plan.json").write_text(json.dumps(record), encoding="utf-8")
    result = CliRunner().invoke(cli, ["make", "--from-plan", str(made / "p-0042.plan.json"), "-o", str(tmp_path / "x")])
    assert result.exit_code == 2, result.output
    assert ("p-0042.plan.json: document_id: expected the 10 upper-case letters and digits its QR codes carry, "
            "found 'not an id'; remove the key to make a new id") in result.output
