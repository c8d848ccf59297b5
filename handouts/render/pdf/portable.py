"""PDF operators that can be written again in another document: fonts named by holes, not by the
document's own names.

A document names each font it embeds (``/F3+0``); the same face may have another
name in the next document. Operators recorded in one document keep their fonts as
numbered holes with the fonts listed beside them, and are filled with the next
document's names when written there. Only text in the first, primed subset of the
shipped fonts is portable (its codes are the same in every document,
``fonts.prime_subsets``), with colours, paths and known forms; anything else
(letters outside the primed subset, a standard font, images, shadings,
transparency, colour spaces) is not.

ReportLab internals used: the document's ``fontMapping`` and
``TTFont.getSubsetInternalName`` (which also makes the document embed the font).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from handouts.render.pdf import caches
from handouts.render.pdf.fonts import primed

_FONT_NAME = re.compile(r"/(F\d+)(\+(\d+))?(?=[\s/\[(<]|$)")
_UNPORTABLE = re.compile(r"(?:^|\s)(?:gs|sh|BI|scn|SCN|cs|CS)(?:\s|$)")
_HOLE = re.compile("\x00(\\d+)\x00")

#: Operators with their fonts as holes, and the fonts (registered names) in hole order.
Portable = tuple[str, tuple[str, ...]]


def portable(text: str, canvas: Canvas, known_form: Callable[[str], bool], forms: tuple[str, ...] = ()
             ) -> Portable | None:
    """``text`` (drawn on ``canvas``) with its fonts as holes; None when it cannot be written elsewhere.
    ``forms`` are the forms it draws, each of which ``known_form`` must be able to define again."""
    if (not primed(canvas._doc) or _UNPORTABLE.search(text) or "\x00" in text
            or not all(known_form(name) for name in forms)):
        return None
    internal = {mapped.lstrip("/"): name for name, mapped in canvas._doc.fontMapping.items()}
    fonts: list[str] = []
    ok = True

    def hole(match: re.Match[str]) -> str:
        nonlocal ok
        font = internal.get(match.group(1))
        if font is None or match.group(3) != "0":  # a standard font, or a subset this document made
            ok = False
            return match.group(0)
        if font not in fonts:
            fonts.append(font)
        return f"\x00{fonts.index(font)}\x00"

    text = _FONT_NAME.sub(hole, text)
    return (text, tuple(fonts)) if ok else None


def filled(canvas: Canvas, recorded: Portable) -> str:
    """The recorded operators with the fonts named as ``canvas``'s document names them."""
    text, fonts = recorded
    if not fonts:
        return text
    doc = canvas._doc
    names = tuple(pdfmetrics.getFont(font).getSubsetInternalName(0, doc) for font in fonts)
    key = (text, names)  # the recorded str keeps its hash, so a lookup costs little
    found = _FILLED.get(key)
    if found is None:
        found = _HOLE.sub(lambda m: names[int(m.group(1))], text)
        _FILLED.put(key, found)
    return found


#: Operators filled with a document's font names (mostly the same names in every handout).
_FILLED: caches.Capped[tuple[str, tuple[str, ...]], str] = caches.Capped(2048)
caches.ALL.append(_FILLED)
