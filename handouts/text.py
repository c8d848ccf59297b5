"""Patient-facing words: Jinja2 templates and labels per language, rendered in a sandbox.

A clinic changes wording and section order by editing ``templates/<language>/``:

* ``handout.md.j2``   the whole handout; slots ``::: exercises`` and ``::: checklist``
  mark where the layout puts the exercise cards and the weekly grids;
* ``checklist.md.j2`` the checklist-only sheet;
* ``exercise.md.j2``  the text of one exercise card (steps, ``::: box dose``, feel, cautions);
* ``labels.yaml``     short words the layout needs (dates, grid labels, page footer).

Templates see the context documented in ``handout_context``; every printed value
is escaped by ``markup.md_escape`` so patient text can never change the structure.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .errors import DataError, ErrorList
from .markup import Block, MarkupError, md_escape, parse, plain, texts_of
from .models import Dose, Plan, PlannedExercise
from .schema import Problems, Section
from .yamlio import load_yaml

TEMPLATE_FILES = ("handout.md.j2", "checklist.md.j2", "exercise.md.j2")
RENDER_SECONDS = 5.0
MAX_OUTPUT = 200_000  # characters one template may write
MAX_RANGE = 1000  # a handout never needs longer loops


class TemplateTimeout(Exception):
    """A template ran too long."""


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Stop the block after ``seconds`` (main thread on Unix; elsewhere the loop cap must do)."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise TemplateTimeout

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _small_range(*args: int) -> range:
    """range() for templates, refusing loops longer than MAX_RANGE."""
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise OverflowError(f"range of {len(numbers):,} is longer than {MAX_RANGE:,}")
    return numbers
_LABEL_KEYS = (
    "document_title", "checklist_document_title", "page", "made", "cover", "video", "weekdays", "months", "months_long",
    "short_date", "long_date", "diagnoses", "phases", "grid", "safety_phrases",
)
_GRID_KEYS = ("exercise", "walking", "walking_hint", "pain", "pain_hint", "week", "times_a_day", "notes")


def languages(root: Path) -> tuple[str, ...]:
    """The languages that have templates: sub-folders of ``root`` holding a labels.yaml."""
    found = sorted(p.parent.name for p in root.glob("*/labels.yaml"))
    if not found:
        raise DataError("no template languages found (expected <language>/labels.yaml)", path=root)
    return tuple(found)


@dataclass(frozen=True)
class Templates:
    """The templates and labels of one language."""

    folder: Path
    language: str
    env: jinja2.Environment
    labels: Mapping[str, Any]

    def render(self, name: str, context: Mapping[str, Any]) -> tuple[Block, ...]:
        """Render template ``name`` with ``context`` and parse the result into blocks."""
        path = self.folder / name
        try:
            with _time_limit(RENDER_SECONDS):
                output = self.env.get_template(name).render(context)
            if len(output) > MAX_OUTPUT:
                raise DataError(f"the template wrote {len(output):,} characters; the limit is {MAX_OUTPUT:,}",
                                path=path)
            return parse(output)
        except MarkupError as exc:
            raise DataError(f"output is not valid handout text: {exc}", path=path) from None
        except jinja2.TemplateSyntaxError as exc:
            raise DataError(f"template syntax: {exc.message}", path=exc.filename or path, row=exc.lineno) from None
        except jinja2.TemplateNotFound as exc:
            raise DataError(f"template {exc.name!r} not found in {self.folder}", path=path) from None
        except TemplateTimeout:
            raise DataError(f"the template ran for more than {RENDER_SECONDS:g} seconds and was stopped "
                            "(a loop too long?)", path=path) from None
        except jinja2.exceptions.SecurityError as exc:
            file, line = _template_frame(exc, path)
            raise DataError(f"the template tried something unsafe and was stopped: {exc}", path=file, row=line) from None
        except jinja2.UndefinedError as exc:
            file, line = _template_frame(exc, path)
            raise DataError(f"{exc.message}; see the context documented in handouts/text.py", path=file, row=line) from None
        except (TypeError, ValueError, ArithmeticError, OverflowError, RecursionError, MemoryError) as exc:
            file, line = _template_frame(exc, path)
            raise DataError(f"the template failed: {type(exc).__name__}: {exc}", path=file, row=line) from None

    def short_date(self, day: date) -> str:
        """e.g. 'Mon 7 Dec' (wording from labels.yaml)."""
        return self.labels["short_date"].format(
            weekday=self.labels["weekdays"][day.weekday()], day=day.day, month=self.labels["months"][day.month - 1])

    def long_date(self, day: date) -> str:
        """e.g. '7 December 2026' (wording from labels.yaml)."""
        return self.labels["long_date"].format(
            weekday=self.labels["weekdays"][day.weekday()], day=day.day,
            month=self.labels["months_long"][day.month - 1], year=day.year)

    def times_a_day(self, n: int) -> str:
        forms = self.labels["grid"]["times_a_day"]
        return (forms["one"] if n == 1 else forms["other"]).format(n=n)


def _template_frame(exc: BaseException, default: Path) -> tuple[Path | str, int | None]:
    """The template file and line where ``exc`` happened (Jinja keeps them in the traceback)."""
    tb = exc.__traceback__
    found: tuple[Path | str, int | None] = (default, None)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


@cache
def load_templates(root: Path, language: str) -> Templates:
    """The sandboxed environment and labels for ``language`` (cached per process)."""
    folder = root / language
    labels = _load_labels(folder / "labels.yaml")
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader(str(folder)),
        undefined=jinja2.StrictUndefined,
        finalize=md_escape,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.globals["range"] = _small_range
    templates = Templates(folder, language, env, labels)
    env.filters["short_date"] = templates.short_date
    env.filters["long_date"] = templates.long_date
    return templates


def _load_labels(path: Path) -> dict[str, Any]:
    problems = Problems()
    raw = load_yaml(path)
    s = Section(raw, path=path, where="", problems=problems, known=_LABEL_KEYS)
    if s.ok:
        for key in _LABEL_KEYS:
            s.raw(key)
        for key, count in (("weekdays", 7), ("months", 12), ("months_long", 12)):
            value = s.data.get(key)
            if value is not None and (not isinstance(value, list) or len(value) != count):
                s.fail(f"expected a list of {count} names", key=key)
        grid = s.section("grid", _GRID_KEYS)
        for key in _GRID_KEYS:
            grid.raw(key)
        forms = grid.data.get("times_a_day")
        if forms is not None:
            grid.section("times_a_day", ("one", "other"))
    if not problems:
        _check_formats(s)
    if problems:
        raise ErrorList(problems.errors)
    return s.data


#: Each label that is a format, and the names it may use.
_FORMATS = {
    ("short_date",): {"weekday": "Mon", "day": 7, "month": "Dec", "year": 2026},
    ("long_date",): {"weekday": "Mon", "day": 7, "month": "December", "year": 2026},
    ("page",): {"page": 1, "pages": 2},
    ("made",): {"date": "7 December 2026"},
    ("grid", "week"): {"n": 1, "first": "Mon 7 Dec", "last": "Sun 13 Dec"},
    ("grid", "times_a_day", "one"): {"n": 1},
    ("grid", "times_a_day", "other"): {"n": 2},
}


def _check_formats(s: Section) -> None:
    """Fill every format label once, so a misspelt {name} fails here and not in the middle of a batch."""
    for keys, values in _FORMATS.items():
        text: Any = s.data
        for key in keys:
            text = text.get(key) if isinstance(text, dict) else None
        try:
            str(text).format(**values)
        except (KeyError, IndexError, ValueError) as exc:
            s.fail(f"cannot fill {text!r} ({type(exc).__name__}: {exc}); it may use "
                   f"{', '.join('{' + name + '}' for name in values)}", key=".".join(keys))


def _dose_context(dose: Dose) -> dict[str, Any]:
    return {
        "hold": dose.hold, "hold_up_to": dose.hold_up_to, "repeat": dose.repeat, "sets": dose.sets,
        "each_side": dose.each_side, "times_a_day": dose.times_a_day,
        "minutes": dose.minutes, "minutes_up_to": dose.minutes_up_to,
    }


def exercise_context(planned: PlannedExercise, number: int, total: int, language: str) -> dict[str, Any]:
    """What ``exercise.md.j2`` sees as ``exercise``."""
    words = planned.exercise.words(language)
    return {
        "id": planned.id, "number": number, "total": total, "name": words.name,
        "kind": planned.exercise.kind, "steps": list(words.steps), "feel": words.feel,
        "cautions": list(words.cautions), "dose": _dose_context(planned.dose),
        "equipment": list(words.equipment), "added_by": planned.added_by,
    }


def handout_context(plan: Plan, templates: Templates, *, today: date) -> dict[str, Any]:
    """The context of ``handout.md.j2`` and ``checklist.md.j2``.

    patient.name, patient.id; diagnosis, diagnosis_name, phase, phase_name;
    clinic.{name (in this language), phone, after_hours, address (list), website,
    spelling ('us' or 'uk': which English)}; clinician;
    today (date), start_date (date), weeks; exercises (list, see
    ``exercise_context``); has_walking; has_strengthening; notes_lines (list of the clinician's
    note lines); labels (labels.yaml). Filters: short_date, long_date.
    """
    request = plan.request
    total = len(plan.exercises)
    labels = templates.labels
    return {
        "patient": {"name": request.patient.name, "id": request.patient.patient_id},
        "diagnosis": request.diagnosis,
        "diagnosis_name": labels["diagnoses"][request.diagnosis],
        "phase": request.phase,
        "phase_name": labels["phases"][request.phase],
        "clinic": {
            "name": plan.clinic.name_in(plan.language), "phone": plan.clinic.phone, "after_hours": plan.clinic.after_hours[plan.language],
            "emergency": plan.clinic.emergency, "address": list(plan.clinic.address),
            "website": plan.clinic.website, "spelling": plan.clinic.spelling,
        },
        "clinician": request.clinician,
        "today": today,
        "start_date": request.start_date,
        "weeks": request.weeks,
        "exercises": [exercise_context(p, i, total, plan.language) for i, p in enumerate(plan.exercises, 1)],
        "has_walking": plan.has_walking,
        "has_strengthening": any(p.exercise.kind == "strengthen" for p in plan.exercises),
        "notes_lines": [line.strip() for line in request.notes.splitlines() if line.strip()],
        "labels": labels,
    }


def require_safety_phrases(blocks: Sequence[Block], templates: Templates, name: str) -> None:
    """Refuse a handout whose template lost the stop rules or red flags (labels.yaml lists them)."""
    words = " ".join(" ".join(plain(text).split()) for text in texts_of(blocks))
    missing = [p for p in templates.labels["safety_phrases"] if " ".join(p.split()) not in words]
    if missing:
        raise DataError(f"the handout no longer says {missing[0]!r}; every handout must carry the safety "
                        "warnings (safety_phrases in labels.yaml)", path=templates.folder / name)


def validate_templates(root: Path, language: str, sample: Mapping[str, Any]) -> list[DataError]:
    """Render every template of ``language`` with ``sample`` context; return the problems."""
    errors: list[DataError] = []
    try:
        templates = load_templates(root, language)
    except DataError as exc:
        return list(getattr(exc, "errors", [exc]))
    for name in TEMPLATE_FILES:
        contexts = [{"exercise": e, "labels": sample["labels"]} for e in sample["exercises"]] \
            if name == "exercise.md.j2" else [sample]
        for context in contexts:
            try:
                blocks = templates.render(name, context)
                if name != "exercise.md.j2":
                    require_safety_phrases(blocks, templates, name)
            except DataError as exc:
                errors.append(exc)
                break
    return errors

