"""The PDF renderer: a ``HandoutDoc`` in, the finished file and its layout map out (``render``)."""

from handouts.render.pdf.build import Rendered, render

__all__ = ["Rendered", "render"]
