"""Batches from CSV files as clinics export them: hazards, bad rows, crashes, resuming, print file."""

from __future__ import annotations

import contextlib
import csv
import gc
import io
import json
import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import page_count, pdf_text
from pypdf import PdfReader

from handouts.cli import cli
from handouts.errors import ErrorList, InputError, OutputError
from handouts.load import locations as resources
from handouts.load.patients_csv import read_patients
from handouts.model.options import PrintOptions
from handouts.run import batch as batch_module
from handouts.run.batch import BatchOptions, run
from handouts.run.journal import JOURNAL

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


def test_a_stray_zero_byte_in_a_text_csv_prints_as_a_space_wherever_it_is(tmp_path: Path) -> None:
    """One zero byte in the first 4 KB refused the whole file as 'not a text CSV file (is it a spreadsheet?)',
    where the same byte further down printed as a space, as every control character does."""
    rows = [f"z{i},Ann {i},nonspecific,acute,2026-12-07\n" for i in range(3)]
    path = tmp_path / "patients.csv"
    path.write_bytes((HEADER + rows[0] + "z9,B\x00o,nonspecific,acute,2026-12-07\n" + rows[1]).encode())
    result = run(path, options(tmp_path))
    assert [r.status for r in result.rows] == ["written", "written", "written"]
    assert "For B o Made for" in pdf_text((tmp_path / "out" / "z9.pdf").read_bytes())


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


def test_a_file_whose_dates_read_only_day_first_and_only_month_first_fails_those_rows(tmp_path: Path) -> None:
    """13/12/2026 can only be day first and 12/14/2026 only month first: in one file, the dates of one kind
    are wrong and no file can tell which, so none of them is guessed; YYYY-MM-DD dates are made."""
    path = write_csv(tmp_path, HEADER + "d1,Ann,nonspecific,acute,13/12/2026,1\n"
                                         "d2,Bo,nonspecific,acute,12/14/2026,1\n"
                                         "d3,Cy,nonspecific,acute,15/12/2026,1\n"
                                         "d4,Di,nonspecific,acute,2026-12-14,1\n")
    result = run(path, options(tmp_path))
    by_line = {r.line: r for r in result.rows}
    assert [by_line[line].status for line in (2, 3, 4, 5)] == ["invalid", "invalid", "invalid", "written"]
    assert by_line[3].message == (
        "column 'start_date': '12/14/2026' reads only as MM/DD/YYYY, and lines 2, 4 read only as DD/MM/YYYY: the "
        "file mixes the two; write its dates as YYYY-MM-DD (pass --date-format DD/MM/YYYY or MM/DD/YYYY)")
    assert "'13/12/2026' reads only as DD/MM/YYYY, and line 3 reads only as MM/DD/YYYY" in by_line[2].message
    assert sorted(p.name for p in (tmp_path / "out").glob("*.pdf")) == ["d4.pdf"]
    again = run(path, options(tmp_path))  # the same answer on a rerun
    assert [r.status for r in again.rows] == ["invalid", "invalid", "invalid", "skipped"]
    # with the file's date format given, the month-first date is simply not a real date in it
    other = run(path, options(tmp_path, output=tmp_path / "other", date_format="DD/MM/YYYY"))
    assert [r.status for r in other.rows] == ["written", "invalid", "written", "written"]
    assert "'12/14/2026' is not a real date in DD/MM/YYYY" in other.rows[1].message


def test_a_row_with_another_problem_still_counts_in_how_the_files_dates_read(tmp_path: Path) -> None:
    """A row whose phase was misspelt said nothing of its month-first date, and once the phase was
    mended the other rows failed: the mix is the file's, whatever else a row has."""
    path = write_csv(tmp_path, HEADER + "b1,Ann,nonspecific,accute,12/18/2026,1\n"
                                         "b2,Bo,nonspecific,acute,13/12/2026,1\n"
                                         "b3,Cy,nonspecific,acute,2026-12-14,1\n")
    result = run(path, options(tmp_path))
    assert [r.status for r in result.rows] == ["invalid", "invalid", "written"]
    assert "'accute' is not one of" in result.rows[0].message and "reads only as MM/DD/YYYY" in result.rows[0].message
    assert "'13/12/2026' reads only as DD/MM/YYYY, and line 2 reads only as MM/DD/YYYY" in result.rows[1].message


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
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        JOURNAL, "manifest.csv", "r1.layout.json", "r1.pdf", "r1.plan.json", "r3.layout.json", "r3.pdf", "r3.plan.json"]
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
    assert [r.status for r in forced.rows] == ["skipped", "written"]  # --force replaces only what it must


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
        # A row's plan record and layout are journalled before its PDF, and each PDF just before it is
        # written: six PDFs listed means at least four written, whichever two rows are in flight.
        if journal.exists() and journal.read_text().count(".pdf,") >= 6:
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
    assert sorted(p.name for p in out.iterdir()) == sorted([JOURNAL, "manifest.csv",
                                                           *(f"k{i:03d}.pdf" for i in range(40)),
                                                           *(f"k{i:03d}.plan.json" for i in range(40)),
                                                           *(f"k{i:03d}.layout.json" for i in range(40))])
    for pdf in out.glob("*.pdf"):
        assert page_count(pdf.read_bytes()) > 1


# ---------------------------------------------------------------- outputs


def test_manifest_defuses_formula_cells(tmp_path: Path) -> None:
    text = HEADER + "ok,Ann,nonspecific,acute,,\n=HYPERLINK(\"http://x\"),Bo,nonspecific,acute,,\n-5,Cy,x,y,,\n"
    path = write_csv(tmp_path, text)
    run(path, options(tmp_path))
    raw = (tmp_path / "out" / "manifest.csv").read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    assert "\n3,\"'=HYPERLINK" in raw and ",=HYPERLINK" not in raw and ",\"=HYPERLINK" not in raw
    assert "\n4,'-5," in raw and ",-5," not in raw
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


# ---------------------------------------------------------------- issue 13: runs twice, survives anything

SAMPLE = resources.data_dir() / "sample-patients.csv"
ROWS = HEADER + "a1,Ann,nonspecific,acute,2026-12-07,1\na2,Bo,nonspecific,acute,2026-12-07,1\n"


def files(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file in ``folder`` with its bytes and modification time."""
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.mark.parametrize("extra", [pytest.param([], id="plain"), pytest.param(["--duplex"], id="duplex")])
def test_the_readme_command_run_twice_skips_every_row_and_keeps_the_print_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: list[str]) -> None:
    """#1: the second run said the print file was not made by handouts (the marker was past a 4 KB tail scan)."""
    monkeypatch.chdir(tmp_path)
    command = ["batch", str(SAMPLE), "--combined", "output/print.pdf", "--workers", "2", *extra]
    first = CliRunner().invoke(cli, command)
    assert first.exit_code == 0, first.output
    made = files(tmp_path / "output")
    second = CliRunner().invoke(cli, command)
    assert second.exit_code == 0, second.output
    assert second.stdout.startswith("written: 0, skipped (already done): 14, failed: 0")
    assert "print file: output/print.pdf (" in second.stdout and "left as it was" in second.stdout
    pdfs = {name: made[name] for name in made if name.endswith(".pdf")}
    assert {name: value for name, value in files(tmp_path / "output").items() if name.endswith(".pdf")} == pdfs
    forced = CliRunner().invoke(cli, [*command, "--force"])  # --force replaces what it must, nothing more
    assert forced.exit_code == 0 and forced.stdout.startswith("written: 0, skipped (already done): 14, failed: 0")
    assert {name: value for name, value in files(tmp_path / "output").items() if name.endswith(".pdf")} == pdfs


def test_a_print_file_is_known_by_its_first_object_not_by_its_tail(tmp_path: Path) -> None:
    """#1: a file that merely ends with the print file's creator is somebody else's."""
    path = write_csv(tmp_path, ROWS)
    mimic = blank_pdf() + b"%% /Creator (handouts print file)\n"
    (tmp_path / "print.pdf").write_bytes(mimic)
    from handouts.errors import OutputExistsError

    with pytest.raises(OutputExistsError, match="not a print file made by handouts; pass --force"):
        run(path, options(tmp_path, combined=tmp_path / "print.pdf"))
    assert (tmp_path / "print.pdf").read_bytes() == mimic and not (tmp_path / "out").exists()


@pytest.mark.parametrize(("name", "what"), [
    pytest.param("a1.pdf", "the handout of line 2 (a1)", id="a-row's-handout"),
    pytest.param("A1.PDF", "the handout of line 2 (a1)", id="other-capitals"),
    pytest.param("manifest.csv", "the batch's manifest.csv", id="manifest"),
    pytest.param(JOURNAL, f"the batch's {JOURNAL}", id="journal"),
    pytest.param("b1.pdf", "a handout an earlier batch made in this folder", id="another-batch's-handout"),
])
def test_the_print_file_may_not_take_the_place_of_another_output(tmp_path: Path, name: str, what: str) -> None:
    """#2: --combined out/alice.pdf made Alice's file the print file of every patient."""
    out = tmp_path / "out"
    run(write_csv(tmp_path, HEADER + "b1,Cy,nonspecific,acute,2026-12-07,1\n", "b.csv"), options(tmp_path))
    path = write_csv(tmp_path, ROWS)
    run(path, options(tmp_path))
    before = files(out)
    with pytest.raises(InputError) as caught:
        run(path, options(tmp_path, combined=out / name))
    assert str(caught.value) == f"{out / name}: the print file would replace {what}; choose another name for --combined"
    assert files(out) == before
    done = CliRunner().invoke(cli, ["batch", str(path), "-o", str(out), "--combined", str(out / name), "--quiet"])
    assert done.exit_code == 2 and done.stderr.startswith(f"error: {out / name}: the print file would replace")


def test_a_print_file_linked_to_a_handout_is_refused(tmp_path: Path) -> None:
    """#2: the same place reached through a link."""
    path = write_csv(tmp_path, ROWS)
    run(path, options(tmp_path))
    (tmp_path / "print.pdf").symlink_to(tmp_path / "out" / "a2.pdf")
    with pytest.raises(InputError, match="the print file would replace the handout of line 3"):
        run(path, options(tmp_path, combined=tmp_path / "print.pdf"))


def test_a_foreign_manifest_is_kept_unless_force(tmp_path: Path) -> None:
    """#3: manifest.csv was replaced without --force."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.csv").write_text("the front desk's own list\n")
    path = write_csv(tmp_path, ROWS)
    from handouts.errors import OutputExistsError

    with pytest.raises(OutputExistsError) as caught:
        run(path, options(tmp_path))
    assert str(caught.value) == (f"{out / 'manifest.csv'}: the file exists and was not written by a batch into this "
                                 "folder (or was changed since); pass --force to replace it, or choose another output "
                                 "folder")
    assert sorted(p.name for p in out.iterdir()) == ["manifest.csv"]
    assert (out / "manifest.csv").read_text() == "the front desk's own list\n"
    assert [r.status for r in run(path, options(tmp_path, force=True)).rows] == ["written", "written"]
    assert [r.status for r in run(path, options(tmp_path)).rows] == ["skipped", "skipped"]  # its own: replaced
    with (out / "manifest.csv").open("a", encoding="utf-8") as stream:
        stream.write("a note typed in a spreadsheet\n")
    with pytest.raises(OutputExistsError):
        run(path, options(tmp_path))
    assert (out / "manifest.csv").read_text(encoding="utf-8-sig").endswith("a note typed in a spreadsheet\n")


def test_two_csvs_share_one_folder_and_each_keeps_its_files(tmp_path: Path) -> None:
    """#4: A, then B, then A again: every row of the third run was refused as foreign.
    Each day's export may have the same name: the folder's journal, not the CSV's name, knows the files."""
    monday, tuesday = tmp_path / "monday", tmp_path / "tuesday"
    monday.mkdir()
    tuesday.mkdir()
    a = write_csv(monday, ROWS, "export.csv")
    b = write_csv(tuesday, HEADER + "b1,Cy,spinal-stenosis,acute,2026-12-08,1\n", "export.csv")
    assert [r.status for r in run(a, options(tmp_path)).rows] == ["written", "written"]
    assert [r.status for r in run(b, options(tmp_path)).rows] == ["written"]
    again = run(a, options(tmp_path))
    assert again.exit_code == 0 and [r.status for r in again.rows] == ["skipped", "skipped"]
    assert [r.status for r in run(b, options(tmp_path)).rows] == ["skipped"]
    assert [(r["line"], r["patient_id"]) for r in manifest(tmp_path / "out")] == [("2", "b1")]  # the last run's rows


@pytest.mark.parametrize("planted", ["journal", "manifest", "handout", "print file"])
@pytest.mark.parametrize("dangling", [False, True], ids=["link", "dangling-link"])
def test_no_file_is_written_through_a_planted_link(tmp_path: Path, planted: str, dangling: bool) -> None:
    """#5: a link named like the journal made the batch append to its target; a dangling one created it."""
    out = tmp_path / "out"
    path = write_csv(tmp_path, ROWS)
    run(path, options(tmp_path, combined=tmp_path / "print.pdf"))
    victim = tmp_path / "victim.txt"
    if not dangling:
        victim.write_text("precious\n")
    name = {"journal": JOURNAL, "manifest": "manifest.csv", "handout": "a1.pdf", "print file": "../print.pdf"}[planted]
    link = out / name
    link.unlink()
    link.symlink_to(victim)
    from handouts.errors import OutputError, OutputExistsError

    if planted == "journal":
        with pytest.raises(OutputError) as caught:
            run(path, options(tmp_path, combined=tmp_path / "print.pdf"))
        assert str(caught.value) == (f"{link}: this is a link, not a file handouts made; handouts writes only plain "
                                     "files here: remove it")
    elif planted in ("manifest", "print file"):
        with pytest.raises(OutputExistsError, match="pass --force"):
            run(path, options(tmp_path, combined=tmp_path / "print.pdf"))
        run(path, options(tmp_path, combined=tmp_path / "print.pdf", force=True))
        assert not link.is_symlink()  # the link itself was replaced, never its target
    else:
        result = run(path, options(tmp_path, combined=tmp_path / "print.pdf"))
        assert result.rows[0].status == "failed" and "a1.pdf exists and was not made from this row" in result.rows[0].message
        run(path, options(tmp_path, combined=tmp_path / "print.pdf", force=True))
        assert not link.is_symlink()
    assert (victim.read_text() == "precious\n") if not dangling else not victim.exists()


# A child process that stops itself at the worst moment: its handout is complete in a temporary
# file, synced, not yet named. In a batch the signal comes from a worker, to its parent.
STOP_WHILE_WRITING = """
import os, signal, sys
from pathlib import Path
from handouts.cli import main

parent, name, flag = os.getpid(), sys.argv[1], Path(sys.argv[2])
real_fsync = os.fsync

def fsync_then_stop(descriptor):
    real_fsync(descriptor)
    try:
        os.close(os.open(flag, os.O_CREAT | os.O_EXCL))  # once, whichever process gets here first
    except FileExistsError:
        return
    os.kill(parent, getattr(signal, name))

os.fsync = fsync_then_stop
sys.exit(main(sys.argv[3:]))
"""


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob(".handouts-*.tmp")) if folder.exists() else []


@pytest.mark.parametrize(("name", "code"), [("SIGTERM", 143), ("SIGHUP", 129), ("SIGINT", 130)])
def test_a_stopped_make_leaves_no_temporary_file(tmp_path: Path, name: str, code: int) -> None:
    """#6: SIGTERM during make left a complete hidden PDF with the patient's data, and exit 143 was undocumented."""
    out = tmp_path / "out"
    args = ["make", "--patient-id", "s1", "--name", "Ann Lee", "--diagnosis", "nonspecific", "--phase", "acute",
            "-o", str(out)]
    done = subprocess.run([sys.executable, "-c", STOP_WHILE_WRITING, name, str(tmp_path / "flag"), *args],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == code, done.stderr
    assert done.stderr.lstrip("\n").startswith(f"stopped ({name}); no temporary file is left behind.")
    assert (tmp_path / "flag").exists()  # the signal came while the file was being written
    assert sorted(p.name for p in out.iterdir()) == []


def test_a_stopped_batch_cleans_up_and_resumes(tmp_path: Path) -> None:
    """#6 in a batch: the parent stops its workers, removes every temporary file, and the rerun finishes."""
    rows = "".join(f"t{i:02d},Pat {i},nonspecific,maintenance,2026-12-07,1\n" for i in range(12))
    path = write_csv(tmp_path, HEADER + rows)
    out = tmp_path / "out"
    args = ["batch", str(path), "-o", str(out), "--workers", "2", "--quiet", "--combined", str(out / "print.pdf")]
    done = subprocess.run([sys.executable, "-c", STOP_WHILE_WRITING, "SIGTERM", str(tmp_path / "flag"), *args],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 143, done.stderr
    assert _leftovers(out) == [] and not (out / "manifest.csv").exists() and not (out / "print.pdf").exists()
    again = subprocess.run([sys.executable, "-m", "handouts.cli", *args], capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert [r["status"] for r in manifest(out)].count("failed") == 0 and len(manifest(out)) == 12


def test_the_next_run_sweeps_temporary_files_a_killed_run_left(tmp_path: Path) -> None:
    """#6: temporary files of every kind that nobody is writing are removed; one being written is not."""
    out = tmp_path / "out"
    out.mkdir()
    stale = [".handouts-k1b2c3.tmp", ".handouts-batch-4242-combined.tmp", ".handouts-batch-x9.tmp"]
    for name in stale:
        (out / name).write_bytes(b"%PDF-1.4 half of somebody's handout")
    busy = out / ".handouts-busy.tmp"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, os, sys; d = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT); "
         "fcntl.flock(d, fcntl.LOCK_EX); print('locked', flush=True); sys.stdin.read()", str(busy)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"  # its writer is alive
        made = CliRunner().invoke(cli, ["make", "--patient-id", "m1", "--name", "Ann", "--diagnosis", "nonspecific",
                                        "--phase", "acute", "--no-cover", "-o", str(out)])
        assert made.exit_code == 0, made.output
        assert _leftovers(out) == [busy.name]
        for name in stale:
            (out / name).write_bytes(b"%PDF-1.4 half of somebody's handout")
        assert run(write_csv(tmp_path, ROWS), options(tmp_path)).exit_code == 0
        assert _leftovers(out) == [busy.name]
    finally:
        holder.communicate("")


def _file_size_limit(limit: int) -> Callable[[], None]:
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_a_full_disk_is_exit_3_naming_the_folder_and_the_journal_stays_whole(tmp_path: Path) -> None:
    """#7: internal error: OSError, exit 4, and an empty journal that made finished files look foreign."""
    path = write_csv(tmp_path, HEADER + "f1,Ann,nonspecific,acute,2026-12-07,1\nf2,Bo,nonspecific,acute,2026-12-07,1\n")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "handouts.cli", "batch", str(path), "-o", str(out), "--workers", "1", "--quiet",
               "--no-cover"]
    nothing_fits = subprocess.run(command, capture_output=True, text=True, timeout=120, preexec_fn=_file_size_limit(0))
    assert nothing_fits.returncode == 3, nothing_fits.stderr
    assert nothing_fits.stderr == f"error: {out / JOURNAL}: cannot write the file: File too large\n"
    assert sorted(p.name for p in out.iterdir()) == []  # the journal is complete or absent: absent
    small = subprocess.run(command, capture_output=True, text=True, timeout=120,
                           preexec_fn=_file_size_limit(20_000))  # the journal fits, no handout does
    assert small.returncode == 3, small.stderr
    assert small.stderr == (f"error: {out}: cannot write the file: File too large; done: 0 of 2 rows; free some "
                            "space and run the same command again to finish\n")
    lines = (out / JOURNAL).read_text().splitlines()
    assert lines[0] == "file,sha256,pages,bytes,input_sha256" and all(line.count(",") == 4 for line in lines)
    assert _leftovers(out) == [] and not (out / "manifest.csv").exists()
    room = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert room.returncode == 0, room.stderr
    assert room.stdout.startswith("written: 2, skipped (already done): 0, failed: 0")


def test_an_encrypted_batch_runs_again_without_opening_its_files(tmp_path: Path) -> None:
    """#8: the second run with --password-env stopped with internal error: FileNotDecryptedError."""
    path = write_csv(tmp_path, ROWS)
    command = ["batch", str(path), "-o", str(tmp_path / "out"), "--workers", "1", "--no-cover", "--password-env", "PW"]
    first = CliRunner().invoke(cli, command, env={"PW": "s3cret"})
    assert first.exit_code == 0, first.output
    again = CliRunner().invoke(cli, command, env={"PW": "s3cret"})
    assert again.exit_code == 0, again.output
    assert again.stdout.startswith("written: 0, skipped (already done): 2, failed: 0")
    assert [r["pages"] for r in manifest(tmp_path / "out")] == [r["pages"] for r in manifest(tmp_path / "out")]
    assert all(int(r["pages"]) > 1 for r in manifest(tmp_path / "out"))


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    found = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat_file.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_a_killed_batch_parent_takes_its_workers_and_lock_with_it(tmp_path: Path) -> None:
    """#9: after kill -9 of the parent, its workers held the folder lock and every rerun was refused."""
    rows = "".join(f"w{i:03d},Pat {i},nonspecific,maintenance,2026-12-07,2\n" for i in range(40))
    path = write_csv(tmp_path, HEADER + rows)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "handouts.cli", "batch", str(path), "-o", str(out), "--workers", "2", "--quiet"]
    process = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        journal = out / JOURNAL
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            if journal.exists() and journal.read_text().count("\n") >= 3:
                break
            time.sleep(0.02)
        workers = _children(process.pid)
        assert workers, "the batch should be running its workers"
        os.kill(process.pid, signal.SIGKILL)  # the parent only, as a crash or the OOM killer would
        process.wait()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and any(_alive(w) for w in workers):
            time.sleep(0.02)
        assert not any(_alive(w) for w in workers), "the workers outlived their parent"
        finished = subprocess.run(command, capture_output=True, text=True, timeout=180)
        assert finished.returncode == 0, finished.stderr
        assert len(manifest(out)) == 40 and _leftovers(out) == []
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


def _stand_in(task):  # type: ignore[no-untyped-def]
    """A worker that makes nothing: what is measured is the parent."""
    return batch_module.RowResult(task.line, task.request.patient.patient_id, "written", "", task.path.name, 4,
                                  1000, "0" * 64, task.input_sha256)


def test_the_parent_keeps_no_row_it_is_not_working_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """#10: every task was built up front (258 MB at 100,000 rows); the parent must stay flat in rows.
    Counted as the requests and results alive when the last row is done (not time, and not bytes,
    which move with interpreter-wide tables); benchmarks/bench.py has the memory at 1k, 10k and 100k rows.

    Both counts are taken after a full collection, less those alive before the batch: the test process
    also holds what earlier tests in it left (garbage in cycles until the collector runs, which came to
    28 results once), and which tests ran before this one changes from run to run."""
    from handouts.model import HandoutRequest

    def alive_now() -> tuple[int, int]:
        gc.collect()
        objects = gc.get_objects()
        return (sum(isinstance(o, HandoutRequest) for o in objects),
                sum(isinstance(o, batch_module.RowResult) for o in objects))

    monkeypatch.setattr(batch_module, "_render_one", _stand_in)
    alive: list[tuple[int, int]] = []

    def at_the_last_row(row: object, total: int) -> None:
        if row.line == total + 1:  # type: ignore[attr-defined]
            alive.append(alive_now())

    rows = "".join(f"r{i:04d},Pat {i},nonspecific,maintenance,2026-12-07,2\n" for i in range(1000))
    before = alive_now()
    run(write_csv(tmp_path, HEADER + rows), options(tmp_path, workers=2), progress=at_the_last_row)
    requests, results = alive[0][0] - before[0], alive[0][1] - before[1]
    assert requests <= 20 and results <= 20, (before, alive[0])  # a window's worth, of 1,000 rows


def test_a_batch_with_no_good_row_prints_its_summary_and_writes_nothing(tmp_path: Path) -> None:
    """#19: 61 error lines, no summary, and an exit code the README did not describe."""
    path = write_csv(tmp_path, HEADER + "".join(f"b{i},Bo,nonspecific,accute,,\n" for i in range(3)))
    done = CliRunner().invoke(cli, ["batch", str(path), "-o", str(tmp_path / "out"), "--quiet"])
    assert done.exit_code == 2
    assert done.stderr.count("error: patients.csv:") == 3
    assert done.stdout == ("written: 0, skipped (already done): 0, failed: 3 of 3 rows\n"
                           "nothing was written: no row is good; fix the rows listed above and run the same command "
                           "again\n")
    strict = CliRunner().invoke(cli, ["batch", write_csv(tmp_path, BAD_ROWS, "bad.csv").as_posix(), "--strict",
                                      "-o", str(tmp_path / "out"), "--quiet"])
    assert strict.exit_code == 2 and strict.stdout.startswith("written: 0, skipped (already done): 0, failed: 6 of 8")
    assert "nothing was written: --strict and a row has a problem" in strict.stdout
    assert not (tmp_path / "out").exists()


def test_the_manifest_tells_two_rows_with_one_id_apart_by_their_line(tmp_path: Path) -> None:
    """#19: the manifest gains the CSV line number."""
    path = write_csv(tmp_path, HEADER + "d1,Ann,nonspecific,acute,,\nd1,Bo,nonspecific,acute,,\n")
    run(path, options(tmp_path))
    assert [(r["line"], r["patient_id"], r["status"]) for r in manifest(tmp_path / "out")] == [
        ("2", "d1", "written"), ("3", "d1", "invalid")]


def test_exit_codes_agree_in_the_code_the_help_and_the_readme() -> None:
    """#19: make code and README agree (and the help, and the signals' codes)."""
    from handouts import cli as cli_module
    from handouts.cli.common import EXIT_INTERNAL
    from handouts.errors import EXIT_OK, EXIT_OUTPUT, EXIT_SOME_FAILED, EXIT_USAGE

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    documented = " ".join(readme.split("**Exit codes:**", 1)[1].split("\n\n", 1)[0].split())
    helped = CliRunner().invoke(cli, ["--help"]).output
    for code, words in [(EXIT_OK, "done"), (EXIT_SOME_FAILED, "some rows failed"), (EXIT_USAGE, "usage or input error"),
                        (EXIT_OUTPUT, "nothing could be written"), (EXIT_INTERNAL, "internal error"),
                        (130, "Ctrl-C"), (143, "SIGTERM"), (129, "SIGHUP")]:
        for text in (documented, " ".join(helped.split()), " ".join(cli_module.__doc__.split())):
            assert str(code) in text and words in text, (code, words, text)
    assert "no good row" in documented and "no good row" in " ".join(helped.split())


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc to tell a folder's descriptor")
def test_a_rows_files_are_journalled_then_synced_and_the_folder_synced_once_they_are_named(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A row's three files: all three journal lines first, every file's bytes synced before any is named,
    the PDF named last, and the folder synced once every name of the row is given (one folder sync a row)."""
    out = tmp_path / "out"
    names = ["a1.plan.json", "a1.layout.json", "a1.pdf"]
    real = os.fsync
    seen: list[tuple[str, list[str], list[str]]] = []

    def recording(descriptor: int) -> None:
        kind = "folder" if os.path.isdir(f"/proc/self/fd/{descriptor}") else "file"
        journal = (out / JOURNAL).read_text(encoding="utf-8") if (out / JOURNAL).exists() else ""
        seen.append((kind, [n for n in names if (out / n).exists()],
                     [n for n in names if f"\n{n}," in journal]))
        real(descriptor)

    monkeypatch.setattr(os, "fsync", recording)
    run(write_csv(tmp_path, HEADER + "a1,Ann Lee,nonspecific,maintenance,2026-12-07,1\n"), options(tmp_path))
    row = [(kind, named) for kind, named, journalled in seen if journalled]
    start = next(i for i, (kind, _, journalled) in enumerate(seen) if journalled)
    assert all(journalled == names for _, _, journalled in seen[start:])  # every line before the first file
    assert row[:4] == [("file", []), ("file", []), ("file", []), ("folder", names)]


def test_a_row_with_several_overrides_is_skipped_when_run_again_in_another_process(tmp_path: Path) -> None:
    """A row's fingerprint held the request's sets in the order string hashing gave them, which changes
    from process to process: run again, a row with two overrides or more failed as 'not made from this row'."""
    csv_path = tmp_path / "p.csv"
    csv_path.write_text("patient_id,name,diagnosis,phase,start_date,allow_strengthening,allow_direction,skip_walking\n"
                        "p-1,Ann Lee,herniated-disc,acute,2026-12-07,yes,yes,yes\n", encoding="utf-8")
    outputs = []
    for seed in ("1", "2", "3"):
        done = subprocess.run([sys.executable, "-c", "import sys; from handouts.cli import main; sys.exit(main())",
                               "batch", str(csv_path), "-o", str(tmp_path / "out")], capture_output=True, text=True,
                              env={**os.environ, "PYTHONHASHSEED": seed})
        assert done.returncode == 0, done.stdout + done.stderr
        outputs.append(done.stdout + done.stderr)
    assert "written: 1," in outputs[0]
    assert all("written: 0, skipped (already done): 1, failed: 0" in output for output in outputs[1:]), outputs


@pytest.mark.parametrize("kept", [0, 2, 1024])
def test_rows_the_first_pass_kept_are_not_checked_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         kept: int) -> None:
    """The first pass keeps the tasks of the first KEPT_TASKS good rows; the second pass checks only the
    others (and a bad row) again. The handouts are the same either way."""
    monkeypatch.setattr(batch_module, "KEPT_TASKS", kept)
    checked: list[int] = []
    real = batch_module.RowChecker.check
    monkeypatch.setattr(batch_module.RowChecker, "check", lambda self, row: checked.append(row.line) or real(self, row))
    path = write_csv(tmp_path, HEADER + "".join(f"k{n},Ann {n},nonspecific,acute,2026-12-07,1\n" for n in range(4))
                     + "bad,Bob,nonspecific,someday,2026-12-07,1\n")
    result = run(path, options(tmp_path))
    assert result.count("written") == 4 and result.count("invalid") == 1
    first, second = checked[:5], checked[5:]
    assert first == [2, 3, 4, 5, 6]
    assert second == [2, 3, 4, 5][min(kept, 4):] + [6]
    assert [row["status"] for row in manifest(tmp_path / "out")] == ["written"] * 4 + ["invalid"]


def test_a_print_file_of_two_paper_sizes_says_which_rows_are_on_the_rarer_one(tmp_path: Path) -> None:
    rows = ("patient_id,name,diagnosis,phase,start_date,weeks,paper\n"
            "p-1,Ann,nonspecific,subacute,2026-12-07,1,\n"
            "p-2,Bo,nonspecific,subacute,2026-12-07,1,a4\n"
            "p-3,Cy,nonspecific,subacute,2026-12-07,1,letter\n")
    mixed = run(write_csv(tmp_path, rows), options(tmp_path, combined=tmp_path / "out" / "print.pdf"))
    assert ("the print file mixes paper sizes: 2 handouts on Letter, 1 on A4 (line 3); load both papers, or set "
            "the same paper on every row (the paper column)") in mixed.notes
    pages = PdfReader(tmp_path / "out" / "print.pdf").pages
    sizes = {tuple(round(float(v)) for v in page.mediabox[2:]) for page in pages}
    assert sizes == {(612, 792), (595, 842)}
    # one paper, or no print file: nothing to say
    same = run(write_csv(tmp_path, rows.replace(",a4\n", ",letter\n"), "same.csv"),
               options(tmp_path, output=tmp_path / "same", combined=tmp_path / "same" / "print.pdf"))
    apart = run(write_csv(tmp_path, rows, "apart.csv"), options(tmp_path, output=tmp_path / "apart"))
    assert not [n for n in (*same.notes, *apart.notes) if "paper sizes" in n]


@pytest.mark.parametrize("name", ["a1.plan.json", "a2.layout.json", "print"])
def test_the_print_file_is_a_pdf_so_it_never_takes_a_plan_record_or_layout_file_name(tmp_path: Path,
                                                                                       name: str) -> None:
    """--combined out/p-1.plan.json in a new folder made a patient's plan record the print file."""
    out = tmp_path / "out"
    with pytest.raises(InputError) as caught:
        run(write_csv(tmp_path, ROWS), options(tmp_path, combined=out / name))
    assert str(caught.value) == (f"{out / name}: the print file is a PDF: give --combined a name ending in .pdf, "
                                 "such as print.pdf")
    assert not out.exists()


@pytest.mark.parametrize(("name", "what"), [
    pytest.param("a1.pdf", "a handout a batch made in that folder", id="handout"),
    pytest.param("manifest.csv", "a batch's manifest.csv", id="manifest"),
])
def test_a_print_file_in_another_batch_folder_never_replaces_its_files_even_with_force(
        tmp_path: Path, name: str, what: str) -> None:
    shared = tmp_path / "shared"
    path = write_csv(tmp_path, ROWS)
    run(path, options(tmp_path, output=shared))
    before = {p.name: p.read_bytes() for p in shared.iterdir()}
    with pytest.raises(InputError) as caught:
        run(path, options(tmp_path, output=tmp_path / "mine", combined=shared / name, force=True))
    assert str(caught.value) == (f"{shared / name}: the print file would replace {what}; choose another name "
                                 "for --combined")
    assert {p.name: p.read_bytes() for p in shared.iterdir()} == before


def test_the_summary_says_which_rows_the_print_file_lacks(tmp_path: Path) -> None:
    """A print file goes to the printer whole: a row not made is a patient missing from the stack."""
    from handouts.report.describe import batch_json, batch_summary

    rows = HEADER + "a1,Ann,nonspecific,acute,2026-12-07,1\nb1,Bo,nonspecific,accute,2026-12-07,1\n"
    result = run(write_csv(tmp_path, rows), options(tmp_path, combined=tmp_path / "print.pdf"))
    summary = batch_summary(result)
    assert summary.splitlines()[-1] == "  not in it: 1 row not made (line 3)", summary
    assert json.loads(batch_json(result))["total"] == 2
    whole = run(write_csv(tmp_path, HEADER + "a1,Ann,nonspecific,acute,2026-12-07,1\n", "whole.csv"),
                options(tmp_path, output=tmp_path / "whole", combined=tmp_path / "whole.pdf"))
    assert "not in it" not in batch_summary(whole)


def test_an_id_differing_only_in_capitals_from_a_file_in_the_folder_fails_its_row(tmp_path: Path) -> None:
    """p-1 from one CSV, then P-1 from another: p-1.pdf and P-1.pdf side by side, one file once the folder
    is copied to Windows, macOS or a USB stick."""
    from click.testing import CliRunner

    from handouts.cli import cli

    out = tmp_path / "out"
    run(write_csv(tmp_path, HEADER + "p-1,Ann,nonspecific,acute,2026-12-07,1\n", "a.csv"), options(tmp_path))
    result = run(write_csv(tmp_path, HEADER + "P-1,Bo,nonspecific,acute,2026-12-07,1\n"
                           "P-2,Cy,nonspecific,acute,2026-12-07,1\n", "b.csv"), options(tmp_path, force=True))
    twin, other = result.rows
    assert (twin.status, other.status) == ("failed", "written")
    assert twin.message == ("the folder has p-1.pdf, a name that differs from P-1.pdf only in capitals; on Windows, "
                            "macOS or a USB stick they are one file: write the id as before or choose another")
    assert not (out / "P-1.pdf").exists() and (out / "p-1.pdf").exists()
    made = CliRunner().invoke(cli, ["make", "--patient-id", "P-1", "--name", "Bo", "--diagnosis", "nonspecific",
                                    "--phase", "acute", "--no-cover", "-o", str(out)])
    assert made.exit_code == 2 and "the folder has p-1.pdf, a name that differs from P-1.pdf" in made.output
