"""Read the clinics (``clinics/<id>/clinic.yaml``): identity, contact lines, paper, colours, covers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from handouts.errors import DataError, shown
from handouts.load import fields
from handouts.load.columns import column_block
from handouts.load.schema import Problems, Section
from handouts.load.yamlio import load_yaml
from handouts.model.clinic import PAPERS, SPELLINGS, Clinic
from handouts.model.colour import contrast_ratio

_CLINIC_KEYS = (
    "name", "address", "phone", "after_hours", "emergency", "paper", "language", "accent", "cover", "website",
    "video_page", "spelling", "sample", "columns",
)
_WHITE = "#FFFFFF"


def load_clinics(folders: Path | Sequence[Path], languages: tuple[str, ...], problems: Problems) -> dict[str, Clinic]:
    """The clinics in ``folders`` (each ``<id>/clinic.yaml``); a clinic in an earlier folder hides
    one of the same id in a later folder."""
    folders = [folders] if isinstance(folders, Path) else list(folders)
    files: list[Path] = []
    for folder in folders:
        seen = {f.parent.name for f in files}
        files += [f for f in (sorted(folder.glob("*/clinic.yaml")) if folder.is_dir() else [])
                  if f.parent.name not in seen]
    if not files:
        problems.add("no clinics found; add clinics/<id>/clinic.yaml", path=folders[0])
    clinics = {}
    for path in files:
        try:
            raw = load_yaml(path)
        except DataError as exc:
            problems.extend([exc])
            continue
        clinic = _clinic(path.parent.name, raw, path, languages, problems)
        if clinic:
            clinics[clinic.id] = clinic
    return clinics


def _clinic(clinic_id: str, raw: object, path: Path, languages: tuple[str, ...], problems: Problems) -> Clinic | None:
    before = len(problems.errors)
    s = Section(raw, path=path, where="", problems=problems, known=_CLINIC_KEYS)
    if not s.ok:
        return None
    try:
        fields.kebab_id(clinic_id)
    except ValueError as exc:
        s.fail(f"clinic folder name: {exc}")
    accent = s.colour("accent", "#1F4E79")
    if contrast_ratio(accent, _WHITE) < 4.5:
        s.fail(f"{accent} is too light for white text (contrast {contrast_ratio(accent, _WHITE):.1f}:1, "
               "needs 4.5:1); choose a darker colour", key="accent")
    language = s.choice("language", languages, languages[0])
    names = _per_language(s, "name", languages, lambda section, key: section.text(key, max_len=80))
    clinic = Clinic(
        id=clinic_id,
        name=names.get(language) or "",
        names=names,
        address=s.texts("address", max_items=4),
        phone=s.text("phone", max_len=40),
        after_hours=_per_language(s, "after_hours", languages, lambda section, key: section.text(key, max_len=120)),
        emergency=s.text("emergency", None, max_len=20),
        paper=s.choice("paper", PAPERS, "letter"),
        language=language,
        accent=accent,
        covers=_per_language(s, "cover", languages, lambda section, key: _clinic_file(
            section, key, path.parent, (".pdf",)), required=False),
        website=s.url("website"),
        video_page=s.url("video_page"),
        spelling=s.choice("spelling", SPELLINGS, "us"),
        sample=s.flag("sample"),
        columns=column_block(s),
    )
    return clinic if len(problems.errors) == before else None


def _per_language(s: Section, key: str, languages: tuple[str, ...], read: Callable[[Section, str], Any],
                  *, required: bool = True) -> dict[str, Any]:
    """A value that may differ by language: one value for all, or 'en: ...' / 'es: ...' for each."""
    value = s.data.get(key)
    if isinstance(value, dict):
        inner = s.section(key, languages)
        found = {}
        for language in languages:
            if language in inner.data:
                found[language] = read(inner, language)
            else:
                s.fail(f"the {language!r} version is missing; give one for each of {', '.join(languages)} "
                       "or a single value for all", key=f"{key}.{language}")
        return found
    if value is None and not required:
        return {}
    return dict.fromkeys(languages, read(s, key))


def _clinic_file(s: Section, key: str, folder: Path, suffixes: tuple[str, ...]) -> Path | None:
    name = s.text(key, None)
    if name is None:
        return None
    candidate = (folder / name).resolve()
    if candidate.suffix.lower() not in suffixes:
        s.fail(f"{shown(name)} must be a {' or '.join(suffixes)} file", key=s.qualified(key))
    elif folder.resolve() not in candidate.parents:
        s.fail(f"{shown(name)} must be a file inside the clinic's folder", key=s.qualified(key))
    elif not candidate.is_file():
        s.fail(f"file {shown(name)} not found next to clinic.yaml", key=s.qualified(key))
    else:
        return candidate
    return None
