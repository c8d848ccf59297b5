"""The layout JSON beside each PDF: where every tick box of its checklist pages was drawn.

``<name>.layout.json`` sits beside ``<name>.pdf`` and is written the way the PDF is
(atomically, never over a file without --force). ``handouts read`` finds the sheet a
scanned page came from by the document id in the page's QR code, then reads the
boxes where this file says they are.

The file is ``layout_record`` written as ``json.dumps(..., ensure_ascii=False)`` would, one box
or cell a line. A handout has hundreds of boxes, so their lines are written straight from the
map here rather than a dictionary each through the json module (a test holds the two equal).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from handouts.model.layout import MM, LayoutMap, Rect, layout_record

if TYPE_CHECKING:
    from handouts.model.layout import PlacedBox, PlacedCell

SUFFIX = ".layout.json"


def layout_path(pdf: Path) -> Path:
    """Where the layout JSON of the PDF at ``pdf`` goes: ``p-0001.pdf`` → ``p-0001.layout.json``."""
    return pdf.with_name(pdf.stem + SUFFIX)


def layout_json(layout: LayoutMap, *, patient_id: str, kind: str) -> bytes:
    """The layout JSON of a document, as bytes (sorted keys, one box per line for a readable diff)."""
    record = layout_record(dataclasses.replace(layout, boxes=(), cells=()), patient_id=patient_id, kind=kind)
    height = layout.page_size[1]
    many = {"boxes": _lines(layout.boxes, height, _box), "cells": _lines(layout.cells, height, _cell)}
    lines = ["{"]
    items = list(record.items())
    for index, (key, value) in enumerate(items):
        comma = "," if index < len(items) - 1 else ""
        objects = many.get(key) or (
            ["    " + _dumps(v) for v in value] if isinstance(value, list) and value and isinstance(value[0], dict)
            else None)
        if objects:
            inner = ",\n".join(objects)
            lines.append(f"  {_dumps(key)}: [\n{inner}\n  ]{comma}")
        else:
            lines.append(f"  {_dumps(key)}: {_dumps(value)}{comma}")
    lines.append("}")
    return ("\n".join(lines) + "\n").encode("utf-8")


_dumps = json.JSONEncoder(ensure_ascii=False).encode
_text = json.encoder.encode_basestring  # type: ignore[attr-defined]  # a str as json.dumps writes it


def _rect(rect: Rect, page_height: float) -> str:
    """``model.layout._mm`` as JSON: millimetres from the top-left, [left, top, width, height]."""
    return (f"[{round(rect.x / MM, 3)!r}, {round((page_height - rect.y - rect.height) / MM, 3)!r}, "
            f"{round(rect.width / MM, 3)!r}, {round(rect.height / MM, 3)!r}]")


#: Each box's and cell's line (indented as it is written), by the object's identity and the page height (the
#: object is kept, so its identity is not reused): a replayed week notes the very box objects it noted before
#: (``frozen._PLACED``), and hashing hundreds of boxes field by field was most of this file's time.
_LINES: dict[tuple[int, float], tuple[Any, str]] = {}
_KEPT_LINES = 8192


def _lines(items: Sequence[PlacedBox] | Sequence[PlacedCell], page_height: float,
           write: Callable[[Any, float], str]) -> list[str]:
    out = []
    for item in items:  # (a loop here, not a call a box: a handout has a few hundred)
        key = (id(item), page_height)
        found = _LINES.get(key)
        if found is None or found[0] is not item:
            if len(_LINES) >= _KEPT_LINES:
                _LINES.clear()
            found = _LINES[key] = (item, "    " + write(item, page_height))
        out.append(found[1])
    return out


def _box(box: PlacedBox, page_height: float) -> str:
    return (f'{{"page": {box.page:d}, "kind": {_text(box.kind)}, "exercise_id": {_text(box.exercise_id)}, '
            f'"date": "{box.date.isoformat()}", "session": {box.session:d}, "value": {_text(box.value)}, '
            f'"rect": {_rect(box.rect, page_height)}}}')


def _cell(cell: PlacedCell, page_height: float) -> str:
    day = f'"{cell.date.isoformat()}"' if cell.date else "null"
    return (f'{{"page": {cell.page:d}, "kind": {_text(cell.kind)}, "date": {day}, "week": {cell.week:d}, '
            f'"rect": {_rect(cell.rect, page_height)}}}')
