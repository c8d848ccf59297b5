"""Values as people type them: ids or printed names in either language, any case, with a 'did you mean'."""

from __future__ import annotations

from datetime import date

import pytest

from handouts.errors import ErrorList
from handouts.load.request_fields import build_request

TODAY = date(2026, 12, 1)


@pytest.mark.parametrize(
    ("field", "typed", "expected"),
    [
        pytest.param("diagnosis", "Herniated Disc", "herniated-disc", id="name-with-capitals"),
        pytest.param("diagnosis", "herniated_disc", "herniated-disc", id="underscore"),
        pytest.param("diagnosis", "hernia de disco", "herniated-disc", id="spanish-words"),
        pytest.param("diagnosis", "Low back pain", "nonspecific", id="low-back-pain"),
        pytest.param("diagnosis", "CIATICA", "sciatica", id="no-accent"),
        pytest.param("phase", "Sub-Acute", "subacute", id="phase-hyphen"),
        pytest.param("phase", "Mantenimiento", "maintenance", id="phase-spanish"),
        pytest.param("language", "English", "en", id="english"),
        pytest.param("language", "Spanish", "es", id="spanish"),
        pytest.param("language", "Español", "es", id="espanol"),
        pytest.param("paper", "A4", "a4", id="paper"),
        pytest.param("clinic", "Riverside Physiotherapy Clinic", "sample", id="clinic-name"),
    ],
)
def test_values_as_people_type_them(library, field: str, typed: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    values = {"patient_id": "p1", "name": "Ann", "diagnosis": "nonspecific", "phase": "acute", field: typed}
    request = build_request(values, library.dataset, today=TODAY, names=library.names())
    got = {"diagnosis": request.diagnosis, "phase": request.phase, "language": request.language,
           "paper": request.paper, "clinic": request.clinic_id}[field]
    assert got == expected


def test_exercises_by_their_printed_names_in_either_language(library) -> None:  # type: ignore[no-untyped-def]
    values = {"patient_id": "p1", "name": "Ann", "diagnosis": "sciatica", "phase": "subacute",
              "exercises": "Bird dog; perro de caza?, WALKING, hamstring_stretch"}
    with pytest.raises(ErrorList) as caught:
        build_request(values, library.dataset, today=TODAY, names=library.names())
    assert "unknown exercise 'perro de caza?'" in str(caught.value)
    spanish = library.dataset.exercises["bird-dog"].words("es").name
    values["exercises"] = f"Bird dog; {spanish}, WALKING, hamstring_stretch"
    request = build_request(values, library.dataset, today=TODAY, names=library.names())
    assert request.exercises == ("bird-dog", "walking", "hamstring-stretch")


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        pytest.param("diagnosis", "hernaited disc", "unknown diagnosis 'hernaited disc' (did you mean 'herniated-disc'", id="diagnosis"),
        pytest.param("phase", "maintainance", "'maintainance' is not one of acute, subacute, maintenance (did you mean 'maintenance'?)", id="phase"),
        pytest.param("exercises", "brid dog", "unknown exercise 'brid dog' (did you mean 'bird-dog'", id="exercise"),
        pytest.param("language", "Englsh", "unknown language 'Englsh' (did you mean 'en', 'English'?)", id="language"),
        pytest.param("clinic", "Riverside Physio", "unknown clinic 'Riverside Physio'", id="clinic"),
    ],
)
def test_a_refused_choice_says_what_was_meant(library, field: str, typed: str, message: str) -> None:  # type: ignore[no-untyped-def]
    values = {"patient_id": "p1", "name": "Ann", "diagnosis": "nonspecific", "phase": "acute", field: typed}
    with pytest.raises(ErrorList) as caught:
        build_request(values, library.dataset, today=TODAY, names=library.names())
    assert message in str(caught.value)
