"""Load and validate the dataset (DESIGN.md "Data contracts"): the region, its exercises and protocols,
the clinics and the settings.

Folder layout::

    settings.yaml                     default clinic, region
    clinics/<id>/clinic.yaml          a clinic (and its cover PDFs)
    regions/<id>/region.yaml          phases, words, overrides and the rule list
    regions/<id>/protocols.yaml       default exercises per diagnosis and phase
    regions/<id>/exercises/*.yaml     one file per exercise

Everything is checked up front and every problem is reported at once, each
naming the file, the key and what would fix it. The rules check their own
settings and the protocols once this has loaded (``handouts.rules.checks``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from handouts.errors import DataError, ErrorList, did_you_mean, shown
from handouts.load.clinics import load_clinics
from handouts.load.exercises import load_exercises
from handouts.load.protocols import load_protocols
from handouts.load.region import load_region
from handouts.load.schema import Problems, Section
from handouts.load.yamlio import load_yaml
from handouts.model import Clinic, Dataset

DEFAULT_REGION = "low-back"


def load_dataset(root: Path, *, languages: tuple[str, ...]) -> Dataset:
    """Read and validate the dataset in ``root``; raise ErrorList with every problem found."""
    problems = Problems()
    if not root.is_dir():
        raise DataError("the data folder does not exist; pass --data DIR or set HANDOUTS_DATA", path=root)
    clinics = load_clinics(root / "clinics", languages, problems)
    default_clinic, region_id = _load_settings(root / "settings.yaml", clinics, problems)
    region = load_region(root / "regions" / region_id, problems) if region_id else None
    if region is None:
        raise ErrorList(problems.errors)
    folder = root / "regions" / region_id
    exercises, broken = load_exercises(folder / "exercises", region, languages, problems)
    # Ids whose files failed are reported once, not again wherever they are used.
    known = {**dict.fromkeys(broken), **exercises}
    protocols = load_protocols(folder / "protocols.yaml", tuple(region.phases), known, problems)
    if problems:
        raise ErrorList(problems.errors)
    return Dataset(root, region, exercises, protocols, clinics, default_clinic, languages)


def _load_settings(path: Path, clinics: Mapping[str, Clinic], problems: Problems) -> tuple[str, str | None]:
    """The default clinic and the region in force (None when the region is unknown)."""
    try:
        raw = load_yaml(path)
    except DataError as exc:
        problems.extend([exc])
        return "", DEFAULT_REGION
    s = Section(raw, path=path, where="", problems=problems, known=("default_clinic", "region"))
    default = s.text("default_clinic") or ""
    if default and clinics and default not in clinics:
        s.fail(f"unknown clinic {shown(default)}{did_you_mean(default, clinics)}; "
               f"clinics: {', '.join(sorted(clinics))}", key="default_clinic")
    region = s.text("region", DEFAULT_REGION, max_len=64)
    regions = sorted(p.name for p in (path.parent / "regions").glob("*") if p.is_dir())
    if region not in regions:
        s.fail(f"unknown region {shown(region)}{did_you_mean(region, regions)}; regions: "
               f"{', '.join(regions) or 'none (add regions/<id>/region.yaml)'}", key="region")
        return default, None
    return default, region
