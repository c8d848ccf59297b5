"""One handout end to end: plan, templates, layout, cover, write."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from handouts.compose.document import compose
from handouts.model import HandoutRequest, Plan
from handouts.model.layout import LayoutMap
from handouts.model.options import PrintOptions
from handouts.render.pdf import render
from handouts.render.pdf.cover import Cover, load_cover
from handouts.rules.plan import make_plan
from handouts.run.library import Library
from handouts.run.output import refuse_overwrite, write_atomic


@dataclass(frozen=True)
class Handout:
    """A finished PDF in memory, with the plan it was made from."""

    plan: Plan
    pdf: bytes
    pages: int
    cover_pages: int
    layout: LayoutMap  # every tick box and write-in cell, page numbers counted after the cover

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest()


@dataclass(frozen=True)
class Written:
    """A handout written to disk."""

    path: Path
    handout: Handout


def make_handout(request: HandoutRequest, *, library: Library, options: PrintOptions = PrintOptions()) -> Handout:
    """Make the PDF for ``request``: the cover the options ask for, then the pages of ``options.kind``."""
    plan = make_plan(request, library.dataset)
    doc = compose(plan, library.templates(plan.language), today=options.today or date.today(), kind=options.kind,
                  week=options.week)
    chosen: Cover | None = None
    cover_path = options.cover or plan.clinic.covers.get(plan.language)
    if options.use_cover and cover_path is not None:
        chosen = load_cover(cover_path)
    extra = {"/Subject": request.patient.name} if options.name_in_metadata else None
    rendered = render(doc, cover=chosen, password=options.password, duplex=options.duplex, extra_metadata=extra)
    return Handout(plan, rendered.pdf, rendered.pages, rendered.cover_pages, rendered.layout)


def output_path(target: str | Path | None, patient_id: str, *, kind: str = "handout", week: int | None = None) -> Path:
    """Where a handout goes: ``target`` if it ends in .pdf, else ``target/<id>.pdf`` (default output/);
    a checklist is ``<id>-checklist.pdf``, one week of it ``<id>-checklist-week3.pdf``."""
    target = Path(target) if target else Path("output")
    if target.suffix.lower() == ".pdf":
        return target
    name = patient_id if kind == "handout" else f"{patient_id}-{kind}"
    if week is not None:
        name += f"-week{week}"
    return target / f"{name}.pdf"


def write_handout(request: HandoutRequest, target: str | Path | None = None, *, library: Library,
                  options: PrintOptions = PrintOptions(), force: bool = False) -> Written:
    """Make the handout and write it atomically; refuse to overwrite unless ``force``."""
    path = output_path(target, request.patient.patient_id, kind=options.kind, week=options.week)
    refuse_overwrite(path, force=force)  # before the work of making it
    handout = make_handout(request, library=library, options=options)
    write_atomic(path, handout.pdf, force=force)
    return Written(path, handout)
