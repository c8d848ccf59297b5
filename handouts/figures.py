"""Exercise pictures: a side-view figure drawn from pose data in the exercise's YAML.

The ``illustration:`` block, lengths in cm of an average adult, floor at y = 0::

    box: [200, 80]                     # width and height of the scene
    props:                             # all optional
      mat: [8, 192]                    # from x, to x
      wall: 10                         # x
      chair: {x: 16, seat: 45, depth: 44, back: left}    # back: left, right or none
      step: {x: [60, 100], height: 18}
      strap: {from: hand_near, to: toe_near}
    arrow: {from: [94, 47], to: [94, 70], bend: 0}       # bend (-1..1) bows it sideways
    poses:                             # one to three; all but the last drawn faint
      - name: start                    # for people only
        support: floor                 # floor, chair or step: what the body rests on
        face: 90                       # where the nose points: 0 right, 90 up
        style: faint                   # solid or faint
        foreshortened: [shin_near]     # segments pointing at the reader may look short
        highlight: [{segment: torso, from: 0.45, to: 0.95}]   # accent: where it works
        joints: {head: [x, y], shoulder: .., hip: .., elbow_near: .., hand_near: .., ...}

All 13 joints of ``JOINTS`` are required. ``near`` limbs face the reader and are drawn
in front; ``far`` ones lighter, behind the body. ``hand`` is the middle of the hand,
``toe`` the tip of the foot. :func:`parse_illustration` checks the joints, limb
lengths, support and box when the dataset loads.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

from reportlab.graphics import renderPDF, renderSVG
from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, Rect
from reportlab.graphics.shapes import Path as ShapePath
from reportlab.lib import colors
from reportlab.lib.attrmap import AttrMap, AttrMapValue
from reportlab.lib.validators import isString
from reportlab.platypus import Flowable

from .errors import DataError, InputError, did_you_mean, shown
from .styles import register_fonts

Point = tuple[float, float]

JOINTS = (
    "head", "shoulder", "hip",
    "elbow_near", "hand_near", "elbow_far", "hand_far",
    "knee_near", "ankle_near", "toe_near", "knee_far", "ankle_far", "toe_far",
)
#: segment name -> (from joint, to joint, body part) for the length and width tables
SEGMENTS: dict[str, tuple[str, str, str]] = {
    "neck": ("shoulder", "head", "neck"),
    "torso": ("shoulder", "hip", "torso"),
    **{f"upper_arm_{s}": ("shoulder", f"elbow_{s}", "upper_arm") for s in ("near", "far")},
    **{f"forearm_{s}": (f"elbow_{s}", f"hand_{s}", "forearm") for s in ("near", "far")},
    **{f"thigh_{s}": ("hip", f"knee_{s}", "thigh") for s in ("near", "far")},
    **{f"shin_{s}": (f"knee_{s}", f"ankle_{s}", "shin") for s in ("near", "far")},
    **{f"foot_{s}": (f"ankle_{s}", f"toe_{s}", "foot") for s in ("near", "far")},
}
#: an average adult (about 170 cm): segment lengths and drawn widths in cm
LENGTH = {"neck": 20, "torso": 50, "upper_arm": 29, "forearm": 28, "thigh": 43, "shin": 42, "foot": 16}
WIDTH = {"neck": 10, "torso": 24, "upper_arm": 10, "forearm": 8, "thigh": 14, "shin": 10.5, "foot": 7}
HEAD_RADIUS = 11.0
HAND_RADIUS = 5.0
LENGTH_TOLERANCE = 0.15  # against the average adult
POSE_TOLERANCE = 0.08  # between the poses of one exercise
FLOOR_TOLERANCE = 3.0  # cm: how far the lowest body point may sit off its support
GROUND = 4.0  # cm drawn below the floor line for the mat
CHAIR_BACK = 40.0  # cm above the seat
#: back-to-front drawing order of the body's chains of segments
CHAINS = (
    ("upper_arm_far", "forearm_far"), ("thigh_far", "shin_far", "foot_far"),
    ("neck", "torso"), ("thigh_near", "shin_near", "foot_near"), ("upper_arm_near", "forearm_near"),
)
SUPPORTS = ("floor", "chair", "step")  # what the body rests on

INK = colors.HexColor("#222222")
BODY_FILL = colors.HexColor("#C4CBD3")
FAR_INK = colors.HexColor("#5F656C")
FAR_FILL = colors.HexColor("#DDE1E6")
FAINT_INK = colors.HexColor("#70757A")  # 4.6:1 on white, 3.4:1 against INK: survives a photocopy, still reads faint
FAINT_FILL = colors.HexColor("#FFFFFF")
PROP_INK = colors.HexColor("#7A7A7A")
PROP_FILL = colors.HexColor("#E9E9E9")
DEFAULT_ACCENT = "#1F4E79"


@dataclass(frozen=True)
class Chair:
    """A chair seen from the side: seat from ``x`` to ``x + depth`` at ``seat`` height."""

    x: float
    seat: float
    depth: float = 42.0
    back: str = "left"  # left | right | none


@dataclass(frozen=True)
class Props:
    """Things drawn around the body; coordinates in the illustration's box."""

    mat: tuple[float, float] | None = None
    wall: float | None = None
    chair: Chair | None = None
    step: tuple[float, float, float] | None = None  # x0, x1, height
    strap: tuple[str, str] | None = None  # from joint, to joint (hand to foot)


@dataclass(frozen=True)
class Highlight:
    """Part of one segment filled with the accent colour (where it works or stretches)."""

    segment: str
    start: float = 0.0
    end: float = 1.0


@dataclass(frozen=True)
class Pose:
    """One key position of the body."""

    joints: Mapping[str, Point]
    name: str = ""  # e.g. start or end, for the people editing the data
    support: str = "floor"
    face: float | None = None  # degrees, 0 = right, 90 = up: where the nose points
    faint: bool = False
    foreshortened: frozenset[str] = frozenset()
    highlight: tuple[Highlight, ...] = ()


@dataclass(frozen=True)
class Arrow:
    """A movement arrow; ``bend`` bows it sideways by that share of its length."""

    start: Point
    end: Point
    bend: float = 0.0


@dataclass(frozen=True)
class Illustration:
    """Everything needed to draw one exercise."""

    exercise_id: str
    box: tuple[float, float]
    poses: tuple[Pose, ...]
    props: Props = field(default_factory=Props)
    arrow: Arrow | None = None


class Limb(Line):
    """The fill stroke of one body segment, named so tests can count and find limbs."""

    _attrMap = AttrMap(BASE=Line, name=AttrMapValue(isString, desc="segment name"))


# ---------------------------------------------------------------- validation


class _Reader:
    """Reads one illustration mapping; every failure names exercise, key and fix."""

    def __init__(self, path: Path, exercise_id: str) -> None:
        self.path, self.exercise_id = path, exercise_id

    def fail(self, key: str, message: str) -> DataError:
        return DataError(f"exercise {self.exercise_id!r}: {message}", path=self.path, key=f"illustration{key}")

    def mapping(self, value: object, key: str, known: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, f"expected a mapping of 'key: value' lines, found {shown(value)}")
        for name in value:
            if name not in known:
                raise self.fail(f"{key}.{name}", f"unknown key{did_you_mean(str(name), known)}; known keys: {', '.join(known)}")
        return value

    def number(self, value: object, key: str, low: float = -1000, high: float = 1000) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            raise self.fail(key, f"expected a number from {low:g} to {high:g}, found {shown(value)}")
        return float(value)

    def point(self, value: object, key: str) -> Point:
        if not isinstance(value, list) or len(value) != 2:
            raise self.fail(key, f"expected a point [x, y] in cm, found {shown(value)}")
        return self.number(value[0], f"{key}[0]"), self.number(value[1], f"{key}[1]")

    def choice(self, value: object, key: str, choices: tuple[str, ...]) -> str:
        if value not in choices:
            raise self.fail(key, f"{shown(value)} is not one of {', '.join(choices)}{did_you_mean(str(value), choices)}")
        return str(value)



def parse_illustration(raw: object, *, path: Path, exercise_id: str) -> Illustration:
    """Validate an exercise's ``illustration:`` value and return it; raise DataError if wrong."""
    r = _Reader(path, exercise_id)
    data = r.mapping(raw, "", ("box", "poses", "props", "arrow"))
    if "box" not in data or "poses" not in data:
        raise r.fail("", "needs 'box: [width, height]' and 'poses:' (one or two poses)")
    box = r.point(data["box"], ".box")
    if min(box) < 20:
        raise r.fail(".box", f"{shown(data['box'])} is too small; give width and height in cm")
    poses_raw = data["poses"]
    if not isinstance(poses_raw, list) or not 1 <= len(poses_raw) <= 3:
        raise r.fail(".poses", "expected a list of one to three poses ('- joints: ...')")
    props = _props(r, data.get("props", {}))
    poses = tuple(_pose(r, p, f".poses[{i}]", i < len(poses_raw) - 1) for i, p in enumerate(poses_raw))
    arrow = None
    if data.get("arrow") is not None:
        a = r.mapping(data["arrow"], ".arrow", ("from", "to", "bend"))
        if "from" not in a or "to" not in a:
            raise r.fail(".arrow", "needs 'from: [x, y]' and 'to: [x, y]'")
        arrow = Arrow(r.point(a["from"], ".arrow.from"), r.point(a["to"], ".arrow.to"),
                      r.number(a.get("bend", 0), ".arrow.bend", -1, 1))
    illustration = Illustration(exercise_id, box, poses, props, arrow)
    _check_body(r, illustration)
    return illustration


def _props(r: _Reader, raw: object) -> Props:
    p = r.mapping(raw or {}, ".props", ("mat", "wall", "chair", "step", "strap"))
    mat = r.point(p["mat"], ".props.mat") if "mat" in p else None
    wall = r.number(p["wall"], ".props.wall") if "wall" in p else None
    chair = step = strap = None
    if "chair" in p:
        c = r.mapping(p["chair"], ".props.chair", ("x", "seat", "depth", "back"))
        if "x" not in c or "seat" not in c:
            raise r.fail(".props.chair", "needs 'x' (front-to-back start) and 'seat' (height) in cm")
        chair = Chair(r.number(c["x"], ".props.chair.x"), r.number(c["seat"], ".props.chair.seat", 20, 80),
                      r.number(c.get("depth", 42), ".props.chair.depth", 25, 70),
                      r.choice(c.get("back", "left"), ".props.chair.back", ("left", "right", "none")))
    if "step" in p:
        s = r.mapping(p["step"], ".props.step", ("x", "height"))
        x0, x1 = r.point(s.get("x"), ".props.step.x")
        step = (x0, x1, r.number(s.get("height"), ".props.step.height", 5, 60))
    if "strap" in p:
        s = r.mapping(p["strap"], ".props.strap", ("from", "to"))
        strap = (r.choice(s.get("from"), ".props.strap.from", JOINTS), r.choice(s.get("to"), ".props.strap.to", JOINTS))
    return Props(mat, wall, chair, step, strap)


def _pose(r: _Reader, raw: object, key: str, faint_default: bool) -> Pose:
    p = r.mapping(raw, key, ("name", "joints", "support", "face", "style", "foreshortened", "highlight"))
    joints_raw = r.mapping(p.get("joints"), f"{key}.joints", JOINTS)
    for name in JOINTS:
        if name not in joints_raw:
            raise r.fail(key, f"joint {name!r} is missing; add it under 'joints:' as {name}: [x, y]")
    joints = {name: r.point(joints_raw[name], f"{key}.joints.{name}") for name in JOINTS}
    face = r.number(p["face"], f"{key}.face", -360, 360) if "face" in p else None
    style = r.choice(p.get("style", "faint" if faint_default else "solid"), f"{key}.style", ("solid", "faint"))
    short_raw = p.get("foreshortened") or []
    short = [r.choice(s, f"{key}.foreshortened[{i}]", tuple(SEGMENTS))
             for i, s in enumerate(short_raw if isinstance(short_raw, list) else [short_raw])]
    marks = []
    for i, h in enumerate(p.get("highlight") or []):
        m = r.mapping(h, f"{key}.highlight[{i}]", ("segment", "from", "to"))
        marks.append(Highlight(r.choice(m.get("segment"), f"{key}.highlight[{i}].segment", tuple(SEGMENTS)),
                               r.number(m.get("from", 0), f"{key}.highlight[{i}].from", 0, 1),
                               r.number(m.get("to", 1), f"{key}.highlight[{i}].to", 0, 1)))
    support = r.choice(p.get("support", "floor"), f"{key}.support", SUPPORTS)
    name = str(p.get("name") or "")
    return Pose(joints, name, support, face, style == "faint", frozenset(short), tuple(marks))


def _length(pose: Pose, segment: str) -> float:
    a, b, _ = SEGMENTS[segment]
    return math.dist(pose.joints[a], pose.joints[b])


def _extent(pose: Pose) -> tuple[float, float, float, float]:
    """Left, bottom, right, top of the drawn body, strokes included."""
    pieces = [(pose.joints["head"], HEAD_RADIUS), (pose.joints["hand_near"], HAND_RADIUS),
              (pose.joints["hand_far"], HAND_RADIUS)]
    for a, b, part in SEGMENTS.values():
        pieces += [(pose.joints[a], WIDTH[part] / 2), (pose.joints[b], WIDTH[part] / 2)]
    return (min(p[0] - w for p, w in pieces), min(p[1] - w for p, w in pieces),
            max(p[0] + w for p, w in pieces), max(p[1] + w for p, w in pieces))


def _check_body(r: _Reader, ill: Illustration) -> None:
    """Limb lengths, support (floor, chair, step) and the box, pose by pose."""
    width, height = ill.box
    for i, pose in enumerate(ill.poses):
        key = f".poses[{i}]"
        for seg, (a, b, part) in SEGMENTS.items():
            got, want = _length(pose, seg), LENGTH[part]
            short_ok = seg in pose.foreshortened
            if got > want * (1 + LENGTH_TOLERANCE) or (got < want * (1 - LENGTH_TOLERANCE) and not short_ok):
                hint = " (list it under 'foreshortened:' if it points toward the reader)" if got < want else ""
                raise r.fail(key, f"{seg} ({a} to {b}) is {got:.0f} cm long; it should be about {want} cm{hint}")
            if i and not short_ok and seg not in ill.poses[0].foreshortened:
                first = _length(ill.poses[0], seg)
                if abs(got - first) > want * POSE_TOLERANCE:
                    raise r.fail(key, f"{seg} ({a} to {b}) is {got:.0f} cm long but {first:.0f} cm in poses[0]; "
                                      f"move {b} so the limb keeps its length")
        left, bottom, right, top = _extent(pose)
        level = ill.props.step[2] if pose.support == "step" and ill.props.step else 0.0
        if pose.support == "step" and not ill.props.step:
            raise r.fail(f"{key}.support", "the pose stands on a step but there is no 'step' under props")
        if abs(bottom - level) > FLOOR_TOLERANCE:
            where = "above" if bottom > level else "below"
            raise r.fail(key, f"the lowest body point is {abs(bottom - level):.0f} cm {where} the "
                              f"{'step' if pose.support == 'step' else 'floor'}; move the body so it rests on it")
        if pose.support == "chair":
            if not ill.props.chair:
                raise r.fail(f"{key}.support", "the pose sits on a chair but there is no 'chair' under props")
            seat_gap = pose.joints["hip"][1] - WIDTH["torso"] / 2 - ill.props.chair.seat
            if abs(seat_gap) > FLOOR_TOLERANCE:
                raise r.fail(key, f"the bottom is {abs(seat_gap):.0f} cm {'above' if seat_gap > 0 else 'below'} the "
                                  "chair seat; move 'hip' so it rests on the seat")
        if left < 0 or right > width or top > height:
            raise r.fail(key, f"the body reaches outside the box ({left:.0f}..{right:.0f} wide, up to {top:.0f} "
                              f"high) of {width:g} by {height:g} cm; move the joints or enlarge 'box'")
    if ill.arrow:
        for name, (x, y) in (("from", ill.arrow.start), ("to", ill.arrow.end)):
            if not (0 <= x <= width and 0 <= y <= height):
                raise r.fail(f".arrow.{name}", f"[{x:g}, {y:g}] is outside the box of {width:g} by {height:g} cm")
        if ill.arrow.start == ill.arrow.end:
            raise r.fail(".arrow", "'from' and 'to' are the same point")
    p = ill.props
    spans = {"mat": p.mat, "chair": p.chair and (p.chair.x - 2, p.chair.x + p.chair.depth + 2), "step": p.step and p.step[:2],
             "wall": p.wall is not None and (p.wall, p.wall)}
    for name, span in spans.items():
        if span and not 0 <= min(span) <= max(span) <= width:
            raise r.fail(f".props.{name}", f"reaches outside the box, which is {width:g} cm wide")
    if p.chair and p.chair.seat + CHAIR_BACK > height:
        raise r.fail(".props.chair", f"its back reaches {p.chair.seat + CHAIR_BACK:g} cm, above the box")


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
            renderPDF.draw(self.drawing, canvas, 0, 0)
            canvas.endForm()
        canvas.doForm(self.form)


def figure_flowable(illustration: Illustration, width: float, height: float, *, mirrored: bool = False,
                    accent: str | colors.Color = DEFAULT_ACCENT) -> FigureFlowable:
    """The picture as a platypus Flowable for an exercise card's picture space."""
    drawing = figure_drawing(illustration, width, height, mirrored=mirrored, accent=accent)
    key = repr((illustration, round(width, 2), round(height, 2), mirrored, str(accent)))
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
