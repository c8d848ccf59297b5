"""An exercise's picture as data: poses of a side-view figure, props and a movement arrow.

Lengths are in cm of an average adult, the floor at y = 0. ``near`` limbs face
the reader and are drawn in front; ``far`` ones behind the body. The YAML form
is read by ``handouts.load.illustration``; the PDF renderer draws it
(``handouts.render.pdf.figures``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

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
    #: Segments drawn short as they point at the reader, in sorted order: a tuple, as a set's order (and
    #: so its repr, part of the keys of the figures kept per process and on disk) changes between processes.
    foreshortened: tuple[str, ...] = ()
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




def segment_length(pose: Pose, segment: str) -> float:
    """The length of one body segment in ``pose``, in cm."""
    a, b, _ = SEGMENTS[segment]
    return math.dist(pose.joints[a], pose.joints[b])


def body_extent(pose: Pose) -> tuple[float, float, float, float]:
    """Left, bottom, right, top of the drawn body, strokes included."""
    pieces = [(pose.joints["head"], HEAD_RADIUS), (pose.joints["hand_near"], HAND_RADIUS),
              (pose.joints["hand_far"], HAND_RADIUS)]
    for a, b, part in SEGMENTS.values():
        pieces += [(pose.joints[a], WIDTH[part] / 2), (pose.joints[b], WIDTH[part] / 2)]
    return (min(p[0] - w for p, w in pieces), min(p[1] - w for p, w in pieces),
            max(p[0] + w for p, w in pieces), max(p[1] + w for p, w in pieces))
