"""What a batch made, row by row: the results the manifest, the summary and the web read."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from handouts.errors import EXIT_OK, EXIT_OUTPUT, EXIT_SOME_FAILED


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

    @property
    def ok(self) -> bool:
        return self.status in ("written", "skipped")


@dataclass
class BatchResult:
    """The outcome of a batch, row by row, with the files it wrote."""

    rows: list[RowResult]
    output: Path
    notes: list[str]
    seconds: float = 0.0
    combined: Path | None = None
    combined_pages: int = 0
    combined_bytes: int = 0

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def exit_code(self) -> int:
        """0 all made; 1 some rows failed, the others were made; 3 not one handout could be made."""
        if all(r.ok for r in self.rows):
            return EXIT_OK
        return EXIT_SOME_FAILED if any(r.ok for r in self.rows) else EXIT_OUTPUT
