"""The words a patient acts on, read back from real PDFs in English and Spanish: the pain guide,
the red flags, staying active, heat or ice, the flare-up plan and the clinic's one English."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from helpers import pdf_text

from handouts.load import locations as resources
from handouts.model.options import PrintOptions
from handouts.run.handout import make_handout
from handouts.run.library import open_library

TODAY = date(2026, 11, 25)
KINDS = ("handout", "checklist")

#: Phrases both sheets carry, by language: the traffic-light pain guide, the emergency signs
#: (cauda equina) and the signs to see a doctor the same day.
BOTH = {
    "en": [
        # the pain guide
        "Green:", "settles by the next morning is fine", "moves up toward your back is a good sign",
        "Yellow:", "do fewer repeats and move more gently",
        "Red: stop and call us if pain spreads further down your leg, or you have new numbness or weakness",
        # emergency now
        "Go to a hospital emergency department now", "cauda equina syndrome",
        "between your legs, around your bottom or on your inner thighs", "when you wipe",
        "pass urine or stool", "not knowing when your bladder is full", "control your bladder or bowels",
        "sexual function", "weakness in both legs", "leg weakness that is quickly getting worse",
        # the same day
        "See a doctor soon", "night sweats", "you feel unwell", "a weak immune system", "inject drugs",
        "after a fall or an injury", "thin bones", "new or changed back pain and you have had cancer",
        "weight loss you cannot explain", "very bad pain at night", "pain in your upper back",
        "one leg getting weaker", "555-0142", "555-0199",
    ],
    "es": [
        "Verde:", "se calma para la mañana siguiente", "sube hacia la espalda, es", "buena señal",
        "Amarillo:", "haga menos repeticiones y muévase con más suavidad",
        "Rojo: pare y llámenos si el dolor le baja más por la pierna, o si tiene adormecimiento o debilidad nuevos",
        "Vaya ahora mismo a la sala de emergencias de un hospital", "síndrome de cauda equina",
        "entre las piernas", "en la parte de adentro de los muslos", "al limpiarse", "al orinar o al evacuar",
        "no sabe cuándo tiene la vejiga llena", "no puede controlar la orina o las heces", "problemas sexuales",
        "debilidad en las dos piernas", "se debilita rápido",
        "Consulte pronto a un médico", "sudores de noche", "se siente mal", "defensas bajas", "se inyecta drogas",
        "caída", "corticoides", "huesos débiles", "tuvo cáncer y el dolor", "es nuevo o cambió",
        "baja", "de peso", "dolor muy fuerte de noche", "en la parte alta de la espalda", "una pierna",
        "555-0142", "555-0199",
    ],
}

#: Phrases only the full handout carries: staying active, heat or ice, the flare-up plan.
HANDOUT_ONLY = {
    "en": [
        "Keep moving.", "Try not to rest in bed.", "Heat or ice may ease the pain", "Wrap it in a towel",
        "15 to 20 minutes", "Do not put it on skin that feels numb", "If your pain flares up",
        "Do fewer repeats for a few days, then slowly build back up", "no better after 4 to 6 weeks",
        "If it still gets worse, stop that exercise and call us",
    ],
    "es": [
        "Siga en movimiento.", "Trate de no quedarse en cama.", "El calor o el hielo pueden calmar el dolor",
        "Envuélvalo en una toalla", "de 15 a 20 minutos", "No lo ponga sobre piel adormecida",
        "Si el dolor empeora de repente", "Haga menos repeticiones por unos días",
        "no mejora en 4 a 6 semanas", "Si sigue empeorando, deje ese ejercicio y llámenos",
    ],
}


#: The text of each sheet made in this process, by its library, language, kind and changes: most sheets are
#: read by several tests (the default handout by five), and the same request makes the same words. The
#: library is kept with its sheets, so its id is never another library's.
_SHEETS: dict[tuple[int, str, str, tuple[tuple[str, object], ...]], tuple[object, str]] = {}


def _sheet(library, request_for, language: str, kind: str, **changes: object) -> str:  # type: ignore[no-untyped-def]
    key = (id(library), language, kind, tuple(sorted(changes.items())))
    if key not in _SHEETS:
        handout = make_handout(request_for(language=language, **changes), library=library,
                               options=PrintOptions(kind=kind, use_cover=False, today=TODAY))
        _SHEETS[key] = (library, pdf_text(handout.pdf))
    return _SHEETS[key][1]


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("kind", KINDS)
def test_pain_guide_and_red_flags_are_printed(library, request_for, language: str, kind: str) -> None:  # type: ignore[no-untyped-def]
    text = _sheet(library, request_for, language, kind)
    missing = [p for p in BOTH[language] if p not in text]
    assert not missing, missing


@pytest.mark.parametrize("language", ["en", "es"])
def test_full_handout_says_stay_active_heat_or_ice_and_what_to_do_in_a_flare_up(library, request_for,  # type: ignore[no-untyped-def]
                                                                               language: str) -> None:
    text = _sheet(library, request_for, language, "handout")
    missing = [p for p in HANDOUT_ONLY[language] if p not in text]
    assert not missing, missing


@pytest.mark.parametrize(("language", "with_walks", "stretches_only", "keep_moving"), [
    ("en", "your exercises are stretches and short walks", "your exercises are stretches only",
     "Keep moving. Stay as active as you can"),
    ("es", "sus ejercicios son estiramientos y caminatas cortas", "sus ejercicios son solo estiramientos",
     "Siga en movimiento. Muévase lo más que pueda"),
])
def test_acute_stretches_only_still_says_keep_moving(library, request_for, language: str, with_walks: str,  # type: ignore[no-untyped-def]
                                                     stretches_only: str, keep_moving: str) -> None:
    text = _sheet(library, request_for, language, "handout", diagnosis="spinal-stenosis", phase="acute")
    assert with_walks in text and keep_moving in text  # the walking card is named with the stretches
    assert text.index(with_walks) < text.index(keep_moving)
    left_out = _sheet(library, request_for, language, "handout", diagnosis="spinal-stenosis", phase="acute",
                      overrides=frozenset({"skip_walking"}))
    assert stretches_only in left_out and keep_moving in left_out


@pytest.mark.parametrize(("language", "walks"), [
    ("en", "Short, easy walks are part of your plan."),
    ("es", "Caminar un poco, sin prisa, es parte de su plan."),
])
def test_acute_walks_are_short_and_easy(library, request_for, language: str, walks: str) -> None:  # type: ignore[no-untyped-def]
    text = _sheet(library, request_for, language, "handout", diagnosis="spinal-stenosis", phase="acute")
    assert walks in text  # every acute plan has walking unless the clinician leaves it out
    assert walks not in _sheet(library, request_for, language, "handout")  # later stages: walking, built up
    left_out = _sheet(library, request_for, language, "handout", diagnosis="spinal-stenosis", phase="acute",
                      overrides=frozenset({"skip_walking"}))
    assert walks not in left_out and {"en": "Keep moving.", "es": "Siga en movimiento."}[language] in left_out


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_acute_handout_leaves_medicine_to_doctor_or_pharmacist(library, request_for, language: str) -> None:  # type: ignore[no-untyped-def]
    acute = _sheet(library, request_for, language, "handout", diagnosis="herniated-disc", phase="acute")
    later = _sheet(library, request_for, language, "handout")
    medicine = {"en": "only as your doctor or pharmacist advises", "es": "solo como le indique su médico o su farmacéutico"}
    assert medicine[language] in acute and medicine[language] not in later


@pytest.mark.parametrize("diagnosis", ["herniated-disc", "spinal-stenosis", "nonspecific"])
@pytest.mark.parametrize("phase", ["acute", "subacute", "maintenance"])
def test_no_handout_says_slipped(library, request_for, diagnosis: str, phase: str) -> None:  # type: ignore[no-untyped-def]
    for language in ("en", "es"):
        for kind in KINDS:
            text = _sheet(library, request_for, language, kind, diagnosis=diagnosis, phase=phase).lower()
            assert "slipped" not in text and "deslizad" not in text, (language, kind)


def test_no_template_or_data_file_says_slipped() -> None:
    roots = (resources.templates_dir(), resources.data_dir())
    files = [p for root in roots for p in root.rglob("*") if p.suffix in (".j2", ".yaml")]
    assert files
    assert [p for p in files if "slipped" in p.read_text(encoding="utf-8").lower()] == []


# ---------------------------------------------------------------- one English per clinic

US_WORDS = ["Your physical therapist Ana Ruiz", "Yellow:", "Call us at 555-0142", "Check a box each time"]
UK_WORDS = ["Your physiotherapist Ana Ruiz", "Amber:", "Call us on 555-0142", "Tick a box each time"]
BRITISH = ["physiotherapist", "programme", "Amber", "Tick a box", "colour", "centre", "Call us on"]


@pytest.fixture
def uk_library(data_copy: Path, templates_copy: Path):  # type: ignore[no-untyped-def]
    clinic = data_copy / "clinics" / "sample" / "clinic.yaml"
    text = clinic.read_text(encoding="utf-8")
    assert "spelling: us\n" in text and "emergency: \"911\"\n" in text
    text = text.replace("spelling: us\n", "spelling: uk\n").replace('emergency: "911"\n', 'emergency: "999"\n')
    clinic.write_text(text.replace("on-call physical therapist", "on-call physiotherapist"), encoding="utf-8")
    return open_library(data_copy, templates_copy)


@pytest.mark.parametrize("kind", KINDS)
def test_a_us_clinic_prints_us_english_only(library, request_for, kind: str) -> None:  # type: ignore[no-untyped-def]
    text = _sheet(library, request_for, "en", kind)
    assert library.dataset.clinics["sample"].spelling == "us"
    wanted = [w for w in US_WORDS if kind == "handout" or "Call us at" not in w]
    assert all(w in text for w in wanted), [w for w in wanted if w not in text]
    # The clinic's own name is its own; everything else is US English.
    body = text.replace(library.dataset.clinics["sample"].name, "")
    assert [w for w in BRITISH if w in body] == []


@pytest.mark.parametrize("kind", KINDS)
def test_a_uk_clinic_prints_british_english_only(uk_library, request_for, kind: str) -> None:  # type: ignore[no-untyped-def]
    text = _sheet(uk_library, request_for, "en", kind)
    wanted = [w for w in UK_WORDS if kind == "handout" or "Call us on" not in w]
    assert all(w in text for w in wanted), [w for w in wanted if w not in text]
    assert [w for w in ("physical therapist", "Yellow", "Check a box", "Call us at") if w in text] == []
    assert "or call 999" in text
    for phrase in uk_library.templates("en").labels["safety_phrases"]:
        assert phrase in text


def test_spelling_does_not_change_the_spanish(library, uk_library, request_for) -> None:  # type: ignore[no-untyped-def]
    us = _sheet(library, request_for, "es", "handout").replace("911", "")
    uk = _sheet(uk_library, request_for, "es", "handout").replace("999", "")
    assert us == uk


def test_the_page_header_uses_the_clinic_name_in_the_handouts_language(library, request_for) -> None:  # type: ignore[no-untyped-def]
    handout = make_handout(request_for(language="es"), library=library, options=PrintOptions(use_cover=False, today=TODAY))
    first = pdf_text(handout.pdf, slice(0, 1))
    assert "Fisioterapia Riverside Zoë Łukasz Nguyễn Ñandú Hecho el" in first  # header, then footer
    assert "Riverside Physiotherapy Clinic" not in pdf_text(handout.pdf)
