"""Read a region's ``protocols.yaml``: the default exercises of each diagnosis in each phase."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from handouts.errors import DataError, did_you_mean, shown
from handouts.load import fields
from handouts.load.schema import Problems, Section
from handouts.load.yamlio import load_yaml
from handouts.model import Exercise, Protocol


def load_protocols(path: Path, phases: tuple[str, ...], exercises: Mapping[str, Exercise | None],
                   problems: Problems) -> dict[str, Protocol]:
    """Every diagnosis's protocol; ``exercises`` maps ids to exercises (None for a file already reported broken)."""
    try:
        raw = load_yaml(path)
    except DataError as exc:
        problems.extend([exc])
        return {}
    top = Section(raw, path=path, where="", problems=problems, known=("diagnoses",))
    if not top.ok:
        return {}
    diagnoses = top.raw("diagnoses")
    if not isinstance(diagnoses, dict) or not diagnoses:
        top.fail("expected one entry per diagnosis, e.g. 'herniated-disc:'", key="diagnoses")
        return {}
    protocols = {}
    for diagnosis, body in diagnoses.items():
        protocol = _protocol(str(diagnosis), body, path, phases, exercises, problems)
        if protocol:
            protocols[protocol.diagnosis] = protocol
    return protocols


def _protocol(diagnosis: str, body: object, path: Path, phases: tuple[str, ...],
              exercises: Mapping[str, Exercise | None], problems: Problems) -> Protocol | None:
    where = f"diagnoses.{diagnosis}"
    s = Section(body, path=path, where=where, problems=problems,
                known=("name", "also_called", "preferred_direction", "clinician_specified", *phases))
    try:
        fields.kebab_id(diagnosis)
    except ValueError as exc:
        s.fail(str(exc), key=where)
    name = s.text("name", diagnosis.replace("-", " ").capitalize(), max_len=60)
    preferred = s.choice("preferred_direction", ("flexion", "extension"), None)
    specified = s.flag("clinician_specified")
    also_called = s.texts("also_called", required=False, max_items=20)
    defaults: dict[str, tuple[str, ...]] = {}
    for phase in phases:
        ids = s.texts(phase, required=not specified)
        for exercise_id in ids:
            if exercise_id not in exercises:
                s.fail(f"unknown exercise {shown(exercise_id)}{did_you_mean(exercise_id, exercises)}",
                       key=f"{where}.{phase}")
        defaults[phase] = ids
    return Protocol(diagnosis, name, preferred, defaults, specified, also_called) if s.ok else None
