"""A patients CSV sent from the browser: checked row by row, then made into a zip.

The upload lives in a temporary folder for the length of one request and is
removed with everything made from it; the zip is built in an unnamed temporary
file that disappears when the response has been sent.
"""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import IO

from werkzeug.utils import secure_filename

from handouts.errors import Fix, HandoutError
from handouts.load.patients_csv import read_patients
from handouts.run.batch import BatchOptions, check_rows, run
from handouts.run.library import Library
from handouts.run.manifest import defuse
from handouts.run.results import BatchResult
from handouts.web.forms import form_wording, pretty_id, sentence
from handouts.wording import CSV, Wording

#: Largest CSV accepted from the browser; the CLI's batch takes bigger files.
MAX_UPLOAD_BYTES = 2_000_000
#: Rows with problems (and plan notes) listed on the page; the rest are in the downloadable CSV.
SHOWN_ROWS = 200
#: How the page names a required column in a message.
COLUMN_NAMES = {"patient_id": "Patient ID"}
DEFAULT_NAME = "patients.csv"
DATE_FORMATS = ("DD/MM/YYYY", "MM/DD/YYYY")


@dataclass(frozen=True)
class CheckedRow:
    """One CSV row as checked before anything is made."""

    line: int
    patient_id: str
    problems: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class CheckedFile:
    """Every row of an upload, or the one problem that stops the whole file."""

    name: str
    rows: list[CheckedRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problem: str = ""

    @property
    def good(self) -> int:
        return sum(1 for r in self.rows if r.ok)

    @property
    def bad(self) -> list[CheckedRow]:
        return [r for r in self.rows if not r.ok]

    @property
    def warned(self) -> list[CheckedRow]:
        return [r for r in self.rows if r.warnings]


@contextmanager
def uploaded(data: bytes, name: str) -> Iterator[Path]:
    """The upload as a file in a temporary folder removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="handouts-web-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        yield path


def check_upload(data: bytes, name: str, library: Library, *, today: date,
                 date_format: str | None) -> CheckedFile:
    """Read the CSV and check every row with the same parsers and rules the batch uses."""
    checked = CheckedFile(name)
    with uploaded(data, name) as path:
        try:
            patients = read_patients(path, known=library.dataset.region.overrides)
        except HandoutError as exc:
            checked.problem = sentence(exc.message)
            return checked
        checked.notes = [note.replace(str(path), name) for note in patients.notes]
        # The batch's own check: the same parsers, rules and duplicate-id test as a real run.
        rows = check_rows(path, patients.rows, library, BatchOptions(date_format=date_format), today=today)
    wording = upload_wording(library)
    problems: dict[int, list[str]] = {}
    for error in rows.errors:
        problems.setdefault(error.row or 0, []).append(_column_message(error, wording))
    ids = {**{t.line: t.request.patient.patient_id for t in rows.tasks},
           **{r.line: r.patient_id for r in rows.invalid}}
    for line in sorted(ids):
        warnings = tuple(sentence(wording.warning(w)) for w in rows.warnings.get(line, ()))
        checked.rows.append(CheckedRow(line, ids[line], tuple(problems.get(line, ())), warnings))
    return checked


def upload_wording(library: Library) -> Wording:
    """The form's names for exercises and diagnoses, the CSV's columns for what to set, and this page's controls."""

    def fix(fix: Fix) -> str:
        if fix.kind == "option" and fix.name == "date_format":
            return "choose how the file writes dates under 'Dates in the file', then check it again"
        if fix.kind == "listing":
            return "see the exercise library"
        return CSV.fix(fix)

    return Wording(field=CSV.field, fix=fix, name=form_wording(library.dataset).name)


def _column_message(error: HandoutError, wording: Wording) -> str:
    """'Name is required.', 'Notes is 2001 characters long; ...', else 'Column phase: ...'."""
    text = wording.error(error, located=False, labelled=False)
    if not error.column:
        return sentence(text)
    column = COLUMN_NAMES.get(error.column, pretty_id(error.column))
    if error.code == "required":
        return f"{column} is required."
    if error.code == "too-long":
        return sentence(f"{column} {text}")
    return f"Column {error.column}: {sentence(text)}"


def problems_csv(checked: CheckedFile) -> bytes:
    """Every problem and plan note of a checked file, one per line, for a spreadsheet (UTF-8 with BOM)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["line", "patient_id", "kind", "message"])
    for row in checked.rows:
        for kind, texts in (("problem", row.problems), ("plan note", row.warnings)):
            for text in texts:
                writer.writerow([str(row.line), defuse(row.patient_id), kind, defuse(text)])
    return out.getvalue().encode("utf-8-sig")


@dataclass(frozen=True)
class BatchZip:
    """The zip of a finished batch, as an open temporary file, and what happened row by row."""

    file: IO[bytes]
    result: BatchResult


def make_zip(data: bytes, name: str, options: BatchOptions) -> BatchZip:
    """Run the batch into a temporary folder and pack its handouts, manifest and print file.

    ``options.output`` and ``options.combined`` are replaced by the temporary places.
    Raises ErrorList when no row can be made.
    """
    with uploaded(data, name) as path:
        output = path.parent / "handouts"
        combined = path.parent / "print.pdf"
        result = run(path, replace(options, output=output, combined=combined))
        archive = tempfile.TemporaryFile(prefix="handouts-web-", suffix=".zip")
        try:
            with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
                zipped.write(output / "manifest.csv", "manifest.csv")
                if result.combined is not None:
                    zipped.write(combined, "print.pdf")
                for row in result.rows:
                    if row.ok and row.file:
                        zipped.write(output / row.file, f"handouts/{row.file}")
                    if row.ok and row.record:
                        zipped.write(output / row.record, f"handouts/{row.record}")
        except BaseException:
            archive.close()
            raise
    archive.seek(0)
    return BatchZip(archive, result)


def summary(result: BatchResult) -> str:
    """One line with counts only (no names), for the page and a response header."""
    made = result.count("written") + result.count("skipped")
    failed = result.total - made
    return f"{made} handout{'s' if made != 1 else ''} made, {failed} row{'s' if failed != 1 else ''} left out"


def safe_name(filename: str | None) -> str:
    """The upload's own file name, made safe to use in a temporary folder and to show."""
    return secure_filename(filename or "") or DEFAULT_NAME

