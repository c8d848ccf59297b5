"""A plan: the exercises the rules chose for a request, with their doses and the clinician's warnings."""

from __future__ import annotations

from dataclasses import dataclass

from handouts.errors import Fix
from handouts.model.clinic import Clinic
from handouts.model.exercise import BuildUp, Dose, Exercise, Rung
from handouts.model.region import Edition, MoveOn
from handouts.model.request import HandoutRequest


@dataclass(frozen=True)
class PlanWarning:
    """A choice the rules made or flagged, for the clinician; each interface words it (``handouts.wording``).

    ``exercise_ids`` are the exercises it is about (removed, added, against the
    direction); ``related_ids`` others it mentions; ``override`` the override the
    clinician may set to change the choice (None when there is nothing to set, or
    it was set); ``fix`` what else the clinician may do (a field to fill in, e.g. a dose);
    ``details`` further facts by name (phase, diagnosis, direction...).
    """

    code: str
    exercise_ids: tuple[str, ...] = ()
    related_ids: tuple[str, ...] = ()
    override: str | None = None
    details: tuple[tuple[str, str], ...] = ()
    fix: Fix | None = None
    #: The clinician must confirm it: shown as a warning where a clinician makes the handout, but a
    #: batch row with it fails unless the row carries the override (no one is there to see it).
    confirm: bool = False

    def detail(self, name: str) -> str:
        return dict(self.details).get(name, "")


@dataclass(frozen=True)
class LadderStep:
    """The next rung down or up from a planned exercise: the rung, the other exercise it names
    (None for a dose change), and the dose that rung gives."""

    rung: Rung
    exercise: Exercise | None
    dose: Dose


@dataclass(frozen=True)
class Ladder:
    """Where a planned exercise can go next: one rung down, one rung up, and how its dose builds up."""

    easier: LadderStep | None = None
    harder: LadderStep | None = None
    build_up: BuildUp | None = None  # from the planned dose (None once the goal is reached or dropped)


@dataclass(frozen=True)
class PlannedExercise:
    """An exercise as it will be printed: with the dose after any changes."""

    exercise: Exercise
    dose: Dose
    added_by: str | None = None  # the rule that added it, if any
    ladder: Ladder = Ladder()

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
    edition: Edition | None = None  # the edition of the clinical content it was made from
    move_on: MoveOn | None = None  # when to talk about the next phase (None in the last phase)

    @property
    def has_walking(self) -> bool:
        return any(p.exercise.kind == "aerobic" for p in self.exercises)
