"""A clinician's dose changes, applied within the limits each exercise's data sets."""

from __future__ import annotations

from handouts.errors import Fix, InputError
from handouts.model import DOSE_BOUNDS, GOAL_OF, Dose, Exercise, HandoutRequest, PlanWarning

#: Fields a dose may gain through a change when it has the other one.
_MAY_ADD = {**GOAL_OF, "sets": "repeat"}
#: How each field's number is printed in a message.
_UNITS = {"hold": "s", "hold_up_to": "s", "minutes": "min", "minutes_up_to": "min"}


def _shown(name: str, value: int) -> str:
    unit = _UNITS.get(name)
    return f"{value} {unit}" if unit else str(value)


def changed_dose(exercise: Exercise, request: HandoutRequest) -> tuple[Dose, list[PlanWarning]]:
    """The exercise's dose with the clinician's changes, and a warning for each build-up goal a change
    kept or dropped. Raise InputError for a field the dose lacks or a number outside the exercise's limits."""
    changes = dict(request.dose_changes.get(exercise.id, {}))
    if not changes:
        return exercise.dose, []
    has = [name for name in DOSE_BOUNDS if getattr(exercise.dose, name) is not None]
    for name, value in changes.items():
        base = _MAY_ADD.get(name)
        if name not in has and not (base and getattr(exercise.dose, base) is not None):
            raise InputError(f"{exercise.id} has no {name!r} to change; its dose has {', '.join(has)}",
                             field="dose")
        low, high = exercise.bounds(name)
        if not low <= value <= high:
            where = f"limits.{GOAL_OF.get(name, name)}" + (f" in {exercise.path.name}" if exercise.path else "")
            raise InputError(f"{exercise.id}: {name}={value} is outside the range for this exercise, "
                             f"{_shown(name, low)} to {_shown(name, high)} ({where})", field="dose")
    dose = exercise.dose.replace(**changes)
    warnings = []
    for goal, start in GOAL_OF.items():
        goal_value, start_value = getattr(dose, goal), getattr(dose, start)
        if goal_value is None:
            continue
        if goal in changes and goal_value <= start_value:
            raise InputError(f"{exercise.id}: {goal}={goal_value} must be more than {start}={start_value}",
                             field="dose")
        if start not in changes or goal in changes:
            continue
        # A new start with the old goal: say whether the build-up still stands, never change it silently.
        code = "goal-kept" if start_value < goal_value else "goal-dropped"
        if code == "goal-dropped":
            dose = dose.replace(**{goal: None})
        warnings.append(PlanWarning(
            code, (exercise.id,), fix=Fix("field", "dose", (f"{exercise.id}.{goal}=N",)),
            details=(("start", start), ("value", _shown(start, start_value)), ("goal", _shown(goal, goal_value)))))
    return dose, warnings
