"""manifest.csv: what a batch did, one line per CSV row in CSV order, with the row's line number
(two rows with one id can be told apart).

Safe to open in a spreadsheet: a cell that starts like a formula (= + - @) is prefixed with
an apostrophe so it is shown, not run. It is written as the rows finish, under a temporary
name, and takes its name when the batch ends; the folder's journal vouches for it, so a
later batch replaces its own manifest but never a foreign ``manifest.csv`` without --force.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import os
from collections.abc import Iterator
from pathlib import Path

from handouts.errors import OutputExistsError
from handouts.run.journal import Entry, Journal
from handouts.run.output import open_own, staged
from handouts.run.results import RowResult

MANIFEST = "manifest.csv"
COLUMNS = ("line", "patient_id", "file", "pages", "bytes", "sha256", "status", "message", "input_sha256", "plan_record", "layout")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defuse(cell: str) -> str:
    """A cell a spreadsheet shows as text even when it starts like a formula."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def undefuse(cell: str) -> str:
    """The value ``defuse`` was given."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(_FORMULA_START) else cell


def manifest_row(result: RowResult) -> list[str]:
    values = (result.line, result.patient_id, result.file, result.pages or "", result.bytes or "", result.sha256,
              result.status, result.message, result.input_sha256, result.record, result.layout)
    return [defuse(str(v)) for v in values]


def refuse_foreign_manifest(journal: Journal, *, force: bool = False) -> None:
    """Refuse to replace a manifest.csv the folder's journal does not vouch for, unless ``force``."""
    path = journal.folder / MANIFEST
    if force or not os.path.lexists(path) or journal.made_here(MANIFEST):
        return
    raise OutputExistsError("the file exists and was not written by a batch into this folder (or was changed "
                            "since); pass --force to replace it, or choose another output folder", path=path)


class ManifestWriter:
    """Adds rows to the manifest being written."""

    def __init__(self, file: object) -> None:
        self._file = file
        self._buffer = io.StringIO(newline="")
        self._csv = csv.writer(self._buffer, lineterminator="\r\n")

    def add(self, result: RowResult) -> None:
        self._csv.writerow(manifest_row(result))
        self._flush()

    def _flush(self) -> None:
        self._file.write(self._buffer.getvalue().encode("utf-8"))  # type: ignore[attr-defined]
        self._buffer.seek(0)
        self._buffer.truncate()


@contextlib.contextmanager
def manifest_writer(journal: Journal) -> Iterator[ManifestWriter]:
    """Write ``manifest.csv`` of the journal's folder as rows come; it takes its name when the block ends.

    Its journal line is written first, so the next batch knows it as its own.
    """
    with staged(journal.folder / MANIFEST, force=True) as file:
        file.write(codecs.BOM_UTF8)  # so Excel shows accents right when the manifest is opened directly
        writer = ManifestWriter(file)
        writer._csv.writerow(COLUMNS)
        writer._flush()
        yield writer
        journal.add(Entry(MANIFEST, file.sha256(), 0, file.size))


def read_manifest(folder: Path) -> Iterator[RowResult]:
    """The rows of ``folder/manifest.csv`` (none if it is missing)."""
    with open_own(folder / MANIFEST) as stream:
        if stream is None:
            return
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
        for entry in csv.DictReader(text):
            yield RowResult(
                line=int(entry.get("line") or 0), patient_id=undefuse(entry.get("patient_id") or ""),
                status=entry.get("status") or "", message=undefuse(entry.get("message") or ""),
                file=undefuse(entry.get("file") or ""), pages=int(entry.get("pages") or 0), bytes=int(entry.get("bytes") or 0),
                sha256=entry.get("sha256") or "", input_sha256=entry.get("input_sha256") or "",
                record=undefuse(entry.get("plan_record") or ""),
                layout=undefuse(entry.get("layout") or ""))
