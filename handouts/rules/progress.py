"""The next plan from the last one: what the checklist says, turned into proposed changes (pure).

For each exercise of the last plan, from the sessions ticked and the pain over the period:

| situation                                      | proposal                                           |
|------------------------------------------------|----------------------------------------------------|
| pain rising                                    | the easier rung (or the same dose when none)       |
| under 40% of sessions done (skipped)           | the easier rung (or the same dose when none)       |
| 40% to 79% done ("half done")                  | the same dose                                      |
| 80% or more done, build-up not at its goal     | the dose moved up the build-up                     |
| 80% or more done, at the goal, pain not rising | the harder rung offered                            |

The next phase is never changed: when the pain fell and most sessions were done, the clinician is
asked whether the patient is ready for it (a question, never an edit). Every proposal is checked
by making the plan it would give (``make_plan``): a change the rules would undo is dropped, with a note.
Thresholds are common practice, for the clinic to review.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from handouts.errors import HandoutError, InputError, did_you_mean, shown
from handouts.model import Dataset, Exercise, HandoutRequest, Plan, PlannedExercise
from handouts.rules.plan import make_plan

DONE = 0.8  # share of sessions ticked for "all done"
SKIPPED = 0.4  # under this share, sessions were skipped
PAIN_CHANGE = 1.0  # points (0 to 10) between the first and last days for pain to count as rising or falling
NEXT_PHASE = {"acute": "subacute", "subacute": "maintenance"}
_UNITS = {"hold": "s", "minutes": "min", "repeat": "times"}


def _days(n: int) -> str:
    return "day" if n == 1 else f"{n} days"


@dataclass(frozen=True)
class Day:
    """One day of the checklist: sessions planned and ticked per exercise, pain, minutes walked."""

    day: date
    exercise_id: str
    planned: int
    ticked: int
    pain: int | None = None
    walking_minutes: int | None = None


@dataclass(frozen=True)
class Change:
    """One proposed change: ``kind`` is 'harder', 'easier', 'dose', 'same', 'phase' (a question) or 'dropped'."""

    kind: str
    exercise_id: str | None
    reason: str
    new_exercise_id: str | None = None
    dose: tuple[tuple[str, int], ...] = ()  # field, new value
    old: str = ""  # what it was, in words

    @property
    def applies(self) -> bool:
        """True when accepting it changes the plan (a question or a kept dose changes nothing)."""
        return self.kind in ("harder", "easier", "dose")


@dataclass(frozen=True)
class Proposal:
    """The changes proposed for the next plan, and the request that makes it when they are accepted."""

    changes: tuple[Change, ...]
    request: HandoutRequest
    pain_first: float | None
    pain_last: float | None


def pain_trend(scores: Sequence[float]) -> tuple[float | None, float | None, str]:
    """The mean of the first and the last (up to) 3 scores, and 'rising', 'falling' or 'steady'."""
    if len(scores) < 2:
        return (scores[0] if scores else None), (scores[0] if scores else None), "unknown"
    n = min(3, len(scores) // 2)
    first, last = sum(scores[:n]) / n, sum(scores[-n:]) / n
    trend = "rising" if last - first >= PAIN_CHANGE else "falling" if first - last >= PAIN_CHANGE else "steady"
    return first, last, trend


def daily_pain(days: Iterable[Day], extra: Sequence[int] = ()) -> list[float]:
    """One pain score per day, in date order (the mean when a day has several), else the typed ``extra``."""
    by_day: dict[date, list[int]] = {}
    for d in days:
        if d.pain is not None:
            by_day.setdefault(d.day, []).append(d.pain)
    scores = [sum(v) / len(v) for _, v in sorted(by_day.items())]
    return scores or [float(s) for s in extra]


def propose(plan: Plan, days: Sequence[Day], dataset: Dataset, *, pain: Sequence[int] = ()) -> Proposal:
    """The proposed changes to ``plan`` from ``days`` (and pain scores typed by the clinician)."""
    first, last, trend = pain_trend(daily_pain(days, pain))
    pain_words = _pain_words(first, last, trend)
    changes: list[Change] = []
    period = len({d.day for d in days}) or 7
    shares = []
    for planned in plan.exercises:
        rows = [d for d in days if d.exercise_id == planned.id]
        change = _exercise_change(planned, rows, trend, pain_words, period, dataset)
        if change is not None:
            changes.append(change)
        if rows and sum(r.planned for r in rows):
            shares.append(sum(r.ticked for r in rows) / sum(r.planned for r in rows))
    changes = _checked(plan, _apply(plan, changes), changes, dataset)
    request = _apply(plan, changes)
    nxt = NEXT_PHASE.get(plan.request.phase)
    if nxt and trend == "falling" and shares and min(shares) >= DONE:
        changes.append(Change("phase", None, f"{pain_words}, most sessions done; ask whether the patient is ready", old=plan.request.phase,
                              new_exercise_id=None, dose=()))
    return Proposal(tuple(changes), request, first, last)


def _pain_words(first: float | None, last: float | None, trend: str) -> str:
    if first is None or last is None:
        return "no pain scores"
    verb = {"rising": "rose", "falling": "fell"}.get(trend, "stayed")
    return f"pain {verb} from {round(first, 1):g} to {round(last, 1):g}" if verb != "stayed" \
        else f"pain stayed about {round(last, 1):g}"


def _exercise_change(planned: PlannedExercise, rows: list[Day], trend: str, pain_words: str, period: int,
                     dataset: Dataset) -> Change | None:
    exercise = planned.exercise
    total = sum(r.planned for r in rows)
    if exercise.kind == "aerobic":
        return _walking_change(planned, rows, trend, pain_words, period)
    if not rows or not total:
        return Change("same", exercise.id, "no ticks recorded for it")
    done = sum(r.ticked for r in rows)
    share = done / total
    days_done = sum(1 for r in rows if r.planned and r.ticked >= r.planned)
    tally = f"done {done} of {total} sessions ({days_done} of {len(rows)} days in full)"
    ladder = planned.ladder
    if trend == "rising" or share < SKIPPED:
        why = pain_words if trend == "rising" else f"sessions skipped: {tally}"
        if ladder.easier is not None:
            return _rung_change("easier", planned, ladder.easier, why)
        return Change("same", exercise.id, f"{why}; it has no easier version: talk it over")
    if share < DONE:
        return Change("same", exercise.id, f"same dose: {tally}")
    build = ladder.build_up
    if build is not None and build.target(period) > build.start:
        target = build.target(period)
        return Change("dose", exercise.id, f"{tally}, {pain_words}; build-up: add {build.step} "
                      f"{_UNITS[build.field]} every {_days(build.every_days)}", dose=((build.field, target),),
                      old=f"{build.field} {build.start}")
    if ladder.harder is not None:
        return _rung_change("harder", planned, ladder.harder, f"{tally}, {pain_words}")
    return Change("same", exercise.id, f"{tally}; it is at the top of its ladder")


def _walking_change(planned: PlannedExercise, rows: list[Day], trend: str, pain_words: str,
                    period: int) -> Change | None:
    minutes = [r.walking_minutes for r in rows if r.walking_minutes is not None]
    goal = planned.dose.minutes or 0
    walked = sum(1 for m in minutes if m >= goal)
    tally = f"walked {goal} minutes or more on {walked} of {len(minutes)} days"
    if trend == "rising" and planned.ladder.easier is not None:
        return _rung_change("easier", planned, planned.ladder.easier, pain_words)
    build = planned.ladder.build_up
    if minutes and walked / len(minutes) >= DONE and trend != "rising" and build is not None \
            and build.target(period) > build.start:
        return Change("dose", planned.id, f"{tally}; build-up: add {build.step} minutes every "
                      f"{_days(build.every_days)}", dose=(("minutes", build.target(period)),), old=f"minutes {build.start}")
    return Change("same", planned.id, tally if minutes else "no minutes recorded")


def _rung_change(kind: str, planned: PlannedExercise, step, why: str) -> Change:  # type: ignore[no-untyped-def]
    if step.exercise is not None:
        return Change(kind, planned.id, why, new_exercise_id=step.exercise.id)
    return Change(kind, planned.id, why, dose=tuple(step.rung.dose.items()),
                  old=", ".join(f"{k} {getattr(planned.dose, k)}" for k in step.rung.dose))


def pickable(changes: Iterable[Change]) -> dict[str, Change]:
    """The changes a clinician can accept, by the id of the exercise they change (as in the last plan)."""
    return {c.exercise_id: c for c in changes if c.applies and c.exercise_id is not None}


def picked(changes: Sequence[Change], names: Sequence[str], *, leave_out: bool = False,
           key: str | None = None) -> tuple[Change, ...]:
    """The changes to make: only those to the exercises ``names`` (or, ``leave_out``, all but those).

    An exercise is named by its id in the last plan or by the id of the exercise it would become. A name
    that matches no change is refused (InputError with ``key``), saying which exercises can be picked.
    Questions and kept doses stay in the list: they change nothing.
    """
    open_ = pickable(changes)
    by_new = {c.new_exercise_id: c.exercise_id for c in open_.values() if c.new_exercise_id}
    chosen: set[str] = set()
    for name in names:
        exercise_id = name if name in open_ else by_new.get(name)
        if exercise_id is None:
            choices = ", ".join(open_) or "none (nothing changes)"
            known = {c.exercise_id for c in changes if c.exercise_id}
            why = "has no change to make" if name in known else "is not an exercise in the diff"
            raise InputError(f"{shown(name)} {why}{did_you_mean(name, [*open_, *by_new])}; the changes can be "
                             f"picked by: {choices}", key=key)
        chosen.add(exercise_id)
    return tuple(c for c in changes if not c.applies or (c.exercise_id in chosen) != leave_out)


def accepted(plan: Plan, changes: Iterable[Change]) -> HandoutRequest:
    """The request of the next plan with ``changes`` made (a question or a kept dose changes nothing)."""
    return _apply(plan, changes)


def _apply(plan: Plan, changes: Iterable[Change]) -> HandoutRequest:
    """The plan's request with the changes made: the plan's exercises (as printed) with the swaps made in
    place, and the doses changed."""
    request = plan.request
    ids = [p.id for p in plan.exercises]
    doses = {k: dict(v) for k, v in request.dose_changes.items()}
    for change in changes:
        if not change.applies or change.exercise_id is None:
            continue
        if change.new_exercise_id:
            ids = [change.new_exercise_id if i == change.exercise_id else i for i in ids]
            doses.pop(change.exercise_id, None)
        else:
            doses.setdefault(change.exercise_id, {}).update(dict(change.dose))
    return dataclasses.replace(request, exercises=tuple(ids), dose_changes=doses)


def _checked(plan: Plan, request: HandoutRequest, changes: list[Change], dataset: Dataset) -> list[Change]:
    """The changes whose result the rules keep: one the rules would undo or refuse is dropped, with a note."""
    try:
        kept_ids = {p.id for p in make_plan(request, dataset).exercises}
        problem = None
    except HandoutError as exc:
        kept_ids, problem = set(), str(exc)
    checked = []
    for change in changes:
        if change.kind in ("harder", "easier") and change.new_exercise_id and \
                (problem or change.new_exercise_id not in kept_ids):
            checked.append(Change("dropped", change.exercise_id, f"the plan's rules would not keep "
                                  f"{change.new_exercise_id}" + (f" ({problem})" if problem else ""),
                                  new_exercise_id=change.new_exercise_id))
        else:
            checked.append(change)
    return checked


def exercise_name(dataset: Dataset, exercise_id: str | None, language: str) -> str:
    """An exercise's name for the diff (its id when unknown)."""
    exercise: Exercise | None = dataset.exercises.get(exercise_id or "")
    return exercise.words(language).name if exercise else str(exercise_id)


def describe_change(change: Change, dataset: Dataset, plan: Plan) -> str:
    """One line of the diff: '+' a harder or easier exercise, '~' a dose, '=' kept, '!' dropped, '?' a question."""
    name = exercise_name(dataset, change.exercise_id, plan.language)
    if change.kind == "phase":
        nxt = NEXT_PHASE.get(change.old, "")
        return f"? Move on to the {nxt} phase? — {change.reason} (make it with --phase {nxt})"
    if change.kind == "same":
        return f"= {name}: same — {change.reason}"
    if change.kind == "dropped":
        return f"! {exercise_name(dataset, change.new_exercise_id, plan.language)} not offered — {change.reason}"
    label = "harder" if change.kind == "harder" else "easier" if change.kind == "easier" else "build-up"
    if change.new_exercise_id:
        new = exercise_name(dataset, change.new_exercise_id, plan.language)
        return f"+ {new} (was: {name}; {label}) — {change.reason}"
    dose = ", ".join(f"{field} {value}" for field, value in change.dose)
    return f"~ {name}: {dose} (was: {change.old}; {label}) — {change.reason}"
