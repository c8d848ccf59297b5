"""A plan: the exercises the rules chose for a request, with their doses and the clinician's warnings."""

from __future__ import annotations

from dataclasses import dataclass

from handouts.model.clinic import Clinic
from handouts.model.exercise import Dose, Exercise
from handouts.model.request import HandoutRequest


@dataclass(frozen=True)
class PlanWarning:
    """A message for the clinician about a choice the rules made or flagged."""

    code: str
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class PlannedExercise:
    """An exercise as it will be printed: with the dose after any changes."""

    exercise: Exercise
    dose: Dose
    added_by: str | None = None  # the rule that added it, if any

    @property
    def id(self) -> str:
        return self.exercise.id


@dataclass(frozen=True)
class Plan:
    """The exercises chosen for a request, in print order, and the clinician's warnings."""

    request: HandoutRequest
    clinic: Clinic
    language: str
    paper: str
    exercises: tuple[PlannedExercise, ...]
    warnings: tuple[PlanWarning, ...]

    @property
    def has_walking(self) -> bool:
        return any(p.exercise.kind == "aerobic" for p in self.exercises)
