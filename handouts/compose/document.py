"""Compose a plan into a ``HandoutDoc``: the templates' words, the exercise cards and the weekly grids.

This is the last stage that knows about templates; what it returns is plain
data a renderer draws (``handouts.model.document``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from handouts import fast_path
from handouts.compose.context import handout_context
from handouts.compose.markup import Parsed, Slot, clean
from handouts.compose.templates import TEMPLATE_FILES, Templates, load_templates
from handouts.errors import DataError, HandoutError, InputError, flatten, one_of
from handouts.load.fields import MAX_WEEKS, MIN_WEEKS
from handouts.model import Clinic, Exercise, Plan, PlannedExercise
from handouts.model.document import (
    Block,
    Box,
    Card,
    Cards,
    Checklist,
    Day,
    GridRow,
    HandoutDoc,
    Heading,
    Inline,
    PageBreak,
    PageSetup,
    Running,
    Video,
    Week,
    blocks_text,
    plain_text,
)
from handouts.model.layout import PAIN_VALUES, WALK_BLOCK_MINUTES
from handouts.model.options import DOCUMENT_KINDS

SLOTS = ("exercises", "checklist", "pagebreak")


def compose(plan: Plan, templates: Templates, *, today: date, kind: str = "handout",
            week: int | None = None) -> HandoutDoc:
    """The document of ``kind`` ('handout' or 'checklist') for ``plan``, in the templates' language;
    with ``week``, its checklist holds that one week (1-based), dated from the plan's start."""
    if kind not in DOCUMENT_KINDS:
        raise InputError(one_of(kind, DOCUMENT_KINDS, "kind"))
    if week is not None and not MIN_WEEKS <= week <= MAX_WEEKS:
        raise InputError(f"{week} is not a whole number from {MIN_WEEKS} to {MAX_WEEKS}", field="week")
    numbers = range(week - 1, week) if week is not None else range(plan.request.weeks)
    name = f"{kind}.md.j2"
    context = handout_context(plan, templates, today=today)
    parsed = templates.render(name, context)
    require_safety_phrases(parsed, templates, name)
    blocks = _fill_slots(parsed, templates, name, {
        "exercises": lambda: Cards(tuple(_card(p, words, plan.clinic, templates)
                                         for p, words in zip(plan.exercises, context["exercises"]))),
        "checklist": lambda: Checklist(tuple(_week(plan, templates, n) for n in numbers)),
    })
    labels = templates.labels
    return HandoutDoc(
        kind=kind,
        title=labels["document_title"] if kind == "handout" else labels["checklist_document_title"],
        language=plan.language,
        author=plan.clinic.name_in(plan.language),
        blocks=blocks,
        running=Running(clinic=clean(plan.clinic.name_in(plan.language)), patient=clean(plan.request.patient.name),
                        made=templates.label("made", date=templates.long_date(today)), page_format=labels["page"],
                        edition=templates.label("edition", version=plan.edition.version,
                                                date=templates.long_date(plan.edition.reviewed))
                        if plan.edition else "",
                        sample=clean(labels["sample"]) if plan.clinic.sample else ""),
        setup=PageSetup(paper=plan.paper, large_print=plan.request.large_print, accent=plan.clinic.accent),
        cover_label=labels["cover"],
    )


def _fill_slots(parsed: Sequence[Parsed], templates: Templates, name: str,
                makers: Mapping[str, Any]) -> tuple[Block, ...]:
    """The parsed blocks with each slot replaced by what it stands for."""
    blocks: list[Block] = []
    for block in parsed:
        if isinstance(block, Slot):
            if block.name == "pagebreak":
                blocks.append(PageBreak())
            elif block.name in makers:
                blocks.append(makers[block.name]())
            else:
                raise DataError(f"'::: {block.name}' is not a place this template can fill; use one of "
                                f"{', '.join(SLOTS)}", path=templates.folder / name)
        elif isinstance(block, Box):
            blocks.append(Box(block.kind, _fill_slots(block.blocks, templates, name, {})))
        else:
            blocks.append(block)
    return tuple(blocks)


def _card(planned: PlannedExercise, words: Mapping[str, Any], clinic: Clinic, templates: Templates) -> Card:
    """One exercise card from ``exercise.md.j2``: its first heading is the title; the blocks before
    the first box sit beside the picture; the box and everything after it span the card.

    A card is made once per process for the same words, picture and video, and is then the same object
    in every handout that prints it (the renderer knows a card it has seen by that)."""
    video = video_for(planned.exercise, clinic, templates.labels["video"])
    said = repr(words)
    return templates.kept(("card", said, planned.id, fast_path.said(planned.exercise.illustration), repr(video)),
                          lambda: _made_card(planned, words, said, video, templates))


def _made_card(planned: PlannedExercise, words: Mapping[str, Any], said: str, video: Video | None,
               templates: Templates) -> Card:
    name = "exercise.md.j2"
    blocks = _fill_slots(templates.render(name, {"exercise": words, "labels": templates.labels}, kept=said),
                         templates, name, {})
    title = next((b for b in blocks if isinstance(b, Heading)), None)
    body = [b for b in blocks if b is not title]
    split = next((i for i, b in enumerate(body) if isinstance(b, Box)), len(body))
    return Card(
        exercise_id=planned.id, number=words["number"], title=title.text if title else (),
        beside=tuple(body[:split]), below=tuple(body[split:]), illustration=planned.exercise.illustration,
        video=video,
    )


def video_for(exercise: Exercise, clinic: Clinic, caption: str) -> Video | None:
    """The exercise's own video, else the clinic's video page for it, else none."""
    if exercise.video_url:
        return Video(exercise.video_url, caption)
    if clinic.video_page:
        return Video(clinic.video_page.replace("{id}", exercise.id), caption)
    return None


def week_days(start: date, week: int) -> list[date]:
    """The seven dates of week ``week`` (0-based) from ``start``."""
    first = start + timedelta(days=7 * week)
    return [first + timedelta(days=i) for i in range(7)]


def walking_blocks(plan: Plan) -> int:
    """Walking's boxes a day, one per 10 minutes of its goal (1 to 6): ticked blocks, not written minutes,
    can be read back from a scan."""
    walking = next((p for p in plan.exercises if p.exercise.kind == "aerobic"), None)
    goal = (walking.dose.minutes_up_to or walking.dose.minutes or 30) if walking else 30
    return max(1, min(6, -(-goal // WALK_BLOCK_MINUTES)))


def _week(plan: Plan, templates: Templates, index: int) -> Week:
    """Week ``index`` (0-based): a row per exercise (walking has its own), walking, pain and notes.

    Made once per process for the same dates and rows (the key holds everything ``_made_week`` reads
    beyond the templates), so the handouts of one start date and exercises share their weeks."""
    exercises = tuple((p.id, p.exercise.kind, p.exercise.words(plan.language).name, p.dose.times_a_day)
                      for p in plan.exercises)
    leg_pain = bool(plan.request.leg_pain or plan.request.diagnosis == "sciatica")
    blocks = walking_blocks(plan)
    key = ("week", plan.request.start_date, index, exercises, plan.has_walking, blocks, leg_pain)
    return templates.kept(key, lambda: _made_week(plan, templates, index, blocks, leg_pain))


def _made_week(plan: Plan, templates: Templates, index: int, blocks: int, leg_pain: bool) -> Week:
    grid = templates.labels["grid"]
    dates = week_days(plan.request.start_date, index)
    days = []
    for day in dates:
        weekday, _, rest = templates.short_date(day).partition(" ")
        days.append(Day(day, weekday, rest))
    rows = [GridRow("exercise", clean(p.exercise.words(plan.language).name),
                    clean(templates.times_a_day(p.dose.times_a_day)), p.id, p.dose.times_a_day)
            for p in plan.exercises if p.exercise.kind != "aerobic"]
    if plan.has_walking:
        rows.append(GridRow("walking", clean(grid["walking"]), clean(grid["walking_hint"]), "walking",
                            blocks))
    # Pain is ticked (better, same, worse than yesterday: the sheet's traffic light) so it can be read
    # back; the 0 to 10 score is still written beside it for the clinician.
    kinds = ["pain"] + (["leg_pain"] if leg_pain else [])
    rows += [GridRow(kind, clean(grid[kind]), clean(grid["pain_hint"]),
                     choices=tuple(clean(grid["changes"][change]) for change in PAIN_VALUES)) for kind in kinds]
    rows.append(GridRow("notes", clean(grid["notes"])))
    named = {"n": index + 1, "first": templates.short_date(dates[0]), "last": templates.short_date(dates[-1])}
    title = templates.label("grid", "week", **named)
    # over the second part of a week printed in two (older template copies lack it: the title again)
    continued = templates.label("grid", "week_continued", **named) if grid.get("week_continued") else title
    return Week(index + 1, title, grid["exercise"], tuple(days), tuple(rows), continued)


def require_safety_phrases(blocks: Sequence[Parsed], templates: Templates, name: str) -> None:
    """Refuse a handout whose template lost the stop rules or red flags (labels.yaml lists them)."""
    words = " ".join(map(_words, blocks_text(blocks)))  # type: ignore[arg-type]
    missing = [p for p in templates.labels["safety_phrases"] if " ".join(p.split()) not in words]
    if missing:
        raise DataError(f"the handout no longer says {missing[0]!r}; every handout must carry the safety "
                        "warnings (safety_phrases in labels.yaml)", path=templates.folder / name)


@lru_cache(maxsize=4096)
def _words(text: Inline) -> str:
    """The words of a line of text, single-spaced (most lines recur in every handout)."""
    return " ".join(plain_text(text).split())


def validate_templates(root: Path, language: str, sample: Mapping[str, Any]) -> list[HandoutError]:
    """Render every template of ``language`` with ``sample`` context; return the problems."""
    errors: list[HandoutError] = []
    try:
        templates = load_templates(root, language)
    except DataError as exc:
        return flatten(exc)
    for name in TEMPLATE_FILES:
        contexts = [{"exercise": e, "labels": sample["labels"]} for e in sample["exercises"]] \
            if name == "exercise.md.j2" else [sample]
        for context in contexts:
            try:
                blocks = templates.render(name, context)
                if name != "exercise.md.j2":
                    require_safety_phrases(blocks, templates, name)
            except DataError as exc:
                errors.append(exc)
                break
    return errors
