"""How a handout is printed beyond what the request says: one object, made once and passed whole.

The command line builds it from its options, a batch from its own, the web form
from its fields; the library passes it on untouched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

#: What can be printed: the full handout, or the weekly checklist alone.
DOCUMENT_KINDS = ("handout", "checklist")


@dataclass(frozen=True)
class PrintOptions:
    """Cover, encryption, two-sided printing and the like, for one handout or every handout of a batch."""

    kind: str = "handout"  # one of DOCUMENT_KINDS
    use_cover: bool = True  # put a cover in front: ``cover``, else (for a handout) the clinic's for the language
    cover: Path | None = None
    duplex: bool = False  # end each handout on an even page count, for two-sided printing
    name_in_metadata: bool = False  # the patient's name in the PDF's metadata (never otherwise)
    password: str | None = field(default=None, repr=False)  # AES-256 when set; never shown
    today: date | None = None  # the date printed as "Made ..." (None: today)
    week: int | None = None  # a checklist of this one week of the plan (1-based), dated from its start
    document_id: str | None = None  # the id its checklist pages' QR codes carry (None: a new random one)
