"""Exercise pictures: the real pose data validates, draws inside its box, mirrors, and refuses bad poses."""

from __future__ import annotations

import copy
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, Rect
from reportlab.graphics.shapes import Path as ShapePath

from handouts.errors import HandoutError, InputError
from handouts.load.illustration import parse_illustration
from handouts.load.yamlio import load_yaml
from handouts.model.illustration import SEGMENTS, Illustration
from handouts.render.pdf.cards import figure_size
from handouts.render.pdf.figures import Limb, figure_drawing, figure_flowable, write_figure
from handouts.render.pdf.styles import Look

EXERCISES = Path(__file__).resolve().parent.parent / "data" / "regions" / "low-back" / "exercises"
FILES = sorted(EXERCISES.glob("*.yaml"))
WIDTH, HEIGHT = figure_size(Look())
TWO_POSES = {"low-back-bridge", "seated-flexion"}


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
