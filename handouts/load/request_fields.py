"""Turn typed-in values (command-line options or CSV cells) into a checked HandoutRequest.

One function serves both the command line and the batch CSV, so a value is
accepted or refused the same way wherever it comes from, and every problem of
a request is reported at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date

from handouts.errors import ErrorList, Fix, HandoutError, InputError, one_of, shown
from handouts.load import fields
from handouts.load.choices import Vocabulary, vocabulary
from handouts.model import Dataset, HandoutRequest, Patient
from handouts.model.dataset import unknown_clinic

#: The fields a request is made of, named as CSV columns (the CLI uses --patient-id etc.).
FIELDS = (
    "patient_id", "name", "diagnosis", "phase", "start_date", "weeks", "clinician", "clinic",
    "exercises", "language", "large_print", "notes", "paper", "direction", "leg_pain", "precautions",
    "no_ladder",
)
REQUIRED = ("patient_id", "name", "diagnosis", "phase")
MAX_NAME = 120
MAX_NOTES = 2000
MAX_CELL = 5000  # any other value: far more than a real one needs
#: The longest value each field takes; a longer one is refused with its real length, never cut short.
MAX_LENGTH = {"name": MAX_NAME, "clinician": MAX_NAME, "notes": MAX_NOTES}

DATE_FORMATS = ("DD/MM/YYYY", "MM/DD/YYYY")
#: The patient's preferred direction, as the clinician's testing found it.
DIRECTIONS = ("extension", "flexion", "none")


class UnknownExercise(ValueError):
    """An exercise id the dataset does not have."""


def build_request(
    values: Mapping[str, str | None],
    dataset: Dataset,
    *,
    today: date,
    date_format: str | None = None,
    dose_changes: Iterable[str] = (),
    overrides: Iterable[str] = (),
    names: Vocabulary | None = None,
) -> HandoutRequest:
    """A request from text values keyed by FIELDS (and the region's overrides, as yes/no columns);
    raise ErrorList with an InputError per bad field, each naming its ``field``.

    Choices are taken as people type them (``handouts.load.choices``): by id or by any name the
    data gives them, in any case and either language; ``names`` are those names (default: the
    dataset's own).
    """
    problems: list[HandoutError] = []
    names = names or vocabulary(dataset)

    def error(field: str, message: str) -> InputError:
        return InputError(message, field=field)

    def get(field: str) -> str:
        return (values.get(field) or "").strip()

    def check(field: str, parse: Callable[[str], object], default: object = None) -> object:
        text = get(field)
        if not text:
            if field in REQUIRED:
                problems.append(InputError("is required and empty", field=field, code="required"))
            return default
        limit = MAX_LENGTH.get(field, MAX_CELL)
        if len(text) > limit:
            # A quote left open in a CSV swallows the lines after it into one cell.
            quote = " (it runs over several lines: is a quote left open?)" if "\n" in text and field != "notes" else ""
            problems.append(InputError(f"is {len(text)} characters long; {limit} at most{quote}", field=field,
                                       code="too-long"))
            return default
        try:
            return parse(text)
        except UnknownExercise as exc:
            problems.append(InputError(str(exc), field=field, fix=Fix("listing", "exercises")))
        except fields.AmbiguousDate as exc:
            problems.append(InputError(str(exc), field=field, fix=Fix("option", "date_format", DATE_FORMATS)))
        except ValueError as exc:
            problems.append(error(field, str(exc)))
        return default

    def known(kind: str) -> Callable[[str], str]:
        return lambda text: names.match(kind, text)

    def listed(kind: str) -> Callable[[str], str]:
        """A choice from a short fixed list: refused as "'x' is not one of a, b, c"."""
        choices = names.kinds[kind]

        def parse(text: str) -> str:
            try:
                return choices.match(text)
            except ValueError:
                raise ValueError(one_of(text.strip(), choices.ids)) from None

        return parse

    def exercises(text: str) -> tuple[str, ...]:
        parts = [p.strip() for p in re.split(r"[;,]", text) if p.strip()]
        if not parts:
            raise ValueError("lists no exercise ids; separate ids with ',' or ';'")
        found, unknown = [], []
        for part in parts:
            try:
                found.append(names.match("exercise", part))
            except ValueError:
                unknown.append(part)
        if unknown:
            hints = names.kinds["exercise"].suggest(unknown[0])
            raise UnknownExercise(f"unknown exercise {', '.join(shown(u) for u in unknown)}{hints}")
        return tuple(dict.fromkeys(found))


    patient_id = check("patient_id", fields.patient_id)
    patient_name = check("name", fields.person)
    diagnosis = check("diagnosis", known("diagnosis"))
    phase = check("phase", listed("phase"))
    start = check("start_date", lambda t: fields.iso_date(t, date_format=date_format), today)
    weeks = check("weeks", fields.weeks, 2)
    def clinic_choice(text: str) -> str:
        try:
            return names.match("clinic", text)
        except ValueError:
            raise ValueError(unknown_clinic(text.strip(), dataset).message) from None

    clinic = check("clinic", clinic_choice)
    chosen = check("exercises", exercises)
    language = check("language", known("language"))
    large_print = check("large_print", fields.yes_no, False)
    no_ladder = check("no_ladder", fields.yes_no, False)
    paper = check("paper", listed("paper"))
    clinician = check("clinician", fields.person, "")
    note_text = check("notes", str, "")
    direction = check("direction", lambda t: fields.choice(t, DIRECTIONS))
    leg_pain = check("leg_pain", fields.yes_no)  # empty: not recorded
    precautions = check("precautions", lambda t: fields.choices(t, tuple(dataset.region.precautions)), ())
    changes = _dose_changes(dose_changes, problems)
    chosen_overrides = set(overrides)
    for override in dataset.region.overrides:
        if check(override, fields.yes_no, False):
            chosen_overrides.add(override)
    unknown_overrides = chosen_overrides - set(dataset.region.overrides)
    if unknown_overrides:
        problems.append(InputError(one_of(sorted(unknown_overrides)[0], tuple(dataset.region.overrides),
                                          "override"), field="overrides"))
    if problems:
        raise ErrorList(problems)
    return HandoutRequest(
        patient=Patient(str(patient_id), str(patient_name)), diagnosis=str(diagnosis), phase=str(phase),
        start_date=start, exercises=chosen, weeks=int(weeks), clinic_id=clinic,  # type: ignore[arg-type]
        clinician=str(clinician), language=language, paper=paper,  # type: ignore[arg-type]
        large_print=bool(large_print), notes=str(note_text), dose_changes=changes,
        overrides=frozenset(chosen_overrides), direction=direction,  # type: ignore[arg-type]
        leg_pain=leg_pain, precautions=frozenset(precautions),  # type: ignore[arg-type]
        ladder=not no_ladder,
    )


def _dose_changes(texts: Iterable[str], problems: list[HandoutError]) -> dict[str, dict[str, int]]:
    changes: dict[str, dict[str, int]] = {}
    for text in texts:
        try:
            exercise_id, name, number = fields.dose_change(text)
        except ValueError as exc:
            problems.append(InputError(str(exc), field="dose"))
            continue
        changes.setdefault(exercise_id, {})[name] = number
    return changes
