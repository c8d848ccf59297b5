"""What the templates see: the context of each template, built from a plan (documented here)."""

from __future__ import annotations

from datetime import date
from typing import Any

from handouts.compose.templates import Templates
from handouts.model import Dose, Plan, PlannedExercise


def _dose_context(dose: Dose) -> dict[str, Any]:
    return {
        "hold": dose.hold, "hold_up_to": dose.hold_up_to, "repeat": dose.repeat, "sets": dose.sets,
        "each_side": dose.each_side, "times_a_day": dose.times_a_day,
        "minutes": dose.minutes, "minutes_up_to": dose.minutes_up_to,
    }


def exercise_context(planned: PlannedExercise, number: int, total: int, language: str) -> dict[str, Any]:
    """What ``exercise.md.j2`` sees as ``exercise``."""
    words = planned.exercise.words(language)
    return {
        "id": planned.id, "number": number, "total": total, "name": words.name,
        "kind": planned.exercise.kind, "steps": list(words.steps), "feel": words.feel,
        "cautions": list(words.cautions), "dose": _dose_context(planned.dose),
        "equipment": list(words.equipment), "added_by": planned.added_by,
    }


def handout_context(plan: Plan, templates: Templates, *, today: date) -> dict[str, Any]:
    """The context of ``handout.md.j2`` and ``checklist.md.j2``.

    patient.name, patient.id; diagnosis, diagnosis_name, phase, phase_name;
    clinic.{name (in this language), phone, after_hours, address (list), website,
    spelling ('us' or 'uk': which English)}; clinician;
    today (date), start_date (date), weeks; exercises (list, see
    ``exercise_context``); has_walking; has_strengthening; notes_lines (list of the clinician's
    note lines); labels (labels.yaml). Filters: short_date, long_date.
    """
    request = plan.request
    total = len(plan.exercises)
    labels = templates.labels
    return {
        "patient": {"name": request.patient.name, "id": request.patient.patient_id},
        "diagnosis": request.diagnosis,
        "diagnosis_name": labels["diagnoses"][request.diagnosis],
        "phase": request.phase,
        "phase_name": labels["phases"][request.phase],
        "clinic": {
            "name": plan.clinic.name_in(plan.language), "phone": plan.clinic.phone,
            "after_hours": plan.clinic.after_hours[plan.language],
            "emergency": plan.clinic.emergency, "address": list(plan.clinic.address),
            "website": plan.clinic.website, "spelling": plan.clinic.spelling,
        },
        "clinician": request.clinician,
        "today": today,
        "start_date": request.start_date,
        "weeks": request.weeks,
        "exercises": [exercise_context(p, i, total, plan.language) for i, p in enumerate(plan.exercises, 1)],
        "has_walking": plan.has_walking,
        "has_strengthening": any(p.exercise.kind == "strengthen" for p in plan.exercises),
        "notes_lines": [line.strip() for line in request.notes.splitlines() if line.strip()],
        "labels": labels,
    }
