"""The plan record beside each handout: what it holds, how it is written, and making the same handout from it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from handouts.cli import cli
from handouts.errors import ErrorList, HandoutError
from handouts.load.plan_record import read_plan_record
from helpers import pdf_text

MAKE = ["make", "--patient-id", "p-7", "--name", "Zoë Łukasz", "--diagnosis", "herniated-disc", "--phase", "subacute",
        "--start-date", "2026-12-07", "--leg-pain", "yes", "--dose", "low-back-bridge.repeat=8",
        "--notes", "Walk after lunch.", "--clinician", "Ana Ruiz"]


def _make(tmp_path: Path, *extra: str) -> tuple[Path, Path]:
    result = CliRunner().invoke(cli, [*MAKE, "-o", str(tmp_path), *extra])
    assert result.exit_code == 0, result.output
    return tmp_path / "p-7.pdf", tmp_path / "p-7.plan.json"


def test_make_writes_a_record_beside_the_pdf_with_no_more_than_the_request(tmp_path: Path) -> None:
    pdf, record = _make(tmp_path)
    assert pdf.is_file() and record.is_file()
    data = json.loads(record.read_text(encoding="utf-8"))
    assert data["format"] == "handouts-plan" and data["version"] == 1
    assert data["content"]["version"]
    request = data["request"]
    assert request["patient_id"] == "p-7" and request["name"] == "Zoë Łukasz"
    assert request["dose_changes"] == {"low-back-bridge": {"repeat": 8}} and request["leg_pain"] is True
    plan = data["plan"]
    assert plan["phase"] == "subacute" and plan["start_date"] == "2026-12-07"
    ids = [e["id"] for e in plan["exercises"]]
    assert "hamstring-stretch-bent-knee" in ids and "walking" in ids  # what the rules chose, not the protocol's ids
    bridge = next(e for e in plan["exercises"] if e["id"] == "low-back-bridge")
    assert bridge["dose"] == {"hold": 5, "repeat": 8, "sets": 2, "times_a_day": 1}
    # no more personal data than the request held: the id, name, clinician and notes, nothing else
    words = record.read_text(encoding="utf-8")
    assert "Zoë Łukasz" in words and words.count("Zoë Łukasz") == 1


def test_a_record_is_never_replaced_without_force(tmp_path: Path) -> None:
    _, record = _make(tmp_path / "a")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "p-7.plan.json").write_text("{}", encoding="utf-8")
    result = CliRunner().invoke(cli, [*MAKE, "-o", str(tmp_path / "b")])
    assert result.exit_code == 2 and "p-7.plan.json" in result.output and "--force" in result.output
    assert not (tmp_path / "b" / "p-7.pdf").exists()  # refused before the work
    again = CliRunner().invoke(cli, [*MAKE, "-o", str(tmp_path / "b"), "--force"])
    assert again.exit_code == 0, again.output
    assert json.loads((tmp_path / "b" / "p-7.plan.json").read_text(encoding="utf-8"))["format"] == "handouts-plan"


def test_make_from_plan_reproduces_the_pdfs_text_exactly(tmp_path: Path) -> None:
    pdf, record = _make(tmp_path / "first")
    result = CliRunner().invoke(cli, ["make", "--from-plan", str(record), "-o", str(tmp_path / "again")])
    assert result.exit_code == 0, result.output
    again = tmp_path / "again" / "p-7.pdf"
    assert pdf_text(again.read_bytes()) == pdf_text(pdf.read_bytes())
    assert (tmp_path / "again" / "p-7.plan.json").read_bytes() == record.read_bytes()


def test_from_plan_takes_no_request_options(tmp_path: Path) -> None:
    _, record = _make(tmp_path)
    result = CliRunner().invoke(cli, ["make", "--from-plan", str(record), "--phase", "acute", "-o", str(tmp_path / "x")])
    assert result.exit_code == 2 and "--from-plan" in result.output and "--phase" in result.output


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param(lambda d: d["request"].update(phase="accute"), "p.plan.json: request.phase: 'accute' is not one of",
                     id="bad-phase"),
        pytest.param(lambda d: d["request"].update(weeks="two"), "p.plan.json: request.weeks: expected a whole number, "
                     "found 'two'", id="bad-type"),
        pytest.param(lambda d: d["request"].update(patient_id="../x"), "p.plan.json: request.patient_id: '../x' is not "
                     "a safe id", id="unsafe-id"),
        pytest.param(lambda d: d["request"].update(colour="red"), "p.plan.json: request.colour: unknown key",
                     id="unknown-key"),
        pytest.param(lambda d: d.update(format="other"), "p.plan.json: not a plan record", id="not-a-record"),
        pytest.param(lambda d: d.update(made="yesterday"), "p.plan.json: made: expected a date written YYYY-MM-DD",
                     id="bad-date"),
    ],
)
def test_a_broken_record_names_file_key_and_fix(library, tmp_path: Path, change, expected: str) -> None:  # type: ignore[no-untyped-def]
    _, record = _make(tmp_path)
    data = json.loads(record.read_text(encoding="utf-8"))
    change(data)
    broken = tmp_path / "p.plan.json"
    broken.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(HandoutError) as caught:
        read_plan_record(broken, library.dataset)
    messages = [str(e) for e in caught.value.errors] if isinstance(caught.value, ErrorList) else [str(caught.value)]
    assert any(m.startswith(str(broken)) and expected in m for m in messages), messages


def test_not_json_is_refused_with_its_line(library, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "p.plan.json"
    broken.write_text('{"format": "handouts-plan",\n "version": }', encoding="utf-8")
    with pytest.raises(HandoutError) as caught:
        read_plan_record(broken, library.dataset)
    assert "not valid JSON (line 2" in str(caught.value)


CSV = ("patient_id,name,diagnosis,phase,start_date,leg_pain\n"
       "b-1,Ana,nonspecific,acute,2026-12-07,no\n"
       "b-2,Ben,herniated-disc,subacute,2026-12-07,yes\n")


def _batch(tmp_path: Path, *extra: str) -> tuple[int, str]:
    source = tmp_path / "patients.csv"
    source.write_text(CSV, encoding="utf-8")
    result = CliRunner().invoke(cli, ["batch", str(source), "-o", str(tmp_path / "out"), "--workers", "1", *extra])
    return result.exit_code, result.output


def test_a_batch_writes_a_record_per_handout_listed_in_the_manifest(tmp_path: Path) -> None:
    code, out = _batch(tmp_path)
    assert code == 0, out
    out_dir = tmp_path / "out"
    for patient in ("b-1", "b-2"):
        data = json.loads((out_dir / f"{patient}.plan.json").read_text(encoding="utf-8"))
        assert data["request"]["patient_id"] == patient
    manifest = (out_dir / "manifest.csv").read_text(encoding="utf-8-sig").splitlines()
    assert manifest[0].endswith(",plan_record,layout") and manifest[1].endswith(",b-1.plan.json,b-1.layout.json")
    before = {p.name: p.stat().st_mtime_ns for p in out_dir.glob("*.plan.json")}
    code, out = _batch(tmp_path)  # run twice: nothing is made again, the records are left as they were
    assert code == 0 and "skipped (already done): 2" in out, out
    assert {p.name: p.stat().st_mtime_ns for p in out_dir.glob("*.plan.json")} == before
    assert (out_dir / "manifest.csv").read_text(encoding="utf-8-sig").splitlines()[1].endswith(
        ",b-1.plan.json,b-1.layout.json")


def test_a_record_a_batch_did_not_make_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    foreign = tmp_path / "out" / "b-1.plan.json"
    foreign.write_text("mine", encoding="utf-8")
    code, out = _batch(tmp_path)
    assert code == 1 and "b-1.plan.json exists and was not made by a batch into this folder; pass --force" in out, out
    assert foreign.read_text(encoding="utf-8") == "mine" and not (tmp_path / "out" / "b-1.pdf").exists()
    assert (tmp_path / "out" / "b-2.plan.json").is_file()
    code, out = _batch(tmp_path, "--force")
    assert code == 0, out
    assert json.loads(foreign.read_text(encoding="utf-8"))["format"] == "handouts-plan"
