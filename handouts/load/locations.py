"""Where the dataset, templates and fonts are, and in what order data is looked for.

In a wheel the bundled data and templates sit inside the package
(``handouts/bundled/``); in a source checkout they are the repository's own
``data/`` and ``templates/`` folders.

Data is looked for in layers, the first that has a thing wins:

1. ``--data DIR`` (or the ``HANDOUTS_DATA`` environment variable),
2. the user data folder (``handouts clinic init`` writes a clinic there, e.g.
   ``~/.local/share/handouts/clinics/<id>/``, and makes it the default in its
   ``settings.yaml``),
3. the bundled data.

A clinic is found in the first layer with ``clinics/<id>/clinic.yaml``, each
setting in the first ``settings.yaml`` that sets it, a region in the first
layer with ``regions/<id>/``. Templates come whole from ``--templates DIR``
(or ``HANDOUTS_TEMPLATES``), else the user data folder's ``templates/``, else
the bundled ones.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
APP_NAME = "handouts"


def _bundled(name: str) -> Path:
    inside = PACKAGE_DIR / "bundled" / name
    if inside.is_dir():
        return inside
    return PACKAGE_DIR.parent / name


def bundled_data_dir() -> Path:
    """The dataset shipped with the package."""
    return _bundled("data")


def user_data_dir() -> Path:
    """The user's own data folder (created by ``handouts clinic init``; it may not exist yet)."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def data_dir(override: str | Path | None = None) -> Path:
    """The one dataset folder named: the override, $HANDOUTS_DATA, or the bundled one."""
    chosen = override or os.environ.get("HANDOUTS_DATA")
    return Path(chosen) if chosen else bundled_data_dir()


@lru_cache(maxsize=64)
def resolved(path: Path) -> Path:
    """``path.resolve()``, once per process for each path (a batch opens the library for every row;
    ``run.library.forget`` empties it with the library)."""
    return path.resolve()


def data_dirs(override: str | Path | None = None) -> tuple[Path, ...]:
    """Every folder data is looked for in, first one first: the override (or $HANDOUTS_DATA),
    the user data folder (which may not exist yet), the bundled data."""
    chosen = override or os.environ.get("HANDOUTS_DATA")
    found = [Path(chosen)] if chosen else []
    found += [user_data_dir(), bundled_data_dir()]
    unique: list[Path] = []
    for folder in found:
        if resolved(folder) not in [resolved(u) for u in unique]:
            unique.append(folder)
    return tuple(unique)


def templates_dir(override: str | Path | None = None) -> Path:
    """The templates folder in force: the override, $HANDOUTS_TEMPLATES, the user data folder's
    templates/ when it has one, or the bundled one."""
    chosen = override or os.environ.get("HANDOUTS_TEMPLATES")
    if chosen:
        return Path(chosen)
    user = user_data_dir() / "templates"
    return user if user.is_dir() else _bundled("templates")
