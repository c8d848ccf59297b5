"""A JSON file kept between processes in the user cache folder: read whole or not at all, written
atomically. A cache is only ever a saving, so every failure here means "start cold", never an error."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any


def read_kept(path: Path) -> Any | None:
    """The file's data, or None when it is missing, unreadable or damaged."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_kept(path: Path, data: Any) -> bool:
    """Write ``data`` in place of ``path`` atomically; False (and no temporary file left) when the disk
    is read-only or full."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".tmp")
    except OSError:
        return False
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False, separators=(",", ":"))
        os.replace(temporary, path)
        return True
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        return False
