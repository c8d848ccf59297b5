"""What one running web app holds: the library it was opened with and a picture cache."""

from __future__ import annotations

import importlib.util
import threading
from dataclasses import dataclass, field
from pathlib import Path

from handouts.render.pdf.figures import write_figure
from handouts.run.library import Library


def figure_suffix() -> str:
    """'png' when pypdfium2 can draw PNGs (the tools extra), else 'svg' (ReportLab draws it alone)."""
    return "png" if importlib.util.find_spec("pypdfium2") is not None else "svg"


@dataclass
class Settings:
    """The library and folders of this app, shared by every request."""

    library: Library
    data: Path | None = None
    templates: Path | None = None
    figure_suffix: str = field(default_factory=figure_suffix)
    _pictures: dict[str, bytes] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def picture(self, exercise_id: str) -> bytes | None:
        """The exercise's picture in ``figure_suffix`` format, drawn once per process; None if it has none."""
        exercise = self.library.dataset.exercises.get(exercise_id)
        if exercise is None or exercise.illustration is None:
            return None
        with self._lock:
            if exercise_id not in self._pictures:
                self._pictures[exercise_id] = write_figure(exercise.illustration, f".{self.figure_suffix}")
            return self._pictures[exercise_id]
