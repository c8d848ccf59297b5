"""The rules a region's ``rules:`` list may name, each with the settings it takes.

A rule looks at the exercises chosen so far and returns them, perhaps with some
removed or added, adding a ``PlanWarning`` for every choice it makes or questions
(never a silent change). ``check`` validates a rule's settings against the
dataset when it loads; ``protocol_problem`` refuses a protocol default the rule
would always undo.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from handouts.errors import Fix, did_you_mean, one_of, shown
from handouts.model import KINDS, Dataset, Exercise, HandoutRequest, PlanWarning, Protocol
from handouts.model.request import LEG_PAIN

Settings = Mapping[str, Any]


@dataclass
class Work:
    """What the rules share while they run over one request."""

    request: HandoutRequest
    dataset: Dataset
    protocol: Protocol
    warnings: list[PlanWarning] = field(default_factory=list)
    added: dict[str, str] = field(default_factory=dict)  # exercise id -> the rule that added it


class Rule:
    """A rule of the clinical rule list; subclasses say what they take and do."""

    keys: tuple[str, ...] = ()  # settings it understands
    required: tuple[str, ...] = ()

    def apply(self, chosen: list[Exercise], work: Work, settings: Settings) -> list[Exercise]:
        raise NotImplementedError

    def blocked(self, work: Work, settings: Settings) -> set[str]:
        """Exercises this rule would take out of this patient's plan: a ladder never offers them."""
        return set()

    def check(self, settings: Settings, dataset: Dataset) -> list[tuple[str, str]]:
        """Problems with ``settings`` as (key, message); the common checks of the keys shared by rules."""
        problems = []
        takes = (*self.keys, "source")  # every rule says where it comes from
        for key in settings:
            if key not in takes:
                problems.append((key, f"unknown setting{did_you_mean(str(key), takes)}; "
                                      f"this rule takes {', '.join(takes)}"))
        problems += [(key, "is required") for key in self.required if key not in settings]
        region = dataset.region
        sources = _as_list(settings.get("source"))
        if not sources:
            problems.append(("source", f"is required: where the rule comes from ({', '.join(region.sources)})"))
        for source in sources:
            if source not in region.sources:
                problems.append(("source", one_of(source, tuple(region.sources)) + " (the sources in region.yaml)"))
        for phase in _as_list(settings.get("phases")):
            if phase not in region.phases:
                problems.append(("phases", f"{shown(phase)} is not a phase of this region "
                                           f"({', '.join(region.phases)})"))
        override = settings.get("override")
        if override is not None and override not in region.overrides:
            problems.append(("override", f"{shown(override)} is not listed under overrides"))
        return problems

    def protocol_problem(self, protocol: Protocol, phase: str, exercise: Exercise, settings: Settings) -> str:
        """Why ``exercise`` cannot be a default of ``protocol`` in ``phase`` ('' when it can)."""
        return ""


def _as_list(value: object) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _default(settings: Settings, dataset: Dataset, attribute: str, want: str) -> list[tuple[str, str]]:
    """Check that settings['default'] names an exercise whose ``attribute`` is ``want``."""
    exercise_id = settings.get("default")
    if exercise_id is None:
        return []
    exercise = dataset.exercises.get(str(exercise_id))
    if exercise is None:
        return [("default", f"unknown exercise {shown(exercise_id)}{did_you_mean(str(exercise_id), dataset.exercises)}")]
    if getattr(exercise, attribute) != want:
        return [("default", f"{exercise_id!r} is not a{'n' if want[0] in 'aeiou' else ''} {want} exercise")]
    return []


class StretchingOnly(Rule):
    """In the listed phases, strengthening is removed (unless the clinician overrides it)."""

    keys = ("phases", "override")
    required = ("phases",)

    def apply(self, chosen: list[Exercise], work: Work, settings: Settings) -> list[Exercise]:
        if work.request.phase not in _as_list(settings["phases"]):
            return chosen
        strengthening = tuple(e.id for e in chosen if e.kind == "strengthen")
        if not strengthening:
            return chosen
        details = (("phase", work.request.phase),)
        override = settings.get("override")
        if override and work.request.allows(override):
            work.warnings.append(PlanWarning("kept-strengthening", strengthening, details=details))
            return chosen
        work.warnings.append(PlanWarning("removed-strengthening", strengthening, override=override, details=details))
        return [e for e in chosen if e.kind != "strengthen"]

    def protocol_problem(self, protocol: Protocol, phase: str, exercise: Exercise, settings: Settings) -> str:
        if phase in _as_list(settings.get("phases")) and exercise.kind == "strengthen":
            return f"{exercise.id!r} is strengthening; the {phase} phase is stretching only"
        return ""


_OPPOSITE = {"flexion": "extension", "extension": "flexion"}


class Direction(Rule):
    """Stretches follow the patient's preferred direction (the diagnosis's usual one when not given).

    A protocol's stretch in the other direction is swapped for its counterpart when the patient's
    own direction differs from the diagnosis's; a stretch the clinician chose against it is flagged.
    """

    keys = ("override", "phases", "counterparts")

    def apply(self, chosen: list[Exercise], work: Work, settings: Settings) -> list[Exercise]:
        request = work.request
        preferred = request.direction or work.protocol.preferred_direction
        phases = _as_list(settings.get("phases"))
        if preferred not in _OPPOSITE or (phases and request.phase not in phases):
            return chosen
        against = _OPPOSITE[preferred]
        if request.exercises is None and request.direction:
            chosen = self._swap(chosen, work, against, settings)
        going = tuple(e.id for e in chosen if e.kind == "stretch" and e.direction == against)
        override = settings.get("override")
        if going and not (override and request.allows(override)):
            code = "against-patient-direction" if request.direction else "against-direction"
            work.warnings.append(PlanWarning(
                code, going, override=override, confirm=True,
                details=(("diagnosis", request.diagnosis), ("direction", preferred))))
        return chosen

    @staticmethod
    def _swap(chosen: list[Exercise], work: Work, against: str, settings: Settings) -> list[Exercise]:
        """The protocol's stretches in direction ``against`` replaced by their counterparts."""
        pairs = _counterparts(settings)
        swapped: dict[str, Exercise] = {}
        for exercise in chosen:
            if exercise.kind == "stretch" and exercise.direction == against and exercise.id in pairs:
                exercise = work.dataset.exercise(pairs[exercise.id])
                work.added[exercise.id] = "direction"
            swapped.setdefault(exercise.id, exercise)
        return list(swapped.values())

    def check(self, settings: Settings, dataset: Dataset) -> list[tuple[str, str]]:
        problems = super().check(settings, dataset)
        raw = settings.get("counterparts", {})
        if not isinstance(raw, Mapping):
            return [*problems, ("counterparts", "expected pairs of stretches, e.g. {prone-on-elbows: "
                                                "double-knee-to-chest}")]
        for one, other in raw.items():
            found = [dataset.exercises.get(str(i)) for i in (one, other)]
            for exercise_id, exercise in zip((one, other), found):
                if exercise is None:
                    problems.append(("counterparts", f"unknown exercise {shown(exercise_id)}"
                                                     f"{did_you_mean(str(exercise_id), dataset.exercises)}"))
            directions = {e.direction for e in found if e is not None}
            if None not in found and directions != {"flexion", "extension"}:
                problems.append(("counterparts", f"{one!r} and {other!r} must be a flexion and an extension "
                                                 "stretch"))
        return problems

    def protocol_problem(self, protocol: Protocol, phase: str, exercise: Exercise, settings: Settings) -> str:
        preferred = protocol.preferred_direction
        phases = _as_list(settings.get("phases"))
        if preferred and (not phases or phase in phases) and exercise.kind == "stretch" \
                and exercise.direction == _OPPOSITE.get(preferred):
            return f"{exercise.id!r} is a {exercise.direction} stretch against this diagnosis's preferred {preferred}"
        return ""


def _counterparts(settings: Settings) -> dict[str, str]:
    """The direction rule's counterparts, both ways round."""
    pairs = {str(a): str(b) for a, b in (settings.get("counterparts") or {}).items()}
    return {**pairs, **{b: a for a, b in pairs.items()}}


class Replace(Rule):
    """For a patient fact (leg pain, or one of the region's precautions such as osteoporosis), and
    always for the listed diagnoses, some exercises are replaced by gentler ones or removed; the
    clinician may keep them with the override. Leg pain that was not recorded is asked for."""

    keys = ("when", "diagnoses", "exercises", "override", "reason")
    required = ("when", "exercises", "reason")

    def apply(self, chosen: list[Exercise], work: Work, settings: Settings) -> list[Exercise]:
        request, fact = work.request, str(settings["when"])
        pairs = {str(k): (str(v) if v else None) for k, v in settings["exercises"].items()}
        affected = tuple(e.id for e in chosen if e.id in pairs)
        if not affected:
            return chosen
        reason = ("reason", str(settings["reason"]))
        because = _because(fact, work, settings)
        if because is None:
            if fact == LEG_PAIN and request.leg_pain is None:
                work.warnings.append(PlanWarning("leg-pain-unknown", affected, details=(reason,),
                                                 fix=Fix("field", "leg_pain", ("yes", "no"))))
            return chosen
        details = (("because", because), reason)
        override = settings.get("override")
        if override and request.allows(override):
            work.warnings.append(PlanWarning("kept-despite", affected, details=details))
            return chosen
        kept: dict[str, Exercise] = {}
        replaced: dict[str, list[str]] = {}  # a replacement -> the exercises it stands in for, in plan order
        for exercise in chosen:
            if exercise.id not in pairs:
                kept.setdefault(exercise.id, exercise)
                continue
            instead = pairs[exercise.id]
            if instead is None:
                work.warnings.append(PlanWarning("removed-for", (exercise.id,), override=override, details=details))
                continue
            work.added[instead] = "replace"
            replaced.setdefault(instead, []).append(exercise.id)
            kept.setdefault(instead, work.dataset.exercise(instead))
        chosen_ids = {e.id for e in chosen}
        for instead, olds in replaced.items():
            # One warning for all it replaces: two exercises that became one must not read as two swaps
            # (the plan is an exercise shorter), nor a replacement the plan already had as a new one.
            merged = (f" (one exercise in place of {'both' if len(olds) == 2 else f'all {len(olds)}'})" if len(olds) > 1
                      else " (already in the plan)" if instead in chosen_ids else "")
            work.warnings.append(PlanWarning("replaced", tuple(olds), (instead,), override=override,
                                             details=(*details, ("merged", merged))))
        return list(kept.values())

    def blocked(self, work: Work, settings: Settings) -> set[str]:
        """What it takes out for this patient: nothing when it does not apply or was overridden."""
        override = settings.get("override")
        if _because(str(settings["when"]), work, settings) is None or (override and work.request.allows(override)):
            return set()
        return {str(k) for k in settings["exercises"]}

    def check(self, settings: Settings, dataset: Dataset) -> list[tuple[str, str]]:
        problems = super().check(settings, dataset)
        facts = (LEG_PAIN, *dataset.region.precautions)
        if "when" in settings and settings["when"] not in facts:
            problems.append(("when", one_of(settings["when"], facts) + " (leg-pain, or a precaution of the region)"))
        for diagnosis in _as_list(settings.get("diagnoses")):
            if diagnosis not in dataset.protocols:
                problems.append(("diagnoses", f"unknown diagnosis {shown(diagnosis)}"
                                              f"{did_you_mean(str(diagnosis), dataset.protocols)}"))
        pairs = settings.get("exercises")
        if "exercises" in settings and (not isinstance(pairs, Mapping) or not pairs):
            return [*problems, ("exercises", "expected 'exercise: its replacement' pairs (null: remove it)")]
        for old, new in (pairs or {}).items():
            for exercise_id in (old, new):
                if exercise_id is not None and exercise_id not in dataset.exercises:
                    problems.append(("exercises", f"unknown exercise {shown(exercise_id)}"
                                                  f"{did_you_mean(str(exercise_id), dataset.exercises)}"))
            if new is not None and new in pairs:
                problems.append(("exercises", f"{new!r} replaces {old!r} but is replaced itself"))
        return problems


def _because(fact: str, work: Work, settings: Settings) -> str | None:
    """Why a Replace rule applies to this patient, in words ('leg pain', 'sciatica', 'osteoporosis or
    fracture risk'); None when it does not."""
    request = work.request
    if request.has(fact):
        label = "leg pain" if fact == LEG_PAIN else work.dataset.region.precautions[fact]
    elif request.diagnosis in _as_list(settings.get("diagnoses")):
        label = work.protocol.name
    else:
        return None
    return label[:1].lower() + label[1:]


class Pair(Rule):
    """Every exercise of one muscle group comes with one of its partner group (the default is added)."""

    keys = ("group", "with", "default")
    required = ("group", "with", "default")

    def apply(self, chosen: list[Exercise], work: Work, settings: Settings) -> list[Exercise]:
        group, partner = settings["group"], settings["with"]
        needing = [e for e in chosen if e.muscle_group == group]
        if not needing or any(e.muscle_group == partner for e in chosen):
            return chosen
        default = work.dataset.exercise(settings["default"])
        where = chosen.index(needing[-1]) + 1
        work.added[default.id] = "pair"
        work.warnings.append(PlanWarning("paired", (default.id,), tuple(e.id for e in needing),
                                         details=(("group", group), ("partner", partner))))
        return [*chosen[:where], default, *chosen[where:]]

    def check(self, settings: Settings, dataset: Dataset) -> list[tuple[str, str]]:
        problems = super().check(settings, dataset)
        for key in ("group", "with"):
            if key in settings and settings[key] not in dataset.region.muscle_groups:
                problems.append((key, f"{shown(settings[key])} is not one of the region's muscle_groups"))
        if "with" in settings:
            problems += _default(settings, dataset, "muscle_group", str(settings["with"]))
        return problems


class Include(Rule):
    """In the listed phases, the plan holds an exercise of one kind (the default is added)."""

    keys = ("kind", "phases", "default", "override", "reason")
    required = ("kind", "phases", "default")

    def apply(self, chosen: list[Exercise], work: Work, settings: Settings) -> list[Exercise]:
        kind = settings["kind"]
        if work.request.phase not in _as_list(settings["phases"]):
            return chosen
        default = work.dataset.exercise(settings["default"])
        override = settings.get("override")
        present = [e for e in chosen if e.kind == kind]
        if override and work.request.allows(override):
            # Left out as asked: the protocol's own one too, but never one the clinician listed.
            leave_out = present if work.request.exercises is None else []
            if leave_out or not present:
                work.warnings.append(PlanWarning("left-out", tuple(e.id for e in leave_out) or (default.id,),
                                                 details=(("reason", str(settings.get("reason", ""))),)))
            return [e for e in chosen if e not in leave_out]
        if present:
            return chosen
        work.added[default.id] = "include"
        work.warnings.append(PlanWarning("added", (default.id,), override=override,
                                         details=(("phase", work.request.phase),)))
        return [*chosen, default]

    def check(self, settings: Settings, dataset: Dataset) -> list[tuple[str, str]]:
        problems = super().check(settings, dataset)
        if "kind" in settings and settings["kind"] not in KINDS:
            problems.append(("kind", f"{shown(settings['kind'])} is not one of {', '.join(KINDS)}"))
        elif "kind" in settings:
            problems += _default(settings, dataset, "kind", str(settings["kind"]))
        return problems


class Balance(Rule):
    """A plan with strengthening but no stretching is flagged."""

    def apply(self, chosen: list[Exercise], work: Work, settings: Settings) -> list[Exercise]:
        kinds = {e.kind for e in chosen}
        if "strengthen" in kinds and "stretch" not in kinds:
            work.warnings.append(PlanWarning("unbalanced"))
        return chosen


class MaxExercises(Rule):
    """A plan longer than ``count`` exercises is flagged: long handouts are followed less."""

    keys = ("count",)
    required = ("count",)

    def apply(self, chosen: list[Exercise], work: Work, settings: Settings) -> list[Exercise]:
        if len(chosen) > settings["count"]:
            work.warnings.append(PlanWarning("too-many", details=(("count", str(len(chosen))),
                                                                  ("limit", str(settings["count"])))))
        return chosen

    def check(self, settings: Settings, dataset: Dataset) -> list[tuple[str, str]]:
        problems = super().check(settings, dataset)
        count = settings.get("count")
        if count is not None and (isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 20):
            problems.append(("count", f"expected a whole number from 1 to 20, found {shown(count)}"))
        return problems


#: Every rule a region may list, by the name it lists it under.
RULES: Mapping[str, Rule] = {
    "stretching-only": StretchingOnly(),
    "direction": Direction(),
    "replace": Replace(),
    "pair": Pair(),
    "include": Include(),
    "balance": Balance(),
    "max-exercises": MaxExercises(),
}
