"""A block kept whole on one page, measured without a copy of the frame.

ReportLab's ``KeepTogether`` measures its flowables with ``_listWrapOn``, which
deep-copies the document's current frame first, so that a flowable adding content to
the frame while it is measured (a page template change, a balanced column) adds it to
the copy. No flowable of a handout does that, and copying the frame for every card,
box, week and heading group was a fifth of laying out a handout. ``Kept`` measures
its flowables as ``_listWrapOn`` does with no canvas (and so no frame), and is
otherwise ``KeepTogether``.

ReportLab internals used: ``KeepTogether``'s ``_content``, ``_H``, ``_H0`` and
``_wrapInfo``, and ``flowables._listWrapOn``.
"""

from __future__ import annotations

from reportlab.platypus import KeepTogether
from reportlab.platypus.flowables import _listWrapOn


class Kept(KeepTogether):
    """``KeepTogether`` for flowables that add nothing to the frame while measured (see the module)."""

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:  # noqa: N803 - ReportLab's names
        dims: list[tuple[float, float]] = []
        width, height = _listWrapOn(self._content, aW, None, dims=dims)  # no canvas: no frame to copy
        self._H, self._H0, self._wrapInfo = height, dims[0][1] if dims else 0, (aW, aH)
        return width, 0xFFFFFF  # as KeepTogether: always asked to split, which keeps it whole or moves it on
