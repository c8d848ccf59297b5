"""Read the exercise files of a region (``exercises/*.yaml``), each checked against the region's words."""

from __future__ import annotations

import re
from pathlib import Path

from handouts.errors import DataError, did_you_mean, one_of, shown
from handouts.load import fields
from handouts.load.illustration import read_illustration
from handouts.load.schema import Problems, Section
from handouts.load.yamlio import load_yaml
from handouts.model import DIRECTIONS, DOSE_BOUNDS, GOAL_OF, KINDS, LIMIT_FIELDS, BuildUp, Dose, Exercise, ExerciseText, Rung
from handouts.model.exercise import BUILD_UP_FIELDS, BUILD_UP_RULES, RUNG_FIELDS
from handouts.model.region import Region

_EXERCISE_KEYS = (
    "id", "kind", "direction", "muscle_group", "isometric", "position",
    "dose", "limits", "text", "video_url", "source", "source_note", "illustration",
    "easier", "harder", "build_up",
)
_RUNG_KEYS = ("exercise", "dose", "when", "source")
_BUILD_UP_KEYS = ("field", "step", "every_days", "goal", "while", "source")
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
    sources = _sources(s.raw("source"), s, "source", region)
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
    easier = _rungs(s, "easier", exercise_id, dose, limits, languages, region)
    harder = _rungs(s, "harder", exercise_id, dose, limits, languages, region)
    build_up = _build_up(s, dose, limits, region)
    illustration = None
    if s.data.get("illustration") is not None and exercise_id:
        illustration = read_illustration(s.data["illustration"], path=path, exercise_id=exercise_id,
                                         problems=problems)
    if len(problems.errors) > before:
        return None
    return Exercise(
        id=exercise_id, kind=kind, direction=direction, muscle_group=muscle_group, isometric=isometric,
        position=position, dose=dose, text=text, sources=sources, source_note=source_note, limits=limits,
        video_url=video_url, illustration=illustration, path=path, easier=easier, harder=harder, build_up=build_up,
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


def _sources(value: object, s: Section, key: str, region: Region) -> tuple[str, ...]:
    """Where something comes from: one id of the region's sources, or a list of them."""
    ids = value if isinstance(value, list) else [value] if value is not None else []
    if value is not None and (not ids or not all(isinstance(i, str) for i in ids)):
        s.fail(f"expected a source id or a list of them ({', '.join(region.sources)})", key=key)
        return ()
    for i in ids:
        if i not in region.sources:
            s.fail(one_of(i, tuple(region.sources), "source") + " (the sources listed in region.yaml)", key=key)
    return tuple(ids)


def _rungs(s: Section, key: str, exercise_id: str | None, dose: Dose, limits: dict[str, tuple[int, int]],
           languages: tuple[str, ...], region: Region) -> tuple[Rung, ...]:
    """The easier (or harder) versions, in order: another exercise or a dose change, each with a
    criterion in every language and its source. Ids of other exercises are checked once all have loaded."""
    raw = s.data.get(key)
    if raw is None:
        return ()
    entries = raw if isinstance(raw, list) else [raw]
    if not 1 <= len(entries) <= 3:
        s.fail("expected one to three versions, each '- exercise: ID' or '- dose: {hold: 10}' with 'when' and "
               "'source'", key=key)
        return ()
    rungs = []
    for i, entry in enumerate(entries):
        r = s.child(entry, f"{key}[{i}]", _RUNG_KEYS)
        if not r.ok:
            continue
        if ("exercise" in r.data) == ("dose" in r.data):
            r.fail("give either 'exercise: ID' (another exercise) or 'dose: {field: number}' (this one with a "
                   "different dose), not both or neither", key=r.where)
            continue
        other = None
        if "exercise" in r.data:
            other = r.text("exercise", max_len=64)
            if other is not None and other == exercise_id:
                r.fail("names this exercise itself; name another exercise or give a dose change",
                       key=r.qualified("exercise"))
        changes = _rung_dose(r, dose, limits) if "dose" in r.data else {}
        if "source" not in r.data:
            r.fail("is required: where the criterion comes from (seed, a guideline, or common-practice)",
                   key=r.qualified("source"))
        sources = _sources(r.data.get("source"), r, r.qualified("source"), region)
        w = r.section("when", languages)
        when = {}
        for language in languages:
            if language not in w.data:
                w.fail(f"the {language!r} criterion is missing: one plain line, e.g. 'When you can hold 60 "
                       "seconds on 3 days in a row without more pain'", key=w.qualified(language))
                continue
            text = w.text(language, max_len=160)
            if text:
                when[language] = text
        if len(when) == len(languages) and sources and (other or changes):
            rungs.append(Rung(when=when, sources=sources, exercise=other, dose=changes))
    return tuple(rungs)


def _rung_dose(r: Section, dose: Dose, limits: dict[str, tuple[int, int]]) -> dict[str, int]:
    """A rung's dose change: fields the dose has, each within the exercise's limits and not the same."""
    d = r.section("dose", RUNG_FIELDS)
    changes: dict[str, int] = {}
    for name in d.data:
        if name not in RUNG_FIELDS:
            continue
        low, high = limits.get(name, DOSE_BOUNDS[name])
        value = d.number(name, low, high)
        if value is None:
            continue
        if getattr(dose, name) is None and not (name == "sets" and dose.repeat is not None):
            d.fail(f"the dose has no {name}; change a number it has", key=d.qualified(name))
        elif getattr(dose, name) == value:
            d.fail(f"is the same as the dose ({value}); a rung must change it", key=d.qualified(name))
        else:
            changes[name] = value
    if not d.data:
        d.fail(f"give at least one of {', '.join(RUNG_FIELDS)}", key=d.where)
    return changes


def _build_up(s: Section, dose: Dose, limits: dict[str, tuple[int, int]], region: Region) -> BuildUp | None:
    """How the dose builds up: the start is the dose's own number, the goal its build-up goal (or 'goal')."""
    if s.data.get("build_up") is None:
        return None
    b = s.section("build_up", _BUILD_UP_KEYS)
    if not b.ok:
        return None
    name = b.choice("field", tuple(BUILD_UP_FIELDS))
    step = b.number("step", 1, 60)
    every = b.number("every_days", 1, 14)
    rule = b.choice("while", BUILD_UP_RULES)
    if "source" not in b.data:
        b.fail("is required: where the build-up comes from (seed, a guideline, or common-practice)",
               key=b.qualified("source"))
    sources = _sources(b.data.get("source"), b, b.qualified("source"), region)
    if name is None:
        return None
    start = getattr(dose, name)
    if start is None:
        b.fail(f"the dose has no {name} to build up from", key=b.qualified("field"))
        return None
    goal_field = BUILD_UP_FIELDS[name]
    dose_goal = getattr(dose, goal_field) if goal_field else None
    goal = b.number("goal", *limits.get(name, DOSE_BOUNDS[name])) if "goal" in b.data else dose_goal
    if dose_goal is not None and goal != dose_goal:
        b.fail(f"goal {goal} differs from dose.{goal_field} {dose_goal}; leave 'goal' out (it comes from the dose)",
               key=b.qualified("goal"))
        return None
    if goal is None:
        b.fail(f"is required: the number to build up to (the dose has no {goal_field or name + ' goal'})",
               key=b.qualified("goal"))
        return None
    if goal <= start:
        b.fail(f"goal {goal} must be more than the dose's {name} {start}", key=b.qualified("goal"))
        return None
    if None in (step, every, rule) or not sources:
        return None
    return BuildUp(field=name, start=start, step=step, every_days=every, goal=goal, rule=rule, sources=sources)


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


def check_ladders(exercises: dict[str, Exercise], broken: set[str], problems: Problems) -> None:
    """Every rung that names another exercise names a known one of the same kind (a stretch's easier
    version is a stretch): checked once every exercise has loaded."""
    for exercise in exercises.values():
        for key, rungs in (("easier", exercise.easier), ("harder", exercise.harder)):
            for i, rung in enumerate(rungs):
                if rung.exercise is None or rung.exercise in broken:
                    continue
                where = f"{key}[{i}].exercise"
                other = exercises.get(rung.exercise)
                if other is None:
                    problems.add(f"unknown exercise {shown(rung.exercise)}{did_you_mean(rung.exercise, exercises)}; "
                                 "add its file to exercises/ or name another", path=exercise.path, key=where)
                elif other.kind != exercise.kind:
                    problems.add(f"{rung.exercise} is a {other.kind} exercise, but {exercise.id} is a {exercise.kind} "
                                 "one; an easier or harder version must be the same kind", path=exercise.path, key=where)
