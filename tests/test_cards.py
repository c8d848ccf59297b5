"""Exercise cards in real handouts: the picture is drawn in its space, the QR code decodes."""

from __future__ import annotations

import dataclasses
from io import BytesIO
from pathlib import Path

import pdfplumber
import pypdfium2
import pytest
import zxingcpp
from helpers import pdf_text

from handouts.model.options import PrintOptions
from handouts.render.pdf.cards import figure_size
from handouts.render.pdf.styles import MARGIN, Look
from handouts.run.handout import make_handout
from handouts.run.library import open_library


def ink_in_picture_space(pdf: bytes, title: str, look) -> int:  # type: ignore[no-untyped-def]
    """Non-white pixels in the picture space under the card whose title is ``title``."""
    with pdfplumber.open(BytesIO(pdf)) as document:
        page_index, top = next((i, words[0]["bottom"]) for i, page in enumerate(document.pages)
                               if (words := page.search(title)))
    image = pypdfium2.PdfDocument(pdf)[page_index].render(scale=1).to_pil().convert("L")
    width, height = figure_size(look)
    left = int(MARGIN) + 4
    box = image.crop((left, int(top) + 8, left + int(width) - 8, int(top + height)))
    return sum(1 for value in box.tobytes() if value < 235)


def test_cards_draw_the_exercise_picture(library, request_for) -> None:  # type: ignore[no-untyped-def]
    request = request_for(exercises=("prone-on-elbows",), phase="acute")
    drawn = make_handout(request, library=library, options=PrintOptions(use_cover=False))
    blank_exercise = dataclasses.replace(library.dataset.exercises["prone-on-elbows"], illustration=None)
    blank_dataset = dataclasses.replace(library.dataset, exercises={**library.dataset.exercises,
                                                                    "prone-on-elbows": blank_exercise})
    blank = make_handout(request, library=dataclasses.replace(library, dataset=blank_dataset), options=PrintOptions(use_cover=False))
    look = Look(paper=drawn.plan.paper, large_print=drawn.plan.request.large_print)
    title = "1. Lying face down on elbows"
    # the same card, with and without the figure: only the picture space differs
    assert ink_in_picture_space(blank.pdf, title, look) < 50
    assert ink_in_picture_space(drawn.pdf, title, look) > 2000
    # The picture fits the space kept for it: it never makes the handout longer. (It may make it shorter:
    # a drawn figure is fitted to its pose, and a shorter picture column may take a card's ladder lines.)
    assert drawn.pages <= blank.pages


def test_every_exercise_has_a_picture(library) -> None:  # type: ignore[no-untyped-def]
    assert [e.id for e in library.dataset.exercises.values() if e.illustration is None] == []


def qr_texts(pdf: bytes) -> list[str]:
    """The QR codes of the exercise cards (a checklist page's own QR, its page id, is left out)."""
    from handouts.model.layout import parse_page_id

    found: list[str] = []
    for page in pypdfium2.PdfDocument(pdf):
        found += [code.text for code in zxingcpp.read_barcodes(page.render(scale=3).to_pil())]
    return [text for text in found if parse_page_id(text) is None]


def test_video_page_prints_a_qr_code_per_exercise(data_copy: Path, templates_copy: Path, request_for) -> None:  # type: ignore[no-untyped-def]
    clinic = data_copy / "clinics" / "sample" / "clinic.yaml"
    clinic.write_text(clinic.read_text() + "video_page: https://riverside-physio.example/videos/{id}\n")
    library = open_library(data_copy, templates_copy)
    handout = make_handout(request_for(exercises=("prone-on-elbows", "hamstring-stretch"), phase="acute",
                                       overrides=frozenset({"skip_walking"})),
                           library=library, options=PrintOptions(use_cover=False))
    assert sorted(qr_texts(handout.pdf)) == ["https://riverside-physio.example/videos/hamstring-stretch",
                                             "https://riverside-physio.example/videos/prone-on-elbows"]
    assert pdf_text(handout.pdf).count("Scan to watch a video") == 2


def test_no_video_no_qr_code(library, request_for) -> None:  # type: ignore[no-untyped-def]
    handout = make_handout(request_for(exercises=("prone-on-elbows",), phase="acute"), library=library, options=PrintOptions(use_cover=False))
    assert qr_texts(handout.pdf) == []


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://x.example/v", "file:///etc/passwd"])
def test_only_web_addresses_become_qr_codes(data_copy: Path, url: str) -> None:
    from handouts.compose.templates import languages
    from handouts.errors import ErrorList
    from handouts.load import locations as resources
    from handouts.load.dataset import load_dataset

    walking = data_copy / "regions" / "low-back" / "exercises" / "walking.yaml"
    walking.write_text(walking.read_text().replace("kind: aerobic", f"kind: aerobic\nvideo_url: '{url}'", 1))
    with pytest.raises(ErrorList) as caught:
        load_dataset(data_copy, languages=languages(resources.templates_dir()))
    assert any("video_url: expected a web address starting with https://" in str(e) for e in caught.value.errors)
