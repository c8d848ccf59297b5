"""Colours stay readable in greyscale print: text keeps 4.5:1 contrast on every background it sits on."""

from __future__ import annotations

import pytest

from handouts.model.colour import contrast_ratio
from handouts.render.pdf import styles

WHITE = "#FFFFFF"


def hex_of(colour) -> str:  # type: ignore[no-untyped-def]
    return "#" + colour.hexval()[2:].upper()


@pytest.mark.parametrize(
    ("text", "background"),
    [
        pytest.param(styles.INK, WHITE, id="body-on-white"),
        pytest.param(styles.INK, styles.TINT, id="body-on-dose-box"),
        pytest.param(styles.INK, styles.WARN_FILL, id="body-on-emergency-box"),
        pytest.param(styles.MUTED, WHITE, id="labels-on-white"),
        pytest.param(styles.MUTED, styles.TINT, id="labels-on-dose-box"),
    ],
)
def test_text_contrast(text, background) -> None:  # type: ignore[no-untyped-def]
    background = background if isinstance(background, str) else hex_of(background)
    assert contrast_ratio(hex_of(text), background) >= 4.5


def test_the_emergency_border_stands_out_in_greyscale_too() -> None:
    # A border is a graphic (3:1); the box also has its own heading, so colour is never the only sign.
    assert contrast_ratio(hex_of(styles.WARN_BORDER), hex_of(styles.WARN_FILL)) >= 3


def test_default_accent_carries_white_card_titles() -> None:
    assert contrast_ratio(styles.Look().accent, WHITE) >= 4.5
