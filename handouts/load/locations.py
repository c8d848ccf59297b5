"""Where the bundled dataset, templates and fonts are.

In a wheel they sit inside the package (``handouts/bundled/``); in a source
checkout they are the repository's own ``data/`` and ``templates/`` folders.
A clinic can point at its own copies with ``--data`` / ``--templates`` or the
``HANDOUTS_DATA`` / ``HANDOUTS_TEMPLATES`` environment variables.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def _bundled(name: str) -> Path:
    inside = PACKAGE_DIR / "bundled" / name
    if inside.is_dir():
        return inside
    return PACKAGE_DIR.parent / name


def data_dir(override: str | Path | None = None) -> Path:
    """The dataset folder in force: the override, $HANDOUTS_DATA, or the bundled one."""
    chosen = override or os.environ.get("HANDOUTS_DATA")
    return Path(chosen) if chosen else _bundled("data")


def templates_dir(override: str | Path | None = None) -> Path:
    """The templates folder in force: the override, $HANDOUTS_TEMPLATES, or the bundled one."""
    chosen = override or os.environ.get("HANDOUTS_TEMPLATES")
    return Path(chosen) if chosen else _bundled("templates")
