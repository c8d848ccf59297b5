"""What reading the scans found: each page, each box, and the adherence they add up to.

``adherence_rows`` has one row per exercise (and walking) per day, in the columns
``handouts next`` and a clinic typing by hand use: ``patient_id, date, exercise_id,
sessions_planned, sessions_ticked, pain, walking_minutes``, then ``leg_pain`` and
``unsure`` (boxes of that row and day left for the clinician to decide).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from handouts.model.layout import PAIN_VALUES, WALK_BLOCK_MINUTES, LayoutMap
from handouts.readback.boxes import TICKED, UNSURE, BoxRead

ADHERENCE_COLUMNS = ("patient_id", "date", "exercise_id", "sessions_planned", "sessions_ticked", "pain",
                     "walking_minutes", "leg_pain", "unsure")
REVIEW_COLUMNS = ("source", "patient_id", "document_id", "page", "date", "kind", "exercise_id", "box", "state",
                  "reason", "crop")

#: What became of a page: read, or why not.
READ, UNKNOWN, UNREADABLE, DUPLICATE = "read", "unknown", "unreadable", "duplicate"


@dataclass
class PageRead:
    """One scanned page: where it came from, whose sheet it is and every box on it."""

    source: str  # e.g. 'scan.pdf page 2' or 'photo.jpg'
    status: str  # read, unknown (not one of ours, or its layout is missing), unreadable, duplicate
    reason: str = ""
    document_id: str = ""
    page: int = 0  # the page of the printed document (after the cover)
    patient_id: str = ""
    layout: LayoutMap | None = None
    boxes: list[BoxRead] = field(default_factory=list)
    image: Any = None  # the page square-on (BGR), kept for crops and the web page
    method: str = ""
    seconds: float = 0.0

    def count(self, state: str) -> int:
        return sum(1 for b in self.boxes if b.state == state)


@dataclass
class Result:
    """Every page read from the files given, in the order given."""

    pages: list[PageRead] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. a layout file that could not be read

    @property
    def read(self) -> list[PageRead]:
        return [p for p in self.pages if p.status == READ]

    @property
    def exit_code(self) -> int:
        """0 every page read; 1 some pages not read (listed); 2 none could be read."""
        if not self.read:
            return 2
        return 0 if len(self.read) == len(self.pages) else 1

    def boxes(self) -> list[tuple[PageRead, BoxRead]]:
        return [(page, box) for page in self.read for box in page.boxes]

    def adherence_rows(self) -> list[dict[str, object]]:
        """One row per patient, day and exercise (walking included), in date order."""
        days: dict[tuple[str, date], list[BoxRead]] = defaultdict(list)
        for page, read in self.boxes():
            days[page.patient_id, read.box.date].append(read)
        rows = []
        for (patient, day), reads in sorted(days.items()):
            pain = _pain(reads, "pain")
            leg = _pain(reads, "leg_pain")
            walking = [r for r in reads if r.box.kind == "walking"]
            minutes = WALK_BLOCK_MINUTES * sum(1 for r in walking if r.state == TICKED) if walking else ""
            exercises: dict[str, list[BoxRead]] = defaultdict(list)
            for read in reads:
                if read.box.kind in ("exercise", "walking"):
                    exercises[read.box.exercise_id].append(read)
            for exercise_id, group in exercises.items():
                rows.append({"patient_id": patient, "date": day.isoformat(), "exercise_id": exercise_id,
                             "sessions_planned": len(group), "sessions_ticked": sum(r.state == TICKED for r in group),
                             "pain": pain, "walking_minutes": minutes, "leg_pain": leg,
                             "unsure": sum(r.state == UNSURE for r in group)})
        return rows

    def summaries(self) -> list[str]:
        """One line per patient and week: 'p-0007 week 1: 18 of 21 sessions, pain better 4, same 2, worse 1 days'."""
        lines = []
        weeks: dict[tuple[str, int], list[BoxRead]] = defaultdict(list)
        for page, read in self.boxes():
            first = min(b.date for b in page.layout.boxes) if page.layout else read.box.date
            weeks[page.patient_id, (read.box.date - first).days // 7 + 1].append(read)
        for (patient, week), reads in sorted(weeks.items()):
            sessions = [r for r in reads if r.box.kind == "exercise"]
            ticked = sum(r.state == TICKED for r in sessions)
            line = f"{patient} week {week}: {ticked} of {len(sessions)} sessions"
            walked = sum(r.state == TICKED for r in reads if r.box.kind == "walking")
            if any(r.box.kind == "walking" for r in reads):
                line += f", walked {walked * WALK_BLOCK_MINUTES} minutes"
            by_day: dict[date, list[BoxRead]] = defaultdict(list)
            for read in reads:
                by_day[read.box.date].append(read)
            pains = [_pain(day_reads, "pain") for _, day_reads in sorted(by_day.items())]
            counted = [f"{value} {pains.count(value)}" for value in PAIN_VALUES if pains.count(value)]
            if counted:
                line += ", pain " + ", ".join(counted) + " days"
            unsure = sum(r.state == UNSURE for r in reads)
            if unsure:
                line += f"; {unsure} boxes to check (review.csv)"
            lines.append(line)
        for page in self.pages:
            if page.status != READ:
                lines.append(f"{page.source}: not read ({page.reason})")
        return lines


def _pain(reads: list[BoxRead], kind: str) -> str:
    """The day's pain against yesterday: 'better', 'same', 'worse', '' when not ticked, 'unsure'."""
    boxes = [r for r in reads if r.box.kind == kind]
    ticked = [r for r in boxes if r.state == TICKED]
    if any(r.state == UNSURE for r in boxes) or len(ticked) > 1:
        return "unsure" if boxes else ""
    return ticked[0].box.value if ticked else ""
