"""One reader for every YAML data file: typed getters that collect every problem instead of stopping.

A ``Section`` is one mapping being read. Each getter returns the value (or a
fallback) and records a ``DataError`` naming the file, the dotted key and the
fix when the value is wrong, so a file's problems are all reported at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from handouts.errors import DataError, did_you_mean, one_of, shown

_MISSING = object()
_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")


class Problems:
    """Collects DataErrors for one load so all of them can be shown at once."""

    def __init__(self) -> None:
        self.errors: list[DataError] = []

    def add(self, message: str, *, path: Path | None, key: str | None = None, row: int | None = None) -> None:
        self.errors.append(DataError(message, path=path, key=key, row=row))

    def extend(self, errors: Iterable[DataError]) -> None:
        self.errors.extend(errors)

    def __bool__(self) -> bool:
        return bool(self.errors)


class Section:
    """A YAML mapping being read: typed getters that record problems instead of raising."""

    def __init__(self, value: Any, *, path: Path, where: str, problems: Problems, known: Iterable[str],
                 note: str = "") -> None:
        self.path = path
        self.where = where
        self.problems = problems
        self.note = note  # put before every message, e.g. "exercise 'bird-dog': "
        self.ok = isinstance(value, dict)
        self.data: dict[str, Any] = value if self.ok else {}
        if not self.ok:
            self.fail(f"expected a mapping of 'key: value' lines, found {shown(value)}", key=where or None)
            return
        known = tuple(known)
        for key in self.data:
            if key not in known:
                self.fail(f"unknown key{did_you_mean(str(key), known)}; known keys: {', '.join(known)}", key=self.qualified(str(key)))

    def qualified(self, key: str | int) -> str:
        """The dotted path of ``key`` in the file, e.g. 'dose.hold' or 'box[0]'."""
        if isinstance(key, int):
            return f"{self.where}[{key}]"
        return f"{self.where}.{key}" if self.where else key

    def fail(self, message: str, *, key: str | None = None) -> None:
        self.problems.add(self.note + message, path=self.path, key=key)

    def error(self, message: str, *, key: str | None = None) -> DataError:
        """The DataError ``fail`` would record, for a check that stops at its first problem."""
        return DataError(self.note + message, path=self.path, key=key)

    def _present(self, key: str, default: Any) -> bool:
        """True when the key has a value; otherwise records 'required' if there is no default."""
        if key in self.data and self.data[key] is not None:
            return True
        if default is _MISSING:
            self.fail("is required", key=self.qualified(key))
        return False

    @staticmethod
    def _fallback(default: Any) -> Any:
        return None if default is _MISSING else default

    def raw(self, key: str, default: Any = _MISSING) -> Any:
        return self.data[key] if self._present(key, default) else self._fallback(default)

    def text(self, key: str, default: Any = _MISSING, *, max_len: int = 400) -> Any:
        if not self._present(key, default):
            return self._fallback(default)
        value = self.data[key]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            self.fail(f"expected text, found {shown(value)}", key=self.qualified(key))
            return None
        if len(value) > max_len:
            self.fail(f"is {len(value)} characters long; {max_len} at most", key=self.qualified(key))
        return value.strip()

    def texts(self, key: str, *, required: bool = True, max_items: int = 12) -> tuple[str, ...]:
        if not self._present(key, _MISSING if required else ()):
            return ()
        value = self.data[key]
        if isinstance(value, str):
            value = [value]
        if value == [] and not required:
            return ()
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail("expected a list of text lines ('- ...'), none of them empty", key=self.qualified(key))
            return ()
        if len(value) > max_items:
            self.fail(f"has {len(value)} items; keep it to {max_items} or fewer", key=self.qualified(key))
        return tuple(v.strip() for v in value)

    def choice(self, key: str, choices: tuple[str, ...], default: Any = _MISSING) -> Any:
        if not self._present(key, default):
            return self._fallback(default)
        value = self.data[key]
        if value not in choices:
            self.fail(one_of(value, choices), key=self.qualified(key))
            return None
        return value

    def flag(self, key: str, default: bool = False) -> bool:
        if not self._present(key, default):
            return default
        value = self.data[key]
        if not isinstance(value, bool):
            self.fail(f"expected true or false, found {shown(value)}", key=self.qualified(key))
            return default
        return value

    def number(self, key: str, low: int, high: int, default: Any = None) -> Any:
        if not self._present(key, default):
            return self._fallback(default)
        value = self.data[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(f"expected a whole number from {low} to {high}, found {shown(value)}", key=self.qualified(key))
            return None
        return value

    def colour(self, key: str, default: str) -> str:
        value = self.raw(key, default)
        if not isinstance(value, str) or not _COLOUR.fullmatch(value):
            self.fail(f"expected a colour like '#1F4E79', found {shown(value)}", key=self.qualified(key))
            return default
        return value.upper()

    def url(self, key: str) -> str | None:
        value = self.raw(key, None)
        if value is None:
            return None
        if not isinstance(value, str) or not re.fullmatch(r"https?://[^\s<>\"']{1,300}", value):
            self.fail(f"expected a web address starting with https://, found {shown(value)}", key=self.qualified(key))
            return None
        return value

    def decimal(self, key: str, low: float = -1000, high: float = 1000, default: Any = _MISSING) -> Any:
        """A number (whole or decimal) from ``low`` to ``high``."""
        if not self._present(key, default):
            return self._fallback(default)
        value = self.data[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            self.fail(f"expected a number from {low:g} to {high:g}, found {shown(value)}", key=self.qualified(key))
            return None
        return float(value)

    def point(self, key: str, default: Any = _MISSING) -> Any:
        """A point [x, y] in cm."""
        if not self._present(key, default):
            return self._fallback(default)
        value = self.data[key]
        if not isinstance(value, list) or len(value) != 2:
            self.fail(f"expected a point [x, y] in cm, found {shown(value)}", key=self.qualified(key))
            return None
        pair = Section(dict(enumerate(value)), path=self.path, where=self.qualified(key), problems=self.problems,
                       known=(0, 1), note=self.note)
        x, y = pair.decimal(0, default=None), pair.decimal(1, default=None)
        return None if x is None or y is None else (x, y)

    def items(self, key: str, *, low: int, high: int, what: str) -> list[Any]:
        """A list of ``low`` to ``high`` entries (``what`` says what one looks like)."""
        value = self.raw(key)
        if value is None:
            return []
        if not isinstance(value, list) or not low <= len(value) <= high:
            self.fail(f"expected a list of {low} to {high} {what}", key=self.qualified(key))
            return []
        return value

    def section(self, key: str, known: Iterable[str], *, required: bool = True) -> Section:
        value = self.raw(key, _MISSING if required else {})
        return self.child(value if value is not None else {}, key, known)

    def child(self, value: Any, key: str, known: Iterable[str]) -> Section:
        """A mapping found under ``key`` (which may be an index such as 'poses[0]')."""
        return Section(value, path=self.path, where=self.qualified(key), problems=self.problems, known=known,
                       note=self.note)
