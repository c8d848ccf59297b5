"""Paragraph line breaks shared between paragraphs of the same text, style and width (fast path)."""

from __future__ import annotations

from typing import Any

from handouts.render.pdf import caches
from handouts.render.pdf.styles import Look, Text

WORDS = " ".join(f"word{n} <b>bold{n}</b>" for n in range(60))


def _lines(paragraph: Text) -> list[Any]:
    para = paragraph.blPara
    return [repr(getattr(line, "words", line)) for line in para.lines]


def test_paragraphs_of_the_same_text_share_their_line_breaks() -> None:
    caches.clear_all()
    style = Look().styles["body"]
    first, second = Text(WORDS, style), Text(WORDS, style)
    assert first.wrap(300, 800) == second.wrap(300, 800)
    assert second.blPara is first.blPara  # drawn from the same lines, never changed by drawing


def test_a_paragraph_that_splits_leaves_the_shared_lines_as_they_were() -> None:
    caches.clear_all()
    style = Look().styles["body"]
    first = Text(WORDS, style)
    first.wrap(300, 800)
    before = _lines(first)
    second = Text(WORDS, style)
    second.wrap(300, 800)
    parts = second.split(300, 3 * style.leading)
    assert len(parts) == 2
    third = Text(WORDS, style)
    third.wrap(300, 800)
    assert _lines(third) == before and _lines(first) == before
    assert second.blPara is not first.blPara


def test_another_width_breaks_the_lines_again() -> None:
    caches.clear_all()
    style = Look().styles["body"]
    wide, narrow = Text(WORDS, style), Text(WORDS, style)
    _, tall_wide = wide.wrap(400, 800)
    _, tall_narrow = narrow.wrap(200, 800)
    assert tall_narrow > tall_wide
    narrow.wrap(400, 800)  # the same paragraph at the first width again
    assert narrow.height == tall_wide
