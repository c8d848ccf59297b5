"""What the templates see: the context of each template, built from a plan (documented here)."""

from __future__ import annotations

from datetime import date
from typing import Any

from handouts.compose.templates import Templates
from handouts.model import Dose, LadderStep, Plan, PlannedExercise


def _dose_context(dose: Dose) -> dict[str, Any]:
    return {
        "hold": dose.hold, "hold_up_to": dose.hold_up_to, "repeat": dose.repeat, "sets": dose.sets,
        "each_side": dose.each_side, "times_a_day": dose.times_a_day,
        "minutes": dose.minutes, "minutes_up_to": dose.minutes_up_to,
    }


def _step_context(step: LadderStep | None, language: str) -> dict[str, Any] | None:
    if step is None:
        return None
    return {"when": step.rung.when[language],
            "exercise": step.exercise.words(language).name if step.exercise is not None else None,
            "dose": dict(step.rung.dose)}


def ladder_context(planned: PlannedExercise, language: str) -> dict[str, Any] | None:
    """What ``exercise.md.j2`` sees as ``exercise.ladder``: easier and harder ({when, exercise (its name,
    or None for a dose change), dose (the fields the rung changes)}) and build_up ({field, start, step,
    every_days, goal, rule}); each None when there is none; the whole None when there is nothing to print."""
    ladder = planned.ladder
    build = ladder.build_up
    context = {
        "easier": _step_context(ladder.easier, language),
        "harder": _step_context(ladder.harder, language),
        "build_up": {"field": build.field, "start": build.start, "step": build.step, "every_days": build.every_days,
                     "goal": build.goal, "rule": build.rule} if build else None,
    }
    return context if any(context.values()) else None


#: Positions on the floor: a plan with one of them gets the tip on getting down to the floor and up.
FLOOR_POSITIONS = ("prone", "supine", "side-lying", "hands-and-knees", "forearms-and-toes", "forearms-and-knees")


def _move_on(plan: Plan, labels: dict[str, Any]) -> dict[str, Any] | None:
    """What the templates see as ``move_on`` (see ``handout_context``)."""
    region_step = plan.move_on
    if region_step is None:
        return None
    return {"next": region_step.next, "next_name": labels["phases"].get(region_step.next, region_step.next),
            "signs": [sign.text[plan.language] for sign in region_step.signs]}


def exercise_context(planned: PlannedExercise, number: int, total: int, language: str, *,
                     ladder: bool = True) -> dict[str, Any]:
    """What ``exercise.md.j2`` sees as ``exercise``; ``ladder`` is None when ``ladder`` is False (the
    clinician left the ladder lines out) or there is none (see ``ladder_context``)."""
    words = planned.exercise.words(language)
    return {
        "id": planned.id, "number": number, "total": total, "name": words.name,
        "kind": planned.exercise.kind, "steps": list(words.steps), "feel": words.feel,
        "cautions": list(words.cautions), "dose": _dose_context(planned.dose),
        "equipment": list(words.equipment), "added_by": planned.added_by,
        "ladder": ladder_context(planned, language) if ladder else None,
    }


def handout_context(plan: Plan, templates: Templates, *, today: date) -> dict[str, Any]:
    """The context of ``handout.md.j2`` and ``checklist.md.j2``.

    patient.name, patient.id; diagnosis, diagnosis_name, phase, phase_name;
    clinic.{name (in this language), phone, after_hours, address (list), website,
    spelling ('us' or 'uk': which English)}; clinician;
    today (date), start_date (date), weeks; exercises (list, see
    ``exercise_context``); has_walking; has_strengthening; notes_lines (list of the clinician's
    note lines); labels (labels.yaml); move_on (None, or {next (phase id), next_name, signs (list of
    words)}: when to talk about the next phase); has_floor_exercises (a card is done lying or kneeling on
    the floor). Filters: short_date, long_date.
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
        "exercises": [exercise_context(p, i, total, plan.language, ladder=request.ladder)
                      for i, p in enumerate(plan.exercises, 1)],
        "has_walking": plan.has_walking,
        "has_strengthening": any(p.exercise.kind == "strengthen" for p in plan.exercises),
        "notes_lines": [line.strip() for line in request.notes.splitlines() if line.strip()],
        "move_on": _move_on(plan, labels),
        "has_floor_exercises": any(p.exercise.position in FLOOR_POSITIONS for p in plan.exercises),
        "labels": labels,
    }
