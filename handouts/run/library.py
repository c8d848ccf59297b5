"""The dataset and templates in force, loaded and checked once per process."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from handouts.compose.context import handout_context
from handouts.compose.document import validate_templates
from handouts.compose.templates import Templates, languages, load_templates
from handouts.errors import DataError, ErrorList, HandoutError, flatten
from handouts.load import locations as resources
from handouts.load.choices import Vocabulary, vocabulary
from handouts.load.columns import ColumnMap, from_clinic, load_column_map
from handouts.load.dataset import load_dataset
from handouts.model import Dataset, HandoutRequest, Patient
from handouts.rules.checks import check_dataset
from handouts.rules.plan import make_plan


@dataclass(frozen=True)
class Library:
    """Everything a handout is made from: the dataset and the templates of each language."""

    dataset: Dataset
    templates_root: Path

    @property
    def folders(self) -> tuple[tuple[Path, ...], Path]:
        """The resolved data folders (first one first) and templates folder: ``open_folders`` opens the
        same library from them, without looking for them again (a batch's worker, for every row)."""
        return self.dataset.roots, self.templates_root

    def templates(self, language: str) -> Templates:
        return load_templates(self.templates_root, language)

    def digest(self) -> str:
        """A fingerprint of every dataset and template file: a handout made from other content
        is not the same handout, even for the same request."""
        hasher = hashlib.sha256()
        for root in (*(self.dataset.roots or (self.dataset.root,)), self.templates_root):
            for path in sorted(p for p in root.rglob("*") if p.is_file()):
                hasher.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
        return hasher.hexdigest()

    def names(self) -> Vocabulary:
        """Every name a typed-in choice may go by: ids, the data's names and each language's words."""
        return vocabulary(self.dataset, {language: self.templates(language).labels
                                         for language in self.dataset.languages})

    def column_map(self, path: Path | None = None) -> ColumnMap:
        """The column map of ``path``, else the default clinic's ``columns:``, else none (the usual names)."""
        if path is not None:
            return load_column_map(path)
        clinic = self.dataset.clinic(None)
        if clinic.columns:
            return from_clinic(clinic.columns, f"clinics/{clinic.id}/clinic.yaml")
        return ColumnMap()

    def check_templates(self) -> list[HandoutError]:
        """Render every template of every language with a plan of every exercise; return the problems."""
        errors: list[HandoutError] = []
        dataset = self.dataset
        for language in dataset.languages:
            request = HandoutRequest(
                patient=Patient("sample", "Sample Patient"), diagnosis=dataset.diagnoses[0], phase="subacute",
                start_date=date(2026, 1, 5), exercises=tuple(dataset.exercises), language=language,
                notes="Sample note", clinician="Sample Clinician")
            try:
                plan = make_plan(request, dataset)
                templates = self.templates(language)
            except HandoutError as exc:
                errors.extend(flatten(exc))
                continue
            context = handout_context(plan, templates, today=request.start_date)
            errors.extend(validate_templates(self.templates_root, language, context))
        return errors


def open_library(data: str | Path | None = None, templates: str | Path | None = None) -> Library:
    """Load and validate the dataset and templates: ``data`` (or $HANDOUTS_DATA), the user data
    folder and the bundled data, first one first (``handouts.load.locations``)."""
    chosen = data or os.environ.get("HANDOUTS_DATA")
    if chosen and not Path(chosen).is_dir():
        raise DataError("the data folder does not exist; pass --data DIR or set HANDOUTS_DATA", path=chosen)
    roots = tuple(resources.resolved(root) for root in resources.data_dirs(data))
    return _open(roots, resources.resolved(resources.templates_dir(templates)))


def open_folders(data_roots: tuple[Path, ...], templates_root: Path) -> Library:
    """The library of ``Library.folders``, loaded and validated once per process."""
    return _open(data_roots, templates_root)


def forget() -> None:
    """Load the data afresh next time (after a clinic was set up in this process)."""
    _open.cache_clear()
    resources.resolved.cache_clear()


@cache
def _open(data_root: tuple[Path, ...], templates_root: Path) -> Library:
    if not templates_root.is_dir():
        raise DataError("the templates folder does not exist; pass --templates DIR", path=templates_root)
    langs = languages(templates_root)
    errors: list[HandoutError] = []
    for language in langs:
        try:
            load_templates(templates_root, language)
        except HandoutError as exc:
            errors.extend(flatten(exc))
    if errors:
        raise ErrorList(errors)
    dataset = load_dataset(data_root, languages=langs)
    errors += check_dataset(dataset)
    for language in langs:
        errors += _missing_labels(load_templates(templates_root, language), dataset)
    if errors:
        raise ErrorList(errors)
    return Library(dataset, templates_root)


def _missing_labels(templates: Templates, dataset: Dataset) -> list[DataError]:
    """Every diagnosis and phase needs its words in every language (no silent fallback to the id)."""
    path = templates.folder / "labels.yaml"
    wanted = {"diagnoses": dataset.diagnoses, "phases": dataset.phases}
    return [DataError(f"no words for {name!r}; add '{name}: ...' here", path=path, key=f"{group}.{name}")
            for group, names in wanted.items() for name in names if name not in (templates.labels[group] or {})]
