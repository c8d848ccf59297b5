"""A block kept whole (``kept.Kept``) measures as ReportLab's KeepTogether does, without copying the frame."""

from __future__ import annotations

from io import BytesIO
from types import SimpleNamespace

import pytest
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame, KeepTogether, Spacer, Table
from reportlab.platypus import flowables as rl_flowables

from handouts.render.pdf.kept import Kept
from handouts.render.pdf.pages import MarkFlowable
from handouts.render.pdf.plain_rows import PlainRows
from handouts.render.pdf.styles import Look, Text


def _content(look: Look) -> list:  # type: ignore[type-arg]
    body = look.styles["body"]
    heading = look.styles["h2"]
    return [Text("How much pain is OK?", heading), MarkFlowable("section", "pain"),
            Text("Mild discomfort that settles by the next morning is fine. " * 4, body),
            PlainRows([[Text("For", body), Text("Zoë Łukasz Nguyễn", body)], [Text("Stage", body), None]], [120, 300]),
            Spacer(10, 7), Table([["a", "b"], ["c", "d"]]), MarkFlowable("box", "end")]


@pytest.mark.parametrize("large_print", [False, True])
def test_kept_measures_as_keep_together_does_without_copying_the_frame(monkeypatch: pytest.MonkeyPatch,
                                                                       large_print: bool) -> None:
    look = Look(large_print=large_print)
    canvas = Canvas(BytesIO())
    canvas._doctemplate = SimpleNamespace(frame=Frame(36, 36, 540, 720))  # as while a document is laid out
    ours, theirs = Kept(_content(look)), KeepTogether(_content(look))
    for block in (ours, theirs):
        block.canv = canvas
    expected = theirs.wrap(400, 600)

    def no_copy(*args: object) -> object:
        raise AssertionError("the frame was copied")

    monkeypatch.setattr(rl_flowables, "deepcopy", no_copy)
    assert ours.wrap(400, 600) == expected
    assert (ours._H, ours._H0, ours._wrapInfo) == (theirs._H, theirs._H0, theirs._wrapInfo)
    assert [f.__class__ for f in ours.split(400, 600)] == [f.__class__ for f in theirs.split(400, 600)]
