"""The clinical rules (DESIGN.md "Clinical rules"): a request becomes a plan.

``make_plan`` is pure: no I/O, the same request and dataset give the same plan.
Choices the rules make or question become warnings for the clinician; they are
never silent.
"""

from __future__ import annotations

from handouts.errors import InputError, one_of
from handouts.load.dataset import Dataset
from handouts.model import DOSE_BOUNDS, PHASES, Dose, Exercise, HandoutRequest, Plan, PlannedExercise, PlanWarning

#: Above this many exercises a handout gets long and patients do fewer of them.
MAX_EXERCISES = 6


def make_plan(request: HandoutRequest, dataset: Dataset) -> Plan:
    """Choose the exercises and doses for ``request``; raise InputError for unknown ids."""
    if request.phase not in PHASES:
        raise InputError(one_of(request.phase, PHASES, "phase"))
    protocol = dataset.protocol(request.diagnosis)
    clinic = dataset.clinic(request.clinic_id)
    language = request.language or clinic.language
    if language not in dataset.languages:
        raise InputError(one_of(language, dataset.languages, "language"))
    ids = request.exercises if request.exercises else protocol.phases.get(request.phase, ())
    if not ids:
        raise InputError(
            f"there is no default exercise set for {request.diagnosis}; "
            "choose the exercises (--exercises ID,ID or the CSV 'exercises' column)"
        )
    chosen = [dataset.exercise(i) for i in ids]
    warnings: list[PlanWarning] = []
    added: dict[str, str] = {}

    chosen = _acute_stretching_only(chosen, request, warnings)
    _direction_fits(chosen, protocol.preferred_direction, request, warnings)
    chosen = _pair_abdominal(chosen, dataset.exercise(protocol.back_extensor_default), warnings, added)
    chosen = _add_walking(chosen, dataset.exercise(dataset.walking), request, warnings, added)
    _balance(chosen, request, warnings)
    if not chosen:
        raise InputError("no exercise is left after the acute-phase rule removed strengthening; "
                         "choose stretches, or pass --allow-strengthening")
    if len(chosen) > MAX_EXERCISES:
        warnings.append(PlanWarning("too-many", f"{len(chosen)} exercises: more than {MAX_EXERCISES} "
                                    "makes a long handout that patients follow less"))
    planned = tuple(
        PlannedExercise(e, _changed_dose(e, request), added.get(e.id)) for e in chosen
    )
    unknown = set(request.dose_changes) - {e.id for e in chosen}
    if unknown:
        raise InputError(f"dose change for {', '.join(sorted(unknown))}, which is not in this plan")
    return Plan(
        request=request, clinic=clinic, language=language, paper=request.paper or clinic.paper,
        exercises=planned, warnings=tuple(warnings),
    )


def _acute_stretching_only(chosen: list[Exercise], request: HandoutRequest,
                           warnings: list[PlanWarning]) -> list[Exercise]:
    """Rule 2: strengthening waits until the acute phase is over, unless overridden."""
    if request.phase != "acute":
        return chosen
    strengthening = [e.id for e in chosen if e.kind == "strengthen"]
    if not strengthening:
        return chosen
    if request.allow_strengthening:
        warnings.append(PlanWarning("acute-strengthening", "acute phase: keeping strengthening "
                                    f"({', '.join(strengthening)}) as you allowed"))
        return chosen
    warnings.append(PlanWarning("acute-removed", "acute phase is stretching only: removed "
                                f"{', '.join(strengthening)} (pass --allow-strengthening to keep)"))
    return [e for e in chosen if e.kind != "strengthen"]


def _direction_fits(chosen: list[Exercise], preferred: str | None, request: HandoutRequest,
                    warnings: list[PlanWarning]) -> None:
    """Rule 5: warn when a stretch goes against the direction the diagnosis favours."""
    if not preferred:
        return
    against = [e.id for e in chosen if e.kind == "stretch" and e.direction in ("flexion", "extension")
               and e.direction != preferred]
    if against and not request.allow_direction:
        warnings.append(PlanWarning(
            "direction", f"{request.diagnosis} usually favours {preferred} stretches; "
            f"{', '.join(against)} goes the other way (pass --allow-direction if intended)"))


def _pair_abdominal(chosen: list[Exercise], back_default: Exercise, warnings: list[PlanWarning],
                    added: dict[str, str]) -> list[Exercise]:
    """Rule 3: every abdominal exercise comes with a back-extensor one."""
    abdominal = [e for e in chosen if e.muscle_group == "abdominal"]
    if not abdominal or any(e.muscle_group == "back-extensor" for e in chosen):
        return chosen
    where = chosen.index(abdominal[-1]) + 1
    added[back_default.id] = "balance"
    warnings.append(PlanWarning("paired", f"added {back_default.id} to balance the abdominal exercise "
                                f"{', '.join(e.id for e in abdominal)} with a back exercise"))
    return [*chosen[:where], back_default, *chosen[where:]]


def _add_walking(chosen: list[Exercise], walking: Exercise, request: HandoutRequest,
                 warnings: list[PlanWarning], added: dict[str, str]) -> list[Exercise]:
    """Rule 6: walking belongs in every subacute and maintenance plan."""
    if request.phase == "acute" or any(e.kind == "aerobic" for e in chosen):
        return chosen
    if request.skip_walking:
        warnings.append(PlanWarning("no-walking", "walking left out as you asked; it is linked with fewer "
                                    "recurrences of back pain"))
        return chosen
    added[walking.id] = "walking"
    warnings.append(PlanWarning("walking", f"added {walking.id}: part of every {request.phase} plan "
                                "(pass --skip-walking to leave it out)"))
    return [*chosen, walking]


def _balance(chosen: list[Exercise], request: HandoutRequest, warnings: list[PlanWarning]) -> None:
    """Rule 4: once strengthening is allowed, stretching should stay in the plan."""
    kinds = {e.kind for e in chosen}
    if "strengthen" in kinds and "stretch" not in kinds:
        warnings.append(PlanWarning("unbalanced", "the plan has strengthening but no stretching; "
                                    "a mix of both is better for the back"))


#: A goal and the start value it builds from.
_GOALS = {"hold_up_to": "hold", "minutes_up_to": "minutes"}
#: Fields a dose may gain through a change when it has the other one.
_MAY_ADD = {"hold_up_to": "hold", "minutes_up_to": "minutes", "sets": "repeat"}


def _changed_dose(exercise: Exercise, request: HandoutRequest) -> Dose:
    """The exercise's dose with the clinician's changes, which may only adjust what the dose has."""
    changes = dict(request.dose_changes.get(exercise.id, {}))
    if not changes:
        return exercise.dose
    has = [name for name in DOSE_BOUNDS if getattr(exercise.dose, name) is not None]
    for name in changes:
        base = _MAY_ADD.get(name)
        if name not in has and not (base and getattr(exercise.dose, base) is not None):
            raise InputError(f"{exercise.id} has no {name!r} to change; its dose has {', '.join(has)}",
                             key="--dose")
    dose = exercise.dose.replace(**changes)
    for goal, start in _GOALS.items():
        goal_value, start_value = getattr(dose, goal), getattr(dose, start)
        if goal_value is None:
            continue
        if goal in changes and goal_value <= start_value:
            raise InputError(f"{exercise.id}: {goal}={goal_value} must be more than {start}={start_value}",
                             key="--dose")
        if goal_value <= start_value:  # a new start past the old goal makes the goal meaningless
            dose = dose.replace(**{goal: None})
    return dose
