"""A clinic: who prints the handout, how to reach it, and how its pages look."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

PAPERS = ("letter", "a4")
SPELLINGS = ("us", "uk")  # which English a clinic's handouts use


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
    sample: bool = False  # the fictional clinic shipped as an example: its handouts say so
    columns: Mapping[str, str] = field(default_factory=dict)  # a patients CSV's columns: field -> column or "{A} {B}"

    def name_in(self, language: str) -> str:
        """The clinic's name as given for ``language`` (its one name when not given per language)."""
        return self.names.get(language, self.name)
