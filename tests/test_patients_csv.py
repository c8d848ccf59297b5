"""The patients CSV reader on generated files: notes over several lines read back as written."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handouts.load.patients_csv import read_patients

COLUMNS = ["patient_id", "name", "diagnosis", "phase", "notes"]
# Note lines as a clinician types them: words, spaces and commas, fewer commas than the header has columns
# less one (a line with a row's worth of cells is what a quote never closed leaves in a cell).
LINE = st.lists(st.text(st.characters(codec="utf-8", categories=("L", "N", "Zs")), max_size=12),
                min_size=1, max_size=len(COLUMNS) - 1).map(",".join)
NOTES = st.lists(LINE, min_size=1, max_size=4).map("\n".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(notes=st.lists(NOTES, min_size=1, max_size=4))
def test_quoted_notes_over_several_lines_read_back_as_written(tmp_path: Path, notes: list[str]) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for number, note in enumerate(notes):
        writer.writerow([f"p-{number}", "Ann", "nonspecific", "acute", note])
    path = tmp_path / "patients.csv"
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    rows = read_patients(path).rows
    assert [row.problem for row in rows] == [""] * len(notes)
    assert [row.values["notes"] for row in rows] == [note.replace("\r\n", "\n") for note in notes]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=st.integers(0, 3), after=st.integers(1, 4), note=LINE)
def test_a_quote_never_closed_is_the_problem_of_its_row_however_many_rows_follow(
        tmp_path: Path, before: int, after: int, note: str) -> None:
    lines = [",".join(COLUMNS)]
    lines += [f"b-{n},Ann,nonspecific,acute," for n in range(before)]
    lines.append(f'open,Bo,nonspecific,acute,"{note.replace(chr(34), "")}')
    lines += [f"a-{n},Cy,nonspecific,acute," for n in range(after)]
    path = tmp_path / "patients.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = read_patients(path).rows
    assert [row.values["patient_id"] for row in rows] == [f"b-{n}" for n in range(before)] + ["open"]
    assert [bool(row.problem) for row in rows] == [False] * before + [True]
    assert "is never closed" in rows[-1].problem and f"from line {before + 3}" in rows[-1].problem
