"""Load and validate the dataset: exercises, protocols and clinics (DESIGN.md "Data contracts").

Everything is checked up front and every problem is reported at once, each
naming the file, the key and what would fix it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import fields
from .errors import DataError, ErrorList, InputError, did_you_mean, shown
from .figures import parse_illustration
from .models import (
    DIRECTIONS,
    DOSE_BOUNDS,
    KINDS,
    MUSCLE_GROUPS,
    PAPERS,
    PHASES,
    POSITIONS,
    SOURCES,
    SPELLINGS,
    Clinic,
    Dose,
    Exercise,
    ExerciseText,
    Protocol,
)
from .schema import Problems, Section, contrast_ratio
from .yamlio import load_yaml

_EXERCISE_KEYS = (
    "id", "kind", "direction", "muscle_group", "isometric", "position",
    "dose", "text", "video_url", "source", "illustration",
)
_TEXT_KEYS = ("name", "steps", "feel", "cautions", "equipment")
_CLINIC_KEYS = (
    "name", "address", "phone", "after_hours", "emergency", "paper", "language", "accent", "cover", "website",
    "video_page", "spelling",
)
_DIAGNOSIS_KEYS = ("preferred_direction", "clinician_specified", *PHASES)
# Abdominal work must be a hold, never a curl (DESIGN.md clinical rule 3).
_FORBIDDEN_ABDOMINAL = re.compile(r"(?i)sit[- ]?ups?|crunch")
_WHITE = "#FFFFFF"


@dataclass(frozen=True)
class Dataset:
    """The validated dataset: what plans are made from."""

    root: Path
    exercises: Mapping[str, Exercise]
    protocols: Mapping[str, Protocol]
    clinics: Mapping[str, Clinic]
    default_clinic: str
    walking: str
    languages: tuple[str, ...]

    @property
    def diagnoses(self) -> tuple[str, ...]:
        return tuple(self.protocols)

    def exercise(self, exercise_id: str) -> Exercise:
        """The exercise with this id, or an InputError with a 'did you mean'."""
        try:
            return self.exercises[exercise_id]
        except KeyError:
            raise _unknown("exercise", exercise_id, self.exercises, "handouts exercises") from None

    def clinic(self, clinic_id: str | None) -> Clinic:
        """The clinic with this id (None: the default one)."""
        key = clinic_id or self.default_clinic
        try:
            return self.clinics[key]
        except KeyError:
            raise _unknown("clinic", key, self.clinics, f"folders in {self.root / 'clinics'}") from None

    def protocol(self, diagnosis: str) -> Protocol:
        try:
            return self.protocols[diagnosis]
        except KeyError:
            raise _unknown("diagnosis", diagnosis, self.protocols, "") from None


def _unknown(what: str, value: str, known: Iterable[str], listing: str) -> InputError:
    known = sorted(known)
    where = f"; see {listing}" if listing else f"; choose one of {', '.join(known)}"
    return InputError(f"unknown {what} {shown(value)}{did_you_mean(value, known)}{where}")


def load_dataset(root: Path, *, languages: tuple[str, ...]) -> Dataset:
    """Read and validate the dataset in ``root``; raise ErrorList with every problem found."""
    problems = Problems()
    if not root.is_dir():
        raise DataError("the data folder does not exist; pass --data DIR or set HANDOUTS_DATA", path=root)
    exercises, broken = _load_exercises(root / "exercises", languages, problems)
    # Ids whose files failed are reported once, not again wherever they are used.
    known = {**dict.fromkeys(broken), **exercises}
    protocols, walking = _load_protocols(root / "protocols.yaml", known, problems)
    clinics = _load_clinics(root / "clinics", languages, problems)
    default_clinic = _load_settings(root / "settings.yaml", clinics, problems)
    if problems:
        raise ErrorList(problems.errors)
    return Dataset(root, exercises, protocols, clinics, default_clinic, walking, languages)


# ---------------------------------------------------------------- exercises


def _load_exercises(folder: Path, languages: tuple[str, ...],
                    problems: Problems) -> tuple[dict[str, Exercise], set[str]]:
    """The valid exercises, and the ids (file names) of the invalid ones."""
    files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    if not files:
        problems.add("no exercise files (*.yaml) found", path=folder)
    exercises: dict[str, Exercise] = {}
    broken: set[str] = set()
    for path in files:
        try:
            exercise = _exercise(load_yaml(path), path, languages, problems)
        except DataError as exc:
            problems.extend([exc])
            exercise = None
        if exercise is None:
            broken.add(path.stem)
        else:
            exercises[exercise.id] = exercise
    return exercises, broken


def _exercise(raw: object, path: Path, languages: tuple[str, ...], problems: Problems) -> Exercise | None:
    before = len(problems.errors)
    s = Section(raw, path=path, where="", problems=problems, known=_EXERCISE_KEYS)
    if not s.ok:
        return None
    exercise_id = s.text("id")
    if exercise_id is not None:
        try:
            fields.kebab_id(exercise_id)
        except ValueError as exc:
            s.fail(str(exc), key="id")
        if exercise_id != path.stem:
            s.fail(f"id {shown(exercise_id)} must match the file name {path.stem!r}", key="id")
    kind = s.choice("kind", KINDS)
    direction = s.choice("direction", DIRECTIONS)
    muscle_group = s.choice("muscle_group", MUSCLE_GROUPS)
    isometric = s.flag("isometric")
    position = s.choice("position", POSITIONS)
    source = s.choice("source", SOURCES)
    video_url = s.url("video_url")
    dose = _dose(s.section("dose", (*DOSE_BOUNDS, "each_side")), kind)
    text = _texts(s.section("text", languages), languages, problems)
    if muscle_group == "abdominal" and (not isometric or direction != "neutral"):
        s.fail("abdominal exercises must be isometric holds in a neutral spine "
               "(isometric: true, direction: neutral), never sit-ups or crunches", key="muscle_group")
    names = " ".join([exercise_id or ""] + [t.name for t in text.values()])
    if _FORBIDDEN_ABDOMINAL.search(names):
        s.fail("sit-ups and crunches are not allowed; use an isometric hold such as abdominal bracing", key="id")
    illustration = None
    if s.data.get("illustration") is not None and exercise_id:
        try:
            illustration = parse_illustration(s.data["illustration"], path=path, exercise_id=exercise_id)
        except DataError as exc:
            problems.extend([exc])
    if len(problems.errors) > before:
        return None
    return Exercise(
        id=exercise_id, kind=kind, direction=direction, muscle_group=muscle_group, isometric=isometric,
        position=position, dose=dose, text=text, source=source,
        video_url=video_url, illustration=illustration, path=path,
    )


def _dose(s: Section, kind: str | None) -> Dose:
    values = {name: s.number(name, low, high) for name, (low, high) in DOSE_BOUNDS.items()}
    if values["times_a_day"] is None and "times_a_day" not in s.data:
        s.fail("is required: how many times a day", key=f"{s.where}.times_a_day")
    values = {k: v for k, v in values.items() if v is not None}
    dose = Dose(each_side=s.flag("each_side"), **values)
    for start, goal in (("hold", "hold_up_to"), ("minutes", "minutes_up_to")):
        start_value, goal_value = getattr(dose, start), getattr(dose, goal)
        if goal_value is not None and (start_value is None or goal_value <= start_value):
            s.fail(f"{goal} must be larger than {start}", key=f"{s.where}.{goal}")
    if kind == "aerobic" and dose.minutes is None:
        s.fail("an aerobic exercise needs minutes (how long to start with)", key=f"{s.where}.minutes")
    if kind in ("stretch", "strengthen") and dose.hold is None and dose.repeat is None:
        s.fail("give hold (seconds) or repeat (times)", key=s.where)
    return dose


def _texts(s: Section, languages: tuple[str, ...], problems: Problems) -> dict[str, ExerciseText]:
    texts: dict[str, ExerciseText] = {}
    for language in languages:
        if language not in s.data:
            s.fail(f"the {language!r} text is missing; every exercise needs words in each language "
                   f"({', '.join(languages)})", key=f"{s.where}.{language}")
            continue
        t = s.section(language, _TEXT_KEYS)
        name = t.text("name", max_len=60)
        steps = t.texts("steps", max_items=8)
        feel = t.text("feel", "", max_len=200)
        cautions = t.texts("cautions", required=False, max_items=4)
        equipment = t.texts("equipment", required=False, max_items=4)
        if name and steps:
            texts[language] = ExerciseText(name=name, steps=steps, feel=feel, cautions=cautions, equipment=equipment)
    return texts


# ---------------------------------------------------------------- protocols


def _load_protocols(path: Path, exercises: Mapping[str, Exercise | None],
                    problems: Problems) -> tuple[dict[str, Protocol], str]:
    try:
        raw = load_yaml(path)
    except DataError as exc:
        problems.extend([exc])
        return {}, ""
    top = Section(raw, path=path, where="", problems=problems,
                  known=("back_extensor_default", "walking_default", "diagnoses"))
    if not top.ok:
        return {}, ""
    default = _default_exercise(top, "back_extensor_default", exercises, "back-extensor", "muscle_group")
    walking = _default_exercise(top, "walking_default", exercises, "aerobic", "kind")
    diagnoses = top.raw("diagnoses")
    if not isinstance(diagnoses, dict) or not diagnoses:
        top.fail("expected one entry per diagnosis, e.g. 'herniated-disc:'", key="diagnoses")
        return {}, walking
    protocols = {}
    for diagnosis, body in diagnoses.items():
        protocol = _protocol(str(diagnosis), body, path, default, exercises, problems)
        if protocol:
            protocols[protocol.diagnosis] = protocol
    return protocols, walking


def _default_exercise(top: Section, key: str, exercises: Mapping[str, Exercise | None],
                      want: str, attribute: str) -> str:
    """An exercise id the rules add by themselves; it must exist and be of the right sort."""
    exercise_id = top.text(key) or ""
    exercise = exercises.get(exercise_id)
    if exercise_id and exercise_id not in exercises:
        top.fail(f"unknown exercise {shown(exercise_id)}{did_you_mean(exercise_id, exercises)}", key=key)
    elif exercise is not None and getattr(exercise, attribute) != want:
        top.fail(f"{exercise_id!r} is not a {want} exercise", key=key)
    return exercise_id


def _protocol(diagnosis: str, body: object, path: Path, default: str,
              exercises: Mapping[str, Exercise | None], problems: Problems) -> Protocol | None:
    where = f"diagnoses.{diagnosis}"
    s = Section(body, path=path, where=where, problems=problems, known=_DIAGNOSIS_KEYS)
    try:
        fields.kebab_id(diagnosis)
    except ValueError as exc:
        s.fail(str(exc), key=where)
    preferred = s.choice("preferred_direction", ("flexion", "extension"), None)
    specified = s.flag("clinician_specified")
    phases: dict[str, tuple[str, ...]] = {}
    for phase in PHASES:
        ids = s.texts(phase, required=not specified)
        for exercise_id in ids:
            key = f"{where}.{phase}"
            exercise = exercises.get(exercise_id)
            if exercise_id not in exercises:
                s.fail(f"unknown exercise {shown(exercise_id)}{did_you_mean(exercise_id, exercises)}", key=key)
            elif exercise is None:
                continue  # its own file is broken and already reported
            elif phase == "acute" and exercise.kind == "strengthen":
                s.fail(f"{exercise_id!r} is strengthening; the acute phase is stretching only", key=key)
            elif preferred and exercise.kind == "stretch" and exercise.direction == _opposite(preferred):
                s.fail(f"{exercise_id!r} is a {exercise.direction} stretch against this diagnosis's "
                       f"preferred {preferred}", key=key)
        phases[phase] = ids
    return Protocol(diagnosis, preferred, default, phases, specified) if s.ok else None


def _opposite(direction: str) -> str:
    return {"flexion": "extension", "extension": "flexion"}.get(direction, "")


# ---------------------------------------------------------------- clinics


def _load_clinics(folder: Path, languages: tuple[str, ...], problems: Problems) -> dict[str, Clinic]:
    files = sorted(folder.glob("*/clinic.yaml")) if folder.is_dir() else []
    if not files:
        problems.add("no clinics found; add clinics/<id>/clinic.yaml", path=folder)
    clinics = {}
    for path in files:
        try:
            raw = load_yaml(path)
        except DataError as exc:
            problems.extend([exc])
            continue
        clinic = _clinic(path.parent.name, raw, path, languages, problems)
        if clinic:
            clinics[clinic.id] = clinic
    return clinics


def _clinic(clinic_id: str, raw: object, path: Path, languages: tuple[str, ...], problems: Problems) -> Clinic | None:
    before = len(problems.errors)
    s = Section(raw, path=path, where="", problems=problems, known=_CLINIC_KEYS)
    if not s.ok:
        return None
    try:
        fields.kebab_id(clinic_id)
    except ValueError as exc:
        s.fail(f"clinic folder name: {exc}")
    accent = s.colour("accent", "#1F4E79")
    if contrast_ratio(accent, _WHITE) < 4.5:
        s.fail(f"{accent} is too light for white text (contrast {contrast_ratio(accent, _WHITE):.1f}:1, "
               "needs 4.5:1); choose a darker colour", key="accent")
    language = s.choice("language", languages, languages[0])
    names = _per_language(s, "name", languages, lambda section, key: section.text(key, max_len=80))
    clinic = Clinic(
        id=clinic_id,
        name=names.get(language) or "",
        names=names,
        address=s.texts("address", max_items=4),
        phone=s.text("phone", max_len=40),
        after_hours=_per_language(s, "after_hours", languages, lambda section, key: section.text(key, max_len=120)),
        emergency=s.text("emergency", None, max_len=20),
        paper=s.choice("paper", PAPERS, "letter"),
        language=language,
        accent=accent,
        covers=_per_language(s, "cover", languages, lambda section, key: _clinic_file(
            section, key, path.parent, (".pdf",)), required=False),
        website=s.url("website"),
        video_page=s.url("video_page"),
        spelling=s.choice("spelling", SPELLINGS, "us"),
    )
    return clinic if len(problems.errors) == before else None


def _per_language(s: Section, key: str, languages: tuple[str, ...], read: Callable[[Section, str], Any],
                  *, required: bool = True) -> dict[str, Any]:
    """A value that may differ by language: one value for all, or 'en: ...' / 'es: ...' for each."""
    value = s.data.get(key)
    if isinstance(value, dict):
        inner = s.section(key, languages)
        found = {}
        for language in languages:
            if language in inner.data:
                found[language] = read(inner, language)
            else:
                s.fail(f"the {language!r} version is missing; give one for each of {', '.join(languages)} "
                       "or a single value for all", key=f"{key}.{language}")
        return found
    if value is None and not required:
        return {}
    return dict.fromkeys(languages, read(s, key))


def _clinic_file(s: Section, key: str, folder: Path, suffixes: tuple[str, ...]) -> Path | None:
    name = s.text(key, None)
    if name is None:
        return None
    candidate = (folder / name).resolve()
    if candidate.suffix.lower() not in suffixes:
        s.fail(f"{shown(name)} must be a {' or '.join(suffixes)} file", key=s.qualified(key))
    elif folder.resolve() not in candidate.parents:
        s.fail(f"{shown(name)} must be a file inside the clinic's folder", key=s.qualified(key))
    elif not candidate.is_file():
        s.fail(f"file {shown(name)} not found next to clinic.yaml", key=s.qualified(key))
    else:
        return candidate
    return None


def _load_settings(path: Path, clinics: Mapping[str, Clinic], problems: Problems) -> str:
    try:
        raw = load_yaml(path)
    except DataError as exc:
        problems.extend([exc])
        return ""
    s = Section(raw, path=path, where="", problems=problems, known=("default_clinic",))
    default = s.text("default_clinic") or ""
    if default and clinics and default not in clinics:
        s.fail(f"unknown clinic {shown(default)}{did_you_mean(default, clinics)}; "
               f"clinics: {', '.join(sorted(clinics))}", key="default_clinic")
    return default
