"""The fonts a handout prints with, shipped inside the package with their licence.

Fonts are registered once, on first use, so every name (Zoë, Łukasz, Nguyễn,
Ñandú) prints with real glyphs on any machine. ReportLab draws a missing glyph
as an empty box without a word, so ``has_glyph`` tells what can be printed.

ReportLab internals used: ``TTFont.state`` (a document's subset state, copied from a
primed one on the fast path: ``prime_subsets``) and ``TTFont.splitString``.
"""

from __future__ import annotations

import copy
import weakref
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from handouts.render.pdf import caches
from handouts.render.pdf.font_objects import ready_objects

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "HandoutSans"
FONT_NAME = "DejaVu Sans"  # the face's own name, for messages
FONT_BOLD = "HandoutSans-Bold"
FONT_ITALIC = "HandoutSans-Italic"
_FONT_FILES = {FONT: "DejaVuSans.ttf", FONT_BOLD: "DejaVuSans-Bold.ttf", FONT_ITALIC: "DejaVuSans-Oblique.ttf"}


@cache
def register_fonts() -> str:
    """Register the shipped fonts with ReportLab once per process; return the family name."""
    _compress_font_files_once()
    for name, filename in _FONT_FILES.items():
        font = TTFont(name, str(FONTS_DIR / filename))
        font.face.makeSubset = _remembered(font.face.makeSubset)
        font.addObjects = ready_objects(font.addObjects, font)
        pdfmetrics.registerFont(font)
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD)
    return FONT


#: Compressed font subsets, by their uncompressed bytes.
_COMPRESSED: caches.Capped[bytes, bytes] = caches.Capped(32)
caches.ALL.append(_COMPRESSED)
_TRUETYPE = (b"\x00\x01\x00\x00", b"true", b"OTTO")


def _compress_font_files_once() -> None:
    """Compress each font subset once per process: the primed subsets recur in every handout,
    and compressing them was a third of a warm handout's time.

    ReportLab compresses every stream through one shared filter object,
    ``pdfdoc.PDFZCompress``; its ``encode`` is wrapped so a TrueType file seen before gets
    the bytes zlib gave it then (zlib gives the same bytes for the same input). Other
    streams, and everything when HANDOUTS_FAST_PATH=0, are compressed as before.
    """
    zcompress = pdfdoc.PDFZCompress
    plain = zcompress.encode

    def encode(text: bytes | str) -> bytes:
        if not (isinstance(text, bytes) and text[:4] in _TRUETYPE and caches.enabled()):
            return plain(text)
        found = _COMPRESSED.get(text)
        if found is None:
            found = plain(text)
            _COMPRESSED.put(text, found)
        return found

    zcompress.encode = encode


# Characters most handouts print, in the order they take the first font subset:
# punctuation, ASCII, Latin-1 letters, then Central European letters until it is full.
_COMMON_RANGES = ((0x2013, 0x2015), (0x2018, 0x201A), (0x201C, 0x201E), (0x2022, 0x2023), (0x2026, 0x2027),
                  (0x20, 0x7F), (0xA1, 0x100), (0x100, 0x180))


def _remembered(make_subset: Callable[[list[int]], bytes]) -> Callable[[list[int]], bytes]:
    """Build each font subset once per process: the primed subsets recur in every handout."""
    made: dict[tuple[int, ...], bytes] = {}

    def subset(codes: list[int]) -> bytes:
        key = tuple(codes)
        if key not in made:
            if len(made) > 64:  # rare letters make one-off subsets: keep the cache small
                made.clear()
            made[key] = make_subset(codes)
        return made[key]

    return subset


class _Probe:
    """A weak-referenceable stand-in for a document."""


@cache
def _primer(font: str) -> str:
    """Common characters, cut where they fill the first 256-code subset of ``font``."""
    register_fonts()
    ttf = pdfmetrics.getFont(font)
    probe = _Probe()  # stands in for a document: ReportLab keeps subset state per document
    text = []
    for start, stop in _COMMON_RANGES:
        for code in range(start, stop):
            if code in ttf.face.charToGlyph:
                text.append(chr(code))
                ttf.splitString(chr(code), probe)
                if ttf.state[probe].nextCode >= 256:
                    del ttf.state[probe]
                    return "".join(text)
    del ttf.state[probe]
    return "".join(text)


def prime_subsets(doc: object) -> None:
    """Give common characters the same subset places in every document.

    ReportLab embeds a font in 256-glyph subsets numbered in the order
    characters first appear, so two handouts normally embed different subsets.
    Primed, the subsets holding common letters are byte-identical in every
    handout, and a combined print file stores them once.
    """
    fonts = [pdfmetrics.getFont(font) for font in _FONT_FILES]
    if not any(doc in ttf.state for ttf in fonts):  # codes taken before priming would not be the common ones
        _PRIMED.add(doc)
    for font, ttf in zip(_FONT_FILES, fonts):
        if caches.enabled() and doc not in ttf.state:
            ttf.state[doc] = _copy_state(_primed_state(font))  # the same places, without the per-letter work
        else:
            ttf.splitString(_primer(font), doc)


def primed(doc: object) -> bool:
    """True when ``prime_subsets`` primed ``doc``: only there are the first subset's codes the same as
    in every other handout, so only there may operators drawn elsewhere be written again (``portable``)."""
    return doc in _PRIMED


_PRIMED: weakref.WeakSet[object] = weakref.WeakSet()


@cache
def _primed_state(font: str) -> Any:
    """ReportLab's subset state of ``font`` for a document it primed and used for nothing else."""
    probe = _Probe()
    ttf = pdfmetrics.getFont(font)
    ttf.splitString(_primer(font), probe)
    return _copy_state(ttf.state.pop(probe))


def _copy_state(state: Any) -> Any:
    """A subset state of its own: a copy with its own code assignments and subset lists."""
    copied = copy.copy(state)
    copied.assignments = dict(state.assignments)
    copied.subsets = [list(codes) for codes in state.subsets]
    return copied


def has_glyph(char: str) -> bool:
    """True when every shipped face (regular, bold, italic) draws ``char``.

    ReportLab draws a missing glyph as an empty box, silently.
    """
    return ord(char) in _glyphs()


@cache
def _glyphs() -> frozenset[int]:
    register_fonts()
    faces = [set(pdfmetrics.getFont(name).face.charToGlyph) for name in _FONT_FILES]
    return frozenset(set.intersection(*faces))
