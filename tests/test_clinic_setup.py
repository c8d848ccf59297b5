"""A clinic's own setup: `handouts clinic init`, the sample-clinic notices, and where data is looked for."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from helpers import pdf_text

from handouts.cli import cli
from handouts.load import locations
from handouts.run.library import forget, open_library

PATIENT = ["--patient-id", "p-1", "--name", "Ann Lee", "--diagnosis", "nonspecific", "--phase", "subacute",
           "--start-date", "2026-12-07"]
OAKWOOD = ["--name", "Oakwood Physio & Rehab", "--phone", "555-0100", "--after-hours", "555-0101 (on-call)",
           "--address", "1 Oak Road; Oakwood, OK 10001", "--emergency", "911", "--language", "en", "--paper", "letter"]


@pytest.fixture
def user_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty user data folder of this test's own."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("HANDOUTS_DATA", raising=False)
    forget()
    yield locations.user_data_dir()
    forget()


def run(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), input=input)


def test_init_with_every_option_writes_checks_and_makes_it_the_default(user_folder: Path, tmp_path: Path) -> None:
    result = run("clinic", "init", *OAKWOOD)
    assert result.exit_code == 0, result.output
    written = user_folder / "clinics" / "oakwood-physio-rehab" / "clinic.yaml"
    assert f"wrote {written}" in result.output and "oakwood-physio-rehab is now the default clinic" in result.output
    clinic = yaml.safe_load(written.read_text(encoding="utf-8"))
    assert clinic["name"] == "Oakwood Physio & Rehab" and clinic["address"] == ["1 Oak Road", "Oakwood, OK 10001"]
    assert clinic["emergency"] == "911" and "sample" not in clinic
    assert yaml.safe_load((user_folder / "settings.yaml").read_text())["default_clinic"] == "oakwood-physio-rehab"
    # then a handout prints the new clinic, and nothing says "sample"
    made = run("make", *PATIENT, "-o", str(tmp_path / "out"))
    assert made.exit_code == 0, made.output
    assert "sample" not in made.output.lower()
    text = pdf_text((tmp_path / "out" / "p-1.pdf").read_bytes())
    assert "Oakwood Physio & Rehab" in text and "555-0100" in text and "555-0101" in text
    assert "Riverside" not in text and "555-0142" not in text and "SAMPLE" not in text


def test_init_asks_for_what_it_is_not_given(user_folder: Path) -> None:
    answers = "\n".join(["Clínica Robles", "555-0200", "555-0201", "Calle Mayor 3; Madrid", "112", "es", "a4"]) + "\n"
    result = run("clinic", "init", input=answers)
    assert result.exit_code == 0, result.output
    clinic = yaml.safe_load((user_folder / "clinics" / "clinica-robles" / "clinic.yaml").read_text(encoding="utf-8"))
    assert clinic == {"name": "Clínica Robles", "address": ["Calle Mayor 3", "Madrid"], "phone": "555-0200",
                      "after_hours": "555-0201", "emergency": "112", "paper": "a4", "language": "es"}
    assert open_library().dataset.default_clinic == "clinica-robles"


def test_init_keeps_an_existing_clinic_unless_forced(user_folder: Path) -> None:
    assert run("clinic", "init", *OAKWOOD).exit_code == 0
    again = run("clinic", "init", *OAKWOOD)
    assert again.exit_code == 2 and "is already set up here; pass --force to replace it" in again.output
    assert run("clinic", "init", *OAKWOOD, "--phone", "555-0199", "--force").exit_code == 0


def test_init_refuses_bad_values_naming_the_option_and_writes_nothing(user_folder: Path) -> None:
    result = run("clinic", "init", *OAKWOOD, "--phone", "5" * 60)
    assert result.exit_code == 2 and "error: --phone:" in result.output
    assert not (user_folder / "clinics").exists() or not any((user_folder / "clinics").iterdir())
    bad_id = run("clinic", "init", *OAKWOOD, "--id", "Oak Wood")
    assert bad_id.exit_code == 2 and "--id:" in bad_id.output


def test_init_with_a_cover(user_folder: Path) -> None:
    cover = locations.bundled_data_dir() / "clinics" / "sample" / "cover.pdf"
    assert run("clinic", "init", *OAKWOOD, "--cover", str(cover)).exit_code == 0
    folder = user_folder / "clinics" / "oakwood-physio-rehab"
    assert (folder / "cover.pdf").read_bytes() == cover.read_bytes()
    assert open_library().dataset.clinic(None).covers["en"] == (folder / "cover.pdf").resolve()


def test_the_sample_clinic_is_announced_and_printed_as_a_sample(user_folder: Path, tmp_path: Path) -> None:
    made = run("make", *PATIENT, "-o", str(tmp_path / "a"))
    assert made.exit_code == 0
    assert "note: using the sample clinic; run 'handouts clinic init' to set up yours" in made.output
    pages = pdf_text((tmp_path / "a" / "p-1.pdf").read_bytes())
    assert pages.count("SAMPLE: not a real clinic") >= 4  # in the footer of every page
    cover = locations.bundled_data_dir() / "clinics" / "sample" / "cover.pdf"
    covered = run("make", *PATIENT, "--cover", str(cover), "-o", str(tmp_path / "b"))
    assert "--cover replaces the cover only; every page still names the sample clinic" in covered.output
    assert "555-0142" in covered.output


def test_batch_says_so_too(user_folder: Path, tmp_path: Path) -> None:
    csv = tmp_path / "p.csv"
    csv.write_text("patient_id,name,diagnosis,phase\np-1,Ann,nonspecific,acute\n", encoding="utf-8")
    result = run("batch", str(csv), "-o", str(tmp_path / "out"), "--workers", "1", "--quiet")
    assert result.exit_code == 0 and "note: using the sample clinic" in result.output


def test_an_unknown_clinic_lists_where_it_looked(user_folder: Path, tmp_path: Path) -> None:
    result = run("make", *PATIENT, "--clinic", "oakwood", "-o", str(tmp_path))
    assert result.exit_code == 2
    assert (f"unknown clinic 'oakwood'; clinics: sample (looked in {user_folder / 'clinics'}, "
            f"{locations.bundled_data_dir().resolve() / 'clinics'}); run 'handouts clinic init'") in result.output


def _clinic_folder(root: Path, clinic_id: str, name: str) -> None:
    folder = root / "clinics" / clinic_id
    folder.mkdir(parents=True)
    (folder / "clinic.yaml").write_text(f"name: {name}\naddress: [2 Elm Street]\nphone: 555-0300\n"
                                        "after_hours: 555-0301\n", encoding="utf-8")


@pytest.mark.parametrize("how", ["option", "environment"])
def test_a_data_folder_with_only_a_clinic_is_searched_first(user_folder: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    mine = tmp_path / "data"
    _clinic_folder(mine, "elm", "Elm Street Physio")
    args = ["--data", str(mine)] if how == "option" else []
    if how == "environment":
        monkeypatch.setenv("HANDOUTS_DATA", str(mine))
    result = run(*args, "make", *PATIENT, "--clinic", "elm", "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert "Elm Street Physio" in pdf_text((tmp_path / "out" / "p-1.pdf").read_bytes())
    assert "sample" not in result.output.lower()


def test_search_order_data_option_then_user_folder_then_bundled(user_folder: Path, tmp_path: Path) -> None:
    _clinic_folder(user_folder, "sample", "Users Own Sample")  # the user folder hides the bundled sample
    _clinic_folder(tmp_path / "data", "sample", "Data Option Sample")  # and --data hides both
    assert open_library().dataset.clinic("sample").name == "Users Own Sample"
    forget()
    assert open_library(tmp_path / "data").dataset.clinic("sample").name == "Data Option Sample"
    dataset = open_library(tmp_path / "data").dataset
    assert [str(r) for r in dataset.roots] == [str((tmp_path / "data").resolve()), str(user_folder.resolve()),
                                               str(locations.bundled_data_dir().resolve())]


def test_validate_checks_the_user_folder(user_folder: Path) -> None:
    assert run("clinic", "init", *OAKWOOD).exit_code == 0
    ok = run("validate")
    assert ok.exit_code == 0, ok.output
    assert str(user_folder) in ok.output and "default clinic: oakwood-physio-rehab (Oakwood Physio & Rehab)" in ok.output
    clinic = user_folder / "clinics" / "oakwood-physio-rehab" / "clinic.yaml"
    clinic.write_text(clinic.read_text(encoding="utf-8").replace("paper: letter", "paper: legal"), encoding="utf-8")
    forget()
    broken = run("validate")
    assert broken.exit_code == 2
    assert f"{clinic}: paper: 'legal' is not one of letter, a4" in broken.output


def test_the_bundled_folder_named_as_data_works_without_a_user_folder(user_folder: Path, tmp_path: Path) -> None:
    """`--data` naming the bundled folder itself puts the (absent) user folder last; its missing
    settings must not be asked for while the bundled ones are there."""
    assert not user_folder.exists()
    result = run("--data", str(locations.bundled_data_dir()), "make", *PATIENT, "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "p-1.pdf").is_file()
