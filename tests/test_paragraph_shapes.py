"""A paragraph of words in plain tags takes the fragments of its shape's parse (``styles._shaped``):
the very fragments ReportLab's parser makes for the markup itself."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reportlab.platypus import Paragraph
from reportlab.platypus.paragraph import cleanBlockQuotedText

from handouts.render.pdf import caches, styles
from handouts.render.pdf.fonts import register_fonts
from handouts.render.pdf.text import literal

register_fonts()
LOOK = styles.Look()
WORD = st.text(alphabet=st.sampled_from(list("abcxyzABZ0189äöüßéèñçÅØŁłőűẞễĳŒœ'’-.,;:!?()[]/\u00a0\u00ad")),
               min_size=1, max_size=12)
RUN = st.lists(WORD, min_size=1, max_size=4).map(" ".join)
SHAPES = ["{}", "<b>{}</b>", "<i>{}</i>", "{} <b>{}</b>", "<b>{}</b> {} <i>{}</i>", "<b><i>{}</i></b>{}",
          "{}<br/>{}", '<font color="#AA0000">{}</font> {}']


def _fields(frags: list[Any]) -> list[dict[str, Any]]:
    return [dict(sorted(vars(frag).items())) for frag in frags]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shape=st.sampled_from(SHAPES), runs=st.lists(RUN, min_size=3, max_size=3),
       style=st.sampled_from(["body", "h1", "h2", "dose_value"]))
def test_a_paragraph_of_plain_words_is_parsed_as_the_parser_parses_it(shape: str, runs: list[str], style: str,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HANDOUTS_FAST_PATH", "1")
    text = shape.format(*(literal(run) for run in runs[:shape.count("{}")]))
    paragraph_style = LOOK.styles[style]
    caches.PARSED.clear()
    ours = styles.Text(text, paragraph_style)
    theirs = Paragraph(text, paragraph_style)
    assert _fields(ours.frags) == _fields(theirs.frags)
    assert ours.text == theirs.text and ours.style is theirs.style
    again = styles.Text(text, paragraph_style)  # from the cache as well
    assert _fields(again.frags) == _fields(theirs.frags)


def test_words_that_the_parser_changes_are_parsed_by_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """An entity, folded whitespace or a control character: the shape is not used."""
    monkeypatch.setenv("HANDOUTS_FAST_PATH", "1")
    key = ("x", None, None, 1)
    for text in ["<b>Ana &amp; Bea</b>", "<b>Ana  Bea</b>", " Ana", "Ana\tBea", "Ana\ue000"]:
        assert styles._shaped(text, LOOK.styles["body"], None, cleanBlockQuotedText, key) is None
    assert styles._shaped("<b>Zoë Łukasz Nguyễn</b>", LOOK.styles["body"], None, cleanBlockQuotedText,
                          key) is not None
