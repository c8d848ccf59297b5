"""Exports straight from a scheduling system: column maps, the usual column names, values as people type them."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from helpers import pdf_text

from handouts.errors import HandoutError, InputError
from handouts.load.columns import load_column_map
from handouts.load.patients_csv import read_patients
from handouts.model.options import PrintOptions
from handouts.run.batch import BatchOptions, run

CASES = Path(__file__).parent / "cases" / "csv"
TODAY = date(2026, 12, 1)


def batch(tmp_path: Path, source: Path, columns: Path | None = None, **changes: object):  # type: ignore[no-untyped-def]
    options = BatchOptions(output=tmp_path / "out", workers=1, columns=columns,
                           printing=PrintOptions(use_cover=False, today=TODAY), **changes)  # type: ignore[arg-type]
    return run(source, options)


def manifest(tmp_path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((tmp_path / "out" / "manifest.csv").read_text(encoding="utf-8-sig"))))


@pytest.mark.parametrize("export", ["us-scheduler", "eu-semicolon", "practice-report"])
def test_each_realistic_export_runs_with_only_its_column_map(tmp_path: Path, export: str) -> None:
    result = batch(tmp_path, CASES / f"{export}.csv", CASES / f"{export}.columns.yaml")
    assert result.exit_code == 0, [r.message for r in result.rows]
    assert result.count("written") == 4 and all(r.ok for r in result.rows)


def test_us_export_first_and_last_name_mrn_and_month_first_dates(tmp_path: Path) -> None:
    result = batch(tmp_path, CASES / "us-scheduler.csv", CASES / "us-scheduler.columns.yaml")
    assert [r.patient_id for r in result.rows] == ["000482", "000517", "000533", "000541"]  # leading zeros kept
    first = pdf_text((tmp_path / "out" / "000482.pdf").read_bytes())
    assert "Thi Mai Nguyen" in first and "a herniated disc" in first and "7 December 2026" in first
    assert "1961" not in first  # the date of birth is never printed
    spanish = pdf_text((tmp_path / "out" / "000533.pdf").read_bytes())
    assert "María José García López" in spanish and "8 de diciembre de 2026" in spanish
    assert any("leaving out column DOB: a handout never needs the date of birth" in n for n in result.notes)
    assert any("reading patient_id from MRN, name from First Name + Last Name" in n for n in result.notes)


def test_european_export_semicolons_day_first_dates_and_spanish_words(tmp_path: Path) -> None:
    result = batch(tmp_path, CASES / "eu-semicolon.csv", CASES / "eu-semicolon.columns.yaml")
    text = pdf_text((tmp_path / "out" / "H-10233.pdf").read_bytes())
    assert "Lucía Fernández Ruiz" in text and "7 de diciembre de 2026" in text and "hernia de disco" in text
    assert "Hielo 15 minutos; no conducir largo rato." in text
    assert "12 de mayo" not in text and "1966" not in text
    english = pdf_text((tmp_path / "out" / "H-10258.pdf").read_bytes())
    assert "Anna Schmidt" in english and "low back pain" in english and "10 December 2026" in english
    assert any("Fecha nacimiento" in n for n in result.notes)


def test_report_with_extra_columns_and_a_total_line(tmp_path: Path) -> None:
    result = batch(tmp_path, CASES / "practice-report.csv", CASES / "practice-report.columns.yaml")
    assert [r.patient_id for r in result.rows] == ["C-7781", "C-7790", "C-7802", "C-7815"]
    assert any("skipped a total line (Total appointments: 4)" in n for n in result.notes)
    assert any("ignoring columns appointment_id, visit_type, status, room, insurance" in n for n in result.notes)
    chosen = pdf_text((tmp_path / "out" / "C-7790.pdf").read_bytes())
    assert "Buttock stretch" in chosen and "Hamstring stretch" in chosen


def test_the_usual_column_names_need_no_map(tmp_path: Path) -> None:
    source = tmp_path / "export.csv"
    source.write_text("Chart Number,First Name,Last Name,DOB,Dx,Stage,Appointment Date\n"
                      "c-1,Ann,Lee,01/02/1950,Herniated Disc,Sub-acute,2026-12-07\n", encoding="utf-8")
    result = batch(tmp_path, source)
    assert result.exit_code == 0, result.rows[0].message
    assert "Ann Lee" in pdf_text((tmp_path / "out" / "c-1.pdf").read_bytes())


def test_a_clinic_can_keep_its_map_in_clinic_yaml(tmp_path: Path, data_copy: Path) -> None:
    clinic = data_copy / "clinics" / "sample" / "clinic.yaml"
    clinic.write_text(clinic.read_text(encoding="utf-8") + "columns:\n  patient_id: Acct\n  name: '{Given} {Family}'\n"
                      "  diagnosis: Problem\n  phase: Step\n  date_format: DD/MM/YYYY\n", encoding="utf-8")
    source = tmp_path / "export.csv"
    source.write_text("Acct;Given;Family;Problem;Step;Start Date\nA1;Bo;Ek;Spinal stenosis;acute;03/04/2027\n",
                      encoding="utf-8")
    result = batch(tmp_path, source, data=data_copy)
    assert result.exit_code == 0, result.rows[0].message
    text = pdf_text((tmp_path / "out" / "A1.pdf").read_bytes())
    assert "Bo Ek" in text and "3 April 2027" in text  # the clinic's date format settles 03/04


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("patient_id: MRN\nnmae: Patient\n", "nmae: unknown key (did you mean 'name'?)", id="misspelt-field"),
        pytest.param("patient_id: MRN\nname: '{First Name} {Last Name'\n", "has an unmatched '{' or '}'", id="join"),
        pytest.param("patient_id: MRN\ndate_format: YYYY/DD/MM\n", "date_format: 'YYYY/DD/MM' is not one of",
                     id="date-format"),
        pytest.param("# nothing\n{}\n", "maps no columns", id="empty"),
    ],
)
def test_a_broken_column_map_is_refused_with_the_fix(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "map.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(HandoutError) as caught:
        load_column_map(path)
    assert message in str(caught.value)


def test_a_map_naming_a_missing_column_says_which_columns_there_are(tmp_path: Path) -> None:
    source = tmp_path / "export.csv"
    source.write_text("MRN,Fisrt Name,Last Name,Dx,Stage\n1,Ann,Lee,nonspecific,acute\n", encoding="utf-8")
    columns = tmp_path / "map.yaml"
    columns.write_text("name: '{First Name} {Last Name}'\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_patients(source, columns=load_column_map(columns))
    assert ("the column map (map.yaml) gives name from column 'First Name', which the file does not have "
            "(did you mean 'Fisrt Name'?); its columns: MRN, Fisrt Name, Last Name, Dx, Stage") in str(caught.value)


def test_a_total_line_in_the_id_column_is_skipped_too(tmp_path: Path) -> None:
    """The US export puts the MRN first, and so its total line: that was a bad row, not a skipped total."""
    path = tmp_path / "plain.csv"
    path.write_text("patient_id,name,diagnosis,phase\np-1,Ann,nonspecific,acute\nTotal appointments: 1,,,\n",
                    encoding="utf-8")
    result = run(path, BatchOptions(output=tmp_path / "out", workers=1, printing=PrintOptions(use_cover=False)))
    assert [r.patient_id for r in result.rows] == ["p-1"] and result.exit_code == 0
    assert any("skipped a total line (Total appointments: 1)" in n for n in result.notes)
