"""Every sample handout, in every language, paper and print size, passes `handouts check`."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from handouts.load import locations as resources
from handouts.report.check import check_pdf
from handouts.run.batch import BatchOptions, run
from handouts.run.library import open_library

SAMPLE = resources.data_dir() / "sample-patients.csv"


def _sample_rows() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(SAMPLE.read_text(encoding="utf-8-sig"))))


def test_the_samples_cover_every_diagnosis_phase_language_and_print_size() -> None:
    rows = _sample_rows()
    assert {r["diagnosis"] for r in rows} == {"herniated-disc", "spinal-stenosis", "nonspecific", "sciatica"}
    assert {r["phase"] for r in rows} == {"acute", "subacute", "maintenance"}
    assert {r["language"] or "en" for r in rows} == {"en", "es"}
    assert any(r["large_print"] == "yes" for r in rows) and any(r["notes"] for r in rows)
    assert any(r["exercises"] for r in rows)
    assert any(any(ord(c) > 255 for c in r["name"]) for r in rows)  # beyond Latin-1
    assert {r["leg_pain"] for r in rows} == {"yes", "no"}  # what the clinician found changes the plan
    assert any(r["direction"] for r in rows) and any(r["precautions"] for r in rows)


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_every_sample_handout_passes_the_check(tmp_path: Path, paper: str) -> None:
    rows = _sample_rows()
    for row in rows:
        row["paper"] = paper
    source = tmp_path / "patients.csv"
    with source.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = run(source, BatchOptions(output=tmp_path / "out", workers=2))
    assert result.exit_code == 0
    library = open_library()
    for row, made in zip(rows, result.rows, strict=True):
        language = row["language"] or "en"
        large = row["large_print"] == "yes"
        report = check_pdf(tmp_path / "out" / made.file, min_size=16 if large else 12, page_targets=not large,
                           safety_phrases=library.templates(language).labels["safety_phrases"])
        assert report.ok, (made.file, [m for m in report.measures if not m.ok])
        assert report.language == language
