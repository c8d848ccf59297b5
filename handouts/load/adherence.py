"""Read an adherence CSV: what a patient ticked on the checklist, typed by hand or written by a reader.

Columns (a header row, matched without regard to case or surrounding spaces): ``patient_id``, ``date``
(YYYY-MM-DD), ``exercise_id``, ``sessions_planned``, ``sessions_ticked``, and optionally ``pain``
(0 to 10, that day's score) and ``walking_minutes``. One row per exercise and day; a walking row has
``exercise_id`` walking and the minutes walked. UTF-8 (with or without a byte-order mark) or cp1252,
separated by ',' or ';'. Every problem is reported at once with its line and column.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from handouts.errors import ErrorList, HandoutError, InputError, shown
from handouts.load.files import Unreadable, read_regular

REQUIRED = ("patient_id", "date", "exercise_id", "sessions_planned", "sessions_ticked")
OPTIONAL = ("pain", "walking_minutes")
MAX_BYTES = 5_000_000


@dataclass(frozen=True)
class AdherenceRow:
    """One exercise on one day: sessions planned and ticked, and that day's pain and walking if written."""

    line: int
    patient_id: str
    day: date
    exercise_id: str
    planned: int
    ticked: int
    pain: int | None = None
    walking_minutes: int | None = None


def read_adherence(path: Path) -> tuple[AdherenceRow, ...]:
    """The rows of ``path``; raise ErrorList (or InputError) naming the line and column of each problem."""
    try:
        data = read_regular(path, MAX_BYTES)
    except Unreadable as exc:
        raise InputError(str(exc), path=path) from None
    if len(data) > MAX_BYTES:
        raise InputError(f"is larger than {MAX_BYTES:,} bytes", path=path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        raise InputError(f"is empty; it needs a header row: {', '.join(REQUIRED)}", path=path)
    names = [h.strip().lower() for h in header]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise InputError(f"the header has no {', '.join(repr(m) for m in missing)} column; columns needed: "
                         f"{', '.join(REQUIRED)} (optional: {', '.join(OPTIONAL)})", path=path, row=1)
    problems: list[HandoutError] = []
    rows = []
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        values = {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(names)}
        row = _row(path, line, values, problems)
        if row is not None:
            rows.append(row)
    if problems:
        raise ErrorList(problems)
    if not rows:
        raise InputError("has a header but no rows; add one row per exercise and day", path=path)
    return tuple(rows)


def _row(path: Path, line: int, values: dict[str, str], problems: list[HandoutError]) -> AdherenceRow | None:
    before = len(problems)

    def fail(column: str, message: str) -> None:
        problems.append(InputError(message, path=path, row=line, column=column))

    for column in REQUIRED:
        if not values.get(column):
            fail(column, "is empty; every row needs " + ", ".join(REQUIRED))
    day = None
    if values.get("date"):
        try:
            day = date.fromisoformat(values["date"])
        except ValueError:
            fail("date", f"{shown(values['date'])} is not a date written YYYY-MM-DD")

    def number(column: str, low: int, high: int) -> int | None:
        text = values.get(column, "")
        if not text:
            return None
        if not text.isdigit() or not low <= int(text) <= high:
            fail(column, f"{shown(text)} is not a whole number from {low} to {high}")
            return None
        return int(text)

    planned, ticked = number("sessions_planned", 0, 12), number("sessions_ticked", 0, 12)
    pain, minutes = number("pain", 0, 10), number("walking_minutes", 0, 600)
    if planned is not None and ticked is not None and ticked > planned:
        fail("sessions_ticked", f"{ticked} is more than sessions_planned ({planned})")
    if len(problems) > before or day is None or planned is None or ticked is None:
        return None
    return AdherenceRow(line, values["patient_id"], day, values["exercise_id"], planned, ticked, pain, minutes)


def check_against(rows: tuple[AdherenceRow, ...], path: Path, *, patient_id: str, exercise_ids: set[str]) -> None:
    """Refuse rows for another patient or an exercise the plan does not have."""
    problems: list[HandoutError] = []
    for row in rows:
        if row.patient_id != patient_id:
            problems.append(InputError(f"{shown(row.patient_id)} is not the plan's patient ({patient_id!r})",
                                       path=path, row=row.line, column="patient_id"))
        if row.exercise_id not in exercise_ids:
            problems.append(InputError(f"{shown(row.exercise_id)} is not in the plan; its exercises are "
                                       f"{', '.join(sorted(exercise_ids))}", path=path, row=row.line,
                                       column="exercise_id"))
    if problems:
        raise ErrorList(problems)

