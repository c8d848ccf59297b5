"""Turn typed-in values (command-line options or CSV cells) into a checked HandoutRequest.

One function serves both the command line and the batch CSV, so a value is
accepted or refused the same way wherever it comes from, and every problem of
a request is reported at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date

from handouts.errors import ErrorList, HandoutError, InputError, did_you_mean, shown
from handouts.load import fields
from handouts.load.dataset import Dataset
from handouts.model import PAPERS, PHASES, HandoutRequest, Patient

#: The fields a request is made of, named as CSV columns (the CLI uses --patient-id etc.).
FIELDS = (
    "patient_id", "name", "diagnosis", "phase", "start_date", "weeks", "clinician", "clinic",
    "exercises", "language", "large_print", "notes", "paper",
)
REQUIRED = ("patient_id", "name", "diagnosis", "phase")
MAX_NAME = 120
MAX_NOTES = 2000

Place = Callable[[str, str], HandoutError]


def option_error(field: str, message: str) -> InputError:
    """An error about a command-line option, e.g. '--phase: ...'."""
    return InputError(message, key="--" + field.replace("_", "-"))


def build_request(
    values: Mapping[str, str | None],
    dataset: Dataset,
    *,
    today: date,
    error: Place = option_error,
    date_format: str | None = None,
    dose_changes: Iterable[str] = (),
    allow_strengthening: bool = False,
    allow_direction: bool = False,
    skip_walking: bool = False,
) -> HandoutRequest:
    """A request from text values keyed by FIELDS; raise ErrorList naming each bad field."""
    problems: list[HandoutError] = []

    def get(field: str) -> str:
        return (values.get(field) or "").strip()

    def check(field: str, parse: Callable[[str], object], default: object = None) -> object:
        text = get(field)
        if not text:
            if field in REQUIRED:
                problems.append(error(field, "is required and empty"))
            return default
        try:
            return parse(text)
        except ValueError as exc:
            problems.append(error(field, str(exc)))
            return default

    def known(kind: str, choices: Iterable[str]) -> Callable[[str], str]:
        options = tuple(choices)

        def parse(text: str) -> str:
            value = text.lower()
            if value not in options:
                raise ValueError(f"unknown {kind} {shown(text)}{did_you_mean(value, options)}; "
                                 f"choose one of {', '.join(options)}")
            return value

        return parse

    def exercises(text: str) -> tuple[str, ...]:
        ids = fields.id_list(text)
        unknown = [i for i in ids if i not in dataset.exercises]
        if unknown:
            hints = "".join(did_you_mean(u, dataset.exercises) for u in unknown[:1])
            raise ValueError(f"unknown exercise {', '.join(shown(u) for u in unknown)}{hints}; "
                             "see 'handouts exercises'")
        return ids

    def name(text: str) -> str:
        if len(text) > MAX_NAME:
            raise ValueError(f"is {len(text)} characters long; keep it under {MAX_NAME}")
        return text

    def notes(text: str) -> str:
        if len(text) > MAX_NOTES:
            raise ValueError(f"is {len(text)} characters long; keep it under {MAX_NOTES}")
        return text

    patient_id = check("patient_id", fields.patient_id)
    patient_name = check("name", name)
    diagnosis = check("diagnosis", known("diagnosis", dataset.diagnoses))
    phase = check("phase", lambda t: fields.choice(t, PHASES))
    start = check("start_date", lambda t: fields.iso_date(t, date_format=date_format), today)
    weeks = check("weeks", fields.weeks, 2)
    clinic = check("clinic", known("clinic", sorted(dataset.clinics)))
    chosen = check("exercises", exercises)
    language = check("language", known("language", dataset.languages))
    large_print = check("large_print", fields.yes_no, False)
    paper = check("paper", lambda t: fields.choice(t, PAPERS))
    clinician = check("clinician", name, "")
    note_text = check("notes", notes, "")
    changes = _dose_changes(dose_changes, problems, error)
    if problems:
        raise ErrorList(problems)
    return HandoutRequest(
        patient=Patient(str(patient_id), str(patient_name)), diagnosis=str(diagnosis), phase=str(phase),
        start_date=start, exercises=chosen, weeks=int(weeks), clinic_id=clinic,  # type: ignore[arg-type]
        clinician=str(clinician), language=language, paper=paper,  # type: ignore[arg-type]
        large_print=bool(large_print), notes=str(note_text), dose_changes=changes,
        allow_strengthening=allow_strengthening, allow_direction=allow_direction, skip_walking=skip_walking,
    )


def _dose_changes(texts: Iterable[str], problems: list[HandoutError], error: Place) -> dict[str, dict[str, int]]:
    changes: dict[str, dict[str, int]] = {}
    for text in texts:
        try:
            exercise_id, name, number = fields.dose_change(text)
        except ValueError as exc:
            problems.append(error("dose", str(exc)))
            continue
        changes.setdefault(exercise_id, {})[name] = number
    return changes
