"""Typed records that flow through the pipeline (DESIGN.md "Data contracts").

Pure data: no I/O, no rendering, nothing heavier than the standard library, so
every stage can import them.
"""

from handouts.model.clinic import PAPERS, Clinic
from handouts.model.dataset import Dataset
from handouts.model.exercise import (
    DIRECTIONS,
    DOSE_BOUNDS,
    GOAL_OF,
    KINDS,
    LIMIT_FIELDS,
    BuildUp,
    Dose,
    Exercise,
    ExerciseText,
    Rung,
)
from handouts.model.illustration import Illustration
from handouts.model.plan import Ladder, LadderStep, Plan, PlannedExercise, PlanWarning
from handouts.model.protocol import Protocol
from handouts.model.region import Edition, Region, RuleStep
from handouts.model.request import HandoutRequest, Patient

__all__ = [
    "DIRECTIONS", "DOSE_BOUNDS", "GOAL_OF", "KINDS", "LIMIT_FIELDS", "PAPERS",
    "BuildUp", "Clinic", "Dataset", "Dose", "Edition", "Exercise", "ExerciseText", "HandoutRequest", "Illustration", "Ladder", "LadderStep", "Patient",
    "Plan", "PlanWarning", "PlannedExercise", "Protocol", "Region", "Rung", "RuleStep",
]
