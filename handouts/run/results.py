"""What a batch made, row by row: the results the manifest, the summary and the web read.

A batch of any size keeps only its counts and the rows that need a reader's attention (a
warning or a failure) in memory; every row is in ``manifest.csv``, and ``rows`` reads it back.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from handouts.errors import EXIT_OK, EXIT_OUTPUT, EXIT_SOME_FAILED, ErrorList, HandoutError

if TYPE_CHECKING:
    from handouts.render.pdf.alike import Alike


@dataclass(frozen=True)
class Made:
    """A handout a row just wrote, for the print file: its bytes, and its objects alike in other handouts
    (``render.pdf.alike``), so the print file reads neither the file nor those objects again."""

    pdf: bytes
    alike: Alike


@dataclass
class RowResult:
    """What happened to one CSV row."""

    line: int
    patient_id: str
    status: str  # written | skipped | failed | invalid
    message: str = ""
    file: str = ""
    pages: int = 0
    bytes: int = 0
    sha256: str = ""
    input_sha256: str = ""
    warnings: tuple[str, ...] = ()
    stops_batch: bool = False  # the folder takes no more: no later row can be written either
    record: str = ""  # the plan record's file name, written beside the PDF
    layout: str = ""  # the layout JSON written beside the PDF, for reading the ticked checklist back
    made: Made | None = None  # a row written: for the print file, let go once it has it

    @property
    def ok(self) -> bool:
        return self.status in ("written", "skipped")


@dataclass
class BatchResult:
    """The outcome of a batch: counts, the rows that need attention, and the files it wrote."""

    output: Path
    notes: list[str]
    counts: Counter[str] = field(default_factory=Counter)
    attention: list[RowResult] = field(default_factory=list)  # rows with warnings or not made, in CSV order
    seconds: float = 0.0
    combined: Path | None = None
    combined_pages: int = 0
    combined_bytes: int = 0
    combined_unchanged: bool = False  # the print file already held exactly these handouts: left as it was
    every_row: Callable[[], Iterable[RowResult]] = field(default=lambda: (), repr=False)  # the manifest's rows

    def add(self, row: RowResult) -> None:
        self.counts[row.status] += 1
        if row.warnings or not row.ok:
            self.attention.append(row)

    def count(self, status: str) -> int:
        return self.counts[status]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def rows(self) -> list[RowResult]:
        """Every row in CSV order, read back from the manifest (the rows needing attention as they were)."""
        noted = {row.line: row for row in self.attention}
        return [noted.get(row.line, row) for row in self.every_row()]

    @property
    def exit_code(self) -> int:
        """0 all made; 1 some rows failed, the others were made; 3 not one handout could be made."""
        made = self.count("written") + self.count("skipped")
        if made == self.total:
            return EXIT_OK
        return EXIT_SOME_FAILED if made else EXIT_OUTPUT


class BatchRefused(ErrorList):
    """No handout was made because of the rows' problems: none was good, or ``--strict`` and one was bad."""

    def __init__(self, errors: list[HandoutError], *, total: int, bad: int, strict: bool) -> None:
        super().__init__(errors)
        self.total, self.bad, self.strict = total, bad, strict
