"""Read a patients CSV as exported by a scheduling system, often through Excel.

Accepts UTF-8 with or without a byte-order mark, falls back to cp1252 (Excel on
Windows) when the bytes are not UTF-8, detects ',' or ';' as the separator,
matches headers without regard to case or surrounding spaces, keeps quoted
fields with separators and line breaks, skips blank rows and keeps every cell
as text (so leading zeros in ids survive), whole: a cell is never cut short,
so a field that is too long is reported with its real length.

Rows are streamed from the file, never all held at once: ``each_row()`` reads
the file again from the start each time it is called, so a batch of any size
can check every row first and then make them, with memory flat in the number
of rows. Only a regular file is read (not a device or a pipe), up to a size cap.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from handouts.errors import InputError
from handouts.load.files import Unreadable, open_regular
from handouts.load.request_fields import FIELDS, REQUIRED

MAX_CSV_BYTES = 50_000_000
_CHUNK = 1 << 20

# A cell is read whole up to the file's own cap, so an over-long cell is one row's error
# (with its real length), never a refusal of the whole file.
csv.field_size_limit(max(csv.field_size_limit(), MAX_CSV_BYTES))


@dataclass(frozen=True)
class Row:
    """One patient row: its line number in the file and its cells by column name."""

    line: int
    values: dict[str, str]
    problem: str = ""  # set when the row cannot be read safely (e.g. more cells than columns)


@dataclass
class PatientsFile:
    """A checked patients CSV: its encoding, separator and header, and what the reader noted.

    The rows are read from the file each time ``each_row()`` is called; ``rows`` holds them
    all in memory, for small files (an upload, a test).
    """

    path: Path
    encoding: str
    delimiter: str
    header: tuple[str, ...]
    columns: tuple[str, ...]
    notes: list[str] = field(default_factory=list)
    _identity: tuple[int, int, int, int] = (0, 0, 0, 0)  # device, inode, size, modification time

    def each_row(self) -> Iterator[Row]:
        """Every patient row, in file order, read afresh from the file."""
        stream = _open(self.path)
        if _identity(stream) != self._identity:
            stream.close()
            raise InputError("the file changed while the batch was reading it; run the batch again", path=self.path)
        with _text(stream, self.encoding) as text:
            yield from _rows(self.path, _Lines(text, self.delimiter), self.header, self.columns)

    @property
    def rows(self) -> list[Row]:
        return list(self.each_row())


def read_patients(path: Path, *, columns: Iterable[str] = FIELDS) -> PatientsFile:
    """Check the CSV at ``path`` as a whole (encoding, separator, header, at least one row);
    raise InputError for problems with the file as a whole. ``columns`` are the ones a row
    may have (the request fields and the region's overrides); others are noted and ignored."""
    known = tuple(dict.fromkeys(columns))
    with _open(path) as stream:
        identity = _identity(stream)
        if b"\x00" in stream.read(4096):
            raise InputError("this is not a text CSV file (is it an .xlsx? save it as CSV)", path=path)
        stream.seek(0)
        encoding = _encoding(path, stream)
    with _text(_open(path), encoding) as text:
        delimiter = _delimiter(path, text)
    notes = [] if encoding == "utf-8" else [
        f"{path}: not UTF-8; read it as Windows (cp1252) text. Check the accents in the names."]
    with _text(_open(path), encoding) as text:
        header = _header(path, _Lines(text, delimiter), known, notes)
    patients = PatientsFile(path, encoding, delimiter, header, known, notes, identity)
    with contextlib.closing(patients.each_row()) as rows:
        first = next(rows, None)
    if first is None:
        raise InputError("the file has a header but no patient rows", path=path)
    return patients


def _open(path: Path) -> BinaryIO:
    try:
        stream = open_regular(path)
    except Unreadable as exc:
        raise InputError(str(exc), path=path) from None
    size = os.fstat(stream.fileno()).st_size
    if size > MAX_CSV_BYTES:
        stream.close()
        raise InputError(f"the file is {size / 1e6:.0f} MB; the limit is {MAX_CSV_BYTES // 1_000_000} MB",
                         path=path)
    return stream


def _identity(stream: BinaryIO) -> tuple[int, int, int, int]:
    stat = os.fstat(stream.fileno())
    return stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns


def _encoding(path: Path, stream: BinaryIO) -> str:
    """'utf-8' when every byte decodes as UTF-8 (a BOM allowed), else 'cp1252'; read in chunks."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    read = 0
    try:
        while chunk := stream.read(_CHUNK):
            read += len(chunk)
            if read > MAX_CSV_BYTES:
                raise InputError(f"the file grew past the limit of {MAX_CSV_BYTES // 1_000_000} MB while "
                                 "it was read", path=path)
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _text(stream: BinaryIO, encoding: str) -> io.TextIOWrapper:
    """The file as text, decoded as it is read (no newline translation: the CSV reader does that)."""
    codec = "utf-8-sig" if encoding == "utf-8" else "cp1252"
    return io.TextIOWrapper(stream, encoding=codec, errors="replace", newline="")


def _delimiter(path: Path, text: Iterable[str]) -> str:
    """',' or ';', whichever splits the first non-blank line (outside quotes) into more columns."""
    for line in text:
        if line.strip():
            counts = {d: len(next(csv.reader([line], delimiter=d))) for d in (",", ";")}
            return ";" if counts[";"] > counts[","] else ","
    raise InputError("the file is empty; it needs a header row and one row per patient", path=path)


class _Lines:
    """The rows of a CSV text and the line each started on."""

    def __init__(self, text: Iterable[str], delimiter: str) -> None:
        self.reader = csv.reader(text, delimiter=delimiter, strict=False)
        self.delimiter = delimiter

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        start = 1
        for cells in self.reader:
            line, start = start, self.reader.line_num + 1  # type: ignore[attr-defined]
            yield line, cells

    @property
    def line_num(self) -> int:
        return int(self.reader.line_num)  # type: ignore[attr-defined]


def _rows(path: Path, lines: _Lines, header: tuple[str, ...], known: tuple[str, ...]) -> Iterator[Row]:
    """The patient rows after the header; a cell of a column nobody reads is not kept."""
    seen_header = False
    try:
        for line, cells in lines:
            if not any(c.strip() for c in cells):
                continue
            if not seen_header:
                seen_header = True
                continue
            values = {}
            for name, cell in zip(header, cells):
                if name in known and name not in values:
                    values[name] = cell
            problem = ""
            if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
                # An unquoted separator inside a cell shifts every cell after it: nothing in the row is safe.
                problem = (f"this row has {len(cells)} cells but the header has {len(header)} columns; put "
                           f"quotes around any cell that contains '{lines.delimiter}'")
            yield Row(line, values, problem)
    except csv.Error as exc:
        raise InputError(f"the CSV is malformed ({exc}); check the quotes", path=path, row=lines.line_num) from None


def _header(path: Path, lines: _Lines, known: tuple[str, ...], notes: list[str]) -> tuple[str, ...]:
    try:
        found = next(((line, cells) for line, cells in lines if any(c.strip() for c in cells)), None)
    except csv.Error as exc:
        raise InputError(f"the CSV is malformed ({exc}); check the quotes", path=path, row=lines.line_num) from None
    if found is None:
        raise InputError("the file is empty; it needs a header row and one row per patient", path=path)
    line, cells = found
    names = [c.strip().lower().replace(" ", "_") for c in cells]
    duplicates = sorted(n for n, count in Counter(names).items() if n and count > 1)
    if duplicates:
        raise InputError(f"the header repeats column {', '.join(duplicates)}; keep one", path=path, row=line)
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise InputError(
            f"the header has no {', '.join(repr(m) for m in missing)} column; required columns are "
            f"{', '.join(REQUIRED)} (found: {', '.join(n for n in names if n) or 'none'})", path=path, row=line)
    extra = [n for n in names if n and n not in known]
    if extra:
        notes.append(f"{path}: ignoring columns {', '.join(extra)} (known: {', '.join(known)})")
    return tuple(names)
