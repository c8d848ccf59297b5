"""Batches from CSV files as clinics export them: hazards, bad rows, crashes, resuming, print file."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import page_count, pdf_text
from pypdf import PdfReader

from handouts.cli import cli
from handouts.errors import ErrorList, InputError, OutputError
from handouts.load.patients_csv import read_patients
from handouts.model.options import PrintOptions
from handouts.run import batch as batch_module
from handouts.run.batch import BatchOptions, run

HEADER = "patient_id,name,diagnosis,phase,start_date,weeks\n"
TODAY = date(2026, 11, 25)


def write_csv(folder: Path, text: str, name: str = "patients.csv", encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


PRINT_FIELDS = ("use_cover", "cover", "duplex", "password", "today", "name_in_metadata")


def options(tmp_path: Path, **changes: object) -> BatchOptions:
    """Batch options for a test: one worker, no cover, a fixed date; print settings go into ``printing``."""
    printing: dict[str, object] = {"today": TODAY, "use_cover": False}
    printing.update({k: changes.pop(k) for k in list(changes) if k in PRINT_FIELDS})
    values: dict[str, object] = {"output": tmp_path / "out", "workers": 1, "printing": PrintOptions(**printing)}
    values.update(changes)
    return BatchOptions(**values)  # type: ignore[arg-type]


def manifest(folder: Path) -> list[dict[str, str]]:
    text = (folder / "manifest.csv").read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


# ---------------------------------------------------------------- reading


def test_excel_export_with_bom_semicolons_and_cp1252(tmp_path: Path) -> None:
    text = "Patient_ID ; Name ;Diagnosis;PHASE;Start_Date\r\n007;Zoë Pérez;nonspecific;acute;2026-12-07\r\n"
    path = write_csv(tmp_path, text, encoding="cp1252")
    patients = read_patients(path)
    assert patients.delimiter == ";" and patients.encoding == "cp1252"
    assert patients.rows[0].values["name"] == "Zoë Pérez"
    assert patients.rows[0].values["patient_id"] == "007"  # leading zeros kept
    assert any("not UTF-8" in n for n in patients.notes)
    bom = write_csv(tmp_path, "\ufeff" + text, name="bom.csv")
    assert read_patients(bom).rows[0].values["patient_id"] == "007"
    result = run(path, options(tmp_path))
    assert [r.status for r in result.rows] == ["written"]
    assert "Zoë Pérez" in pdf_text((tmp_path / "out" / "007.pdf").read_bytes())


def test_quoted_cells_blank_rows_and_extra_columns(tmp_path: Path) -> None:
    text = ('patient_id,name,diagnosis,phase,notes,room\n'
            '\n'
            'a1,"Smith, Jo",nonspecific,acute,"Line one, with comma\nLine two ""quoted""",12\n'
            ',,,,,\n'
            'a2,Lee,nonspecific,acute,,13\n')
    patients = read_patients(write_csv(tmp_path, text))
    assert [r.line for r in patients.rows] == [3, 6]
    assert patients.rows[0].values["name"] == "Smith, Jo"
    assert patients.rows[0].values["notes"] == 'Line one, with comma\nLine two "quoted"'
    assert [n for n in patients.notes if "ignoring columns room" in n] and len(patients.notes) == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("", "the file is empty", id="empty"),
        pytest.param("name,diagnosis,phase\nx,nonspecific,acute\n", "the header has no 'patient_id' column",
                     id="missing-column"),
        pytest.param(HEADER, "the file has a header but no patient rows", id="no-rows"),
        pytest.param("patient_id,name,Name,diagnosis,phase\n", "the header repeats column name", id="repeat"),
    ],
)
def test_file_level_problems(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        read_patients(write_csv(tmp_path, text))


def test_spreadsheet_binary_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "patients.xlsx"
    path.write_bytes(b"PK\x03\x04\x00\x00binary")
    with pytest.raises(InputError, match="not a text CSV file"):
        read_patients(path)


# ---------------------------------------------------------------- validation


BAD_ROWS = (
    HEADER
    + "ok-1,Ann,nonspecific,acute,2026-12-07,2\n"
    + "ok-2,Bo,herniated-disc,accute,2026-12-07,2\n"
    + "../x,Cy,nonspecific,acute,,\n"
    + "ok-1,Dee,nonspecific,acute,,\n"
    + "ok-5,Eve,spinal-stenosis,subacute,07/12/2026,\n"
    + "ok-6,,nonspecific,maintenance,,20\n"
    + "ok-7,Flo,sciatica,subacute,,\n"
    + "ok-8,Gus,nonspecific,acute,2026-12-07,1\n"
)


def test_every_bad_row_is_reported_with_line_and_column(tmp_path: Path) -> None:
    path = write_csv(tmp_path, BAD_ROWS)
    result = run(path, options(tmp_path))
    assert result.exit_code == 1
    by_line = {r.line: r for r in result.rows}
    assert [by_line[line].status for line in (2, 9)] == ["written", "written"]
    assert sorted((tmp_path / "out").glob("*.pdf")) == [tmp_path / "out" / "ok-1.pdf", tmp_path / "out" / "ok-8.pdf"]
    assert by_line[3].message == ("column 'phase': 'accute' is not one of acute, subacute, maintenance "
                                  "(did you mean 'acute'?)")
    assert by_line[4].message.startswith("column 'patient_id': '../x' is not a safe id")
    assert by_line[5].message.startswith("column 'patient_id': 'ok-1' is already used on line 2")
    assert by_line[6].message.startswith("column 'start_date': '07/12/2026' is ambiguous")
    assert by_line[7].message == ("column 'name': is required and empty; column 'weeks': '20' is not a whole number "
                                  "from 1 to 12")
    assert by_line[8].message.startswith("there is no default exercise set for sciatica")
    rows = manifest(tmp_path / "out")
    assert [r["status"] for r in rows] == ["written", "invalid", "invalid", "invalid", "invalid", "invalid",
                                           "invalid", "written"]


def test_cli_prints_each_bad_row_as_file_line_column(tmp_path: Path) -> None:
    path = write_csv(tmp_path, BAD_ROWS)
    result = CliRunner().invoke(cli, ["batch", str(path), "-o", str(tmp_path / "out"), "--workers", "1", "--no-cover"])
    assert result.exit_code == 1
    assert ("error: patients.csv:3: column 'phase': 'accute' is not one of acute, subacute, maintenance "
            "(did you mean 'acute'?)") in result.stderr
    assert "written: 2, skipped (already done): 0, failed: 6" in result.stdout
    assert "Ann" not in result.output and "Gus" not in result.output  # names stay out of logs


def test_a_stretch_against_the_patients_direction_is_a_row_error_unless_the_row_allows_it(tmp_path: Path) -> None:
    text = ("patient_id,name,diagnosis,phase,direction,exercises,allow_direction\n"
            "d1,Ann,herniated-disc,acute,flexion,,\n"
            "d2,Bo,herniated-disc,acute,flexion,prone-on-elbows,\n"
            "d3,Cy,herniated-disc,acute,flexion,prone-on-elbows,yes\n"
            "d4,Di,herniated-disc,subacute,,double-knee-to-chest;walking,\n")
    result = run(write_csv(tmp_path, text), options(tmp_path))
    by_line = {r.line: r for r in result.rows}
    assert [by_line[line].status for line in (2, 3, 4, 5)] == ["written", "invalid", "written", "invalid"]
    assert by_line[3].message == ("column 'exercises': this patient's preferred direction is flexion; "
                                  "prone-on-elbows goes the other way (set the allow_direction column to yes)")
    assert by_line[5].message == ("column 'exercises': herniated-disc usually favours extension stretches; "
                                  "double-knee-to-chest goes the other way (set the allow_direction column to yes)")
    assert "Both knees to chest" in pdf_text((tmp_path / "out" / "d1.pdf").read_bytes())
    assert not [n for n in result.notes if "ignoring" in n]  # the override column is read, not ignored


def test_leg_pain_and_precautions_columns(tmp_path: Path) -> None:
    text = ("patient_id,name,diagnosis,phase,exercises,leg_pain,precautions,allow_nerve_tension\n"
            "f1,Ann,sciatica,acute,hamstring-stretch;piriformis-stretch,yes,osteoporosis,\n"
            "f2,Bo,sciatica,acute,hamstring-stretch;walking,,,yes\n"
            "f3,Cy,spinal-stenosis,acute,,no,Osteoporosis,\n"
            "f4,Di,nonspecific,acute,,maybe,bones,\n")
    result = run(write_csv(tmp_path, text), options(tmp_path))
    by_line = {r.line: r for r in result.rows}
    assert [by_line[line].status for line in (2, 3, 4, 5)] == ["written", "written", "written", "invalid"]
    assert by_line[2].message.startswith("leg pain: hamstring-stretch replaced by hamstring-stretch-bent-knee")
    assert "(set the allow_nerve_tension column to yes)" in by_line[2].message
    assert by_line[3].message == "sciatica: hamstring-stretch kept as you allowed"
    assert "One knee to chest" in pdf_text((tmp_path / "out" / "f3.pdf").read_bytes())
    assert by_line[5].message == ("column 'leg_pain': 'maybe' is not yes or no; "
                                  "column 'precautions': 'bones' is not one of osteoporosis")
    assert not [n for n in result.notes if "ignoring" in n]


def test_date_format_option_accepts_day_first_dates(tmp_path: Path) -> None:
    path = write_csv(tmp_path, HEADER + "d1,Ann,nonspecific,acute,07/12/2026,1\n")
    run(path, options(tmp_path, date_format="DD/MM/YYYY"))
    assert "Week 1: Mon 7 Dec to Sun 13 Dec" in pdf_text((tmp_path / "out" / "d1.pdf").read_bytes())


def test_strict_writes_nothing(tmp_path: Path) -> None:
    path = write_csv(tmp_path, BAD_ROWS)
    with pytest.raises(ErrorList) as caught:
        run(path, options(tmp_path, strict=True))
    assert len(caught.value.errors) == 7
    assert str(caught.value.errors[0]).startswith("patients.csv:3: column 'phase': 'accute'")
    assert not (tmp_path / "out").exists()


def test_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    good = write_csv(tmp_path, HEADER + "g1,Ann,nonspecific,acute,,\n", "good.csv")
    bad = write_csv(tmp_path, HEADER + "b1,Ann,nonspecific,acute,,\nb2,Bo,x,acute,,\n", "bad.csv")
    all_bad = write_csv(tmp_path, HEADER + "b2,Bo,x,acute,,\n", "all-bad.csv")
    common = ["--workers", "1", "--no-cover", "--quiet"]
    assert runner.invoke(cli, ["batch", str(good), "-o", str(tmp_path / "a"), *common]).exit_code == 0
    assert runner.invoke(cli, ["batch", str(bad), "-o", str(tmp_path / "b"), *common]).exit_code == 1
    assert runner.invoke(cli, ["batch", str(all_bad), "-o", str(tmp_path / "c"), *common]).exit_code == 2
    assert runner.invoke(cli, ["batch", str(bad), "--strict", "-o", str(tmp_path / "d"), *common]).exit_code == 2
    assert runner.invoke(cli, ["batch", str(tmp_path / "missing.csv"), *common]).exit_code == 2
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    result = runner.invoke(cli, ["batch", str(good), "-o", str(blocker / "out"), *common])
    assert result.exit_code == 3 and "cannot write in the output folder" in result.stderr


def test_unwritable_output_raises_output_error(tmp_path: Path) -> None:
    (tmp_path / "blocker").write_text("x")
    with pytest.raises(OutputError):
        run(write_csv(tmp_path, HEADER + "g1,Ann,nonspecific,acute,,\n"), options(tmp_path, output=tmp_path / "blocker"))


# ---------------------------------------------------------------- failures while rendering


def test_a_row_that_breaks_inside_reportlab_fails_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from handouts.render.pdf import cards

    real = cards.exercise_card

    def breaking(card, look):  # type: ignore[no-untyped-def]
        if card.exercise_id == "bird-dog":
            raise ZeroDivisionError("simulated layout failure")
        return real(card, look)

    monkeypatch.setattr(cards, "exercise_card", breaking)
    text = HEADER.replace("weeks", "exercises") + (
        "r1,Ann,nonspecific,maintenance,,hamstring-stretch\n"
        "r2,Bo,nonspecific,maintenance,,bird-dog\n"
        "r3,Cy,nonspecific,maintenance,,piriformis-stretch\n")
    result = run(write_csv(tmp_path, text), options(tmp_path))
    assert [r.status for r in result.rows] == ["written", "failed", "written"]
    assert result.rows[1].message == ("internal error while making this handout (ZeroDivisionError); make it "
                                      "alone with 'handouts --debug make ...' to see more")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["manifest.csv", "r1.pdf", "r3.pdf"]
    assert [r["status"] for r in manifest(tmp_path / "out")] == ["written", "failed", "written"]


def test_a_template_error_in_a_worker_process_fails_that_row(tmp_path: Path, templates_copy: Path) -> None:
    exercise = templates_copy / "en" / "exercise.md.j2"
    exercise.write_text("{% if exercise.id == 'bird-dog' %}{{ 1 // 0 }}{% endif %}\n" + exercise.read_text())
    text = HEADER.replace("weeks", "exercises") + "".join(
        f"w{i},Pat,nonspecific,maintenance,,{'bird-dog' if i == 3 else 'hamstring-stretch'}\n" for i in range(6))
    result = run(write_csv(tmp_path, text), options(tmp_path, workers=2, templates=templates_copy))
    assert [r.status for r in result.rows] == ["written"] * 3 + ["failed"] + ["written"] * 2
    assert "exercise.md.j2:1: the template failed: ZeroDivisionError" in result.rows[3].message
    assert [r.patient_id for r in result.rows] == [f"w{i}" for i in range(6)]  # CSV order


# ---------------------------------------------------------------- resuming


def test_rerun_skips_finished_files_and_refuses_foreign_ones(tmp_path: Path) -> None:
    path = write_csv(tmp_path, HEADER + "s1,Ann,nonspecific,acute,2026-12-07,1\ns2,Bo,nonspecific,acute,2026-12-07,1\n")
    first = run(path, options(tmp_path))
    before = (tmp_path / "out" / "s1.pdf").stat().st_mtime_ns
    second = run(path, options(tmp_path))
    assert [r.status for r in second.rows] == ["skipped", "skipped"]
    assert [r.sha256 for r in second.rows] == [r.sha256 for r in first.rows]
    assert (tmp_path / "out" / "s1.pdf").stat().st_mtime_ns == before
    (tmp_path / "out" / "s2.pdf").write_bytes(b"somebody else's file")
    third = run(path, options(tmp_path))
    assert third.rows[1].status == "failed" and "pass --force to replace it" in third.rows[1].message
    assert (tmp_path / "out" / "s2.pdf").read_bytes() == b"somebody else's file"
    forced = run(path, options(tmp_path, force=True))
    assert [r.status for r in forced.rows] == ["written", "written"]


def test_a_changed_row_is_not_taken_as_done(tmp_path: Path) -> None:
    path = write_csv(tmp_path, HEADER + "c1,Ann,nonspecific,acute,2026-12-07,1\n")
    run(path, options(tmp_path))
    write_csv(tmp_path, HEADER + "c1,Ann,nonspecific,acute,2026-12-07,2\n")
    result = run(path, options(tmp_path))
    assert result.rows[0].status == "failed" and "was not made from this row" in result.rows[0].message


def test_killed_batch_resumes_with_every_file_exactly_once(tmp_path: Path) -> None:
    rows = "".join(f"k{i:03d},Pat {i},nonspecific,maintenance,2026-12-07,2\n" for i in range(40))
    path = write_csv(tmp_path, HEADER + rows)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "handouts.cli", "batch", str(path), "-o", str(out), "--workers", "2", "--quiet"]
    process = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    journal = out / batch_module.JOURNAL
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if journal.exists() and journal.read_text().count("\n") >= 6:
            break
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    made_before = {p.name for p in out.glob("*.pdf")}
    assert 0 < len(made_before) < 40, "the kill should land mid-run"
    assert not (out / "manifest.csv").exists()

    finished = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0, finished.stderr
    statuses = [r["status"] for r in manifest(out)]
    assert len(statuses) == 40 and set(statuses) <= {"written", "skipped"}
    assert statuses.count("skipped") >= len(made_before) - 2  # rows in flight at the kill may be redone
    assert sorted(p.name for p in out.iterdir()) == sorted(["manifest.csv", *(f"k{i:03d}.pdf" for i in range(40))])
    for pdf in out.glob("*.pdf"):
        assert page_count(pdf.read_bytes()) > 1


# ---------------------------------------------------------------- outputs


def test_manifest_defuses_formula_cells(tmp_path: Path) -> None:
    text = HEADER + "ok,Ann,nonspecific,acute,,\n=HYPERLINK(\"http://x\"),Bo,nonspecific,acute,,\n-5,Cy,x,y,,\n"
    path = write_csv(tmp_path, text)
    run(path, options(tmp_path))
    raw = (tmp_path / "out" / "manifest.csv").read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    assert "\n\"'=HYPERLINK" in raw and "\n=HYPERLINK" not in raw and "\n\"=HYPERLINK" not in raw
    assert "\n'-5," in raw and "\n-5," not in raw
    rows = manifest(tmp_path / "out")
    assert [r["patient_id"] for r in rows] == ["ok", "'=HYPERLINK(\"http://x\")", "'-5"]


def test_combined_print_file_with_and_without_duplex(tmp_path: Path) -> None:
    path = write_csv(tmp_path, HEADER + "".join(f"m{i},Pat,nonspecific,acute,2026-12-07,{i}\n" for i in (1, 2, 3)))
    result = run(path, options(tmp_path, combined=tmp_path / "print.pdf", use_cover=True))
    pages = [r.pages for r in result.rows]
    assert result.combined_pages == sum(pages) == page_count((tmp_path / "print.pdf").read_bytes())
    reader = PdfReader(tmp_path / "print.pdf")
    assert [item.title for item in reader.outline] == ["m1", "m2", "m3"]
    # duplex pads each handout itself, so the files differ: they go to their own folder
    duplex = run(path, options(tmp_path, output=tmp_path / "two-sided", combined=tmp_path / "duplex.pdf",
                               use_cover=True, duplex=True))
    padded = [p + p % 2 for p in pages]
    assert [r.pages for r in duplex.rows] == padded
    assert duplex.combined_pages == sum(padded)
    duplex_reader = PdfReader(tmp_path / "duplex.pdf")
    starts = [duplex_reader.get_destination_page_number(i) for i in duplex_reader.outline]
    assert all(s % 2 == 0 for s in starts)


def test_progress_reports_every_row(tmp_path: Path) -> None:
    seen: list[tuple[str, int]] = []
    path = write_csv(tmp_path, BAD_ROWS)
    run(path, options(tmp_path), progress=lambda row, total: seen.append((row.patient_id, total)))
    assert len(seen) == 8 and {t for _, t in seen} == {8}


def test_changed_data_or_encryption_is_not_taken_as_done(tmp_path: Path, data_copy: Path) -> None:
    path = write_csv(tmp_path, HEADER + "c1,Ann,nonspecific,acute,,1\n")
    run(path, options(tmp_path, data=data_copy))
    assert run(path, options(tmp_path, data=data_copy)).rows[0].status == "skipped"  # no start date: still done
    knee = data_copy / "regions" / "low-back" / "exercises" / "double-knee-to-chest.yaml"
    knee.write_text(knee.read_text().replace("hold: 20", "hold: 45", 1))
    from handouts.run.library import _open

    _open.cache_clear()
    assert run(path, options(tmp_path, data=data_copy)).rows[0].status == "failed"  # the dose changed
    assert run(path, options(tmp_path, data=data_copy, password="pw", force=True)).rows[0].status == "written"


_REAL_RENDER = batch_module._render_one


def _dying(task):  # type: ignore[no-untyped-def]
    """Row d3 kills its worker process: a crash, not an exception."""
    if task.request.patient.patient_id == "d3":
        os._exit(7)
    return _REAL_RENDER(task)


def test_a_worker_that_dies_costs_only_its_own_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch_module, "_render_one", _dying)  # pickled by name; forked workers see it too
    rows = "".join(f"d{i},Pat,nonspecific,acute,2026-12-07,1\n" for i in range(8))
    result = run(write_csv(tmp_path, HEADER + rows), options(tmp_path, workers=2))
    assert [r.status for r in result.rows] == ["written"] * 3 + ["failed"] + ["written"] * 4
    assert result.rows[3].message == "the worker process stopped while making this handout"
    monkeypatch.setattr(batch_module, "_render_one", _REAL_RENDER)  # in-process now: no crashing here
    again = run(write_csv(tmp_path, HEADER + rows), options(tmp_path, workers=1))
    assert [r.status for r in again.rows if r.patient_id != "d3"] == ["skipped"] * 7


def test_running_again_remakes_its_own_print_file_but_keeps_any_other(tmp_path: Path) -> None:
    path = write_csv(tmp_path, HEADER + "r1,Ann,nonspecific,acute,2026-12-07,1\n")
    first = run(path, options(tmp_path, combined=tmp_path / "print.pdf"))
    again = run(path, options(tmp_path, combined=tmp_path / "print.pdf"))
    assert [r.status for r in again.rows] == ["skipped"]
    assert again.combined_pages == first.combined_pages == page_count((tmp_path / "print.pdf").read_bytes())
    (tmp_path / "mine.pdf").write_bytes(blank_pdf())
    from handouts.errors import OutputExistsError

    with pytest.raises(OutputExistsError, match="not a print file made by handouts"):
        run(path, options(tmp_path, combined=tmp_path / "mine.pdf"))


def blank_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
