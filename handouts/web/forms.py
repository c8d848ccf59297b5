"""The make-a-handout form: typed-in fields become a request and a plan through the library.

Nothing here knows about HTTP. ``read_form`` takes the submitted fields (a
mapping of text) and returns a ``FormState``: the values to show again, a plain
message per bad field, and the plan with its warnings when the fields allow one.
Parsing and checking is the library's (``build_request``, ``fields.dose_change``,
``make_plan``); this module only names the fields for a person and decides which
messages sit beside which input.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from .. import fields
from ..dataset import Dataset
from ..errors import ErrorList, HandoutError, InputError
from ..library import Library
from ..models import DOSE_BOUNDS, Exercise, HandoutRequest, Plan, PlannedExercise
from ..plan import make_plan
from ..requests import FIELDS, build_request

#: The rule overrides a clinician can tick (keyword arguments of build_request).
OVERRIDES = ("allow_strengthening", "allow_direction", "skip_walking")

LABELS = {
    "patient_id": "Patient ID",
    "name": "Patient's name",
    "diagnosis": "Diagnosis",
    "phase": "Phase",
    "start_date": "First day of the checklist",
    "weeks": "Weeks of checklist",
    "clinician": "Clinician",
    "clinic": "Clinic",
    "exercises": "Exercises",
    "language": "Language",
    "large_print": "Large print",
    "notes": "Notes for the patient",
    "paper": "Paper size",
    "allow_strengthening": "Keep strengthening in the acute phase",
    "allow_direction": "Accept stretches against the usual direction",
    "skip_walking": "Leave walking out",
}
DOSE_LABELS = {
    "hold": "Hold (seconds)",
    "hold_up_to": "Build up to (seconds)",
    "repeat": "Repeat (times)",
    "sets": "Sets",
    "times_a_day": "Times a day",
    "minutes": "Walk (minutes)",
    "minutes_up_to": "Build up to (minutes)",
}
KIND_LABELS = {"stretch": "Stretch", "strengthen": "Strengthening", "aerobic": "Aerobic"}
PHASE_LABELS = {"acute": "Acute", "subacute": "Subacute", "maintenance": "Maintenance"}
#: What a warning's code lets the clinician do about it, in the form's own words.
WARNING_HINTS = {
    "acute-removed": "Tick “Keep strengthening in the acute phase” below to keep it.",
    "direction": "Tick “Accept stretches against the usual direction” below if you meant it.",
    "walking": "Tick “Leave walking out” below to remove it.",
}
# The library's messages name command-line flags; the form has checkboxes instead.
_FLAG_WORDS = {
    "pass --allow-strengthening": "tick “Keep strengthening in the acute phase”",
    "pass --allow-direction": "tick “Accept stretches against the usual direction”",
    "pass --skip-walking": "tick “Leave walking out”",
}
_FLAG_HINT = re.compile(r"\s*\((?:pass|or pass) --[a-z-]+[^)]*\)")
# Stand-ins so a plan can be shown before the patient's id and name are typed.
_PLACEHOLDERS = {"patient_id": "plan-preview", "name": "Plan preview"}
#: ``read_form(exercises=FROM_FORM)``: take the exercise list from the submitted fields.
FROM_FORM = ("from the form",)


@dataclass(frozen=True)
class DoseInput:
    """One number a clinician may change, with its safe bounds."""

    name: str  # the form field, "dose.<exercise id>.<dose field>"
    html_id: str
    label: str
    value: str
    low: int
    high: int
    error: str = ""


@dataclass(frozen=True)
class Row:
    """One exercise in the plan's list, printed or left out by a rule."""

    exercise: Exercise
    name: str
    planned: PlannedExercise | None
    left_out: bool = False
    doses: tuple[DoseInput, ...] = ()

    @property
    def id(self) -> str:
        return self.exercise.id


@dataclass(frozen=True)
class Warning:
    """A plan warning in the form's words, with what the clinician can do about it."""

    code: str
    text: str
    hint: str = ""


@dataclass
class FormState:
    """What the form shows after a submission: values, errors beside fields, the plan."""

    values: dict[str, str]
    overrides: dict[str, bool]
    exercises: tuple[str, ...] | None  # the clinician's own list; None: the protocol's set
    errors: dict[str, str] = field(default_factory=dict)
    request: HandoutRequest | None = None
    plan: Plan | None = None
    rows: list[Row] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)
    plan_message: str = ""  # why there is no plan yet, or what stopped it

    @property
    def ready(self) -> bool:
        """True when a PDF can be made from this state."""
        return self.request is not None and self.plan is not None and not self.errors

    @property
    def exercises_text(self) -> str:
        return ",".join(self.exercises or ())

    def status(self) -> str:
        """One sentence for a screen reader after the plan changes."""
        if self.errors:
            count = len(self.errors)
            return f"{count} field{'s' if count > 1 else ''} need{'' if count > 1 else 's'} fixing."
        if self.plan is None:
            return self.plan_message
        count, warned = len(self.plan.exercises), len(self.warnings)
        return (f"Plan updated: {count} exercise{'s' if count != 1 else ''}, "
                f"{warned} warning{'s' if warned != 1 else ''} to check.")


def blank_state(today: date) -> FormState:
    """The form as a new visit starts: today's date, two weeks, nothing chosen."""
    values = dict.fromkeys(FIELDS, "")
    values.update(start_date=today.isoformat(), weeks="2", large_print="")
    return FormState(values, dict.fromkeys(OVERRIDES, False), None,
                     plan_message="Choose a diagnosis and a phase to see the exercises.")


def read_form(form: Mapping[str, str], library: Library, *, today: date, plan_only: bool,
              exercises: tuple[str, ...] | None = FROM_FORM) -> FormState:
    """Check the submitted fields and make the plan they ask for.

    ``plan_only`` lets the plan show before the patient's id and name are typed.
    ``exercises`` replaces the submitted list (after an edit such as "move up").
    """
    dataset = library.dataset
    values = {f: (form.get(f) or "") for f in FIELDS}
    values["large_print"] = "yes" if form.get("large_print") else ""
    overrides = {name: bool(form.get(name)) for name in OVERRIDES}
    chosen = _submitted_exercises(values["exercises"]) if exercises is FROM_FORM else exercises
    state = FormState(values, overrides, chosen)
    dose_texts = {k: v for k, v in form.items() if k.startswith("dose.")}
    changes = _dose_changes(dose_texts, dataset, state.errors)
    if plan_only and not (values["diagnosis"] and values["phase"]):
        state.plan_message = "Choose a diagnosis and a phase to see the exercises."
        state.rows = _pending_rows(state, dataset)
        return state
    typed = dict(values, exercises=state.exercises_text)
    if plan_only:
        typed.update({k: v for k, v in _PLACEHOLDERS.items() if not values[k].strip()})
    _make_plan(state, typed, changes, dataset, today)
    _fill_rows(state, dose_texts, dataset)
    return state


def _submitted_exercises(text: str) -> tuple[str, ...] | None:
    ids = tuple(i.strip() for i in text.split(",") if i.strip())
    return ids or None


def _dose_changes(texts: Mapping[str, str], dataset: Dataset, errors: dict[str, str]) -> dict[str, str]:
    """Valid dose changes as 'ID.FIELD=N' by form name; a plain message beside each bad one."""
    changes = {}
    for name, text in texts.items():
        _, exercise_id, dose_field = (name.split(".") + ["", ""])[:3]
        exercise = dataset.exercises.get(exercise_id)
        if exercise is None or dose_field not in DOSE_BOUNDS or not text.strip():
            continue
        low, high = DOSE_BOUNDS[dose_field]
        try:
            fields.dose_change(f"{exercise_id}.{dose_field}={text.strip()}")
        except ValueError:
            errors[name] = f"Enter a whole number from {low} to {high}."
            continue
        if int(text) != getattr(exercise.dose, dose_field):
            changes[name] = f"{exercise_id}.{dose_field}={int(text)}"
    return changes


def _make_plan(state: FormState, typed: dict[str, str], changes: dict[str, str], dataset: Dataset,
               today: date) -> None:
    """Build the request and plan, recording a message per bad field or what stopped the plan."""

    def place(column: str, message: str) -> InputError:
        return InputError(message, column=column)

    rules = state.overrides

    def request_with(dose_changes: list[str]) -> HandoutRequest:
        return build_request(typed, dataset, today=today, error=place, dose_changes=dose_changes,
                             allow_strengthening=rules["allow_strengthening"],
                             allow_direction=rules["allow_direction"], skip_walking=rules["skip_walking"])

    try:
        # Dose changes only for exercises the rules keep, so removing one never strands its dose.
        kept = {p.id for p in make_plan(request_with([]), dataset).exercises}
        request = request_with([c for name, c in changes.items() if name.split(".")[1] in kept])
        plan = make_plan(request, dataset)
    except ErrorList as exc:
        for error in exc.errors:
            key = error.column or "form"
            state.errors.setdefault(key, plain_error(key, error.message))
        state.plan_message = "Fix the fields marked above to see the plan."
        return
    except HandoutError as exc:
        state.plan_message = _plan_problem(state, exc, dataset, typed)
        state.errors.setdefault("exercises", state.plan_message)
        return
    # A bad dose keeps the plan on screen (its input shows the message) but blocks the PDF (see ready).
    state.plan, state.request = plan, request
    language = ui_language(dataset)
    names = {i: e.words(language).name for i, e in dataset.exercises.items()}
    names.update({d: pretty_id(d) for d in dataset.diagnoses})
    state.warnings = [plain_warning(w.code, w.message, names) for w in plan.warnings]


def _plan_problem(state: FormState, exc: HandoutError, dataset: Dataset, typed: dict[str, str]) -> str:
    protocol = dataset.protocols.get(typed["diagnosis"].strip().lower())
    if protocol is not None and not state.exercises and not protocol.phases.get(typed["phase"].strip().lower()):
        if protocol.clinician_specified or not any(protocol.phases.values()):
            return f"{pretty_id(protocol.diagnosis)} has no default exercises: add the ones you want below."
        return (f"{pretty_id(protocol.diagnosis)} has no default exercises for this phase: "
                "add the ones you want below.")
    return sentence(_translate_flags(exc.message))


def _fill_rows(state: FormState, dose_texts: Mapping[str, str], dataset: Dataset) -> None:
    if state.plan is None:
        state.rows = _pending_rows(state, dataset)
        return
    language = ui_language(dataset)
    printed = {p.id for p in state.plan.exercises}
    state.rows = [Row(p.exercise, p.exercise.words(language).name, p, doses=_dose_inputs(p, dose_texts, state.errors))
                  for p in state.plan.exercises]
    state.rows += [Row(dataset.exercises[i], dataset.exercises[i].words(language).name, None, left_out=True)
                   for i in state.exercises or () if i not in printed and i in dataset.exercises]


def _pending_rows(state: FormState, dataset: Dataset) -> list[Row]:
    """The clinician's own list while no plan can be made yet (names only)."""
    language = ui_language(dataset)
    return [Row(dataset.exercises[i], dataset.exercises[i].words(language).name, None)
            for i in state.exercises or () if i in dataset.exercises]


def _dose_inputs(planned: PlannedExercise, texts: Mapping[str, str], errors: Mapping[str, str]) -> tuple[DoseInput, ...]:
    inputs = []
    for dose_field, (low, high) in DOSE_BOUNDS.items():
        value = getattr(planned.dose, dose_field)
        if value is None:
            continue
        name = f"dose.{planned.id}.{dose_field}"
        error = errors.get(name, "")
        shown = texts.get(name, str(value)) if error else str(value)
        inputs.append(DoseInput(name, f"dose-{planned.id}-{dose_field}", DOSE_LABELS[dose_field], shown,
                                low, high, error))
    return tuple(inputs)


def apply_edit(state: FormState, edit: str, add_id: str, dataset: Dataset) -> tuple[str, ...] | None:
    """The exercise list after one edit: 'add', 'reset', or 'up:ID' / 'down:ID' / 'remove:ID'."""
    if edit == "reset":
        return None
    printed = [r.id for r in state.rows if not r.left_out]
    left_out = [r.id for r in state.rows if r.left_out]
    operation, _, target = edit.partition(":")
    if operation == "add" and add_id in dataset.exercises and add_id not in printed + left_out:
        printed.append(add_id)
    elif operation == "remove":
        printed = [i for i in printed if i != target]
        left_out = [i for i in left_out if i != target]
    elif operation in ("up", "down") and target in printed:
        index = printed.index(target)
        other = index - 1 if operation == "up" else index + 1
        if 0 <= other < len(printed):
            printed[index], printed[other] = printed[other], printed[index]
    chosen = tuple(printed + left_out)
    return chosen or state.exercises


def plain_error(field_name: str, message: str) -> str:
    """A library message about one field, as a sentence that stands beside it."""
    label = LABELS.get(field_name, pretty_id(field_name))
    if message.startswith("is required"):
        return f"Enter the {label[0].lower() + label[1:]}." if field_name not in ("diagnosis", "phase") \
            else f"Choose a {label.lower()}."
    if message.startswith("is "):
        return f"{label} {message}."
    return sentence(message)


def plain_warning(code: str, message: str, names: Mapping[str, str] | None = None) -> Warning:
    """A plan warning without its command-line hint, exercise ids given as ``names``, and what to do."""
    text = _FLAG_HINT.sub("", message)
    for exercise_id, name in (names or {}).items():
        text = re.sub(rf"(?<![\w-]){re.escape(exercise_id)}(?![\w-])", lambda _: name, text)  # noqa: B023 - used at once
    return Warning(code, sentence(text), WARNING_HINTS.get(code, ""))


def _translate_flags(message: str) -> str:
    for flag, words in _FLAG_WORDS.items():
        message = message.replace(flag, words)
    return message


def sentence(text: str) -> str:
    """Capital first letter and a full stop."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."


def pretty_id(identifier: str) -> str:
    """'spinal-stenosis' → 'Spinal stenosis'."""
    words = identifier.replace("_", " ").replace("-", " ")
    return words[:1].upper() + words[1:]


def ui_language(dataset: Dataset) -> str:
    """The language of the form's own exercise names: English when the dataset has it."""
    return "en" if "en" in dataset.languages else dataset.languages[0]
