"""A clinician's dose changes, applied within what each exercise's dose has."""

from __future__ import annotations

from handouts.errors import InputError
from handouts.model import DOSE_BOUNDS, Dose, Exercise, HandoutRequest

#: A goal and the start value it builds from.
_GOALS = {"hold_up_to": "hold", "minutes_up_to": "minutes"}
#: Fields a dose may gain through a change when it has the other one.
_MAY_ADD = {"hold_up_to": "hold", "minutes_up_to": "minutes", "sets": "repeat"}


def changed_dose(exercise: Exercise, request: HandoutRequest) -> Dose:
    """The exercise's dose with the clinician's changes, which may only adjust what the dose has."""
    changes = dict(request.dose_changes.get(exercise.id, {}))
    if not changes:
        return exercise.dose
    has = [name for name in DOSE_BOUNDS if getattr(exercise.dose, name) is not None]
    for name in changes:
        base = _MAY_ADD.get(name)
        if name not in has and not (base and getattr(exercise.dose, base) is not None):
            raise InputError(f"{exercise.id} has no {name!r} to change; its dose has {', '.join(has)}",
                             field="dose")
    dose = exercise.dose.replace(**changes)
    for goal, start in _GOALS.items():
        goal_value, start_value = getattr(dose, goal), getattr(dose, start)
        if goal_value is None:
            continue
        if goal in changes and goal_value <= start_value:
            raise InputError(f"{exercise.id}: {goal}={goal_value} must be more than {start}={start_value}",
                             field="dose")
        if goal_value <= start_value:  # a new start past the old goal makes the goal meaningless
            dose = dose.replace(**{goal: None})
    return dose
