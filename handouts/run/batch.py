"""A batch of handouts from a patients CSV: validated first, rendered in parallel, resumable.

``run(csv_path, options)`` reads the CSV twice, a row at a time, so the parent's memory is
flat in the number of rows: the first pass checks every row before anything is written,
the second makes them, in a process pool (results kept in CSV order, a bounded number in
flight). Each PDF is written atomically after its line in the folder's journal, so a
killed run resumes where it stopped and a run of another CSV into the same folder does
not take this one's files for foreign ones. The batch ends with ``manifest.csv`` and an
optional combined print file; a rerun of an unchanged batch skips every row and leaves
the print file as it was.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from handouts import clock
from handouts.errors import (
    ErrorList,
    Fix,
    FolderFullError,
    HandoutError,
    InputError,
    OutputExistsError,
    flatten,
    shown,
)
from handouts.load import fields
from handouts.load.patients_csv import PatientsFile, Row, read_patients
from handouts.load.request_fields import DATE_FORMATS, build_request
from handouts.model import HandoutRequest, PlanWarning
from handouts.model.options import PrintOptions
from handouts.rules.plan import make_plan
from handouts.run.handout import make_handout, output_path, refuse_unprintable
from handouts.run.journal import JOURNAL, Entry, Journal, record
from handouts.run.layout_file import layout_json, layout_path
from handouts.run.library import Library, open_folders, open_library
from handouts.run.manifest import (
    MANIFEST,
    manifest_writer,
    read_manifest,
    refuse_foreign_manifest,
)
from handouts.run.output import (
    case_twin,
    check_writable,
    file_sha256,
    folder_lock,
    folder_names,
    is_folder,
    sweep_stale,
    twin_message,
    write_together,
)
from handouts.run.pool import in_order
from handouts.run.print_file import clash, combined_file, name_in_folder, refuse_foreign
from handouts.run.record import plan_record, record_bytes, record_path
from handouts.run.results import BatchRefused, BatchResult, Made, RowResult
from handouts.wording import CSV


@dataclass(frozen=True)
class BatchOptions:
    """How a batch runs. Paths default to the bundled data and templates and ``output/``.

    ``printing`` applies to every handout (cover, duplex, password...); its ``kind`` is always 'handout'.
    ``force`` replaces files the folder's journal does not vouch for (a foreign file, a file made
    from a changed row, a foreign manifest or print file); finished handouts are still skipped.
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
    columns: Path | None = None  # a column map file (default: the default clinic's ``columns:``, if any)


@dataclass(frozen=True)
class RowTask:
    """One good row, ready to render (picklable: it is sent to a worker process)."""

    line: int
    request: HandoutRequest
    path: Path
    input_sha256: str
    force: bool
    printing: PrintOptions
    folders: tuple[tuple[Path, ...], Path]  # the library's (``Library.folders``), found once by the batch
    warnings: tuple[str, ...] = ()
    paper: str = "letter"  # the plan's paper (the row's, else the clinic's)


@dataclass
class CheckedRows:
    """Rows checked before anything is made: the good ones ready to render, the bad ones as
    results, and every problem (each naming its row and column). For small files (an upload)."""

    tasks: list[RowTask] = field(default_factory=list)
    invalid: list[RowResult] = field(default_factory=list)
    errors: list[HandoutError] = field(default_factory=list)
    warnings: dict[int, tuple[PlanWarning, ...]] = field(default_factory=dict)  # line -> the plan's warnings


class RowChecker:
    """Checks rows one at a time: the same answer for a row on every pass over the file.

    It remembers the first line of each patient id (as a short digest, some 100 bytes an id)
    so a repeated id is refused on both passes, and whether a row's file would be the print file.
    ``orders`` are the file's dates that can be read only one way, by that way (``date_orders``).
    """

    def __init__(self, csv_path: Path, library: Library, options: BatchOptions, *, today: date,
                 orders: Tally | None = None) -> None:
        self.csv_path, self.library, self.options, self.today = csv_path, library, options, today
        self.content = library.digest()
        self.names = library.names()
        self.first_line: dict[bytes, int] = {}
        self.mixed = orders if orders and len(orders) > 1 else None  # day first and month first: one is wrong
        self.print_name = name_in_folder(options.combined, options.output) if options.combined else None

    def check(self, row: Row) -> tuple[RowTask | RowResult, list[HandoutError], tuple[PlanWarning, ...]]:
        """The task for a good row, or the invalid result of a bad one with its problems; and the plan's warnings."""
        patient_id = row.values.get("patient_id", "").strip()
        if row.problem:
            return self._invalid(row, patient_id, [InputError(row.problem, path=self.csv_path.name, row=row.line)])
        try:
            mixed = self._mixed_date(row)
            try:
                request = build_request(row.values, self.library.dataset, today=self.today,
                                        date_format=self.options.date_format, names=self.names)
            except HandoutError as exc:
                raise ErrorList([*flatten(exc), *mixed]) from None
            if mixed:
                raise ErrorList(mixed)
            plan = make_plan(request, self.library.dataset, today=self.today)
            _require_confirmed(plan.warnings, request)
            refuse_unprintable(request)
            key = hashlib.blake2b(request.patient.patient_id.lower().encode(), digest_size=8).digest()
            first = self.first_line.setdefault(key, row.line)
            if first != row.line:
                raise InputError(f"{patient_id!r} is already used on line {first}; every patient needs their "
                                 "own id (ids differing only in capitals name the same file)", field="patient_id")
        except HandoutError as exc:
            return self._invalid(row, patient_id,
                                 [_located(e, self.csv_path, row.line, row.columns) for e in flatten(exc)])
        path = output_path(self.options.output, request.patient.patient_id)
        # What makes the file: the request (a defaulted start date is not part of it, so a resumed
        # run the next day still finds its files), the cover, encryption and the dataset and templates.
        dated = request if row.values.get("start_date", "").strip() else dataclasses.replace(request, start_date=None)
        printing = self.options.printing
        # The request's sets in sorted order: a set's repr follows string hashing, which changes from
        # process to process, and a row's fingerprint must not (a run again would refuse the row).
        sets = (sorted(dated.overrides), sorted(dated.precautions))
        dated = dataclasses.replace(dated, overrides=frozenset(), precautions=frozenset())
        fingerprint = hashlib.sha256(repr((dated, sets, printing.use_cover, printing.cover, printing.duplex,
                                           printing.name_in_metadata, bool(printing.password),
                                           self.content)).encode()).hexdigest()
        warnings = tuple(CSV.warning(w) for w in plan.warnings)
        task = RowTask(row.line, request, path, fingerprint, self.options.force, printing, self.library.folders,
                       warnings, plan.paper)
        return task, [], plan.warnings

    def _mixed_date(self, row: Row) -> list[HandoutError]:
        """The problem of a date that can be read only one way in a file whose other dates can be read only the
        other way (13/12/2026 and 12/14/2026): the dates of one of the two kinds are wrong, and which kind no
        file can tell, so every such row fails until the file says (YYYY-MM-DD, or a date format)."""
        if self.mixed is None:
            return []
        text = row.values.get("start_date", "").strip()
        order = fields.date_order(text)
        if order is None:
            return []
        other, seen = next((o, found) for o, found in self.mixed.items() if o != order)
        verb = "read" if seen[0] > 1 else "reads"
        return [InputError(f"{shown(text)} reads only as {order}, and {_lines_of(seen)} {verb} only as {other}: the "
                           "file mixes the two; write its dates as YYYY-MM-DD", field="start_date",
                           fix=Fix("option", "date_format", DATE_FORMATS))]

    def _invalid(self, row: Row, patient_id: str, errors: list[HandoutError]
                 ) -> tuple[RowResult, list[HandoutError], tuple[PlanWarning, ...]]:
        message = "; ".join(CSV.error(e, located=False) for e in errors)
        return RowResult(row.line, patient_id, "invalid", message), errors, ()


@dataclass
class _Survey:
    """What the first pass found: how many rows, how many good, every problem; and the tasks of the
    first ``KEPT_TASKS`` good rows, so the second pass need not check them again."""

    total: int = 0
    good: int = 0
    errors: list[HandoutError] = field(default_factory=list)
    print_clash: HandoutError | None = None  # the first row whose handout the print file would replace
    tasks: dict[int, tuple[dict[str, str], RowTask]] = field(default_factory=dict)  # line -> (its values, task)
    papers: Tally = field(default_factory=dict)  # paper -> [good rows, its first few lines...]


#: Lines named for each paper when a print file would mix paper sizes, and for each way a file's dates are
#: written when it mixes day first and month first.
NAMED_LINES = 5

#: Rows of each kind (a paper, a way of writing dates): [how many, the first NAMED_LINES lines...].
Tally = dict[str, list[int]]


def _tally(found: Tally, kind: str, line: int) -> None:
    seen = found.setdefault(kind, [0])
    seen[0] += 1
    if len(seen) <= NAMED_LINES:
        seen.append(line)


def _lines_of(seen: list[int]) -> str:
    """'line 16' or 'lines 2, 4, ...': the lines a tally names, and whether it has more."""
    count, *lines = seen
    return (f"line{'s' if count > 1 else ''} " + ", ".join(str(line) for line in lines)
            + (", ..." if count > len(lines) else ""))

#: Good rows whose task the first pass keeps for the second (a day's batch, some 3 MB); the rows after
#: them are checked again as they are made, so a batch's memory stays flat however long its CSV is.
KEPT_TASKS = 1024


def run(csv_path: str | Path, options: BatchOptions | None = None, *,
        progress: Callable[[RowResult, int], None] | None = None) -> BatchResult:
    """Make every handout of the CSV; see the module docstring. ``progress(row, total)`` after each row.

    Raises BatchRefused (exit 2) when no row is good, or ``strict`` and a row is bad; InputError
    or OutputExistsError (exit 2) when an output would replace a file it must not; OutputError
    (exit 3) when the output folder cannot be written, FolderFullError when it fills up.
    """
    options = options or BatchOptions()
    started = time.perf_counter()
    options = dataclasses.replace(options, printing=dataclasses.replace(
        options.printing, kind="handout", today=options.printing.today or clock.today()))
    csv_path = Path(csv_path)
    library = open_library(options.data, options.templates)
    columns = library.column_map(options.columns)
    if columns.date_format and not options.date_format:
        options = dataclasses.replace(options, date_format=columns.date_format)
    patients = read_patients(csv_path, columns=columns, known=library.dataset.region.overrides)
    checker = RowChecker(csv_path, library, options, today=options.printing.today,  # type: ignore[arg-type]
                         orders=None if options.date_format else date_orders(patients.each_row()))
    survey = _survey(checker, patients.each_row())
    if survey.errors and (options.strict or not survey.good):
        raise BatchRefused(survey.errors, total=survey.total, bad=survey.total - survey.good, strict=options.strict)
    _refuse_clashes(checker, survey, options)
    if options.combined:  # an earlier print file of handouts is simply made again; anything else is kept
        refuse_foreign(options.combined, force=options.force)
    if is_folder(options.output):
        refuse_foreign_manifest(Journal.read(options.output), force=options.force)
    check_writable(options.output)
    if options.combined:
        check_writable(options.combined.parent)
    folders = {options.output, *((options.combined.parent,) if options.combined else ())}
    with folder_lock(options.output):
        for folder in folders:  # what an earlier run that was stopped left behind
            sweep_stale(folder)
        try:
            return _make_all(checker, patients, survey, options, started, progress)
        finally:
            for folder in folders:  # what this run's workers left if it was stopped
                sweep_stale(folder)


def date_orders(rows: Iterable[Row]) -> Tally:
    """The file's start dates that can be read only one way ('DD/MM/YYYY', 'MM/DD/YYYY'), by that way
    (``fields.date_order``)."""
    found: Tally = {}
    for row in rows:
        order = fields.date_order(row.values.get("start_date", ""))
        if order is not None:
            _tally(found, order, row.line)
    return found


def _survey(checker: RowChecker, rows: Iterable[Row]) -> _Survey:
    """The first pass: every row checked, nothing kept but counts and problems."""
    survey = _Survey()
    for row in rows:
        outcome, errors, _ = checker.check(row)
        survey.total += 1
        survey.errors.extend(errors)
        if isinstance(outcome, RowTask):
            survey.good += 1
            _tally(survey.papers, outcome.paper, row.line)
            if len(survey.tasks) < KEPT_TASKS:
                survey.tasks[row.line] = (row.values, outcome)
            if survey.print_clash is None and outcome.path.name.lower() == checker.print_name:
                survey.print_clash = clash(checker.options.combined,  # type: ignore[arg-type]
                                           f"the handout of line {row.line} ({outcome.request.patient.patient_id})")
    return survey


def _refuse_clashes(checker: RowChecker, survey: _Survey, options: BatchOptions) -> None:
    """No print file in the place of a handout, the manifest or the journal (or of any file the journal knows),
    whatever folder it is in and even with --force; and its name ends in .pdf, so it can never take a plan
    record's or a layout file's name (``<id>.plan.json``, ``<id>.layout.json``)."""
    target = options.combined
    if target is None:
        return
    if checker.print_name is not None:  # in the batch's own folder
        if survey.print_clash is not None:
            raise survey.print_clash
        if checker.print_name in (MANIFEST, JOURNAL):
            raise clash(target, f"the batch's {checker.print_name}")
        journal = Journal.read(options.output) if is_folder(options.output) else None
        if journal is not None and any(journal.knows(name) for name in (target.name, checker.print_name)):
            raise clash(target, "a handout an earlier batch made in this folder")
    else:  # in another folder: the files another batch made there are kept too
        if target.name.lower() in (MANIFEST, JOURNAL):
            raise clash(target, f"a batch's {target.name.lower()}")
        try:
            known = is_folder(target.parent) and Journal.read(target.parent).knows(target.name)
        except OSError:  # a folder that may not be read: writing the print file there says so
            known = False
        if known:
            raise clash(target, "a handout a batch made in that folder")
    if target.suffix.lower() != ".pdf":
        raise InputError("the print file is a PDF: give --combined a name ending in .pdf, such as print.pdf",
                         path=target)


def _make_all(checker: RowChecker, patients: PatientsFile, survey: _Survey, options: BatchOptions, started: float,
              progress: Callable[[RowResult, int], None] | None) -> BatchResult:
    """The second pass: rows not yet done are made, and as each finishes in CSV order it goes into
    the manifest and the print file."""
    journal = Journal.open(options.output)
    batch = BatchResult(options.output, list(patients.notes), every_row=lambda: read_manifest(options.output))
    total = survey.total

    def task_of(row: Row) -> RowTask | RowResult:
        kept = survey.tasks.pop(row.line, None)
        if kept is not None and kept[0] == row.values:  # the row read as the first pass read it
            return kept[1]
        return checker.check(row)[0]

    # The folder's names in lower case, read once: a handout whose name differs from one there only in
    # capitals (p-1.pdf, then P-1.pdf from another CSV) would be one file on Windows, macOS or a USB stick.
    names = folder_names(options.output)
    items = (_decided(task_of(row), journal, names) for row in patients.each_row())
    with contextlib.ExitStack() as stack:
        manifest = stack.enter_context(manifest_writer(journal))
        printer = (stack.enter_context(combined_file(options.combined, duplex=options.printing.duplex,
                                                     force=options.force)) if options.combined else None)
        results = stack.enter_context(contextlib.closing(in_order(
            items, _render_one, _crashed, workers=options.workers or os.cpu_count() or 1,
            is_task=lambda item: isinstance(item, RowTask))))
        for result in results:
            if result.stops_batch:
                done = batch.count("written") + batch.count("skipped")
                raise FolderFullError(f"{result.message}; done: {done} of {total} rows; free some space and run the "
                                      "same command again to finish",
                                      path=options.output)
            manifest.add(result)
            batch.add(result)
            if progress:
                progress(result, total)
            if printer is not None and result.ok:
                printer.append(options.output / result.file, result.patient_id, made=result.made)
            result.made = None  # its bytes are in the print file (or were not needed): let them go
    journal.compact(latest_only=(MANIFEST,))
    if printer is not None and len(survey.papers) > 1:
        batch.notes.append(_mixed_papers(survey.papers))
    if printer is not None and printer.pages:
        batch.combined, batch.combined_pages = options.combined, len(printer.pages)
        batch.combined_bytes = options.combined.stat().st_size  # type: ignore[union-attr]
        batch.combined_unchanged = printer.unchanged
    batch.seconds = time.perf_counter() - started
    return batch


def _mixed_papers(papers: Tally) -> str:
    """The note for a print file of several paper sizes: how many handouts on each, and which lines
    have the rarer ones (a printer loaded with one paper stops or shrinks the pages at the others)."""
    ordered = sorted(papers.items(), key=lambda item: -item[1][0])
    parts = []
    for number, (paper, seen) in enumerate(ordered):
        part = f"{seen[0]}{' handouts' if not number else ''} on {PAPER_NAMES.get(paper, paper)}"
        if number:  # the rarer papers: where they are
            part += f" ({_lines_of(seen)})"
        parts.append(part)
    return ("the print file mixes paper sizes: " + ", ".join(parts) + "; load both papers, or set the same paper "
            "on every row (the paper column)")


PAPER_NAMES = {"letter": "Letter", "a4": "A4"}


def check_rows(csv_path: Path, rows: Iterable[Row], library: Library, options: BatchOptions, *,
               today: date) -> CheckedRows:
    """Every row checked before anything is written, all held in memory (for an upload's check)."""
    rows = list(rows)
    checker = RowChecker(csv_path, library, options, today=today,
                         orders=None if options.date_format else date_orders(rows))
    checked = CheckedRows()
    for row in rows:
        outcome, errors, warnings = checker.check(row)
        if isinstance(outcome, RowTask):
            checked.tasks.append(outcome)
            checked.warnings[row.line] = warnings
        else:
            checked.invalid.append(outcome)
            checked.errors.extend(errors)
    return checked


def _require_confirmed(warnings: Iterable[PlanWarning], request: HandoutRequest) -> None:
    """A warning the clinician must confirm stops its row: no one watches a batch, so the row must
    carry the override (e.g. a stretch against the patient's direction needs allow_direction)."""
    errors = [InputError(CSV.warning_sentence(w), field="exercises" if request.exercises else "direction",
                         fix=Fix("override", w.override) if w.override else None)
              for w in warnings if w.confirm]
    if errors:
        raise ErrorList(errors)


def _located(error: HandoutError, csv_path: Path, line: int, columns: dict[str, str] | None = None) -> HandoutError:
    """``error`` placed at its CSV line, its field named as the column it came from."""
    error.path, error.row = csv_path.name, line
    if error.field and not error.column:
        error.column = (columns or {}).get(error.field, error.field)
    return error


def _decided(outcome: RowTask | RowResult, journal: Journal,
             names: dict[str, str] | None = None) -> RowTask | RowResult:
    """A row's task, or its result when its file is there already: skipped when the journal vouches
    that it was made from this row, else failed (unless --force, which makes it again). A file whose name
    differs from one in ``names`` (the folder's, lower case -> as written) only in capitals fails, even with
    --force: on Windows, macOS or a USB stick the two are one file."""
    if not isinstance(outcome, RowTask):
        return outcome
    if not os.path.lexists(outcome.path):
        other = case_twin(outcome.path, names or {})
        if other is not None:
            return RowResult(outcome.line, outcome.request.patient.patient_id, "failed",
                             twin_message(outcome.path, other), input_sha256=outcome.input_sha256)
        return outcome
    task = outcome
    found = file_sha256(task.path)
    entry = journal.vouches(task.path.name, found[0], task.input_sha256) if found else None
    patient_id = task.request.patient.patient_id
    if entry is not None:
        plan_file, beside = record_path(task.path), layout_path(task.path)
        return RowResult(task.line, patient_id, "skipped", "already made by an earlier run", task.path.name,
                         entry.pages, entry.bytes, entry.sha256, task.input_sha256, task.warnings,
                         record=plan_file.name if plan_file.is_file() else "",
                         layout=beside.name if os.path.lexists(beside) else "")
    if task.force:
        return task
    return RowResult(task.line, patient_id, "failed",
                     f"{task.path.name} exists and was not made from this row; pass --force to replace it",
                     input_sha256=task.input_sha256)


def _render_one(task: RowTask) -> RowResult:
    """Make and write one handout; any failure becomes this row's error (runs in a worker)."""
    patient_id = task.request.patient.patient_id
    if os.path.lexists(task.path) and not task.force:
        # Made again after a worker crash: the lost result may have finished its file already.
        done = _decided(task, Journal.read(task.path.parent))
        if isinstance(done, RowResult) and done.status == "skipped":
            return dataclasses.replace(done, status="written", message="; ".join(task.warnings))
    plan_file = record_path(task.path)
    try:
        library = open_folders(*task.folders)
        handout = make_handout(task.request, library=library, options=task.printing)
        sha256 = handout.sha256  # hashed once: the result and the journal both need it
        result = RowResult(task.line, patient_id, "written", "; ".join(task.warnings), task.path.name,
                           handout.pages, len(handout.pdf), sha256, task.input_sha256, task.warnings,
                           record=plan_file.name, made=Made(handout.pdf, handout.alike()))
        if os.path.lexists(task.path) and not task.force:
            raise OutputExistsError(f"{task.path.name} appeared while this batch ran; pass --force to replace it",
                                    path=task.path)
        beside = [(plan_file, record_bytes(plan_record(handout.plan, made=task.printing.today or clock.today(),
                                                       document_id=handout.layout.document_id)))]
        if handout.layout.boxes:
            result.layout = layout_path(task.path).name
            beside.append((layout_path(task.path), layout_json(handout.layout, patient_id=patient_id,
                                                               kind=task.printing.kind)))
        _write_row(task, beside, Entry(task.path.name, sha256, handout.pages, len(handout.pdf),
                                       task.input_sha256), handout.pdf)
    except FolderFullError as exc:  # no later row will fit either: the batch stops
        return RowResult(task.line, patient_id, "failed", exc.message, input_sha256=task.input_sha256,
                         stops_batch=True)
    except HandoutError as exc:
        return RowResult(task.line, patient_id, "failed", str(exc), input_sha256=task.input_sha256)
    except Exception as exc:  # noqa: BLE001 - one broken row must not end the batch
        return RowResult(task.line, patient_id, "failed",
                         # the type only: a layout error's text can quote the patient's words
                         f"internal error while making this handout ({type(exc).__name__}); make it alone "
                         "with 'handouts --debug make ...' to see more",
                         input_sha256=task.input_sha256)
    return result


def _write_row(task: RowTask, beside: list[tuple[Path, bytes]], entry: Entry, pdf: bytes) -> None:
    """Write a row's files: those beside the PDF (its plan record, its layout JSON) first, so a PDF under
    its name always has them, then the PDF. A file beside it replaces only a file this folder's batches
    made, unless --force. The journal gets every file's line in one write before any file is named.

    Every file's bytes are synced before the first of them takes its name, and the folder is synced
    once, after the PDF is named: that makes the names given before it durable too, and a power loss
    before it leaves a row that is not finished (no PDF), which the rerun makes again
    (``output.write_together``)."""
    folder = task.path.parent
    journal = None
    for path, _ in beside:
        if task.force or not os.path.lexists(path):
            continue
        journal = journal or Journal.read(folder)
        if not journal.made_here(path.name):
            raise OutputExistsError(f"{path.name} exists and was not made by a batch into this folder; pass "
                                    "--force to replace it", path=path)
    record(folder, *(Entry(path.name, hashlib.sha256(data).hexdigest(), 0, len(data), task.input_sha256)
                     for path, data in beside), entry)
    write_together([*beside, (task.path, pdf)], force_last=task.force)


def _crashed(task: RowTask) -> RowResult:
    return RowResult(task.line, task.request.patient.patient_id, "failed",
                     "the worker process stopped while making this handout", input_sha256=task.input_sha256)

