"""Read a patients CSV as exported by a scheduling system, often through Excel.

Accepts UTF-8 with or without a byte-order mark, UTF-16 with one (Excel's "Unicode
text", tab-separated), falls back to cp1252 (Excel on Windows) when the bytes are
not UTF-8, detects ',', ';' or a tab as the separator, keeps quoted fields with
separators and line breaks, skips blank rows and keeps every cell as text (so
leading zeros in ids survive), whole: a cell is never cut short, so a field that
is too long is reported with its real length. Which column gives which field is
settled by a column map (``handouts.load.columns``): the fields' own names, the
names scheduling systems use, or the clinic's own map. A trailing total line
(e.g. ``Total: 12 patients``) is skipped with a note.

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
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from handouts.errors import InputError
from handouts.load.columns import ColumnMap, Header
from handouts.load.files import Unreadable, open_regular

MAX_CSV_BYTES = 50_000_000
_CHUNK = 1 << 20
_DELIMITERS = (",", ";", "\t")
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_OLD_WORKBOOK = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an .xls (and any other OLE2 compound file)
#: Every byte but the control bytes no text file holds (all below space but tab, line ends, form feed, escape).
_TEXT_BYTES = bytes(b for b in range(256) if b >= 32 or b in b"\t\n\v\f\r\x1b")

# A cell is read whole up to the file's own cap, so an over-long cell is one row's error
# (with its real length), never a refusal of the whole file.
csv.field_size_limit(max(csv.field_size_limit(), MAX_CSV_BYTES))


@dataclass(frozen=True)
class Row:
    """One patient row: its line number in the file and its values by field."""

    line: int
    values: dict[str, str]
    problem: str = ""  # set when the row cannot be read safely (e.g. more cells than columns)
    columns: dict[str, str] = field(default_factory=dict)  # field -> the file's column(s) it came from


@dataclass
class PatientsFile:
    """A checked patients CSV: its encoding, separator and header, and what the reader noted.

    The rows are read from the file each time ``each_row()`` is called; ``rows`` holds them
    all in memory, for small files (an upload, a test).
    """

    path: Path
    encoding: str
    delimiter: str
    header: Header
    notes: list[str] = field(default_factory=list)
    _identity: tuple[int, int, int, int] = (0, 0, 0, 0)  # device, inode, size, modification time

    def each_row(self) -> Iterator[Row]:
        """Every patient row, in file order, read afresh from the file (a total line noted, not given)."""
        stream = _open(self.path)
        if _identity(stream) != self._identity:
            stream.close()
            raise InputError("the file changed while the batch was reading it; run the batch again", path=self.path)
        with _text(stream, self.encoding) as text:
            for row in _rows(self.path, _Lines(text, self.delimiter), self.header):
                if isinstance(row, str):
                    if row not in self.notes:
                        self.notes.append(row)
                    continue
                yield row

    @property
    def rows(self) -> list[Row]:
        return list(self.each_row())


def read_patients(path: Path, *, columns: ColumnMap | None = None, known: Iterable[str] = ()) -> PatientsFile:
    """Check the CSV at ``path`` as a whole (encoding, separator, header, at least one row); raise
    InputError for problems with the file as a whole. Its columns are read through ``columns``
    (default: the fields' own names and the usual ones); ``known`` are columns beyond the request
    fields (the region's overrides, e.g. allow_direction), read without a note."""
    with _open(path) as stream:
        identity = _identity(stream)
        start = stream.read(4096)
        if start.startswith((b"PK\x03\x04", _OLD_WORKBOOK)):
            raise InputError("this is a spreadsheet workbook (.xlsx, .xls or .ods), not a text CSV file; save it as "
                             "CSV (in Excel: Save As, 'CSV UTF-8 (Comma delimited)') and use that file", path=path)
        # A binary file is full of control bytes (a tenth of random bytes are); a text CSV with a stray one (a
        # damaged export) is read, the byte printing as a space as every control character does, as it is
        # anywhere past these first bytes.
        binary = len(start.translate(None, _TEXT_BYTES))
        if not start.startswith(_UTF16_BOMS) and binary > max(4, len(start) // 100):
            raise InputError("this is not a text CSV file (is it a spreadsheet? save it as CSV)", path=path)
        stream.seek(0)
        encoding = _encoding(path, stream)
    with _text(_open(path), encoding) as text:
        delimiter = _delimiter(path, text)
    notes = [] if encoding != "cp1252" else [
        f"{path}: not UTF-8; read it as Windows (cp1252) text. Check the accents in the names."]
    with _text(_open(path), encoding) as text:
        header = _header(path, _Lines(text, delimiter), columns or ColumnMap(), tuple(known))
    notes.extend(header.notes)
    patients = PatientsFile(path, encoding, delimiter, header, notes, identity)
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
    """'utf-16' for a UTF-16 byte-order mark; 'utf-8' when every byte decodes as UTF-8 (a BOM
    allowed); else 'cp1252'. Read in chunks."""
    utf16 = stream.read(2) in _UTF16_BOMS
    stream.seek(0)
    decoder = codecs.getincrementaldecoder("utf-16" if utf16 else "utf-8-sig")()
    read = 0
    try:
        while chunk := stream.read(_CHUNK):
            read += len(chunk)
            if read > MAX_CSV_BYTES:
                raise InputError(f"the file grew past the limit of {MAX_CSV_BYTES // 1_000_000} MB while "
                                 "it was read", path=path)
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        if utf16:
            raise InputError("the file starts as UTF-16 text but is damaged; save it again as CSV UTF-8",
                             path=path) from None
        _refuse_mixed(path, stream, read - len(chunk) + exc.start)
        return "cp1252"
    return "utf-16" if utf16 else "utf-8"


#: A letter written in UTF-8 in two to four bytes (what Windows text almost never holds by chance: its
#: accented letters are single bytes, each followed by an ASCII byte or another letter).
_UTF8_LETTER = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _refuse_mixed(path: Path, stream: BinaryIO, bad: int) -> None:
    """Refuse a file of UTF-8 text with some lines in another encoding (a row pasted in from another
    program): read as Windows text, every UTF-8 name in it would print garbled ('Zoë' as 'ZoÃ«').
    ``bad`` is the offset of the first byte that is not UTF-8."""
    stream.seek(0)
    utf8 = False
    line, offset, tail = 1, 0, b""
    while chunk := stream.read(_CHUNK):  # a chunk at a time, as the encoding was found
        utf8 = utf8 or bool(_UTF8_LETTER.search(tail + chunk))  # tail: a letter across two chunks
        line += chunk.count(b"\n", 0, max(0, bad - offset))
        offset, tail = offset + len(chunk), chunk[-3:]
    if not utf8:
        return  # no UTF-8 letters at all: Windows text throughout
    raise InputError(f"line {line} is not UTF-8 text, though the lines with accented letters before or after it "
                     "are; read as Windows text, their names would print garbled. Save the file again as "
                     "'CSV UTF-8' (in Excel: Save As, 'CSV UTF-8 (Comma delimited)'), or retype that line's "
                     "accented letters", path=path)


def _text(stream: BinaryIO, encoding: str) -> io.TextIOWrapper:
    """The file as text, decoded as it is read (no newline translation: the CSV reader does that)."""
    codec = {"utf-8": "utf-8-sig", "utf-16": "utf-16"}.get(encoding, "cp1252")
    return io.TextIOWrapper(stream, encoding=codec, errors="replace", newline="")


def _delimiter(path: Path, text: Iterable[str]) -> str:
    """',', ';' or a tab, whichever splits the first non-blank line (outside quotes) into the most
    columns (',' on a tie)."""
    for line in text:
        if line.strip():
            counts = {d: len(next(csv.reader([line], delimiter=d))) for d in _DELIMITERS}
            return max(counts, key=lambda d: counts[d])
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


def _rows(path: Path, lines: _Lines, header: Header) -> Iterator[Row | str]:
    """The patient rows after the header, and a note (a string) for a total line skipped."""
    seen_header = False
    try:
        for line, cells in lines:
            if not any(c.strip() for c in cells):
                continue
            if not seen_header:
                seen_header = True
                continue
            values = header.values(cells)
            if _total_line(values, cells):
                yield f"{path}:{line}: skipped a total line ({' '.join(c.strip() for c in cells if c.strip())[:40]})"
                continue
            problem = _swallowed(cells, header, line, lines.delimiter)
            if len(cells) > len(header.names) and any(c.strip() for c in cells[len(header.names):]):
                # An unquoted separator inside a cell shifts every cell after it: nothing in the row is safe.
                problem = (f"this row has {len(cells)} cells but the header has {len(header.names)} columns; put "
                           f"quotes around any cell that contains '{lines.delimiter}'")
            yield Row(line, values, problem, {name: header.column(name) for name in header.sources})
    except csv.Error as exc:
        raise InputError(f"the CSV is malformed ({exc}); check the quotes", path=path, row=lines.line_num) from None


def _swallowed(cells: list[str], header: Header, line: int, delimiter: str) -> str:
    """The problem of a row whose quote was never closed: the rows after it were read into one of its cells
    (a cell over several lines, one of them a row's worth of cells); '' for a row without one. Each of those
    patients would be lost, and their ids and names printed on this row's handout."""
    for index, cell in enumerate(cells):
        if "\n" not in cell and "\r" not in cell:
            continue
        inside = cell.splitlines()[1:]
        rowlike = [n for n, text in enumerate(inside, start=line + 1)
                   if len(next(csv.reader([text], delimiter=delimiter), [])) >= max(len(header.names), 3)]
        if rowlike:
            column = header.names[index] if index < len(header.names) else f"column {index + 1}"
            return (f"the quote that opens the cell in column {column!r} is never closed, so the lines after it "
                    f"(from line {rowlike[0]}, which reads like a row of its own) were read into that cell and "
                    "not as patients; add the closing quote (\") where the cell ends, or remove the opening one")
    return ""


def _header(path: Path, lines: _Lines, columns: ColumnMap, known: tuple[str, ...]) -> Header:
    try:
        found = next(((line, cells) for line, cells in lines if any(c.strip() for c in cells)), None)
    except csv.Error as exc:
        raise InputError(f"the CSV is malformed ({exc}); check the quotes", path=path, row=lines.line_num) from None
    if found is None:
        raise InputError("the file is empty; it needs a header row and one row per patient", path=path)
    line, cells = found
    return columns.header(cells, path=path, line=line, known=known)


def _total_line(values: dict[str, str], cells: list[str]) -> bool:
    """A summary line a report ends with ("Total appointments: 4"): no name, diagnosis or phase, and a cell
    saying total (in any column, the patient id's included: many exports put it in the first)."""
    if any((values.get(key) or "").strip() for key in ("name", "diagnosis", "phase")):
        return False
    return any(c.strip().lower().rstrip(":").startswith(("total", "count", "records")) for c in cells)
