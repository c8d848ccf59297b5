"""One switch for all the work kept between handouts: ``HANDOUTS_FAST_PATH=0`` turns it off.

A handout looks the switch up some hundred times (every kept paragraph, card and
font asks). Reading the environment each time was a few per cent of a warm
handout, so ``one_reading`` reads it once for the span of a handout, and every
look-up in that span (in that thread) sees the same answer. Outside such a span
the environment is read each time, as before.

``said`` is here too, as the compose and render stages both key kept work on the objects kept
between handouts: an object's ``repr``, written out once per process.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_READING: ContextVar[bool | None] = ContextVar("handouts_fast_path", default=None)


def _from_environment() -> bool:
    return os.environ.get("HANDOUTS_FAST_PATH", "1").strip() != "0"


def enabled() -> bool:
    """False when ``HANDOUTS_FAST_PATH=0`` asks for the plain path."""
    reading = _READING.get()
    return _from_environment() if reading is None else reading


@contextmanager
def one_reading() -> Iterator[None]:
    """Read the switch once for what runs inside (one handout)."""
    token = _READING.set(_from_environment())
    try:
        yield
    finally:
        _READING.reset(token)


def said(thing: object) -> str:
    """``repr(thing)`` for a key, worked out once per process for an object kept between handouts.

    Composing makes one card or checklist week per process for the same words, and the dataset's
    objects (an exercise's illustration) are loaded once: such an object recurs in many handouts, and
    its ``repr`` (every word, number, picture and date it prints) is written out once, by its identity.
    The object is kept with it, so the identity is never another object's. The plain path keeps nothing."""
    if not enabled():
        return repr(thing)
    found = _SAID.get(id(thing))
    if found is None or found[0] is not thing:
        if len(_SAID) >= _KEPT_SAID:
            _SAID.clear()
        found = _SAID[id(thing)] = (thing, repr(thing))
    return found[1]


_SAID: dict[int, tuple[object, str]] = {}
_KEPT_SAID = 1024
