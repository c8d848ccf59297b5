"""Read the exercise files of a region (``exercises/*.yaml``), each checked against the region's words."""

from __future__ import annotations

import re
from pathlib import Path

from handouts.errors import DataError, one_of, shown
from handouts.load import fields
from handouts.load.illustration import read_illustration
from handouts.load.schema import Problems, Section
from handouts.load.yamlio import load_yaml
from handouts.model import DIRECTIONS, DOSE_BOUNDS, GOAL_OF, KINDS, LIMIT_FIELDS, Dose, Exercise, ExerciseText
from handouts.model.region import Region

_EXERCISE_KEYS = (
    "id", "kind", "direction", "muscle_group", "isometric", "position",
    "dose", "limits", "text", "video_url", "source", "source_note", "illustration",
)
_TEXT_KEYS = ("name", "steps", "feel", "cautions", "equipment")


def load_exercises(folder: Path, region: Region, languages: tuple[str, ...],
                   problems: Problems) -> tuple[dict[str, Exercise], set[str]]:
    """The valid exercises, and the ids (file names) of the invalid ones."""
    files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    if not files:
        problems.add("no exercise files (*.yaml) found", path=folder)
    exercises: dict[str, Exercise] = {}
    broken: set[str] = set()
    for path in files:
        try:
            exercise = _exercise(load_yaml(path), path, region, languages, problems)
        except DataError as exc:
            problems.extend([exc])
            exercise = None
        if exercise is None:
            broken.add(path.stem)
        else:
            exercises[exercise.id] = exercise
    return exercises, broken


def _exercise(raw: object, path: Path, region: Region, languages: tuple[str, ...],
              problems: Problems) -> Exercise | None:
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
    muscle_group = s.choice("muscle_group", region.muscle_groups)
    isometric = s.flag("isometric")
    position = s.choice("position", region.positions)
    sources = _sources(s, region)
    source_note = s.text("source_note", "", max_len=600)
    video_url = s.url("video_url")
    dose = _dose(s.section("dose", (*DOSE_BOUNDS, "each_side")), kind)
    limits = _limits(s.section("limits", LIMIT_FIELDS), dose)
    text = _texts(s.section("text", languages), languages, problems)
    if muscle_group in region.isometric_groups and (not isometric or direction != "neutral"):
        s.fail(f"{muscle_group} exercises must be isometric holds in a neutral spine "
               "(isometric: true, direction: neutral), never sit-ups or crunches", key="muscle_group")
    names = " ".join([exercise_id or ""] + [t.name for t in text.values()])
    for forbidden in region.forbidden_names:
        if re.search(forbidden.pattern, names, flags=re.IGNORECASE):
            s.fail(forbidden.message, key="id")
    illustration = None
    if s.data.get("illustration") is not None and exercise_id:
        illustration = read_illustration(s.data["illustration"], path=path, exercise_id=exercise_id,
                                         problems=problems)
    if len(problems.errors) > before:
        return None
    return Exercise(
        id=exercise_id, kind=kind, direction=direction, muscle_group=muscle_group, isometric=isometric,
        position=position, dose=dose, text=text, sources=sources, source_note=source_note, limits=limits,
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


def _sources(s: Section, region: Region) -> tuple[str, ...]:
    """Where the exercise comes from: one id of the region's sources, or a list of them."""
    value = s.raw("source")
    ids = value if isinstance(value, list) else [value] if value is not None else []
    if value is not None and (not ids or not all(isinstance(i, str) for i in ids)):
        s.fail(f"expected a source id or a list of them ({', '.join(region.sources)})", key="source")
        return ()
    for i in ids:
        if i not in region.sources:
            s.fail(one_of(i, tuple(region.sources), "source") + " (the sources listed in region.yaml)", key="source")
    return tuple(ids)


#: Dose fields whose limits an exercise needs when its dose has the field named: a repeat may gain sets.
_LIMITS_NEEDED = {"sets": "repeat"}


def _limits(s: Section, dose: Dose) -> dict[str, tuple[int, int]]:
    """The range a clinician may set for each number of the dose (a goal shares its start's range).

    Every number the dose has, or may gain, needs its limits; the dose itself must lie within them.
    """
    limits: dict[str, tuple[int, int]] = {}
    for name in LIMIT_FIELDS:
        needed = getattr(dose, _LIMITS_NEEDED.get(name, name)) is not None
        if name not in s.data:
            if needed:
                s.fail(f"is required: the range a clinician may set, e.g. {name}: [1, 3]", key=s.qualified(name))
            continue
        low, high = DOSE_BOUNDS[name]
        value = s.data[name]
        if not (isinstance(value, list) and len(value) == 2 and all(type(v) is int for v in value)
                and low <= value[0] <= value[1] <= high):
            s.fail(f"expected [lowest, highest], whole numbers from {low} to {high}, found {shown(value)}",
                   key=s.qualified(name))
            continue
        limits[name] = (value[0], value[1])
    for name in DOSE_BOUNDS:
        value, bounds = getattr(dose, name), limits.get(GOAL_OF.get(name, name))
        if value is not None and bounds and not bounds[0] <= value <= bounds[1]:
            s.fail(f"dose {name} {value} is outside its limits {bounds[0]} to {bounds[1]}",
                   key=s.qualified(GOAL_OF.get(name, name)))
    return limits


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
