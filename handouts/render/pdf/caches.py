"""Per-process caches of drawing work that is the same from one handout to the next.

Every entry is keyed on everything that changes what it draws (the text and
every attribute of its style, a figure's pose data, size and colours), and
each cache is capped, so a long-running web server or batch worker stays small.
Within one process the ReportLab version and the font files cannot change, so
they need not be part of a key here. ``HANDOUTS_FAST_PATH=0`` turns every
cache off (``build.fast_path``), and everything is then made as it was before.

ReportLab internals used: ``Paragraph._setup`` (the markup parse: its result,
the style and fragments, is kept and each paragraph gets its own copies of the
fragments, ``ParaFrag.clone``) and, for figures, the canvas's ``_code``
list of drawing operators between ``beginForm`` and ``endForm``.
"""

from __future__ import annotations

import hashlib
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, Generic, TypeVar

from handouts.fast_path import enabled as enabled  # the switch, where the renderer's modules look
from handouts.fast_path import said as said  # a kept object's repr, by its identity

K = TypeVar("K")
V = TypeVar("V")


@cache
def renderer_code() -> bytes:
    """A digest of the renderer's own modules, for the keys of what is kept on disk: a record drawn by
    older code is never replayed, even when the version number was not changed with the code."""
    hashed = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        hashed.update(path.name.encode() + b"\0" + path.read_bytes())
    return hashed.digest()


class Capped(Generic[K, V]):
    """A least-recently-used mapping of at most ``size`` entries, safe to share between threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        # Without the lock: each OrderedDict call is one step no other thread can come into (it is written
        # in C), and an entry another thread let go of in between is simply not moved. Taking the lock was
        # a tenth of the cost of a look-up, and a handout looks up a few hundred times.
        value = self._items.get(key)
        if value is not None:
            try:
                self._items.move_to_end(key)
            except KeyError:
                pass
        return value

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)

    def items(self) -> list[tuple[K, V]]:
        """A snapshot of the entries, least recently used first."""
        with self._lock:
            return list(self._items.items())

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def made_from(cache: Capped[K, tuple[Any, V]], key: K, source: object, make: Callable[[], V]) -> V:
    """What ``make`` makes from ``source``, kept in ``cache`` under ``key`` with ``source`` itself: found
    again only while ``key`` holds that very object (kept with it, so an identity used in a key is
    never another object's)."""
    found = cache.get(key)
    if found is None or found[0] is not source:
        found = (source, make())
        cache.put(key, found)
    return found[1]  # type: ignore[no-any-return]


class StyleKey:
    """Every attribute of a ParagraphStyle, made once per distinct set of attributes.

    Equal attributes give the same object (``style_key`` keeps one per set), so a key
    holding it hashes and compares by identity: a key of a kept paragraph is looked up a
    few hundred times a handout, and hashing the forty attributes each time was slow.
    """

    __slots__ = ("attributes",)

    def __init__(self, attributes: tuple[Any, ...]) -> None:
        self.attributes = attributes

    def __repr__(self) -> str:
        return f"StyleKey({self.attributes!r})"


def style_key(style: Any) -> StyleKey:
    """Every attribute of a ParagraphStyle (its parent's are copied into it), as a hashable key.

    Worked out once per style object: styles are built in one function (``styles.Look``)
    and never changed once a paragraph uses them.
    """
    key = _STYLE_KEYS.get(style)
    if key is None:
        attributes = tuple(sorted((name, _hashable(value)) for name, value in vars(style).items()
                                  if name != "parent"))
        with _INTERN_LOCK:
            key = _INTERNED.setdefault(attributes, StyleKey(attributes))
        _STYLE_KEYS[style] = key
    return key


_STYLE_KEYS: weakref.WeakKeyDictionary[Any, StyleKey] = weakref.WeakKeyDictionary()
_INTERNED: dict[tuple[Any, ...], StyleKey] = {}  # a handful: one per style of each Look
_INTERN_LOCK = threading.Lock()


def _hashable(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return tuple(_hashable(item) for item in value)
    if isinstance(value, dict):
        return tuple(sorted((key, _hashable(item)) for key, item in value.items()))
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return (type(value).__name__, repr(value)) if hasattr(value, "hexval") else value


#: Parsed paragraph markup: (text, style, bullet) -> (style, fragments, bullet fragments).
PARSED: Capped[tuple[Any, ...], tuple[Any, list[Any], Any]] = Capped(4096)
#: A figure's form: width, height and drawing operators, by the form's name (a digest of what it draws).
FIGURE_FORMS: Capped[str, tuple[float, float, tuple[str, ...]]] = Capped(256)
#: Figure drawings (ReportLab Drawing objects, never changed once made), by what they draw.
FIGURE_DRAWINGS: Capped[str, Any] = Capped(256)


#: Paragraph line breaks: (parse key, width, auto leading) -> (fragments, lines, wrap widths, height),
#: shared read-only by every paragraph of that text, style and width (``styles.Text.wrap``).
WRAPPED: Capped[tuple[Any, ...], tuple[Any, Any, tuple[float, ...], float]] = Capped(4096)


#: What a paragraph drew, with its fonts as holes (``portable``): (wrap key, height) -> operators, fonts.
DRAWN_TEXT: Capped[tuple[Any, ...], tuple[str, tuple[str, ...]]] = Capped(2048)


#: Every cache made, so all can be emptied at once.
ALL: list[Capped[Any, Any]] = [PARSED, FIGURE_FORMS, FIGURE_DRAWINGS, WRAPPED, DRAWN_TEXT]


def clear_all() -> None:
    """Empty every cache (tests compare a cold process with a warm one)."""
    for each in ALL:
        each.clear()


#: A checklist page's six ArUco markers as ready drawing operators, by the markers (ids and places).
SHEET_MARKERS: Capped[tuple[Any, ...], str] = Capped(16)
ALL.append(SHEET_MARKERS)
