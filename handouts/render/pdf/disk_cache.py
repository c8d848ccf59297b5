"""The fast path's records kept on disk, so a one-off ``handouts make`` starts warm.

What ``frozen`` recorded (cards and boxes as PDF operators) and the figures'
forms are written as JSON to the user's cache folder (``platformdirs``) when
the process ends, and read back by the next process's first handout. The
file's name holds a digest of everything that changes what a record means:
this program's version, ReportLab's version, the shipped font files and the
stream settings; any change starts a new file. The file is plain data (no
code is loaded from it) and safe to delete at any time. HANDOUTS_FAST_PATH=0
neither reads nor writes it.
"""

from __future__ import annotations

import hashlib
import sys
import threading
from functools import cache
from pathlib import Path
from typing import Any

import reportlab
from reportlab import rl_config

from handouts import __version__
from handouts.load.kept_json import LoadOnce, write_kept
from handouts.render.pdf import caches, frozen
from handouts.render.pdf.fonts import _FONT_FILES, FONTS_DIR
from handouts.render.pdf.pages import MarkFlowable

_FORMAT = 2
_lock = threading.Lock()
_state: dict[str, Any] = {"saved": None}


def cache_folder() -> Path:
    """The user's cache folder for handouts (XDG_CACHE_HOME, ~/Library/Caches, %LOCALAPPDATA%)."""
    from platformdirs import (
        user_cache_dir,  # only when the cache is used: not on `handouts --help`
    )

    return Path(user_cache_dir("handouts", appauthor=False))


@cache
def digest() -> str:
    """What the records depend on besides their own keys: versions, the renderer's code, font files and
    stream settings."""
    hashed = hashlib.sha256(f"{_FORMAT} {__version__} {reportlab.Version} {rl_config.useA85} "
                            f"{sys.version_info[:2]}".encode())
    hashed.update(caches.renderer_code())
    for name in sorted(_FONT_FILES.values()):
        hashed.update((FONTS_DIR / name).read_bytes())
    return hashed.hexdigest()[:16]


def cache_file() -> Path:
    return cache_folder() / f"render-{digest()}.json"


def load_once() -> None:
    """Read the records of earlier processes, once per process; a missing or damaged file is ignored."""
    if caches.enabled():
        _kept()


def _take(data: Any) -> None:
    if data is None:
        return
    with _lock:
        try:
            _restore(data)
        except (ValueError, TypeError, KeyError, IndexError):
            return
        _state["saved"] = _snapshot_size()


def save() -> None:
    """Write the records to the cache file when this process added any (atomically; errors ignored)."""
    if not caches.enabled() or _snapshot_size() == _state["saved"]:
        return
    if write_kept(cache_file(), _dump()):  # a read-only or full disk: the next process starts cold
        _state["saved"] = _snapshot_size()


def _snapshot_size() -> tuple[int, int, int]:
    return len(frozen.DRAWN), len(frozen.RECIPES), len(caches.FIGURE_FORMS)


def _dump() -> dict[str, Any]:
    recipes = {}
    for key, recipe in frozen.RECIPES.items():
        recipes[key] = [["table", part] if kind == "table" else
                        ["mark", {name: getattr(part, name) for name in ("kind", "name", "spaceBefore", "spaceAfter")
                                  if isinstance(getattr(part, name, None), (str, int, float))}]
                        for kind, part in recipe]
    return {
        "figures": {name: [w, h, list(ops)] for name, (w, h, ops) in caches.FIGURE_FORMS.items()},
        "drawn": [[key, index, vars(drawn)] for (key, index), drawn in frozen.DRAWN.items()],
        "recipes": recipes,
    }


_PLACE_FIELDS = {"box": (str, str, int, str), "cell": (str, str, int)}  # after the kind and four numbers


def _place(record: list[Any]) -> tuple[Any, ...]:
    """A tick box or write-in cell of a record, checked: its kind, four numbers, then its own fields."""
    kind, numbers, rest = record[0], record[1:5], record[5:]
    types = _PLACE_FIELDS.get(kind)
    if types is None or len(numbers) != 4 or len(rest) != len(types) \
            or not all(type(value) is wanted for value, wanted in zip(rest, types)):
        raise ValueError("a damaged record")
    return (kind, *(float(n) for n in numbers), *rest)


def _restore(data: dict[str, Any]) -> None:
    for name, (width, height, operators) in data["figures"].items():
        if caches.FIGURE_FORMS.get(name) is None:
            caches.FIGURE_FORMS.put(str(name), (float(width), float(height), tuple(str(op) for op in operators)))
    for key, index, fields in data["drawn"]:
        drawn = frozen.Drawn(**fields)
        if not all(isinstance(getattr(drawn, name), str) for name in ("text", "h_align")):
            raise TypeError("a damaged record")
        frozen.DRAWN.put((str(key), int(index)), frozen.Drawn(
            float(drawn.width), float(drawn.height), drawn.h_align, float(drawn.space_before),
            float(drawn.space_after), drawn.text, tuple(drawn.fonts), tuple(drawn.forms),
            tuple(_place(place) for place in drawn.places)))
    for key, recipe in data["recipes"].items():
        parts: list[tuple[str, Any]] = []
        for kind, part in recipe:
            if kind == "table":
                parts.append(("table", int(part)))
            else:
                mark = MarkFlowable(str(part["kind"]), str(part["name"]))
                for name in ("spaceBefore", "spaceAfter"):
                    if name in part:
                        setattr(mark, name, float(part[name]))
                parts.append(("mark", mark))
        frozen.RECIPES.put(str(key), tuple(parts))


_kept = LoadOnce(lambda: cache_file(), _take, save)
