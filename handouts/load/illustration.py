"""Read an exercise's ``illustration:`` block into an ``Illustration``, checking the body is plausible.

The block, lengths in cm of an average adult, floor at y = 0::

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
``toe`` the tip of the foot. Problems of form (keys, types) are all collected; the
body checks (limb lengths, support, box) run once the form is right and report the
first problem, since one misplaced joint bends several limbs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from handouts.errors import DataError, ErrorList, one_of
from handouts.load.schema import Problems, Section
from handouts.model.illustration import (
    CHAIR_BACK,
    FLOOR_TOLERANCE,
    JOINTS,
    LENGTH,
    LENGTH_TOLERANCE,
    POSE_TOLERANCE,
    SEGMENTS,
    SUPPORTS,
    WIDTH,
    Arrow,
    Chair,
    Highlight,
    Illustration,
    Pose,
    Props,
    body_extent,
    segment_length,
)

KEYS = ("box", "poses", "props", "arrow")


def read_illustration(raw: object, *, path: Path, exercise_id: str, problems: Problems) -> Illustration | None:
    """The illustration in ``raw`` (an exercise's ``illustration:``); None when it has problems,
    each recorded in ``problems``."""
    before = len(problems.errors)
    s = Section(raw, path=path, where="illustration", problems=problems, known=KEYS,
                note=f"exercise {exercise_id!r}: ")
    if not s.ok:
        return None
    if "box" not in s.data or "poses" not in s.data:
        s.fail("needs 'box: [width, height]' and 'poses:' (one or two poses)", key=s.where)
        return None
    box = s.point("box")
    if box is not None and min(box) < 20:
        s.fail(f"{s.data['box']!r} is too small; give width and height in cm", key=s.qualified("box"))
    raw_poses = s.items("poses", low=1, high=3, what="poses ('- joints: ...')")
    props = _props(s.section("props", ("mat", "wall", "chair", "step", "strap"), required=False))
    poses = [_pose(s.child(raw, f"poses[{i}]", _POSE_KEYS), i < len(raw_poses) - 1)
             for i, raw in enumerate(raw_poses)]
    arrow = None
    if s.data.get("arrow") is not None:
        a = s.section("arrow", ("from", "to", "bend"))
        start, end, bend = a.point("from"), a.point("to"), a.decimal("bend", -1, 1, 0.0)
        if start is not None and end is not None:
            arrow = Arrow(start, end, bend if bend is not None else 0.0)
    if len(problems.errors) > before or box is None or None in poses:
        return None
    illustration = Illustration(exercise_id, box, tuple(poses), props, arrow)  # type: ignore[arg-type]
    try:
        _check_body(s, illustration)
    except DataError as exc:
        problems.extend([exc])
        return None
    return illustration


def parse_illustration(raw: object, *, path: Path, exercise_id: str) -> Illustration:
    """The illustration in ``raw``; raise DataError (or ErrorList for several problems) when it is wrong."""
    problems = Problems()
    illustration = read_illustration(raw, path=path, exercise_id=exercise_id, problems=problems)
    if illustration is None:
        raise problems.errors[0] if len(problems.errors) == 1 else ErrorList(list(problems.errors))
    return illustration


_POSE_KEYS = ("name", "joints", "support", "face", "style", "foreshortened", "highlight")


def _props(p: Section) -> Props:
    mat = p.point("mat", None)
    wall = p.decimal("wall", default=None)
    chair = step = strap = None
    if "chair" in p.data:
        c = p.section("chair", ("x", "seat", "depth", "back"))
        if c.ok and ("x" not in c.data or "seat" not in c.data):
            c.fail("needs 'x' (front-to-back start) and 'seat' (height) in cm", key=c.where)
        else:
            x, seat = c.decimal("x"), c.decimal("seat", 20, 80)
            depth, back = c.decimal("depth", 25, 70, 42.0), c.choice("back", ("left", "right", "none"), "left")
            if None not in (x, seat, depth, back):
                chair = Chair(x, seat, depth, back)
    if "step" in p.data:
        s = p.section("step", ("x", "height"))
        span, height = s.point("x"), s.decimal("height", 5, 60)
        if span is not None and height is not None:
            step = (span[0], span[1], height)
    if "strap" in p.data:
        s = p.section("strap", ("from", "to"))
        ends = s.choice("from", JOINTS), s.choice("to", JOINTS)
        if None not in ends:
            strap = ends
    return Props(mat, wall, chair, step, strap)  # type: ignore[arg-type]


def _pose(p: Section, faint_default: bool) -> Pose | None:
    if not p.ok:
        return None
    joints_section = p.section("joints", JOINTS)
    for name in JOINTS:
        if joints_section.ok and "joints" in p.data and name not in joints_section.data:
            p.fail(f"joint {name!r} is missing; add it under 'joints:' as {name}: [x, y]", key=p.where)
    joints = {name: joints_section.point(name, None) for name in JOINTS}
    face = p.decimal("face", -360, 360, None)
    style = p.choice("style", ("solid", "faint"), "faint" if faint_default else "solid")
    short = _names(p, "foreshortened", tuple(SEGMENTS))
    marks = []
    for i, raw in enumerate(_as_list(p.data.get("highlight"))):
        m = p.child(raw, f"highlight[{i}]", ("segment", "from", "to"))
        segment, start, end = m.choice("segment", tuple(SEGMENTS)), m.decimal("from", 0, 1, 0.0), \
            m.decimal("to", 0, 1, 1.0)
        if None not in (segment, start, end):
            marks.append(Highlight(segment, start, end))
    support = p.choice("support", SUPPORTS, "floor")
    if None in joints.values() or style is None or support is None:
        return None
    return Pose(joints, str(p.data.get("name") or ""), support, face, style == "faint", tuple(sorted(set(short))),  # type: ignore[arg-type]
                tuple(marks))


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _names(p: Section, key: str, choices: tuple[str, ...]) -> list[str]:
    """A list of names from ``choices`` (a single name is a list of one)."""
    names = []
    for i, value in enumerate(_as_list(p.data.get(key))):
        if value in choices:
            names.append(value)
        else:
            p.fail(one_of(value, choices), key=f"{p.qualified(key)}[{i}]")
    return names


def _check_body(s: Section, ill: Illustration) -> None:
    """Limb lengths, support (floor, chair, step) and the box, pose by pose; raise the first problem."""

    def fail(key: str, message: str) -> DataError:
        return s.error(message, key=f"illustration{key}")

    width, height = ill.box
    for i, pose in enumerate(ill.poses):
        key = f".poses[{i}]"
        for seg, (a, b, part) in SEGMENTS.items():
            got, want = segment_length(pose, seg), LENGTH[part]
            short_ok = seg in pose.foreshortened
            if got > want * (1 + LENGTH_TOLERANCE) or (got < want * (1 - LENGTH_TOLERANCE) and not short_ok):
                hint = " (list it under 'foreshortened:' if it points toward the reader)" if got < want else ""
                raise fail(key, f"{seg} ({a} to {b}) is {got:.0f} cm long; it should be about {want} cm{hint}")
            if i and not short_ok and seg not in ill.poses[0].foreshortened:
                first = segment_length(ill.poses[0], seg)
                if abs(got - first) > want * POSE_TOLERANCE:
                    raise fail(key, f"{seg} ({a} to {b}) is {got:.0f} cm long but {first:.0f} cm in poses[0]; "
                                    f"move {b} so the limb keeps its length")
        left, bottom, right, top = body_extent(pose)
        level = ill.props.step[2] if pose.support == "step" and ill.props.step else 0.0
        if pose.support == "step" and not ill.props.step:
            raise fail(f"{key}.support", "the pose stands on a step but there is no 'step' under props")
        if abs(bottom - level) > FLOOR_TOLERANCE:
            where = "above" if bottom > level else "below"
            raise fail(key, f"the lowest body point is {abs(bottom - level):.0f} cm {where} the "
                            f"{'step' if pose.support == 'step' else 'floor'}; move the body so it rests on it")
        if pose.support == "chair":
            if not ill.props.chair:
                raise fail(f"{key}.support", "the pose sits on a chair but there is no 'chair' under props")
            seat_gap = pose.joints["hip"][1] - WIDTH["torso"] / 2 - ill.props.chair.seat
            if abs(seat_gap) > FLOOR_TOLERANCE:
                raise fail(key, f"the bottom is {abs(seat_gap):.0f} cm {'above' if seat_gap > 0 else 'below'} the "
                                "chair seat; move 'hip' so it rests on the seat")
        if left < 0 or right > width or top > height:
            raise fail(key, f"the body reaches outside the box ({left:.0f}..{right:.0f} wide, up to {top:.0f} "
                            f"high) of {width:g} by {height:g} cm; move the joints or enlarge 'box'")
    if ill.arrow:
        for name, (x, y) in (("from", ill.arrow.start), ("to", ill.arrow.end)):
            if not (0 <= x <= width and 0 <= y <= height):
                raise fail(f".arrow.{name}", f"[{x:g}, {y:g}] is outside the box of {width:g} by {height:g} cm")
        if ill.arrow.start == ill.arrow.end:
            raise fail(".arrow", "'from' and 'to' are the same point")
    p = ill.props
    spans = {"mat": p.mat, "chair": p.chair and (p.chair.x - 2, p.chair.x + p.chair.depth + 2),
             "step": p.step and p.step[:2], "wall": p.wall is not None and (p.wall, p.wall)}
    for name, span in spans.items():
        if span and not 0 <= min(span) <= max(span) <= width:
            raise fail(f".props.{name}", f"reaches outside the box, which is {width:g} cm wide")
    if p.chair and p.chair.seat + CHAIR_BACK > height:
        raise fail(".props.chair", f"its back reaches {p.chair.seat + CHAIR_BACK:g} cm, above the box")
