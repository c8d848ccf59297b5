"""Document text as ReportLab paragraph markup: the one place spans meet ReportLab's tags.

Every span's text is escaped here (so ``<font>`` or ``&`` in a name prints as
typed), a character the shipped fonts cannot draw becomes U+FFFD (ReportLab
would print an empty box without a word), and very long unbroken words get
break opportunities so no line can overflow the page.
"""

from __future__ import annotations

import re
from functools import lru_cache

from handouts.compose.markup import clean
from handouts.model.document import Inline
from handouts.render.pdf.fonts import has_glyph

REPLACEMENT = "\ufffd"
MAX_WORD = 40  # longer unbroken runs get break opportunities so the layout cannot overflow


def missing_glyphs(text: str) -> str:
    """The characters of ``text`` (as it will print, cleaned) that the shipped fonts cannot draw, each once."""
    return "".join(dict.fromkeys(c for c in clean(text) if not has_glyph(c)))


def printable(text: str) -> str:
    """``text`` with every character the shipped fonts cannot draw replaced by U+FFFD."""
    return "".join(c if has_glyph(c) else REPLACEMENT for c in text)


def xml_escape(text: str) -> str:
    """Escape literal text for ReportLab paragraph markup (what ``xml.sax.saxutils.escape`` does, without
    the ~20 ms its import of ``urllib.request`` adds to a cold start)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _breakable(text: str) -> str:
    """Escaped text with a zero-width break opportunity inside very long unbroken words."""
    if len(text) <= MAX_WORD:
        return xml_escape(text)
    pieces = []
    for word in re.split(r"(\s+)", text):
        if len(word) > MAX_WORD:
            word = "\u200b".join(word[i : i + MAX_WORD] for i in range(0, len(word), MAX_WORD))
        pieces.append(xml_escape(word))
    return "".join(pieces)


@lru_cache(maxsize=4096)
def markup(inline: Inline) -> str:
    """``inline`` as ReportLab paragraph markup (the same line recurs in every handout: cached)."""
    out = []
    for span in inline:
        text = _breakable(printable(span.text))
        if span.italic:
            text = f"<i>{text}</i>"
        if span.bold:
            text = f"<b>{text}</b>"
        out.append(text)
    return "".join(out)


@lru_cache(maxsize=4096)
def literal(text: str) -> str:
    """Plain text (a label, a caption) as markup (labels recur in every grid: cached)."""
    return _breakable(printable(text))
