"""The plan record: a small JSON file beside each handout, enough to make the same handout again.

It holds the request as the clinician gave it (no more personal data than that: the patient's
id and name, and the clinician's notes when there were any), the date printed as "Made ...",
the edition of the clinical content, and the plan that came out: phase, dates, exercises and
their doses, and the codes of the warnings. ``handouts make --from-plan`` reads it back
(``handouts.load.plan_record``); ``handouts next`` proposes the next one from it.
"""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import date
from pathlib import Path
from typing import Any

from handouts.load.plan_record import RECORD_FORMAT, RECORD_VERSION
from handouts.model import Dose, HandoutRequest, Plan

#: A record's name beside its PDF: ``p-001.pdf`` -> ``p-001.plan.json``.
RECORD_SUFFIX = ".plan.json"


def record_path(pdf: Path) -> Path:
    """Where the record of the handout ``pdf`` goes."""
    return pdf.with_name(pdf.stem + RECORD_SUFFIX)


def dose_numbers(dose: Dose) -> dict[str, int | bool]:
    """The numbers a dose has (absent ones left out), and each_side when it is set."""
    numbers: dict[str, int | bool] = {f.name: getattr(dose, f.name) for f in fields(dose)
                                      if f.name != "each_side" and getattr(dose, f.name) is not None}
    if dose.each_side:
        numbers["each_side"] = True
    return numbers


def request_record(request: HandoutRequest) -> dict[str, Any]:
    """The request as JSON values, every field as it was given (None where the clinician chose nothing)."""
    return {
        "patient_id": request.patient.patient_id, "name": request.patient.name, "diagnosis": request.diagnosis,
        "phase": request.phase, "start_date": request.start_date.isoformat(), "weeks": request.weeks,
        "exercises": list(request.exercises) if request.exercises else None, "clinic": request.clinic_id,
        "clinician": request.clinician, "language": request.language, "paper": request.paper,
        "large_print": request.large_print, "notes": request.notes,
        "dose_changes": {k: dict(v) for k, v in request.dose_changes.items()},
        "overrides": sorted(request.overrides), "direction": request.direction, "leg_pain": request.leg_pain,
        "precautions": sorted(request.precautions), "ladder": request.ladder,
    }


def plan_record(plan: Plan, *, made: date, document_id: str | None = None) -> dict[str, Any]:
    """The record of a handout made from ``plan`` on ``made`` (the date printed as "Made ...").

    ``document_id``: the id its checklist pages' QR codes carry, so the same layout can be made
    again (``make --from-plan``, and ``handouts read`` when the layout JSON is lost).
    """
    edition = plan.edition
    return {
        "format": RECORD_FORMAT,
        "version": RECORD_VERSION,
        "made": made.isoformat(),
        **({"document_id": document_id} if document_id else {}),
        "content": {"version": edition.version, "reviewed": edition.reviewed.isoformat()} if edition else {},
        "request": request_record(plan.request),
        "plan": {
            "clinic": plan.clinic.id, "language": plan.language, "paper": plan.paper,
            "phase": plan.request.phase, "start_date": plan.request.start_date.isoformat(),
            "weeks": plan.request.weeks,
            "exercises": [{"id": p.id, "dose": dose_numbers(p.dose), **({"added_by": p.added_by} if p.added_by else {})}
                          for p in plan.exercises],
            "warnings": [w.code for w in plan.warnings],
        },
    }


def record_bytes(record: dict[str, Any]) -> bytes:
    """The record as UTF-8 JSON, keys in a fixed order, one field a line (easy to read and to compare)."""
    return (json.dumps(record, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
