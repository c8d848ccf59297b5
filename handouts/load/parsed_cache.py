"""Parsed YAML kept on disk, so a one-off command does not parse the whole dataset again.

PyYAML's pure-Python parser is the largest single cost of a cold ``handouts make``
(the dataset is some 25 files). A file's plain data is kept in the user's cache folder
(``platformdirs``), keyed by the SHA-256 of the file's bytes: an edited file has a new
key and is parsed afresh, so the cache never needs invalidating. Only data that JSON
gives back exactly is kept (strings, numbers, booleans, null, lists, maps with string
keys, and dates, written as ``{"__date__": "2026-12-02"}``); a file holding a time stamp
or a number as a key, say, is simply parsed every time. Files that fail to parse
are never kept, so their errors are reported as before. The cache is read once per
process, written when the process ends if it learned something, plain data only, and
safe to delete. ``HANDOUTS_FAST_PATH=0`` neither reads nor writes it.
"""

from __future__ import annotations

import json
import sys
import threading
from datetime import date
from pathlib import Path
from typing import Any

from handouts import __version__
from handouts.fast_path import enabled as enabled  # the switch, where the loaders look
from handouts.load.kept_json import LoadOnce, write_kept

_FORMAT = 1
_DATE = "__date__"
_MAX_ENTRIES = 2000
_lock = threading.Lock()
_entries: dict[str, Any] = {}
_used: set[str] = set()
_state: dict[str, Any] = {"added": False}


def cache_file() -> Path:
    from platformdirs import user_cache_dir  # only when the cache is used

    version = f"{_FORMAT}-{__version__}-py{sys.version_info[0]}{sys.version_info[1]}"
    return Path(user_cache_dir("handouts", appauthor=False)) / f"yaml-{version}.json"


def get(key: str) -> tuple[bool, Any]:
    """(True, data) when the file with this digest was parsed before, else (False, None)."""
    if not enabled():
        return False, None
    _load_once()
    with _lock:
        if key not in _entries:
            return False, None
        _used.add(key)
        # A fresh copy: callers may change what they were given, the cache must not change.
        return True, json.loads(_entries[key], object_hook=_dates)


def put(key: str, data: Any) -> None:
    """Keep ``data`` (just parsed from the file with this digest) if JSON gives it back exactly."""
    if not enabled() or not _plain(data):
        return
    _load_once()
    with _lock:
        _entries[key] = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=_date_json)
        _used.add(key)
        _state["added"] = True


def _date_json(value: Any) -> dict[str, str]:
    if type(value) is date:
        return {_DATE: value.isoformat()}
    raise TypeError(f"not plain data: {type(value).__name__}")


def _dates(mapping: dict[str, Any]) -> Any:
    if len(mapping) == 1 and _DATE in mapping:
        return date.fromisoformat(mapping[_DATE])
    return mapping


def _plain(value: Any) -> bool:
    if value is None or isinstance(value, (str, bool, int, float)) or type(value) is date:
        return True
    if type(value) is list:
        return all(_plain(item) for item in value)
    if type(value) is dict:
        return _DATE not in value and all(type(key) is str and _plain(item) for key, item in value.items())
    return False


def _take(data: Any) -> None:
    """The entries of an earlier process's file (missing or damaged: parse afresh)."""
    if isinstance(data, dict) and all(isinstance(v, str) for v in data.values()):
        with _lock:
            _entries.update(data)


def save() -> None:
    """Write the cache when this process parsed a new file (atomically; errors ignored)."""
    with _lock:
        if not _state["added"]:
            return
        used = [key for key in _entries if key in _used]
        others = [key for key in _entries if key not in _used]
        kept = {key: _entries[key] for key in (used + others)[:_MAX_ENTRIES]}
        _state["added"] = False
    write_kept(cache_file(), kept)  # a read-only or full disk: the next process parses again


_load_once = LoadOnce(lambda: cache_file(), _take, save)
