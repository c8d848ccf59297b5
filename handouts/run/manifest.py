"""manifest.csv (what a batch made) and the journal that lets a killed batch resume.

Both are plain CSV safe to open in a spreadsheet: a cell that starts like a
formula (= + - @) is prefixed with an apostrophe so it is shown, not run.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from handouts.run.output import write_atomic
from handouts.run.results import RowResult

MANIFEST = "manifest.csv"
JOURNAL = ".handouts-journal.csv"
COLUMNS = ("patient_id", "file", "pages", "bytes", "sha256", "status", "message", "input_sha256")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defuse(cell: str) -> str:
    """A cell a spreadsheet shows as text even when it starts like a formula."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def undefuse(cell: str) -> str:
    """The value ``defuse`` was given."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(_FORMULA_START) else cell


def manifest_row(result: RowResult) -> list[str]:
    values = (result.patient_id, result.file, result.pages or "", result.bytes or "", result.sha256,
              result.status, result.message, result.input_sha256)
    return [defuse(str(v)) for v in values]


def write_manifest(folder: Path, results: list[RowResult]) -> Path:
    """Write ``folder/manifest.csv`` atomically, one line per CSV row, in CSV order."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(manifest_row(r) for r in results)
    path = folder / MANIFEST
    # utf-8-sig so Excel shows accents right when the manifest is opened directly
    write_atomic(path, buffer.getvalue().encode("utf-8-sig"), force=True)
    return path


def previous_runs(folder: Path) -> dict[str, tuple[str, str]]:
    """patient_id → (PDF sha256, input sha256) from an earlier manifest and an unfinished run's journal."""
    known: dict[str, tuple[str, str]] = {}
    for name in (MANIFEST, JOURNAL):
        path = folder / name
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8-sig", errors="replace")
        for entry in csv.DictReader(io.StringIO(text, newline="")):
            sha = entry.get("sha256") or ""
            if entry.get("status") in ("written", "skipped") and len(sha) == 64:
                known[undefuse(entry.get("patient_id") or "")] = (sha, entry.get("input_sha256") or "")
    return known


def start_journal(path: Path) -> None:
    """Create the journal with its header unless an unfinished run left one."""
    if not path.exists():
        with path.open("w", encoding="utf-8", newline="") as stream:
            csv.writer(stream).writerow(COLUMNS)


def journal_row(path: Path, result: RowResult) -> None:
    """Append one finished row, in a single write so parallel workers never interleave lines.

    Written before the PDF takes its final name: a run stopped in between leaves a
    journal line without its file (the row is simply made again), never a file the
    next run cannot vouch for.
    """
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerow(manifest_row(result))
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
    try:
        os.write(descriptor, buffer.getvalue().encode("utf-8"))
    finally:
        os.close(descriptor)
