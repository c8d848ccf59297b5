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
``TTFont.getSubsetInternalName`` (which also makes the document embed the font); for a recorded
drawing drawn in place (``draw_recorded``), the canvas's ``_code`` and ``_currentMatrix``, the
operators ``Canvas.saveState``, ``translate`` and ``restoreState`` write, and
``Flowable._hAlignAdjust``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

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
    names = _font_names(canvas._doc, fonts)
    key = (text, names)  # the recorded str keeps its hash, so a lookup costs little
    found = _FILLED.get(key)
    if found is None:
        found = _HOLE.sub(lambda m: names[int(m.group(1))], text)
        _FILLED.put(key, found)
    return found


def _font_names(doc: Any, fonts: tuple[str, ...]) -> tuple[str, ...]:
    """The names ``doc`` gives ``fonts``' first subsets, asked of ReportLab once per document for the same
    fonts (the first asking names the font in the document and has it embedded; the name then stays)."""
    known: dict[tuple[str, ...], tuple[str, ...]] | None = getattr(doc, "handouts_font_names", None)
    if known is None:
        known = doc.handouts_font_names = {}
    names = known.get(fonts)
    if names is None:
        names = known[fonts] = tuple(pdfmetrics.getFont(font).getSubsetInternalName(0, doc) for font in fonts)
    return names


#: Operators filled with a document's font names (mostly the same names in every handout).
_FILLED: caches.Capped[tuple[str, tuple[str, ...]], str] = caches.Capped(2048)
caches.ALL.append(_FILLED)


def draw_recorded(flowable: Flowable, canvas: Canvas, x: float, y: float, s_w: float, write: Callable[[], None]
                  ) -> None:
    """What ``Flowable.drawOn`` does, for a flowable whose drawing (``write``) only appends recorded
    operators and forms: the same operators (``q``, the translation, the drawing, ``Q``) and the same
    transform while it draws, without saving and restoring the canvas's whole graphics state, which
    such a drawing never changes (a quarter of the time of writing a recorded paragraph again)."""
    x = flowable._hAlignAdjust(x, s_w)
    matrix = canvas._currentMatrix
    a0, b0, c0, d0, e0, f0 = matrix
    code = canvas._code
    code.append("q")
    code.append(f"{fp_str(1, 0, 0, 1, x, y)} cm")  # what translate writes after a "q"
    # as Canvas.transform multiplies in the translation
    canvas._currentMatrix = (a0 * 1 + c0 * 0, b0 * 1 + d0 * 0, a0 * 0 + c0 * 1, b0 * 0 + d0 * 1,
                             a0 * x + c0 * y + e0, b0 * x + d0 * y + f0)
    flowable.canv = canvas
    try:
        write()
    finally:
        del flowable.canv
        code.append("Q")
        canvas._currentMatrix = matrix
