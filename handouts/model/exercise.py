"""An exercise of the dataset: what it is, how much of it to do, its words and its picture."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from handouts.model.illustration import Illustration

KINDS = ("stretch", "strengthen", "aerobic")
DIRECTIONS = ("flexion", "extension", "neutral", "none")


@dataclass(frozen=True)
class Dose:
    """How much of an exercise: every number explicit, absent fields are None."""

    hold: int | None = None  # seconds
    hold_up_to: int | None = None  # seconds, the goal to build up to
    repeat: int | None = None  # times in a row (per set)
    sets: int | None = None
    each_side: bool = False
    times_a_day: int = 1
    minutes: int | None = None  # for walking: where to start
    minutes_up_to: int | None = None  # for walking: the goal

    def replace(self, **changes: object) -> Dose:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


#: The fields of a dose a clinician may change, with the widest bounds any exercise may allow;
#: each exercise narrows them in its own ``limits`` (``Exercise.bounds``).
DOSE_BOUNDS: Mapping[str, tuple[int, int]] = {
    "hold": (1, 600),
    "hold_up_to": (1, 600),
    "repeat": (1, 30),
    "sets": (1, 5),
    "times_a_day": (1, 6),
    "minutes": (1, 120),
    "minutes_up_to": (1, 120),
}
#: A build-up goal is bounded by the limits of the number it builds from.
GOAL_OF = {"hold_up_to": "hold", "minutes_up_to": "minutes"}
#: The dose fields an exercise's ``limits`` name (goals share their start's limits).
LIMIT_FIELDS = tuple(name for name in DOSE_BOUNDS if name not in GOAL_OF)


#: Dose fields a ladder rung may change (``Rung.dose``).
RUNG_FIELDS = ("hold", "repeat", "sets", "times_a_day", "minutes")
#: The dose numbers a build-up may raise, with the goal field each builds toward.
BUILD_UP_FIELDS = {"hold": "hold_up_to", "minutes": "minutes_up_to", "repeat": None}
#: How a build-up is held back: while the pain does not get worse, or does not spread down the leg.
BUILD_UP_RULES = ("pain-not-worse", "pain-not-spreading")


@dataclass(frozen=True)
class Rung:
    """An easier or harder version of an exercise: another exercise, or the same with a dose change.

    ``when`` is the one-line criterion in plain words, per language ("If you cannot hold
    10 seconds with your body straight"); ``sources`` where the criterion comes from.
    """

    when: Mapping[str, str]
    sources: tuple[str, ...]
    exercise: str | None = None  # id of the other exercise
    dose: Mapping[str, int] = dataclasses.field(default_factory=dict)  # field -> new value

    def describe(self) -> str:
        """e.g. 'plank-on-knees' or 'hold=10', for messages and plan records."""
        return self.exercise or ", ".join(f"{k}={v}" for k, v in self.dose.items())


@dataclass(frozen=True)
class BuildUp:
    """How a dose builds up: from ``start`` by ``step`` every ``every_days`` days to ``goal``, while ``rule`` holds."""

    field: str  # hold, minutes or repeat
    start: int
    step: int
    every_days: int
    goal: int
    rule: str  # one of BUILD_UP_RULES
    sources: tuple[str, ...]

    def target(self, day: int) -> int:
        """The target on day ``day`` (0 = the first day)."""
        return min(self.goal, self.start + self.step * (day // self.every_days))


@dataclass(frozen=True)
class ExerciseText:
    """The patient-facing words of one exercise in one language."""

    name: str
    steps: tuple[str, ...]
    feel: str = ""
    cautions: tuple[str, ...] = ()
    equipment: tuple[str, ...] = ()  # what the patient needs, e.g. "a belt or strap"


@dataclass(frozen=True)
class Exercise:
    """One exercise of the dataset."""

    id: str
    kind: str
    direction: str
    muscle_group: str
    isometric: bool
    position: str
    dose: Dose
    text: Mapping[str, ExerciseText]
    sources: tuple[str, ...]  # ids of the region's sources: the seed, a named guideline, common practice
    source_note: str = ""  # which part comes from which source, for the clinic's review
    limits: Mapping[str, tuple[int, int]] = dataclasses.field(default_factory=dict)  # field -> (low, high)
    video_url: str | None = None
    illustration: Illustration | None = None
    path: Path | None = None
    easier: tuple[Rung, ...] = ()  # in order: the first is the next step down
    harder: tuple[Rung, ...] = ()  # in order: the first is the next step up
    build_up: BuildUp | None = None

    def words(self, language: str) -> ExerciseText:
        """Its text in ``language`` (the dataset guarantees every language exists)."""
        return self.text[language]

    def bounds(self, name: str) -> tuple[int, int]:
        """The range a clinician may set for dose field ``name`` of this exercise."""
        return self.limits.get(GOAL_OF.get(name, name), DOSE_BOUNDS[name])
