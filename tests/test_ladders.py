"""Ladders as data: easier and harder versions with plain criteria and sources, and dose build-ups."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from handouts.errors import ErrorList
from handouts.run.library import open_library

#: The rungs issue 17 asks for, as (easier, harder) pairs of exercise ids.
LADDERS = [
    ("prone-lying", "prone-on-elbows"), ("prone-on-elbows", "prone-press-up"),
    ("plank-on-knees", "prone-plank"), ("one-knee-to-chest", "double-knee-to-chest"),
    ("hamstring-stretch-bent-knee", "hamstring-stretch"), ("low-back-bridge", "marching-bridge"),
]


def test_every_exercise_has_a_rung_up_or_down(library) -> None:  # type: ignore[no-untyped-def]
    for exercise in library.dataset.exercises.values():
        assert exercise.easier or exercise.harder, exercise.id


@pytest.mark.parametrize(("easier", "harder"), [pytest.param(*pair, id=f"{pair[0]}>{pair[1]}") for pair in LADDERS])
def test_the_issues_ladders_go_both_ways(library, easier: str, harder: str) -> None:  # type: ignore[no-untyped-def]
    exercises = library.dataset.exercises
    assert harder in [r.exercise for r in exercises[easier].harder]
    assert easier in [r.exercise for r in exercises[harder].easier]


def test_every_criterion_and_build_up_has_a_source_and_every_language(library) -> None:  # type: ignore[no-untyped-def]
    dataset = library.dataset
    for exercise in dataset.exercises.values():
        for rung in (*exercise.easier, *exercise.harder):
            assert rung.sources and set(rung.sources) <= set(dataset.region.sources), exercise.id
            assert set(rung.when) == set(dataset.languages), exercise.id
            assert all(len(text.split()) <= 20 for text in rung.when.values()), exercise.id  # one short line
        if exercise.build_up:
            assert exercise.build_up.sources


def test_build_up_targets_day_by_day(library) -> None:  # type: ignore[no-untyped-def]
    plank = library.dataset.exercises["prone-plank"].build_up
    assert plank is not None and (plank.start, plank.step, plank.every_days, plank.goal) == (10, 5, 2, 60)
    assert [plank.target(day) for day in range(7)] == [10, 10, 15, 15, 20, 20, 25]
    assert plank.target(100) == 60


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _errors(data: Path) -> list[str]:
    with pytest.raises(ErrorList) as caught:
        open_library(data)
    return [str(e) for e in caught.value.errors]


EX = "regions/low-back/exercises/"


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        pytest.param("prone-plank.yaml", "  - exercise: plank-on-knees", "  - exercise: plank-on-knee",
                     "prone-plank.yaml: easier[0].exercise: unknown exercise 'plank-on-knee' (did you mean "
                     "'plank-on-knees'?); add its file to exercises/ or name another", id="unknown-rung"),
        pytest.param("hamstring-stretch.yaml", "  - exercise: hamstring-stretch-bent-knee", "  - exercise: bird-dog",
                     "hamstring-stretch.yaml: easier[0].exercise: bird-dog is a strengthen exercise, but "
                     "hamstring-stretch is a stretch one; an easier or harder version must be the same kind",
                     id="other-kind"),
        pytest.param("prone-plank.yaml", "  - exercise: plank-on-knees", "  - exercise: prone-plank",
                     "prone-plank.yaml: easier[0].exercise: names this exercise itself", id="itself"),
        pytest.param("prone-plank.yaml", "      es: Si no aguanta 10 segundos con el cuerpo recto\n", "",
                     "prone-plank.yaml: easier[0].when.es: the 'es' criterion is missing", id="criterion-language"),
        pytest.param("prone-plank.yaml", "    source: common-practice\ntext:", "text:",
                     "prone-plank.yaml: easier[0].source: is required: where the criterion comes from",
                     id="criterion-source"),
        pytest.param("piriformis-stretch.yaml", "  - dose: {hold: 10}", "  - dose: {hold: 5}",
                     "piriformis-stretch.yaml: easier[0].dose.hold: expected a whole number from 10 to 60, found '5'",
                     id="rung-outside-limits"),
        pytest.param("piriformis-stretch.yaml", "  - dose: {hold: 10}", "  - dose: {minutes: 10}",
                     "piriformis-stretch.yaml: easier[0].dose.minutes: the dose has no minutes", id="rung-field"),
        pytest.param("piriformis-stretch.yaml", "  - dose: {hold: 10}", "  - dose: {hold: 10}\n    exercise: bird-dog",
                     "piriformis-stretch.yaml: easier[0]: give either 'exercise: ID'", id="rung-both"),
        pytest.param("prone-plank.yaml", "  every_days: 2", "  every_days: 2\n  goal: 90",
                     "prone-plank.yaml: build_up.goal: goal 90 differs from dose.hold_up_to 60; leave 'goal' out",
                     id="goal-mismatch"),
        pytest.param("prone-plank.yaml", "  while: pain-not-worse", "  while: feels-fine",
                     "prone-plank.yaml: build_up.while: 'feels-fine' is not one of pain-not-worse, pain-not-spreading",
                     id="build-up-rule"),
        pytest.param("low-back-bridge.yaml", "harder:\n", "build_up: {field: repeat, step: 1, every_days: 2, "
                     "while: pain-not-worse, source: common-practice}\nharder:\n",
                     "low-back-bridge.yaml: build_up.goal: is required: the number to build up to", id="goal-needed"),
    ],
)
def test_broken_ladders_name_file_key_and_fix(data_copy: Path, file: str, old: str, new: str, expected: str) -> None:
    _edit(data_copy / EX / file, old, new)
    errors = _errors(data_copy)
    assert any(expected in e for e in errors), errors


# ---------------------------------------------------------------- the cards print the ladder lines

from click.testing import CliRunner  # noqa: E402

from handouts.cli import cli  # noqa: E402
from handouts.load.request_fields import build_request  # noqa: E402
from handouts.model.options import PrintOptions  # noqa: E402
from handouts.run.handout import make_handout  # noqa: E402
from helpers import pdf_text  # noqa: E402


def _text(library, request) -> str:  # type: ignore[no-untyped-def]
    return pdf_text(make_handout(request, library=library, options=PrintOptions(use_cover=False)).pdf)


def test_english_cards_print_too_hard_ready_for_more_and_build_up(library, request_for) -> None:  # type: ignore[no-untyped-def]
    text = _text(library, request_for(exercises=("prone-on-elbows", "prone-plank", "low-back-bridge", "walking")))
    assert ("Too hard? If you cannot hold 10 seconds with your body straight, ask us about “Plank on knees”."
            in text)
    assert ("Ready for more? When you can hold 3 minutes on 3 days in a row with no more pain, ask us about "
            "“Press-up, hips down”." in text)
    assert "Build up: add 5 seconds every 2 days if your pain is no worse." in text
    assert "Build up: add 30 seconds every 2 days if the pain does not spread down your leg." in text
    # a dose rung: the bridge's longer hold
    assert ("Ready for more? When 2 sets of 10 feel easy on 3 days in a row with no more pain, ask us about "
            "holding 10 seconds." in text)
    assert "If walking 10 minutes makes your back or leg pain worse, walk 5 minutes instead." in text


def test_spanish_cards_print_the_ladder_lines(library, request_for) -> None:  # type: ignore[no-untyped-def]
    text = _text(library, request_for(language="es", exercises=("prone-plank", "low-back-bridge", "walking")))
    assert "¿Muy difícil? Si no aguanta 10 segundos con el cuerpo recto, pregúntenos por «Plancha con las rodillas apoyadas»." in text
    assert "Para avanzar: añada 5 segundos cada 2 días si el dolor no empeora." in text
    assert "¿Quiere avanzar? Cuando 2 series de 10 le resulten fáciles durante 3 días seguidos sin más dolor, " \
           "pregúntenos si puede aguantar 10 segundos." in text
    assert "Too hard" not in text and "Ready for more" not in text


def test_no_ladder_leaves_the_lines_out(library, request_for) -> None:  # type: ignore[no-untyped-def]
    text = _text(library, request_for(exercises=("prone-plank", "low-back-bridge"), ladder=False))
    assert "Too hard?" not in text and "Ready for more?" not in text and "Build up:" not in text
    assert "Plank on elbows" in text


def test_a_rung_the_rules_would_take_out_is_never_offered(library, request_for) -> None:  # type: ignore[no-untyped-def]
    # With leg pain the strap stretch gives way to the bent-knee one; its card must not offer it back.
    text = _text(library, request_for(exercises=("hamstring-stretch", "walking"), leg_pain=True))
    assert "Hamstring stretch, knee bent" in text and "Ready for more?" not in text
    without = _text(library, request_for(exercises=("hamstring-stretch-bent-knee", "walking"), leg_pain=False))
    assert "ask us about “Hamstring stretch (back of thigh)”" in without


def test_a_dose_at_its_goal_has_no_build_up_line(library, request_for) -> None:  # type: ignore[no-untyped-def]
    request = request_for(exercises=("prone-plank", "low-back-bridge"), dose_changes={"prone-plank": {"hold": 60}})
    text = _text(library, request)
    assert "Build up: add 5 seconds" not in text and "Hold 1 minute" in text  # walking keeps its own


def test_no_ladder_on_the_command_line_and_in_a_csv(library, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    common = ["make", "--patient-id", "p-1", "--name", "Ana", "--diagnosis", "nonspecific", "--phase", "maintenance",
              "--start-date", "2026-12-07", "--no-cover"]
    for flags, name in (([], "with"), (["--no-ladder"], "without")):
        result = CliRunner().invoke(cli, [*common, *flags, "-o", str(tmp_path / f"{name}.pdf")])
        assert result.exit_code == 0, result.output
    assert "Too hard?" in pdf_text((tmp_path / "with.pdf").read_bytes())
    assert "Too hard?" not in pdf_text((tmp_path / "without.pdf").read_bytes())
    row = {"patient_id": "p-1", "name": "Ana", "diagnosis": "nonspecific", "phase": "acute", "no_ladder": "yes"}
    assert build_request(row, library.dataset, today=date(2026, 12, 2)).ladder is False
    row["no_ladder"] = "maybe"
    with pytest.raises(ErrorList) as caught:
        build_request(row, library.dataset, today=date(2026, 12, 2))
    assert [e.field for e in caught.value.errors] == ["no_ladder"]


# ---------------------------------------------------------------- moving on, getting up from the floor, stenosis walking


def test_how_you_will_move_on_is_a_talk_with_the_therapist(library, request_for) -> None:  # type: ignore[no-untyped-def]
    text = _text(library, request_for(phase="acute", exercises=("double-knee-to-chest", "walking")))
    assert ("How you will move on: talk to your physical therapist about the next stage when your pain is settling, "
            "you can walk for 10 to 15 minutes without more pain, and you are sleeping better." in text)
    es = _text(library, request_for(phase="subacute", language="es", exercises=("double-knee-to-chest", "walking")))
    assert ("Cómo avanzará: hable con su fisioterapeuta sobre la etapa siguiente cuando el dolor casi haya "
            "desaparecido, pueda hacer todos sus ejercicios sin más dolor al día siguiente y haya vuelto a casi todo "
            "lo que hacía a diario." in es)
    last = _text(library, request_for(phase="maintenance", exercises=("double-knee-to-chest", "walking")))
    assert "How you will move on" not in last  # the last phase has no next one


def test_every_sign_of_moving_on_has_a_source_and_every_language(library) -> None:  # type: ignore[no-untyped-def]
    region = library.dataset.region
    assert set(region.move_on) == {"acute", "subacute"}
    for step in region.move_on.values():
        for sign in step.signs:
            assert sign.sources and set(sign.sources) <= set(region.sources)
            assert set(sign.text) == set(library.dataset.languages)


def test_a_sign_without_its_source_or_a_language_is_refused(data_copy: Path) -> None:
    _edit(data_copy / "regions/low-back/region.yaml", "{en: you are sleeping better, es: duerma mejor, "
          "source: common-practice}", "{en: you are sleeping better}")
    errors = _errors(data_copy)
    assert any("region.yaml: move_on.acute.signs[2].source: is required" in e for e in errors), errors


def test_floor_tip_only_with_floor_exercises_and_stenosis_walking_only_for_stenosis(library, request_for) -> None:  # type: ignore[no-untyped-def]
    floor = _text(library, request_for(exercises=("double-knee-to-chest", "walking"), diagnosis="spinal-stenosis"))
    assert "Getting up from the floor: roll onto your side with your knees bent" in floor
    assert "Walking with spinal stenosis: walk in short bouts. If your legs ache or feel heavy, sit down or bend " \
           "forward until it eases" in floor and "shopping cart" in floor
    standing = _text(library, request_for(exercises=("standing-extension", "walking")))
    assert "Getting up from the floor" not in standing and "spinal stenosis" not in standing


@pytest.mark.parametrize(
    ("options", "tip"),
    [
        pytest.param({"phase": "acute", "exercises": ("double-knee-to-chest", "walking")}, "Getting up from the floor",
                     id="floor-and-move-on"),
        pytest.param({"phase": "acute", "exercises": ("standing-extension", "walking")}, None, id="move-on"),
        pytest.param({"phase": "subacute", "language": "es", "exercises": ("double-knee-to-chest", "walking")},
                     "Para levantarse del suelo", id="es"),
    ],
)
def test_the_tips_follow_the_checklist_instructions_and_moving_on_ends_the_handout(  # type: ignore[no-untyped-def]
        library, request_for, options, tip) -> None:
    """No heading of their own: a heading pushed the last tip onto a page of its own in two samples. The
    everyday tips come under the checklist's instructions, before the first week (after the last week they
    spilled onto a page alone in large print); how you will move on follows the last week and ends it."""
    handout = make_handout(request_for(**options), library=library, options=PrintOptions(use_cover=False))
    reader = PdfReader(BytesIO(handout.pdf))
    assert list(item.title for item in reader.outline)[-1] in ("Your weekly checklist", "Su registro de cada semana")
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    spanish = "Notas:" in text
    first_week = text.index("Semana 1:" if spanish else "Week 1:")
    if tip is not None:
        instructions = text.index("Traiga estas hojas a su próxima cita." if spanish
                                  else "Bring these pages to your next visit.")
        assert instructions < text.index(tip) < first_week
    move_on = text.index("Cómo avanzará" if spanish else "How you will move on")
    assert move_on > text.rindex("Notas:" if spanish else "Notes:") > first_week
    last = " ".join((reader.pages[-1].extract_text() or "").split())
    assert ("Cómo avanzará" if spanish else "How you will move on") in last
