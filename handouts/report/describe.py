"""Plain-text descriptions of plans and exercises for the terminal (clinician-facing, English)."""

from __future__ import annotations

import json
from collections.abc import Mapping

from handouts.model import Dataset, Dose, Exercise, Plan
from handouts.run.results import BatchRefused, BatchResult


def describe_dose(dose: Dose) -> str:
    """A dose in one line, e.g. 'hold 20 s, repeat 3, 2x a day'."""
    parts = []
    if dose.minutes is not None:
        goal = f" building to {dose.minutes_up_to} min" if dose.minutes_up_to else ""
        parts.append(f"walk {dose.minutes} min{goal}")
    if dose.hold is not None:
        goal = f" building to {dose.hold_up_to} s" if dose.hold_up_to else ""
        parts.append(f"hold {dose.hold} s{goal}")
    if dose.repeat is not None:
        parts.append(f"repeat {dose.repeat}" + (" each side" if dose.each_side else ""))
    if dose.sets is not None:
        parts.append(f"{dose.sets} sets")
    parts.append(f"{dose.times_a_day}x a day")
    return ", ".join(parts)


def describe_plan(plan: Plan) -> str:
    """The plan as a numbered list of exercises with doses."""
    request = plan.request
    lines = [f"{request.patient.patient_id}: {request.diagnosis}, {request.phase} "
             f"({plan.clinic.id}, {plan.language}, {plan.paper}{', large print' if request.large_print else ''})",
             "    patient: " + "; ".join(patient_facts(plan))]
    for number, planned in enumerate(plan.exercises, start=1):
        exercise = planned.exercise
        added = f"  [added: {planned.added_by}]" if planned.added_by else ""
        lines.append(f"{number:>2}. {exercise.id:<28} {exercise.kind:<10} {describe_dose(planned.dose)}{added}")
    return "\n".join(lines)


def patient_facts(plan: Plan) -> list[str]:
    """What the clinician said about the patient that the rules used, e.g. 'direction flexion (from testing)'."""
    request = plan.request
    direction = f"direction {request.direction} (from testing)" if request.direction \
        else "direction not given (the diagnosis's usual one stands in)"
    leg_pain = {True: "leg pain yes", False: "leg pain no", None: "leg pain not recorded"}[request.leg_pain]
    precautions = "precautions " + (", ".join(sorted(request.precautions)) or "none")
    return [direction, leg_pain, precautions]


def describe_exercises(dataset: Dataset) -> str:
    """One line per exercise: id, kind, direction, muscle group, source, name."""
    language = dataset.languages[0]
    rows = [f"{'id':<22} {'kind':<10} {'direction':<10} {'muscles':<14} {'source':<27} name"]
    for exercise in sorted(dataset.exercises.values(), key=lambda e: (e.kind, e.id)):
        rows.append(f"{exercise.id:<22} {exercise.kind:<10} {exercise.direction:<10} {exercise.muscle_group:<14} "
                    f"{','.join(exercise.sources):<27} {exercise.words(language).name}")
    return "\n".join(rows)


def describe_protocols(dataset: Dataset) -> str:
    """Each diagnosis with its default exercises per phase, then the rules every plan follows."""
    region = dataset.region
    edition = f"; content v{region.edition.version}, reviewed {region.edition.reviewed.isoformat()}" \
        if region.edition else ""
    lines = [f"{region.name}: phases {', '.join(region.phases)}{edition}", ""]
    for protocol in dataset.protocols.values():
        preferred = f", favours {protocol.preferred_direction}" if protocol.preferred_direction else ""
        lines.append(f"{protocol.diagnosis} ({protocol.name}{preferred})")
        for phase in region.phases:
            ids = protocol.phases.get(phase, ())
            chosen = ", ".join(ids) if ids else "chosen by the clinician (--exercises)"
            lines.append(f"  {phase:<12} {chosen}")
    lines += ["", "rules, in order:"]
    for step in region.rules:
        settings = ", ".join(f"{k}={v}" for k, v in step.settings.items() if k != "source")
        lines.append(f"  {step.name}" + (f" ({settings})" if settings else "")
                     + f"; source: {', '.join(step.sources) or 'not given'}")
    if region.precautions:
        lines += ["", "precautions (--precautions): " + ", ".join(f"{key} ({name})"
                                                              for key, name in region.precautions.items())]
    if region.overrides:
        lines += ["", "overrides: " + ", ".join("--" + name.replace("_", "-") for name in region.overrides)]
    if region.sources:
        lines += ["", "sources:"] + [f"  {key}: {text}" for key, text in region.sources.items()]
    return "\n".join(lines)


def describe_exercise(exercise: Exercise, language: str, *, sources: Mapping[str, str] | None = None) -> str:
    """Everything about one exercise, as a clinician would review it; ``sources`` spells out the
    region's source ids (``region.sources``)."""
    words = exercise.words(language)
    lines = [
        f"{words.name} ({exercise.id})",
        f"kind: {exercise.kind}; direction: {exercise.direction}; muscles: {exercise.muscle_group}; "
        f"isometric: {'yes' if exercise.isometric else 'no'}; position: {exercise.position}",
        f"dose: {describe_dose(exercise.dose)}",
        "limits: " + "; ".join(f"{name} {low} to {high}" for name, (low, high) in exercise.limits.items()),
    ]
    lines += [f"source: {key}" + (f" ({(sources or {})[key]})" if key in (sources or {}) else "")
              for key in exercise.sources]
    if exercise.source_note:
        lines.append(f"source note: {exercise.source_note}")
    if exercise.path:
        lines.append(f"file: {exercise.path}")
    if words.equipment:
        lines.append(f"equipment: {', '.join(words.equipment)}")
    lines.append("steps:")
    lines += [f"  {i}. {step}" for i, step in enumerate(words.steps, start=1)]
    if words.feel:
        lines.append(f"feel: {words.feel}")
    lines += [f"caution: {c}" for c in words.cautions]
    if exercise.video_url:
        lines.append(f"video: {exercise.video_url}")
    return "\n".join(lines)


def batch_summary(result: BatchResult) -> str:
    """A few lines a front desk reads at the end of a batch."""
    lines = [
        f"written: {result.count('written')}, skipped (already done): {result.count('skipped')}, "
        f"failed: {result.count('failed') + result.count('invalid')}, in {result.seconds:.1f} s",
        f"output: {result.output}/ (manifest.csv lists every row)",
    ]
    if result.combined:
        kept = "; it already held these handouts and was left as it was" if result.combined_unchanged else ""
        lines.append(f"print file: {result.combined} ({result.combined_pages} pages, "
                     f"{result.combined_bytes / 1e6:.1f} MB{kept})")
        missing = [row.line for row in result.attention if not row.ok]
        if missing:  # a print file is handed to the printer whole: say who is not in it
            shown = ", ".join(str(line) for line in missing[:10]) + (", ..." if len(missing) > 10 else "")
            lines.append(f"  not in it: {len(missing)} row{'s' if len(missing) != 1 else ''} not made "
                         f"(line{'s' if len(missing) != 1 else ''} {shown})")
    return "\n".join(lines)


def refused_summary(refused: BatchRefused) -> str:
    """The summary of a batch that wrote nothing because of its rows."""
    why = ("--strict and a row has a problem" if refused.strict and refused.bad < refused.total
           else "no row is good")
    return (f"written: 0, skipped (already done): 0, failed: {refused.bad} of {refused.total} rows\n"
            f"nothing was written: {why}; fix the rows listed above and run the same command again")


def refused_json(refused: BatchRefused) -> str:
    """The same for other programs."""
    return json.dumps({"written": 0, "skipped": 0, "failed": refused.bad, "total": refused.total, "rows": [],
                       "exit_code": refused.exit_code, "nothing_written": True,
                       "errors": [str(e) for e in refused.errors]}, indent=2, ensure_ascii=False)


def batch_json(result: BatchResult) -> str:
    """The batch outcome for other programs (no patient names)."""
    return json.dumps({
        "written": result.count("written"), "skipped": result.count("skipped"),
        "failed": result.count("failed") + result.count("invalid"), "total": result.total,
        "seconds": round(result.seconds, 3), "output": str(result.output), "exit_code": result.exit_code,
        "combined": str(result.combined) if result.combined else None,
        "combined_pages": result.combined_pages, "combined_bytes": result.combined_bytes,
        "combined_unchanged": result.combined_unchanged,
        "rows": [{"line": r.line, "patient_id": r.patient_id, "status": r.status, "file": r.file,
                  "pages": r.pages, "message": r.message} for r in result.rows],
    }, indent=2, ensure_ascii=False)
