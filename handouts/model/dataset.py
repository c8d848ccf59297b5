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
    roots: tuple[Path, ...] = ()  # every folder data was looked for in, first one first (``root`` is one)

    @property
    def clinic_folders(self) -> tuple[Path, ...]:
        """Where clinics were looked for, first one first."""
        return tuple(root / "clinics" for root in (self.roots or (self.root,)))

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
            raise unknown_clinic(key, self) from None

    def protocol(self, diagnosis: str) -> Protocol:
        try:
            return self.protocols[diagnosis]
        except KeyError:
            raise unknown("diagnosis", diagnosis, self.protocols, "") from None


def unknown_clinic(value: str, dataset: Dataset) -> InputError:
    """An unknown clinic: the ones there are, where they were looked for, and how to add one."""
    known = sorted(dataset.clinics)
    looked = ", ".join(str(folder) for folder in dataset.clinic_folders)
    return InputError(f"unknown clinic {shown(value)}{did_you_mean(value, known)}; clinics: {', '.join(known)} "
                      f"(looked in {looked}); run 'handouts clinic init' to add yours, or pass --data DIR "
                      "for a folder holding clinics/<id>/clinic.yaml")


def unknown(what: str, value: str, known: Iterable[str], listing: str) -> InputError:
    """An error for a value that names nothing known, with a 'did you mean' and where to look."""
    known = sorted(known)
    where = f"; see {listing}" if listing else f"; choose one of {', '.join(known)}"
    return InputError(f"unknown {what} {shown(value)}{did_you_mean(value, known)}{where}")
