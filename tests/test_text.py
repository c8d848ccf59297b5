"""Templates render in a sandbox, strictly, and cannot be steered by patient text."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import pdf_text

from handouts.compose.templates import load_templates
from handouts.errors import DataError, HandoutError
from handouts.model.document import Heading, plain_text
from handouts.model.options import PrintOptions
from handouts.run.library import open_library


def _library_with(templates_copy: Path, name: str, text: str):  # type: ignore[no-untyped-def]
    (templates_copy / "en" / name).write_text(text, encoding="utf-8")
    load_templates.cache_clear()
    return open_library(None, templates_copy)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        pytest.param("{{ patient.__class__.__mro__ }}", "handout.md.j2:1: ", id="dunder"),
        pytest.param("{{ ''.__class__.__subclasses__() }}", "handout.md.j2:1: ", id="subclasses"),
        pytest.param("{% for i in range(10**9) %}x{% endfor %}", "handout.md.j2:1: ", id="huge-range"),
        pytest.param("ok\n{{ no_such_thing }}", "handout.md.j2:2: 'no_such_thing' is undefined", id="undefined"),
        pytest.param("{% if %}", "handout.md.j2:1: template syntax", id="syntax"),
        pytest.param("{{ labels.update({'x': 1}) }}", "handout.md.j2:1: ", id="mutation"),
    ],
)
def test_unsafe_or_broken_templates_fail_with_template_and_line(
        templates_copy: Path, library, request_for, source: str, message: str) -> None:  # type: ignore[no-untyped-def]
    from handouts.run.handout import make_handout

    broken = _library_with(templates_copy, "handout.md.j2", source)
    with pytest.raises(DataError) as caught:
        make_handout(request_for(), library=broken, options=PrintOptions(use_cover=False))
    assert message in str(caught.value)
    assert "handout.md.j2" in str(caught.value)
    load_templates.cache_clear()


def test_a_clinic_can_reorder_and_reword_sections(templates_copy: Path, request_for) -> None:  # type: ignore[no-untyped-def]
    from handouts.run.handout import make_handout

    custom = _library_with(templates_copy, "handout.md.j2",
                           "# Our own title\n\n::: checklist\n\n# Exercises first? No, after.\n\n::: exercises\n"
                           '{% include "safety.md.j2" %}\n{% include "pain-guide.md.j2" %}\n')
    handout = make_handout(request_for(), library=custom, options=PrintOptions(use_cover=False))
    text = pdf_text(handout.pdf)
    assert "Our own title" in text
    assert text.index("Week 1") < text.index("1. Lying face down on elbows")
    load_templates.cache_clear()


def test_patient_values_cannot_inject_structure(library, request_for) -> None:  # type: ignore[no-untyped-def]
    from handouts.compose.context import handout_context
    from handouts.rules.plan import make_plan

    templates = library.templates("en")
    hostile = "::: box emergency\n# Heading\n- item **bold** <b>x</b> &amp;"
    plan = make_plan(request_for(clinician=hostile), library.dataset)
    context = handout_context(plan, templates, today=plan.request.start_date)
    blocks = templates.render("handout.md.j2", context)
    table_cells = [cell for block in blocks if hasattr(block, "rows") for row in block.rows for cell in row]
    assert any(plain_text(cell) == hostile.replace("\n", " ") and not any(s.bold for s in cell) for cell in table_cells)
    assert not any(isinstance(b, Heading) and "Heading" in plain_text(b.text) for b in blocks)


def test_a_template_that_drops_the_safety_box_is_refused(templates_copy: Path, request_for) -> None:  # type: ignore[no-untyped-def]
    from handouts.run.handout import make_handout

    source = (templates_copy / "en" / "handout.md.j2").read_text()
    custom = _library_with(templates_copy, "handout.md.j2", source.replace('{% include "safety.md.j2" %}', ""))
    try:
        with pytest.raises(DataError, match="no longer says 'Go to a hospital emergency department now'"):
            make_handout(request_for(), library=custom, options=PrintOptions(use_cover=False))
        assert any("every handout must carry the safety warnings" in str(e) for e in custom.check_templates())
    finally:
        load_templates.cache_clear()


def test_a_misspelt_label_placeholder_fails_at_load(templates_copy: Path) -> None:
    labels = templates_copy / "en" / "labels.yaml"
    labels.write_text(labels.read_text().replace('short_date: "{weekday}', 'short_date: "{wkday}'))
    load_templates.cache_clear()
    try:
        with pytest.raises(HandoutError) as caught:
            open_library(None, templates_copy)
    finally:
        load_templates.cache_clear()
    line = next(n for n, text in enumerate(labels.read_text().splitlines(), 1) if text.startswith("short_date:"))
    assert (f"labels.yaml:{line}: short_date: cannot fill '{{wkday}} {{day}} {{month}}': there is no field {{wkday}}; "
            "it may use {weekday}, {day}, {month}, {year}") in str(caught.value)


def test_a_template_stuck_in_loops_is_stopped_off_the_main_thread(  # type: ignore[no-untyped-def]
        templates_copy: Path, request_for, monkeypatch: pytest.MonkeyPatch) -> None:
    """Loops over a local list call nothing and print nothing; only the watchdog can stop them."""
    from concurrent.futures import ThreadPoolExecutor

    from handouts.compose import templates as templates_module
    from handouts.run.handout import make_handout

    monkeypatch.setattr(templates_module, "RENDER_SECONDS", 0.5)
    loops = 9
    source = "{% set m = labels.months %}" + "{% for x in m %}" * loops + "{% endfor %}" * loops
    stuck = _library_with(templates_copy, "handout.md.j2", source)
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            future = pool.submit(make_handout, request_for(), library=stuck)
            with pytest.raises(DataError, match="ran for more than 0.5 seconds"):
                future.result(timeout=60)
    finally:
        load_templates.cache_clear()


def test_a_runaway_template_is_stopped_after_renders_with_later_deadlines() -> None:
    """The watchdog sleeps until the earliest deadline it knows and is woken only for an earlier one:
    a short limit after longer ones (and after the longer ones' renders finished) still stops it."""
    import threading
    import time
    from collections.abc import Iterator

    from handouts.compose.sandbox import TemplateTimeout, run_limited

    def forever() -> list[str]:
        while True:
            pass

    def slow() -> Iterator[str]:
        time.sleep(0.2)  # long enough for the watchdog to see this render's deadline and sleep until it
        yield "ab"

    for _ in range(2):  # renders that leave the watchdog asleep until their hour-long deadlines
        assert run_limited(slow, seconds=3600, max_output=10) == "ab"
    stopped: list[BaseException] = []

    def runaway() -> None:
        try:
            run_limited(forever, seconds=0.3, max_output=10)
        except TemplateTimeout as exc:
            stopped.append(exc)

    thread = threading.Thread(target=runaway, daemon=True)  # a daemon: a missed stop must not hang the tests
    thread.start()
    thread.join(timeout=60)  # a missed wake-up would leave it running for the hour
    assert stopped and not thread.is_alive()
    assert run_limited(lambda: iter(["c"]), seconds=3600, max_output=10) == "c"  # and the next render runs
