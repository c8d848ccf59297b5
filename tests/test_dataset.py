from __future__ import annotations

from pathlib import Path

import pytest

from handouts.compose.templates import languages
from handouts.errors import DataError, ErrorList
from handouts.load import locations as resources
from handouts.load.dataset import load_dataset
from handouts.load.yamlio import load_yaml
from handouts.run.library import open_library

CASES = Path(__file__).parent / "cases" / "yaml"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        pytest.param("duplicate-key.yaml", "duplicate-key.yaml:2: duplicate key 'id'; keep only one", id="duplicate"),
        pytest.param("alias.yaml", "alias.yaml:2: aliases (*name) are not allowed; write the value out", id="alias"),
        pytest.param("python-tag.yaml", "python-tag.yaml:1: could not determine a constructor for the tag "
                     "'tag:yaml.org,2002:python/object/apply:os.system'", id="tag"),
        pytest.param("latin1.yaml", "latin1.yaml: not UTF-8 text (bad byte at position 9); save the file as UTF-8",
                     id="not-utf8"),
        pytest.param("unclosed.yaml", "unclosed.yaml:2: expected ',' or ']', but got ':'", id="syntax"),
    ],
)
def test_bad_yaml_files_are_refused_with_file_and_line(name: str, message: str) -> None:
    with pytest.raises(DataError) as caught:
        load_yaml(CASES / name)
    assert str(caught.value).endswith(message)
    assert str(caught.value).startswith(str(CASES))


def test_bundled_dataset_is_valid(library) -> None:  # type: ignore[no-untyped-def]
    dataset = library.dataset
    assert {"prone-on-elbows", "double-knee-to-chest", "piriformis-stretch", "hamstring-stretch",
            "prone-plank", "low-back-bridge", "walking"} <= set(dataset.exercises)
    assert set(dataset.diagnoses) == {"herniated-disc", "spinal-stenosis", "nonspecific", "sciatica"}
    assert dataset.default_clinic in dataset.clinics


def test_seed_doses_are_the_articles(library) -> None:  # type: ignore[no-untyped-def]
    exercises = library.dataset.exercises
    knee = exercises["double-knee-to-chest"].dose
    assert (knee.hold, knee.repeat, knee.times_a_day) == (20, 3, 2)
    piriformis = exercises["piriformis-stretch"].dose
    assert (piriformis.hold, piriformis.repeat, piriformis.each_side, piriformis.times_a_day) == (20, 2, True, 2)
    hamstring = exercises["hamstring-stretch"].dose
    assert (hamstring.hold, hamstring.repeat, hamstring.each_side, hamstring.times_a_day) == (60, 2, True, 2)
    plank = exercises["prone-plank"].dose
    assert (plank.hold, plank.hold_up_to) == (10, 60)
    bridge = exercises["low-back-bridge"].dose
    assert (bridge.hold, bridge.repeat, bridge.sets) == (5, 10, 2)
    assert exercises["prone-on-elbows"].dose.hold == 30


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


LANGUAGES = languages(resources.templates_dir())


def _errors(data: Path) -> list[str]:
    """Every problem opening the library finds (the rules check the protocols once the data loads)."""
    with pytest.raises(ErrorList) as caught:
        open_library(data)
    return [str(e) for e in caught.value.errors]


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        pytest.param("regions/low-back/exercises/prone-plank.yaml", "isometric: true", "isometric: false",
                     "prone-plank.yaml: muscle_group: abdominal exercises must be isometric holds", id="abdominal-moves"),
        pytest.param("regions/low-back/exercises/prone-plank.yaml", "name: Plank on elbows", "name: Crunches",
                     "prone-plank.yaml: id: sit-ups and crunches are not allowed", id="crunch"),
        pytest.param("regions/low-back/exercises/walking.yaml", "kind: aerobic", "knid: aerobic",
                     "walking.yaml: knid: unknown key (did you mean 'kind'?)", id="typo-key"),
        pytest.param("regions/low-back/exercises/walking.yaml", "times_a_day: 1", "times_a_day: 9",
                     "walking.yaml: dose.times_a_day: expected a whole number from 1 to 6, found '9'", id="dose-bound"),
        pytest.param("regions/low-back/exercises/prone-plank.yaml", "  hold: [5, 120]", "  hold: [20, 120]",
                     "prone-plank.yaml: limits.hold: dose hold 10 is outside its limits 20 to 120", id="dose-in-limits"),
        pytest.param("regions/low-back/exercises/prone-plank.yaml", "  sets: [1, 3]\n", "",
                     "prone-plank.yaml: limits.sets: is required: the range a clinician may set", id="limits-needed"),
        pytest.param("regions/low-back/exercises/prone-plank.yaml", "  hold: [5, 120]", "  hold: [5, 900]",
                     "prone-plank.yaml: limits.hold: expected [lowest, highest], whole numbers from 1 to 600",
                     id="limits-bound"),
        pytest.param("regions/low-back/exercises/bird-dog.yaml", "source: common-practice", "source: common-practise",
                     "bird-dog.yaml: source: source 'common-practise' is not one of seed, nice-ng59, acp-2017, jospt-2021, ros, "
                     "common-practice (did you mean 'common-practice'?) (the sources listed in region.yaml)",
                     id="unknown-source"),
        pytest.param("regions/low-back/region.yaml", "  - balance: {source: seed}", "  - balance: {}",
                     "region.yaml: rules[6].source: is required: where the rule comes from (seed, nice-ng59",
                     id="rule-without-source"),
        pytest.param("regions/low-back/region.yaml", "  reviewed: 2026-12-02", "  reviewed: last week",
                     "region.yaml: content.reviewed: expected a date written YYYY-MM-DD", id="review-date"),
        pytest.param("regions/low-back/region.yaml", "{prone-on-elbows: double-knee-to-chest,",
                     "{prone-on-elbows: standing-extension,",
                     "region.yaml: rules[1].counterparts: 'prone-on-elbows' and 'standing-extension' must be a "
                     "flexion and an extension stretch", id="counterparts"),
        pytest.param("regions/low-back/region.yaml", "      when: osteoporosis", "      when: osteopenia",
                     "region.yaml: rules[3].when: 'osteopenia' is not one of leg-pain, osteoporosis (did you mean "
                     "'osteoporosis'?) (leg-pain, or a precaution of the region)", id="replace-when"),
        pytest.param("regions/low-back/region.yaml", "{hamstring-stretch: hamstring-stretch-bent-knee}",
                     "{hamstring-stretch: hamstring-strech-bent-knee}",
                     "region.yaml: rules[2].exercises: unknown exercise 'hamstring-strech-bent-knee'", id="replace-id"),
        pytest.param("regions/low-back/exercises/bird-dog.yaml", "direction: neutral", "direction: sideways",
                     "bird-dog.yaml: direction: 'sideways' is not one of flexion, extension, neutral, none",
                     id="enum"),
        pytest.param("regions/low-back/protocols.yaml", "  - seated-flexion", "  - low-back-bridge",
                     "protocols.yaml: diagnoses.spinal-stenosis.acute: 'low-back-bridge' is strengthening; "
                     "the acute phase is stretching only", id="acute-strengthening"),
        pytest.param("regions/low-back/protocols.yaml", "  - seated-flexion", "  - seated-flexon",
                     "protocols.yaml: diagnoses.spinal-stenosis.acute: unknown exercise 'seated-flexon' "
                     "(did you mean 'seated-flexion'?)", id="unknown-exercise"),
        pytest.param("clinics/sample/clinic.yaml", 'accent: "#1F4E79"', 'accent: "#FFDD00"',
                     "clinic.yaml: accent: #FFDD00 is too light for white text", id="light-accent"),
        pytest.param("clinics/sample/clinic.yaml", "  en: cover.pdf", "  en: ../../settings.yaml",
                     "clinic.yaml: cover.en: '../../settings.yaml' must be a .pdf file", id="cover-not-pdf"),
        pytest.param("clinics/sample/clinic.yaml", "  es: cover-es.pdf", "  es: ../../../x.pdf",
                     "clinic.yaml: cover.es: '../../../x.pdf' must be a file inside the clinic's folder",
                     id="cover-outside"),
        pytest.param("clinics/sample/clinic.yaml", "  es: cover-es.pdf\n", "",
                     "clinic.yaml: cover.es: the 'es' version is missing", id="cover-language-missing"),
        pytest.param("clinics/sample/clinic.yaml", "spelling: us", "spelling: british",
                     "clinic.yaml: spelling: 'british' is not one of us, uk", id="spelling"),
        pytest.param("clinics/sample/clinic.yaml", "  es: Fisioterapia Riverside\n", "",
                     "clinic.yaml: name.es: the 'es' version is missing", id="name-language-missing"),
        pytest.param("settings.yaml", "default_clinic: sample", "default_clinic: sampel",
                     "settings.yaml: default_clinic: unknown clinic 'sampel' (did you mean 'sample'?)", id="default-clinic"),
    ],
)
def test_broken_dataset_names_file_key_and_fix(data_copy: Path, file: str, old: str, new: str, expected: str) -> None:
    _edit(data_copy / file, old, new)
    errors = _errors(data_copy)
    assert any(expected in e for e in errors), errors
    assert all(e.startswith(str(data_copy)) for e in errors)


def test_missing_language_is_an_error_not_a_silent_fallback(data_copy: Path) -> None:
    with pytest.raises(ErrorList) as caught:
        load_dataset(data_copy, languages=(*LANGUAGES, "fr"))
    messages = [str(e) for e in caught.value.errors]
    assert any("walking.yaml: text.fr: the 'fr' text is missing" in m for m in messages)


def test_every_problem_is_reported_at_once(data_copy: Path) -> None:
    _edit(data_copy / "regions/low-back/exercises/walking.yaml", "kind: aerobic", "kind: jogging")
    _edit(data_copy / "regions/low-back/exercises/bird-dog.yaml", "position: hands-and-knees", "position: upside-down")
    errors = _errors(data_copy)
    assert any("walking.yaml: kind:" in e for e in errors)
    assert any("bird-dog.yaml: position:" in e for e in errors)


def test_clinic_name_per_language_and_spelling(library, data_copy: Path) -> None:  # type: ignore[no-untyped-def]
    clinic = library.dataset.clinics["sample"]
    assert clinic.spelling == "us"
    assert clinic.name == clinic.name_in("en") == "Riverside Physiotherapy Clinic"
    assert clinic.name_in("es") == "Fisioterapia Riverside"
    path = data_copy / "clinics" / "sample" / "clinic.yaml"
    _edit(path, "name:\n  en: Riverside Physiotherapy Clinic\n  es: Fisioterapia Riverside\n",
          "name: Riverside Physio\n")
    _edit(path, "spelling: us\n", "")
    clinic = load_dataset(data_copy, languages=LANGUAGES).clinics["sample"]
    assert clinic.name_in("en") == clinic.name_in("es") == "Riverside Physio"
    assert clinic.spelling == "us"  # the default
