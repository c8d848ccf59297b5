"""Read a plan record (the JSON written beside each handout) back into the request it was made from.

A record holds the request as the clinician gave it, the date printed as "Made ...", the edition
of the clinical content and the plan that came out (exercises and doses). Reading it turns the
request back into typed-in values and checks them exactly as the command line and a patients CSV
are checked (``build_request``), so a record edited by hand is refused the same way, with the
file and the key named.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from handouts import clock
from handouts.errors import DataError, ErrorList, HandoutError, flatten, shown
from handouts.load.files import Unreadable, read_regular
from handouts.load.request_fields import build_request
from handouts.model import Dataset, HandoutRequest

RECORD_FORMAT = "handouts-plan"
RECORD_VERSION = 1
MAX_RECORD_BYTES = 1_000_000
#: A printed document's id (its checklist pages' QR codes carry it): upper-case letters and digits.
DOCUMENT_ID = re.compile(r"[A-Z0-9]{10}")
#: The request's keys, with the JSON types each may hold.
_REQUEST_TYPES: dict[str, tuple[type, ...]] = {
    "patient_id": (str,), "name": (str,), "diagnosis": (str,), "phase": (str,), "start_date": (str,),
    "weeks": (int,), "exercises": (list, type(None)), "clinic": (str, type(None)), "clinician": (str,),
    "language": (str, type(None)), "paper": (str, type(None)), "large_print": (bool,), "notes": (str,),
    "dose_changes": (dict,), "overrides": (list,), "direction": (str, type(None)),
    "leg_pain": (bool, type(None)), "precautions": (list,), "ladder": (bool,),
}


@dataclass(frozen=True)
class PlanRecord:
    """A record read back: the request, the date its handout printed as made, and what the plan was."""

    request: HandoutRequest
    made: date
    exercises: tuple[tuple[str, dict[str, int]], ...]  # (id, the dose's numbers) in print order
    content_version: str
    raw: dict[str, Any]
    document_id: str | None = None  # the printed document's id, in records written since issue 18


def read_plan_record(path: Path, dataset: Dataset) -> PlanRecord:
    """The record in ``path``; raise DataError (or ErrorList) naming the file and key of each problem."""
    try:
        data = read_regular(path, MAX_RECORD_BYTES)
    except Unreadable as exc:
        raise DataError(str(exc), path=path) from None
    if len(data) > MAX_RECORD_BYTES:
        raise DataError(f"is larger than {MAX_RECORD_BYTES:,} bytes; a plan record is a small JSON file", path=path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise DataError("not UTF-8 text; a plan record is the JSON file written beside a handout", path=path) from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); a plan record "
                        "is the .plan.json file written beside a handout", path=path) from None
    if not isinstance(raw, dict) or raw.get("format") != RECORD_FORMAT:
        raise DataError(f"not a plan record ('format' is not {RECORD_FORMAT!r}); give the .plan.json file "
                        "written beside a handout", path=path)
    if raw.get("version") != RECORD_VERSION:
        raise DataError(f"record version {shown(raw.get('version'))} is not one this handouts reads "
                        f"({RECORD_VERSION}); make the handout again", path=path, key="version")
    request_raw = raw.get("request")
    if not isinstance(request_raw, dict):
        raise DataError("is missing or not a mapping of the request's fields", path=path, key="request")
    problems: list[HandoutError] = []
    for key, value in request_raw.items():
        if key not in _REQUEST_TYPES:
            problems.append(DataError(f"unknown key; known keys: {', '.join(_REQUEST_TYPES)}", path=path,
                                      key=f"request.{key}"))
        elif not isinstance(value, _REQUEST_TYPES[key]) or (type(value) is bool and bool not in _REQUEST_TYPES[key]):
            problems.append(DataError(f"expected {' or '.join(_type_name(t) for t in _REQUEST_TYPES[key])}, "
                                      f"found {shown(value)}", path=path, key=f"request.{key}"))
    made = _date(raw.get("made"), path, "made", problems)
    document_id = raw.get("document_id")
    if document_id is not None and not (isinstance(document_id, str) and DOCUMENT_ID.fullmatch(document_id)):
        problems.append(DataError(f"expected the 10 upper-case letters and digits its QR codes carry, found "
                                  f"{shown(document_id)}; remove the key to make a new id", path=path,
                                  key="document_id"))
    if problems:
        raise ErrorList(problems)
    request = _request(request_raw, dataset, path, today=made or clock.today())
    exercises = tuple((str(e.get("id")), {k: v for k, v in (e.get("dose") or {}).items() if isinstance(v, int)})
                      for e in (raw.get("plan") or {}).get("exercises", []) if isinstance(e, dict))
    content = raw.get("content") if isinstance(raw.get("content"), dict) else {}
    return PlanRecord(request, made or clock.today(), exercises, str(content.get("version", "")), raw,
                      document_id)


def _type_name(kind: type) -> str:
    return {str: "text", int: "a whole number", bool: "true or false", list: "a list", dict: "a mapping",
            type(None): "null"}[kind]


def _date(value: object, path: Path, key: str, problems: list[HandoutError]) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None  # type: ignore[arg-type]
    except ValueError:
        problems.append(DataError(f"expected a date written YYYY-MM-DD, found {shown(value)}", path=path, key=key))
        return None


def _yes_no(value: object) -> str:
    return "" if value is None else "yes" if value else "no"


def _request(raw: dict[str, Any], dataset: Dataset, path: Path, *, today: date) -> HandoutRequest:
    """The request, checked as a command line's or a CSV row's would be; each problem names its key."""
    values = {
        "patient_id": raw.get("patient_id", ""), "name": raw.get("name", ""), "diagnosis": raw.get("diagnosis", ""),
        "phase": raw.get("phase", ""), "start_date": raw.get("start_date", ""), "weeks": str(raw.get("weeks", 2)),
        "exercises": ",".join(map(str, raw["exercises"])) if raw.get("exercises") else "",
        "clinic": raw.get("clinic") or "", "clinician": raw.get("clinician", ""), "language": raw.get("language") or "",
        "paper": raw.get("paper") or "", "large_print": _yes_no(raw.get("large_print", False)),
        "notes": raw.get("notes", ""), "direction": raw.get("direction") or "", "leg_pain": _yes_no(raw.get("leg_pain")),
        "precautions": ",".join(map(str, raw.get("precautions", []))),
        "no_ladder": _yes_no(not raw.get("ladder", True)),
    }
    doses = [f"{exercise}.{name}={number}" for exercise, fields in raw.get("dose_changes", {}).items()
             if isinstance(fields, dict) for name, number in fields.items()]
    try:
        return build_request(values, dataset, today=today, dose_changes=doses,
                             overrides=[str(o) for o in raw.get("overrides", [])])
    except HandoutError as exc:
        raise ErrorList([DataError(e.message, path=path, key=f"request.{e.field}" if e.field else "request")
                         for e in flatten(exc)]) from None
