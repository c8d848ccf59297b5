from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from handouts.compose.markup import MarkupError, Slot, clean, inline, md_escape, parse
from handouts.model.document import Box, Heading, ListBlock, Span, Table, plain_text
from handouts.model.document import Paragraph as TextParagraph
from handouts.render.pdf.fonts import FONT, register_fonts
from handouts.render.pdf.text import REPLACEMENT, markup, printable


def test_the_subset_parses_into_blocks_of_spans() -> None:
    text = "# Title **bold**\n\nOne\ntwo\n- a\n- b *i*\n1. x\n2. y\n| Hold | **20** |\n::: box safety\n## Stop\nNow\n:::\n::: exercises\n"
    assert parse(text) == (
        Heading(1, (Span("Title "), Span("bold", bold=True))),
        TextParagraph((Span("One two"),)),
        ListBlock(False, ((Span("a"),), (Span("b "), Span("i", italic=True)))),
        ListBlock(True, ((Span("x"),), (Span("y"),))),
        Table((((Span("Hold"),), (Span("20", bold=True),)),)),
        Box("safety", (Heading(2, (Span("Stop"),)), TextParagraph((Span("Now"),)))),
        Slot("exercises"),
    )


def test_unbalanced_boxes_are_errors_with_line_numbers() -> None:
    with pytest.raises(MarkupError, match="line 2: box 'safety' is never closed"):
        parse("text\n::: box safety\nmore\n")
    with pytest.raises(MarkupError, match="line 1: ':::' closes no box"):
        parse(":::\n")


@pytest.mark.parametrize(
    "value",
    [
        "<font color=red>x</font>",
        '<a href="javascript:alert(1)">x</a>',
        "Tom & Jerry < 3 > 2",
        "**not bold** *not italic*",
        "# not a heading",
        "- not a list",
        "1. not a list",
        "::: box safety",
        "| not | a table |",
        "line one\n::: exercises\nline three",
        "back\\slash\\",
    ],
)
def test_escaped_values_are_literal_text_in_one_paragraph(value: str) -> None:
    blocks = parse("Before " + md_escape(value) + " after")
    assert len(blocks) == 1 and isinstance(blocks[0], TextParagraph)
    assert plain_text(blocks[0].text) == "Before " + clean(value) + " after"
    assert not any(span.bold or span.italic for span in blocks[0].text)


@given(st.text(max_size=200))
@example("0\u00ad &")  # ReportLab dropped the space after a soft hyphen before an escaped '&': "0&"
def test_any_value_round_trips_and_reportlab_accepts_the_markup(value: str) -> None:
    spans = inline(md_escape(value))
    assert plain_text(spans) == clean(value)
    register_fonts()
    paragraph = Paragraph(markup(spans), ParagraphStyle("t", fontName=FONT))
    paragraph.wrap(300, 1000)
    # ReportLab prints the escaped text as typed (whitespace collapsed as in any paragraph; a soft
    # hyphen is a place it may break a word, not a character it prints)
    def words(text: str) -> list[str]:
        return text.replace("\u200b", "").replace("\u00ad", "").split()

    assert words(paragraph.getPlainText()) == words(printable(clean(value)))


@given(st.text(alphabet="*\\ab ", max_size=40))
def test_template_markup_always_nests_properly(line: str) -> None:
    register_fonts()
    Paragraph(markup(inline(line)), ParagraphStyle("t", fontName=FONT)).wrap(300, 1000)


def test_clean_removes_bidi_overrides_and_controls() -> None:
    assert clean("a\u202eb\x00c\td\r\ne") == "ab c d  e"
    assert clean("e\u0301") == "é"  # composed


def test_a_character_no_font_draws_prints_as_a_replacement_mark() -> None:
    assert printable("Zoë 李") == f"Zoë {REPLACEMENT}"


def test_very_long_words_get_break_opportunities() -> None:
    spans = inline("x" * 200)
    register_fonts()
    paragraph = Paragraph(markup(spans), ParagraphStyle("t", fontName=FONT, fontSize=12))
    width, _ = paragraph.wrap(200, 10_000)
    assert max(paragraph.getActualLineWidths0()) <= 200
    assert plain_text(spans) == "x" * 200


@given(st.text())
def test_escaping_puts_a_backslash_before_each_special_character_and_nothing_else(value: str) -> None:
    special = set("\\*_#-+>|:[]!`.")
    assert md_escape(value) == "".join("\\" + c if c in special else c for c in clean(value))


@given(st.text(alphabet=st.sampled_from(["a", "b", " ", "\u00ad", "\n", "&", "\x00"]), max_size=30))
def test_a_soft_hyphen_is_kept_only_inside_a_word(value: str) -> None:
    cleaned = clean(value)
    for index, char in enumerate(cleaned):
        if char == "\u00ad":
            assert 0 < index < len(cleaned) - 1 and not cleaned[index - 1].isspace() \
                and not cleaned[index + 1].isspace(), repr(cleaned)
