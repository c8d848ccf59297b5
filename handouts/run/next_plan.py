"""The next handout from the last one: its plan record, what the patient ticked, the changes picked.

``handouts next`` and the web's "Next handout" page both call these: ``propose_next`` reads the
record and the adherence CSV (each problem named with its file, row and column) and proposes the
changes; ``next_request`` makes the request of the next handout from the changes the clinician
picked. Nothing here writes a file.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from handouts.load.adherence import check_against, read_adherence
from handouts.load.plan_record import read_plan_record
from handouts.model import HandoutRequest, Plan
from handouts.rules.plan import make_plan
from handouts.rules.progress import Change, Day, Proposal, accepted, propose
from handouts.run.library import Library


@dataclass(frozen=True)
class NextPlan:
    """The last plan (from its record) and the changes proposed for the next one."""

    last: Plan
    proposal: Proposal

    @property
    def changes(self) -> tuple[Change, ...]:
        return self.proposal.changes

    @property
    def first_day(self) -> date:
        """The day after the last plan's checklist weeks: where the next one starts unless told."""
        request = self.last.request
        return request.start_date + timedelta(days=7 * request.weeks)


def propose_next(record: Path, *, library: Library, adherence: Path | None = None,
                 pain: Sequence[int] = ()) -> NextPlan:
    """Read the plan record (and the adherence CSV) and propose the next plan; raise HandoutError naming
    the file, row and column (or key) of every problem."""
    last = make_plan(read_plan_record(record, library.dataset).request, library.dataset)
    days: list[Day] = []
    if adherence is not None:
        rows = read_adherence(adherence)
        check_against(rows, adherence, patient_id=last.request.patient.patient_id,
                      exercise_ids={p.id for p in last.exercises})
        days = [Day(r.day, r.exercise_id, r.planned, r.ticked, r.pain, r.walking_minutes) for r in rows]
    return NextPlan(last, propose(last, days, library.dataset, pain=pain))


def next_request(found: NextPlan, changes: Iterable[Change], *, start_date: date | None = None) -> HandoutRequest:
    """The request of the next handout with ``changes`` made, starting on ``start_date`` (default: the day
    after the last plan's weeks). The phase is never changed."""
    return dataclasses.replace(accepted(found.last, changes), start_date=start_date or found.first_day)
