"""Load and validate the dataset (DESIGN.md "Data contracts"): the region, its exercises and protocols,
the clinics and the settings.

The dataset may come from several folders, first one first (``handouts.load.locations``):
a clinic from the first folder with ``clinics/<id>/``, each setting from the
first ``settings.yaml`` that sets it, the region from the first folder with
``regions/<id>/``. Folder layout::

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

from collections.abc import Mapping, Sequence
from pathlib import Path

from handouts.errors import DataError, ErrorList, did_you_mean, shown
from handouts.load.clinics import load_clinics
from handouts.load.exercises import check_ladders, load_exercises
from handouts.load.protocols import load_protocols
from handouts.load.region import load_region
from handouts.load.schema import Problems, Section
from handouts.load.yamlio import load_yaml
from handouts.model import Clinic, Dataset, Region

DEFAULT_REGION = "low-back"


def load_dataset(root: Path | Sequence[Path], *, languages: tuple[str, ...]) -> Dataset:
    """Read and validate the dataset in ``root`` (or in several folders, first one first);
    raise ErrorList with every problem found."""
    roots = (root,) if isinstance(root, Path) else tuple(root)
    problems = Problems()
    if not roots[0].is_dir() and (len(roots) == 1 or not roots[-1].is_dir()):
        raise DataError("the data folder does not exist; pass --data DIR or set HANDOUTS_DATA", path=roots[0])
    clinics = load_clinics([r / "clinics" for r in roots], languages, problems)
    default_clinic, region_id = _load_settings([r / "settings.yaml" for r in roots], clinics, problems)
    folder = next((r / "regions" / region_id for r in roots if (r / "regions" / region_id).is_dir()), None) \
        if region_id else None
    region = load_region(folder, problems) if folder else None
    if region is None or folder is None:
        raise ErrorList(problems.errors)
    exercises, broken = load_exercises(folder / "exercises", region, languages, problems)
    check_ladders(exercises, broken, problems)
    check_move_on(region, languages, problems)
    # Ids whose files failed are reported once, not again wherever they are used.
    known = {**dict.fromkeys(broken), **exercises}
    protocols = load_protocols(folder / "protocols.yaml", tuple(region.phases), known, problems)
    if problems:
        raise ErrorList(problems.errors)
    return Dataset(roots[0], region, exercises, protocols, clinics, default_clinic, languages, roots)


def check_move_on(region: Region, languages: tuple[str, ...], problems: Problems) -> None:
    """Every sign of ``move_on`` in region.yaml has its words in each language, and no other."""
    for phase, step in region.move_on.items():
        for i, sign in enumerate(step.signs):
            for language in languages:
                if not sign.text.get(language):
                    problems.add(f"the {language!r} words are missing; every sign needs words in each language "
                                 f"({', '.join(languages)})", path=region.path, key=f"move_on.{phase}.signs[{i}]")
            for extra in sorted(set(sign.text) - set(languages)):
                problems.add(f"{extra!r} is not a language of the templates ({', '.join(languages)})",
                             path=region.path, key=f"move_on.{phase}.signs[{i}].{extra}")


def _load_settings(paths: Sequence[Path], clinics: Mapping[str, Clinic],
                   problems: Problems) -> tuple[str, str | None]:
    """The default clinic and the region in force (None when the region is unknown), each from the
    first settings file that sets it."""
    found: dict[str, tuple[Path, Section]] = {}
    for path in paths:
        if not path.is_file() and (path != paths[-1] or any(p.is_file() for p in paths)):
            continue  # a folder without settings (the user data folder, say) leaves them to the next
        try:
            raw = load_yaml(path)
        except DataError as exc:
            problems.extend([exc])
            continue
        s = Section(raw, path=path, where="", problems=problems, known=("default_clinic", "region"))
        for key in ("default_clinic", "region"):
            if key not in found and s.data.get(key) is not None:
                found[key] = (path, s)
    default = ""
    if "default_clinic" in found:
        path, s = found["default_clinic"]
        default = s.text("default_clinic") or ""
        if default and clinics and default not in clinics:
            s.fail(f"unknown clinic {shown(default)}{did_you_mean(default, clinics)}; "
                   f"clinics: {', '.join(sorted(clinics))}", key="default_clinic")
    region = DEFAULT_REGION
    if "region" in found:
        region = found["region"][1].text("region", DEFAULT_REGION, max_len=64)
    regions = sorted({p.name for path in paths for p in (path.parent / "regions").glob("*") if p.is_dir()})
    if region not in regions:
        where = found["region"] if "region" in found else None
        message = (f"unknown region {shown(region)}{did_you_mean(region, regions)}; regions: "
                   f"{', '.join(regions) or 'none (add regions/<id>/region.yaml)'}")
        if where:
            where[1].fail(message, key="region")
        else:
            problems.add(message, path=paths[0])
        return default, None
    return default, region
