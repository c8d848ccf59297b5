"""The small Markdown subset templates write, parsed into document blocks of plain spans.

Escaping is done in exactly one place: ``md_escape`` runs on every value a
template prints (it is the Jinja ``finalize``), so patient or data text can
never start a heading, a list, a box or bold text: it is literal words. The
parser then resolves the escapes into spans of literal text; no renderer markup
exists at this stage (the PDF renderer escapes spans for ReportLab itself).

The subset::

    # Heading 1 / ## Heading 2 / ### Heading 3
    Paragraph lines (joined until a blank line), **bold**, *italic*, \\* literal
    - bullet item            1. numbered item
    | cell | cell |          (a table row)
    ::: box NAME ... :::     (a box of blocks: safety, note, dose ...)
    ::: NAME                 (a slot the compose stage fills: exercises, checklist, pagebreak)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from handouts.model.document import Block, Box, Heading, Inline, ListBlock, Paragraph, Span, Table

# Characters with a meaning in the subset, escaped with a backslash in values.
_SPECIAL = set("\\*_#-+>|:[]!`.")
# Bidirectional overrides and isolates could reorder printed text; zero-width
# joiners and variation selectors are kept (emoji and some scripts need them).
_BIDI = {"\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f"}
REPLACEMENT = "\ufffd"


#: A soft hyphen with a space (or nothing) on either side: no word to break.
_LOOSE_SOFT_HYPHEN = re.compile(r"\u00ad+(?!\S)|(?<!\S)\u00ad+")


def clean(text: str) -> str:
    """Printable text: controls become spaces, bidi overrides go, forms are composed (NFC),
    a soft hyphen not inside a word goes, and a character that is no character (a lone
    surrogate, a private or unassigned code) becomes U+FFFD. Whether a font can draw it is
    the renderer's business.

    A soft hyphen only marks where a word may break. Before a space ReportLab dropped the
    space when an escaped character followed: "ab\u00ad & c" printed as "ab& c"."""
    if text.isascii() and text.isprintable():
        return text  # the common case, unchanged by every rule below
    out = []
    for char in unicodedata.normalize("NFC", text):
        if char in _BIDI:
            continue
        category = unicodedata.category(char)
        if category in ("Cc", "Zl", "Zp") or char == "\ufeff":
            out.append(" ")
        elif category in ("Cs", "Co", "Cn"):
            out.append(REPLACEMENT)
        else:
            out.append(char)
    cleaned = "".join(out)
    return _LOOSE_SOFT_HYPHEN.sub("", cleaned) if "\u00ad" in cleaned else cleaned


def md_escape(value: object) -> str:
    """Make any value literal text in the subset: one line, every special character escaped."""
    if value is None:
        return ""
    return clean(str(value)).translate(_ESCAPED)


_ESCAPED = str.maketrans({c: "\\" + c for c in _SPECIAL})  # one pass in C, not a step a character


# One token of a line: an escaped character, a bold or an italic toggle, or a run of plain text
# (a lone backslash at the very end is plain text too).
_INLINE_TOKEN = re.compile(r"\\(.)|(\*\*)|(\*)|([^\\*]+|\\)", re.S)


@lru_cache(maxsize=4096)
def inline(line: str) -> Inline:
    """One line of the subset as spans: escapes resolved, **bold** and *italic* toggled.

    Kept per process (spans are immutable): the same card and box lines recur in every handout."""
    spans: list[Span] = []
    literal: list[str] = []
    bold = italic = False
    for escaped, double, single, text in _INLINE_TOKEN.findall(line):
        if double or single:
            if literal:
                spans.append(Span("".join(literal), bold, italic))
                literal.clear()
            if double:
                bold = not bold
            else:
                italic = not italic
        else:
            literal.append(escaped or text)
    if literal:
        spans.append(Span("".join(literal), bold, italic))
    return tuple(spans)


@dataclass(frozen=True)
class Slot:
    """A place the compose stage fills (``::: exercises``, ``::: checklist``, ``::: pagebreak``)."""

    name: str


Parsed = Block | Slot

_HEADING = re.compile(r"(#{1,3})\s+(.*)")
_BULLET = re.compile(r"-\s+(.*)")
_NUMBERED = re.compile(r"\d{1,2}\.\s+(.*)")
_BOX_OPEN = re.compile(r":::\s*box\s+([a-z][a-z0-9-]*)\s*")
_SLOT = re.compile(r":::\s*([a-z][a-z0-9-]*)\s*")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")


class MarkupError(ValueError):
    """The text a template produced is not valid subset (e.g. an unclosed box)."""


@lru_cache(maxsize=2)
def parse(text: str) -> tuple[Parsed, ...]:
    """Parse template output into blocks; raise MarkupError naming the line on structure errors.

    Only the last two texts are kept: the same handout made again (a preview, then its download) is
    not parsed twice. A card's blocks are kept with the templates (``Templates.kept``), and a
    handout's own text holds its patient, so it does not recur in a batch: kept for the last 512
    texts, as it was, each row's blocks outlived many collections of the young objects and joined
    the old ones, which set off a full collection every hundred rows or so."""
    stack: list[tuple[str, list[Parsed], int]] = [("", [], 0)]
    paragraph: list[str] = []
    items: list[str] = []
    ordered = False
    rows: list[tuple[str, ...]] = []

    def close_open() -> None:
        nonlocal items, rows
        blocks = stack[-1][1]
        if paragraph:
            blocks.append(Paragraph(inline(" ".join(paragraph))))
            paragraph.clear()
        if items:
            blocks.append(ListBlock(ordered, tuple(inline(i) for i in items)))
            items = []
        if rows:
            blocks.append(Table(tuple(rows)))
            rows = []

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            close_open()
            continue
        if line == ":::":
            close_open()
            if len(stack) == 1:
                raise MarkupError(f"line {number}: ':::' closes no box")
            kind, blocks, _ = stack.pop()
            stack[-1][1].append(Box(kind, tuple(blocks)))  # type: ignore[arg-type]
            continue
        if match := _BOX_OPEN.fullmatch(line):
            close_open()
            stack.append((match.group(1), [], number))
            continue
        if match := _SLOT.fullmatch(line):
            close_open()
            stack[-1][1].append(Slot(match.group(1)))
            continue
        if match := _HEADING.fullmatch(line):
            close_open()
            stack[-1][1].append(Heading(len(match.group(1)), inline(match.group(2))))
            continue
        bullet, numbered = _BULLET.fullmatch(line), _NUMBERED.fullmatch(line)
        if bullet or numbered:
            kind_ordered = numbered is not None
            if paragraph or rows or (items and kind_ordered != ordered):
                close_open()
            ordered = kind_ordered
            items.append((numbered or bullet).group(1))  # type: ignore[union-attr]
            continue
        if line.startswith("|"):
            if paragraph or items:
                close_open()
            body = line[1:]
            if body.endswith("|") and not body.endswith("\\|"):
                body = body[:-1]
            cells = _CELL_SPLIT.split(body)
            rows.append(tuple(inline(c.strip()) for c in cells))
            continue
        if items and raw[:1].isspace():
            items[-1] += " " + line  # an indented line continues the list item
            continue
        if items or rows:
            close_open()
        paragraph.append(line)
    close_open()
    if len(stack) > 1:
        raise MarkupError(f"line {stack[-1][2]}: box {stack[-1][0]!r} is never closed with ':::'")
    return tuple(stack[0][1])
