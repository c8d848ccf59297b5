"""The make-a-handout form: typed-in fields become a request and a plan through the library.

Nothing here knows about HTTP. ``read_form`` takes the submitted fields (a
mapping of text) and returns a ``FormState``: the values to show again, a plain
message per bad field, and the plan with its warnings when the fields allow one.
Parsing and checking is the library's (``build_request``, ``fields.dose_change``,
``make_plan``); this module only names the fields for a person and decides which
messages sit beside which input.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from handouts.errors import ErrorList, Fix, HandoutError
from handouts.load import fields
from handouts.load.request_fields import FIELDS, build_request
from handouts.model import DOSE_BOUNDS, Dataset, Exercise, HandoutRequest, Plan, PlannedExercise, PlanWarning
from handouts.rules.plan import make_plan
from handouts.run.library import Library
from handouts.wording import Wording

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
    "no_ladder": "Leave out the easier and harder versions",
    "notes": "Notes for the patient",
    "paper": "Paper size",
    "direction": "Preferred direction",
    "leg_pain": "Leg pain",
    "precautions": "Precautions",
}
#: Leg pain as the form offers it (empty: not recorded, which the plan asks about when it matters).
LEG_PAIN_CHOICES = (("yes", "Yes, pain goes down the leg"), ("no", "No"))
#: The patient's preferred direction, as the form offers it (empty: the diagnosis's usual one).
DIRECTION_CHOICES = (("extension", "Extension"), ("flexion", "Flexion"), ("none", "No preference"))
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
class PlanRow:
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
    rows: list[PlanRow] = field(default_factory=list)
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


def blank_state(today: date, dataset: Dataset) -> FormState:
    """The form as a new visit starts: today's date, two weeks, nothing chosen."""
    values = dict.fromkeys(FIELDS, "")
    values.update(start_date=today.isoformat(), weeks="2", large_print="", no_ladder="")
    return FormState(values, dict.fromkeys(dataset.region.overrides, False), None,
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
    values["no_ladder"] = "yes" if form.get("no_ladder") else ""
    # One tick box per precaution of the region, named precaution.<id>.
    values["precautions"] = ",".join(p for p in dataset.region.precautions if form.get(f"precaution.{p}"))
    overrides = {name: bool(form.get(name)) for name in dataset.region.overrides}
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
        low, high = exercise.bounds(dose_field)
        try:
            fields.dose_change(f"{exercise_id}.{dose_field}={text.strip()}")
        except ValueError:
            errors[name] = f"Enter a whole number from {low} to {high}."
            continue
        if not low <= int(text) <= high:
            errors[name] = f"Enter a whole number from {low} to {high}."
            continue
        if int(text) != getattr(exercise.dose, dose_field):
            changes[name] = f"{exercise_id}.{dose_field}={int(text)}"
    return changes


def _make_plan(state: FormState, typed: dict[str, str], changes: dict[str, str], dataset: Dataset,
               today: date) -> None:
    """Build the request and plan, recording a message per bad field or what stopped the plan."""

    ticked = [name for name, on in state.overrides.items() if on]

    def request_with(dose_changes: list[str]) -> HandoutRequest:
        return build_request(typed, dataset, today=today, dose_changes=dose_changes, overrides=ticked)

    try:
        # Dose changes only for exercises the rules keep, so removing one never strands its dose.
        kept = {p.id for p in make_plan(request_with([]), dataset).exercises}
        request = request_with([c for name, c in changes.items() if name.split(".")[1] in kept])
        plan = make_plan(request, dataset, today=today)
    except ErrorList as exc:
        for error in exc.errors:
            state.errors.setdefault(error.field or "form", plain_error(error, dataset))
        state.plan_message = "Fix the fields marked above to see the plan."
        return
    except HandoutError as exc:
        state.plan_message = sentence(form_wording(dataset).error(exc, located=False, labelled=False))
        state.errors.setdefault("exercises", state.plan_message)
        return
    # A bad dose keeps the plan on screen (its input shows the message) but blocks the PDF (see ready).
    state.plan, state.request = plan, request
    state.warnings = [plain_warning(w, dataset) for w in plan.warnings]


def _fill_rows(state: FormState, dose_texts: Mapping[str, str], dataset: Dataset) -> None:
    if state.plan is None:
        state.rows = _pending_rows(state, dataset)
        return
    language = ui_language(dataset)
    printed = {p.id for p in state.plan.exercises}
    state.rows = [PlanRow(p.exercise, p.exercise.words(language).name, p, doses=_dose_inputs(p, dose_texts, state.errors))
                  for p in state.plan.exercises]
    state.rows += [PlanRow(dataset.exercises[i], dataset.exercises[i].words(language).name, None, left_out=True)
                   for i in state.exercises or () if i not in printed and i in dataset.exercises]


def _pending_rows(state: FormState, dataset: Dataset) -> list[PlanRow]:
    """The clinician's own list while no plan can be made yet (names only)."""
    language = ui_language(dataset)
    return [PlanRow(dataset.exercises[i], dataset.exercises[i].words(language).name, None)
            for i in state.exercises or () if i in dataset.exercises]


def _dose_inputs(planned: PlannedExercise, texts: Mapping[str, str], errors: Mapping[str, str]) -> tuple[DoseInput, ...]:
    inputs = []
    for dose_field in DOSE_BOUNDS:
        value = getattr(planned.dose, dose_field)
        if value is None:
            continue
        low, high = planned.exercise.bounds(dose_field)
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


def plain_error(error: HandoutError, dataset: Dataset) -> str:
    """A library error about one field, as a sentence that stands beside it."""
    field_name = error.field or ""
    label = LABELS.get(field_name, pretty_id(field_name))
    if error.code == "required":
        return f"Enter the {label[0].lower() + label[1:]}." if field_name not in ("diagnosis", "phase") \
            else f"Choose a {label.lower()}."
    text = form_wording(dataset).error(error, located=False, labelled=False)
    if error.code == "too-long":
        return sentence(f"{label} {text}")
    return sentence(text)


def plain_warning(warning: PlanWarning, dataset: Dataset) -> Warning:
    """A plan warning in the form's words: exercises by name, and the tick box that changes it."""
    wording = form_wording(dataset)
    label = dataset.region.overrides.get(warning.override or "")
    if label:
        hint = f"Tick “{label}” below to change this."
    else:  # a field to fill in or change instead, when the form has one
        hint = sentence(wording.fix(warning.fix)) if warning.fix and wording.fix(warning.fix) else ""
    return Warning(warning.code, sentence(wording.warning_sentence(warning)), hint)


def form_wording(dataset: Dataset) -> Wording:
    """How the web form speaks of the library's ids and fixes: names, and its own controls."""
    language = ui_language(dataset)

    def name(what: str, value: str) -> str:
        if what == "exercise" and value in dataset.exercises:
            return dataset.exercises[value].words(language).name
        if what == "diagnosis" and value in dataset.protocols:
            return dataset.protocols[value].name
        if what == "phase" and value in dataset.region.phases:
            return dataset.region.phases[value].lower()
        return value

    def fix(fix: Fix) -> str:
        if fix.kind == "override" and fix.name in dataset.region.overrides:
            return f"tick “{dataset.region.overrides[fix.name]}” below"
        if fix.kind == "field" and fix.name == "exercises":
            return "add the ones you want below"
        if fix.kind == "field" and fix.name == "dose":
            return "change the dose below"
        if fix.kind == "field" and fix.name in LABELS:
            return f"choose “{LABELS[fix.name]}” above"
        return ""  # no control on this form for it (e.g. a date format): the message says what to type

    return Wording(field=lambda field: LABELS.get(field, pretty_id(field)), fix=fix, name=name)


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


def source_label(reference: str) -> str:
    """A source's short name for a tag: its reference up to the first ':' or ',' ('JOSPT 2021')."""
    for mark in (":", ","):
        reference = reference.split(mark, 1)[0]
    return reference.strip()


def ui_language(dataset: Dataset) -> str:
    """The language of the form's own exercise names: English when the dataset has it."""
    return "en" if "en" in dataset.languages else dataset.languages[0]
