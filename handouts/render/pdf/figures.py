"""Exercise pictures drawn with ReportLab from their pose data (``handouts.model.illustration``).

Start poses are drawn faint, the end pose solid, ``near`` limbs in front of the
body and ``far`` ones lighter behind it, with an accent arrow for the movement.
A figure becomes a form XObject named after what it draws, so every handout
(and a combined print file) holds one copy per picture.
"""

from __future__ import annotations

import hashlib
import math
import re
from io import BytesIO

from reportlab.graphics import renderPDF, renderSVG
from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, Rect
from reportlab.graphics.shapes import Path as ShapePath
from reportlab.lib import colors
from reportlab.lib.attrmap import AttrMap, AttrMapValue
from reportlab.lib.validators import isString
from reportlab.platypus import Flowable

from handouts.errors import InputError, shown
from handouts.model.illustration import (
    CHAINS,
    CHAIR_BACK,
    GROUND,
    HAND_RADIUS,
    HEAD_RADIUS,
    SEGMENTS,
    WIDTH,
    Arrow,
    Illustration,
    Point,
    Pose,
)
from handouts.render.pdf import caches
from handouts.render.pdf.fonts import register_fonts

# Operators whose operands name a resource of the document (font, graphics state, image, shading).
_RESOURCE_OPERATORS = re.compile(r"(?:^|\s)(?:Tf|gs|Do|sh|scn|SCN|BI)(?:\s|$)")

INK = colors.HexColor("#222222")
BODY_FILL = colors.HexColor("#C4CBD3")
FAR_INK = colors.HexColor("#5F656C")
FAR_FILL = colors.HexColor("#DDE1E6")
FAINT_INK = colors.HexColor("#70757A")  # 4.6:1 on white, 3.4:1 against INK: survives a photocopy, still reads faint
FAINT_FILL = colors.HexColor("#FFFFFF")
PROP_INK = colors.HexColor("#7A7A7A")
PROP_FILL = colors.HexColor("#E9E9E9")
DEFAULT_ACCENT = "#1F4E79"


class Limb(Line):
    """The fill stroke of one body segment, named so tests can count and find limbs."""

    _attrMap = AttrMap(BASE=Line, name=AttrMapValue(isString, desc="segment name"))


# ---------------------------------------------------------------- drawing


class _Canvas:
    """Maps box centimetres to drawing points (scaled, centred, maybe mirrored) and adds shapes."""

    def __init__(self, ill: Illustration, width: float, height: float, mirrored: bool, accent: colors.Color) -> None:
        box_w, box_h = ill.box
        margin = 3.0
        self.scale = min((width - 2 * margin) / box_w, (height - 2 * margin) / (box_h + GROUND))
        self.x0 = (width - box_w * self.scale) / 2
        self.y0 = margin + GROUND * self.scale + (height - 2 * margin - (box_h + GROUND) * self.scale) / 2
        self.box_w, self.mirrored, self.accent = box_w, mirrored, accent
        self.outline = max(0.8, 1.4 * self.scale)
        # The shipped font, so the page resources name no Helvetica (which is not embedded).
        self.drawing = Drawing(width, height, initialFontName=register_fonts())

    def at(self, p: Point) -> Point:
        x = self.box_w - p[0] if self.mirrored else p[0]
        return self.x0 + x * self.scale, self.y0 + p[1] * self.scale

    def stroke(self, a: Point, b: Point, width_cm: float, colour: colors.Color, extra: float = 0.0,
               name: str | None = None) -> None:
        (x1, y1), (x2, y2) = self.at(a), self.at(b)
        cls, kw = (Limb, {"name": name}) if name else (Line, {})
        self.drawing.add(cls(x1, y1, x2, y2, strokeColor=colour, strokeWidth=width_cm * self.scale + 2 * extra,
                             strokeLineCap=1, strokeLineJoin=1, **kw))

    def disc(self, p: Point, radius_cm: float, colour: colors.Color, extra: float = 0.0) -> None:
        x, y = self.at(p)
        self.drawing.add(Circle(x, y, radius_cm * self.scale + extra, fillColor=colour, strokeColor=None))


def _tint(colour: colors.Color, share: float) -> colors.Color:
    """``colour`` mixed with white; ``share`` of the colour kept."""
    return colors.Color(*(1 - share * (1 - c) for c in (colour.red, colour.green, colour.blue)))


def _draw_props_behind(c: _Canvas, ill: Illustration) -> None:
    p, s, width = ill.props, c.scale, c.drawing.width
    if p.mat:
        (xa, _), (xb, _) = c.at((p.mat[0], 0)), c.at((p.mat[1], 0))
        c.drawing.add(Rect(min(xa, xb), c.y0 - 3 * s, abs(xb - xa), 3 * s, rx=1.5 * s, ry=1.5 * s,
                           fillColor=_tint(c.accent, 0.22), strokeColor=PROP_INK, strokeWidth=0.6))
    c.drawing.add(Line(1, c.y0, width - 1, c.y0, strokeColor=PROP_INK, strokeWidth=max(1.0, 1.2 * s)))
    if p.wall is not None:
        c.stroke((p.wall, 0), (p.wall, ill.box[1]), 3, PROP_INK)
    if p.step:
        x0, x1, h = p.step
        (xa, ya), (xb, yb) = c.at((x0, 0)), c.at((x1, h))
        c.drawing.add(Rect(min(xa, xb), ya, abs(xb - xa), yb - ya, fillColor=PROP_FILL, strokeColor=PROP_INK,
                           strokeWidth=c.outline))
    if p.chair:
        ch, grey = p.chair, PROP_INK
        seat_y = ch.seat - 2.5  # the seat board's centre, just under where the body rests
        c.stroke((ch.x, seat_y), (ch.x + ch.depth, seat_y), 5, grey)
        for x in (ch.x + 2, ch.x + ch.depth - 2):
            c.stroke((x, 0), (x, seat_y), 3, grey)
        if ch.back != "none":
            x = ch.x + 2 if ch.back == "left" else ch.x + ch.depth - 2
            lean = -4 if ch.back == "left" else 4
            c.stroke((x, seat_y), (x + lean, ch.seat + CHAIR_BACK - 2), 3.5, grey)


def _draw_pose(c: _Canvas, pose: Pose, strap: tuple[str, str] | None) -> None:
    """Chains back to front; in each chain all outlines first, so joints merge into one silhouette."""
    j = pose.joints
    for chain in CHAINS:
        far = chain[0].endswith("_far")
        ink, fill = (FAINT_INK, FAINT_FILL) if pose.faint else ((FAR_INK, FAR_FILL) if far else (INK, BODY_FILL))
        hand = j[SEGMENTS[chain[-1]][1]] if chain[0].startswith("upper_arm") else None
        for colour, extra in ((ink, c.outline), (fill, 0.0)):
            for seg in chain:
                a, b, part = SEGMENTS[seg]
                c.stroke(j[a], j[b], WIDTH[part], colour, extra, name=None if extra else seg)
            if hand:
                c.disc(hand, HAND_RADIUS, colour, extra)
        for h in pose.highlight:
            a, b, part = SEGMENTS[h.segment]
            if h.segment in chain and not pose.faint:
                ends = [tuple(pa + t * (pb - pa) for pa, pb in zip(j[a], j[b])) for t in (h.start, h.end)]
                c.stroke(ends[0], ends[1], WIDTH[part] * 0.8, _tint(c.accent, 0.55))
        if chain[0] == "neck":
            _draw_head(c, pose, ink, fill)
    if strap:
        _draw_strap(c, pose, strap)


def _draw_head(c: _Canvas, pose: Pose, ink: colors.Color, fill: colors.Color) -> None:
    head = pose.joints["head"]
    if pose.face is not None:  # a rounded nose shows which way the face points
        angle = math.radians(pose.face)
        tip = (head[0] + 1.12 * HEAD_RADIUS * math.cos(angle), head[1] + 1.12 * HEAD_RADIUS * math.sin(angle))
        c.stroke(head, tip, HEAD_RADIUS * 0.45, ink, c.outline)
        c.stroke(head, tip, HEAD_RADIUS * 0.45, fill)
    c.disc(head, HEAD_RADIUS, ink, c.outline)
    c.disc(head, HEAD_RADIUS, fill)


def _draw_strap(c: _Canvas, pose: Pose, strap: tuple[str, str]) -> None:
    """A loop from the hand round the ball of the foot: two lines meeting at the foot."""
    hand, foot = pose.joints[strap[0]], pose.joints[strap[1]]
    colour = FAINT_INK if pose.faint else c.accent
    heel = pose.joints[strap[1].replace("toe_", "ankle_")] if strap[1].startswith("toe_") else foot
    ball = (foot[0] + 0.3 * (heel[0] - foot[0]), foot[1] + 0.3 * (heel[1] - foot[1]))
    for end in (foot, ball):
        c.stroke(hand, end, 2.2, colour)


def _draw_arrow(c: _Canvas, arrow: Arrow) -> None:
    """A curved arrow with a white halo so it reads over the body."""
    (x1, y1), (x2, y2) = c.at(arrow.start), c.at(arrow.end)
    bend = -arrow.bend if c.mirrored else arrow.bend
    dx, dy = x2 - x1, y2 - y1
    mx, my = (x1 + x2) / 2 - bend * dy, (y1 + y2) / 2 + bend * dx
    c1 = (x1 + 2 / 3 * (mx - x1), y1 + 2 / 3 * (my - y1))
    c2 = (x2 + 2 / 3 * (mx - x2), y2 + 2 / 3 * (my - y2))
    width = max(1.6, 2.6 * c.scale)
    head = width * 3.2
    tx, ty = x2 - c2[0], y2 - c2[1]
    norm = math.hypot(tx, ty) or 1.0
    ux, uy = tx / norm, ty / norm
    base = (x2 - ux * head, y2 - uy * head)
    tip = [x2, y2, base[0] - uy * head * 0.6, base[1] + ux * head * 0.6, base[0] + uy * head * 0.6,
           base[1] - ux * head * 0.6]
    for colour, extra in ((colors.white, 2 * c.outline), (c.accent, 0.0)):
        path = ShapePath(strokeColor=colour, strokeWidth=width + extra, fillColor=None, strokeLineCap=1)
        path.moveTo(x1, y1)
        path.curveTo(*c1, *c2, base[0], base[1])
        c.drawing.add(path)
        c.drawing.add(Polygon(tip, fillColor=colour, strokeColor=colour, strokeWidth=extra, strokeLineJoin=1))


def figure_drawing(illustration: Illustration, width: float, height: float, *, mirrored: bool = False,
                   accent: str | colors.Color = DEFAULT_ACCENT) -> Drawing:
    """The exercise's picture as a ReportLab Drawing of exactly ``width`` x ``height`` points."""
    colour = colors.toColor(accent)
    c = _Canvas(illustration, width, height, mirrored, colour)
    _draw_props_behind(c, illustration)
    for pose in sorted(illustration.poses, key=lambda p: not p.faint):
        _draw_pose(c, pose, illustration.props.strap)
    if illustration.arrow:
        _draw_arrow(c, illustration.arrow)
    return c.drawing


class FigureFlowable(Flowable):
    """A figure drawn once per document as a form (XObject) and placed where it is used.

    The form's name comes from what is drawn, so every handout holds the same
    bytes for the same picture, and a combined print file stores it once.
    """

    def __init__(self, drawing: Drawing, key: str) -> None:
        super().__init__()
        self.drawing = drawing
        self.width, self.height = drawing.width, drawing.height
        self.form = "Fig" + hashlib.sha256(key.encode()).hexdigest()[:16]
        self.hAlign = "CENTER"

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 - ReportLab's names
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        if not canvas.hasForm(self.form):
            canvas.beginForm(self.form, 0, 0, self.width, self.height)
            found = caches.FIGURE_FORMS.get(self.form) if caches.enabled() else None
            if found is not None:
                canvas._code.extend(found[2])
            else:
                start = len(canvas._code)
                renderPDF.draw(self.drawing, canvas, 0, 0)
                drawn = tuple(canvas._code[start:])
                # only plain path drawing is kept: text, graphics states or images need the
                # document's own resources, which a later document would not have
                if caches.enabled() and not any(_RESOURCE_OPERATORS.search(op) for op in drawn):
                    caches.FIGURE_FORMS.put(self.form, (self.width, self.height, drawn))
            canvas.endForm()
        canvas.doForm(self.form)


def fitted_height(illustration: Illustration, width: float, height: float) -> float:
    """The height a picture ``width`` wide needs, up to ``height``: a wide, low pose (lying down)
    is drawn at the same size in less height, so no empty band sits over it."""
    box_w, box_h = illustration.box
    margin = 3.0
    return min(height, (width - 2 * margin) / box_w * (box_h + GROUND) + 2 * margin)


def figure_flowable(illustration: Illustration, width: float, height: float, *, mirrored: bool = False,
                    accent: str | colors.Color = DEFAULT_ACCENT) -> FigureFlowable:
    """The picture as a platypus Flowable for an exercise card's picture space."""
    key = repr((illustration, round(width, 2), round(height, 2), mirrored, str(accent)))
    drawing = caches.FIGURE_DRAWINGS.get(key) if caches.enabled() else None
    if drawing is None:
        drawing = figure_drawing(illustration, width, height, mirrored=mirrored, accent=accent)
        if caches.enabled():
            caches.FIGURE_DRAWINGS.put(key, drawing)
    return FigureFlowable(drawing, key)


def pdf_to_png(pdf: bytes, *, dpi: float = 150) -> bytes:
    """The first page of ``pdf`` as PNG bytes, drawn by pypdfium2 (a wheel, no system libraries).

    ReportLab's own renderPM would need rlPyCairo and the system cairo library.
    """
    try:
        import pypdfium2  # type: ignore[import-untyped]
    except ImportError:
        raise InputError('a PNG picture needs extra packages: pip install "handouts[tools]"; '
                         "or end the file name in .pdf") from None
    document = pypdfium2.PdfDocument(pdf)
    try:
        buffer = BytesIO()
        document[0].render(scale=dpi / 72).to_pil().save(buffer, format="PNG")
        return buffer.getvalue()
    finally:
        document.close()


def write_figure(illustration: Illustration, suffix: str, *, width: float = 340, height: float = 190,
                 mirrored: bool = False, dpi: float = 150, accent: str | colors.Color = DEFAULT_ACCENT) -> bytes:
    """One figure alone, as the bytes of a file ending in ``suffix`` ('.pdf', '.png' or '.svg')."""
    drawing = figure_drawing(illustration, width, height, mirrored=mirrored, accent=accent)
    if suffix.lower() == ".svg":  # ReportLab's own SVG renderer: no extra package
        return renderSVG.drawToString(drawing).encode("utf-8")
    pdf = renderPDF.drawToString(drawing)
    if suffix.lower() == ".pdf":
        return pdf
    if suffix.lower() == ".png":
        return pdf_to_png(pdf, dpi=dpi)
    raise InputError(f"cannot write a picture as {shown(suffix)}; end the file name in .png, .svg or .pdf")
