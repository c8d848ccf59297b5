"""Today's date, in one place: the day a handout is made on, printed in its footer and checked against.

``HANDOUTS_TODAY=YYYY-MM-DD`` sets it, so the same input makes the same handout on any day: the
test suite sets it, and so can a clinic reprinting a sheet as it was made. Unset, it is the
system's date.
"""

from __future__ import annotations

import os
from datetime import date

from handouts.errors import InputError

ENV = "HANDOUTS_TODAY"


def today() -> date:
    """``HANDOUTS_TODAY`` when it is set, else the system's date."""
    given = os.environ.get(ENV, "").strip()
    if not given:
        return date.today()
    try:
        return date.fromisoformat(given)
    except ValueError:
        raise InputError(f"{given[:20]!r} is not a date; write it as YYYY-MM-DD, or unset it", key=ENV) from None
