"""Typed records that flow through the pipeline (DESIGN.md "Data contracts")."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

KINDS = ("stretch", "strengthen", "aerobic")
DIRECTIONS = ("flexion", "extension", "neutral", "none")
MUSCLE_GROUPS = ("abdominal", "back-extensor", "gluteal", "hip", "hamstring", "low-back", "whole-body")
POSITIONS = ("prone", "supine", "side-lying", "sitting", "standing", "hands-and-knees", "forearms-and-toes")
SOURCES = ("seed", "common-practice")
PHASES = ("acute", "subacute", "maintenance")
PAPERS = ("letter", "a4")
SPELLINGS = ("us", "uk")  # which English a clinic's handouts use


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


#: The fields of a dose a clinician may change, with their safe bounds.
DOSE_BOUNDS: Mapping[str, tuple[int, int]] = {
    "hold": (1, 600),
    "hold_up_to": (1, 600),
    "repeat": (1, 30),
    "sets": (1, 5),
    "times_a_day": (1, 6),
    "minutes": (1, 120),
    "minutes_up_to": (1, 120),
}


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
    source: str
    video_url: str | None = None
    illustration: Any = None  # figures.Illustration; typed loosely so models stay import-light
    path: Path | None = None

    def words(self, language: str) -> ExerciseText:
        """Its text in ``language`` (the dataset guarantees every language exists)."""
        return self.text[language]


@dataclass(frozen=True)
class Protocol:
    """Default exercises for one diagnosis in each phase."""

    diagnosis: str
    preferred_direction: str | None
    back_extensor_default: str
    phases: Mapping[str, tuple[str, ...]]
    clinician_specified: bool = False


@dataclass(frozen=True)
class Clinic:
    """A clinic's identity, contact lines and print defaults."""

    id: str
    name: str  # in the clinic's own language; ``names`` holds it per language
    address: tuple[str, ...]
    phone: str
    after_hours: Mapping[str, str]  # by language
    emergency: str | None = None  # the local emergency number, e.g. 911 or 112
    paper: str = "letter"
    language: str = "en"
    accent: str = "#1F4E79"
    covers: Mapping[str, Path | None] = field(default_factory=dict)  # by language
    website: str | None = None
    video_page: str | None = None  # e.g. https://clinic.example/videos/{id}
    names: Mapping[str, str] = field(default_factory=dict)  # by language
    spelling: str = "us"  # "us": physical therapist, program; "uk": physiotherapist, programme

    def name_in(self, language: str) -> str:
        """The clinic's name as given for ``language`` (its one name when not given per language)."""
        return self.names.get(language, self.name)


@dataclass(frozen=True)
class Patient:
    """Who the handout is for. The id names the file; the name is only printed."""

    patient_id: str
    name: str


@dataclass(frozen=True)
class HandoutRequest:
    """Everything a clinician chooses for one handout."""

    patient: Patient
    diagnosis: str
    phase: str
    start_date: date
    exercises: tuple[str, ...] | None = None  # None: the protocol's set
    weeks: int = 2
    clinic_id: str | None = None  # None: the default clinic
    clinician: str = ""
    language: str | None = None  # None: the clinic's language
    paper: str | None = None  # None: the clinic's paper
    large_print: bool = False
    notes: str = ""
    dose_changes: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    allow_strengthening: bool = False
    allow_direction: bool = False
    skip_walking: bool = False


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
