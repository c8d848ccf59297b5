"""The default exercises a diagnosis gets in each phase."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

PHASES = ("acute", "subacute", "maintenance")


@dataclass(frozen=True)
class Protocol:
    """Default exercises for one diagnosis in each phase."""

    diagnosis: str
    preferred_direction: str | None
    back_extensor_default: str
    phases: Mapping[str, tuple[str, ...]]
    clinician_specified: bool = False
