"""A clinic's own setup: its clinic.yaml written to the user data folder, checked, and made the default.

``handouts clinic init`` calls ``init_clinic``. The clinic goes to
``<user data folder>/clinics/<id>/clinic.yaml`` (with its cover as
``cover.pdf``), and ``<user data folder>/settings.yaml`` names it the default
clinic, so every command finds it from then on (``handouts.load.locations``).
Nothing is written unless the clinic loads cleanly.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from handouts.errors import ErrorList, InputError, OutputError, OutputExistsError
from handouts.load import fields
from handouts.load.clinics import load_clinics
from handouts.load.locations import user_data_dir
from handouts.load.schema import Problems
from handouts.load.yamlio import load_yaml
from handouts.render.pdf.cover import load_cover
from handouts.run.output import write_atomic

MAX_ID = 40


@dataclass(frozen=True)
class ClinicDetails:
    """What a clinic tells its patients: name, numbers, address; and how it prints."""

    name: str
    phone: str
    after_hours: str
    address: tuple[str, ...]
    emergency: str | None = None
    language: str = "en"
    paper: str = "letter"
    cover: Path | None = None
    clinic_id: str | None = None  # default: made from the name


@dataclass(frozen=True)
class SetUp:
    """A clinic written and made the default."""

    clinic_id: str
    path: Path  # its clinic.yaml
    settings: Path  # the settings.yaml that makes it the default


def clinic_id_for(name: str) -> str:
    """An id for a clinic called ``name``: 'Oakwood Physio & Rehab' -> 'oakwood-physio-rehab'."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = "".join(c if c.isalnum() else " " for c in plain).split()
    made = "-".join(words)[:MAX_ID].strip("-")
    return made or "clinic"


def init_clinic(details: ClinicDetails, *, languages: tuple[str, ...], folder: Path | None = None,
                force: bool = False) -> SetUp:
    """Write the clinic into ``folder`` (default: the user data folder), check it, and make it the default.

    Raises InputError for a bad id or value (every problem at once, naming the option),
    OutputExistsError when the clinic exists and ``force`` is not given.
    """
    folder = folder or user_data_dir()
    clinic_id = details.clinic_id or clinic_id_for(details.name)
    try:
        fields.kebab_id(clinic_id)
    except ValueError as exc:
        raise InputError(str(exc), field="id") from None
    target = folder / "clinics" / clinic_id
    if target.exists() and not force:
        raise OutputExistsError(f"clinic {clinic_id!r} is already set up here; pass --force to replace it, "
                                "or --id to choose another id", path=target)
    if details.cover is not None:
        load_cover(details.cover)  # a damaged, encrypted or oversized cover is refused now, not at print time
    try:
        folder.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".clinic-", dir=folder))
    except OSError as exc:
        raise OutputError(f"cannot write the user data folder: {exc.strerror or exc}", path=folder) from None
    try:
        made = staging / clinic_id
        made.mkdir()
        if details.cover is not None:
            shutil.copyfile(details.cover, made / "cover.pdf")
        (made / "clinic.yaml").write_text(_clinic_yaml(details), encoding="utf-8")
        problems = Problems()
        load_clinics(staging, languages, problems)
        if problems:
            raise ErrorList([_as_input(e) for e in problems.errors])
        if target.exists():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(made, target)
    except OSError as exc:
        raise OutputError(f"cannot write the clinic: {exc.strerror or exc}", path=target) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    settings = folder / "settings.yaml"
    write_atomic(settings, _settings_yaml(settings, clinic_id).encode(), force=True)
    return SetUp(clinic_id, target / "clinic.yaml", settings)


#: The clinic.yaml key each option writes, so a bad value is reported as the option to fix.
_OPTION_FOR = {"name": "name", "phone": "phone", "after_hours": "after_hours", "address": "address",
               "emergency": "emergency", "language": "language", "paper": "paper", "cover": "cover"}


def _as_input(error: Exception) -> InputError:
    key = (getattr(error, "key", None) or "").split(".")[0]
    return InputError(getattr(error, "message", str(error)), field=_OPTION_FOR.get(key))


def _clinic_yaml(details: ClinicDetails) -> str:
    data: dict[str, object] = {
        "name": details.name.strip(),
        "address": [line.strip() for line in details.address if line.strip()],
        "phone": details.phone.strip(),
        "after_hours": details.after_hours.strip(),
    }
    if details.emergency and details.emergency.strip():
        data["emergency"] = details.emergency.strip()
    data.update(paper=details.paper, language=details.language)
    if details.cover is not None:
        data["cover"] = "cover.pdf"
    head = "# Written by `handouts clinic init`. Edit it freely; `handouts validate` checks it.\n"
    return head + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False)


def _settings_yaml(path: Path, clinic_id: str) -> str:
    """The user's settings with ``default_clinic`` set (their other settings kept)."""
    current = load_yaml(path) if path.is_file() else None
    settings = dict(current) if isinstance(current, dict) else {}
    settings["default_clinic"] = clinic_id
    head = "# The user's own settings: they take precedence over the bundled data/settings.yaml.\n"
    return head + yaml.safe_dump(settings, allow_unicode=True, sort_keys=False)
