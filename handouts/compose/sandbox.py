"""The Jinja2 sandbox templates run in: no unsafe attributes, no huge numbers or strings, a time limit.

A clinic edits the templates, so a template is trusted to word the handout but not
to run away: on top of Jinja's immutable sandbox,

* ``**`` and ``*`` are intercepted, so no template can build a number or a string
  too large to print (Jinja never folds an intercepted operator at compile time,
  where no limit would apply);
* ``range`` is capped at ``MAX_RANGE`` and the globals that make output from a
  number (``lipsum``) and the filters that pad to a width are gone;
* a watchdog thread stops a template that runs past its time limit, in whichever
  thread runs it (the web server renders off the main thread, where a signal-based
  alarm cannot reach): it raises ``TemplateTimeout`` in that thread, which Python
  delivers between two steps of the template's own code, however it loops. The thread
  is started once per process and woken only when a new deadline comes before the one
  it already sleeps until (a handout renders several templates, each deadline later
  than the last), so a render does not pay for a thread switch.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

MAX_RANGE = 1000  # a handout never needs longer loops
MAX_NUMBER_BITS = 4096  # a 1,233-digit number: more than any handout prints
MAX_REPEAT = 1_000_000  # characters (or items) a '*' may make
_WIDTH_FILTERS = ("center", "indent", "wordwrap", "format", "truncate", "filesizeformat", "urlize", "xmlattr")


class TemplateTimeout(BaseException):
    """A template ran longer than its time limit.

    A BaseException, so no ``except Exception`` inside Jinja or a template's callees can swallow it.
    """


class TooLong(Exception):
    """A template wrote more than its output limit."""

    def __init__(self, written: int) -> None:
        super().__init__(written)
        self.written = written


def _raise_in(thread: int, exception: type[BaseException]) -> None:
    """Have ``thread`` raise ``exception`` at its next step.

    Never called to clear a pending exception: on CPython 3.11 that leaves the
    interpreter's eval breaker set for good, slowing every later step.
    """
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), ctypes.py_object(exception))


class _Watchdog:
    """One thread per process that stops templates running past their deadline."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._deadlines: dict[int, float] = {}  # thread id -> time.monotonic() deadline
        self._thread: threading.Thread | None = None
        self._wake: float | None = None  # when the watchdog wakes next; None: when notified

    @contextlib.contextmanager
    def watch(self, seconds: float) -> Iterator[None]:
        """Raise TemplateTimeout in this thread if the block is still running after ``seconds``."""
        me = threading.get_ident()
        with self._lock:
            deadline = self._deadlines[me] = time.monotonic() + seconds
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="template-watchdog", daemon=True)
                # It holds no lock a forked child could need (the child starts its own watchdog),
                # so a fork need not fear it (see render/pdf/cover.py).
                self._thread.fork_safe = True  # type: ignore[attr-defined]
                self._thread.start()
            if self._wake is None or deadline < self._wake:  # else it wakes in time to see this deadline
                self._lock.notify()
        try:
            yield
        finally:
            # A stop sent just before this is raised here at the latest (Python delivers it on entering
            # the lock's Python-level __enter__), never after: the watchdog sends only while registered.
            with self._lock:
                self._deadlines.pop(me, None)

    def _run(self) -> None:
        with self._lock:
            while True:
                if not self._deadlines:
                    self._wake = None
                    self._lock.wait()
                    continue
                thread, deadline = min(self._deadlines.items(), key=lambda item: item[1])
                left = deadline - time.monotonic()
                if left > 0:
                    self._wake = deadline
                    self._lock.wait(left)
                    continue
                del self._deadlines[thread]
                _raise_in(thread, TemplateTimeout)


_watchdog = _Watchdog()


def _after_fork() -> None:
    global _watchdog  # noqa: PLW0603 - a forked child has no watchdog thread and may hold its lock
    _watchdog = _Watchdog()


os.register_at_fork(after_in_child=_after_fork)


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
        limited = self._limited.get(operator)
        return limited(left, right) if limited else super().call_binop(context, operator, left, right)

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, str) and attribute in ("format", "format_map"):
            # a format spec can pad to any width ("{:>999999999}"); templates word things themselves
            raise SecurityError("str.format is not available in handout templates")
        return super().getattr(obj, attribute)



def run_limited(pieces: Callable[[], Iterable[str]], *, seconds: float, max_output: int) -> str:
    """Join the output ``pieces()`` yields, stopping it after ``seconds`` or ``max_output`` characters."""
    with _watchdog.watch(seconds):
        written: list[str] = []
        total = 0
        for piece in pieces():
            total += len(piece)
            if total > max_output:
                raise TooLong(total)
            written.append(piece)
        return "".join(written)
