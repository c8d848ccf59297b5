"""A batch of handouts from a patients CSV: validated first, rendered in parallel, resumable.

``run(csv_path, options)`` checks every row before writing anything, renders
the good rows in a process pool (results kept in CSV order, a bounded number
in flight so memory stays flat), writes each PDF atomically, records each
finished row in a journal so a killed run resumes where it stopped, and ends
with ``manifest.csv`` and an optional combined print file.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from handouts.errors import (
    ErrorList,
    HandoutError,
    InputError,
    OutputError,
    OutputExistsError,
    flatten,
)
from handouts.load.patients_csv import Row, read_patients
from handouts.load.request_fields import FIELDS, build_request
from handouts.model import HandoutRequest, PlanWarning
from handouts.model.options import PrintOptions
from handouts.render.pdf.combined import page_count
from handouts.rules.plan import make_plan
from handouts.run.handout import make_handout, output_path, refuse_unprintable
from handouts.run.library import Library, open_library
from handouts.run.manifest import JOURNAL, journal_row, previous_runs, start_journal, write_manifest
from handouts.run.output import BATCH_TEMP_PREFIX, folder_lock, write_atomic
from handouts.run.print_file import combined_file, refuse_foreign
from handouts.run.results import BatchResult, RowResult
from handouts.wording import CSV


@dataclass(frozen=True)
class BatchOptions:
    """How a batch runs. Paths default to the bundled data and templates and ``output/``.

    ``printing`` applies to every handout (cover, duplex, password...); its ``kind`` is always 'handout'.
    """

    output: Path = Path("output")
    workers: int | None = None  # None: one per CPU
    strict: bool = False
    force: bool = False
    combined: Path | None = None
    date_format: str | None = None
    data: Path | None = None
    templates: Path | None = None
    printing: PrintOptions = PrintOptions()


@dataclass(frozen=True)
class RowTask:
    """One good row, ready to render (picklable: it is sent to a worker process)."""

    line: int
    request: HandoutRequest
    path: Path
    input_sha256: str
    force: bool
    printing: PrintOptions
    data: Path | None
    templates: Path | None
    warnings: tuple[str, ...] = ()


@dataclass
class CheckedRows:
    """Every row of a CSV checked before anything is made: the good ones ready to render,
    the bad ones as results, and every problem (each naming its row and column)."""

    tasks: list[RowTask] = field(default_factory=list)
    invalid: list[RowResult] = field(default_factory=list)
    errors: list[HandoutError] = field(default_factory=list)
    warnings: dict[int, tuple[PlanWarning, ...]] = field(default_factory=dict)  # line -> the plan's warnings


def run(csv_path: str | Path, options: BatchOptions | None = None, *,
        progress: Callable[[RowResult, int], None] | None = None) -> BatchResult:
    """Make every handout of the CSV; see the module docstring. ``progress(row, total)`` after each row.

    Raises ErrorList (exit 2) when nothing can be made or ``strict`` and a row is bad,
    OutputError (exit 3) when the output folder cannot be written.
    """
    options = options or BatchOptions()
    started = time.perf_counter()
    options = dataclasses.replace(options, printing=dataclasses.replace(
        options.printing, kind="handout", today=options.printing.today or date.today()))
    today = options.printing.today
    csv_path = Path(csv_path)
    library = open_library(options.data, options.templates)
    patients = read_patients(csv_path, columns=(*FIELDS, *library.dataset.region.overrides))
    checked = check_rows(csv_path, patients.rows, library, options, today=today)
    if checked.errors and (options.strict or not checked.tasks):
        raise ErrorList(checked.errors)
    if options.combined:  # an earlier print file of handouts is simply made again; anything else is kept
        refuse_foreign(options.combined, force=options.force)
    _check_writable(options.output)
    if options.combined:
        _check_writable(options.combined.parent)
    with folder_lock(options.output):
        return _make_all(checked, patients.notes, options, started, progress)


def _make_all(checked: CheckedRows, notes: list[str], options: BatchOptions, started: float,
              progress: Callable[[RowResult, int], None] | None) -> BatchResult:
    """Render the rows not yet done and, as each finishes in CSV order, add it to the print file."""
    known = {r.line: r for r in checked.invalid}
    previous = previous_runs(options.output)
    to_render = []
    for task in checked.tasks:
        done = _already_done(task, previous)
        if done is None:
            to_render.append(task)
        else:
            known[task.line] = done
    lines = sorted([*known, *(t.line for t in to_render)])
    start_journal(options.output / JOURNAL)
    rendered = _render_all(to_render, options.workers)
    ordered: list[RowResult] = []
    with contextlib.ExitStack() as stack:
        printer = (stack.enter_context(combined_file(options.combined, duplex=options.printing.duplex,
                                                     force=options.force))
                   if options.combined else None)
        for line in lines:
            result = known.get(line) or next(rendered)
            ordered.append(result)
            if progress:
                progress(result, len(lines))
            if printer is not None and result.ok:
                printer.append(options.output / result.file, result.patient_id)
    write_manifest(options.output, ordered)
    (options.output / JOURNAL).unlink(missing_ok=True)
    batch = BatchResult(ordered, options.output, notes)
    if printer is not None and printer.pages:
        batch.combined, batch.combined_pages = options.combined, len(printer.pages)
        batch.combined_bytes = options.combined.stat().st_size
    batch.seconds = time.perf_counter() - started
    return batch


def check_rows(csv_path: Path, rows: Iterable[Row], library: Library, options: BatchOptions, *,
               today: date) -> CheckedRows:
    """Every row checked before anything is written: tasks for good rows, errors for bad ones."""
    checked = CheckedRows()
    seen: dict[str, int] = {}
    content = library.digest()
    for row in rows:
        patient_id = row.values.get("patient_id", "").strip()
        if row.problem:
            _reject(checked, row.line, patient_id, [InputError(row.problem, path=csv_path.name, row=row.line)])
            continue
        try:
            request = build_request(row.values, library.dataset, today=today, date_format=options.date_format)
            plan = make_plan(request, library.dataset)
            refuse_unprintable(request)
            key = request.patient.patient_id.lower()
            if key in seen:
                raise InputError(f"{patient_id!r} is already used on line {seen[key]}; every patient needs their "
                                 "own id (ids differing only in capitals name the same file)", field="patient_id")
        except HandoutError as exc:
            _reject(checked, row.line, patient_id, [_located(e, csv_path, row.line) for e in flatten(exc)])
            continue
        seen[key] = row.line
        # What makes the file: the request (a defaulted start date is not part of it, so a resumed
        # run the next day still finds its files), the cover, encryption and the dataset and templates.
        dated = request if row.values.get("start_date", "").strip() else dataclasses.replace(request, start_date=None)
        printing = options.printing
        fingerprint = hashlib.sha256(repr((dated, printing.use_cover, printing.cover, printing.duplex,
                                           printing.name_in_metadata, bool(printing.password), content)).encode())
        fingerprint = fingerprint.hexdigest()
        checked.warnings[row.line] = plan.warnings
        warnings = tuple(CSV.warning(w) for w in plan.warnings)
        checked.tasks.append(RowTask(
            row.line, request, output_path(options.output, request.patient.patient_id), fingerprint,
            options.force, options.printing, options.data, options.templates, warnings))
    return checked


def _located(error: HandoutError, csv_path: Path, line: int) -> HandoutError:
    """``error`` placed at its CSV line, its field named as the column it came from."""
    error.path, error.row = csv_path.name, line
    if error.field and not error.column:
        error.column = error.field
    return error


def _reject(checked: CheckedRows, line: int, patient_id: str, errors: list[HandoutError]) -> None:
    message = "; ".join(CSV.error(e, located=False) for e in errors)
    checked.invalid.append(RowResult(line, patient_id, "invalid", message))
    checked.errors.extend(errors)


def _check_writable(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".handouts-probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise OutputError(f"cannot write in the output folder: {exc.strerror or exc}", path=folder) from None


def _already_done(task: RowTask, previous: dict[str, tuple[str, str]]) -> RowResult | None:
    """For a row whose file exists: skipped when an earlier run made it from this row, else failed."""
    if task.force or not task.path.exists():
        return None
    data = task.path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    patient_id = task.request.patient.patient_id
    if previous.get(patient_id) == (digest, task.input_sha256):
        return RowResult(task.line, patient_id, "skipped", "already made by an earlier run", task.path.name,
                         page_count(data), len(data), digest, task.input_sha256, task.warnings)
    return RowResult(task.line, patient_id, "failed",
                     f"{task.path.name} exists and was not made from this row; pass --force to replace it",
                     input_sha256=task.input_sha256)


def _render_one(task: RowTask) -> RowResult:
    """Make and write one handout; any failure becomes this row's error (runs in a worker)."""
    patient_id = task.request.patient.patient_id
    if task.path.exists() and not task.force:
        # Made again after a worker crash: the lost result may have finished its file already.
        done = _already_done(task, previous_runs(task.path.parent))
        if done is not None and done.status == "skipped":
            return dataclasses.replace(done, status="written", message="; ".join(task.warnings))
    try:
        library = open_library(task.data, task.templates)
        handout = make_handout(task.request, library=library, options=task.printing)
        result = RowResult(task.line, patient_id, "written", "; ".join(task.warnings), task.path.name,
                           handout.pages, len(handout.pdf), handout.sha256, task.input_sha256, task.warnings)
        if task.path.exists() and not task.force:
            raise OutputExistsError(f"{task.path.name} appeared while this batch ran; pass --force to replace it",
                                    path=task.path)
        journal_row(task.path.parent / JOURNAL, result)
        write_atomic(task.path, handout.pdf, force=task.force, prefix=BATCH_TEMP_PREFIX)
    except HandoutError as exc:
        return RowResult(task.line, patient_id, "failed", str(exc), input_sha256=task.input_sha256)
    except Exception as exc:  # noqa: BLE001 - one broken row must not end the batch
        return RowResult(task.line, patient_id, "failed",
                         # the type only: a layout error's text can quote the patient's words
                         f"internal error while making this handout ({type(exc).__name__}); make it alone "
                         "with 'handouts --debug make ...' to see more",
                         input_sha256=task.input_sha256)
    return result


def _render_all(tasks: list[RowTask], workers: int | None) -> Iterator[RowResult]:
    """Results in task order: in this process for one worker, else from a bounded process pool.

    If a worker process dies (a crash, not an exception: those are caught in _render_one),
    the rows that had not finished are suspects: each is then made alone, so the one that
    crashes again is the cause and fails, and no other row pays for it.
    """
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(tasks) <= 1:
        yield from map(_render_one, tasks)
        return
    queue = deque(tasks)
    order = deque(task.line for task in tasks)
    ready: dict[int, RowResult] = {}  # finished ahead of their turn, or before a crash
    suspects: set[int] = set()
    while order:
        pending: deque[tuple[RowTask, Future[RowResult]]] = deque()
        with ProcessPoolExecutor(max_workers=workers) as pool:
            try:
                while order:
                    if order[0] in ready:
                        yield ready.pop(order.popleft())
                        continue
                    _fill(pool, queue, pending, suspects, workers * 4)
                    task, future = pending[0]
                    result = future.result()
                    pending.popleft()
                    ready[task.line] = result
            except BrokenProcessPool:
                _after_crash(pending, queue, ready, suspects)


def _fill(pool: ProcessPoolExecutor, queue: deque[RowTask], pending: deque[tuple[RowTask, Future[RowResult]]],
          suspects: set[int], window: int) -> None:
    """Submit rows up to ``window`` in flight; a suspect row only ever runs alone."""
    while queue and len(pending) < window:
        alone = queue[0].line in suspects or any(task.line in suspects for task, _ in pending)
        if alone and pending:
            return
        task = queue.popleft()
        pending.append((task, pool.submit(_render_one, task)))
        if alone:
            return


def _after_crash(pending: deque[tuple[RowTask, Future[RowResult]]], queue: deque[RowTask],
                 ready: dict[int, RowResult], suspects: set[int]) -> None:
    """Keep what finished; a suspect that crashed alone is the cause; requeue the rest as suspects."""
    unfinished = []
    for task, future in pending:
        if future.done() and not future.cancelled() and future.exception() is None:
            ready[task.line] = future.result()
        else:
            unfinished.append(task)
    if len(unfinished) == 1 and unfinished[0].line in suspects:
        culprit = unfinished.pop()
        ready[culprit.line] = RowResult(culprit.line, culprit.request.patient.patient_id, "failed",
                                        "the worker process stopped while making this handout",
                                        input_sha256=culprit.input_sha256)
    suspects.update(task.line for task in unfinished)
    queue.extendleft(reversed(unfinished))
