"""One handout end to end: plan, templates, layout, cover, write."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .assemble import assemble
from .cover import Cover, load_cover
from .document import KINDS, build_body
from .errors import InputError, one_of
from .library import Library
from .models import HandoutRequest, Plan
from .output import refuse_overwrite, write_atomic
from .plan import make_plan


@dataclass(frozen=True)
class Handout:
    """A finished PDF in memory, with the plan it was made from."""

    plan: Plan
    pdf: bytes
    pages: int
    cover_pages: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest()


@dataclass(frozen=True)
class Written:
    """A handout written to disk."""

    path: Path
    handout: Handout


def make_handout(request: HandoutRequest, *, library: Library, kind: str = "handout",
                 cover: Path | None = None, use_cover: bool = True, today: date | None = None,
                 name_in_metadata: bool = False, password: str | None = None, duplex: bool = False) -> Handout:
    """Make the PDF for ``request``: the clinic's cover (or ``cover``) then the pages of ``kind``."""
    if kind not in KINDS:
        raise InputError(one_of(kind, KINDS, "kind"))
    plan = make_plan(request, library.dataset)
    templates = library.templates(plan.language)
    body = build_body(plan, templates, today=today or date.today(), kind=kind)
    chosen: Cover | None = None
    cover_path = cover or plan.clinic.covers.get(plan.language)
    if use_cover and cover_path is not None:
        chosen = load_cover(cover_path)
    extra = {"/Subject": request.patient.name} if name_in_metadata else None
    pdf, pages = assemble(body, cover=chosen, author=plan.clinic.name_in(plan.language),
                          cover_label=templates.labels["cover"], extra_metadata=extra, password=password,
                          duplex=duplex)
    return Handout(plan, pdf, pages, len(chosen.pages) if chosen else 0)


def output_path(target: str | Path | None, patient_id: str, *, kind: str = "handout") -> Path:
    """Where a handout goes: ``target`` if it ends in .pdf, else ``target/<id>.pdf`` (default output/)."""
    target = Path(target) if target else Path("output")
    if target.suffix.lower() == ".pdf":
        return target
    name = patient_id if kind == "handout" else f"{patient_id}-{kind}"
    return target / f"{name}.pdf"


def write_handout(request: HandoutRequest, target: str | Path | None = None, *, library: Library,
                  force: bool = False, kind: str = "handout", cover: Path | None = None,
                  use_cover: bool = True, today: date | None = None,
                  name_in_metadata: bool = False, password: str | None = None, duplex: bool = False) -> Written:
    """Make the handout and write it atomically; refuse to overwrite unless ``force``."""
    path = output_path(target, request.patient.patient_id, kind=kind)
    refuse_overwrite(path, force=force)  # before the work of making it
    handout = make_handout(request, library=library, kind=kind, cover=cover, use_cover=use_cover,
                           today=today, name_in_metadata=name_in_metadata, password=password, duplex=duplex)
    write_atomic(path, handout.pdf, force=force)
    return Written(path, handout)
