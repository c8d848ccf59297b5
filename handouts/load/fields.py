"""Parsers for the values a clinician types: one place, used by the CLI and the CSV reader.

Each parser takes text and returns a typed value or raises ``ValueError`` whose
message says what is wrong and what would be right; callers add the place.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from handouts.errors import one_of, shown
from handouts.model import DOSE_BOUNDS

_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_KEBAB = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# Names Windows reserves for devices, with or without an extension.
_RESERVED = re.compile(r"(?i)(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?")
_TRUE = {"yes", "y", "true", "1"}
_FALSE = {"no", "n", "false", "0", ""}

MIN_WEEKS, MAX_WEEKS = 1, 12
#: Dates a handout may start on: a year far off is a typing slip, and no checklist may run off the calendar.
FIRST_DATE, LAST_DATE = date(2000, 1, 1), date(2100, 12, 31)


def patient_id(text: str) -> str:
    """A patient id safe to use as a file name on every system."""
    value = text.strip()
    if not value:
        raise ValueError("is empty; every patient needs an id (letters, digits, '.', '_' or '-')")
    if not _ID.fullmatch(value):
        raise ValueError(
            f"{shown(value)} is not a safe id: use 1 to 64 letters A-Z, digits, '.', '_' or '-'"
        )
    if value.startswith((".", "-")) or value.endswith("."):
        raise ValueError(f"{shown(value)} may not start with '.' or '-', or end with '.'")
    if _RESERVED.fullmatch(value):
        raise ValueError(f"{shown(value)} is a name Windows reserves for devices; choose another id")
    return value


def kebab_id(text: str) -> str:
    """An exercise, clinic or diagnosis id: lower-case words joined by '-'."""
    value = text.strip()
    if not _KEBAB.fullmatch(value):
        raise ValueError(f"{shown(value)} is not an id like 'low-back-bridge' (lower case, digits and '-')")
    return value


class AmbiguousDate(ValueError):
    """A date like 03/04/2026 that reads as two different days; a date format settles it."""


def iso_date(text: str, *, date_format: str | None = None) -> date:
    """A date written YYYY-MM-DD, or in ``date_format`` ('DD/MM/YYYY' or 'MM/DD/YYYY').

    Without a format, a day-first or month-first date is accepted when only one
    reading is a real date (13/11/2026, 12/14/2026); 03/04/2026 is ambiguous.
    """
    found = _date(text.strip(), date_format)
    if not FIRST_DATE <= found <= LAST_DATE:
        raise ValueError(f"{shown(text.strip())} is outside the years {FIRST_DATE.year} to {LAST_DATE.year}; "
                         "check the year")
    return found


def _date(value: str, date_format: str | None) -> date:
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{shown(value)} is not a real date") from None
    match = re.fullmatch(r"([0-9]{1,2})[/.]([0-9]{1,2})[/.]([0-9]{4})", value)
    if match and date_format in ("DD/MM/YYYY", "MM/DD/YYYY"):
        first, second, year = (int(g) for g in match.groups())
        day, month = (first, second) if date_format == "DD/MM/YYYY" else (second, first)
        try:
            return date(year, month, day)
        except ValueError:
            raise ValueError(f"{shown(value)} is not a real date in {date_format}") from None
    if match:
        first, second, year = (int(g) for g in match.groups())
        readings = {_real(year, second, first), _real(year, first, second)} - {None}
        if len(readings) == 1:
            return readings.pop()  # type: ignore[return-value]
        if not readings:
            raise ValueError(f"{shown(value)} is not a real date")
        raise AmbiguousDate(f"{shown(value)} is ambiguous; write it as YYYY-MM-DD")
    raise ValueError(f"{shown(value)} is not a date; write it as YYYY-MM-DD, e.g. 2026-12-07")


def date_order(text: str) -> str | None:
    """The one order a date written with slashes or dots can be read in ('DD/MM/YYYY' for 13/11/2026,
    'MM/DD/YYYY' for 12/14/2026); None when it is written YYYY-MM-DD, reads the same both ways
    (05/05/2026), both ways (03/04/2026) or neither."""
    match = re.fullmatch(r"([0-9]{1,2})[/.]([0-9]{1,2})[/.]([0-9]{4})", text.strip())
    if not match:
        return None
    first, second, year = (int(g) for g in match.groups())
    day_first, month_first = _real(year, second, first), _real(year, first, second)
    if (day_first is None) == (month_first is None):  # readable both ways (the same day or two), or neither
        return None
    return "DD/MM/YYYY" if day_first else "MM/DD/YYYY"


def _real(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def weeks(text: str) -> int:
    """Number of checklist weeks, 1 to 12."""
    value = text.strip()
    if not re.fullmatch(r"[0-9]+", value):
        raise ValueError(f"{shown(value)} is not a whole number from {MIN_WEEKS} to {MAX_WEEKS}; "
                         "write it with the digits 0 to 9, e.g. 2")
    if not MIN_WEEKS <= int(value) <= MAX_WEEKS:
        raise ValueError(f"{shown(value)} is not a whole number from {MIN_WEEKS} to {MAX_WEEKS}")
    return int(value)


def person(text: str) -> str:
    """A person's name as typed; it must have a letter or a digit a reader can see."""
    if not any(unicodedata.category(c)[0] in "LN" for c in text):
        raise ValueError(f"{shown(text)} has no letters once spaces, invisible and control characters are "
                         "set aside; type the name as it should print")
    return text


def yes_no(text: str) -> bool:
    """yes/no/true/false/1/0 (any case); empty means no."""
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{shown(text)} is not yes or no")


def choice(text: str, choices: tuple[str, ...]) -> str:
    """One of a fixed set of words, matched without regard to case or spaces."""
    value = text.strip().lower()
    if value not in choices:
        raise ValueError(one_of(text.strip(), choices))
    return value


def choices(text: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
    """Words from ``allowed`` separated by ',' or ';' (any case; empty parts ignored, repeats dropped)."""
    words = tuple(dict.fromkeys(p.strip().lower() for p in re.split(r"[;,]", text) if p.strip()))
    for word in words:
        if word not in allowed:
            raise ValueError(one_of(word, allowed) if allowed else f"{shown(word)}: no choices are defined")
    return words


def id_list(text: str) -> tuple[str, ...]:
    """Exercise ids separated by ',' or ';' (spaces ignored, order kept, repeats dropped)."""
    parts = [p.strip() for p in re.split(r"[;,]", text) if p.strip()]
    if not parts:
        raise ValueError("lists no exercise ids; separate ids with ',' or ';'")
    return tuple(dict.fromkeys(kebab_id(p) for p in parts))


def dose_change(text: str) -> tuple[str, str, int]:
    """'EXERCISE.FIELD=NUMBER', e.g. 'hamstring-stretch.hold=30', within safe bounds."""
    match = re.fullmatch(r"\s*([a-z0-9-]+)\.([a-z_]+)\s*=\s*([0-9]+)\s*", text)
    if not match:
        raise ValueError(f"{shown(text)} is not EXERCISE.FIELD=NUMBER, e.g. hamstring-stretch.hold=30")
    exercise_id, name, number = match.group(1), match.group(2), int(match.group(3))
    if name not in DOSE_BOUNDS:
        raise ValueError(one_of(name, tuple(DOSE_BOUNDS), "dose field"))
    low, high = DOSE_BOUNDS[name]
    if not low <= number <= high:
        raise ValueError(f"{name}={number} is outside the safe range {low} to {high}")
    return exercise_id, name, number


#: Most daily pain scores typed at once (a 12-week checklist).
MAX_PAIN_SCORES = 84


def pain_scores(text: str) -> tuple[int, ...]:
    """Daily pain scores from 0 to 10, oldest first, separated by ',' or ';' or spaces: '6,5,4'."""
    parts = [p for p in re.split(r"[;,\s]+", text.strip()) if p]
    if len(parts) > MAX_PAIN_SCORES:
        raise ValueError(f"has {len(parts)} scores; at most {MAX_PAIN_SCORES}, one a day")
    for part in parts:
        if not re.fullmatch(r"[0-9]{1,2}", part) or int(part) > 10:
            raise ValueError(f"{shown(part)} is not a pain score from 0 to 10; write one whole number a day, "
                             "oldest first, e.g. 6,5,4")
    return tuple(int(p) for p in parts)
