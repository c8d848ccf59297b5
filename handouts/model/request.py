"""What a clinician asks for: one patient's handout."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

#: The patient fact a rule names for pain down the leg (the others are the region's precautions).
LEG_PAIN = "leg-pain"


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
    overrides: frozenset[str] = frozenset()  # rules the clinician set aside, e.g. allow_strengthening
    #: The patient's preferred direction found by the clinician's testing: extension, flexion or
    #: none (no preference). None: not given, so the diagnosis's usual direction stands in.
    direction: str | None = None
    leg_pain: bool | None = None  # pain down the leg; None: not recorded
    precautions: frozenset[str] = frozenset()  # the region's precautions that apply, e.g. osteoporosis
    #: Print each card's easier and harder versions and build-up line ("Too hard?", "Ready for more?").
    ladder: bool = True

    def has(self, fact: str) -> bool:
        """True when the patient has ``fact``: 'leg-pain', or one of the region's precautions."""
        return bool(self.leg_pain) if fact == LEG_PAIN else fact in self.precautions

    def allows(self, override: str) -> bool:
        """True when the clinician set this override."""
        return override in self.overrides
