"""One handout end to end: plan, templates, layout, cover, write."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from handouts import clock
from handouts.compose.document import compose
from handouts.errors import ErrorList, HandoutError, InputError, OutputExistsError
from handouts.fast_path import one_reading
from handouts.model import HandoutRequest, Plan
from handouts.model.layout import LayoutMap
from handouts.model.options import PrintOptions
from handouts.render.pdf import render
from handouts.render.pdf.alike import Alike, no_alike
from handouts.render.pdf.cover import Cover, load_cover
from handouts.render.pdf.fonts import FONT_NAME
from handouts.render.pdf.text import missing_glyphs
from handouts.rules.plan import make_plan
from handouts.run.layout_file import layout_json, layout_path
from handouts.run.library import Library
from handouts.run.output import case_twin, folder_names, refuse_overwrite, sweep_stale, twin_message, write_together
from handouts.run.record import plan_record, record_bytes, record_path


@dataclass(frozen=True)
class Handout:
    """A finished PDF in memory, with the plan it was made from."""

    plan: Plan
    pdf: bytes
    pages: int
    cover_pages: int
    layout: LayoutMap  # every tick box and write-in cell, page numbers counted after the cover
    #: Its objects alike in other handouts, by number, found when asked: a print file need not read them again.
    alike: Callable[[], Alike] = field(default=no_alike, repr=False, compare=False)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest()


@dataclass(frozen=True)
class Written:
    """A handout written to disk, with its plan record (None for a checklist alone)."""

    path: Path
    handout: Handout
    record: Path | None = None  # the plan record beside the PDF (None: not a full handout)
    layout_path: Path | None = None  # the layout JSON beside the PDF (None: the document has no tick boxes)


def refuse_unprintable(request: HandoutRequest) -> None:
    """Refuse a name, clinician or note with a letter the handout's font cannot draw: it would
    print as a replacement mark, and a handout must never lose a patient's words silently."""
    problems: list[HandoutError] = []
    for name, text in (("name", request.patient.name), ("clinician", request.clinician), ("notes", request.notes)):
        missing = missing_glyphs(text)
        if not missing:
            continue
        if name == "name":  # a message (and the manifest, and a log) names the patient by id only: no letters
            count = sum(1 for c in text if c in missing)
            first = next(n for n, c in enumerate(text, start=1) if c in missing)
            problems.append(InputError(
                f"has {count} letter{'s' if count != 1 else ''} the handout's font ({FONT_NAME}) cannot print (the "
                f"first is letter {first} of the name); write it with letters it has, e.g. in Latin letters as on "
                "the patient's ID", field=name))
            continue
        shown = ", ".join(f"{c} (U+{ord(c):04X})" for c in missing[:6]) + (", ..." if len(missing) > 6 else "")
        problems.append(InputError(f"has letters the handout's font ({FONT_NAME}) cannot print: {shown}; leave them "
                                   "out or say it in words", field=name))
    if problems:
        raise ErrorList(problems)


def make_handout(request: HandoutRequest, *, library: Library, options: PrintOptions = PrintOptions()) -> Handout:
    """Make the PDF for ``request``: the cover the options ask for, then the pages of ``options.kind``."""
    with one_reading():  # the fast-path switch, read once for the whole handout
        refuse_unprintable(request)
        today = options.today or clock.today()  # the day printed in its footer: its dates are checked against it
        plan = make_plan(request, library.dataset, today=today)
        doc = compose(plan, library.templates(plan.language), today=today, kind=options.kind, week=options.week)
        chosen: Cover | None = None
        # The clinic's cover introduces the exercise pages: a checklist alone gets a cover only when named.
        cover_path = options.cover or (plan.clinic.covers.get(plan.language) if options.kind == "handout" else None)
        if options.use_cover and cover_path is not None:
            chosen = load_cover(cover_path)
        extra = {"/Subject": request.patient.name} if options.name_in_metadata else None
        rendered = render(doc, cover=chosen, password=options.password, duplex=options.duplex, extra_metadata=extra,
                          document_id=options.document_id)
        return Handout(plan, rendered.pdf, rendered.pages, rendered.cover_pages, rendered.layout, rendered.alike)


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
    """Make the handout and write it atomically, with its plan record beside it (``<id>.plan.json``) when it
    is a full handout; refuse to overwrite either unless ``force``."""
    path = output_path(target, request.patient.patient_id, kind=options.kind, week=options.week)
    record = record_path(path) if options.kind == "handout" else None
    beside = layout_path(path)
    names = folder_names(path.parent)
    for file in (path, record, beside):  # before the work of making it
        if file is not None:
            refuse_overwrite(file, force=force)
            other = case_twin(file, names)
            if other is not None:
                raise OutputExistsError(twin_message(file, other), path=file)
    sweep_stale(path.parent)  # what a stopped run left: this run's own temporary file is locked
    made = options.today or clock.today()  # one date for the page and the record
    handout = make_handout(request, library=library, options=dataclasses.replace(options, today=made))
    # the files beside it first: a PDF under its name always has them (written and synced together,
    # then named in this order, then the folder synced once: ``output.write_together``)
    files: list[tuple[Path, bytes]] = []
    if record is not None:
        files.append((record, record_bytes(plan_record(handout.plan, made=made,
                                                       document_id=handout.layout.document_id))))
    layout = None
    if handout.layout.boxes:
        layout = beside
        files.append((beside, layout_json(handout.layout, patient_id=request.patient.patient_id, kind=options.kind)))
    for file, _ in files:  # checked again: one may have appeared while the handout was made
        refuse_overwrite(file, force=force)
    write_together([*files, (path, handout.pdf)], force_last=force)
    return Written(path, handout, record, layout)
