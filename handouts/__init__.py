"""Personalised home-exercise handouts for low back pain, printed as PDF.

The library API (the command line is a thin layer over it)::

    from handouts import HandoutRequest, Patient, open_library, write_handout

    library = open_library()
    request = HandoutRequest(patient=Patient("p-001", "Zoë Nguyễn"), diagnosis="herniated-disc",
                             phase="acute", start_date=date.today())
    written = write_handout(request, "output/", library=library)

Names are imported on first use, so ``handouts --help`` stays quick.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "HandoutError": ".errors",
    "Handout": ".run.handout",
    "make_handout": ".run.handout",
    "write_handout": ".run.handout",
    "Library": ".run.library",
    "open_library": ".run.library",
    "HandoutRequest": ".model",
    "Patient": ".model",
    "Plan": ".model",
    "make_plan": ".rules.plan",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'handouts' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name], __name__), name)
