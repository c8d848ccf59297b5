"""Values as people type them: a diagnosis, phase, exercise, clinic, language or paper by its id or name.

"Herniated Disc", "herniated_disc", "hernia de disco" and "herniated-disc" all
name one diagnosis; "Bird dog" names the exercise ``bird-dog``; "Español" the
language ``es``. Names match without regard to case, accents, spaces, hyphens,
underscores or punctuation, by the id or by any name the data gives it in any
language (protocol names for clinicians, the patient's words in each
language's labels, exercise and clinic names). A value that names nothing gets
a "did you mean" from every name there is.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from handouts.errors import shown
from handouts.model import PAPERS, Dataset

#: What people call the languages the templates may come in (a language's code always matches too).
LANGUAGE_NAMES = {
    "en": ("English", "Inglés", "Anglais", "Englisch"),
    "es": ("Spanish", "Español", "Castellano", "Espagnol", "Spanisch"),
    "fr": ("French", "Français", "Francés"),
    "de": ("German", "Deutsch", "Alemán"),
    "pt": ("Portuguese", "Português", "Portugués"),
    "it": ("Italian", "Italiano"),
    "vi": ("Vietnamese", "Tiếng Việt"),
    "zh": ("Chinese", "中文"),
}
PAPER_NAMES = {"letter": ("US Letter", "Letter size", "8.5x11"), "a4": ("A4 paper", "DIN A4")}
#: What clinicians call the usual phases of care in the languages shipped (a region's own ids always match).
PHASE_NAMES = {
    "acute": ("Agudo", "Aguda", "Fase aguda", "Acute phase"),
    "subacute": ("Subagudo", "Subaguda", "Fase subaguda", "Subacute phase"),
    "maintenance": ("Mantenimiento", "Fase de mantenimiento", "Maintenance phase"),
}
_ARTICLE = re.compile(r"^(a|an|the|un|una|el|la|los|las)\s+", re.IGNORECASE)
_ASIDE = re.compile(r"\s*\([^)]*\)")


def key(text: str) -> str:
    """``text`` reduced to what identifies it: lower case, no accents, letters and digits only."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c))


def name_forms(name: str) -> list[str]:
    """A name and its shorter forms people type: without a leading article, without an aside in
    brackets, and up to its first comma ("a herniated disc (a disc that bulges)" -> "herniated disc")."""
    forms = [name]
    short = _ASIDE.sub("", name).strip()
    short = _ARTICLE.sub("", short).strip()
    forms += [short, short.split(",")[0].strip()]
    return [f for f in forms if f]


@dataclass
class Choices:
    """The ids of one kind of thing, and every name that leads to each.

    An id, then a full name, always wins over a shortened form of another name: "Hamstring
    stretch, knee bent" shortens to "Hamstring stretch", which is another exercise's name.
    """

    kind: str  # 'diagnosis', 'exercise', ...
    ids: tuple[str, ...]
    names: dict[str, str] = field(default_factory=dict)  # key(id or full name) -> id
    short: dict[str, str] = field(default_factory=dict)  # key(shortened name) -> id
    shown_names: dict[str, str] = field(default_factory=dict)  # key(name) -> the name as written

    def __post_init__(self) -> None:
        for choice_id in self.ids:
            self._put(self.names, choice_id, choice_id)

    def add(self, choice_id: str, names: Iterable[str]) -> None:
        for name in [choice_id, *names]:
            self._put(self.names, choice_id, name)
            for form in name_forms(name)[1:]:
                self._put(self.short, choice_id, form)

    def _put(self, table: dict[str, str], choice_id: str, form: str) -> None:
        k = key(form)
        if k and k not in self.names and k not in table:
            table[k] = choice_id
            self.shown_names[k] = form

    def match(self, text: str) -> str:
        """The id ``text`` names; ValueError with a 'did you mean' when it names none."""
        value = text.strip()
        found = self.names.get(key(value)) or self.short.get(key(value))
        if found is not None:
            return found
        raise ValueError(f"unknown {self.kind} {shown(value)}{self.suggest(value)}; choose one of {', '.join(self.ids)}")

    def suggest(self, text: str) -> str:
        """' (did you mean 'x'?)' for the closest id or name, else ''."""
        close = difflib.get_close_matches(key(text), [*self.names, *self.short], n=1, cutoff=0.6)
        if not close:
            return ""
        choice_id = self.names.get(close[0]) or self.short[close[0]]
        name = self.shown_names[close[0]]
        return f" (did you mean {choice_id!r}?)" if key(name) == key(choice_id) else \
            f" (did you mean {choice_id!r}, {name!r}?)"


@dataclass
class Vocabulary:
    """Every kind of typed-in choice a request has."""

    kinds: dict[str, Choices]

    def match(self, kind: str, text: str) -> str:
        return self.kinds[kind].match(text)

    def add_labels(self, language: str, labels: Mapping[str, object]) -> None:
        """The words a language's labels give diagnoses and phases ("low back pain", "etapa inicial")."""
        for kind, group in (("diagnosis", "diagnoses"), ("phase", "phases")):
            words = labels.get(group)
            if isinstance(words, Mapping):
                for choice_id, name in words.items():
                    if choice_id in self.kinds[kind].ids and isinstance(name, str):
                        self.kinds[kind].add(choice_id, [name])


def vocabulary(dataset: Dataset, labels: Mapping[str, Mapping[str, object]] | None = None) -> Vocabulary:
    """The names of everything in ``dataset`` (and in each language's ``labels``, by language)."""
    diagnoses = Choices("diagnosis", dataset.diagnoses)
    for diagnosis, protocol in dataset.protocols.items():
        diagnoses.add(diagnosis, [protocol.name, *protocol.also_called])
    phases = Choices("phase", dataset.phases)
    for phase in dataset.phases:
        phases.add(phase, PHASE_NAMES.get(phase, ()))
    exercises = Choices("exercise", tuple(dataset.exercises))
    for exercise_id, exercise in dataset.exercises.items():
        exercises.add(exercise_id, [exercise.words(language).name for language in dataset.languages])
    clinics = Choices("clinic", tuple(sorted(dataset.clinics)))
    for clinic_id, clinic in dataset.clinics.items():
        clinics.add(clinic_id, [clinic.name, *clinic.names.values()])
    languages = Choices("language", dataset.languages)
    for language in dataset.languages:
        languages.add(language, LANGUAGE_NAMES.get(language, ()))
    papers = Choices("paper", PAPERS)
    for paper in PAPERS:
        papers.add(paper, PAPER_NAMES.get(paper, ()))
    made = Vocabulary({c.kind: c for c in (diagnoses, phases, exercises, clinics, languages, papers)})
    for language, words in (labels or {}).items():
        made.add_labels(language, words)
    return made
