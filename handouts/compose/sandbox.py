"""The Jinja2 sandbox templates run in: no unsafe attributes, no huge numbers or strings, a time limit.

A clinic edits the templates, so a template is trusted to word the handout but not
to run away: on top of Jinja's immutable sandbox,

* ``**`` and ``*`` are intercepted, so no template can build a number or a string
  too large to print (Jinja never folds an intercepted operator at compile time,
  where no limit would apply);
* ``range`` is capped at ``MAX_RANGE`` and the globals that make output from a
  number (``lipsum``) and the filters that pad to a width are gone;
* a deadline is checked on every call, attribute and item lookup and each piece
  of output, so the time limit works in any thread (the web server renders
  off the main thread, where a signal-based alarm cannot reach).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

MAX_RANGE = 1000  # a handout never needs longer loops
MAX_NUMBER_BITS = 4096  # a 1,233-digit number: more than any handout prints
MAX_REPEAT = 1_000_000  # characters (or items) a '*' may make
_WIDTH_FILTERS = ("center", "indent", "wordwrap", "format", "truncate", "filesizeformat", "urlize", "xmlattr")


class TemplateTimeout(Exception):
    """A template ran longer than its time limit."""


class TooLong(Exception):
    """A template wrote more than its output limit."""

    def __init__(self, written: int) -> None:
        super().__init__(written)
        self.written = written


_state = threading.local()


def _check_deadline() -> None:
    deadline = getattr(_state, "deadline", None)
    if deadline is not None and time.monotonic() > deadline:
        raise TemplateTimeout


def small_range(*args: int) -> range:
    """range() for templates, refusing loops longer than MAX_RANGE."""
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise OverflowError(f"range of {len(numbers):,} is longer than {MAX_RANGE:,}")
    return numbers


def _power(left: Any, right: Any) -> Any:
    if isinstance(left, int) and isinstance(right, int) and right > 0 and left not in (-1, 0, 1):
        if abs(left).bit_length() * right > MAX_NUMBER_BITS:
            raise SecurityError("the template tried to make a number too large to print")
    return left**right


def _times(left: Any, right: Any) -> Any:
    if isinstance(left, int) and isinstance(right, int):
        if abs(left).bit_length() + abs(right).bit_length() > MAX_NUMBER_BITS:
            raise SecurityError("the template tried to make a number too large to print")
    for sized, count in ((left, right), (right, left)):
        if isinstance(count, int) and hasattr(sized, "__len__") and len(sized) * count > MAX_REPEAT:
            raise SecurityError(f"the template tried to repeat text more than {MAX_REPEAT:,} times its length")
    return left * right


class HandoutSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with capped arithmetic and a deadline checked as the template runs."""

    intercepted_binops = frozenset({"**", "*"})
    _limited: Mapping[str, Callable[[Any, Any], Any]] = {"**": _power, "*": _times}

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.globals.clear()
        self.globals["range"] = small_range
        for name in _WIDTH_FILTERS:
            self.filters.pop(name, None)

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        _check_deadline()
        limited = self._limited.get(operator)
        return limited(left, right) if limited else super().call_binop(context, operator, left, right)

    def call(__self, __context: jinja2.runtime.Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja's signature
        _check_deadline()
        return super().call(__context, __obj, *args, **kwargs)

    def getattr(self, obj: Any, attribute: str) -> Any:
        _check_deadline()
        if isinstance(obj, str) and attribute in ("format", "format_map"):
            # a format spec can pad to any width ("{:>999999999}"); templates word things themselves
            raise SecurityError("str.format is not available in handout templates")
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        _check_deadline()
        return super().getitem(obj, argument)


def run_limited(pieces: Callable[[], Iterable[str]], *, seconds: float, max_output: int) -> str:
    """Join the output ``pieces()`` yields, stopping it after ``seconds`` or ``max_output`` characters."""
    previous = getattr(_state, "deadline", None)
    _state.deadline = time.monotonic() + seconds
    try:
        written: list[str] = []
        total = 0
        for piece in pieces():
            total += len(piece)
            if total > max_output:
                raise TooLong(total)
            written.append(piece)
            _check_deadline()
        return "".join(written)
    finally:
        _state.deadline = previous
