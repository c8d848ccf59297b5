"""Exercise pictures: the real pose data validates, draws inside its box, mirrors, and refuses bad poses."""

from __future__ import annotations

import copy
import math
import re
from dataclasses import replace
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, Rect
from reportlab.graphics.shapes import Path as ShapePath

from handouts.errors import HandoutError, InputError
from handouts.load.illustration import parse_illustration
from handouts.load.yamlio import load_yaml
from handouts.model.colour import contrast_ratio
from handouts.model.illustration import SEGMENTS, Illustration, Pose
from handouts.render.pdf.cards import figure_size
from handouts.render.pdf.figures import (
    Limb,
    figure_drawing,
    figure_flowable,
    write_figure,
)
from handouts.render.pdf.styles import Look

EXERCISES = Path(__file__).resolve().parent.parent / "data" / "regions" / "low-back" / "exercises"
FILES = sorted(EXERCISES.glob("*.yaml"))
WIDTH, HEIGHT = figure_size(Look())
TWO_POSES = {"low-back-bridge", "seated-flexion", "standing-extension", "hamstring-stretch-bent-knee",
             "one-knee-to-chest", "prone-press-up", "marching-bridge"}


def load(name: str) -> tuple[dict[str, Any], Path]:
    path = EXERCISES / f"{name}.yaml"
    return load_yaml(path), path


def parsed(path: Path) -> Illustration:
    raw = load_yaml(path)
    return parse_illustration(raw["illustration"], path=path, exercise_id=raw["id"])


def refused(raw: dict[str, Any], path: Path) -> str:
    with pytest.raises(HandoutError) as caught:  # one DataError, or an ErrorList when several keys are wrong
        parse_illustration(raw["illustration"], path=path, exercise_id=raw["id"])
    return str(caught.value)


def extent(shape: object) -> tuple[float, float, float, float]:
    """Left, bottom, right, top of one drawn shape, its stroke included."""
    half = (getattr(shape, "strokeWidth", 0) or 0) / 2 if getattr(shape, "strokeColor", None) else 0
    if isinstance(shape, Line):
        xs, ys = (shape.x1, shape.x2), (shape.y1, shape.y2)
    elif isinstance(shape, Circle):
        xs, ys = (shape.cx - shape.r, shape.cx + shape.r), (shape.cy - shape.r, shape.cy + shape.r)
    elif isinstance(shape, Rect):
        xs, ys = (shape.x, shape.x + shape.width), (shape.y, shape.y + shape.height)
    elif isinstance(shape, (Polygon, ShapePath)):
        xs, ys = shape.points[0::2], shape.points[1::2]  # a curve stays inside its control points
    else:
        raise AssertionError(f"unexpected shape {type(shape).__name__}")
    return min(xs) - half, min(ys) - half, max(xs) + half, max(ys) + half


def limbs(drawing: Drawing) -> list[Limb]:
    return [shape for shape in drawing.contents if isinstance(shape, Limb)]


def test_every_exercise_has_a_picture() -> None:
    assert len(FILES) >= 11
    assert all("illustration" in load_yaml(path) for path in FILES)


@pytest.mark.parametrize("path", [pytest.param(p, id=p.stem) for p in FILES])
def test_each_figure_draws_inside_its_space_with_every_limb(path: Path) -> None:
    illustration = parsed(path)
    drawing = figure_drawing(illustration, WIDTH, HEIGHT)
    assert (drawing.width, drawing.height) == (WIDTH, HEIGHT)
    for shape in drawing.contents:
        left, bottom, right, top = extent(shape)
        assert left >= 0 and bottom >= 0 and right <= WIDTH and top <= HEIGHT, (type(shape).__name__, extent(shape))
    poses = 2 if path.stem in TWO_POSES else 1
    assert len(illustration.poses) == poses
    drawn = limbs(drawing)
    assert len(drawn) == len(SEGMENTS) * poses
    assert {limb.name for limb in drawn} == set(SEGMENTS)


def test_the_flowable_fits_the_cards_picture_space() -> None:
    flowable = figure_flowable(parsed(EXERCISES / "walking.yaml"), WIDTH, HEIGHT)
    assert flowable.wrap(WIDTH, HEIGHT) == (WIDTH, HEIGHT)


@pytest.mark.parametrize("name", ["hamstring-stretch", "low-back-bridge"])
def test_mirroring_flips_every_x_coordinate(name: str) -> None:
    illustration = parsed(EXERCISES / f"{name}.yaml")
    plain = figure_drawing(illustration, WIDTH, HEIGHT)
    mirrored = figure_drawing(illustration, WIDTH, HEIGHT, mirrored=True)
    pairs = list(zip(limbs(plain), limbs(mirrored), strict=True))
    for a, b in pairs:
        assert a.name == b.name
        assert (b.x1, b.x2) == pytest.approx((WIDTH - a.x1, WIDTH - a.x2))
        assert (b.y1, b.y2) == pytest.approx((a.y1, a.y2))
    assert any(abs(a.x1 - b.x1) > 20 for a, b in pairs)


def test_a_missing_joint_names_the_exercise_and_the_joint() -> None:
    raw, path = load("bird-dog")
    del raw["illustration"]["poses"][0]["joints"]["knee_near"]
    assert refused(raw, path) == (f"{path}: illustration.poses[0]: exercise 'bird-dog': joint 'knee_near' "
                                  "is missing; add it under 'joints:' as knee_near: [x, y]")


def test_a_limb_of_the_wrong_length_is_refused() -> None:
    raw, path = load("prone-plank")
    ankle = raw["illustration"]["poses"][0]["joints"]["ankle_near"]
    ankle[0] -= 25
    message = refused(raw, path)
    assert message.startswith(f"{path}: illustration.poses[0]: exercise 'prone-plank': shin_near (knee_near to "
                              "ankle_near) is ")
    assert message.endswith(" cm long; it should be about 42 cm")


def test_limbs_keep_their_length_from_pose_to_pose() -> None:
    raw, path = load("low-back-bridge")
    start, end = raw["illustration"]["poses"]
    shoulder = start["joints"]["shoulder"]
    start["joints"]["hip"] = [shoulder[0] + 46, shoulder[1]]  # 46 cm: a plausible torso, but not the end pose's 50
    assert refused(raw, path) == (f"{path}: illustration.poses[1]: exercise 'low-back-bridge': torso (shoulder to "
                                  "hip) is 50 cm long but 46 cm in poses[0]; move hip so the limb keeps its length")


def test_a_figure_in_the_air_is_refused() -> None:
    raw, path = load("prone-on-elbows")
    joints = raw["illustration"]["poses"][0]["joints"]
    for point in joints.values():
        point[1] += 10
    assert refused(raw, path) == (f"{path}: illustration.poses[0]: exercise 'prone-on-elbows': the lowest body point "
                                  "is 10 cm above the floor; move the body so it rests on it")


def test_a_sitting_figure_must_rest_on_the_chair() -> None:
    raw, path = load("seated-flexion")
    raw["illustration"]["props"]["chair"]["seat"] = 35
    assert "the bottom is 10 cm above the chair seat; move 'hip' so it rests on the seat" in refused(raw, path)


def test_a_figure_outside_its_box_is_refused() -> None:
    raw, path = load("walking")
    raw["illustration"]["box"][1] = 150
    assert refused(raw, path).endswith("of 120 by 150 cm; move the joints or enlarge 'box'")


def test_a_misspelt_key_gets_a_suggestion() -> None:
    raw, path = load("walking")
    pose = raw["illustration"]["poses"][0]
    pose["jionts"] = pose.pop("joints")
    assert "illustration.poses[0].jionts: exercise 'walking': unknown key (did you mean 'joints'?)" in refused(raw, path)


def test_a_pose_that_is_not_a_mapping_is_refused() -> None:
    raw, path = load("walking")
    bad = copy.deepcopy(raw)
    bad["illustration"]["poses"] = ["standing"]
    assert refused(bad, path) == (f"{path}: illustration.poses[0]: exercise 'walking': expected a mapping of "
                                  "'key: value' lines, found 'standing'")


def test_one_figure_alone_as_pdf_and_png(tmp_path: Path) -> None:
    illustration = parsed(EXERCISES / "low-back-bridge.yaml")
    assert write_figure(illustration, ".pdf").startswith(b"%PDF-")
    from PIL import Image

    with Image.open(BytesIO(write_figure(illustration, ".png", dpi=60))) as image:
        assert image.size == pytest.approx((340 * 60 / 72, 190 * 60 / 72), abs=1)
        darkest, lightest = image.convert("L").getextrema()
        assert darkest < 80 and lightest == 255


def test_a_picture_needs_a_known_file_type(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="end the file name in .png, .svg or .pdf"):
        write_figure(parsed(EXERCISES / "walking.yaml"), ".gif")
    svg = write_figure(parsed(EXERCISES / "walking.yaml"), ".svg")
    assert svg.startswith(b"<?xml") and svg.count(b"stroke-linecap: round") > 10


# ---------------------------------------------------------------- faint poses print dark enough


def darkest_ink(png: bytes) -> str:
    """The darkest colour printed, as '#RRGGBB', leaving out the floor line (a row across the picture)."""
    from PIL import Image

    with Image.open(BytesIO(png)) as image:
        rgb = image.convert("RGB")
        width, height = rgb.size
        pixels = rgb.load()
        rows = [[pixels[x, y] for x in range(width)] for y in range(height)]
    floor = {y for y, row in enumerate(rows) if sum(p != (255, 255, 255) for p in row) > 0.9 * width}
    near_floor = {y + d for y in floor for d in range(-3, 4)}
    darkest = min((p for y, row in enumerate(rows) if y not in near_floor for p in row),
                  key=lambda p: 0.2126 * p[0] + 0.7152 * p[1] + 0.0722 * p[2])
    return "#{:02X}{:02X}{:02X}".format(*darkest)


FAINT = [p.stem for p in FILES if any(pose.faint for pose in parsed(p).poses)]


@pytest.mark.parametrize("name", FAINT)
def test_faint_start_poses_survive_a_photocopy(name: str) -> None:
    """The faint outline is printed at 4.5:1 on white paper, and 3:1 lighter than the solid outline.

    WCAG asks 3:1 of graphics that carry meaning (1.4.11) and 4.5:1 of small text (1.4.3).
    The faint outline is about 0.8 pt, thinner than the strokes of 12 pt text, and a
    photocopy lightens mid-greys and breaks thin grey lines into dots, so it is held to the
    small-text bar. 3:1 from the solid ink keeps it reading as "where you start", not as a
    second body.
    """
    illustration = parsed(EXERCISES / f"{name}.yaml")
    pose = next(p for p in illustration.poses if p.faint)
    faint = Illustration(name, illustration.box, (pose,))  # the pose alone: no props, no arrow
    solid = Illustration(name, illustration.box, (replace(pose, faint=False),))
    grey = darkest_ink(write_figure(faint, ".png", width=WIDTH, height=HEIGHT, dpi=150))
    ink = darkest_ink(write_figure(solid, ".png", width=WIDTH, height=HEIGHT, dpi=150))
    assert contrast_ratio(grey, "#FFFFFF") >= 4.5, grey
    assert contrast_ratio(grey, ink) >= 3, (grey, ink)


def test_every_figure_with_a_start_pose_has_its_contrast_checked() -> None:
    assert TWO_POSES <= set(FAINT)


# ---------------------------------------------------------------- pictures that match their words

Point = tuple[float, float]


def angle(u: Point, v: Point) -> float:
    """Degrees between two directions."""
    cos = (u[0] * v[0] + u[1] * v[1]) / (math.hypot(*u) * math.hypot(*v))
    return math.degrees(math.acos(max(-1.0, min(1.0, cos))))


def towards(a: Point, b: Point) -> Point:
    return b[0] - a[0], b[1] - a[1]


def test_the_standing_back_bend_leans_back_from_a_faint_upright_start() -> None:
    illustration = parsed(EXERCISES / "standing-extension.yaml")
    start, end = illustration.poses
    assert start.faint and not end.faint
    forward = 1 if end.joints["toe_near"][0] > end.joints["ankle_near"][0] else -1  # where the toes point

    def lean_back(pose: Pose) -> float:
        up = towards(pose.joints["hip"], pose.joints["shoulder"])
        return math.degrees(math.atan2(-up[0] * forward, up[1]))

    assert abs(lean_back(start)) < 5  # upright
    assert 15 <= lean_back(end) <= 35  # a gentle lean back
    j = end.joints
    assert (j["hip"][0] - j["ankle_near"][0]) * forward >= 8  # hips pushed forward, over the toes
    assert (j["hip"][0] - j["shoulder"][0]) * forward > 10  # shoulders behind the hips
    assert (j["shoulder"][0] - j["head"][0]) * forward > 0  # and the head behind the shoulders
    for pose in (start, end):  # hands in the small of the back, fingers down
        hip = pose.joints["hip"]
        up = towards(hip, pose.joints["shoulder"])
        length = math.hypot(*up)
        up = up[0] / length, up[1] / length
        front = up[1] * forward, -up[0] * forward
        for side in ("near", "far"):
            hand = towards(hip, pose.joints[f"hand_{side}"])
            along, across = hand[0] * up[0] + hand[1] * up[1], hand[0] * front[0] + hand[1] * front[1]
            assert 0 <= along <= 0.4 * length, (pose.name, side, along)  # low on the trunk
            assert -20 <= across <= -8, (pose.name, side, across)  # on the back, not the belly
            fingers = towards(pose.joints[f"elbow_{side}"], pose.joints[f"hand_{side}"])
            assert fingers[0] * up[0] + fingers[1] * up[1] < 0, (pose.name, side)  # hand below the elbow
    arrow = illustration.arrow
    assert arrow is not None and (arrow.end[0] - arrow.start[0]) * forward < 0  # the arrow bends backward


def test_the_standing_back_bend_fills_the_height_of_its_picture() -> None:
    # A standing figure is limited by the picture's height (about 3.4 cm): at most ~3.1 cm tall.
    drawing = figure_drawing(parsed(EXERCISES / "standing-extension.yaml"), WIDTH, HEIGHT)
    floor = next(s.y1 for s in drawing.contents if type(s) is Line and s.x1 == 1 and s.x2 == WIDTH - 1)
    top = max(s.cy + s.r for s in drawing.contents if isinstance(s, Circle))
    assert (top - floor) / 72 * 2.54 >= 2.9  # cm on paper; it was 2.7 cm


SPANISH_SIDE = {"right": "derech", "left": "izquierd"}  # + o or a, as the noun asks


def steps(raw: dict[str, Any], language: str) -> str:
    return " ".join(raw["text"][language]["steps"])


def near_side(pose: Pose) -> str:
    """The body side facing the reader: 'right' or 'left', from where the head and the face point.

    A body's right points along front x up (a right-handed frame); the reader looks along -z,
    so the right side is near when that cross product points out of the page.
    """
    assert pose.face is not None, "the pose needs 'face' to know its front"
    up = towards(pose.joints["hip"], pose.joints["shoulder"])
    front = math.cos(math.radians(pose.face)), math.sin(math.radians(pose.face))
    return "right" if front[0] * up[1] - front[1] * up[0] > 0 else "left"


def limb(pose: Pose, side: str) -> str:
    """The joint suffix ('near' or 'far') of the body's ``side`` in this pose."""
    return "near" if side == near_side(pose) else "far"


def hip_flexion(pose: Pose, suffix: str) -> float:
    """Degrees the thigh is bent forward from the line of the trunk (0 standing, 90 sitting)."""
    j = pose.joints
    return angle(towards(j["shoulder"], j["hip"]), towards(j["hip"], j[f"knee_{suffix}"]))


def distance_to_segment(p: Point, a: Point, b: Point) -> float:
    ab, ap = towards(a, b), towards(a, p)
    t = max(0.0, min(1.0, (ap[0] * ab[0] + ap[1] * ab[1]) / (ab[0] ** 2 + ab[1] ** 2)))
    return math.dist(p, (a[0] + t * ab[0], a[1] + t * ab[1]))


def test_the_buttock_stretch_draws_the_crossed_leg_the_steps_name_solid_and_in_front() -> None:
    raw, path = load("piriformis-stretch")
    crossed, other = re.search(r"your (right|left) ankle on your (right|left) knee", steps(raw, "en")).groups()
    assert f"tobillo {SPANISH_SIDE[crossed]}o sobre la rodilla {SPANISH_SIDE[other]}a" in steps(raw, "es")
    (pose,) = parsed(path).poses
    assert not pose.faint
    # The stretched leg is the one the words name: near, so drawn solid and in front.
    assert near_side(pose) == crossed
    c, o = limb(pose, crossed), limb(pose, other)
    j = pose.joints
    assert math.dist(j[f"ankle_{c}"], j[f"knee_{o}"]) < 15  # the crossed ankle rests on the other knee
    assert hip_flexion(pose, o) > 90  # the other thigh is pulled toward the chest
    for hand in ("hand_near", "hand_far"):  # both hands hold behind that thigh
        assert distance_to_segment(j[hand], j["hip"], j[f"knee_{o}"]) < 10, hand


def test_the_bird_dog_reaches_with_the_arm_and_leg_the_steps_name() -> None:
    raw, path = load("bird-dog")
    arm, leg = re.search(r"your (right|left) arm forward and your (right|left) leg back", steps(raw, "en")).groups()
    assert f"brazo {SPANISH_SIDE[arm]}o hacia adelante y la pierna {SPANISH_SIDE[leg]}a hacia atrás" in steps(raw, "es")
    (pose,) = parsed(path).poses
    assert near_side(pose) == arm  # the arm the words name first is drawn solid, in front
    j = pose.joints
    forward = 1 if j["head"][0] > j["hip"][0] else -1
    a, not_a = limb(pose, arm), limb(pose, "left" if arm == "right" else "right")
    l, not_l = limb(pose, leg), limb(pose, "left" if leg == "right" else "right")
    # The named arm reaches out in front at the height of the back; the other hand stays on the floor.
    assert (j[f"hand_{a}"][0] - j["shoulder"][0]) * forward > 45 and j[f"hand_{a}"][1] >= j["shoulder"][1]
    assert j[f"hand_{not_a}"][1] < 10
    # The named leg reaches back off the floor; the other knee stays on the floor.
    assert (j["hip"][0] - j[f"ankle_{l}"][0]) * forward > 60 and j[f"ankle_{l}"][1] > 30
    assert j[f"knee_{not_l}"][1] < 10


def test_the_hamstring_strap_stretch_stops_short_of_the_nerve_test_position() -> None:
    illustration = parsed(EXERCISES / "hamstring-stretch.yaml")
    (pose,) = illustration.poses
    assert illustration.props.strap is not None
    hand, toe = illustration.props.strap
    assert hand.startswith("hand_") and toe.startswith("toe_")  # from the hands to the ball of the foot
    leg = toe.removeprefix("toe_")
    j = pose.joints
    # 45-60 degrees of hip flexion; 80-90 is the straight-leg-raise test of nerve tension.
    assert 45 <= hip_flexion(pose, leg) <= 60
    assert angle(towards(j["hip"], j[f"knee_{leg}"]), towards(j[f"knee_{leg}"], j[f"ankle_{leg}"])) <= 8
    other = "far" if leg == "near" else "near"
    assert hip_flexion(pose, other) < 15  # the other leg lies on the floor, clear of the raised one


def knee_flexion(pose: Pose, suffix: str) -> float:
    """Degrees the knee is bent (0 straight)."""
    j = pose.joints
    return angle(towards(j["hip"], j[f"knee_{suffix}"]), towards(j[f"knee_{suffix}"], j[f"ankle_{suffix}"]))


def test_the_bent_knee_hamstring_stretch_keeps_the_knee_bent_and_the_foot_relaxed() -> None:
    illustration = parsed(EXERCISES / "hamstring-stretch-bent-knee.yaml")
    start, end = illustration.poses
    assert illustration.props.strap is None  # the hands hold the thigh: no strap pulling the foot up
    for pose in (start, end):
        j = pose.joints
        assert 85 <= hip_flexion(pose, "near") <= 105  # "your thigh points up"
        thigh = (j["hip"], j["knee_near"])
        assert all(distance_to_segment(j[f"hand_{s}"], *thigh) <= 10 for s in ("near", "far"))  # hands on it
        assert j["ankle_far"][1] < 10 and 30 <= hip_flexion(pose, "far") <= 60  # the other foot flat, knee bent
    assert start.faint and not end.faint
    assert 80 <= knee_flexion(start, "near") <= 100  # starts at a right angle
    assert 25 <= knee_flexion(end, "near") <= 45  # "keep the knee a little bent": never the straight-leg raise
    j = end.joints
    foot = angle(towards(j["knee_near"], j["ankle_near"]), towards(j["ankle_near"], j["toe_near"]))
    assert foot < 60  # the foot relaxed, toes pointing away; pulled toward the face it would be near 90 or more


def test_one_knee_to_chest_pulls_one_knee_gently_and_keeps_the_head_down() -> None:
    illustration = parsed(EXERCISES / "one-knee-to-chest.yaml")
    start, end = illustration.poses
    assert start.faint and not end.faint
    assert hip_flexion(start, "near") < 60 and start.joints["ankle_near"][1] < 10  # both feet flat to start
    assert 100 <= hip_flexion(end, "near") <= 120  # toward the chest, short of the end of the range
    j = end.joints
    assert j["ankle_far"][1] < 10 and hip_flexion(end, "far") < 60  # the other foot stays on the floor
    assert j["head"][1] <= 12 and j["shoulder"][1] <= 12  # head and shoulders down
    thigh = (j["hip"], j["knee_near"])
    assert all(distance_to_segment(j[f"hand_{s}"], *thigh) <= 10 for s in ("near", "far"))
    assert hip_flexion(end, "near") < hip_flexion(parsed(EXERCISES / "double-knee-to-chest.yaml").poses[0], "near")


# ---------------------------------------------------------------- the ladders' rungs match their words


def test_the_press_up_keeps_the_hips_down_while_the_chest_rises() -> None:
    start, end = parsed(EXERCISES / "prone-press-up.yaml").poses
    assert start.joints["hip"] == end.joints["hip"] and end.joints["hip"][1] <= 13  # hips stay on the floor
    assert end.joints["shoulder"][1] - start.joints["shoulder"][1] >= 30  # the chest rises
    for pose in (start, end):
        assert pose.joints["hand_near"][1] <= 6  # hands on the floor
        assert all(pose.joints[j][1] <= 8 for j in ("knee_near", "ankle_near", "knee_far", "ankle_far"))


def test_the_plank_on_knees_is_straight_from_head_to_knees_with_knees_down() -> None:
    (pose,) = parsed(EXERCISES / "plank-on-knees.yaml").poses
    j = pose.joints
    assert j["knee_near"][1] <= 8 and j["ankle_near"][1] <= 8  # knees and shins down
    assert j["elbow_near"][1] <= 6 and abs(j["elbow_near"][0] - j["shoulder"][0]) <= 3  # elbows under shoulders
    assert angle(towards(j["shoulder"], j["hip"]), towards(j["hip"], j["knee_near"])) < 5  # one straight line


def test_the_marching_bridge_lifts_one_foot_a_little_with_the_hips_up() -> None:
    start, end = parsed(EXERCISES / "marching-bridge.yaml").poses
    assert start.faint and not end.faint
    assert start.joints["hip"] == end.joints["hip"] and end.joints["hip"][1] >= 25  # the bridge holds
    lift = end.joints["ankle_near"][1] - start.joints["ankle_near"][1]
    assert 5 <= lift <= 25  # a little off the floor, not a high kick
    assert end.joints["ankle_far"] == start.joints["ankle_far"]  # the other foot stays down


def test_lying_face_down_is_flat_with_the_arms_by_the_sides() -> None:
    (pose,) = parsed(EXERCISES / "prone-lying.yaml").poses
    j = pose.joints
    assert pose.face is not None and pose.face < -45  # face down
    assert max(j[name][1] for name in ("shoulder", "hip", "knee_near", "hand_near")) <= 12  # flat
    assert j["hand_near"][0] < j["shoulder"][0] - 40  # hands down by the hips, not by the head
