"""Where a planned exercise can go next: its next easier and harder rungs, and its build-up (pure)."""

from __future__ import annotations

from collections.abc import Set

from handouts.model import BuildUp, Dataset, Dose, Exercise, Ladder, LadderStep, Rung
from handouts.model.exercise import BUILD_UP_FIELDS


def ladder_for(exercise: Exercise, dose: Dose, dataset: Dataset, *, blocked: Set[str] = frozenset()) -> Ladder:
    """The next rung down and up from ``exercise`` at ``dose``, and how that dose builds up; a rung naming
    one of ``blocked`` (what the rules take out for this patient) is passed over."""
    return Ladder(easier=_step(exercise, dose, dataset, blocked, harder=False),
                  harder=_step(exercise, dose, dataset, blocked, harder=True),
                  build_up=build_up_for(exercise, dose))


def _reached(rung: Rung, dose: Dose, *, harder: bool) -> bool:
    """True when ``dose`` is already at (or past) a dose rung, so the next rung is the one after it."""
    if not rung.dose:
        return False
    values = [(getattr(dose, name), value) for name, value in rung.dose.items()]
    return all(have is not None and (have >= value if harder else have <= value) for have, value in values)


def _step(exercise: Exercise, dose: Dose, dataset: Dataset, blocked: Set[str], *,
          harder: bool) -> LadderStep | None:
    for rung in exercise.harder if harder else exercise.easier:
        if _reached(rung, dose, harder=harder) or rung.exercise in blocked:
            continue
        if rung.exercise is not None:
            other = dataset.exercises.get(rung.exercise)
            return LadderStep(rung, other, other.dose) if other is not None else None
        return LadderStep(rung, None, dose.replace(**rung.dose))
    return None


def build_up_for(exercise: Exercise, dose: Dose) -> BuildUp | None:
    """The exercise's build-up from the planned dose: it starts at the dose's number and ends at the
    dose's goal (a clinician's change moves them); None when there is nothing left to build."""
    build = exercise.build_up
    if build is None:
        return None
    start = getattr(dose, build.field)
    goal_field = BUILD_UP_FIELDS[build.field]
    goal = getattr(dose, goal_field) if goal_field else build.goal
    if start is None or goal is None or start >= goal:
        return None
    return BuildUp(field=build.field, start=start, step=build.step, every_days=build.every_days, goal=goal,
                   rule=build.rule, sources=build.sources)
