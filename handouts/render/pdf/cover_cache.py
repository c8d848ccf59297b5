"""Covers checked by earlier processes, kept ready on disk so a one-off ``handouts make`` skips pypdf.

Checking a cover (in a child process, under a time limit) and turning its pages into
ready form objects costs a pypdf import and parse in every new process. Once a cover
has passed, its ready objects are written to the user's cache folder, keyed by the
SHA-256 of the cover's bytes; the next process that is given the same bytes takes
them from there. Only what was on disk when the process started is used (a cover
first seen in this process is checked as before), the key's file name holds this
program's and pypdf's versions, the file is plain JSON (no code is loaded from it),
a damaged file is ignored and it is safe to delete. ``HANDOUTS_FAST_PATH=0`` neither
reads nor writes it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import threading
from functools import cache
from pathlib import Path
from typing import Any

from handouts import __version__
from handouts.load.kept_json import LoadOnce, write_kept
from handouts.render.pdf import caches
from handouts.render.pdf.ready import ReadyPages

_FORMAT = 1
_KEPT = 16
_lock = threading.Lock()
_on_disk: dict[str, Any] = {}
_new: dict[str, Any] = {}


@cache
def _version() -> str:
    """This program's version and renderer code, and pypdf's version (read from its files, without
    importing it)."""
    hashed = hashlib.sha256(f"{_FORMAT} {__version__}".encode())
    hashed.update(caches.renderer_code())
    spec = importlib.util.find_spec("pypdf")
    if spec is not None and spec.origin:
        try:
            hashed.update((Path(spec.origin).parent / "_version.py").read_bytes())
        except OSError:
            hashed.update(b"pypdf version unknown")
    return hashed.hexdigest()[:16]


def cache_file() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("handouts", appauthor=False)) / f"covers-{_version()}.json"


def known(sha256: str) -> tuple[int, ReadyPages] | None:
    """(page count, ready pages) of a cover with these bytes checked by an earlier process, else None."""
    if not caches.enabled():
        return None
    _load_once()
    record = _on_disk.get(sha256)
    if record is None:
        return None
    try:
        ready = ReadyPages.from_json(record["ready"])
        pages = int(record["pages"])
        if pages != len(ready.forms) or pages < 1:
            return None
        return pages, ready
    except (ValueError, TypeError, KeyError, AttributeError):
        return None  # a damaged record: check the cover again


def remember(sha256: str, pages: int, ready: ReadyPages) -> None:
    """Keep a checked cover's ready pages for the processes that come after this one."""
    if not caches.enabled() or sha256 in _on_disk:
        return
    _load_once()
    with _lock:
        _new[sha256] = {"pages": pages, "ready": ready.to_json()}


def _take(data: Any) -> None:
    """The covers an earlier process checked (missing or damaged: none)."""
    if isinstance(data, dict):
        with _lock:
            _on_disk.update(data)


def save() -> None:
    """Write the covers this process checked, with the most recent of the earlier ones (atomically)."""
    with _lock:
        if not _new:
            return
        kept = {**_new, **{k: v for k, v in _on_disk.items() if k not in _new}}
        kept = dict(list(kept.items())[:_KEPT])
        _new.clear()
    write_kept(cache_file(), kept)  # a read-only or full disk: the next process checks the cover again


_load_once = LoadOnce(lambda: cache_file(), _take, save)
