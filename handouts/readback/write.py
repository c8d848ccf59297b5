"""Write what reading found: adherence.csv, review.csv with a PNG crop of every box to check and of
every page not read, and the JSON other programs read.

Files are written atomically and, like handouts, never over an earlier file
without ``force``. Crops are named by document id, page, date and box, never by
a patient's name.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from handouts.errors import OutputExistsError
from handouts.readback.boxes import UNSURE, BoxRead
from handouts.readback.locate import PX_PER_MM
from handouts.readback.result import ADHERENCE_COLUMNS, READ, REVIEW_COLUMNS, PageRead, Result
from handouts.run.output import write_atomic

ADHERENCE, REVIEW, CROPS = "adherence.csv", "review.csv", "review"
CROP_MARGIN_MM = 4.0


def _csv(rows: list[dict[str, object]], columns: tuple[str, ...]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _defuse(str(v)) for k, v in row.items()})
    return buffer.getvalue().encode("utf-8")


def _defuse(cell: str) -> str:
    return "'" + cell if cell.startswith(("=", "+", "-", "@", "\t", "\r")) else cell


def _png(image: object) -> bytes:
    import cv2

    ok, data = cv2.imencode(".png", image)
    return bytes(data) if ok else b""


def box_crop(page: PageRead, read: BoxRead, *, margin_mm: float = CROP_MARGIN_MM) -> object:
    """The box and what is around it on the square-on page (for the pain row: the written score too)."""
    x, y, side, _ = read.rect_px
    margin = int(margin_mm * PX_PER_MM)
    right = margin + (int(12 * PX_PER_MM) if read.box.kind in ("pain", "leg_pain") else 0)
    image = page.image
    return image[max(0, y - margin):y + side + margin, max(0, x - margin):x + side + right]  # type: ignore[index]


def _crop_name(page: PageRead, read: BoxRead) -> str:
    b = read.box
    return f"{page.document_id}-p{page.page}-{b.date.isoformat()}-{b.kind}-{b.exercise_id}-{b.session}.png"


def review_rows(result: Result) -> list[tuple[dict[str, object], str, object]]:
    """(row, crop file name, crop image) for every unsure box and every page not read."""
    found = []
    for index, page in enumerate(result.pages, start=1):
        if page.status != READ:
            name = f"page-{index:03d}-{page.status}.png" if page.image is not None else ""
            found.append(({"source": page.source, "patient_id": page.patient_id, "document_id": page.document_id,
                           "page": page.page or "", "date": "", "kind": "", "exercise_id": "", "box": "",
                           "state": page.status, "reason": page.reason, "crop": name}, name, page.image))
            continue
        for read in page.boxes:
            if read.state != UNSURE:
                continue
            name = _crop_name(page, read)
            found.append(({"source": page.source, "patient_id": page.patient_id, "document_id": page.document_id,
                           "page": page.page, "date": read.box.date.isoformat(), "kind": read.box.kind,
                           "exercise_id": read.box.exercise_id, "box": read.box.value, "state": read.state,
                           "reason": read.reason, "crop": f"{CROPS}/{name}"}, name, box_crop(page, read)))
    return found


def adherence_bytes(result: Result) -> bytes:
    """adherence.csv of ``result`` as bytes (UTF-8, CRLF, spreadsheet formulas defused)."""
    return _csv(result.adherence_rows(), ADHERENCE_COLUMNS)


def write_result(result: Result, folder: str | Path, *, force: bool = False) -> list[Path]:
    """Write adherence.csv, review.csv and the review crops into ``folder``; the paths written."""
    import cv2

    folder = Path(folder)
    targets = [folder / ADHERENCE, folder / REVIEW]
    if not force:
        for path in targets:
            if path.exists() or path.is_symlink():
                raise OutputExistsError("the file exists; pass --force to replace it, or choose another folder "
                                        "with -o", path=path)
    written = []
    review = review_rows(result)
    for row, name, image in review:
        if not name or image is None:
            continue
        if row["state"] != UNSURE:  # a whole page: smaller, it is for finding the page again
            image = cv2.resize(image, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
            path = folder / CROPS / name
            row["crop"] = f"{CROPS}/{name}"
        else:
            path = folder / CROPS / name
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, _png(image), force=True)
        written.append(path)
    write_atomic(targets[0], adherence_bytes(result), force=True)
    write_atomic(targets[1], _csv([row for row, _, _ in review], REVIEW_COLUMNS), force=True)
    return [*targets, *written]


def result_json(result: Result) -> str:
    """The outcome for other programs: every page, its counts, and the summary lines (no names)."""
    return json.dumps({
        "exit_code": result.exit_code,
        "pages": [{"source": p.source, "status": p.status, "reason": p.reason, "document_id": p.document_id,
                   "page": p.page, "patient_id": p.patient_id, "boxes": len(p.boxes), "ticked": p.count("ticked"),
                   "blank": p.count("blank"), "unsure": p.count("unsure"), "seconds": round(p.seconds, 3)}
                  for p in result.pages],
        "summary": result.summaries(),
        "notes": result.notes,
    }, indent=2, ensure_ascii=False)


#: Outline colours (BGR) of a read page: green ticked, grey blank, orange unsure.
OUTLINES = {"ticked": (40, 150, 30), "blank": (150, 150, 150), "unsure": (0, 140, 255)}


def annotated(page: PageRead) -> object:
    """The page square-on with every box outlined by how it was read (for the review and the docs)."""
    import cv2

    image = page.image.copy()  # type: ignore[union-attr]
    for read in page.boxes:
        x, y, side, _ = read.rect_px
        grow = int(0.8 * PX_PER_MM)
        cv2.rectangle(image, (x - grow, y - grow), (x + side + grow, y + side + grow), OUTLINES[read.state],
                      max(2, int(0.5 * PX_PER_MM)))
    return image
