"""A seeded synthetic acceptance set for ``handouts read``, built from the project's real output.

Real checklists are made with the library (six layouts: Letter and A4, large print,
Spanish, 1 to 3 sessions a day, leg pain), drawn from their PDFs, marked by a
simulated hand where their layout JSON says the boxes are, and degraded as a scanner
or a phone camera would. Every mark's truth is kept, so a reading can be scored.

Used by ``benchmarks/readback_bench.py`` (the full set) and ``tests/test_readback.py``
(a few pages per condition). Deterministic for a given seed.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import cv2
import numpy
import pypdfium2

from handouts.model import HandoutRequest, Patient
from handouts.model.layout import MM, LayoutMap, PlacedBox
from handouts.model.options import PrintOptions
from handouts.run.handout import make_handout

#: The layouts: (name, request fields). Sessions a day: hamstring and knee-to-chest 2, elbows 3, bridge 1.
LAYOUTS = [
    ("letter-en", {"diagnosis": "nonspecific", "phase": "subacute", "paper": "letter"}),
    ("a4-en-3-a-day", {"diagnosis": "herniated-disc", "phase": "maintenance", "paper": "a4"}),
    ("letter-large", {"diagnosis": "nonspecific", "phase": "subacute", "paper": "letter", "large_print": True}),
    ("a4-es", {"diagnosis": "herniated-disc", "phase": "subacute", "paper": "a4", "language": "es"}),
    ("letter-1-a-day", {"diagnosis": "nonspecific", "phase": "maintenance", "paper": "letter",
                        "exercises": ("low-back-bridge", "prone-plank", "bird-dog", "walking")}),
    ("a4-large-es-leg", {"diagnosis": "sciatica", "phase": "subacute", "paper": "a4", "language": "es",
                         "large_print": True, "leg_pain": True,
                         "exercises": ("piriformis-stretch", "hamstring-stretch", "walking")}),
]

CONDITIONS = ("clean-200", "scan-150", "scan-200", "scan-300", "photo-3000", "photo-2400", "photo-1600")

INKS = {  # BGR, and how dark the stroke lays down (pencil is grey and uneven)
    "black": ((35, 30, 30), 1.0), "blue": ((160, 60, 30), 1.0), "red": ((40, 35, 190), 1.0),
    "green": ((50, 120, 30), 1.0), "pencil": ((110, 110, 110), 0.8),
}
INK_WEIGHTS = {"black": 0.35, "blue": 0.3, "red": 0.1, "green": 0.1, "pencil": 0.15}

TICKED_MARKS = {"check": 0.42, "cross": 0.2, "scribble": 0.08, "partial": 0.1, "big-check": 0.2}
BLANK_MARKS = {"empty": 0.82, "dot": 0.12, "filled": 0.06}  # filled: the sheet's way to undo a tick
EXPECT_UNSURE_SHARE = 0.01  # crossed-out ticks: the reader must leave them to the clinician


@dataclass
class Document:
    """A made checklist: its PDF, layout and the layout's name."""

    name: str
    pdf: bytes
    layout: LayoutMap


@dataclass
class Sample:
    """One synthetic page image and the truth of every box on it."""

    condition: str
    layout: str
    document_id: str
    page: int
    image: Any  # BGR
    truth: dict[tuple[str, str, str, int], str] = field(default_factory=dict)  # box key -> ticked/blank/unsure
    marks: dict[tuple[str, str, str, int], str] = field(default_factory=dict)  # box key -> mark kind


def box_key(box: PlacedBox) -> tuple[str, str, str, int]:
    return (box.kind, box.exercise_id, box.date.isoformat(), box.session)


def make_documents(library: Any, count: int, seed: int = 18) -> list[Document]:
    """``count`` checklists, cycling through the layouts, each with its own document id."""
    from handouts.render.pdf import build

    rng = random.Random(seed)
    documents = []
    made_id = build.new_document_id
    # seeded document ids, so the QR codes (and so the whole set) are the same every run
    build.new_document_id = lambda: "".join(rng.choice(build.ID_LETTERS) for _ in range(10))  # type: ignore[assignment]
    try:
        return _make(library, count, documents)
    finally:
        build.new_document_id = made_id  # type: ignore[assignment]


def _make(library: Any, count: int, documents: list[Document]) -> list[Document]:
    for index in range(count):
        name, fields = LAYOUTS[index % len(LAYOUTS)]
        values = dict(fields)
        printing = PrintOptions(kind="checklist", use_cover=False, today=date(2026, 12, 2))
        request = HandoutRequest(patient=Patient(f"s-{index:03d}", "Synthetic Patient"),
                                 start_date=date(2026, 12, 7), weeks=2, **values)
        handout = make_handout(request, library=library, options=printing)
        documents.append(Document(name, handout.pdf, handout.layout))
    return documents


def render_page(pdf: bytes, page: int, dpi: float) -> Any:
    """A page of ``pdf`` as a BGR image at ``dpi``."""
    document = pypdfium2.PdfDocument(pdf)
    bitmap = document[page - 1].render(scale=dpi / 72)
    array = bitmap.to_numpy()[:, :, :3]
    return numpy.ascontiguousarray(array[:, :, ::-1] if bitmap.mode.startswith("RGB") else array)


def _choose(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _stroke(image: Any, points: list[tuple[float, float]], colour: tuple[int, int, int], width: float,
            strength: float, rng: random.Random) -> None:
    """Draw a hand stroke through ``points`` (pixels): anti-aliased, a little uneven."""
    pad = int(width) + 3
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    x0, y0 = max(0, int(min(xs)) - pad), max(0, int(min(ys)) - pad)
    x1, y1 = min(image.shape[1], int(max(xs)) + pad + 1), min(image.shape[0], int(max(ys)) + pad + 1)
    if x1 <= x0 or y1 <= y0:
        return
    region = image[y0:y1, x0:x1]
    layer = numpy.zeros(region.shape[:2], numpy.uint8)
    pts = numpy.array([[int((x - x0) * 16), int((y - y0) * 16)] for x, y in points], numpy.int32)
    cv2.polylines(layer, [pts], False, 255, max(1, int(round(width))), cv2.LINE_AA, 4)
    alpha = layer.astype(numpy.float32) / 255 * strength * rng.uniform(0.85, 1.0)
    if strength < 1:  # pencil: grainy
        alpha *= numpy.clip(numpy.random.default_rng(rng.randrange(1 << 30)).normal(1, 0.25, alpha.shape), 0.3, 1.3)
    alpha = alpha[:, :, None]
    region[:] = (region * (1 - alpha) + numpy.float32(colour) * alpha).astype(numpy.uint8)


def _curve(a: tuple[float, float], b: tuple[float, float], rng: random.Random, bend: float) -> list[tuple[float, float]]:
    """A slightly bowed line from a to b."""
    (x0, y0), (x1, y1) = a, b
    nx, ny = -(y1 - y0), x1 - x0
    k = rng.uniform(-bend, bend)
    return [(x0 + (x1 - x0) * t + nx * k * math.sin(math.pi * t), y0 + (y1 - y0) * t + ny * k * math.sin(math.pi * t))
            for t in numpy.linspace(0, 1, 8)]


def draw_mark(image: Any, kind: str, box: tuple[float, float, float], px_per_mm: float, rng: random.Random,
              ink: str, *, neighbour: tuple[float, float, float] | None = None) -> None:
    """Draw a mark of ``kind`` in the box at (left, top, side) pixels."""
    x, y, s = box
    colour, strength = INKS[ink]
    width = rng.uniform(0.3, 0.5 if ink == "pencil" else 0.9) * px_per_mm

    def p(u: float, v: float, jitter: float = 0.07) -> tuple[float, float]:
        return (x + (u + rng.uniform(-jitter, jitter)) * s, y + (v + rng.uniform(-jitter, jitter)) * s)

    def line(a: tuple[float, float], b: tuple[float, float]) -> None:
        _stroke(image, _curve(a, b, rng, 0.08), colour, width, strength, rng)

    if kind == "check":
        mid = p(0.4, 0.78)
        line(p(0.18, 0.5), mid)
        line(mid, p(0.85, 0.15))
    elif kind == "big-check":  # runs over the box's edge, up and right
        mid = p(0.45, 0.85)
        line(p(0.05, 0.45), mid)
        line(mid, (x + s * rng.uniform(1.05, 1.3), y - s * rng.uniform(0.05, 0.35)))
    elif kind == "cross":
        line(p(0.15, 0.15), p(0.85, 0.85))
        line(p(0.85, 0.15), p(0.15, 0.85))
    elif kind == "scribble":
        points = [p(0.2, 0.3)]
        for i in range(rng.randint(4, 6)):
            points.append(p(0.8 if i % 2 == 0 else 0.2, 0.3 + 0.1 * (i + 1)))
        _stroke(image, points, colour, width, strength, rng)
    elif kind == "partial":
        line(p(0.3, 0.65), p(0.72, 0.3))
    elif kind == "filled":
        for v in numpy.linspace(0.08, 0.92, 12):
            line((x + 0.02 * s, y + v * s), (x + 0.98 * s, y + (v + rng.uniform(-0.04, 0.04)) * s))
        cv2.rectangle(image, (int(x + 0.1 * s), int(y + 0.1 * s)), (int(x + 0.9 * s), int(y + 0.9 * s)),
                      tuple(int(c) for c in colour), -1)
    elif kind == "crossed-out":
        mid = p(0.4, 0.78)
        line(p(0.18, 0.5), mid)
        line(mid, p(0.85, 0.15))
        for v in numpy.linspace(0.2, 0.8, 5):
            line(p(0.05, v, 0.03), p(0.95, v + 0.15, 0.03))
    elif kind == "dot":
        cx, cy = p(rng.uniform(0.2, 0.8), rng.uniform(0.2, 0.8), 0)
        cv2.circle(image, (int(cx), int(cy)), max(1, int(rng.uniform(0.15, 0.35) * px_per_mm)),
                   tuple(int(c) for c in colour), -1, cv2.LINE_AA)


def mark_page(document: Document, page: int, dpi: float, rng: random.Random) -> tuple[Any, dict, dict]:
    """The page drawn at ``dpi`` with hand marks in its boxes, and the truth of each box."""
    image = render_page(document.pdf, page, dpi)
    px = dpi / 25.4
    height = document.layout.page_size[1]
    boxes = [b for b in document.layout.boxes if b.page == page]
    truth, marks = {}, {}
    pain_days: dict[tuple[str, str], list[PlacedBox]] = {}
    for box in boxes:
        if box.kind in ("pain", "leg_pain"):
            pain_days.setdefault((box.kind, box.date.isoformat()), []).append(box)
    chosen_pain = {key: (rng.choice(group) if rng.random() < 0.85 else None) for key, group in pain_days.items()}
    for box in boxes:
        r = box.rect
        place = (r.x / MM * px, (height - r.y - r.height) / MM * px, r.width / MM * px)
        if box.kind in ("pain", "leg_pain"):
            ticked = chosen_pain[box.kind, box.date.isoformat()] is box
        else:
            ticked = rng.random() < 0.55
        if rng.random() < EXPECT_UNSURE_SHARE:
            kind, state = "crossed-out", "unsure"
        elif ticked:
            kind, state = _choose(rng, TICKED_MARKS), "ticked"
        else:
            kind = _choose(rng, BLANK_MARKS)
            state = "blank"
        if kind != "empty":
            draw_mark(image, kind, place, px, rng, _choose(rng, INK_WEIGHTS))
        truth[box_key(box)] = state
        marks[box_key(box)] = kind
    return image, truth, marks


def _dust(image: Any, rng: random.Random, px_per_mm: float) -> None:
    h, w = image.shape[:2]
    for _ in range(rng.randint(20, 60)):
        cx, cy = rng.randrange(w), rng.randrange(h)
        cv2.circle(image, (cx, cy), max(1, int(rng.uniform(0.05, 0.2) * px_per_mm)), (60, 60, 60), -1)
    for _ in range(rng.randint(0, 3)):  # a hair
        x, y = rng.randrange(w), rng.randrange(h)
        points = numpy.array([[x + i * 3, y + int(8 * math.sin(i / 5))] for i in range(40)], numpy.int32)
        cv2.polylines(image, [points], False, (90, 90, 90), 1, cv2.LINE_AA)


def _jpeg(image: Any, quality: int) -> Any:
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    return cv2.imdecode(data, cv2.IMREAD_COLOR)


def scan(image: Any, dpi: float, rng: random.Random) -> Any:
    """A flatbed scan: the page on a Letter-wide bed, skewed up to 5 degrees, blurred, dusty, JPEG 40 to 70."""
    px = dpi / 25.4
    bed = (int(215.9 * px), int(297 * px))  # Letter-wide, A4-long glass
    h, w = image.shape[:2]
    angle = rng.uniform(-5, 5)
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    matrix[0, 2] += (bed[0] - w) / 2 + rng.uniform(-3, 3) * px
    matrix[1, 2] += (bed[1] - h) / 2 + rng.uniform(-3, 3) * px
    out = cv2.warpAffine(image, matrix, bed, flags=cv2.INTER_LINEAR, borderValue=(245, 245, 245))
    out = cv2.GaussianBlur(out, (0, 0), rng.uniform(0.4, 0.9))
    _dust(out, rng, px)
    return _jpeg(out, rng.randint(40, 70))


def _curl(image: Any, amplitude: float, rng: random.Random) -> Any:
    """Paper curl: a smooth bend that moves the page's middle up to ``amplitude`` pixels."""
    h, w = image.shape[:2]
    ys, xs = numpy.mgrid[0:h, 0:w].astype(numpy.float32)
    phase = rng.uniform(0, math.pi)
    dx = amplitude * numpy.sin(math.pi * ys / h + phase) * numpy.sin(math.pi * xs / w)
    dy = amplitude * rng.uniform(-0.6, 0.6) * numpy.sin(math.pi * xs / w) * numpy.sin(math.pi * ys / h)
    return cv2.remap(image, xs + dx.astype(numpy.float32), ys + dy.astype(numpy.float32), cv2.INTER_LINEAR,
                     borderMode=cv2.BORDER_REPLICATE)


def photo(image: Any, long_side: int, dpi: float, rng: random.Random) -> Any:
    """A phone photo: curl up to 4 mm, perspective up to 6%, turned 0/90/180/270, a shadow, on a table."""
    px = dpi / 25.4
    image = _curl(image, rng.uniform(1.5, 4.0) * px, rng)
    h, w = image.shape[:2]
    margin = 0.08
    canvas_w, canvas_h = int(w * (1 + 2 * margin)), int(h * (1 + 2 * margin))
    src = numpy.float32([[0, 0], [w, 0], [w, h], [0, h]])
    jitter = 0.06
    dst = numpy.float32([[cx + w * margin + rng.uniform(-jitter, jitter) * w, cy + h * margin + rng.uniform(-jitter, jitter) * h]
                         for cx, cy in [(0, 0), (w, 0), (w, h), (0, h)]])
    matrix = cv2.getPerspectiveTransform(src, dst)
    table = (int(rng.uniform(60, 120)), int(rng.uniform(70, 130)), int(rng.uniform(80, 140)))
    out = cv2.warpPerspective(image, matrix, (canvas_w, canvas_h), flags=cv2.INTER_LINEAR, borderValue=table)
    # light falling off across the page, and a soft shadow (a hand or the phone)
    ys, xs = numpy.mgrid[0:canvas_h, 0:canvas_w].astype(numpy.float32)
    gradient = 1 - 0.25 * (xs / canvas_w) * rng.uniform(0.3, 1.0) - 0.15 * (ys / canvas_h) * rng.uniform(0, 1)
    shadow = numpy.ones((canvas_h, canvas_w), numpy.float32)
    cx, cy = rng.uniform(0, canvas_w), rng.uniform(0, canvas_h)
    radius = rng.uniform(0.2, 0.45) * canvas_w
    shadow -= rng.uniform(0.25, 0.45) * numpy.exp(-(((xs - cx) ** 2 + (ys - cy) ** 2) / (2 * radius ** 2)))
    lit = out.astype(numpy.float32) * (gradient * shadow)[:, :, None]
    lit = numpy.clip(lit * numpy.float32([rng.uniform(0.9, 1.0), rng.uniform(0.95, 1.0), 1.0]), 0, 255)
    out = lit.astype(numpy.uint8)
    turn = rng.choice([None, cv2.ROTATE_90_CLOCKWISE, cv2.ROTATE_180, cv2.ROTATE_90_COUNTERCLOCKWISE])
    if turn is not None:
        out = cv2.rotate(out, turn)
    scale = long_side / max(out.shape[:2])
    out = cv2.resize(out, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    noise = numpy.random.default_rng(rng.randrange(1 << 30)).normal(0, 3, out.shape)
    out = numpy.clip(out.astype(numpy.float32) + noise, 0, 255).astype(numpy.uint8)
    return _jpeg(out, rng.randint(80, 92))


def samples(documents: list[Document], condition: str, pages: int, seed: int = 18) -> list[Sample]:
    """``pages`` synthetic pages under ``condition``, cycling through the documents' checklist pages."""
    rng = random.Random(f"{seed}-{condition}")
    sheets = [(d, s.page) for d in documents for s in d.layout.sheets]
    made = []
    for index in range(pages):
        document, page = sheets[index % len(sheets)]
        kind, _, number = condition.partition("-")
        dpi = float(number) if kind in ("clean", "scan") else 200.0
        image, truth, marks = mark_page(document, page, dpi, rng)
        if kind == "scan":
            image = scan(image, dpi, rng)
        elif kind == "photo":
            image = photo(image, int(number), dpi, rng)
        made.append(Sample(condition, document.name, document.layout.document_id, page, image, truth, marks))
    return made


@dataclass
class Score:
    """How a condition was read: pages, boxes and time."""

    condition: str
    pages: int = 0
    identified: int = 0
    boxes: int = 0
    right: int = 0
    wrong: int = 0
    unsure: int = 0
    expect_unsure: int = 0  # crossed-out ticks: not counted above
    caught: int = 0  # of those, left unsure
    seconds: list[float] = field(default_factory=list)
    mistakes: list[tuple[str, str, str, str]] = field(default_factory=list)  # (layout, mark, truth, read)
    unsure_marks: list[tuple[str, str]] = field(default_factory=list)  # (mark, the reader's reason)

    @property
    def decided(self) -> int:
        return self.right + self.wrong

    def row(self) -> dict[str, object]:
        pct = lambda n, d: round(100 * n / d, 2) if d else 0.0  # noqa: E731
        return {"condition": self.condition, "pages": self.pages, "identified %": pct(self.identified, self.pages),
                "boxes": self.boxes, "wrong %": pct(self.wrong, self.boxes), "unsure %": pct(self.unsure, self.boxes),
                "right among decided %": pct(self.right, self.decided),
                "crossed-out left unsure": f"{self.caught}/{self.expect_unsure}",
                "s/page median": round(sorted(self.seconds)[len(self.seconds) // 2], 3) if self.seconds else 0,
                "s/page max": round(max(self.seconds), 3) if self.seconds else 0}


def score_page(score: Score, sample: Sample, read: Any) -> None:
    """Add one page's reading to ``score``."""
    import time  # noqa: F401 - timing is taken by the caller

    score.pages += 1
    if read.status != "read" or read.document_id != sample.document_id:
        score.boxes += len([t for t in sample.truth.values() if t != "unsure"])
        score.unsure += len([t for t in sample.truth.values() if t != "unsure"])
        return
    score.identified += 1
    found = {box_key(r.box): r.state for r in read.boxes}
    reasons = {box_key(r.box): r.reason for r in read.boxes}
    for key, truth in sample.truth.items():
        state = found.get(key, "unsure")
        if truth == "unsure":
            score.expect_unsure += 1
            score.caught += state == "unsure"
            continue
        score.boxes += 1
        if state == "unsure":
            score.unsure += 1
            score.unsure_marks.append((sample.marks[key], reasons.get(key, "")))
        elif state == truth:
            score.right += 1
        else:
            score.wrong += 1
            score.mistakes.append((sample.layout, sample.marks[key], truth, state))
