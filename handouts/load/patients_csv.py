"""Read a patients CSV as exported by a scheduling system, often through Excel.

Accepts UTF-8 with or without a byte-order mark, UTF-16 with one (Excel's "Unicode
text", tab-separated), falls back to cp1252 (Excel on Windows) when the bytes are
not UTF-8, detects ',', ';' or a tab as the separator,
matches headers without regard to case or surrounding spaces, keeps quoted
fields with separators and line breaks, skips blank rows and keeps every cell
as text (so leading zeros in ids survive). Which column gives which field is
settled by a column map (``handouts.load.columns``): the fields' own names, the
names scheduling systems use, or the clinic's own map. A trailing total line
(e.g. ``Total: 12 patients``) is skipped with a note.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from handouts.errors import InputError
from handouts.load.columns import ColumnMap, Header

MAX_CSV_BYTES = 50_000_000
MAX_CELL = 5000


@dataclass(frozen=True)
class Row:
    """One patient row: its line number in the file and its cells by column name."""

    line: int
    values: dict[str, str]
    problem: str = ""  # set when the row cannot be read safely (e.g. more cells than columns)
    columns: dict[str, str] = field(default_factory=dict)  # field -> the file's column(s) it came from


@dataclass
class PatientsFile:
    """A parsed patients CSV and what the reader had to note about it."""

    path: Path
    rows: list[Row]
    encoding: str
    delimiter: str
    notes: list[str] = field(default_factory=list)


def _decode(path: Path, raw: bytes) -> tuple[str, str]:
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise InputError("the file starts as UTF-16 text but is damaged; save it again as CSV UTF-8",
                             path=path) from None
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), "cp1252"


def _delimiter(header_line: str) -> str:
    """',', ';' or a tab, whichever splits the header (outside quotes) into the most columns (',' on a tie)."""
    counts = {d: len(next(csv.reader([header_line], delimiter=d))) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d])


def read_patients(path: Path, *, columns: ColumnMap | None = None, known: Iterable[str] = ()) -> PatientsFile:
    """Parse the CSV at ``path``, its columns read through ``columns`` (default: the fields' own
    names and the usual ones); raise InputError for problems with the file as a whole.

    ``known`` are columns beyond the request fields (the region's overrides, e.g. allow_direction),
    which are read, not noted as ignored."""
    try:
        size = path.stat().st_size
        if size > MAX_CSV_BYTES:
            raise InputError(f"the file is {size / 1e6:.0f} MB; the limit is {MAX_CSV_BYTES // 1_000_000} MB",
                             path=path)
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", path=path) from None
    if raw.startswith(b"PK\x03\x04"):
        raise InputError("this is a spreadsheet workbook (.xlsx or .ods), not a text CSV file; save it as CSV "
                         "(in Excel: Save As, 'CSV UTF-8 (Comma delimited)') and use that file", path=path)
    text, encoding = _decode(path, raw)
    if "\x00" in text[:4096]:
        raise InputError("this is not a text CSV file (is it a spreadsheet? save it as CSV)", path=path)
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise InputError("the file is empty; it needs a header row and one row per patient", path=path)
    delimiter = _delimiter(lines[first])
    notes = [] if encoding != "cp1252" else [
        f"{path}: not UTF-8; read it as Windows (cp1252) text. Check the accents in the names."]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    rows = list(_rows(path, reader, notes, columns or ColumnMap(), tuple(known)))
    if not rows:
        raise InputError("the file has a header but no patient rows", path=path)
    return PatientsFile(path, rows, encoding, delimiter, notes)


def _rows(path: Path, reader: Iterator[list[str]], notes: list[str], columns: ColumnMap,
          known: tuple[str, ...]) -> Iterator[Row]:
    header: Header | None = None
    start = 1
    try:
        for cells in reader:
            line = start
            start = reader.line_num + 1  # type: ignore[attr-defined]
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header = columns.header(cells, path=path, line=line, known=known)
                notes.extend(header.notes)
                continue
            values = header.values([cell[:MAX_CELL] for cell in cells])
            if _total_line(values, cells):
                notes.append(f"{path}:{line}: skipped a total line ({' '.join(c.strip() for c in cells if c.strip())[:40]})")
                continue
            problem = ""
            if len(cells) > len(header.names) and any(c.strip() for c in cells[len(header.names):]):
                # An unquoted separator inside a cell shifts every cell after it: nothing in the row is safe.
                problem = (f"this row has {len(cells)} cells but the header has {len(header.names)} columns; put "
                           f"quotes around any cell that contains '{reader.dialect.delimiter}'")  # type: ignore[attr-defined]
            yield Row(line, values, problem, {name: header.column(name) for name in header.sources})
    except csv.Error as exc:
        raise InputError(f"the CSV is malformed ({exc}); check the quotes", path=path,
                         row=reader.line_num) from None  # type: ignore[attr-defined]


def _total_line(values: dict[str, str], cells: list[str]) -> bool:
    """A summary line a report ends with ("Total", "12 patients"): no patient id or name, and a cell saying total."""
    if values.get("patient_id") or values.get("name"):
        return False
    return any(c.strip().lower().rstrip(":").startswith(("total", "count", "records")) for c in cells)
