"""The layout JSON beside each PDF: where every tick box of its checklist pages was drawn.

``<name>.layout.json`` sits beside ``<name>.pdf`` and is written the way the PDF is
(atomically, never over a file without --force). ``handouts read`` finds the sheet a
scanned page came from by the document id in the page's QR code, then reads the
boxes where this file says they are.
"""

from __future__ import annotations

import json
from pathlib import Path

from handouts.model.layout import LayoutMap, layout_record

SUFFIX = ".layout.json"


def layout_path(pdf: Path) -> Path:
    """Where the layout JSON of the PDF at ``pdf`` goes: ``p-0001.pdf`` → ``p-0001.layout.json``."""
    return pdf.with_name(pdf.stem + SUFFIX)


def layout_json(layout: LayoutMap, *, patient_id: str, kind: str) -> bytes:
    """The layout JSON of a document, as bytes (sorted keys, one box per line for a readable diff)."""
    record = layout_record(layout, patient_id=patient_id, kind=kind)
    lines = ["{"]
    items = list(record.items())
    for index, (key, value) in enumerate(items):
        comma = "," if index < len(items) - 1 else ""
        if isinstance(value, list) and value and isinstance(value[0], dict):
            inner = ",\n".join("    " + json.dumps(v, ensure_ascii=False) for v in value)
            lines.append(f"  {json.dumps(key)}: [\n{inner}\n  ]{comma}")
        else:
            lines.append(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}{comma}")
    lines.append("}")
    return ("\n".join(lines) + "\n").encode("utf-8")
