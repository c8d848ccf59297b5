"""The clinical rules (DESIGN.md "Clinical rules"): a request becomes a plan.

``make_plan`` is pure: no I/O, the same request and dataset give the same plan.
The rules are the region's list (``region.yaml``), run in order by the rules in
``handouts.rules.steps``. Choices the rules make or question become warnings
for the clinician; they are never silent.
"""

from __future__ import annotations

from datetime import date

from handouts.errors import Fix, InputError, one_of
from handouts.model import Dataset, HandoutRequest, Plan, PlannedExercise
from handouts.rules.dates import date_warnings
from handouts.rules.dose import changed_dose
from handouts.rules.ladder import ladder_for
from handouts.rules.steps import RULES, Work


def make_plan(request: HandoutRequest, dataset: Dataset, *, today: date | None = None) -> Plan:
    """Choose the exercises and doses for ``request``; raise InputError for unknown ids. With ``today``
    (the day it is printed), a start date long before or far after it is warned about (``dates``)."""
    if request.phase not in dataset.phases:
        raise InputError(one_of(request.phase, dataset.phases, "phase"), field="phase")
    protocol = dataset.protocol(request.diagnosis)
    clinic = dataset.clinic(request.clinic_id)
    language = request.language or clinic.language
    if language not in dataset.languages:
        raise InputError(one_of(language, dataset.languages, "language"), field="language")
    ids = request.exercises if request.exercises else protocol.phases.get(request.phase, ())
    if not ids:
        raise InputError(f"there is no default exercise set for {request.diagnosis}; choose the exercises",
                         fix=Fix("field", "exercises", ("ID,ID",)))
    chosen = [dataset.exercise(i) for i in ids]
    work = Work(request, dataset, protocol)
    for step in dataset.region.rules:
        chosen = RULES[step.name].apply(chosen, work, step.settings)
    if all(work.added.get(e.id) == "include" for e in chosen):  # nothing of what was chosen is left
        override = next((w.override for w in work.warnings if w.code == "removed-strengthening"), None)
        raise InputError(f"no exercise is left after the {request.phase} phase rule removed strengthening; "
                         "choose stretches", fix=Fix("override", override) if override else None)
    unknown = set(request.dose_changes) - {e.id for e in chosen}
    if unknown:
        raise InputError(f"dose change for {', '.join(sorted(unknown))}, which is not in this plan", field="dose")
    # A ladder never offers what a rule would take out for this patient (the strap stretch with leg pain).
    blocked = set().union(*(RULES[step.name].blocked(work, step.settings) for step in dataset.region.rules))
    planned = []
    for exercise in chosen:
        dose, dose_warnings = changed_dose(exercise, request)
        planned.append(PlannedExercise(exercise, dose, work.added.get(exercise.id),
                                       ladder=ladder_for(exercise, dose, dataset, blocked=blocked)))
        work.warnings += dose_warnings
    if today is not None:
        work.warnings += date_warnings(request, today)
    return Plan(
        request=request, clinic=clinic, language=language, paper=request.paper or clinic.paper,
        exercises=tuple(planned), warnings=tuple(work.warnings), edition=dataset.region.edition,
        move_on=dataset.region.move_on.get(request.phase),
    )
