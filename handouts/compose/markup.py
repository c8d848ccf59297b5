"""The small Markdown subset templates write, turned into blocks of ReportLab markup.

Two escaping steps, each done in exactly one place:

* ``md_escape`` runs on every value a template prints (it is the Jinja
  ``finalize``), so patient or data text can never start a heading, a list, a
  box or bold text: it is literal words.
* ``inline`` turns one line of the subset into ReportLab paragraph markup; all
  literal text passes through ``xml_escape`` there, so ``<font>`` or ``&`` in a
  name prints as typed. Only this module emits the tags ``<b>``, ``<i>`` and ``<br/>``.

The subset::

    # Heading 1 / ## Heading 2 / ### Heading 3
    Paragraph lines (joined until a blank line), **bold**, *italic*, \\* literal
    - bullet item            1. numbered item
    | cell | cell |          (a table row)
    ::: box NAME ... :::     (a box of blocks: safety, note, dose ...)
    ::: NAME                 (a slot the layout fills: exercises, checklist, pagebreak)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape as _xml
from xml.sax.saxutils import unescape as _xml_unescape

from handouts.render.pdf.fonts import has_glyph

# Characters with a meaning in the subset, escaped with a backslash in values.
_SPECIAL = set("\\*_#-+>|:[]!`.")
# Bidirectional overrides and isolates could reorder printed text; zero-width
# joiners and variation selectors are kept (emoji and some scripts need them).
_BIDI = {"\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f"}
REPLACEMENT = "\ufffd"
MAX_WORD = 40  # longer unbroken runs get break opportunities so the layout cannot overflow


def clean(text: str) -> str:
    """Printable text: controls become spaces, bidi overrides go, forms are composed (NFC),
    and a character the shipped font cannot draw becomes U+FFFD (ReportLab would print an
    empty box without a word)."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        if char in _BIDI:
            continue
        category = unicodedata.category(char)
        if category in ("Cc", "Zl", "Zp") or char == "\ufeff":
            out.append(" ")
        elif category in ("Cs", "Co", "Cn") or not has_glyph(char):
            out.append(REPLACEMENT)
        else:
            out.append(char)
    return "".join(out)


def md_escape(value: object) -> str:
    """Make any value literal text in the subset: one line, every special character escaped."""
    if value is None:
        return ""
    text = clean(str(value))
    return "".join("\\" + c if c in _SPECIAL else c for c in text)


def xml_escape(text: str) -> str:
    """Escape literal text for ReportLab paragraph markup."""
    return _xml(text, {'"': "&quot;"})


def _breakable(text: str) -> str:
    """Escaped text with a zero-width break opportunity inside very long unbroken words."""
    if len(text) <= MAX_WORD:
        return xml_escape(text)
    words = re.split(r"(\s+)", text)
    pieces = []
    for word in words:
        if len(word) > MAX_WORD:
            word = "\u200b".join(word[i : i + MAX_WORD] for i in range(0, len(word), MAX_WORD))
        pieces.append(xml_escape(word))
    return "".join(pieces)


def inline(line: str) -> str:
    """One line of the subset as ReportLab markup: escapes resolved, **bold** and *italic*."""
    out: list[str] = []
    literal: list[str] = []
    open_tags: list[str] = []

    def flush() -> None:
        if literal:
            out.append(_breakable("".join(literal)))
            literal.clear()

    def toggle(tag: str) -> None:
        flush()
        if open_tags and open_tags[-1] == tag:
            out.append(f"</{open_tags.pop()}>")
        elif tag not in open_tags:
            open_tags.append(tag)
            out.append(f"<{tag}>")
        else:  # closing an outer tag: close the inner ones first, as markup must nest
            while open_tags:
                inner = open_tags.pop()
                out.append(f"</{inner}>")
                if inner == tag:
                    break

    i = 0
    while i < len(line):
        char = line[i]
        if char == "\\" and i + 1 < len(line):
            literal.append(line[i + 1])
            i += 2
        elif line.startswith("**", i):
            toggle("b")
            i += 2
        elif char == "*":
            toggle("i")
            i += 1
        else:
            literal.append(char)
            i += 1
    flush()
    out.extend(f"</{tag}>" for tag in reversed(open_tags))
    return "".join(out)


def plain(markup: str) -> str:
    """The text of ReportLab markup made by ``inline`` (tags removed, entities resolved)."""
    return _xml_unescape(re.sub(r"<[^>]+>", "", markup).replace("\u200b", ""), {"&quot;": '"'})


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class ListBlock:
    ordered: bool
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Box:
    kind: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Slot:
    name: str


Block = Heading | Paragraph | ListBlock | Table | Box | Slot

_HEADING = re.compile(r"(#{1,3})\s+(.*)")
_BULLET = re.compile(r"-\s+(.*)")
_NUMBERED = re.compile(r"\d{1,2}\.\s+(.*)")
_BOX_OPEN = re.compile(r":::\s*box\s+([a-z][a-z0-9-]*)\s*")
_SLOT = re.compile(r":::\s*([a-z][a-z0-9-]*)\s*")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")


class MarkupError(ValueError):
    """The text a template produced is not valid subset (e.g. an unclosed box)."""


def parse(text: str) -> tuple[Block, ...]:
    """Parse template output into blocks; raise MarkupError naming the line on structure errors."""
    stack: list[tuple[str, list[Block], int]] = [("", [], 0)]
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
            stack[-1][1].append(Box(kind, tuple(blocks)))
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


def texts_of(blocks: Sequence[Block]) -> Iterator[str]:
    """The markup of every piece of text in ``blocks``, boxes included, in reading order."""
    for block in blocks:
        if isinstance(block, (Heading, Paragraph)):
            yield block.text
        elif isinstance(block, ListBlock):
            yield from block.items
        elif isinstance(block, Table):
            yield from (cell for row in block.rows for cell in row)
        elif isinstance(block, Box):
            yield from texts_of(block.blocks)
