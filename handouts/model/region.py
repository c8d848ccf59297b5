"""A body region as data: its phases, its words for muscles and positions, and the rules its plans follow."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class RuleStep:
    """One rule of the region's list: its name (e.g. 'stretching-only') and its settings."""

    name: str
    settings: Mapping[str, Any]
    where: str = ""  # e.g. 'rules[0]', for messages about it


@dataclass(frozen=True)
class ForbiddenName:
    """Words no exercise's id or name may contain, and why."""

    pattern: str  # a regular expression, matched without regard to case
    message: str


@dataclass(frozen=True)
class Region:
    """The region a dataset covers (low back is the one shipped)."""

    id: str
    name: str
    phases: Mapping[str, str]  # id -> the name clinicians see, in order of care
    muscle_groups: tuple[str, ...]
    positions: tuple[str, ...]
    isometric_groups: tuple[str, ...] = ()
    forbidden_names: tuple[ForbiddenName, ...] = ()
    overrides: Mapping[str, str] = field(default_factory=dict)  # name -> what the clinician ticks to allow it
    rules: tuple[RuleStep, ...] = ()
    path: Path | None = None
