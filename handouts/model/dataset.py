"""The validated dataset: a region's exercises, protocols and rules, the clinics, the languages."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from handouts.errors import InputError, did_you_mean, shown
from handouts.model.clinic import Clinic
from handouts.model.exercise import Exercise
from handouts.model.protocol import Protocol
from handouts.model.region import Region


@dataclass(frozen=True)
class Dataset:
    """What plans are made from, checked as a whole when it was loaded."""

    root: Path
    region: Region
    exercises: Mapping[str, Exercise]
    protocols: Mapping[str, Protocol]
    clinics: Mapping[str, Clinic]
    default_clinic: str
    languages: tuple[str, ...]

    @property
    def diagnoses(self) -> tuple[str, ...]:
        return tuple(self.protocols)

    @property
    def phases(self) -> tuple[str, ...]:
        return tuple(self.region.phases)

    def exercise(self, exercise_id: str) -> Exercise:
        """The exercise with this id, or an InputError with a 'did you mean'."""
        try:
            return self.exercises[exercise_id]
        except KeyError:
            raise unknown("exercise", exercise_id, self.exercises, "handouts exercises") from None

    def clinic(self, clinic_id: str | None) -> Clinic:
        """The clinic with this id (None: the default one)."""
        key = clinic_id or self.default_clinic
        try:
            return self.clinics[key]
        except KeyError:
            raise unknown("clinic", key, self.clinics, f"folders in {self.root / 'clinics'}") from None

    def protocol(self, diagnosis: str) -> Protocol:
        try:
            return self.protocols[diagnosis]
        except KeyError:
            raise unknown("diagnosis", diagnosis, self.protocols, "") from None


def unknown(what: str, value: str, known: Iterable[str], listing: str) -> InputError:
    """An error for a value that names nothing known, with a 'did you mean' and where to look."""
    known = sorted(known)
    where = f"; see {listing}" if listing else f"; choose one of {', '.join(known)}"
    return InputError(f"unknown {what} {shown(value)}{did_you_mean(value, known)}{where}")
