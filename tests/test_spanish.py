"""Spanish handouts, read back from real PDFs: words, doses, safety box, dates, footer, reading level."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml
from helpers import pdf_text

from handouts.errors import ErrorList
from handouts.load import locations as resources
from handouts.load.dataset import load_dataset
from handouts.model.options import PrintOptions
from handouts.report.check import check_pdf
from handouts.run.handout import make_handout

TODAY = date(2026, 11, 25)
# Both knees to chest (hold 20 s, 3 times, twice a day), the hamstring stretch (60 s, each side,
# equipment) and the bridge (sets); walking is added by rule 6.
CHOSEN = ("double-knee-to-chest", "hamstring-stretch", "low-back-bridge")


@pytest.fixture(scope="module")
def spanish(library):  # type: ignore[no-untyped-def]
    from handouts.model import HandoutRequest, Patient

    request = HandoutRequest(patient=Patient("es-001", "María José Núñez"), diagnosis="herniated-disc",
                             phase="subacute", start_date=date(2026, 12, 7), exercises=CHOSEN,
                             clinician="Ana Ruiz", language="es", overrides=frozenset({"allow_direction"}))
    return make_handout(request, library=library, options=PrintOptions(today=TODAY))


@pytest.fixture(scope="module")
def spanish_text(spanish) -> str:  # type: ignore[no-untyped-def]
    """The handout's own pages; the sample clinic's cover page is English and not ours to translate."""
    return pdf_text(spanish.pdf, slice(spanish.cover_pages, None))


def test_exercise_names_steps_and_doses_are_spanish(library, spanish, spanish_text: str) -> None:  # type: ignore[no-untyped-def]
    for planned in spanish.plan.exercises:
        words = planned.exercise.words("es")
        assert words.name in spanish_text
        assert words.steps[0] in spanish_text
    assert "Las dos rodillas al pecho" in spanish_text and "Caminar" in spanish_text
    assert "Mantenga 20 segundos" in spanish_text
    assert "Repita 3 veces" in spanish_text
    assert "Hágalo 2 veces al día" in spanish_text
    assert "Mantenga 1 minuto Repita 2 veces de cada lado" in spanish_text  # singular minute, each side
    assert "2 series en total" in spanish_text
    assert "Hágalo 1 vez al día" in spanish_text  # singular "vez"
    assert "Camine 10 minutos al principio" in spanish_text
    assert "Necesita: un cinturón" in spanish_text  # equipment in Spanish words


def test_safety_box_and_clinic_numbers(spanish_text: str, library) -> None:  # type: ignore[no-untyped-def]
    assert "síndrome de cauda equina" in spanish_text
    assert "Vaya ahora mismo a la sala de emergencias de un hospital, o llame al 911," in spanish_text
    for sign in ("alrededor de las nalgas", "no puede controlar la orina", "problemas sexuales"):
        assert sign in spanish_text
    clinic = library.dataset.clinics["sample"]
    assert f"Clínica: {clinic.phone}. Fuera de horario: " in spanish_text
    for phrase in library.templates("es").labels["safety_phrases"]:
        assert phrase in spanish_text


def test_dates_footer_and_checklist_words(spanish, spanish_text: str) -> None:  # type: ignore[no-untyped-def]
    assert "Empiece el 7 de diciembre de 2026" in spanish_text
    assert "Semana 1: del lun 7 dic al dom 13 dic" in spanish_text
    assert "Semana 2: del lun 14 dic al dom 20 dic" in spanish_text
    assert "Dolor de espalda" in spanish_text and "una casilla por cada 10 minutos" in spanish_text
    assert "1 vez al día" in spanish_text
    body_pages = spanish.pages - spanish.cover_pages
    assert f"Página 1 de {body_pages}" in spanish_text and f"Página {body_pages} de {body_pages}" in spanish_text
    assert "Hecho el 25 de noviembre de 2026" in spanish_text


def _english_phrases() -> list[str]:
    """Runs of two or more words of literal English text in templates/en (not Jinja, not markup)."""
    folder = resources.templates_dir() / "en"
    phrases: set[str] = set()
    for path in folder.glob("*.md.j2"):
        source = re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"), flags=re.S)
        source = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "\n", source)
        for piece in re.split(r"\n|\||\*+|:::|[.,:;()?]", source):
            words = re.sub(r"^\s*(#+|-|\d+\.)\s+", "", piece).split()
            if len(words) >= 2 and words[0] != "box":  # "::: box NAME" is markup, not words
                phrases.add(" ".join(words))
    labels = yaml.safe_load((folder / "labels.yaml").read_text(encoding="utf-8"))
    for value in (labels["document_title"], labels["grid"]["pain"], labels["grid"]["walking_hint"], *labels["safety_phrases"]):
        phrases.add(value)
    phrases.update(("Page 1 of", "Week 1", "times a day"))
    return sorted(phrases)


def test_no_english_template_words(spanish_text: str) -> None:
    phrases = _english_phrases()
    assert len(phrases) > 30  # the scan found the English sentences
    leftovers = [p for p in phrases if p in spanish_text]
    assert not leftovers, leftovers


def test_checklist_sheet_is_spanish(library, request_for) -> None:  # type: ignore[no-untyped-def]
    sheet = make_handout(request_for(language="es"), library=library, options=PrintOptions(kind="checklist", use_cover=False, today=TODAY))
    text = pdf_text(sheet.pdf)
    assert "Su registro de cada semana" in text and "lun 7 dic" in text
    assert "Rojo: pare y llámenos" in text and "Consulte pronto a un médico" in text
    assert "Página 1 de" in text and "Page 1" not in text


@pytest.mark.parametrize("field", ["es", "steps"])
def test_missing_spanish_text_names_exercise_and_field(data_copy: Path, field: str) -> None:
    path = data_copy / "regions" / "low-back" / "exercises" / "low-back-bridge.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if field == "es":
        del data["text"]["es"]
    else:
        del data["text"]["es"]["steps"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(ErrorList) as caught:
        load_dataset(data_copy, languages=("en", "es"))
    messages = [str(e) for e in caught.value.errors]
    key = "text.es" if field == "es" else "text.es.steps"
    assert any("low-back-bridge.yaml" in m and f"{key}:" in m for m in messages), messages


@pytest.mark.parametrize(
    ("changes", "kind"),
    [
        pytest.param({}, "handout", id="letter"),
        pytest.param({"paper": "a4"}, "handout", id="a4"),
        pytest.param({"large_print": True, "paper": "letter"}, "handout", id="large-letter"),
        pytest.param({"large_print": True, "paper": "a4"}, "handout", id="large-a4"),
        pytest.param({"diagnosis": "spinal-stenosis", "phase": "acute"}, "handout", id="acute"),
        pytest.param({"large_print": True, "paper": "a4"}, "checklist", id="checklist-large-a4"),
    ],
)
def test_spanish_handouts_pass_the_check(library, request_for, tmp_path: Path, changes: dict, kind: str) -> None:  # type: ignore[no-untyped-def,type-arg]
    handout = make_handout(request_for(language="es", **changes), library=library, options=PrintOptions(kind=kind, today=TODAY))
    path = tmp_path / "es.pdf"
    path.write_bytes(handout.pdf)
    report = check_pdf(path, min_size=16 if changes.get("large_print") else 12,
                       safety_phrases=library.templates("es").labels["safety_phrases"])
    assert report.language == "es"
    assert report.ok, report.measures
    assert report.measure("reading level").value.startswith("Fernández-Huerta")
