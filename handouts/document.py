"""Lay out one plan as PDF pages: templates in, ReportLab pages out (no cover yet)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from io import BytesIO

from reportlab import rl_config
from reportlab.platypus import Flowable

from .cards import Video, exercise_card
from .checklist import checklist_grids
from .layout import flowables
from .models import Clinic, Exercise, Plan
from .pages import HandoutDocument, Mark, Running, canvas_maker
from .styles import Look
from .text import Templates, handout_context, require_safety_phrases

#: What can be printed: the full handout, or the weekly checklist alone.
KINDS = ("handout", "checklist")


@dataclass(frozen=True)
class Body:
    """The laid-out pages of a handout, where its sections and cards are, and its language."""

    pdf: bytes
    pages: int
    marks: tuple[Mark, ...]
    title: str
    language: str


@contextlib.contextmanager
def _plain_flate() -> Iterator[None]:
    """Compress streams with Flate alone: ReportLab's default ASCII85 layer adds a quarter to every stream."""
    previous = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = previous


def video_for(exercise: Exercise, clinic: Clinic, caption: str) -> Video | None:
    """The exercise's own video, else the clinic's video page for it, else none."""
    if exercise.video_url:
        return Video(exercise.video_url, caption)
    if clinic.video_page:
        return Video(clinic.video_page.replace("{id}", exercise.id), caption)
    return None


def look_for(plan: Plan) -> Look:
    """The paper, print size and colour a plan asks for."""
    return Look(paper=plan.paper, large_print=plan.request.large_print, accent=plan.clinic.accent)


def build_body(plan: Plan, templates: Templates, *, today: date, kind: str = "handout") -> Body:
    """Render ``kind`` ('handout' or 'checklist') of ``plan`` to PDF pages."""
    look = look_for(plan)
    labels = templates.labels
    context = handout_context(plan, templates, today=today)

    def cards() -> list[Flowable]:
        return [exercise_card(templates.render("exercise.md.j2", {"exercise": words, "labels": labels}), look,
                              illustration=planned.exercise.illustration, number=words["number"],
                              video=video_for(planned.exercise, plan.clinic, labels["video"]))
                for planned, words in zip(plan.exercises, context["exercises"])]

    slots = {"exercises": cards, "checklist": lambda: checklist_grids(plan, templates, look)}
    blocks = templates.render(f"{kind}.md.j2", context)
    require_safety_phrases(blocks, templates, f"{kind}.md.j2")
    story = flowables(blocks, look, slots)
    title = labels["document_title"] if kind == "handout" else labels["checklist_document_title"]
    buffer = BytesIO()
    document = HandoutDocument(buffer, look, title=title, author=plan.clinic.name_in(plan.language))
    running = Running(
        clinic=plan.clinic.name_in(plan.language), patient=plan.request.patient.name,
        made=labels["made"].format(date=templates.long_date(today)), page_format=labels["page"],
    )
    with _plain_flate():
        document.build(story, canvasmaker=canvas_maker(look, running))
    return Body(buffer.getvalue(), document.page, tuple(document.marks), title, plan.language)
