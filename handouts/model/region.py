"""A body region as data: its phases, its words for muscles and positions, and the rules its plans follow."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class RuleStep:
    """One rule of the region's list: its name (e.g. 'stretching-only') and its settings."""

    name: str
    settings: Mapping[str, Any]
    where: str = ""  # e.g. 'rules[0]', for messages about it

    @property
    def sources(self) -> tuple[str, ...]:
        """Where the rule comes from: ids of the region's ``sources``."""
        value = self.settings.get("source")
        if value is None:
            return ()
        return tuple(value) if isinstance(value, list) else (str(value),)


@dataclass(frozen=True)
class ForbiddenName:
    """Words no exercise's id or name may contain, and why."""

    pattern: str  # a regular expression, matched without regard to case
    message: str


@dataclass(frozen=True)
class Edition:
    """Which edition of the clinical content a handout was made from, printed in its footer."""

    version: str  # e.g. '2026.12'
    reviewed: date  # when the content was last reviewed


@dataclass(frozen=True)
class Sign:
    """A sign the patient may be ready for the next phase, per language, with where it comes from."""

    text: Mapping[str, str]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class MoveOn:
    """When to talk about the next phase: the phase after this one, and the signs to look for."""

    next: str
    signs: tuple[Sign, ...]


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
    #: id -> the full reference (the seed article, a named guideline, common practice); exercises
    #: and rules name where they come from by these ids.
    sources: Mapping[str, str] = field(default_factory=dict)
    #: id -> the name clinicians see, e.g. osteoporosis: 'Osteoporosis or fracture risk'.
    precautions: Mapping[str, str] = field(default_factory=dict)
    edition: Edition | None = None
    path: Path | None = None
    #: phase -> when to talk about moving on to the next one (a phase without an entry has no next one)
    move_on: Mapping[str, MoveOn] = field(default_factory=dict)
