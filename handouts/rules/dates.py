"""Warnings about a plan's dates against the day it is printed.

A checklist's days are printed on it, so a start date long past or far ahead
gives the patient a grid of the wrong days. It is most often a year typed
wrong (2025 for 2026 in January), and in a batch of hundreds nobody reads
every date. These are warnings, not errors: a clinician may print a copy of
last month's sheet on purpose.
"""

from __future__ import annotations

from datetime import date, timedelta

from handouts.model import HandoutRequest, PlanWarning

#: A start date more than this many days before the day of printing: a week of boxes already gone.
PAST_DAYS = 7
#: A start date more than this many days after it: longer than any wait for a first visit's plan.
AHEAD_DAYS = 90
#: A start date this many days or more away is most likely a year typed wrong, and the warning says so.
YEAR_DAYS = 300


def date_warnings(request: HandoutRequest, today: date) -> tuple[PlanWarning, ...]:
    """The warning for a start date more than PAST_DAYS before ``today`` or AHEAD_DAYS after it."""
    days = (request.start_date - today).days
    if -PAST_DAYS <= days <= AHEAD_DAYS:
        return ()
    facts = (("start", request.start_date.isoformat()), ("days", str(abs(days))),
             ("year", "'s year" if abs(days) >= YEAR_DAYS else ""))
    if days > 0:
        return (PlanWarning("start-far-ahead", details=facts),)
    last = request.start_date + timedelta(weeks=request.weeks, days=-1)
    over = ", so all of its days are past" if last < today else ""
    return (PlanWarning("start-past", details=(*facts, ("over", over))),)
