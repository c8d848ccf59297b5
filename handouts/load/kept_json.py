"""A JSON file kept between processes in the user cache folder: read whole or not at all, written
atomically. A cache is only ever a saving, so every failure here means "start cold", never an error."""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import tempfile
import threading
from collections.abc import Callable
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


class LoadOnce:
    """A kept file read once per process, by whichever thread asks first: ``load`` is given the file's
    data (None when it is missing or damaged), and ``save`` is registered to run when the process ends."""

    def __init__(self, path: Callable[[], Path], load: Callable[[Any], None], save: Callable[[], None]) -> None:
        self.path, self.load, self.save = path, load, save
        self.loaded = False
        self._lock = threading.Lock()

    def __call__(self) -> None:
        if self.loaded:
            return
        with self._lock:
            if self.loaded:
                return
            self.loaded = True
            atexit.register(self.save)
            self.load(read_kept(self.path()))
