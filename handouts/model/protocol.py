"""The default exercises a diagnosis gets in each phase of its region."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Protocol:
    """Default exercises for one diagnosis in each phase."""

    diagnosis: str
    name: str  # what clinicians see, e.g. "Herniated disc"
    preferred_direction: str | None
    phases: Mapping[str, tuple[str, ...]]
    clinician_specified: bool = False  # no defaults: the clinician always chooses
    also_called: tuple[str, ...] = ()  # other names clinicians and exports use for it (matched when typed)
